//! The JS `Subject` class: one principal, resolved once.

use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

use super::convert;
use crate::{ObjectRef, PermissionSet, SubjectKey};

/// A principal resolved once: checks are then a few lookups each. It keeps its snapshot alive, so it stays
/// valid after `snapshot.free()`.
#[wasm_bindgen]
pub struct Subject {
    snapshot: Rc<RefCell<crate::Snapshot>>,
    /// The id it was taken for, and its resolution as of a snapshot version.
    id: String,
    key: Cell<(u64, SubjectKey)>,
}

impl Subject {
    pub(crate) fn new(snapshot: Rc<RefCell<crate::Snapshot>>, id: String) -> Subject {
        let key = {
            let snap = super::snapshot::read(&snapshot);
            (snap.version(), snap.subject(&id).key())
        };
        Subject { snapshot, id, key: Cell::new(key) }
    }

    /// The snapshot as it is now, deltas included: a subject sees every change made after it was taken.
    fn snap(&self) -> Ref<'_, crate::Snapshot> {
        super::snapshot::read(&self.snapshot)
    }

    /// The principal, resolved again after any delta: a delta can make the id a member (a new or undeleted
    /// user) or stop it being one, and the subject answers as one taken now would.
    fn key(&self) -> SubjectKey {
        let snap = self.snap();
        let (version, key) = self.key.get();
        if version == snap.version() {
            return key;
        }
        let key = snap.subject(&self.id).key();
        self.key.set((snap.version(), key));
        key
    }
}

#[wasm_bindgen]
impl Subject {
    /// The principal's id, or `undefined` when it is not a member of the org.
    #[wasm_bindgen(getter, js_name = principalId)]
    pub fn principal_id(&self) -> Option<String> {
        self.snap().subject_by_key(self.key()).principal_id().map(str::to_owned)
    }

    /// Whether the principal is a user or service account of the org.
    #[wasm_bindgen(getter, js_name = isMember)]
    pub fn is_member(&self) -> bool {
        self.snap().subject_by_key(self.key()).is_member()
    }

    /// Whether the principal holds the permission on the object.
    pub fn can(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: JsValue,
        #[wasm_bindgen(js_name = objectType, unchecked_param_type = "ObjectType")] object_type: JsValue,
        #[wasm_bindgen(js_name = objectId, unchecked_param_type = "string")] object_id: JsValue,
    ) -> Result<bool, JsValue> {
        let permission = convert::permission(&permission)?;
        let (object_type, id) = convert::object(&object_type, &object_id, convert::OBJECT)?;
        Ok(self.snap().subject_by_key(self.key()).can(permission, &ObjectRef::new(object_type, &id)))
    }

    /// Every permission the principal holds on the object, in canonical order.
    #[wasm_bindgen(unchecked_return_type = "Permission[]")]
    pub fn effective(
        &self,
        #[wasm_bindgen(js_name = objectType, unchecked_param_type = "ObjectType")] object_type: JsValue,
        #[wasm_bindgen(js_name = objectId, unchecked_param_type = "string")] object_id: JsValue,
    ) -> Result<Array, JsValue> {
        let (object_type, id) = convert::object(&object_type, &object_id, convert::OBJECT)?;
        Ok(convert::permission_names(
            self.snap().subject_by_key(self.key()).effective(&ObjectRef::new(object_type, &id)),
        ))
    }

    /// The effective permissions on many objects of one type, one byte each: bit 0 `create`, 1 `read`,
    /// 2 `update`, 3 `delete`, 4 `create_acls`, 5 `read_acls`, 6 `update_acls`, 7 `delete_acls`.
    #[wasm_bindgen(js_name = effectiveBatch)]
    pub fn effective_batch(
        &self,
        #[wasm_bindgen(js_name = objectType, unchecked_param_type = "ObjectType")] object_type: JsValue,
        #[wasm_bindgen(js_name = objectIds, unchecked_param_type = "string[]")] object_ids: JsValue,
    ) -> Result<Uint8Array, JsValue> {
        let object_type = convert::object_type(&object_type, "objectType")?;
        let ids = convert::strings_from(&object_ids, "objectIds")?;
        let mut sets = Vec::with_capacity(ids.len());
        self.snap().subject_by_key(self.key()).effective_batch(&object_type, &ids, &mut sets);
        let bytes: Vec<u8> = sets.iter().map(PermissionSet::bits).collect();
        Ok(Uint8Array::from(bytes.as_slice()))
    }

    /// Whether the principal may create an object of `childType` directly under the parent.
    #[wasm_bindgen(js_name = canCreate)]
    pub fn can_create(
        &self,
        #[wasm_bindgen(js_name = childType, unchecked_param_type = "ObjectType")] child_type: JsValue,
        #[wasm_bindgen(js_name = parentType, unchecked_param_type = "ObjectType")] parent_type: JsValue,
        #[wasm_bindgen(js_name = parentId, unchecked_param_type = "string")] parent_id: JsValue,
    ) -> Result<bool, JsValue> {
        let child = convert::object_type(&child_type, "childType")?;
        let (parent_type, id) = convert::object(&parent_type, &parent_id, convert::PARENT)?;
        Ok(self.snap().subject_by_key(self.key()).can_create(&child, &ObjectRef::new(parent_type, &id)))
    }

