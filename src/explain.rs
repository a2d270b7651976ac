//! Explanations: the grant paths behind an answer, or the reason for a denial.
//!
//! Checks never build these (they only OR permission bits); explaining walks the same ancestors but looks
//! at the individual ACL rows, and rebuilds the group chain (principal ∈ g1 ⊂ g2 …) and role chain
//! (role → inherited role … → the role that lists the permission) by breadth-first search, so each
//! chain shown is a shortest one.

use std::collections::VecDeque;

use crate::index::{Acl, Grant, GroupIx, Holder, Index, NodeIx, PrincipalIx, RoleIx, Status, TypeCode};
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
    /// The ACL row's `id`.
    pub acl_id: &'s str,
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

/// Explains `permission` on `object`, with grants judged for objects of type `applies`: the object's own
/// type for a check, the child's type for a creation under `object` (spec §4.3 j).
pub(crate) fn explain<'s>(
    index: &'s Index,
    principal: Option<PrincipalIx>,
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

    let mut allowed = Vec::new();
    let mut restricted = Vec::new();
    let mut others = Vec::new();
    let mut others_level = None;
    for node in at.nodes() {
        for &a in index.acls_by_node.get(node.ix()) {
            let Some(acl) = index.acls.get(a as usize) else { continue };
            let (mine, live) = match acl.holder {
                Holder::Principal(h) => (h == p, true),
                Holder::Group(g) => (index.is_member(p, g), index.group_live.get(g.ix()).copied().unwrap_or(false)),
            };
            match fit(index, acl, permission, applies) {
                Fit::Applies(roles, r) if mine => allowed.push(path(index, p, node, acl, &roles, r)),
                Fit::Restricted(roles, r) if mine => restricted.push(path(index, p, node, acl, &roles, r)),
                // A deleted group's grant is no grant: it is not shown as one the principal could be given.
                Fit::Applies(roles, r) if live && others_level.is_none_or(|n| n == node) => {
                    others_level = Some(node);
                    others.push(path(index, p, node, acl, &roles, r));
                }
                _ => {}
            }
        }
    }
    let decision = if !allowed.is_empty() {
        Decision::Allowed { paths: allowed }
    } else if !restricted.is_empty() {
        Decision::Denied { reason: DenialReason::RestrictedToOtherType, nearest: restricted }
    } else {
        let reason = if at.status == Status::Unlisted { DenialReason::ObjectUnknown } else { DenialReason::NoGrant };
        Decision::Denied { reason, nearest: others }
    };
    Explanation { permission, decision }
}

/// Whether `acl` grants `permission` to objects of type `applies`, and through which roles.
fn fit(index: &Index, acl: &Acl, permission: Permission, applies: TypeCode) -> Fit {
    let judge = |r: Option<TypeCode>, roles: Vec<RoleIx>| {
        if r.is_none_or(|t| t == applies) { Fit::Applies(roles, r) } else { Fit::Restricted(roles, r) }
    };
    match acl.grant {
        Grant::Permission(x, r) if x == permission => judge(r, Vec::new()),
        Grant::Permission(..) => Fit::Irrelevant,
        Grant::Role(role, narrow) => {
            // Breadth-first over inherited roles; the first role found that lists the permission in a way
            // that applies wins, else the first that lists it at all (restricted elsewhere).
            let mut parent = vec![u32::MAX; index.roles.len()];
            let mut queue = VecDeque::from([role.0]);
            if let Some(slot) = parent.get_mut(role.ix()) {
                *slot = role.0;
            }
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
                    let roles = chain_to(&parent, s);
                    match judge(r, roles) {
                        fit @ Fit::Applies(..) => return fit,
                        other => fallback = fallback.or(Some(other)),
                    }
                }
                for &c in index.role_children.get(s as usize) {
                    if let Some(slot) = parent.get_mut(c as usize)
                        && *slot == u32::MAX
                    {
                        *slot = s;
                        queue.push_back(c);
                    }
                }
            }
            fallback.unwrap_or(Fit::Irrelevant)
        }
    }
}

/// The chain from the BFS root to `end`, following `parent` links (the root is its own parent).
fn chain_to(parent: &[u32], end: u32) -> Vec<RoleIx> {
    let mut chain = vec![RoleIx(end)];
    let mut at = end;
    while let Some(&up) = parent.get(at as usize) {
        if up == at || up == u32::MAX || chain.len() > parent.len() {
            break;
        }
        chain.push(RoleIx(up));
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
    let (holder, group_chain) = match acl.holder {
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
    let mut parent = vec![u32::MAX; index.groups.len()];
    let mut queue = VecDeque::new();
    for &g in index.direct_groups.get(p.ix()) {
        if let Some(slot) = parent.get_mut(g as usize)
            && *slot == u32::MAX
        {
            *slot = g;
            queue.push_back(g);
        }
    }
    while let Some(g) = queue.pop_front() {
        if g == target.0 {
            let mut chain = vec![GroupIx(g)];
            let mut at = g;
            while let Some(&up) = parent.get(at as usize) {
                if up == at || chain.len() > parent.len() {
                    break;
                }
                chain.push(GroupIx(up));
                at = up;
            }
            chain.reverse();
            return chain;
        }
        for &up in index.group_parents.get(g as usize) {
            if let Some(slot) = parent.get_mut(up as usize)
                && *slot == u32::MAX
            {
                *slot = g;
                queue.push_back(up);
            }
        }
    }
    Vec::new()
}
