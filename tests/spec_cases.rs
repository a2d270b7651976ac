//! Spec §5: the 23 test cases, one `#[test]` each, on the §3.5 example snapshot
//! (`tests/fixtures/spec_example.json`) with each case's additions. Every ✓/✗ a case lists is checked, and
//! the variants a case states ("remove the restriction", "with that ACL removed", ...).
//!
//! Extra principals a case names are added to `users` as org members, except zed in case 23 (spec §5).

mod common;

use common::*;
use permeval::{DenialReason, GrantHolder, ObjectType as T, Permission as P, PermissionSet, Snapshot, WarningCode};
use serde_json::json;

const DAVE: &str = "U_DAVE";
const ERIN: &str = "U_ERIN";
const FRANK: &str = "U_FRANK";
const ZED: &str = "U_ZED";

#[test]
fn case_01_owner_is_unrestricted() {
    let snap = load_clean(&fixture());
    allows(&snap, ALICE, P::Delete, T::Experiment, "E1");
    allows(&snap, ALICE, P::UpdateAcls, T::Project, "P2");
    allows(&snap, ALICE, P::Read, T::OrgAuditLogs, ORG);
    allows(&snap, ALICE, P::Update, T::Group, "G_DS");
}

#[test]
fn case_02_engineers_crud_projects_no_access_management() {
    let snap = load_clean(&fixture());
    allows(&snap, BOB, P::Update, T::Experiment, "E1");
    may_create(&snap, BOB, T::Dataset, T::Project, "P1");
    denies(&snap, BOB, P::CreateAcls, T::Project, "P1");
    denies(&snap, BOB, P::Delete, T::OrgMember, ORG);
    denies(&snap, BOB, P::Update, T::Organization, ORG);
}

#[test]
fn case_03_viewers_read_only() {
    let mut doc = fixture();
    add_user(&mut doc, "U_VERA");
    add_member(&mut doc, "G_VIEW", "U_VERA");
    let snap = load_clean(&doc);
    allows(&snap, "U_VERA", P::Read, T::Dataset, "D1");
    denies(&snap, "U_VERA", P::Update, T::Dataset, "D1");
}

#[test]
fn case_04_nested_group() {
    let snap = load_clean(&fixture());
    allows(&snap, BOB, P::Read, T::Project, "P2");
    // "via a12": the grant is Viewers' read on org_project, reaching bob through Viewers.member_groups.
    let why = snap.explain(BOB, P::Read, &obj(T::Project, "P2"));
    let paths = allowed_paths(&why);
    assert_eq!(paths.iter().map(|p| &*p.acl_id).collect::<Vec<_>>(), ["a12"]);
    assert_eq!(paths[0].holder, GrantHolder::Group("G_VIEW"));
    assert_eq!(paths[0].group_chain, ["G_ENG", "G_VIEW"]);

    // Without the nesting, Engineers' own grants lack read.
    let mut doc = fixture();
    set_member_groups(&mut doc, "G_VIEW", &[]);
    let snap = load_clean(&doc);
    denies(&snap, BOB, P::Read, T::Project, "P2");
}

#[test]
fn case_05_additive_cannot_restrict_down() {
    let mut doc = fixture();
    add_named_group(&mut doc, "G_RO_P1", "ro-P1", &[BOB], &[]);
    group_acl(&mut doc, "a15", "G_RO_P1", "read", ("project", "P1"), None);
    let snap = load_clean(&doc);
    allows(&snap, BOB, P::Update, T::Experiment, "E1");
    allows(&snap, BOB, P::Read, T::Project, "P1");
    // Membership in the narrower group removes nothing bob held before.
    let before = load_clean(&fixture());
    for (t, id) in [(T::Experiment, "E1"), (T::Dataset, "D1"), (T::Project, "P1"), (T::Project, "P2")] {
        let o = obj(t, id);
        assert!(snap.effective(BOB, &o).contains(before.effective(BOB, &o)), "bob lost something on {o}");
    }
}

