//! Conversions between JS values and core types, and the one place errors become JS exceptions.

use js_sys::{Array, Error, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::{
    Access, Capabilities, Decision, Explanation, GrantHolder, GrantPath, ObjectKind, ObjectType, Permission,
    PermissionSet, SnapshotError, Warning,
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
/// `explain`, but it needs no serialiser of its own in the wasm. Serialising these structs cannot fail;
/// `null` stands in should it ever.
fn to_js<T: Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value).ok().and_then(|text| js_sys::JSON::parse(&text).ok()).unwrap_or(JsValue::NULL)
}

#[derive(Serialize)]
struct WarningJs<'a> {
    code: &'a str,
    message: &'a str,
    path: &'a str,
}

pub(crate) fn warnings(ws: &[Warning]) -> JsValue {
    let rows: Vec<WarningJs<'_>> =
        ws.iter().map(|w| WarningJs { code: w.code().as_str(), message: w.message(), path: w.path() }).collect();
    to_js(&rows)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ObjectJs<'a> {
    r#type: &'a str,
    id: &'a str,
}

#[derive(Serialize)]
struct HolderJs<'a> {
    kind: &'a str,
    id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct GrantPathJs<'a> {
    acl_id: &'a str,
    on: ObjectJs<'a>,
    holder: HolderJs<'a>,
    group_chain: &'a [&'a str],
    role_chain: &'a [&'a str],
    restriction: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExplanationJs<'a> {
    allowed: bool,
    permission: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paths: Option<Vec<GrantPathJs<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nearest: Option<Vec<GrantPathJs<'a>>>,
}

fn grant_path<'a>(p: &'a GrantPath<'_>) -> GrantPathJs<'a> {
    let holder = match p.holder {
        GrantHolder::User(id) => HolderJs { kind: "user", id },
        GrantHolder::Group(id) => HolderJs { kind: "group", id },
    };
    GrantPathJs {
        acl_id: p.acl_id,
        on: ObjectJs { r#type: p.on.object_type.as_str(), id: p.on.id },
        holder,
        group_chain: &p.group_chain,
        role_chain: &p.role_chain,
        restriction: p.restriction.as_ref().map(ObjectType::as_str),
    }
}

pub(crate) fn explanation(e: &Explanation<'_>) -> JsValue {
    let out = match &e.decision {
        Decision::Allowed { paths } => ExplanationJs {
            allowed: true,
            permission: e.permission.as_str(),
            reason: None,
            paths: Some(paths.iter().map(grant_path).collect()),
            nearest: None,
        },
        Decision::Denied { reason, nearest } => ExplanationJs {
            allowed: false,
            permission: e.permission.as_str(),
            reason: Some(reason.as_str()),
            paths: None,
            nearest: Some(nearest.iter().map(grant_path).collect()),
        },
    };
    to_js(&out)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccessJs {
    read: bool,
    create: bool,
    update: bool,
    delete: bool,
    manage_access: bool,
}

impl From<Access> for AccessJs {
    fn from(a: Access) -> Self {
        AccessJs { read: a.read, create: a.create, update: a.update, delete: a.delete, manage_access: a.manage_access }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OrgJs {
    manage_settings: bool,
    manage_members: bool,
    remove_members: bool,
    manage_access: bool,
    read_audit_logs: bool,
}

/// The per-kind columns as an object keyed by kind name (`{ experiments: Access, … }`).
struct KindsJs<'a>(&'a [(ObjectKind, Access)]);

impl Serialize for KindsJs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, a)| (k.as_str(), AccessJs::from(*a))))
    }
}

#[derive(Serialize)]
struct ProjectJs<'a> {
    id: &'a str,
    access: AccessJs,
    kinds: KindsJs<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CapabilitiesJs<'a> {
    organization: OrgJs,
    all_projects: AccessJs,
    projects: Vec<ProjectJs<'a>>,
}

pub(crate) fn capabilities(c: &Capabilities<'_>) -> JsValue {
    let o = &c.organization;
    to_js(&CapabilitiesJs {
        organization: OrgJs {
            manage_settings: o.manage_settings,
            manage_members: o.manage_members,
            remove_members: o.remove_members,
            manage_access: o.manage_access,
            read_audit_logs: o.read_audit_logs,
        },
        all_projects: c.all_projects.into(),
        projects: c
            .projects
            .iter()
            .map(|p| ProjectJs { id: p.id, access: p.access.into(), kinds: KindsJs(&p.kinds) })
            .collect(),
    })
}
