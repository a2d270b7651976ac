//! From validated rows to the index: the cross-row checks (references, org, duplicates) and the
//! precomputation of every relation a query needs.
//!
//! Rows of another org, and duplicates, are kept out with a warning. Rows that reference nothing (an
//! unknown group, role, principal or project) are skipped with a warning too. Deleted and foreign
//! projects, project groups, groups and roles are still entered, as dead, so that a query naming one
//! gets nothing (spec §4.4 q) rather than the org-wide grants an unknown object keeps (§4.4 p).

use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use super::closure::{TooDeep, memberships, role_coverage};
use super::{
    Acl, Coverage, Csr, DenseHasher, Grant, GroupIx, Holder, Index, Interner, NodeIx, Place, PrincipalIx, RoleIx,
    TypeCode,
};
use crate::document::{AclGrant, AclHolder, Document, ErrorCode, Head, SnapshotError, Warning, WarningCode};
use crate::model::{KNOWN_TYPES, ObjectType};
use crate::options::Limits;

static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(1);

/// Compiles a validated document, adding the cross-row warnings to `warnings`.
///
/// # Errors
/// [`ErrorCode::LimitExceeded`] when groups or roles nest deeper than `limits` allow.
pub(crate) fn build(doc: Document<'_>, warnings: &mut Vec<Warning>, limits: &Limits) -> Result<Index, SnapshotError> {
    let mut b = Builder {
        org: &doc.org_id,
        warnings,
        max_warnings: limits.warnings,
        first_over: None,
        unknown_types: Interner::default(),
    };
    let org = b.org;

    // Principals: users first, then service accounts, which are users to the model (spec §4.1 rule 7).
    let mut principals = Interner::default();
    let mut service_account = Vec::new();
    for (section, rows, is_sa) in [("users", &doc.users, false), ("service_accounts", &doc.service_accounts, true)] {
        for r in rows {
            if principals.intern(0, &r.id).1 {
                service_account.push(is_sa);
            } else {
                b.duplicate(section, r.at, &r.id);
            }
        }
    }

    // Groups and roles: interned even when deleted or foreign, so references to them are not "unknown".
    let (groups, group_live, group_rows) = b.entities("groups", doc.groups.iter().map(|g| &g.head));
    let (roles, role_live, role_rows) = b.entities("roles", doc.roles.iter().map(|r| &r.head));

    // Membership edges between live groups and principals.
    let mut direct_pairs = Vec::new();
    let mut parent_pairs = Vec::new();
    for (gix, g) in group_rows.iter().filter_map(|&i| doc.groups.get(i)).enumerate() {
        if !group_live.get(gix).copied().unwrap_or(false) {
            continue;
        }
        for m in &g.member_users {
            match principals.get(0, &m.id) {
                Some(p) => direct_pairs.push((p, gix as u32)),
                None => b.warn(
                    WarningCode::UnknownPrincipal,
                    format!("member `{}` is not a user or service account of the org; ignored", m.id),
                    format!("groups[{}].member_users[{}]", g.head.at, m.at),
                ),
            }
        }
        for m in &g.member_groups {
            match groups.get(0, &m.id) {
                Some(child) if group_live.get(child as usize).copied().unwrap_or(false) => {
                    parent_pairs.push((child, gix as u32))
                }
                Some(_) => {} // deleted or foreign: it passes no members on
                None => b.warn(
                    WarningCode::UnknownGroup,
                    format!("member group `{}` is not in `groups`; ignored", m.id),
                    format!("groups[{}].member_groups[{}]", g.head.at, m.at),
                ),
            }
        }
    }
    let direct_groups = Csr::from_pairs(principals.len(), &direct_pairs);
    let group_parents = Csr::from_pairs(groups.len(), &parent_pairs);
    let (member_of, members) =
        memberships(principals.len(), groups.len(), &direct_groups, &group_parents, limits.group_depth).map_err(
            |TooDeep(g)| {
                let at = group_rows.get(g as usize).and_then(|&i| doc.groups.get(i)).map_or(0, |r| r.head.at);
                let message = format!(
                    "group `{}` has more levels of `member_groups` above it than the limit `group_depth` = {}",
                    groups.text(g),
                    limits.group_depth
                );
                SnapshotError::new(ErrorCode::LimitExceeded, message, format!("groups[{at}]"))
            },
        )?;

    // Roles: own permissions, inheritance edges between live roles, then the closure.
    let mut role_permissions = Vec::with_capacity(role_rows.len());
    let mut own = Vec::with_capacity(role_rows.len());
    let mut child_pairs = Vec::new();
    for (rix, r) in role_rows.iter().filter_map(|&i| doc.roles.get(i)).enumerate() {
        let mut perms = Vec::new();
        let mut coverage = Coverage::default();
        if role_live.get(rix).copied().unwrap_or(false) {
            for (p, restrict) in &r.member_permissions {
                let code = restrict.as_ref().map(|t| b.type_code(t));
                coverage.grant(p.as_set(), code);
                perms.push((*p, code));
            }
            for m in &r.member_roles {
                match roles.get(0, &m.id) {
                    Some(child) if role_live.get(child as usize).copied().unwrap_or(false) => {
                        child_pairs.push((rix as u32, child))
                    }
                    Some(_) => {}
                    None => b.warn(
                        WarningCode::UnknownRole,
                        format!("member role `{}` is not in `roles`; ignored", m.id),
                        format!("roles[{}].member_roles[{}]", r.head.at, m.at),
                    ),
                }
            }
        }
        role_permissions.push(perms);
        own.push(coverage);
    }
    let role_children = Csr::from_pairs(roles.len(), &child_pairs);
    let role_coverage = role_coverage(&own, &role_children, limits.role_depth).map_err(|TooDeep(r)| {
        let at = role_rows.get(r as usize).and_then(|&i| doc.roles.get(i)).map_or(0, |row| row.head.at);
        let message = format!(
            "role `{}` has more levels of `member_roles` below it than the limit `role_depth` = {}",
            roles.text(r),
            limits.role_depth
        );
        SnapshotError::new(ErrorCode::LimitExceeded, message, format!("roles[{at}]"))
    })?;

    // Objects. Fixed chains first: [org], [org_project, org], [org_ai_secret, org].
    let mut t = NodeTable::default();
    let code = |ty: ObjectType| TypeCode(ty.known_index().unwrap_or(0) as u32);
    let org_node = t.add(code(ObjectType::Organization), org, Place::Listed(0..0));
    let r_org = t.chain(&[org_node]);
    let org_project = t.add(code(ObjectType::OrgProject), org, Place::Listed(r_org.clone()));
    let r_org_project = t.chain(&[org_project, org_node]);
    let org_ai_secret = t.add(code(ObjectType::OrgAiSecret), org, Place::Listed(r_org.clone()));
    let r_ai = t.chain(&[org_ai_secret, org_node]);
    let org_member = t.add(code(ObjectType::OrgMember), org, Place::Listed(r_org.clone()));
    let org_audit = t.add(code(ObjectType::OrgAuditLogs), org, Place::Listed(r_org.clone()));
    for n in [org_node, org_project, org_ai_secret, org_member, org_audit] {
        t.list(n);
    }

    let project = code(ObjectType::Project);
    let project_log = code(ObjectType::ProjectLog);
    let mut live_projects = Vec::new();
    for p in &doc.projects {
        if t.nodes.get(project.0, &p.id).is_some() {
            b.duplicate("projects", p.at, &p.id);
            continue;
        }
        let foreign = b.foreign("projects", p.at, p.org_id.as_deref());
        let n = t.add(project, &p.id, Place::Dead);
        if !p.deleted && !foreign {
            live_projects.push((n, &p.id));
        } else {
            t.add(project_log, &p.id, Place::Dead);
        }
    }

    let project_group = code(ObjectType::ProjectGroup);
    let mut in_group = Vec::new();
    let mut listed_once: HashSet<u32, BuildHasherDefault<DenseHasher>> = HashSet::default();
    for pg in &doc.project_groups {
        if t.nodes.get(project_group.0, &pg.head.id).is_some() {
            b.duplicate("project_groups", pg.head.at, &pg.head.id);
            continue;
        }
        let foreign = b.foreign("project_groups", pg.head.at, pg.head.org_id.as_deref());
        if pg.head.deleted || foreign {
            t.add(project_group, &pg.head.id, Place::Dead);
            continue;
        }
        let g = t.add(project_group, &pg.head.id, Place::Listed(r_org_project.clone()));
        t.list(g);
        // A project listed twice is in the group once: its chain must not hold the group twice, or an
        // explanation would show each grant on the group twice.
        listed_once.clear();
        for m in &pg.member_projects {
            match t.nodes.get(project.0, &m.id) {
                Some(n) if !listed_once.insert(n) => {}
                Some(n) => in_group.push((n, g.0)),
                None => b.warn(
                    WarningCode::UnknownProject,
                    format!("member project `{}` is not in `projects`; ignored", m.id),
                    format!("project_groups[{}].member_projects[{}]", pg.head.at, m.at),
                ),
            }
        }
    }
    let groups_of_project = Csr::from_pairs(t.nodes.len(), &in_group);

    // A project's chain is [project, its live project groups…, org_project, org]; the project itself
    // starts one in, its logs (and every child) use all of it.
    for (n, id) in live_projects {
        let start = t.chains.len() as u32;
        t.chains.push(n.0);
        t.chains.extend_from_slice(groups_of_project.get(n.ix()));
        t.chains.extend_from_slice(&[org_project.0, org_node.0]);
        let end = t.chains.len() as u32;
        t.set(n, Place::Listed(start + 1..end));
        t.list(n);
        let log = t.add(project_log, id, Place::Listed(start..end));
        t.list(log);
    }

    for (section, rows, ty, live) in
        [("groups", &group_rows, ObjectType::Group, &group_live), ("roles", &role_rows, ObjectType::Role, &role_live)]
    {
        let names = if section == "groups" { &groups } else { &roles };
        for (ix, _) in rows.iter().enumerate() {
            let alive = live.get(ix).copied().unwrap_or(false);
            let place = if alive { Place::Listed(r_org.clone()) } else { Place::Dead };
            let n = t.add(code(ty.clone()), names.text(ix as u32), place);
            if alive {
                t.list(n);
            }
        }
    }

    for o in &doc.objects {
        let c = b.type_code(&o.object_type);
        if t.nodes.get(c.0, &o.id).is_some() {
            b.duplicate("objects", o.at, &o.id);
            continue;
        }
        let place = if o.deleted {
            Place::Dead
        } else if let Some(pid) = o.project_id.as_deref().filter(|_| o.object_type.is_project_child()) {
            match t.nodes.get(project_log.0, pid) {
                Some(log) => t.places.get(log as usize).cloned().unwrap_or(Place::Dead),
                None => {
                    b.warn(
                        WarningCode::UnknownProject,
                        format!("project `{pid}` is not in `projects`; object skipped"),
                        format!("objects[{}].project_id", o.at),
                    );
                    continue;
                }
            }
        } else if o.object_type == ObjectType::AiSecret {
            Place::Listed(r_ai.clone())
        } else {
            // An unknown type has no known place in the tree: it is reached only by its own ACLs.
            Place::Listed(0..0)
        };
        let listed = matches!(place, Place::Listed(_));
        let n = t.add(c, &o.id, place);
        if listed {
            t.list(n);
        }
    }

    // ACLs.
    let mut acl_ids = Interner::default();
    let mut acls = Vec::with_capacity(doc.acls.len());
    let mut tuples: HashSet<(NodeIx, Holder, Grant), BuildHasherDefault<DenseHasher>> = HashSet::default();
    for a in &doc.acls {
        let path = |field: &str| format!("acls[{}].{field}", a.at);
        if let Some(other) = a.object_org_id.as_deref().filter(|o| *o != org) {
            b.warn(WarningCode::ForeignOrg, format!("ACL of org `{other}`; ignored"), path("_object_org_id"));
            continue;
        }
        if a.object_type.is_org_singleton() && a.object_id != org {
            b.warn(
                WarningCode::ForeignOrg,
                format!("`{}` object `{}` is not this snapshot's org; ignored", a.object_type, a.object_id),
                path("object_id"),
            );
            continue;
        }
        let holder = match &a.holder {
            AclHolder::User(id) => match principals.get(0, id) {
                Some(p) => Holder::Principal(PrincipalIx(p)),
                None => {
                    b.warn(
                        WarningCode::UnknownPrincipal,
                        format!("user `{id}` is not a user or service account of the org; ignored"),
                        path("user_id"),
                    );
                    continue;
                }
            },
            AclHolder::Group(id) => match groups.get(0, id) {
                Some(g) => Holder::Group(GroupIx(g)),
                None => {
                    b.warn(
                        WarningCode::UnknownGroup,
                        format!("group `{id}` is not in `groups`; ignored"),
                        path("group_id"),
                    );
                    continue;
                }
            },
        };
        let restrict = a.restrict.as_ref().map(|t| b.type_code(t));
        let grant = match &a.grant {
            AclGrant::Permission(p) => Grant::Permission(*p, restrict),
            AclGrant::Role(id) => match roles.get(0, id) {
                Some(r) => Grant::Role(RoleIx(r), restrict),
                None => {
                    b.warn(
                        WarningCode::UnknownRole,
                        format!("role `{id}` is not in `roles`; the grant resolves to nothing"),
                        path("role_id"),
                    );
                    continue;
                }
            },
        };
        let c = b.type_code(&a.object_type);
        let node = match t.nodes.get(c.0, &a.object_id) {
            Some(n) => NodeIx(n),
            None => t.add(c, &a.object_id, Place::Unlisted),
        };
        if tuples.contains(&(node, holder, grant)) {
            b.warn(
                WarningCode::DuplicateAcl,
                "the same grant as an earlier ACL; ignored".into(),
                format!("acls[{}]", a.at),
            );
            continue;
        }
        let (id, new) = acl_ids.intern(0, &a.id);
        if !new {
            b.duplicate("acls", a.at, &a.id);
            continue;
        }
        tuples.insert((node, holder, grant));
        acls.push(Acl { id, node, holder, grant });
    }

    let holders = principals.len() + groups.len();
    let holder_key = |h: Holder| match h {
        Holder::Principal(p) => p.0,
        Holder::Group(g) => (principals.len() + g.ix()) as u32,
    };
    let by_node: Vec<(u32, u32)> = acls.iter().enumerate().map(|(i, a)| (a.node.0, i as u32)).collect();
    let by_holder: Vec<(u32, u32)> = acls.iter().enumerate().map(|(i, a)| (holder_key(a.holder), i as u32)).collect();

    let mut orphan_chains = vec![0..0; KNOWN_TYPES];
    for ty in ObjectType::KNOWN {
        let r = match ty {
            ObjectType::ProjectGroup
            | ObjectType::Project
            | ObjectType::Experiment
            | ObjectType::Dataset
            | ObjectType::Prompt
            | ObjectType::PromptSession
            | ObjectType::ProjectLog => r_org_project.clone(),
            ObjectType::AiSecret => r_ai.clone(),
            ObjectType::Organization => 0..0,
            _ => r_org.clone(),
        };
        if let Some(slot) = ty.known_index().and_then(|i| orphan_chains.get_mut(i)) {
            *slot = r;
        }
    }

    let mut listed = t.listed;
    listed.resize_with(KNOWN_TYPES + b.unknown_types.len(), Vec::new);
    if let Some(path) = b.first_over {
        let message = format!("more warnings than the limit `warnings` = {}", limits.warnings);
        return Err(SnapshotError::new(ErrorCode::LimitExceeded, message, path));
    }
    Ok(Index {
        instance: NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed),
        org_id: org.into(),
        unknown_types: b.unknown_types,
        resolved: (0..principals.len()).map(|_| OnceLock::new()).collect(),
        principals,
        service_account,
        groups,
        group_live,
        group_parents,
        direct_groups,
        member_of,
        members,
        roles,
        role_children,
        role_permissions,
        role_coverage,
        acls_by_node: Csr::from_pairs(t.nodes.len(), &by_node),
        acls_by_holder: Csr::from_pairs(holders, &by_holder),
        nodes: t.nodes,
        places: t.places,
        chains: t.chains,
        orphan_chains,
        listed,
        acl_ids,
        acls,
        expiry: None,
    })
}

