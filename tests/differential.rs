//! Differential test: the crate against the naive reference evaluator in `tests/reference/mod.rs`, over
//! thousands of random snapshot documents and hundreds of queries each.
//!
//! Every snapshot is generated from its own seed (`BASE_SEED` mixed with its index), so a failure can be
//! replayed alone: the panic message prints the seed, the snapshot index, the document, a shrunk
//! document that still fails, and the query. Set `PERMEVAL_DIFF_ONLY=<snapshot index>` to run just that
//! snapshot (in whichever shard owns it), and `PERMEVAL_DIFF_DUMP=1` to print the documents.
//!
//! The work is split into shards (separate `#[test]` functions) so the harness runs them in parallel.

mod generator;
mod reference;

use std::sync::atomic::{AtomicUsize, Ordering};

use generator::{
    CHILD_IDS, GROUPS, Gen, NON_MEMBER, ORG, OTHER_ORG, PROJECT_GROUPS, PROJECTS, Rng, SERVICE_ACCOUNTS, UNKNOWN_TYPES,
    USERS,
};
use permeval::{Decision, DenialReason, Explanation, ObjectRef, ObjectType, Permission, PermissionSet, Snapshot};
use reference::{KNOWN_TYPES, PERMISSIONS, Reference, creatable_under};
use serde_json::Value;

const BASE_SEED: u64 = 0x5EED_A11C_0FFE_E042;
const SNAPSHOTS: usize = 3_000;
const QUERIES_PER_SNAPSHOT: usize = 300;
const SHARDS: usize = 4;

fn snapshot_seed(index: usize) -> u64 {
    let mut r = Rng::new(BASE_SEED ^ (index as u64).wrapping_mul(0xA076_1D64_78BD_642F));
    r.next_u64()
}

impl Gen {
    /// An object for a query: half the time something the document names, else from the pools.
    fn query_object(&mut self) -> (String, String) {
        if self.chance(1) {
            // Degenerate references: an empty id, or an empty type name.
            return if self.chance(50) {
                let (t, _) = self.object_ref(true);
                (t, String::new())
            } else {
                (String::new(), self.pick(CHILD_IDS))
            };
        }
        if !self.named.is_empty() && self.chance(55) {
            {
                let k = self.below(self.named.len());
                self.named[k].clone()
            }
        } else {
            self.object_ref(true)
        }
    }

    // -----------------------------------------------------------------------------------------------
    // Queries.

    fn query_principal(&mut self) -> String {
        if self.chance(8) {
            return if self.chance(90) { NON_MEMBER.into() } else { String::new() };
        }
        if self.chance(3) {
            return self.pick(GROUPS);
        }
        let present = self.principals.clone();
        self.present_or(&present, &[USERS, SERVICE_ACCOUNTS].concat())
    }

