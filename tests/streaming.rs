//! Loading is one pass that hands each row to the index as it is read (`src/index/build.rs`), and
//! [`SnapshotLoader`] runs that pass over a document given in pieces. Two properties keep both honest:
//!
//! - **Pieces change nothing.** A document given in pieces, cut anywhere, loads exactly as it loads
//!   whole: the same snapshot (`to_json`), the same warnings in the same order, or the same error with
//!   the same path, line and column. Checked on generated snapshots, on broken documents, and on the
//!   bad-input corpus.
//! - **Section order changes nothing** but the order of warnings. Rows that arrive before a section
//!   they depend on wait and are entered at the end; a snapshot whose sections come in any order answers
//!   every query as the same document in the usual order does.

mod common;
mod generator;
// The generator draws its permission and type names from the reference model; nothing else of it is used.
#[allow(dead_code)]
mod reference;

// Its documents are used here; what each must give is `bad_inputs.rs`'s to check.
#[allow(dead_code)]
#[path = "bad_inputs/corpus.rs"]
mod corpus;

use common::FIXTURE;
use generator::{CHILD_IDS, CHILD_TYPES, Gen, ORG, ORG_WIDE, PROJECT_GROUPS, PROJECTS, Rng, SERVICE_ACCOUNTS, USERS};
use permeval::{LoadOptions, ObjectRef, ObjectType, Snapshot, SnapshotError, SnapshotLoader, Warning};
use serde_json::Value;

/// What a load gave, comparable as a whole.
#[derive(Debug, PartialEq)]
enum Outcome {
    Loaded { json: String, warnings: Vec<Warning> },
    Failed(SnapshotError),
}

fn outcome(result: Result<Snapshot, SnapshotError>) -> Outcome {
    match result {
        Ok(snap) => Outcome::Loaded { json: snap.to_json(), warnings: snap.warnings().to_vec() },
        Err(e) => Outcome::Failed(e),
    }
}

/// Loads `doc` given as the pieces `cuts` makes of it (offsets, ascending). A piece that fails stops the
/// load, as a caller would; the error is the outcome.
fn in_pieces(doc: &[u8], cuts: &[usize]) -> Outcome {
    let mut loader = SnapshotLoader::new(&LoadOptions::default());
    let mut start = 0;
    for &cut in cuts.iter().chain(std::iter::once(&doc.len())) {
        if let Err(e) = loader.push(&doc[start..cut]) {
            // Once failed, a loader keeps failing with the same error.
            assert_eq!(loader.push(b"{}").err(), Some(e.clone()));
            return Outcome::Failed(e);
        }
        start = cut;
    }
    outcome(loader.finish())
}

/// Random cut offsets: `pieces - 1` of them, sorted, duplicates allowed (an empty piece is a piece).
fn random_cuts(rng: &mut Rng, len: usize, pieces: usize) -> Vec<usize> {
    let mut cuts: Vec<usize> = (1..pieces).map(|_| rng.below(len + 1)).collect();
    cuts.sort_unstable();
    cuts
}

/// Checks `doc` against its whole load: one-byte pieces, random pieces, and (for short documents) every
/// cut into two.
fn check_pieces(rng: &mut Rng, doc: &[u8], label: &str) -> usize {
    let whole = outcome(Snapshot::from_slice(doc));
    let shown = || String::from_utf8_lossy(doc).into_owned();
    let mut runs = 0;
    let ones: Vec<usize> = (1..doc.len()).collect();
    assert_eq!(in_pieces(doc, &ones), whole, "{label}: one-byte pieces\n{}", shown());
    runs += 1;
    for _ in 0..4 {
        let pieces = 2 + rng.below(12);
        let cuts = random_cuts(rng, doc.len(), pieces);
        assert_eq!(in_pieces(doc, &cuts), whole, "{label}: cut at {cuts:?}\n{}", shown());
        runs += 1;
    }
    if doc.len() <= 600 {
        for cut in 0..=doc.len() {
            assert_eq!(in_pieces(doc, &[cut]), whole, "{label}: cut at {cut}\n{}", shown());
            runs += 1;
        }
    }
    runs
}

/// The sections of a generated document as `(key, value)` pairs, in the order the API writes them.
fn sections(doc: &Value) -> Vec<(String, Value)> {
    const ORDER: &[&str] =
        &["org", "users", "service_accounts", "groups", "roles", "projects", "project_groups", "objects", "acls"];
    let Value::Object(map) = doc else { panic!("a generated document is an object") };
    let mut out: Vec<(String, Value)> = map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    out.sort_by_key(|(k, _)| ORDER.iter().position(|o| o == k).unwrap_or(ORDER.len()));
    out
}

