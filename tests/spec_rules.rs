//! Spec §4: one `#[test]` per rule — §4.1 rules 1–8, the §4.2 algorithm (step 0, the ancestor chain of each
//! object kind, `applies`), the §4.3 recommendations, the §4.4 decisions — plus the decisions.md choices on
//! unknown object types, and the query API around them: `who_can`, `accessible`, the batch calls, `explain`.
//!
//! Each test starts from the §3.5 example snapshot (`tests/fixtures/spec_example.json`) and adds what the rule
//! needs through the helpers in `common`.

mod common;

use common::*;
use permeval::{
    DenialReason, GrantHolder, GrantPath, ObjectRef, ObjectType as T, Permission as P, PermissionSet as PS,
    PrincipalKind, WarningCode as W,
};
use serde_json::{Value, json};

const DAVE: &str = "U_DAVE";
const FRANK: &str = "U_FRANK";
const ZED: &str = "U_ZED";
/// A test principal with no grants of its own until a test gives it some.
const TESTER: &str = "U_T";

/// The fixture plus dave and the tester as org members without grants.
fn members() -> Value {
    let mut doc = fixture();
    add_user(&mut doc, DAVE);
    add_user(&mut doc, TESTER);
    doc
}

// ---------------------------------------------------------------------------------------------------------
// The containment tree used by the ancestor tests
// ---------------------------------------------------------------------------------------------------------

/// The fixture plus one object of every kind: E3 in P2, a prompt and a playground in P1, two AI secrets, a
/// second role, and a second project group PG2 = {P1, P2} (so P2 has two project groups: the level is a DAG).
fn tree() -> Value {
    let mut doc = fixture();
    add_object(&mut doc, "experiment", "E3", Some("P2"));
    add_object(&mut doc, "prompt", "PR1", Some("P1"));
    add_object(&mut doc, "prompt_session", "PS1", Some("P1"));
    add_object(&mut doc, "ai_secret", "AS1", None);
    add_object(&mut doc, "ai_secret", "AS2", None);
    add_project_group(&mut doc, "PG2", &["P1", "P2"]);
    add_role(&mut doc, "R_OTHER", &[], &[]);
    add_user(&mut doc, TESTER);
    doc
}

/// Every object of [`tree`] an ACL can sit on.
const PLACES: &[(&str, &str)] = &[
    ("organization", ORG),
    ("org_project", ORG),
    ("org_member", ORG),
    ("org_audit_logs", ORG),
    ("org_ai_secret", ORG),
    ("project_group", "PG1"),
    ("project_group", "PG2"),
    ("project", "P1"),
    ("project", "P2"),
    ("project_log", "P1"),
    ("project_log", "P2"),
    ("experiment", "E1"),
    ("experiment", "E3"),
    ("dataset", "D1"),
    ("prompt", "PR1"),
    ("prompt_session", "PS1"),
    ("group", "G_DS"),
    ("group", "G_ENG"),
    ("role", "R_DS"),
    ("role", "R_OTHER"),
    ("ai_secret", "AS1"),
    ("ai_secret", "AS2"),
];

/// One object of each of the 15 known types in [`tree`].
fn representatives() -> Vec<(T, &'static str)> {
    vec![
        (T::Organization, ORG),
        (T::OrgProject, ORG),
        (T::ProjectGroup, "PG1"),
        (T::Project, "P1"),
        (T::Experiment, "E1"),
        (T::Dataset, "D1"),
        (T::Prompt, "PR1"),
        (T::PromptSession, "PS1"),
        (T::ProjectLog, "P1"),
        (T::Group, "G_DS"),
        (T::Role, "R_DS"),
        (T::OrgMember, ORG),
        (T::OrgAuditLogs, ORG),
        (T::OrgAiSecret, ORG),
        (T::AiSecret, "AS1"),
    ]
}

/// Asserts that an unrestricted grant placed on exactly the `expected` places (and on no other place of
/// [`PLACES`]) reaches `target`: `expected` is `ancestors(target)` of spec §4.2 step 2, target included.
#[track_caller]
fn assert_ancestors(target: (T, &str), expected: &[(&str, &str)]) {
    let target = obj(target.0, target.1);
    let mut reached = Vec::new();
    for &place in PLACES {
        let mut doc = tree();
        user_acl(&mut doc, "probe", TESTER, "read", place, None);
        if load_clean(&doc).can(TESTER, P::Read, &target) {
            reached.push(place);
        }
    }
    let mut expected = expected.to_vec();
    expected.sort();
    reached.sort();
    assert_eq!(reached, expected, "the places whose unrestricted grant reaches {target}");
}

// ---------------------------------------------------------------------------------------------------------
// §4.1 Rules straight from the docs/API
// ---------------------------------------------------------------------------------------------------------

#[test]
fn rule_4_1_1_additive_only() {
    let before = {
        let mut doc = members();
        add_member(&mut doc, "G_VIEW", DAVE);
        doc
    };
    let mut after = before.clone();
    // Narrower grants lower down do not revoke the org-level read Viewers hold.
    add_group(&mut after, "G_NARROW", &[DAVE], &[]);
    group_acl(&mut after, "a15", "G_NARROW", "read", ("project", "P1"), Some("experiment"));
    group_acl(&mut after, "a16", "G_NARROW", "update", ("dataset", "D1"), Some("experiment"));
    let (before, after) = (load_clean(&before), load_clean(&after));
    allows(&after, DAVE, P::Read, T::Dataset, "D1");
    allows(&after, DAVE, P::Read, T::Project, "P1");
    for (t, id) in [(T::Dataset, "D1"), (T::Experiment, "E1"), (T::Project, "P1"), (T::Project, "P2")] {
        let o = obj(t, id);
        assert!(after.effective(DAVE, &o).contains(before.effective(DAVE, &o)), "dave lost something on {o}");
    }
}

#[test]
fn rule_4_1_2_union_across_direct_and_group_grants() {
    let mut doc = members();
    add_group(&mut doc, "G_X", &[TESTER], &[]);
    add_group(&mut doc, "G_Y", &[TESTER], &[]);
    user_acl(&mut doc, "a15", TESTER, "update", ("project", "P1"), None);
    group_acl(&mut doc, "a16", "G_X", "read", ("project", "P1"), None);
    group_acl(&mut doc, "a17", "G_Y", "delete", ("project", "P1"), Some("dataset"));
    let snap = load_clean(&doc);
    assert_effective(&snap, TESTER, T::Project, "P1", PS::READ | PS::UPDATE);
    assert_effective(&snap, TESTER, T::Dataset, "D1", PS::READ | PS::UPDATE | PS::DELETE);
}

#[test]
fn rule_4_1_3_cascade_down_the_hierarchy() {
    let mut doc = tree();
    user_acl(&mut doc, "a15", TESTER, "update", ("project", "P1"), None);
    let snap = load_clean(&doc);
    for (t, id) in [
        (T::Project, "P1"),
        (T::Experiment, "E1"),
        (T::Dataset, "D1"),
        (T::Prompt, "PR1"),
        (T::PromptSession, "PS1"),
        (T::ProjectLog, "P1"),
    ] {
        allows(&snap, TESTER, P::Update, t, id);
    }
    for (t, id) in [(T::Project, "P2"), (T::Experiment, "E3"), (T::ProjectLog, "P2"), (T::OrgProject, ORG)] {
        denies(&snap, TESTER, P::Update, t, id);
    }
}

#[test]
fn rule_4_1_4_restrict_object_type_narrows_a_grant() {
    let mut doc = tree();
    add_object(&mut doc, "dataset", "D3", Some("P2"));
    user_acl(&mut doc, "a15", TESTER, "delete", ("project", "P1"), Some("dataset"));
    user_acl(&mut doc, "a16", TESTER, "update", ("project_group", "PG1"), Some("dataset"));
    let snap = load_clean(&doc);
    allows(&snap, TESTER, P::Delete, T::Dataset, "D1");
    for (t, id) in [(T::Experiment, "E1"), (T::Prompt, "PR1"), (T::Project, "P1"), (T::ProjectLog, "P1")] {
        denies(&snap, TESTER, P::Delete, t, id);
    }
    // Within the target's subtree only: PG1 = {P2}.
    allows(&snap, TESTER, P::Update, T::Dataset, "D3");
    denies(&snap, TESTER, P::Update, T::Dataset, "D1");
    denies(&snap, TESTER, P::Update, T::Experiment, "E3");
}

#[test]
fn rule_4_1_5_roles_expand_recursively() {
    let mut doc = members();
    add_role(&mut doc, "R_A", &[("read", None)], &["R_B"]);
    add_role(&mut doc, "R_B", &[("update", Some("experiment"))], &["R_C"]);
    add_role(&mut doc, "R_C", &[("delete", None)], &[]);
    role_acl(&mut doc, "a15", To::User(TESTER), "R_A", ("project", "P1"), None);
    let snap = load_clean(&doc);
    assert_effective(&snap, TESTER, T::Experiment, "E1", PS::READ | PS::UPDATE | PS::DELETE);
    assert_effective(&snap, TESTER, T::Dataset, "D1", PS::READ | PS::DELETE);
    assert_effective(&snap, TESTER, T::Project, "P1", PS::READ | PS::DELETE);
    assert_effective(&snap, TESTER, T::Project, "P2", PS::empty());
}

#[test]
fn rule_4_1_6_groups_nest_recursively_and_only_upwards() {
    let mut doc = members();
    add_user(&mut doc, "U_TOP");
    add_group(&mut doc, "G1", &[TESTER], &[]);
    add_group(&mut doc, "G2", &[], &["G1"]);
    add_group(&mut doc, "G3", &["U_TOP"], &["G2"]);
    group_acl(&mut doc, "a15", "G3", "read", ("project", "P1"), None);
    group_acl(&mut doc, "a16", "G1", "update", ("project", "P2"), None);
    let snap = load_clean(&doc);
    allows(&snap, TESTER, P::Read, T::Project, "P1"); // G1 ⊂ G2 ⊂ G3
    allows(&snap, TESTER, P::Update, T::Project, "P2");
    allows(&snap, "U_TOP", P::Read, T::Project, "P1");
    // G3 lists G2: G2's members join G3, not the other way round.
    denies(&snap, "U_TOP", P::Update, T::Project, "P2");
}

