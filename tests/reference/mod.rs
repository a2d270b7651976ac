//! A deliberately naive reference evaluator for the differential test.
//!
//! It reads the snapshot document as a `serde_json::Value`, keeps the rows that
//! /work/notes/decisions.md says count (and only those), and then answers every query by walking those
//! rows with the algorithm of spec §4.2, steps 0–4, literally: no index, no maps, no precomputed
//! closures. Group membership (step 1) and role expansion are recomputed for every query with their own
//! visited sets, and the ancestors of the queried object (step 2) are rebuilt from the rows each time.
//!
//! It is meant to be obviously correct and slow. It shares no code with the crate: permissions, object
//! types and all rules are spelled out here from the spec and the decisions file.

use serde_json::{Map, Value};

/// The eight permissions, in the canonical order (spec §2.1).
pub const PERMISSIONS: [&str; 8] =
    ["create", "read", "update", "delete", "create_acls", "read_acls", "update_acls", "delete_acls"];

/// The fifteen object types the model knows (spec §1.1).
pub const KNOWN_TYPES: [&str; 15] = [
    "organization",
    "org_project",
    "project_group",
    "project",
    "experiment",
    "dataset",
    "prompt",
    "prompt_session",
    "project_log",
    "group",
    "role",
    "org_member",
    "org_audit_logs",
    "org_ai_secret",
    "ai_secret",
];

/// Types whose only object is the org itself (decision 6, spec §4.4 r).
const ORG_WIDE: [&str; 5] = ["organization", "org_project", "org_member", "org_audit_logs", "org_ai_secret"];

/// Types that live in a project and are listed in `objects` with a `project_id` (decision 10).
const PROJECT_CHILDREN: [&str; 4] = ["experiment", "dataset", "prompt", "prompt_session"];

fn is_known(t: &str) -> bool {
    KNOWN_TYPES.contains(&t)
}

fn is_org_wide(t: &str) -> bool {
    ORG_WIDE.contains(&t)
}

fn is_project_child(t: &str) -> bool {
    PROJECT_CHILDREN.contains(&t)
}

/// The (child, parent) pairs for which `can_create` may answer true (decision 19).
pub fn creatable_under(child: &str, parent: &str) -> bool {
    match child {
        "experiment" | "dataset" | "prompt" | "prompt_session" | "project_log" => parent == "project",
        "project" => matches!(parent, "org_project" | "project_group" | "organization"),
        "project_group" => matches!(parent, "org_project" | "organization"),
        "ai_secret" => matches!(parent, "org_ai_secret" | "organization"),
        "group" | "role" => parent == "organization",
        _ => false,
    }
}

#[derive(Debug, Clone)]
struct Group {
    id: String,
    /// Not deleted and not another org's (decision 7).
    live: bool,
    member_users: Vec<String>,
    member_groups: Vec<String>,
}

#[derive(Debug, Clone)]
struct Role {
    id: String,
    live: bool,
    member_permissions: Vec<(String, Option<String>)>,
    member_roles: Vec<String>,
}

#[derive(Debug, Clone)]
struct Project {
    id: String,
    live: bool,
}

#[derive(Debug, Clone)]
struct ProjectGroup {
    id: String,
    live: bool,
    member_projects: Vec<String>,
}

