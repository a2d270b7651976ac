//! Per-principal projections (`Snapshot::project_for`): for random snapshots and every principal of each
//! (plus ids that are no member, and a principal deleted by a delta), the projection
//!
//! - answers every question about its principal exactly as the whole snapshot does: `can`, `effective`,
//!   `effective_within`, `can_create`, `explain` and `explain_create` (decision, reason, every grant path:
//!   ACL id, object, holder, group chain, role chain, restriction), `accessible` and `listed_ids` for every
//!   type, `capabilities`, and the principal's entry in `principals()`. A denial's `nearest` grants are
//!   other holders' rows and are left out on purpose: the projection's are empty;
//! - holds exactly the rows the module docs of `src/projection.rs` list, checked against the whole
//!   snapshot's `to_json()` by this file's own reading of it: no other principal, no member but the
//!   principal and its groups, no ACL row held by anyone else, role contents only where the principal's
//!   rows reach, and every group, role, project, project group and object row;
//! - stays exact after deltas (`apply_acl_batch`, `patch_group`, `patch_role`, a principal deleted by
//!   `upsert`) made on the whole snapshot.
//!
//! The documents come from the differential test's generator (`tests/generator/mod.rs`); the questions
//! range over every object of its id pools, not a sample.

mod generator;
#[allow(dead_code)]
mod reference;

use std::collections::{BTreeSet, HashSet};

use generator::{
    AI_SECRETS, CHILD_IDS, CHILD_TYPES, DELETED_AT, GROUPS, Gen, NON_MEMBER, ORG, ORG_WIDE, OTHER_ORG, PROJECT_GROUPS,
    PROJECTS, ROLES, Rng, UNKNOWN_TYPES, UNSEEN_TYPE,
};
use permeval::{Decision, DenialReason, Explanation, ObjectRef, ObjectType, Permission, Snapshot, WarningCode};
use reference::{KNOWN_TYPES, PERMISSIONS};
use serde_json::{Value, json};

const BASE_SEED: u64 = 0x9B0_1EC7_0F0B_EDA7;
const SNAPSHOTS: usize = 240;
const SHARDS: usize = 2;

/// What one shard asked.
#[derive(Default)]
struct Totals {
    snapshots: usize,
    projections: usize,
    queries: usize,
    /// Grant paths of allowed explanations compared, and of those, how many pass through nested groups
    /// and inherited roles: the chains the projection must keep.
    paths: usize,
    nested_groups: usize,
    inherited_roles: usize,
    deltas: usize,
}

fn seed(index: usize) -> u64 {
    Rng::new(BASE_SEED ^ (index as u64).wrapping_mul(0xA076_1D64_78BD_642F)).next_u64()
}

/// Every object the questions range over: each id of the generator's pools under each type that can hold
/// it, org-wide types with the org's and another org's id, ids the documents never list, unknown types.
fn objects() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut put = |t: &str, ids: &[&str]| out.extend(ids.iter().map(|id| (t.to_owned(), (*id).to_owned())));
    for t in ORG_WIDE {
        put(t, &[ORG, OTHER_ORG]);
    }
    let with = |pool: &[&'static str], extra: &'static str| pool.iter().copied().chain([extra]).collect::<Vec<_>>();
    put("project", &with(PROJECTS, "P9"));
    put("project_log", &with(PROJECTS, "P9"));
    put("project_group", &with(PROJECT_GROUPS, "PG9"));
    put("group", &with(GROUPS, "G9"));
    put("role", &with(ROLES, "R9"));
    put("ai_secret", &with(AI_SECRETS, "AS9"));
    for t in CHILD_TYPES.iter().chain(UNKNOWN_TYPES).chain([&UNSEEN_TYPE]) {
        put(t, &with(CHILD_IDS, "C9"));
    }
    out
}

/// Every type name a question can carry.
fn types() -> Vec<ObjectType> {
    KNOWN_TYPES.iter().chain(UNKNOWN_TYPES).chain([&UNSEEN_TYPE]).map(|t| ObjectType::from(*t)).collect()
}

fn permission(name: &str) -> Permission {
    Permission::from_name(name).expect("the reference's permission names are the crate's")
}

// ---------------------------------------------------------------------------------------------------
// The rows a projection must hold, read from the whole snapshot's document.

fn rows<'a>(doc: &'a Value, section: &str) -> &'a [Value] {
    doc.get(section).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

fn id_of(row: &Value) -> &str {
    row.get("id").and_then(Value::as_str).unwrap_or("")
}

