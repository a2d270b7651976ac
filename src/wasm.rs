//! The JavaScript bindings: classes `Snapshot`, `Subject` and `SnapshotLoader`, exported with wasm-bindgen.
//!
//! This layer only converts: JS strings and arrays into core types, core answers into JS values, core
//! errors into thrown `Error`s carrying `code`, `message` and `path`. No permission is decided here — every
//! method is one call into the core — so the native tests cover the logic and the wasm tests cover the
//! conversions. Nothing here may panic: with `panic = "abort"` a panic would take the instance down for
//! every later call, so bad input always becomes a thrown error.

mod convert;
mod delta;
mod load;
mod loader;
mod snapshot;
mod subject;
mod types;

pub use loader::SnapshotLoader;
pub use snapshot::Snapshot;
pub use subject::Subject;