struct Builder<'d, 'w> {
    org: &'d str,
    warnings: &'w mut Vec<Warning>,
    max_warnings: usize,
    /// Where the warnings first went over the limit: the build stops recording and fails at the end.
    first_over: Option<String>,
    unknown_types: Interner,
}

impl Builder<'_, '_> {
    fn warn(&mut self, code: WarningCode, message: String, path: String) {
        if self.warnings.len() < self.max_warnings {
            self.warnings.push(Warning::new(code, message, path));
        } else if self.first_over.is_none() {
            self.first_over = Some(path);
        }
    }

    fn duplicate(&mut self, section: &str, at: usize, id: &str) {
        self.warn(
            WarningCode::DuplicateId,
            format!("id `{id}` appears earlier in `{section}`; the first occurrence wins"),
            format!("{section}[{at}].id"),
        );
    }

    /// Whether a row's `org_id` names another org (spec §4.4 t: null is a system row, accepted).
    fn foreign(&mut self, section: &str, at: usize, org_id: Option<&str>) -> bool {
        match org_id {
            Some(other) if other != self.org => {
                self.warn(
                    WarningCode::ForeignOrg,
                    format!("row of org `{other}`; grants nothing here"),
                    format!("{section}[{at}].org_id"),
                );
                true
            }
            _ => false,
        }
    }

