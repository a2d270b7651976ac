//! The delta contract of /work/notes/deltas-spec.md, applied to a snapshot document held as a
//! `serde_json::Value`: the test's own model of what `apply_acl_batch`, `patch_group`, `patch_role` and
//! `upsert` do to the document that `to_json` writes.
//!
//! It shares no code with the crate. It reads the normalised document (the shape `to_json` writes: only
//! the fields the model reads, every row valid), decides on its own whether a call is accepted — and if
//! not, which error code and path the refusal carries — and writes the accepted call into a copy of the
//! document, in the same normalised shape. `tests/deltas.rs` then checks that the crate's snapshot
//! after the call answers every query exactly as a fresh load of this document does.
//!
//! Where deltas-spec.md leaves a choice open, this model reads it as follows (and the generator in
//! `tests/deltas.rs` avoids the cases whose reading is least certain, noted "not generated"):
//! - A batch is checked as loading checks a document: first what every item says on its own (adds,
//!   then removes), then add by add in order what needs the document (foreign org, unknown references,
//!   the id), each add applied before the next is looked at. The first problem found gives the error.
//!   A remove naming unknown users, groups or roles is a no-op, but a malformed remove item (not an
//!   object, both or neither of `user_id`/`group_id` or of `permission`/`role_id`) is refused like a
//!   malformed add.
//! - An add of an existing tuple is a no-op whatever `id` it carries. An explicit id held by another
//!   tuple is `duplicate_id` at `add_acls[k].id`; a synthesized id that collides is `duplicate_id` with
//!   the path not compared.
//! - PATCH of a foreign group or role (`org_id` of another org, kept dead by the load) is accepted and
//!   edits its lists like a deleted one's. Removing a member takes out every occurrence.
//! - An upsert checks every row on its own first (shape, types, lists: what loading checks while
//!   parsing), then row by row what needs the document: the same key twice in the call, a user id held
//!   by a service account or the reverse, a foreign `org_id`, references. References (member lists,
//!   `project_id`) resolve against the document and the rows of the same call, so new groups may nest
//!   each other (or themselves) and new roles inherit each other in one call. A deleted row's other
//!   fields are not checked, as at load (the generator keeps them valid anyway).
//! - Document-level shape errors are `wrong_type` with the path not compared: a PATCH body or batch that
//!   is not an object, upsert rows that are not an array, an unknown upsert section; `add_acls` that is
//!   not an array is `wrong_type` at `add_acls`. Syntax errors are `invalid_json`, path not compared.
//! - Not generated: `null` for `add_acls`/`remove_acls` or a PATCH list, malformed entries in remove
//!   lists, unknown permission names or foreign `_object_org_id` in remove items, nesting past the
//!   load limits.

use serde_json::{Map, Value, json};

/// The eight permission names (spec §2.1).
const PERMISSIONS: [&str; 8] =
    ["create", "read", "update", "delete", "create_acls", "read_acls", "update_acls", "delete_acls"];

/// Types whose only object is the org itself (decision 6).
const ORG_WIDE: [&str; 5] = ["organization", "org_project", "org_member", "org_audit_logs", "org_ai_secret"];

/// Known types that have a section (or an id) of their own, so never an `objects` row (decision 10).
const NOT_OBJECT_ROWS: [&str; 10] = [
    "organization",
    "org_project",
    "project_group",
    "project",
    "project_log",
    "group",
    "role",
    "org_member",
    "org_audit_logs",
    "org_ai_secret",
];

/// Types that live in a project and need a `project_id` (decision 10).
const PROJECT_CHILDREN: [&str; 4] = ["experiment", "dataset", "prompt", "prompt_session"];

/// The sections `upsert` takes rows for.
pub const UPSERT_SECTIONS: [&str; 7] =
    ["users", "service_accounts", "groups", "roles", "projects", "project_groups", "objects"];

/// One delta call, with its body as the JSON text handed to the crate.
#[derive(Clone, Debug)]
pub enum Call {
    AclBatch { body: String },
    PatchGroup { id: String, body: String },
    PatchRole { id: String, body: String },
    Upsert { section: String, rows: String },
}

/// Why a call must be refused: the error code string, and the path when the contract fixes it (`None`:
/// any path; used for syntax errors and body shapes whose path the contract leaves open).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub code: &'static str,
    pub path: Option<String>,
}

fn reject<T>(code: &'static str, path: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection { code, path: Some(path.into()) })
}

