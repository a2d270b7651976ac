//! Property test of deltas (/work/notes/deltas-spec.md): for a random start document D and a random
//! sequence of delta calls, the snapshot after the calls answers every query exactly as a fresh load of
//! D' does, where D' is D normalised (`to_json()` of the loaded D) with each accepted call written into
//! it by the test's own model of the contract (`tests/live/mod.rs`). That model also decides, call by
//! call, whether the crate must accept or refuse, and with which code and path; a refused call must
//! leave the version, the document and the answers as they were. Finally `to_json()` of the snapshot
//! must list the same rows in the same order as D', and load to the same answers: when it is D' up to
//! what loading cannot tell apart (see `canonical`) that follows, otherwise it is loaded and compared
//! query by query. `SubjectKey`s taken before the first call must answer as the principal's id does
//! after the last.
//!
//! Start documents come from the differential test's generator (`tests/generator/mod.rs`), noise and
//! all: loading normalises them. Calls are Braintrust's write shapes (ACL batches, group and role PATCH
//! bodies, upserts of every section) and about one in five is invalid on purpose; they are drawn by
//! `tests/calls/mod.rs`, and the queries compared are those of `tests/queries/mod.rs`, both shared with
//! the same property through the wasm boundary (`tests/wasm_suite/deltas.rs`).
//!
//! Every sequence has its own seed (`BASE_SEED` mixed with its index). A failure prints the seed, the
//! start document, the calls and the first differing query; `PERMEVAL_DELTAS_ONLY=<sequence index>`
//! replays one sequence. The work is split into shards (separate `#[test]` functions) that run in
//! parallel.

mod calls;
mod generator;
mod live;
mod queries;
// Only its lists of names are used here.
#[allow(dead_code)]
mod reference;

use std::sync::atomic::{AtomicUsize, Ordering};

use calls::Sequence;
use generator::CHILD_TYPES;
use live::{Call, Rejection};
use permeval::{ObjectRef, PermissionSet, Snapshot, SubjectKey};
use queries::{Scope, ask, compare_all};
use serde_json::{Map, Value, json};

const SEQUENCES: usize = 2_000;
const SHARDS: usize = 4;

/// Every principal's effective permissions on every target: what a refused call must leave alone.
fn fingerprint(snap: &Snapshot, scope: &Scope) -> Vec<PermissionSet> {
    let mut out = Vec::new();
    for p in &scope.principals {
        for (t, id) in &scope.targets {
            out.push(snap.effective(p, &ObjectRef::parse(t, id)));
        }
    }
    out
}

/// The rows of a document as section → keys in order: what `to_json` must list, where.
fn layout(doc: &Value) -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    for s in ["users", "service_accounts", "groups", "roles", "projects", "project_groups", "acls"] {
        out.push((s, live::ids(doc, s)));
    }
    out.push(("objects", live::object_keys(doc).into_iter().map(|(t, id)| format!("{t}/{id}")).collect()));
    out
}

/// The fields loading reads, per section (decisions.md; `deleted_at` of users and service accounts per
/// deltas-spec.md).
const READ_FIELDS: [(&str, &[&str]); 8] = [
    ("users", &["id", "deleted_at"]),
    ("service_accounts", &["id", "deleted_at"]),
    ("groups", &["id", "org_id", "deleted_at", "member_users", "member_groups"]),
    ("roles", &["id", "org_id", "deleted_at", "member_permissions", "member_roles"]),
    ("projects", &["id", "org_id", "deleted_at"]),
    ("project_groups", &["id", "org_id", "deleted_at", "member_projects"]),
    ("objects", &["type", "id", "project_id", "deleted_at"]),
    (
        "acls",
        &[
            "id",
            "object_type",
            "object_id",
            "_object_org_id",
            "user_id",
            "group_id",
            "permission",
            "role_id",
            "restrict_object_type",
        ],
    ),
];

