//! Signed snapshots: Ed25519 over the exact bytes of the document, checked before anything is parsed.
//!
//! An edge worker fetches its snapshot from storage it does not fully trust (a bucket, a cache, a CDN). A
//! signature made at the origin with a key that never leaves it lets the worker refuse a document that
//! was altered on the way, byte for byte. Several public keys may be given, so a key can be rotated: the
//! origin signs with the new key while workers accept both, then the old one is dropped.
//!
//! Keys and signatures travel as base64 text (standard or URL-safe alphabet, padding optional — what
//! `node:crypto` and most key stores print) or as raw bytes: 32 for a key, 64 for a signature.
//!
//! `ed25519-compact` does the curve arithmetic: pure Rust without dependencies, so it builds for wasm32 as
//! it is, and small.

use crate::document::{ErrorCode, SnapshotError};

/// An Ed25519 public key that may sign snapshots.
///
/// # Example
/// ```
/// use permeval::{ErrorCode, PublicKey};
///
/// let key = PublicKey::from_base64("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")?;
/// assert_eq!(key, PublicKey::from_bytes(&key.to_bytes())?);
/// assert_eq!(PublicKey::from_base64("not a key").unwrap_err().code(), ErrorCode::BadPublicKey);
/// # Ok::<(), permeval::SnapshotError>(())
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// A key from its 32 raw bytes.
    ///
    /// # Errors
    /// [`ErrorCode::BadPublicKey`] for any other length.
    pub fn from_bytes(bytes: &[u8]) -> Result<PublicKey, SnapshotError> {
        <[u8; 32]>::try_from(bytes)
            .map(PublicKey)
            .map_err(|_| bad_key(format!("a public key is 32 bytes, this one {}", bytes.len())))
    }

    /// A key from base64 text of its 32 bytes (standard or URL-safe alphabet, padding optional).
    ///
    /// # Errors
    /// [`ErrorCode::BadPublicKey`] for text that is not base64 of 32 bytes.
    pub fn from_base64(text: &str) -> Result<PublicKey, SnapshotError> {
        let bytes = decode_base64(text).ok_or_else(|| bad_key("a public key must be base64 text".into()))?;
        PublicKey::from_bytes(&bytes)
    }

    /// The 32 raw bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0
    }
}

/// An Ed25519 signature of a snapshot document.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature([u8; 64]);

impl Signature {
    /// A signature from its 64 raw bytes.
    ///
    /// # Errors
    /// [`ErrorCode::BadSignature`] for any other length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Signature, SnapshotError> {
        <[u8; 64]>::try_from(bytes)
            .map(Signature)
            .map_err(|_| bad_signature(format!("a signature is 64 bytes, this one {}", bytes.len())))
    }

    /// A signature from base64 text of its 64 bytes (standard or URL-safe alphabet, padding optional).
    ///
    /// # Errors
    /// [`ErrorCode::BadSignature`] for text that is not base64 of 64 bytes, an empty one included.
    pub fn from_base64(text: &str) -> Result<Signature, SnapshotError> {
        let bytes = decode_base64(text).ok_or_else(|| bad_signature("a signature must be base64 text".into()))?;
        Signature::from_bytes(&bytes)
    }

    /// The 64 raw bytes.
    pub fn to_bytes(&self) -> [u8; 64] {
        self.0
    }
}

/// Checks that `signature` is one of `keys`' over exactly `message`.
pub(crate) fn verify(message: &[u8], signature: &Signature, keys: &[PublicKey]) -> Result<(), SnapshotError> {
    if keys.is_empty() {
        return Err(bad_key("no public key was given to verify the signature with".into()));
    }
    let sig = ed25519_compact::Signature::new(signature.0);
    let signed_by = |key: &PublicKey| ed25519_compact::PublicKey::new(key.0).verify(message, &sig).is_ok();
    if keys.iter().any(signed_by) {
        Ok(())
    } else {
        Err(bad_signature(format!("the signature matches none of the {} public keys; nothing loaded", keys.len())))
    }
}

fn bad_key(message: String) -> SnapshotError {
    SnapshotError::new(ErrorCode::BadPublicKey, message, "publicKeys")
}

fn bad_signature(message: String) -> SnapshotError {
    SnapshotError::new(ErrorCode::BadSignature, message, "signature")
}

/// Decodes base64 in either alphabet, with or without `=` padding; `None` for anything else.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let body = text.trim_end_matches('=');
    if text.len() - body.len() > 2 || (text.len() != body.len() && text.len() % 4 != 0) || body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in body.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be zero, so each byte string has exactly one encoding.
    (acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::decode_base64;

    #[test]
    fn base64_in_both_alphabets() {
        assert_eq!(decode_base64("").as_deref(), Some(&[][..]));
        assert_eq!(decode_base64("+/+/").as_deref(), Some(&[0xfb, 0xff, 0xbf][..]));
        assert_eq!(decode_base64("-_-_").as_deref(), Some(&[0xfb, 0xff, 0xbf][..]));
        assert_eq!(decode_base64("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode_base64("aGk").as_deref(), Some(&b"hi"[..]));
        assert_eq!(decode_base64("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        for bad in ["a", "aGk==", "aG=k", "aGl", "a b=", "aGk===", "aGVsbG9"] {
            assert_eq!(decode_base64(bad), None, "{bad:?}");
        }
    }
}
