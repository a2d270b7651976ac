//! The index written back as a snapshot document: what `Snapshot::to_json` and `Snapshot::project_for`
//! return.
//!
//! The document holds the rows as the index keeps them ([`super::tables`]) with every delta applied, and
//! only the fields the model reads. Rows skipped at load are not in it, references are the ids they
//! resolved to, and each section keeps document order, so loading the result answers every query as the
//! snapshot does — including the order of `principals`, `who_can` and `accessible`.
//!
//! One writer serves both: a [`Keep`] says which principals, ACL rows, group member lists and role
//! contents to write, and `to_json` keeps everything. Every group and role row is written either way (they
//! are objects too, and their places answer queries), so a projection's group and role numbers, and with
//! them the order the explanations' searches visit them in, are the full document's.

use std::fmt::Write;

use super::tables::{Head, OrgRef};
use super::{Grant, Holder, Index, NodeIx, TypeCode};

/// Appends `s` as a JSON string.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes `"key": "value"` after a comma unless it opens the object.
fn field(out: &mut String, first: &mut bool, key: &str, value: &str) {
    if !std::mem::take(first) {
        out.push(',');
    }
    string(out, key);
    out.push(':');
    string(out, value);
}

fn list<T>(out: &mut String, key: &str, items: impl Iterator<Item = T>, mut item: impl FnMut(&mut String, T)) {
    out.push(',');
    string(out, key);
    out.push_str(":[");
    for (i, x) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        item(out, x);
    }
    out.push(']');
}

/// One section, its rows written by `row` (each a complete object).
fn section<T>(out: &mut String, key: &str, rows: impl Iterator<Item = T>, mut row: impl FnMut(&mut String, T)) {
    out.push(',');
    string(out, key);
    out.push_str(":[");
    for (i, r) in rows.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        row(out, r);
        out.push('}');
    }
    out.push(']');
}

/// A subset of the rows of one kind, by number.
pub(crate) enum Subset {
    All,
    /// Per number, whether it is in; numbers past the end are not.
    Only(Vec<bool>),
}

impl Subset {
    pub(crate) fn has(&self, n: u32) -> bool {
        match self {
            Subset::All => true,
            Subset::Only(ins) => ins.get(n as usize).copied().unwrap_or(false),
        }
    }
}

/// What the writer puts in the document besides the rows it always writes (the org, every group, role,
/// project, project group and object row).
pub(crate) struct Keep {
    /// The user and service account rows, by principal number.
    pub(crate) principals: Subset,
    /// The groups whose member lists are written, by group number: each with the members that are kept
    /// principals or groups of this set. The others are written with empty lists.
    pub(crate) group_members: Subset,
    /// The roles whose `member_permissions` and `member_roles` are written, by role number; the others
    /// are written empty.
    pub(crate) role_contents: Subset,
    /// The ACL rows, by row number.
    pub(crate) acls: Subset,
}

impl Keep {
    /// The whole snapshot.
    pub(crate) const EVERYTHING: Keep =
        Keep { principals: Subset::All, group_members: Subset::All, role_contents: Subset::All, acls: Subset::All };
}

impl Index {
    fn write_head(&self, out: &mut String, id: &str, head: &Head) {
        let mut first = true;
        field(out, &mut first, "id", id);
        match &head.org {
            OrgRef::Null => out.push_str(",\"org_id\":null"),
            OrgRef::Org => field(out, &mut first, "org_id", &self.org_id),
            OrgRef::Foreign(other) => field(out, &mut first, "org_id", other),
        }
        if let Some(at) = &head.deleted_at {
            field(out, &mut first, "deleted_at", at);
        }
    }

    fn type_name(&self, n: NodeIx) -> String {
        self.object_type(TypeCode(self.nodes.tag(n.0))).as_str().to_owned()
    }

    /// The snapshot document of spec §3.5 this index answers as.
    pub(crate) fn to_json(&self) -> String {
        self.write(&Keep::EVERYTHING)
    }

