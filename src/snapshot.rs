//! [`Snapshot`]: a loaded, compiled ACL snapshot, and the queries a caller asks of it.
//!
//! Every query about one principal goes through a [`Subject`]; the `Snapshot` methods that take a
//! principal id are shorthands that resolve the subject first. Resolution is cached per principal, so
//! the shorthand costs one extra hash lookup, not a re-resolution.

use crate::capabilities::Capabilities;
use crate::document::{self, Envelope, SnapshotError, Warning};
use crate::expiry;
use crate::explain::Explanation;
use crate::index::{Builder, Holder, Index};
use crate::model::{ObjectRef, ObjectType, Permission, PermissionSet, Principal, PrincipalKind};
use crate::options::LoadOptions;
use crate::signature::{self, PublicKey, Signature};
use crate::subject::{Subject, SubjectKey};

/// A compiled ACL snapshot of one Braintrust org.
///
/// Loading parses the document of spec §3.5, skips bad rows with [`Warning`]s, and compiles the index;
/// after that every query is a few lookups, independent of how many rows the snapshot has. A `Snapshot`
/// is `Send + Sync`: share it across threads freely.
///
/// # Example
/// ```
/// use permeval::{ObjectRef, ObjectType, Permission, Snapshot};
///
/// let snap = Snapshot::from_json(r#"{
///   "org": {"id": "O"},
///   "users": [{"id": "U_BOB"}],
///   "groups": [{"id": "G_ENG", "org_id": "O", "name": "Engineers", "member_users": ["U_BOB"]}],
///   "projects": [{"id": "P1", "org_id": "O", "name": "chatbot"}],
///   "objects": [{"type": "experiment", "id": "E1", "project_id": "P1"}],
///   "acls": [{"id": "a10", "object_type": "org_project", "object_id": "O", "group_id": "G_ENG", "permission": "update"}]
/// }"#)?;
/// let e1 = ObjectRef::new(ObjectType::Experiment, "E1");
/// assert!(snap.can("U_BOB", Permission::Update, &e1));      // granted on "All projects", cascades down
/// assert!(!snap.can("U_BOB", Permission::Delete, &e1));
/// assert!(!snap.can("U_NOBODY", Permission::Update, &e1));  // not a member: fail closed
/// # Ok::<(), permeval::SnapshotError>(())
/// ```
pub struct Snapshot {
    pub(crate) index: Index,
    warnings: Vec<Warning>,
    /// Successful delta calls since loading.
    pub(crate) version: u64,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("org_id", &self.index.org_id)
            .field("principals", &self.index.principals.len())
            .field("groups", &self.index.groups.len())
            .field("roles", &self.index.roles.len())
            .field("objects", &self.index.nodes.len())
            .field("acls", &self.index.acls.len())
            .field("warnings", &self.warnings.len())
            .finish()
    }
}

impl Snapshot {
    /// Loads a snapshot document from JSON text, with the default [`LoadOptions`].
    ///
    /// # Errors
    /// A [`SnapshotError`] when the document cannot be read as a snapshot at all: not JSON, the wrong
    /// type at the top level or for a section, or a missing `org.id`; also when it exceeds the default
    /// [`crate::Limits`], or is stale already. Problems inside rows are not errors: see
    /// [`Snapshot::warnings`].
    pub fn from_json(text: &str) -> Result<Snapshot, SnapshotError> {
        Snapshot::from_json_with(text, &LoadOptions::default())
    }

    /// Loads a snapshot document from UTF-8 bytes, e.g. a fetched body, without first copying it into
    /// a `String`, with the default [`LoadOptions`].
    ///
    /// # Errors
    /// As [`Snapshot::from_json`]; invalid UTF-8 inside a string is [`crate::ErrorCode::InvalidJson`].
    pub fn from_slice(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        Snapshot::from_slice_with(bytes, &LoadOptions::default())
    }

