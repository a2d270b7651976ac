//! The queries the delta property tests compare (`tests/deltas.rs` natively, `tests/wasm_suite/deltas.rs`
//! through the wasm boundary), and their answers as owned values that compare across snapshots, so that
//! a snapshot after deltas, a fresh load of the model's document and whatever sits behind the wasm classes
//! are asked the same questions.

use permeval::{Decision, ObjectRef, ObjectType, Permission, PermissionSet, Snapshot};
use serde_json::Value;

use super::generator::{NON_MEMBER, ORG, ORG_WIDE, UNKNOWN_TYPES};
use super::live;
use super::reference::{KNOWN_TYPES, PERMISSIONS, creatable_under};

/// What the comparison asks: principals and objects the documents name (plus strangers), every
/// permission, every type.
pub struct Scope {
    pub principals: Vec<String>,
    pub targets: Vec<(String, String)>,
    pub types: Vec<String>,
}

impl Scope {
    pub fn of(docs: &[&Value]) -> Scope {
        let mut principals = Vec::new();
        let mut targets: Vec<(String, String)> = Vec::new();
        let add = |targets: &mut Vec<(String, String)>, t: &str, id: &str| {
            let key = (t.to_owned(), id.to_owned());
            if !targets.contains(&key) {
                targets.push(key);
            }
        };
        for doc in docs {
            for id in live::ids(doc, "users").into_iter().chain(live::ids(doc, "service_accounts")) {
                if !principals.contains(&id) {
                    principals.push(id);
                }
            }
            for t in ORG_WIDE {
                add(&mut targets, t, ORG);
            }
            for id in live::ids(doc, "projects") {
                add(&mut targets, "project", &id);
                add(&mut targets, "project_log", &id);
            }
            for (section, t) in [("project_groups", "project_group"), ("groups", "group"), ("roles", "role")] {
                for id in live::ids(doc, section) {
                    add(&mut targets, t, &id);
                }
            }
            for (t, id) in live::object_keys(doc) {
                add(&mut targets, &t, &id);
            }
            for a in live::section(doc, "acls") {
                if let (Some(t), Some(id)) = (a["object_type"].as_str(), a["object_id"].as_str()) {
                    add(&mut targets, t, id);
                }
            }
        }
        principals.push(NON_MEMBER.into());
        let mut types: Vec<String> = KNOWN_TYPES.iter().map(|t| (*t).to_owned()).collect();
        types.extend(UNKNOWN_TYPES.iter().map(|t| (*t).to_owned()));
        for t in &types {
            add(&mut targets, t, "N9"); // an id nothing lists
        }
        Scope { principals, targets, types }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Query<'a> {
    Principals,
    Can(&'a str, Permission, &'a (String, String)),
    Effective(&'a str, &'a (String, String)),
    Explain(&'a str, Permission, &'a (String, String)),
    CanCreate(&'a str, &'a str, &'a (String, String)),
    WhoCan(Permission, &'a (String, String)),
    Accessible(&'a str, Permission, &'a str),
    Listed(&'a str),
}

/// One query's answer, owned, comparable across snapshots.
#[derive(Debug, PartialEq)]
pub enum Answer {
    Bool(bool),
    Set(PermissionSet),
    /// The decision, the denial reason's code, and the ACL ids of the grant paths (allowed) or of the
    /// nearest paths (denied).
    Why {
        allowed: bool,
        reason: Option<String>,
        acl_ids: Vec<String>,
    },
    Ids(Vec<String>),
    /// `(id, kind)`, kind as its code.
    Principals(Vec<(String, String)>),
}

pub fn permission(name: &str) -> Permission {
    Permission::from_name(name).expect("the reference's permission names are the crate's")
}

pub fn ask(snap: &Snapshot, q: Query<'_>) -> Answer {
    fn obj((t, id): &(String, String)) -> ObjectRef<'_> {
        ObjectRef::parse(t, id)
    }
    let ids = |v: Vec<&str>| Answer::Ids(v.into_iter().map(str::to_owned).collect());
    match q {
        Query::Principals => {
            Answer::Principals(snap.principals().map(|p| (p.id.to_owned(), p.kind.as_str().to_owned())).collect())
        }
        Query::Can(p, x, t) => Answer::Bool(snap.can(p, x, &obj(t))),
        Query::Effective(p, t) => Answer::Set(snap.effective(p, &obj(t))),
        Query::Explain(p, x, t) => {
            let why = snap.explain(p, x, &obj(t));
            let (allowed, reason, paths) = match &why.decision {
                Decision::Allowed { paths } => (true, None, paths),
                Decision::Denied { reason, nearest } => (false, Some(reason.as_str().to_owned()), nearest),
            };
            Answer::Why { allowed, reason, acl_ids: paths.iter().map(|p| p.acl_id.to_string()).collect() }
        }
        Query::CanCreate(p, child, t) => Answer::Bool(snap.can_create(p, &ObjectType::from(child), &obj(t))),
        Query::WhoCan(x, t) => ids(snap.who_can(x, &obj(t))),
        Query::Accessible(p, x, t) => ids(snap.accessible(p, x, &ObjectType::from(t))),
        Query::Listed(t) => ids(snap.listed_ids(&ObjectType::from(t))),
    }
}

/// Asks every query of `scope` of `got` (which may fail, as a call across the wasm boundary can) and of
/// `want`; the first disagreement as a message, else the number of queries compared.
pub fn compare_all(
    mut got: impl FnMut(Query<'_>) -> Result<Answer, String>,
    mut want: impl FnMut(Query<'_>) -> Answer,
    scope: &Scope,
) -> Result<usize, String> {
    let mut n = 0;
    let mut check = |q: Query<'_>| -> Result<(), String> {
        n += 1;
        let b = want(q);
        match got(q) {
            Ok(a) if a == b => Ok(()),
            Ok(a) => Err(format!("query {q:?}\n  got: {a:?}\n  expected: {b:?}")),
            Err(e) => Err(format!("query {q:?}\n  failed: {e}\n  expected: {b:?}")),
        }
    };
    check(Query::Principals)?;
    let perms: Vec<Permission> = PERMISSIONS.iter().map(|p| permission(p)).collect();
    for t in &scope.targets {
        for &x in &perms {
            check(Query::WhoCan(x, t))?;
        }
    }
    for t in &scope.types {
        check(Query::Listed(t))?;
    }
    for p in &scope.principals {
        for t in &scope.targets {
            check(Query::Effective(p, t))?;
            for &x in &perms {
                check(Query::Can(p, x, t))?;
                check(Query::Explain(p, x, t))?;
            }
            for child in KNOWN_TYPES.iter().filter(|c| creatable_under(c, &t.0)) {
                check(Query::CanCreate(p, child, t))?;
            }
        }
        for t in &scope.types {
            for &x in &perms {
                check(Query::Accessible(p, x, t))?;
            }
        }
    }
    Ok(n)
}
