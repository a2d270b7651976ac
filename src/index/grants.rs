//! The grants of the ACL rows a build has entered, so that a row repeating one is found
//! (`duplicate_acl`, spec §3.1: an ACL's identity is its object, holder and grant).
//!
//! A `HashSet` of the grants held each 28-byte key in a bucket: 3.8 MB at 100k rows, and more while it
//! grew, all at the build's peak, which is what a wasm memory keeps. This table holds row numbers and
//! compares candidates through the rows themselves; top bits of each grant's hash sit beside the row
//! number, so that a probe reads a row only when they match (4 bytes a slot, half full at most: see
//! [`Slots`]).

use std::hash::{Hash, Hasher};

use super::slots::{Slots, spread};
use super::{Acl, Chunked, DenseHasher};

/// What makes two ACL rows the same grant: [`Acl::identity`].
pub(crate) type Key = [u32; 4];

fn key(acl: &Acl) -> Key {
    acl.identity()
}

fn hash(key: &Key) -> u64 {
    let mut h = DenseHasher::default();
    key.hash(&mut h);
    spread(h.finish())
}

/// Row numbers of `acls`, findable by their grant.
#[derive(Default)]
pub(crate) struct Grants {
    /// Row numbers plus one.
    slots: Slots,
    len: usize,
}

impl Grants {
    /// Whether a row of `acls` in the table has grant `key`.
    pub(crate) fn contains(&self, acls: &Chunked<Option<Acl>>, key: &Key) -> bool {
        self.slots.candidates(hash(key)).any(|number| {
            acls.get(number.wrapping_sub(1) as usize).and_then(Option::as_ref).is_some_and(|a| self::key(a) == *key)
        })
    }

    /// Adds row `row` of `acls`. Every other row of `acls` that is there must be in the table already,
    /// and none with the grant of `row`.
    pub(crate) fn insert(&mut self, acls: &Chunked<Option<Acl>>, row: usize) {
        let Some(acl) = acls.get(row).and_then(Option::as_ref) else { return };
        let Ok(number) = u32::try_from(row + 1) else { return };
        if (self.len + 1) * 2 > self.slots.size() || !self.slots.fits(number) {
            // Every row is placed again from `acls`; the table's size is at least twice its rows and above
            // the highest row number.
            let mut size = self.slots.size().max(8);
            while size < (self.len + 1) * 2 || size <= number as usize {
                size *= 2;
            }
            self.slots.reset(size);
            for (other, a) in acls.iter().enumerate().filter(|&(other, _)| other != row) {
                if let (Some(a), Ok(n)) = (a, u32::try_from(other + 1)) {
                    self.slots.place(hash(&key(a)), n);
                }
            }
        }
        self.slots.place(hash(&key(acl)), number);
        self.len += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{Grant, Holder, NodeIx, PrincipalIx};
    use crate::model::Permission;

    #[test]
    fn finds_the_rows_entered_by_their_grant() {
        let acl = |i: u32, p: Permission| {
            Acl::new(i, NodeIx(i % 97), Holder::Principal(PrincipalIx(i % 13)), Grant::Permission(p, None)).unwrap()
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

    #[test]
    fn takes_row_numbers_far_above_its_count() {
        // Rows that waited and were then skipped stay empty, so a few rows can have large numbers.
        let acl = |i: u32| {
            Acl::new(i, NodeIx(i), Holder::Principal(PrincipalIx(0)), Grant::Permission(Permission::Read, None))
                .unwrap()
        };
        let mut acls = Chunked::default();
        let mut grants = Grants::default();
        for i in 0..3u32 {
            acls.extend((0..1_000).map(|_| None));
            acls.push(Some(acl(i)));
            grants.insert(&acls, acls.len() - 1);
        }
        for i in 0..3u32 {
            assert!(grants.contains(&acls, &key(&acl(i))), "{i}");
        }
        assert!(!grants.contains(&acls, &key(&acl(3))));
    }
}