    /// The document of the rows `keep` names (see [`Keep`]), in the layout of [`Index::to_json`].
    pub(crate) fn write(&self, keep: &Keep) -> String {
        let t = &self.tables;
        let mut out = String::with_capacity(64 * (self.acls.len() + self.nodes.len()) + 256);
        out.push_str("{\"org\":{");
        field(&mut out, &mut true, "id", &self.org_id);
        out.push('}');
        for (key, at) in [("generated_at", &t.generated_at), ("expires_at", &t.expires_at)] {
            if let Some(at) = at {
                out.push(',');
                field(&mut out, &mut true, key, at);
            }
        }
        for (key, sa) in [("users", false), ("service_accounts", true)] {
            let of_kind = self
                .service_account
                .iter()
                .enumerate()
                .filter(|&(p, &is_sa)| is_sa == sa && keep.principals.has(p as u32));
            section(&mut out, key, of_kind, |out, (p, _)| {
                let mut first = true;
                field(out, &mut first, "id", self.principals.text(p as u32));
                if let Some(Some(at)) = t.principal_deleted.get(p) {
                    field(out, &mut first, "deleted_at", at);
                }
            });
        }
        section(&mut out, "groups", t.groups.iter().enumerate(), |out, (g, row)| {
            let g = g as u32;
            self.write_head(out, self.groups.text(g), &row.head);
            // A dead row's lists are not read at load, so they are not written.
            let kept = row.head.live() && keep.group_members.has(g);
            let users = row.member_users.iter().filter(|p| kept && keep.principals.has(p.0));
            list(out, "member_users", users, |out, p| string(out, self.principals.text(p.0)));
            let groups = row.member_groups.iter().filter(|c| kept && keep.group_members.has(c.0));
            list(out, "member_groups", groups, |out, c| string(out, self.groups.text(c.0)));
        });
        section(&mut out, "roles", t.roles.iter().enumerate(), |out, (r, row)| {
            let r = r as u32;
            self.write_head(out, self.roles.text(r), &row.head);
            let kept = row.head.live() && keep.role_contents.has(r);
            let permissions = row.member_permissions.iter().filter(|_| kept);
            list(out, "member_permissions", permissions, |out, (p, restrict)| {
                out.push('{');
                let mut first = true;
                field(out, &mut first, "permission", p.as_str());
                if let Some(c) = restrict {
                    field(out, &mut first, "restrict_object_type", self.object_type(*c).as_str());
                }
                out.push('}');
            });
            let roles = row.member_roles.iter().filter(|_| kept);
            list(out, "member_roles", roles, |out, r| string(out, self.roles.text(r.0)));
        });
        section(&mut out, "projects", t.projects.rows.iter(), |out, row| {
            self.write_head(out, self.nodes.text(row.node.0), &row.head);
        });
        section(&mut out, "project_groups", t.project_groups.rows.iter(), |out, row| {
            self.write_head(out, self.nodes.text(row.node.0), &row.head);
            let projects = row.member_projects.iter().filter(|_| row.head.live());
            list(out, "member_projects", projects, |out, p| string(out, self.nodes.text(p.0)));
        });
        section(&mut out, "objects", t.objects.rows.iter(), |out, row| {
            let mut first = true;
            field(out, &mut first, "type", &self.type_name(row.node));
            field(out, &mut first, "id", self.nodes.text(row.node.0));
            if let Some(p) = row.project {
                field(out, &mut first, "project_id", self.nodes.text(p.0));
            }
            if let Some(at) = &row.deleted_at {
                field(out, &mut first, "deleted_at", at);
            }
        });
        let acls =
            self.acls.iter().enumerate().filter(|&(a, _)| keep.acls.has(a as u32)).filter_map(|(_, acl)| acl.as_ref());
        section(&mut out, "acls", acls, |out, acl| {
            let mut first = true;
            field(out, &mut first, "id", self.acl_ids.text(acl.id));
            field(out, &mut first, "object_type", &self.type_name(acl.node));
            field(out, &mut first, "object_id", self.nodes.text(acl.node.0));
            match acl.holder {
                Holder::Principal(p) => field(out, &mut first, "user_id", self.principals.text(p.0)),
                Holder::Group(g) => field(out, &mut first, "group_id", self.groups.text(g.0)),
            }
            let restrict = match acl.grant {
                Grant::Permission(p, r) => {
                    field(out, &mut first, "permission", p.as_str());
                    r
                }
                Grant::Role(role, r) => {
                    field(out, &mut first, "role_id", self.roles.text(role.0));
                    r
                }
            };
            if let Some(c) = restrict {
                field(out, &mut first, "restrict_object_type", self.object_type(c).as_str());
            }
        });
        out.push('}');
        out
    }
}
