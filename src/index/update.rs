//! Deltas applied to a built index, all or nothing.
//!
//! Each change runs in two phases: first every item is checked and every reference resolved without
//! touching the index (the first problem refuses the whole call); then the change is made. Numbers are
//! only ever appended — a removed ACL leaves an empty row, a deleted object keeps its node — so node and
//! principal numbers handed out earlier (the JS layer caches them) stay valid.
//!
//! What each kind of change costs follows what it can affect. An ACL changes one principal's resolved
//! grants, or those of one group's members, and nothing else: it costs its own rows, a scan of the rows
//! already on its object, and an update of the resolutions already made of those it reaches. An object row changes one node's place. Groups, roles and principals are
//! re-derived whole through [`derive`], and projects and project groups re-place every object: those cost
//! what the org's groups or objects cost, never its ACL rows, and are the rare, administrative kind.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::sync::OnceLock;

use super::build::{self, AclLookups};
use super::closure::TooDeep;
use super::derive::{GroupRelations, RoleRelations};
use super::tables::{GroupRow, Head, ObjectRow, OrgRef, ProjectGroupRow, ProjectRow, RoleRow};
use super::{
    Acl, AclIds, Chunked, Coverage, DenseHasher, Grant, GroupIx, Holder, Index, Interner, ItemSet, NodeIx, Place,
    PrincipalIx, Resolved, RoleIx, TypeCode, derive, holder_key, too_deep_group, too_deep_role,
};
use crate::document::delta::{AclBatch, Upsert};
use crate::document::{AclGrant, AclHolder, AclRow, ErrorCode, GroupPatch, Member, RolePatch, SnapshotError};
use crate::document::{GroupRow as DocGroup, ObjectRow as DocObject, PrincipalRow as DocPrincipal};
use crate::document::{Head as DocHead, ProjectGroupRow as DocProjectGroup, RoleRow as DocRole, WarningCode};
use crate::model::{KNOWN_TYPES, ObjectType, Permission};

fn rejected(code: WarningCode, message: String, path: String) -> SnapshotError {
    SnapshotError::new(ErrorCode::Rejected(code), message, path)
}

/// An ACL item with its references resolved, not yet entered.
struct Item<'b> {
    row: &'b AclRow<'b>,
    holder: Holder,
    role: Option<RoleIx>,
    /// Its object node and grant, when everything they name is in the index already.
    probe: Option<(NodeIx, Grant)>,
}

/// The ids of a batch's added items: as given, or written out (see [`AclRow::write_item_id`]) one after
/// another into one buffer.
struct ItemIds<'b> {
    written: String,
    ids: Vec<ItemId<'b>>,
}

enum ItemId<'b> {
    Given(&'b str),
    Written(Range<usize>),
}

impl<'b> ItemIds<'b> {
    fn of(rows: &'b [AclRow<'b>]) -> ItemIds<'b> {
        let mut written = String::new();
        let ids = rows
            .iter()
            .map(|row| match row.given_id() {
                Some(id) => ItemId::Given(id),
                None => {
                    let start = written.len();
                    row.write_item_id(&mut written);
                    ItemId::Written(start..written.len())
                }
            })
            .collect();
        ItemIds { written, ids }
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(|id| match id {
            ItemId::Given(id) => id,
            ItemId::Written(range) => self.written.get(range.clone()).unwrap_or_default(),
        })
    }
}

impl Index {
    /// The node of `(code, id)`, entered as unlisted if new.
    fn node(&mut self, code: TypeCode, id: &str) -> NodeIx {
        let (n, new) = self.nodes.intern(code.0, id);
        if new {
            self.places.push(Place::Unlisted);
        }
        NodeIx(n)
    }

    /// The code of `t`, entering an unknown type name if new.
    fn enter_type(&mut self, t: &ObjectType) -> TypeCode {
        match t.known_index() {
            Some(ix) => TypeCode(ix as u32),
            None => {
                let (ix, new) = self.unknown_types.intern(0, t.as_str());
                if new {
                    self.listed.push(Vec::new());
                }
                TypeCode(KNOWN_TYPES as u32 + ix)
            }
        }
    }

    /// Calls `f` on the cached resolution of every principal `h` reaches.
    fn each_reached(&mut self, h: Holder, mut f: impl FnMut(&mut OnceLock<Box<Resolved>>)) {
        let Index { members, resolved, .. } = self;
        match h {
            Holder::Principal(p) => resolved.get_mut(p.ix()).into_iter().for_each(f),
            Holder::Group(g) => {
                for &p in members.get(g.ix()) {
                    if let Some(cell) = resolved.get_mut(p as usize) {
                        f(cell);
                    }
                }
            }
        }
    }

    /// Adds what a new row grants to the resolutions already made, instead of dropping them: a principal's
    /// grants on a node are the union over its rows there, so a new row is one more union.
    fn granted(&mut self, h: Holder, node: NodeIx, coverage: &Coverage) {
        self.each_reached(h, |cell| {
            if let Some(r) = cell.get_mut() {
                r.grants.entry(node).or_default().union(coverage);
                r.held.take();
            }
        });
    }

    /// Recomputes, in the resolutions already made, what everyone `h` reaches holds on `node` after a row
    /// there was removed.
    fn ungranted(&mut self, h: Holder, node: NodeIx) {
        match h {
            Holder::Principal(p) => self.regrant(p, node),
            // By position rather than by iterator, which would hold the member list borrowed while
            // `regrant` changes the index.
            Holder::Group(g) => {
                for i in 0..self.members.get(g.ix()).len() {
                    if let Some(&p) = self.members.get(g.ix()).get(i) {
                        self.regrant(PrincipalIx(p), node);
                    }
                }
            }
        }
    }

