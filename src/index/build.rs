//! From validated rows to the index: the cross-row checks (references, org, duplicates) and the
//! precomputation of every relation a query needs.
//!
//! Rows arrive one at a time as the document is read ([`Sink`]), and each is entered as it comes and then
//! dropped: neither the document nor its rows are ever held whole, only what the index keeps. That works
//! because a row's checks need only sections the document gives before it, in the order Braintrust's API
//! and `to_json` write them. Three small sections wait for the end instead: groups and roles (whose rows
//! name members further down the same section) and project groups. A row that needs a section the
//! document has not given yet (it may come later, or never) waits too, as a copy, and is entered at the
//! end; the warnings of the build are put back in the order a build of the rows in section order gives.
//! So the section order of a document changes what waits, never the result.
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
use super::grants::Grants;
use super::tables::{GroupRow, Head, ObjectRow, OrgRef, ProjectGroupRow, ProjectRow, RoleRow, Tables};
use super::{
    Acl, AclIds, Chunked, Csr, DenseHasher, Fixed, Grant, GroupIx, Holder, Index, Interner, Lists, NodeIx, PrincipalIx,
    RoleIx, TypeCode, derive, too_deep_group, too_deep_role,
};
use crate::document::{self as doc, AclGrant, AclHolder, ErrorCode, IntoOwned, Item, SnapshotError, Warning};
use crate::document::{Read, Sink, WarningCode};
use crate::model::{KNOWN_TYPES, ObjectType};
use crate::options::Limits;

static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(1);

/// The order of the build's checks, by section: a build of the rows in section order gives its
/// warnings in this order, and each section's in row order.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Users,
    ServiceAccounts,
    GroupIds,
    RoleIds,
    GroupMembers,
    RoleMembers,
    Projects,
    ProjectGroups,
    Objects,
    Acls,
}

/// A warning of the build, with where it goes in the order of [`Rank`].
struct Ranked {
    rank: Rank,
    at: usize,
    warning: Warning,
}

/// Where a membership list sits, for its warnings.
#[derive(Copy, Clone)]
struct Listed {
    rank: Rank,
    section: &'static str,
    row: usize,
}

/// Sections the document has begun (and, as sections do not interleave, ended, once another begins).
#[derive(Default)]
struct Begun {
    users: bool,
    service_accounts: bool,
    groups: bool,
    roles: bool,
    projects: bool,
}

/// The index under construction, fed one row at a time.
pub(crate) struct Builder {
    limits: Limits,
    org: Option<Box<str>>,
    begun: Begun,
    warnings: Vec<Ranked>,
    unknown_types: Interner,
    principals: Interner,
    service_account: Vec<bool>,
    nodes: Interner,
    fixed: Option<Fixed>,
    groups: Interner,
    /// The first row of each group id, by group number.
    group_rows: Vec<doc::GroupRow<'static>>,
    roles: Interner,
    role_rows: Vec<doc::RoleRow<'static>>,
    project_groups: Vec<doc::ProjectGroupRow<'static>>,
    tables: Tables,
    acl_ids: AclIds,
    /// `None` holds the place of a row that waits.
    acls: Chunked<Option<Acl>>,
    grants: Grants,
    waiting: Waiting,
}

/// Rows that need a section the document has not given yet.
#[derive(Default)]
struct Waiting {
    /// Service accounts given before users: users come first in the principal numbering (and win a
    /// shared id).
    service_accounts: Vec<doc::PrincipalRow<'static>>,
    /// Projects given before `org`.
    projects: Vec<doc::Head<'static>>,
    /// Objects given before projects.
    objects: Vec<doc::ObjectRow<'static>>,
    /// ACLs naming a principal, group or role not given yet, or given before `org`, with their places
    /// in `acls`.
    acls: Vec<(usize, doc::AclRow<'static>)>,
    /// The ids of those ACLs, and the grants of those whose grant is known: a later row with one of
    /// them waits too, so that the first row of an id or a grant still wins. (A row waiting for a
    /// principal, group or role has no known grant; a later row with the same grant names the same one,
    /// and waits for it too.)
    acl_ids: Interner,
    tuples: HashSet<(NodeIx, Holder, Grant), BuildHasherDefault<DenseHasher>>,
}

/// ACL rows go into the index in batches of this many: see [`Builder::acls`].
const BATCH: usize = 1024;

/// The builder as the reader feeds it, ACL rows gathered into batches while the text they borrow from
/// is at hand.
pub(crate) struct Feed<'b, 'a> {
    builder: &'b mut Builder,
    acls: Vec<doc::AclRow<'a>>,
}

impl<'a> Sink<'a> for Feed<'_, 'a> {
    fn section(&mut self, name: &'static str) {
        let begun = &mut self.builder.begun;
        match name {
            "users" => begun.users = true,
            "service_accounts" => begun.service_accounts = true,
            "groups" => begun.groups = true,
            "roles" => begun.roles = true,
            "projects" => begun.projects = true,
            _ => {}
        }
    }