#[test]
fn rule_4_1_7_service_accounts_behave_like_users() {
    let mut doc = members();
    add_service_account(&mut doc, "SA_NEW");
    add_group(&mut doc, "G_BOTS", &["SA_NEW"], &[]);
    set_member_groups(&mut doc, "G_VIEW", &["G_ENG", "G_BOTS"]);
    user_acl(&mut doc, "a15", "SA_NEW", "update", ("project", "P2"), None);
    let snap = load_clean(&doc);
    allows(&snap, "SA_NEW", P::Update, T::Project, "P2"); // direct ACL with user_id = the service account
    allows(&snap, "SA_NEW", P::Read, T::Dataset, "D1"); // through a nested group
    denies(&snap, "SA_NEW", P::Update, T::Dataset, "D1");
    assert!(snap.who_can(P::Update, &obj(T::Project, "P2")).contains(&"SA_NEW"));
    let kinds: Vec<_> = snap.principals().map(|p| (p.id, p.kind)).collect();
    assert!(kinds.contains(&("SA_NEW", PrincipalKind::ServiceAccount)), "{kinds:?}");
    assert!(kinds.contains(&(SA_CI, PrincipalKind::ServiceAccount)), "{kinds:?}");
}

#[test]
fn rule_4_1_8_creator_grants_are_ordinary_acl_rows() {
    let mut doc = fixture();
    add_user(&mut doc, FRANK);
    add_object(&mut doc, "experiment", "E2", Some("P1"));
    for (i, perm) in P::ALL.into_iter().enumerate() {
        user_acl(&mut doc, &format!("c{i}"), FRANK, perm.as_str(), ("experiment", "E1"), None);
    }
    let snap = load_clean(&doc);
    assert_effective(&snap, FRANK, T::Experiment, "E1", PS::all());
    assert!(snap.effective(FRANK, &obj(T::Experiment, "E1")).manages_access());
    // An ACL on one object reaches that object only.
    assert_effective(&snap, FRANK, T::Experiment, "E2", PS::empty());
    assert_effective(&snap, FRANK, T::Project, "P1", PS::empty());
    assert_effective(&snap, FRANK, T::ProjectLog, "P1", PS::empty());
}

// ---------------------------------------------------------------------------------------------------------
// §4.2 The algorithm
// ---------------------------------------------------------------------------------------------------------

#[test]
fn rule_4_2_step_0_non_member_gets_nothing() {
    let mut doc = fixture();
    add_member(&mut doc, "G_OWN", ZED);
    user_acl(&mut doc, "a15", ZED, "read", ("project", "P1"), None);
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[(W::UnknownPrincipal, "groups[0].member_users[1]"), (W::UnknownPrincipal, "acls[14].user_id")],
    );
    // zed, a never-mentioned id, and a member's id in the wrong case: none is in users ∪ service_accounts.
    for who in [ZED, "U_NOBODY", "u_alice"] {
        assert!(!snap.subject(who).is_member());
        for (t, id) in [(T::Organization, ORG), (T::Project, "P1"), (T::Experiment, "E1"), (T::Experiment, "E404")] {
            assert_effective(&snap, who, t, id, PS::empty());
        }
        may_not_create(&snap, who, T::Experiment, T::Project, "P1");
        assert!(snap.accessible(who, P::Read, &T::Project).is_empty());
        let (reason, _) = denial(&snap.explain(who, P::Read, &obj(T::Project, "P1")));
        assert_eq!(reason, DenialReason::NotAMember);
    }
    assert!(!snap.who_can(P::Read, &obj(T::Project, "P1")).contains(&ZED));
    assert_base_answers(&snap);
}

#[test]
fn rule_4_2_ancestors_of_child_objects() {
    let p1 = [("project", "P1"), ("project_group", "PG2"), ("org_project", ORG), ("organization", ORG)];
    for (t, id, own) in [
        (T::Experiment, "E1", ("experiment", "E1")),
        (T::Dataset, "D1", ("dataset", "D1")),
        (T::Prompt, "PR1", ("prompt", "PR1")),
        (T::PromptSession, "PS1", ("prompt_session", "PS1")),
    ] {
        let mut expected = p1.to_vec();
        expected.push(own);
        assert_ancestors((t, id), &expected);
    }
    // A project in two project groups: both are ancestors (a DAG).
    assert_ancestors(
        (T::Experiment, "E3"),
        &[
            ("experiment", "E3"),
            ("project", "P2"),
            ("project_group", "PG1"),
            ("project_group", "PG2"),
            ("org_project", ORG),
            ("organization", ORG),
        ],
    );
}

#[test]
fn rule_4_2_ancestors_of_project() {
    assert_ancestors(
        (T::Project, "P1"),
        &[("project", "P1"), ("project_group", "PG2"), ("org_project", ORG), ("organization", ORG)],
    );
    assert_ancestors(
        (T::Project, "P2"),
        &[
            ("project", "P2"),
            ("project_group", "PG1"),
            ("project_group", "PG2"),
            ("org_project", ORG),
            ("organization", ORG),
        ],
    );
}

#[test]
fn rule_4_2_ancestors_of_project_log() {
    assert_ancestors(
        (T::ProjectLog, "P1"),
        &[
            ("project_log", "P1"),
            ("project", "P1"),
            ("project_group", "PG2"),
            ("org_project", ORG),
            ("organization", ORG),
        ],
    );
    assert_ancestors(
        (T::ProjectLog, "P2"),
        &[
            ("project_log", "P2"),
            ("project", "P2"),
            ("project_group", "PG1"),
            ("project_group", "PG2"),
            ("org_project", ORG),
            ("organization", ORG),
        ],
    );
}

#[test]
fn rule_4_2_ancestors_of_project_group() {
    assert_ancestors(
        (T::ProjectGroup, "PG1"),
        &[("project_group", "PG1"), ("org_project", ORG), ("organization", ORG)],
    );
}

#[test]
fn rule_4_2_ancestors_of_org_project() {
    assert_ancestors((T::OrgProject, ORG), &[("org_project", ORG), ("organization", ORG)]);
}

#[test]
fn rule_4_2_ancestors_of_group() {
    assert_ancestors((T::Group, "G_DS"), &[("group", "G_DS"), ("organization", ORG)]);
}

#[test]
fn rule_4_2_ancestors_of_role() {
    assert_ancestors((T::Role, "R_DS"), &[("role", "R_DS"), ("organization", ORG)]);
}

#[test]
fn rule_4_2_ancestors_of_ai_secret() {
    assert_ancestors((T::AiSecret, "AS1"), &[("ai_secret", "AS1"), ("org_ai_secret", ORG), ("organization", ORG)]);
}

#[test]
fn rule_4_2_ancestors_of_org_member() {
    assert_ancestors((T::OrgMember, ORG), &[("org_member", ORG), ("organization", ORG)]);
}

#[test]
fn rule_4_2_ancestors_of_org_audit_logs() {
    assert_ancestors((T::OrgAuditLogs, ORG), &[("org_audit_logs", ORG), ("organization", ORG)]);
}

#[test]
fn rule_4_2_ancestors_of_org_ai_secret() {
    assert_ancestors((T::OrgAiSecret, ORG), &[("org_ai_secret", ORG), ("organization", ORG)]);
}

#[test]
fn rule_4_2_ancestors_of_organization() {
    assert_ancestors((T::Organization, ORG), &[("organization", ORG)]);
}

#[test]
fn rule_4_2_applies_tests_the_queried_objects_type() {
    // A grant on organization restricted to type r reaches exactly the objects of type r, for every r.
    for (r, _) in representatives() {
        let mut doc = tree();
        user_acl(&mut doc, "a15", TESTER, "read", ("organization", ORG), Some(r.as_str()));
        let snap = load_clean(&doc);
        for (t, id) in representatives() {
            let expected = t == r;
            assert_eq!(
                snap.can(TESTER, P::Read, &obj(t.clone(), id)),
                expected,
                "(organization, O, read, {r}) on {t}/{id}"
            );
        }
    }
    // Lower down too: (org_project, O, update, project_log) reaches project logs only.
    let mut doc = tree();
    user_acl(&mut doc, "a15", TESTER, "update", ("org_project", ORG), Some("project_log"));
    let snap = load_clean(&doc);
    allows(&snap, TESTER, P::Update, T::ProjectLog, "P1");
    allows(&snap, TESTER, P::Update, T::ProjectLog, "P2");
    denies(&snap, TESTER, P::Update, T::Project, "P1");
    denies(&snap, TESTER, P::Update, T::Experiment, "E1");
    denies(&snap, TESTER, P::Update, T::OrgProject, ORG);
}

// ---------------------------------------------------------------------------------------------------------
// §4.3 Ambiguities and the recommended choice
// ---------------------------------------------------------------------------------------------------------

#[test]
fn rule_4_3_a_restriction_covers_the_object_itself() {
    let mut doc = tree();
    user_acl(&mut doc, "a15", TESTER, "update", ("organization", ORG), Some("organization"));
    user_acl(&mut doc, "a16", TESTER, "read", ("project", "P1"), Some("project"));
    user_acl(&mut doc, "a17", TESTER, "delete", ("project_group", "PG1"), Some("project_group"));
    let snap = load_clean(&doc);
    allows(&snap, TESTER, P::Update, T::Organization, ORG);
    denies(&snap, TESTER, P::Update, T::OrgProject, ORG);
    denies(&snap, TESTER, P::Update, T::OrgMember, ORG);
    denies(&snap, TESTER, P::Update, T::Project, "P1");
    allows(&snap, TESTER, P::Read, T::Project, "P1");
    denies(&snap, TESTER, P::Read, T::Experiment, "E1");
    denies(&snap, TESTER, P::Read, T::ProjectLog, "P1");
    allows(&snap, TESTER, P::Delete, T::ProjectGroup, "PG1");
    denies(&snap, TESTER, P::Delete, T::Project, "P2");
}

