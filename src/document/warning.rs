//! Row-level problems: the row (or list entry) is skipped, the snapshot still loads, and a warning
//! records what and where.

use std::fmt;

/// The kind of a row-level problem. Codes are stable strings (see [`WarningCode::as_str`]).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningCode {
    /// A section was `null`; it is read as empty.
    NullSection,
    /// An array element that should be an object is not.
    NotAnObject,
    /// A field has the wrong JSON type.
    WrongType,
    /// A required field is missing, null or empty.
    MissingField,
    /// A key appears twice in one row; the row is ambiguous and skipped.
    DuplicateKey,
    /// An ACL names both or neither of `user_id` and `group_id`.
    InvalidAclPrincipal,
    /// An ACL names both or neither of `permission` and `role_id`.
    InvalidAclGrant,
    /// A permission name that is not one of the eight.
    UnknownPermission,
    /// An object type this crate does not know; the row is kept and reaches only its exact object.
    UnknownObjectType,
    /// A user or service-account id that is not a member of the org.
    UnknownPrincipal,
    /// A group id that is not in `groups`.
    UnknownGroup,
    /// A role id that is not in `roles`; the grant resolves to nothing (spec §4.3 g).
    UnknownRole,
    /// A project id that is not in `projects`.
    UnknownProject,
    /// A row of another org (`_object_org_id`, `org_id`, or an org-wide object with another org's id).
    ForeignOrg,
    /// A second row with an id already seen; the first occurrence wins.
    DuplicateId,
    /// A second ACL with the same identity tuple of spec §3.1; the first occurrence wins.
    DuplicateAcl,
}

impl WarningCode {
    /// The stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::NullSection => "null_section",
            WarningCode::NotAnObject => "not_an_object",
            WarningCode::WrongType => "wrong_type",
            WarningCode::MissingField => "missing_field",
            WarningCode::DuplicateKey => "duplicate_key",
            WarningCode::InvalidAclPrincipal => "invalid_acl_principal",
            WarningCode::InvalidAclGrant => "invalid_acl_grant",
            WarningCode::UnknownPermission => "unknown_permission",
            WarningCode::UnknownObjectType => "unknown_object_type",
            WarningCode::UnknownPrincipal => "unknown_principal",
            WarningCode::UnknownGroup => "unknown_group",
            WarningCode::UnknownRole => "unknown_role",
            WarningCode::UnknownProject => "unknown_project",
            WarningCode::ForeignOrg => "foreign_org",
            WarningCode::DuplicateId => "duplicate_id",
            WarningCode::DuplicateAcl => "duplicate_acl",
        }
    }
}

impl fmt::Display for WarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A row-level problem found while loading: what ([`code`](Self::code)), in words, and where (a JSON path
/// such as `acls[17].role_id`).
///
/// # Example
/// ```
/// use permeval::{Snapshot, WarningCode};
///
/// let snap = Snapshot::from_json(r#"{
///   "org": {"id": "O"}, "users": [{"id": "U"}],
///   "acls": [{"id": "a1", "object_type": "organization", "object_id": "O", "user_id": "U", "role_id": "nope"}]
/// }"#)?;
/// let w = &snap.warnings()[0];
/// assert_eq!((w.code(), w.path()), (WarningCode::UnknownRole, "acls[0].role_id"));
/// # Ok::<(), permeval::SnapshotError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub(crate) code: WarningCode,
    pub(crate) message: String,
    pub(crate) path: String,
}

impl Warning {
    pub(crate) fn new(code: WarningCode, message: impl Into<String>, path: impl Into<String>) -> Self {
        Warning { code, message: message.into(), path: path.into() }
    }

    /// What kind of problem.
    pub fn code(&self) -> WarningCode {
        self.code
    }

    /// One lowercase sentence saying what was wrong and what was done about it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The JSON path of the row or field, e.g. `acls[17].role_id`.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at `{}` ({})", self.message, self.path, self.code)
    }
}
