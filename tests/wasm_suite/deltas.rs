//! The delta property of `tests/deltas.rs` once through the wasm boundary: the same sequences (same seeds,
//! same calls, drawn by `tests/calls/mod.rs`), each call made on the exported `Snapshot` class exactly as
//! the JS glue makes it, with its body as JSON text or as the JS object `JSON.parse` makes of it (the wasm
//! layer writes objects back as text, so both must land alike).
//!
//! The model (`tests/live/mod.rs`) decides each call: an accepted one moves `version` by one; a refused
//! one throws a `PermevalError` with the model's code (and path, where the model fixes one) and leaves
//! `version` and `toJson()` as they were. After the last call the snapshot and a fresh
//! `fromJson(toJson())` are asked, through the wasm classes, every query of `tests/queries/mod.rs`, and
//! `Subject`s taken before the first call their membership, effective permissions and accessible ids; all
//! must answer as the native `permeval::Snapshot` loaded from the model's document does.
//!
//! Because the seeds are the native test's, a sequence that fails here but passes there
//! (`PERMEVAL_DELTAS_ONLY=<index> cargo test --test deltas`) points at the wasm layer. The totals are
//! printed with `-- --nocapture`.

#[path = "../calls/mod.rs"]
mod calls;
#[path = "../generator/mod.rs"]
mod generator;
#[path = "../live/mod.rs"]
#[allow(dead_code)]
mod live;
#[path = "../queries/mod.rs"]
mod queries;
// Only its lists of names are used here.
#[path = "../reference/mod.rs"]
#[allow(dead_code)]
mod reference;

use calls::Sequence;
use generator::{NON_MEMBER, Rng, SERVICE_ACCOUNTS, USERS};
use js_sys::{Array, JSON};
use live::{Call, Rejection};
use permeval::wasm::{Snapshot, Subject};
use permeval::{ObjectRef, ObjectType, Permission, PermissionSet};
use queries::{Answer, Query, Scope, ask, compare_all, permission};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

use super::{describe, get, j, load, next_turn, strings, text};

/// The first this many sequences of the native test. Each costs about 0.2–0.3 s here (an `explain` across
/// the boundary is some 60 µs in a debug build); scripts/test.sh raises the headless-browser runner's limit
/// for the whole suite (`WASM_BINDGEN_TEST_TIMEOUT`, 20 s by default) to 120 s for it.
const SEQUENCES: usize = 120;
/// Mixed into a sequence's seed to choose, call by call, JSON text or a JS object for the body.
const FORM_SALT: u64 = 0x0B1E_C7F0;

/// The call's body (for an upsert, its rows) as JSON text.
fn body_text(call: &Call) -> &str {
    match call {
        Call::AclBatch { body } | Call::PatchGroup { body, .. } | Call::PatchRole { body, .. } => body,
        Call::Upsert { rows, .. } => rows,
    }
}

/// The body as the JS object (or array) `JSON.parse` makes of it; `None` for text that parses to
/// neither, which can only cross as text.
fn as_object(text: &str) -> Option<JsValue> {
    JSON::parse(text).ok().filter(JsValue::is_object)
}

/// Makes the call with `body` in place of its JSON text, as the glue does.
fn send(snap: &Snapshot, call: &Call, body: JsValue) -> Result<(), JsValue> {
    match call {
        Call::AclBatch { .. } => snap.apply_acl_batch(body),
        Call::PatchGroup { id, .. } => snap.patch_group(j(id), body),
        Call::PatchRole { id, .. } => snap.patch_role(j(id), body),
        Call::Upsert { section, .. } => snap.upsert(j(section), body),
    }
}

fn thrown(e: JsValue) -> String {
    format!("threw {}", describe(&e))
}

/// Permission names as a set; a name the crate does not know is an error.
fn permission_set(names: &Array) -> Result<PermissionSet, String> {
    strings(names)
        .iter()
        .map(|n| Permission::from_name(n).ok_or_else(|| format!("unknown permission name `{n}`")))
        .collect()
}

/// A returned array of ids.
fn ids(result: Result<Array, JsValue>) -> Result<Vec<String>, String> {
    let ids: Array = result.map_err(thrown)?;
    Ok(strings(&ids))
}