#[test]
fn rule_4_3_b_restriction_reaches_any_depth() {
    let mut doc = tree();
    user_acl(&mut doc, "a15", TESTER, "read", ("organization", ORG), Some("experiment"));
    user_acl(&mut doc, "a16", TESTER, "update", ("org_project", ORG), Some("dataset"));
    user_acl(&mut doc, "a17", TESTER, "delete", ("project_group", "PG1"), Some("experiment"));
    let snap = load_clean(&doc);
    allows(&snap, TESTER, P::Read, T::Experiment, "E1");
    allows(&snap, TESTER, P::Read, T::Experiment, "E3");
    denies(&snap, TESTER, P::Read, T::Dataset, "D1");
    denies(&snap, TESTER, P::Read, T::Project, "P1");
    allows(&snap, TESTER, P::Update, T::Dataset, "D1");
    denies(&snap, TESTER, P::Update, T::Experiment, "E1");
    allows(&snap, TESTER, P::Delete, T::Experiment, "E3");
    denies(&snap, TESTER, P::Delete, T::Experiment, "E1"); // P1 is not in PG1
}

#[test]
fn rule_4_3_c_role_with_acl_restriction_is_narrowed() {
    // R_DS = read (null), create (experiment), update (experiment), create (dataset); granted restricted to
    // experiment: narrow(null, experiment) = experiment; narrow(experiment, experiment) = experiment;
    // narrow(dataset, experiment): both set and differ, grants nothing.
    let mut doc = members();
    role_acl(&mut doc, "a15", To::User(TESTER), "R_DS", ("project", "P1"), Some("experiment"));
    add_role(&mut doc, "R_DEL", &[("delete", Some("dataset"))], &[]);
    role_acl(&mut doc, "a16", To::User(DAVE), "R_DEL", ("project", "P1"), Some("experiment"));
    let snap = load_clean(&doc);
    assert_effective(&snap, TESTER, T::Experiment, "E1", PS::CREATE | PS::READ | PS::UPDATE);
    assert_effective(&snap, TESTER, T::Dataset, "D1", PS::empty());
    assert_effective(&snap, TESTER, T::Project, "P1", PS::empty());
    assert_effective(&snap, TESTER, T::ProjectLog, "P1", PS::empty());
    may_create(&snap, TESTER, T::Experiment, T::Project, "P1");
    may_not_create(&snap, TESTER, T::Dataset, T::Project, "P1");
    // Both set and differ: nothing, on either type.
    assert_effective(&snap, DAVE, T::Dataset, "D1", PS::empty());
    assert_effective(&snap, DAVE, T::Experiment, "E1", PS::empty());

    // Control: the same role restricted to its own type grants.
    let mut doc = members();
    add_role(&mut doc, "R_DEL", &[("delete", Some("dataset"))], &[]);
    role_acl(&mut doc, "a16", To::User(DAVE), "R_DEL", ("project", "P1"), Some("dataset"));
    let snap = load_clean(&doc);
    assert_effective(&snap, DAVE, T::Dataset, "D1", PS::DELETE);
    assert_effective(&snap, DAVE, T::Experiment, "E1", PS::empty());
}

#[test]
fn rule_4_3_d_invalid_acl_shapes_are_ignored_with_a_warning() {
    let mut doc = members();
    let on_p1 = json!({ "object_type": "project", "object_id": "P1", "_object_org_id": ORG });
    let row = |id: &str, extra: Value| {
        let mut r = on_p1.clone();
        r["id"] = json!(id);
        for (k, v) in extra.as_object().expect("an object") {
            r[k] = v.clone();
        }
        r
    };
    push(&mut doc, "acls", row("b1", json!({ "user_id": DAVE, "group_id": "G_ENG", "permission": "create_acls" })));
    push(&mut doc, "acls", row("b2", json!({ "permission": "create_acls" })));
    push(&mut doc, "acls", row("b3", json!({ "user_id": DAVE, "permission": "create_acls", "role_id": "R_DS" })));
    push(&mut doc, "acls", row("b4", json!({ "user_id": DAVE })));
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[
            (W::InvalidAclPrincipal, "acls[14]"),
            (W::InvalidAclPrincipal, "acls[15]"),
            (W::InvalidAclGrant, "acls[16]"),
            (W::InvalidAclGrant, "acls[17]"),
        ],
    );
    assert_effective(&snap, DAVE, T::Project, "P1", PS::empty());
    assert_effective(&snap, DAVE, T::Dataset, "D1", PS::empty());
    denies(&snap, BOB, P::CreateAcls, T::Project, "P1");
    assert_eq!(snap.who_can(P::CreateAcls, &obj(T::Project, "P1")), [ALICE]);
    assert_base_answers(&snap);
}

#[test]
fn rule_4_3_e_group_cycles_terminate_with_the_union() {
    let mut doc = members();
    for u in ["U1", "U2", "U3", "U4"] {
        add_user(&mut doc, u);
    }
    add_group(&mut doc, "G1", &["U1"], &["G3"]);
    add_group(&mut doc, "G2", &["U2"], &["G1"]);
    add_group(&mut doc, "G3", &["U3"], &["G2"]);
    add_group(&mut doc, "G4", &["U4"], &["G4"]); // a group listing itself
    group_acl(&mut doc, "a15", "G1", "read", ("project", "P1"), None);
    group_acl(&mut doc, "a16", "G2", "update", ("project", "P1"), None);
    group_acl(&mut doc, "a17", "G3", "delete", ("project", "P1"), None);
    group_acl(&mut doc, "a18", "G4", "create", ("project", "P1"), None);
    let snap = load_clean(&doc);
    for u in ["U1", "U2", "U3"] {
        assert_effective(&snap, u, T::Project, "P1", PS::READ | PS::UPDATE | PS::DELETE);
    }
    assert_effective(&snap, "U4", T::Project, "P1", PS::CREATE);
    let readers = snap.who_can(P::Read, &obj(T::Project, "P1"));
    assert!(["U1", "U2", "U3"].iter().all(|u| readers.contains(u)), "{readers:?}");
    assert!(!readers.contains(&"U4"), "{readers:?}");
}

#[test]
fn rule_4_3_e_role_cycles_terminate_with_the_union() {
    let mut doc = members();
    add_object(&mut doc, "experiment", "E3", Some("P2"));
    add_role(&mut doc, "R1", &[("read", None)], &["R2"]);
    add_role(&mut doc, "R2", &[("update", Some("experiment"))], &["R1"]);
    add_role(&mut doc, "R3", &[("delete", None)], &["R3"]);
    role_acl(&mut doc, "a15", To::User(TESTER), "R1", ("project", "P1"), None);
    role_acl(&mut doc, "a16", To::User(TESTER), "R2", ("project", "P2"), None);
    role_acl(&mut doc, "a17", To::User(DAVE), "R3", ("project", "P1"), None);
    let snap = load_clean(&doc);
    assert_effective(&snap, TESTER, T::Experiment, "E1", PS::READ | PS::UPDATE);
    assert_effective(&snap, TESTER, T::Experiment, "E3", PS::READ | PS::UPDATE);
    assert_effective(&snap, TESTER, T::Dataset, "D1", PS::READ);
    assert_effective(&snap, DAVE, T::Project, "P1", PS::DELETE);
}

#[test]
fn rule_4_3_f_deleted_group_grants_nothing_and_passes_no_members() {
    let mut doc = fixture();
    soft_delete(&mut doc, "groups", "G_VIEW");
    let snap = load_clean(&doc);
    denies(&snap, BOB, P::Read, T::Project, "P2"); // a12 belonged to the deleted Viewers
    allows(&snap, BOB, P::Update, T::Experiment, "E1"); // Engineers are alive

    let mut doc = fixture();
    soft_delete(&mut doc, "groups", "G_ENG");
    let snap = load_clean(&doc);
    denies(&snap, BOB, P::Update, T::Experiment, "E1");
    // A deleted group passes no members on: bob is no longer a Viewer through it.
    denies(&snap, BOB, P::Read, T::Project, "P2");
    assert_effective(&snap, BOB, T::Organization, ORG, PS::empty());
}

#[test]
fn rule_4_3_f_deleted_role_grants_nothing() {
    let mut doc = fixture();
    add_user(&mut doc, FRANK);
    add_object(&mut doc, "experiment", "E3", Some("P2"));
    add_role(&mut doc, "R2", &[("read", None)], &["R_DS"]);
    role_acl(&mut doc, "a15", To::User(FRANK), "R2", ("project", "P2"), None);
    soft_delete(&mut doc, "roles", "R_DS");
    let snap = load_clean(&doc);
    denies(&snap, CAROL, P::Read, T::Dataset, "D1");
    denies(&snap, CAROL, P::Update, T::Experiment, "E1");
    // R2 keeps its own read, but inherits nothing from the deleted R_DS.
    allows(&snap, FRANK, P::Read, T::Experiment, "E3");
    denies(&snap, FRANK, P::Update, T::Experiment, "E3");
}

