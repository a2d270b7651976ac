//! Live snapshots: changes applied in the shapes of Braintrust's write API, instead of a refetch.
//!
//! A UI that just granted access, or a worker fed change events, should not rebuild a 100k-row snapshot
//! to see one new row. Each call here reads its body with the loader's own row checks
//! (`document::delta`), applies it to the index all or nothing (`index::update`), and bumps
//! [`Snapshot::version`]. After any sequence of calls the snapshot answers every query exactly as a fresh
//! load of [`Snapshot::to_json`] would — the property the `deltas` test checks over thousands of random
//! sequences.
//!
//! A [`Subject`](crate::Subject) borrows its snapshot, so none can be alive across a delta: the compiler
//! enforces it. A [`SubjectKey`](crate::SubjectKey) stays valid and sees the new answers (and names no one
//! once its principal is deleted; one taken for an id that was no member names no one even after a delta
//! makes it one). The JS `Subject` keeps its id and resolves it again after a delta.

use crate::document::{SnapshotError, delta};
use crate::snapshot::Snapshot;

impl Snapshot {
    /// How many delta calls have succeeded since the snapshot was loaded (a call that changed nothing, such
    /// as re-adding an ACL that is there, counts too). A failed call leaves it as it was.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Applies the body of `POST /v1/acl/batch_update`: `{"add_acls": [AclItem], "remove_acls": [AclItem]}`,
    /// adds first, then removes.
    ///
    /// ACL identity is the tuple of spec §3.1: adding a grant that is there, or removing one that is not,
    /// changes nothing. An added item may carry its `id` (a row the server returned); without one it gets
    /// `delta:` followed by its tuple, e.g. `delta:project/P1/group:G_DS/read`.
    ///
    /// # Example
    /// ```
    /// use permeval::{ObjectRef, ObjectType, Permission, Snapshot};
    ///
    /// let mut snap = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U"}],
    ///   "projects": [{"id": "P1", "org_id": "O", "name": "chatbot"}]}"#)?;
    /// let p1 = ObjectRef::new(ObjectType::Project, "P1");
    /// assert!(!snap.can("U", Permission::Read, &p1));
    ///
    /// snap.apply_acl_batch(r#"{"add_acls": [
    ///   {"object_type": "project", "object_id": "P1", "user_id": "U", "permission": "read"}]}"#)?;
    /// assert!(snap.can("U", Permission::Read, &p1));
    /// assert_eq!(snap.version(), 1);
    ///
    /// // All or nothing: the unknown group refuses the whole batch, so the first item is not removed.
    /// let err = snap.apply_acl_batch(r#"{"remove_acls": [
    ///   {"object_type": "project", "object_id": "P1", "user_id": "U", "permission": "read"}],
    ///   "add_acls": [{"object_type": "project", "object_id": "P1", "group_id": "G_NONE", "permission": "read"}]}"#)
    ///   .unwrap_err();
    /// assert_eq!((err.code().as_str(), err.path()), ("unknown_group", "add_acls[0].group_id"));
    /// assert!(snap.can("U", Permission::Read, &p1));
    /// assert_eq!(snap.version(), 1);
    /// # Ok::<(), permeval::SnapshotError>(())
    /// ```
    ///
    /// # Errors
    /// Not JSON or the wrong shape (the load's codes); an item the loader would skip
    /// ([`crate::ErrorCode::Rejected`] with the warning's code and path, e.g. `add_acls[3].user_id`); an added
    /// item whose `id` belongs to another ACL (`duplicate_id`). Removes that name unknown users, groups,
    /// roles or objects are no-ops, not errors.
    pub fn apply_acl_batch(&mut self, body: &str) -> Result<(), SnapshotError> {
        let batch = delta::acl_batch(body, &self.index.limits)?;
        self.index.apply_acl_batch(&batch)?;
        self.version += 1;
        Ok(())
    }

    /// Applies the body of `PATCH /v1/group/{id}`: `add_member_users`, `remove_member_users`,
    /// `add_member_groups`, `remove_member_groups` (adds first, then removes; other fields are ignored).
    ///
    /// # Example
    /// ```
    /// use permeval::{ObjectRef, ObjectType, Permission, Snapshot};
    ///
    /// let mut snap = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U"}],
    ///   "groups": [{"id": "G", "org_id": "O", "name": "readers"}],
    ///   "acls": [{"id": "a", "object_type": "organization", "object_id": "O", "group_id": "G", "permission": "read"}]}"#)?;
    /// let org = ObjectRef::new(ObjectType::Organization, "O");
    /// snap.patch_group("G", r#"{"add_member_users": ["U"]}"#)?;
    /// assert!(snap.can("U", Permission::Read, &org));
    /// snap.patch_group("G", r#"{"remove_member_users": ["U"], "name": "renamed"}"#)?;
    /// assert!(!snap.can("U", Permission::Read, &org));
    /// # Ok::<(), permeval::SnapshotError>(())
    /// ```
    ///
    /// # Errors
    /// A group the snapshot does not have (`unknown_group`, path ""); an added member it does not have
    /// (`unknown_principal` / `unknown_group` at e.g. `add_member_users[1]`); nesting beyond the
    /// [`crate::Limits`] the snapshot was loaded with (`limit_exceeded`); a malformed body.
    pub fn patch_group(&mut self, group_id: &str, body: &str) -> Result<(), SnapshotError> {
        let patch = delta::group_patch(body, &self.index.limits)?;
        self.index.patch_group(group_id, &patch)?;
        self.version += 1;
        Ok(())
    }