#[derive(Debug, Clone)]
struct Object {
    object_type: String,
    id: String,
    /// Set (and naming a row of `projects`) for the four project-child types when not deleted.
    project_id: Option<String>,
    deleted: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Holder {
    User(String),
    Group(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Grant {
    Permission(String),
    Role(String),
}

#[derive(Debug, Clone)]
struct Acl {
    id: String,
    object_type: String,
    object_id: String,
    holder: Holder,
    grant: Grant,
    restrict: Option<String>,
}

impl Acl {
    /// The identity tuple of spec §3.1 / decision 8.
    fn same_tuple(&self, other: &Acl) -> bool {
        self.object_type == other.object_type
            && self.object_id == other.object_id
            && self.holder == other.holder
            && self.grant == other.grant
            && self.restrict == other.restrict
    }
}

/// The snapshot's rows that count, exactly as decisions.md filters them.
#[derive(Debug, Clone)]
pub struct Reference {
    org: String,
    /// Users then service accounts, first occurrence wins (decision 8).
    principals: Vec<String>,
    groups: Vec<Group>,
    roles: Vec<Role>,
    projects: Vec<Project>,
    project_groups: Vec<ProjectGroup>,
    objects: Vec<Object>,
    acls: Vec<Acl>,
    /// Paths (`section[i]`, or a section name for a null section) that must carry at least one warning:
    /// every row the reference skipped, and every null section.
    pub must_warn: Vec<String>,
}

/// A field of a row, read loosely: absent and `null` are the same thing.
enum Field<'a> {
    Absent,
    Str(&'a str),
    Other,
}

fn field<'a>(row: &'a Map<String, Value>, key: &str) -> Field<'a> {
    match row.get(key) {
        None | Some(Value::Null) => Field::Absent,
        Some(Value::String(s)) => Field::Str(s),
        Some(_) => Field::Other,
    }
}

/// A required id (decision 14): a non-empty string, else the row is skipped.
fn required_id(row: &Map<String, Value>, key: &str) -> Option<String> {
    match field(row, key) {
        Field::Str(s) if !s.is_empty() => Some(s.to_owned()),
        _ => None,
    }
}

/// An optional string: absent/null is `None`; a non-string skips the row (`Err`).
fn optional_str(row: &Map<String, Value>, key: &str) -> Result<Option<String>, ()> {
    match field(row, key) {
        Field::Absent => Ok(None),
        Field::Str(s) => Ok(Some(s.to_owned())),
        Field::Other => Err(()),
    }
}

/// An optional id: as [`optional_str`], and an empty string skips the row too.
fn optional_id(row: &Map<String, Value>, key: &str) -> Result<Option<String>, ()> {
    match optional_str(row, key)? {
        Some(s) if s.is_empty() => Err(()),
        other => Ok(other),
    }
}

/// Decision 9: any non-null `deleted_at` means deleted.
fn is_deleted(row: &Map<String, Value>) -> bool {
    !matches!(row.get("deleted_at"), None | Some(Value::Null))
}

/// A membership list (decision 11): absent/null is empty, a non-array skips the row, and entries that
/// are not non-empty strings are dropped one by one.
fn id_list(row: &Map<String, Value>, key: &str) -> Result<Vec<String>, ()> {
    match row.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => Ok(items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                _ => None,
            })
            .collect()),
        Some(_) => Err(()),
    }
}

/// `member_permissions` of a role (decision 12): a non-array skips the row; a bad entry is dropped.
fn member_permissions(row: &Map<String, Value>) -> Result<Vec<(String, Option<String>)>, ()> {
    let items = match row.get("member_permissions") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(()),
    };
    let mut out = Vec::new();
    for item in items {
        let Value::Object(entry) = item else { continue };
        let permission = match field(entry, "permission") {
            Field::Str(p) if PERMISSIONS.contains(&p) => p.to_owned(),
            _ => continue,
        };
        let restrict = match field(entry, "restrict_object_type") {
            Field::Absent => None,
            Field::Str(t) => Some(t.to_owned()),
            Field::Other => continue,
        };
        out.push((permission, restrict));
    }
    Ok(out)
}

/// The rows of a section: missing is empty; `null` is empty with a warning (decision 13).
fn section<'a>(doc: &'a Value, name: &str, must_warn: &mut Vec<String>) -> Vec<&'a Value> {
    match doc.get(name) {
        None => Vec::new(),
        Some(Value::Null) => {
            must_warn.push(name.to_owned());
            Vec::new()
        }
        Some(Value::Array(rows)) => rows.iter().collect(),
        Some(other) => panic!("the generator never writes a section `{name}` of this shape: {other}"),
    }
}

