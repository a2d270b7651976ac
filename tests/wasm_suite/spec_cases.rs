//! Spec §5 cases through the wasm boundary: each entry of `tests/cases/spec_section5.json` (its `_format` says
//! how to read it) patches the §3.5 fixture with `serde_json`, loads the result through `Snapshot::from_json`
//! and runs every check through the exported methods, exactly as the JS glue calls them.

use super::{FIXTURE, j, load, text};
use js_sys::Array;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use wasm_bindgen_test::wasm_bindgen_test;

const CASES: &str = include_str!("../cases/spec_section5.json");

/// The entries of the case file.
fn cases() -> Vec<Value> {
    let file: Value = serde_json::from_str(CASES).expect("the case file is valid JSON");
    file["cases"].as_array().expect("`cases` is an array").clone()
}

fn str_of<'a>(v: &'a Value, key: &str, at: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{at}: `{key}` is not a string"))
}

/// A `[type, id]` pair.
fn pair<'a>(v: &'a Value, key: &str, at: &str) -> (&'a str, &'a str) {
    match v[key].as_array().map(Vec::as_slice) {
        Some([Value::String(t), Value::String(id)]) => (t, id),
        _ => panic!("{at}: `{key}` is not a [type, id] pair"),
    }
}

#[track_caller]
fn keys_within(v: &Value, allowed: &[&str], at: &str) -> Map<String, Value> {
    let map = v.as_object().unwrap_or_else(|| panic!("{at}: not an object")).clone();
    for key in map.keys() {
        assert!(allowed.contains(&key.as_str()), "{at}: unknown key `{key}`");
    }
    map
}

fn section<'a>(doc: &'a mut Value, name: &str, at: &str) -> &'a mut Vec<Value> {
    let obj = doc.as_object_mut().expect("the document is an object");
    let slot = obj.entry(name).or_insert_with(|| Value::Array(Vec::new()));
    if slot.is_null() {
        *slot = Value::Array(Vec::new());
    }
    slot.as_array_mut().unwrap_or_else(|| panic!("{at}: section `{name}` is not an array"))
}

/// The index of the one row of `rows` whose `id` is `id`.
fn only_row(rows: &[Value], id: &str, at: &str) -> usize {
    let hits: Vec<usize> = rows.iter().enumerate().filter(|(_, r)| r["id"] == id).map(|(i, _)| i).collect();
    match hits.as_slice() {
        [i] => *i,
        _ => panic!("{at}: {} rows have id `{id}`, not one", hits.len()),
    }
}

/// The fixture with `patch` applied: `add`, then `set`, then `remove`.
fn patched(patch: &Value, name: &str) -> Value {
    let mut doc: Value = serde_json::from_str(FIXTURE).expect("the fixture is valid JSON");
    let patch = keys_within(patch, &["add", "set", "remove"], &format!("{name} patch"));
    if let Some(add) = patch.get("add") {
        let add = add.as_object().unwrap_or_else(|| panic!("{name}: `add` is not an object"));
        for (sec, rows) in add {
            let at = format!("{name} add.{sec}");
            let rows = rows.as_array().unwrap_or_else(|| panic!("{at}: not an array"));
            section(&mut doc, sec, &at).extend(rows.iter().cloned());
        }
    }
    for (i, op) in patch.get("set").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let at = format!("{name} set[{i}]");
        keys_within(op, &["section", "id", "field", "value"], &at);
        let rows = section(&mut doc, str_of(op, "section", &at), &at);
        let row = only_row(rows, str_of(op, "id", &at), &at);
        let value = op.get("value").unwrap_or_else(|| panic!("{at}: no `value`")).clone();
        rows[row][str_of(op, "field", &at)] = value;
    }
    for (i, op) in patch.get("remove").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let at = format!("{name} remove[{i}]");
        keys_within(op, &["section", "id"], &at);
        let rows = section(&mut doc, str_of(op, "section", &at), &at);
        let row = only_row(rows, str_of(op, "id", &at), &at);
        rows.remove(row);
    }
    doc
}

/// The snapshot's warnings as sorted `(code, path)` pairs.
fn warnings(snap: &permeval::wasm::Snapshot) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> =
        Array::from(&snap.warnings()).iter().map(|w| (text(&w, "code"), text(&w, "path"))).collect();
    list.sort();
    list
}

