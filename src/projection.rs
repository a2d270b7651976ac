//! Per-principal projections: a document that answers every question about one principal exactly as the
//! whole snapshot does, holding nothing those answers do not read.
//!
//! A whole-org snapshot in a browser shows everyone's grants to anyone who opens the developer tools. A
//! server that wants local checks without that ships each user [`Snapshot::project_for`] instead: the
//! same writer as [`Snapshot::to_json`], told to keep only what the principal's answers read.
//!
//! What those answers read, and so what is kept:
//! - the principal's own row (with its `deleted_at`): an id that is no member gets a document without
//!   principals, which denies everything, as the whole snapshot does;
//! - the live groups it belongs to, through any nesting (explanations' group chains walk them), with
//!   `member_users` cut to the principal and `member_groups` to groups of that set: every group that lists
//!   one of them and is live is in the set itself, so the chains found are the same;
//! - the ACL rows held by the principal or those groups, in document order (allowed paths list them so);
//! - the contents of the roles those rows name and of every role they inherit (role chains walk them);
//! - every group and role row, with empty lists for the others: groups and roles are objects too (a
//!   deleted one is dead, a live one sits under the org and is listed), and keeping all of them keeps
//!   their numbers, so every breadth-first search visits them in the full snapshot's order;
//! - every project, project group and object row, deleted ones included: places, dead-versus-unlisted,
//!   `accessible` and `listed_ids` depend on all of them.
//!
//! A deleted principal keeps its row and nothing else: it belongs to no group and holds nothing.
//!
//! One answer differs, on purpose. A denial's `nearest` grants are other holders' rows on the nearest
//! object, which is what a projection exists to leave out: a projection's are always empty (a row of the
//! principal's own that granted the permission would have allowed it).

use crate::index::{Grant, Holder, Index, Keep, PrincipalIx, Subset};
use crate::snapshot::Snapshot;

impl Snapshot {
    /// The document that answers every question about `principal` as this snapshot does — `can`,
    /// `effective`, `can_create`, `accessible`, `listed_ids`, `capabilities`, and `explain`'s decisions,
    /// reasons and grant paths — without the other principals, the other members of its groups, or ACL rows
    /// that do not reach it. The README's "Per-principal projections" says what it still reveals.
    ///
    /// What differs: a denial's [`nearest`](crate::Decision::Denied) grants, which are other holders' rows,
    /// are empty (except for [`RestrictedToOtherType`](crate::DenialReason::RestrictedToOtherType), whose
    /// rows are the principal's own and are kept).
    ///
    /// The document keeps the snapshot's `generated_at` and `expires_at`, so it goes stale with it. It is a
    /// new document: a client that loads signed snapshots needs it signed by the server.
    ///
    /// # Example
    /// ```
    /// use permeval::{ObjectRef, ObjectType, Permission, Snapshot};
    ///
    /// let org = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U_ANN"}, {"id": "U_BEN"}],
    ///   "groups": [{"id": "G", "org_id": "O", "member_users": ["U_ANN", "U_BEN"]}],
    ///   "projects": [{"id": "P1", "org_id": "O"}],
    ///   "acls": [
    ///     {"id": "a1", "object_type": "project", "object_id": "P1", "group_id": "G", "permission": "read"},
    ///     {"id": "a2", "object_type": "project", "object_id": "P1", "user_id": "U_BEN", "permission": "delete"}]}"#)?;
    /// let for_ann = org.project_for("U_ANN");
    /// assert!(!for_ann.contains("U_BEN") && !for_ann.contains("a2"));
    ///
    /// let ann = Snapshot::from_json(&for_ann)?;
    /// let p1 = ObjectRef::new(ObjectType::Project, "P1");
    /// assert_eq!(ann.effective("U_ANN", &p1), org.effective("U_ANN", &p1));
    /// assert!(ann.can("U_ANN", Permission::Read, &p1));
    /// # Ok::<(), permeval::SnapshotError>(())
    /// ```
    pub fn project_for(&self, principal: &str) -> String {
        self.index.write(&keep_for(&self.index, principal))
    }
}

/// What a projection for `principal` writes (see the module docs for why each part is needed).
fn keep_for(ix: &Index, principal: &str) -> Keep {
    let nothing = || Subset::Only(Vec::new());
    let Some(p) = ix.principals.get(0, principal).map(PrincipalIx) else {
        return Keep { principals: nothing(), group_members: nothing(), role_contents: nothing(), acls: nothing() };
    };
    let mut principals = vec![false; ix.principals.len()];
    if let Some(slot) = principals.get_mut(p.ix()) {
        *slot = true;
    }
    if !ix.is_live(p) {
        let principals = Subset::Only(principals);
        return Keep { principals, group_members: nothing(), role_contents: nothing(), acls: nothing() };
    }

    let mut groups = vec![false; ix.groups.len()];
    for &g in ix.member_of.get(p.ix()) {
        if let Some(slot) = groups.get_mut(g as usize) {
            *slot = true;
        }
    }
    let mut acls = vec![false; ix.acls.len()];
    let mut roles = vec![false; ix.roles.len()];
    let mut to_visit = Vec::new();
    for (a, acl) in ix.acls.iter().enumerate() {
        let Some(acl) = acl else { continue };
        let held = match acl.holder() {
            Holder::Principal(q) => q == p,
            Holder::Group(g) => groups.get(g.ix()).copied().unwrap_or(false),
        };
        if !held {
            continue;
        }
        if let Some(slot) = acls.get_mut(a) {
            *slot = true;
        }
        if let Grant::Role(r, _) = acl.grant() {
            to_visit.push(r);
        }
    }
    // The roles named, closed over the `member_roles` written for them.
    while let Some(r) = to_visit.pop() {
        match roles.get_mut(r.ix()) {
            Some(seen) if !*seen => *seen = true,
            _ => continue,
        }
        // A dead role passes nothing on (its list is neither read at load nor written).
        if let Some(row) = ix.tables.roles.get(r.ix()).filter(|row| row.head.live()) {
            to_visit.extend(row.member_roles.iter().copied());
        }
    }
    Keep {
        principals: Subset::Only(principals),
        group_members: Subset::Only(groups),
        role_contents: Subset::Only(roles),
        acls: Subset::Only(acls),
    }
}
