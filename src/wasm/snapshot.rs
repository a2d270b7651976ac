//! The JS `Snapshot` class.

use std::rc::Rc;

use js_sys::{Array, JSON, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::convert;
use super::subject::Subject;
use crate::ObjectRef;

/// A compiled ACL snapshot of one Braintrust org.
#[wasm_bindgen]
pub struct Snapshot {
    pub(super) inner: Rc<crate::Snapshot>,
}

#[wasm_bindgen]
impl Snapshot {
    /// Loads the snapshot document given as a JS object (it is serialised to JSON text first; `fromJson`
    /// with the fetched text or bytes is faster).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SnapshotDocument")] document: JsValue,
    ) -> Result<Snapshot, JsValue> {
        let text = JSON::stringify(&document).map_err(|e| {
            let why = js_sys::Error::from(e).message().as_string().unwrap_or_default();
            convert::error("invalid_json", &format!("the document cannot be written as JSON: {why}"), "", None)
        })?;
        match text.as_string() {
            Some(text) => Snapshot::load(crate::Snapshot::from_json(&text)),
            None => Err(convert::error("wrong_type", "the document must be an object", "", None)),
        }
    }

    /// Loads a snapshot document from JSON text, or from its UTF-8 bytes (as `fetch(…).arrayBuffer()`
    /// gives, wrapped in a `Uint8Array`), within the options' limits and expiry.
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoadOptions")] options: Option<JsValue>,
    ) -> Result<Snapshot, JsValue> {
        let options = super::load::load_options(options)?;
        super::load::check_input_size(&input, &options)?;
        if let Some(text) = input.as_string() {
            return Snapshot::load(crate::Snapshot::from_json_with(&text, &options));
        }
        match input.dyn_into::<Uint8Array>() {
            Ok(bytes) => Snapshot::load(crate::Snapshot::from_slice_with(&bytes.to_vec(), &options)),
            Err(_) => Err(convert::error("wrong_type", "fromJson takes a string or a Uint8Array", "", None)),
        }
    }

    pub(super) fn load(loaded: Result<crate::Snapshot, crate::SnapshotError>) -> Result<Snapshot, JsValue> {
        loaded.map(|s| Snapshot { inner: Rc::new(s) }).map_err(|e| convert::snapshot_error(&e))
    }

    /// The rows skipped (or kept with a caveat) while loading.
    #[wasm_bindgen(getter, unchecked_return_type = "Warning[]")]
    pub fn warnings(&self) -> JsValue {
        convert::warnings(self.inner.warnings())
    }

    /// The id of the org the snapshot describes.
    #[wasm_bindgen(getter, js_name = orgId)]
    pub fn org_id(&self) -> String {
        self.inner.org_id().to_owned()
    }

    /// The org's members: `{ id, kind }` with kind `"user"` or `"service_account"`.
    #[wasm_bindgen(unchecked_return_type = "Principal[]")]
    pub fn principals(&self) -> Array {
        self.inner
            .principals()
            .map(|p| {
                let o = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&o, &"id".into(), &p.id.into());
                let _ = js_sys::Reflect::set(&o, &"kind".into(), &p.kind.as_str().into());
                JsValue::from(o)
            })
            .collect()
    }

    /// The checkboxes of Braintrust's permission-group editor, filled in for the principal.
    #[wasm_bindgen(unchecked_return_type = "Capabilities")]
    pub fn capabilities(&self, principal_id: &str) -> JsValue {
        convert::capabilities(&self.inner.capabilities(principal_id))
    }

    /// Resolves a principal once, for many checks.
    pub fn subject(&self, principal_id: &str) -> Subject {
        Subject::new(Rc::clone(&self.inner), self.inner.subject(principal_id).key())
    }

    /// Whether the principal holds the permission on the object.
    pub fn can(
        &self,
        principal_id: &str,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] object_type: &str,
        object_id: &str,
    ) -> Result<bool, JsValue> {
        let permission = convert::permission(permission)?;
        Ok(self.inner.can(principal_id, permission, &ObjectRef::new(convert::object_type(object_type), object_id)))
    }

    /// Every permission the principal holds on the object, in canonical order.
    #[wasm_bindgen(unchecked_return_type = "Permission[]")]
    pub fn effective(
        &self,
        principal_id: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] object_type: &str,
        object_id: &str,
    ) -> Array {
        let set = self.inner.effective(principal_id, &ObjectRef::new(convert::object_type(object_type), object_id));
        convert::permission_names(set)
    }

    /// Whether the principal may create an object of `childType` directly under the parent.
    #[wasm_bindgen(js_name = canCreate)]
    pub fn can_create(
        &self,
        principal_id: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] child_type: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] parent_type: &str,
        parent_id: &str,
    ) -> bool {
        let parent = ObjectRef::new(convert::object_type(parent_type), parent_id);
        self.inner.can_create(principal_id, &convert::object_type(child_type), &parent)
    }

    /// Why the principal does or does not hold the permission on the object.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        principal_id: &str,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] object_type: &str,
        object_id: &str,
    ) -> Result<JsValue, JsValue> {
        let permission = convert::permission(permission)?;
        let object = ObjectRef::new(convert::object_type(object_type), object_id);
        Ok(convert::explanation(&self.inner.explain(principal_id, permission, &object)))
    }

    /// Why the principal may or may not create an object of `childType` directly under the parent.
    #[wasm_bindgen(js_name = explainCreate, unchecked_return_type = "Explanation")]
    pub fn explain_create(
        &self,
        principal_id: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] child_type: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] parent_type: &str,
        parent_id: &str,
    ) -> JsValue {
        let parent = ObjectRef::new(convert::object_type(parent_type), parent_id);
        convert::explanation(&self.inner.explain_create(principal_id, &convert::object_type(child_type), &parent))
    }

    /// The ids of every member who holds the permission on the object.
    #[wasm_bindgen(js_name = whoCan, unchecked_return_type = "string[]")]
    pub fn who_can(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] object_type: &str,
        object_id: &str,
    ) -> Result<Array, JsValue> {
        let permission = convert::permission(permission)?;
        let object = ObjectRef::new(convert::object_type(object_type), object_id);
        Ok(convert::strings(self.inner.who_can(permission, &object)))
    }

    /// The ids of every listed, live object of the type on which the principal holds the permission.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn accessible(
        &self,
        principal_id: &str,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] object_type: &str,
    ) -> Result<Array, JsValue> {
        let permission = convert::permission(permission)?;
        Ok(convert::strings(self.inner.accessible(principal_id, permission, &convert::object_type(object_type))))
    }
}
