//! The relations the index derives from its [`Tables`](super::tables::Tables): memberships closed over
//! nesting, role contents closed over inheritance, and each object's place in the tree.
//!
//! The build calls these once; a delta that edits a group, role, principal, project or project group calls
//! the one it affects again. One implementation for both is what makes "a snapshot after deltas answers
//! as a fresh load of the resulting document" hold by construction rather than by care. Each is computed
//! whole: they cost what the groups, roles or objects of the org cost (milliseconds at the largest
//! benchmark size), never what the ACL rows cost, and ACL deltas, the frequent kind, never call them.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::ops::Range;

use super::closure::{TooDeep, memberships, role_coverage};
use super::tables::{GroupRow, ObjectRow, RoleRow};
use super::{Coverage, Csr, DenseHasher, DenseMap, Index, NodeIx, Place, TypeCode};
use crate::model::{KNOWN_TYPES, ObjectType, Permission};
use crate::options::Limits;

/// The fixed chains at the start of [`Index::chains`]: `[org]`, `[org_project, org]`, `[org_ai_secret, org]`.
const ORG_CHAIN: Range<u32> = 0..1;
const ORG_PROJECT_CHAIN: Range<u32> = 1..3;
const AI_SECRET_CHAIN: Range<u32> = 3..5;

/// What [`groups`] derives, applied by [`Index::set_groups`].
pub(crate) struct GroupRelations {
    live: Vec<bool>,
    direct: Csr,
    parents: Csr,
    member_of: Csr,
    members: Csr,
}

/// Group liveness, direct memberships, nesting edges and their closure, from the group rows and which
/// principals are deleted (those join nothing).
///
/// # Errors
/// The first group with more levels of groups above it than `limits` allow.
pub(crate) fn groups(
    rows: &[GroupRow],
    principal_deleted: &[Option<Box<str>>],
    limits: &Limits,
) -> Result<GroupRelations, TooDeep> {
    let live: Vec<bool> = rows.iter().map(|g| g.head.live()).collect();
    let mut direct_pairs = Vec::new();
    let mut parent_pairs = Vec::new();
    for (g, row) in rows.iter().enumerate() {
        if !live.get(g).copied().unwrap_or(false) {
            continue;
        }
        for p in &row.member_users {
            if principal_deleted.get(p.ix()).is_some_and(Option::is_none) {
                direct_pairs.push((p.0, g as u32));
            }
        }
        for child in &row.member_groups {
            // A deleted or foreign member group passes no members on.
            if live.get(child.ix()).copied().unwrap_or(false) {
                parent_pairs.push((child.0, g as u32));
            }
        }
    }
    let principals = principal_deleted.len();
    let direct = Csr::from_pairs(principals, direct_pairs.iter().copied());
    let parents = Csr::from_pairs(live.len(), parent_pairs.iter().copied());
    let (member_of, members) = memberships(principals, live.len(), &direct, &parents, limits.group_depth)?;
    Ok(GroupRelations { live, direct, parents, member_of, members })
}

/// What [`roles`] derives, applied by [`Index::set_roles`].
pub(crate) struct RoleRelations {
    permissions: Vec<Vec<(Permission, Option<TypeCode>)>>,
    children: Csr,
    coverage: Vec<Coverage>,
}

/// Each live role's own permissions, its inheritance edges, and everything it grants through them.
///
/// # Errors
/// The first role with more levels of roles below it than `limits` allow.
pub(crate) fn roles(rows: &[RoleRow], limits: &Limits) -> Result<RoleRelations, TooDeep> {
    let live: Vec<bool> = rows.iter().map(|r| r.head.live()).collect();
    let mut permissions = Vec::with_capacity(live.len());
    let mut own = Vec::with_capacity(live.len());
    let mut child_pairs = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let mut coverage = Coverage::default();
        if !live.get(r).copied().unwrap_or(false) {
            permissions.push(Vec::new());
            own.push(coverage);
            continue;
        }
        for &(p, restrict) in &row.member_permissions {
            coverage.grant(p.as_set(), restrict);
        }
        for child in &row.member_roles {
            if live.get(child.ix()).copied().unwrap_or(false) {
                child_pairs.push((r as u32, child.0));
            }
        }
        permissions.push(row.member_permissions.clone());
        own.push(coverage);
    }
    let children = Csr::from_pairs(live.len(), child_pairs.iter().copied());
    let coverage = role_coverage(&own, &children, limits.role_depth)?;
    Ok(RoleRelations { permissions, children, coverage })
}

impl Index {
    pub(crate) fn set_groups(&mut self, r: GroupRelations) {
        self.group_live = r.live;
        self.direct_groups = r.direct;
        self.group_parents = r.parents;
        self.member_of = r.member_of;
        self.members = r.members;
    }

    pub(crate) fn set_roles(&mut self, r: RoleRelations) {
        self.role_permissions = r.permissions;
        self.role_children = r.children;
        self.role_coverage = r.coverage;
    }
}

