//! permeval reads JSON with a reader of its own (`src/document/json.rs`). These properties hold it to
//! serde_json, a reader that has seen the world, on documents broken and unbroken at random:
//!
//! - what serde_json accepts as a JSON value, permeval never calls invalid JSON (it may refuse it for
//!   other reasons: no `org.id`, a section of the wrong type, a key twice);
//! - what serde_json refuses as malformed syntax, permeval refuses too: a broken document never loads;
//! - escapes are decoded: a document whose ids are written with `\u` escapes loads as the same snapshot.

mod common;

use common::FIXTURE;
use permeval::{ErrorCode, Snapshot};
use serde::de::IgnoredAny;

/// SplitMix64: a fixed seed, so a failure names its case.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that matter to JSON's grammar, and a few that do not belong anywhere.
const ALPHABET: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\"",
    b"\\",
    b"\\u",
    b"\\ud83d",
    b"\\udc00",
    b"0",
    b"-",
    b"1e5",
    b"1e999",
    b".",
    b"null",
    b"nul",
    b"true",
    b"fals",
    b" ",
    b"\n",
    b"\x01",
    b"\xff",
    b"\xc3",
    b"\xc3\xa9",
    b"x",
    b"\"id\"",
    b"[[[[[[[[",
    b"]]]]]]]]",
];

/// One to three random edits of `doc`: delete a span, insert grammar, duplicate a span, or cut the end.
fn mutate(rng: &mut Rng, doc: &[u8]) -> Vec<u8> {
    let mut out = doc.to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 => {
                let end = (at + 1 + rng.below(8)).min(out.len());
                out.drain(at..end.max(at));
            }
            1 => {
                let piece = ALPHABET[rng.below(ALPHABET.len())];
                out.splice(at..at, piece.iter().copied());
            }
            2 => {
                let end = (at + 1 + rng.below(40)).min(out.len());
                let span = out[at..end.max(at)].to_vec();
                out.splice(at..at, span);
            }
            _ => out.truncate(at),
        }
    }
    out
}

/// Small documents that put every part of the reader to work: escapes, nesting in skipped and read
/// fields, numbers, literals, empty containers.
const SEEDS: &[&str] = &[
    r#"{"org": {"id": "O", "name": "n"}, "users": [{"id": "U\u00e9", "email": "a\"b"}], "acls": []}"#,
    r#"{"org": {"id": "O"}, "groups": [{"id": "G", "member_users": ["U", "V"], "member_groups": [], "x": {"a": [1, -2.5e-3, true, null]}}]}"#,
    r#"{"org": {"id": "O"}, "roles": [{"id": "R", "member_permissions": [{"permission": "read", "restrict_object_type": null}], "member_roles": []}]}"#,
    r#"{"x": [[[[{}]]]], "org": {"id": "O"}, "acls": [{"id": "a", "object_type": "project", "object_id": "P", "user_id": "U", "permission": "read", "created": 0}]}"#,
    r#"{"org": {"id": "O"}, "generated_at": "2026-01-01T00:00:00Z", "projects": [{"id": "P\ud83d\ude00", "org_id": "O", "deleted_at": null}]}"#,
];

fn seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect();
    out.push(FIXTURE.as_bytes().to_vec());
    out
}

#[test]
fn syntax_agrees_with_serde_json_on_broken_documents() {
    let mut rng = Rng(0x5EED_0001);
    let (mut accepted, mut refused) = (0, 0);
    for seed in seeds() {
        for case in 0..3_000 {
            let doc = mutate(&mut rng, &seed);
            let loaded = Snapshot::from_slice(&doc);
            let shown = String::from_utf8_lossy(&doc);
            // A whole JSON value by serde_json, checking everything (UTF-8 in every string, number range,
            // 128 levels): permeval must not call it malformed.
            if serde_json::from_slice::<serde_json::Value>(&doc).is_ok() {
                accepted += 1;
                if let Err(e) = &loaded {
                    assert_ne!(e.code(), ErrorCode::InvalidJson, "case {case}: serde_json reads it; {e:?}\n{shown}");
                }
            }
            // Malformed by syntax alone (serde_json's skipping reader checks no UTF-8 and converts no
            // number): permeval must refuse it.
            if let Err(e) = serde_json::from_slice::<IgnoredAny>(&doc) {
                if e.is_syntax() || e.is_eof() {
                    refused += 1;
                    assert!(loaded.is_err(), "case {case}: serde_json refuses it ({e}); permeval loaded it\n{shown}");
                }
            }
            // Every error from the reader has a place in the text.
            if let Err(e) = &loaded
                && e.code() == ErrorCode::InvalidJson
            {
                assert!(e.line().is_some() && e.column().is_some(), "case {case}: {e:?}");
            }
        }
    }
    // Both directions were exercised, many times over.
    assert!(accepted > 1_000 && refused > 5_000, "accepted {accepted}, refused {refused}");
}

/// Writes each character of every string literal in `text` as a `\u` escape (surrogate pairs beyond the
/// basic plane) when `pick` says so.
fn escape_strings(text: &str, mut pick: impl FnMut() -> bool) -> String {
    let mut out = String::new();
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string && !escaped && c != '"' && c != '\\' && pick() {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
            continue;
        }
        out.push(c);
        if escaped {
            escaped = false;
        } else if c == '\\' && in_string {
            escaped = true;
        } else if c == '"' {
            in_string = !in_string;
        }
    }
    out
}

#[test]
fn escaped_ids_load_as_the_same_snapshot() {
    let mut rng = Rng(0x5EED_0002);
    let fixture = FIXTURE.replace("\"U_CAROL\"", "\"U_CAR\u{f6}L\u{1f600}\"");
    let plain = Snapshot::from_json(&fixture).expect("the fixture loads").to_json();
    for round in 0..50 {
        let every = 1 + rng.below(4) as u64;
        let escaped = escape_strings(&fixture, || rng.next() % every == 0);
        assert_ne!(escaped, fixture);
        let snap = Snapshot::from_json(&escaped).unwrap_or_else(|e| panic!("round {round}: {e}\n{escaped}"));
        assert_eq!(snap.to_json(), plain, "round {round}");
    }
}
