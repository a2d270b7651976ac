//! The grants of the ACL rows a build has entered, so that a row repeating one is found
//! (`duplicate_acl`, spec §3.1: an ACL's identity is its object, holder and grant).
//!
//! A `HashSet` of the grants held each 28-byte key in a bucket: 3.8 MB at 100k rows, and more while it
//! grew, all at the build's peak, which is what a wasm memory keeps. This table holds row numbers and
//! compares candidates through the rows themselves; the top half of each grant's hash sits beside the
//! row number, so that a probe reads a row only when the halves match (8 bytes a slot, half full at most).

use std::hash::{Hash, Hasher};

use super::intern::{place, spread};
use super::{Acl, Chunked, DenseHasher, Grant, Holder, NodeIx};

/// What makes two ACL rows the same grant.
pub(crate) type Key = (NodeIx, Holder, Grant);

fn key(acl: &Acl) -> Key {
    (acl.node, acl.holder, acl.grant)
}

fn hash(key: &Key) -> u64 {
    let mut h = DenseHasher::default();
    key.hash(&mut h);
    spread(h.finish())
}

/// Row numbers of `acls`, findable by their grant.
#[derive(Default)]
pub(crate) struct Grants {
    /// Open addressing, linear probing: `0` is empty, otherwise `hash_high << 32 | (row + 1)`.
    slots: Vec<u64>,
    len: usize,
}

impl Grants {
    /// Whether a row of `acls` in the table has grant `key`.
    pub(crate) fn contains(&self, acls: &Chunked<Option<Acl>>, key: &Key) -> bool {
        let h = hash(key);
        let mask = self.slots.len().wrapping_sub(1);
        let mut pos = h as usize & mask;
        while let Some(&slot) = self.slots.get(pos) {
            if slot == 0 {
                return false;
            }
            if slot >> 32 == h >> 32 {
                let row = (slot as u32).wrapping_sub(1) as usize;
                if acls.get(row).and_then(Option::as_ref).is_some_and(|a| self::key(a) == *key) {
                    return true;
                }
            }
            pos = (pos + 1) & mask;
        }
        false
    }

    /// Adds row `row` of `acls` (a row that is there, and whose grant is not in the table yet).
    pub(crate) fn insert(&mut self, acls: &Chunked<Option<Acl>>, row: usize) {
        let Some(acl) = acls.get(row).and_then(Option::as_ref) else { return };
        if (self.len + 1) * 2 > self.slots.len() {
            let size = (self.slots.len() * 2).max(16);
            let old = std::mem::replace(&mut self.slots, vec![0; size]);
            for slot in old.into_iter().filter(|&s| s != 0) {
                let number = slot as u32;
                if let Some(a) = acls.get(number.wrapping_sub(1) as usize).and_then(Option::as_ref) {
                    place(&mut self.slots, hash(&key(a)), number);
                }
            }
        }
        let Ok(number) = u32::try_from(row + 1) else { return };
        place(&mut self.slots, hash(&key(acl)), number);
        self.len += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::PrincipalIx;
    use crate::model::Permission;

    #[test]
    fn finds_the_rows_entered_by_their_grant() {
        let acl = |i: u32, p: Permission| Acl {
            id: i,
            node: NodeIx(i % 97),
            holder: Holder::Principal(PrincipalIx(i % 13)),
            grant: Grant::Permission(p, None),
        };
        let mut acls = Chunked::default();
        let mut grants = Grants::default();
        for i in 0..5_000 {
            acls.push(Some(acl(i, Permission::Read)));
            grants.insert(&acls, acls.len() - 1);
        }
        acls.push(None);
        for i in 0..5_000 {
            assert!(grants.contains(&acls, &key(&acl(i, Permission::Read))), "{i}");
            assert!(!grants.contains(&acls, &key(&acl(i, Permission::Update))), "{i}");
        }
        assert!(!Grants::default().contains(&acls, &key(&acl(1, Permission::Read))));
    }
}
