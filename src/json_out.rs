//! JSON text written by hand, for the two places that write it: the snapshot document (`Snapshot::to_json`,
//! `Snapshot::project_for`) and the plain objects the wasm layer hands to JS's `JSON.parse`.
//!
//! Both write only strings, booleans, `null`, arrays and objects with fixed keys, so these few functions
//! over a `String` are the whole writer, and the crate (and its wasm) carries no serialiser. String
//! escaping lives here only, so both outputs read back the same ids.

use std::fmt::Write;

/// Appends `s` as a JSON string. JSON requires escaping exactly `"`, `\` and the control characters below
/// U+0020; everything else, non-ASCII included, is written as is (valid UTF-8 in, valid JSON out).
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    // The runs between escapes are copied whole, found byte by byte: ids and messages rarely hold an
    // escape, and a char at a time made `explain` from JS measurably slower. Every escaped character is
    // ASCII, so each run ends on a char boundary and `get` always finds it.
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            0..0x20 => None,
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or_default());
        run = i + 1;
        match short {
            Some(escape) => out.push_str(escape),
            None => {
                // Writing into a String cannot fail.
                let _ = write!(out, "\\u{b:04x}");
            }
        }
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out.push('"');
}

/// Appends an object whose members `members` writes, each opened with [`key`] or [`field`] on the flag it
/// is given (which says whether a member has been written yet, so commas go only between them).
pub(crate) fn object(out: &mut String, members: impl FnOnce(&mut String, &mut bool)) {
    out.push('{');
    members(out, &mut true);
    out.push('}');
}

/// Opens a member of an object: `"name":`, after a comma unless it is the first (see [`object`]). The
/// caller writes the value.
pub(crate) fn key(out: &mut String, first: &mut bool, name: &str) {
    if !std::mem::take(first) {
        out.push(',');
    }
    string(out, name);
    out.push(':');
}

/// Writes the member `"name":"value"` (see [`key`]).
pub(crate) fn field(out: &mut String, first: &mut bool, name: &str, value: &str) {
    key(out, first, name);
    string(out, value);
}

/// Appends an array of `items`, each written by `item`.
pub(crate) fn array<T>(out: &mut String, items: impl IntoIterator<Item = T>, mut item: impl FnMut(&mut String, T)) {
    out.push('[');
    for (i, x) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        item(out, x);
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(s: &str) -> String {
        let mut out = String::new();
        string(&mut out, s);
        out
    }

    #[test]
    fn strings_escape_exactly_what_json_requires() {
        assert_eq!(written(r#"a"b\c"#), r#""a\"b\\c""#);
        for c in (0..0x20u8).map(char::from) {
            assert_eq!(written(&c.to_string()), format!("\"\\u{:04x}\"", u32::from(c)));
        }
        // DEL, `/`, non-ASCII, the line separators JS source once rejected and astral characters are
        // all valid in a JSON string as they are.
        let plain = "\u{7f}/</script>ü\u{2028}\u{2029}😀\u{fffd}";
        assert_eq!(written(plain), format!("\"{plain}\""));
    }

    #[test]
    fn strings_read_back_as_written() {
        let odd = "q\"\\\u{0}\u{1}\n\r\t\u{1f}\u{7f} ü😀\u{2028}</script>";
        let text = written(odd);
        assert_eq!(serde_json::from_str::<String>(&text).ok().as_deref(), Some(odd));
    }

    #[test]
    fn objects_and_arrays_put_commas_only_between_members() {
        let mut out = String::new();
        object(&mut out, |out, first| {
            field(out, first, "id", "x");
            key(out, first, "chain");
            array(out, ["a", "b"], string);
            key(out, first, "none");
            array(out, [""; 0], string);
            key(out, first, "inner");
            object(out, |_, _| {});
        });
        assert_eq!(out, r#"{"id":"x","chain":["a","b"],"none":[],"inner":{}}"#);
    }
}
