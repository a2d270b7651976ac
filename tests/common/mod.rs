//! Shared helpers for the integration tests: the spec §3.5 example snapshot (`tests/fixtures/spec_example.json`),
//! edits on it as a `serde_json::Value`, and `#[track_caller]` assertions.
//!
//! Every JSON-building helper lives here, so the test files only say *what* a case adds.

#![allow(dead_code)]

use permeval::{
    Decision, DenialReason, Explanation, GrantPath, ObjectRef, ObjectType, Permission, PermissionSet, Snapshot,
    SnapshotError, WarningCode,
};
use serde_json::{Value, json};

/// The fixture: spec §3.5 with a1..a8 filled in (Owners hold all 8 permissions on `organization/O`).
pub const FIXTURE: &str = include_str!("../fixtures/spec_example.json");

pub const ORG: &str = "O";
pub const ALICE: &str = "U_ALICE";
pub const BOB: &str = "U_BOB";
pub const CAROL: &str = "U_CAROL";
pub const SA_CI: &str = "SA_CI";

/// Any non-null `deleted_at`.
pub const DELETED_AT: &str = "2026-01-01T00:00:00Z";

/// Index (0-based) the next ACL appended to the fixture gets: the fixture holds a1..a14.
pub const NEXT_ACL: usize = 14;

// ---------------------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------------------

/// The fixture as a fresh, editable JSON value.
pub fn fixture() -> Value {
    serde_json::from_str(FIXTURE).expect("the fixture is valid JSON")
}

/// The smallest loadable document: an org and nothing else.
pub fn empty_doc() -> Value {
    json!({ "org": { "id": ORG, "name": "acme" } })
}

/// The rows of `section`, created as an empty array when absent (or null).
pub fn rows<'a>(doc: &'a mut Value, section: &str) -> &'a mut Vec<Value> {
    let obj = doc.as_object_mut().expect("the document is a JSON object");
    let slot = obj.entry(section).or_insert_with(|| json!([]));
    if slot.is_null() {
        *slot = json!([]);
    }
    slot.as_array_mut().unwrap_or_else(|| panic!("section `{section}` is not an array"))
}

/// Appends a raw row to `section`.
pub fn push(doc: &mut Value, section: &str, row: Value) {
    rows(doc, section).push(row);
}

/// The row of `section` whose `id` is `id`.
#[track_caller]
pub fn row_mut<'a>(doc: &'a mut Value, section: &str, id: &str) -> &'a mut Value {
    rows(doc, section)
        .iter_mut()
        .find(|r| r.get("id").and_then(Value::as_str) == Some(id))
        .unwrap_or_else(|| panic!("no row `{id}` in `{section}`"))
}

/// Sets `key` of the row `id` of `section` (e.g. `restrict_object_type` to null).
#[track_caller]
pub fn set_field(doc: &mut Value, section: &str, id: &str, key: &str, value: Value) {
    row_mut(doc, section, id)[key] = value;
}

/// Soft-deletes the row `id` of `section`.
#[track_caller]
pub fn soft_delete(doc: &mut Value, section: &str, id: &str) {
    set_field(doc, section, id, "deleted_at", json!(DELETED_AT));
}

/// Removes the rows of `section` whose ids are listed.
#[track_caller]
pub fn remove_rows(doc: &mut Value, section: &str, ids: &[&str]) {
    let rows = rows(doc, section);
    let before = rows.len();
    rows.retain(|r| !ids.iter().any(|id| r.get("id").and_then(Value::as_str) == Some(id)));
    assert_eq!(before - rows.len(), ids.len(), "not every row of {ids:?} was in `{section}`");
}

pub fn add_user(doc: &mut Value, id: &str) {
    push(doc, "users", json!({ "id": id }));
}

pub fn add_service_account(doc: &mut Value, id: &str) {
    push(doc, "service_accounts", json!({ "id": id, "name": id }));
}

/// A live group of the org, named after its id.
pub fn add_group(doc: &mut Value, id: &str, member_users: &[&str], member_groups: &[&str]) {
    add_named_group(doc, id, id, member_users, member_groups);
}

pub fn add_named_group(doc: &mut Value, id: &str, name: &str, member_users: &[&str], member_groups: &[&str]) {
    push(
        doc,
        "groups",
        json!({ "id": id, "org_id": ORG, "name": name, "member_users": member_users, "member_groups": member_groups }),
    );
}

/// Appends `user` to the `member_users` of group `group`.
#[track_caller]
pub fn add_member(doc: &mut Value, group: &str, user: &str) {
    list_push(row_mut(doc, "groups", group), "member_users", user);
}

/// Sets the `member_groups` of group `group`.
#[track_caller]
pub fn set_member_groups(doc: &mut Value, group: &str, member_groups: &[&str]) {
    set_field(doc, "groups", group, "member_groups", json!(member_groups));
}

