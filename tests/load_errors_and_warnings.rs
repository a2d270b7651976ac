//! Loading: one test per [`WarningCode`] and per [`ErrorCode`], with the triggers and paths of decisions.md
//! items 1–15 (spec §4.4 v: a bad row costs only that row; only a malformed document is an error).
//!
//! Warning tests assert `code()` and `path()` (never message text), show with a query that the row was
//! really skipped (or kept, for `unknown_object_type`), and that the rest of the snapshot still answers.
//! Paths index rows from 0 within their section, as the crate documents (`acls[0]` is the first ACL).

mod common;

use common::*;
use permeval::{
    ErrorCode as E, ObjectRef, ObjectType as T, Permission as P, PermissionSet as PS, Snapshot, WarningCode as W,
};
use serde_json::{Value, json};

const DAVE: &str = "U_DAVE";

/// The fixture plus dave, an org member without grants.
fn with_dave() -> Value {
    let mut doc = fixture();
    add_user(&mut doc, DAVE);
    doc
}

/// An ACL row giving dave `read` on project P1, which any test can spoil one field of.
fn dave_reads_p1(id: &str) -> Value {
    acl(id, ("project", "P1"), To::User(DAVE), Gives::Perm("read"), None)
}

#[track_caller]
fn dave_has_nothing(snap: &Snapshot) {
    for (t, id) in [(T::Project, "P1"), (T::Project, "P2"), (T::Experiment, "E1"), (T::Dataset, "D1")] {
        assert_effective(snap, DAVE, t, id, PS::empty());
    }
}

// ---------------------------------------------------------------------------------------------------------
// Warnings
// ---------------------------------------------------------------------------------------------------------

#[test]
fn warning_null_section() {
    let mut doc = fixture();
    doc["objects"] = Value::Null;
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::NullSection, "objects")]);
    // Read as empty: E1 and D1 are no longer listed, so they are unknown objects (§4.4 p).
    assert!(snap.accessible(ALICE, P::Read, &T::Experiment).is_empty());
    denies(&snap, CAROL, P::Update, T::Experiment, "E1"); // her role on P1 cannot reach an unknown object
    allows(&snap, ALICE, P::Delete, T::Experiment, "E1"); // org-wide grants still do
    allows(&snap, BOB, P::Update, T::Project, "P1");
    allows(&snap, CAROL, P::Read, T::ProjectLog, "P2");

    // A missing section is empty too, without a warning.
    let mut doc = fixture();
    doc.as_object_mut().expect("an object").remove("objects");
    let missing = load_clean(&doc);
    for (t, id) in [(T::Experiment, "E1"), (T::Dataset, "D1"), (T::Project, "P1")] {
        for who in [ALICE, BOB, CAROL] {
            assert_eq!(missing.effective(who, &obj(t.clone(), id)), snap.effective(who, &obj(t.clone(), id)));
        }
    }
}

#[test]
fn warning_not_an_object() {
    let mut doc = fixture();
    push(&mut doc, "acls", json!(42));
    push(&mut doc, "users", json!(DAVE));
    push(&mut doc, "groups", json!(["G_X"]));
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[(W::NotAnObject, "acls[14]"), (W::NotAnObject, "users[3]"), (W::NotAnObject, "groups[4]")],
    );
    assert!(!snap.subject(DAVE).is_member());
    assert_eq!(snap.principals().count(), 4);
    assert_base_answers(&snap);
}

#[test]
fn warning_not_an_object_in_role_member_permissions() {
    let mut doc = with_dave();
    push(
        &mut doc,
        "roles",
        json!({ "id": "R_X", "org_id": ORG, "name": "x",
                "member_permissions": ["read", { "permission": "update" }] }),
    );
    role_acl(&mut doc, "a15", To::User(DAVE), "R_X", ("project", "P1"), None);
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::NotAnObject, "roles[1].member_permissions[0]")]);
    assert_effective(&snap, DAVE, T::Project, "P1", PS::UPDATE); // only the entry is skipped
    assert_base_answers(&snap);
}