/// A document of `sections`, in their order, pretty-printed or not.
fn write(sections: &[(String, Value)], pretty: bool) -> String {
    let body: Vec<String> = sections
        .iter()
        .map(|(k, v)| {
            let v = if pretty { serde_json::to_string_pretty(v) } else { serde_json::to_string(v) };
            format!("{}: {}", Value::String(k.clone()), v.expect("a value writes"))
        })
        .collect();
    let sep = if pretty { ",\n  " } else { "," };
    format!("{{{}}}", body.join(sep))
}

fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

#[test]
fn pieces_give_what_the_whole_gives_on_generated_snapshots() {
    let mut rng = Rng::new(0x5EED_0501);
    let mut runs = 0;
    for case in 0..300u64 {
        let mut generator = Gen::new(0x51CE_0000 + case);
        let mut parts = sections(&generator.document());
        shuffle(&mut rng, &mut parts);
        let doc = write(&parts, case % 3 == 0);
        runs += check_pieces(&mut rng, doc.as_bytes(), &format!("snapshot {case}"));
    }
    runs += check_pieces(&mut rng, FIXTURE.as_bytes(), "the fixture");
    assert!(runs > 1_500, "{runs} loads");
}

#[test]
fn pieces_give_what_the_whole_gives_on_broken_documents() {
    let mut rng = Rng::new(0x5EED_0502);
    let seed = FIXTURE.as_bytes();
    let mut failed = 0;
    for case in 0..400 {
        // Break the fixture: cut it short, or drop, double or replace a span.
        let mut doc = seed.to_vec();
        let at = rng.below(doc.len());
        match rng.below(4) {
            0 => doc.truncate(at),
            1 => {
                doc.drain(at..(at + 1 + rng.below(6)).min(doc.len()));
            }
            2 => {
                let span = doc[at..(at + 1 + rng.below(30)).min(doc.len())].to_vec();
                doc.splice(at..at, span);
            }
            _ => {
                const JUNK: &[&[u8]] = &[
                    b"\\ud83d",
                    b"\xc3",
                    b"1e",
                    b"1e999",
                    b"123456789012345678901234567890123456789e400",
                    b"nul",
                    b"\"",
                    b"]",
                    b"\n\n",
                ];
                let junk = JUNK[rng.below(JUNK.len())];
                doc.splice(at..at, junk.iter().copied());
            }
        }
        let whole = outcome(Snapshot::from_slice(&doc));
        failed += usize::from(matches!(whole, Outcome::Failed(_)));
        for _ in 0..3 {
            let pieces = 2 + rng.below(40);
            let cuts = random_cuts(&mut rng, doc.len(), pieces);
            assert_eq!(
                in_pieces(&doc, &cuts),
                whole,
                "case {case}: cut at {cuts:?}\n{}",
                String::from_utf8_lossy(&doc)
            );
        }
    }
    // Most broken documents fail to load; their errors had to match too.
    assert!(failed > 200, "{failed} of 400 failed");
}

#[test]
fn pieces_give_what_the_whole_gives_on_the_bad_input_corpus() {
    let mut rng = Rng::new(0x5EED_0503);
    for case in corpus::cases() {
        let doc = corpus::document(&case, corpus::Scale::Reduced);
        let name = corpus::name(&case);
        let whole = outcome(Snapshot::from_slice(&doc));
        for pieces in [2, 3, 17, 200] {
            let cuts = random_cuts(&mut rng, doc.len(), pieces);
            assert_eq!(in_pieces(&doc, &cuts), whole, "{name}: cut at {cuts:?}");
        }
    }
}

/// Every object a query can name in a generated snapshot, and a few it cannot.
fn objects() -> Vec<ObjectRef<'static>> {
    let mut out = Vec::new();
    for t in CHILD_TYPES.iter().chain(&["ai_secret", "dashboard"]) {
        for id in CHILD_IDS.iter().chain(&["AS0", "AS1"]) {
            out.push(ObjectRef::new(ObjectType::from(*t), id));
        }
    }
    for id in PROJECTS {
        out.push(ObjectRef::new(ObjectType::Project, id));
        out.push(ObjectRef::new(ObjectType::ProjectLog, id));
    }
    for id in PROJECT_GROUPS {
        out.push(ObjectRef::new(ObjectType::ProjectGroup, id));
    }
    for t in ORG_WIDE {
        out.push(ObjectRef::new(ObjectType::from(*t), ORG));
    }
    out
}

