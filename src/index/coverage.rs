//! What a grant gives, by the type of object it is asked about.
//!
//! `restrict_object_type` makes a grant's effect depend on the *queried* object's type (spec §4.2
//! `applies`), not on where the grant sits. So a grant — or a whole role, or the union of everything a
//! principal holds on one object — compiles to one permission set for "any type" plus one per known type;
//! answering for type `t` is then two loads and an OR. Restrictions to types this crate does not know are
//! rare and kept aside in `extra`, so that they can never leak onto another unknown type.

use crate::model::{KNOWN_TYPES, PermissionSet};

/// A dense object-type number: `0..KNOWN_TYPES` are the known types in [`crate::ObjectType::KNOWN`]
/// order; higher numbers are unknown type names interned per snapshot.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct TypeCode(pub(crate) u32);

impl TypeCode {
    fn known(self) -> Option<usize> {
        let ix = self.0 as usize;
        (ix < KNOWN_TYPES).then_some(ix)
    }
}

/// Permissions granted, per queried type.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Coverage {
    any: PermissionSet,
    only: [PermissionSet; KNOWN_TYPES],
    extra: Vec<(TypeCode, PermissionSet)>,
}

impl Coverage {
    /// Adds `permissions`, restricted to objects of type `restrict` when it is set.
    pub(crate) fn grant(&mut self, permissions: PermissionSet, restrict: Option<TypeCode>) {
        match restrict {
            None => self.any |= permissions,
            Some(t) => match t.known() {
                Some(ix) => {
                    if let Some(slot) = self.only.get_mut(ix) {
                        *slot |= permissions;
                    }
                }
                None => match self.extra.iter_mut().find(|(code, _)| *code == t) {
                    Some((_, set)) => *set |= permissions,
                    None => self.extra.push((t, permissions)),
                },
            },
        }
    }

    /// Adds everything `other` grants.
    pub(crate) fn union(&mut self, other: &Coverage) {
        self.any |= other.any;
        for (mine, theirs) in self.only.iter_mut().zip(other.only.iter()) {
            *mine |= *theirs;
        }
        for &(t, set) in &other.extra {
            self.grant(set, Some(t));
        }
    }

    /// The permissions this gives on an object of type `t`.
    pub(crate) fn for_type(&self, t: TypeCode) -> PermissionSet {
        let restricted = match t.known() {
            Some(ix) => self.only.get(ix).copied().unwrap_or_default(),
            None => self.extra.iter().filter(|(code, _)| *code == t).fold(PermissionSet::empty(), |a, (_, s)| a | *s),
        };
        self.any | restricted
    }

    /// The permissions this gives on objects of at least one type.
    pub(crate) fn on_some_type(&self) -> PermissionSet {
        let restricted = self.only.iter().chain(self.extra.iter().map(|(_, set)| set));
        restricted.fold(self.any, |acc, set| acc | *set)
    }

    /// This coverage seen through an ACL's own `restrict_object_type` (spec §4.3 c): with `r` set, only
    /// what applies to type `r` survives, and it applies to type `r` alone.
    pub(crate) fn narrowed(&self, r: Option<TypeCode>) -> Coverage {
        match r {
            None => self.clone(),
            Some(t) => {
                let mut out = Coverage::default();
                out.grant(self.for_type(t), Some(t));
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPERIMENT: TypeCode = TypeCode(4);
    const DATASET: TypeCode = TypeCode(5);

    #[test]
    fn restriction_applies_by_queried_type() {
        let mut c = Coverage::default();
        c.grant(PermissionSet::READ, None);
        c.grant(PermissionSet::UPDATE, Some(EXPERIMENT));
        assert_eq!(c.for_type(EXPERIMENT), PermissionSet::READ | PermissionSet::UPDATE);
        assert_eq!(c.for_type(DATASET), PermissionSet::READ);
        assert_eq!(c.on_some_type(), PermissionSet::READ | PermissionSet::UPDATE);
    }

    #[test]
    fn unknown_types_never_share_a_restriction() {
        let mut c = Coverage::default();
        c.grant(PermissionSet::DELETE, Some(TypeCode(20)));
        assert_eq!(c.for_type(TypeCode(20)), PermissionSet::DELETE);
        assert_eq!(c.for_type(TypeCode(21)), PermissionSet::empty());
        assert_eq!(c.on_some_type(), PermissionSet::DELETE);
    }

    #[test]
    fn narrowing_keeps_only_what_applies_to_the_acl_restriction() {
        let mut role = Coverage::default();
        role.grant(PermissionSet::READ, None);
        role.grant(PermissionSet::UPDATE, Some(EXPERIMENT));
        role.grant(PermissionSet::CREATE, Some(DATASET));
        let n = role.narrowed(Some(EXPERIMENT));
        assert_eq!(n.for_type(EXPERIMENT), PermissionSet::READ | PermissionSet::UPDATE);
        assert_eq!(n.for_type(DATASET), PermissionSet::empty());
        assert_eq!(role.narrowed(None), role);
    }
}
