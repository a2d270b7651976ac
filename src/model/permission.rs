//! The eight permissions of Braintrust's ACL API, one at a time ([`Permission`]) and as a set
//! ([`PermissionSet`]).
//!
//! The API has no "owner" or "manage" permission: those are UI bundles. The one bundle the model needs,
//! "manage access", is the four `*_acls` permissions together, and it holds only when all four do (spec
//! §4.3 k), so it is a constant of the set and a predicate, never a ninth bit.

use std::fmt;
use std::str::FromStr;

use bitflags::bitflags;

use crate::text;

/// One of the eight permissions an ACL can grant.
///
/// The order of the variants is the canonical order in which permissions are listed everywhere
/// (`create, read, update, delete, create_acls, read_acls, update_acls, delete_acls`).
///
/// # Example
/// ```
/// use permeval::Permission;
///
/// let p: Permission = "update_acls".parse()?;
/// assert_eq!(p, Permission::UpdateAcls);
/// assert_eq!(p.as_str(), "update_acls");
/// assert!("raed".parse::<Permission>().is_err());
/// # Ok::<(), permeval::ParsePermissionError>(())
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// `create`: create the object, or children under it.
    Create,
    /// `read`: view the object (and, by cascade, its descendants).
    Read,
    /// `update`: modify the object.
    Update,
    /// `delete`: delete the object.
    Delete,
    /// `create_acls`: add ACLs on the object.
    CreateAcls,
    /// `read_acls`: list ACLs on the object.
    ReadAcls,
    /// `update_acls`: modify ACLs on the object.
    UpdateAcls,
    /// `delete_acls`: remove ACLs on the object.
    DeleteAcls,
}

impl Permission {
    /// All eight permissions in canonical order.
    pub const ALL: [Permission; 8] = [
        Permission::Create,
        Permission::Read,
        Permission::Update,
        Permission::Delete,
        Permission::CreateAcls,
        Permission::ReadAcls,
        Permission::UpdateAcls,
        Permission::DeleteAcls,
    ];

    /// The wire name, as Braintrust's API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Create => "create",
            Permission::Read => "read",
            Permission::Update => "update",
            Permission::Delete => "delete",
            Permission::CreateAcls => "create_acls",
            Permission::ReadAcls => "read_acls",
            Permission::UpdateAcls => "update_acls",
            Permission::DeleteAcls => "delete_acls",
        }
    }

    /// The wire name back to a permission; `None` for anything that is not exactly one of the eight.
    pub fn from_name(name: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| text::same(p.as_str(), name))
    }

    /// This permission as a one-element set.
    pub fn as_set(self) -> PermissionSet {
        PermissionSet::from_bits_retain(1 << (self as u8))
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Permission {
    type Err = ParsePermissionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Permission::from_name(s).ok_or_else(|| ParsePermissionError { given: s.to_owned() })
    }
}

/// A string that is not one of the eight permission names.
///
/// Its message suggests the closest valid name, so that a typo such as `raed` surfaces as
/// ``unknown permission `raed` (did you mean `read`?)``.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsePermissionError {
    given: String,
}

impl ParsePermissionError {
    /// The string that was given.
    pub fn given(&self) -> &str {
        &self.given
    }

    /// The closest valid permission name, when one is near enough to be a likely typo.
    pub fn suggestion(&self) -> Option<Permission> {
        Permission::ALL
            .into_iter()
            .map(|p| (edit_distance(&self.given, p.as_str()), p))
            .filter(|(d, _)| *d <= 2)
            .min_by_key(|(d, _)| *d)
            .map(|(_, p)| p)
    }
}

impl fmt::Display for ParsePermissionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown permission `{}`", self.given)?;
        match self.suggestion() {
            Some(p) => write!(f, " (did you mean `{p}`?)"),
            None => write!(
                f,
                " (expected one of create, read, update, delete, create_acls, read_acls, update_acls, delete_acls)"
            ),
        }
    }
}

impl std::error::Error for ParsePermissionError {}

/// Levenshtein distance over chars; inputs are short (a permission name against a user's string), and the
/// user's string is cut at 64 chars so a hostile one cannot make this quadratic in its length.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

bitflags! {
    /// A set of permissions, one bit each in canonical order (bit 0 = `create` … bit 7 = `delete_acls`).
    ///
    /// The bit layout is part of the API: the batch calls hand these bytes to JavaScript as a typed array.
    ///
    /// # Example
    /// ```
    /// use permeval::{Permission, PermissionSet};
    ///
    /// let set = PermissionSet::READ | PermissionSet::MANAGE_ACCESS;
    /// assert!(set.manages_access());
    /// assert!(set.allows(Permission::DeleteAcls));
    /// let names: Vec<&str> = set.iter_permissions().map(Permission::as_str).collect();
    /// assert_eq!(names, ["read", "create_acls", "read_acls", "update_acls", "delete_acls"]);
    /// ```
    #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default)]
    #[repr(transparent)]
    pub struct PermissionSet: u8 {
        /// `create`
        const CREATE = 1 << 0;
        /// `read`
        const READ = 1 << 1;
        /// `update`
        const UPDATE = 1 << 2;
        /// `delete`
        const DELETE = 1 << 3;
        /// `create_acls`
        const CREATE_ACLS = 1 << 4;
        /// `read_acls`
        const READ_ACLS = 1 << 5;
        /// `update_acls`
        const UPDATE_ACLS = 1 << 6;
        /// `delete_acls`
        const DELETE_ACLS = 1 << 7;
        /// "Manage access" in the product's words: all four `*_acls` permissions.
        const MANAGE_ACCESS = Self::CREATE_ACLS.bits() | Self::READ_ACLS.bits()
            | Self::UPDATE_ACLS.bits() | Self::DELETE_ACLS.bits();
    }
}

impl PermissionSet {
    /// Whether the set holds `permission`.
    pub fn allows(self, permission: Permission) -> bool {
        self.contains(permission.as_set())
    }

    /// "Manage access": true only when all four `*_acls` permissions are held (spec §4.3 k, §4.4 w).
    pub fn manages_access(self) -> bool {
        self.contains(PermissionSet::MANAGE_ACCESS)
    }

    /// The permissions in the set, in canonical order.
    pub fn iter_permissions(self) -> impl Iterator<Item = Permission> {
        Permission::ALL.into_iter().filter(move |p| self.allows(*p))
    }
}

impl From<Permission> for PermissionSet {
    fn from(p: Permission) -> Self {
        p.as_set()
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        iter.into_iter().fold(PermissionSet::empty(), |s, p| s | p.as_set())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_canonical_bit_order() {
        for (i, p) in Permission::ALL.into_iter().enumerate() {
            assert_eq!(Permission::from_name(p.as_str()), Some(p));
            assert_eq!(p.as_set().bits(), 1 << i);
        }
    }

    #[test]
    fn typo_suggests_the_nearest_name() {
        let err = "raed".parse::<Permission>().unwrap_err();
        assert_eq!(err.suggestion(), Some(Permission::Read));
        assert_eq!(err.to_string(), "unknown permission `raed` (did you mean `read`?)");
        assert_eq!("owner".parse::<Permission>().unwrap_err().suggestion(), None);
        assert!("READ".parse::<Permission>().is_err(), "names are case-sensitive, as on the wire");
    }

    #[test]
    fn manage_access_needs_all_four_acl_bits() {
        let three = PermissionSet::CREATE_ACLS | PermissionSet::READ_ACLS | PermissionSet::UPDATE_ACLS;
        assert!(!three.manages_access());
        assert!((three | PermissionSet::DELETE_ACLS).manages_access());
    }
}