    /// Loads a snapshot document from JSON text, within `options`' limits and expiry.
    ///
    /// # Errors
    /// As [`Snapshot::from_json`]; exceeding a limit is [`crate::ErrorCode::LimitExceeded`], a bad
    /// `generated_at` or `expires_at` [`crate::ErrorCode::InvalidTimestamp`], and a snapshot stale at
    /// load [`crate::ErrorCode::Stale`] or [`crate::ErrorCode::ClockSkew`].
    pub fn from_json_with(text: &str, options: &LoadOptions) -> Result<Snapshot, SnapshotError> {
        Snapshot::from_slice_with(text.as_bytes(), options)
    }

    /// Loads a snapshot document from UTF-8 bytes, within `options`' limits and expiry.
    ///
    /// # Errors
    /// As [`Snapshot::from_json_with`].
    pub fn from_slice_with(bytes: &[u8], options: &LoadOptions) -> Result<Snapshot, SnapshotError> {
        let mut builder = Builder::new(&options.limits);
        let envelope = document::read_all(bytes, &options.limits, &mut builder.feed())?;
        Snapshot::assemble(envelope, builder, options)
    }

    /// Loads a snapshot document only if `signature` is an Ed25519 signature, by one of `public_keys`,
    /// over exactly these bytes (a `&str` is taken as its UTF-8 bytes). Several keys allow rotation.
    ///
    /// The signature is checked before the document is parsed, so a forged document costs a hash of its
    /// bytes and nothing more.
    ///
    /// # Example
    /// ```
    /// use permeval::{ErrorCode, LoadOptions, PublicKey, Signature, Snapshot};
    ///
    /// // Made with `node scripts/sign-snapshot.mjs sign` (see the README).
    /// let text = r#"{"org": {"id": "O"}}"#;
    /// let key = PublicKey::from_base64("NIgx2GtDHlc80sfiktVDHSupAEKAspOaqeAPuDJE-bM")?;
    /// let sig = Signature::from_base64(
    ///     "2iWjdqsFIbyp6eHacQ-76G3cjs-RdsjYqOEyAO4qE0MUAD0Gu1B2JYcNeHrWiWsA5sQ2N4AdUpIDbxuRFuLhDg")?;
    /// let snap = Snapshot::from_signed_json(text, &sig, &[key], &LoadOptions::default())?;
    /// assert_eq!(snap.org_id(), "O");
    ///
    /// let tampered = r#"{"org": {"id": "X"}}"#;
    /// let err = Snapshot::from_signed_json(tampered, &sig, &[key], &LoadOptions::default()).unwrap_err();
    /// assert_eq!(err.code(), ErrorCode::BadSignature);
    /// # Ok::<(), permeval::SnapshotError>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::ErrorCode::BadSignature`] when the signature matches none of the keys,
    /// [`crate::ErrorCode::BadPublicKey`] when no key is given; then as [`Snapshot::from_slice_with`].
    pub fn from_signed_json(
        text: impl AsRef<[u8]>,
        signature: &Signature,
        public_keys: &[PublicKey],
        options: &LoadOptions,
    ) -> Result<Snapshot, SnapshotError> {
        let bytes = text.as_ref();
        // The size limit holds before the hash too: hashing a gigabyte is a cost of its own.
        document::check_size(bytes.len(), &options.limits)?;
        signature::verify(bytes, signature, public_keys)?;
        Snapshot::from_slice_with(bytes, options)
    }

    /// The snapshot of a document read to its end.
    pub(crate) fn assemble(
        envelope: Envelope,
        builder: Builder,
        options: &LoadOptions,
    ) -> Result<Snapshot, SnapshotError> {
        let mut read = envelope.finish()?;
        let expiry = expiry::window(
            read.generated_at.as_ref().map(|t| t.millis),
            read.expires_at.as_ref().map(|t| t.millis),
            options,
        )?;
        let mut index = builder.finish(&mut read)?;
        index.expiry = expiry;
        Ok(Snapshot { index, warnings: read.warnings, version: 0 })
    }

