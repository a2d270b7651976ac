//! A reference to one object by type and id, the way an ACL row names its object.

use super::ObjectType;

/// An object named by its type and id, as in an ACL row's `(object_type, object_id)`.
///
/// `project_log` objects use the project id, and the org-wide types (`organization`, `org_project`,
/// `org_member`, `org_audit_logs`, `org_ai_secret`) use the org id.
///
/// # Example
/// ```
/// use permeval::{ObjectRef, ObjectType};
///
/// let e1 = ObjectRef::new(ObjectType::Experiment, "E1");
/// assert_eq!(e1.to_string(), "experiment/E1");
/// assert_eq!(ObjectRef::parse("dataset", "D1").object_type, ObjectType::Dataset);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectRef<'a> {
    /// The object's type.
    pub object_type: ObjectType,
    /// The object's id.
    pub id: &'a str,
}

impl<'a> ObjectRef<'a> {
    /// A reference to the object `id` of type `object_type`.
    pub fn new(object_type: ObjectType, id: &'a str) -> Self {
        ObjectRef { object_type, id }
    }

    /// A reference from the type's wire name; an unrecognised name becomes [`ObjectType::Unknown`].
    pub fn parse(object_type: &str, id: &'a str) -> Self {
        ObjectRef { object_type: ObjectType::from(object_type), id }
    }
}

impl std::fmt::Display for ObjectRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.object_type, self.id)
    }
}
