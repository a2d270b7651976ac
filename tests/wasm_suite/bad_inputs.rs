//! The bad-input corpus (`tests/bad_inputs/`) through the wasm boundary: each document, as a string, as a
//! `Uint8Array` and in pieces through `SnapshotLoader`, must throw the `PermevalError` its manifest entry
//! names (in pieces, at the line and column a whole read gives) or load with exactly its warnings, and after
//! every one the same module must still load the fixture and answer it.
//!
//! The generated documents run at `Scale::Reduced` (256 KiB ids, 50k rows; nesting stays 100k deep): the
//! suite runs as a debug build, in Node and in Chromium, and the full sizes are run natively by
//! `tests/bad_inputs.rs`. The shapes, and so the code paths, are the same.

#[path = "../bad_inputs/corpus.rs"]
mod corpus;

use corpus::{Outcome, Scale, cases, checks, document, expected, name};
use js_sys::{Array, JSON, JsString, Uint8Array};
use permeval::wasm::{Snapshot, SnapshotLoader};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use super::{FIXTURE, describe, get, j, load, strings, text};

fn outcome(name: &str, loaded: &Result<Snapshot, JsValue>) -> Outcome {
    match loaded {
        Ok(snap) => Ok(Array::from(&snap.warnings()).iter().map(|w| (text(&w, "code"), text(&w, "path"))).collect()),
        Err(e) => {
            assert!(e.is_instance_of::<js_sys::Error>(), "{name}: threw a non-Error: {e:?}");
            assert_eq!(text(e, "name"), "PermevalError", "{name}: {}", describe(e));
            assert!(!text(e, "message").is_empty(), "{name}: an error without a message");
            Err((text(e, "code"), text(e, "path")))
        }
    }
}

fn run_checks(snap: &Snapshot, case: &Value) {
    for c in checks(case) {
        let at = format!("{}: {} {} {}/{}", name(case), c.principal, c.permission, c.object_type, c.id);
        assert_eq!(snap.can(j(c.principal), j(c.permission), j(c.object_type), j(c.id)), Ok(c.allowed), "{at}");
        assert_eq!(
            snap.subject(j(c.principal)).expect("subject").can(j(c.permission), j(c.object_type), j(c.id)),
            Ok(c.allowed),
            "{at}: subject"
        );
        let why = snap.explain(j(c.principal), j(c.permission), j(c.object_type), j(c.id)).expect("a known permission");
        assert_eq!(get(&why, "allowed"), JsValue::from_bool(c.allowed), "{at}: explain");
    }
}

/// After any document, good or bad, this module still loads the fixture and answers it.
#[track_caller]
fn fixture_still_answers(after: &str) {
    let snap = load(FIXTURE);
    assert_eq!(snap.can(j("U_BOB"), j("update"), j("experiment"), j("E1")), Ok(true), "after {after}");
    assert_eq!(snap.can(j("U_BOB"), j("create_acls"), j("project"), j("P1")), Ok(false), "after {after}");
    assert_eq!(
        snap.subject(j("U_CAROL")).expect("subject").can(j("update"), j("dataset"), j("D1")),
        Ok(false),
        "after {after}"
    );
    assert_eq!(
        strings(&snap.who_can(j("update_acls"), j("project"), j("P2")).expect("who")),
        ["U_ALICE"],
        "after {after}"
    );
}

#[wasm_bindgen_test]
fn every_bad_document_gives_its_error_or_warnings_across_the_boundary() {
    let cases = cases();
    assert!(cases.len() >= 40);
    for case in &cases {
        let name = name(case);
        let bytes = document(case, Scale::Reduced);
        let from_bytes = Snapshot::from_json(Uint8Array::from(bytes.as_slice()).into(), None);
        assert_eq!(outcome(name, &from_bytes), expected(case), "{name}: from a Uint8Array");
        if let Ok(snap) = &from_bytes {
            run_checks(snap, case);
        }
        fixture_still_answers(name);
        for size in piece_sizes(bytes.len()) {
            let in_pieces = load_in_pieces(&bytes, size);
            assert_eq!(outcome(name, &in_pieces), expected(case), "{name}: in pieces of {size} bytes");
            assert_eq!(position(&in_pieces), position(&from_bytes), "{name}: in pieces of {size} bytes");
            fixture_still_answers(name);
        }
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let from_text = Snapshot::from_json(JsValue::from_str(text), None);
            assert_eq!(outcome(name, &from_text), expected(case), "{name}: from a string");
            fixture_still_answers(name);
        }
    }
}

/// Pieces of 1 byte for small documents (every cut), of an odd size for all, and one piece of the whole
/// (more than the 64 KiB the binding copies at a time, for the big ones).
fn piece_sizes(len: usize) -> Vec<usize> {
    let mut sizes = vec![997, len.max(1)];
    if len <= 4096 {
        sizes.push(1);
    }
    sizes
}

/// Through the `SnapshotLoader` class: each piece a `Uint8Array`, as a stream hands them over.
fn load_in_pieces(bytes: &[u8], size: usize) -> Result<Snapshot, JsValue> {
    let mut loader = SnapshotLoader::new(None)?;
    for piece in bytes.chunks(size) {
        loader.push(Uint8Array::from(piece).into())?;
    }
    loader.finish()
}

/// The line and column of a thrown syntax error.
fn position(loaded: &Result<Snapshot, JsValue>) -> Option<(JsValue, JsValue)> {
    loaded.as_ref().err().map(|e| (get(e, "line"), get(e, "column")))
}

/// A JS object goes through `JSON.stringify` first, which reads documents differently (a repeated key
/// keeps its last value, a number beyond f64 becomes `null`): the answers may differ from the text's, but
/// each document must load or throw a `PermevalError`, and the module must live on.
#[wasm_bindgen_test]
fn bad_documents_as_js_objects_never_trap() {
    for case in cases() {
        let name = name(&case);
        let Ok(text) = String::from_utf8(document(&case, Scale::Reduced)) else { continue };
        let Ok(object) = JSON::parse(&text) else { continue };
        let _ = outcome(name, &Snapshot::new(object, None));
        fixture_still_answers(name);
    }
}

/// A JS string can hold a lone surrogate, which no UTF-8 text can; it must not trap on the way in.
#[wasm_bindgen_test]
fn a_js_string_with_a_lone_surrogate_never_traps() {
    let lone = JSON::parse(r#""\ud800""#).expect("a JSON string").unchecked_into::<JsString>();
    let document = JsString::from(r#"{"org": {"id": "O"}, "users": [{"id": "U"#)
        .concat(&lone)
        .concat(&JsString::from(r#""}], "acls": []}"#));
    let _ = outcome("lone surrogate", &Snapshot::from_json(document.into(), None));
    fixture_still_answers("a lone surrogate");
}
