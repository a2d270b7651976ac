//! Explanations: the grant paths behind an answer, or the reason for a denial.
//!
//! Checks never build these (they only OR permission bits); explaining walks the same ancestors but looks
//! at the individual ACL rows, and rebuilds the group chain (principal ∈ g1 ⊂ g2 …) and role chain
//! (role → inherited role … → the role that lists the permission) by breadth-first search, so each
//! chain shown is a shortest one.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::collections::hash_map::Entry;

use crate::index::{
    Acl, Coverage, DenseMap, Grant, GroupIx, Holder, Index, Located, NodeIx, PrincipalIx, Resolved, RoleIx, Status,
    TypeCode,
};
use crate::model::{ObjectRef, ObjectType, Permission};

/// The answer to "why (not)?" for one principal, permission and object.
///
/// # Example
/// ```
/// use permeval::{Decision, DenialReason, GrantHolder, ObjectRef, ObjectType, Permission, Snapshot};
///
/// let snap = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U_BOB"}],
///   "groups": [{"id": "G_ENG", "org_id": "O", "name": "Engineers", "member_users": ["U_BOB"]}],
///   "projects": [{"id": "P1", "org_id": "O", "name": "p"}],
///   "acls": [{"id": "a10", "object_type": "org_project", "object_id": "O", "group_id": "G_ENG", "permission": "update"}]}"#)?;
/// let p1 = ObjectRef::new(ObjectType::Project, "P1");
///
/// let why = snap.explain("U_BOB", Permission::Update, &p1);
/// let Decision::Allowed { paths } = &why.decision else { panic!("bob may update P1") };
/// assert_eq!(paths[0].acl_id, "a10");
/// assert_eq!(paths[0].on, ObjectRef::new(ObjectType::OrgProject, "O"));
/// assert_eq!(paths[0].holder, GrantHolder::Group("G_ENG"));
/// assert_eq!(paths[0].group_chain, ["G_ENG"]);
///
/// let why_not = snap.explain("U_BOB", Permission::Delete, &p1);
/// assert!(matches!(why_not.decision, Decision::Denied { reason: DenialReason::NoGrant, .. }));
/// # Ok::<(), permeval::SnapshotError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation<'s> {
    /// The permission asked about.
    pub permission: Permission,
    /// Allowed, with every path; or denied, with the reason.
    pub decision: Decision<'s>,
}

impl Explanation<'_> {
    /// Whether the permission is held.
    pub fn allowed(&self) -> bool {
        matches!(self.decision, Decision::Allowed { .. })
    }
}

/// Allowed or denied, with what supports the answer. Exhaustive on purpose: a new kind of answer should
/// break callers' builds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision<'s> {
    /// The permission is held; every ACL row that grants it, nearest object first.
    Allowed {
        /// One path per granting ACL row.
        paths: Vec<GrantPath<'s>>,
    },
    /// The permission is not held.
    Denied {
        /// Why.
        reason: DenialReason,
        /// For [`DenialReason::RestrictedToOtherType`], the principal's grants of the permission that are
        /// restricted to other types. Otherwise, the grants of the permission held by others on the
        /// nearest of the object and its ancestors that has any (what the principal could be given).
        nearest: Vec<GrantPath<'s>>,
    },
}

/// Why a permission is not held.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum DenialReason {
    /// The principal is not a user or service account of the org (spec §4.2 step 0).
    NotAMember,
    /// The object, or the project it is in, is soft-deleted, or belongs to another org (§4.4 q).
    ObjectDeleted,
    /// An org-wide type (`organization`, `org_project`, …) asked about with another org's id (§4.4 r).
    OtherOrg,
    /// The object is not in the snapshot, so only grants on it and org-wide grants apply (§4.4 p); none
    /// of those gives the permission.
    ObjectUnknown,
    /// The principal holds the permission on the object or an ancestor, but only restricted to other
    /// object types.
    RestrictedToOtherType,
    /// Nothing the principal holds gives the permission here.
    NoGrant,
    /// A creation asked for under a parent the containment tree does not allow (an experiment under an
    /// organization, say); see [`ObjectType::can_be_created_under`].
    NotCreatableHere,
    /// The snapshot is past its expiry (see [`crate::LoadOptions`]): it answers nothing until a fresh one
    /// is loaded.
    Stale,
}

impl DenialReason {
    /// A stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            DenialReason::NotAMember => "not_a_member",
            DenialReason::ObjectDeleted => "object_deleted",
            DenialReason::OtherOrg => "other_org",
            DenialReason::ObjectUnknown => "object_unknown",
            DenialReason::RestrictedToOtherType => "restricted_to_other_type",
            DenialReason::NoGrant => "no_grant",
            DenialReason::NotCreatableHere => "not_creatable_here",
            DenialReason::Stale => "stale",
        }
    }
}

