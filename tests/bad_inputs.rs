//! The bad-input corpus (`tests/bad_inputs/`), natively: every document gives exactly the error or the
//! warnings its manifest entry names, answers its checks, and loads alike from bytes and from text. The
//! generated documents run at full size here: ids of megabytes, 100k-deep nesting, a million rows.
//!
//! The same corpus runs through the wasm boundary in `tests/wasm_suite/bad_inputs.rs`.

mod common;
#[path = "bad_inputs/corpus.rs"]
mod corpus;

use std::collections::BTreeSet;

use common::FIXTURE;
use corpus::{FILES, Outcome, Scale, cases, checks, document, expected, generate, name};
use permeval::{ObjectRef, Permission, Snapshot, SnapshotError, Warning, WarningCode};
use serde_json::Value;

fn outcome(loaded: &Result<Snapshot, SnapshotError>) -> Outcome {
    match loaded {
        Ok(snap) => Ok(snap.warnings().iter().map(|w| (w.code().to_string(), w.path().to_owned())).collect()),
        Err(e) => Err((e.code().to_string(), e.path().to_owned())),
    }
}

fn run_checks(snap: &Snapshot, case: &Value) {
    for c in checks(case) {
        let permission: Permission = c.permission.parse().expect("a known permission");
        let object = ObjectRef::parse(c.object_type, c.id);
        let at = format!("{}: {} {} {}/{}", name(case), c.principal, c.permission, c.object_type, c.id);
        assert_eq!(snap.can(c.principal, permission, &object), c.allowed, "{at}");
        // The slow path agrees with the fast one on hostile documents too.
        assert_eq!(snap.explain(c.principal, permission, &object).allowed(), c.allowed, "{at}: explain");
    }
}

/// After any document, good or bad, the fixture still loads and answers.
#[track_caller]
fn fixture_still_answers(after: &str) {
    let snap = Snapshot::from_json(FIXTURE).unwrap_or_else(|e| panic!("after {after}: the fixture fails: {e}"));
    let e1 = ObjectRef::parse("experiment", "E1");
    assert!(snap.can("U_BOB", Permission::Update, &e1), "after {after}");
    assert!(!snap.can("U_BOB", Permission::CreateAcls, &ObjectRef::parse("project", "P1")), "after {after}");
    assert!(!snap.can("U_CAROL", Permission::Update, &ObjectRef::parse("dataset", "D1")), "after {after}");
    assert_eq!(snap.who_can(Permission::UpdateAcls, &ObjectRef::parse("project", "P2")), ["U_ALICE"], "after {after}");
}

#[test]
fn every_bad_document_gives_its_error_or_warnings() {
    let cases = cases();
    assert!(cases.len() >= 40, "the corpus has {} documents; the issue asks for at least 40", cases.len());
    for case in &cases {
        let name = name(case);
        let bytes = document(case, Scale::Full);
        let loaded = Snapshot::from_slice(&bytes);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            assert_eq!(outcome(&Snapshot::from_json(text)), outcome(&loaded), "{name}: text and bytes differ");
        }
        assert_eq!(outcome(&loaded), expected(case), "{name}");
        match &loaded {
            Ok(snap) => {
                run_checks(snap, case);
                to_json_loads_to_itself(snap, name);
            }
            Err(e) => assert!(!e.message().is_empty(), "{name}: an error without a message"),
        }
        fixture_still_answers(name);
    }
}

/// What `to_json` writes of a bad document loads without new warnings to a snapshot that writes it again:
/// rows marked dead by malformed fields stay dead, and nothing skipped comes back. (The `deltas` fuzz
/// target found a deleted row's `org_id` written back though loading never reads it.)
#[track_caller]
fn to_json_loads_to_itself(snap: &Snapshot, name: &str) {
    let written = snap.to_json();
    let again = Snapshot::from_json(&written).unwrap_or_else(|e| panic!("{name}: to_json does not load: {e}"));
    // Unknown type names and another org's groups, roles and projects are kept (with their warnings, as
    // rows that reach only themselves or grant nothing); nothing else is left to warn about.
    let kept = [WarningCode::UnknownObjectType, WarningCode::ForeignOrg];
    let other: Vec<_> = again.warnings().iter().filter(|w| !kept.contains(&w.code())).collect();
    assert_eq!(other, [] as [&Warning; 0], "{name}: to_json loads with warnings\n{written}");
    assert_eq!(again.to_json(), written, "{name}: to_json is not a fixed point");
}

#[test]
fn manifest_folder_and_file_list_agree() {
    let cases = cases();
    let in_manifest: Vec<&str> = cases.iter().filter_map(|c| c["file"].as_str()).collect();
    let unique: BTreeSet<&str> = in_manifest.iter().copied().collect();
    assert_eq!(unique.len(), in_manifest.len(), "a file is listed twice in the manifest");
    let compiled: BTreeSet<&str> = FILES.iter().map(|(f, _)| *f).collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad_inputs"))
        .expect("the corpus folder")
        .map(|entry| entry.expect("a folder entry").file_name().into_string().expect("a UTF-8 file name"))
        .filter(|f| f != "manifest.json" && f != "corpus.rs")
        .collect();
    let on_disk: BTreeSet<&str> = on_disk.iter().map(String::as_str).collect();
    assert_eq!(unique, on_disk, "manifest vs folder");
    assert_eq!(compiled, on_disk, "FILES in corpus.rs vs folder");
    for case in cases.iter().filter(|c| c["generate"].is_string()) {
        assert!(generate(name(case), Scale::Reduced).is_some(), "no generator `{}`", name(case));
    }
}