    /// Applies the body of `PATCH /v1/role/{id}`: `add_member_permissions`, `remove_member_permissions`
    /// (entries `{"permission", "restrict_object_type"}`, matched on both), `add_member_roles`,
    /// `remove_member_roles`.
    ///
    /// # Errors
    /// As [`Snapshot::patch_group`], with `unknown_role`.
    pub fn patch_role(&mut self, role_id: &str, body: &str) -> Result<(), SnapshotError> {
        let patch = delta::role_patch(body, &self.index.limits)?;
        self.index.patch_role(role_id, &patch)?;
        self.version += 1;
        Ok(())
    }

    /// Inserts or replaces rows of one section — `users`, `service_accounts`, `groups`, `roles`,
    /// `projects`, `project_groups` or `objects` — given as a JSON array of rows of that section's shape.
    ///
    /// A row whose id (for objects: type and id) is in the section replaces that row where it stands; a new
    /// one goes at the section's end. Deleting is upserting the row with `deleted_at` set, as Braintrust's
    /// soft delete returns it: the row stays, and grants nothing.
    ///
    /// # Example
    /// ```
    /// use permeval::{ObjectRef, ObjectType, Permission, Snapshot};
    ///
    /// let mut snap = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U"}],
    ///   "projects": [{"id": "P1", "org_id": "O", "name": "chatbot"}],
    ///   "acls": [{"id": "a", "object_type": "project", "object_id": "P1", "user_id": "U", "permission": "read"}]}"#)?;
    /// let e9 = ObjectRef::new(ObjectType::Experiment, "E9");
    /// assert!(!snap.can("U", Permission::Read, &e9)); // not in the snapshot: only org-wide grants reach it
    /// snap.upsert("objects", r#"[{"type": "experiment", "id": "E9", "project_id": "P1"}]"#)?;
    /// assert!(snap.can("U", Permission::Read, &e9));
    /// snap.upsert("projects", r#"[{"id": "P1", "org_id": "O", "deleted_at": "2026-11-28T10:00:00Z"}]"#)?;
    /// assert!(!snap.can("U", Permission::Read, &e9)); // its project is deleted
    /// # Ok::<(), permeval::SnapshotError>(())
    /// ```
    ///
    /// # Errors
    /// A section that takes no rows (`wrong_type`); a row the loader would skip or mark dead, a reference
    /// to something the snapshot lacks, another org's row, an id twice in one call, or an id of a user
    /// upserted as a service account or the reverse ([`crate::ErrorCode::Rejected`], at e.g.
    /// `objects[2].project_id`); nesting beyond the limits.
    pub fn upsert(&mut self, section: &str, rows: &str) -> Result<(), SnapshotError> {
        let upsert = delta::upsert(section, rows, &self.index.limits)?;
        self.index.upsert(&upsert)?;
        self.version += 1;
        Ok(())
    }

    /// The snapshot as a document (spec §3.5): the rows as loaded — without those skipped with a warning —
    /// with every delta applied, and only the fields the model reads. Loading it answers every query exactly
    /// as this snapshot does, in the same order.
    ///
    /// # Example
    /// ```
    /// use permeval::Snapshot;
    ///
    /// let mut snap = Snapshot::from_json(r#"{"org": {"id": "O", "name": "acme"}, "users": [{"id": "U", "email": "u@acme.io"}]}"#)?;
    /// snap.upsert("service_accounts", r#"[{"id": "SA"}]"#)?;
    /// assert_eq!(snap.to_json(),
    ///   r#"{"org":{"id":"O"},"users":[{"id":"U"}],"service_accounts":[{"id":"SA"}],"groups":[],"roles":[],"projects":[],"project_groups":[],"objects":[],"acls":[]}"#);
    /// # Ok::<(), permeval::SnapshotError>(())
    /// ```
    pub fn to_json(&self) -> String {
        self.index.to_json()
    }
}
