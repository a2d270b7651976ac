//! The JS `SnapshotLoader`: the core's [`crate::SnapshotLoader`] behind a class, so that a document
//! arriving in pieces (a fetched body, a WebSocket) is read as it comes and never sits in wasm memory whole.

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::convert;
use super::snapshot::Snapshot;

/// The most bytes of a piece copied into wasm memory at a time. A bigger piece is read in parts of this
/// size, which the core takes as it takes any cut: a 40 MB `Uint8Array` then costs 64 KiB of linear
/// memory, not 40 MB, and a piece too big for the address space meets the document-size limit before it
/// could abort the instance. Fetched bodies arrive in pieces no bigger than this.
const COPY_BYTES: u32 = 64 * 1024;

/// Reads a snapshot document given in pieces (`Uint8Array`s of its UTF-8 text, cut anywhere), as they
/// arrive: `push` each, then `finish` for the snapshot. It gives exactly what `Snapshot.fromJson` gives for
/// the whole text, warnings and errors alike, without holding the whole text. After an error, every later
/// call throws it again.
#[wasm_bindgen]
pub struct SnapshotLoader {
    state: State,
}

enum State {
    Reading(Box<crate::SnapshotLoader>),
    /// `finish` failed: the core loader is gone, its error stays.
    Failed(crate::SnapshotError),
    /// `finish` gave the snapshot.
    Finished,
}

#[wasm_bindgen]
impl SnapshotLoader {
    /// A loader for a document to be read within the options' limits and expiry (the options
    /// `Snapshot.fromJson` takes).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "LoadOptions")] options: Option<JsValue>,
    ) -> Result<SnapshotLoader, JsValue> {
        let options = super::load::load_options(options)?;
        Ok(SnapshotLoader { state: State::Reading(Box::new(crate::SnapshotLoader::new(&options))) })
    }

    /// Reads the next piece of the document, as far as it goes. Throws as soon as the text so far shows
    /// the document is bad, with the `code`, `path`, `line` and `column` a whole read gives.
    pub fn push(&mut self, #[wasm_bindgen(unchecked_param_type = "Uint8Array")] piece: JsValue) -> Result<(), JsValue> {
        let State::Reading(loader) = &mut self.state else {
            return Err(self.done());
        };
        let Some(piece) = piece.dyn_ref::<Uint8Array>() else {
            return Err(convert::error("wrong_type", "a piece of the document must be a Uint8Array", "piece", None));
        };
        feed(loader, piece).map_err(|e| convert::snapshot_error(&e))?;
        Ok(())
    }

    /// Reads what is left and gives the snapshot. The loader is then done: later calls throw `finished`.
    pub fn finish(&mut self) -> Result<Snapshot, JsValue> {
        match std::mem::replace(&mut self.state, State::Finished) {
            State::Reading(loader) => {
                let loaded = loader.finish();
                if let Err(e) = &loaded {
                    self.state = State::Failed(e.clone());
                }
                Snapshot::load(loaded)
            }
            failed_or_finished => {
                self.state = failed_or_finished;
                Err(self.done())
            }
        }
    }
}

impl SnapshotLoader {
    /// What a call on a loader that is no longer reading throws.
    fn done(&self) -> JsValue {
        match &self.state {
            State::Failed(e) => convert::snapshot_error(e),
            State::Reading(_) | State::Finished => {
                convert::error("finished", "the loader has already given its snapshot", "", None)
            }
        }
    }
}

/// Gives the core loader `bytes`, copied into wasm memory in parts of at most [`COPY_BYTES`], each
/// straight into the loader's buffer.
pub(super) fn feed(loader: &mut crate::SnapshotLoader, bytes: &Uint8Array) -> Result<(), crate::SnapshotError> {
    let len = bytes.length();
    for start in (0..len).step_by(COPY_BYTES as usize) {
        let part = bytes.subarray(start, len.min(start.saturating_add(COPY_BYTES)));
        loader.push_with(part.length() as usize, |space| part.copy_to(space))?;
    }
    Ok(())
}
