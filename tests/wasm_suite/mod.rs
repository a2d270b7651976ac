//! The wasm-bindgen-test suite, shared by `wasm_node.rs` (Node) and `wasm_browser.rs` (headless
//! Chromium): the exported `Snapshot` and `Subject` classes called across the JS boundary, with JS values
//! in and out, exactly as the generated glue calls them.

use js_sys::{Array, Function, JSON, Promise, Reflect, Uint8Array};
use permeval::wasm::{Snapshot, Subject};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

mod bad_inputs;
mod deltas;
mod hostile;
mod memory;
mod spec_cases;

pub(crate) const FIXTURE: &str = include_str!("../fixtures/spec_example.json");

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: i32);
}

/// Lets the event loop run one turn. A test that computes for long without it leaves the page silent:
/// ChromeDriver gives up on a renderer that does not answer for 30 s, and the runner then fails the whole
/// browser suite ("Timed out receiving message from renderer"). A timer, not a resolved promise, because
/// the driver's messages wait behind every microtask.
pub(crate) async fn next_turn() {
    let turn = Promise::new(&mut |resolve, _| set_timeout(&resolve, 0));
    // The timer only ever resolves.
    let _ = JsFuture::from(turn).await;
}

pub(crate) fn load(text: &str) -> Snapshot {
    match Snapshot::from_json(JsValue::from_str(text), None) {
        Ok(s) => s,
        Err(e) => panic!("load failed: {}", describe(&e)),
    }
}

/// A JS string, as the glue passes one.
pub(crate) fn j(s: &str) -> JsValue {
    JsValue::from_str(s)
}

fn js_strings(items: &[&str]) -> JsValue {
    items.iter().map(|s| JsValue::from_str(s)).collect::<Array>().into()
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
    let from_bytes = Snapshot::from_json(Uint8Array::from(FIXTURE.as_bytes()).into(), None).map_err(|e| describe(&e));
    let from_object = JSON::parse(FIXTURE).and_then(|d| Snapshot::new(d, None)).map_err(|e| describe(&e));
    for snap in [load(FIXTURE), from_bytes.expect("bytes"), from_object.expect("object")] {
        assert_eq!(snap.org_id(), "O");
        assert_eq!(Array::from(&snap.warnings()).length(), 0);
        assert_eq!(snap.can(j("U_BOB"), j("update"), j("experiment"), j("E1")), Ok(true));
        assert_eq!(snap.can(j("U_BOB"), j("create_acls"), j("project"), j("P1")), Ok(false));
    }
}

