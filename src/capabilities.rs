//! The product's own words: the checkboxes of Braintrust's permission-group editor (spec §2.2), filled in
//! from a principal's effective permissions by the mapping of spec §2.3.
//!
//! The mapping lives here, not in a UI, so every UI renders the same answers. Each checkbox is a question
//! about effective permissions, never about which ACL rows exist: "All projects: Update" is whether the
//! principal would hold `update` on any project, through whatever grants reach one.

use crate::model::{ObjectRef, ObjectType, Permission, PermissionSet};
use crate::subject::Subject;

/// The editor's columns for one principal.
///
/// # Example
/// ```
/// use permeval::{ObjectKind, Snapshot};
///
/// let snap = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U"}],
///   "projects": [{"id": "P1", "org_id": "O", "name": "chatbot"}],
///   "acls": [{"id": "a", "object_type": "org_project", "object_id": "O", "user_id": "U", "permission": "read"},
///            {"id": "b", "object_type": "project", "object_id": "P1", "user_id": "U",
///             "permission": "update", "restrict_object_type": "experiment"}]}"#)?;
/// let caps = snap.subject("U").capabilities();
/// assert!(caps.all_projects.read && !caps.all_projects.update);
/// assert!(!caps.organization.manage_settings);
/// let p1 = &caps.projects[0];
/// assert_eq!(p1.id, "P1");
/// assert!(p1.kind(ObjectKind::Experiments).update);
/// assert!(!p1.kind(ObjectKind::Datasets).update);
/// # Ok::<(), permeval::SnapshotError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capabilities<'s> {
    /// The Organization column.
    pub organization: OrgCapabilities,
    /// The All projects column: what the principal holds on every project.
    pub all_projects: Access,
    /// Each live project in the snapshot, in snapshot order.
    pub projects: Vec<ProjectCapabilities<'s>>,
}

/// The Organization column.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgCapabilities {
    /// Manage settings: `update` on the organization.
    pub manage_settings: bool,
    /// Manage members (invite): `create` on `org_member`.
    pub manage_members: bool,
    /// Remove members: `delete` on `org_member`.
    pub remove_members: bool,
    /// Manage access: all four `*_acls` permissions on the organization.
    pub manage_access: bool,
    /// Read audit logs: `read` on `org_audit_logs`.
    pub read_audit_logs: bool,
}

/// Read, Create, Update, Delete and Manage access, as the editor shows them for projects and object kinds.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// Read.
    pub read: bool,
    /// Create.
    pub create: bool,
    /// Update.
    pub update: bool,
    /// Delete.
    pub delete: bool,
    /// Manage access: all four `*_acls` permissions.
    pub manage_access: bool,
}

impl From<PermissionSet> for Access {
    fn from(set: PermissionSet) -> Self {
        Access {
            read: set.allows(Permission::Read),
            create: set.allows(Permission::Create),
            update: set.allows(Permission::Update),
            delete: set.allows(Permission::Delete),
            manage_access: set.manages_access(),
        }
    }
}

/// The kinds of object the editor lists per project.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    /// Experiments (`experiment`).
    Experiments,
    /// Datasets (`dataset`).
    Datasets,
    /// Logs (`project_log`).
    Logs,
    /// Prompts (`prompt`).
    Prompts,
    /// Playgrounds (`prompt_session`).
    Playgrounds,
    /// Functions: stored with prompts, and checked as `prompt` (spec §4.3 n).
    Functions,
    /// Scorers: checked as `prompt`.
    Scorers,
    /// Classifiers: checked as `prompt`.
    Classifiers,
}

impl ObjectKind {
    /// Every kind, in the editor's order.
    pub const ALL: [ObjectKind; 8] = [
        ObjectKind::Experiments,
        ObjectKind::Datasets,
        ObjectKind::Logs,
        ObjectKind::Prompts,
        ObjectKind::Playgrounds,
        ObjectKind::Functions,
        ObjectKind::Scorers,
        ObjectKind::Classifiers,
    ];

    /// The editor's name, in lowercase: `"experiments"`, `"playgrounds"`, …
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Experiments => "experiments",
            ObjectKind::Datasets => "datasets",
            ObjectKind::Logs => "logs",
            ObjectKind::Prompts => "prompts",
            ObjectKind::Playgrounds => "playgrounds",
            ObjectKind::Functions => "functions",
            ObjectKind::Scorers => "scorers",
            ObjectKind::Classifiers => "classifiers",
        }
    }

    /// The ACL object type the kind is checked as.
    pub fn object_type(self) -> ObjectType {
        match self {
            ObjectKind::Experiments => ObjectType::Experiment,
            ObjectKind::Datasets => ObjectType::Dataset,
            ObjectKind::Logs => ObjectType::ProjectLog,
            ObjectKind::Prompts | ObjectKind::Functions | ObjectKind::Scorers | ObjectKind::Classifiers => {
                ObjectType::Prompt
            }
            ObjectKind::Playgrounds => ObjectType::PromptSession,
        }
    }
}

/// One project's row of the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectCapabilities<'s> {
    /// The project id.
    pub id: &'s str,
    /// What the principal holds on the project itself.
    pub access: Access,
    /// What the principal holds on objects of each kind in the project, in [`ObjectKind::ALL`] order.
    pub kinds: [(ObjectKind, Access); 8],
}

impl ProjectCapabilities<'_> {
    /// The access for one kind.
    pub fn kind(&self, kind: ObjectKind) -> Access {
        self.kinds.iter().find(|(k, _)| *k == kind).map(|(_, a)| *a).unwrap_or_default()
    }
}

pub(crate) fn capabilities<'s>(subject: &Subject<'s>, org_id: &'s str, projects: Vec<&'s str>) -> Capabilities<'s> {
    let on = |t: ObjectType| subject.effective(&ObjectRef::new(t, org_id));
    let org = on(ObjectType::Organization);
    let members = on(ObjectType::OrgMember);
    let organization = OrgCapabilities {
        manage_settings: org.allows(Permission::Update),
        manage_members: members.allows(Permission::Create),
        remove_members: members.allows(Permission::Delete),
        manage_access: org.manages_access(),
        read_audit_logs: on(ObjectType::OrgAuditLogs).allows(Permission::Read),
    };
    let all_projects =
        Access::from(subject.effective_within(&ObjectType::Project, &ObjectRef::new(ObjectType::OrgProject, org_id)));
    let projects = projects
        .into_iter()
        .map(|id| {
            let project = ObjectRef::new(ObjectType::Project, id);
            let kinds = ObjectKind::ALL.map(|k| {
                // Logs are one object per project, which may carry ACLs of its own; the other kinds are
                // asked about as a new object of that type in the project.
                let set = match k {
                    ObjectKind::Logs => subject.effective(&ObjectRef::new(ObjectType::ProjectLog, id)),
                    _ => subject.effective_within(&k.object_type(), &project),
                };
                (k, Access::from(set))
            });
            ProjectCapabilities { id, access: Access::from(subject.effective(&project)), kinds }
        })
        .collect();
    Capabilities { organization, all_projects, projects }
}