/// A live role of the org; `perms` are `(permission, restrict_object_type)`.
pub fn add_role(doc: &mut Value, id: &str, perms: &[(&str, Option<&str>)], member_roles: &[&str]) {
    let member_permissions: Vec<Value> =
        perms.iter().map(|(p, r)| json!({ "permission": p, "restrict_object_type": r })).collect();
    push(
        doc,
        "roles",
        json!({ "id": id, "org_id": ORG, "name": id, "member_permissions": member_permissions, "member_roles": member_roles }),
    );
}

pub fn add_project(doc: &mut Value, id: &str) {
    push(doc, "projects", json!({ "id": id, "org_id": ORG, "name": id }));
}

pub fn add_project_group(doc: &mut Value, id: &str, member_projects: &[&str]) {
    push(doc, "project_groups", json!({ "id": id, "org_id": ORG, "name": id, "member_projects": member_projects }));
}

/// An `objects` row; `project_id` is omitted when `None`.
pub fn add_object(doc: &mut Value, object_type: &str, id: &str, project_id: Option<&str>) {
    let mut row = json!({ "type": object_type, "id": id });
    if let Some(p) = project_id {
        row["project_id"] = json!(p);
    }
    push(doc, "objects", row);
}

fn list_push(row: &mut Value, key: &str, item: &str) {
    let slot = &mut row[key];
    if slot.is_null() {
        *slot = json!([]);
    }
    slot.as_array_mut().unwrap_or_else(|| panic!("`{key}` is not an array")).push(json!(item));
}

