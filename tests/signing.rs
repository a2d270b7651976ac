//! Signed snapshots: Ed25519 over the exact bytes. Valid loads; a tampered byte, a wrong key, a malformed
//! signature or key loads nothing; several keys allow rotation. Signatures here are made with
//! ed25519-compact from fixed seeds; `scripts/sign-snapshot.mjs` (node:crypto) is checked against the same
//! verifier by the doc example of `Snapshot::from_signed_json` and the edge worker's tests.

mod common;

use common::*;
use ed25519_compact::{KeyPair, Seed};
use permeval::{ErrorCode as E, LoadOptions, PublicKey, Signature, Snapshot, SnapshotError};

fn key_pair(seed: u8) -> KeyPair {
    KeyPair::from_seed(Seed::new([seed; 32]))
}

fn public(kp: &KeyPair) -> PublicKey {
    PublicKey::from_bytes(kp.pk.as_ref()).expect("32 bytes")
}

fn sign(kp: &KeyPair, bytes: &[u8]) -> Signature {
    Signature::from_bytes(kp.sk.sign(bytes, None).as_ref()).expect("64 bytes")
}

fn load_signed(text: &[u8], sig: &Signature, keys: &[PublicKey]) -> Result<Snapshot, SnapshotError> {
    Snapshot::from_signed_json(text, sig, keys, &LoadOptions::default())
}

#[track_caller]
fn assert_refused(result: Result<Snapshot, SnapshotError>, code: E, path: &str) {
    match result {
        Ok(snap) => panic!("expected {code:?}, got a snapshot: {snap:?}"),
        Err(e) => assert_eq!((e.code(), e.path()), (code, path), "{e}"),
    }
}

#[test]
fn a_valid_signature_loads() {
    let origin = key_pair(1);
    let sig = sign(&origin, FIXTURE.as_bytes());
    let snap = load_signed(FIXTURE.as_bytes(), &sig, &[public(&origin)]).expect("signed by the origin");
    assert_base_answers(&snap);
    // A &str is its UTF-8 bytes.
    assert!(Snapshot::from_signed_json(FIXTURE, &sig, &[public(&origin)], &LoadOptions::default()).is_ok());
}

#[test]
fn a_tampered_byte_loads_nothing() {
    let origin = key_pair(1);
    let sig = sign(&origin, FIXTURE.as_bytes());
    let keys = [public(&origin)];
    // Every kind of change: a granted permission, an id, whitespace, a trailing newline, one bit.
    let edits = [
        FIXTURE.replacen("\"read\"", "\"update\"", 1),
        FIXTURE.replacen("U_BOB", "U_BOX", 1),
        FIXTURE.replacen(": ", ":  ", 1),
        format!("{FIXTURE}\n"),
    ];
    for text in &edits {
        assert_ne!(text.as_str(), FIXTURE);
        assert_refused(load_signed(text.as_bytes(), &sig, &keys), E::BadSignature, "signature");
    }
    for at in [0, FIXTURE.len() / 2, FIXTURE.len() - 1] {
        let mut bytes = FIXTURE.as_bytes().to_vec();
        if let Some(b) = bytes.get_mut(at) {
            *b ^= 1;
        }
        assert_refused(load_signed(&bytes, &sig, &keys), E::BadSignature, "signature");
    }
    // A tampered signature is refused the same way.
    let mut forged = sig.to_bytes();
    forged[10] ^= 0x80;
    let forged = Signature::from_bytes(&forged).expect("64 bytes");
    assert_refused(load_signed(FIXTURE.as_bytes(), &forged, &keys), E::BadSignature, "signature");
}

#[test]
fn a_wrong_key_loads_nothing() {
    let origin = key_pair(1);
    let attacker = key_pair(2);
    let sig = sign(&attacker, FIXTURE.as_bytes());
    assert_refused(load_signed(FIXTURE.as_bytes(), &sig, &[public(&origin)]), E::BadSignature, "signature");
}

#[test]
fn rotated_keys_are_all_accepted_and_a_retired_one_is_not() {
    let (old, new) = (key_pair(1), key_pair(3));
    let by_old = sign(&old, FIXTURE.as_bytes());
    let by_new = sign(&new, FIXTURE.as_bytes());
    // During the rotation workers accept both, in any order.
    for keys in [[public(&old), public(&new)], [public(&new), public(&old)]] {
        assert!(load_signed(FIXTURE.as_bytes(), &by_old, &keys).is_ok());
        assert!(load_signed(FIXTURE.as_bytes(), &by_new, &keys).is_ok());
    }
    // After it, the old key's signatures are refused.
    assert!(load_signed(FIXTURE.as_bytes(), &by_new, &[public(&new)]).is_ok());
    assert_refused(load_signed(FIXTURE.as_bytes(), &by_old, &[public(&new)]), E::BadSignature, "signature");
}