#[wasm_bindgen_test]
fn every_query_crosses_the_boundary() {
    let snap = load(FIXTURE);
    assert_eq!(
        strings(&snap.effective(j("U_CAROL"), j("experiment"), j("E1")).expect("effective")),
        ["create", "read", "update"]
    );
    assert_eq!(
        strings(&snap.effective(j("nobody"), j("experiment"), j("E1")).expect("effective")),
        Vec::<String>::new()
    );
    assert_eq!(snap.can_create(j("U_CAROL"), j("dataset"), j("project"), j("P1")), Ok(true));
    assert_eq!(snap.can_create(j("U_CAROL"), j("prompt"), j("project"), j("P1")), Ok(false));
    assert_eq!(strings(&snap.who_can(j("update_acls"), j("project"), j("P2")).expect("who")), ["U_ALICE"]);
    assert_eq!(strings(&snap.accessible(j("U_CAROL"), j("read"), j("project_log")).expect("acc")), ["P1", "P2"]);
    let principals = snap.principals();
    assert_eq!(principals.length(), 4);
    assert_eq!(text(&principals.get(3), "kind"), "service_account");

    let allowed = snap.explain(j("U_BOB"), j("read"), j("project"), j("P2")).expect("explain");
    assert_eq!(get(&allowed, "allowed"), JsValue::TRUE);
    let path = Array::from(&get(&allowed, "paths")).get(0);
    assert_eq!(text(&path, "aclId"), "a12");
    assert_eq!(text(&get(&path, "on"), "type"), "org_project");
    assert_eq!(strings(&get(&path, "groupChain")), ["G_ENG", "G_VIEW"]);
    assert_eq!(get(&path, "restriction"), JsValue::NULL);

    let denied = snap.explain(j("U_CAROL"), j("update"), j("dataset"), j("D1")).expect("explain");
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
        let me: Subject = snap.subject(j(principal)).expect("subject");
        assert_eq!(me.is_member(), principal != "nobody");
        for ty in ["experiment", "dataset", "project", "project_log", "project_group", "organization", "group"] {
            let masks = me.effective_batch(j(ty), js_strings(&ids)).expect("batch").to_vec();
            assert_eq!(masks.len(), ids.len());
            for (id, mask) in ids.iter().zip(&masks) {
                for (bit, p) in permissions.iter().enumerate() {
                    let single = snap.can(j(principal), j(p), j(ty), j(id)).expect("can");
                    assert_eq!(mask >> bit & 1 == 1, single, "{principal} {p} {ty}/{id}");
                    assert_eq!(me.can(j(p), j(ty), j(id)), Ok(single));
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
        match Snapshot::from_json(JsValue::from_str(text), None) {
            Ok(_) => panic!("{code}: loaded"),
            Err(e) => assert_error(&e, code, path),
        }
        assert_eq!(load(FIXTURE).can(j("U_BOB"), j("update"), j("experiment"), j("E1")), Ok(true), "after {code}");
    }
    match Snapshot::from_json(Uint8Array::from(&[0x7b, 0x22, 0xff, 0x22][..]).into(), None) {
        Ok(_) => panic!("invalid UTF-8 loaded"),
        Err(e) => assert_error(&e, "invalid_json", ""),
    }
    match Snapshot::from_json(JsValue::from_f64(1.0), None) {
        Ok(_) => panic!("a number loaded"),
        Err(e) => assert_error(&e, "wrong_type", ""),
    }
}

#[wasm_bindgen_test]
fn unknown_permissions_throw_on_every_method() {
    let snap = load(FIXTURE);
    let me = snap.subject(j("U_BOB")).expect("subject");
    let thrown = [
        snap.can(j("U_BOB"), j("raed"), j("project"), j("P1")).err(),
        snap.explain(j("U_BOB"), j("raed"), j("project"), j("P1")).err(),
        snap.who_can(j("raed"), j("project"), j("P1")).err(),
        snap.accessible(j("U_BOB"), j("raed"), j("project")).err(),
        me.can(j("raed"), j("project"), j("P1")).err(),
        me.accessible(j("raed"), j("project")).err(),
        me.explain(j("raed"), j("project"), j("P1")).err(),
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
    assert_eq!(snap.can(j("U_BOB"), j("read"), j("dashboard"), j("DB1")), Ok(true));
    assert_eq!(snap.can(j("U_BOB"), j("read"), j("dashboard"), j("DB2")), Ok(false));
    assert_eq!(snap.can(j("U_ALICE"), j("read"), j("dashboard"), j("DB1")), Ok(false));
    assert_eq!(snap.can(j("U_ALICE"), j("read"), j("widget"), j("W1")), Ok(false));
}

#[wasm_bindgen_test]
fn capabilities_cross_as_plain_objects() {
    let snap = load(FIXTURE);
    let caps = snap.capabilities(j("U_CAROL")).expect("capabilities");
    assert_eq!(get(&get(&caps, "organization"), "manageSettings"), JsValue::FALSE);
    assert_eq!(get(&get(&caps, "allProjects"), "read"), JsValue::FALSE);
    let p1 = Array::from(&get(&caps, "projects")).get(0);
    assert_eq!(text(&p1, "id"), "P1");
    let experiments = get(&get(&p1, "kinds"), "experiments");
    assert_eq!(get(&experiments, "update"), JsValue::TRUE);
    assert_eq!(get(&experiments, "manageAccess"), JsValue::FALSE);
    assert_eq!(get(&get(&get(&p1, "kinds"), "datasets"), "update"), JsValue::FALSE);
    let owner = snap.subject(j("U_ALICE")).expect("subject").capabilities();
    assert_eq!(get(&get(&owner, "organization"), "readAuditLogs"), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn arguments_of_the_wrong_type_throw_and_the_instance_keeps_answering() {
    let snap = load(FIXTURE);
    let me = snap.subject(j("U_BOB")).expect("subject");
    let number = JsValue::from_f64(7.0);
    let thrown = [
        (snap.can(number.clone(), j("read"), j("project"), j("P1")).err(), "principalId"),
        (snap.can(j("U_BOB"), JsValue::NULL, j("project"), j("P1")).err(), "permission"),
        (snap.can(j("U_BOB"), j("read"), JsValue::UNDEFINED, j("P1")).err(), "objectType"),
        (snap.can(j("U_BOB"), j("read"), j("project"), number.clone()).err(), "objectId"),
        (snap.effective(j("U_BOB"), j("project"), Array::new().into()).err(), "objectId"),
        (snap.can_create(j("U_BOB"), j("dataset"), j("project"), JsValue::TRUE).err(), "parentId"),
        (snap.explain(j("U_BOB"), j("read"), j("project"), number.clone()).err(), "objectId"),
        (snap.explain_create(j("U_BOB"), number.clone(), j("project"), j("P1")).err(), "childType"),
        (snap.who_can(j("read"), j("project"), JsValue::NULL).err(), "objectId"),
        (snap.accessible(number.clone(), j("read"), j("project")).err(), "principalId"),
        (snap.capabilities(JsValue::NULL).err(), "principalId"),
        (snap.subject(number.clone()).err(), "principalId"),
        (me.can(j("read"), j("project"), number.clone()).err(), "objectId"),
        (me.effective_batch(j("project"), number.clone()).err(), "objectIds"),
        (
            me.effective_batch(
                j("project"),
                js_strings(&["P1"]).unchecked_into::<Array>().concat(&Array::of1(&number)).into(),
            )
            .err(),
            "objectIds[1]",
        ),
        (me.explain_create(j("dataset"), j("project"), number.clone()).err(), "parentId"),
    ];
    for (e, path) in thrown {
        let e = e.unwrap_or_else(|| panic!("a non-string `{path}` must throw"));
        assert_error(&e, "wrong_type", path);
        assert!(text(&e, "message").contains("must be"), "{}", describe(&e));
    }
    assert_eq!(snap.can(j("U_BOB"), j("update"), j("experiment"), j("E1")), Ok(true));
    assert_eq!(me.can(j("update"), j("experiment"), j("E1")), Ok(true));
}

/// The number-based calls the package's JS classes make answer exactly as the string-based ones.
#[wasm_bindgen_test]
fn node_numbers_answer_as_ids_do() {
    let snap = load(FIXTURE);
    let names = strings(&Snapshot::permission_names());
    assert_eq!(names, ["create", "read", "update", "delete", "create_acls", "read_acls", "update_acls", "delete_acls"]);
    let objects =
        [("experiment", "E1"), ("dataset", "D1"), ("project", "P1"), ("project_log", "P2"), ("organization", "O")];
    for principal in ["U_ALICE", "U_BOB", "U_CAROL", "SA_CI"] {
        let number = snap.principal_number(j(principal)).expect("number");
        assert!(number >= 0, "{principal} is a member");
        let me = snap.subject(j(principal)).expect("subject");
        let mut nodes = Vec::new();
        for (ty, id) in objects {
            let node = snap.object_node(j(ty), j(id)).expect("node");
            assert_eq!(me.object_node(j(ty), j(id)), Ok(node));
            assert!(node >= 0, "{ty}/{id} has a node");
            let bits = snap.effective_of_node(number as u32, node as u32);
            assert_eq!(me.effective_of_node(node as u32), bits);
            for (bit, p) in names.iter().enumerate() {
                assert_eq!(
                    snap.can(j(principal), j(p), j(ty), j(id)),
                    Ok(bits >> bit & 1 == 1),
                    "{principal} {p} {ty}/{id}"
                );
            }
            nodes.push(node);
        }
        nodes.push(-1);
        let batch = me.effective_of_nodes(&nodes);
        assert_eq!(batch.len(), nodes.len());
        assert_eq!(batch.last(), Some(&0));
        assert_eq!(me.effective_of_node(u32::MAX), 0);
    }
    assert_eq!(snap.principal_number(j("nobody")), Ok(-1));
    assert_eq!(snap.object_node(j("experiment"), j("E404")), Ok(-1));
    assert_eq!(snap.effective_of_node(u32::MAX, 0), 0);
}