/// Who an ACL row grants to.
#[derive(Copy, Clone, Debug)]
pub enum To<'a> {
    User(&'a str),
    Group(&'a str),
}

/// What an ACL row grants.
#[derive(Copy, Clone, Debug)]
pub enum Gives<'a> {
    Perm(&'a str),
    Role(&'a str),
}

/// An ACL row of this org on `on = (object_type, object_id)`.
pub fn acl(id: &str, on: (&str, &str), to: To<'_>, gives: Gives<'_>, restrict: Option<&str>) -> Value {
    let mut row = json!({ "id": id, "object_type": on.0, "object_id": on.1, "_object_org_id": ORG });
    match to {
        To::User(u) => row["user_id"] = json!(u),
        To::Group(g) => row["group_id"] = json!(g),
    }
    match gives {
        Gives::Perm(p) => row["permission"] = json!(p),
        Gives::Role(r) => row["role_id"] = json!(r),
    }
    if let Some(r) = restrict {
        row["restrict_object_type"] = json!(r);
    }
    row
}

pub fn add_acl(doc: &mut Value, id: &str, on: (&str, &str), to: To<'_>, gives: Gives<'_>, restrict: Option<&str>) {
    push(doc, "acls", acl(id, on, to, gives, restrict));
}

/// `(on, permission, restrict)` granted directly to `user`.
pub fn user_acl(doc: &mut Value, id: &str, user: &str, perm: &str, on: (&str, &str), restrict: Option<&str>) {
    add_acl(doc, id, on, To::User(user), Gives::Perm(perm), restrict);
}

/// `(on, permission, restrict)` granted to `group`.
pub fn group_acl(doc: &mut Value, id: &str, group: &str, perm: &str, on: (&str, &str), restrict: Option<&str>) {
    add_acl(doc, id, on, To::Group(group), Gives::Perm(perm), restrict);
}

/// Role `role` on `on` granted to `to`.
pub fn role_acl(doc: &mut Value, id: &str, to: To<'_>, role: &str, on: (&str, &str), restrict: Option<&str>) {
    add_acl(doc, id, on, to, Gives::Role(role), restrict);
}

/// The document as text, with `raw` (verbatim JSON text, e.g. a row with a key twice, which a
/// `serde_json::Value` cannot hold) appended as the last element of `section`.
pub fn text_with_raw_row(doc: &Value, section: &str, raw: &str) -> String {
    const MARK: &str = "\"__permeval_raw_row__\"";
    let mut doc = doc.clone();
    push(&mut doc, section, json!("__permeval_raw_row__"));
    let text = doc.to_string();
    assert_eq!(text.matches(MARK).count(), 1);
    text.replace(MARK, raw)
}

// ---------------------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------------------

#[track_caller]
pub fn load(doc: &Value) -> Snapshot {
    load_text(&doc.to_string())
}

#[track_caller]
pub fn load_text(text: &str) -> Snapshot {
    Snapshot::from_json(text).unwrap_or_else(|e| panic!("snapshot failed to load: {e} ({:?})", e.code()))
}

/// Loads and asserts that no warning was recorded.
#[track_caller]
pub fn load_clean(doc: &Value) -> Snapshot {
    let snap = load(doc);
    assert_warnings(&snap, &[]);
    snap
}

#[track_caller]
pub fn load_err(text: &str) -> SnapshotError {
    match Snapshot::from_json(text) {
        Ok(snap) => panic!("expected a load error, got a snapshot: {snap:?}"),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Assertions
// ---------------------------------------------------------------------------------------------------------

pub fn obj(object_type: ObjectType, id: &str) -> ObjectRef<'_> {
    ObjectRef::new(object_type, id)
}

fn why(snap: &Snapshot, who: &str, perm: Permission, target: &ObjectRef<'_>) -> String {
    format!("effective = {:?}; explain = {:?}", snap.effective(who, target), snap.explain(who, perm, target).decision)
}

/// `who` holds `perm` on `object_type/id`.
#[track_caller]
pub fn allows(snap: &Snapshot, who: &str, perm: Permission, object_type: ObjectType, id: &str) {
    let target = obj(object_type, id);
    assert!(
        snap.can(who, perm, &target),
        "expected {who} to hold {perm} on {target}; {}",
        why(snap, who, perm, &target)
    );
}

/// `who` does not hold `perm` on `object_type/id`.
#[track_caller]
pub fn denies(snap: &Snapshot, who: &str, perm: Permission, object_type: ObjectType, id: &str) {
    let target = obj(object_type, id);
    assert!(
        !snap.can(who, perm, &target),
        "expected {who} NOT to hold {perm} on {target}; {}",
        why(snap, who, perm, &target)
    );
}

/// `who` holds exactly `expected` on `object_type/id`.
#[track_caller]
pub fn assert_effective(snap: &Snapshot, who: &str, object_type: ObjectType, id: &str, expected: PermissionSet) {
    let target = obj(object_type, id);
    assert_eq!(snap.effective(who, &target), expected, "effective permissions of {who} on {target}");
}

/// `who` may create a `child` directly under `parent_type/parent_id`.
#[track_caller]
pub fn may_create(snap: &Snapshot, who: &str, child: ObjectType, parent_type: ObjectType, parent_id: &str) {
    let parent = obj(parent_type, parent_id);
    assert!(snap.can_create(who, &child, &parent), "expected {who} to be able to create a {child} under {parent}");
}

/// `who` may not create a `child` directly under `parent_type/parent_id`.
#[track_caller]
pub fn may_not_create(snap: &Snapshot, who: &str, child: ObjectType, parent_type: ObjectType, parent_id: &str) {
    let parent = obj(parent_type, parent_id);
    assert!(!snap.can_create(who, &child, &parent), "expected {who} NOT to be able to create a {child} under {parent}");
}

/// The recorded warnings as `(code, path)`, in order.
pub fn warning_list(snap: &Snapshot) -> Vec<(WarningCode, String)> {
    snap.warnings().iter().map(|w| (w.code(), w.path().to_owned())).collect()
}

/// The recorded warnings are exactly `expected` (code and path), as a multiset. Order is not compared: neither
/// the spec nor decisions.md fixes it, and `serde_json::Value` writes a document's sections in key order.
#[track_caller]
pub fn assert_warnings(snap: &Snapshot, expected: &[(WarningCode, &str)]) {
    let key = |(c, p): &(WarningCode, String)| (c.as_str(), p.clone());
    let mut expected: Vec<(WarningCode, String)> = expected.iter().map(|(c, p)| (*c, (*p).to_owned())).collect();
    let mut actual = warning_list(snap);
    expected.sort_by_key(key);
    actual.sort_by_key(key);
    assert_eq!(actual, expected, "warnings (code, path); messages: {:#?}", snap.warnings());
}

/// The paths of an allowed explanation; panics on a denial.
#[track_caller]
pub fn allowed_paths<'e, 's>(why: &'e Explanation<'s>) -> &'e [GrantPath<'s>] {
    match &why.decision {
        Decision::Allowed { paths } => paths,
        Decision::Denied { reason, nearest } => panic!("expected allowed, got denied: {reason:?}, nearest {nearest:?}"),
    }
}

/// The reason and `nearest` paths of a denied explanation; panics when allowed.
#[track_caller]
pub fn denial<'e, 's>(why: &'e Explanation<'s>) -> (DenialReason, &'e [GrantPath<'s>]) {
    match &why.decision {
        Decision::Denied { reason, nearest } => (*reason, nearest),
        Decision::Allowed { paths } => panic!("expected a denial, got allowed: {paths:?}"),
    }
}

/// A handful of answers of the unmodified fixture, each from a different rule. Tests that add a bad row
/// call this to show that the rest of the snapshot still answers.
#[track_caller]
pub fn assert_base_answers(snap: &Snapshot) {
    use ObjectType as T;
    use Permission as P;
    allows(snap, ALICE, P::Delete, T::Experiment, "E1"); // Owners, org cascade
    allows(snap, ALICE, P::ReadAcls, T::Organization, ORG);
    allows(snap, BOB, P::Update, T::Experiment, "E1"); // Engineers on org_project
    allows(snap, BOB, P::Read, T::Project, "P2"); // Viewers via member_groups
    denies(snap, BOB, P::CreateAcls, T::Project, "P1");
    allows(snap, CAROL, P::Update, T::Experiment, "E1"); // R_DS through data-sci on P1
    denies(snap, CAROL, P::Update, T::Dataset, "D1");
    allows(snap, SA_CI, P::Read, T::Dataset, "D1"); // service account in data-sci
    allows(snap, CAROL, P::Read, T::ProjectLog, "P2"); // a14 on PG1, restricted to project_log
    denies(snap, CAROL, P::Read, T::Project, "P2");
}