/// An explanation object as `Answer::Why`: the ACL ids of `paths` when allowed, of `nearest` when denied.
fn why(e: &JsValue) -> Answer {
    let allowed = get(e, "allowed") == JsValue::TRUE;
    let paths = get(e, if allowed { "paths" } else { "nearest" });
    Answer::Why {
        allowed,
        reason: get(e, "reason").as_string(),
        acl_ids: Array::from(&paths).iter().map(|p| text(&p, "aclId")).collect(),
    }
}

/// `q` asked of the wasm `Snapshot`, its JS result read back into an `Answer`.
fn ask_wasm(snap: &Snapshot, q: Query<'_>) -> Result<Answer, String> {
    Ok(match q {
        Query::Principals => {
            Answer::Principals(snap.principals().iter().map(|p| (text(&p, "id"), text(&p, "kind"))).collect())
        }
        Query::Can(p, x, (t, id)) => Answer::Bool(snap.can(j(p), j(x.as_str()), j(t), j(id)).map_err(thrown)?),
        Query::Effective(p, (t, id)) => {
            Answer::Set(permission_set(&snap.effective(j(p), j(t), j(id)).map_err(thrown)?)?)
        }
        Query::Explain(p, x, (t, id)) => why(&snap.explain(j(p), j(x.as_str()), j(t), j(id)).map_err(thrown)?),
        Query::CanCreate(p, child, (t, id)) => {
            Answer::Bool(snap.can_create(j(p), j(child), j(t), j(id)).map_err(thrown)?)
        }
        Query::WhoCan(x, (t, id)) => Answer::Ids(ids(snap.who_can(j(x.as_str()), j(t), j(id)))?),
        Query::Accessible(p, x, t) => Answer::Ids(ids(snap.accessible(j(p), j(x.as_str()), j(t)))?),
        Query::Listed(t) => Answer::Ids(ids(snap.listed_ids(j(t)))?),
    })
}

/// A `Subject` taken before the calls against the native subject of the fresh load: membership,
/// effective permissions on every target, accessible ids of every type. The first difference, else the
/// number of answers compared.
fn compare_subject(id: &str, subject: &Subject, expected: &permeval::Snapshot, scope: &Scope) -> Result<usize, String> {
    let want = expected.subject(id);
    if subject.is_member() != want.is_member() {
        return Err(format!("isMember {}, expected {}", subject.is_member(), want.is_member()));
    }
    let mut n = 1;
    for (t, object_id) in &scope.targets {
        let got = permission_set(&subject.effective(j(t), j(object_id)).map_err(thrown)?)?;
        let w = want.effective(&ObjectRef::parse(t, object_id));
        if got != w {
            return Err(format!("effective on {t}/{object_id}: {got:?}, expected {w:?}"));
        }
        n += 1;
    }
    for t in &scope.types {
        for x in reference::PERMISSIONS {
            let got = ids(subject.accessible(j(x), j(t)))?;
            let w = want.accessible(permission(x), &ObjectType::from(t.as_str()));
            if got != w {
                return Err(format!("accessible {x} {t}: {got:?}, expected {w:?}"));
            }
            n += 1;
        }
    }
    Ok(n)
}

#[derive(Default)]
struct Totals {
    sequences: usize,
    calls: usize,
    refused: usize,
    /// Calls whose body crossed as a JS object rather than JSON text.
    objects: usize,
    queries: usize,
}

/// The principal ids a subject is taken for before the calls: the members of the start document, every id
/// of the generator's pools (which calls may add, delete or bring back), and a stranger who never becomes
/// one. A subject must answer after the calls as one taken then would.
fn subject_ids(snap: &Snapshot) -> Vec<String> {
    let mut ids: Vec<String> = snap.principals().iter().map(|p| text(&p, "id")).collect();
    // U5, U6, S3 and S4 are the ids upserts invent (tests/calls/mod.rs).
    for id in USERS.iter().chain(SERVICE_ACCOUNTS).chain(&["U5", "U6", "S3", "S4"]) {
        if !ids.iter().any(|known| known == id) {
            ids.push((*id).to_owned());
        }
    }
    ids.push(NON_MEMBER.to_owned());
    ids
}