/// `doc` with `call` applied, or why the call must fail (and then nothing changes).
pub fn apply(doc: &Value, call: &Call) -> Result<Value, Rejection> {
    let mut out = doc.clone();
    let body_text = match call {
        Call::AclBatch { body } | Call::PatchGroup { body, .. } | Call::PatchRole { body, .. } => body,
        Call::Upsert { rows, .. } => rows,
    };
    let body: Value = serde_json::from_str(body_text).map_err(|_| Rejection { code: "invalid_json", path: None })?;
    match call {
        Call::AclBatch { .. } => acl_batch(&mut out, &body)?,
        Call::PatchGroup { id, .. } => patch_group(&mut out, id, &body)?,
        Call::PatchRole { id, .. } => patch_role(&mut out, id, &body)?,
        Call::Upsert { section, .. } => upsert(&mut out, section, &body)?,
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------
// Reading the document.

/// The rows of a section (absent: none).
pub fn section<'a>(doc: &'a Value, name: &str) -> &'a [Value] {
    doc.get(name).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn section_mut<'a>(doc: &'a mut Value, name: &str) -> &'a mut Vec<Value> {
    let top = doc.as_object_mut().expect("a snapshot document is a JSON object");
    let slot = top.entry(name).or_insert_with(|| json!([]));
    if !slot.is_array() {
        *slot = json!([]);
    }
    slot.as_array_mut().expect("just made an array")
}

fn str_field<'a>(row: &'a Value, key: &str) -> Option<&'a str> {
    row.get(key).and_then(Value::as_str)
}

/// The ids of a section's rows, in document order.
pub fn ids(doc: &Value, name: &str) -> Vec<String> {
    section(doc, name).iter().filter_map(|r| str_field(r, "id")).map(str::to_owned).collect()
}

/// The (type, id) keys of the `objects` rows, in document order.
pub fn object_keys(doc: &Value) -> Vec<(String, String)> {
    section(doc, "objects")
        .iter()
        .filter_map(|r| Some((str_field(r, "type")?.to_owned(), str_field(r, "id")?.to_owned())))
        .collect()
}

pub fn org_id(doc: &Value) -> String {
    doc.get("org").and_then(|o| str_field(o, "id")).unwrap_or_default().to_owned()
}

/// Users and service accounts: one id space.
fn is_principal(doc: &Value, id: &str) -> bool {
    ["users", "service_accounts"].iter().any(|s| section(doc, s).iter().any(|r| str_field(r, "id") == Some(id)))
}

fn has_row(doc: &Value, name: &str, id: &str) -> bool {
    section(doc, name).iter().any(|r| str_field(r, "id") == Some(id))
}

// ---------------------------------------------------------------------------------------------------
// Field checks, as loading makes them (decisions 9, 11, 14), with `at` the path of the row.

/// A JSON field read loosely: absent and null are the same.
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

fn object<'a>(row: &'a Value, at: &str) -> Result<&'a Map<String, Value>, Rejection> {
    match row {
        Value::Object(m) => Ok(m),
        _ => reject("not_an_object", at),
    }
}

/// An optional string: absent or null is `None`.
fn opt_text(row: &Map<String, Value>, key: &str, at: &str) -> Result<Option<String>, Rejection> {
    match field(row, key) {
        Field::Absent => Ok(None),
        Field::Str(s) => Ok(Some(s.to_owned())),
        Field::Other => reject("wrong_type", format!("{at}.{key}")),
    }
}

/// An optional id: an optional string that is not empty.
fn opt_id(row: &Map<String, Value>, key: &str, at: &str) -> Result<Option<String>, Rejection> {
    match opt_text(row, key, at)? {
        Some(s) if s.is_empty() => reject("missing_field", format!("{at}.{key}")),
        other => Ok(other),
    }
}

fn req_id(row: &Map<String, Value>, key: &str, at: &str) -> Result<String, Rejection> {
    match opt_id(row, key, at)? {
        Some(s) => Ok(s),
        None => reject("missing_field", format!("{at}.{key}")),
    }
}

/// `deleted_at`: null or a string. At load a value of another type is read as deleted with a warning,
/// so in a delta it is refused.
fn deleted_at(row: &Map<String, Value>, at: &str) -> Result<Option<String>, Rejection> {
    opt_text(row, "deleted_at", at)
}

/// A list field: absent or null is empty; any other JSON type is refused.
fn list<'r>(row: &'r Map<String, Value>, key: &str, at: &str) -> Result<&'r [Value], Rejection> {
    match row.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => reject("wrong_type", format!("{at}.{key}")),
    }
}

