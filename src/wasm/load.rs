//! Load options from JS (`{ limits, maxAgeSeconds, clockSkewSeconds, now }`), signed loading
//! (`Snapshot.fromSignedJson`) and `isStale()`: conversions only, the checks are the core's.
//!
//! Options are read strictly: a misspelled or mistyped option throws `invalid_option` rather than being
//! ignored, because an ignored `maxAgeSecnds` would silently load a snapshot that never expires.

use std::time::{Duration, SystemTime};

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::convert;
use super::snapshot::Snapshot;
use crate::{Clock, Limits, LoadOptions, PublicKey, Signature};

#[wasm_bindgen]
impl Snapshot {
    /// Loads a snapshot document only if `signature` is an Ed25519 signature, by one of `publicKeys`,
    /// over exactly these bytes (a string is taken as its UTF-8 bytes; pass the fetched bytes when you
    /// have them). Signature and keys are base64 text (either alphabet, padding optional) or raw bytes.
    #[wasm_bindgen(js_name = fromSignedJson)]
    pub fn from_signed_json(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] signature: JsValue,
        #[wasm_bindgen(js_name = "publicKeys", unchecked_param_type = "string | Uint8Array | (string | Uint8Array)[]")]
        public_keys: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoadOptions")] options: Option<JsValue>,
    ) -> Result<Snapshot, JsValue> {
        let options = load_options(options)?;
        check_input_size(&input, &options)?;
        let signature = bytes_or_base64(&signature, Signature::from_bytes, Signature::from_base64)
            .ok_or_else(|| {
                convert::error("bad_signature", "the signature must be a string or a Uint8Array", "signature", None)
            })?
            .map_err(|e| convert::snapshot_error(&e))?;
        let keys = public_keys_from(&public_keys)?;
        let bytes = document_bytes(&input, "fromSignedJson")?;
        let loaded = crate::Snapshot::from_signed_json(bytes, &signature, &keys, &options);
        Snapshot::load(loaded)
    }

    /// Whether the snapshot is past its expiry: then every check answers false and `explain` says
    /// `"stale"`. Always false for a snapshot without `expires_at` or a maximum age.
    #[wasm_bindgen(js_name = isStale)]
    pub fn is_stale(&self) -> bool {
        self.snap().is_stale()
    }
}

/// The UTF-8 bytes of a string, written by the engine's `TextEncoder.encodeInto` straight into wasm memory;
/// `None` when wasm memory cannot hold them. wasm-bindgen's own string passing copies ASCII one character
/// at a time in JS (3 ns a byte), and `encode` allocates a JS array to copy out of again: for a 156 KB
/// delta body, `encode` and the copy took 0.27 ms where `encodeInto` takes 0.02 (Node 20). Lone
/// surrogates become U+FFFD, so callers check well-formedness first.
pub(super) fn utf8(text: &js_sys::JsString) -> Option<Vec<u8>> {
    let encoder = TextEncoder::new();
    let units = text.length();
    // One byte a UTF-16 unit holds ASCII, the common case; a unit takes at most three bytes.
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(units as usize).ok()?;
    bytes.resize(units as usize, 0);
    let first = encoder.encode_into(text, &mut bytes);
    let (read, mut written) = (first.read(), first.written() as usize);
    if read < units {
        let rest = text.slice(read, units);
        let room = ((units - read) as usize).checked_mul(3)?;
        bytes.try_reserve_exact((written + room).saturating_sub(bytes.len())).ok()?;
        bytes.resize(written + room, 0);
        written += encoder.encode_into(&rest, bytes.get_mut(written..)?).written() as usize;
    }
    bytes.truncate(written);
    Some(bytes)
}

/// The UTF-8 bytes of a string, in JS memory (see [`utf8`]).
fn encode(text: &js_sys::JsString) -> Uint8Array {
    TextEncoder::new().encode(text)
}