/// A document reduced to what loading can tell apart: only the fields it reads; null, absent and empty
/// lists alike; a deleted row as its key and the mark (its other fields are not read); `project_id`
/// only where it places an object; `_object_org_id` only when it is not the org.
fn canonical(doc: &Value) -> Value {
    let org = live::org_id(doc);
    let mut out = Map::new();
    out.insert("org".into(), json!(org));
    for key in ["generated_at", "expires_at"] {
        if let Some(v) = doc.get(key).filter(|v| !v.is_null()) {
            out.insert(key.into(), v.clone());
        }
    }
    for (section, fields) in READ_FIELDS {
        let rows: Vec<Value> = live::section(doc, section)
            .iter()
            .map(|row| {
                let mut keep = Map::new();
                let deleted = row.get("deleted_at").is_some_and(|d| !d.is_null());
                for &f in fields {
                    let Some(v) = row.get(f) else { continue };
                    let unread = match f {
                        "id" | "type" => false,
                        "deleted_at" => !deleted,
                        _ if deleted => true,
                        "project_id" => !CHILD_TYPES.contains(&row["type"].as_str().unwrap_or_default()),
                        "_object_org_id" => v.as_str() == Some(org.as_str()),
                        _ => v.is_null() || v.as_array().is_some_and(Vec::is_empty),
                    };
                    if unread {
                        continue;
                    }
                    let v = match f {
                        "deleted_at" => json!(true),
                        "member_permissions" => Value::Array(
                            v.as_array()
                                .into_iter()
                                .flatten()
                                .map(|e| {
                                    let restrict = e.get("restrict_object_type").filter(|r| !r.is_null());
                                    json!({"permission": e.get("permission"), "restrict_object_type": restrict})
                                })
                                .collect(),
                        ),
                        _ => v.clone(),
                    };
                    keep.insert(f.into(), v);
                }
                Value::Object(keep)
            })
            .collect();
        out.insert(section.into(), Value::Array(rows));
    }
    Value::Object(out)
}

// ---------------------------------------------------------------------------------------------------
// The runs.

fn run(snap: &mut Snapshot, call: &Call) -> Result<(), permeval::SnapshotError> {
    match call {
        Call::AclBatch { body } => snap.apply_acl_batch(body),
        Call::PatchGroup { id, body } => snap.patch_group(id, body),
        Call::PatchRole { id, body } => snap.patch_role(id, body),
        Call::Upsert { section, rows } => snap.upsert(section, rows),
    }
}

fn load(text: &str, what: &str) -> Snapshot {
    Snapshot::from_json(text).unwrap_or_else(|e| panic!("{what} does not load: {e} ({})\n{text}", e.code().as_str()))
}

#[derive(Default)]
struct Totals {
    sequences: usize,
    calls: usize,
    rejected: usize,
    queries: usize,
    /// Sequences whose `to_json()` is the model's document up to what loading cannot tell apart.
    same_documents: usize,
}

fn check_sequence(index: usize, totals: &mut Totals) {
    let Sequence { seed, start, length, calls: mut gen_calls } = Sequence::new(index);
    let mut snap = load(&start, "the start document");
    let mut model: Value = serde_json::from_str(&snap.to_json()).expect("to_json writes JSON");
    let first = model.clone();
    // Keys taken before any delta must stay valid and see the new answers (deltas-spec.md, Subjects).
    let keys: Vec<(String, SubjectKey)> =
        snap.principals().map(|p| (p.id.to_owned(), snap.subject(p.id).key())).collect();
    let fail = |calls: &[Call], what: String| -> ! {
        panic!(
            "MISMATCH seed {seed:#x}, sequence {index}\n{what}\n\
             calls so far: {calls:#?}\n\
             start document: {start}\n\
             replay: PERMEVAL_DELTAS_ONLY={index} cargo test --test deltas"
        )
    };
    let mut calls: Vec<Call> = Vec::new();
    for _ in 0..length {
        let call = gen_calls.next(&model);
        calls.push(call.clone());
        let expected = live::apply(&model, &call);
        let version = snap.version();
        match expected {
            Ok(next) => {
                if let Err(e) = run(&mut snap, &call) {
                    fail(
                        &calls,
                        format!(
                            "the last call was refused ({}, path `{}`: {e}); the model accepts it",
                            e.code().as_str(),
                            e.path()
                        ),
                    );
                }
                if snap.version() != version + 1 {
                    fail(&calls, format!("version {} after an accepted call, was {version}", snap.version()));
                }
                model = next;
            }
            Err(Rejection { code, path }) => {
                totals.rejected += 1;
                let scope = Scope::of(&[&model]);
                let before = fingerprint(&snap, &scope);
                let text = snap.to_json();
                match run(&mut snap, &call) {
                    Ok(()) => fail(
                        &calls,
                        format!("the last call was accepted; the model refuses it with {code} at {path:?}"),
                    ),
                    Err(e) => {
                        let same_path = path.as_deref().is_none_or(|p| p == e.path());
                        if e.code().as_str() != code || !same_path {
                            fail(
                                &calls,
                                format!(
                                    "the last call was refused with {} at `{}` ({e}); the model expects {code} at {path:?}",
                                    e.code().as_str(),
                                    e.path()
                                ),
                            );
                        }
                    }
                }
                if snap.version() != version || snap.to_json() != text || fingerprint(&snap, &scope) != before {
                    fail(&calls, "a refused call changed the snapshot (version, to_json or answers)".into());
                }
            }
        }
        totals.calls += 1;
    }

    let written = snap.to_json();
    // The document loads to a snapshot that writes it again, byte for byte (the deltas fuzz target found
    // a deleted role's patched permissions written though loading never reads them).
    let rewritten = load(&written, "to_json()").to_json();
    if rewritten != written {
        fail(&calls, format!("to_json() is not a fixed point:\n  written:   {written}\n  rewritten: {rewritten}"));
    }
    let written_doc: Value = serde_json::from_str(&written).expect("to_json writes JSON");
    if layout(&written_doc) != layout(&model) {
        fail(
            &calls,
            format!("to_json lists other rows:\n  to_json: {:?}\n  model: {:?}", layout(&written_doc), layout(&model)),
        );
    }
    let scope = Scope::of(&[&first, &model]);
    let expected = load(&model.to_string(), "the model's document");
    match compare_all(|q| Ok(ask(&snap, q)), |q| ask(&expected, q), &scope) {
        Ok(q) => totals.queries += q,
        Err(e) => fail(&calls, format!("{e}\nmodel document: {model}")),
    }
    for (id, key) in &keys {
        for (t, object_id) in &scope.targets {
            let obj = ObjectRef::parse(t, object_id);
            let (by_key, by_id) = (snap.subject_by_key(*key).effective(&obj), snap.subject(id).effective(&obj));
            if by_key != by_id {
                fail(
                    &calls,
                    format!(
                        "the SubjectKey of {id} taken before the deltas: {by_key:?} on {t}/{object_id}, by id {by_id:?}"
                    ),
                );
            }
            totals.queries += 1;
        }
    }
    // When to_json() writes the model's document up to what loading cannot tell apart, it loads to the
    // answers just compared; otherwise it is loaded and compared query by query.
    if canonical(&written_doc) == canonical(&model) {
        totals.same_documents += 1;
    } else {
        let reloaded = load(&written, "to_json()");
        match compare_all(|q| Ok(ask(&reloaded, q)), |q| ask(&snap, q), &scope) {
            Ok(q) => totals.queries += q,
            Err(e) => fail(&calls, format!("to_json() loads to other answers: {e}\nto_json: {written}")),
        }
    }
    totals.sequences += 1;
}