#[test]
fn section_order_changes_nothing_but_the_order_of_warnings() {
    let mut rng = Rng::new(0x5EED_0504);
    let objects = objects();
    let principals: Vec<&str> = USERS.iter().chain(SERVICE_ACCOUNTS).copied().collect();
    let sorted = |snap: &Snapshot| {
        let mut w: Vec<String> = snap.warnings().iter().map(|w| format!("{w:?}")).collect();
        w.sort();
        w
    };
    let mut waited = 0;
    for case in 0..400u64 {
        let mut generator = Gen::new(0x0DE2_0000 + case);
        let mut parts = sections(&generator.document());
        let usual = Snapshot::from_json(&write(&parts, false));
        for round in 0..3 {
            shuffle(&mut rng, &mut parts);
            let doc = write(&parts, false);
            let label = format!("snapshot {case}, round {round}\n{doc}");
            let other = Snapshot::from_json(&doc);
            let (usual, other) = match (&usual, &other) {
                (Ok(u), Ok(o)) => (u, o),
                (Err(u), Err(o)) => {
                    assert_eq!(u.code(), o.code(), "{label}");
                    continue;
                }
                _ => panic!("one order loads, the other does not: {usual:?} / {other:?}\n{label}"),
            };
            assert_eq!(other.to_json(), usual.to_json(), "{label}");
            assert_eq!(sorted(other), sorted(usual), "{label}");
            for p in &principals {
                for o in &objects {
                    assert_eq!(other.effective(p, o), usual.effective(p, o), "{p} on {o:?}\n{label}");
                }
            }
            let acls_first = parts.iter().position(|(k, _)| k == "acls")
                < parts.iter().position(|(k, _)| k == "users" || k == "groups" || k == "roles");
            waited += usize::from(acls_first);
        }
    }
    // The orders that make rows wait came up often.
    assert!(waited > 200, "{waited}");
}

/// A document whose ACLs collide on purpose: few ids, few grants, holders that exist and some that do
/// not. With `acls` before the sections they name, rows wait, and which row of an id or a grant comes
/// first is what must not change.
fn colliding(rng: &mut Rng) -> Vec<(String, Value)> {
    let pick = |rng: &mut Rng, xs: &[&str]| xs[rng.below(xs.len())].to_owned();
    let acls: Vec<Value> = (0..30)
        .map(|_| {
            let mut row = serde_json::Map::new();
            row.insert("id".into(), pick(rng, &["a0", "a1", "a2", "a3", "a4", "a5"]).into());
            let (t, o) = [("project", "P0"), ("organization", ORG), ("group", "G0")][rng.below(3)];
            row.insert("object_type".into(), t.into());
            row.insert("object_id".into(), o.into());
            let holder = pick(rng, &["U0", "U1", "S0", "U9", "G0", "G1", "G9"]);
            let key = if holder.starts_with('G') { "group_id" } else { "user_id" };
            row.insert(key.into(), holder.into());
            let grant = pick(rng, &["read", "update", "R0", "R9"]);
            let key = if grant.starts_with('R') { "role_id" } else { "permission" };
            row.insert(key.into(), grant.into());
            Value::Object(row)
        })
        .collect();
    let ids = |xs: &[&str]| Value::Array(xs.iter().map(|x| serde_json::json!({ "id": x, "org_id": ORG })).collect());
    vec![
        ("org".into(), serde_json::json!({ "id": ORG })),
        ("users".into(), ids(&["U0", "U1"])),
        ("service_accounts".into(), ids(&["S0"])),
        ("groups".into(), ids(&["G0", "G1"])),
        ("roles".into(), ids(&["R0"])),
        ("projects".into(), ids(&["P0"])),
        ("acls".into(), Value::Array(acls)),
    ]
}

#[test]
fn section_order_keeps_the_first_row_of_an_id_or_a_grant() {
    let mut rng = Rng::new(0x5EED_0505);
    for case in 0..500 {
        let mut parts = colliding(&mut rng);
        let usual = Snapshot::from_json(&write(&parts, false)).expect("the usual order loads");
        let mut warnings: Vec<String> = usual.warnings().iter().map(|w| format!("{w:?}")).collect();
        warnings.sort();
        for _ in 0..4 {
            shuffle(&mut rng, &mut parts);
            let doc = write(&parts, false);
            let other = Snapshot::from_json(&doc).expect("any order loads");
            assert_eq!(other.to_json(), usual.to_json(), "case {case}\n{doc}");
            let mut other_warnings: Vec<String> = other.warnings().iter().map(|w| format!("{w:?}")).collect();
            other_warnings.sort();
            assert_eq!(other_warnings, warnings, "case {case}\n{doc}");
        }
    }
}