fn ids<'a>(row: &'a Value, key: &str) -> Vec<&'a str> {
    rows(row, key).iter().filter_map(Value::as_str).collect()
}

/// Neither deleted nor another org's.
fn live(row: &Value) -> bool {
    row.get("deleted_at").is_none() && row.get("org_id").is_none_or(|o| o.is_null() || o == ORG)
}

/// The principal's row, if any, and whether it is live.
fn principal_row<'a>(doc: &'a Value, who: &str) -> Option<(&'a Value, bool)> {
    ["users", "service_accounts"]
        .iter()
        .flat_map(|s| rows(doc, s))
        .find(|r| id_of(r) == who)
        .map(|r| (r, r.get("deleted_at").is_none()))
}

/// The live groups `who` belongs to through any nesting (spec §4.2 step 1), by this file's own walk.
fn groups_of(doc: &Value, who: &str) -> HashSet<String> {
    let mut set = HashSet::new();
    if principal_row(doc, who).is_none_or(|(_, live)| !live) {
        return set;
    }
    let groups: Vec<&Value> = rows(doc, "groups").iter().filter(|g| live(g)).collect();
    for g in &groups {
        if ids(g, "member_users").contains(&who) {
            set.insert(id_of(g).to_owned());
        }
    }
    loop {
        let before = set.len();
        for g in &groups {
            if ids(g, "member_groups").iter().any(|c| set.contains(*c)) {
                set.insert(id_of(g).to_owned());
            }
        }
        if set.len() == before {
            return set;
        }
    }
}

/// The document `project_for(who)` must write, built from the whole snapshot's `to_json()`.
fn expected_projection(full: &Value, who: &str) -> Value {
    let mut out = full.clone();
    let Value::Object(doc) = &mut out else { panic!("to_json writes an object") };
    let live_member = principal_row(full, who).is_some_and(|(_, live)| live);
    let groups = groups_of(full, who);
    for section in ["users", "service_accounts"] {
        let kept: Vec<Value> = rows(full, section).iter().filter(|r| id_of(r) == who).cloned().collect();
        doc.insert(section.into(), Value::Array(kept));
    }
    let held = |acl: &Value| {
        let by = |key: &str| acl.get(key).and_then(Value::as_str);
        (live_member && by("user_id") == Some(who)) || by("group_id").is_some_and(|g| groups.contains(g))
    };
    let acls: Vec<Value> = rows(full, "acls").iter().filter(|a| held(a)).cloned().collect();
    // Roles reached: those the kept rows name, and everything they inherit.
    let mut reached = BTreeSet::new();
    let mut to_visit: Vec<&str> = acls.iter().filter_map(|a| a.get("role_id").and_then(Value::as_str)).collect();
    while let Some(r) = to_visit.pop() {
        if reached.insert(r.to_owned())
            && let Some(row) = rows(full, "roles").iter().find(|row| id_of(row) == r)
        {
            to_visit.extend(ids(row, "member_roles"));
        }
    }
    let group_rows: Vec<Value> = rows(full, "groups")
        .iter()
        .map(|g| {
            let mut g = g.clone();
            let kept = groups.contains(id_of(&g));
            let users: Vec<&str> = ids(&g, "member_users").into_iter().filter(|u| kept && *u == who).collect();
            let members: Vec<&str> =
                ids(&g, "member_groups").into_iter().filter(|c| kept && groups.contains(*c)).collect();
            let (users, members) = (json!(users), json!(members));
            g["member_users"] = users;
            g["member_groups"] = members;
            g
        })
        .collect();
    let role_rows: Vec<Value> = rows(full, "roles")
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if !reached.contains(id_of(&r)) {
                r["member_permissions"] = json!([]);
                r["member_roles"] = json!([]);
            }
            r
        })
        .collect();
    doc.insert("groups".into(), Value::Array(group_rows));
    doc.insert("roles".into(), Value::Array(role_rows));
    doc.insert("acls".into(), Value::Array(acls));
    out
}

// ---------------------------------------------------------------------------------------------------
// The questions.

/// The explanation's answer as compared: everything, except a denial's `nearest` grants other than the
/// principal's own restricted ones (which the projection must show too).
fn same_explanation(full: &Explanation<'_>, proj: &Explanation<'_>) -> bool {
    match (&full.decision, &proj.decision) {
        (Decision::Allowed { paths: a }, Decision::Allowed { paths: b }) => a == b,
        (Decision::Denied { reason: ra, nearest: a }, Decision::Denied { reason: rb, nearest: b }) => {
            ra == rb && if *ra == DenialReason::RestrictedToOtherType { a == b } else { b.is_empty() }
        }
        _ => false,
    }
}

