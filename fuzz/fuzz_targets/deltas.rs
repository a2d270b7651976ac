//! Arbitrary delta calls on fixed snapshots: structured bodies (Braintrust's write shapes filled with the
//! documents' own ids, odd strings and wrong types) and raw bytes, through every delta method in any order.
//! Asserted: nothing panics; a refused call changes neither `version` nor `to_json`; an accepted one bumps
//! `version`; afterwards the query methods agree with each other (`check`) and `to_json` loads to a
//! snapshot that answers the same.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use permeval::{ObjectRef, Permission, Snapshot};
use permeval_fuzz::{DOCUMENTS, Query, TYPE_NAMES, check, strings_in, text};
use serde_json::{Value, json};

static STRINGS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    DOCUMENTS.iter().map(|t| strings_in(&serde_json::from_str(t).expect("the seed documents are JSON"))).collect()
});

const SECTIONS: [&str; 8] = ["users", "service_accounts", "groups", "roles", "projects", "project_groups", "objects", "acls"];

/// A JSON value: mostly a string from the pool, sometimes another JSON type.
fn value<'a>(u: &mut Unstructured<'a>, pool: &[&'a str]) -> Result<Value> {
    Ok(match u.int_in_range(0..=9)? {
        0 => Value::Null,
        1 => json!(u.int_in_range(-3..=3)?),
        2 => json!([text(u, pool)?]),
        _ => json!(text(u, pool)?),
    })
}

fn ids<'a>(u: &mut Unstructured<'a>, pool: &[&'a str]) -> Result<Value> {
    let n = u.int_in_range(0..=3)?;
    Ok(Value::Array((0..n).map(|_| value(u, pool)).collect::<Result<_>>()?))
}

/// An object with some of `keys`, each given a value.
fn row<'a>(u: &mut Unstructured<'a>, pool: &[&'a str], keys: &[&str]) -> Result<Value> {
    let mut out = serde_json::Map::new();
    for key in keys {
        if u.ratio(3, 4)? {
            let v = match *key {
                "member_users" | "member_groups" | "member_roles" | "member_projects" | "add_member_users"
                | "remove_member_users" | "add_member_groups" | "remove_member_groups" | "add_member_roles"
                | "remove_member_roles" => ids(u, pool)?,
                "member_permissions" | "add_member_permissions" | "remove_member_permissions" => {
                    json!([{"permission": text(u, &Permission::ALL.map(Permission::as_str))?,
                            "restrict_object_type": value(u, &TYPE_NAMES)?}])
                }
                "permission" => json!(text(u, &Permission::ALL.map(Permission::as_str))?),
                "object_type" | "type" | "restrict_object_type" => value(u, &TYPE_NAMES)?,
                _ => value(u, pool)?,
            };
            out.insert((*key).to_owned(), v);
        }
    }
    Ok(Value::Object(out))
}

fn rows<'a>(u: &mut Unstructured<'a>, pool: &[&'a str], keys: &[&str]) -> Result<Value> {
    let n = u.int_in_range(0..=3)?;
    Ok(Value::Array((0..n).map(|_| row(u, pool, keys)).collect::<Result<_>>()?))
}

const ACL: &[&str] =
    &["id", "object_type", "object_id", "_object_org_id", "user_id", "group_id", "permission", "role_id", "restrict_object_type"];

/// One delta call on `snap`; true when it was accepted.
fn call<'a>(u: &mut Unstructured<'a>, snap: &mut Snapshot, pool: &[&'a str]) -> Result<bool> {
    let raw = u.ratio(1, 8)?;
    let body = |u: &mut Unstructured<'_>, v: Value| -> Result<String> {
        Ok(if raw { String::from_utf8_lossy(u.bytes(u.len().min(64))?).into_owned() } else { v.to_string() })
    };
    Ok(match u.int_in_range(0..=3)? {
        0 => {
            let v = json!({"add_acls": rows(u, pool, ACL)?, "remove_acls": rows(u, pool, ACL)?});
            let b = body(u, v)?;
            snap.apply_acl_batch(&b).is_ok()
        }
        1 => {
            let id = text(u, pool)?;
            let keys = ["add_member_users", "remove_member_users", "add_member_groups", "remove_member_groups", "name"];
            let v = row(u, pool, &keys)?;
            let b = body(u, v)?;
            snap.patch_group(id, &b).is_ok()
        }
        2 => {
            let id = text(u, pool)?;
            let keys = ["add_member_permissions", "remove_member_permissions", "add_member_roles", "remove_member_roles"];
            let v = row(u, pool, &keys)?;
            let b = body(u, v)?;
            snap.patch_role(id, &b).is_ok()
        }
        _ => {
            let section = text(u, &SECTIONS)?;
            let keys = ["id", "type", "org_id", "deleted_at", "project_id", "member_users", "member_groups",
                "member_roles", "member_permissions", "member_projects"];
            let v = rows(u, pool, &keys)?;
            let b = body(u, v)?;
            snap.upsert(section, &b).is_ok()
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(which) = u.choose_index(DOCUMENTS.len()) else { return };
    let (Some(text0), Some(strings)) = (DOCUMENTS.get(which), STRINGS.get(which)) else { return };
    let mut snap = Snapshot::from_json(text0).expect("the seed documents load");
    let pool: Vec<&str> = strings.iter().map(String::as_str).collect();
    for _ in 0..4 {
        let (version, before) = (snap.version(), snap.to_json());
        let Ok(accepted) = call(&mut u, &mut snap, &pool) else { break };
        if accepted {
            assert_eq!(snap.version(), version + 1, "an accepted delta bumps the version");
        } else {
            assert_eq!(snap.version(), version, "a refused delta keeps the version");
            assert_eq!(snap.to_json(), before, "a refused delta changes nothing");
        }
    }
    let written = snap.to_json();
    let reloaded = Snapshot::from_json(&written).expect("to_json loads");
    assert_eq!(reloaded.to_json(), written, "to_json is a fixed point");
    let all: Vec<&str> = pool.iter().copied().chain(snap.principals().map(|p| p.id)).collect();
    while let Ok(q) = Query::arbitrary(&mut u, &all) {
        check(&snap, &q);
        let object = ObjectRef::parse(q.object_type, q.id);
        assert_eq!(snap.effective(q.principal, &object), reloaded.effective(q.principal, &object), "to_json answers alike");
        if u.is_empty() {
            break;
        }
    }
});
