//! The permission-group editor's checkboxes (spec §2.2, mapped by §2.3), filled in from effective
//! permissions on the §3.5 example and on the UI tuples of §2.3.

mod common;

use common::*;
use permeval::{Access, ObjectKind as K, OrgCapabilities};

const NONE: Access = Access { read: false, create: false, update: false, delete: false, manage_access: false };
const ALL: Access = Access { read: true, create: true, update: true, delete: true, manage_access: true };
const CRUD: Access = Access { manage_access: false, ..ALL };
const READ: Access = Access { read: true, ..NONE };

#[test]
fn owners_have_every_box() {
    let snap = load_clean(&fixture());
    let caps = snap.capabilities(ALICE);
    let every = OrgCapabilities {
        manage_settings: true,
        manage_members: true,
        remove_members: true,
        manage_access: true,
        read_audit_logs: true,
    };
    assert_eq!(caps.organization, every);
    assert_eq!(caps.all_projects, ALL);
    assert_eq!(caps.projects.iter().map(|p| p.id).collect::<Vec<_>>(), ["P1", "P2"]);
    for p in &caps.projects {
        assert_eq!(p.access, ALL);
        assert!(p.kinds.iter().all(|(_, a)| *a == ALL), "{p:?}");
    }
}

#[test]
fn engineers_crud_all_projects_without_org_boxes() {
    let snap = load_clean(&fixture());
    let caps = snap.capabilities(BOB);
    assert_eq!(caps.organization, OrgCapabilities::default());
    assert_eq!(caps.all_projects, CRUD, "create/update/delete from Engineers, read through Viewers");
    for p in &caps.projects {
        assert_eq!(p.access, CRUD);
        assert!(p.kinds.iter().all(|(_, a)| *a == CRUD));
    }
}

#[test]
fn a_role_on_one_project_fills_in_that_project_by_kind() {
    let snap = load_clean(&fixture());
    let caps = snap.capabilities(CAROL);
    assert_eq!(caps.organization, OrgCapabilities::default());
    assert_eq!(caps.all_projects, NONE);
    let p1 = &caps.projects[0];
    assert_eq!(p1.access, READ, "R_DS creates only experiments and datasets, so not on the project itself");
    assert_eq!(p1.kind(K::Experiments), Access { create: true, update: true, ..READ });
    assert_eq!(p1.kind(K::Datasets), Access { create: true, ..READ });
    for k in [K::Logs, K::Prompts, K::Playgrounds, K::Functions, K::Scorers, K::Classifiers] {
        assert_eq!(p1.kind(k), READ, "{k:?}");
    }
    // a14: read on PG1 (= {P2}) restricted to project_log.
    let p2 = &caps.projects[1];
    assert_eq!(p2.access, NONE);
    assert_eq!(p2.kind(K::Logs), READ);
    assert_eq!(p2.kind(K::Experiments), NONE);
}

#[test]
fn functions_scorers_and_classifiers_are_checked_as_prompts() {
    let mut doc = fixture();
    add_user(&mut doc, "U_T");
    user_acl(&mut doc, "a15", "U_T", "update", ("project", "P1"), Some("prompt"));
    let snap = load_clean(&doc);
    let p1 = snap.capabilities("U_T").projects[0].clone();
    for k in [K::Prompts, K::Functions, K::Scorers, K::Classifiers] {
        assert_eq!(p1.kind(k), Access { update: true, ..NONE }, "{k:?}");
    }
    assert_eq!(p1.kind(K::Playgrounds), NONE);
}

#[test]
fn org_column_boxes_follow_the_section_2_3_tuples() {
    let mut doc = fixture();
    for u in ["U_SET", "U_INV", "U_INV2", "U_RM", "U_AUD"] {
        add_user(&mut doc, u);
    }
    user_acl(&mut doc, "b1", "U_SET", "update", ("organization", ORG), Some("organization"));
    user_acl(&mut doc, "b2", "U_INV", "create", ("org_member", ORG), None);
    user_acl(&mut doc, "b3", "U_INV2", "create", ("organization", ORG), Some("org_member"));
    user_acl(&mut doc, "b4", "U_RM", "delete", ("org_member", ORG), None);
    user_acl(&mut doc, "b5", "U_AUD", "read", ("org_audit_logs", ORG), None);
    let snap = load_clean(&doc);
    let org = |u| snap.capabilities(u).organization;
    assert_eq!(org("U_SET"), OrgCapabilities { manage_settings: true, ..Default::default() });
    assert_eq!(snap.capabilities("U_SET").all_projects, NONE, "manage settings does not leak (case 16)");
    assert_eq!(org("U_INV"), OrgCapabilities { manage_members: true, ..Default::default() });
    assert_eq!(org("U_INV2"), OrgCapabilities { manage_members: true, ..Default::default() });
    assert_eq!(org("U_RM"), OrgCapabilities { remove_members: true, ..Default::default() });
    assert_eq!(org("U_AUD"), OrgCapabilities { read_audit_logs: true, ..Default::default() });
}

#[test]
fn deleted_projects_are_not_listed_and_non_members_have_nothing() {
    let mut doc = fixture();
    soft_delete(&mut doc, "projects", "P2");
    let snap = load_clean(&doc);
    assert_eq!(snap.capabilities(ALICE).projects.iter().map(|p| p.id).collect::<Vec<_>>(), ["P1"]);
    let nobody = snap.capabilities("U_NOBODY");
    assert_eq!((nobody.organization, nobody.all_projects), (OrgCapabilities::default(), NONE));
    assert!(nobody.projects.iter().all(|p| p.access == NONE && p.kinds.iter().all(|(_, a)| *a == NONE)));
}