    fn end_section(&mut self, name: &'static str) {
        self.pause();
        if name == "users" {
            self.builder.service_accounts_after_users();
        }
    }

    fn org(&mut self, id: &str) {
        self.builder.org(id);
    }

    fn row(&mut self, row: Item<'a>) {
        let b = &mut *self.builder;
        match row {
            Item::User(p) => b.principal(p, false),
            Item::ServiceAccount(p) if b.begun.users => b.principal(p, true),
            Item::ServiceAccount(p) => b.waiting.service_accounts.push(p.into_owned()),
            Item::Group(g) => b.group(g),
            Item::Role(r) => b.role(r),
            Item::Project(p) if b.org.is_some() => b.project(&p),
            Item::Project(p) => b.waiting.projects.push(p.into_owned()),
            Item::ProjectGroup(pg) => b.project_groups.push(pg.into_owned()),
            Item::Object(o) if b.projects_done() => b.object(&o),
            Item::Object(o) => b.waiting.objects.push(o.into_owned()),
            Item::Acl(a) => {
                self.acls.push(a);
                if self.acls.len() == BATCH {
                    self.pause();
                }
            }
        }
    }

    fn pause(&mut self) {
        if !self.acls.is_empty() {
            self.builder.acls(&mut self.acls);
        }
    }
}

/// The type code of a known type.
fn code(t: ObjectType) -> u32 {
    t.known_index().unwrap_or(0) as u32
}

impl Builder {
    pub(crate) fn new(limits: &Limits) -> Builder {
        Builder {
            limits: *limits,
            org: None,
            begun: Begun::default(),
            warnings: Vec::new(),
            unknown_types: Interner::default(),
            principals: Interner::default(),
            service_account: Vec::new(),
            nodes: Interner::default(),
            fixed: None,
            groups: Interner::default(),
            group_rows: Vec::new(),
            roles: Interner::default(),
            role_rows: Vec::new(),
            project_groups: Vec::new(),
            tables: Tables::default(),
            acl_ids: AclIds::default(),
            acls: Chunked::default(),
            grants: Grants::default(),
            waiting: Waiting::default(),
        }
    }

    fn warn(&mut self, rank: Rank, at: usize, code: WarningCode, message: String, path: String) {
        self.warnings.push(Ranked { rank, at, warning: Warning::new(code, message, path) });
    }

    fn duplicate(&mut self, rank: Rank, section: &str, at: usize, id: &str) {
        self.warn(
            rank,
            at,
            WarningCode::DuplicateId,
            format!("id `{id}` appears earlier in `{section}`; the first occurrence wins"),
            format!("{section}[{at}].id"),
        );
    }

    /// Whether both sections of principals were given.
    fn principals_given(&self) -> bool {
        self.begun.users && self.begun.service_accounts
    }

    /// Whether every project is in: the section was given, and `org` before it was read.
    fn projects_done(&self) -> bool {
        self.begun.projects && self.org.is_some()
    }

    // Principals: users first, then service accounts, which are users to the model (spec §4.1 rule 7).
    fn principal(&mut self, r: doc::PrincipalRow<'_>, service_account: bool) {
        if self.principals.intern(0, &r.id).1 {
            self.service_account.push(service_account);
            self.tables.principal_deleted.push(r.deleted_at.as_deref().map(Into::into));
        } else if service_account {
            self.duplicate(Rank::ServiceAccounts, "service_accounts", r.at, &r.id);
        } else {
            self.duplicate(Rank::Users, "users", r.at, &r.id);
        }
    }