/// The UTF-8 bytes of a document given as a string or a `Uint8Array`, for `what` to load, in wasm memory.
pub(super) fn document_bytes(input: &JsValue, what: &str) -> Result<Vec<u8>, JsValue> {
    document_array(input, what).map(|bytes| bytes.to_vec())
}

/// The UTF-8 bytes of a document given as a string or a `Uint8Array`, for `what` to load, in JS memory.
fn document_array(input: &JsValue, what: &str) -> Result<Uint8Array, JsValue> {
    if let Some(text) = input.dyn_ref::<js_sys::JsString>() {
        convert::well_formed(input, "")?;
        return Ok(encode(text));
    }
    match input.dyn_ref::<Uint8Array>() {
        Some(bytes) => Ok(bytes.clone()),
        None => Err(convert::error("wrong_type", &format!("{what} takes a string or a Uint8Array"), "", None)),
    }
}

/// Loads a document given as a string or a `Uint8Array`, for `what`, through the loader in parts: the
/// document never sits in wasm memory whole (for a 100k-row org, 38 MiB that a whole read held besides the
/// snapshot).
pub(super) fn load_document(input: &JsValue, what: &str, options: &LoadOptions) -> Result<Snapshot, JsValue> {
    let bytes = document_array(input, what)?;
    let mut loader = crate::SnapshotLoader::new(options);
    let loaded = super::loader::feed(&mut loader, &bytes).and_then(|()| loader.finish());
    Snapshot::load(loaded)
}

#[wasm_bindgen]
extern "C" {
    /// The engine's UTF-8 encoder: a global in browsers, Node and workerd alike.
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &js_sys::JsString) -> Uint8Array;
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, text: &js_sys::JsString, into: &mut [u8]) -> EncodeIntoResult;

    /// What `encodeInto` did: UTF-16 units read, bytes written.
    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn read(this: &EncodeIntoResult) -> u32;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;
}

/// Refuses input over the document-size limit before it is copied into wasm memory, where a copy too big
/// for the 4 GiB address space would abort the instance. A JS string's UTF-8 form has at least as many
/// bytes as the string has UTF-16 units, so a string longer than the limit is over it for certain.
pub(super) fn check_input_size(input: &JsValue, options: &LoadOptions) -> Result<(), JsValue> {
    let len = match input.dyn_ref::<Uint8Array>() {
        Some(bytes) => bytes.length(),
        None => input.dyn_ref::<js_sys::JsString>().map_or(0, js_sys::JsString::length),
    };
    crate::document::check_size(len as usize, &options.limits).map_err(|e| convert::snapshot_error(&e))
}

/// A key or signature given as bytes or base64 text; `None` for any other JS type.
fn bytes_or_base64<T>(
    value: &JsValue,
    from_bytes: fn(&[u8]) -> Result<T, crate::SnapshotError>,
    from_base64: fn(&str) -> Result<T, crate::SnapshotError>,
) -> Option<Result<T, crate::SnapshotError>> {
    if let Some(text) = value.as_string() {
        return Some(from_base64(&text));
    }
    value.dyn_ref::<Uint8Array>().map(|bytes| from_bytes(&bytes.to_vec()))
}

fn public_keys_from(value: &JsValue) -> Result<Vec<PublicKey>, JsValue> {
    let items: Vec<JsValue> =
        if Array::is_array(value) { Array::from(value).iter().collect() } else { vec![value.clone()] };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let path = format!("publicKeys[{i}]");
            match bytes_or_base64(item, PublicKey::from_bytes, PublicKey::from_base64) {
                Some(Ok(key)) => Ok(key),
                Some(Err(e)) => Err(convert::error(e.code().as_str(), e.message(), &path, None)),
                None => {
                    Err(convert::error("bad_public_key", "a public key must be a string or a Uint8Array", &path, None))
                }
            }
        })
        .collect()
}

fn invalid(message: &str, path: &str) -> JsValue {
    convert::error("invalid_option", message, path, None)
}

