//! Typed rows, and the per-row checks that need nothing but the row itself.
//!
//! Checks that need other rows (does this group exist? is this the snapshot's org? was this id seen
//! before?) happen when the index is built, where those answers are at hand.

use std::borrow::Cow;

use super::json::{Fields, Row, Value};
use super::warning::{Warning, WarningCode};
use crate::model::{ObjectType, Permission};

/// A date-time of the envelope: its value, and its text as given (written back by `to_json`).
#[derive(Clone, Debug)]
pub(crate) struct Timestamp {
    pub(crate) millis: i64,
    pub(crate) text: Box<str>,
}

/// A row that outlives the text it was read from: its strings copied. The loader keeps the few rows it
/// cannot use yet this way (a section that arrives before one it depends on, see `index::build`).
pub(crate) trait IntoOwned {
    type Owned;
    fn into_owned(self) -> Self::Owned;
}

fn own(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

fn own_opt(s: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
    s.map(own)
}

fn own_members(members: Vec<Member<'_>>) -> Vec<Member<'static>> {
    members.into_iter().map(|m| Member { at: m.at, id: own(m.id) }).collect()
}

impl IntoOwned for PrincipalRow<'_> {
    type Owned = PrincipalRow<'static>;
    fn into_owned(self) -> Self::Owned {
        PrincipalRow { at: self.at, id: own(self.id), deleted_at: own_opt(self.deleted_at) }
    }
}

impl IntoOwned for Head<'_> {
    type Owned = Head<'static>;
    fn into_owned(self) -> Self::Owned {
        Head { at: self.at, id: own(self.id), org_id: own_opt(self.org_id), deleted_at: own_opt(self.deleted_at) }
    }
}

impl IntoOwned for GroupRow<'_> {
    type Owned = GroupRow<'static>;
    fn into_owned(self) -> Self::Owned {
        GroupRow {
            head: self.head.into_owned(),
            member_users: own_members(self.member_users),
            member_groups: own_members(self.member_groups),
        }
    }
}

impl IntoOwned for RoleRow<'_> {
    type Owned = RoleRow<'static>;
    fn into_owned(self) -> Self::Owned {
        RoleRow {
            head: self.head.into_owned(),
            member_permissions: self.member_permissions,
            member_roles: own_members(self.member_roles),
        }
    }
}

impl IntoOwned for ProjectGroupRow<'_> {
    type Owned = ProjectGroupRow<'static>;
    fn into_owned(self) -> Self::Owned {
        ProjectGroupRow { head: self.head.into_owned(), member_projects: own_members(self.member_projects) }
    }
}

impl IntoOwned for ObjectRow<'_> {
    type Owned = ObjectRow<'static>;
    fn into_owned(self) -> Self::Owned {
        ObjectRow {
            at: self.at,
            object_type: self.object_type,
            id: own(self.id),
            project_id: own_opt(self.project_id),
            deleted_at: own_opt(self.deleted_at),
        }
    }
}

impl IntoOwned for AclRow<'_> {
    type Owned = AclRow<'static>;
    fn into_owned(self) -> Self::Owned {
        AclRow {
            at: self.at,
            given_id: own_opt(self.given_id),
            object_type: self.object_type,
            object_id: own(self.object_id),
            object_org_id: own_opt(self.object_org_id),
            holder: match self.holder {
                AclHolder::User(id) => AclHolder::User(own(id)),
                AclHolder::Group(id) => AclHolder::Group(own(id)),
            },
            grant: match self.grant {
                AclGrant::Permission(p) => AclGrant::Permission(p),
                AclGrant::Role(id) => AclGrant::Role(own(id)),
            },
            restrict: self.restrict,
        }
    }
}

/// The `deleted_at` recorded for a row read as deleted without a date-time string (a `deleted_at` of another
/// JSON type, or a list too malformed to trust): any non-null value means deleted.
pub(crate) const DELETED_WITHOUT_DATE: &str = "1970-01-01T00:00:00Z";

/// A user or a service account: the id, and whether the row is deleted (then it is no member).
pub(crate) struct PrincipalRow<'a> {
    pub(crate) at: usize,
    pub(crate) id: Cow<'a, str>,
    pub(crate) deleted_at: Option<Cow<'a, str>>,
}

