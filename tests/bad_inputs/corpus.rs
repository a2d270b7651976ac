//! The bad-input corpus, shared by the native test (`tests/bad_inputs.rs`) and the wasm-bindgen-test suite
//! (`tests/wasm_suite/bad_inputs.rs`): the documents of this folder, compiled in so that the wasm build needs
//! no file system, and the generators of the documents too big to commit. What each one must produce is in
//! `manifest.json`, next to this file.

use serde_json::Value;

/// What each case must produce: see its `_format`.
pub const MANIFEST: &str = include_str!("manifest.json");

/// The manifest's entries.
pub fn cases() -> Vec<Value> {
    let manifest: Value = serde_json::from_str(MANIFEST).expect("the manifest is JSON");
    manifest["cases"].as_array().expect("`cases` is an array").clone()
}

/// A case's file or generator name.
pub fn name(case: &Value) -> &str {
    case["file"].as_str().or_else(|| case["generate"].as_str()).expect("a case names a file or a generator")
}

/// A case's document: the committed file, or the generated one at `scale`.
pub fn document(case: &Value, scale: Scale) -> Vec<u8> {
    if let Some(file) = case["file"].as_str() {
        let (_, bytes) = FILES.iter().find(|(f, _)| *f == file).unwrap_or_else(|| panic!("`{file}` is not in FILES"));
        return bytes.to_vec();
    }
    let generator = name(case);
    generate(generator, scale).unwrap_or_else(|| panic!("no generator `{generator}`"))
}

/// What loading gave or must give: `Err((code, path))` of the error, or `Ok` with every warning's
/// `(code, path)`, in order.
pub type Outcome = Result<Vec<(String, String)>, (String, String)>;

fn pair(v: &Value) -> (String, String) {
    match v.as_array().map(Vec::as_slice) {
        Some([Value::String(a), Value::String(b)]) => (a.clone(), b.clone()),
        _ => panic!("not a [code, path] pair: {v}"),
    }
}

/// What a case must give.
pub fn expected(case: &Value) -> Outcome {
    match (&case["error"], &case["warnings"]) {
        (Value::Null, Value::Array(ws)) => Ok(ws.iter().map(pair).collect()),
        (error, Value::Null) => Err(pair(error)),
        _ => panic!("{}: give `error` or `warnings`, not both", name(case)),
    }
}

/// One `can` check of a case: principal, permission, type, id, and the answer.
pub struct Check<'c> {
    pub principal: &'c str,
    pub permission: &'c str,
    pub object_type: &'c str,
    pub id: &'c str,
    pub allowed: bool,
}

/// A case's checks.
pub fn checks(case: &Value) -> Vec<Check<'_>> {
    let checks = case["checks"].as_array().map(Vec::as_slice).unwrap_or_default();
    checks
        .iter()
        .map(|check| match check.as_array().map(Vec::as_slice) {
            Some(
                [
                    Value::String(principal),
                    Value::String(permission),
                    Value::String(object_type),
                    Value::String(id),
                    Value::Bool(allowed),
                ],
            ) => Check { principal, permission, object_type, id, allowed: *allowed },
            _ => panic!("{}: a check is [principal, permission, type, id, bool], not {check}", name(case)),
        })
        .collect()
}

macro_rules! document {
    ($name:literal) => {
        ($name, include_bytes!($name) as &[u8])
    };
}