    /// The ids of every listed, live object of the type on which the principal holds the permission.
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn accessible(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: JsValue,
        #[wasm_bindgen(js_name = objectType, unchecked_param_type = "ObjectType")] object_type: JsValue,
    ) -> Result<Array, JsValue> {
        let permission = convert::permission(&permission)?;
        let object_type = convert::object_type(&object_type, "objectType")?;
        Ok(convert::strings(self.snap().subject_by_key(self.key()).accessible(permission, &object_type)))
    }

    /// `accessible` as positions in `Snapshot.listedIds(objectType)`, for the JS side to map through its copy.
    #[wasm_bindgen(js_name = accessiblePositions, skip_typescript)]
    pub fn accessible_positions(
        &self,
        permission: JsValue,
        #[wasm_bindgen(js_name = objectType)] object_type: JsValue,
    ) -> Result<Vec<u32>, JsValue> {
        let permission = convert::permission(&permission)?;
        let object_type = convert::object_type(&object_type, "objectType")?;
        let mut positions = Vec::new();
        self.snap().subject_by_key(self.key()).accessible_positions(permission, &object_type, &mut positions);
        Ok(positions)
    }

    /// The ids of every listed, live object of the type (as `Snapshot.listedIds`, usable after the
    /// snapshot object is freed).
    #[wasm_bindgen(js_name = listedIds, skip_typescript)]
    pub fn listed_ids(&self, #[wasm_bindgen(js_name = objectType)] object_type: JsValue) -> Result<Array, JsValue> {
        let object_type = convert::object_type(&object_type, "objectType")?;
        Ok(convert::strings(self.snap().listed_ids(&object_type)))
    }

    /// Why the principal may or may not create an object of `childType` directly under the parent.
    #[wasm_bindgen(js_name = explainCreate, unchecked_return_type = "Explanation")]
    pub fn explain_create(
        &self,
        #[wasm_bindgen(js_name = childType, unchecked_param_type = "ObjectType")] child_type: JsValue,
        #[wasm_bindgen(js_name = parentType, unchecked_param_type = "ObjectType")] parent_type: JsValue,
        #[wasm_bindgen(js_name = parentId, unchecked_param_type = "string")] parent_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let child = convert::object_type(&child_type, "childType")?;
        let (parent_type, id) = convert::object(&parent_type, &parent_id, convert::PARENT)?;
        Ok(convert::explanation(
            &self.snap().subject_by_key(self.key()).explain_create(&child, &ObjectRef::new(parent_type, &id)),
        ))
    }

    /// The checkboxes of Braintrust's permission-group editor, filled in for the principal.
    #[wasm_bindgen(unchecked_return_type = "Capabilities")]
    pub fn capabilities(&self) -> JsValue {
        convert::capabilities(&self.snap().subject_by_key(self.key()).capabilities())
    }

    /// Why the principal does or does not hold the permission on the object.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: JsValue,
        #[wasm_bindgen(js_name = objectType, unchecked_param_type = "ObjectType")] object_type: JsValue,
        #[wasm_bindgen(js_name = objectId, unchecked_param_type = "string")] object_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let permission = convert::permission(&permission)?;
        let (object_type, id) = convert::object(&object_type, &object_id, convert::OBJECT)?;
        Ok(convert::explanation(
            &self.snap().subject_by_key(self.key()).explain(permission, &ObjectRef::new(object_type, &id)),
        ))
    }

    /// The node number of an object, or -1 when it has none (as `Snapshot.objectNode`, usable after the
    /// snapshot object is freed).
    #[wasm_bindgen(js_name = objectNode, skip_typescript)]
    pub fn object_node(
        &self,
        #[wasm_bindgen(js_name = objectType)] object_type: JsValue,
        #[wasm_bindgen(js_name = objectId)] object_id: JsValue,
    ) -> Result<i32, JsValue> {
        convert::object_node(&self.snap(), &object_type, &object_id)
    }

    /// The permission bits the principal holds on node `node` (see `Snapshot.objectNode`); a number that
    /// names no node holds 0.
    #[wasm_bindgen(js_name = effectiveOfNode, skip_typescript)]
    pub fn effective_of_node(&self, node: u32) -> u8 {
        self.snap().subject_by_key(self.key()).effective_of_node(node).bits()
    }

    /// `effectiveOfNode` for many nodes in one call, one byte each; negative entries (objects without a
    /// node, which the caller answers by id) give 0.
    #[wasm_bindgen(js_name = effectiveOfNodes, skip_typescript)]
    pub fn effective_of_nodes(&self, nodes: &[i32]) -> Vec<u8> {
        let mut sets = Vec::with_capacity(nodes.len());
        self.snap().subject_by_key(self.key()).effective_of_nodes(nodes, &mut sets);
        sets.iter().map(PermissionSet::bits).collect()
    }
}