#[test]
fn rule_4_3_f_deleted_project_its_children_and_its_log() {
    let mut doc = fixture();
    add_object(&mut doc, "prompt", "PR1", Some("P1"));
    soft_delete(&mut doc, "projects", "P1");
    let snap = load_clean(&doc);
    for who in [ALICE, BOB, CAROL] {
        for (t, id) in
            [(T::Project, "P1"), (T::Experiment, "E1"), (T::Dataset, "D1"), (T::Prompt, "PR1"), (T::ProjectLog, "P1")]
        {
            assert_effective(&snap, who, t, id, PS::empty());
        }
    }
    assert_effective(&snap, ALICE, T::Project, "P2", PS::all());
    assert!(snap.accessible(ALICE, P::Read, &T::Experiment).is_empty());
    assert_eq!(snap.accessible(ALICE, P::Read, &T::Project), ["P2"]);
}

#[test]
fn rule_4_3_f_deleted_project_group() {
    let mut doc = fixture();
    soft_delete(&mut doc, "project_groups", "PG1");
    let snap = load_clean(&doc);
    denies(&snap, CAROL, P::Read, T::ProjectLog, "P2"); // a14 sits on the deleted PG1
    assert_effective(&snap, ALICE, T::ProjectGroup, "PG1", PS::empty());
    assert_effective(&snap, ALICE, T::Project, "P2", PS::all()); // its project is unaffected
}

#[test]
fn rule_4_3_g_system_roles() {
    let mut doc = members();
    push(
        &mut doc,
        "roles",
        json!({ "id": "R_SYS", "org_id": null, "name": "system", "member_permissions": [{ "permission": "read_acls" }] }),
    );
    role_acl(&mut doc, "a15", To::User(DAVE), "R_SYS", ("project", "P1"), None);
    role_acl(&mut doc, "a16", To::User(DAVE), "R_MISSING", ("project", "P2"), None);
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::UnknownRole, "acls[15].role_id")]);
    assert_effective(&snap, DAVE, T::Project, "P1", PS::READ_ACLS);
    assert_effective(&snap, DAVE, T::Project, "P2", PS::empty());
    assert_base_answers(&snap);
}

#[test]
fn rule_4_3_i_unrestricted_org_grant_reaches_every_object_of_the_org() {
    let mut doc = tree();
    user_acl(&mut doc, "a15", TESTER, "read", ("organization", ORG), None);
    let snap = load_clean(&doc);
    for (t, id) in representatives() {
        allows(&snap, TESTER, P::Read, t.clone(), id);
        assert_effective(&snap, ALICE, t, id, PS::all());
    }
    allows(&snap, TESTER, P::Read, T::Role, "R_OTHER");
}

#[test]
fn rule_4_3_j_can_create() {
    let mut doc = members();
    add_object(&mut doc, "ai_secret", "AS1", None);
    for u in ["U_VERA", "U_PROJ", "U_ORGP", "U_EXP", "U_PGC"] {
        add_user(&mut doc, u);
    }
    add_member(&mut doc, "G_VIEW", "U_VERA");
    user_acl(&mut doc, "a15", "U_PROJ", "create", ("org_project", ORG), Some("project"));
    user_acl(&mut doc, "a16", "U_ORGP", "create", ("organization", ORG), Some("project"));
    user_acl(&mut doc, "a17", "U_EXP", "create", ("org_project", ORG), Some("experiment"));
    user_acl(&mut doc, "a18", "U_PGC", "create", ("project_group", "PG1"), None);
    let snap = load_clean(&doc);

    // Children of a project: create on the project or an ancestor, restriction null or the child's type.
    may_create(&snap, BOB, T::Experiment, T::Project, "P1");
    may_not_create(&snap, "U_VERA", T::Experiment, T::Project, "P1");
    may_create(&snap, CAROL, T::Experiment, T::Project, "P1");
    may_create(&snap, CAROL, T::Dataset, T::Project, "P1");
    may_not_create(&snap, CAROL, T::Prompt, T::Project, "P1");
    may_not_create(&snap, CAROL, T::Experiment, T::Project, "P2");
    may_create(&snap, "U_EXP", T::Experiment, T::Project, "P2");
    may_not_create(&snap, "U_EXP", T::Dataset, T::Project, "P2");
    may_create(&snap, "U_PGC", T::Experiment, T::Project, "P2"); // P2 ∈ PG1
    may_not_create(&snap, "U_PGC", T::Experiment, T::Project, "P1");

    // Projects: create on org_project or organization, restriction null or project.
    may_create(&snap, BOB, T::Project, T::OrgProject, ORG);
    may_not_create(&snap, "U_VERA", T::Project, T::OrgProject, ORG);
    may_create(&snap, "U_PROJ", T::Project, T::OrgProject, ORG);
    may_not_create(&snap, "U_PROJ", T::Experiment, T::Project, "P1");
    may_not_create(&snap, "U_PROJ", T::Project, T::Organization, ORG); // organization is above org_project
    may_create(&snap, "U_ORGP", T::Project, T::Organization, ORG);
    may_create(&snap, "U_ORGP", T::Project, T::OrgProject, ORG);
    may_not_create(&snap, "U_EXP", T::Project, T::OrgProject, ORG);
    may_create(&snap, "U_PGC", T::Project, T::ProjectGroup, "PG1");

    // Allowed pairs of decisions.md 19, for the owner.
    for (child, parent, id) in [
        (T::Experiment, T::Project, "P1"),
        (T::Dataset, T::Project, "P1"),
        (T::Prompt, T::Project, "P1"),
        (T::PromptSession, T::Project, "P1"),
        (T::ProjectLog, T::Project, "P1"),
        (T::Project, T::OrgProject, ORG),
        (T::Project, T::ProjectGroup, "PG1"),
        (T::Project, T::Organization, ORG),
        (T::ProjectGroup, T::OrgProject, ORG),
        (T::ProjectGroup, T::Organization, ORG),
        (T::AiSecret, T::OrgAiSecret, ORG),
        (T::AiSecret, T::Organization, ORG),
        (T::Group, T::Organization, ORG),
        (T::Role, T::Organization, ORG),
    ] {
        may_create(&snap, ALICE, child, parent, id);
    }
    // Any other pair answers false, even for the owner, who holds create everywhere.
    for (child, parent, id) in [
        (T::Experiment, T::OrgProject, ORG),
        (T::Experiment, T::Organization, ORG),
        (T::Dataset, T::Experiment, "E1"),
        (T::Project, T::Project, "P1"),
        (T::ProjectGroup, T::ProjectGroup, "PG1"),
        (T::AiSecret, T::AiSecret, "AS1"),
        (T::Group, T::OrgProject, ORG),
        (T::Role, T::Group, "G_DS"),
        (T::Organization, T::Organization, ORG),
        (T::OrgProject, T::Organization, ORG),
        (T::OrgMember, T::Organization, ORG),
        (T::OrgAuditLogs, T::Organization, ORG),
        (T::OrgAiSecret, T::Organization, ORG),
        (T::Unknown("dashboard".into()), T::Project, "P1"),
    ] {
        may_not_create(&snap, ALICE, child, parent, id);
    }
}

#[test]
fn rule_4_3_k_manage_access_is_all_four_acl_permissions() {
    let mut doc = members();
    for (i, perm) in ["create_acls", "read_acls", "update_acls"].into_iter().enumerate() {
        user_acl(&mut doc, &format!("k{i}"), DAVE, perm, ("project", "P1"), None);
    }
    user_acl(&mut doc, "m1", TESTER, "create_acls", ("org_project", ORG), None);
    user_acl(&mut doc, "m2", TESTER, "read_acls", ("org_project", ORG), None);
    user_acl(&mut doc, "m3", TESTER, "update_acls", ("project", "P1"), None);
    user_acl(&mut doc, "m4", TESTER, "delete_acls", ("project", "P1"), None);
    let snap = load_clean(&doc);
    let p1 = obj(T::Project, "P1");
    let three = snap.effective(DAVE, &p1);
    assert_eq!(three, PS::CREATE_ACLS | PS::READ_ACLS | PS::UPDATE_ACLS);
    assert!(!three.manages_access());
    let four = snap.effective(TESTER, &p1);
    assert_eq!(four, PS::MANAGE_ACCESS);
    assert!(four.manages_access());
    assert!(!snap.effective(TESTER, &obj(T::OrgProject, ORG)).manages_access());
    assert!(snap.effective(ALICE, &p1).manages_access());
    assert!(!snap.effective(BOB, &p1).manages_access());
}

#[test]
fn rule_4_3_l_principal_not_in_the_org_is_denied() {
    // Carol is removed from the org; group membership and her direct ACL still name her.
    let mut doc = fixture();
    remove_rows(&mut doc, "users", &[CAROL]);
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[(W::UnknownPrincipal, "groups[3].member_users[0]"), (W::UnknownPrincipal, "acls[13].user_id")],
    );
    for (t, id) in [(T::Dataset, "D1"), (T::Experiment, "E1"), (T::ProjectLog, "P2"), (T::ProjectLog, "P1")] {
        assert_effective(&snap, CAROL, t, id, PS::empty());
    }
    allows(&snap, SA_CI, P::Update, T::Experiment, "E1"); // the rest of data-sci is unaffected
}

#[test]
fn rule_4_3_m_one_org_per_snapshot() {
    let mut doc = members();
    let mut foreign = acl("a15", ("project", "P1"), To::User(DAVE), Gives::Perm("read"), None);
    foreign["_object_org_id"] = json!("O2");
    push(&mut doc, "acls", foreign);
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::ForeignOrg, "acls[14]._object_org_id")]);
    denies(&snap, DAVE, P::Read, T::Project, "P1");
    assert_effective(&snap, ALICE, T::Organization, "O2", PS::empty());
    assert_base_answers(&snap);
}

// ---------------------------------------------------------------------------------------------------------
// §4.4 Decisions where the sources are silent
// ---------------------------------------------------------------------------------------------------------