/// The fields every listed entity (group, role, project, project group) shares.
pub(crate) struct Head<'a> {
    pub(crate) at: usize,
    pub(crate) id: Cow<'a, str>,
    pub(crate) org_id: Option<Cow<'a, str>>,
    pub(crate) deleted_at: Option<Cow<'a, str>>,
}

impl Head<'_> {
    pub(crate) fn deleted(&self) -> bool {
        self.deleted_at.is_some()
    }
}

/// One id in a membership list, with its position for warning paths.
pub(crate) struct Member<'a> {
    pub(crate) at: usize,
    pub(crate) id: Cow<'a, str>,
}

pub(crate) struct GroupRow<'a> {
    pub(crate) head: Head<'a>,
    pub(crate) member_users: Vec<Member<'a>>,
    pub(crate) member_groups: Vec<Member<'a>>,
}

pub(crate) struct RoleRow<'a> {
    pub(crate) head: Head<'a>,
    pub(crate) member_permissions: Vec<(Permission, Option<ObjectType>)>,
    pub(crate) member_roles: Vec<Member<'a>>,
}

pub(crate) struct ProjectGroupRow<'a> {
    pub(crate) head: Head<'a>,
    pub(crate) member_projects: Vec<Member<'a>>,
}

pub(crate) struct ObjectRow<'a> {
    pub(crate) at: usize,
    pub(crate) object_type: ObjectType,
    pub(crate) id: Cow<'a, str>,
    pub(crate) project_id: Option<Cow<'a, str>>,
    pub(crate) deleted_at: Option<Cow<'a, str>>,
}

/// Who an ACL grants to: exactly one of `user_id` / `group_id`.
#[derive(PartialEq, Eq, Hash)]
pub(crate) enum AclHolder<'a> {
    User(Cow<'a, str>),
    Group(Cow<'a, str>),
}

/// What an ACL grants: exactly one of `permission` / `role_id`.
#[derive(PartialEq, Eq, Hash)]
pub(crate) enum AclGrant<'a> {
    Permission(Permission),
    Role(Cow<'a, str>),
}

pub(crate) struct AclRow<'a> {
    pub(crate) at: usize,
    /// `None` only for a batch item given without one: see [`AclRow::id`].
    given_id: Option<Cow<'a, str>>,
    pub(crate) object_type: ObjectType,
    pub(crate) object_id: Cow<'a, str>,
    pub(crate) object_org_id: Option<Cow<'a, str>>,
    pub(crate) holder: AclHolder<'a>,
    pub(crate) grant: AclGrant<'a>,
    pub(crate) restrict: Option<ObjectType>,
}

pub(crate) const ORG_FIELDS: &[&str] = &["id"];
pub(crate) const PRINCIPAL_FIELDS: &[&str] = &["id", "deleted_at"];
pub(crate) const GROUP_FIELDS: &[&str] = &["id", "org_id", "deleted_at", "member_users", "member_groups"];
pub(crate) const ROLE_FIELDS: &[&str] = &["id", "org_id", "deleted_at", "member_permissions", "member_roles"];
pub(crate) const PROJECT_FIELDS: &[&str] = &["id", "org_id", "deleted_at"];
pub(crate) const PROJECT_GROUP_FIELDS: &[&str] = &["id", "org_id", "deleted_at", "member_projects"];
pub(crate) const OBJECT_FIELDS: &[&str] = &["type", "id", "project_id", "deleted_at"];
pub(crate) const ACL_FIELDS: &[&str] = &[
    "id",
    "object_type",
    "object_id",
    "_object_org_id",
    "user_id",
    "group_id",
    "permission",
    "role_id",
    "restrict_object_type",
];

pub(crate) const GROUP_PATCH_FIELDS: &[&str] =
    &["add_member_users", "remove_member_users", "add_member_groups", "remove_member_groups"];
pub(crate) const ROLE_PATCH_FIELDS: &[&str] =
    &["add_member_permissions", "remove_member_permissions", "add_member_roles", "remove_member_roles"];