    /// Whether the snapshot is past `expires_at` or its maximum age, or the clock reads further before
    /// `generated_at` than the skew tolerance: then every query denies ([`crate::DenialReason::Stale`]).
    /// Always false for a snapshot that cannot expire. Reads the clock once.
    pub fn is_stale(&self) -> bool {
        self.index.is_stale()
    }

    /// The rows and entries that were skipped (or kept with a caveat) while loading, in document order
    /// of discovery.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The id of the org this snapshot describes.
    pub fn org_id(&self) -> &str {
        &self.index.org_id
    }

    /// The org's members: users, then service accounts, in snapshot order.
    ///
    /// # Example
    /// ```
    /// # use permeval::{PrincipalKind, Snapshot};
    /// let snap = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U"}], "service_accounts": [{"id": "SA"}]}"#)?;
    /// let kinds: Vec<_> = snap.principals().map(|p| (p.id, p.kind)).collect();
    /// assert_eq!(kinds, [("U", PrincipalKind::User), ("SA", PrincipalKind::ServiceAccount)]);
    /// # Ok::<(), permeval::SnapshotError>(())
    /// ```
    pub fn principals(&self) -> impl Iterator<Item = Principal<'_>> {
        let ix = &self.index;
        ix.members_in_order().map(move |p| Principal {
            id: ix.principals.text(p.0),
            kind: if ix.service_account.get(p.ix()).copied().unwrap_or(false) {
                PrincipalKind::ServiceAccount
            } else {
                PrincipalKind::User
            },
        })
    }

    /// Resolves a principal (user or service account) once, for many queries.
    ///
    /// An id that is not a member of the org gives a subject that is denied everything (spec §4.2 step 0).
    ///
    /// # Example
    /// ```
    /// # use permeval::{ObjectRef, ObjectType, Permission, Snapshot};
    /// # let snap = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U"}],
    /// #   "acls": [{"id": "a", "object_type": "project", "object_id": "P1", "user_id": "U", "permission": "read"}]}"#)?;
    /// let me = snap.subject("U");
    /// assert!(me.is_member());
    /// assert!(me.can(Permission::Read, &ObjectRef::new(ObjectType::Project, "P1")));
    /// assert!(!snap.subject("stranger").is_member());
    /// # Ok::<(), permeval::SnapshotError>(())
    /// ```
    pub fn subject(&self, principal: &str) -> Subject<'_> {
        Subject::new(&self.index, self.index.principal(principal))
    }

    /// The subject a [`SubjectKey`] stands for, without looking the principal up again.
    ///
    /// # Example
    /// ```
    /// # use permeval::{ObjectRef, ObjectType, Permission, Snapshot};
    /// let snap = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U"}],
    ///   "acls": [{"id": "a", "object_type": "organization", "object_id": "O", "user_id": "U", "permission": "read"}]}"#)?;
    /// let key = snap.subject("U").key();
    /// let org = ObjectRef::new(ObjectType::Organization, "O");
    /// assert!(snap.subject_by_key(key).can(Permission::Read, &org));
    /// // A key from another snapshot names no one there.
    /// let other = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U"}]}"#)?;
    /// assert!(!other.subject_by_key(key).is_member());
    /// # Ok::<(), permeval::SnapshotError>(())
    /// ```
    pub fn subject_by_key(&self, key: SubjectKey) -> Subject<'_> {
        Subject::new(&self.index, key.principal_on(&self.index))
    }

    /// The number of a member, for [`Snapshot::subject_by_number`]; `None` for anyone else.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn principal_number(&self, principal: &str) -> Option<u32> {
        self.index.principal(principal).map(|p| p.0)
    }

    /// The subject a member number stands for; a number that names no member is denied everything.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn subject_by_number(&self, number: u32) -> Subject<'_> {
        let p = Some(crate::index::PrincipalIx(number)).filter(|&p| self.index.is_live(p));
        Subject::new(&self.index, p)
    }

    /// The node number of an object that has one (listed, or named by an ACL), for
    /// [`Subject::effective_of_node`](crate::Subject). Objects without one (dead, another org's, named by
    /// nothing) answer `None` and are asked about by id.
    #[cfg(any(target_arch = "wasm32", test))]
    pub(crate) fn object_node(&self, object: &ObjectRef<'_>) -> Option<u32> {
        self.index.locate(&object.object_type, object.id).own.map(|n| n.0)
    }

    /// Whether `principal` holds `permission` on `object` (spec §4.2).
    pub fn can(&self, principal: &str, permission: Permission, object: &ObjectRef<'_>) -> bool {
        self.subject(principal).can(permission, object)
    }

    /// Every permission `principal` holds on `object`; [`PermissionSet::manages_access`] gives the
    /// "manage access" aggregate.
    pub fn effective(&self, principal: &str, object: &ObjectRef<'_>) -> PermissionSet {
        self.subject(principal).effective(object)
    }

    /// Whether `principal` may create an object of type `child` directly under `parent` (spec §4.3 j).
    pub fn can_create(&self, principal: &str, child: &ObjectType, parent: &ObjectRef<'_>) -> bool {
        self.subject(principal).can_create(child, parent)
    }

    /// Why `principal` does or does not hold `permission` on `object`.
    pub fn explain(&self, principal: &str, permission: Permission, object: &ObjectRef<'_>) -> Explanation<'_> {
        self.subject(principal).explain(permission, object)
    }

    /// Why `principal` may or may not create an object of type `child` under `parent`.
    pub fn explain_create(&self, principal: &str, child: &ObjectType, parent: &ObjectRef<'_>) -> Explanation<'_> {
        self.subject(principal).explain_create(child, parent)
    }

    /// The ids of every org member (users and service accounts) who holds `permission` on `object`, in
    /// snapshot order.
    ///
    /// # Example
    /// ```
    /// # use permeval::{ObjectRef, ObjectType, Permission, Snapshot};
    /// let snap = Snapshot::from_json(r#"{"org": {"id": "O"}, "users": [{"id": "U1"}, {"id": "U2"}],
    ///   "service_accounts": [{"id": "SA"}],
    ///   "groups": [{"id": "G", "org_id": "O", "name": "g", "member_users": ["SA", "U2"]}],
    ///   "acls": [{"id": "a", "object_type": "organization", "object_id": "O", "group_id": "G", "permission": "read"}]}"#)?;
    /// assert_eq!(snap.who_can(Permission::Read, &ObjectRef::new(ObjectType::Organization, "O")), ["U2", "SA"]);
    /// # Ok::<(), permeval::SnapshotError>(())
    /// ```
    pub fn who_can(&self, permission: Permission, object: &ObjectRef<'_>) -> Vec<&str> {
        let ix = &self.index;
        if ix.is_stale() {
            return Vec::new();
        }
        let Some(applies) = ix.type_code(&object.object_type) else { return Vec::new() };
        let at = ix.locate(&object.object_type, object.id);
        let mut holds = vec![false; ix.principals.len()];
        for node in at.nodes() {
            for &a in ix.acls_by_node.get(node.ix()) {
                let Some(acl) = ix.acl(a) else { continue };
                if !ix.acl_grants(acl, applies).allows(permission) {
                    continue;
                }
                let holder = acl.holder();
                let members = match &holder {
                    Holder::Principal(p) => std::slice::from_ref(&p.0),
                    Holder::Group(g) => ix.members.get(g.ix()),
                };
                for &p in members {
                    if let Some(h) = holds.get_mut(p as usize) {
                        *h = true;
                    }
                }
            }
        }
        ix.members_in_order()
            .filter(|p| holds.get(p.ix()).copied().unwrap_or(false))
            .map(|p| ix.principals.text(p.0))
            .collect()
    }

    /// The checkboxes of Braintrust's permission-group editor, filled in for `principal` (spec §2.3); see
    /// [`Capabilities`].
    pub fn capabilities(&self, principal: &str) -> Capabilities<'_> {
        self.subject(principal).capabilities()
    }

    /// The ids of the live objects of `object_type` listed in the snapshot, in snapshot order: what
    /// [`Snapshot::accessible`] ranges over, and what the positions of [`Subject::accessible_positions`]
    /// index. The org-wide types list the org itself; types no row mentions list nothing.
    ///
    /// # Example
    /// ```
    /// # use permeval::{ObjectType, Snapshot};
    /// let snap = Snapshot::from_json(r#"{"org": {"id": "O"},
    ///   "projects": [{"id": "P1", "org_id": "O", "name": "a"}, {"id": "P2", "org_id": "O", "name": "b", "deleted_at": "2026-01-01"}]}"#)?;
    /// assert_eq!(snap.listed_ids(&ObjectType::Project), ["P1"]);
    /// assert_eq!(snap.listed_ids(&ObjectType::OrgProject), ["O"]);
    /// assert!(snap.listed_ids(&ObjectType::Experiment).is_empty());
    /// # Ok::<(), permeval::SnapshotError>(())
    /// ```
    pub fn listed_ids(&self, object_type: &ObjectType) -> Vec<&str> {
        self.index.listed_ids(object_type)
    }

    /// The ids of every live object of `object_type` listed in the snapshot on which `principal` holds
    /// `permission`, in snapshot order.
    pub fn accessible(&self, principal: &str, permission: Permission, object_type: &ObjectType) -> Vec<&str> {
        self.subject(principal).accessible(permission, object_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectType;

    /// The number-based path the JS bindings take must answer exactly as the id-based one, for every
    /// member and every node of the §5 example, and fail closed on numbers that name nothing.
    #[test]
    fn node_numbers_answer_as_ids_do() -> Result<(), SnapshotError> {
        let snap = Snapshot::from_json(include_str!("../tests/fixtures/spec_example.json"))?;
        let ix = &snap.index;
        let mut checked = 0;
        for p in snap.principals() {
            let number = snap.principal_number(p.id).expect("every member has a number");
            let by_number = snap.subject_by_number(number);
            assert_eq!(by_number.principal_id(), Some(p.id));
            for n in 0..ix.nodes.len() as u32 {
                let object_type = ix.object_type(crate::index::TypeCode(ix.nodes.tag(n)));
                let object = ObjectRef::new(object_type, ix.nodes.text(n));
                let expected = snap.effective(p.id, &object);
                match snap.object_node(&object) {
                    Some(node) => {
                        assert_eq!(node, n);
                        assert_eq!(by_number.effective_of_node(node), expected, "{} on {object:?}", p.id);
                        checked += 1;
                    }
                    // Dead nodes have no number to hand out and hold nothing.
                    None => assert!(expected.is_empty()),
                }
            }
            assert!(by_number.effective_of_node(u32::MAX).is_empty());
            assert!(by_number.effective_of_node(ix.nodes.len() as u32).is_empty());
        }
        assert!(checked > 50, "only {checked} checks");
        // The batch over nodes, with chains judged once per call, against the single answers.
        let mut nodes: Vec<i32> = (0..ix.nodes.len() as i32).chain([-1, i32::MAX]).collect();
        nodes.extend(nodes.clone().iter().rev());
        for p in snap.principals() {
            let me = snap.subject_by_number(snap.principal_number(p.id).expect("member"));
            let mut out = Vec::new();
            me.effective_of_nodes(&nodes, &mut out);
            assert_eq!(out.len(), nodes.len());
            for (&n, set) in nodes.iter().zip(&out) {
                let single = u32::try_from(n).map_or(PermissionSet::empty(), |n| me.effective_of_node(n));
                assert_eq!(*set, single, "{} node {n}", p.id);
            }
        }
        let stranger = snap.subject_by_number(ix.principals.len() as u32);
        assert!(!stranger.is_member());
        assert!((0..ix.nodes.len() as u32).all(|n| stranger.effective_of_node(n).is_empty()));
        assert_eq!(snap.principal_number("nobody"), None);
        assert_eq!(snap.object_node(&ObjectRef::new(ObjectType::Experiment, "nothing")), None);
        Ok(())
    }
}
