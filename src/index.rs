//! The compiled index: a snapshot turned into dense integers and precomputed relations, built once.
//!
//! The promise it keeps is that a check never scans rows, groups or objects. Every id is interned to a
//! dense integer; group membership is closed over nesting and role contents over inheritance when the
//! index is built; ACLs are listed by the object they sit on and by the holder they grant to; and each
//! object knows its chain of ancestors (spec §4.2 step 2) as a slice. A check is then: find the object
//! (one hash lookup), walk its few ancestors, and look each up in the principal's resolved grants.
//!
//! A principal's grants are resolved the first time the principal is asked about and kept (a
//! [`OnceLock`] per principal), so the index can be shared across threads and a busy principal costs the
//! union over its groups once, not per check.

mod acl_ids;
mod build;
mod chunked;
mod closure;
mod coverage;
mod csr;
mod derive;
mod export;
mod grants;
mod intern;
mod slots;
mod tables;
mod update;

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::num::NonZeroU32;
use std::ops::Range;
use std::sync::OnceLock;

pub(crate) use acl_ids::AclIds;
pub(crate) use build::Builder;
pub(crate) use chunked::Chunked;
pub(crate) use coverage::{Coverage, TypeCode};
pub(crate) use csr::{Csr, ItemSet, Lists};
pub(crate) use export::{Keep, Subset};
pub(crate) use intern::Interner;

use crate::document::{ErrorCode, SnapshotError};
use crate::expiry::Expiry;
use crate::model::{KNOWN_TYPES, ObjectType, Permission, PermissionSet};
use crate::options::Limits;
use tables::Tables;

/// A dense index into one of the index's tables. The newtypes keep a group number from ever being used
/// as a principal number.
macro_rules! dense_ix {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub(crate) struct $name(pub(crate) u32);
        impl $name {
            pub(crate) fn ix(self) -> usize { self.0 as usize }
        }
    )*};
}

dense_ix! {
    /// A user or service account.
    PrincipalIx;
    /// A permission group.
    GroupIx;
    /// A role.
    RoleIx;
    /// An object: anything an ACL can sit on or a query can name.
    NodeIx;
}

/// Who an ACL grants to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Holder {
    Principal(PrincipalIx),
    Group(GroupIx),
}

/// What an ACL grants, with its own `restrict_object_type`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Grant {
    Permission(Permission, Option<TypeCode>),
    Role(RoleIx, Option<TypeCode>),
}

/// One compiled ACL row, in 20 bytes.
///
/// The index keeps one per row, the most numerous thing in a snapshot; with [`Holder`] and [`Grant`] as
/// fields it took 32 bytes (3.1 of the 21 MiB a 100k-row org kept in wasm memory). Here the holder is its
/// [`holder_key`], the grant one number (a permission's position in [`Permission::ALL`], or a role's
/// number after those), and the restriction a type code with `u32::MAX` for none. The grant is kept plus
/// one, so that it is never 0 and an `Option<Acl>` is no bigger.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Acl {
    /// Index of the row's `id` in [`Index::acl_ids`].
    pub(crate) id: u32,
    pub(crate) node: NodeIx,
    holder: u32,
    grant: NonZeroU32,
    restrict: u32,
}

/// Where role numbers start in [`Acl`]'s grant.
const ROLES_AFTER: u32 = Permission::ALL.len() as u32;

impl Acl {
    /// `None` for numbers too large to pack, which no document that fits in memory has (a role or holder
    /// number over 2^31 - 16, a type code of `u32::MAX`); such a row would grant nothing.
    pub(crate) fn new(id: u32, node: NodeIx, holder: Holder, grant: Grant) -> Option<Acl> {
        let (number, restrict) = match grant {
            Grant::Permission(p, r) => (p as u32, r),
            Grant::Role(role, r) => (role.0.checked_add(ROLES_AFTER)?, r),
        };
        let restrict = match restrict {
            Some(t) => Some(t.0).filter(|&t| t != u32::MAX)?,
            None => u32::MAX,
        };
        let holder = packed_holder(holder)?;
        Some(Acl { id, node, holder, grant: NonZeroU32::new(number.checked_add(1)?)?, restrict })
    }

    /// What makes two rows the same grant (spec §3.1: object, holder, grant), as packed.
    pub(crate) fn identity(&self) -> [u32; 4] {
        [self.node.0, self.holder, self.grant.get(), self.restrict]
    }