#[test]
fn warning_wrong_type_skips_the_row() {
    let mut doc = with_dave();
    let mut bad_id = dave_reads_p1("ignored");
    bad_id["id"] = json!(7);
    push(&mut doc, "acls", bad_id);
    let mut bad_restriction = dave_reads_p1("a16");
    bad_restriction["restrict_object_type"] = json!(["experiment"]);
    push(&mut doc, "acls", bad_restriction);
    // A membership list of the wrong JSON type makes the group dead (decisions.md 24): its ACL grants nothing.
    push(&mut doc, "groups", json!({ "id": "G_BAD", "org_id": ORG, "name": "bad", "member_users": DAVE }));
    group_acl(&mut doc, "a17", "G_BAD", "read", ("project", "P2"), None);
    // decisions.md 10: a known type with a section of its own does not belong in `objects`.
    add_object(&mut doc, "project", "P9", None);
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[
            (W::WrongType, "acls[14].id"),
            (W::WrongType, "acls[15].restrict_object_type"),
            (W::WrongType, "groups[4].member_users"),
            (W::WrongType, "objects[2].type"),
        ],
    );
    dave_has_nothing(&snap);
    assert_eq!(snap.accessible(ALICE, P::Read, &T::Project), ["P1", "P2"]);
    assert_base_answers(&snap);
}

#[test]
fn malformed_listed_entities_are_dead_not_unknown() {
    // decisions.md 24: an unknown project group would keep the org-wide grants of §4.4 p; a malformed one
    // is treated as deleted, so nothing is granted on it, and its projects do not get its grants.
    let mut doc = with_dave();
    push(&mut doc, "project_groups", json!({ "id": "PG_BAD", "org_id": ORG, "name": "bad", "member_projects": "P1" }));
    push(&mut doc, "project_groups", json!({ "id": "PG_ORG", "org_id": 7, "name": "bad", "member_projects": ["P1"] }));
    push(&mut doc, "roles", json!({ "id": "R_BAD", "org_id": ORG, "name": "bad", "member_permissions": {} }));
    user_acl(&mut doc, "a15", DAVE, "read", ("project_group", "PG_ORG"), None);
    role_acl(&mut doc, "a16", To::User(DAVE), "R_BAD", ("project", "P1"), None);
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[
            (W::WrongType, "project_groups[1].member_projects"),
            (W::WrongType, "project_groups[2].org_id"),
            (W::WrongType, "roles[1].member_permissions"),
        ],
    );
    for pg in ["PG_BAD", "PG_ORG"] {
        assert_effective(&snap, ALICE, T::ProjectGroup, pg, PS::empty());
    }
    dave_has_nothing(&snap);
    assert_base_answers(&snap);
}

#[test]
fn warning_wrong_type_in_a_list_entry_skips_the_entry() {
    let mut doc = with_dave();
    push(&mut doc, "groups", json!({ "id": "G_X", "org_id": ORG, "name": "x", "member_users": [5, DAVE] }));
    group_acl(&mut doc, "a15", "G_X", "read", ("project", "P1"), None);
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::WrongType, "groups[4].member_users[0]")]);
    assert_effective(&snap, DAVE, T::Project, "P1", PS::READ);
    assert_base_answers(&snap);
}

#[test]
fn warning_wrong_type_in_deleted_at_still_deletes() {
    let mut doc = with_dave();
    push(
        &mut doc,
        "groups",
        json!({ "id": "G_GONE", "org_id": ORG, "name": "gone", "deleted_at": 5, "member_users": [DAVE] }),
    );
    group_acl(&mut doc, "a15", "G_GONE", "read", ("project", "P1"), None);
    let snap = load(&doc);
    // Deleted, not skipped: the ACL naming it is kept silently (no unknown_group) and grants nothing.
    assert_warnings(&snap, &[(W::WrongType, "groups[4].deleted_at")]);
    dave_has_nothing(&snap);
    assert_effective(&snap, ALICE, T::Group, "G_GONE", PS::empty());
    assert_base_answers(&snap);
}