/// Compares every question about `who` on the whole snapshot and on its projection; returns how many.
fn compare(full: &Snapshot, who: &str, context: &dyn Fn() -> String, totals: &mut Totals) {
    let text = full.project_for(who);
    let proj =
        Snapshot::from_json(&text).unwrap_or_else(|e| panic!("{}: the projection does not load: {e}", context()));
    let fail = |what: String| -> ! { panic!("{}\nprojection for {who:?}: {text}\n{what}", context()) };
    // A projection names nothing it leaves out: loading it warns only of what the whole snapshot's rows are.
    for w in proj.warnings() {
        if !matches!(w.code(), WarningCode::UnknownObjectType | WarningCode::ForeignOrg) {
            fail(format!("warning {w:?}"));
        }
    }
    let expected = expected_projection(&serde_json::from_str(&full.to_json()).expect("to_json is JSON"), who);
    let written: Value = serde_json::from_str(&text).expect("the projection is JSON");
    if written != expected {
        fail(format!("rows differ from the expected {expected}"));
    }

    let mut n = 0;
    let mut paths = Vec::new();
    let mut check = |same: bool, what: &dyn Fn() -> String| {
        n += 1;
        if !same {
            fail(what());
        }
    };
    let mine =
        |s: &Snapshot| s.principals().filter(|p| p.id == who).map(|p| (p.id.to_owned(), p.kind)).collect::<Vec<_>>();
    check(mine(full) == mine(&proj), &|| "principals()".into());
    let (fs, ps) = (full.subject(who), proj.subject(who));
    check(fs.is_member() == ps.is_member(), &|| "is_member".into());
    check(fs.capabilities() == ps.capabilities(), &|| {
        format!("capabilities {:?} vs {:?}", fs.capabilities(), ps.capabilities())
    });
    let types = types();
    for t in &types {
        check(full.listed_ids(t) == proj.listed_ids(t), &|| format!("listed_ids({t})"));
        for p in PERMISSIONS.map(permission) {
            let (a, b) = (fs.accessible(p, t), ps.accessible(p, t));
            check(a == b, &|| format!("accessible({p}, {t}): {a:?} vs {b:?}"));
        }
    }
    for (t, id) in objects() {
        let object = ObjectRef::new(ObjectType::from(t.as_str()), &id);
        let (a, b) = (fs.effective(&object), ps.effective(&object));
        check(a == b, &|| format!("effective({t}/{id}): {a:?} vs {b:?}"));
        for p in PERMISSIONS.map(permission) {
            check(fs.can(p, &object) == ps.can(p, &object), &|| format!("can({p}, {t}/{id})"));
            let (a, b) = (fs.explain(p, &object), ps.explain(p, &object));
            check(same_explanation(&a, &b), &|| format!("explain({p}, {t}/{id}):\n{a:?}\nvs\n{b:?}"));
            if let Decision::Allowed { paths: found } = a.decision {
                paths.extend(found.iter().map(|g| (g.group_chain.len(), g.role_chain.len())));
            }
        }
        for child in &types {
            let (a, b) = (fs.can_create(child, &object), ps.can_create(child, &object));
            check(a == b, &|| format!("can_create({child}, {t}/{id})"));
            let (a, b) = (fs.explain_create(child, &object), ps.explain_create(child, &object));
            check(same_explanation(&a, &b), &|| format!("explain_create({child}, {t}/{id}):\n{a:?}\nvs\n{b:?}"));
            let (a, b) = (fs.effective_within(child, &object), ps.effective_within(child, &object));
            check(a == b, &|| format!("effective_within({child}, {t}/{id}): {a:?} vs {b:?}"));
        }
    }
    totals.queries += n;
    totals.paths += paths.len();
    totals.nested_groups += paths.iter().filter(|(groups, _)| *groups > 1).count();
    totals.inherited_roles += paths.iter().filter(|(_, roles)| *roles > 1).count();
}

/// Everyone the questions are asked about: each principal row of the document (deleted ones too), ids that
/// are no member, and a group's id.
fn askees(full: &Snapshot) -> Vec<String> {
    let doc: Value = serde_json::from_str(&full.to_json()).expect("to_json is JSON");
    let mut out: Vec<String> =
        ["users", "service_accounts"].iter().flat_map(|s| rows(&doc, s)).map(|r| id_of(r).to_owned()).collect();
    out.extend([NON_MEMBER.to_owned(), String::new(), GROUPS[0].to_owned()]);
    out
}

// ---------------------------------------------------------------------------------------------------
// Deltas on the whole snapshot: mostly calls that succeed, built from the rows it has.