    /// [`holder_key`] of [`Acl::holder`], as kept.
    pub(crate) fn holder_key(&self) -> u32 {
        self.holder
    }

    pub(crate) fn holder(&self) -> Holder {
        match self.holder % 2 {
            0 => Holder::Principal(PrincipalIx(self.holder / 2)),
            _ => Holder::Group(GroupIx(self.holder / 2)),
        }
    }

    pub(crate) fn grant(&self) -> Grant {
        let number = self.grant.get() - 1;
        let restrict = (self.restrict != u32::MAX).then_some(TypeCode(self.restrict));
        match Permission::ALL.get(number as usize) {
            Some(&p) => Grant::Permission(p, restrict),
            None => Grant::Role(RoleIx(number - ROLES_AFTER), restrict),
        }
    }
}

/// Where an object sits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// Listed in the snapshot and live; its ancestors (itself excluded) are `chains[range]`.
    Listed(Range<u32>),
    /// Named by ACLs only: its place in the tree is unknown (spec §4.4 p).
    Unlisted,
    /// Soft-deleted, inside a deleted project, or another org's: nothing is granted on it (§4.4 q).
    Dead,
}

/// How a queried object was found.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Listed,
    Unlisted,
    Dead,
    /// An org-wide type asked about with an id other than the snapshot's org (§4.4 r).
    OtherOrg,
}

/// A queried object, resolved: the node it is (if any ACL or row names it) and its ancestors.
pub(crate) struct Located<'i> {
    pub(crate) own: Option<NodeIx>,
    pub(crate) chain: &'i [u32],
    pub(crate) status: Status,
}

impl Located<'_> {
    /// The object and its ancestors, nearest first.
    pub(crate) fn nodes(&self) -> impl Iterator<Item = NodeIx> + '_ {
        self.own.into_iter().chain(self.chain.iter().map(|&n| NodeIx(n)))
    }
}

/// Fast hashing for maps keyed by dense integers, or by short texts within one call (SipHash, the
/// default, was most of what an ACL batch's duplicate checks cost).
#[derive(Default, Clone, Copy)]
pub(crate) struct DenseHasher(u64);

impl DenseHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for DenseHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    /// Eight bytes at a time: ids are tens of bytes.
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

pub(crate) type DenseMap<K, V> = HashMap<K, V, BuildHasherDefault<DenseHasher>>;

/// Everything one principal holds, per object, unioned over the principal and all its groups.
#[derive(Debug)]
pub(crate) struct Resolved {
    pub(crate) grants: DenseMap<NodeIx, Coverage>,
    /// The ACL rows behind `grants`, by object: only explanations need them, so they are listed on the
    /// first one.
    held: OnceLock<Held>,
}

/// The ACL rows a principal holds (its own and its groups'), by the object they sit on, so that an
/// explanation reads the principal's few rows on an object instead of every row there.
#[derive(Debug)]
struct Held {
    /// Row numbers, grouped by object, in row order within each object.
    rows: Vec<u32>,
    by_node: DenseMap<NodeIx, Range<u32>>,
}

/// The resolution of a principal who is not a member: holds nothing.
pub(crate) static NOTHING: Resolved =
    Resolved { grants: HashMap::with_hasher(BuildHasherDefault::new()), held: OnceLock::new() };

/// The nodes of the org itself, interned first.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Fixed {
    pub(crate) org: NodeIx,
    pub(crate) org_project: NodeIx,
    pub(crate) org_ai_secret: NodeIx,
    pub(crate) org_member: NodeIx,
    pub(crate) org_audit_logs: NodeIx,
}

/// The key of a holder in [`Index::acls_by_holder`]: principals and groups interleaved, so that either
/// can be added to without renumbering the other.
pub(crate) fn holder_key(h: Holder) -> u32 {
    packed_holder(h).unwrap_or(u32::MAX)
}

/// [`holder_key`], `None` where it does not fit in 32 bits.
fn packed_holder(h: Holder) -> Option<u32> {
    match h {
        Holder::Principal(p) => p.0.checked_mul(2),
        Holder::Group(g) => g.0.checked_mul(2)?.checked_add(1),
    }
}

/// The error for a group nested deeper than the limit.
pub(crate) fn too_deep_group(group: &str, limits: &Limits, path: String) -> SnapshotError {
    let message = format!(
        "group `{group}` has more levels of `member_groups` above it than the limit `group_depth` = {}",
        limits.group_depth
    );
    SnapshotError::new(ErrorCode::LimitExceeded, message, path)
}