#[test]
fn malformed_signatures_and_keys_are_typed_errors() {
    for text in ["", "not base64!", "AAAA", &"A".repeat(87), &"A".repeat(100)] {
        assert_eq!(Signature::from_base64(text).map_err(|e| e.code()), Err(E::BadSignature), "{text:?}");
    }
    for bytes in [&[][..], &[0; 63][..], &[0; 65][..]] {
        assert_eq!(Signature::from_bytes(bytes).map_err(|e| e.code()), Err(E::BadSignature));
    }
    for text in ["", "key", &"A".repeat(42), &"A".repeat(44), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=="] {
        assert_eq!(PublicKey::from_base64(text).map_err(|e| e.code()), Err(E::BadPublicKey), "{text:?}");
    }
    for bytes in [&[][..], &[0; 31][..], &[0; 33][..]] {
        assert_eq!(PublicKey::from_bytes(bytes).map_err(|e| e.code()), Err(E::BadPublicKey));
    }
    // No key at all: nothing can be verified, so nothing loads.
    let sig = sign(&key_pair(1), FIXTURE.as_bytes());
    assert_refused(load_signed(FIXTURE.as_bytes(), &sig, &[]), E::BadPublicKey, "publicKeys");
    // 32 bytes that are no point on the curve verify nothing.
    let not_a_point = PublicKey::from_bytes(&[0xff; 32]).expect("32 bytes");
    assert_refused(load_signed(FIXTURE.as_bytes(), &sig, &[not_a_point]), E::BadSignature, "signature");
}

#[test]
fn keys_and_signatures_read_in_both_base64_alphabets_with_or_without_padding() {
    let kp = key_pair(1);
    let sig = sign(&kp, FIXTURE.as_bytes());
    let key = public(&kp);
    let standard = |bytes: &[u8]| base64(bytes, b"+/");
    let url_safe = |bytes: &[u8]| base64(bytes, b"-_");
    for encode in [standard, url_safe] {
        let (k, s) = (encode(&key.to_bytes()), encode(&sig.to_bytes()));
        for (k, s) in [(k.clone(), s.clone()), (k.trim_end_matches('=').into(), s.trim_end_matches('=').into())] {
            assert_eq!(PublicKey::from_base64(&k), Ok(key));
            assert_eq!(Signature::from_base64(&s), Ok(sig));
        }
    }
}

#[test]
fn a_signed_document_is_still_checked_like_any_other() {
    let kp = key_pair(1);
    // Signed, but not a snapshot: the signature passes and the parse fails.
    let text = br#"{"org": {"name": "acme"}}"#;
    assert_refused(load_signed(text, &sign(&kp, text), &[public(&kp)]), E::MissingOrgId, "org.id");
    // Signed, but expired: a valid signature does not make an old snapshot fresh.
    let text = br#"{"org": {"id": "O"}, "generated_at": "2020-01-01T00:00:00Z", "expires_at": "2020-01-02T00:00:00Z"}"#;
    assert_refused(load_signed(text, &sign(&kp, text), &[public(&kp)]), E::Stale, "expires_at");
}

#[test]
fn the_size_limit_holds_before_the_signature_is_checked() {
    let kp = key_pair(1);
    let options = LoadOptions {
        limits: permeval::Limits { document_bytes: 10, ..permeval::Limits::default() },
        ..LoadOptions::default()
    };
    let sig = sign(&kp, FIXTURE.as_bytes());
    let err = Snapshot::from_signed_json(FIXTURE, &sig, &[public(&kp)], &options).map(|_| ()).expect_err("too big");
    assert_eq!(err.code(), E::LimitExceeded);
}

/// Padded base64 with the two given characters for 62 and 63.
fn base64(bytes: &[u8], last: &[u8; 2]) -> String {
    let alphabet: Vec<u8> = (b'A'..=b'Z').chain(b'a'..=b'z').chain(b'0'..=b'9').chain(last.iter().copied()).collect();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(alphabet[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