/// A group, role, project or project group is dead when deleted, of another org, or with an `org_id` that
/// is not a string (decisions 7, 9, 24).
fn head_live(row: &Map<String, Value>, org: &str) -> bool {
    if is_deleted(row) {
        return false;
    }
    match optional_str(row, "org_id") {
        Err(()) => false,
        Ok(None) => true,
        Ok(Some(o)) => o == org,
    }
}

impl Reference {
    /// Reads the document and keeps the rows that count.
    pub fn new(doc: &Value) -> Reference {
        let org = doc
            .get("org")
            .and_then(|o| o.get("id"))
            .and_then(Value::as_str)
            .expect("the generator always writes org.id")
            .to_owned();
        let mut must_warn = Vec::new();

        // Users, then service accounts: one id space, first wins.
        let mut principals: Vec<String> = Vec::new();
        for name in ["users", "service_accounts"] {
            for (i, row) in section(doc, name, &mut must_warn).into_iter().enumerate() {
                let id = row.as_object().and_then(|r| required_id(r, "id"));
                match id {
                    Some(id) if !principals.contains(&id) => principals.push(id),
                    _ => must_warn.push(format!("{name}[{i}]")),
                }
            }
        }

        let mut groups: Vec<Group> = Vec::new();
        for (i, row) in section(doc, "groups", &mut must_warn).into_iter().enumerate() {
            let group = (|| {
                let row = row.as_object()?;
                let id = required_id(row, "id")?;
                let live = head_live(row, &org);
                let dead = Group { id: id.clone(), live: false, member_users: Vec::new(), member_groups: Vec::new() };
                if is_deleted(row) {
                    // Deleted rows are not checked further (decision 9).
                    return Some(dead);
                }
                // A member list of the wrong type makes the group dead (decision 24).
                let (Ok(member_users), Ok(member_groups)) =
                    (id_list(row, "member_users"), id_list(row, "member_groups"))
                else {
                    return Some(dead);
                };
                Some(Group { id, live, member_users, member_groups })
            })();
            match group {
                Some(g) if !groups.iter().any(|h| h.id == g.id) => groups.push(g),
                _ => must_warn.push(format!("groups[{i}]")),
            }
        }

        let mut roles: Vec<Role> = Vec::new();
        for (i, row) in section(doc, "roles", &mut must_warn).into_iter().enumerate() {
            let role = (|| {
                let row = row.as_object()?;
                let id = required_id(row, "id")?;
                let live = head_live(row, &org);
                let dead =
                    Role { id: id.clone(), live: false, member_permissions: Vec::new(), member_roles: Vec::new() };
                if is_deleted(row) {
                    return Some(dead);
                }
                let (Ok(member_permissions), Ok(member_roles)) =
                    (member_permissions(row), id_list(row, "member_roles"))
                else {
                    return Some(dead);
                };
                Some(Role { id, live, member_permissions, member_roles })
            })();
            match role {
                Some(r) if !roles.iter().any(|s| s.id == r.id) => roles.push(r),
                _ => must_warn.push(format!("roles[{i}]")),
            }
        }

        let mut projects: Vec<Project> = Vec::new();
        for (i, row) in section(doc, "projects", &mut must_warn).into_iter().enumerate() {
            let project = (|| {
                let row = row.as_object()?;
                let id = required_id(row, "id")?;
                let live = head_live(row, &org);
                Some(Project { id, live })
            })();
            match project {
                Some(p) if !projects.iter().any(|q| q.id == p.id) => projects.push(p),
                _ => must_warn.push(format!("projects[{i}]")),
            }
        }

        let mut project_groups: Vec<ProjectGroup> = Vec::new();
        for (i, row) in section(doc, "project_groups", &mut must_warn).into_iter().enumerate() {
            let pg = (|| {
                let row = row.as_object()?;
                let id = required_id(row, "id")?;
                let live = head_live(row, &org);
                if is_deleted(row) {
                    return Some(ProjectGroup { id, live, member_projects: Vec::new() });
                }
                let Ok(member_projects) = id_list(row, "member_projects") else {
                    return Some(ProjectGroup { id, live: false, member_projects: Vec::new() });
                };
                Some(ProjectGroup { id, live, member_projects })
            })();
            match pg {
                Some(g) if !project_groups.iter().any(|h| h.id == g.id) => project_groups.push(g),
                _ => must_warn.push(format!("project_groups[{i}]")),
            }
        }

        let mut objects: Vec<Object> = Vec::new();
        for (i, row) in section(doc, "objects", &mut must_warn).into_iter().enumerate() {
            let object = (|| {
                let row = row.as_object()?;
                let object_type = match field(row, "type") {
                    Field::Str(t) => t.to_owned(),
                    _ => return None,
                };
                // Only the four project children, ai_secret and unknown types belong here.
                if is_known(&object_type) && !(is_project_child(&object_type) || object_type == "ai_secret") {
                    return None;
                }
                let id = required_id(row, "id")?;
                let deleted = is_deleted(row);
                if deleted {
                    return Some(Object { object_type, id, project_id: None, deleted });
                }
                if !is_project_child(&object_type) {
                    return Some(Object { object_type, id, project_id: None, deleted });
                }
                let project_id = optional_id(row, "project_id").ok()??;
                if !projects.iter().any(|p| p.id == project_id) {
                    return None; // unknown project: the object is simply not in the snapshot
                }
                Some(Object { object_type, id, project_id: Some(project_id), deleted })
            })();
            match object {
                Some(o) if !objects.iter().any(|p| p.object_type == o.object_type && p.id == o.id) => objects.push(o),
                _ => must_warn.push(format!("objects[{i}]")),
            }
        }

        let mut acls: Vec<Acl> = Vec::new();
        for (i, row) in section(doc, "acls", &mut must_warn).into_iter().enumerate() {
            let acl = (|| {
                let row = row.as_object()?;
                let id = required_id(row, "id")?;
                let object_type = match field(row, "object_type") {
                    Field::Str(t) => t.to_owned(),
                    _ => return None,
                };
                let object_id = required_id(row, "object_id")?;
                let object_org = optional_str(row, "_object_org_id").ok()?;
                if object_org.is_some_and(|o| o != org) {
                    return None; // another org's ACL (decision 6)
                }
                let holder = match (optional_id(row, "user_id").ok()?, optional_id(row, "group_id").ok()?) {
                    (Some(u), None) => Holder::User(u),
                    (None, Some(g)) => Holder::Group(g),
                    _ => return None,
                };
                let grant = match (optional_str(row, "permission").ok()?, optional_id(row, "role_id").ok()?) {
                    (Some(p), None) if PERMISSIONS.contains(&p.as_str()) => Grant::Permission(p),
                    (None, Some(r)) => Grant::Role(r),
                    _ => return None,
                };
                let restrict = optional_str(row, "restrict_object_type").ok()?;
                if is_org_wide(&object_type) && object_id != org {
                    return None; // decision 6
                }
                match &holder {
                    Holder::User(u) if !principals.contains(u) => return None, // decision 3
                    Holder::Group(g) if !groups.iter().any(|h| &h.id == g) => return None, // decision 4
                    _ => {}
                }
                if let Grant::Role(r) = &grant
                    && !roles.iter().any(|s| &s.id == r)
                {
                    return None; // decision 5
                }
                Some(Acl { id, object_type, object_id, holder, grant, restrict })
            })();
            // Decision 8: a later row with the same tuple, or the same id, is skipped; only rows that
            // were kept count as "earlier".
            match acl {
                Some(a) if !acls.iter().any(|b| b.same_tuple(&a) || b.id == a.id) => acls.push(a),
                _ => must_warn.push(format!("acls[{i}]")),
            }
        }

        Reference { org, principals, groups, roles, projects, project_groups, objects, acls, must_warn }
    }

