//! Braintrust-style access control, evaluated locally from an ACL snapshot.
//!
//! Braintrust's server decides who may do what. permeval answers the same question on the client — in a
//! browser that hides buttons a user may not press, or an edge worker that turns a request away early —
//! from a snapshot of the org's ACLs, groups, roles, projects and objects, in well under a microsecond a
//! check. The semantics follow the project's spec (`model.md`) to the letter; where the spec leaves room,
//! the reading chosen is the fail-closed one, and the README lists each choice.
//!
//! # The model in one paragraph
//!
//! An org holds projects (optionally in project groups, which overlap), and projects hold experiments,
//! datasets, prompts, playgrounds (`prompt_session`) and logs (`project_log`). ACL rows grant one of eight
//! [`Permission`]s, or a role (a named bundle of permissions that may inherit other roles), to a user or a
//! permission group (groups nest: a group's members include the members of its `member_groups`). Grants
//! only add; a grant on an object cascades to everything below it; `restrict_object_type` narrows a grant
//! to objects of one type anywhere below. A principal's effective permissions are the union over its own
//! grants and those of every group it is in. Service accounts are users. Anything unknown, deleted or
//! malformed grants nothing.
//!
//! # Example
//!
//! ```
//! use permeval::{ObjectRef, ObjectType, Permission, Snapshot};
//!
//! let snap = Snapshot::from_json(r#"{
//!   "org": {"id": "O", "name": "acme"},
//!   "users": [{"id": "U_CAROL"}],
//!   "groups": [{"id": "G_DS", "org_id": "O", "name": "data-sci", "member_users": ["U_CAROL"]}],
//!   "roles": [{"id": "R_DS", "org_id": "O", "name": "DataScientist", "member_permissions": [
//!       {"permission": "read"}, {"permission": "update", "restrict_object_type": "experiment"}]}],
//!   "projects": [{"id": "P1", "org_id": "O", "name": "chatbot"}],
//!   "objects": [{"type": "experiment", "id": "E1", "project_id": "P1"},
//!               {"type": "dataset", "id": "D1", "project_id": "P1"}],
//!   "acls": [{"id": "a13", "object_type": "project", "object_id": "P1", "group_id": "G_DS", "role_id": "R_DS"}]
//! }"#)?;
//!
//! let carol = snap.subject("U_CAROL");
//! assert!(carol.can(Permission::Update, &ObjectRef::new(ObjectType::Experiment, "E1")));
//! assert!(!carol.can(Permission::Update, &ObjectRef::new(ObjectType::Dataset, "D1"))); // restricted to experiments
//! assert!(carol.can(Permission::Read, &ObjectRef::new(ObjectType::Dataset, "D1")));
//! # Ok::<(), permeval::SnapshotError>(())
//! ```
//!
//! # Contents
//!
//! - [`Snapshot`]: load a snapshot document ([`Snapshot::from_json`], [`Snapshot::from_slice`]), read its
//!   [`Warning`]s, and ask [`Snapshot::can`], [`Snapshot::effective`], [`Snapshot::can_create`],
//!   [`Snapshot::explain`], [`Snapshot::who_can`] and [`Snapshot::accessible`] (over
//!   [`Snapshot::listed_ids`]).
//! - Live snapshots: [`Snapshot::apply_acl_batch`], [`Snapshot::patch_group`], [`Snapshot::patch_role`] and
//!   [`Snapshot::upsert`] apply changes in Braintrust's write shapes, all or nothing, counted by
//!   [`Snapshot::version`]; [`Snapshot::to_json`] writes the resulting document.
//! - [`Snapshot::project_for`]: the document to ship one principal instead of the whole org's.
//! - [`Subject`]: one principal resolved once, with batch forms ([`Subject::effective_batch`],
//!   [`Subject::can_batch`], [`Subject::accessible_positions`]) that write into a caller's buffer.
//! - [`Explanation`]: the grant paths behind an answer ([`GrantPath`]), or a [`DenialReason`].
//! - The vocabulary: [`Permission`] and [`PermissionSet`], [`ObjectType`] and [`ObjectRef`],
//!   [`Principal`].
//! - Errors: [`SnapshotError`] (a document that cannot be loaded, or a delta refused) and [`Warning`] (a row
//!   that was skipped).
//! - Hostile input: [`LoadOptions`] with its [`Limits`] and expiry ([`Clock`]), and signed snapshots
//!   ([`Snapshot::from_signed_json`] with [`PublicKey`] and [`Signature`]).
//!
//! # How it is built
//!
//! Loading runs in two stages, each in its own module: the document is read in one pass into validated
//! rows that borrow from the input (`document`), then compiled into an index of dense integers with every
//! closure precomputed (`index`). Queries (`snapshot`, `subject`, `explain`) only read the index. The index
//! keeps the validated rows it was derived from (`index::tables`), so that a delta (`delta`) can change a
//! row and derive again what depends on it, through the same functions the build uses.

#![deny(missing_docs)]

mod capabilities;
mod delta;
mod document;
mod expiry;
mod explain;
mod index;
mod json_out;
mod loader;
mod model;
mod options;
mod projection;
mod signature;
mod snapshot;
mod subject;
mod text;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use capabilities::{Access, Capabilities, ObjectKind, OrgCapabilities, ProjectCapabilities};
pub use document::{ErrorCode, SnapshotError, Warning, WarningCode};
pub use explain::{Decision, DenialReason, Explanation, GrantHolder, GrantPath};
pub use loader::SnapshotLoader;
pub use model::{ObjectRef, ObjectType, ParsePermissionError, Permission, PermissionSet, Principal, PrincipalKind};
pub use options::{Clock, Limits, LoadOptions};
pub use signature::{PublicKey, Signature};
pub use snapshot::Snapshot;
pub use subject::{Subject, SubjectKey};

// The README's Rust examples run as doctests, so the README cannot drift from the code.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
