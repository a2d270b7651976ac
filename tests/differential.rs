//! Differential test: the crate against the naive reference evaluator in `tests/reference/mod.rs`, over
//! thousands of random snapshot documents and hundreds of queries each.
//!
//! Every snapshot is generated from its own seed (`BASE_SEED` mixed with its index), so a failure can be
//! replayed alone: the panic message prints the seed, the snapshot index, the document, a shrunk
//! document that still fails, and the query. Set `PERMEVAL_DIFF_ONLY=<snapshot index>` to run just that
//! snapshot (in whichever shard owns it), and `PERMEVAL_DIFF_DUMP=1` to print the documents.
//!
//! The work is split into shards (separate `#[test]` functions) so the harness runs them in parallel.

mod reference;

use std::sync::atomic::{AtomicUsize, Ordering};

use permeval::{Decision, DenialReason, Explanation, ObjectRef, ObjectType, Permission, PermissionSet, Snapshot};
use reference::{KNOWN_TYPES, PERMISSIONS, Reference, creatable_under};
use serde_json::{Map, Value, json};

const BASE_SEED: u64 = 0x5EED_A11C_0FFE_E042;
const SNAPSHOTS: usize = 3_000;
const QUERIES_PER_SNAPSHOT: usize = 300;
const SHARDS: usize = 4;

// ---------------------------------------------------------------------------------------------------
// PRNG: splitmix64.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `pct` percent.
    fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

fn snapshot_seed(index: usize) -> u64 {
    let mut r = Rng::new(BASE_SEED ^ (index as u64).wrapping_mul(0xA076_1D64_78BD_642F));
    r.next_u64()
}

// ---------------------------------------------------------------------------------------------------
// Id pools: small, so that references collide often.

const ORG: &str = "O";
const OTHER_ORG: &str = "X";
const USERS: &[&str] = &["U0", "U1", "U2", "U3", "U4"];
const SERVICE_ACCOUNTS: &[&str] = &["S0", "S1", "S2"];
const NON_MEMBER: &str = "Z";
const GROUPS: &[&str] = &["G0", "G1", "G2", "G3", "G4", "G5"];
const ROLES: &[&str] = &["R0", "R1", "R2", "R3", "R4"];
const PROJECTS: &[&str] = &["P0", "P1", "P2", "P3", "P4"];
const PROJECT_GROUPS: &[&str] = &["PG0", "PG1", "PG2"];
const CHILD_IDS: &[&str] = &["C0", "C1", "C2", "C3", "C4", "C5"];
const AI_SECRETS: &[&str] = &["AS0", "AS1", "AS2"];
/// Type names the crate does not know ("Project" is a case variant of a known name).
const UNKNOWN_TYPES: &[&str] = &["dashboard", "view", "Project"];
/// An unknown type no document ever mentions.
const UNSEEN_TYPE: &str = "widget";
const CHILD_TYPES: &[&str] = &["experiment", "dataset", "prompt", "prompt_session"];
const ORG_WIDE: &[&str] = &["organization", "org_project", "org_member", "org_audit_logs", "org_ai_secret"];
const DELETED_AT: &str = "2025-03-01T12:00:00Z";

/// The generator of one snapshot and its queries. `noise` (0–3) scales how often rows are malformed
/// or name things that do not exist, so that some snapshots are clean enough for grants to reach far
/// and others are mostly debris. Ids already used by the document are remembered, so that references
/// mostly name something that is there.
struct Gen {
    rng: Rng,
    noise: usize,
    principals: Vec<String>,
    groups: Vec<String>,
    roles: Vec<String>,
    projects: Vec<String>,
    project_groups: Vec<String>,
    /// (type, id) of everything the document names: rows and ACL targets.
    named: Vec<(String, String)>,
}

impl Gen {
    fn new(seed: u64) -> Gen {
        let mut rng = Rng::new(seed);
        let noise = match rng.below(100) {
            0..=19 => 0,
            20..=54 => 1,
            55..=84 => 2,
            _ => 3,
        };
        Gen {
            rng,
            noise,
            principals: Vec::new(),
            groups: Vec::new(),
            roles: Vec::new(),
            projects: Vec::new(),
            project_groups: Vec::new(),
            named: Vec::new(),
        }
    }

    fn below(&mut self, n: usize) -> usize {
        self.rng.below(n)
    }

    fn chance(&mut self, pct: usize) -> bool {
        self.rng.chance(pct)
    }