/// The error for a role nested deeper than the limit.
pub(crate) fn too_deep_role(role: &str, limits: &Limits, path: String) -> SnapshotError {
    let message = format!(
        "role `{role}` has more levels of `member_roles` below it than the limit `role_depth` = {}",
        limits.role_depth
    );
    SnapshotError::new(ErrorCode::LimitExceeded, message, path)
}

/// The compiled snapshot.
pub(crate) struct Index {
    /// Unique per index built in this process, so a [`crate::SubjectKey`] cannot be used on another.
    pub(crate) instance: u64,
    pub(crate) org_id: Box<str>,
    /// Names of unknown object types; type code = `KNOWN_TYPES + index`.
    pub(crate) unknown_types: Interner,
    pub(crate) principals: Interner,
    pub(crate) service_account: Vec<bool>,
    pub(crate) groups: Interner,
    /// Whether each group is live (not deleted, not another org's).
    pub(crate) group_live: Vec<bool>,
    /// Live group → live groups listing it in `member_groups` (whose members it thereby joins).
    pub(crate) group_parents: Csr,
    /// Principal → live groups listing it in `member_users`.
    pub(crate) direct_groups: Csr,
    /// Principal → every live group it belongs to, through any nesting (sorted).
    pub(crate) member_of: Csr,
    /// Live group → every principal belonging to it (sorted).
    pub(crate) members: Csr,
    pub(crate) roles: Interner,
    /// Live role → live roles in its `member_roles`.
    pub(crate) role_children: Csr,
    /// Role → its own `member_permissions`.
    pub(crate) role_permissions: Vec<Vec<(Permission, Option<TypeCode>)>>,
    /// Role → everything it grants, inherited roles included.
    pub(crate) role_coverage: Vec<Coverage>,
    /// Objects, keyed by (type code, id).
    pub(crate) nodes: Interner,
    pub(crate) fixed: Fixed,
    pub(crate) places: Vec<Place>,
    pub(crate) chains: Vec<u32>,
    /// Ancestors of an unlisted object, by known type (unknown types have none).
    pub(crate) orphan_chains: Vec<Range<u32>>,
    /// Listed, live objects by type code, in snapshot order: what `accessible` ranges over.
    pub(crate) listed: Vec<Vec<NodeIx>>,
    pub(crate) acl_ids: AclIds,
    /// The live row of each ACL id (by its number in `acl_ids`); `u32::MAX` once removed.
    pub(crate) acl_rows: Vec<u32>,
    /// ACL rows in document order; `None` where a delta removed one. Row numbers change only when a delta
    /// compacts the rows (see `Index::compact_acls`), so none is kept from one call to the next.
    pub(crate) acls: Chunked<Option<Acl>>,
    /// How many of `acls` are `None`.
    pub(crate) removed_acls: usize,
    pub(crate) acls_by_node: Lists,
    /// Keyed by [`holder_key`].
    pub(crate) acls_by_holder: Lists,
    pub(crate) resolved: Vec<OnceLock<Box<Resolved>>>,
    /// The rows everything above is derived from.
    pub(crate) tables: Tables,
    /// The limits the snapshot was loaded with, which deltas are held to as well.
    pub(crate) limits: Limits,
    /// When the snapshot stops answering; `None` when it cannot expire.
    pub(crate) expiry: Option<Expiry>,
}

impl Index {
    /// The type code of `t` in this snapshot; `None` for an unknown type no row mentions (nothing can
    /// be granted on it).
    pub(crate) fn type_code(&self, t: &ObjectType) -> Option<TypeCode> {
        match t.known_index() {
            Some(ix) => Some(TypeCode(ix as u32)),
            None => self.unknown_types.get(0, t.as_str()).map(|ix| TypeCode(KNOWN_TYPES as u32 + ix)),
        }
    }

    /// The object type a code stands for.
    pub(crate) fn object_type(&self, code: TypeCode) -> ObjectType {
        match ObjectType::KNOWN.get(code.0 as usize) {
            Some(t) => t.clone(),
            None => ObjectType::Unknown(self.unknown_types.text(code.0.saturating_sub(KNOWN_TYPES as u32)).into()),
        }
    }

    /// An ACL row that is there (not removed by a delta).
    pub(crate) fn acl(&self, row: u32) -> Option<&Acl> {
        self.acls.get(row as usize).and_then(Option::as_ref)
    }