    /// Enters the service accounts given before users, now that the users are in (or will never come).
    fn service_accounts_after_users(&mut self) {
        for p in std::mem::take(&mut self.waiting.service_accounts) {
            self.principal(p, true);
        }
    }

    // Groups and roles: interned even when deleted or foreign, so references to them are not "unknown".
    // Their rows are entered at the end, when every id of their section is known.
    fn group(&mut self, g: doc::GroupRow<'_>) {
        if self.groups.intern(0, &g.head.id).1 {
            self.group_rows.push(g.into_owned());
        } else {
            self.duplicate(Rank::GroupIds, "groups", g.head.at, &g.head.id);
        }
    }

    fn role(&mut self, r: doc::RoleRow<'_>) {
        if self.roles.intern(0, &r.head.id).1 {
            self.role_rows.push(r.into_owned());
        } else {
            self.duplicate(Rank::RoleIds, "roles", r.head.at, &r.head.id);
        }
    }

    /// A row's head as the index keeps it, warning when it is another org's.
    fn head(&mut self, rank: Rank, section: &str, h: &doc::Head<'_>) -> Head {
        let org = match h.org_id.as_deref() {
            // A deleted row's `org_id` is not read (it grants nothing either way), so `to_json` writes none
            // and the document it writes loads to itself.
            _ if h.deleted() => OrgRef::Null,
            None => OrgRef::Null,
            Some(o) if Some(o) == self.org.as_deref() => OrgRef::Org,
            Some(other) => {
                self.warn(
                    rank,
                    h.at,
                    WarningCode::ForeignOrg,
                    format!("row of org `{other}`; grants nothing here"),
                    format!("{section}[{}].org_id", h.at),
                );
                OrgRef::Foreign(other.into())
            }
        };
        Head { org, deleted_at: h.deleted_at.as_deref().map(Into::into) }
    }

    fn project(&mut self, p: &doc::Head<'_>) {
        let project = code(ObjectType::Project);
        if self.nodes.get(project, &p.id).and_then(|n| self.tables.projects.position(NodeIx(n))).is_some() {
            self.duplicate(Rank::Projects, "projects", p.at, &p.id);
            return;
        }
        let head = self.head(Rank::Projects, "projects", p);
        let node = NodeIx(self.nodes.intern(project, &p.id).0);
        let log = NodeIx(self.nodes.intern(code(ObjectType::ProjectLog), &p.id).0);
        self.tables.projects.put(node, ProjectRow { node, log, head });
    }

    fn object(&mut self, o: &doc::ObjectRow<'_>) {
        let c = self.type_code(&o.object_type);
        if self.nodes.get(c.0, &o.id).and_then(|n| self.tables.objects.position(NodeIx(n))).is_some() {
            self.duplicate(Rank::Objects, "objects", o.at, &o.id);
            return;
        }
        let project = match o.project_id.as_deref().filter(|_| o.object_type.is_project_child()) {
            Some(pid) => match self.nodes.get(code(ObjectType::Project), pid) {
                Some(n) if self.tables.projects.position(NodeIx(n)).is_some() => Some(NodeIx(n)),
                _ => {
                    self.warn(
                        Rank::Objects,
                        o.at,
                        WarningCode::UnknownProject,
                        format!("project `{pid}` is not in `projects`; object skipped"),
                        format!("objects[{}].project_id", o.at),
                    );
                    return;
                }
            },
            None => None,
        };
        let node = NodeIx(self.nodes.intern(c.0, &o.id).0);
        let deleted_at = o.deleted_at.as_deref().map(Into::into);
        self.tables.objects.put(node, ObjectRow { node, project, deleted_at });
    }

    /// The builder as the reader feeds it.
    pub(crate) fn feed<'a>(&mut self) -> Feed<'_, 'a> {
        Feed { builder: self, acls: Vec::new() }
    }

