//! The snapshot's rows as the index keeps them once validated: what every derived relation (membership
//! closures, role contents, places in the tree) is computed from, and what `to_json` writes back.
//!
//! A snapshot that only answered queries could drop these after building; a live one cannot. A delta
//! edits a row here and re-derives what depends on it, through the same functions the build uses, so a
//! snapshot after deltas and a fresh load of the resulting document are computed alike. References are
//! kept as dense numbers (a row naming nothing the snapshot has was skipped at load), and only the fields
//! the model reads are kept.

use super::{Chunked, DenseMap, GroupIx, NodeIx, PrincipalIx, RoleIx, TypeCode};
use crate::model::Permission;

/// A row's `org_id` as given: absent or null (a system row), the snapshot's org, or another org's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum OrgRef {
    Null,
    Org,
    Foreign(Box<str>),
}

/// The fields every listed entity (group, role, project, project group) shares.
#[derive(Clone, Debug)]
pub(crate) struct Head {
    pub(crate) org: OrgRef,
    pub(crate) deleted_at: Option<Box<str>>,
}

impl Head {
    /// Neither deleted nor another org's (spec §4.4 q, t).
    pub(crate) fn live(&self) -> bool {
        self.deleted_at.is_none() && !matches!(self.org, OrgRef::Foreign(_))
    }
}

#[derive(Clone, Debug)]
pub(crate) struct GroupRow {
    /// The group's own node (ACLs on it administer the group).
    pub(crate) node: NodeIx,
    pub(crate) head: Head,
    pub(crate) member_users: Vec<PrincipalIx>,
    pub(crate) member_groups: Vec<GroupIx>,
}

#[derive(Clone, Debug)]
pub(crate) struct RoleRow {
    pub(crate) node: NodeIx,
    pub(crate) head: Head,
    pub(crate) member_permissions: Vec<(Permission, Option<TypeCode>)>,
    pub(crate) member_roles: Vec<RoleIx>,
}

#[derive(Clone, Debug)]
pub(crate) struct ProjectRow {
    pub(crate) node: NodeIx,
    /// The project's `project_log` node (same id).
    pub(crate) log: NodeIx,
    pub(crate) head: Head,
}

#[derive(Clone, Debug)]
pub(crate) struct ProjectGroupRow {
    pub(crate) node: NodeIx,
    pub(crate) head: Head,
    /// Project nodes, each once.
    pub(crate) member_projects: Vec<NodeIx>,
}

/// A row of `objects`.
#[derive(Clone, Debug)]
pub(crate) struct ObjectRow {
    pub(crate) node: NodeIx,
    /// The project node, for the types that live in a project (the field is ignored for the others).
    pub(crate) project: Option<NodeIx>,
    pub(crate) deleted_at: Option<Box<str>>,
}

/// Rows in document order, findable by the node they describe.
#[derive(Debug)]
pub(crate) struct Table<R> {
    /// In chunks: the objects' table grows row by row to tens of thousands (see [`Chunked`]).
    pub(crate) rows: Chunked<R>,
    by_node: DenseMap<NodeIx, u32>,
}

impl<R> Default for Table<R> {
    fn default() -> Self {
        Table { rows: Chunked::default(), by_node: DenseMap::default() }
    }
}

impl<R> Table<R> {
    /// The position of the row describing `node`.
    pub(crate) fn position(&self, node: NodeIx) -> Option<u32> {
        self.by_node.get(&node).copied()
    }

    pub(crate) fn get(&self, node: NodeIx) -> Option<&R> {
        self.position(node).and_then(|i| self.rows.get(i as usize))
    }

    pub(crate) fn get_mut(&mut self, node: NodeIx) -> Option<&mut R> {
        let i = self.position(node)?;
        self.rows.get_mut(i as usize)
    }

    /// Replaces the row of `node` in place, or appends it.
    pub(crate) fn put(&mut self, node: NodeIx, row: R) {
        match self.get_mut(node) {
            Some(slot) => *slot = row,
            None => {
                self.by_node.insert(node, self.rows.len() as u32);
                self.rows.push(row);
            }
        }
    }
}

/// Every row of the snapshot the model reads, except ACLs (which the index keeps as they are compiled).
#[derive(Debug, Default)]
pub(crate) struct Tables {
    /// `deleted_at` per principal: a deleted user or service account is no member.
    pub(crate) principal_deleted: Vec<Option<Box<str>>>,
    /// Per group number.
    pub(crate) groups: Vec<GroupRow>,
    /// Per role number.
    pub(crate) roles: Vec<RoleRow>,
    pub(crate) projects: Table<ProjectRow>,
    pub(crate) project_groups: Table<ProjectGroupRow>,
    pub(crate) objects: Table<ObjectRow>,
    /// `generated_at` and `expires_at` as given.
    pub(crate) generated_at: Option<Box<str>>,
    pub(crate) expires_at: Option<Box<str>>,
}
