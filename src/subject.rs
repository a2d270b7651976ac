//! [`Subject`]: one principal, resolved once, asked many questions.

use crate::capabilities::{self, Capabilities};
use crate::explain::{self, Decision, DenialReason, Explanation};
use crate::index::{Index, NOTHING, PrincipalIx, Resolved};
use crate::model::{ObjectRef, ObjectType, Permission, PermissionSet};

/// A principal (user or service account) with its grants resolved: the union over the principal's own
/// ACLs and those of every group it belongs to, per object. Each check is then one lookup per ancestor.
///
/// Get one from [`crate::Snapshot::subject`]. A principal who is not a member of the org is denied
/// everything, and so is everyone once the snapshot is stale (see [`crate::LoadOptions`]): each query
/// then reads the clock once.
///
/// # Example
/// ```
/// use permeval::{ObjectRef, ObjectType, Permission, PermissionSet, Snapshot};
///
/// let snap = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U"}],
///   "projects": [{"id": "P1", "org_id": "O", "name": "p"}],
///   "objects": [{"type": "experiment", "id": "E1", "project_id": "P1"},
///               {"type": "dataset", "id": "D1", "project_id": "P1"}],
///   "acls": [{"id": "a", "object_type": "project", "object_id": "P1", "user_id": "U",
///             "permission": "read", "restrict_object_type": "experiment"}]}"#)?;
/// let me = snap.subject("U");
/// let mut out = Vec::new();
/// me.effective_batch(&ObjectType::Experiment, ["E1", "E404"], &mut out);
/// // E404 is not in the snapshot: only org-wide grants could reach it (spec §4.4 p).
/// assert_eq!(out, [PermissionSet::READ, PermissionSet::empty()]);
/// assert_eq!(me.accessible(Permission::Read, &ObjectType::Experiment), ["E1"]);
/// assert!(me.accessible(Permission::Read, &ObjectType::Dataset).is_empty());
/// # Ok::<(), permeval::SnapshotError>(())
/// ```
#[derive(Clone, Copy)]
pub struct Subject<'s> {
    index: &'s Index,
    principal: Option<PrincipalIx>,
    resolved: &'s Resolved,
    /// Whether each query must ask whether the snapshot is stale: false when it cannot expire, and inside
    /// a query that has asked already.
    checks_expiry: bool,
}

impl std::fmt::Debug for Subject<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subject").field("principal", &self.principal_id()).finish()
    }
}

/// A resolved subject without the borrow: see [`Subject::key`]. A key used on a snapshot other than the
/// one that made it names no one, and so is denied everything.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct SubjectKey {
    instance: u64,
    principal: Option<PrincipalIx>,
}

impl SubjectKey {
    pub(crate) fn principal_on(self, index: &Index) -> Option<PrincipalIx> {
        // A delta may have deleted the principal since the key was taken.
        self.principal.filter(|&p| self.instance == index.instance && index.is_live(p))
    }
}

impl<'s> Subject<'s> {
    pub(crate) fn new(index: &'s Index, principal: Option<PrincipalIx>) -> Self {
        Subject { index, principal, resolved: index.resolved(principal), checks_expiry: index.expiry.is_some() }
    }

    /// Whether the snapshot is stale now; reads the clock only when the snapshot can expire.
    fn stale(&self) -> bool {
        self.checks_expiry && self.index.is_stale()
    }