    /// The org's members: users, then service accounts, first occurrence of an id wins.
    pub fn principals(&self) -> &[String] {
        &self.principals
    }

    /// Step 0: users ∪ service accounts.
    pub fn is_member(&self, principal: &str) -> bool {
        self.principals.iter().any(|p| p == principal)
    }

    fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    fn project(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }

    fn project_group(&self, id: &str) -> Option<&ProjectGroup> {
        self.project_groups.iter().find(|g| g.id == id)
    }

    fn object(&self, object_type: &str, id: &str) -> Option<&Object> {
        self.objects.iter().find(|o| o.object_type == object_type && o.id == id)
    }

    /// Step 1: the live groups containing `p`, by BFS over the reverse `member_groups` edge with a
    /// visited set, computed afresh for every query.
    fn groups_containing(&self, p: &str) -> Vec<String> {
        let mut visited: Vec<String> = Vec::new();
        let mut queue: std::collections::VecDeque<String> = std::collections::VecDeque::new();
        for g in &self.groups {
            if g.live && g.member_users.iter().any(|u| u == p) && !visited.contains(&g.id) {
                visited.push(g.id.clone());
                queue.push_back(g.id.clone());
            }
        }
        while let Some(h) = queue.pop_front() {
            for g in &self.groups {
                if g.live && g.member_groups.contains(&h) && !visited.contains(&g.id) {
                    visited.push(g.id.clone());
                    queue.push_back(g.id.clone());
                }
            }
        }
        visited
    }