#[test]
fn rule_4_4_p_unknown_objects_get_org_wide_and_own_grants_only() {
    let mut doc = members();
    user_acl(&mut doc, "a15", TESTER, "read", ("organization", ORG), None);
    user_acl(&mut doc, "a16", TESTER, "update", ("org_project", ORG), None);
    user_acl(&mut doc, "a17", TESTER, "delete", ("project", "P1"), None);
    user_acl(&mut doc, "a18", TESTER, "create", ("project_group", "PG1"), None);
    user_acl(&mut doc, "a19", TESTER, "create_acls", ("experiment", "E404"), None);
    user_acl(&mut doc, "a20", TESTER, "read_acls", ("project", "P404"), None);
    user_acl(&mut doc, "a21", TESTER, "update_acls", ("project_log", "P404"), None);
    user_acl(&mut doc, "a22", TESTER, "delete_acls", ("dataset", "D404"), None);
    let snap = load_clean(&doc);
    let org_wide = PS::READ | PS::UPDATE;
    assert_effective(&snap, TESTER, T::Experiment, "E404", org_wide | PS::CREATE_ACLS);
    assert_effective(&snap, TESTER, T::Experiment, "E405", org_wide);
    assert_effective(&snap, TESTER, T::Dataset, "D404", org_wide | PS::DELETE_ACLS);
    assert_effective(&snap, TESTER, T::Prompt, "X404", org_wide);
    assert_effective(&snap, TESTER, T::PromptSession, "X404", org_wide);
    assert_effective(&snap, TESTER, T::Project, "P404", org_wide | PS::READ_ACLS);
    assert_effective(&snap, TESTER, T::ProjectLog, "P404", org_wide | PS::UPDATE_ACLS);
    assert_effective(&snap, TESTER, T::ProjectLog, "P405", org_wide);
    // Listed objects do reach their project and project-group grants.
    assert_effective(&snap, TESTER, T::Experiment, "E1", org_wide | PS::DELETE);
    assert_effective(&snap, TESTER, T::Project, "P2", org_wide | PS::CREATE);
    // Carol's grants sit on P1 (role) and PG1 (a14): neither reaches an unknown object.
    assert_effective(&snap, CAROL, T::Experiment, "E404", PS::empty());
    assert_effective(&snap, CAROL, T::ProjectLog, "P404", PS::empty());
    assert_effective(&snap, ALICE, T::Experiment, "E404", PS::all());
    allows(&snap, BOB, P::Update, T::Dataset, "D404");
}

#[test]
fn decision_17_unlisted_groups_roles_ai_secrets_and_project_groups() {
    let mut doc = members();
    user_acl(&mut doc, "a15", TESTER, "read", ("organization", ORG), None);
    user_acl(&mut doc, "a16", TESTER, "update", ("org_project", ORG), None);
    user_acl(&mut doc, "a17", TESTER, "delete", ("org_ai_secret", ORG), None);
    user_acl(&mut doc, "a18", TESTER, "create", ("group", "G404"), None);
    let snap = load_clean(&doc);
    assert_effective(&snap, TESTER, T::Group, "G404", PS::READ | PS::CREATE);
    assert_effective(&snap, TESTER, T::Group, "G405", PS::READ);
    assert_effective(&snap, TESTER, T::Role, "R404", PS::READ);
    assert_effective(&snap, TESTER, T::AiSecret, "AS404", PS::READ | PS::DELETE);
    assert_effective(&snap, TESTER, T::ProjectGroup, "PG404", PS::READ | PS::UPDATE);
}

#[test]
fn rule_4_4_q_soft_deleted_objects_get_nothing() {
    let base = {
        let mut doc = fixture();
        add_user(&mut doc, FRANK);
        user_acl(&mut doc, "c1", FRANK, "delete", ("experiment", "E1"), None);
        doc
    };
    let everything = [ALICE, BOB, CAROL, FRANK];

    let mut doc = base.clone();
    soft_delete(&mut doc, "objects", "E1");
    let snap = load_clean(&doc);
    for who in everything {
        assert_effective(&snap, who, T::Experiment, "E1", PS::empty()); // even a grant on the object itself
    }
    assert_effective(&snap, ALICE, T::Experiment, "E404", PS::all()); // unknown is not deleted (§4.4 p)
    assert_effective(&snap, ALICE, T::Dataset, "D1", PS::all());

    let mut doc = base.clone();
    soft_delete(&mut doc, "projects", "P2");
    add_object(&mut doc, "experiment", "E3", Some("P2"));
    let snap = load_clean(&doc);
    for (t, id) in [(T::Project, "P2"), (T::Experiment, "E3"), (T::ProjectLog, "P2")] {
        assert_effective(&snap, ALICE, t, id, PS::empty());
    }

    for (section, t, id) in
        [("project_groups", T::ProjectGroup, "PG1"), ("groups", T::Group, "G_DS"), ("roles", T::Role, "R_DS")]
    {
        let mut doc = base.clone();
        soft_delete(&mut doc, section, id);
        let snap = load_clean(&doc);
        assert_effective(&snap, ALICE, t, id, PS::empty());
    }
}

#[test]
fn rule_4_4_r_org_wide_types_with_another_org_id_get_nothing() {
    let snap = load_clean(&fixture());
    for t in [T::Organization, T::OrgProject, T::OrgMember, T::OrgAuditLogs, T::OrgAiSecret] {
        assert_effective(&snap, ALICE, t.clone(), "O2", PS::empty());
        assert_effective(&snap, ALICE, t.clone(), ORG, PS::all());
        assert!(snap.who_can(P::Read, &obj(t, "O2")).is_empty());
    }
}

#[test]
fn rule_4_4_s_acls_of_another_org_are_ignored_and_a_missing_org_id_is_accepted() {
    let mut doc = members();
    let mut foreign = acl("a15", ("project", "P1"), To::User(DAVE), Gives::Perm("delete"), None);
    foreign["_object_org_id"] = json!("O2");
    push(&mut doc, "acls", foreign);
    let mut missing = acl("a16", ("project", "P1"), To::User(DAVE), Gives::Perm("read"), None);
    missing.as_object_mut().expect("an object").remove("_object_org_id");
    push(&mut doc, "acls", missing);
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::ForeignOrg, "acls[14]._object_org_id")]);
    assert_effective(&snap, DAVE, T::Project, "P1", PS::READ);
    assert_base_answers(&snap);
}

#[test]
fn rule_4_4_t_system_groups_and_roles_accepted_other_orgs_ignored() {
    let mut doc = members();
    push(&mut doc, "groups", json!({ "id": "G_SYS", "org_id": null, "name": "sys", "member_users": [DAVE] }));
    push(&mut doc, "groups", json!({ "id": "G_FOREIGN", "org_id": "O2", "name": "x", "member_users": [DAVE] }));
    push(
        &mut doc,
        "roles",
        json!({ "id": "R_SYS", "org_id": null, "name": "sys", "member_permissions": [{ "permission": "create" }] }),
    );
    push(
        &mut doc,
        "roles",
        json!({ "id": "R_FOREIGN", "org_id": "O2", "name": "x", "member_permissions": [{ "permission": "delete" }] }),
    );
    group_acl(&mut doc, "a15", "G_SYS", "update", ("project", "P1"), None);
    group_acl(&mut doc, "a16", "G_FOREIGN", "read_acls", ("project", "P1"), None);
    role_acl(&mut doc, "a17", To::User(DAVE), "R_SYS", ("project", "P1"), None);
    role_acl(&mut doc, "a18", To::User(DAVE), "R_FOREIGN", ("project", "P1"), None);
    let snap = load(&doc);
    assert_warnings(&snap, &[(W::ForeignOrg, "groups[5].org_id"), (W::ForeignOrg, "roles[2].org_id")]);
    assert_effective(&snap, DAVE, T::Project, "P1", PS::UPDATE | PS::CREATE);
    // decisions.md 7: queries on another org's group or role get nothing.
    assert_effective(&snap, ALICE, T::Group, "G_FOREIGN", PS::empty());
    assert_effective(&snap, ALICE, T::Role, "R_FOREIGN", PS::empty());
    assert_effective(&snap, ALICE, T::Group, "G_SYS", PS::all());
    assert_base_answers(&snap);
}

#[test]
fn rule_4_4_u_duplicates_are_dropped_and_the_first_wins() {
    let mut doc = members();
    add_user(&mut doc, BOB); // users[5]
    push(&mut doc, "groups", json!({ "id": "G_DS", "org_id": ORG, "name": "again", "member_users": [DAVE] }));
    let mut same_tuple = acl("a13bis", ("project", "P1"), To::Group("G_DS"), Gives::Role("R_DS"), None);
    same_tuple["created"] = json!("2026-02-02T00:00:00Z");
    push(&mut doc, "acls", same_tuple);
    user_acl(&mut doc, "a12", DAVE, "delete", ("project", "P2"), None);
    // Not a duplicate: a different restriction is a different identity tuple.
    user_acl(&mut doc, "a17", DAVE, "read", ("project", "P1"), Some("experiment"));
    user_acl(&mut doc, "a18", DAVE, "read", ("project", "P1"), Some("dataset"));
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[
            (W::DuplicateId, "users[5].id"),
            (W::DuplicateId, "groups[4].id"),
            (W::DuplicateAcl, "acls[14]"),
            (W::DuplicateId, "acls[15].id"),
        ],
    );
    assert_eq!(snap.principals().filter(|p| p.id == BOB).count(), 1);
    denies(&snap, DAVE, P::Update, T::Experiment, "E1"); // the second G_DS row lost
    denies(&snap, DAVE, P::Delete, T::Project, "P2"); // the second a12 lost
    allows(&snap, DAVE, P::Read, T::Experiment, "E1");
    allows(&snap, DAVE, P::Read, T::Dataset, "D1");
    let why = snap.explain(CAROL, P::Update, &obj(T::Experiment, "E1"));
    assert_eq!(allowed_paths(&why).iter().map(|p| &*p.acl_id).collect::<Vec<_>>(), ["a13"]);
    assert_base_answers(&snap);
}