    /// Something odd (malformed, unknown, foreign…): `pct` percent at noise 2, never at noise 0.
    fn odd(&mut self, pct: usize) -> bool {
        self.rng.below(200) < pct * self.noise
    }

    fn pick(&mut self, xs: &[&str]) -> String {
        self.rng.pick(xs).to_owned()
    }

    /// Mostly an id the document already has, else one of the pool.
    fn present_or(&mut self, present: &[String], pool: &[&str]) -> String {
        if !present.is_empty() && self.chance(75) {
            present[self.below(present.len())].clone()
        } else {
            self.pick(pool)
        }
    }

    /// A principal id as rows and ACLs name it: mostly members, sometimes a non-member or an id of
    /// another namespace.
    fn principal_ref(&mut self) -> String {
        if self.odd(12) {
            return if self.chance(70) { NON_MEMBER.into() } else { self.pick(GROUPS) };
        }
        let present = self.principals.clone();
        if self.chance(25) { self.pick(SERVICE_ACCOUNTS) } else { self.present_or(&present, USERS) }
    }

    fn group_ref(&mut self) -> String {
        if self.odd(10) {
            return if self.chance(70) { "G9".into() } else { self.pick(USERS) };
        }
        let present = self.groups.clone();
        self.present_or(&present, GROUPS)
    }

    fn role_ref(&mut self) -> String {
        if self.odd(10) {
            return if self.chance(70) { "R9".into() } else { self.pick(GROUPS) };
        }
        let present = self.roles.clone();
        self.present_or(&present, ROLES)
    }

    fn project_ref(&mut self) -> String {
        if self.odd(10) {
            return "P9".into();
        }
        let present = self.projects.clone();
        self.present_or(&present, PROJECTS)
    }

    /// A restriction type name, biased towards project contents.
    fn restrict_type(&mut self) -> String {
        if self.odd(15) {
            return self.pick(UNKNOWN_TYPES);
        }
        match self.below(100) {
            0..=49 => self.pick(CHILD_TYPES),
            50..=61 => "project_log".into(),
            62..=71 => "project".into(),
            72..=77 => "organization".into(),
            _ => self.pick(&KNOWN_TYPES),
        }
    }

    /// An object reference drawn from the pools: listed objects, unlisted ids, deleted ones, org-wide
    /// types with right and wrong ids, unknown type names (and, for queries, a type nothing mentions).
    fn object_ref(&mut self, for_query: bool) -> (String, String) {
        let unknown = |g: &mut Gen, pool: &[&str], unknown: &str, pct: usize| {
            if g.chance(pct) { unknown.to_owned() } else { g.pick(pool) }
        };
        let (t, id) = match self.below(100) {
            0..=17 => {
                let t = self.pick(ORG_WIDE);
                let id = if self.chance(88) { ORG.to_owned() } else { OTHER_ORG.to_owned() };
                (t, id)
            }
            18..=29 => ("project".into(), unknown(self, PROJECTS, "P9", 12)),
            30..=35 => ("project_group".into(), unknown(self, PROJECT_GROUPS, "PG9", 15)),
            36..=43 => ("project_log".into(), unknown(self, PROJECTS, "P9", 12)),
            44..=71 => (self.pick(CHILD_TYPES), unknown(self, CHILD_IDS, "C9", 10)),
            72..=78 => ("group".into(), unknown(self, GROUPS, "G9", 12)),
            79..=84 => ("role".into(), unknown(self, ROLES, "R9", 12)),
            85..=90 => ("ai_secret".into(), unknown(self, AI_SECRETS, "AS9", 15)),
            _ => {
                let t = if for_query && self.chance(15) { UNSEEN_TYPE.to_owned() } else { self.pick(UNKNOWN_TYPES) };
                (t, self.pick(CHILD_IDS))
            }
        };
        (t, id)
    }

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
    // Rows.

    /// A row that is not a valid row at all.
    fn bad_row(&mut self) -> Value {
        match self.below(8) {
            0 => json!(5),
            1 => json!("row"),
            2 => Value::Null,
            3 => json!([1, 2]),
            4 => json!({"name": "no id"}),
            5 => json!({"id": ""}),
            6 => json!({"id": 12}),
            _ => json!(true),
        }
    }

    fn rows(&mut self, min: usize, max: usize, mut row: impl FnMut(&mut Gen, usize) -> Value) -> Vec<Value> {
        let n = min + self.below(max - min + 1);
        (0..n).map(|i| if self.odd(4) { self.bad_row() } else { row(self, i) }).collect()
    }