    /// A member of the org: a user or service account that is not deleted.
    pub(crate) fn principal(&self, id: &str) -> Option<PrincipalIx> {
        self.principals.get(0, id).map(PrincipalIx).filter(|&p| self.is_live(p))
    }

    pub(crate) fn is_live(&self, p: PrincipalIx) -> bool {
        self.tables.principal_deleted.get(p.ix()).is_some_and(Option::is_none)
    }

    /// Finds a queried object and its ancestors.
    pub(crate) fn locate(&self, t: &ObjectType, id: &str) -> Located<'_> {
        let Some(code) = self.type_code(t) else {
            return Located { own: None, chain: &[], status: Status::Unlisted };
        };
        if t.is_org_singleton() && id != &*self.org_id {
            return Located { own: None, chain: &[], status: Status::OtherOrg };
        }
        match self.nodes.get(code.0, id) {
            Some(n) => self.locate_node(NodeIx(n)),
            None => Located { own: None, chain: self.orphan_chain(code), status: Status::Unlisted },
        }
    }

    /// The ancestors of a node already found.
    pub(crate) fn locate_node(&self, n: NodeIx) -> Located<'_> {
        match self.places.get(n.ix()) {
            Some(Place::Listed(range)) => Located {
                own: Some(n),
                chain: self.chains.get(range.start as usize..range.end as usize).unwrap_or(&[]),
                status: Status::Listed,
            },
            Some(Place::Unlisted) => Located {
                own: Some(n),
                chain: self.orphan_chain(TypeCode(self.nodes.tag(n.0))),
                status: Status::Unlisted,
            },
            Some(Place::Dead) | None => Located { own: None, chain: &[], status: Status::Dead },
        }
    }

    fn orphan_chain(&self, code: TypeCode) -> &[u32] {
        match self.orphan_chains.get(code.0 as usize) {
            Some(r) => self.chains.get(r.start as usize..r.end as usize).unwrap_or(&[]),
            None => &[],
        }
    }

    /// What `acl` grants, per queried type.
    pub(crate) fn acl_coverage(&self, acl: &Acl) -> Coverage {
        match acl.grant() {
            Grant::Permission(p, r) => {
                let mut c = Coverage::default();
                c.grant(p.as_set(), r);
                c
            }
            Grant::Role(role, r) => match self.role_coverage.get(role.ix()) {
                Some(c) => c.narrowed(r),
                None => Coverage::default(),
            },
        }
    }

    /// What `acl` grants on an object of type `applies`: `acl_coverage(acl).for_type(applies)` without
    /// building the coverage.
    pub(crate) fn acl_grants(&self, acl: &Acl, applies: TypeCode) -> PermissionSet {
        match acl.grant() {
            Grant::Permission(p, r) if r.is_none_or(|t| t == applies) => p.as_set(),
            Grant::Permission(..) => PermissionSet::empty(),
            // A restricted role row gives only what the role gives to its restriction type (spec §4.3 c).
            Grant::Role(role, r) if r.is_none_or(|t| t == applies) => {
                self.role_coverage.get(role.ix()).map(|c| c.for_type(applies)).unwrap_or_default()
            }
            Grant::Role(..) => PermissionSet::empty(),
        }
    }

    /// The resolved grants of `p`, computed on first use.
    pub(crate) fn resolved(&self, p: Option<PrincipalIx>) -> &Resolved {
        let Some(p) = p else { return &NOTHING };
        match self.resolved.get(p.ix()) {
            Some(cell) => cell.get_or_init(|| Box::new(self.resolve(p))),
            None => &NOTHING,
        }
    }

    fn resolve(&self, p: PrincipalIx) -> Resolved {
        let mut grants = DenseMap::default();
        for &a in self.held_rows(p) {
            if let Some(acl) = self.acl(a) {
                grants.entry(acl.node).or_insert_with(Coverage::default).union(&self.acl_coverage(acl));
            }
        }
        Resolved { grants, held: OnceLock::new() }
    }

    /// The ACL rows `p` holds: its own, then each of its groups'.
    fn held_rows(&self, p: PrincipalIx) -> impl Iterator<Item = &u32> {
        std::iter::once(Holder::Principal(p))
            .chain(self.member_of.get(p.ix()).iter().map(|&g| Holder::Group(GroupIx(g))))
            .flat_map(|h| self.acls_by_holder.get(holder_key(h) as usize))
    }

    /// The ACL rows `p` (resolved as `resolved`) holds on `node`, in row order: the rows of
    /// `acls_by_node` that are `p`'s, without scanning the others.
    pub(crate) fn held_on<'a>(&self, p: PrincipalIx, resolved: &'a Resolved, node: NodeIx) -> &'a [u32] {
        let held = resolved.held.get_or_init(|| {
            let mut pairs: Vec<(NodeIx, u32)> =
                self.held_rows(p).filter_map(|&a| self.acl(a).map(|acl| (acl.node, a))).collect();
            pairs.sort_unstable();
            let mut by_node: DenseMap<NodeIx, Range<u32>> = DenseMap::default();
            for (i, &(n, _)) in pairs.iter().enumerate() {
                by_node.entry(n).or_insert(i as u32..i as u32).end = i as u32 + 1;
            }
            Held { rows: pairs.into_iter().map(|(_, a)| a).collect(), by_node }
        });
        match held.by_node.get(&node) {
            Some(r) => held.rows.get(r.start as usize..r.end as usize).unwrap_or(&[]),
            None => &[],
        }
    }

    /// Everything `resolved` holds on a located object, for an object of type `applies`.
    pub(crate) fn permissions(&self, resolved: &Resolved, at: &Located<'_>, applies: TypeCode) -> PermissionSet {
        at.nodes()
            .filter_map(|n| resolved.grants.get(&n))
            .fold(PermissionSet::empty(), |acc, c| acc | c.for_type(applies))
    }

    /// [`Index::permissions_of_node`] for many nodes, into `out` (cleared first; one set per entry, nothing
    /// for a negative entry). Objects of one project share their chain of ancestors, so each chain is
    /// judged once per call (kept by its start and end) and each object costs one lookup of its own.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn permissions_of_nodes(&self, resolved: &Resolved, nodes: &[i32], out: &mut Vec<PermissionSet>) {
        out.clear();
        let mut chains: DenseMap<(u32, u32, u32), PermissionSet> = DenseMap::default();
        out.extend(nodes.iter().map(|&n| {
            let Ok(n) = u32::try_from(n).map(NodeIx) else { return PermissionSet::empty() };
            let code = TypeCode(self.nodes.tag(n.0));
            let at = self.locate_node(n);
            let Some(Place::Listed(range)) = self.places.get(n.ix()) else {
                return self.permissions(resolved, &at, code);
            };
            let own = self.permissions(resolved, &Located { chain: &[], ..at }, code);
            let inherited = *chains
                .entry((range.start, range.end, code.0))
                .or_insert_with(|| self.permissions(resolved, &Located { own: None, ..at }, code));
            own | inherited
        }));
    }

    /// Everything `resolved` holds on node `n` asked about as an object of its own type: the answer
    /// [`Index::permissions`] gives after locating the node by its type and id, without the lookup.
    /// A number that is no node holds nothing.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn permissions_of_node(&self, resolved: &Resolved, n: NodeIx) -> PermissionSet {
        let at = self.locate_node(n);
        self.permissions(resolved, &at, TypeCode(self.nodes.tag(n.0)))
    }

    /// Calls `found` with the position in [`Index::listed`] and the node of each listed object of type
    /// `code` on which `resolved` holds `permission`, in order.
    pub(crate) fn accessible(
        &self,
        resolved: &Resolved,
        permission: Permission,
        code: TypeCode,
        mut found: impl FnMut(usize, NodeIx),
    ) {
        // One bit per object the principal holds the permission on, for this type, by a grant sitting
        // there. An object is then accessible when its own bit or an ancestor's is set: a few bit tests
        // per object instead of a hash lookup per object and ancestor.
        let mut holds = vec![0u64; self.nodes.len().div_ceil(64)];
        let mut any = false;
        for (n, c) in &resolved.grants {
            if c.for_type(code).allows(permission)
                && let Some(word) = holds.get_mut(n.ix() / 64)
            {
                *word |= 1 << (n.0 % 64);
                any = true;
            }
        }
        if !any {
            return;
        }
        let held = |n: u32| holds.get(n as usize / 64).is_some_and(|w| w & (1 << (n % 64)) != 0);
        // Objects of one project share one chain of ancestors, so each chain is judged once. The verdict
        // is kept by where the chain starts, with its end (two chains can start at one place):
        // `(end + 1) << 1 | verdict`, 0 for not judged yet.
        let mut judged = vec![0u64; self.chains.len() + 1];
        let mut chain_holds = |range: &Range<u32>| {
            let key = (u64::from(range.end) + 1) << 1;
            let known = judged.get(range.start as usize).copied().unwrap_or(0);
            if known & !1 == key {
                return known & 1 == 1;
            }
            let chain = self.chains.get(range.start as usize..range.end as usize).unwrap_or(&[]);
            let verdict = chain.iter().any(|&a| held(a));
            if let Some(slot) = judged.get_mut(range.start as usize) {
                *slot = key | u64::from(verdict);
            }
            verdict
        };
        for (position, &n) in self.listed(code).iter().enumerate() {
            let allowed = match self.places.get(n.ix()) {
                Some(Place::Listed(range)) => held(n.0) || chain_holds(range),
                // Listed objects are placed; should one not be, the general rule still answers.
                _ => self.permissions(resolved, &self.locate_node(n), code).allows(permission),
            };
            if allowed {
                found(position, n);
            }
        }
    }

    /// The listed, live objects of a type, in snapshot order.
    pub(crate) fn listed(&self, code: TypeCode) -> &[NodeIx] {
        self.listed.get(code.0 as usize).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The ids of the listed, live objects of a type, in snapshot order.
    pub(crate) fn listed_ids(&self, t: &ObjectType) -> Vec<&str> {
        let nodes = self.type_code(t).map(|c| self.listed(c)).unwrap_or(&[]);
        nodes.iter().map(|n| self.nodes.text(n.0)).collect()
    }

    /// Whether the snapshot is past its expiry: one clock read when it can expire, none otherwise.
    pub(crate) fn is_stale(&self) -> bool {
        self.expiry.as_ref().is_some_and(Expiry::is_stale)
    }

    /// The org's members in document order: users, then service accounts (each section in its own order,
    /// rows added by deltas at its end).
    pub(crate) fn members_in_order(&self) -> impl Iterator<Item = PrincipalIx> + '_ {
        let of_kind = move |sa: bool| {
            self.service_account
                .iter()
                .enumerate()
                .filter(move |&(p, &is_sa)| is_sa == sa && self.is_live(PrincipalIx(p as u32)))
                .map(|(p, _)| PrincipalIx(p as u32))
        };
        of_kind(false).chain(of_kind(true))
    }

    /// Whether `p` is a member of group `g`, through any nesting.
    pub(crate) fn is_member(&self, p: PrincipalIx, g: GroupIx) -> bool {
        self.member_of.get(p.ix()).binary_search(&g.0).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acl_rows_read_back_what_they_were_given() {
        let holders = [Holder::Principal(PrincipalIx(0)), Holder::Group(GroupIx(0)), Holder::Group(GroupIx(7_000_000))];
        let restricts = [None, Some(TypeCode(0)), Some(TypeCode(40_000))];
        let mut grants: Vec<Grant> = Permission::ALL.iter().map(|&p| Grant::Permission(p, None)).collect();
        grants.extend([RoleIx(0), RoleIx(1), RoleIx(123_456)].map(|r| Grant::Role(r, None)));
        for holder in holders {
            for grant in &grants {
                for restrict in restricts {
                    let grant = match *grant {
                        Grant::Permission(p, _) => Grant::Permission(p, restrict),
                        Grant::Role(r, _) => Grant::Role(r, restrict),
                    };
                    let acl = Acl::new(9, NodeIx(4), holder, grant).unwrap();
                    assert_eq!((acl.id, acl.node, acl.holder(), acl.grant()), (9, NodeIx(4), holder, grant));
                    assert_eq!(acl.holder_key(), holder_key(holder));
                }
            }
        }
        assert_eq!(size_of::<Option<Acl>>(), 20);
        let read = Grant::Permission(Permission::Read, None);
        assert!(Acl::new(0, NodeIx(0), Holder::Group(GroupIx(u32::MAX / 2 + 1)), read).is_none());
        assert!(
            Acl::new(0, NodeIx(0), Holder::Principal(PrincipalIx(0)), Grant::Role(RoleIx(u32::MAX - 8), None))
                .is_none()
        );
        assert!(
            Acl::new(
                0,
                NodeIx(0),
                Holder::Principal(PrincipalIx(0)),
                Grant::Permission(Permission::Read, Some(TypeCode(u32::MAX)))
            )
            .is_none()
        );
    }
}