#[test]
fn case_06_union_across_groups() {
    let mut doc = fixture();
    add_user(&mut doc, "U_UNI");
    add_group(&mut doc, "G_P1_READ", &["U_UNI"], &[]);
    add_group(&mut doc, "G_P2_UPDATE", &["U_UNI"], &[]);
    group_acl(&mut doc, "a15", "G_P1_READ", "read", ("project", "P1"), None);
    group_acl(&mut doc, "a16", "G_P2_UPDATE", "update", ("project", "P2"), None);
    let snap = load_clean(&doc);
    allows(&snap, "U_UNI", P::Read, T::Project, "P1");
    allows(&snap, "U_UNI", P::Update, T::Project, "P2");
    denies(&snap, "U_UNI", P::Update, T::Project, "P1");
}

/// The fixture plus an experiment E3 in P2 ("E(P2)" of case 7).
fn with_e3() -> serde_json::Value {
    let mut doc = fixture();
    add_object(&mut doc, "experiment", "E3", Some("P2"));
    doc
}

/// Every answer case 7 lists, for `who` (carol in case 7, SA_CI in case 8).
#[track_caller]
fn assert_case_07_answers(snap: &Snapshot, who: &str) {
    allows(snap, who, P::Read, T::Dataset, "D1");
    allows(snap, who, P::Update, T::Experiment, "E1");
    denies(snap, who, P::Update, T::Dataset, "D1");
    may_create(snap, who, T::Dataset, T::Project, "P1");
    denies(snap, who, P::Delete, T::Experiment, "E1");
    denies(snap, who, P::Read, T::Experiment, "E3");
}

#[test]
fn case_07_role_expansion_and_restrict_object_type() {
    let snap = load_clean(&with_e3());
    assert_case_07_answers(&snap, CAROL);
}

#[test]
fn case_08_service_account_is_a_user() {
    let snap = load_clean(&with_e3());
    assert_case_07_answers(&snap, SA_CI);
    // "same answers as carol": compare every permission on every object of the case.
    for (t, id) in [(T::Experiment, "E1"), (T::Dataset, "D1"), (T::Project, "P1"), (T::Experiment, "E3")] {
        let o = obj(t, id);
        assert_eq!(snap.effective(SA_CI, &o), snap.effective(CAROL, &o), "on {o}");
    }
}

#[test]
fn case_09_restricted_direct_grant() {
    let mut doc = fixture();
    add_user(&mut doc, DAVE);
    user_acl(&mut doc, "a15", DAVE, "read", ("project", "P1"), Some("experiment"));
    let snap = load_clean(&doc);
    allows(&snap, DAVE, P::Read, T::Experiment, "E1");
    denies(&snap, DAVE, P::Read, T::Dataset, "D1");
    denies(&snap, DAVE, P::Read, T::Project, "P1");
    denies(&snap, DAVE, P::Read, T::ProjectLog, "P1");
}

#[test]
fn case_10_project_group_cascade() {
    let mut doc = with_e3();
    add_object(&mut doc, "experiment", "E4", Some("P2"));
    let snap = load_clean(&doc);
    allows(&snap, CAROL, P::Read, T::ProjectLog, "P2");
    denies(&snap, CAROL, P::Read, T::Project, "P2");
    denies(&snap, CAROL, P::Read, T::Experiment, "E3");
    // Carol reads project_log/P1 through R_DS's unrestricted read on P1 ...
    allows(&snap, CAROL, P::Read, T::ProjectLog, "P1");

    // ... and a principal holding only a14 does not.
    let mut only_a14 = doc.clone();
    add_user(&mut only_a14, "U_LOGS");
    user_acl(&mut only_a14, "a15", "U_LOGS", "read", ("project_group", "PG1"), Some("project_log"));
    let snap = load_clean(&only_a14);
    allows(&snap, "U_LOGS", P::Read, T::ProjectLog, "P2");
    denies(&snap, "U_LOGS", P::Read, T::ProjectLog, "P1");

    // Remove the restriction: read on any experiment of P2.
    set_field(&mut doc, "acls", "a14", "restrict_object_type", json!(null));
    let snap = load_clean(&doc);
    allows(&snap, CAROL, P::Read, T::Experiment, "E3");
    allows(&snap, CAROL, P::Read, T::Experiment, "E4");
}