    /// Recomputes what `p` holds on `node`, if `p` is resolved (a union cannot be subtracted from): the
    /// union over the rows left on `node` that `p` holds.
    fn regrant(&mut self, p: PrincipalIx, node: NodeIx) {
        if self.resolved.get(p.ix()).and_then(OnceLock::get).is_none() {
            return;
        }
        let mut coverage = Coverage::default();
        for acl in self.acls_by_node.get(node.ix()).filter_map(|&a| self.acl(a)) {
            let holds = match acl.holder() {
                Holder::Principal(q) => q == p,
                Holder::Group(g) => self.is_member(p, g),
            };
            if holds {
                coverage.union(&self.acl_coverage(acl));
            }
        }
        if let Some(r) = self.resolved.get_mut(p.ix()).and_then(OnceLock::get_mut) {
            if coverage == Coverage::default() {
                r.grants.remove(&node);
            } else {
                r.grants.insert(node, coverage);
            }
            r.held.take();
        }
    }

    /// Drops the cached resolution of everyone `h` reaches.
    fn forget(&mut self, h: Holder) {
        self.each_reached(h, |cell| {
            cell.take();
        });
    }

    /// Puts new group relations in place and drops the resolutions of the principals whose groups changed
    /// (a member's grants are the union over its groups; the others keep theirs).
    fn commit_groups(&mut self, relations: GroupRelations) {
        let old = std::mem::take(&mut self.member_of);
        self.set_groups(relations);
        for (p, cell) in self.resolved.iter_mut().enumerate() {
            if old.get(p) != self.member_of.get(p) {
                cell.take();
            }
        }
    }

    /// Puts new role relations in place and drops the resolutions reached by a row granting a role whose
    /// contents changed.
    fn commit_roles(&mut self, relations: RoleRelations) {
        let old = std::mem::take(&mut self.role_coverage);
        self.set_roles(relations);
        let changed: Vec<bool> = self.role_coverage.iter().enumerate().map(|(r, c)| old.get(r) != Some(c)).collect();
        let holders: HashSet<Holder> = (self.acls.iter().flatten())
            .filter(|acl| matches!(acl.grant(), Grant::Role(r, _) if changed.get(r.ix()).copied().unwrap_or(false)))
            .map(|acl| acl.holder())
            .collect();
        for h in holders {
            self.forget(h);
        }
    }

    /// The live row with each identity (as [`Acl::identity`] packs it), if any (`None` for a `None` key),
    /// in order.
    ///
    /// The rows on an object are a cold list of cold rows on a large org, and a loop that does much else
    /// between lookups takes their cache misses one at a time; so, as in [`Interner::get_all`], each stage
    /// runs for every key before the next. Rows added by deltas are looked at first: they are few and
    /// recent (in cache), and a batch's removes are mostly of rows an earlier batch added, which then never
    /// touch the built list. The order is free, since no two live rows are the same grant.
    fn find_acls(&self, keys: &[Option<[u32; 4]>]) -> Vec<Option<u32>> {
        let is = |a: u32, key: &[u32; 4]| self.acl(a).is_some_and(|acl| acl.identity() == *key);
        let node = |key: &[u32; 4]| key[0] as usize;
        let mut found: Vec<Option<u32>> = keys
            .iter()
            .map(|k| {
                let key = k.as_ref()?;
                self.acls_by_node.added(node(key)).copied().find(|&a| is(a, key))
            })
            .collect();
        let built: Vec<&[u32]> = keys
            .iter()
            .zip(&found)
            .map(|(k, f)| match (k, f) {
                (Some(key), None) => self.acls_by_node.built(node(key)),
                _ => &[],
            })
            .collect();
        for ((k, f), rows) in keys.iter().zip(&mut found).zip(built) {
            if let Some(key) = k
                && f.is_none()
            {
                *f = rows.iter().copied().find(|&a| is(a, key));
            }
        }
        found
    }

    /// The identity of a grant on `node` as [`Acl::identity`] packs it, to compare and hash as four
    /// numbers; `None` for numbers too large to pack, which no row has.
    fn identity(node: NodeIx, holder: Holder, grant: Grant) -> Option<[u32; 4]> {
        Acl::new(0, node, holder, grant).map(|acl| acl.identity())
    }

    /// The identity tuple of an item as the index would enter it, if everything it names is already
    /// there (otherwise no row can have it).
    fn probe(&self, row: &AclRow<'_>, role: Option<RoleIx>) -> Option<(NodeIx, Grant)> {
        let node = NodeIx(self.nodes.get(self.type_code(&row.object_type)?.0, &row.object_id)?);
        self.grant_on(row, role, node)
    }

    /// [`Index::probe`] with the item's node found already.
    fn grant_on(&self, row: &AclRow<'_>, role: Option<RoleIx>, node: NodeIx) -> Option<(NodeIx, Grant)> {
        let restrict = match &row.restrict {
            Some(t) => Some(self.type_code(t)?),
            None => None,
        };
        let grant = match (&row.grant, role) {
            (AclGrant::Permission(p), _) => Grant::Permission(*p, restrict),
            (AclGrant::Role(_), Some(r)) => Grant::Role(r, restrict),
            (AclGrant::Role(_), None) => return None,
        };
        Some((node, grant))
    }