/// Who an ACL row grants to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GrantHolder<'s> {
    /// A user or service account, by id.
    User(&'s str),
    /// A permission group, by id.
    Group(&'s str),
}

/// One ACL row that grants (or would grant) a permission, and how it reaches the principal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantPath<'s> {
    /// The ACL row's `id`. Owned when the id is a lowercase UUID: the snapshot keeps those packed in 20
    /// bytes, and writes them out when asked for.
    pub acl_id: Cow<'s, str>,
    /// The object the row sits on: the queried object or one of its ancestors.
    pub on: ObjectRef<'s>,
    /// Who the row grants to.
    pub holder: GrantHolder<'s>,
    /// For a group holder the principal belongs to: the group ids from one the principal is a direct
    /// member of, through each group that lists the previous one in `member_groups`, to the holder.
    /// Empty for a direct grant, and for paths of other principals.
    pub group_chain: Vec<&'s str>,
    /// For a role grant: the role ids from the ACL's role, through `member_roles`, to the role that
    /// lists the permission. Empty for a direct permission.
    pub role_chain: Vec<&'s str>,
    /// The object type the grant is restricted to, after any narrowing; `None` when unrestricted.
    pub restriction: Option<ObjectType>,
}

/// How one ACL row relates to the question.
enum Fit {
    Applies(Vec<RoleIx>, Option<TypeCode>),
    Restricted(Vec<RoleIx>, Option<TypeCode>),
    Irrelevant,
}

/// Explains `permission` on `object` to `principal` (resolved as `resolved`), with grants judged for
/// objects of type `applies`: the object's own type for a check, the child's type for a creation under
/// `object` (spec §4.3 j).
pub(crate) fn explain<'s>(
    index: &'s Index,
    principal: Option<PrincipalIx>,
    resolved: &Resolved,
    permission: Permission,
    object: &ObjectRef<'_>,
    applies: &ObjectType,
) -> Explanation<'s> {
    let denied = |reason, nearest| Explanation { permission, decision: Decision::Denied { reason, nearest } };
    let Some(p) = principal else { return denied(DenialReason::NotAMember, Vec::new()) };
    let at = index.locate(&object.object_type, object.id);
    match at.status {
        Status::Dead => return denied(DenialReason::ObjectDeleted, Vec::new()),
        Status::OtherOrg => return denied(DenialReason::OtherOrg, Vec::new()),
        Status::Listed | Status::Unlisted => {}
    }
    let Some(applies) = index.type_code(applies) else {
        return denied(DenialReason::ObjectUnknown, Vec::new());
    };

    // Only the principal's own rows can allow, so only those are read here; an object near the top of
    // the tree carries rows for a good part of the org, which a scan would pay for on every question.
    let mut allowed = Vec::new();
    let mut restricted = Vec::new();
    for node in at.nodes() {
        for &a in index.held_on(p, resolved, node) {
            let Some(acl) = index.acl(a) else { continue };
            match fit(index, acl, permission, applies) {
                Fit::Applies(roles, r) => allowed.push(path(index, p, node, acl, &roles, r)),
                Fit::Restricted(roles, r) => restricted.push(path(index, p, node, acl, &roles, r)),
                Fit::Irrelevant => {}
            }
        }
    }
    if !allowed.is_empty() {
        return Explanation { permission, decision: Decision::Allowed { paths: allowed } };
    }
    if !restricted.is_empty() {
        return denied(DenialReason::RestrictedToOtherType, restricted);
    }
    let reason = if at.status == Status::Unlisted { DenialReason::ObjectUnknown } else { DenialReason::NoGrant };
    denied(reason, nearest_grants(index, p, &at, permission, applies))
}

/// The rows granting `permission` (as it applies to type `applies`) to live holders on the nearest of
/// the located object and its ancestors that has any. Asked only once the principal is known to hold
/// no such row, so every one found is someone else's.
fn nearest_grants<'s>(
    index: &'s Index,
    p: PrincipalIx,
    at: &Located<'_>,
    permission: Permission,
    applies: TypeCode,
) -> Vec<GrantPath<'s>> {
    let mut nearest = Vec::new();
    for node in at.nodes() {
        for &a in index.acls_by_node.get(node.ix()) {
            let Some(acl) = index.acl(a) else { continue };
            // A deleted group's grant is no grant: it is not shown as one the principal could be given.
            let live = match acl.holder() {
                // A deleted user's rows are no grants either.
                Holder::Principal(q) => index.is_live(q),
                Holder::Group(g) => index.group_live.get(g.ix()).copied().unwrap_or(false),
            };
            if !live || !index.acl_grants(acl, applies).allows(permission) {
                continue;
            }
            if let Fit::Applies(roles, r) = fit(index, acl, permission, applies) {
                nearest.push(path(index, p, node, acl, &roles, r));
            }
        }
        if !nearest.is_empty() {
            break;
        }
    }
    nearest
}