#[test]
fn case_11_project_group_membership_change() {
    let mut doc = fixture();
    set_field(&mut doc, "project_groups", "PG1", "member_projects", json!([]));
    let snap = load_clean(&doc);
    denies(&snap, CAROL, P::Read, T::ProjectLog, "P2");
}

#[test]
fn case_12_org_level_cascade_covers_future_projects() {
    let mut doc = fixture();
    add_project(&mut doc, "P3");
    add_user(&mut doc, "U_VERA");
    add_member(&mut doc, "G_VIEW", "U_VERA");
    let snap = load_clean(&doc);
    allows(&snap, "U_VERA", P::Read, T::Project, "P3");
}

#[test]
fn case_13_object_scoped_grant() {
    let base = {
        let mut doc = fixture();
        add_object(&mut doc, "experiment", "E2", Some("P1"));
        add_user(&mut doc, "U_NAV");
        add_group(&mut doc, "G_NAV", &["U_NAV"], &[]);
        group_acl(&mut doc, "a15", "G_NAV", "read", ("project", "P1"), Some("project"));
        group_acl(&mut doc, "a16", "G_NAV", "update", ("experiment", "E1"), None);
        doc
    };
    let snap = load_clean(&base);
    allows(&snap, "U_NAV", P::Update, T::Experiment, "E1");
    denies(&snap, "U_NAV", P::Update, T::Experiment, "E2");
    denies(&snap, "U_NAV", P::Read, T::Experiment, "E2");
    allows(&snap, "U_NAV", P::Read, T::Project, "P1"); // enough to open the project

    // The case's note: had the project Read been written unrestricted, read on E2 would be allowed.
    let mut doc = base;
    set_field(&mut doc, "acls", "a15", "restrict_object_type", json!(null));
    let snap = load_clean(&doc);
    allows(&snap, "U_NAV", P::Read, T::Experiment, "E2");
    denies(&snap, "U_NAV", P::Update, T::Experiment, "E2");
}

#[test]
fn case_14_group_administration_is_not_group_membership() {
    let mut doc = fixture();
    add_user(&mut doc, ERIN);
    user_acl(&mut doc, "a15", ERIN, "update", ("group", "G_DS"), None);
    let snap = load_clean(&doc);
    allows(&snap, ERIN, P::Update, T::Group, "G_DS");
    denies(&snap, ERIN, P::Update, T::Experiment, "E1");
}

#[test]
fn case_15_audit_logs() {
    let mut doc = fixture();
    add_user(&mut doc, "U_AUDITOR");
    add_group(&mut doc, "G_AUDIT", &["U_AUDITOR"], &[]);
    group_acl(&mut doc, "a15", "G_AUDIT", "read", ("org_audit_logs", ORG), None);
    let snap = load_clean(&doc);
    allows(&snap, "U_AUDITOR", P::Read, T::OrgAuditLogs, ORG);
    denies(&snap, "U_AUDITOR", P::Read, T::Project, "P1");
    denies(&snap, "U_AUDITOR", P::Update, T::Organization, ORG);
}

#[test]
fn case_16_manage_settings_does_not_leak() {
    let mut doc = fixture();
    add_user(&mut doc, "U_SETTINGS");
    user_acl(&mut doc, "a15", "U_SETTINGS", "update", ("organization", ORG), Some("organization"));
    let snap = load_clean(&doc);
    allows(&snap, "U_SETTINGS", P::Update, T::Organization, ORG);
    denies(&snap, "U_SETTINGS", P::Update, T::Project, "P1");
}

#[test]
fn case_17_list_org_gate() {
    let snap = load_clean(&fixture());
    allows(&snap, ALICE, P::ReadAcls, T::Organization, ORG);
    denies(&snap, BOB, P::ReadAcls, T::Organization, ORG);
}