fn pick<'a>(rng: &mut Rng, xs: &'a [String]) -> Option<&'a str> {
    (!xs.is_empty()).then(|| xs[rng.below(xs.len())].as_str())
}

fn apply_deltas(full: &mut Snapshot, rng: &mut Rng) -> usize {
    let mut applied = 0;
    for _ in 0..6 {
        let doc: Value = serde_json::from_str(&full.to_json()).expect("to_json is JSON");
        let of = |s: &str| rows(&doc, s).iter().map(|r| id_of(r).to_owned()).collect::<Vec<_>>();
        let (users, sas, groups, roles) = (of("users"), of("service_accounts"), of("groups"), of("roles"));
        let principals: Vec<String> = users.iter().chain(&sas).cloned().collect();
        let result = match rng.below(4) {
            0 => {
                let mut add = Vec::new();
                for _ in 0..1 + rng.below(3) {
                    let (t, id) = match rng.below(4) {
                        0 => ("organization".to_owned(), ORG.to_owned()),
                        1 => ("org_project".to_owned(), ORG.to_owned()),
                        2 => ("project".to_owned(), rng.pick(PROJECTS).to_owned()),
                        _ => (rng.pick(CHILD_TYPES).to_owned(), rng.pick(CHILD_IDS).to_owned()),
                    };
                    let mut item = json!({"object_type": t, "object_id": id});
                    match (rng.chance(60), pick(rng, &groups), pick(rng, &principals)) {
                        (true, Some(g), _) | (false, Some(g), None) => item["group_id"] = json!(g),
                        (_, _, Some(p)) => item["user_id"] = json!(p),
                        _ => continue,
                    }
                    match pick(rng, &roles) {
                        Some(r) if rng.chance(40) => item["role_id"] = json!(r),
                        _ => item["permission"] = json!(rng.pick(&PERMISSIONS)),
                    }
                    if rng.chance(25) {
                        item["restrict_object_type"] = json!(rng.pick(CHILD_TYPES));
                    }
                    add.push(item);
                }
                let existing = rows(&doc, "acls");
                let remove: Vec<Value> = (0..rng.below(3))
                    .filter(|_| !existing.is_empty())
                    .map(|_| {
                        let mut item = existing[rng.below(existing.len())].clone();
                        if let Value::Object(fields) = &mut item {
                            fields.remove("id");
                        }
                        item
                    })
                    .collect();
                full.apply_acl_batch(&json!({"add_acls": add, "remove_acls": remove}).to_string())
            }
            1 => {
                let Some(g) = pick(rng, &groups) else { continue };
                let mut body = json!({});
                if let Some(p) = pick(rng, &principals) {
                    body[if rng.chance(70) { "add_member_users" } else { "remove_member_users" }] = json!([p]);
                }
                if let Some(c) = pick(rng, &groups) {
                    body[if rng.chance(60) { "add_member_groups" } else { "remove_member_groups" }] = json!([c]);
                }
                full.patch_group(g, &body.to_string())
            }
            2 => {
                let Some(r) = pick(rng, &roles) else { continue };
                let mut body = json!({});
                if let Some(c) = pick(rng, &roles) {
                    body[if rng.chance(70) { "add_member_roles" } else { "remove_member_roles" }] = json!([c]);
                }
                let mut entry = json!({"permission": rng.pick(&PERMISSIONS)});
                if rng.chance(30) {
                    entry["restrict_object_type"] = json!(rng.pick(CHILD_TYPES));
                }
                body["add_member_permissions"] = json!([entry]);
                full.patch_role(r, &body.to_string())
            }
            _ => {
                // A member deleted: it stays in its groups' lists and its ACL rows, and holds nothing.
                let Some(p) = pick(rng, &principals) else { continue };
                let section = if sas.iter().any(|s| s == p) { "service_accounts" } else { "users" };
                full.upsert(section, &json!([{"id": p, "deleted_at": DELETED_AT}]).to_string())
            }
        };
        applied += usize::from(result.is_ok());
    }
    applied
}

// ---------------------------------------------------------------------------------------------------

fn check_snapshot(index: usize, totals: &mut Totals) {
    let seed = seed(index);
    let doc = Gen::new(seed).document();
    let Ok(mut full) = Snapshot::from_json(&doc.to_string()) else { return };
    totals.snapshots += 1;
    for phase in ["as loaded", "after deltas"] {
        if phase == "after deltas" {
            totals.deltas += apply_deltas(&mut full, &mut Rng::new(seed ^ 0xDE17A));
        }
        for who in askees(&full) {
            let context = || format!("snapshot {index} (seed {seed:#x}), {phase}: {}", full.to_json());
            compare(&full, &who, &context, totals);
            totals.projections += 1;
        }
    }
}

