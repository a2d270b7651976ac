//! Checks leave the wasm memory the size it was after a warm-up round: a property, not a timing. This is the
//! small version, run in Node and Chromium on the debug build, through the exported classes; the 10-million
//! check run, with every string crossing the real JS glue, is `tests/js/memory.test.mjs` on the built package.

use js_sys::WebAssembly;
use permeval::wasm::{Snapshot, Subject};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use super::{FIXTURE, j, load};

const PRINCIPALS: [&str; 5] = ["U_ALICE", "U_BOB", "U_CAROL", "SA_CI", "U_NOBODY"];
const PERMISSIONS: [&str; 8] =
    ["create", "read", "update", "delete", "create_acls", "read_acls", "update_acls", "delete_acls"];
const OBJECTS: [(&str, &str); 9] = [
    ("experiment", "E1"),
    ("dataset", "D1"),
    ("project", "P1"),
    ("project_log", "P2"),
    ("project_group", "PG1"),
    ("organization", "O"),
    ("experiment", "E404"),
    ("dashboard", "DB1"),
    ("prompt", "é\u{202e}\u{0}"),
];

fn memory_bytes() -> u32 {
    wasm_bindgen::memory()
        .unchecked_into::<WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length()
}

/// `n` checks through `Snapshot::can` and `Subject::can`, with an explain, effective or batch call every
/// 100th; returns how many were allowed.
fn round(snap: &Snapshot, subjects: &[Subject], n: usize) -> usize {
    let mut allowed = 0;
    for i in 0..n {
        let p = i % PRINCIPALS.len();
        let permission = PERMISSIONS[i % PERMISSIONS.len()];
        let (object_type, id) = OBJECTS[i % OBJECTS.len()];
        let yes = if i % 2 == 1 {
            snap.can(j(PRINCIPALS[p]), j(permission), j(object_type), j(id))
        } else {
            subjects[p].can(j(permission), j(object_type), j(id))
        };
        if yes == Ok(true) {
            allowed += 1;
        }
        if i % 100 == 0 {
            match (i / 100) % 4 {
                0 => drop(snap.explain(j(PRINCIPALS[p]), j(permission), j(object_type), j(id))),
                1 => drop(snap.effective(j(PRINCIPALS[p]), j(object_type), j(id))),
                2 => drop(subjects[p].explain(j(permission), j(object_type), j(id))),
                _ => drop(subjects[p].effective_batch(j(object_type), super::js_strings(&["E1", "missing", id]))),
            }
        }
    }
    allowed
}

#[wasm_bindgen_test]
fn checks_leave_the_wasm_memory_as_it_was_after_warm_up() {
    let snap = load(FIXTURE);
    let subjects: Vec<Subject> = PRINCIPALS.iter().map(|p| snap.subject(j(p)).expect("subject")).collect();
    round(&snap, &subjects, 10_000);
    let after = memory_bytes();
    let checks = 200_000;
    let allowed = round(&snap, &subjects, checks);
    assert_eq!(memory_bytes(), after, "the wasm memory grew during the checks");
    assert!(allowed > 0 && allowed < checks, "allowed {allowed} of {checks}");
}
