//! Structure-aware loading: the input is read as a list of edits to a valid document (set a field to a
//! value of any JSON type, drop a field or a row, copy a row, add a row of ids taken from the document,
//! add a member to a list, replace a whole section), so the fuzzer spends its time inside the row
//! validators and the index builder rather than in JSON syntax. A few edits then work on the text (cut
//! it short, splice in bytes). Whatever comes out must load or fail with a typed error, and a snapshot
//! that loads must answer consistently (see `check`).

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use permeval::Snapshot;
use permeval_fuzz::{DOCUMENTS, Query, TYPE_NAMES, check, outcome, strings_in};
use serde_json::{Map, Value};

const SECTIONS: [&str; 10] =
    ["org", "users", "service_accounts", "groups", "roles", "projects", "project_groups", "objects", "acls", "extra"];

const FIELDS: [&str; 18] = [
    "id",
    "org_id",
    "deleted_at",
    "member_users",
    "member_groups",
    "member_roles",
    "member_permissions",
    "member_projects",
    "type",
    "project_id",
    "object_type",
    "object_id",
    "_object_org_id",
    "user_id",
    "group_id",
    "permission",
    "role_id",
    "restrict_object_type",
];

const LISTS: [&str; 4] = ["member_users", "member_groups", "member_roles", "member_projects"];

const PERMISSIONS: [&str; 10] =
    ["create", "read", "update", "delete", "create_acls", "read_acls", "update_acls", "delete_acls", "raed", ""];

/// Text spliced into the serialised document: structure that breaks it, and bytes that test the decoder.
const SPLICES: [&[u8]; 12] = [
    b"\"org\": {\"id\": \"O\"}, ",
    b"\"id\": \"x\", ",
    b",",
    b"]",
    b"{",
    b"\"\\ud800\"",
    b"\\u0000",
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"1e999",
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
];

/// `permeval_fuzz::text`, owned: the pool here outlives nothing the input does.
fn text(u: &mut Unstructured<'_>, pool: &[&str]) -> Result<String> {
    if !pool.is_empty() && u.ratio(3, 4)? {
        return u.choose(pool).map(|s| s.to_string());
    }
    u.arbitrary()
}

fn value(u: &mut Unstructured<'_>, pool: &[&str], depth: u32) -> Result<Value> {
    let nested = depth < 4;
    Ok(match u.int_in_range(0..=9)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 if nested => {
            Value::Array((0..u.int_in_range(0..=4)?).map(|_| value(u, pool, depth + 1)).collect::<Result<_>>()?)
        }
        4 if nested => {
            let mut map = Map::new();
            for _ in 0..u.int_in_range(0..=3)? {
                map.insert(u.choose(&FIELDS)?.to_string(), value(u, pool, depth + 1)?);
            }
            Value::Object(map)
        }
        5 => {
            let mut entry = Map::new();
            entry.insert("permission".into(), Value::from(*u.choose(&PERMISSIONS)?));
            if u.arbitrary()? {
                entry.insert("restrict_object_type".into(), Value::from(text(u, &TYPE_NAMES)?));
            }
            Value::Array(vec![Value::Object(entry)])
        }
        6 => Value::from(*u.choose(&PERMISSIONS)?),
        7 => Value::Array((0..u.int_in_range(0..=3)?).map(|_| text(u, pool).map(Value::from)).collect::<Result<_>>()?),
        _ => Value::from(text(u, pool)?),
    })
}

fn rows<'d>(doc: &'d mut Map<String, Value>, section: &str) -> Option<&'d mut Vec<Value>> {
    doc.get_mut(section).and_then(Value::as_array_mut)
}

/// The row an edit works on: `org` itself, or a row of a section.
fn row<'d>(
    u: &mut Unstructured<'_>,
    doc: &'d mut Map<String, Value>,
    section: &str,
) -> Result<Option<&'d mut Map<String, Value>>> {
    if section == "org" {
        return Ok(doc.get_mut("org").and_then(Value::as_object_mut));
    }
    let Some(rows) = rows(doc, section) else { return Ok(None) };
    if rows.is_empty() {
        return Ok(None);
    }
    let at = u.choose_index(rows.len())?;
    Ok(rows.get_mut(at).and_then(Value::as_object_mut))
}