    fn org(&mut self, id: &str) {
        let org: Box<str> = id.into();
        let mut fixed_node = |t: ObjectType| NodeIx(self.nodes.intern(code(t), &org).0);
        self.fixed = Some(Fixed {
            org: fixed_node(ObjectType::Organization),
            org_project: fixed_node(ObjectType::OrgProject),
            org_ai_secret: fixed_node(ObjectType::OrgAiSecret),
            org_member: fixed_node(ObjectType::OrgMember),
            org_audit_logs: fixed_node(ObjectType::OrgAuditLogs),
        });
        self.org = Some(org);
        for p in std::mem::take(&mut self.waiting.projects) {
            self.project(&p);
        }
    }

    /// Enters ACLs, or makes them wait for the sections they need.
    ///
    /// The rows' objects are looked up all at once first, so that the lookups' cache misses overlap
    /// (see [`Interner::get_all`]): one by one, between the reading of rows, they cost a quarter more
    /// load time (perf, 100k-row org, 2026-11-28). Objects not found, and unknown types, are entered row
    /// by row.
    fn acls(&mut self, rows: &mut Vec<doc::AclRow<'_>>) {
        let found =
            self.nodes.get_all(rows.iter().map(|a| Some((a.object_type.known_index()? as u32, a.object_id.as_ref()))));
        for (a, found) in rows.drain(..).zip(found) {
            match self.compile_acl(&a, found, false) {
                Ok(Some(acl)) => {
                    self.acls.push(Some(acl));
                    self.grants.insert(&self.acls, self.acls.len() - 1);
                }
                Ok(None) => {}
                Err(Wait) => {
                    self.waiting.acl_ids.intern(0, &a.id());
                    self.waiting.acls.push((self.acls.len(), a.into_owned()));
                    self.acls.push(None);
                }
            }
        }
    }

    /// An ACL row as the index keeps it; `None` when it is skipped (with a warning). Before the end
    /// (`end` false), a reference to a section the document has not given yet makes the row wait.
    fn compile_acl(&mut self, a: &doc::AclRow<'_>, found: Option<u32>, end: bool) -> Result<Option<Acl>, Wait> {
        let Some(org) = self.org.as_deref() else { return Err(Wait) };
        let path = |field: &str| format!("acls[{}].{field}", a.at);
        let skip = |b: &mut Builder, code: WarningCode, message: String, path: String| {
            b.warn(Rank::Acls, a.at, code, message, path);
            Ok(None)
        };
        if let Some(other) = a.object_org_id.as_deref().filter(|o| *o != org) {
            let message = format!("ACL of org `{other}`; ignored");
            return skip(self, WarningCode::ForeignOrg, message, path("_object_org_id"));
        }
        if a.object_type.is_org_singleton() && a.object_id != org {
            let message = format!("`{}` object `{}` is not this snapshot's org; ignored", a.object_type, a.object_id);
            return skip(self, WarningCode::ForeignOrg, message, path("object_id"));
        }
        let holder = match &a.holder {
            AclHolder::User(id) => match self.principals.get(0, id) {
                Some(p) => Holder::Principal(PrincipalIx(p)),
                None if !end && !self.principals_given() => return Err(Wait),
                None => {
                    let message = format!("user `{id}` is not a user or service account of the org; ignored");
                    return skip(self, WarningCode::UnknownPrincipal, message, path("user_id"));
                }
            },
            AclHolder::Group(id) => match self.groups.get(0, id) {
                Some(g) => Holder::Group(GroupIx(g)),
                None if !end && !self.begun.groups => return Err(Wait),
                None => {
                    let message = format!("group `{id}` is not in `groups`; ignored");
                    return skip(self, WarningCode::UnknownGroup, message, path("group_id"));
                }
            },
        };
        let grant = match &a.grant {
            AclGrant::Permission(p) => Grant::Permission(*p, None),
            AclGrant::Role(id) => match self.roles.get(0, id) {
                Some(r) => Grant::Role(RoleIx(r), None),
                None if !end && !self.begun.roles => return Err(Wait),
                None => {
                    let message = format!("role `{id}` is not in `roles`; the grant resolves to nothing");
                    return skip(self, WarningCode::UnknownRole, message, path("role_id"));
                }
            },
        };
        let restrict = a.restrict.as_ref().map(|t| self.type_code(t));
        let grant = match grant {
            Grant::Permission(p, _) => Grant::Permission(p, restrict),
            Grant::Role(r, _) => Grant::Role(r, restrict),
        };
        let found = found.or_else(|| self.nodes.get(a.object_type.known_index()? as u32, &a.object_id));
        let node = match found {
            Some(n) => NodeIx(n),
            None => {
                let c = self.type_code(&a.object_type);
                NodeIx(self.nodes.intern(c.0, &a.object_id).0)
            }
        };
        // A row that cannot be packed would grant nothing (see `Acl::new`).
        let Some(mut acl) = Acl::new(0, node, holder, grant) else { return Ok(None) };
        if self.grants.contains(&self.acls, &acl.identity()) {
            let message = "the same grant as an earlier ACL; ignored".into();
            return skip(self, WarningCode::DuplicateAcl, message, format!("acls[{}]", a.at));
        }
        // A row waiting with this grant or id comes first: this one is judged after it.
        let w = &mut self.waiting;
        if !end
            && !w.acls.is_empty()
            && (w.tuples.contains(&(node, holder, grant)) || w.acl_ids.get(0, &a.id()).is_some())
        {
            w.tuples.insert((node, holder, grant));
            return Err(Wait);
        }
        let (id, new) = self.acl_ids.intern(&a.id());
        if !new {
            self.duplicate(Rank::Acls, "acls", a.at, &a.id());
            return Ok(None);
        }
        acl.id = id;
        Ok(Some(acl))
    }

