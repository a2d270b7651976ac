//! Conversions between JS values and core types, and the one place errors become JS exceptions.

use js_sys::{Array, Error, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::json_out::{self, field, key};
use crate::{
    Access, Capabilities, Decision, Explanation, GrantHolder, GrantPath, ObjectType, Permission, PermissionSet,
    SnapshotError, Warning,
};

/// Builds the `Error` every failure throws: `name` is `"PermevalError"`, and `code`, `message` and `path`
/// say what and where (`line` and `column` too, for syntax errors).
pub(crate) fn error(code: &str, message: &str, path: &str, position: Option<(usize, usize)>) -> JsValue {
    let e = Error::new(message);
    e.set_name("PermevalError");
    let set = |k: &str, v: JsValue| {
        // Setting a plain property on a fresh Error object cannot fail.
        let _ = Reflect::set(&e, &JsValue::from_str(k), &v);
    };
    set("code", JsValue::from_str(code));
    set("path", JsValue::from_str(path));
    if let Some((line, column)) = position {
        set("line", JsValue::from_f64(line as f64));
        set("column", JsValue::from_f64(column as f64));
    }
    e.into()
}

pub(crate) fn snapshot_error(e: &SnapshotError) -> JsValue {
    let position = e.line().zip(e.column());
    error(e.code().as_str(), e.message(), e.path(), position)
}

#[wasm_bindgen]
extern "C" {
    /// A JS string seen as the receiver of `String.prototype` methods.
    type Text;
    /// `String.prototype.isWellFormed` (ES2024; Node 20, Chromium 111, workerd).
    #[wasm_bindgen(method, js_name = isWellFormed)]
    fn is_well_formed(this: &Text) -> bool;
}

/// A string argument. Anything else throws `wrong_type` naming the argument: wasm-bindgen's own `&str`
/// conversion does not check, and a number passed there corrupts the glue's memory handling instead.
/// A string with a lone surrogate throws `invalid_string`: crossing into Rust would turn the surrogate into
/// U+FFFD, and so one id into another (no id in a loaded snapshot can hold a lone surrogate).
pub(crate) fn string(value: &JsValue, argument: &str) -> Result<String, JsValue> {
    let text = value.as_string().ok_or_else(|| {
        error("wrong_type", &format!("`{argument}` must be a string, found {}", js_kind(value)), argument, None)
    })?;
    well_formed(value, argument)?;
    Ok(text)
}

/// Refuses a JS string holding a lone surrogate (see [`string`]); `path` says where.
pub(crate) fn well_formed(value: &JsValue, path: &str) -> Result<(), JsValue> {
    if value.unchecked_ref::<Text>().is_well_formed() {
        return Ok(());
    }
    let message = "the string holds a lone surrogate (it is not well-formed UTF-16), so it names nothing";
    Err(error("invalid_string", message, path, None))
}

/// The JS type of a value, for messages.
fn js_kind(value: &JsValue) -> String {
    if value.is_null() { "null".to_owned() } else { value.js_typeof().as_string().unwrap_or_default() }
}

/// A permission name from JS; anything but one of the eight throws, so typos surface in development.
pub(crate) fn permission(value: &JsValue) -> Result<Permission, JsValue> {
    let name = string(value, "permission")?;
    name.parse::<Permission>().map_err(|e| error("unknown_permission", &e.to_string(), "permission", None))
}

/// An object type name from JS; unknown names are evaluated as unknown types, never rejected.
pub(crate) fn object_type(value: &JsValue, argument: &str) -> Result<ObjectType, JsValue> {
    string(value, argument).map(|name| ObjectType::from(name.as_str()))
}

/// The argument names of an object given as a type and an id.
pub(crate) const OBJECT: [&str; 2] = ["objectType", "objectId"];
/// The argument names of a parent object given as a type and an id.
pub(crate) const PARENT: [&str; 2] = ["parentType", "parentId"];

/// An object named by two arguments, a type and an id, each checked under its own name.
pub(crate) fn object(
    object_type: &JsValue,
    id: &JsValue,
    [type_arg, id_arg]: [&str; 2],
) -> Result<(ObjectType, String), JsValue> {
    Ok((self::object_type(object_type, type_arg)?, string(id, id_arg)?))
}

/// Many ids: an array of strings, each checked, with the offending index in the error's path.
pub(crate) fn strings_from(value: &JsValue, argument: &str) -> Result<Vec<String>, JsValue> {
    let Some(items) = value.dyn_ref::<Array>() else {
        let message = format!("`{argument}` must be an array of strings, found {}", js_kind(value));
        return Err(error("wrong_type", &message, argument, None));
    };
    items.iter().enumerate().map(|(i, item)| string(&item, &format!("{argument}[{i}]"))).collect()
}

/// The node number of an object, or -1 when it has none; see `Snapshot.objectNode`.
pub(crate) fn object_node(
    snapshot: &crate::Snapshot,
    object_type: &JsValue,
    object_id: &JsValue,
) -> Result<i32, JsValue> {
    let (object_type, id) = object(object_type, object_id, OBJECT)?;
    let node = snapshot.object_node(&crate::ObjectRef::new(object_type, &id));
    Ok(node.and_then(|n| i32::try_from(n).ok()).unwrap_or(-1))
}

/// A permission set as `Permission[]` in canonical order.
pub(crate) fn permission_names(set: PermissionSet) -> Array {
    set.iter_permissions().map(|p| JsValue::from_str(p.as_str())).collect()
}

pub(crate) fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Array {
    items.into_iter().map(JsValue::from_str).collect()
}

/// Plain JS objects, made by writing JSON here and letting the engine's `JSON.parse` build them: one string
/// crosses the boundary instead of a call per property (serde-wasm-bindgen's way). Measured no faster for
/// `explain`, but the wasm needs no serialiser for it, only the few functions of [`json_out`]. The keys are
/// the TS types' (`Explanation`, `Capabilities`, `Warning` in `js/permeval.d.ts`). The text is well-formed
/// by construction; `null` stands in should `JSON.parse` ever refuse it.
fn to_js(write: impl FnOnce(&mut String)) -> JsValue {
    let mut text = String::with_capacity(256);
    write(&mut text);
    js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL)
}