#[test]
fn warning_missing_field() {
    let mut doc = with_dave();
    let mut no_object_id = dave_reads_p1("a15");
    no_object_id.as_object_mut().expect("an object").remove("object_id");
    push(&mut doc, "acls", no_object_id);
    let mut empty_user = dave_reads_p1("a16");
    empty_user["user_id"] = json!("");
    push(&mut doc, "acls", empty_user);
    let mut null_id = dave_reads_p1("ignored");
    null_id["id"] = Value::Null;
    push(&mut doc, "acls", null_id);
    add_object(&mut doc, "experiment", "E9", None); // a project child needs a project_id
    push(&mut doc, "users", json!({ "email": "nobody@acme.io" }));
    push(&mut doc, "groups", json!({ "id": "G_X", "org_id": ORG, "name": "x", "member_users": ["", DAVE] }));
    group_acl(&mut doc, "a18", "G_X", "update", ("project", "P2"), None);
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[
            (W::MissingField, "acls[14].object_id"),
            (W::MissingField, "acls[15].user_id"),
            (W::MissingField, "acls[16].id"),
            (W::MissingField, "objects[2].project_id"),
            (W::MissingField, "users[4].id"),
            (W::MissingField, "groups[4].member_users[0]"),
        ],
    );
    assert_effective(&snap, DAVE, T::Project, "P1", PS::empty());
    assert_effective(&snap, DAVE, T::Project, "P2", PS::UPDATE); // only the empty entry was skipped
    assert_eq!(snap.accessible(ALICE, P::Read, &T::Experiment), ["E1"]);
    assert_base_answers(&snap);
}

#[test]
fn warning_missing_field_in_role_member_permissions() {
    let mut doc = with_dave();
    push(
        &mut doc,
        "roles",
        json!({ "id": "R_X", "org_id": ORG, "name": "x",
                "member_permissions": [{ "restrict_object_type": "experiment" }, { "permission": "delete" }] }),
    );
    role_acl(&mut doc, "a15", To::User(DAVE), "R_X", ("project", "P1"), None);
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::MissingField, "roles[1].member_permissions[0].permission")]);
    assert_effective(&snap, DAVE, T::Experiment, "E1", PS::DELETE);
    assert_base_answers(&snap);
}

#[test]
fn warning_duplicate_key() {
    let doc = with_dave();
    let raw = r#"{"id": "a15", "object_type": "project", "object_id": "P1", "user_id": "U_DAVE",
                  "permission": "read", "permission": "read"}"#;
    let snap = load_text(&text_with_raw_row(&doc, "acls", raw));
    assert_warnings(&snap, &[(W::DuplicateKey, "acls[14].permission")]);
    dave_has_nothing(&snap);
    assert_base_answers(&snap);
}

#[test]
fn warning_duplicate_key_in_a_group_row() {
    let mut doc = with_dave();
    group_acl(&mut doc, "a15", "G_X", "read", ("project", "P1"), None);
    let raw = r#"{"id": "G_X", "org_id": "O", "name": "x", "member_users": ["U_DAVE"], "member_users": []}"#;
    let snap = load_text(&text_with_raw_row(&doc, "groups", raw));
    // The row is skipped, so the ACL that names it names an unknown group.
    assert_warnings(&snap, &[(W::DuplicateKey, "groups[4].member_users"), (W::UnknownGroup, "acls[14].group_id")]);
    dave_has_nothing(&snap);
    assert_base_answers(&snap);
}

#[test]
fn warning_invalid_acl_principal() {
    let mut doc = with_dave();
    let mut both = dave_reads_p1("a15");
    both["group_id"] = json!("G_ENG");
    push(&mut doc, "acls", both);
    let mut neither = dave_reads_p1("a16");
    neither.as_object_mut().expect("an object").remove("user_id");
    push(&mut doc, "acls", neither);
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::InvalidAclPrincipal, "acls[14]"), (W::InvalidAclPrincipal, "acls[15]")]);
    dave_has_nothing(&snap);
    assert_eq!(snap.who_can(P::Read, &obj(T::Project, "P1")), [ALICE, BOB, CAROL, SA_CI]);
    assert_base_answers(&snap);
}

#[test]
fn warning_invalid_acl_grant() {
    let mut doc = with_dave();
    let mut both = dave_reads_p1("a15");
    both["role_id"] = json!("R_DS");
    push(&mut doc, "acls", both);
    let mut neither = dave_reads_p1("a16");
    neither.as_object_mut().expect("an object").remove("permission");
    push(&mut doc, "acls", neither);
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::InvalidAclGrant, "acls[14]"), (W::InvalidAclGrant, "acls[15]")]);
    dave_has_nothing(&snap);
    assert_base_answers(&snap);
}

