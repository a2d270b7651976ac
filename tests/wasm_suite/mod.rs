//! The wasm-bindgen-test suite, shared by `wasm_node.rs` (Node) and `wasm_browser.rs` (headless
//! Chromium): the exported `Snapshot` and `Subject` classes called across the JS boundary, with JS values
//! in and out, exactly as the generated glue calls them.

use js_sys::{Array, JSON, Reflect, Uint8Array};
use permeval::wasm::{Snapshot, Subject};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

mod bad_inputs;
mod memory;
mod spec_cases;

pub(crate) const FIXTURE: &str = include_str!("../fixtures/spec_example.json");

pub(crate) fn load(text: &str) -> Snapshot {
    match Snapshot::from_json(JsValue::from_str(text)) {
        Ok(s) => s,
        Err(e) => panic!("load failed: {}", describe(&e)),
    }
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn text(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_default()
}

fn describe(e: &JsValue) -> String {
    format!("{} {} {}", text(e, "code"), text(e, "path"), text(e, "message"))
}

fn strings(v: &JsValue) -> Vec<String> {
    Array::from(v).iter().map(|s| s.as_string().unwrap_or_default()).collect()
}

/// Asserts a thrown value is a PermevalError with this code and path.
#[track_caller]
fn assert_error(e: &JsValue, code: &str, path: &str) {
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    assert_eq!(text(e, "name"), "PermevalError");
    assert_eq!((text(e, "code").as_str(), text(e, "path").as_str()), (code, path), "{}", describe(e));
    assert!(!text(e, "message").is_empty());
}

#[wasm_bindgen_test]
fn loads_from_text_bytes_and_object_alike() {
    let from_bytes = Snapshot::from_json(Uint8Array::from(FIXTURE.as_bytes()).into()).map_err(|e| describe(&e));
    let from_object = JSON::parse(FIXTURE).and_then(Snapshot::new).map_err(|e| describe(&e));
    for snap in [load(FIXTURE), from_bytes.expect("bytes"), from_object.expect("object")] {
        assert_eq!(snap.org_id(), "O");
        assert_eq!(Array::from(&snap.warnings()).length(), 0);
        assert_eq!(snap.can("U_BOB", "update", "experiment", "E1"), Ok(true));
        assert_eq!(snap.can("U_BOB", "create_acls", "project", "P1"), Ok(false));
    }
}

#[wasm_bindgen_test]
fn every_query_crosses_the_boundary() {
    let snap = load(FIXTURE);
    assert_eq!(strings(&snap.effective("U_CAROL", "experiment", "E1")), ["create", "read", "update"]);
    assert_eq!(strings(&snap.effective("nobody", "experiment", "E1")), Vec::<String>::new());
    assert!(snap.can_create("U_CAROL", "dataset", "project", "P1"));
    assert!(!snap.can_create("U_CAROL", "prompt", "project", "P1"));
    assert_eq!(strings(&snap.who_can("update_acls", "project", "P2").expect("who")), ["U_ALICE"]);
    assert_eq!(strings(&snap.accessible("U_CAROL", "read", "project_log").expect("acc")), ["P1", "P2"]);
    let principals = snap.principals();
    assert_eq!(principals.length(), 4);
    assert_eq!(text(&principals.get(3), "kind"), "service_account");

    let allowed = snap.explain("U_BOB", "read", "project", "P2").expect("explain");
    assert_eq!(get(&allowed, "allowed"), JsValue::TRUE);
    let path = Array::from(&get(&allowed, "paths")).get(0);
    assert_eq!(text(&path, "aclId"), "a12");
    assert_eq!(text(&get(&path, "on"), "type"), "org_project");
    assert_eq!(strings(&get(&path, "groupChain")), ["G_ENG", "G_VIEW"]);
    assert_eq!(get(&path, "restriction"), JsValue::NULL);

    let denied = snap.explain("U_CAROL", "update", "dataset", "D1").expect("explain");
    assert_eq!(get(&denied, "allowed"), JsValue::FALSE);
    assert_eq!(text(&denied, "reason"), "restricted_to_other_type");
    let nearest = Array::from(&get(&denied, "nearest")).get(0);
    assert_eq!(strings(&get(&nearest, "roleChain")), ["R_DS"]);
}

#[wasm_bindgen_test]
fn subject_batch_equals_single_checks() {
    let snap = load(FIXTURE);
    let ids = ["E1", "D1", "P1", "P2", "PG1", "O", "G_DS", "missing"];
    let permissions = ["create", "read", "update", "delete", "create_acls", "read_acls", "update_acls", "delete_acls"];
    for principal in ["U_ALICE", "U_BOB", "U_CAROL", "SA_CI", "nobody"] {
        let me: Subject = snap.subject(principal);
        assert_eq!(me.is_member(), principal != "nobody");
        for ty in ["experiment", "dataset", "project", "project_log", "project_group", "organization", "group"] {
            let masks = me.effective_batch(ty, ids.iter().map(|s| s.to_string()).collect()).to_vec();
            assert_eq!(masks.len(), ids.len());
            for (id, mask) in ids.iter().zip(&masks) {
                for (bit, p) in permissions.iter().enumerate() {
                    let single = snap.can(principal, p, ty, id).expect("can");
                    assert_eq!(mask >> bit & 1 == 1, single, "{principal} {p} {ty}/{id}");
                    assert_eq!(me.can(p, ty, id), Ok(single));
                }
            }
        }
    }
}

#[wasm_bindgen_test]
fn warnings_carry_code_and_path() {
    let snap = load(&FIXTURE.replace(
        r#""acls": ["#,
        r#""acls": [{"id": "w1", "object_type": "project", "object_id": "P1", "user_id": "U_BOB", "role_id": "R_NOPE"},"#,
    ));
    let warnings = Array::from(&snap.warnings());
    assert_eq!(warnings.length(), 1);
    assert_eq!(text(&warnings.get(0), "code"), "unknown_role");
    assert_eq!(text(&warnings.get(0), "path"), "acls[0].role_id");
}

#[wasm_bindgen_test]
fn bad_documents_throw_typed_errors_and_the_instance_still_answers() {
    let nested = format!(r#"{{"org": {{"id": "O"}}, "groups": [{{"id": "g", "member_users": {}"#, "[".repeat(100_000));
    let cases: [(&str, &str, &str); 7] = [
        (r#"{"org": {"id": "O"}, "acls": [1,"#, "invalid_json", "acls[1]"),
        (&nested, "nesting_too_deep", "groups[0]"),
        ("[]", "wrong_type", ""),
        (r#"{"org": {"id": "O"}, "acls": {}}"#, "wrong_type", "acls"),
        (r#"{"org": {"id": "O"}, "org": {"id": "O"}}"#, "duplicate_key", "org"),
        (r#"{"users": []}"#, "missing_org_id", "org.id"),
        (r#"{"org": {"id": ""}}"#, "missing_org_id", "org.id"),
    ];
    for (text, code, path) in cases {
        match Snapshot::from_json(JsValue::from_str(text)) {
            Ok(_) => panic!("{code}: loaded"),
            Err(e) => assert_error(&e, code, path),
        }
        assert_eq!(load(FIXTURE).can("U_BOB", "update", "experiment", "E1"), Ok(true), "after {code}");
    }
    match Snapshot::from_json(Uint8Array::from(&[0x7b, 0x22, 0xff, 0x22][..]).into()) {
        Ok(_) => panic!("invalid UTF-8 loaded"),
        Err(e) => assert_error(&e, "invalid_json", ""),
    }
    match Snapshot::from_json(JsValue::from_f64(1.0)) {
        Ok(_) => panic!("a number loaded"),
        Err(e) => assert_error(&e, "wrong_type", ""),
    }
}

#[wasm_bindgen_test]
fn unknown_permissions_throw_on_every_method() {
    let snap = load(FIXTURE);
    let me = snap.subject("U_BOB");
    let thrown = [
        snap.can("U_BOB", "raed", "project", "P1").err(),
        snap.explain("U_BOB", "raed", "project", "P1").err(),
        snap.who_can("raed", "project", "P1").err(),
        snap.accessible("U_BOB", "raed", "project").err(),
        me.can("raed", "project", "P1").err(),
        me.accessible("raed", "project").err(),
        me.explain("raed", "project", "P1").err(),
    ];
    for e in thrown {
        let e = e.expect("a typo must throw");
        assert_error(&e, "unknown_permission", "permission");
        assert!(text(&e, "message").contains("did you mean `read`?"));
    }
}

#[wasm_bindgen_test]
fn an_unknown_object_type_reaches_only_its_own_object() {
    let snap = load(&FIXTURE.replace(
        r#""acls": ["#,
        r#""acls": [{"id": "x1", "object_type": "dashboard", "object_id": "DB1", "user_id": "U_BOB", "permission": "read"},"#,
    ));
    assert_eq!(snap.can("U_BOB", "read", "dashboard", "DB1"), Ok(true));
    assert_eq!(snap.can("U_BOB", "read", "dashboard", "DB2"), Ok(false));
    assert_eq!(snap.can("U_ALICE", "read", "dashboard", "DB1"), Ok(false));
    assert_eq!(snap.can("U_ALICE", "read", "widget", "W1"), Ok(false));
}

#[wasm_bindgen_test]
fn capabilities_cross_as_plain_objects() {
    let snap = load(FIXTURE);
    let caps = snap.capabilities("U_CAROL");
    assert_eq!(get(&get(&caps, "organization"), "manageSettings"), JsValue::FALSE);
    assert_eq!(get(&get(&caps, "allProjects"), "read"), JsValue::FALSE);
    let p1 = Array::from(&get(&caps, "projects")).get(0);
    assert_eq!(text(&p1, "id"), "P1");
    let experiments = get(&get(&p1, "kinds"), "experiments");
    assert_eq!(get(&experiments, "update"), JsValue::TRUE);
    assert_eq!(get(&experiments, "manageAccess"), JsValue::FALSE);
    assert_eq!(get(&get(&get(&p1, "kinds"), "datasets"), "update"), JsValue::FALSE);
    let owner = snap.subject("U_ALICE").capabilities();
    assert_eq!(get(&get(&owner, "organization"), "readAuditLogs"), JsValue::TRUE);
}