pub(crate) fn warnings(ws: &[Warning]) -> JsValue {
    to_js(|out| {
        json_out::array(out, ws, |out, w| {
            json_out::object(out, |out, first| {
                field(out, first, "code", w.code().as_str());
                field(out, first, "message", w.message());
                field(out, first, "path", w.path());
            });
        });
    })
}

fn grant_path(out: &mut String, p: &GrantPath<'_>) {
    let (kind, holder) = match p.holder {
        GrantHolder::User(id) => ("user", id),
        GrantHolder::Group(id) => ("group", id),
    };
    json_out::object(out, |out, first| {
        field(out, first, "aclId", &p.acl_id);
        key(out, first, "on");
        json_out::object(out, |out, first| {
            field(out, first, "type", p.on.object_type.as_str());
            field(out, first, "id", p.on.id);
        });
        key(out, first, "holder");
        json_out::object(out, |out, first| {
            field(out, first, "kind", kind);
            field(out, first, "id", holder);
        });
        key(out, first, "groupChain");
        json_out::array(out, &p.group_chain, |out, id| json_out::string(out, id));
        key(out, first, "roleChain");
        json_out::array(out, &p.role_chain, |out, id| json_out::string(out, id));
        key(out, first, "restriction");
        match &p.restriction {
            Some(t) => json_out::string(out, t.as_str()),
            None => out.push_str("null"),
        }
    });
}

/// `{ allowed, permission, paths }` when allowed, `{ allowed, permission, reason, nearest }` when denied.
pub(crate) fn explanation(e: &Explanation<'_>) -> JsValue {
    to_js(|out| {
        json_out::object(out, |out, first| {
            let (allowed, reason, paths_key, paths) = match &e.decision {
                Decision::Allowed { paths } => (true, None, "paths", paths),
                Decision::Denied { reason, nearest } => (false, Some(reason), "nearest", nearest),
            };
            flag(out, first, "allowed", allowed);
            field(out, first, "permission", e.permission.as_str());
            if let Some(reason) = reason {
                field(out, first, "reason", reason.as_str());
            }
            key(out, first, paths_key);
            json_out::array(out, paths, grant_path);
        });
    })
}

/// The member `"name":true` or `"name":false`.
fn flag(out: &mut String, first: &mut bool, name: &str, on: bool) {
    key(out, first, name);
    out.push_str(if on { "true" } else { "false" });
}

fn access(out: &mut String, a: Access) {
    json_out::object(out, |out, first| {
        flag(out, first, "read", a.read);
        flag(out, first, "create", a.create);
        flag(out, first, "update", a.update);
        flag(out, first, "delete", a.delete);
        flag(out, first, "manageAccess", a.manage_access);
    });
}

/// `{ organization, allProjects, projects: [{ id, access, kinds }] }`, `kinds` an object keyed by kind name
/// (`{ experiments: Access, … }`).
pub(crate) fn capabilities(c: &Capabilities<'_>) -> JsValue {
    let o = &c.organization;
    to_js(|out| {
        json_out::object(out, |out, first| {
            key(out, first, "organization");
            json_out::object(out, |out, first| {
                flag(out, first, "manageSettings", o.manage_settings);
                flag(out, first, "manageMembers", o.manage_members);
                flag(out, first, "removeMembers", o.remove_members);
                flag(out, first, "manageAccess", o.manage_access);
                flag(out, first, "readAuditLogs", o.read_audit_logs);
            });
            key(out, first, "allProjects");
            access(out, c.all_projects);
            key(out, first, "projects");
            json_out::array(out, &c.projects, |out, p| {
                json_out::object(out, |out, first| {
                    field(out, first, "id", p.id);
                    key(out, first, "access");
                    access(out, p.access);
                    key(out, first, "kinds");
                    json_out::object(out, |out, first| {
                        for (kind, a) in &p.kinds {
                            key(out, first, kind.as_str());
                            access(out, *a);
                        }
                    });
                });
            });
        });
    })
}
