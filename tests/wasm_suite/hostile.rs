//! Load options, expiry and signed snapshots across the JS boundary: camelCase options (a misspelled one
//! throws), limits, `now` and `maxAgeSeconds`, a snapshot going stale on the real clock (`Date.now()`,
//! which must not panic the way `SystemTime::now()` does on wasm32), and `fromSignedJson` with every kind
//! of bad signature and key. After each error the same instance still loads and answers.

use ed25519_compact::{KeyPair, Seed};
use js_sys::{Array, Date, JSON, Reflect, Uint8Array};
use permeval::wasm::Snapshot;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use super::{FIXTURE, assert_error, get, j, load, strings, text};

/// 2026-11-28T09:00:00Z in milliseconds.
const NINE_MS: f64 = 1_795_856_400_000.0;

fn options(json: &str) -> Option<JsValue> {
    Some(JSON::parse(json).expect("test options are JSON"))
}

/// `options` with `now` set to a `Date` at 09:00:00Z plus `secs`.
fn at(secs: f64, json: &str) -> Option<JsValue> {
    let o = options(json).unwrap_or(JsValue::UNDEFINED);
    let _ = Reflect::set(&o, &"now".into(), &Date::new(&JsValue::from_f64(NINE_MS + secs * 1000.0)).into());
    Some(o)
}