/// The body of `PATCH /v1/group/{id}`, as far as the model reads it.
pub(crate) struct GroupPatch<'a> {
    pub(crate) add_users: Vec<Member<'a>>,
    pub(crate) remove_users: Vec<Member<'a>>,
    pub(crate) add_groups: Vec<Member<'a>>,
    pub(crate) remove_groups: Vec<Member<'a>>,
}

/// The body of `PATCH /v1/role/{id}`, as far as the model reads it.
pub(crate) struct RolePatch<'a> {
    pub(crate) add_permissions: Vec<(Permission, Option<ObjectType>)>,
    pub(crate) remove_permissions: Vec<(Permission, Option<ObjectType>)>,
    pub(crate) add_roles: Vec<Member<'a>>,
    pub(crate) remove_roles: Vec<Member<'a>>,
}

/// The row was skipped; its warning is already recorded.
pub(crate) struct Skip;

/// The value, or — when reading it failed (and warned) — the default, with the entity marked dead.
fn dead_unless<T: Default>(head: &mut Head<'_>, read: Result<T, Skip>) -> T {
    read.unwrap_or_else(|Skip| {
        head.deleted_at.get_or_insert(Cow::Borrowed(DELETED_WITHOUT_DATE));
        T::default()
    })
}

/// Where a row sits, and where its warnings go.
pub(crate) struct RowCx<'w> {
    pub(crate) section: &'static str,
    pub(crate) at: usize,
    pub(crate) warnings: &'w mut Vec<Warning>,
}