fn check_sequence(index: usize, totals: &mut Totals) {
    let Sequence { seed, start, length, calls: mut gen_calls } = Sequence::new(index);
    let mut forms = Rng::new(seed ^ FORM_SALT);
    let snap = load(&start);
    let mut model: Value = serde_json::from_str(&snap.to_json()).expect("toJson writes JSON");
    let first = model.clone();
    let subjects: Vec<(String, Subject)> = subject_ids(&snap)
        .into_iter()
        .map(|id| {
            let subject = snap.subject(j(&id)).unwrap_or_else(|e| panic!("subject({id}) {}", thrown(e)));
            (id, subject)
        })
        .collect();
    let mut calls: Vec<(Call, &'static str)> = Vec::new();
    let fail = |calls: &[(Call, &str)], what: String| -> ! {
        panic!(
            "MISMATCH through wasm: seed {seed:#x}, sequence {index}\n{what}\n\
             calls so far (and how each body crossed): {calls:#?}\n\
             start document: {start}\n\
             native replay: PERMEVAL_DELTAS_ONLY={index} cargo test --test deltas"
        )
    };
    for _ in 0..length {
        let call = gen_calls.next(&model);
        let object = if forms.chance(50) { as_object(body_text(&call)) } else { None };
        totals.objects += usize::from(object.is_some());
        calls.push((call.clone(), if object.is_some() { "object" } else { "text" }));
        let body = object.unwrap_or_else(|| j(body_text(&call)));
        let version = snap.version();
        let before = snap.to_json();
        match (live::apply(&model, &call), send(&snap, &call, body)) {
            (Ok(next), Ok(())) => {
                if snap.version() != version + 1.0 {
                    fail(&calls, format!("version {} after an accepted call, was {version}", snap.version()));
                }
                model = next;
            }
            (Ok(_), Err(e)) => fail(&calls, format!("the last call {}; the model accepts it", thrown(e))),
            (Err(Rejection { code, path }), Ok(())) => {
                fail(&calls, format!("the last call was accepted; the model refuses it with {code} at {path:?}"))
            }
            (Err(Rejection { code, path }), Err(e)) => {
                totals.refused += 1;
                let is_permeval_error = e.is_instance_of::<js_sys::Error>()
                    && text(&e, "name") == "PermevalError"
                    && !text(&e, "message").is_empty();
                let same_path = path.as_deref().is_none_or(|p| p == text(&e, "path"));
                if !is_permeval_error || text(&e, "code") != code || !same_path {
                    fail(
                        &calls,
                        format!("the last call {} ({e:?}); the model expects {code} at {path:?}", thrown(e.clone())),
                    );
                }
                if snap.version() != version || snap.to_json() != before {
                    fail(&calls, "a refused call changed the snapshot (version or toJson)".into());
                }
            }
        }
        totals.calls += 1;
    }

    let scope = Scope::of(&[&first, &model]);
    let model_text = model.to_string();
    let expected = permeval::Snapshot::from_json(&model_text)
        .unwrap_or_else(|e| panic!("the model's document does not load: {e}\n{model_text}"));
    let want = |q: Query<'_>| ask(&expected, q);
    match compare_all(|q| ask_wasm(&snap, q), want, &scope) {
        Ok(n) => totals.queries += n,
        Err(e) => fail(&calls, format!("{e}\nmodel document: {model_text}")),
    }
    for (id, subject) in &subjects {
        match compare_subject(id, subject, &expected, &scope) {
            Ok(n) => totals.queries += n,
            Err(e) => {
                fail(&calls, format!("the Subject of {id} taken before the calls: {e}\nmodel document: {model_text}"))
            }
        }
    }
    let written = snap.to_json();
    let reloaded = Snapshot::from_json(j(&written), None)
        .unwrap_or_else(|e| fail(&calls, format!("fromJson(toJson()) {}\n{written}", thrown(e))));
    match compare_all(|q| ask_wasm(&reloaded, q), want, &scope) {
        Ok(n) => totals.queries += n,
        Err(e) => fail(&calls, format!("fromJson(toJson()) answers otherwise: {e}\ntoJson: {written}")),
    }
    totals.sequences += 1;
}

#[wasm_bindgen_test]
async fn every_delta_sequence_answers_through_wasm_as_a_fresh_load() {
    let mut t = Totals::default();
    for index in 0..SEQUENCES {
        check_sequence(index, &mut t);
        // 120 sequences take 25–35 s in a debug build: the page must answer the driver in between.
        next_turn().await;
    }
    console_log!(
        "deltas through wasm: {} sequences, {} calls ({} refused; {} bodies passed as JS objects, the rest as \
         JSON text), {} queries compared",
        t.sequences,
        t.calls,
        t.refused,
        t.objects,
        t.queries
    );
}