    fn type_code(&mut self, t: &ObjectType) -> TypeCode {
        match t.known_index() {
            Some(ix) => TypeCode(ix as u32),
            None => TypeCode(KNOWN_TYPES as u32 + self.unknown_types.intern(0, t.as_str()).0),
        }
    }

    /// Enters what waited for the end, then compiles the index, adding the build's warnings to `read`'s.
    ///
    /// # Errors
    /// [`ErrorCode::LimitExceeded`] when groups or roles nest deeper than the limits allow, or the
    /// warnings outnumber them.
    pub(crate) fn finish(mut self, read: &mut Read) -> Result<Index, SnapshotError> {
        if self.org.is_none() {
            self.org(&read.org_id);
        }
        self.service_accounts_after_users();
        self.begun = Begun { users: true, service_accounts: true, groups: true, roles: true, projects: true };
        self.tables.generated_at = read.generated_at.as_ref().map(|t| t.text.clone());
        self.tables.expires_at = read.expires_at.as_ref().map(|t| t.text.clone());

        let group_rows = std::mem::take(&mut self.group_rows);
        let role_rows = std::mem::take(&mut self.role_rows);
        let group_heads: Vec<Head> = group_rows.iter().map(|g| self.head(Rank::GroupIds, "groups", &g.head)).collect();
        let role_heads: Vec<Head> = role_rows.iter().map(|r| self.head(Rank::RoleIds, "roles", &r.head)).collect();
        for (g, (row, head)) in group_rows.iter().zip(group_heads).enumerate() {
            self.enter_group(g as u32, row, head);
        }
        for (r, (row, head)) in role_rows.iter().zip(role_heads).enumerate() {
            self.enter_role(r as u32, row, head);
        }
        for pg in std::mem::take(&mut self.project_groups) {
            self.project_group(&pg);
        }
        for o in std::mem::take(&mut self.waiting.objects) {
            self.object(&o);
        }
        for (slot, a) in std::mem::take(&mut self.waiting.acls) {
            let acl = self.compile_acl(&a, None, true).unwrap_or_default();
            if let Some(place) = self.acls.get_mut(slot) {
                *place = acl;
                self.grants.insert(&self.acls, slot);
            }
        }

        // The warnings in the order of a build by section; each section's were given in row order.
        self.warnings.sort_by_key(|w| (w.rank, w.at));
        let room = self.limits.warnings.saturating_sub(read.warnings.len());
        if let Some(over) = self.warnings.get(room) {
            let message = format!("more warnings than the limit `warnings` = {}", self.limits.warnings);
            return Err(SnapshotError::new(ErrorCode::LimitExceeded, message, over.warning.path()));
        }
        read.warnings.extend(self.warnings.drain(..).map(|w| w.warning));
        self.index(&group_rows, &role_rows)
    }

