//! [`SnapshotLoader`]: a snapshot document read piece by piece, as a fetched body arrives.
//!
//! Read at once, a document must sit in memory whole while it is read: for a 100k-row org that is 40 MB,
//! more than everything the compiled snapshot keeps. Read in pieces, only the piece at hand is held,
//! plus the end of the last one when a row ran across the seam. The rows go into the index as they are
//! read either way (see `index::build`), so a snapshot loaded in pieces is the one loaded at once, with
//! the same warnings and, for a bad document, the same error at the same line and column.

use crate::document::{self, Envelope, Origin, SnapshotError};
use crate::index::Builder;
use crate::options::LoadOptions;
use crate::snapshot::Snapshot;

/// Loads a snapshot from a document given in pieces of any size, cut anywhere.
///
/// # Example
/// ```
/// use permeval::{LoadOptions, ObjectRef, ObjectType, Permission, SnapshotLoader};
///
/// let text = r#"{"org": {"id": "O"}, "users": [{"id": "U"}],
///   "acls": [{"id": "a1", "object_type": "organization", "object_id": "O", "user_id": "U", "permission": "read"}]}"#;
/// let mut loader = SnapshotLoader::new(&LoadOptions::default());
/// for piece in text.as_bytes().chunks(7) {
///     loader.push(piece)?;
/// }
/// let snap = loader.finish()?;
/// assert!(snap.can("U", Permission::Read, &ObjectRef::new(ObjectType::Organization, "O")));
/// # Ok::<(), permeval::SnapshotError>(())
/// ```
pub struct SnapshotLoader {
    options: LoadOptions,
    envelope: Envelope,
    builder: Builder,
    /// Text given but not read yet: the part of the pieces so far that a piece's end cut off.
    unread: Vec<u8>,
    /// Where `unread` starts in the document.
    origin: Origin,
    /// How long `unread` must grow before it is read again: twice what a cut-off unit left. A unit read
    /// again costs its length, so a long one (a 4 MB id) given in many short pieces would cost the square
    /// of its length; waiting for the text to double keeps the whole read linear.
    wanted: usize,
    /// Bytes given so far.
    received: usize,
    /// The error that stopped the load: every later call gives it again.
    failed: Option<SnapshotError>,
}

impl std::fmt::Debug for SnapshotLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotLoader")
            .field("received", &self.received)
            .field("unread", &self.unread.len())
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl SnapshotLoader {
    /// A loader for a document to be read within `options`' limits and expiry.
    pub fn new(options: &LoadOptions) -> SnapshotLoader {
        SnapshotLoader {
            options: *options,
            envelope: Envelope::default(),
            builder: Builder::new(&options.limits),
            unread: Vec::new(),
            origin: Origin::default(),
            wanted: 0,
            received: 0,
            failed: None,
        }
    }

    /// Reads the next piece of the document, as far as it goes.
    ///
    /// # Errors
    /// The error [`Snapshot::from_slice_with`] gives for the document, once the text given so far shows
    /// it (a piece that ends inside a row may be read only with a later one): not JSON, the wrong type at the top level or for a section, a limit exceeded (the
    /// document's size counts what was given so far). Once a call has failed, every later call fails
    /// with the same error.
    pub fn push(&mut self, piece: &[u8]) -> Result<(), SnapshotError> {
        self.read(piece, false)
    }

    /// Reads what is left, and gives the snapshot.
    ///
    /// # Errors
    /// As [`Snapshot::from_slice_with`] for the whole document.
    pub fn finish(mut self) -> Result<Snapshot, SnapshotError> {
        self.read(&[], true)?;
        Snapshot::assemble(self.envelope, self.builder, &self.options)
    }

    fn read(&mut self, piece: &[u8], last: bool) -> Result<(), SnapshotError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = self.read_piece(piece, last);
        if let Err(e) = &result {
            self.failed = Some(e.clone());
        }
        result
    }

    fn read_piece(&mut self, piece: &[u8], last: bool) -> Result<(), SnapshotError> {
        self.received = self.received.saturating_add(piece.len());
        document::check_size(self.received, &self.options.limits)?;
        let SnapshotLoader { envelope, builder, unread, origin, options, wanted, .. } = self;
        // With nothing left over, the piece is read where it lies; only what it cuts off is kept.
        let kept = !unread.is_empty();
        if kept {
            unread.extend_from_slice(piece);
            if !last && unread.len() < *wanted {
                return Ok(());
            }
        }
        let text: &[u8] = if kept { unread } else { piece };
        let mut reader = document::Reader::at(text, options.limits, *origin);
        envelope.read(&mut reader, &mut builder.feed(), last).map_err(|f| reader.error(f))?;
        let used = reader.read();
        *origin = origin.after(used);
        let used = used.len();
        if kept {
            unread.drain(..used);
        } else {
            unread.extend_from_slice(piece.get(used..).unwrap_or_default());
        }
        *wanted = unread.len().saturating_mul(2);
        Ok(())
    }
}