#[test]
fn warning_unknown_permission() {
    let mut doc = with_dave();
    let mut typo = dave_reads_p1("a15");
    typo["permission"] = json!("raed");
    push(&mut doc, "acls", typo);
    let mut upper = dave_reads_p1("a16");
    upper["permission"] = json!("READ");
    push(&mut doc, "acls", upper);
    add_role(&mut doc, "R_X", &[("own", None), ("update", None)], &[]);
    role_acl(&mut doc, "a17", To::User(DAVE), "R_X", ("project", "P2"), None);
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[
            (W::UnknownPermission, "acls[14].permission"),
            (W::UnknownPermission, "acls[15].permission"),
            (W::UnknownPermission, "roles[1].member_permissions[0].permission"),
        ],
    );
    assert_effective(&snap, DAVE, T::Project, "P1", PS::empty());
    assert_effective(&snap, DAVE, T::Project, "P2", PS::UPDATE); // the role's other entry still grants
    assert_base_answers(&snap);
}

#[test]
fn warning_unknown_object_type_keeps_the_row() {
    let mut doc = with_dave();
    user_acl(&mut doc, "a15", DAVE, "read", ("dashboard", "X1"), None);
    user_acl(&mut doc, "a16", DAVE, "update", ("dashboard", "X1"), Some("dashboard"));
    user_acl(&mut doc, "a17", DAVE, "delete", ("project", "P1"), Some("widget"));
    add_role(&mut doc, "R_DASH", &[("create", Some("dashboard"))], &[]);
    role_acl(&mut doc, "a18", To::User(DAVE), "R_DASH", ("dashboard", "X2"), None);
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[
            (W::UnknownObjectType, "acls[14].object_type"),
            (W::UnknownObjectType, "acls[15].object_type"),
            (W::UnknownObjectType, "acls[15].restrict_object_type"),
            (W::UnknownObjectType, "acls[16].restrict_object_type"),
            (W::UnknownObjectType, "acls[17].object_type"),
            (W::UnknownObjectType, "roles[1].member_permissions[0].restrict_object_type"),
        ],
    );
    // Kept: each reaches its exact object (or objects of exactly its restriction type).
    assert_eq!(snap.effective(DAVE, &ObjectRef::parse("dashboard", "X1")), PS::READ | PS::UPDATE);
    assert_eq!(snap.effective(DAVE, &ObjectRef::parse("dashboard", "X2")), PS::CREATE);
    assert_eq!(snap.effective(DAVE, &ObjectRef::parse("widget", "W1")), PS::empty());
    dave_has_nothing(&snap);
    assert_base_answers(&snap);
}

#[test]
fn warning_unknown_principal() {
    let mut doc = with_dave();
    user_acl(&mut doc, "a15", "U_GHOST", "read", ("project", "P1"), None);
    add_group(&mut doc, "G_X", &["U_GHOST", DAVE], &[]);
    group_acl(&mut doc, "a16", "G_X", "update", ("project", "P2"), None);
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[(W::UnknownPrincipal, "acls[14].user_id"), (W::UnknownPrincipal, "groups[4].member_users[0]")],
    );
    assert_effective(&snap, "U_GHOST", T::Project, "P1", PS::empty());
    assert_effective(&snap, DAVE, T::Project, "P2", PS::UPDATE); // only the entry was skipped
    assert!(!snap.who_can(P::Update, &obj(T::Project, "P2")).contains(&"U_GHOST"));
    assert_base_answers(&snap);
}

#[test]
fn warning_unknown_group() {
    let mut doc = with_dave();
    group_acl(&mut doc, "a15", "G_GHOST", "read", ("project", "P1"), None);
    add_group(&mut doc, "G_X", &[], &["G_GHOST", "G_ENG"]);
    group_acl(&mut doc, "a16", "G_X", "read_acls", ("project", "P2"), None);
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::UnknownGroup, "acls[14].group_id"), (W::UnknownGroup, "groups[4].member_groups[0]")]);
    assert_eq!(snap.who_can(P::Read, &obj(T::Project, "P1")), [ALICE, BOB, CAROL, SA_CI]);
    allows(&snap, BOB, P::ReadAcls, T::Project, "P2"); // the G_ENG entry still counts
    dave_has_nothing(&snap);
    assert_base_answers(&snap);
}