#[test]
fn rule_4_4_v_row_level_problems_skip_the_row_and_the_snapshot_loads() {
    let mut doc = members();
    user_acl(&mut doc, "a15", DAVE, "admin", ("project", "P1"), None);
    role_acl(&mut doc, "a16", To::User(DAVE), "R_NOPE", ("project", "P1"), None);
    push(&mut doc, "acls", json!(["not", "a", "row"]));
    push(&mut doc, "groups", json!("G_STRING"));
    push(
        &mut doc,
        "roles",
        json!({ "id": "R_PART", "org_id": ORG, "name": "p",
                "member_permissions": [{ "permission": "own" }, { "permission": "read" }] }),
    );
    role_acl(&mut doc, "a17", To::User(DAVE), "R_PART", ("project", "P2"), None);
    let snap = load(&doc);
    assert_warnings(
        &snap,
        &[
            (W::UnknownPermission, "acls[14].permission"),
            (W::UnknownRole, "acls[15].role_id"),
            (W::NotAnObject, "acls[16]"),
            (W::NotAnObject, "groups[4]"),
            (W::UnknownPermission, "roles[1].member_permissions[0].permission"),
        ],
    );
    assert_effective(&snap, DAVE, T::Project, "P1", PS::empty());
    assert_effective(&snap, DAVE, T::Project, "P2", PS::READ); // the role's good entry still grants
    assert_base_answers(&snap);
}

#[test]
fn rule_4_4_w_manage_access_holds_only_with_all_four_on_the_object() {
    let mut doc = members();
    add_role(
        &mut doc,
        "R_MA",
        &[("create_acls", None), ("read_acls", None), ("update_acls", None), ("delete_acls", Some("dataset"))],
        &[],
    );
    role_acl(&mut doc, "a15", To::User(DAVE), "R_MA", ("project", "P1"), None);
    let snap = load_clean(&doc);
    assert!(snap.effective(DAVE, &obj(T::Dataset, "D1")).manages_access());
    let e1 = snap.effective(DAVE, &obj(T::Experiment, "E1"));
    assert_eq!(e1, PS::CREATE_ACLS | PS::READ_ACLS | PS::UPDATE_ACLS);
    assert!(!e1.manages_access());
}

#[test]
fn rule_4_4_x_builtin_group_names_grant_nothing_without_acl_rows() {
    let mut doc = members();
    let builtin: Vec<String> = (1..=12).map(|i| format!("a{i}")).collect();
    remove_rows(&mut doc, "acls", &builtin.iter().map(String::as_str).collect::<Vec<_>>());
    add_user(&mut doc, "U_VERA");
    add_member(&mut doc, "G_VIEW", "U_VERA");
    add_named_group(&mut doc, "G_OWNERS_2", "Owners", &[DAVE], &[]);
    let snap = load_clean(&doc);
    for who in [ALICE, BOB, "U_VERA", DAVE] {
        for (t, id) in [
            (T::Organization, ORG),
            (T::OrgProject, ORG),
            (T::Project, "P1"),
            (T::Project, "P2"),
            (T::Experiment, "E1"),
            (T::Dataset, "D1"),
            (T::Group, "G_OWN"),
        ] {
            assert_effective(&snap, who, t, id, PS::empty());
        }
        may_not_create(&snap, who, T::Project, T::OrgProject, ORG);
    }
}

// ---------------------------------------------------------------------------------------------------------
// decisions.md 1–2: unknown object types
// ---------------------------------------------------------------------------------------------------------

fn dashboard(id: &str) -> ObjectRef<'_> {
    ObjectRef::parse("dashboard", id)
}

#[test]
fn decision_1_unknown_object_type_grants_only_on_the_exact_object() {
    let mut doc = members();
    user_acl(&mut doc, "a15", DAVE, "read", ("dashboard", "X1"), None);
    add_object(&mut doc, "dashboard", "X5", Some("P1"));
    let snap = load(&doc);
    assert!(warning_list(&snap).contains(&(W::UnknownObjectType, "acls[14].object_type".to_owned())));
    assert!(snap.can(DAVE, P::Read, &dashboard("X1")));
    assert!(!snap.can(DAVE, P::Read, &dashboard("X2")));
    assert!(!snap.can(DAVE, P::Read, &ObjectRef::parse("widget", "X1")));
    // Org-level (Owners), org_project (Engineers, Viewers) and project grants (carol's role on P1) do not
    // reach an object of an unknown type, listed or not.
    for who in [ALICE, BOB, CAROL] {
        for id in ["X1", "X5"] {
            assert_eq!(snap.effective(who, &dashboard(id)), PS::empty(), "{who} on dashboard/{id}");
        }
    }
    assert_eq!(snap.who_can(P::Read, &dashboard("X1")), [DAVE]);
    assert_base_answers(&snap);
}

#[test]
fn decision_1_query_with_an_object_type_no_row_mentions_answers_false() {
    let snap = load_clean(&fixture());
    for target in [ObjectRef::parse("widget", "W1"), ObjectRef::parse("Project", "P1"), ObjectRef::parse("widget", ORG)]
    {
        for perm in P::ALL {
            assert!(!snap.can(ALICE, perm, &target), "alice {perm} on {target}");
        }
        assert_eq!(snap.effective(ALICE, &target), PS::empty());
        assert!(snap.who_can(P::Read, &target).is_empty());
        let (reason, _) = denial(&snap.explain(ALICE, P::Read, &target));
        assert_eq!(reason, DenialReason::ObjectUnknown);
    }
    assert!(snap.accessible(ALICE, P::Read, &T::Unknown("widget".into())).is_empty());
}

#[test]
fn decision_2_restriction_to_an_unknown_type_applies_to_exactly_that_type() {
    let mut doc = members();
    user_acl(&mut doc, "a15", DAVE, "read", ("project", "P1"), Some("dashboard"));
    user_acl(&mut doc, "a16", DAVE, "update", ("dashboard", "X1"), Some("dashboard"));
    user_acl(&mut doc, "a17", DAVE, "delete", ("dashboard", "X1"), Some("widget"));
    add_role(&mut doc, "R_DASH", &[("create", Some("dashboard")), ("read", Some("widget"))], &[]);
    role_acl(&mut doc, "a18", To::User(DAVE), "R_DASH", ("dashboard", "X2"), None);
    let snap = load(&doc);
    let warnings = warning_list(&snap);
    for path in [
        "acls[14].restrict_object_type",
        "acls[15].restrict_object_type",
        "acls[16].restrict_object_type",
        "roles[1].member_permissions[0].restrict_object_type",
        "roles[1].member_permissions[1].restrict_object_type",
    ] {
        assert!(warnings.contains(&(W::UnknownObjectType, path.to_owned())), "no warning at {path}: {warnings:?}");
    }
    for (t, id) in [(T::Project, "P1"), (T::Experiment, "E1"), (T::Dataset, "D1"), (T::ProjectLog, "P1")] {
        denies(&snap, DAVE, P::Read, t, id);
    }
    assert_eq!(snap.effective(DAVE, &dashboard("X1")), PS::UPDATE);
    assert_eq!(snap.effective(DAVE, &dashboard("X2")), PS::CREATE);
    assert_eq!(snap.effective(DAVE, &ObjectRef::parse("widget", "X1")), PS::empty());
    assert_base_answers(&snap);
}

// ---------------------------------------------------------------------------------------------------------
// who_can
// ---------------------------------------------------------------------------------------------------------

#[test]
fn who_can_lists_users_then_service_accounts_in_snapshot_order() {
    let mut doc = fixture();
    add_user(&mut doc, "U_00"); // sorts first, listed last
    add_service_account(&mut doc, "SA_00");
    add_member(&mut doc, "G_DS", "SA_00");
    user_acl(&mut doc, "a15", "U_00", "read", ("experiment", "E1"), None);
    user_acl(&mut doc, "a16", ALICE, "read", ("experiment", "E1"), None); // alice twice: listed once
    let snap = load_clean(&doc);
    assert_eq!(snap.who_can(P::Read, &obj(T::Experiment, "E1")), [ALICE, BOB, CAROL, "U_00", SA_CI, "SA_00"]);
}

#[test]
fn who_can_includes_nested_group_members_and_service_accounts() {
    let snap = load_clean(&fixture());
    assert_eq!(snap.who_can(P::Read, &obj(T::Project, "P2")), [ALICE, BOB]); // bob via Viewers ⊃ Engineers
    assert_eq!(snap.who_can(P::Update, &obj(T::Experiment, "E1")), [ALICE, BOB, CAROL, SA_CI]);
    // Restrictions apply: carol's update is for experiments, her a14 read for project logs.
    assert_eq!(snap.who_can(P::Update, &obj(T::Dataset, "D1")), [ALICE, BOB]);
    assert_eq!(snap.who_can(P::Read, &obj(T::ProjectLog, "P2")), [ALICE, BOB, CAROL]);
    assert_eq!(snap.who_can(P::ReadAcls, &obj(T::Organization, ORG)), [ALICE]);
    // An unknown child: only org-wide grants (§4.4 p).
    assert_eq!(snap.who_can(P::Read, &obj(T::Experiment, "E404")), [ALICE, BOB]);
}

#[test]
fn who_can_excludes_members_of_deleted_groups() {
    let mut doc = fixture();
    soft_delete(&mut doc, "groups", "G_DS");
    let snap = load_clean(&doc);
    assert_eq!(snap.who_can(P::Update, &obj(T::Experiment, "E1")), [ALICE, BOB]);

    let mut doc = fixture();
    soft_delete(&mut doc, "groups", "G_ENG");
    let snap = load_clean(&doc);
    assert_eq!(snap.who_can(P::Read, &obj(T::Project, "P2")), [ALICE]);

    let mut doc = fixture();
    soft_delete(&mut doc, "objects", "E1");
    let snap = load_clean(&doc);
    assert!(snap.who_can(P::Read, &obj(T::Experiment, "E1")).is_empty());
}

