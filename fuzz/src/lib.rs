//! What every fuzz target asserts about a loaded snapshot: the query methods are different routes to the
//! same answer, so each must agree with the others for any principal, type and id, however odd the strings.
//! A disagreement is a bug as real as a panic; libFuzzer records both as crashes.

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use permeval::{Access, Decision, ObjectRef, ObjectType, Permission, PermissionSet, Snapshot, SnapshotError, Warning};

/// The wire names of the fifteen known types, plus one unknown, so that choosing from the list reaches
/// every type often; [`text`] adds arbitrary names.
pub const TYPE_NAMES: [&str; 16] = [
    "organization",
    "org_project",
    "project_group",
    "project",
    "experiment",
    "dataset",
    "prompt",
    "prompt_session",
    "project_log",
    "group",
    "role",
    "org_member",
    "org_audit_logs",
    "org_ai_secret",
    "ai_secret",
    "dashboard",
];

/// A string: usually one of `pool`, sometimes arbitrary UTF-8 from the input (empty, huge, odd Unicode).
pub fn text<'a>(u: &mut Unstructured<'a>, pool: &[&'a str]) -> Result<&'a str> {
    if !pool.is_empty() && u.ratio(3, 4)? {
        return u.choose(pool).copied();
    }
    u.arbitrary()
}

/// One query, as strings, the way a caller hands them over.
#[derive(Debug)]
pub struct Query<'a> {
    pub principal: &'a str,
    pub permission: Permission,
    pub object_type: &'a str,
    pub id: &'a str,
    pub child_type: &'a str,
    pub batch_ids: Vec<&'a str>,
}

impl<'a> Query<'a> {
    /// A query whose principal and ids come from `ids` (or the input), and types from [`TYPE_NAMES`] (or
    /// the input).
    pub fn arbitrary(u: &mut Unstructured<'a>, ids: &[&'a str]) -> Result<Self> {
        let principal = text(u, ids)?;
        let permission = *u.choose(&Permission::ALL)?;
        let object_type = text(u, &TYPE_NAMES)?;
        let id = text(u, ids)?;
        let child_type = text(u, &TYPE_NAMES)?;
        let n = u.int_in_range(0..=6)?;
        let batch_ids = (0..n).map(|_| text(u, ids)).collect::<Result<_>>()?;
        Ok(Query { principal, permission, object_type, id, child_type, batch_ids })
    }
}

/// Runs every query method for `q` on `snap` and asserts that they agree.
pub fn check(snap: &Snapshot, q: &Query<'_>) {
    let Query { principal: p, permission: perm, .. } = *q;
    let object = ObjectRef::parse(q.object_type, q.id);
    let child = ObjectType::from(q.child_type);
    let me = snap.subject(p);

    let effective = snap.effective(p, &object);
    let can = snap.can(p, perm, &object);
    assert_eq!(can, effective.allows(perm), "can vs effective: {q:?}");
    assert_eq!(me.effective(&object), effective, "subject vs snapshot effective: {q:?}");
    assert_eq!(me.can(perm, &object), can, "subject vs snapshot can: {q:?}");
    if !me.is_member() {
        assert_eq!(effective, PermissionSet::empty(), "a non-member holds something: {q:?}");
    }

    let why = snap.explain(p, perm, &object);
    assert_eq!(why.permission, perm);
    assert_eq!(why.allowed(), can, "explain vs can: {q:?} {why:?}");
    if let Decision::Allowed { paths } = &why.decision {
        assert!(!paths.is_empty(), "allowed without a path: {q:?}");
    }
    assert_eq!(me.explain(perm, &object), why, "subject vs snapshot explain: {q:?}");

    let can_create = snap.can_create(p, &child, &object);
    assert_eq!(me.can_create(&child, &object), can_create);
    let why_create = snap.explain_create(p, &child, &object);
    assert_eq!(why_create.allowed(), can_create, "explain_create vs can_create: {q:?} {why_create:?}");
    if can_create {
        assert!(child.can_be_created_under(&object.object_type), "created where it cannot be: {q:?}");
        assert!(me.effective_within(&child, &object).allows(Permission::Create));
    }

    let who = snap.who_can(perm, &object);
    assert_eq!(who.contains(&p), can && me.is_member(), "who_can vs can: {q:?} {who:?}");
    for w in &who {
        assert!(snap.can(w, perm, &object), "who_can lists `{w}` who cannot: {q:?}");
    }

    let accessible = snap.accessible(p, perm, &object.object_type);
    assert_eq!(me.accessible(perm, &object.object_type), accessible);
    for id in &accessible {
        let listed = ObjectRef::new(object.object_type.clone(), id);
        assert!(snap.can(p, perm, &listed), "accessible lists `{id}` without {perm:?}: {q:?}");
    }

    let mut sets = Vec::new();
    me.effective_batch(&object.object_type, &q.batch_ids, &mut sets);
    let mut answers = Vec::new();
    me.can_batch(perm, &object.object_type, &q.batch_ids, &mut answers);
    assert_eq!(sets.len(), q.batch_ids.len());
    for ((id, set), answer) in q.batch_ids.iter().zip(&sets).zip(&answers) {
        let single = me.effective(&ObjectRef::new(object.object_type.clone(), id));
        assert_eq!(*set, single, "effective_batch vs effective for `{id}`: {q:?}");
        assert_eq!(*answer, single.allows(perm));
    }

    let caps = snap.capabilities(p);
    for row in &caps.projects {
        let on_project = me.effective(&ObjectRef::new(ObjectType::Project, row.id));
        assert_eq!(row.access, Access::from(on_project), "capabilities vs effective on project `{}`", row.id);
    }
}

/// What a load produced, in a form two loads can be compared by.
pub fn outcome(loaded: &Result<Snapshot, SnapshotError>) -> std::result::Result<(String, Vec<Warning>), SnapshotError> {
    match loaded {
        Ok(snap) => Ok((snap.org_id().to_owned(), snap.warnings().to_vec())),
        Err(e) => Err(e.clone()),
    }
}

/// Every string in a JSON document, keys included: the ids a query is most likely to hit.
pub fn strings_in(doc: &serde_json::Value) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    out.push(k.clone());
                    walk(v, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, &mut out);
    out.sort();
    out.dedup();
    out
}

/// The §3.5 example snapshot, and a second document full of the hard cases (cycles, dead and foreign rows,
/// unknown types, duplicate ids, unlisted objects): the documents the query and mutation targets start from.
pub const DOCUMENTS: [&str; 2] =
    [include_str!("../../tests/fixtures/spec_example.json"), include_str!("../fixtures/rich.json")];