/// Runs one entry: its number of checks, and a line per failed check. (A malformed entry panics.)
fn run(case: &Value) -> (usize, Vec<String>) {
    let name = str_of(case, "name", "an entry");
    keys_within(case, &["name", "note", "patch", "checks"], name);
    let doc = patched(&case["patch"], name);
    let snap = load(&doc.to_string());
    let checks = case["checks"].as_array().unwrap_or_else(|| panic!("{name}: `checks` is not an array"));
    assert!(!checks.is_empty(), "{name}: no checks");
    let mut failures = Vec::new();
    if !checks.iter().any(|c| c.get("warnings").is_some()) && !warnings(&snap).is_empty() {
        failures.push(format!("{name}: the patched document loads with warnings {:?}", warnings(&snap)));
    }
    for (i, check) in checks.iter().enumerate() {
        let at = format!("{name} check[{i}] {check}");
        if let Some(expected) = check.get("warnings") {
            keys_within(check, &["warnings"], &at);
            let mut expected: Vec<(String, String)> = expected
                .as_array()
                .unwrap_or_else(|| panic!("{at}: `warnings` is not an array"))
                .iter()
                .map(|w| match w.as_array().map(Vec::as_slice) {
                    Some([Value::String(c), Value::String(p)]) => (c.clone(), p.clone()),
                    _ => panic!("{at}: a warning is not a [code, path] pair"),
                })
                .collect();
            expected.sort();
            let actual = warnings(&snap);
            if actual != expected {
                failures.push(format!("{at}: warnings (code, path) {actual:?}, expected {expected:?}"));
            }
            continue;
        }
        let who = str_of(check, "who", &at);
        let expect = check["expect"].as_bool().unwrap_or_else(|| panic!("{at}: `expect` is not a boolean"));
        let actual = if check.get("can").is_some() {
            keys_within(check, &["who", "can", "on", "expect"], &at);
            let (ty, id) = pair(check, "on", &at);
            match snap.can(j(who), j(str_of(check, "can", &at)), j(ty), j(id)) {
                Ok(allowed) => allowed,
                Err(e) => {
                    failures.push(format!("{at}: can threw {} {}", text(&e, "code"), text(&e, "message")));
                    continue;
                }
            }
        } else {
            keys_within(check, &["who", "create", "under", "expect"], &at);
            let (ty, id) = pair(check, "under", &at);
            match snap.can_create(j(who), j(str_of(check, "create", &at)), j(ty), j(id)) {
                Ok(allowed) => allowed,
                Err(e) => {
                    failures.push(format!("{at}: canCreate threw {} {}", text(&e, "code"), text(&e, "message")));
                    continue;
                }
            }
        };
        if actual != expect {
            failures.push(format!("{at}: got {actual}, expected {expect}"));
        }
    }
    (checks.len(), failures)
}

#[wasm_bindgen_test]
fn every_section_5_case_is_in_the_file() {
    let numbers: BTreeSet<u32> = cases()
        .iter()
        .map(|c| {
            let name = str_of(c, "name", "an entry");
            name.strip_prefix("case_")
                .and_then(|rest| rest.get(..2))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("`{name}` is not case_NN_<slug>"))
        })
        .collect();
    assert_eq!(numbers, (1..=23).collect::<BTreeSet<u32>>(), "§5 case numbers in tests/cases/spec_section5.json");
    let names: BTreeSet<String> = cases().iter().map(|c| str_of(c, "name", "an entry").to_owned()).collect();
    assert_eq!(names.len(), cases().len(), "entry names are unique");
}

/// Runs the entry named `name`, failing once with every check of it that did not hold.
fn run_entry(name: &str) {
    let found: Vec<Value> = cases().into_iter().filter(|c| c["name"] == name).collect();
    assert_eq!(found.len(), 1, "{name}: entries with this name in the case file");
    let (checks, failures) = run(&found[0]);
    assert!(failures.is_empty(), "{} of {checks} checks failed:\n{}", failures.len(), failures.join("\n"));
}

/// One `#[wasm_bindgen_test]` per entry of the case file, named after it.
macro_rules! entries {
    ($($name:ident),* $(,)?) => {
        /// The entries that have a test, in file order.
        const TESTED: &[&str] = &[$(stringify!($name)),*];
        $(
            #[wasm_bindgen_test]
            fn $name() {
                run_entry(stringify!($name));
            }
        )*
    };
}

entries! {
    case_01_owner_is_unrestricted,
    case_02_engineers_crud_projects_no_access_management,
    case_03_viewers_read_only,
    case_04_nested_group,
    case_04_without_the_nesting,
    case_05_additive_cannot_restrict_down,
    case_06_union_across_groups,
    case_07_role_expansion_and_restrict_object_type,
    case_08_service_account_is_a_user,
    case_09_restricted_direct_grant,
    case_10_project_group_cascade,
    case_10_holding_only_a14,
    case_10_without_the_restriction,
    case_11_project_group_membership_change,
    case_12_org_level_cascade_covers_future_projects,
    case_13_object_scoped_grant,
    case_13_with_unrestricted_project_read,
    case_14_group_administration_is_not_group_membership,
    case_15_audit_logs,
    case_16_manage_settings_does_not_leak,
    case_17_list_org_gate,
    case_18_creator_grant,
    case_18_with_that_acl_removed,
    case_19_role_chain,
    case_20_cycle_safety,
    case_21_deleted_objects,
    case_22_invalid_acl_row,
    case_23_non_member,
}

#[wasm_bindgen_test]
fn every_entry_has_a_test() {
    let names: Vec<String> = cases().iter().map(|c| str_of(c, "name", "an entry").to_owned()).collect();
    assert_eq!(names, TESTED, "the entries! list names every entry of tests/cases/spec_section5.json, in order");
}