#[test]
fn warning_unknown_role() {
    let mut doc = with_dave();
    role_acl(&mut doc, "a15", To::User(DAVE), "R_GHOST", ("project", "P1"), None);
    add_role(&mut doc, "R_X", &[], &["R_GHOST", "R_DS"]);
    role_acl(&mut doc, "a16", To::User(DAVE), "R_X", ("project", "P2"), None);
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::UnknownRole, "acls[14].role_id"), (W::UnknownRole, "roles[1].member_roles[0]")]);
    assert_effective(&snap, DAVE, T::Project, "P1", PS::empty());
    assert_effective(&snap, DAVE, T::Project, "P2", PS::READ); // R_X still inherits R_DS
    assert_base_answers(&snap);
}

#[test]
fn warning_unknown_project() {
    let mut doc = with_dave();
    add_object(&mut doc, "experiment", "E9", Some("P404"));
    add_project_group(&mut doc, "PG2", &["P404", "P1"]);
    user_acl(&mut doc, "a15", DAVE, "read", ("project_group", "PG2"), None);
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[(W::UnknownProject, "objects[2].project_id"), (W::UnknownProject, "project_groups[1].member_projects[0]")],
    );
    // The object is simply not in the snapshot: unlisted, reached by org-wide grants only.
    assert_eq!(snap.accessible(ALICE, P::Read, &T::Experiment), ["E1"]);
    allows(&snap, ALICE, P::Read, T::Experiment, "E9");
    denies(&snap, DAVE, P::Read, T::Experiment, "E9");
    allows(&snap, DAVE, P::Read, T::Experiment, "E1"); // PG2's P1 entry still counts
    assert_base_answers(&snap);
}

#[test]
fn warning_foreign_org() {
    let mut doc = with_dave();
    let mut other_org = dave_reads_p1("a15");
    other_org["_object_org_id"] = json!("O2");
    push(&mut doc, "acls", other_org);
    user_acl(&mut doc, "a16", DAVE, "read", ("organization", "O2"), None);
    user_acl(&mut doc, "a17", DAVE, "read", ("org_project", "O2"), None);
    push(&mut doc, "groups", json!({ "id": "G_F", "org_id": "O2", "name": "f", "member_users": [DAVE] }));
    group_acl(&mut doc, "a18", "G_F", "update", ("project", "P1"), None);
    push(
        &mut doc,
        "roles",
        json!({ "id": "R_F", "org_id": "O2", "name": "f", "member_permissions": [{ "permission": "delete" }] }),
    );
    role_acl(&mut doc, "a19", To::User(DAVE), "R_F", ("project", "P1"), None);
    push(&mut doc, "projects", json!({ "id": "P_F", "org_id": "O2", "name": "f" }));
    add_object(&mut doc, "experiment", "E_F", Some("P_F"));
    push(&mut doc, "project_groups", json!({ "id": "PG_F", "org_id": "O2", "name": "f", "member_projects": ["P1"] }));
    user_acl(&mut doc, "a20", DAVE, "create", ("project_group", "PG_F"), None);
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[
            (W::ForeignOrg, "acls[14]._object_org_id"),
            (W::ForeignOrg, "acls[15].object_id"),
            (W::ForeignOrg, "acls[16].object_id"),
            (W::ForeignOrg, "groups[4].org_id"),
            (W::ForeignOrg, "roles[1].org_id"),
            (W::ForeignOrg, "projects[2].org_id"),
            (W::ForeignOrg, "project_groups[1].org_id"),
        ],
    );
    dave_has_nothing(&snap);
    assert_effective(&snap, DAVE, T::ProjectGroup, "PG_F", PS::empty());
    // Another org's project, its contents and its project group are dead, not unknown: even org-wide grants
    // do not reach them.
    for (t, id) in [(T::Project, "P_F"), (T::Experiment, "E_F"), (T::ProjectLog, "P_F"), (T::ProjectGroup, "PG_F")] {
        assert_effective(&snap, ALICE, t, id, PS::empty());
    }
    assert_base_answers(&snap);
}