/// An id list (absent or null: empty); each entry a non-empty string.
fn id_list(row: &Map<String, Value>, key: &str, at: &str) -> Result<Vec<String>, Rejection> {
    let items = list(row, key, at)?;
    let mut out = Vec::with_capacity(items.len());
    for (j, item) in items.iter().enumerate() {
        match item {
            Value::String(s) if !s.is_empty() => out.push(s.clone()),
            Value::String(_) => return reject("missing_field", format!("{at}.{key}[{j}]")),
            _ => return reject("wrong_type", format!("{at}.{key}[{j}]")),
        }
    }
    Ok(out)
}

/// A `member_permissions` entry: `(permission, restrict_object_type)`.
type PermEntry = (String, Option<String>);

fn perm_entries(row: &Map<String, Value>, key: &str, at: &str) -> Result<Vec<PermEntry>, Rejection> {
    let items = list(row, key, at)?;
    let mut out = Vec::with_capacity(items.len());
    for (j, item) in items.iter().enumerate() {
        let here = format!("{at}.{key}[{j}]");
        let entry = object(item, &here)?;
        let permission = match field(entry, "permission") {
            Field::Absent => return reject("missing_field", format!("{here}.permission")),
            Field::Other => return reject("wrong_type", format!("{here}.permission")),
            Field::Str(p) if !PERMISSIONS.contains(&p) => {
                return reject("unknown_permission", format!("{here}.permission"));
            }
            Field::Str(p) => p.to_owned(),
        };
        // Unknown type names are kept at load with a warning, and accepted silently by a delta.
        let restrict = opt_text(entry, "restrict_object_type", &here)?;
        out.push((permission, restrict));
    }
    Ok(out)
}

fn perm_entry_json((permission, restrict): &PermEntry) -> Value {
    match restrict {
        Some(r) => json!({"permission": permission, "restrict_object_type": r}),
        None => json!({"permission": permission}),
    }
}

// ---------------------------------------------------------------------------------------------------
// ACL batches.

