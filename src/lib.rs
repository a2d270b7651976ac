//! permeval
#![deny(missing_docs)]
mod document;
mod explain;
mod index;
mod model;
mod snapshot;
mod subject;
pub use document::{ErrorCode, SnapshotError, Warning, WarningCode};
pub use explain::{Decision, DenialReason, Explanation, GrantHolder, GrantPath};
pub use model::{ObjectRef, ObjectType, ParsePermissionError, Permission, PermissionSet, Principal, PrincipalKind};
pub use snapshot::Snapshot;
pub use subject::Subject;