#[test]
fn warning_duplicate_id() {
    let mut doc = with_dave();
    add_user(&mut doc, DAVE); // users[4]
    add_service_account(&mut doc, BOB); // users and service accounts share one namespace
    push(&mut doc, "groups", json!({ "id": "G_DS", "org_id": ORG, "name": "again", "member_users": [DAVE] }));
    add_role(&mut doc, "R_DS", &[("delete", None)], &[]);
    push(&mut doc, "projects", json!({ "id": "P1", "org_id": ORG, "name": "again", "deleted_at": DELETED_AT }));
    add_project_group(&mut doc, "PG1", &["P1"]);
    add_object(&mut doc, "experiment", "E1", Some("P2"));
    add_object(&mut doc, "dataset", "E1", Some("P2")); // another type: not a duplicate
    user_acl(&mut doc, "a15", DAVE, "read", ("project", "P2"), None);
    user_acl(&mut doc, "a1", DAVE, "update", ("project", "P2"), None);
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[
            (W::DuplicateId, "users[4].id"),
            (W::DuplicateId, "service_accounts[1].id"),
            (W::DuplicateId, "groups[4].id"),
            (W::DuplicateId, "roles[1].id"),
            (W::DuplicateId, "projects[2].id"),
            (W::DuplicateId, "project_groups[1].id"),
            (W::DuplicateId, "objects[2].id"),
            (W::DuplicateId, "acls[15].id"),
        ],
    );
    // The first occurrence wins everywhere.
    let bobs: Vec<_> = snap.principals().filter(|p| p.id == BOB).map(|p| p.kind).collect();
    assert_eq!(bobs, [permeval::PrincipalKind::User]);
    assert_eq!(snap.principals().filter(|p| p.id == DAVE).count(), 1);
    denies(&snap, DAVE, P::Read, T::Dataset, "D1"); // not in the second G_DS
    denies(&snap, CAROL, P::Delete, T::Experiment, "E1"); // not the second R_DS
    allows(&snap, ALICE, P::Read, T::Project, "P1"); // not the deleted second P1
    denies(&snap, DAVE, P::Read, T::Experiment, "E1"); // E1 stays in P1, outside dave's P2 grant
    allows(&snap, DAVE, P::Read, T::Dataset, "E1"); // dataset/E1 is its own object, in P2
    assert_effective(&snap, DAVE, T::Project, "P2", PS::READ); // the second a1 is dropped
    assert_eq!(snap.accessible(ALICE, P::Read, &T::ProjectGroup), ["PG1"]);
    assert_base_answers(&snap);
}

#[test]
fn warning_duplicate_id_project_group_first_wins() {
    let mut doc = with_dave();
    add_project_group(&mut doc, "PG1", &["P1"]);
    user_acl(&mut doc, "a15", DAVE, "read", ("project_group", "PG1"), Some("project_log"));
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::DuplicateId, "project_groups[1].id")]);
    allows(&snap, DAVE, P::Read, T::ProjectLog, "P2");
    denies(&snap, DAVE, P::Read, T::ProjectLog, "P1"); // the second PG1 row's members do not count
    assert_base_answers(&snap);
}

#[test]
fn warning_duplicate_acl() {
    let mut doc = with_dave();
    role_acl(&mut doc, "a13_again", To::Group("G_DS"), "R_DS", ("project", "P1"), None);
    user_acl(&mut doc, "a16", DAVE, "read", ("project", "P1"), Some("experiment"));
    user_acl(&mut doc, "a17", DAVE, "read", ("project", "P1"), Some("experiment"));
    // A different restriction is a different identity tuple: kept.
    user_acl(&mut doc, "a18", DAVE, "read", ("project", "P1"), Some("dataset"));
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::DuplicateAcl, "acls[14]"), (W::DuplicateAcl, "acls[16]")]);
    let why = snap.explain(CAROL, P::Update, &obj(T::Experiment, "E1"));
    assert_eq!(allowed_paths(&why).iter().map(|p| &*p.acl_id).collect::<Vec<_>>(), ["a13"]);
    let why = snap.explain(DAVE, P::Read, &obj(T::Experiment, "E1"));
    assert_eq!(allowed_paths(&why).iter().map(|p| &*p.acl_id).collect::<Vec<_>>(), ["a16"]);
    assert_effective(&snap, DAVE, T::Dataset, "D1", PS::READ);
    assert_base_answers(&snap);
}