    /// A membership list: usually an array of ids, sometimes absent, null, of the wrong type, or with
    /// malformed entries.
    fn id_list(
        &mut self,
        row: &mut Map<String, Value>,
        key: &str,
        max: usize,
        mut entry: impl FnMut(&mut Gen) -> String,
    ) {
        if self.odd(3) {
            row.insert(key.into(), json!("not-a-list"));
            return;
        }
        match self.below(100) {
            0..=5 => {}
            6..=10 => {
                row.insert(key.into(), Value::Null);
            }
            _ => {
                let n = self.below(max + 1);
                let mut items = Vec::new();
                for _ in 0..n {
                    items.push(if self.odd(3) {
                        if self.chance(50) { json!(7) } else { json!("") }
                    } else {
                        json!(entry(self))
                    });
                }
                row.insert(key.into(), Value::Array(items));
            }
        }
    }

    /// `org_id` and `deleted_at` of a group, role, project or project group.
    fn head(&mut self, row: &mut Map<String, Value>) {
        if self.odd(8) {
            row.insert("org_id".into(), json!(OTHER_ORG));
        } else {
            match self.below(100) {
                0..=79 => {
                    row.insert("org_id".into(), json!(ORG));
                }
                80..=89 => {
                    row.insert("org_id".into(), Value::Null);
                }
                _ => {}
            }
        }
        if self.odd(2) {
            row.insert("deleted_at".into(), if self.chance(50) { json!(true) } else { json!(0) });
        } else {
            match self.below(100) {
                0..=8 => {
                    row.insert("deleted_at".into(), json!(DELETED_AT));
                }
                9..=15 => {
                    row.insert("deleted_at".into(), Value::Null);
                }
                _ => {}
            }
        }
    }

    fn user(&mut self, pool: &[&str]) -> Value {
        let id = self.pick(pool);
        self.principals.push(id.clone());
        let mut row = Map::new();
        row.insert("id".into(), json!(id));
        if self.chance(30) {
            row.insert("email".into(), json!("someone@acme.io"));
        }
        Value::Object(row)
    }

    fn group(&mut self, i: usize) -> Value {
        let id = self.pick(GROUPS);
        self.groups.push(id.clone());
        self.named.push(("group".into(), id.clone()));
        let mut row = Map::new();
        row.insert("id".into(), json!(id));
        row.insert("name".into(), json!(format!("group-{i}")));
        self.head(&mut row);
        self.id_list(&mut row, "member_users", 4, Gen::principal_ref);
        // member_groups may name groups that come later in the section: cycles need both directions.
        self.id_list(&mut row, "member_groups", 3, |g| if g.chance(40) { g.pick(GROUPS) } else { g.group_ref() });
        Value::Object(row)
    }

    fn role(&mut self, i: usize) -> Value {
        let id = self.pick(ROLES);
        self.roles.push(id.clone());
        self.named.push(("role".into(), id.clone()));
        let mut row = Map::new();
        row.insert("id".into(), json!(id));
        row.insert("name".into(), json!(format!("role-{i}")));
        self.head(&mut row);
        if self.odd(2) {
            row.insert("member_permissions".into(), json!({"permission": "read"}));
        } else if self.chance(8) {
            if self.chance(50) {
                row.insert("member_permissions".into(), Value::Null);
            }
        } else {
            let n = self.below(5);
            let mut items = Vec::new();
            for _ in 0..n {
                if self.odd(3) {
                    items.push(json!("read"));
                    continue;
                }
                let mut e = Map::new();
                if self.odd(6) {
                    match self.below(3) {
                        0 => {
                            e.insert("permission".into(), json!("owner"));
                        }
                        1 => {
                            e.insert("permission".into(), Value::Null);
                        }
                        _ => {}
                    }
                } else {
                    e.insert("permission".into(), json!(self.pick(&PERMISSIONS)));
                }
                match self.below(100) {
                    0..=54 => {}
                    55..=59 => {
                        e.insert("restrict_object_type".into(), Value::Null);
                    }
                    _ => {
                        e.insert("restrict_object_type".into(), json!(self.restrict_type()));
                    }
                }
                items.push(Value::Object(e));
            }
            row.insert("member_permissions".into(), Value::Array(items));
        }
        self.id_list(&mut row, "member_roles", 2, |g| if g.chance(40) { g.pick(ROLES) } else { g.role_ref() });
        Value::Object(row)
    }