fn edit(u: &mut Unstructured<'_>, doc: &mut Map<String, Value>, pool: &[&str]) -> Result<()> {
    let section = *u.choose(&SECTIONS)?;
    match u.int_in_range(0..=7)? {
        0 => {
            let field = *u.choose(&FIELDS)?;
            let v = value(u, pool, 0)?;
            if let Some(r) = row(u, doc, section)? {
                r.insert(field.into(), v);
            }
        }
        1 => {
            let field = *u.choose(&FIELDS)?;
            if let Some(r) = row(u, doc, section)? {
                r.remove(field);
            }
        }
        2 => {
            if let Some(rows) = rows(doc, section).filter(|r| !r.is_empty()) {
                let at = u.choose_index(rows.len())?;
                let copy = rows[at].clone();
                rows.push(copy);
            }
        }
        3 => {
            if let Some(rows) = rows(doc, section).filter(|r| !r.is_empty()) {
                let at = u.choose_index(rows.len())?;
                rows.remove(at);
            }
        }
        4 => {
            let v = value(u, pool, 0)?;
            doc.insert(section.into(), v);
        }
        5 => {
            let mut new = Map::new();
            for _ in 0..u.int_in_range(1..=6)? {
                let field = *u.choose(&FIELDS)?;
                let v = if u.ratio(3, 4)? { Value::from(text(u, pool)?) } else { value(u, pool, 1)? };
                new.insert(field.into(), v);
            }
            if let Some(rows) = rows(doc, section) {
                rows.push(Value::Object(new));
            }
        }
        6 => {
            let list = *u.choose(&LISTS)?;
            let id = text(u, pool)?;
            if let Some(r) = row(u, doc, section)? {
                match r.get_mut(list).and_then(Value::as_array_mut) {
                    Some(items) => items.push(Value::from(id)),
                    None => {
                        r.insert(list.into(), Value::Array(vec![Value::from(id)]));
                    }
                }
            }
        }
        _ => {
            doc.remove(section);
        }
    }
    Ok(())
}

/// A seed document as a JSON value, with its strings.
type Base = (Map<String, Value>, Vec<String>);

/// The seed documents, parsed once, not per input.
static BASES: LazyLock<Vec<Base>> = LazyLock::new(|| {
    DOCUMENTS
        .iter()
        .map(|text| match serde_json::from_str(text) {
            Ok(Value::Object(doc)) => {
                let strings = strings_in(&Value::Object(doc.clone()));
                (doc, strings)
            }
            _ => panic!("the seed documents are JSON objects"),
        })
        .collect()
});

/// An edited document, and the strings of the seed it started from (the ids queries draw on).
fn document(u: &mut Unstructured<'_>) -> Result<(Vec<u8>, &'static [String])> {
    let (base, strings) = u.choose(&BASES)?;
    let pool: Vec<&str> = strings.iter().map(String::as_str).collect();
    let mut doc = base.clone();
    for _ in 0..u.int_in_range(0..=12)? {
        edit(u, &mut doc, &pool)?;
    }
    let mut bytes = serde_json::to_vec(&doc).expect("a JSON value serialises");
    for _ in 0..u.int_in_range(0..=2)? {
        let at = u.int_in_range(0..=bytes.len())?;
        if u.ratio(1, 4)? {
            bytes.truncate(at);
        } else {
            let splice = *u.choose(&SPLICES)?;
            bytes.splice(at..at, splice.iter().copied());
        }
    }
    Ok((bytes, strings))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((bytes, strings)) = document(&mut u) else { return };
    let loaded = Snapshot::from_slice(&bytes);
    if let Ok(text) = std::str::from_utf8(&bytes) {
        assert_eq!(outcome(&loaded), outcome(&Snapshot::from_json(text)), "bytes and text load differently");
    }
    let Ok(snap) = loaded else { return };
    let mut u = Unstructured::new(u.take_rest());
    let ids: Vec<&str> = strings.iter().map(String::as_str).collect();
    for _ in 0..2 {
        let Ok(q) = Query::arbitrary(&mut u, &ids) else { break };
        check(&snap, &q);
    }
});
