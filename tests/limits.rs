//! Load limits: each of [`Limits`]' bounds, at the limit (loads) and one past it (`limit_exceeded`, naming
//! the limit and its value, with the path where it was hit); and the defaults, which must take any real
//! org.

mod common;

use common::*;
use permeval::{ErrorCode as E, Limits, LoadOptions, Permission as P, Snapshot, SnapshotError};
use serde_json::Value;

fn with_limits(limits: Limits) -> LoadOptions {
    LoadOptions { limits, ..LoadOptions::default() }
}

#[track_caller]
fn load_with(text: &str, limits: Limits) -> Result<Snapshot, SnapshotError> {
    let options = with_limits(limits);
    let from_bytes = Snapshot::from_slice_with(text.as_bytes(), &options);
    let from_text = Snapshot::from_json_with(text, &options);
    assert_eq!(from_text.as_ref().err(), from_bytes.as_ref().err(), "text and bytes load alike");
    from_text
}

/// Asserts a limit error: code, path, and a message naming the limit and its value.
#[track_caller]
fn assert_exceeded(result: Result<Snapshot, SnapshotError>, limit: &str, value: impl std::fmt::Display, path: &str) {
    let err = match result {
        Ok(snap) => panic!("expected `{limit}` to be exceeded, got {snap:?}"),
        Err(e) => e,
    };
    assert_eq!((err.code(), err.path()), (E::LimitExceeded, path), "{err}");
    assert!(err.message().contains(&format!("`{limit}` = {value}")), "{}", err.message());
}

#[test]
fn the_defaults_fit_the_benchmark_org() {
    let d = Limits::default();
    // benches/generate.mjs at 1M: 374 MB of JSON, 1M ACL rows, 500k objects, UUID ids, groups 3 deep.
    assert!(d.document_bytes >= 374_000_000);
    assert!(d.rows_per_array >= 1_000_000);
    assert!(d.id_bytes >= 36);
    assert!(d.group_depth >= 3 && d.role_depth >= 3);
    assert_base_answers(&Snapshot::from_json_with(FIXTURE, &LoadOptions::default()).expect("fixture loads"));
}

#[test]
fn document_bytes() {
    let limits = |n| Limits { document_bytes: n, ..Limits::default() };
    assert!(load_with(FIXTURE, limits(FIXTURE.len())).is_ok());
    assert_exceeded(load_with(FIXTURE, limits(FIXTURE.len() - 1)), "document_bytes", FIXTURE.len() - 1, "");
}

#[test]
fn rows_per_array_in_a_section() {
    let mut doc = empty_doc();
    for i in 0..3 {
        add_user(&mut doc, &format!("U_{i}"));
    }
    let users = rows(&mut doc, "users").len();
    let text = doc.to_string();
    let limits = |n| Limits { rows_per_array: n, ..Limits::default() };
    assert!(load_with(&text, limits(users)).is_ok());
    assert_exceeded(load_with(&text, limits(users - 1)), "rows_per_array", users - 1, &format!("users[{}]", users - 1));
}

#[test]
fn rows_per_array_path_names_the_list_entry() {
    let text = r#"{"org": {"id": "O"}, "users": [{"id": "U1"}],
        "groups": [{"id": "G", "org_id": "O", "member_users": ["U1", "U1", "U1"]}]}"#;
    let limits = |n| Limits { rows_per_array: n, ..Limits::default() };
    assert!(load_with(text, limits(3)).is_ok());
    assert_exceeded(load_with(text, limits(2)), "rows_per_array", 2, "groups[0].member_users[2]");
}

