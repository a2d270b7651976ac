//! From validated rows to the index: the cross-row checks (references, org, duplicates) and the
//! precomputation of every relation a query needs.
//!
//! Rows of another org, and duplicates, are kept out with a warning. Rows that reference nothing (an
//! unknown group, role, principal or project) are skipped with a warning too. Deleted and foreign
//! projects, project groups, groups and roles are still entered, as dead, so that a query naming one
//! gets nothing (spec §4.4 q) rather than the org-wide grants an unknown object keeps (§4.4 p).

use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use super::closure::TooDeep;
use super::tables::{GroupRow, Head, ObjectRow, OrgRef, ProjectGroupRow, ProjectRow, RoleRow, Tables};
use super::{
    Acl, Csr, DenseHasher, Fixed, Grant, GroupIx, Holder, Index, Interner, Lists, NodeIx, PrincipalIx, RoleIx,
    TypeCode, derive, holder_key, too_deep_group, too_deep_role,
};
use crate::document::{AclGrant, AclHolder, Document, ErrorCode, Head as DocHead, SnapshotError, Warning, WarningCode};
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
    let mut tables = Tables {
        generated_at: doc.generated_at.as_ref().map(|t| t.text.as_ref().into()),
        expires_at: doc.expires_at.as_ref().map(|t| t.text.as_ref().into()),
        ..Tables::default()
    };

    // Principals: users first, then service accounts, which are users to the model (spec §4.1 rule 7).
    let mut principals = Interner::default();
    let mut service_account = Vec::new();
    for (section, rows, is_sa) in [("users", &doc.users, false), ("service_accounts", &doc.service_accounts, true)] {
        for r in rows {
            if principals.intern(0, &r.id).1 {
                service_account.push(is_sa);
                tables.principal_deleted.push(r.deleted_at.as_deref().map(Into::into));
            } else {
                b.duplicate(section, r.at, &r.id);
            }
        }
    }

    // Objects the org itself is: always there, always first.
    let mut nodes = Interner::default();
    let code = |t: ObjectType| t.known_index().unwrap_or(0) as u32;
    let mut fixed_node = |t: ObjectType| NodeIx(nodes.intern(code(t), org).0);
    let fixed = Fixed {
        org: fixed_node(ObjectType::Organization),
        org_project: fixed_node(ObjectType::OrgProject),
        org_ai_secret: fixed_node(ObjectType::OrgAiSecret),
        org_member: fixed_node(ObjectType::OrgMember),
        org_audit_logs: fixed_node(ObjectType::OrgAuditLogs),
    };

    // Groups and roles: interned even when deleted or foreign, so references to them are not "unknown".
    let (groups, group_heads, group_rows) = b.entities("groups", doc.groups.iter().map(|g| &g.head));
    let (roles, role_heads, role_rows) = b.entities("roles", doc.roles.iter().map(|r| &r.head));
    for (g, (row, head)) in group_rows.iter().filter_map(|&i| doc.groups.get(i)).zip(group_heads).enumerate() {
        let node = NodeIx(nodes.intern(code(ObjectType::Group), groups.text(g as u32)).0);
        let mut member_users = Vec::with_capacity(row.member_users.len());
        let mut member_groups = Vec::with_capacity(row.member_groups.len());
        // Another org's group grants nothing and passes no members on, so its lists are not read.
        let lists = if head.live() { (&row.member_users[..], &row.member_groups[..]) } else { (&[][..], &[][..]) };
        for m in lists.0 {
            match principals.get(0, &m.id) {
                Some(p) => member_users.push(PrincipalIx(p)),
                None => b.warn(
                    WarningCode::UnknownPrincipal,
                    format!("member `{}` is not a user or service account of the org; ignored", m.id),
                    format!("groups[{}].member_users[{}]", row.head.at, m.at),
                ),
            }
        }
        for m in lists.1 {
            match groups.get(0, &m.id) {
                Some(child) => member_groups.push(GroupIx(child)),
                None => b.warn(
                    WarningCode::UnknownGroup,
                    format!("member group `{}` is not in `groups`; ignored", m.id),
                    format!("groups[{}].member_groups[{}]", row.head.at, m.at),
                ),
            }
        }
        tables.groups.push(GroupRow { node, head, member_users, member_groups });
    }
    for (r, (row, head)) in role_rows.iter().filter_map(|&i| doc.roles.get(i)).zip(role_heads).enumerate() {
        let node = NodeIx(nodes.intern(code(ObjectType::Role), roles.text(r as u32)).0);
        let lists = if head.live() { (&row.member_permissions[..], &row.member_roles[..]) } else { (&[][..], &[][..]) };
        let member_permissions = lists.0.iter().map(|(p, t)| (*p, t.as_ref().map(|t| b.type_code(t)))).collect();
        let mut member_roles = Vec::with_capacity(row.member_roles.len());
        for m in lists.1 {
            match roles.get(0, &m.id) {
                Some(child) => member_roles.push(RoleIx(child)),
                None => b.warn(
                    WarningCode::UnknownRole,
                    format!("member role `{}` is not in `roles`; ignored", m.id),
                    format!("roles[{}].member_roles[{}]", row.head.at, m.at),
                ),
            }
        }
        tables.roles.push(RoleRow { node, head, member_permissions, member_roles });
    }

    let project = code(ObjectType::Project);
    let project_log = code(ObjectType::ProjectLog);
    for p in &doc.projects {
        if nodes.get(project, &p.id).is_some() {
            b.duplicate("projects", p.at, &p.id);
            continue;
        }
        let head = b.head("projects", p);
        let node = NodeIx(nodes.intern(project, &p.id).0);
        let log = NodeIx(nodes.intern(project_log, &p.id).0);
        tables.projects.put(node, ProjectRow { node, log, head });
    }

    let project_group = code(ObjectType::ProjectGroup);
    for pg in &doc.project_groups {
        if nodes.get(project_group, &pg.head.id).is_some() {
            b.duplicate("project_groups", pg.head.at, &pg.head.id);
            continue;
        }
        let head = b.head("project_groups", &pg.head);
        let node = NodeIx(nodes.intern(project_group, &pg.head.id).0);
        let mut members = Vec::with_capacity(pg.member_projects.len());
        let listed = if head.live() { &pg.member_projects[..] } else { &[] };
        for m in listed {
            match nodes.get(project, &m.id) {
                Some(n) => members.push(NodeIx(n)),
                None => b.warn(
                    WarningCode::UnknownProject,
                    format!("member project `{}` is not in `projects`; ignored", m.id),
                    format!("project_groups[{}].member_projects[{}]", pg.head.at, m.at),
                ),
            }
        }
        let member_projects = derive::distinct(members);
        tables.project_groups.put(node, ProjectGroupRow { node, head, member_projects });
    }

    for o in &doc.objects {
        let c = b.type_code(&o.object_type);
        if nodes.get(c.0, &o.id).is_some() {
            b.duplicate("objects", o.at, &o.id);
            continue;
        }
        let project = match o.project_id.as_deref().filter(|_| o.object_type.is_project_child()) {
            Some(pid) => match nodes.get(project, pid) {
                Some(n) => Some(NodeIx(n)),
                None => {
                    b.warn(
                        WarningCode::UnknownProject,
                        format!("project `{pid}` is not in `projects`; object skipped"),
                        format!("objects[{}].project_id", o.at),
                    );
                    continue;
                }
            },
            None => None,
        };
        let node = NodeIx(nodes.intern(c.0, &o.id).0);
        let deleted_at = o.deleted_at.as_deref().map(Into::into);
        tables.objects.put(node, ObjectRow { node, project, deleted_at });
    }

    // ACLs.
    let mut acl_ids = Interner::default();
    let mut acls = Vec::with_capacity(doc.acls.len());
    let mut tuples: HashSet<(NodeIx, Holder, Grant), BuildHasherDefault<DenseHasher>> = HashSet::default();
    // Every row's object looked up at once, so that the lookups' cache misses overlap (see
    // `Interner::get_all`); objects not found yet, and unknown types, are entered in row order below.
    let found =
        nodes.get_all(doc.acls.iter().map(|a| Some((a.object_type.known_index()? as u32, a.object_id.as_ref()))));
    for (a, found) in doc.acls.iter().zip(found) {
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
        let node = match found {
            Some(n) => NodeIx(n),
            None => NodeIx(nodes.intern(b.type_code(&a.object_type).0, &a.object_id).0),
        };
        if tuples.contains(&(node, holder, grant)) {
            b.warn(
                WarningCode::DuplicateAcl,
                "the same grant as an earlier ACL; ignored".into(),
                format!("acls[{}]", a.at),
            );
            continue;
        }
        let (id, new) = acl_ids.intern(0, &a.id());
        if !new {
            b.duplicate("acls", a.at, &a.id());
            continue;
        }
        tuples.insert((node, holder, grant));
        acls.push(Some(Acl { id, node, holder, grant }));
    }

    if let Some(path) = b.first_over {
        let message = format!("more warnings than the limit `warnings` = {}", limits.warnings);
        return Err(SnapshotError::new(ErrorCode::LimitExceeded, message, path));
    }
    let by_node: Vec<(u32, u32)> =
        acls.iter().enumerate().flat_map(|(i, a)| a.as_ref().map(|a| (a.node.0, i as u32))).collect();
    let by_holder: Vec<(u32, u32)> =
        acls.iter().enumerate().flat_map(|(i, a)| a.as_ref().map(|a| (holder_key(a.holder), i as u32))).collect();
    let holder_keys = 2 * principals.len().max(groups.len());
    let mut index = Index {
        instance: NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed),
        org_id: org.into(),
        unknown_types: b.unknown_types,
        resolved: (0..principals.len()).map(|_| OnceLock::new()).collect(),
        principals,
        service_account,
        groups,
        group_live: Vec::new(),
        group_parents: Csr::default(),
        direct_groups: Csr::default(),
        member_of: Csr::default(),
        members: Csr::default(),
        roles,
        role_children: Csr::default(),
        role_permissions: Vec::new(),
        role_coverage: Vec::new(),
        acls_by_node: Lists::new(Csr::from_pairs(nodes.len(), &by_node)),
        acls_by_holder: Lists::new(Csr::from_pairs(holder_keys, &by_holder)),
        acl_rows: (0..acls.len() as u32).collect(),
        nodes,
        fixed,
        places: Vec::new(),
        chains: Vec::new(),
        orphan_chains: Vec::new(),
        listed: Vec::new(),
        acl_ids,
        acls,
        tables,
        limits: *limits,
        expiry: None,
    };
    let group_relations = derive::groups(&index.tables.groups, &index.tables.principal_deleted, limits);
    index.set_groups(group_relations.map_err(|TooDeep(g)| {
        let at = group_rows.get(g as usize).and_then(|&i| doc.groups.get(i)).map_or(0, |r| r.head.at);
        too_deep_group(index.groups.text(g), limits, format!("groups[{at}]"))
    })?);
    let role_relations = derive::roles(&index.tables.roles, limits);
    index.set_roles(role_relations.map_err(|TooDeep(r)| {
        let at = role_rows.get(r as usize).and_then(|&i| doc.roles.get(i)).map_or(0, |row| row.head.at);
        too_deep_role(index.roles.text(r), limits, format!("roles[{at}]"))
    })?);
    derive::places(&mut index);
    Ok(index)
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

    /// Interns the ids of a section of listed entities (first occurrence wins), giving the interner, each
    /// entry's head, and the row each entry came from.
    fn entities<'r, 'a: 'r>(
        &mut self,
        section: &str,
        heads: impl Iterator<Item = &'r DocHead<'a>>,
    ) -> (Interner, Vec<Head>, Vec<usize>) {
        let (mut ids, mut out, mut rows) = (Interner::default(), Vec::new(), Vec::new());
        for (i, h) in heads.enumerate() {
            if !ids.intern(0, &h.id).1 {
                self.duplicate(section, h.at, &h.id);
                continue;
            }
            out.push(self.head(section, h));
            rows.push(i);
        }
        (ids, out, rows)
    }

    /// A row's head as the index keeps it, warning when it is another org's.
    fn head(&mut self, section: &str, h: &DocHead<'_>) -> Head {
        let org = match h.org_id.as_deref() {
            // A deleted row's `org_id` is not read (it grants nothing either way), so `to_json` writes none
            // and the document it writes loads to itself.
            _ if h.deleted() => OrgRef::Null,
            None => OrgRef::Null,
            Some(o) if o == self.org => OrgRef::Org,
            Some(other) => {
                self.warn(
                    WarningCode::ForeignOrg,
                    format!("row of org `{other}`; grants nothing here"),
                    format!("{section}[{}].org_id", h.at),
                );
                OrgRef::Foreign(other.into())
            }
        };
        Head { org, deleted_at: h.deleted_at.as_deref().map(Into::into) }
    }

    fn type_code(&mut self, t: &ObjectType) -> TypeCode {
        match t.known_index() {
            Some(ix) => TypeCode(ix as u32),
            None => TypeCode(KNOWN_TYPES as u32 + self.unknown_types.intern(0, t.as_str()).0),
        }
    }
}