static DONE_SHARDS: AtomicUsize = AtomicUsize::new(0);
static TOTAL_SEQUENCES: AtomicUsize = AtomicUsize::new(0);
static TOTAL_CALLS: AtomicUsize = AtomicUsize::new(0);
static TOTAL_REJECTED: AtomicUsize = AtomicUsize::new(0);
static TOTAL_QUERIES: AtomicUsize = AtomicUsize::new(0);
static TOTAL_SAME_DOCUMENTS: AtomicUsize = AtomicUsize::new(0);

fn run_shard(shard: usize) {
    let only: Option<usize> = std::env::var("PERMEVAL_DELTAS_ONLY").ok().and_then(|v| v.parse().ok());
    let mut t = Totals::default();
    for index in (shard..SEQUENCES).step_by(SHARDS) {
        if only.is_none_or(|o| o == index) {
            check_sequence(index, &mut t);
        }
    }
    let report = |t: &Totals| {
        format!(
            "{} sequences, {} calls ({} refused), {} queries compared; to_json() written as the model's document \
             in {} sequences (loaded and compared query by query in the others)",
            t.sequences, t.calls, t.rejected, t.queries, t.same_documents
        )
    };
    eprintln!("deltas shard {shard}: {}", report(&t));
    let add = |total: &AtomicUsize, n: usize| total.fetch_add(n, Ordering::SeqCst) + n;
    let all = Totals {
        sequences: add(&TOTAL_SEQUENCES, t.sequences),
        calls: add(&TOTAL_CALLS, t.calls),
        rejected: add(&TOTAL_REJECTED, t.rejected),
        queries: add(&TOTAL_QUERIES, t.queries),
        same_documents: add(&TOTAL_SAME_DOCUMENTS, t.same_documents),
    };
    if DONE_SHARDS.fetch_add(1, Ordering::SeqCst) + 1 == SHARDS {
        eprintln!("deltas total: {}", report(&all));
    }
}

#[test]
fn deltas_shard_0() {
    run_shard(0);
}

#[test]
fn deltas_shard_1() {
    run_shard(1);
}

#[test]
fn deltas_shard_2() {
    run_shard(2);
}

#[test]
fn deltas_shard_3() {
    run_shard(3);
}