/// Every node's place, the chains of ancestors, and the listed objects per type in document order.
///
/// Nodes no row describes (named only by ACLs) are unlisted (spec §4.4 p); rows that are deleted, in a
/// deleted project, or another org's are dead (§4.4 q).
pub(crate) fn places(ix: &mut Index) {
    let f = ix.fixed;
    let mut places = vec![Place::Unlisted; ix.nodes.len()];
    let mut listed: Vec<Vec<NodeIx>> = vec![Vec::new(); KNOWN_TYPES + ix.unknown_types.len()];
    let put = |places: &mut Vec<Place>, n: NodeIx, place: Place| {
        if let Some(slot) = places.get_mut(n.ix()) {
            *slot = place;
        }
    };
    let list = |listed: &mut Vec<Vec<NodeIx>>, n: NodeIx| {
        if let Some(of_type) = listed.get_mut(ix.nodes.tag(n.0) as usize) {
            of_type.push(n);
        }
    };

    // Fixed chains first: [org], [org_project, org], [org_ai_secret, org].
    let mut chains = vec![f.org.0, f.org_project.0, f.org.0, f.org_ai_secret.0, f.org.0];
    let (r_org, r_org_project, r_ai) = (ORG_CHAIN, ORG_PROJECT_CHAIN, AI_SECRET_CHAIN);
    put(&mut places, f.org, Place::Listed(0..0));
    for n in [f.org_project, f.org_ai_secret, f.org_member, f.org_audit_logs] {
        put(&mut places, n, Place::Listed(r_org.clone()));
    }
    for n in [f.org, f.org_project, f.org_ai_secret, f.org_member, f.org_audit_logs] {
        list(&mut listed, n);
    }

    let mut groups_of_project: DenseMap<NodeIx, Vec<u32>> = DenseMap::default();
    for pg in &ix.tables.project_groups.rows {
        if !pg.head.live() {
            put(&mut places, pg.node, Place::Dead);
            continue;
        }
        put(&mut places, pg.node, Place::Listed(r_org_project.clone()));
        list(&mut listed, pg.node);
        for &p in &pg.member_projects {
            groups_of_project.entry(p).or_default().push(pg.node.0);
        }
    }

    // A project's chain is [project, its live project groups…, org_project, org]; the project itself
    // starts one in, its logs (and every child) use all of it.
    let mut project_logs = Vec::new();
    for p in &ix.tables.projects.rows {
        if !p.head.live() {
            put(&mut places, p.node, Place::Dead);
            put(&mut places, p.log, Place::Dead);
            continue;
        }
        let start = chains.len() as u32;
        chains.push(p.node.0);
        chains.extend(groups_of_project.get(&p.node).map(Vec::as_slice).unwrap_or(&[]));
        chains.extend([f.org_project.0, f.org.0]);
        let end = chains.len() as u32;
        put(&mut places, p.node, Place::Listed(start + 1..end));
        put(&mut places, p.log, Place::Listed(start..end));
        list(&mut listed, p.node);
        project_logs.push(p.log);
    }
    for log in project_logs {
        list(&mut listed, log);
    }

    let entities = ix.tables.groups.iter().map(|g| (g.node, g.head.live()));
    for (n, live) in entities.chain(ix.tables.roles.iter().map(|r| (r.node, r.head.live()))) {
        put(&mut places, n, if live { Place::Listed(r_org.clone()) } else { Place::Dead });
        if live {
            list(&mut listed, n);
        }
    }

    for o in &ix.tables.objects.rows {
        let place = object_place(ix, o, &places);
        if matches!(place, Place::Listed(_)) {
            list(&mut listed, o.node);
        }
        put(&mut places, o.node, place);
    }

    let mut orphan_chains = vec![0..0; KNOWN_TYPES];
    for t in ObjectType::KNOWN {
        let r = match t {
            ObjectType::ProjectGroup
            | ObjectType::Project
            | ObjectType::Experiment
            | ObjectType::Dataset
            | ObjectType::Prompt
            | ObjectType::PromptSession
            | ObjectType::ProjectLog => r_org_project.clone(),
            ObjectType::AiSecret => r_ai.clone(),
            ObjectType::Organization => 0..0,
            _ => r_org.clone(),
        };
        if let Some(slot) = t.known_index().and_then(|i| orphan_chains.get_mut(i)) {
            *slot = r;
        }
    }
    ix.places = places;
    ix.chains = chains;
    ix.orphan_chains = orphan_chains;
    ix.listed = listed;
}

/// Where an object row sits, given the places of the projects: in its project's chain, under the org's
/// AI secrets, or (an unknown type) reached by its own ACLs only.
pub(crate) fn object_place(ix: &Index, o: &ObjectRow, places: &[Place]) -> Place {
    if o.deleted_at.is_some() {
        return Place::Dead;
    }
    let t = ix.object_type(TypeCode(ix.nodes.tag(o.node.0)));
    if t.is_project_child() {
        let log = o.project.and_then(|p| ix.tables.projects.get(p)).map(|p| p.log);
        return log.and_then(|l| places.get(l.ix())).cloned().unwrap_or(Place::Dead);
    }
    if t == ObjectType::AiSecret { Place::Listed(AI_SECRET_CHAIN) } else { Place::Listed(0..0) }
}

/// The members of a project group's list, each once, in order: a project listed twice is in the group
/// once, or an explanation would show each grant on the group twice.
pub(crate) fn distinct(nodes: impl IntoIterator<Item = NodeIx>) -> Vec<NodeIx> {
    let mut seen: HashSet<NodeIx, BuildHasherDefault<DenseHasher>> = HashSet::default();
    nodes.into_iter().filter(|n| seen.insert(*n)).collect()
}
