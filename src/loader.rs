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
    /// it (a piece that ends inside a row may be read only with a later one): not JSON, the wrong type at
    /// the top level or for a section, a limit exceeded (the document's size counts what was given so
    /// far). Once a call has failed, every later call fails with the same error.
    pub fn push(&mut self, piece: &[u8]) -> Result<(), SnapshotError> {
        self.guarded(|l| {
            l.count(piece.len())?;
            if !l.unread.is_empty() {
                l.unread.extend_from_slice(piece);
                return l.read_unread(false);
            }
            // With nothing left over, the piece is read where it lies; only what it cuts off is kept.
            let used = read(piece, &mut l.envelope, &mut l.builder, &mut l.origin, &l.options, false)?;
            l.unread.extend_from_slice(piece.get(used..).unwrap_or_default());
            l.wanted = l.unread.len().saturating_mul(2);
            Ok(())
        })
    }

    /// [`SnapshotLoader::push`] of a piece of `len` bytes that `fill` writes straight into the loader's
    /// own buffer: a piece held elsewhere (in JS memory) is then copied once.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn push_with(&mut self, len: usize, fill: impl FnOnce(&mut [u8])) -> Result<(), SnapshotError> {
        self.guarded(|l| {
            l.count(len)?;
            let start = l.unread.len();
            l.unread.resize(start.saturating_add(len), 0);
            if let Some(space) = l.unread.get_mut(start..) {
                fill(space);
            }
            l.read_unread(false)
        })
    }

    /// Reads what is left, and gives the snapshot.
    ///
    /// # Errors
    /// As [`Snapshot::from_slice_with`] for the whole document.
    pub fn finish(mut self) -> Result<Snapshot, SnapshotError> {
        self.guarded(|l| l.read_unread(true))?;
        Snapshot::assemble(self.envelope, self.builder, &self.options)
    }

    /// Runs `step` unless an earlier call failed, and keeps its error.
    fn guarded(&mut self, step: impl FnOnce(&mut Self) -> Result<(), SnapshotError>) -> Result<(), SnapshotError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = step(self);
        if let Err(e) = &result {
            self.failed = Some(e.clone());
        }
        result
    }

    /// Counts `len` more bytes given, within the document-size limit.
    fn count(&mut self, len: usize) -> Result<(), SnapshotError> {
        self.received = self.received.saturating_add(len);
        document::check_size(self.received, &self.options.limits)
    }

    /// Reads the text given and not read yet, once there is enough of it (or it is the last).
    fn read_unread(&mut self, last: bool) -> Result<(), SnapshotError> {
        if !last && self.unread.len() < self.wanted {
            return Ok(());
        }
        let used = read(&self.unread, &mut self.envelope, &mut self.builder, &mut self.origin, &self.options, last)?;
        self.unread.drain(..used);
        self.wanted = self.unread.len().saturating_mul(2);
        Ok(())
    }
}

/// Reads `text`, which starts at `origin`, as far as it goes; gives how much of it was read, and moves
/// `origin` past that.
fn read(
    text: &[u8],
    envelope: &mut Envelope,
    builder: &mut Builder,
    origin: &mut Origin,
    options: &LoadOptions,
    last: bool,
) -> Result<usize, SnapshotError> {
    let mut reader = document::Reader::at(text, options.limits, *origin);
    envelope.read(&mut reader, &mut builder.feed(), last).map_err(|f| reader.error(f))?;
    let used = reader.read();
    *origin = origin.after(used);
    Ok(used.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Warning;

    fn outcome(loaded: Result<Snapshot, SnapshotError>) -> Result<(String, Vec<Warning>), SnapshotError> {
        loaded.map(|s| (s.to_json(), s.warnings().to_vec()))
    }

    /// A piece written into the loader's buffer reads as the same piece given as a slice.
    #[test]
    fn pieces_filled_in_place_read_as_pieces_given() {
        let text = br#"{"org": {"id": "O"}, "users": [{"id": "U"}, {"id": "U"}], "acls": [{"id": "a",
            "object_type": "organization", "object_id": "O", "user_id": "U", "permission": "read"}]}"#;
        for size in [1, 2, 5, 16, 64, text.len()] {
            let mut given = SnapshotLoader::new(&LoadOptions::default());
            let mut filled = SnapshotLoader::new(&LoadOptions::default());
            for piece in text.chunks(size) {
                given.push(piece).map_err(|e| e.to_string()).unwrap_or_else(|e| panic!("{size}: {e}"));
                filled
                    .push_with(piece.len(), |space| space.copy_from_slice(piece))
                    .unwrap_or_else(|e| panic!("{size}: {e}"));
            }
            let (given, filled) = (outcome(given.finish()), outcome(filled.finish()));
            assert_eq!(filled, given, "pieces of {size}");
            assert_eq!(given.map(|(_, w)| w.len()), Ok(1), "the duplicate user is warned about");
        }
        let mut broken = SnapshotLoader::new(&LoadOptions::default());
        let text = br#"{"org": {"id": "O"}, "users": [{"id": ]"#;
        let err = broken.push_with(text.len(), |space| space.copy_from_slice(text));
        let err = err.and_then(|()| broken.finish().map(|_| ())).expect_err("broken text fails");
        assert_eq!((err.line(), err.column()), (Some(1), Some(39)));
    }
}
