//! The JS `Snapshot` class.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use js_sys::{Array, JSON};
use wasm_bindgen::prelude::*;

use super::convert;
use super::subject::Subject;
use crate::ObjectRef;

/// A compiled ACL snapshot of one Braintrust org.
#[wasm_bindgen]
pub struct Snapshot {
    pub(super) inner: Rc<RefCell<crate::Snapshot>>,
}

/// Reads a shared snapshot. Deltas borrow it mutably only while Rust code runs (their arguments are
/// converted before, their results after), and JS cannot run in between, so no read can meet a delta.
pub(super) fn read(shared: &RefCell<crate::Snapshot>) -> Ref<'_, crate::Snapshot> {
    shared.borrow()
}

impl Snapshot {
    pub(super) fn snap(&self) -> Ref<'_, crate::Snapshot> {
        read(&self.inner)
    }
}

#[wasm_bindgen]
impl Snapshot {
    /// Loads the snapshot document given as a JS object (it is serialised to JSON text first; `fromJson`
    /// with the fetched text or bytes is faster), within the options' limits and expiry.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SnapshotDocument")] document: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoadOptions")] options: Option<JsValue>,
    ) -> Result<Snapshot, JsValue> {
        let options = super::load::load_options(options)?;
        let text = JSON::stringify(&document).map_err(|e| {
            let why = js_sys::Error::from(e).message().as_string().unwrap_or_default();
            convert::error("invalid_json", &format!("the document cannot be written as JSON: {why}"), "", None)
        })?;
        if !text.is_string() {
            return Err(convert::error("wrong_type", "the document must be an object", "", None));
        }
        super::load::load_document(&text, "new Snapshot", &options)
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
        super::load::load_document(&input, "fromJson", &options)
    }

    pub(super) fn load(loaded: Result<crate::Snapshot, crate::SnapshotError>) -> Result<Snapshot, JsValue> {
        loaded.map(|s| Snapshot { inner: Rc::new(RefCell::new(s)) }).map_err(|e| convert::snapshot_error(&e))
    }

    /// The rows skipped (or kept with a caveat) while loading.
    #[wasm_bindgen(getter, unchecked_return_type = "Warning[]")]
    pub fn warnings(&self) -> JsValue {
        convert::warnings(self.snap().warnings())
    }

    /// The id of the org the snapshot describes.
    #[wasm_bindgen(getter, js_name = orgId)]
    pub fn org_id(&self) -> String {
        self.snap().org_id().to_owned()
    }

    /// The org's members: `{ id, kind }` with kind `"user"` or `"service_account"`.
    #[wasm_bindgen(unchecked_return_type = "Principal[]")]
    pub fn principals(&self) -> Array {
        self.snap()
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
    pub fn capabilities(
        &self,
        #[wasm_bindgen(js_name = principalId, unchecked_param_type = "string")] principal_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let principal = convert::string(&principal_id, "principalId")?;
        Ok(convert::capabilities(&self.snap().capabilities(&principal)))
    }

    /// Resolves a principal once, for many checks.
    pub fn subject(
        &self,
        #[wasm_bindgen(js_name = principalId, unchecked_param_type = "string")] principal_id: JsValue,
    ) -> Result<Subject, JsValue> {
        let principal = convert::string(&principal_id, "principalId")?;
        Ok(Subject::new(Rc::clone(&self.inner), principal))
    }

    /// Whether the principal holds the permission on the object.
    pub fn can(
        &self,
        #[wasm_bindgen(js_name = principalId, unchecked_param_type = "string")] principal_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: JsValue,
        #[wasm_bindgen(js_name = objectType, unchecked_param_type = "ObjectType")] object_type: JsValue,
        #[wasm_bindgen(js_name = objectId, unchecked_param_type = "string")] object_id: JsValue,
    ) -> Result<bool, JsValue> {
        let principal = convert::string(&principal_id, "principalId")?;
        let permission = convert::permission(&permission)?;
        let (object_type, id) = convert::object(&object_type, &object_id, convert::OBJECT)?;
        Ok(self.snap().can(&principal, permission, &ObjectRef::new(object_type, &id)))
    }

    /// Every permission the principal holds on the object, in canonical order.
    #[wasm_bindgen(unchecked_return_type = "Permission[]")]
    pub fn effective(
        &self,
        #[wasm_bindgen(js_name = principalId, unchecked_param_type = "string")] principal_id: JsValue,
        #[wasm_bindgen(js_name = objectType, unchecked_param_type = "ObjectType")] object_type: JsValue,
        #[wasm_bindgen(js_name = objectId, unchecked_param_type = "string")] object_id: JsValue,
    ) -> Result<Array, JsValue> {
        let principal = convert::string(&principal_id, "principalId")?;
        let (object_type, id) = convert::object(&object_type, &object_id, convert::OBJECT)?;
        Ok(convert::permission_names(self.snap().effective(&principal, &ObjectRef::new(object_type, &id))))
    }

    /// Whether the principal may create an object of `childType` directly under the parent.
    #[wasm_bindgen(js_name = canCreate)]
    pub fn can_create(
        &self,
        #[wasm_bindgen(js_name = principalId, unchecked_param_type = "string")] principal_id: JsValue,
        #[wasm_bindgen(js_name = childType, unchecked_param_type = "ObjectType")] child_type: JsValue,
        #[wasm_bindgen(js_name = parentType, unchecked_param_type = "ObjectType")] parent_type: JsValue,
        #[wasm_bindgen(js_name = parentId, unchecked_param_type = "string")] parent_id: JsValue,
    ) -> Result<bool, JsValue> {
        let principal = convert::string(&principal_id, "principalId")?;
        let child = convert::object_type(&child_type, "childType")?;
        let (parent_type, id) = convert::object(&parent_type, &parent_id, convert::PARENT)?;
        Ok(self.snap().can_create(&principal, &child, &ObjectRef::new(parent_type, &id)))
    }

    /// Why the principal does or does not hold the permission on the object.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        #[wasm_bindgen(js_name = principalId, unchecked_param_type = "string")] principal_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: JsValue,
        #[wasm_bindgen(js_name = objectType, unchecked_param_type = "ObjectType")] object_type: JsValue,
        #[wasm_bindgen(js_name = objectId, unchecked_param_type = "string")] object_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let principal = convert::string(&principal_id, "principalId")?;
        let permission = convert::permission(&permission)?;
        let (object_type, id) = convert::object(&object_type, &object_id, convert::OBJECT)?;
        Ok(convert::explanation(&self.snap().explain(&principal, permission, &ObjectRef::new(object_type, &id))))
    }

    /// Why the principal may or may not create an object of `childType` directly under the parent.
    #[wasm_bindgen(js_name = explainCreate, unchecked_return_type = "Explanation")]
    pub fn explain_create(
        &self,
        #[wasm_bindgen(js_name = principalId, unchecked_param_type = "string")] principal_id: JsValue,
        #[wasm_bindgen(js_name = childType, unchecked_param_type = "ObjectType")] child_type: JsValue,
        #[wasm_bindgen(js_name = parentType, unchecked_param_type = "ObjectType")] parent_type: JsValue,
        #[wasm_bindgen(js_name = parentId, unchecked_param_type = "string")] parent_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let principal = convert::string(&principal_id, "principalId")?;
        let child = convert::object_type(&child_type, "childType")?;
        let (parent_type, id) = convert::object(&parent_type, &parent_id, convert::PARENT)?;
        let parent = ObjectRef::new(parent_type, &id);
        Ok(convert::explanation(&self.snap().explain_create(&principal, &child, &parent)))
    }

    /// The ids of every member who holds the permission on the object.
    #[wasm_bindgen(js_name = whoCan, unchecked_return_type = "string[]")]
    pub fn who_can(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: JsValue,
        #[wasm_bindgen(js_name = objectType, unchecked_param_type = "ObjectType")] object_type: JsValue,
        #[wasm_bindgen(js_name = objectId, unchecked_param_type = "string")] object_id: JsValue,
    ) -> Result<Array, JsValue> {
        let permission = convert::permission(&permission)?;
        let (object_type, id) = convert::object(&object_type, &object_id, convert::OBJECT)?;
        Ok(convert::strings(self.snap().who_can(permission, &ObjectRef::new(object_type, &id))))
    }

    /// The ids of every listed, live object of the type on which the principal holds the permission.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn accessible(
        &self,
        #[wasm_bindgen(js_name = principalId, unchecked_param_type = "string")] principal_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: JsValue,
        #[wasm_bindgen(js_name = objectType, unchecked_param_type = "ObjectType")] object_type: JsValue,
    ) -> Result<Array, JsValue> {
        let principal = convert::string(&principal_id, "principalId")?;
        let permission = convert::permission(&permission)?;
        let object_type = convert::object_type(&object_type, "objectType")?;
        Ok(convert::strings(self.snap().accessible(&principal, permission, &object_type)))
    }

    /// The ids of every listed, live object of the type, in snapshot order (the order `accessible` keeps).
    #[wasm_bindgen(js_name = listedIds, unchecked_return_type = "string[]")]
    pub fn listed_ids(
        &self,
        #[wasm_bindgen(js_name = objectType, unchecked_param_type = "ObjectType")] object_type: JsValue,
    ) -> Result<Array, JsValue> {
        let object_type = convert::object_type(&object_type, "objectType")?;
        Ok(convert::strings(self.snap().listed_ids(&object_type)))
    }

    /// `accessible` as positions in `listedIds(objectType)`, for the JS side to map through its copy.
    #[wasm_bindgen(js_name = accessiblePositions, skip_typescript)]
    pub fn accessible_positions(
        &self,
        #[wasm_bindgen(js_name = principalId)] principal_id: JsValue,
        permission: JsValue,
        #[wasm_bindgen(js_name = objectType)] object_type: JsValue,
    ) -> Result<Vec<u32>, JsValue> {
        let principal = convert::string(&principal_id, "principalId")?;
        let permission = convert::permission(&permission)?;
        let object_type = convert::object_type(&object_type, "objectType")?;
        let mut positions = Vec::new();
        self.snap().subject(&principal).accessible_positions(permission, &object_type, &mut positions);
        Ok(positions)
    }

    // The number-based calls below are what the package's JS classes use once they have seen an id: a
    // check then passes three integers across the boundary instead of four strings, and nothing is hashed
    // twice. The numbers are the snapshot's own; the JS side caches them per snapshot.

    /// The permission names in bit order: bit `i` of an `effectiveOfNode` byte is `permissionNames()[i]`.
    #[wasm_bindgen(js_name = permissionNames, skip_typescript, unchecked_return_type = "Permission[]")]
    pub fn permission_names() -> Array {
        convert::permission_names(crate::PermissionSet::all())
    }

    /// The member number of a principal, or -1 for anyone who is not a member.
    #[wasm_bindgen(js_name = principalNumber, skip_typescript)]
    pub fn principal_number(
        &self,
        #[wasm_bindgen(js_name = principalId, unchecked_param_type = "string")] principal_id: JsValue,
    ) -> Result<i32, JsValue> {
        let principal = convert::string(&principal_id, "principalId")?;
        Ok(self.snap().principal_number(&principal).and_then(|n| i32::try_from(n).ok()).unwrap_or(-1))
    }

    /// The node number of an object, or -1 when it has none (then ask by id).
    #[wasm_bindgen(js_name = objectNode, skip_typescript)]
    pub fn object_node(
        &self,
        #[wasm_bindgen(js_name = objectType, unchecked_param_type = "ObjectType")] object_type: JsValue,
        #[wasm_bindgen(js_name = objectId, unchecked_param_type = "string")] object_id: JsValue,
    ) -> Result<i32, JsValue> {
        convert::object_node(&self.snap(), &object_type, &object_id)
    }

    /// The permission bits member `principal` holds on node `node` (numbers that name nothing hold 0).
    #[wasm_bindgen(js_name = effectiveOfNode, skip_typescript)]
    pub fn effective_of_node(&self, principal: u32, node: u32) -> u8 {
        self.snap().subject_by_number(principal).effective_of_node(node).bits()
    }
}