    /// The live project groups listing project `project_id`, as (type, id) pairs.
    fn project_groups_of(&self, project_id: &str) -> Vec<(String, String)> {
        self.project_groups
            .iter()
            .filter(|g| g.live && g.member_projects.iter().any(|m| m == project_id))
            .map(|g| ("project_group".to_owned(), g.id.clone()))
            .collect()
    }

    fn pair(&self, t: &str, id: &str) -> (String, String) {
        (t.to_owned(), id.to_owned())
    }

    /// Everything above a live, listed project, the project included: [project, its live project
    /// groups, org_project, organization].
    fn above_project(&self, project_id: &str) -> Vec<(String, String)> {
        let mut out = vec![self.pair("project", project_id)];
        out.extend(self.project_groups_of(project_id));
        out.push(self.pair("org_project", &self.org));
        out.push(self.pair("organization", &self.org));
        out
    }

    /// Step 2, with decisions 16–18: the queried object and its ancestors, or nothing for a dead
    /// object (spec §4.4 q) or an org-wide type asked with another id (§4.4 r).
    fn ancestors(&self, t: &str, id: &str) -> Vec<(String, String)> {
        let org = self.org.as_str();
        let me = self.pair(t, id);
        let org_project = self.pair("org_project", org);
        let organization = self.pair("organization", org);
        match t {
            "organization" => {
                if id == org {
                    vec![organization]
                } else {
                    vec![]
                }
            }
            "org_project" | "org_member" | "org_audit_logs" | "org_ai_secret" => {
                if id == org {
                    vec![me, organization]
                } else {
                    vec![]
                }
            }
            "project" => match self.project(id) {
                Some(p) if !p.live => vec![],
                Some(_) => self.above_project(id),
                None => vec![me, org_project, organization],
            },
            "project_log" => match self.project(id) {
                Some(p) if !p.live => vec![],
                Some(_) => {
                    let mut out = vec![me];
                    out.extend(self.above_project(id));
                    out
                }
                None => vec![me, org_project, organization],
            },
            "project_group" => match self.project_group(id) {
                Some(g) if !g.live => vec![],
                _ => vec![me, org_project, organization],
            },
            "experiment" | "dataset" | "prompt" | "prompt_session" => match self.object(t, id) {
                Some(o) if o.deleted => vec![],
                Some(o) => {
                    let project_id = o.project_id.as_deref().expect("kept children name a project");
                    let project = self.project(project_id).expect("kept children name a listed project");
                    if !project.live {
                        return vec![];
                    }
                    let mut out = vec![me];
                    out.extend(self.above_project(project_id));
                    out
                }
                None => vec![me, org_project, organization],
            },
            "ai_secret" => match self.object(t, id) {
                Some(o) if o.deleted => vec![],
                _ => vec![me, self.pair("org_ai_secret", org), organization],
            },
            "group" => match self.group(id) {
                Some(g) if !g.live => vec![],
                _ => vec![me, organization],
            },
            "role" => match self.role(id) {
                Some(r) if !r.live => vec![],
                _ => vec![me, organization],
            },
            _ => match self.object(t, id) {
                Some(o) if o.deleted => vec![],
                _ => vec![me],
            },
        }
    }