impl RowCx<'_> {
    fn path(&self, field: &str) -> String {
        // A delta body is one row with no section around it: paths start at its fields.
        if self.section.is_empty() {
            field.to_owned()
        } else if field.is_empty() {
            format!("{}[{}]", self.section, self.at)
        } else {
            format!("{}[{}].{}", self.section, self.at, field)
        }
    }

    fn warn(&mut self, code: WarningCode, message: String, field: &str) -> Skip {
        let path = self.path(field);
        self.warnings.push(Warning::new(code, message, path));
        Skip
    }

    /// The warning for a field of the wrong type: out of line, so that the field readers around it stay
    /// small enough to be inlined into each row's validator (perf, 2026-11-28).
    #[cold]
    #[inline(never)]
    fn not_text(&mut self, name: &str, found: &Value<'_>) -> Skip {
        self.warn(WarningCode::WrongType, format!("`{name}` must be a string, found {}", found.kind()), name)
    }

    /// The warning for an id field that is empty or missing (see [`RowCx::not_text`]).
    #[cold]
    #[inline(never)]
    fn no_id(&mut self, name: &str, empty: bool) -> Skip {
        let why = if empty { "empty" } else { "missing" };
        self.warn(WarningCode::MissingField, format!("`{name}` is {why}; row skipped"), name)
    }

    /// The row's shape: an object without duplicate keys.
    fn open<'r, 'a>(&mut self, row: Row<'r, 'a>) -> Result<&'r mut Fields<'a>, Skip> {
        match row {
            Row::NotObject(kind) => {
                Err(self.warn(WarningCode::NotAnObject, format!("row is {kind}, not an object; skipped"), ""))
            }
            Row::Fields(f) => match f.duplicate {
                Some(key) => Err(self.warn(
                    WarningCode::DuplicateKey,
                    format!("key `{key}` appears twice in the row; skipped"),
                    key,
                )),
                None => Ok(f),
            },
        }
    }

    /// An optional string field: absent or null is `None`; another type skips the row.
    #[inline(always)]
    fn text<'a>(&mut self, f: &mut Fields<'a>, name: &str) -> Result<Option<Cow<'a, str>>, Skip> {
        match f.take(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(other) => Err(self.not_text(name, &other)),
        }
    }

    /// An optional id field: like [`RowCx::text`], and an empty string skips the row.
    #[inline(always)]
    fn opt_id<'a>(&mut self, f: &mut Fields<'a>, name: &str) -> Result<Option<Cow<'a, str>>, Skip> {
        match self.text(f, name)? {
            Some(s) if s.is_empty() => Err(self.no_id(name, true)),
            other => Ok(other),
        }
    }

    /// A required id field.
    #[inline(always)]
    fn id<'a>(&mut self, f: &mut Fields<'a>, name: &str) -> Result<Cow<'a, str>, Skip> {
        match self.opt_id(f, name)? {
            Some(s) => Ok(s),
            None => Err(self.no_id(name, false)),
        }
    }

    /// `deleted_at`: any non-null value means deleted. A value of the wrong type is still read as deleted,
    /// because dropping the row instead could make the object "unknown", and unknown objects keep their
    /// org-wide grants (spec §4.4 p) where deleted ones have none (§4.4 q).
    fn deleted<'a>(&mut self, f: &mut Fields<'a>) -> Option<Cow<'a, str>> {
        match f.take("deleted_at") {
            None | Some(Value::Null) => None,
            Some(Value::Str(at)) => Some(at),
            Some(other) => {
                self.warn(
                    WarningCode::WrongType,
                    format!("`deleted_at` must be a string or null, found {}; read as deleted", other.kind()),
                    "deleted_at",
                );
                Some(Cow::Borrowed(DELETED_WITHOUT_DATE))
            }
        }
    }

    /// An optional object type field; unknown names are kept, with a warning that they reach only objects
    /// of exactly that type.
    #[inline(always)]
    fn object_type(&mut self, f: &mut Fields<'_>, name: &str) -> Result<Option<ObjectType>, Skip> {
        let Some(text) = self.text(f, name)? else {
            return Ok(None);
        };
        let t = ObjectType::from(text.as_ref());
        if !t.is_known() {
            self.unknown_type(name, &text);
        }
        Ok(Some(t))
    }

    /// The warning for an object type permeval does not know (see [`RowCx::not_text`]).
    #[cold]
    #[inline(never)]
    fn unknown_type(&mut self, name: &str, text: &str) {
        let message = format!("unknown object type `{text}`; kept, reaching only objects of exactly that type");
        self.warn(WarningCode::UnknownObjectType, message, name);
    }

    #[inline(always)]
    fn required_type(&mut self, f: &mut Fields<'_>, name: &str) -> Result<ObjectType, Skip> {
        match self.object_type(f, name)? {
            Some(t) => Ok(t),
            None => Err(self.no_id(name, false)),
        }
    }

    /// A list of ids: absent or null is empty; another type skips the row; a bad entry skips that entry.
    fn id_list<'a>(&mut self, f: &mut Fields<'a>, name: &str) -> Result<Vec<Member<'a>>, Skip> {
        let items = match f.take(name) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => {
                return Err(self.warn(
                    WarningCode::WrongType,
                    format!("`{name}` must be an array of ids, found {}; the row grants nothing", other.kind()),
                    name,
                ));
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for (j, item) in items.into_iter().enumerate() {
            // The entry's path is written only for a warning: lists hold thousands of ids.
            let field = || format!("{name}[{j}]");
            match item {
                Value::Str(s) if !s.is_empty() => out.push(Member { at: j, id: s }),
                Value::Str(_) => {
                    self.warn(WarningCode::MissingField, "empty id; entry skipped".into(), &field());
                }
                other => {
                    self.warn(
                        WarningCode::WrongType,
                        format!("entry must be an id string, found {}; entry skipped", other.kind()),
                        &field(),
                    );
                }
            }
        }
        Ok(out)
    }

    /// The shared fields of a listed entity. Once its id is known, a malformed `org_id` does not skip the
    /// row but marks it dead: a skipped project group would be "unknown" and keep org-wide grants
    /// (spec §4.4 p), where a dead one has none (§4.4 q).
    fn head<'a>(&mut self, f: &mut Fields<'a>) -> Result<Head<'a>, Skip> {
        let id = self.id(f, "id")?;
        let mut deleted_at = self.deleted(f);
        let org_id = if deleted_at.is_some() {
            None
        } else {
            self.text(f, "org_id").unwrap_or_else(|Skip| {
                deleted_at = Some(Cow::Borrowed(DELETED_WITHOUT_DATE));
                None
            })
        };
        Ok(Head { at: self.at, id, org_id, deleted_at })
    }

    pub(crate) fn principal<'a>(&mut self, row: Row<'_, 'a>) -> Result<PrincipalRow<'a>, Skip> {
        let f = self.open(row)?;
        let id = self.id(f, "id")?;
        Ok(PrincipalRow { at: self.at, id, deleted_at: self.deleted(f) })
    }

    // A deleted entity grants nothing whatever its lists say, so its lists are not checked. A list of the
    // wrong type marks the entity dead, for the reason given at `head`.

    pub(crate) fn group<'a>(&mut self, row: Row<'_, 'a>) -> Result<GroupRow<'a>, Skip> {
        let f = self.open(row)?;
        let mut head = self.head(f)?;
        let (member_users, member_groups) = if head.deleted() {
            Default::default()
        } else {
            let lists = self.id_list(f, "member_users").and_then(|u| Ok((u, self.id_list(f, "member_groups")?)));
            dead_unless(&mut head, lists)
        };
        Ok(GroupRow { head, member_users, member_groups })
    }

    pub(crate) fn role<'a>(&mut self, row: Row<'_, 'a>) -> Result<RoleRow<'a>, Skip> {
        let f = self.open(row)?;
        let mut head = self.head(f)?;
        let (member_permissions, member_roles) = if head.deleted() {
            Default::default()
        } else {
            let lists = self
                .member_permissions(f, "member_permissions")
                .and_then(|p| Ok((p, self.id_list(f, "member_roles")?)));
            dead_unless(&mut head, lists)
        };
        Ok(RoleRow { head, member_permissions, member_roles })
    }

    pub(crate) fn group_patch<'a>(&mut self, row: Row<'_, 'a>) -> Result<GroupPatch<'a>, Skip> {
        let f = self.open(row)?;
        Ok(GroupPatch {
            add_users: self.id_list(f, "add_member_users")?,
            remove_users: self.id_list(f, "remove_member_users")?,
            add_groups: self.id_list(f, "add_member_groups")?,
            remove_groups: self.id_list(f, "remove_member_groups")?,
        })
    }

    pub(crate) fn role_patch<'a>(&mut self, row: Row<'_, 'a>) -> Result<RolePatch<'a>, Skip> {
        let f = self.open(row)?;
        Ok(RolePatch {
            add_permissions: self.member_permissions(f, "add_member_permissions")?,
            remove_permissions: self.member_permissions(f, "remove_member_permissions")?,
            add_roles: self.id_list(f, "add_member_roles")?,
            remove_roles: self.id_list(f, "remove_member_roles")?,
        })
    }

    pub(crate) fn project<'a>(&mut self, row: Row<'_, 'a>) -> Result<Head<'a>, Skip> {
        let f = self.open(row)?;
        self.head(f)
    }

    pub(crate) fn project_group<'a>(&mut self, row: Row<'_, 'a>) -> Result<ProjectGroupRow<'a>, Skip> {
        let f = self.open(row)?;
        let mut head = self.head(f)?;
        let member_projects =
            if head.deleted() { Vec::new() } else { dead_unless(&mut head, self.id_list(f, "member_projects")) };
        Ok(ProjectGroupRow { head, member_projects })
    }

    pub(crate) fn object<'a>(&mut self, row: Row<'_, 'a>) -> Result<ObjectRow<'a>, Skip> {
        let f = self.open(row)?;
        let object_type = self.required_type(f, "type")?;
        // Projects, groups, roles and the org-wide types have sections (or ids) of their own; listing one
        // here would give it a second, conflicting place in the tree.
        if !(object_type.is_project_child() || object_type == ObjectType::AiSecret || !object_type.is_known()) {
            return Err(self.warn(
                WarningCode::WrongType,
                format!("`{object_type}` rows do not belong in `objects`; row skipped"),
                "type",
            ));
        }
        let id = self.id(f, "id")?;
        let deleted_at = self.deleted(f);
        let project_id = if deleted_at.is_some() { None } else { self.opt_id(f, "project_id")? };
        if deleted_at.is_none() && object_type.is_project_child() && project_id.is_none() {
            return Err(self.warn(
                WarningCode::MissingField,
                format!("a `{object_type}` needs a `project_id`; row skipped"),
                "project_id",
            ));
        }
        Ok(ObjectRow { at: self.at, object_type, id, project_id, deleted_at })
    }

    fn member_permissions(
        &mut self,
        f: &mut Fields<'_>,
        name: &str,
    ) -> Result<Vec<(Permission, Option<ObjectType>)>, Skip> {
        let items = match f.take(name) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => {
                return Err(self.warn(
                    WarningCode::WrongType,
                    format!("`{name}` must be an array, found {}; the role grants nothing", other.kind()),
                    name,
                ));
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for (j, item) in items.into_iter().enumerate() {
            if let Some(entry) = self.member_permission(item, name, j) {
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// One `{ permission, restrict_object_type }` entry; a bad entry is skipped on its own, which can only
    /// make the role grant less.
    fn member_permission(&mut self, item: Value<'_>, name: &str, j: usize) -> Option<(Permission, Option<ObjectType>)> {
        let base = format!("{name}[{j}]");
        let Value::Object(entries) = item else {
            self.warn(
                WarningCode::NotAnObject,
                format!("entry is {}, not an object; entry skipped", item.kind()),
                &base,
            );
            return None;
        };
        let mut permission = None;
        let mut restrict = None;
        for (key, value) in &entries {
            let slot = match key.as_ref() {
                "permission" => &mut permission,
                "restrict_object_type" => &mut restrict,
                _ => continue,
            };
            if slot.is_some() {
                self.warn(
                    WarningCode::DuplicateKey,
                    format!("key `{key}` appears twice; entry skipped"),
                    &format!("{base}.{key}"),
                );
                return None;
            }
            *slot = Some(value);
        }
        let permission = match permission {
            Some(Value::Str(name)) => match Permission::from_name(name) {
                Some(p) => p,
                None => {
                    self.warn(
                        WarningCode::UnknownPermission,
                        format!("unknown permission `{name}`; entry skipped"),
                        &format!("{base}.permission"),
                    );
                    return None;
                }
            },
            None | Some(Value::Null) => {
                self.warn(
                    WarningCode::MissingField,
                    "`permission` is missing; entry skipped".into(),
                    &format!("{base}.permission"),
                );
                return None;
            }
            Some(other) => {
                self.warn(
                    WarningCode::WrongType,
                    format!("`permission` must be a string, found {}; entry skipped", other.kind()),
                    &format!("{base}.permission"),
                );
                return None;
            }
        };
        let restrict = match restrict {
            None | Some(Value::Null) => None,
            Some(Value::Str(name)) => {
                let t = ObjectType::from(name.as_ref());
                if !t.is_known() {
                    self.warn(
                        WarningCode::UnknownObjectType,
                        format!("unknown object type `{name}`; kept, reaching only objects of exactly that type"),
                        &format!("{base}.restrict_object_type"),
                    );
                }
                Some(t)
            }
            Some(other) => {
                self.warn(
                    WarningCode::WrongType,
                    format!("`restrict_object_type` must be a string or null, found {}; entry skipped", other.kind()),
                    &format!("{base}.restrict_object_type"),
                );
                return None;
            }
        };
        Some((permission, restrict))
    }

    pub(crate) fn acl<'a>(&mut self, row: Row<'_, 'a>) -> Result<AclRow<'a>, Skip> {
        self.acl_with(row, true)
    }

    /// An `AclItem` of a batch update: an ACL row whose `id` may be left out (see [`item_id`]).
    pub(crate) fn acl_item<'a>(&mut self, row: Row<'_, 'a>) -> Result<AclRow<'a>, Skip> {
        self.acl_with(row, false)
    }

    fn acl_with<'a>(&mut self, row: Row<'_, 'a>, id_required: bool) -> Result<AclRow<'a>, Skip> {
        let f = self.open(row)?;
        let given_id = if id_required { Some(self.id(f, "id")?) } else { self.opt_id(f, "id")? };
        let object_type = self.required_type(f, "object_type")?;
        let object_id = self.id(f, "object_id")?;
        let object_org_id = self.text(f, "_object_org_id")?;
        let holder = match (self.opt_id(f, "user_id")?, self.opt_id(f, "group_id")?) {
            (Some(u), None) => AclHolder::User(u),
            (None, Some(g)) => AclHolder::Group(g),
            (both, _) => {
                let which = if both.is_some() { "both" } else { "neither" };
                return Err(self.warn(
                    WarningCode::InvalidAclPrincipal,
                    format!("an ACL names exactly one of `user_id` and `group_id`, this one {which}; skipped"),
                    "",
                ));
            }
        };
        let permission = self.text(f, "permission")?;
        let role_id = self.opt_id(f, "role_id")?;
        let grant = match (permission, role_id) {
            (Some(name), None) => match Permission::from_name(&name) {
                Some(p) => AclGrant::Permission(p),
                None => {
                    return Err(self.warn(
                        WarningCode::UnknownPermission,
                        format!("unknown permission `{name}`; skipped"),
                        "permission",
                    ));
                }
            },
            (None, Some(role)) => AclGrant::Role(role),
            (both, _) => {
                let which = if both.is_some() { "both" } else { "neither" };
                return Err(self.warn(
                    WarningCode::InvalidAclGrant,
                    format!("an ACL names exactly one of `permission` and `role_id`, this one {which}; skipped"),
                    "",
                ));
            }
        };
        let restrict = self.object_type(f, "restrict_object_type")?;
        Ok(AclRow { at: self.at, given_id, object_type, object_id, object_org_id, holder, grant, restrict })
    }
}

impl AclRow<'_> {
    /// The row's id: as given, or for a batch item without one, [`item_id`]. Written out only when asked
    /// for, which a removed item never is.
    pub(crate) fn id(&self) -> Cow<'_, str> {
        match self.given_id() {
            Some(id) => Cow::Borrowed(id),
            None => {
                let mut id = String::new();
                self.write_item_id(&mut id);
                Cow::Owned(id)
            }
        }
    }

    /// The id the row came with, if any.
    pub(crate) fn given_id(&self) -> Option<&str> {
        self.given_id.as_deref()
    }

    /// Appends the id [`item_id`] gives this row to `out`. A batch writes all its items' ids into one
    /// buffer: a `String` each was an allocation and a free per item, 3% of a native batch and 5% in wasm.
    pub(crate) fn write_item_id(&self, out: &mut String) {
        item_id(out, &self.object_type, &self.object_id, &self.holder, &self.grant, self.restrict.as_ref());
    }

    /// The row's grant — its identity tuple (spec §3.1) — as a key for a set.
    pub(crate) fn grant_key(&self) -> (&str, &str, &AclHolder<'_>, &AclGrant<'_>, Option<&str>) {
        (
            self.object_type.as_str(),
            &self.object_id,
            &self.holder,
            &self.grant,
            self.restrict.as_ref().map(ObjectType::as_str),
        )
    }
}

/// The id given to an added ACL that comes without one: its identity tuple (spec §3.1) written out, so the
/// same grant always gets the same id and a reader of `to_json` can tell where it came from.
fn item_id(
    out: &mut String,
    object_type: &ObjectType,
    object_id: &str,
    holder: &AclHolder<'_>,
    grant: &AclGrant<'_>,
    restrict: Option<&ObjectType>,
) {
    let (holder_kind, holder) = match holder {
        AclHolder::User(id) => ("user:", id.as_ref()),
        AclHolder::Group(id) => ("group:", id.as_ref()),
    };
    let (grant_kind, grant) = match grant {
        AclGrant::Permission(p) => ("", p.as_str()),
        AclGrant::Role(id) => ("role:", id.as_ref()),
    };
    // Pushed piece by piece rather than `format!`ed: one id per added item, and the formatting machinery was
    // a tenth of a 1k-row batch (perf, 2026-11-28).
    let parts = ["delta:", object_type.as_str(), "/", object_id, "/", holder_kind, holder, "/", grant_kind, grant];
    for part in parts {
        out.push_str(part);
    }
    if let Some(t) = restrict {
        out.push('/');
        out.push_str(t.as_str());
    }
}
