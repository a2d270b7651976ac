//! The JS side of live snapshots: `applyAclBatch`, `patchGroup`, `patchRole`, `upsert`, `version`,
//! `toJson`, and per-principal projections (`projectFor`). Bodies come as JS objects (or JSON text) and go to the core as JSON text, which it reads with
//! the loader's row checks.

use js_sys::JSON;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::convert;
use super::snapshot::Snapshot;

/// A body as JSON text: a string is taken as it is, anything else is written with `JSON.stringify`.
fn body(value: &JsValue, argument: &str) -> Result<String, JsValue> {
    let text = if value.is_string() {
        convert::well_formed(value, argument)?;
        value.clone()
    } else {
        JSON::stringify(value)
            .map_err(|e| {
                let why = js_sys::Error::from(e).message().as_string().unwrap_or_default();
                convert::error("wrong_type", &format!("`{argument}` cannot be written as JSON: {why}"), argument, None)
            })?
            .into()
    };
    // `undefined` and functions stringify to `undefined`, not to text.
    let not_text =
        || convert::error("wrong_type", &format!("`{argument}` must be an object or JSON text"), argument, None);
    let text = text.dyn_ref::<js_sys::JsString>().ok_or_else(not_text)?;
    let bytes = super::load::utf8(text).ok_or_else(|| {
        convert::error("limit_exceeded", &format!("`{argument}` is too large to copy into wasm memory"), argument, None)
    })?;
    String::from_utf8(bytes).map_err(|_| not_text())
}

impl Snapshot {
    /// Runs a delta on the shared snapshot; every subject taken from it sees the result.
    fn change(
        &self,
        apply: impl FnOnce(&mut crate::Snapshot) -> Result<(), crate::SnapshotError>,
    ) -> Result<(), JsValue> {
        // The mutable borrow ends before the error is built: building it calls into JS (`new Error`), and
        // no JS may run while the snapshot is borrowed mutably (see `snapshot::read`).
        let applied = match self.inner.try_borrow_mut() {
            Ok(mut snapshot) => apply(&mut snapshot),
            Err(_) => {
                let message = "the snapshot is being read; apply the delta after the current call";
                return Err(convert::error("busy", message, "", None));
            }
        };
        applied.map_err(|e| convert::snapshot_error(&e))
    }
}

#[wasm_bindgen]
impl Snapshot {
    /// How many deltas have been applied since loading; a failed one leaves it as it was.
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> f64 {
        // A u64 count of calls stays far below 2^53.
        self.snap().version() as f64
    }

    /// Applies the body of `POST /v1/acl/batch_update` (`{ add_acls, remove_acls }`), all or nothing.
    #[wasm_bindgen(js_name = applyAclBatch)]
    pub fn apply_acl_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AclBatch | string")] body: JsValue,
    ) -> Result<(), JsValue> {
        let text = self::body(&body, "body")?;
        self.change(|s| s.apply_acl_batch(&text))
    }

    /// Applies the body of `PATCH /v1/group/{id}`, all or nothing.
    #[wasm_bindgen(js_name = patchGroup)]
    pub fn patch_group(
        &self,
        #[wasm_bindgen(js_name = groupId, unchecked_param_type = "string")] group_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "GroupPatch | string")] body: JsValue,
    ) -> Result<(), JsValue> {
        let group = convert::string(&group_id, "groupId")?;
        let text = self::body(&body, "body")?;
        self.change(|s| s.patch_group(&group, &text))
    }

    /// Applies the body of `PATCH /v1/role/{id}`, all or nothing.
    #[wasm_bindgen(js_name = patchRole)]
    pub fn patch_role(
        &self,
        #[wasm_bindgen(js_name = roleId, unchecked_param_type = "string")] role_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RolePatch | string")] body: JsValue,
    ) -> Result<(), JsValue> {
        let role = convert::string(&role_id, "roleId")?;
        let text = self::body(&body, "body")?;
        self.change(|s| s.patch_role(&role, &text))
    }

    /// Inserts or replaces rows of one section (deleting is upserting a row with `deleted_at`), all or
    /// nothing.
    pub fn upsert(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpsertSection")] section: JsValue,
        #[wasm_bindgen(
            unchecked_param_type = "(UserRow | ServiceAccountRow | GroupRow | RoleRow | ProjectRow | ProjectGroupRow | ObjectRow)[] | string"
        )]
        rows: JsValue,
    ) -> Result<(), JsValue> {
        let section = convert::string(&section, "section")?;
        let text = self::body(&rows, "rows")?;
        self.change(|s| s.upsert(&section, &text))
    }

    /// The snapshot as a document, deltas applied: loading it answers every query as this snapshot does.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.snap().to_json()
    }

    /// The document that answers every question about one principal as this snapshot does, without the
    /// other principals, their groups' other members, or ACL rows that cannot reach the principal.
    #[wasm_bindgen(js_name = projectFor)]
    pub fn project_for(
        &self,
        #[wasm_bindgen(js_name = principalId, unchecked_param_type = "string")] principal_id: JsValue,
    ) -> Result<String, JsValue> {
        let principal = convert::string(&principal_id, "principalId")?;
        Ok(self.snap().project_for(&principal))
    }
}