    /// Interns the ids of a section of listed entities (first occurrence wins), giving the interner, whether
    /// each entry is live (not deleted, not another org's), and the row each entry came from.
    fn entities<'r, 'a: 'r>(
        &mut self,
        section: &str,
        heads: impl Iterator<Item = &'r Head<'a>>,
    ) -> (Interner, Vec<bool>, Vec<usize>) {
        let (mut ids, mut live, mut rows) = (Interner::default(), Vec::new(), Vec::new());
        for (i, h) in heads.enumerate() {
            if !ids.intern(0, &h.id).1 {
                self.duplicate(section, h.at, &h.id);
                continue;
            }
            let foreign = self.foreign(section, h.at, h.org_id.as_deref());
            live.push(!h.deleted && !foreign);
            rows.push(i);
        }
        (ids, live, rows)
    }

    fn type_code(&mut self, t: &ObjectType) -> TypeCode {
        match t.known_index() {
            Some(ix) => TypeCode(ix as u32),
            None => TypeCode(KNOWN_TYPES as u32 + self.unknown_types.intern(0, t.as_str()).0),
        }
    }
}

/// Objects as they are entered: the interner, each one's place, the shared chain buffer, and the
/// listed objects by type.
#[derive(Default)]
struct NodeTable {
    nodes: Interner,
    places: Vec<Place>,
    chains: Vec<u32>,
    listed: Vec<Vec<NodeIx>>,
}

impl NodeTable {
    fn add(&mut self, code: TypeCode, id: &str, place: Place) -> NodeIx {
        let (n, new) = self.nodes.intern(code.0, id);
        if new {
            self.places.push(place);
        }
        NodeIx(n)
    }

    fn set(&mut self, n: NodeIx, place: Place) {
        if let Some(slot) = self.places.get_mut(n.ix()) {
            *slot = place;
        }
    }

    fn chain(&mut self, nodes: &[NodeIx]) -> Range<u32> {
        let start = self.chains.len() as u32;
        self.chains.extend(nodes.iter().map(|n| n.0));
        start..self.chains.len() as u32
    }

    fn list(&mut self, n: NodeIx) {
        let ty = self.nodes.tag(n.0) as usize;
        if self.listed.len() <= ty {
            self.listed.resize_with(ty + 1, Vec::new);
        }
        if let Some(v) = self.listed.get_mut(ty) {
            v.push(n);
        }
    }
}