fn stamped(generated_at: &str, expires_at: Option<&str>) -> String {
    let expires = expires_at.map(|e| format!(r#""expires_at": "{e}", "#)).unwrap_or_default();
    FIXTURE.replacen('{', &format!(r#"{{"generated_at": "{generated_at}", {expires}"#), 1)
}

#[track_caller]
fn throws(result: Result<Snapshot, JsValue>, code: &str, path: &str) {
    match result {
        Ok(_) => panic!("expected {code} at {path:?}, loaded"),
        Err(e) => assert_error(&e, code, path),
    }
    assert_eq!(load(FIXTURE).can(j("U_BOB"), j("update"), j("experiment"), j("E1")), Ok(true), "after {code}");
}

#[wasm_bindgen_test]
fn limits_are_camel_case_options() {
    let from = |json: &str| Snapshot::from_json(FIXTURE.into(), options(json));
    let e = from(r#"{"limits": {"rowsPerArray": 2}}"#).err().expect("three users");
    assert_error(&e, "limit_exceeded", "users[2]");
    assert!(text(&e, "message").contains("`rows_per_array` = 2"), "{}", text(&e, "message"));
    throws(from(r#"{"limits": {"idBytes": 4}}"#), "limit_exceeded", "users[0].id");
    throws(from(r#"{"limits": {"documentBytes": 100}}"#), "limit_exceeded", "");
    assert!(from(r#"{"limits": {"rowsPerArray": 14, "idBytes": 64, "groupDepth": 1, "roleDepth": 0}}"#).is_ok());
    throws(from(r#"{"limits": {"groupDepth": 0}}"#), "limit_exceeded", "groups[1]");
    // Bytes in, the same limits.
    let bytes = Uint8Array::from(FIXTURE.as_bytes());
    throws(
        Snapshot::from_json(bytes.into(), options(r#"{"limits": {"rowsPerArray": 2}}"#)),
        "limit_exceeded",
        "users[2]",
    );
}

#[wasm_bindgen_test]
fn a_misspelled_or_mistyped_option_throws() {
    let from = |json: &str| Snapshot::from_json(FIXTURE.into(), options(json));
    throws(from(r#"{"maxAgeSecond": 60}"#), "invalid_option", "options.maxAgeSecond");
    throws(from(r#"{"limits": {"rowsPerArrays": 2}}"#), "invalid_option", "options.limits.rowsPerArrays");
    throws(from(r#"{"maxAgeSeconds": -1}"#), "invalid_option", "options.maxAgeSeconds");
    throws(from(r#"{"maxAgeSeconds": "60"}"#), "invalid_option", "options.maxAgeSeconds");
    throws(from(r#"{"maxAgeSeconds": 1e300}"#), "invalid_option", "options.maxAgeSeconds");
    throws(from(r#"{"limits": {"idBytes": 1.5}}"#), "invalid_option", "options.limits.idBytes");
    throws(from(r#"{"limits": {"groupDepth": 1e12}}"#), "invalid_option", "options.limits.groupDepth");
    throws(from(r#"{"limits": []}"#), "invalid_option", "options.limits");
    throws(from(r#"{"now": "yesterday"}"#), "invalid_option", "options.now");
    throws(from("[]"), "invalid_option", "options");
    throws(Snapshot::from_json(FIXTURE.into(), Some(JsValue::from_f64(3.0))), "invalid_option", "options");
    // Absent, undefined and null options are the defaults.
    for o in [None, Some(JsValue::UNDEFINED), Some(JsValue::NULL), options("{}"), options(r#"{"limits": {}}"#)] {
        assert!(Snapshot::from_json(FIXTURE.into(), o).is_ok());
    }
}

#[wasm_bindgen_test]
fn now_and_max_age_decide_freshness_at_load() {
    let text = stamped("2026-11-28T09:00:00Z", None);
    let fresh = Snapshot::from_json(text.as_str().into(), at(60.0, r#"{"maxAgeSeconds": 60}"#)).expect("fresh");
    assert!(!fresh.is_stale());
    assert_eq!(fresh.can(j("U_BOB"), j("update"), j("experiment"), j("E1")), Ok(true));
    throws(Snapshot::from_json(text.as_str().into(), at(61.0, r#"{"maxAgeSeconds": 60}"#)), "stale", "generated_at");
    throws(
        Snapshot::from_json(FIXTURE.into(), at(0.0, r#"{"maxAgeSeconds": 60}"#)),
        "invalid_timestamp",
        "generated_at",
    );
    // `now` as a number works like a Date.
    let o = options(&format!(r#"{{"maxAgeSeconds": 60, "now": {}}}"#, NINE_MS + 61_000.0));
    throws(Snapshot::from_json(text.as_str().into(), o), "stale", "generated_at");
    let bad = stamped("2026-11-28T09:00:00", None);
    throws(Snapshot::from_json(bad.as_str().into(), at(0.0, "{}")), "invalid_timestamp", "generated_at");
}

#[wasm_bindgen_test]
fn clock_skew_is_tolerated_up_to_the_option() {
    let text = stamped("2026-11-28T09:00:00Z", Some("2026-11-28T10:00:00Z"));
    assert!(Snapshot::from_json(text.as_str().into(), at(-60.0, "{}")).is_ok());
    throws(Snapshot::from_json(text.as_str().into(), at(-61.0, "{}")), "clock_skew", "generated_at");
    throws(
        Snapshot::from_json(text.as_str().into(), at(-1.0, r#"{"clockSkewSeconds": 0}"#)),
        "clock_skew",
        "generated_at",
    );
    assert!(Snapshot::from_json(text.as_str().into(), at(-600.0, r#"{"clockSkewSeconds": 600}"#)).is_ok());
}

#[wasm_bindgen_test]
fn a_snapshot_past_expiry_on_the_real_clock_denies_everything_and_explains_stale() {
    // The real clock is Date.now(): a document that expires a moment from now, then wait for the moment.
    let now = Date::now();
    let iso = |ms: f64| Date::new(&JsValue::from_f64(ms)).to_iso_string().as_string().unwrap_or_default();
    let doc = stamped(&iso(now), Some(&iso(now + 200.0)));
    let snap = Snapshot::from_json(doc.as_str().into(), None).expect("fresh at load");
    let me = snap.subject(j("U_BOB")).expect("subject");
    assert_eq!(snap.can(j("U_BOB"), j("update"), j("experiment"), j("E1")), Ok(true));
    while Date::now() <= now + 1200.0 {}
    assert!(snap.is_stale());
    assert_eq!(snap.can(j("U_BOB"), j("update"), j("experiment"), j("E1")), Ok(false));
    assert_eq!(me.can(j("update"), j("experiment"), j("E1")), Ok(false));
    assert_eq!(
        strings(&snap.effective(j("U_ALICE"), j("organization"), j("O")).expect("effective")),
        Vec::<String>::new()
    );
    assert_eq!(snap.can_create(j("U_CAROL"), j("dataset"), j("project"), j("P1")), Ok(false));
    assert_eq!(strings(&snap.who_can(j("read"), j("dataset"), j("D1")).expect("who")), Vec::<String>::new());
    assert_eq!(
        strings(&snap.accessible(j("U_CAROL"), j("read"), j("project_log")).expect("acc")),
        Vec::<String>::new()
    );
    assert_eq!(me.effective_batch(j("experiment"), super::js_strings(&["E1", "E2"])).expect("batch").to_vec(), [0, 0]);
    assert_eq!(
        get(&get(&snap.capabilities(j("U_ALICE")).expect("capabilities"), "organization"), "manageAccess"),
        JsValue::FALSE
    );
    for why in [
        snap.explain(j("U_BOB"), j("update"), j("experiment"), j("E1")).expect("explain"),
        snap.explain_create(j("U_CAROL"), j("dataset"), j("project"), j("P1")).expect("explain"),
        me.explain(j("update"), j("experiment"), j("E1")).expect("explain"),
    ] {
        assert_eq!(get(&why, "allowed"), JsValue::FALSE);
        assert_eq!(text(&why, "reason"), "stale");
        assert_eq!(Array::from(&get(&why, "nearest")).length(), 0);
    }
    // A fresh snapshot answers again.
    assert_eq!(load(FIXTURE).can(j("U_BOB"), j("update"), j("experiment"), j("E1")), Ok(true));
}

fn key_pair(seed: u8) -> KeyPair {
    KeyPair::from_seed(Seed::new([seed; 32]))
}

fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

/// Unpadded URL-safe base64, as `scripts/sign-snapshot.mjs` prints it.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn keys(list: &[JsValue]) -> JsValue {
    list.iter().collect::<Array>().into()
}

#[wasm_bindgen_test]
fn signed_snapshots_load_only_with_a_matching_signature() {
    let (old, new, attacker) = (key_pair(1), key_pair(2), key_pair(9));
    let sig = |kp: &KeyPair, text: &str| kp.sk.sign(text.as_bytes(), None).to_vec();
    let by_old = sig(&old, FIXTURE);
    let rotation = keys(&[base64(old.pk.as_ref()).into(), bytes(new.pk.as_ref())]);
    let signed = |input: JsValue, s: JsValue, k: &JsValue| Snapshot::from_signed_json(input, s, k.clone(), None);

    // Valid: text or bytes, signature as base64 or bytes, either rotation key, a single key alone.
    for input in [JsValue::from_str(FIXTURE), bytes(FIXTURE.as_bytes())] {
        for s in [base64(&by_old).into(), bytes(&by_old)] {
            let snap = signed(input.clone(), s, &rotation).expect("signed by a rotation key");
            assert_eq!(snap.can(j("U_BOB"), j("update"), j("experiment"), j("E1")), Ok(true));
        }
    }
    assert!(signed(FIXTURE.into(), bytes(&sig(&new, FIXTURE)), &rotation).is_ok());
    assert!(signed(FIXTURE.into(), bytes(&by_old), &base64(old.pk.as_ref()).into()).is_ok());

    // A tampered byte, a wrong key, a retired key: bad_signature, nothing loaded.
    let tampered = FIXTURE.replacen("U_BOB", "U_BOX", 1);
    throws(signed(tampered.as_str().into(), bytes(&by_old), &rotation), "bad_signature", "signature");
    throws(signed(FIXTURE.into(), bytes(&sig(&attacker, FIXTURE)), &rotation), "bad_signature", "signature");
    let retired = keys(&[bytes(new.pk.as_ref())]);
    throws(signed(FIXTURE.into(), bytes(&by_old), &retired), "bad_signature", "signature");

    // Malformed or missing signature and keys.
    throws(signed(FIXTURE.into(), JsValue::UNDEFINED, &rotation), "bad_signature", "signature");
    throws(signed(FIXTURE.into(), "".into(), &rotation), "bad_signature", "signature");
    throws(signed(FIXTURE.into(), bytes(&by_old[..63]), &rotation), "bad_signature", "signature");
    throws(signed(FIXTURE.into(), bytes(&by_old), &keys(&[] as &[JsValue])), "bad_public_key", "publicKeys");
    let one_bad = keys(&[bytes(old.pk.as_ref()), "not a key".into()]);
    throws(signed(FIXTURE.into(), bytes(&by_old), &one_bad), "bad_public_key", "publicKeys[1]");
    throws(signed(FIXTURE.into(), bytes(&by_old), &keys(&[JsValue::from_f64(7.0)])), "bad_public_key", "publicKeys[0]");
    throws(signed(JsValue::from_f64(1.0), bytes(&by_old), &rotation), "wrong_type", "");

    // Options apply to signed loads too.
    let stale = stamped("2020-01-01T00:00:00Z", Some("2020-01-02T00:00:00Z"));
    let s = bytes(&sig(&old, &stale));
    throws(Snapshot::from_signed_json(stale.as_str().into(), s, rotation.clone(), None), "stale", "expires_at");
    let s = bytes(&sig(&old, FIXTURE));
    let tight = options(r#"{"limits": {"rowsPerArray": 2}}"#);
    throws(Snapshot::from_signed_json(FIXTURE.into(), s, rotation, tight), "limit_exceeded", "users[2]");
}