/// The identity of an ACL (spec §3.1): object, holder, grant, restriction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tuple {
    pub object_type: String,
    pub object_id: String,
    /// ("user_id" | "group_id", id)
    pub holder: (&'static str, String),
    /// ("permission" | "role_id", value)
    pub grant: (&'static str, String),
    pub restrict: Option<String>,
}

impl Tuple {
    /// The id an add without `id` gets.
    pub fn synthesized_id(&self) -> String {
        let holder = match self.holder.0 {
            "user_id" => format!("user:{}", self.holder.1),
            _ => format!("group:{}", self.holder.1),
        };
        let grant = match self.grant.0 {
            "permission" => self.grant.1.clone(),
            _ => format!("role:{}", self.grant.1),
        };
        let mut id = format!("delta:{}/{}/{holder}/{grant}", self.object_type, self.object_id);
        if let Some(r) = &self.restrict {
            id.push('/');
            id.push_str(r);
        }
        id
    }

    fn row(&self, id: &str) -> Value {
        let mut row = Map::new();
        row.insert("id".into(), json!(id));
        row.insert("object_type".into(), json!(self.object_type));
        row.insert("object_id".into(), json!(self.object_id));
        row.insert(self.holder.0.into(), json!(self.holder.1));
        row.insert(self.grant.0.into(), json!(self.grant.1));
        if let Some(r) = &self.restrict {
            row.insert("restrict_object_type".into(), json!(r));
        }
        Value::Object(row)
    }
}

/// The row-local checks of an ACL item (decision 14), without `id`: its tuple and `_object_org_id`.
fn acl_shape(item: &Value, at: &str) -> Result<(Tuple, Option<String>), Rejection> {
    let row = object(item, at)?;
    let object_type = match field(row, "object_type") {
        Field::Absent => return reject("missing_field", format!("{at}.object_type")),
        Field::Other => return reject("wrong_type", format!("{at}.object_type")),
        Field::Str(t) => t.to_owned(),
    };
    let object_id = req_id(row, "object_id", at)?;
    let object_org = opt_text(row, "_object_org_id", at)?;
    let holder = match (opt_id(row, "user_id", at)?, opt_id(row, "group_id", at)?) {
        (Some(u), None) => ("user_id", u),
        (None, Some(g)) => ("group_id", g),
        _ => return reject("invalid_acl_principal", at),
    };
    let grant = match (opt_text(row, "permission", at)?, opt_id(row, "role_id", at)?) {
        (Some(p), None) if PERMISSIONS.contains(&p.as_str()) => ("permission", p),
        (Some(_), None) => return reject("unknown_permission", format!("{at}.permission")),
        (None, Some(r)) => ("role_id", r),
        _ => return reject("invalid_acl_grant", at),
    };
    let restrict = opt_text(row, "restrict_object_type", at)?;
    Ok((Tuple { object_type, object_id, holder, grant, restrict }, object_org))
}

/// The tuple of an ACL row of the normalised document.
pub fn acl_tuple(row: &Value) -> Option<Tuple> {
    acl_shape(row, "").ok().map(|(t, _)| t)
}

fn acl_batch(doc: &mut Value, body: &Value) -> Result<(), Rejection> {
    let Value::Object(body) = body else { return Err(Rejection { code: "wrong_type", path: None }) };
    let mut lists = [Vec::new(), Vec::new()];
    for (slot, key) in lists.iter_mut().zip(["add_acls", "remove_acls"]) {
        match body.get(key) {
            None => {}
            Some(Value::Array(items)) => *slot = items.clone(),
            Some(_) => return Err(Rejection { code: "wrong_type", path: Some(key.into()) }),
        }
    }
    let [adds, removes] = lists;

    // As loading: first what each item says on its own (adds, then removes), ...
    let mut shaped = Vec::with_capacity(adds.len());
    for (k, item) in adds.iter().enumerate() {
        let at = format!("add_acls[{k}]");
        let explicit_id = opt_id(object(item, &at)?, "id", &at)?;
        let (tuple, object_org) = acl_shape(item, &at)?;
        shaped.push((at, explicit_id, tuple, object_org));
    }
    let mut remove_tuples = Vec::with_capacity(removes.len());
    for (k, item) in removes.iter().enumerate() {
        remove_tuples.push(acl_shape(item, &format!("remove_acls[{k}]"))?.0);
    }

    // ... then, add by add in order, what needs the document, and the add itself.
    let org = org_id(doc);
    let principals = [ids(doc, "users"), ids(doc, "service_accounts")].concat();
    let (groups, roles) = (ids(doc, "groups"), ids(doc, "roles"));
    let acls = section_mut(doc, "acls");
    for (at, explicit_id, tuple, object_org) in shaped {
        if object_org.as_deref().is_some_and(|o| o != org) {
            return reject("foreign_org", format!("{at}._object_org_id"));
        }
        if ORG_WIDE.contains(&tuple.object_type.as_str()) && tuple.object_id != org {
            return reject("foreign_org", format!("{at}.object_id"));
        }
        let (code, known) = match tuple.holder.0 {
            "user_id" => ("unknown_principal", principals.contains(&tuple.holder.1)),
            _ => ("unknown_group", groups.contains(&tuple.holder.1)),
        };
        if !known {
            return reject(code, format!("{at}.{}", tuple.holder.0));
        }
        if tuple.grant.0 == "role_id" && !roles.contains(&tuple.grant.1) {
            return reject("unknown_role", format!("{at}.role_id"));
        }
        // Reading (module docs): an existing tuple is a no-op before its id is looked at, as loading
        // checks duplicate tuples before duplicate ids (decision 8).
        if acls.iter().any(|a| acl_tuple(a).as_ref() == Some(&tuple)) {
            continue;
        }
        let id = explicit_id.clone().unwrap_or_else(|| tuple.synthesized_id());
        if acls.iter().any(|a| str_field(a, "id") == Some(id.as_str())) {
            // The contract names no path for a synthesized id that collides.
            let path = explicit_id.map(|_| format!("{at}.id"));
            return Err(Rejection { code: "duplicate_id", path });
        }
        acls.push(tuple.row(&id));
    }
    acls.retain(|a| acl_tuple(a).is_none_or(|t| !remove_tuples.contains(&t)));
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Group and role PATCH.

/// The row of `name` whose id is `id`, as an index.
fn row_index(doc: &Value, name: &str, id: &str) -> Option<usize> {
    section(doc, name).iter().position(|r| str_field(r, "id") == Some(id))
}

/// `list` with `add` appended (those not present yet) and then `remove` taken out.
fn edit_list<T: PartialEq + Clone>(list: &mut Vec<T>, add: &[T], remove: &[T]) {
    for a in add {
        if !list.contains(a) {
            list.push(a.clone());
        }
    }
    list.retain(|x| !remove.contains(x));
}

fn strings(row: &Value, key: &str) -> Vec<String> {
    row.get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn patch_group(doc: &mut Value, id: &str, body: &Value) -> Result<(), Rejection> {
    let Some(i) = row_index(doc, "groups", id) else { return reject("unknown_group", "") };
    // Reading (module docs): a body that is not an object is a wrong body shape, `wrong_type`.
    let body = object(body, "").map_err(|_| Rejection { code: "wrong_type", path: None })?;
    // Entry paths are relative to the body: `add_member_users[1]`.
    let list =
        |key: &str| id_list(body, key, "").map_err(|r| Rejection { path: r.path.map(|p| p[1..].to_owned()), ..r });
    let add_users = list("add_member_users")?;
    let remove_users = list("remove_member_users")?;
    let add_groups = list("add_member_groups")?;
    let remove_groups = list("remove_member_groups")?;
    if let Some(j) = add_users.iter().position(|u| !is_principal(doc, u)) {
        return reject("unknown_principal", format!("add_member_users[{j}]"));
    }
    if let Some(j) = add_groups.iter().position(|g| !has_row(doc, "groups", g)) {
        return reject("unknown_group", format!("add_member_groups[{j}]"));
    }
    let row = &mut section_mut(doc, "groups")[i];
    let mut users = strings(row, "member_users");
    let mut groups = strings(row, "member_groups");
    edit_list(&mut users, &add_users, &remove_users);
    edit_list(&mut groups, &add_groups, &remove_groups);
    row["member_users"] = json!(users);
    row["member_groups"] = json!(groups);
    Ok(())
}

fn patch_role(doc: &mut Value, id: &str, body: &Value) -> Result<(), Rejection> {
    let Some(i) = row_index(doc, "roles", id) else { return reject("unknown_role", "") };
    let body = object(body, "").map_err(|_| Rejection { code: "wrong_type", path: None })?;
    let strip = |r: Rejection| Rejection { path: r.path.map(|p| p[1..].to_owned()), ..r };
    let add_perms = perm_entries(body, "add_member_permissions", "").map_err(strip)?;
    let remove_perms = perm_entries(body, "remove_member_permissions", "").map_err(strip)?;
    let add_roles = id_list(body, "add_member_roles", "").map_err(strip)?;
    let remove_roles = id_list(body, "remove_member_roles", "").map_err(strip)?;
    if let Some(j) = add_roles.iter().position(|r| !has_row(doc, "roles", r)) {
        return reject("unknown_role", format!("add_member_roles[{j}]"));
    }
    let row = &mut section_mut(doc, "roles")[i];
    let mut perms: Vec<PermEntry> = row
        .get("member_permissions")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|e| {
                    Some((
                        str_field(e, "permission")?.to_owned(),
                        str_field(e, "restrict_object_type").map(str::to_owned),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut roles = strings(row, "member_roles");
    edit_list(&mut perms, &add_perms, &remove_perms);
    edit_list(&mut roles, &add_roles, &remove_roles);
    row["member_permissions"] = Value::Array(perms.iter().map(perm_entry_json).collect());
    row["member_roles"] = json!(roles);
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Upserts.

/// The key a row is replaced by: its id, or for objects (type, id).
fn row_key(name: &str, row: &Value) -> (String, String) {
    let t = if name == "objects" { str_field(row, "type").unwrap_or_default() } else { "" };
    (t.to_owned(), str_field(row, "id").unwrap_or_default().to_owned())
}

/// One upserted row after its row-local checks: the normalised row, its key, and what is left to check
/// against the document.
struct Checked {
    row: Map<String, Value>,
    key: (String, String),
    org_id: Option<String>,
    /// (list name, entries, the section they must name, the code when one does not)
    refs: Vec<(&'static str, Vec<String>, &'static str, &'static str)>,
}

/// The checks that need nothing but the row (decisions 9-14), as loading makes them while parsing.
fn check_row(name: &str, item: &Value, at: &str) -> Result<Checked, Rejection> {
    let row = object(item, at)?;
    let mut out = Map::new();
    let mut object_type = String::new();
    if name == "objects" {
        object_type = match field(row, "type") {
            Field::Absent => return reject("missing_field", format!("{at}.type")),
            Field::Other => return reject("wrong_type", format!("{at}.type")),
            Field::Str(t) => t.to_owned(),
        };
        if NOT_OBJECT_ROWS.contains(&object_type.as_str()) {
            return reject("wrong_type", format!("{at}.type"));
        }
        out.insert("type".into(), json!(object_type));
    }
    let id = req_id(row, "id", at)?;
    out.insert("id".into(), json!(id));
    let deleted_at = deleted_at(row, at)?;
    let deleted = deleted_at.is_some();
    if let Some(d) = deleted_at {
        out.insert("deleted_at".into(), json!(d));
    }
    let mut checked = Checked { row: Map::new(), key: (object_type.clone(), id), org_id: None, refs: Vec::new() };
    let heads = ["groups", "roles", "projects", "project_groups"];
    if heads.contains(&name) {
        if deleted {
            // A deleted row's other fields are not read at load (decision 9).
            out.insert("org_id".into(), row.get("org_id").cloned().unwrap_or(Value::Null));
        } else {
            checked.org_id = opt_text(row, "org_id", at)?;
            out.insert("org_id".into(), json!(checked.org_id));
        }
    }
    let mut list = |key: &'static str, section: &'static str, code: &'static str| -> Result<(), Rejection> {
        let ids = if deleted { Vec::new() } else { id_list(row, key, at)? };
        out.insert(key.into(), json!(ids));
        checked.refs.push((key, ids, section, code));
        Ok(())
    };
    match name {
        "groups" => {
            list("member_users", "principals", "unknown_principal")?;
            list("member_groups", "groups", "unknown_group")?;
        }
        "roles" => {
            let perms = if deleted { Vec::new() } else { perm_entries(row, "member_permissions", at)? };
            list("member_roles", "roles", "unknown_role")?;
            out.insert("member_permissions".into(), Value::Array(perms.iter().map(perm_entry_json).collect()));
        }
        "project_groups" => list("member_projects", "projects", "unknown_project")?,
        "objects" if !deleted && PROJECT_CHILDREN.contains(&object_type.as_str()) => {
            let Some(p) = opt_id(row, "project_id", at)? else {
                return reject("missing_field", format!("{at}.project_id"));
            };
            out.insert("project_id".into(), json!(p));
            checked.refs.push(("project_id", vec![p], "projects", "unknown_project"));
        }
        _ => {}
    }
    checked.row = out;
    Ok(checked)
}

fn upsert(doc: &mut Value, name: &str, body: &Value) -> Result<(), Rejection> {
    if !UPSERT_SECTIONS.contains(&name) {
        return Err(Rejection { code: "wrong_type", path: None });
    }
    let Value::Array(rows) = body else { return Err(Rejection { code: "wrong_type", path: None }) };
    let checked = rows
        .iter()
        .enumerate()
        .map(|(k, item)| check_row(name, item, &format!("{name}[{k}]")))
        .collect::<Result<Vec<_>, _>>()?;

    // Then what needs the document. Rows of the call see each other: a new group may list another new
    // group of the same call (or itself) in `member_groups`, a new role another in `member_roles`.
    let org = org_id(doc);
    let in_call: Vec<&str> = checked.iter().map(|c| c.key.1.as_str()).collect();
    let known = |section: &str, id: &str| match section {
        "principals" => is_principal(doc, id),
        s => has_row(doc, s, id) || (s == name && in_call.contains(&id)),
    };
    for (k, c) in checked.iter().enumerate() {
        let at = format!("{name}[{k}]");
        if checked[..k].iter().any(|earlier| earlier.key == c.key) {
            return reject("duplicate_id", format!("{at}.id"));
        }
        let other = match name {
            "users" => "service_accounts",
            "service_accounts" => "users",
            _ => "",
        };
        if !other.is_empty() && has_row(doc, other, &c.key.1) {
            return reject("duplicate_id", format!("{at}.id"));
        }
        if c.org_id.as_deref().is_some_and(|o| o != org) {
            return reject("foreign_org", format!("{at}.org_id"));
        }
        for (key, ids, section, code) in &c.refs {
            if let Some(j) = ids.iter().position(|id| !known(section, id)) {
                let path = if *key == "project_id" { format!("{at}.project_id") } else { format!("{at}.{key}[{j}]") };
                return reject(code, path);
            }
        }
    }

    let rows = section_mut(doc, name);
    for c in checked {
        match rows.iter().position(|r| row_key(name, r) == c.key) {
            Some(i) => rows[i] = Value::Object(c.row),
            None => rows.push(Value::Object(c.row)),
        }
    }
    Ok(())
}
