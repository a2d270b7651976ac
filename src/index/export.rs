//! The index written back as a snapshot document: what `Snapshot::to_json` returns.
//!
//! The document holds the rows as the index keeps them ([`super::tables`]) with every delta applied, and
//! only the fields the model reads. Rows skipped at load are not in it, references are the ids they
//! resolved to, and each section keeps document order, so loading the result answers every query as the
//! snapshot does — including the order of `principals`, `who_can` and `accessible`.

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

fn list<T>(out: &mut String, key: &str, items: &[T], mut item: impl FnMut(&mut String, &T)) {
    out.push(',');
    string(out, key);
    out.push_str(":[");
    for (i, x) in items.iter().enumerate() {
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
            let of_kind = self.service_account.iter().enumerate().filter(|&(_, &is_sa)| is_sa == sa);
            section(&mut out, key, of_kind, |out, (p, _)| {
                let mut first = true;
                field(out, &mut first, "id", self.principals.text(p as u32));
                if let Some(Some(at)) = t.principal_deleted.get(p) {
                    field(out, &mut first, "deleted_at", at);
                }
            });
        }
        section(&mut out, "groups", t.groups.iter().enumerate(), |out, (g, row)| {
            self.write_head(out, self.groups.text(g as u32), &row.head);
            list(out, "member_users", &row.member_users, |out, p| string(out, self.principals.text(p.0)));
            list(out, "member_groups", &row.member_groups, |out, g| string(out, self.groups.text(g.0)));
        });
        section(&mut out, "roles", t.roles.iter().enumerate(), |out, (r, row)| {
            self.write_head(out, self.roles.text(r as u32), &row.head);
            list(out, "member_permissions", &row.member_permissions, |out, (p, restrict)| {
                out.push('{');
                let mut first = true;
                field(out, &mut first, "permission", p.as_str());
                if let Some(c) = restrict {
                    field(out, &mut first, "restrict_object_type", self.object_type(*c).as_str());
                }
                out.push('}');
            });
            list(out, "member_roles", &row.member_roles, |out, r| string(out, self.roles.text(r.0)));
        });
        section(&mut out, "projects", t.projects.rows.iter(), |out, row| {
            self.write_head(out, self.nodes.text(row.node.0), &row.head);
        });
        section(&mut out, "project_groups", t.project_groups.rows.iter(), |out, row| {
            self.write_head(out, self.nodes.text(row.node.0), &row.head);
            list(out, "member_projects", &row.member_projects, |out, p| string(out, self.nodes.text(p.0)));
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
        section(&mut out, "acls", self.acls.iter().flatten(), |out, acl| {
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