#[test]
fn id_bytes_in_fields_lists_and_nested_entries() {
    let long = "x".repeat(40);
    let limits = |n| Limits { id_bytes: n, ..Limits::default() };
    for (text, path) in [
        (format!(r#"{{"org": {{"id": "{long}"}}}}"#), "org.id".to_owned()),
        (
            format!(r#"{{"org": {{"id": "O"}}, "users": [{{"id": "U"}}, {{"id": "{long}"}}]}}"#),
            "users[1].id".to_owned(),
        ),
        (
            format!(r#"{{"org": {{"id": "O"}}, "groups": [{{"id": "G", "member_users": ["U", "{long}"]}}]}}"#),
            "groups[0].member_users[1]".to_owned(),
        ),
        (
            format!(
                r#"{{"org": {{"id": "O"}}, "roles": [{{"id": "R", "member_permissions": [{{"permission": "{long}"}}]}}]}}"#
            ),
            "roles[0].member_permissions[0]".to_owned(),
        ),
    ] {
        assert!(load_with(&text, limits(40)).is_ok(), "{text}");
        assert_exceeded(load_with(&text, limits(39)), "id_bytes", 39, &path);
    }
    // Timestamps are strings permeval reads, too.
    let text = format!(r#"{{"org": {{"id": "O"}}, "generated_at": "{long}"}}"#);
    assert_exceeded(load_with(&text, limits(39)), "id_bytes", 39, "generated_at");
}

#[test]
fn id_bytes_counts_bytes_not_characters_and_ignores_skipped_fields() {
    let limits = Limits { id_bytes: 8, ..Limits::default() };
    // "ééééé" is 5 characters, 10 bytes.
    let text = r#"{"org": {"id": "O"}, "users": [{"id": "ééééé"}]}"#;
    assert_exceeded(load_with(text, limits), "id_bytes", 8, "users[0].id");
    // A long field permeval does not read is skipped unread.
    let long = "x".repeat(10_000);
    let text = format!(r#"{{"org": {{"id": "O", "name": "{long}"}}, "users": [{{"id": "U", "email": "{long}"}}]}}"#);
    assert!(load_with(&text, limits).is_ok());
}

/// A chain of `n` groups: G0 is in G1, G1 in G2, …; U is a direct member of G0; G{n-1} may read the org.
fn group_chain(n: usize) -> Value {
    let mut doc = empty_doc();
    add_user(&mut doc, "U");
    for i in 0..n {
        let users: &[&str] = if i == 0 { &["U"] } else { &[] };
        let child = format!("G{}", i.wrapping_sub(1));
        let groups: Vec<&str> = if i == 0 { vec![] } else { vec![child.as_str()] };
        add_group(&mut doc, &format!("G{i}"), users, &groups);
    }
    group_acl(&mut doc, "a", &format!("G{}", n - 1), "read", ("organization", ORG), None);
    doc
}

#[test]
fn group_depth() {
    // Ten groups: G0 has nine levels of groups above it.
    let text = group_chain(10).to_string();
    let limits = |n| Limits { group_depth: n, ..Limits::default() };
    let snap = load_with(&text, limits(9)).expect("nine levels are within a limit of nine");
    allows(&snap, "U", P::Read, permeval::ObjectType::Organization, ORG);
    assert_exceeded(load_with(&text, limits(8)), "group_depth", 8, "groups[0]");
}

#[test]
fn group_depth_is_not_lengthened_by_a_cycle() {
    let mut doc = group_chain(4);
    // G3 lists G0 back: a cycle of four, three levels at most along shortest paths.
    set_member_groups(&mut doc, "G0", &["G3"]);
    let text = doc.to_string();
    assert!(load_with(&text, Limits { group_depth: 3, ..Limits::default() }).is_ok());
    assert_exceeded(load_with(&text, Limits { group_depth: 2, ..Limits::default() }), "group_depth", 2, "groups[0]");
}

#[test]
fn role_depth() {
    // R0 inherits R1, which inherits R2, …, R5 lists `read`.
    let mut doc = empty_doc();
    add_user(&mut doc, "U");
    for i in 0..6 {
        let perms: &[(&str, Option<&str>)] = if i == 5 { &[("read", None)] } else { &[] };
        let next = format!("R{}", i + 1);
        let inherits: Vec<&str> = if i == 5 { vec![] } else { vec![next.as_str()] };
        add_role(&mut doc, &format!("R{i}"), perms, &inherits);
    }
    role_acl(&mut doc, "a", To::User("U"), "R0", ("organization", ORG), None);
    let text = doc.to_string();
    let snap = load_with(&text, Limits { role_depth: 5, ..Limits::default() }).expect("five levels");
    allows(&snap, "U", P::Read, permeval::ObjectType::Organization, ORG);
    assert_exceeded(load_with(&text, Limits { role_depth: 4, ..Limits::default() }), "role_depth", 4, "roles[0]");
}

#[test]
fn a_hostile_chain_is_refused_by_the_default_depth() {
    // 2,000 nested groups would cost two million memberships; the default depth stops it at load.
    let text = group_chain(2_000).to_string();
    let err = Snapshot::from_json(&text).map(|_| ()).expect_err("too deep for the default");
    assert_eq!((err.code(), err.path()), (E::LimitExceeded, "groups[0]"));
}

#[test]
fn nesting_deeper_than_the_parser_allows_is_an_error_in_the_new_fields_too() {
    let open = "[".repeat(100_000);
    for field in ["generated_at", "expires_at"] {
        let text = format!(r#"{{"org": {{"id": "O"}}, "{field}": {open}"#);
        let err = Snapshot::from_json(&text).map(|_| ()).expect_err("too deep");
        assert_eq!((err.code(), err.path()), (E::NestingTooDeep, field));
    }
}

#[test]
fn after_a_limit_error_the_next_load_is_unaffected() {
    let tight = Limits { rows_per_array: 1, ..Limits::default() };
    assert!(load_with(FIXTURE, tight).is_err());
    assert_base_answers(&load_with(FIXTURE, Limits::default()).expect("loads"));
}

/// Rows that each cost a warning: `"acls": [0, 0, …]` is 2 bytes a row but a message and a path each.
fn bad_rows(n: usize) -> String {
    format!(r#"{{"org": {{"id": "O"}}, "users": [{{"id": "U"}}], "acls": [{}]}}"#, vec!["0"; n].join(","))
}

/// ACL rows that are well-formed but name a principal the snapshot lacks: warnings from the index build.
fn dangling_rows(n: usize) -> String {
    let rows: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id": "a{i}", "object_type": "organization", "object_id": "O", "user_id": "NOBODY{i}", "permission": "read"}}"#))
        .collect();
    format!(r#"{{"org": {{"id": "O"}}, "users": [{{"id": "U"}}], "acls": [{}]}}"#, rows.join(","))
}

#[test]
fn warnings_while_reading_rows() {
    let limits = Limits { warnings: 10, ..Limits::default() };
    let at_limit = load_with(&bad_rows(10), limits).expect("10 warnings are allowed");
    assert_eq!(at_limit.warnings().len(), 10);
    assert_exceeded(load_with(&bad_rows(11), limits), "warnings", 10, "acls[10]");
}

#[test]
fn warnings_while_building_the_index() {
    let limits = Limits { warnings: 10, ..Limits::default() };
    let at_limit = load_with(&dangling_rows(10), limits).expect("10 warnings are allowed");
    assert_eq!(at_limit.warnings().len(), 10);
    assert_exceeded(load_with(&dangling_rows(11), limits), "warnings", 10, "acls[10].user_id");
}

#[test]
fn a_million_bad_rows_are_refused_by_the_default() {
    // 2 MB of JSON that would otherwise record a million warnings (about 150 MB of them in wasm memory).
    let err = Snapshot::from_json(&bad_rows(1_000_000)).expect_err("refused");
    assert_eq!(err.code(), E::LimitExceeded);
    assert!(err.message().contains("`warnings` = 100000"), "{}", err.message());
    assert_eq!(err.path(), "acls[100000]");
}