/// Whether `acl` grants `permission` to objects of type `applies`, and through which roles.
fn fit(index: &Index, acl: &Acl, permission: Permission, applies: TypeCode) -> Fit {
    let judge = |r: Option<TypeCode>, roles: Vec<RoleIx>| {
        if r.is_none_or(|t| t == applies) { Fit::Applies(roles, r) } else { Fit::Restricted(roles, r) }
    };
    match acl.grant() {
        Grant::Permission(x, r) if x == permission => judge(r, Vec::new()),
        Grant::Permission(..) => Fit::Irrelevant,
        Grant::Role(role, narrow) => {
            // The role's coverage, closed over inheritance, says whether the search below can find the
            // permission at all; most roles on a row do not give the one asked about.
            let coverage = index.role_coverage.get(role.ix());
            let somewhere = match narrow {
                None => coverage.map(Coverage::on_some_type),
                Some(t) => coverage.map(|c| c.for_type(t)),
            };
            if !somewhere.unwrap_or_default().allows(permission) {
                return Fit::Irrelevant;
            }
            // Breadth-first over inherited roles; the first role found that lists the permission in a way
            // that applies wins, else the first that lists it at all (restricted elsewhere).
            let mut parent = DenseMap::default();
            parent.insert(role.0, role.0);
            let mut queue = VecDeque::from([role.0]);
            let mut fallback = None;
            while let Some(s) = queue.pop_front() {
                for &(x, own) in index.role_permissions.get(s as usize).map(Vec::as_slice).unwrap_or(&[]) {
                    if x != permission {
                        continue;
                    }
                    // spec §4.3 c: the ACL's restriction narrows the role's; two different ones grant nothing.
                    let r = match (own, narrow) {
                        (Some(a), Some(b)) if a != b => continue,
                        (a, b) => a.or(b),
                    };
                    let roles = chain_to(&parent, s).into_iter().map(RoleIx).collect();
                    match judge(r, roles) {
                        fit @ Fit::Applies(..) => return fit,
                        other => fallback = fallback.or(Some(other)),
                    }
                }
                for &c in index.role_children.get(s as usize) {
                    if let Entry::Vacant(slot) = parent.entry(c) {
                        slot.insert(s);
                        queue.push_back(c);
                    }
                }
            }
            fallback.unwrap_or(Fit::Irrelevant)
        }
    }
}

/// The chain from a breadth-first search's root to `end`, following `parent` links (a root is its own
/// parent).
fn chain_to(parent: &DenseMap<u32, u32>, end: u32) -> Vec<u32> {
    let mut chain = vec![end];
    let mut at = end;
    while let Some(&up) = parent.get(&at) {
        if up == at || chain.len() > parent.len() {
            break;
        }
        chain.push(up);
        at = up;
    }
    chain.reverse();
    chain
}

fn path<'s>(
    index: &'s Index,
    p: PrincipalIx,
    node: NodeIx,
    acl: &Acl,
    roles: &[RoleIx],
    restriction: Option<TypeCode>,
) -> GrantPath<'s> {
    let (holder, group_chain) = match acl.holder() {
        Holder::Principal(h) => (GrantHolder::User(index.principals.text(h.0)), Vec::new()),
        Holder::Group(g) => (
            GrantHolder::Group(index.groups.text(g.0)),
            group_chain(index, p, g).into_iter().map(|g| index.groups.text(g.0)).collect(),
        ),
    };
    GrantPath {
        acl_id: index.acl_ids.text(acl.id),
        on: ObjectRef {
            object_type: index.object_type(TypeCode(index.nodes.tag(node.0))),
            id: index.nodes.text(node.0),
        },
        holder,
        group_chain,
        role_chain: roles.iter().map(|r| index.roles.text(r.0)).collect(),
        restriction: restriction.map(|t| index.object_type(t)),
    }
}

/// A shortest chain of groups from one that lists `p` directly up to `target`; empty when `p` is not a
/// member of `target`.
fn group_chain(index: &Index, p: PrincipalIx, target: GroupIx) -> Vec<GroupIx> {
    // The search stays within the groups `p` belongs to, so it costs what `p`'s memberships do.
    if !index.is_member(p, target) {
        return Vec::new();
    }
    let mut parent = DenseMap::default();
    let mut queue = VecDeque::new();
    for &g in index.direct_groups.get(p.ix()) {
        if let Entry::Vacant(slot) = parent.entry(g) {
            slot.insert(g);
            queue.push_back(g);
        }
    }
    while let Some(g) = queue.pop_front() {
        if g == target.0 {
            return chain_to(&parent, g).into_iter().map(GroupIx).collect();
        }
        for &up in index.group_parents.get(g as usize) {
            if let Entry::Vacant(slot) = parent.entry(up) {
                slot.insert(g);
                queue.push_back(up);
            }
        }
    }
    Vec::new()
}