    fn enter_group(&mut self, g: u32, row: &doc::GroupRow<'_>, head: Head) {
        let node = NodeIx(self.nodes.intern(code(ObjectType::Group), self.groups.text(g)).0);
        // Another org's group grants nothing and passes no members on, so its lists are not read.
        let lists = if head.live() { (&row.member_users[..], &row.member_groups[..]) } else { (&[][..], &[][..]) };
        let at = Listed { rank: Rank::GroupMembers, section: "groups", row: row.head.at };
        let member_users = self.members(at, "member_users", lists.0, |b, id| b.principals.get(0, id).map(PrincipalIx));
        let member_groups = self.members(at, "member_groups", lists.1, |b, id| b.groups.get(0, id).map(GroupIx));
        self.tables.groups.push(GroupRow { node, head, member_users, member_groups });
    }

    fn enter_role(&mut self, r: u32, row: &doc::RoleRow<'_>, head: Head) {
        let node = NodeIx(self.nodes.intern(code(ObjectType::Role), self.roles.text(r)).0);
        let lists = if head.live() { (&row.member_permissions[..], &row.member_roles[..]) } else { (&[][..], &[][..]) };
        let member_permissions = lists.0.iter().map(|(p, t)| (*p, t.as_ref().map(|t| self.type_code(t)))).collect();
        let at = Listed { rank: Rank::RoleMembers, section: "roles", row: row.head.at };
        let member_roles = self.members(at, "member_roles", lists.1, |b, id| b.roles.get(0, id).map(RoleIx));
        self.tables.roles.push(RoleRow { node, head, member_permissions, member_roles });
    }