    fn project(&mut self, i: usize) -> Value {
        let id = self.pick(PROJECTS);
        self.projects.push(id.clone());
        self.named.push(("project".into(), id.clone()));
        self.named.push(("project_log".into(), id.clone()));
        let mut row = Map::new();
        row.insert("id".into(), json!(id));
        row.insert("name".into(), json!(format!("project-{i}")));
        self.head(&mut row);
        Value::Object(row)
    }

    fn project_group(&mut self, i: usize) -> Value {
        let id = self.pick(PROJECT_GROUPS);
        self.project_groups.push(id.clone());
        self.named.push(("project_group".into(), id.clone()));
        let mut row = Map::new();
        row.insert("id".into(), json!(id));
        row.insert("name".into(), json!(format!("pg-{i}")));
        self.head(&mut row);
        self.id_list(&mut row, "member_projects", 3, Gen::project_ref);
        Value::Object(row)
    }

    fn object(&mut self, _i: usize) -> Value {
        let mut row = Map::new();
        let (t, id): (Value, String) = if self.odd(6) {
            match self.below(4) {
                0 => (
                    json!(self.pick(&["project", "group", "project_log", "organization", "role"])),
                    self.pick(PROJECTS),
                ),
                1 => (json!(3), self.pick(CHILD_IDS)),
                2 => (Value::Null, self.pick(CHILD_IDS)),
                _ => (json!(self.pick(CHILD_TYPES)), String::new()),
            }
        } else {
            match self.below(100) {
                0..=74 => (json!(self.pick(CHILD_TYPES)), self.pick(CHILD_IDS)),
                75..=87 => (json!("ai_secret"), self.pick(AI_SECRETS)),
                _ => (json!(self.pick(UNKNOWN_TYPES)), self.pick(CHILD_IDS)),
            }
        };
        if let Some(t) = t.as_str() {
            self.named.push((t.to_owned(), id.clone()));
        }
        let child = t.as_str().is_some_and(|t| CHILD_TYPES.contains(&t) || ["project", "project_log"].contains(&t));
        row.insert("type".into(), t);
        row.insert("id".into(), json!(id));
        if child {
            if self.odd(5) {
                if self.chance(50) {
                    row.insert("project_id".into(), Value::Null);
                }
            } else {
                row.insert("project_id".into(), json!(self.project_ref()));
            }
        } else if self.chance(12) {
            // Meaningless for AI secrets and unknown types: ignored (decision 10 asks it of the four
            // project-child types only).
            row.insert("project_id".into(), json!(self.project_ref()));
        }
        if self.odd(2) {
            row.insert("deleted_at".into(), json!(1));
        } else if self.chance(9) {
            row.insert("deleted_at".into(), json!(DELETED_AT));
        }
        Value::Object(row)
    }