/// Every committed document, by file name. The native test checks this list against the folder and the
/// manifest, so none can be left out.
pub const FILES: &[(&str, &[u8])] = &[
    document!("acls_number.json"),
    document!("acls_pointing_at_nothing.json"),
    document!("bom.bin"),
    document!("combining_chars_in_ids.json"),
    document!("cycle_group_long.json"),
    document!("cycle_group_pair.json"),
    document!("cycle_group_self.json"),
    document!("cycle_group_through_deleted.json"),
    document!("cycle_roles.json"),
    document!("duplicate_ids.json"),
    document!("duplicate_keys_in_rows.json"),
    document!("duplicate_org_id_key.json"),
    document!("duplicate_org_key.json"),
    document!("duplicate_section_key.json"),
    document!("empty_ids.json"),
    document!("escaped_and_raw_same_id.json"),
    document!("escaped_nul_in_ids.json"),
    document!("everything_foreign.json"),
    document!("groups_string.json"),
    document!("invalid_utf8_between_tokens.bin"),
    document!("invalid_utf8_in_id.bin"),
    document!("lone_leading_surrogate_escape.json"),
    document!("lone_surrogate_in_ignored_field.json"),
    document!("lone_trailing_surrogate_escape.json"),
    document!("member_listed_twice.json"),
    document!("members_and_objects_pointing_at_nothing.json"),
    document!("not_json.json"),
    document!("nulls_in_lists_and_ids.json"),
    document!("nulls_where_arrays_are.json"),
    document!("number_out_of_range_in_ignored_field.json"),
    document!("number_out_of_range_in_read_field.json"),
    document!("numbers_where_ids_are.json"),
    document!("objects_true.json"),
    document!("org_id_empty.json"),
    document!("org_id_number.json"),
    document!("org_id_odd_unicode.json"),
    document!("org_missing.json"),
    document!("org_null.json"),
    document!("org_string.json"),
    document!("overlong_utf8.bin"),
    document!("project_in_several_groups.json"),
    document!("raw_nul_in_string.bin"),
    document!("root_array.json"),
    document!("root_null.json"),
    document!("root_string.json"),
    document!("rtl_marks_in_ids.json"),
    document!("surrogate_pair_escape.json"),
    document!("trailing_text.json"),
    document!("truncated_after_section.json"),
    document!("truncated_empty.json"),
    document!("truncated_in_org.json"),
    document!("truncated_mid_acl_row.json"),
    document!("truncated_utf8_sequence.bin"),
    document!("users_object.json"),
    document!("utf8_encoded_surrogate.bin"),
    document!("wrong_types_acls.json"),
    document!("wrong_types_groups.json"),
    document!("wrong_types_principals.json"),
    document!("wrong_types_projects_and_objects.json"),
    document!("wrong_types_roles.json"),
    document!("zero_width_and_whitespace_ids.json"),
];

/// How big the generated documents are. `Full` is what the issue asks for: ids of megabytes, 100k-deep
/// nesting, a million rows. `Reduced` keeps the shapes (and so the code paths) at a size a debug wasm build
/// in a browser gets through in seconds: 256 KiB ids and 50k rows; nesting stays 100k deep, since it fails
/// (or is skipped) long before the end.
// Each test crate that includes this file uses one of the two.
#[allow(dead_code)]
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Scale {
    Full,
    Reduced,
}

impl Scale {
    fn id_bytes(self) -> usize {
        match self {
            Scale::Full => 4 << 20,
            Scale::Reduced => 256 << 10,
        }
    }

    fn rows(self) -> usize {
        match self {
            Scale::Full => 1_000_000,
            Scale::Reduced => 50_000,
        }
    }
}

const DEPTH: usize = 100_000;

/// `depth` arrays (or objects) nested in each other, balanced.
fn nested(depth: usize, objects: bool) -> String {
    let (open, close) = if objects { ("{\"a\":", "}") } else { ("[", "]") };
    let mut s = open.repeat(depth);
    s.push_str("null");
    s.push_str(&close.repeat(depth));
    s
}

