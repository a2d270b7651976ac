//! The JS `Subject` class: one principal, resolved once.

use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

use super::convert;
use crate::{ObjectRef, PermissionSet, SubjectKey};

/// A principal resolved once: checks are then a few lookups each. It keeps its snapshot alive, so it stays
/// valid after `snapshot.free()`.
#[wasm_bindgen]
pub struct Subject {
    snapshot: Rc<crate::Snapshot>,
    key: SubjectKey,
}

impl Subject {
    pub(crate) fn new(snapshot: Rc<crate::Snapshot>, key: SubjectKey) -> Subject {
        Subject { snapshot, key }
    }

    fn core(&self) -> crate::Subject<'_> {
        self.snapshot.subject_by_key(self.key)
    }
}

#[wasm_bindgen]
impl Subject {
    /// The principal's id, or `undefined` when it is not a member of the org.
    #[wasm_bindgen(getter, js_name = principalId)]
    pub fn principal_id(&self) -> Option<String> {
        self.core().principal_id().map(str::to_owned)
    }

    /// Whether the principal is a user or service account of the org.
    #[wasm_bindgen(getter, js_name = isMember)]
    pub fn is_member(&self) -> bool {
        self.core().is_member()
    }

    /// Whether the principal holds the permission on the object.
    pub fn can(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] object_type: &str,
        object_id: &str,
    ) -> Result<bool, JsValue> {
        let permission = convert::permission(permission)?;
        Ok(self.core().can(permission, &ObjectRef::new(convert::object_type(object_type), object_id)))
    }

    /// Every permission the principal holds on the object, in canonical order.
    #[wasm_bindgen(unchecked_return_type = "Permission[]")]
    pub fn effective(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] object_type: &str,
        object_id: &str,
    ) -> Array {
        convert::permission_names(self.core().effective(&ObjectRef::new(convert::object_type(object_type), object_id)))
    }

    /// The effective permissions on many objects of one type, one byte each: bit 0 `create`, 1 `read`,
    /// 2 `update`, 3 `delete`, 4 `create_acls`, 5 `read_acls`, 6 `update_acls`, 7 `delete_acls`.
    #[wasm_bindgen(js_name = effectiveBatch)]
    pub fn effective_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] object_type: &str,
        object_ids: Vec<String>,
    ) -> Uint8Array {
        let mut sets = Vec::with_capacity(object_ids.len());
        self.core().effective_batch(&convert::object_type(object_type), &object_ids, &mut sets);
        let bytes: Vec<u8> = sets.iter().map(PermissionSet::bits).collect();
        Uint8Array::from(bytes.as_slice())
    }

    /// Whether the principal may create an object of `childType` directly under the parent.
    #[wasm_bindgen(js_name = canCreate)]
    pub fn can_create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] child_type: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] parent_type: &str,
        parent_id: &str,
    ) -> bool {
        let parent = ObjectRef::new(convert::object_type(parent_type), parent_id);
        self.core().can_create(&convert::object_type(child_type), &parent)
    }

    /// The ids of every listed, live object of the type on which the principal holds the permission.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn accessible(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] object_type: &str,
    ) -> Result<Array, JsValue> {
        let permission = convert::permission(permission)?;
        Ok(convert::strings(self.core().accessible(permission, &convert::object_type(object_type))))
    }

    /// Why the principal may or may not create an object of `childType` directly under the parent.
    #[wasm_bindgen(js_name = explainCreate, unchecked_return_type = "Explanation")]
    pub fn explain_create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] child_type: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] parent_type: &str,
        parent_id: &str,
    ) -> JsValue {
        let parent = ObjectRef::new(convert::object_type(parent_type), parent_id);
        convert::explanation(&self.core().explain_create(&convert::object_type(child_type), &parent))
    }

    /// The checkboxes of Braintrust's permission-group editor, filled in for the principal.
    #[wasm_bindgen(unchecked_return_type = "Capabilities")]
    pub fn capabilities(&self) -> JsValue {
        convert::capabilities(&self.core().capabilities())
    }

    /// Why the principal does or does not hold the permission on the object.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: &str,
        #[wasm_bindgen(unchecked_param_type = "ObjectType")] object_type: &str,
        object_id: &str,
    ) -> Result<JsValue, JsValue> {
        let permission = convert::permission(permission)?;
        let object = ObjectRef::new(convert::object_type(object_type), object_id);
        Ok(convert::explanation(&self.core().explain(permission, &object)))
    }
}
