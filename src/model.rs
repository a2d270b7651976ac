//! The vocabulary of Braintrust's access-control model: permissions, object types and object references.
//!
//! These types are what callers speak; the compiled index translates them into dense integers once, at the
//! edge of each query, so that nothing past that point compares strings.

mod object_ref;
mod object_type;
mod permission;
mod principal;

pub use object_ref::ObjectRef;
pub use object_type::ObjectType;
pub use permission::{ParsePermissionError, Permission, PermissionSet};
pub use principal::{Principal, PrincipalKind};

pub(crate) use object_type::KNOWN_TYPES;