/// The entries of a plain options object; `undefined` and `null` have none.
fn entries(value: &JsValue, path: &str) -> Result<Vec<(String, JsValue)>, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    if !value.is_object() || Array::is_array(value) {
        return Err(invalid("options must be an object", path));
    }
    let object = Object::from(value.clone());
    Ok(Object::keys(&object)
        .iter()
        .map(|key| {
            let value = Reflect::get(&object, &key).unwrap_or(JsValue::UNDEFINED);
            (key.as_string().unwrap_or_default(), value)
        })
        .collect())
}

/// A non-negative finite number.
fn amount(value: &JsValue, path: &str) -> Result<f64, JsValue> {
    match value.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 => Ok(n),
        _ => Err(invalid("must be a finite number, zero or more", path)),
    }
}

fn seconds(value: &JsValue, path: &str) -> Result<Duration, JsValue> {
    Duration::try_from_secs_f64(amount(value, path)?).map_err(|_| invalid("is out of range", path))
}

/// A whole number that fits the limit's type.
fn whole<T: TryFrom<u64>>(value: &JsValue, path: &str) -> Result<T, JsValue> {
    let n = amount(value, path)?;
    if n.fract() != 0.0 || n > 9_007_199_254_740_991.0 {
        return Err(invalid("must be a whole number", path));
    }
    T::try_from(n as u64).map_err(|_| invalid("is larger than this limit can be", path))
}

/// The `options` argument of `fromJson` and `fromSignedJson`, in camelCase.
pub(crate) fn load_options(value: Option<JsValue>) -> Result<LoadOptions, JsValue> {
    let mut options = LoadOptions::default();
    let Some(value) = value else { return Ok(options) };
    for (key, v) in entries(&value, "options")? {
        let path = format!("options.{key}");
        if v.is_undefined() {
            continue;
        }
        match key.as_str() {
            "limits" => options.limits = limits(&v, &path)?,
            "maxAgeSeconds" => options.max_age = Some(seconds(&v, &path)?),
            "clockSkewSeconds" => options.clock_skew = seconds(&v, &path)?,
            "now" => options.clock = Clock::Fixed(instant(&v, &path)?),
            _ => return Err(invalid(&format!("unknown option `{key}`"), &path)),
        }
    }
    Ok(options)
}

fn limits(value: &JsValue, path: &str) -> Result<Limits, JsValue> {
    let mut limits = Limits::default();
    for (key, v) in entries(value, path)? {
        let path = format!("{path}.{key}");
        if v.is_undefined() {
            continue;
        }
        match key.as_str() {
            "documentBytes" => limits.document_bytes = whole(&v, &path)?,
            "rowsPerArray" => limits.rows_per_array = whole(&v, &path)?,
            "idBytes" => limits.id_bytes = whole(&v, &path)?,
            "groupDepth" => limits.group_depth = whole(&v, &path)?,
            "roleDepth" => limits.role_depth = whole(&v, &path)?,
            "warnings" => limits.warnings = whole(&v, &path)?,
            _ => return Err(invalid(&format!("unknown limit `{key}`"), &path)),
        }
    }
    Ok(limits)
}

/// `now`: milliseconds since the epoch (as `Date.now()` gives) or a `Date`.
fn instant(value: &JsValue, path: &str) -> Result<SystemTime, JsValue> {
    let ms = match value.dyn_ref::<js_sys::Date>() {
        Some(date) => date.get_time(),
        None => value.as_f64().unwrap_or(f64::NAN),
    };
    if !ms.is_finite() {
        return Err(invalid("must be a Date or a number of milliseconds since the epoch", path));
    }
    let offset = Duration::try_from_secs_f64(ms.abs() / 1000.0).ok();
    let at = if ms >= 0.0 {
        offset.and_then(|d| SystemTime::UNIX_EPOCH.checked_add(d))
    } else {
        offset.and_then(|d| SystemTime::UNIX_EPOCH.checked_sub(d))
    };
    at.ok_or_else(|| invalid("is out of range", path))
}