// ---------------------------------------------------------------------------------------------------------
// accessible
// ---------------------------------------------------------------------------------------------------------

#[test]
fn accessible_lists_live_listed_objects_in_snapshot_order() {
    let mut doc = fixture();
    add_object(&mut doc, "experiment", "E3", Some("P2"));
    add_object(&mut doc, "experiment", "E2", Some("P1"));
    add_object(&mut doc, "experiment", "E_DEL", Some("P1"));
    soft_delete(&mut doc, "objects", "E_DEL");
    push(&mut doc, "projects", json!({ "id": "P0", "org_id": ORG, "name": "gone", "deleted_at": DELETED_AT }));
    add_object(&mut doc, "experiment", "E_IN_DELETED", Some("P0"));
    add_object(&mut doc, "ai_secret", "AS1", None);
    soft_delete(&mut doc, "groups", "G_VIEW");
    let snap = load_clean(&doc);
    assert_eq!(snap.accessible(ALICE, P::Read, &T::Experiment), ["E1", "E3", "E2"]);
    assert_eq!(snap.accessible(ALICE, P::Read, &T::Dataset), ["D1"]);
    assert_eq!(snap.accessible(ALICE, P::Read, &T::Project), ["P1", "P2"]);
    assert_eq!(snap.accessible(ALICE, P::Read, &T::ProjectLog), ["P1", "P2"]);
    assert_eq!(snap.accessible(ALICE, P::Read, &T::ProjectGroup), ["PG1"]);
    assert_eq!(snap.accessible(ALICE, P::Read, &T::Group), ["G_OWN", "G_ENG", "G_DS"]);
    assert_eq!(snap.accessible(ALICE, P::Read, &T::Role), ["R_DS"]);
    assert_eq!(snap.accessible(ALICE, P::Read, &T::AiSecret), ["AS1"]);
    for t in [T::Organization, T::OrgProject, T::OrgMember, T::OrgAuditLogs, T::OrgAiSecret] {
        assert_eq!(snap.accessible(ALICE, P::Read, &t), [ORG], "{t}");
    }
    // E404 is not listed, so it is never in the list, though alice may read it.
    assert!(!snap.accessible(ALICE, P::Read, &T::Experiment).contains(&"E404"));
}

#[test]
fn accessible_project_logs_are_named_by_project_id() {
    let mut doc = members();
    user_acl(&mut doc, "a15", TESTER, "read", ("project_group", "PG1"), Some("project_log"));
    let snap = load_clean(&doc);
    assert_eq!(snap.accessible(CAROL, P::Read, &T::ProjectLog), ["P1", "P2"]);
    assert_eq!(snap.accessible(TESTER, P::Read, &T::ProjectLog), ["P2"]);
    assert!(snap.accessible(TESTER, P::Read, &T::Project).is_empty());
}

#[test]
fn accessible_respects_restricted_grants() {
    let mut doc = members();
    add_object(&mut doc, "experiment", "E2", Some("P1"));
    add_object(&mut doc, "experiment", "E3", Some("P2"));
    user_acl(&mut doc, "a15", DAVE, "read", ("project", "P1"), Some("experiment"));
    let snap = load_clean(&doc);
    assert_eq!(snap.accessible(DAVE, P::Read, &T::Experiment), ["E1", "E2"]);
    assert!(snap.accessible(DAVE, P::Read, &T::Dataset).is_empty());
    assert!(snap.accessible(DAVE, P::Read, &T::Project).is_empty());
    assert!(snap.accessible(DAVE, P::Read, &T::ProjectLog).is_empty());
    assert_eq!(snap.accessible(CAROL, P::Update, &T::Experiment), ["E1", "E2"]); // not E3, in P2
    assert!(snap.accessible(CAROL, P::Update, &T::Dataset).is_empty());
    assert!(snap.accessible(BOB, P::Read, &T::Organization).is_empty());
}

// ---------------------------------------------------------------------------------------------------------
// Batch calls
// ---------------------------------------------------------------------------------------------------------