#[test]
fn row_index_paths_count_rows_from_zero_within_their_section() {
    // The fourth ACL row is acls[3], both in a warning and in an error.
    let mut doc = empty_doc();
    add_user(&mut doc, DAVE);
    for i in 0..3 {
        user_acl(
            &mut doc,
            &format!("a{i}"),
            DAVE,
            "read",
            ("project", "P1"),
            Some(["experiment", "dataset", "prompt"][i]),
        );
    }
    role_acl(&mut doc, "a3", To::User(DAVE), "R_GHOST", ("project", "P1"), None);
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::UnknownRole, "acls[3].role_id")]);

    // The same fourth row with a syntax error (a missing colon) in it.
    let text = doc.to_string().replace(r#""role_id":"R_GHOST""#, r#""role_id" "R_GHOST""#);
    assert_ne!(text, doc.to_string());
    let err = load_err(&text);
    assert_eq!((err.code(), err.path()), (E::InvalidJson, "acls[3]"));
}

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

#[test]
fn error_invalid_json_syntax_with_line_and_column() {
    let text = "{\n  \"org\": {\"id\": \"O\"},\n  \"users\": [{\"id\": \"U\"}, {\"id\" \"V\"}]\n}";
    let err = load_err(text);
    assert_eq!((err.code(), err.path()), (E::InvalidJson, "users[1]"));
    assert_eq!(err.line(), Some(3));
    assert!(err.column().is_some_and(|c| c > 0), "{err:?}");
    assert!(!err.message().is_empty());
}

#[test]
fn error_invalid_json_truncated() {
    let text = "{\n  \"org\": {\"id\": \"O\"},\n  \"acls\": [{\"id\": \"a1\", \"obj";
    let err = load_err(text);
    assert_eq!((err.code(), err.path()), (E::InvalidJson, "acls[0]"));
    assert_eq!(err.line(), Some(3));
    assert!(err.column().is_some(), "{err:?}");

    // Every strict prefix of the fixture is truncated JSON: an error with a position, never a panic.
    let full = FIXTURE.trim_end();
    for cut in 0..full.len() {
        let Some(prefix) = full.get(..cut) else { continue };
        let err = load_err(prefix);
        assert_eq!(err.code(), E::InvalidJson, "prefix of {cut} bytes: {err:?}");
        assert!(err.line().is_some() && err.column().is_some(), "prefix of {cut} bytes: {err:?}");
    }
    assert!(Snapshot::from_json(full).is_ok());
}

#[test]
fn error_invalid_json_invalid_utf8_from_slice() {
    let ok = FIXTURE.as_bytes();
    let snap = Snapshot::from_slice(ok).expect("the fixture loads from bytes");
    assert_base_answers(&snap);

    let mut bytes = ok.to_vec();
    let at = FIXTURE.find("U_BOB").expect("bob is in the fixture") + 2;
    bytes[at] = 0xFF; // inside a string
    let err = Snapshot::from_slice(&bytes).expect_err("invalid UTF-8 must not load");
    assert_eq!(err.code(), E::InvalidJson);
    assert!(err.line().is_some());

    let mut bytes = ok.to_vec();
    bytes.insert(1, 0xC3); // outside any string, a lone lead byte
    assert_eq!(Snapshot::from_slice(&bytes).expect_err("not JSON").code(), E::InvalidJson);
}

#[test]
fn error_invalid_json_trailing_garbage() {
    for tail in ["x", "{}", ",", "]", "\"org\""] {
        let err = load_err(&format!("{FIXTURE}{tail}"));
        assert_eq!(err.code(), E::InvalidJson, "tail {tail:?}: {err:?}");
        assert_eq!(err.path(), "", "tail {tail:?}");
        assert!(err.line().is_some(), "tail {tail:?}");
    }
    assert!(Snapshot::from_json(&format!("{FIXTURE} \n\t ")).is_ok(), "trailing whitespace is fine");
}