    /// `expand_role`: DFS over `member_roles` with a visited set, skipping dead roles; the union of
    /// `member_permissions`.
    fn expand_role(&self, id: &str) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        let mut visited: Vec<String> = Vec::new();
        let mut stack = vec![id.to_owned()];
        while let Some(r) = stack.pop() {
            if visited.contains(&r) {
                continue;
            }
            visited.push(r.clone());
            let Some(role) = self.role(&r) else { continue };
            if !role.live {
                continue;
            }
            out.extend(role.member_permissions.iter().cloned());
            stack.extend(role.member_roles.iter().cloned());
        }
        out
    }

    /// Steps 0, 1 and 3 for a given ancestor set; `applies_to` is the type tested against
    /// restrictions (the queried object's type, or the child type for `can_create`).
    fn evaluate(&self, p: &str, x: &str, applies_to: &str, ancestors: &[(String, String)]) -> bool {
        if !self.is_member(p) {
            return false; // step 0
        }
        let groups = self.groups_containing(p); // step 1
        for a in &self.acls {
            let holds = match &a.holder {
                Holder::User(u) => u == p,
                Holder::Group(g) => groups.contains(g),
            };
            if !holds {
                continue;
            }
            if !ancestors.iter().any(|(t, id)| *t == a.object_type && *id == a.object_id) {
                continue;
            }
            if self.bears(a, x, applies_to) == Some(true) {
                return true;
            }
        }
        false
    }

    /// Step 3 for one row: `Some(true)` when `a` grants `x` on objects of type `applies_to`,
    /// `Some(false)` when it grants `x` only restricted to other types, `None` when it does not grant `x`.
    fn bears(&self, a: &Acl, x: &str, applies_to: &str) -> Option<bool> {
        let grants = match &a.grant {
            Grant::Permission(perm) => vec![(perm.clone(), a.restrict.clone())],
            Grant::Role(r) => self.expand_role(r),
        };
        let mut bears = None;
        for (perm, r) in grants {
            let r = match (&a.grant, &a.restrict) {
                // §4.3 c / decision 20: narrow(role_r, acl_r).
                (Grant::Role(_), Some(acl_r)) => match r {
                    None => Some(acl_r.clone()),
                    Some(role_r) if role_r == *acl_r => Some(role_r),
                    Some(_) => continue, // both set and different: grants nothing
                },
                _ => r,
            };
            if perm == x {
                if r.as_deref().is_none_or(|r| r == applies_to) {
                    return Some(true);
                }
                bears = Some(false);
            }
        }
        bears
    }

    /// `explain` reduced to a verdict and ACL row ids: ("allowed", every row of `p`'s granting `x` on the
    /// object or an ancestor, nearest object first, rows in snapshot order); ("restricted", `p`'s rows
    /// there that grant `x` only to other types); or ("denied", the rows of live holders granting `x` on
    /// the nearest of the object and its ancestors that has any).
    pub fn explain(&self, p: &str, x: &str, t: &str, id: &str) -> (&'static str, Vec<String>) {
        self.explain_for(p, x, t, &self.ancestors(t, id))
    }

    /// `explain_create` reduced as [`Reference::explain`] is: `create`, judged for the child's type, on
    /// the parent and its ancestors, for allowed pairs only.
    pub fn explain_create(
        &self,
        p: &str,
        child: &str,
        parent_type: &str,
        parent_id: &str,
    ) -> (&'static str, Vec<String>) {
        if !creatable_under(child, parent_type) {
            return ("denied", Vec::new());
        }
        self.explain_for(p, "create", child, &self.ancestors(parent_type, parent_id))
    }

    fn explain_for(
        &self,
        p: &str,
        x: &str,
        applies_to: &str,
        ancestors: &[(String, String)],
    ) -> (&'static str, Vec<String>) {
        if !self.is_member(p) {
            return ("denied", Vec::new());
        }
        let groups = self.groups_containing(p);
        let on = |a: &Acl, (t, id): &(String, String)| a.object_type == *t && a.object_id == *id;
        let (mut allowed, mut restricted) = (Vec::new(), Vec::new());
        for at in ancestors {
            for a in self.acls.iter().filter(|a| on(a, at)) {
                let mine = match &a.holder {
                    Holder::User(u) => u == p,
                    Holder::Group(g) => groups.contains(g),
                };
                match self.bears(a, x, applies_to) {
                    Some(true) if mine => allowed.push(a.id.clone()),
                    Some(false) if mine => restricted.push(a.id.clone()),
                    _ => {}
                }
            }
        }
        if !allowed.is_empty() {
            return ("allowed", allowed);
        }
        if !restricted.is_empty() {
            return ("restricted", restricted);
        }
        for at in ancestors {
            let nearest: Vec<String> = self
                .acls
                .iter()
                .filter(|a| on(a, at) && self.bears(a, x, applies_to) == Some(true))
                .filter(|a| match &a.holder {
                    Holder::User(_) => true,
                    Holder::Group(g) => self.group(g).is_some_and(|g| g.live),
                })
                .map(|a| a.id.clone())
                .collect();
            if !nearest.is_empty() {
                return ("denied", nearest);
            }
        }
        ("denied", Vec::new())
    }

    /// Whether `p` holds `x` on `(t, id)`.
    pub fn can(&self, p: &str, x: &str, t: &str, id: &str) -> bool {
        let ancestors = self.ancestors(t, id);
        self.evaluate(p, x, t, &ancestors)
    }

    /// The permissions `p` holds on `(t, id)`, in canonical order: one `can` per permission.
    pub fn effective(&self, p: &str, t: &str, id: &str) -> Vec<&'static str> {
        PERMISSIONS.into_iter().filter(|x| self.can(p, x, t, id)).collect()
    }

    /// Decision 19 / §4.3 j: `create` on the parent or any of its ancestors, by a grant that applies
    /// to the child's type, for allowed pairs only.
    pub fn can_create(&self, p: &str, child: &str, parent_type: &str, parent_id: &str) -> bool {
        if !creatable_under(child, parent_type) {
            return false;
        }
        let ancestors = self.ancestors(parent_type, parent_id);
        self.evaluate(p, "create", child, &ancestors)
    }

    /// Decision 21: users then service accounts, in snapshot order, deduplicated.
    pub fn who_can(&self, x: &str, t: &str, id: &str) -> Vec<String> {
        self.principals.iter().filter(|p| self.can(p, x, t, id)).cloned().collect()
    }

    /// Decision 22: the listed, live objects of a type, in snapshot order.
    fn listed(&self, t: &str) -> Vec<String> {
        match t {
            _ if is_org_wide(t) => vec![self.org.clone()],
            "project" | "project_log" => self.projects.iter().filter(|p| p.live).map(|p| p.id.clone()).collect(),
            "project_group" => self.project_groups.iter().filter(|g| g.live).map(|g| g.id.clone()).collect(),
            "group" => self.groups.iter().filter(|g| g.live).map(|g| g.id.clone()).collect(),
            "role" => self.roles.iter().filter(|r| r.live).map(|r| r.id.clone()).collect(),
            _ => self
                .objects
                .iter()
                .filter(|o| o.object_type == t && !o.deleted)
                .filter(|o| match &o.project_id {
                    Some(pid) => self.project(pid).is_some_and(|p| p.live),
                    None => true,
                })
                .map(|o| o.id.clone())
                .collect(),
        }
    }

    /// Decision 22: the listed, live objects of type `t` on which `p` holds `x`.
    pub fn accessible(&self, p: &str, x: &str, t: &str) -> Vec<String> {
        self.listed(t).into_iter().filter(|id| self.can(p, x, t, id)).collect()
    }
}