/// The generated document called `name` in the manifest, or `None` for a name no generator has.
pub fn generate(name: &str, scale: Scale) -> Option<Vec<u8>> {
    let doc = match name {
        // A user id and a group id of megabytes each, used as join keys.
        "huge_ids" => {
            let user = format!("U{}", "u".repeat(scale.id_bytes()));
            let group = format!("G{}", "g".repeat(scale.id_bytes()));
            format!(
                r#"{{"org": {{"id": "O"}}, "users": [{{"id": "{user}"}}, {{"id": "U_SMALL"}}],
                "groups": [{{"id": "{group}", "org_id": "O", "member_users": ["{user}", "U_SMALL"]}}],
                "acls": [{{"id": "a1", "object_type": "organization", "object_id": "O", "group_id": "{group}", "permission": "read"}},
                         {{"id": "a2", "object_type": "project", "object_id": "{group}", "user_id": "U_SMALL", "permission": "update"}}]}}"#
            )
        }
        // Names of megabytes where a permission and an object type go: each is echoed in its warning.
        "huge_names" => {
            let name = "x".repeat(scale.id_bytes());
            format!(
                r#"{{"org": {{"id": "O"}}, "users": [{{"id": "U"}}],
                "acls": [{{"id": "a1", "object_type": "organization", "object_id": "O", "user_id": "U", "permission": "{name}"}},
                         {{"id": "a2", "object_type": "{name}", "object_id": "X", "user_id": "U", "permission": "read"}},
                         {{"id": "a3", "object_type": "organization", "object_id": "O", "user_id": "U", "permission": "update"}}]}}"#
            )
        }
        // The ids of a whole document in one megabyte-long escape-heavy string (escapes force a copy).
        "huge_escaped_id" => {
            let id = "\\u0055".repeat(scale.id_bytes() / 6);
            format!(r#"{{"org": {{"id": "O"}}, "users": [{{"id": "{id}"}}, {{"id": "U"}}]}}"#)
        }
        "deep_arrays_in_read_field" => format!(
            r#"{{"org": {{"id": "O"}}, "users": [{{"id": "U"}}], "groups": [{{"id": "G", "org_id": "O", "member_users": {}}}]}}"#,
            nested(DEPTH, false)
        ),
        "deep_objects_in_read_field" => format!(
            r#"{{"org": {{"id": "O"}}, "users": [{{"id": "U"}}], "acls": [{{"id": "a1", "object_type": "organization", "object_id": "O", "user_id": {}, "permission": "read"}}]}}"#,
            nested(DEPTH, true)
        ),
        "deep_arrays_as_a_row" => format!(r#"{{"org": {{"id": "O"}}, "acls": [{}]}}"#, nested(DEPTH, false)),
        "deep_arrays_in_ignored_field" => format!(
            r#"{{"org": {{"id": "O", "name": {}}}, "users": [{{"id": "U", "profile": {}}}],
            "acls": [{{"id": "a1", "object_type": "organization", "object_id": "O", "user_id": "U", "permission": "read"}}]}}"#,
            nested(DEPTH, false),
            nested(DEPTH, true)
        ),
        "deep_nesting_in_unknown_section" => format!(
            r#"{{"org": {{"id": "O"}}, "users": [{{"id": "U"}}], "extra": {},
            "acls": [{{"id": "a1", "object_type": "organization", "object_id": "O", "user_id": "U", "permission": "read"}}]}}"#,
            nested(DEPTH, false)
        ),
        "deep_unclosed_arrays" => format!(r#"{{"org": {{"id": "O"}}, "acls": {}"#, "[".repeat(DEPTH)),
        // A million users (50k reduced), three of them in a group that may read the org.
        "million_rows" => {
            let mut s = String::from(r#"{"org": {"id": "O"}, "users": ["#);
            for i in 0..scale.rows() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(&format!(r#"{{"id":"U{i}"}}"#));
            }
            s.push_str(r#"], "groups": [{"id": "G", "org_id": "O", "member_users": ["U0", "U1", "U7"]}],"#);
            s.push_str(r#" "acls": [{"id": "a1", "object_type": "organization", "object_id": "O", "group_id": "G", "permission": "read"}]}"#);
            s
        }
        _ => return None,
    };
    Some(doc.into_bytes())
}