#[test]
fn case_18_creator_grant() {
    let mut doc = fixture();
    add_user(&mut doc, FRANK);
    add_member(&mut doc, "G_VIEW", FRANK);
    let creator_acls: Vec<String> = (1..=8).map(|i| format!("c{i}")).collect();
    for (id, perm) in creator_acls.iter().zip(P::ALL) {
        user_acl(&mut doc, id, FRANK, perm.as_str(), ("experiment", "E1"), None);
    }
    let snap = load_clean(&doc);
    allows(&snap, FRANK, P::Delete, T::Experiment, "E1");
    assert_effective(&snap, FRANK, T::Experiment, "E1", PermissionSet::all());
    denies(&snap, FRANK, P::Delete, T::Dataset, "D1");

    // "Create direct ownership grants" off and existing grants cleared.
    let ids: Vec<&str> = creator_acls.iter().map(String::as_str).collect();
    remove_rows(&mut doc, "acls", &ids);
    let snap = load_clean(&doc);
    denies(&snap, FRANK, P::Delete, T::Experiment, "E1");
    allows(&snap, FRANK, P::Read, T::Experiment, "E1"); // still a Viewer
}

#[test]
fn case_19_role_chain() {
    let mut doc = with_e3();
    add_user(&mut doc, FRANK);
    add_role(&mut doc, "R2", &[], &["R_DS"]);
    role_acl(&mut doc, "a15", To::User(FRANK), "R2", ("project", "P2"), None);
    let snap = load_clean(&doc);
    allows(&snap, FRANK, P::Update, T::Experiment, "E3");
}

#[test]
fn case_20_cycle_safety() {
    let mut doc = fixture();
    add_user(&mut doc, "U_CYCLE");
    add_group(&mut doc, "G_A", &[], &["G_B"]);
    add_group(&mut doc, "G_B", &["U_CYCLE"], &["G_A"]);
    group_acl(&mut doc, "a15", "G_A", "read", ("project", "P1"), None);
    let snap = load_clean(&doc);
    allows(&snap, "U_CYCLE", P::Read, T::Project, "P1");
}

#[test]
fn case_21_deleted_objects() {
    let mut doc = fixture();
    soft_delete(&mut doc, "groups", "G_DS");
    let snap = load_clean(&doc);
    denies(&snap, CAROL, P::Update, T::Experiment, "E1");
    denies(&snap, CAROL, P::Read, T::Dataset, "D1");
    denies(&snap, SA_CI, P::Update, T::Experiment, "E1");
    // Carol's own grant a14 does not depend on the group.
    allows(&snap, CAROL, P::Read, T::ProjectLog, "P2");
}

#[test]
fn case_22_invalid_acl_row() {
    let mut doc = fixture();
    add_user(&mut doc, DAVE);
    push(
        &mut doc,
        "acls",
        json!({ "id": "a15", "object_type": "project", "object_id": "P1", "_object_org_id": ORG,
                "user_id": DAVE, "permission": null, "role_id": null }),
    );
    let snap = load(&doc);
    assert_warnings(&snap, &[(WarningCode::InvalidAclGrant, "acls[14]")]);
    assert_effective(&snap, DAVE, T::Project, "P1", PermissionSet::empty());
    assert_effective(&snap, DAVE, T::Experiment, "E1", PermissionSet::empty());
    assert_base_answers(&snap);
}

#[test]
fn case_23_non_member() {
    let mut doc = fixture();
    user_acl(&mut doc, "a15", ZED, "read", ("project", "P1"), None);
    let snap = load(&doc);
    denies(&snap, ZED, P::Read, T::Project, "P1");
    assert!(!snap.subject(ZED).is_member());
    let why = snap.explain(ZED, P::Read, &obj(T::Project, "P1"));
    assert!(matches!(why.decision, permeval::Decision::Denied { reason: DenialReason::NotAMember, .. }), "{why:?}");
    // decisions.md 3: an ACL naming a non-member is skipped with a warning.
    assert_warnings(&snap, &[(WarningCode::UnknownPrincipal, "acls[14].user_id")]);
}