    /// The entries of a membership list that name something (`find`), with a warning for each that
    /// names nothing: only the entry is ignored.
    fn members<T>(
        &mut self,
        at: Listed,
        list: &str,
        entries: &[doc::Member<'_>],
        find: impl Fn(&Builder, &str) -> Option<T>,
    ) -> Vec<T> {
        let (code, noun, what) = match list {
            "member_users" => (WarningCode::UnknownPrincipal, "", "is not a user or service account of the org"),
            "member_groups" => (WarningCode::UnknownGroup, "group ", "is not in `groups`"),
            "member_roles" => (WarningCode::UnknownRole, "role ", "is not in `roles`"),
            _ => (WarningCode::UnknownProject, "project ", "is not in `projects`"),
        };
        let mut found = Vec::with_capacity(entries.len());
        for m in entries {
            match find(self, &m.id) {
                Some(x) => found.push(x),
                None => self.warn(
                    at.rank,
                    at.row,
                    code,
                    format!("member {noun}`{}` {what}; ignored", m.id),
                    format!("{}[{}].{list}[{}]", at.section, at.row, m.at),
                ),
            }
        }
        found
    }

    fn project_group(&mut self, pg: &doc::ProjectGroupRow<'_>) {
        let project_group = code(ObjectType::ProjectGroup);
        let known = self.nodes.get(project_group, &pg.head.id);
        if known.and_then(|n| self.tables.project_groups.position(NodeIx(n))).is_some() {
            self.duplicate(Rank::ProjectGroups, "project_groups", pg.head.at, &pg.head.id);
            return;
        }
        let head = self.head(Rank::ProjectGroups, "project_groups", &pg.head);
        let node = NodeIx(self.nodes.intern(project_group, &pg.head.id).0);
        let listed = if head.live() { &pg.member_projects[..] } else { &[] };
        let at = Listed { rank: Rank::ProjectGroups, section: "project_groups", row: pg.head.at };
        let members = self.members(at, "member_projects", listed, |b, id| {
            let n = b.nodes.get(code(ObjectType::Project), id).map(NodeIx);
            n.filter(|n| b.tables.projects.position(*n).is_some())
        });
        let member_projects = derive::distinct(members);
        self.tables.project_groups.put(node, ProjectGroupRow { node, head, member_projects });
    }

    /// The index over everything entered.
    fn index(self, group_rows: &[doc::GroupRow<'_>], role_rows: &[doc::RoleRow<'_>]) -> Result<Index, SnapshotError> {
        let limits = self.limits;
        // Freed before the lists below are built, which can then take their place: wasm memory never
        // shrinks, so what counts is the most held at once.
        drop(self.grants);
        drop(self.waiting);
        // Rows that waited and were then skipped leave no gap.
        let acls = self.acls.retain(Option::is_some);
        let AclLookups { by_node: acls_by_node, by_holder: acls_by_holder, rows: acl_rows } =
            AclLookups::of(&acls, self.nodes.len(), holder_keys(&self.principals, &self.groups), self.acl_ids.len());
        let org: Box<str> = self.org.unwrap_or_default();
        let fixed = match self.fixed {
            Some(fixed) => fixed,
            None => return Err(SnapshotError::new(ErrorCode::MissingOrgId, "`org.id` is missing", "org.id")),
        };
        let mut index = Index {
            instance: NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed),
            org_id: org,
            unknown_types: self.unknown_types,
            resolved: (0..self.principals.len()).map(|_| OnceLock::new()).collect(),
            principals: self.principals,
            service_account: self.service_account,
            groups: self.groups,
            group_live: Vec::new(),
            group_parents: Csr::default(),
            direct_groups: Csr::default(),
            member_of: Csr::default(),
            members: Csr::default(),
            roles: self.roles,
            role_children: Csr::default(),
            role_permissions: Vec::new(),
            role_coverage: Vec::new(),
            acls_by_node,
            acls_by_holder,
            acl_rows,
            nodes: self.nodes,
            fixed,
            places: Vec::new(),
            chains: Vec::new(),
            orphan_chains: Vec::new(),
            listed: Vec::new(),
            acl_ids: self.acl_ids,
            acls,
            removed_acls: 0,
            tables: self.tables,
            limits,
            expiry: None,
        };
        let group_relations = derive::groups(&index.tables.groups, &index.tables.principal_deleted, &limits);
        index.set_groups(group_relations.map_err(|TooDeep(g)| {
            let row = group_rows.get(g as usize).map_or(0, |r| r.head.at);
            too_deep_group(index.groups.text(g), &limits, format!("groups[{row}]"))
        })?);
        let role_relations = derive::roles(&index.tables.roles, &limits);
        index.set_roles(role_relations.map_err(|TooDeep(r)| {
            let row = role_rows.get(r as usize).map_or(0, |row| row.head.at);
            too_deep_role(index.roles.text(r), &limits, format!("roles[{row}]"))
        })?);
        derive::places(&mut index);
        Ok(index)
    }
}

/// An ACL that needs a section the document has not given yet.
struct Wait;

/// What finds ACL rows: by object, by holder, by id. Built at load, and again when a delta compacts
/// the rows (`Index::compact_acls`), from the rows alone.
pub(super) struct AclLookups {
    pub(super) by_node: Lists,
    /// Keyed by [`Acl::holder_key`].
    pub(super) by_holder: Lists,
    /// The row of each ACL id number; `u32::MAX` for a number no row has.
    pub(super) rows: Vec<u32>,
}

impl AclLookups {
    /// `nodes`, `holder_keys` and `ids` bound the numbers the rows use.
    pub(super) fn of(acls: &Chunked<Option<Acl>>, nodes: usize, holder_keys: usize, ids: usize) -> AclLookups {
        let lists = |keys: usize, key: &dyn Fn(&Acl) -> u32| {
            let pairs = acls.iter().enumerate().filter_map(|(i, a)| a.as_ref().map(|a| (key(a), i as u32)));
            Lists::new(Csr::from_pairs(keys, pairs))
        };
        let mut rows = vec![u32::MAX; ids];
        for (row, a) in acls.iter().enumerate() {
            if let Some(slot) = a.as_ref().and_then(|a| rows.get_mut(a.id as usize)) {
                *slot = row as u32;
            }
        }
        AclLookups { by_node: lists(nodes, &|a| a.node.0), by_holder: lists(holder_keys, &|a| a.holder_key()), rows }
    }
}

/// How many keys [`Acl::holder_key`] can give for these principals and groups.
pub(super) fn holder_keys(principals: &Interner, groups: &Interner) -> usize {
    2 * principals.len().max(groups.len())
}