    fn acl(&mut self, i: usize, earlier: &[Value]) -> Value {
        // Duplicates: the same tuple under a new id, or an earlier id with a new tuple.
        if !earlier.is_empty() && self.odd(8) {
            let mut copy = earlier[self.below(earlier.len())].clone();
            if let Value::Object(row) = &mut copy {
                row.insert("id".into(), json!(format!("a{i}")));
                if self.chance(30) {
                    row.insert("_object_org_id".into(), json!(ORG));
                }
            }
            return copy;
        }
        let mut row = Map::new();
        let id = if !earlier.is_empty() && self.odd(5) {
            earlier[self.below(earlier.len())].get("id").cloned().unwrap_or(Value::Null)
        } else if self.odd(2) {
            if self.chance(50) { Value::Null } else { json!("") }
        } else {
            json!(format!("a{i}"))
        };
        if !id.is_null() || self.chance(50) {
            row.insert("id".into(), id);
        }

        // Where: org-wide types and projects are where grants reach furthest.
        let (t, object_id) = match self.below(100) {
            0..=11 => ("organization".to_owned(), ORG.to_owned()),
            12..=21 => ("org_project".to_owned(), ORG.to_owned()),
            22..=33 if !self.projects.is_empty() => {
                let p = {
                    let k = self.below(self.projects.len());
                    self.projects[k].clone()
                };
                ("project".to_owned(), p)
            }
            34..=39 if !self.project_groups.is_empty() => {
                let p = {
                    let k = self.below(self.project_groups.len());
                    self.project_groups[k].clone()
                };
                ("project_group".to_owned(), p)
            }
            40..=59 if !self.named.is_empty() => {
                let k = self.below(self.named.len());
                self.named[k].clone()
            }
            _ => self.object_ref(false),
        };
        let object_id = if ORG_WIDE.contains(&t.as_str()) && self.odd(8) { OTHER_ORG.to_owned() } else { object_id };
        self.named.push((t.clone(), object_id.clone()));
        row.insert("object_type".into(), json!(t));
        row.insert("object_id".into(), json!(object_id));
        if self.odd(8) {
            row.insert("_object_org_id".into(), json!(OTHER_ORG));
        } else {
            match self.below(100) {
                0..=74 => {
                    row.insert("_object_org_id".into(), json!(ORG));
                }
                75..=89 => {}
                _ => {
                    row.insert("_object_org_id".into(), Value::Null);
                }
            }
        }

        if self.odd(8) {
            if self.chance(50) {
                row.insert("user_id".into(), json!(self.principal_ref()));
                row.insert("group_id".into(), json!(self.group_ref()));
            } else if self.chance(50) {
                row.insert("user_id".into(), Value::Null);
            }
        } else if self.chance(45) {
            row.insert("user_id".into(), json!(self.principal_ref()));
            if self.chance(20) {
                row.insert("group_id".into(), Value::Null);
            }
        } else {
            row.insert("group_id".into(), json!(self.group_ref()));
            if self.chance(20) {
                row.insert("user_id".into(), Value::Null);
            }
        }

        let role = if self.odd(6) {
            match self.below(4) {
                0 => {
                    row.insert("permission".into(), json!("owner"));
                }
                1 => {
                    row.insert("permission".into(), json!("Read"));
                }
                2 => {
                    row.insert("permission".into(), json!(self.pick(&PERMISSIONS)));
                    row.insert("role_id".into(), json!(self.role_ref()));
                }
                _ => {
                    if self.chance(50) {
                        row.insert("permission".into(), Value::Null);
                    }
                }
            }
            false
        } else if self.chance(62) {
            row.insert("permission".into(), json!(self.pick(&PERMISSIONS)));
            if self.chance(20) {
                row.insert("role_id".into(), Value::Null);
            }
            false
        } else {
            row.insert("role_id".into(), json!(self.role_ref()));
            if self.chance(20) {
                row.insert("permission".into(), Value::Null);
            }
            true
        };
        // Restrictions: a realistic share on permissions, and role + restriction combos too.
        let restrict_pct = if role { 25 } else { 35 };
        if self.chance(restrict_pct) {
            row.insert("restrict_object_type".into(), json!(self.restrict_type()));
        } else if self.chance(10) {
            row.insert("restrict_object_type".into(), Value::Null);
        }
        if self.chance(10) {
            row.insert("created".into(), json!("2025-01-01T00:00:00Z"));
        }
        Value::Object(row)
    }

    /// A section: usually an array, sometimes null or absent.
    fn put_section(&mut self, doc: &mut Map<String, Value>, name: &str, rows: Vec<Value>) {
        if self.odd(3) {
            doc.insert(name.into(), Value::Null);
        } else if rows.is_empty() && self.chance(50) {
            // absent
        } else {
            doc.insert(name.into(), Value::Array(rows));
        }
    }

    fn document(&mut self) -> Value {
        let mut doc = Map::new();
        doc.insert("org".into(), json!({"id": ORG, "name": "acme"}));
        let users = self.rows(1, 4, |g, _| g.user(USERS));
        self.put_section(&mut doc, "users", users);
        let sas = self.rows(0, 3, |g, _| if g.odd(8) { g.user(USERS) } else { g.user(SERVICE_ACCOUNTS) });
        self.put_section(&mut doc, "service_accounts", sas);
        let groups = self.rows(0, 7, Gen::group);
        self.put_section(&mut doc, "groups", groups);
        let roles = self.rows(0, 4, Gen::role);
        self.put_section(&mut doc, "roles", roles);
        let projects = self.rows(0, 5, Gen::project);
        self.put_section(&mut doc, "projects", projects);
        let pgs = self.rows(0, 3, Gen::project_group);
        self.put_section(&mut doc, "project_groups", pgs);
        let objects = self.rows(0, 12, Gen::object);
        self.put_section(&mut doc, "objects", objects);
        let n = self.below(41);
        let mut acls: Vec<Value> = Vec::with_capacity(n);
        for i in 0..n {
            let row = if self.odd(3) { self.bad_row() } else { self.acl(i, &acls) };
            acls.push(row);
        }
        self.put_section(&mut doc, "acls", acls);
        Value::Object(doc)
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
    (verdict, paths.iter().map(|p| p.acl_id.to_owned()).collect())
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