#[test]
fn batch_calls_equal_single_calls() {
    let mut doc = tree();
    soft_delete(&mut doc, "objects", "AS2");
    user_acl(&mut doc, "a15", TESTER, "read", ("project", "P1"), Some("experiment"));
    let snap = load_clean(&doc);
    let queries: Vec<(T, Vec<&str>)> = vec![
        (T::Experiment, vec!["E1", "E3", "E404", "E1", ""]),
        (T::Dataset, vec!["D1", "D404"]),
        (T::Project, vec!["P1", "P2", "P404"]),
        (T::ProjectLog, vec!["P2", "P1"]),
        (T::Organization, vec![ORG, "O2"]),
        (T::AiSecret, vec!["AS1", "AS2"]),
        (T::Group, vec!["G_DS", "G404"]),
        (T::Unknown("widget".into()), vec!["W1"]),
    ];
    let mut sets = vec![PS::all(); 7]; // junk that must be cleared
    let mut bools = vec![true; 9];
    for who in [ALICE, BOB, CAROL, SA_CI, TESTER, "U_NOBODY"] {
        let subject = snap.subject(who);
        for (t, ids) in &queries {
            subject.effective_batch(t, ids.iter().copied(), &mut sets);
            let single: Vec<PS> = ids.iter().map(|id| snap.effective(who, &obj(t.clone(), id))).collect();
            assert_eq!(sets, single, "effective_batch of {who} on {t} {ids:?}");
            for perm in P::ALL {
                subject.can_batch(perm, t, ids.iter().copied(), &mut bools);
                let single: Vec<bool> = ids.iter().map(|id| snap.can(who, perm, &obj(t.clone(), id))).collect();
                assert_eq!(bools, single, "can_batch of {who}, {perm} on {t} {ids:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// explain
// ---------------------------------------------------------------------------------------------------------

fn path<'a>(
    acl_id: &'a str,
    on: ObjectRef<'a>,
    holder: GrantHolder<'a>,
    group_chain: &[&'a str],
    role_chain: &[&'a str],
    restriction: Option<T>,
) -> GrantPath<'a> {
    GrantPath {
        acl_id: acl_id.into(),
        on,
        holder,
        group_chain: group_chain.to_vec(),
        role_chain: role_chain.to_vec(),
        restriction,
    }
}

#[test]
fn explain_allowed_paths_carry_the_acl_and_the_ancestor_it_sits_on() {
    let mut doc = members();
    user_acl(&mut doc, "a15", DAVE, "read", ("project", "P1"), Some("experiment"));
    let snap = load_clean(&doc);

    let why = snap.explain(ALICE, P::Delete, &obj(T::Experiment, "E1"));
    assert!(why.allowed());
    assert_eq!(why.permission, P::Delete);
    assert_eq!(
        allowed_paths(&why),
        [path("a4", obj(T::Organization, ORG), GrantHolder::Group("G_OWN"), &["G_OWN"], &[], None)]
    );

    let why = snap.explain(DAVE, P::Read, &obj(T::Experiment, "E1"));
    assert_eq!(
        allowed_paths(&why),
        [path("a15", obj(T::Project, "P1"), GrantHolder::User(DAVE), &[], &[], Some(T::Experiment))]
    );

    let why = snap.explain(CAROL, P::Read, &obj(T::ProjectLog, "P2"));
    assert_eq!(
        allowed_paths(&why),
        [path("a14", obj(T::ProjectGroup, "PG1"), GrantHolder::User(CAROL), &[], &[], Some(T::ProjectLog))]
    );
}

#[test]
fn explain_lists_every_granting_path_nearest_first() {
    let mut doc = fixture();
    user_acl(&mut doc, "a15", ALICE, "read", ("experiment", "E1"), None);
    let snap = load_clean(&doc);
    let why = snap.explain(ALICE, P::Read, &obj(T::Experiment, "E1"));
    let ids: Vec<&str> = allowed_paths(&why).iter().map(|p| &*p.acl_id).collect();
    assert_eq!(ids, ["a15", "a2"]);
}

#[test]
fn explain_shows_a_grant_once_when_a_project_group_lists_a_project_twice() {
    let snap = load_clean(&json!({
        "org": {"id": ORG},
        "users": [{"id": DAVE}, {"id": TESTER}],
        "projects": [{"id": "P1", "org_id": ORG, "name": "p"}],
        "project_groups": [{"id": "PG1", "org_id": ORG, "name": "g", "member_projects": ["P1", "P1"]}],
        "acls": [{"id": "a1", "object_type": "project_group", "object_id": "PG1", "user_id": DAVE, "permission": "read"}]
    }));
    let why = snap.explain(DAVE, P::Read, &obj(T::Project, "P1"));
    assert_eq!(allowed_paths(&why), [path("a1", obj(T::ProjectGroup, "PG1"), GrantHolder::User(DAVE), &[], &[], None)]);
    let why = snap.explain(TESTER, P::Read, &obj(T::Project, "P1"));
    let (reason, nearest) = denial(&why);
    assert_eq!(reason, DenialReason::NoGrant);
    assert_eq!(nearest.iter().map(|p| &*p.acl_id).collect::<Vec<_>>(), ["a1"]);
}

#[test]
fn explain_group_chain_for_a_nested_group() {
    // user ∈ g1 ⊂ g2, the grant on g2: chain [g1, g2].
    let mut doc = members();
    add_group(&mut doc, "g1", &[TESTER], &[]);
    add_group(&mut doc, "g2", &[], &["g1"]);
    group_acl(&mut doc, "a15", "g2", "update", ("project", "P2"), None);
    let snap = load_clean(&doc);
    let why = snap.explain(TESTER, P::Update, &obj(T::Project, "P2"));
    assert_eq!(
        allowed_paths(&why),
        [path("a15", obj(T::Project, "P2"), GrantHolder::Group("g2"), &["g1", "g2"], &[], None)]
    );
}

/// Case 19's snapshot: R2 inherits R_DS and is granted to frank on P2; E3 is in P2, D3 too.
fn role_chain_doc() -> Value {
    let mut doc = fixture();
    add_user(&mut doc, FRANK);
    add_object(&mut doc, "experiment", "E3", Some("P2"));
    add_object(&mut doc, "dataset", "D3", Some("P2"));
    add_role(&mut doc, "R2", &[], &["R_DS"]);
    role_acl(&mut doc, "a15", To::User(FRANK), "R2", ("project", "P2"), None);
    doc
}

#[test]
fn explain_role_chain_for_an_inherited_role() {
    let snap = load_clean(&role_chain_doc());
    let why = snap.explain(FRANK, P::Update, &obj(T::Experiment, "E3"));
    assert_eq!(
        allowed_paths(&why),
        [path("a15", obj(T::Project, "P2"), GrantHolder::User(FRANK), &[], &["R2", "R_DS"], Some(T::Experiment))]
    );
    let why = snap.explain(CAROL, P::Read, &obj(T::Dataset, "D1"));
    assert_eq!(
        allowed_paths(&why),
        [path("a13", obj(T::Project, "P1"), GrantHolder::Group("G_DS"), &["G_DS"], &["R_DS"], None)]
    );
}

#[test]
fn explain_denial_not_a_member() {
    let snap = load_clean(&fixture());
    let (reason, _) = denial(&snap.explain(ZED, P::Read, &obj(T::Project, "P1")));
    assert_eq!(reason, DenialReason::NotAMember);
}

#[test]
fn explain_denial_object_deleted() {
    let mut doc = fixture();
    soft_delete(&mut doc, "objects", "E1");
    soft_delete(&mut doc, "groups", "G_DS");
    let snap = load_clean(&doc);
    for target in [obj(T::Experiment, "E1"), obj(T::Group, "G_DS")] {
        let (reason, _) = denial(&snap.explain(ALICE, P::Read, &target));
        assert_eq!(reason, DenialReason::ObjectDeleted, "{target}");
    }
}

#[test]
fn explain_denial_other_org() {
    let snap = load_clean(&fixture());
    let (reason, _) = denial(&snap.explain(ALICE, P::Read, &obj(T::Organization, "O2")));
    assert_eq!(reason, DenialReason::OtherOrg);
}

#[test]
fn explain_denial_object_unknown() {
    let snap = load_clean(&fixture());
    let (reason, _) = denial(&snap.explain(CAROL, P::Read, &obj(T::Experiment, "E404")));
    assert_eq!(reason, DenialReason::ObjectUnknown);
}

#[test]
fn explain_denial_restricted_to_other_type() {
    let mut doc = role_chain_doc();
    add_user(&mut doc, DAVE);
    user_acl(&mut doc, "a16", DAVE, "read", ("project", "P1"), Some("experiment"));
    let snap = load_clean(&doc);
    let why = snap.explain(DAVE, P::Read, &obj(T::Dataset, "D1"));
    assert!(!why.allowed());
    let (reason, nearest) = denial(&why);
    assert_eq!(reason, DenialReason::RestrictedToOtherType);
    assert_eq!(nearest, [path("a16", obj(T::Project, "P1"), GrantHolder::User(DAVE), &[], &[], Some(T::Experiment))]);

    let why = snap.explain(FRANK, P::Update, &obj(T::Dataset, "D3"));
    let (reason, nearest) = denial(&why);
    assert_eq!(reason, DenialReason::RestrictedToOtherType);
    assert_eq!(
        nearest,
        [path("a15", obj(T::Project, "P2"), GrantHolder::User(FRANK), &[], &["R2", "R_DS"], Some(T::Experiment))]
    );
}

#[test]
fn explain_denial_no_grant_shows_others_grants_on_the_nearest_level() {
    let snap = load_clean(&members());
    // Nothing on E1 itself; on P1, data-sci's role gives update to experiments. The org_project (a10) and
    // organization (a3) levels are farther away and are not listed.
    let why = snap.explain(DAVE, P::Update, &obj(T::Experiment, "E1"));
    let (reason, nearest) = denial(&why);
    assert_eq!(reason, DenialReason::NoGrant);
    assert_eq!(
        nearest,
        [path("a13", obj(T::Project, "P1"), GrantHolder::Group("G_DS"), &[], &["R_DS"], Some(T::Experiment))]
    );

    let why = snap.explain(BOB, P::CreateAcls, &obj(T::Project, "P1"));
    let (reason, nearest) = denial(&why);
    assert_eq!(reason, DenialReason::NoGrant);
    assert_eq!(nearest, [path("a5", obj(T::Organization, ORG), GrantHolder::Group("G_OWN"), &[], &[], None)]);
}

#[test]
fn explain_nearest_leaves_out_grants_of_deleted_groups() {
    // With data-sci deleted, its role grant on P1 is no grant at all: the nearest level that really grants
    // update on E1 is then org_project, through Engineers (a10).
    let mut doc = members();
    soft_delete(&mut doc, "groups", "G_DS");
    let snap = load_clean(&doc);
    let why = snap.explain(DAVE, P::Update, &obj(T::Experiment, "E1"));
    let (reason, nearest) = denial(&why);
    assert_eq!(reason, DenialReason::NoGrant);
    assert_eq!(nearest, [path("a10", obj(T::OrgProject, ORG), GrantHolder::Group("G_ENG"), &[], &[], None)]);
}

#[test]
fn explain_create_agrees_with_can_create_and_names_the_reason() {
    let snap = load_clean(&members());
    let parents = [obj(T::Project, "P1"), obj(T::Project, "P2"), obj(T::OrgProject, ORG), obj(T::Organization, ORG)];
    let children = [T::Experiment, T::Dataset, T::Prompt, T::Project, T::Group, T::ProjectLog];
    for who in [ALICE, BOB, CAROL, SA_CI, DAVE, ZED] {
        for parent in &parents {
            for child in &children {
                let why = snap.explain_create(who, child, parent);
                assert_eq!(why.allowed(), snap.can_create(who, child, parent), "{who} {child} under {parent}");
                assert_eq!(why.permission, P::Create);
            }
        }
    }
    // R_DS creates experiments and datasets in P1, not prompts.
    let why = snap.explain_create(CAROL, &T::Prompt, &obj(T::Project, "P1"));
    let (reason, nearest) = denial(&why);
    assert_eq!(reason, DenialReason::RestrictedToOtherType);
    assert_eq!(nearest.iter().map(|p| &*p.acl_id).collect::<Vec<_>>(), ["a13"]);
    let paths = allowed_paths(&snap.explain_create(CAROL, &T::Dataset, &obj(T::Project, "P1"))).to_vec();
    assert_eq!(
        paths.iter().map(|p| (&*p.acl_id, p.restriction.clone())).collect::<Vec<_>>(),
        [("a13", Some(T::Dataset))]
    );
    let (reason, _) = denial(&snap.explain_create(ALICE, &T::Experiment, &obj(T::Organization, ORG)));
    assert_eq!(
        reason,
        DenialReason::NotCreatableHere,
        "owners may do anything, but not put an experiment outside a project"
    );
}

/// A deleted user (`deleted_at` on its row, at load or by a delta) is no member: denied everything, listed
/// by neither `principals` nor `who_can`, and its rows are not shown as grants someone else holds.
#[test]
fn deleted_users_are_no_members_and_their_rows_are_no_grants() {
    let mut doc = members();
    user_acl(&mut doc, "d1", DAVE, "delete", ("experiment", "E1"), None);
    let mut snap = load(&doc);
    allows(&snap, DAVE, P::Delete, T::Experiment, "E1");
    let nearest = |snap: &permeval::Snapshot| match snap.explain(TESTER, P::Delete, &obj(T::Experiment, "E1")).decision
    {
        permeval::Decision::Denied { nearest, .. } => nearest.iter().map(|p| p.acl_id.to_string()).collect::<Vec<_>>(),
        permeval::Decision::Allowed { .. } => vec!["allowed".into()],
    };
    assert_eq!(nearest(&snap), ["d1"]);
    let deleted = r#"[{"id": "U_DAVE", "deleted_at": "2026-11-28T10:00:00Z"}]"#;
    snap.upsert("users", deleted).expect("a user row");
    assert!(!snap.subject(DAVE).is_member());
    assert!(!snap.can(DAVE, P::Delete, &obj(T::Experiment, "E1")));
    assert!(snap.principals().all(|p| p.id != DAVE));
    assert!(!snap.who_can(P::Delete, &obj(T::Experiment, "E1")).contains(&DAVE));
    assert!(!nearest(&snap).contains(&"d1".to_owned()), "a deleted user's row is no grant");
    // The same document loaded fresh answers alike, without a warning for the rows naming the user.
    let fresh = load_clean(&serde_json::from_str(&snap.to_json()).expect("JSON"));
    assert!(!fresh.subject(DAVE).is_member());
    assert_eq!(nearest(&fresh), nearest(&snap));
}

/// An object of an unknown type reaches only the grants on itself, so nothing on a parent applies to a new
/// one: `effective_within` is empty for unknown types, however many rows name the type.
#[test]
fn nothing_is_held_within_a_parent_for_an_unknown_type() {
    let mut doc = members();
    user_acl(&mut doc, "o1", TESTER, "read", ("organization", ORG), None);
    add_object(&mut doc, "view", "V1", None);
    let snap = load(&doc);
    let me = snap.subject(TESTER);
    assert!(me.effective_within(&T::Experiment, &obj(T::Project, "P1")).allows(P::Read));
    assert!(me.effective_within(&T::from("view"), &obj(T::Project, "P1")).is_empty());
    assert!(me.effective_within(&T::from("widget"), &obj(T::Project, "P1")).is_empty());
    assert!(!snap.can(TESTER, P::Read, &obj(T::from("view"), "V1")));
}
