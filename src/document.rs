//! The snapshot document: the JSON envelope of spec §3.5, read into validated rows.
//!
//! Two tiers of trouble, and the line between them is deliberate. A document that is not JSON, has the
//! wrong type at the top level, or lacks `org.id` cannot be evaluated at all: that is a [`SnapshotError`].
//! Anything wrong inside one row — a bad shape, an unknown enum value, a reference to nothing, a foreign
//! org, a duplicate — costs only that row (or that entry of a list): it is skipped and recorded as a
//! [`Warning`], and the rest of the snapshot still answers. Skipping never widens access, because grants
//! only add.
//!
//! Rows are read in one pass, borrowing strings from the input where JSON escapes allow, and only the
//! fields the model uses are kept; everything else (the API grows) is skipped without being built.

pub(crate) mod delta;
mod error;
mod json;
mod parse;
mod rows;
mod warning;

pub use error::{ErrorCode, SnapshotError};
pub use warning::{Warning, WarningCode};

pub(crate) use json::{Origin, Reader};
pub(crate) use parse::{Envelope, Item, Read, Sink, check_size, read_all};
pub(crate) use rows::{
    AclGrant, AclHolder, AclRow, GroupPatch, GroupRow, Head, IntoOwned, Member, ObjectRow, PrincipalRow,
    ProjectGroupRow, RolePatch, RoleRow,
};