/// `{"org": {"id": "O"}, <rest>}`.
fn with_org(rest: &str) -> String {
    format!(r#"{{"org": {{"id": "O"}}, {rest}}}"#)
}

#[test]
fn error_nesting_too_deep_in_a_field_that_is_read() {
    let (open, close) = ("[".repeat(10_000), "]".repeat(10_000));
    for (text, path) in [
        (with_org(&format!(r#""acls": [{{"id": {open}{close}}}]"#)), "acls[0]"),
        (with_org(&format!(r#""acls": [{{"id": {open}"#)), "acls[0]"),
        (with_org(&format!(r#""groups": [{{"id": "G", "member_users": {open}{close}}}]"#)), "groups[0]"),
        (
            with_org(&format!(r#""roles": [{{"id": "R", "member_permissions": [{{"permission": {open}{close}}}]}}]"#)),
            "roles[0]",
        ),
    ] {
        let err = load_err(&text);
        assert_eq!((err.code(), err.path()), (E::NestingTooDeep, path), "{}…", &text[..60]);
    }
}

#[test]
fn deep_nesting_in_content_that_is_skipped_is_skipped_whole() {
    // The nesting limit guards what permeval reads. Content it skips (an unknown key, an unused field, a row
    // that is not an object) is stepped over by the parser without recursion, at any depth, and grants nothing.
    let (open, close) = ("[".repeat(10_000), "]".repeat(10_000));
    let cases = [
        (with_org(&format!(r#""acls": [{open}{close}]"#)), vec![(W::NotAnObject, "acls[0]")]),
        (with_org(&format!(r#""extra": {open}{close}"#)), vec![]),
        (with_org(&format!(r#""acls": [{{"created": {open}{close}}}]"#)), vec![(W::MissingField, "acls[0].id")]),
    ];
    for (text, expected) in cases {
        let snap = load_text(&text);
        assert_warnings(&snap, &expected);
        assert_eq!(snap.org_id(), ORG);
    }
}

#[test]
fn deep_nesting_never_overflows_the_stack() {
    let open = "[".repeat(100_000);
    let objects = "{\"a\":".repeat(100_000);
    for text in [
        with_org(&format!(r#""acls": [{open}"#)),
        with_org(&format!(r#""acls": [{{"id": {open}"#)),
        with_org(&format!(r#""extra": {objects}"#)),
        with_org(&format!(r#""users": [{objects}"#)),
        format!(r#"{{"org": {{"id": "O", "x": {objects}"#),
    ] {
        let err = load_err(&text);
        assert!(matches!(err.code(), E::NestingTooDeep | E::InvalidJson), "{}…: {err:?}", &text[..60]);
    }
    // At the root, an array is first of all not an object (decisions.md 15).
    let err = load_err(&open);
    assert_eq!((err.code(), err.path()), (E::WrongType, ""));
}

#[test]
fn error_wrong_type() {
    for (text, path) in [
        ("[]", ""),
        (r#"[{"org": {"id": "O"}}]"#, ""),
        (r#""O""#, ""),
        ("42", ""),
        ("null", ""),
        (r#"{"org": {"id": "O"}, "acls": {}}"#, "acls"),
        (r#"{"org": {"id": "O"}, "users": 5}"#, "users"),
        (r#"{"org": {"id": "O"}, "objects": "E1"}"#, "objects"),
        (r#"{"org": []}"#, "org"),
        (r#"{"org": "O"}"#, "org"),
    ] {
        let err = load_err(text);
        assert_eq!((err.code(), err.path()), (E::WrongType, path), "{text}");
    }
}

#[test]
fn error_duplicate_key() {
    let fixture_text = FIXTURE.trim_end().strip_suffix('}').expect("the fixture is an object").to_owned();
    let err = load_err(&format!(r#"{fixture_text}, "acls": []}}"#));
    assert_eq!((err.code(), err.path()), (E::DuplicateKey, "acls"));
    let err = load_err(&format!(r#"{fixture_text}, "org": {{"id": "O"}}}}"#));
    assert_eq!((err.code(), err.path()), (E::DuplicateKey, "org"));
    // A key twice inside `org` is ambiguous too.
    let err = load_err(r#"{"org": {"id": "O", "id": "O2"}}"#);
    assert_eq!(err.code(), E::DuplicateKey);
}

#[test]
fn error_missing_org_id() {
    for text in [
        r#"{}"#,
        r#"{"users": [{"id": "U"}]}"#,
        r#"{"org": null}"#,
        r#"{"org": {}}"#,
        r#"{"org": {"name": "acme"}}"#,
        r#"{"org": {"id": null}}"#,
        r#"{"org": {"id": ""}}"#,
        r#"{"org": {"id": 5}}"#,
        r#"{"acls": [], "org": {"id": ["O"]}}"#,
    ] {
        let err = load_err(text);
        assert_eq!((err.code(), err.path()), (E::MissingOrgId, "org.id"), "{text}");
    }
    let minimal = Snapshot::from_json(r#"{"org": {"id": "O"}}"#).expect("an org alone is a snapshot");
    assert_eq!(minimal.org_id(), ORG);
    assert!(minimal.warnings().is_empty());
}