    /// The users and object nodes `rows` name (by position; `None` for a group holder, or for what the
    /// index lacks), looked up together: the principals and nodes tables are megabytes on a large org.
    fn named(&self, rows: &[AclRow<'_>]) -> (Vec<Option<u32>>, Vec<Option<u32>>) {
        let users = self.principals.get_all(rows.iter().map(|row| match &row.holder {
            AclHolder::User(id) => Some((0, id.as_ref())),
            AclHolder::Group(_) => None,
        }));
        let nodes = self
            .nodes
            .get_all(rows.iter().map(|row| self.type_code(&row.object_type).map(|c| (c.0, row.object_id.as_ref()))));
        (users, nodes)
    }

    /// The holder and role an item names, if the snapshot has them; the error says which is missing.
    /// `user` and `node` are what [`Index::named`] found for it.
    fn resolve_item<'b>(
        &self,
        row: &'b AclRow<'b>,
        section: &str,
        user: Option<u32>,
        node: Option<u32>,
    ) -> Result<Item<'b>, SnapshotError> {
        let path = |field: &str| format!("{section}[{}].{field}", row.at);
        let holder = match &row.holder {
            AclHolder::User(id) => match user {
                Some(p) => Holder::Principal(PrincipalIx(p)),
                None => {
                    let message = format!("user `{id}` is not a user or service account of the org");
                    return Err(rejected(WarningCode::UnknownPrincipal, message, path("user_id")));
                }
            },
            AclHolder::Group(id) => match self.groups.get(0, id) {
                Some(g) => Holder::Group(GroupIx(g)),
                None => {
                    let message = format!("group `{id}` is not in `groups`");
                    return Err(rejected(WarningCode::UnknownGroup, message, path("group_id")));
                }
            },
        };
        let role = match &row.grant {
            AclGrant::Permission(_) => None,
            AclGrant::Role(id) => match self.roles.get(0, id) {
                Some(r) => Some(RoleIx(r)),
                None => {
                    let message = format!("role `{id}` is not in `roles`");
                    return Err(rejected(WarningCode::UnknownRole, message, path("role_id")));
                }
            },
        };
        let probe = node.and_then(|n| self.grant_on(row, role, NodeIx(n)));
        Ok(Item { row, holder, role, probe })
    }

    /// An added item, checked and resolved; `user` and `node` are what [`Index::named`] found for it.
    fn added_item<'b>(
        &self,
        row: &'b AclRow<'b>,
        user: Option<u32>,
        node: Option<u32>,
    ) -> Result<Item<'b>, SnapshotError> {
        let path = |field: &str| format!("add_acls[{}].{field}", row.at);
        if let Some(other) = row.object_org_id.as_deref().filter(|o| *o != &*self.org_id) {
            return Err(rejected(WarningCode::ForeignOrg, format!("ACL of org `{other}`"), path("_object_org_id")));
        }
        if row.object_type.is_org_singleton() && row.object_id != *self.org_id {
            let message = format!("`{}` object `{}` is not this snapshot's org", row.object_type, row.object_id);
            return Err(rejected(WarningCode::ForeignOrg, message, path("object_id")));
        }
        self.resolve_item(row, "add_acls", user, node)
    }

    /// `POST /v1/acl/batch_update`: adds, then removes.
    pub(crate) fn apply_acl_batch(&mut self, batch: &AclBatch<'_>) -> Result<(), SnapshotError> {
        let ids = ItemIds::of(&batch.add);
        let numbered = self.acl_ids.get_all(ids.iter());
        let (users, nodes) = self.named(&batch.add);
        // The items are resolved up to the first that is refused, and that refusal is returned once the
        // items before it are checked: the first problem in the order of the items is the one reported.
        let mut items = Vec::with_capacity(batch.add.len());
        let mut refused = None;
        for (row, (user, node)) in batch.add.iter().zip(users.into_iter().zip(nodes)) {
            match self.added_item(row, user, node) {
                Ok(item) => items.push(item),
                Err(e) => {
                    refused = Some(e);
                    break;
                }
            }
        }
        // Looked up together, for every item, before any is checked (see `find_acls`).
        let keys: Vec<_> = items
            .iter()
            .map(|item| item.probe.and_then(|(node, grant)| Index::identity(node, item.holder, grant)))
            .collect();
        let existing = self.find_acls(&keys);
        let held: Vec<bool> = numbered
            .iter()
            .take(items.len())
            .map(|id| id.and_then(|n| self.acl_rows.get(n as usize)).is_some_and(|&a| self.acl(a).is_some()))
            .collect();
        // Loading checks a row's grant before its id: a grant that is there already (in the snapshot, or
        // earlier in this batch) is a no-op whatever id it comes with. Otherwise its id must be free: not
        // a live row's, not an earlier item's. A grant is keyed by its numbers when everything it names is
        // in the index (hashing four integers, not five strings; numbers too large to pack, which no row
        // has, count as not there), by its text otherwise; one grant is always keyed the same way, since
        // its numbers do not change during the checks.
        let mut entered: HashSet<[u32; 4], BuildHasherDefault<DenseHasher>> =
            HashSet::with_capacity_and_hasher(items.len(), Default::default());
        let mut new: HashSet<_, BuildHasherDefault<DenseHasher>> = HashSet::default();
        // The ids taken by earlier items: by number when the index has interned them (one word hashed, not
        // tens of bytes), by text when not. One text always has one number or none, so no id is in both.
        let mut claimed: HashSet<u32, BuildHasherDefault<DenseHasher>> =
            HashSet::with_capacity_and_hasher(items.len(), Default::default());
        let mut claimed_new: HashSet<&str, BuildHasherDefault<DenseHasher>> = HashSet::default();
        let mut adds = Vec::with_capacity(items.len());
        let checks = keys.into_iter().zip(existing).zip(held).zip(ids.iter().zip(numbered));
        for (item, (((key, existing), held), (text, id))) in items.into_iter().zip(checks) {
            let first = match key {
                Some(key) => existing.is_none() && entered.insert(key),
                None => new.insert(item.row.grant_key()),
            };
            if !first {
                continue;
            }
            let free = match id {
                Some(n) => claimed.insert(n),
                None => claimed_new.insert(text),
            };
            if held || !free {
                let message = format!("id `{text}` belongs to another ACL");
                return Err(rejected(WarningCode::DuplicateId, message, format!("add_acls[{}].id", item.row.at)));
            }
            adds.push((item, id, text));
        }
        if let Some(refused) = refused {
            return Err(refused);
        }
        let mut removes = Vec::with_capacity(batch.remove.len());
        let (users, nodes) = self.named(&batch.remove);
        for (row, (user, node)) in batch.remove.iter().zip(users.into_iter().zip(nodes)) {
            // A row naming something the snapshot lacks cannot be there to remove.
            if let Ok(item) = self.resolve_item(row, "remove_acls", user, node) {
                removes.push(item);
            }
        }

        // Each add is a grant the index lacks and no earlier add has (the checks above), so it is entered
        // without looking for it again.
        for (Item { row, holder, role, probe }, id, text) in adds {
            let (node, grant) = match probe {
                Some(found) => found,
                None => {
                    let code = self.enter_type(&row.object_type);
                    let node = self.node(code, &row.object_id);
                    let restrict = row.restrict.as_ref().map(|t| self.enter_type(t));
                    match (role, &row.grant) {
                        (Some(r), _) => (node, Grant::Role(r, restrict)),
                        (None, AclGrant::Permission(p)) => (node, Grant::Permission(*p, restrict)),
                        (None, AclGrant::Role(_)) => continue,
                    }
                }
            };
            let id = id.unwrap_or_else(|| self.acl_ids.intern(text).0);
            let at = self.acls.len() as u32;
            let Some(acl) = Acl::new(id, node, holder, grant) else { continue };
            let coverage = self.acl_coverage(&acl);
            self.acls.push(Some(acl));
            if self.acl_rows.len() <= id as usize {
                self.acl_rows.resize(id as usize + 1, u32::MAX);
            }
            if let Some(slot) = self.acl_rows.get_mut(id as usize) {
                *slot = at;
            }
            self.acls_by_node.push(node.0, at);
            self.acls_by_holder.push(holder_key(holder), at);
            self.granted(holder, node, &coverage);
        }
        // What an item named before the adds is still there (numbers are never taken back); what it did
        // not, an add of this batch may have entered, so it is looked up again.
        let keys: Vec<_> = removes
            .iter()
            .map(|item| {
                let (node, grant) = item.probe.or_else(|| self.probe(item.row, item.role))?;
                Index::identity(node, item.holder, grant)
            })
            .collect();
        let found = self.find_acls(&keys);
        let mut removed = Vec::with_capacity(removes.len());
        let (mut nodes, mut holders) = (Vec::with_capacity(removes.len()), Vec::with_capacity(removes.len()));
        for ((item, key), at) in removes.iter().zip(keys).zip(found) {
            let (Some([node, ..]), Some(at)) = (key, at) else { continue };
            let (node, holder) = (NodeIx(node), item.holder);
            // An item the batch names twice finds the row the first removed.
            let Some(acl) = self.acls.get_mut(at as usize).and_then(Option::take) else { continue };
            self.removed_acls += 1;
            if let Some(id) = self.acl_rows.get_mut(acl.id as usize) {
                *id = u32::MAX;
            }
            removed.push(at);
            nodes.push(node.0);
            holders.push(holder_key(holder));
            self.ungranted(holder, node);
        }
        // Removed rows leave empty rows behind; the lists that name them drop them (each list once per
        // batch), so that adding and removing the same grants over and over does not grow what a lookup
        // scans. Every reader of the lists skips empty rows, so dropping them is tidying, not correctness:
        // the rows this batch removed are looked up in a set that stays in cache (see `ItemSet`), where asking
        // whether each listed row is empty was a cache miss per row (a tenth of a remove in the profile).
        for keys in [&mut nodes, &mut holders] {
            keys.sort_unstable();
            keys.dedup();
        }
        let removed = ItemSet::of(&removed);
        for node in nodes {
            self.acls_by_node.drop_items(node, &removed);
        }
        for holder in holders {
            self.acls_by_holder.drop_items(holder, &removed);
        }
        if self.removed_acls > self.acls.len() / 2 {
            self.compact_acls();
        }
        Ok(())
    }

    /// Drops the removed rows, renumbering what is left in order, and the ids no row has once they are
    /// most of the ids. Without it a snapshot fed add-and-remove batches would grow by every row ever
    /// added: rows and ids are taken by number and never moved, for speed. Run once removed rows are more
    /// than half of the rows, so a compaction's cost (linear in the rows left) is paid for by at least as
    /// many removes before it, and the rows never take more than twice what the live ones need. The rows
    /// left are numbered as a fresh load of the snapshot's document would number them: in their order.
    fn compact_acls(&mut self) {
        let live = self.acls.len().saturating_sub(self.removed_acls);
        // An id stays interned after its row goes, and is taken again when an add brings it back: most
        // batches remove what earlier ones added, so ids are kept unless they are mostly dead.
        let mut ids = (self.acl_ids.len() > 2 * live).then(AclIds::default);
        let mut acls = Chunked::default();
        for acl in self.acls.iter().flatten() {
            let id = ids.as_mut().map_or(acl.id, |ids| ids.intern_from(&self.acl_ids, acl.id));
            acls.push(Some(Acl { id, ..*acl }));
        }
        self.acls = acls;
        if let Some(ids) = ids {
            self.acl_ids = ids;
        }
        self.removed_acls = 0;
        let AclLookups { by_node, by_holder, rows } = AclLookups::of(
            &self.acls,
            self.nodes.len(),
            build::holder_keys(&self.principals, &self.groups),
            self.acl_ids.len(),
        );
        (self.acls_by_node, self.acls_by_holder, self.acl_rows) = (by_node, by_holder, rows);
    }

    /// `PATCH /v1/group/{id}`: member adds, then removes.
    pub(crate) fn patch_group(&mut self, id: &str, patch: &GroupPatch<'_>) -> Result<(), SnapshotError> {
        let Some(g) = self.groups.get(0, id) else {
            return Err(rejected(
                WarningCode::UnknownGroup,
                format!("group `{id}` is not in the snapshot"),
                String::new(),
            ));
        };
        let mut rows = self.tables.groups.clone();
        let Some(row) = rows.get_mut(g as usize) else { return Ok(()) };
        let users = |list: &[Member<'_>], name: &str, must: bool| {
            self.lookup(list, name, must, WarningCode::UnknownPrincipal, |id| {
                self.principals.get(0, id).map(PrincipalIx)
            })
        };
        let groups = |list: &[Member<'_>], name: &str, must: bool| {
            self.lookup(list, name, must, WarningCode::UnknownGroup, |id| self.groups.get(0, id).map(GroupIx))
        };
        edit(
            &mut row.member_users,
            users(&patch.add_users, "add_member_users", true)?,
            &users(&patch.remove_users, "", false)?,
        );
        edit(
            &mut row.member_groups,
            groups(&patch.add_groups, "add_member_groups", true)?,
            &groups(&patch.remove_groups, "", false)?,
        );
        self.replace_groups(rows, &[])
    }

    /// `PATCH /v1/role/{id}`: adds, then removes.
    pub(crate) fn patch_role(&mut self, id: &str, patch: &RolePatch<'_>) -> Result<(), SnapshotError> {
        let Some(r) = self.roles.get(0, id) else {
            return Err(rejected(
                WarningCode::UnknownRole,
                format!("role `{id}` is not in the snapshot"),
                String::new(),
            ));
        };
        let roles = |list: &[Member<'_>], name: &str, must: bool| {
            self.lookup(list, name, must, WarningCode::UnknownRole, |id| self.roles.get(0, id).map(RoleIx))
        };
        let add_roles = roles(&patch.add_roles, "add_member_roles", true)?;
        let remove_roles = roles(&patch.remove_roles, "", false)?;
        // An entry to remove that names a type no row has cannot be in the role.
        let remove: Vec<(Permission, Option<TypeCode>)> = patch
            .remove_permissions
            .iter()
            .filter_map(|(p, t)| match t {
                Some(t) => self.type_code(t).map(|c| (*p, Some(c))),
                None => Some((*p, None)),
            })
            .collect();
        let add: Vec<(Permission, Option<TypeCode>)> =
            patch.add_permissions.iter().map(|(p, t)| (*p, t.as_ref().map(|t| self.enter_type(t)))).collect();
        let mut rows = self.tables.roles.clone();
        let Some(row) = rows.get_mut(r as usize) else { return Ok(()) };
        edit(&mut row.member_permissions, add, &remove);
        edit(&mut row.member_roles, add_roles, &remove_roles);
        self.replace_roles(rows, &[])
    }

    /// Resolves a list of ids; one that names nothing fails the call when `must`, and is dropped otherwise.
    fn lookup<T>(
        &self,
        list: &[Member<'_>],
        name: &str,
        must: bool,
        code: WarningCode,
        find: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<T>, SnapshotError> {
        let mut out = Vec::with_capacity(list.len());
        for m in list {
            match find(&m.id) {
                Some(x) => out.push(x),
                None if must => {
                    let message = format!("`{}` is not in the snapshot", m.id);
                    return Err(rejected(code, message, format!("{name}[{}]", m.at)));
                }
                None => {}
            }
        }
        Ok(out)
    }

    /// Puts new group rows in place if their nesting is within the limits; `new` names groups the rows
    /// add beyond the interned ones (for the error message).
    fn replace_groups(&mut self, rows: Vec<GroupRow>, new: &[&str]) -> Result<(), SnapshotError> {
        let relations = derive::groups(&rows, &self.tables.principal_deleted, &self.limits).map_err(|TooDeep(g)| {
            let name = new.get((g as usize).wrapping_sub(self.groups.len())).copied().unwrap_or(self.groups.text(g));
            too_deep_group(name, &self.limits, String::new())
        })?;
        self.tables.groups = rows;
        self.commit_groups(relations);
        Ok(())
    }

    fn replace_roles(&mut self, rows: Vec<RoleRow>, new: &[&str]) -> Result<(), SnapshotError> {
        let relations = derive::roles(&rows, &self.limits).map_err(|TooDeep(r)| {
            let name = new.get((r as usize).wrapping_sub(self.roles.len())).copied().unwrap_or(self.roles.text(r));
            too_deep_role(name, &self.limits, String::new())
        })?;
        self.tables.roles = rows;
        self.commit_roles(relations);
        Ok(())
    }

    /// A head as the index keeps it; another org's row is refused.
    fn head(&self, section: &str, h: &DocHead<'_>) -> Result<Head, SnapshotError> {
        let org = match h.org_id.as_deref() {
            // As at load: a deleted row's `org_id` is not read.
            _ if h.deleted() => OrgRef::Null,
            None => OrgRef::Null,
            Some(o) if o == &*self.org_id => OrgRef::Org,
            Some(other) => {
                let message = format!("row of org `{other}`");
                return Err(rejected(WarningCode::ForeignOrg, message, format!("{section}[{}].org_id", h.at)));
            }
        };
        Ok(Head { org, deleted_at: h.deleted_at.as_deref().map(Into::into) })
    }

    /// Inserts or replaces rows of one section.
    pub(crate) fn upsert(&mut self, upsert: &Upsert<'_>) -> Result<(), SnapshotError> {
        match upsert {
            Upsert::Principals { service_accounts, rows } => self.upsert_principals(*service_accounts, rows),
            Upsert::Groups(rows) => self.upsert_groups(rows),
            Upsert::Roles(rows) => self.upsert_roles(rows),
            Upsert::Projects(rows) => self.upsert_projects(rows),
            Upsert::ProjectGroups(rows) => self.upsert_project_groups(rows),
            Upsert::Objects(rows) => self.upsert_objects(rows),
        }
    }

    fn upsert_principals(&mut self, service_accounts: bool, rows: &[DocPrincipal<'_>]) -> Result<(), SnapshotError> {
        let section = if service_accounts { "service_accounts" } else { "users" };
        once(rows.iter().map(|r| (r.id.as_ref(), r.at)), section)?;
        for r in rows {
            let p = self.principals.get(0, &r.id);
            if let Some(p) = p
                && self.service_account.get(p as usize).copied() != Some(service_accounts)
            {
                let other = if service_accounts { "a user" } else { "a service account" };
                let message = format!("id `{}` is {other} already: users and service accounts share ids", r.id);
                return Err(rejected(WarningCode::DuplicateId, message, format!("{section}[{}].id", r.at)));
            }
        }
        for r in rows {
            let deleted_at = r.deleted_at.as_deref().map(Box::<str>::from);
            let (p, new) = self.principals.intern(0, &r.id);
            if new {
                self.service_account.push(service_accounts);
                self.tables.principal_deleted.push(deleted_at);
                self.resolved.push(Default::default());
            } else if let Some(slot) = self.tables.principal_deleted.get_mut(p as usize) {
                *slot = deleted_at;
            }
        }
        // Whether a principal is deleted decides whether it is in its groups; a new one is in none yet.
        self.replace_groups(self.tables.groups.clone(), &[])
    }

    fn upsert_groups(&mut self, rows: &[DocGroup<'_>]) -> Result<(), SnapshotError> {
        once(rows.iter().map(|r| (r.head.id.as_ref(), r.head.at)), "groups")?;
        let numbering = Numbering::of(&self.groups, rows.iter().map(|r| r.head.id.as_ref()));
        let mut table = self.tables.groups.clone();
        for r in rows {
            let head = self.head("groups", &r.head)?;
            let lists = if head.live() { (&r.member_users[..], &r.member_groups[..]) } else { (&[][..], &[][..]) };
            let at = |name: &str| format!("groups[{}].{name}", r.head.at);
            let member_users =
                self.lookup(lists.0, &at("member_users"), true, WarningCode::UnknownPrincipal, |id| {
                    self.principals.get(0, id).map(PrincipalIx)
                })?;
            let member_groups = self.lookup(lists.1, &at("member_groups"), true, WarningCode::UnknownGroup, |id| {
                numbering.number(&self.groups, id).map(GroupIx)
            })?;
            let g = numbering.number(&self.groups, &r.head.id).unwrap_or(u32::MAX);
            let node = table.get(g as usize).map_or(NodeIx(u32::MAX), |row| row.node);
            put_numbered(&mut table, g, GroupRow { node, head, member_users, member_groups });
        }
        let relations = derive::groups(&table, &self.tables.principal_deleted, &self.limits)
            .map_err(|TooDeep(g)| too_deep_group(numbering.name(&self.groups, g), &self.limits, String::new()))?;
        let nodes = self.enter_new(ObjectType::Group, &numbering, |ix| &mut ix.groups);
        for (row, node) in table.iter_mut().skip(numbering.interned).zip(nodes) {
            row.node = node;
        }
        self.tables.groups = table;
        self.commit_groups(relations);
        derive::places(self);
        Ok(())
    }

    fn upsert_roles(&mut self, rows: &[DocRole<'_>]) -> Result<(), SnapshotError> {
        once(rows.iter().map(|r| (r.head.id.as_ref(), r.head.at)), "roles")?;
        let numbering = Numbering::of(&self.roles, rows.iter().map(|r| r.head.id.as_ref()));
        let mut entered = Vec::with_capacity(rows.len());
        for r in rows {
            let head = self.head("roles", &r.head)?;
            let lists = if head.live() { (&r.member_permissions[..], &r.member_roles[..]) } else { (&[][..], &[][..]) };
            let at = format!("roles[{}].member_roles", r.head.at);
            let member_roles = self.lookup(lists.1, &at, true, WarningCode::UnknownRole, |id| {
                numbering.number(&self.roles, id).map(RoleIx)
            })?;
            entered.push((numbering.number(&self.roles, &r.head.id).unwrap_or(u32::MAX), head, lists.0, member_roles));
        }
        let mut table = self.tables.roles.clone();
        // Type names are entered only once every reference has resolved (a new unknown name is the one
        // thing a refused call could otherwise leave behind).
        for (r, head, permissions, member_roles) in entered {
            let member_permissions =
                permissions.iter().map(|(p, t)| (*p, t.as_ref().map(|t| self.enter_type(t)))).collect();
            let node = table.get(r as usize).map_or(NodeIx(u32::MAX), |row| row.node);
            put_numbered(&mut table, r, RoleRow { node, head, member_permissions, member_roles });
        }
        let relations = derive::roles(&table, &self.limits)
            .map_err(|TooDeep(r)| too_deep_role(numbering.name(&self.roles, r), &self.limits, String::new()))?;
        let nodes = self.enter_new(ObjectType::Role, &numbering, |ix| &mut ix.roles);
        for (row, node) in table.iter_mut().skip(numbering.interned).zip(nodes) {
            row.node = node;
        }
        self.tables.roles = table;
        self.commit_roles(relations);
        derive::places(self);
        Ok(())
    }

    /// Interns the new ids of a call into the section's interner (`names`), in number order, and gives
    /// each its node of type `kind` (groups and roles are objects too).
    fn enter_new(
        &mut self,
        kind: ObjectType,
        numbering: &Numbering<'_>,
        names: fn(&mut Index) -> &mut Interner,
    ) -> Vec<NodeIx> {
        let code = known(kind);
        numbering
            .new
            .iter()
            .map(|id| {
                names(self).intern(0, id);
                self.node(code, id)
            })
            .collect()
    }

    fn upsert_projects(&mut self, rows: &[DocHead<'_>]) -> Result<(), SnapshotError> {
        once(rows.iter().map(|r| (r.id.as_ref(), r.at)), "projects")?;
        let heads = rows.iter().map(|r| self.head("projects", r)).collect::<Result<Vec<_>, _>>()?;
        let (project, log) = (known(ObjectType::Project), known(ObjectType::ProjectLog));
        for (r, head) in rows.iter().zip(heads) {
            let node = self.node(project, &r.id);
            let log = self.node(log, &r.id);
            self.tables.projects.put(node, ProjectRow { node, log, head });
        }
        derive::places(self);
        Ok(())
    }

    fn upsert_project_groups(&mut self, rows: &[DocProjectGroup<'_>]) -> Result<(), SnapshotError> {
        once(rows.iter().map(|r| (r.head.id.as_ref(), r.head.at)), "project_groups")?;
        let project = known(ObjectType::Project);
        let mut entered = Vec::with_capacity(rows.len());
        for r in rows {
            let head = self.head("project_groups", &r.head)?;
            let listed = if head.live() { &r.member_projects[..] } else { &[] };
            let at = format!("project_groups[{}].member_projects", r.head.at);
            let members = self.lookup(listed, &at, true, WarningCode::UnknownProject, |id| {
                self.nodes.get(project.0, id).map(NodeIx).filter(|&n| self.tables.projects.get(n).is_some())
            })?;
            entered.push((r.head.id.as_ref(), head, derive::distinct(members)));
        }
        let code = known(ObjectType::ProjectGroup);
        for (id, head, member_projects) in entered {
            let node = self.node(code, id);
            self.tables.project_groups.put(node, ProjectGroupRow { node, head, member_projects });
        }
        derive::places(self);
        Ok(())
    }

    fn upsert_objects(&mut self, rows: &[DocObject<'_>]) -> Result<(), SnapshotError> {
        let mut seen = HashSet::new();
        for r in rows {
            if !seen.insert((r.object_type.as_str(), r.id.as_ref())) {
                let message = format!("`{}` `{}` appears twice in one call", r.object_type, r.id);
                return Err(rejected(WarningCode::DuplicateId, message, format!("objects[{}].id", r.at)));
            }
        }
        let project = known(ObjectType::Project);
        let mut entered = Vec::with_capacity(rows.len());
        for r in rows {
            let node_of = match r.project_id.as_deref().filter(|_| r.object_type.is_project_child()) {
                Some(pid) => {
                    match self.nodes.get(project.0, pid).map(NodeIx).filter(|&n| self.tables.projects.get(n).is_some())
                    {
                        Some(n) => Some(n),
                        None => {
                            let message = format!("project `{pid}` is not in `projects`");
                            return Err(rejected(
                                WarningCode::UnknownProject,
                                message,
                                format!("objects[{}].project_id", r.at),
                            ));
                        }
                    }
                }
                None => None,
            };
            entered.push((r, node_of));
        }
        for (r, project) in entered {
            let code = self.enter_type(&r.object_type);
            let node = self.node(code, &r.id);
            let row = ObjectRow { node, project, deleted_at: r.deleted_at.as_deref().map(Into::into) };
            let place = derive::object_place(self, &row, &self.places);
            self.tables.objects.put(node, row);
            self.unlist(code, node);
            if matches!(place, Place::Listed(_)) {
                self.list(code, node);
            }
            if let Some(slot) = self.places.get_mut(node.ix()) {
                *slot = place;
            }
        }
        Ok(())
    }

    /// The position of an object row, which orders the listed objects of its type.
    fn row_position(&self, n: NodeIx) -> u32 {
        self.tables.objects.position(n).unwrap_or(u32::MAX)
    }

    fn unlist(&mut self, code: TypeCode, n: NodeIx) {
        let key = self.row_position(n);
        let Some(listed) = self.listed.get(code.0 as usize) else { return };
        if let Ok(i) = listed.binary_search_by_key(&key, |&m| self.row_position(m))
            && let Some(listed) = self.listed.get_mut(code.0 as usize)
        {
            listed.remove(i);
        }
    }

    fn list(&mut self, code: TypeCode, n: NodeIx) {
        let key = self.row_position(n);
        let Some(listed) = self.listed.get(code.0 as usize) else { return };
        let i = listed.partition_point(|&m| self.row_position(m) < key);
        if let Some(listed) = self.listed.get_mut(code.0 as usize) {
            listed.insert(i, n);
        }
    }
}

/// The numbers the rows of one call get in a section numbered by an interner (groups, roles): an id the
/// section has keeps its number; a new one gets the next free number, in the order of the call.
struct Numbering<'r> {
    interned: usize,
    new: Vec<&'r str>,
    of_new: HashMap<&'r str, u32>,
}

impl<'r> Numbering<'r> {
    fn of(names: &Interner, ids: impl Iterator<Item = &'r str>) -> Self {
        let mut n = Numbering { interned: names.len(), new: Vec::new(), of_new: HashMap::new() };
        for id in ids {
            if names.get(0, id).is_none() && !n.of_new.contains_key(id) {
                n.of_new.insert(id, (n.interned + n.new.len()) as u32);
                n.new.push(id);
            }
        }
        n
    }

    fn number(&self, names: &Interner, id: &str) -> Option<u32> {
        names.get(0, id).or_else(|| self.of_new.get(id).copied())
    }

    fn name<'a>(&'a self, names: &'a Interner, number: u32) -> &'a str {
        match (number as usize).checked_sub(self.interned) {
            Some(i) => self.new.get(i).copied().unwrap_or(""),
            None => names.text(number),
        }
    }
}

/// Puts `row` at position `number` of `table`, growing it with copies of `row` that later rows of the call
/// replace (new numbers come in order, so no copy is left).
fn put_numbered<R: Clone>(table: &mut Vec<R>, number: u32, row: R) {
    let at = number as usize;
    if table.len() <= at {
        table.resize(at + 1, row);
    } else if let Some(slot) = table.get_mut(at) {
        *slot = row;
    }
}

/// A list edited by adds (each entered once) then removes.
fn edit<T: PartialEq>(list: &mut Vec<T>, add: Vec<T>, remove: &[T]) {
    for x in add {
        if !list.contains(&x) {
            list.push(x);
        }
    }
    list.retain(|x| !remove.contains(x));
}

/// Fails when one call names the same id twice.
fn once<'a>(ids: impl Iterator<Item = (&'a str, usize)>, section: &str) -> Result<(), SnapshotError> {
    let mut seen = HashSet::new();
    for (id, at) in ids {
        if !seen.insert(id) {
            let message = format!("id `{id}` appears twice in one call");
            return Err(rejected(WarningCode::DuplicateId, message, format!("{section}[{at}].id")));
        }
    }
    Ok(())
}

fn known(t: ObjectType) -> TypeCode {
    TypeCode(t.known_index().unwrap_or(0) as u32)
}

#[cfg(test)]
mod tests {
    use crate::{ObjectRef, ObjectType, Permission, Snapshot};

    /// Every answer about every principal and object of the test org, explanations included.
    fn answers(snap: &Snapshot) -> Vec<String> {
        let objects = [(ObjectType::Organization, "O"), (ObjectType::Project, "P1"), (ObjectType::Experiment, "E1")];
        let mut out = Vec::new();
        for who in ["U1", "U2", "U3"] {
            for (t, id) in &objects {
                let object = ObjectRef::new(t.clone(), id);
                out.push(format!("{who} {id} {:?}", snap.effective(who, &object)));
                for p in Permission::ALL {
                    out.push(format!("{who} {id} {p:?} {:?}", snap.explain(who, p, &object)));
                }
            }
        }
        out
    }

    #[test]
    fn rows_added_and_removed_over_and_over_are_compacted_away() {
        let mut snap = Snapshot::from_json(
            r#"{"org": {"id": "O"}, "users": [{"id": "U1"}, {"id": "U2"}, {"id": "U3"}],
            "groups": [{"id": "G", "org_id": "O", "member_users": ["U2", "U3"]}],
            "projects": [{"id": "P1", "org_id": "O"}], "objects": [{"type": "experiment", "id": "E1", "project_id": "P1"}],
            "acls": [{"id": "a1", "object_type": "project", "object_id": "P1", "user_id": "U1", "permission": "read"},
                     {"id": "a2", "object_type": "experiment", "object_id": "E1", "group_id": "G", "permission": "update"},
                     {"id": "a3", "object_type": "organization", "object_id": "O", "user_id": "U3", "permission": "delete"}]}"#,
        )
        .unwrap();
        let items = |round: usize| {
            let perms = ["read", "update", "delete", "create"];
            (0..4)
                .map(|i| {
                    let id = if i % 2 == 0 { format!(r#""id": "r{round}-{i}", "#) } else { String::new() };
                    format!(
                        r#"{{{id}"object_type": "experiment", "object_id": "E1", "user_id": "U{}", "permission": "{}"}}"#,
                        1 + (round + i) % 3,
                        perms[(round * 3 + i) % 4]
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        // Rows that stay throughout, so that compactions with few dead ids keep the ids.
        let kept: Vec<String> = (0..8)
            .map(|i| {
                let perm = ["read", "update", "delete", "create"][i % 4];
                format!(r#"{{"id": "k{i}", "object_type": "project", "object_id": "P1", "group_id": "G", "permission": "{perm}", "restrict_object_type": "{}"}}"#,
                    ["experiment", "dataset"][i / 4])
            })
            .collect();
        snap.apply_acl_batch(&format!(r#"{{"add_acls": [{}]}}"#, kept.join(", "))).unwrap();
        // Calls from 40 on add and remove the same items: rows are compacted, their ids kept.
        for call in 0..60 {
            let round = if call < 40 { call } else { call % 2 };
            snap.apply_acl_batch(&format!(r#"{{"add_acls": [{}]}}"#, items(round))).unwrap();
            // The loaded row `a2` goes and comes back halfway, with the same id, after compactions.
            if round == 20 {
                let a2 = r#"{"object_type": "experiment", "object_id": "E1", "group_id": "G", "permission": "update"}"#;
                snap.apply_acl_batch(&format!(r#"{{"remove_acls": [{a2}]}}"#)).unwrap();
                snap.apply_acl_batch(&format!(r#"{{"add_acls": [{}]}}"#, a2.replacen('{', r#"{"id": "a2", "#, 1)))
                    .unwrap();
            }
            let fresh = Snapshot::from_json(&snap.to_json()).unwrap();
            assert_eq!(answers(&snap), answers(&fresh), "after adding round {round}");
            snap.apply_acl_batch(&format!(r#"{{"remove_acls": [{}]}}"#, items(round))).unwrap();
            let index = &snap.index;
            let live = index.acls.iter().flatten().count();
            assert!(index.acls.len() <= 2 * live + 1, "round {round}: {} rows for {live} live", index.acls.len());
            assert!(index.acl_ids.len() <= 2 * index.acls.len() + 4, "round {round}: {} ids", index.acl_ids.len());
            let fresh = Snapshot::from_json(&snap.to_json()).unwrap();
            assert_eq!(answers(&snap), answers(&fresh), "after removing round {round}");
        }
        // A live row's id is still its own after the compactions: another grant cannot take it.
        let err = snap
            .apply_acl_batch(
                r#"{"add_acls": [{"id": "a1", "object_type": "project", "object_id": "P1", "user_id": "U2", "permission": "read"}]}"#,
            )
            .unwrap_err();
        assert_eq!((err.code().as_str(), err.path()), ("duplicate_id", "add_acls[0].id"));
    }
}
