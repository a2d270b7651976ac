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

use crate::json_out::{array, field, key, object, string};

use super::tables::{Head, OrgRef};
use super::{Grant, Holder, Index, NodeIx, TypeCode};

/// Writes `,"key":[…]` after the members before it, each item written by `item`.
fn list<T>(out: &mut String, key: &str, items: impl Iterator<Item = T>, item: impl FnMut(&mut String, T)) {
    out.push(',');
    string(out, key);
    out.push(':');
    array(out, items, item);
}

/// One section, its rows written by `row` as the members of one object each (see [`object`]).
fn section<T>(
    out: &mut String,
    key: &str,
    rows: impl Iterator<Item = T>,
    mut row: impl FnMut(&mut String, &mut bool, T),
) {
    list(out, key, rows, |out, r| object(out, |out, first| row(out, first, r)));
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
    fn write_head(&self, out: &mut String, first: &mut bool, id: &str, head: &Head) {
        field(out, first, "id", id);
        match &head.org {
            OrgRef::Null => {
                key(out, first, "org_id");
                out.push_str("null");
            }
            OrgRef::Org => field(out, first, "org_id", &self.org_id),
            OrgRef::Foreign(other) => field(out, first, "org_id", other),
        }
        if let Some(at) = &head.deleted_at {
            field(out, first, "deleted_at", at);
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
            section(&mut out, key, of_kind, |out, first, (p, _)| {
                field(out, first, "id", self.principals.text(p as u32));
                if let Some(Some(at)) = t.principal_deleted.get(p) {
                    field(out, first, "deleted_at", at);
                }
            });
        }
        section(&mut out, "groups", t.groups.iter().enumerate(), |out, first, (g, row)| {
            let g = g as u32;
            self.write_head(out, first, self.groups.text(g), &row.head);
            // A dead row's lists are not read at load, so they are not written.
            let kept = row.head.live() && keep.group_members.has(g);
            let users = row.member_users.iter().filter(|p| kept && keep.principals.has(p.0));
            list(out, "member_users", users, |out, p| string(out, self.principals.text(p.0)));
            let groups = row.member_groups.iter().filter(|c| kept && keep.group_members.has(c.0));
            list(out, "member_groups", groups, |out, c| string(out, self.groups.text(c.0)));
        });
        section(&mut out, "roles", t.roles.iter().enumerate(), |out, first, (r, row)| {
            let r = r as u32;
            self.write_head(out, first, self.roles.text(r), &row.head);
            let kept = row.head.live() && keep.role_contents.has(r);
            let permissions = row.member_permissions.iter().filter(|_| kept);
            list(out, "member_permissions", permissions, |out, (p, restrict)| {
                object(out, |out, first| {
                    field(out, first, "permission", p.as_str());
                    if let Some(c) = restrict {
                        field(out, first, "restrict_object_type", self.object_type(*c).as_str());
                    }
                });
            });
            let roles = row.member_roles.iter().filter(|_| kept);
            list(out, "member_roles", roles, |out, r| string(out, self.roles.text(r.0)));
        });
        section(&mut out, "projects", t.projects.rows.iter(), |out, first, row| {
            self.write_head(out, first, self.nodes.text(row.node.0), &row.head);
        });
        section(&mut out, "project_groups", t.project_groups.rows.iter(), |out, first, row| {
            self.write_head(out, first, self.nodes.text(row.node.0), &row.head);
            let projects = row.member_projects.iter().filter(|_| row.head.live());
            list(out, "member_projects", projects, |out, p| string(out, self.nodes.text(p.0)));
        });
        section(&mut out, "objects", t.objects.rows.iter(), |out, first, row| {
            field(out, first, "type", &self.type_name(row.node));
            field(out, first, "id", self.nodes.text(row.node.0));
            if let Some(p) = row.project {
                field(out, first, "project_id", self.nodes.text(p.0));
            }
            if let Some(at) = &row.deleted_at {
                field(out, first, "deleted_at", at);
            }
        });
        let acls =
            self.acls.iter().enumerate().filter(|&(a, _)| keep.acls.has(a as u32)).filter_map(|(_, acl)| acl.as_ref());
        section(&mut out, "acls", acls, |out, first, acl| {
            field(out, first, "id", &self.acl_ids.text(acl.id));
            field(out, first, "object_type", &self.type_name(acl.node));
            field(out, first, "object_id", self.nodes.text(acl.node.0));
            match acl.holder() {
                Holder::Principal(p) => field(out, first, "user_id", self.principals.text(p.0)),
                Holder::Group(g) => field(out, first, "group_id", self.groups.text(g.0)),
            }
            let restrict = match acl.grant() {
                Grant::Permission(p, r) => {
                    field(out, first, "permission", p.as_str());
                    r
                }
                Grant::Role(role, r) => {
                    field(out, first, "role_id", self.roles.text(role.0));
                    r
                }
            };
            if let Some(c) = restrict {
                field(out, first, "restrict_object_type", self.object_type(c).as_str());
            }
        });
        out.push('}');
        out
    }
}