    fn query_permission(&mut self) -> &'static str {
        PERMISSIONS[self.below(PERMISSIONS.len())]
    }

    /// A parent for `can_create`: usually one the containment tree allows for `child`.
    fn create_parent(&mut self, child: &str) -> (String, String) {
        if self.chance(25) {
            return self.query_object();
        }
        let parents: Vec<&str> = KNOWN_TYPES.iter().copied().filter(|p| creatable_under(child, p)).collect();
        if parents.is_empty() {
            return self.query_object();
        }
        let t = self.pick(&parents);
        let id = match t.as_str() {
            "project" => {
                if self.chance(12) {
                    "P9".into()
                } else {
                    let present = self.projects.clone();
                    self.present_or(&present, PROJECTS)
                }
            }
            "project_group" => {
                if self.chance(15) {
                    "PG9".into()
                } else {
                    let present = self.project_groups.clone();
                    self.present_or(&present, PROJECT_GROUPS)
                }
            }
            _ => (if self.chance(88) { ORG } else { OTHER_ORG }).into(),
        };
        (t, id)
    }

    fn query(&mut self) -> Query {
        match self.below(100) {
            0..=24 => {
                let (object_type, id) = self.query_object();
                Query::Can { principal: self.query_principal(), permission: self.query_permission(), object_type, id }
            }
            25..=52 => {
                let (object_type, id) = self.query_object();
                Query::Effective { principal: self.query_principal(), object_type, id }
            }
            53..=67 => {
                let child = if self.chance(6) { self.pick(UNKNOWN_TYPES) } else { self.pick(&KNOWN_TYPES) };
                let (parent_type, parent_id) = self.create_parent(&child);
                Query::CanCreate { principal: self.query_principal(), child, parent_type, parent_id }
            }
            68..=79 => {
                let (object_type, id) = self.query_object();
                Query::WhoCan { permission: self.query_permission(), object_type, id }
            }
            80..=92 => {
                let (object_type, _) = self.query_object();
                Query::Accessible {
                    principal: self.query_principal(),
                    permission: self.query_permission(),
                    object_type,
                }
            }
            _ => {
                let (object_type, _) = self.query_object();
                let n = 1 + self.below(5);
                let ids = (0..n)
                    .map(|_| {
                        // Ids of the same type where possible, else any id of the pools.
                        for _ in 0..20 {
                            let (t, id) = self.query_object();
                            if t == object_type {
                                return id;
                            }
                        }
                        self.pick(CHILD_IDS)
                    })
                    .collect();
                Query::EffectiveBatch { principal: self.query_principal(), object_type, ids }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Queries.

#[derive(Debug, Clone)]
enum Query {
    Can { principal: String, permission: &'static str, object_type: String, id: String },
    Effective { principal: String, object_type: String, id: String },
    CanCreate { principal: String, child: String, parent_type: String, parent_id: String },
    WhoCan { permission: &'static str, object_type: String, id: String },
    Accessible { principal: String, permission: &'static str, object_type: String },
    EffectiveBatch { principal: String, object_type: String, ids: Vec<String> },
}

fn permission(name: &str) -> Permission {
    Permission::from_name(name).expect("the reference's permission names are the crate's")
}

fn names(set: PermissionSet) -> Vec<&'static str> {
    PERMISSIONS.into_iter().filter(|p| set.allows(permission(p))).collect()
}

/// An explanation as the reference gives it: the verdict ("allowed", "restricted" for a denial because
/// the principal's grants are restricted to other types, else "denied") and the ACL ids of its paths.
fn acl_ids(why: &Explanation<'_>) -> (&'static str, Vec<String>) {
    let (verdict, paths) = match &why.decision {
        Decision::Allowed { paths } => ("allowed", paths),
        Decision::Denied { reason: DenialReason::RestrictedToOtherType, nearest } => ("restricted", nearest),
        Decision::Denied { nearest, .. } => ("denied", nearest),
    };
    (verdict, paths.iter().map(|p| p.acl_id.to_string()).collect())
}

/// Runs one query against both; `Err((crate answer, reference answer))` when they disagree, else
/// whether the (agreed) answer grants something.
fn compare(q: &Query, snap: &Snapshot, r: &Reference) -> Result<bool, (String, String)> {
    fn check<T: PartialEq + std::fmt::Debug>(got: T, want: T) -> Result<(), (String, String)> {
        if got == want { Ok(()) } else { Err((format!("{got:?}"), format!("{want:?}"))) }
    }
    match q {
        Query::Can { principal, permission: x, object_type, id } => {
            let obj = ObjectRef::parse(object_type, id);
            let want = r.can(principal, x, object_type, id);
            check(snap.can(principal, permission(x), &obj), want)?;
            let why = snap.explain(principal, permission(x), &obj);
            check(why.allowed(), want)?;
            check(acl_ids(&why), r.explain(principal, x, object_type, id))?;
            Ok(want)
        }
        Query::Effective { principal, object_type, id } => {
            let obj = ObjectRef::parse(object_type, id);
            let got = snap.effective(principal, &obj);
            let want = r.effective(principal, object_type, id);
            check(names(got), want.clone())?;
            let manages = ["create_acls", "read_acls", "update_acls", "delete_acls"].iter().all(|x| want.contains(x));
            check(got.manages_access(), manages)?;
            Ok(!want.is_empty())
        }
        Query::CanCreate { principal, child, parent_type, parent_id } => {
            let parent = ObjectRef::parse(parent_type, parent_id);
            let want = r.can_create(principal, child, parent_type, parent_id);
            let child_type = ObjectType::from(child.as_str());
            check(snap.can_create(principal, &child_type, &parent), want)?;
            let why = snap.explain_create(principal, &child_type, &parent);
            check(why.allowed(), want)?;
            check(acl_ids(&why), r.explain_create(principal, child, parent_type, parent_id))?;
            Ok(want)
        }
        Query::WhoCan { permission: x, object_type, id } => {
            let obj = ObjectRef::parse(object_type, id);
            let got: Vec<String> = snap.who_can(permission(x), &obj).into_iter().map(str::to_owned).collect();
            let want = r.who_can(x, object_type, id);
            check(got, want.clone())?;
            Ok(!want.is_empty())
        }
        Query::Accessible { principal, permission: x, object_type } => {
            let got: Vec<String> = snap
                .accessible(principal, permission(x), &ObjectType::from(object_type.as_str()))
                .into_iter()
                .map(str::to_owned)
                .collect();
            let want = r.accessible(principal, x, object_type);
            check(&got, &want)?;
            let t = ObjectType::from(object_type.as_str());
            let listed = snap.listed_ids(&t);
            let mut positions = vec![u32::MAX]; // stale content the call must clear
            snap.subject(principal).accessible_positions(permission(x), &t, &mut positions);
            let named: Vec<String> =
                positions.iter().filter_map(|&i| listed.get(i as usize)).map(|id| (*id).to_owned()).collect();
            check((positions.len(), named), (want.len(), want.clone()))?;
            Ok(!want.is_empty())
        }
        Query::EffectiveBatch { principal, object_type, ids } => {
            let t = ObjectType::from(object_type.as_str());
            let mut out = vec![PermissionSet::all()]; // stale content the call must clear
            snap.subject(principal).effective_batch(&t, ids.iter(), &mut out);
            let single: Vec<PermissionSet> =
                ids.iter().map(|id| snap.effective(principal, &ObjectRef::new(t.clone(), id))).collect();
            check(&out, &single)?;
            let got: Vec<Vec<&str>> = out.iter().map(|s| names(*s)).collect();
            let want: Vec<Vec<&str>> = ids.iter().map(|id| r.effective(principal, object_type, id)).collect();
            check(got, want.clone())?;
            // can_batch for every permission must agree with the sets.
            for x in PERMISSIONS {
                let mut can = vec![true, false]; // stale content the call must clear
                snap.subject(principal).can_batch(permission(x), &t, ids.iter(), &mut can);
                let from_sets: Vec<bool> = want.iter().map(|w| w.contains(&x)).collect();
                check(can, from_sets)?;
            }
            Ok(want.iter().any(|w| !w.is_empty()))
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Encoding: the same document as different JSON text. The reference reads the `Value`; the crate reads
// the text, with its sections in another order, pretty-printed, or with the digits of every string
// written as `\u00XX` escapes (so that no id can be borrowed straight from the input).

#[derive(Clone, Copy, Debug)]
struct Encoding {
    rotate_sections: usize,
    reverse_sections: bool,
    pretty: bool,
    escape_digits: bool,
}

impl Gen {
    fn encoding(&mut self) -> Encoding {
        Encoding {
            rotate_sections: self.below(9),
            reverse_sections: self.chance(50),
            pretty: self.chance(20),
            escape_digits: self.chance(25),
        }
    }
}

fn encode(doc: &Value, enc: Encoding) -> String {
    let Value::Object(top) = doc else { return doc.to_string() };
    let mut keys: Vec<&String> = top.keys().collect();
    if !keys.is_empty() {
        let n = enc.rotate_sections % keys.len();
        keys.rotate_left(n);
    }
    if enc.reverse_sections {
        keys.reverse();
    }
    let mut text = String::from("{");
    for (i, key) in keys.into_iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&Value::String(key.clone()).to_string());
        text.push(':');
        let value = &top[key];
        let v = if enc.pretty { serde_json::to_string_pretty(value) } else { serde_json::to_string(value) };
        text.push_str(&v.expect("a Value always serialises"));
    }
    text.push('}');
    if !enc.escape_digits {
        return text;
    }
    let mut out = String::with_capacity(text.len() * 2);
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if !in_string {
            in_string = c == '"';
            out.push(c);
        } else if escaped {
            escaped = false;
            out.push(c);
        } else if c == '\\' {
            escaped = true;
            out.push(c);
        } else if c == '"' {
            in_string = false;
            out.push(c);
        } else if c.is_ascii_digit() {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------
// Shrinking: remove rows, keys and list entries while the query still disagrees.

fn fails(doc: &Value, q: &Query, enc: Encoding) -> bool {
    let Ok(snap) = Snapshot::from_json(&encode(doc, enc)) else { return false };
    compare(q, &snap, &Reference::new(doc)).is_err()
}

/// Every way to make `doc` one step smaller.
fn smaller(doc: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let Value::Object(top) = doc else { return out };
    for (name, section) in top {
        if name == "org" {
            continue;
        }
        let mut without = top.clone();
        without.remove(name);
        out.push(Value::Object(without));
        let Value::Array(rows) = section else { continue };
        for i in 0..rows.len() {
            let mut fewer = rows.clone();
            fewer.remove(i);
            let mut d = top.clone();
            d.insert(name.clone(), Value::Array(fewer));
            out.push(Value::Object(d));
        }
        for (i, row) in rows.iter().enumerate() {
            let Value::Object(fields) = row else { continue };
            for (key, value) in fields {
                let mut f = fields.clone();
                f.remove(key);
                let mut rs = rows.clone();
                rs[i] = Value::Object(f);
                let mut d = top.clone();
                d.insert(name.clone(), Value::Array(rs));
                out.push(Value::Object(d));
                let Value::Array(items) = value else { continue };
                for j in 0..items.len() {
                    let mut less = items.clone();
                    less.remove(j);
                    let mut f = fields.clone();
                    f.insert(key.clone(), Value::Array(less));
                    let mut rs = rows.clone();
                    rs[i] = Value::Object(f);
                    let mut d = top.clone();
                    d.insert(name.clone(), Value::Array(rs));
                    out.push(Value::Object(d));
                }
            }
        }
    }
    out
}

fn shrink(doc: &Value, q: &Query, enc: Encoding) -> Value {
    let mut best = doc.clone();
    'outer: loop {
        for candidate in smaller(&best) {
            if fails(&candidate, q, enc) {
                best = candidate;
                continue 'outer;
            }
        }
        return best;
    }
}

// ---------------------------------------------------------------------------------------------------
// The runs.

static DONE_SHARDS: AtomicUsize = AtomicUsize::new(0);
static TOTAL_SNAPSHOTS: AtomicUsize = AtomicUsize::new(0);
static TOTAL_QUERIES: AtomicUsize = AtomicUsize::new(0);
static TOTAL_POSITIVE: AtomicUsize = AtomicUsize::new(0);

/// Checks one snapshot; returns (queries compared, queries whose answer granted something).
fn check_snapshot(index: usize) -> (usize, usize) {
    let seed = snapshot_seed(index);
    let mut generator = Gen::new(seed);
    let doc = generator.document();
    let enc = generator.encoding();
    let text = encode(&doc, enc);
    let snap = match Snapshot::from_json(&text) {
        Ok(s) => s,
        Err(e) => panic!("seed {seed:#x}, snapshot {index}: the crate rejects a well-formed document: {e}\n{text}"),
    };
    let reference = Reference::new(&doc);
    if std::env::var_os("PERMEVAL_DIFF_DUMP").is_some() {
        eprintln!("snapshot {index} (seed {seed:#x}, noise {}, {enc:?}):\n{text}", generator.noise);
    }

    // Loose warning check: every row the reference skipped, and every null section, has a warning.
    for path in &reference.must_warn {
        let warned = snap.warnings().iter().any(|w| w.path().starts_with(path.as_str()));
        assert!(
            warned,
            "seed {seed:#x}, snapshot {index}: no warning at `{path}`, which the reference skipped\n\
             warnings: {:?}\ndocument: {text}",
            snap.warnings()
        );
    }

    let members: Vec<&str> = snap.principals().map(|p| p.id).collect();
    assert_eq!(members, reference.principals(), "seed {seed:#x}, snapshot {index}: principals differ\n{text}");

    let mut positive = 0;
    for n in 0..QUERIES_PER_SNAPSHOT {
        let q = generator.query();
        match compare(&q, &snap, &reference) {
            Ok(granted) => positive += usize::from(granted),
            Err((got, want)) => {
                let small = shrink(&doc, &q, enc);
                let small_snap = Snapshot::from_json(&encode(&small, enc)).expect("the shrunk document still loads");
                let (small_got, small_want) =
                    compare(&q, &small_snap, &Reference::new(&small)).expect_err("the shrunk document still fails");
                panic!(
                    "MISMATCH seed {seed:#x}, snapshot {index}, query #{n}\n\
                 query: {q:?}\n\
                 crate: {got}\nreference: {want}\n\
                 document ({enc:?}): {text}\n\
                 shrunk document: {}\n\
                 on the shrunk document: crate {small_got}, reference {small_want}\n\
                 replay: PERMEVAL_DIFF_ONLY={index} cargo test --test differential",
                    serde_json::to_string_pretty(&small).unwrap_or_default()
                );
            }
        }
    }
    (QUERIES_PER_SNAPSHOT, positive)
}

fn run_shard(shard: usize) {
    let only: Option<usize> = std::env::var("PERMEVAL_DIFF_ONLY").ok().and_then(|v| v.parse().ok());
    let mut snapshots = 0;
    let mut queries = 0;
    let mut positive = 0;
    let mut granting = 0;
    for index in (shard..SNAPSHOTS).step_by(SHARDS) {
        if only.is_some_and(|o| o != index) {
            continue;
        }
        let (q, p) = check_snapshot(index);
        queries += q;
        positive += p;
        granting += usize::from(p > 0);
        snapshots += 1;
    }
    eprintln!(
        "differential shard {shard}: {snapshots} snapshots ({granting} granting something), {queries} queries \
         compared ({positive} granted something)"
    );
    let total_snapshots = TOTAL_SNAPSHOTS.fetch_add(snapshots, Ordering::SeqCst) + snapshots;
    let total_queries = TOTAL_QUERIES.fetch_add(queries, Ordering::SeqCst) + queries;
    let total_positive = TOTAL_POSITIVE.fetch_add(positive, Ordering::SeqCst) + positive;
    if DONE_SHARDS.fetch_add(1, Ordering::SeqCst) + 1 == SHARDS {
        eprintln!(
            "differential total: {total_snapshots} snapshots, {total_queries} queries compared \
             ({total_positive} granted something)"
        );
    }
}

#[test]
fn differential_shard_0() {
    run_shard(0);
}

#[test]
fn differential_shard_1() {
    run_shard(1);
}

#[test]
fn differential_shard_2() {
    run_shard(2);
}

#[test]
fn differential_shard_3() {
    run_shard(3);
}