fn run_shard(shard: usize) {
    let mut totals = Totals::default();
    for index in (shard..SNAPSHOTS).step_by(SHARDS) {
        check_snapshot(index, &mut totals);
    }
    eprintln!(
        "projection shard {shard}: {} snapshots, {} deltas applied, {} projections (principals, strangers, deleted), \
         {} questions compared; {} grant paths, {} through nested groups, {} through inherited roles",
        totals.snapshots,
        totals.deltas,
        totals.projections,
        totals.queries,
        totals.paths,
        totals.nested_groups,
        totals.inherited_roles
    );
    assert!(totals.snapshots > SNAPSHOTS / SHARDS / 2, "most generated documents load");
}

#[test]
fn projection_shard_0() {
    run_shard(0);
}

#[test]
fn projection_shard_1() {
    run_shard(1);
}

/// The simplest case by hand: what a projection leaves out, and the one field that differs.
#[test]
fn a_projection_leaves_out_other_principals_and_their_grants() {
    let full = Snapshot::from_json(
        r#"{"org": {"id": "O"}, "users": [{"id": "U_ANN"}, {"id": "U_BEN"}],
        "groups": [{"id": "G_ALL", "org_id": "O", "member_users": ["U_ANN", "U_BEN"],
                    "member_groups": ["G_BEN"]},
                   {"id": "G_BEN", "org_id": "O", "member_users": ["U_BEN"]}],
        "roles": [{"id": "R_EDIT", "org_id": "O", "member_permissions": [{"permission": "update"}],
                   "member_roles": ["R_READ"]},
                  {"id": "R_READ", "org_id": "O", "member_permissions": [{"permission": "read"}]},
                  {"id": "R_ADMIN", "org_id": "O", "member_permissions": [{"permission": "delete"}]}],
        "projects": [{"id": "P1", "org_id": "O"}, {"id": "P2", "org_id": "O"}],
        "acls": [{"id": "a1", "object_type": "project", "object_id": "P1", "group_id": "G_ALL", "role_id": "R_EDIT"},
                 {"id": "a2", "object_type": "project", "object_id": "P1", "group_id": "G_BEN", "role_id": "R_ADMIN"},
                 {"id": "a3", "object_type": "project", "object_id": "P2", "user_id": "U_BEN",
                  "permission": "read"}]}"#,
    )
    .expect("loads");
    let text = full.project_for("U_ANN");
    assert_eq!(
        text,
        concat!(
            r#"{"org":{"id":"O"},"users":[{"id":"U_ANN"}],"service_accounts":[],"#,
            r#""groups":[{"id":"G_ALL","org_id":"O","member_users":["U_ANN"],"member_groups":[]},"#,
            r#"{"id":"G_BEN","org_id":"O","member_users":[],"member_groups":[]}],"#,
            r#""roles":[{"id":"R_EDIT","org_id":"O","member_permissions":[{"permission":"update"}],"#,
            r#""member_roles":["R_READ"]},"#,
            r#"{"id":"R_READ","org_id":"O","member_permissions":[{"permission":"read"}],"member_roles":[]},"#,
            r#"{"id":"R_ADMIN","org_id":"O","member_permissions":[],"member_roles":[]}],"#,
            r#""projects":[{"id":"P1","org_id":"O"},{"id":"P2","org_id":"O"}],"project_groups":[],"objects":[],"#,
            r#""acls":[{"id":"a1","object_type":"project","object_id":"P1","group_id":"G_ALL","role_id":"R_EDIT"}]}"#
        )
    );
    let ann = Snapshot::from_json(&text).expect("loads");
    let p2 = ObjectRef::new(ObjectType::Project, "P2");
    // The whole snapshot names Ben's grant as the nearest one Ann lacks; the projection names none.
    let nearest = |s: &Snapshot| match s.explain("U_ANN", Permission::Read, &p2).decision {
        Decision::Denied { reason: DenialReason::NoGrant, nearest } => {
            nearest.iter().map(|g| g.acl_id.to_string()).collect::<Vec<_>>()
        }
        other => panic!("Ann may not read P2: {other:?}"),
    };
    assert_eq!(nearest(&full), ["a3"]);
    assert!(nearest(&ann).is_empty());
    // Someone who is no member gets a document without principals.
    assert!(full.project_for("U_NOBODY").starts_with(r#"{"org":{"id":"O"},"users":[],"service_accounts":[],"#));
}