    /// This subject as of now: holding nothing when the snapshot is stale, and asking no more, so that a
    /// query made of many lookups reads the clock once.
    fn as_of_now(&self) -> Subject<'s> {
        let resolved = if self.stale() { &NOTHING } else { self.resolved };
        Subject { resolved, checks_expiry: false, ..*self }
    }

    /// A copyable, lifetime-free handle to this subject, for holding it where a borrow cannot live (a JS
    /// object, a struct field); [`crate::Snapshot::subject_by_key`] turns it back into a `Subject` without
    /// looking the principal up again.
    pub fn key(&self) -> SubjectKey {
        SubjectKey { instance: self.index.instance, principal: self.principal }
    }

    /// Whether the principal is a user or service account of the org.
    pub fn is_member(&self) -> bool {
        self.principal.is_some()
    }

    /// The principal's id, when it is a member.
    pub fn principal_id(&self) -> Option<&'s str> {
        self.principal.map(|p| self.index.principals.text(p.0))
    }

    /// Whether the principal holds `permission` on `object`.
    pub fn can(&self, permission: Permission, object: &ObjectRef<'_>) -> bool {
        self.effective(object).allows(permission)
    }

    /// Every permission the principal holds on `object`.
    pub fn effective(&self, object: &ObjectRef<'_>) -> PermissionSet {
        self.as_of_now().permissions(&object.object_type, object.id)
    }

    fn permissions(&self, object_type: &ObjectType, id: &str) -> PermissionSet {
        let Some(code) = self.index.type_code(object_type) else {
            return PermissionSet::empty();
        };
        let at = self.index.locate(object_type, id);
        self.index.permissions(self.resolved, &at, code)
    }

    /// [`Subject::effective`] on an object found once with [`crate::Snapshot::object_node`]: the same
    /// answer, without hashing the id again. The JS bindings cache node numbers on their side so that a
    /// check passes integers instead of strings across the boundary.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn effective_of_node(&self, node: u32) -> PermissionSet {
        self.index.permissions_of_node(self.as_of_now().resolved, crate::index::NodeIx(node))
    }

    /// [`Subject::effective_of_node`] for many nodes in one call (negative entries hold nothing), with
    /// the shared ancestor chains judged once.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn effective_of_nodes(&self, nodes: &[i32], out: &mut Vec<PermissionSet>) {
        self.index.permissions_of_nodes(self.as_of_now().resolved, nodes, out);
    }

    /// Whether the principal may create an object of type `child` directly under `parent`: `create` on
    /// the parent or an ancestor, by a grant that applies to `child`'s type (spec §4.3 j). Pairs that the
    /// containment tree does not allow (see [`ObjectType::can_be_created_under`]) answer false.
    pub fn can_create(&self, child: &ObjectType, parent: &ObjectRef<'_>) -> bool {
        child.can_be_created_under(&parent.object_type)
            && self.effective_within(child, parent).allows(Permission::Create)
    }

    /// What the principal would hold on a new object of type `child` under `parent`: every grant on the
    /// parent or its ancestors that applies to `child`'s type. This is "the default for objects of this
    /// kind here", the question behind `can_create` and the per-kind columns of [`Subject::capabilities`].
    ///
    /// An object of a type this crate does not know reaches only the grants on itself (it has no place in
    /// the tree), so nothing granted on a parent applies to one: the answer is empty for unknown types.
    pub fn effective_within(&self, child: &ObjectType, parent: &ObjectRef<'_>) -> PermissionSet {
        let Some(code) = self.index.type_code(child).filter(|_| child.is_known()) else {
            return PermissionSet::empty();
        };
        let at = self.index.locate(&parent.object_type, parent.id);
        self.index.permissions(self.as_of_now().resolved, &at, code)
    }

    /// The checkboxes of Braintrust's permission-group editor, filled in for this principal (spec §2.3).
    pub fn capabilities(&self) -> Capabilities<'s> {
        let projects = self.index.listed_ids(&ObjectType::Project);
        capabilities::capabilities(&self.as_of_now(), &self.index.org_id, projects)
    }

    /// The ids of every live object of `object_type` listed in the snapshot on which the principal
    /// holds `permission`, in snapshot order.
    pub fn accessible(&self, permission: Permission, object_type: &ObjectType) -> Vec<&'s str> {
        let Some(code) = self.index.type_code(object_type) else {
            return Vec::new();
        };
        let mut ids = Vec::new();
        self.index.accessible(self.as_of_now().resolved, permission, code, |_, n| ids.push(self.index.nodes.text(n.0)));
        ids
    }

    /// [`Subject::accessible`] as positions instead of ids: `out` is cleared and then holds, ascending,
    /// the position in [`crate::Snapshot::listed_ids`] (for the same type) of each object on which the
    /// principal holds `permission`. A caller that keeps the listed ids (fetched once per type) reads
    /// the answer without a string being made per object, which is most of the cost of a large answer
    /// across a language boundary.
    ///
    /// # Example
    /// ```
    /// use permeval::{ObjectType, Permission, Snapshot};
    ///
    /// let snap = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U"}],
    ///   "projects": [{"id": "P1", "org_id": "O", "name": "a"}, {"id": "P2", "org_id": "O", "name": "b"}],
    ///   "objects": [{"type": "experiment", "id": "E1", "project_id": "P1"},
    ///               {"type": "experiment", "id": "E2", "project_id": "P2"},
    ///               {"type": "experiment", "id": "E3", "project_id": "P2"}],
    ///   "acls": [{"id": "a", "object_type": "project", "object_id": "P2", "user_id": "U", "permission": "read"}]}"#)?;
    /// let ids = snap.listed_ids(&ObjectType::Experiment);
    /// assert_eq!(ids, ["E1", "E2", "E3"]);
    /// let mut positions = Vec::new();
    /// snap.subject("U").accessible_positions(Permission::Read, &ObjectType::Experiment, &mut positions);
    /// assert_eq!(positions, [1, 2]);
    /// let named: Vec<&str> = positions.iter().map(|&i| ids[i as usize]).collect();
    /// assert_eq!(named, snap.accessible("U", Permission::Read, &ObjectType::Experiment));
    /// # Ok::<(), permeval::SnapshotError>(())
    /// ```
    pub fn accessible_positions(&self, permission: Permission, object_type: &ObjectType, out: &mut Vec<u32>) {
        out.clear();
        let Some(code) = self.index.type_code(object_type) else { return };
        self.index.accessible(self.as_of_now().resolved, permission, code, |position, _| {
            // Positions index a list of nodes, which are numbered in u32.
            if let Ok(position) = u32::try_from(position) {
                out.push(position);
            }
        });
    }

    /// [`Subject::effective`] for many objects of one type: `out` is cleared and then holds one set per
    /// id, in order. Reusing `out` across calls avoids allocating.
    pub fn effective_batch<I, S>(&self, object_type: &ObjectType, ids: I, out: &mut Vec<PermissionSet>)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        out.clear();
        let now = self.as_of_now();
        out.extend(ids.into_iter().map(|id| now.permissions(object_type, id.as_ref())));
    }

    /// [`Subject::can`] for many objects of one type: `out` is cleared and then holds one answer per id.
    pub fn can_batch<I, S>(&self, permission: Permission, object_type: &ObjectType, ids: I, out: &mut Vec<bool>)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        out.clear();
        let now = self.as_of_now();
        out.extend(ids.into_iter().map(|id| now.permissions(object_type, id.as_ref()).allows(permission)));
    }

    /// Why the principal does or does not hold `permission` on `object`: every grant path that allows it,
    /// or the reason for a denial with the nearest grants of that permission.
    pub fn explain(&self, permission: Permission, object: &ObjectRef<'_>) -> Explanation<'s> {
        if self.stale() {
            return stale(permission);
        }
        explain::explain(self.index, self.principal, self.resolved, permission, object, &object.object_type)
    }

    /// Why the principal may or may not create an object of type `child` under `parent`: the `create`
    /// grants on the parent and its ancestors that apply to `child`'s type, or the reason for a denial.
    /// Agrees with [`Subject::can_create`].
    pub fn explain_create(&self, child: &ObjectType, parent: &ObjectRef<'_>) -> Explanation<'s> {
        if self.stale() {
            return stale(Permission::Create);
        }
        if !child.can_be_created_under(&parent.object_type) {
            let decision = Decision::Denied { reason: DenialReason::NotCreatableHere, nearest: Vec::new() };
            return Explanation { permission: Permission::Create, decision };
        }
        explain::explain(self.index, self.principal, self.resolved, Permission::Create, parent, child)
    }
}

/// The answer of a stale snapshot to every question.
fn stale<'s>(permission: Permission) -> Explanation<'s> {
    Explanation { permission, decision: Decision::Denied { reason: DenialReason::Stale, nearest: Vec::new() } }
}
