//! The object types an ACL can sit on (Braintrust's `AclObjectType`), and where each sits in the
//! containment tree of spec §1.2.
//!
//! The enum is open: Braintrust adds types over time, so a name this crate does not know becomes
//! [`ObjectType::Unknown`] instead of an error. An unknown type has no known place in the tree, so grants
//! reach it only when they sit on that exact object (spec §1.1) — the fail-closed reading.

use std::fmt;

use crate::text;

/// How many object types the model knows; they are numbered `0..KNOWN_TYPES` in declaration order.
pub(crate) const KNOWN_TYPES: usize = 15;

/// The type of an object in Braintrust's access-control model.
///
/// # Example
/// ```
/// use permeval::ObjectType;
///
/// assert_eq!(ObjectType::from("prompt_session"), ObjectType::PromptSession);
/// assert_eq!(ObjectType::PromptSession.as_str(), "prompt_session");
/// // A type added to Braintrust after this crate was written is kept, not rejected.
/// assert_eq!(ObjectType::from("dashboard"), ObjectType::Unknown("dashboard".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectType {
    /// The organization itself; its id is the org id.
    Organization,
    /// The virtual "All projects" container of the org; its id is the org id.
    OrgProject,
    /// A named set of projects; a project may be in several.
    ProjectGroup,
    /// A project.
    Project,
    /// An experiment in a project.
    Experiment,
    /// A dataset in a project.
    Dataset,
    /// A prompt in a project; saved functions (tools, scorers, classifiers) are checked as prompts.
    Prompt,
    /// A playground (older name "prompt session") in a project.
    PromptSession,
    /// A project's logs; its id is the project id.
    ProjectLog,
    /// A permission group; ACLs on it say who administers the group.
    Group,
    /// A role; ACLs on it say who administers the role.
    Role,
    /// Org membership (inviting and removing members); its id is the org id.
    OrgMember,
    /// The org audit log; its id is the org id.
    OrgAuditLogs,
    /// The virtual "all AI secrets of the org" container; its id is the org id.
    OrgAiSecret,
    /// One AI-provider secret.
    AiSecret,
    /// A type this crate does not know. Grants reach it only on its exact object.
    Unknown(Box<str>),
}

impl ObjectType {
    /// The fifteen types the model knows, in the order of their internal numbering.
    pub const KNOWN: [ObjectType; KNOWN_TYPES] = [
        ObjectType::Organization,
        ObjectType::OrgProject,
        ObjectType::ProjectGroup,
        ObjectType::Project,
        ObjectType::Experiment,
        ObjectType::Dataset,
        ObjectType::Prompt,
        ObjectType::PromptSession,
        ObjectType::ProjectLog,
        ObjectType::Group,
        ObjectType::Role,
        ObjectType::OrgMember,
        ObjectType::OrgAuditLogs,
        ObjectType::OrgAiSecret,
        ObjectType::AiSecret,
    ];

    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            ObjectType::Organization => "organization",
            ObjectType::OrgProject => "org_project",
            ObjectType::ProjectGroup => "project_group",
            ObjectType::Project => "project",
            ObjectType::Experiment => "experiment",
            ObjectType::Dataset => "dataset",
            ObjectType::Prompt => "prompt",
            ObjectType::PromptSession => "prompt_session",
            ObjectType::ProjectLog => "project_log",
            ObjectType::Group => "group",
            ObjectType::Role => "role",
            ObjectType::OrgMember => "org_member",
            ObjectType::OrgAuditLogs => "org_audit_logs",
            ObjectType::OrgAiSecret => "org_ai_secret",
            ObjectType::AiSecret => "ai_secret",
            ObjectType::Unknown(name) => name,
        }
    }

    /// Whether this is one of the fifteen known types.
    pub fn is_known(&self) -> bool {
        !matches!(self, ObjectType::Unknown(_))
    }

    /// The position of a known type in [`ObjectType::KNOWN`].
    pub(crate) fn known_index(&self) -> Option<usize> {
        let ix = match self {
            ObjectType::Organization => 0,
            ObjectType::OrgProject => 1,
            ObjectType::ProjectGroup => 2,
            ObjectType::Project => 3,
            ObjectType::Experiment => 4,
            ObjectType::Dataset => 5,
            ObjectType::Prompt => 6,
            ObjectType::PromptSession => 7,
            ObjectType::ProjectLog => 8,
            ObjectType::Group => 9,
            ObjectType::Role => 10,
            ObjectType::OrgMember => 11,
            ObjectType::OrgAuditLogs => 12,
            ObjectType::OrgAiSecret => 13,
            ObjectType::AiSecret => 14,
            ObjectType::Unknown(_) => return None,
        };
        Some(ix)
    }

    /// Types whose only object is the org itself (`object_id` = org id).
    pub fn is_org_singleton(&self) -> bool {
        matches!(
            self,
            ObjectType::Organization
                | ObjectType::OrgProject
                | ObjectType::OrgMember
                | ObjectType::OrgAuditLogs
                | ObjectType::OrgAiSecret
        )
    }

    /// Types that live inside a project and are listed in the snapshot's `objects` with a `project_id`.
    pub fn is_project_child(&self) -> bool {
        matches!(self, ObjectType::Experiment | ObjectType::Dataset | ObjectType::Prompt | ObjectType::PromptSession)
    }

    /// Whether an object of this type may be created directly under an object of type `parent`
    /// (the containment tree of spec §1.2; `can_create` answers false for any other pair).
    pub fn can_be_created_under(&self, parent: &ObjectType) -> bool {
        use ObjectType as T;
        match self {
            T::Experiment | T::Dataset | T::Prompt | T::PromptSession | T::ProjectLog => *parent == T::Project,
            T::Project => matches!(parent, T::OrgProject | T::ProjectGroup | T::Organization),
            T::ProjectGroup => matches!(parent, T::OrgProject | T::Organization),
            T::AiSecret => matches!(parent, T::OrgAiSecret | T::Organization),
            T::Group | T::Role => *parent == T::Organization,
            T::Organization | T::OrgProject | T::OrgMember | T::OrgAuditLogs | T::OrgAiSecret | T::Unknown(_) => false,
        }
    }
}

impl From<&str> for ObjectType {
    fn from(name: &str) -> Self {
        // By reference: iterating the array by value moved, then dropped, each type not chosen (From was
        // 2.8% self of a delta batch in a wasm profile, and is gone from it since).
        ObjectType::KNOWN
            .iter()
            .find(|t| text::same(t.as_str(), name))
            .cloned()
            .unwrap_or_else(|| ObjectType::Unknown(name.into()))
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_round_trip_and_number_densely() {
        for (i, t) in ObjectType::KNOWN.iter().enumerate() {
            assert_eq!(ObjectType::from(t.as_str()), *t);
            assert_eq!(t.known_index(), Some(i));
        }
        assert_eq!(ObjectType::from("Project"), ObjectType::Unknown("Project".into()));
        assert_eq!(ObjectType::Unknown("x".into()).known_index(), None);
    }
}
