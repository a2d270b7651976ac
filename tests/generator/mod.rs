//! The random snapshot documents of the differential test (`tests/differential.rs`), shared with the delta
//! property tests (`tests/deltas.rs`, `tests/wasm_suite/deltas.rs`): a seeded PRNG, small id pools so that
//! references collide, and a generator whose `noise` level decides how often rows are malformed or name
//! nothing.
//!
//! Each test binary uses a different part of it. It expects `reference` (`tests/reference/mod.rs`) as a
//! sibling module.

#![allow(dead_code)]

use serde_json::{Map, Value, json};

use super::reference::{KNOWN_TYPES, PERMISSIONS};

// ---------------------------------------------------------------------------------------------------
// PRNG: splitmix64.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `pct` percent.
    pub fn chance(&mut self, pct: usize) -> bool {
        self.below(100) < pct
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------------------------------
// Id pools: small, so that references collide often.

pub const ORG: &str = "O";
pub const OTHER_ORG: &str = "X";
pub const USERS: &[&str] = &["U0", "U1", "U2", "U3", "U4"];
pub const SERVICE_ACCOUNTS: &[&str] = &["S0", "S1", "S2"];
pub const NON_MEMBER: &str = "Z";
pub const GROUPS: &[&str] = &["G0", "G1", "G2", "G3", "G4", "G5"];
pub const ROLES: &[&str] = &["R0", "R1", "R2", "R3", "R4"];
pub const PROJECTS: &[&str] = &["P0", "P1", "P2", "P3", "P4"];
pub const PROJECT_GROUPS: &[&str] = &["PG0", "PG1", "PG2"];
pub const CHILD_IDS: &[&str] = &["C0", "C1", "C2", "C3", "C4", "C5"];
pub const AI_SECRETS: &[&str] = &["AS0", "AS1", "AS2"];
/// Type names the crate does not know ("Project" is a case variant of a known name).
pub const UNKNOWN_TYPES: &[&str] = &["dashboard", "view", "Project"];
/// An unknown type no document ever mentions.
pub const UNSEEN_TYPE: &str = "widget";
pub const CHILD_TYPES: &[&str] = &["experiment", "dataset", "prompt", "prompt_session"];
pub const ORG_WIDE: &[&str] = &["organization", "org_project", "org_member", "org_audit_logs", "org_ai_secret"];
pub const DELETED_AT: &str = "2025-03-01T12:00:00Z";

/// The generator of one snapshot and its queries. `noise` (0–3) scales how often rows are malformed
/// or name things that do not exist, so that some snapshots are clean enough for grants to reach far
/// and others are mostly debris. Ids already used by the document are remembered, so that references
/// mostly name something that is there.
pub struct Gen {
    pub rng: Rng,
    pub noise: usize,
    pub principals: Vec<String>,
    pub groups: Vec<String>,
    pub roles: Vec<String>,
    pub projects: Vec<String>,
    pub project_groups: Vec<String>,
    /// (type, id) of everything the document names: rows and ACL targets.
    pub named: Vec<(String, String)>,
}

impl Gen {
    pub fn new(seed: u64) -> Gen {
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

    pub fn below(&mut self, n: usize) -> usize {
        self.rng.below(n)
    }

    pub fn chance(&mut self, pct: usize) -> bool {
        self.rng.chance(pct)
    }

    /// Something odd (malformed, unknown, foreign…): `pct` percent at noise 2, never at noise 0.
    pub fn odd(&mut self, pct: usize) -> bool {
        self.rng.below(200) < pct * self.noise
    }

    pub fn pick(&mut self, xs: &[&str]) -> String {
        self.rng.pick(xs).to_owned()
    }

    /// Mostly an id the document already has, else one of the pool.
    pub fn present_or(&mut self, present: &[String], pool: &[&str]) -> String {
        if !present.is_empty() && self.chance(75) {
            present[self.below(present.len())].clone()
        } else {
            self.pick(pool)
        }
    }

    /// A principal id as rows and ACLs name it: mostly members, sometimes a non-member or an id of
    /// another namespace.
    pub fn principal_ref(&mut self) -> String {
        if self.odd(12) {
            return if self.chance(70) { NON_MEMBER.into() } else { self.pick(GROUPS) };
        }
        let present = self.principals.clone();
        if self.chance(25) { self.pick(SERVICE_ACCOUNTS) } else { self.present_or(&present, USERS) }
    }

    pub fn group_ref(&mut self) -> String {
        if self.odd(10) {
            return if self.chance(70) { "G9".into() } else { self.pick(USERS) };
        }
        let present = self.groups.clone();
        self.present_or(&present, GROUPS)
    }

    pub fn role_ref(&mut self) -> String {
        if self.odd(10) {
            return if self.chance(70) { "R9".into() } else { self.pick(GROUPS) };
        }
        let present = self.roles.clone();
        self.present_or(&present, ROLES)
    }

    pub fn project_ref(&mut self) -> String {
        if self.odd(10) {
            return "P9".into();
        }
        let present = self.projects.clone();
        self.present_or(&present, PROJECTS)
    }

    /// A restriction type name, biased towards project contents.
    pub fn restrict_type(&mut self) -> String {
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
    pub fn object_ref(&mut self, for_query: bool) -> (String, String) {
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

    // -----------------------------------------------------------------------------------------------
    // Rows.

    /// A row that is not a valid row at all.
    pub fn bad_row(&mut self) -> Value {
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

    pub fn rows(&mut self, min: usize, max: usize, mut row: impl FnMut(&mut Gen, usize) -> Value) -> Vec<Value> {
        let n = min + self.below(max - min + 1);
        (0..n).map(|i| if self.odd(4) { self.bad_row() } else { row(self, i) }).collect()
    }

    /// A membership list: usually an array of ids, sometimes absent, null, of the wrong type, or with
    /// malformed entries.
    pub fn id_list(
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
    pub fn head(&mut self, row: &mut Map<String, Value>) {
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

    pub fn user(&mut self, pool: &[&str]) -> Value {
        let id = self.pick(pool);
        self.principals.push(id.clone());
        let mut row = Map::new();
        row.insert("id".into(), json!(id));
        if self.chance(30) {
            row.insert("email".into(), json!("someone@acme.io"));
        }
        Value::Object(row)
    }

    pub fn group(&mut self, i: usize) -> Value {
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

    pub fn role(&mut self, i: usize) -> Value {
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

    pub fn project(&mut self, i: usize) -> Value {
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

    pub fn project_group(&mut self, i: usize) -> Value {
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

    pub fn object(&mut self, _i: usize) -> Value {
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

    pub fn acl(&mut self, i: usize, earlier: &[Value]) -> Value {
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
    pub fn put_section(&mut self, doc: &mut Map<String, Value>, name: &str, rows: Vec<Value>) {
        if self.odd(3) {
            doc.insert(name.into(), Value::Null);
        } else if rows.is_empty() && self.chance(50) {
            // absent
        } else {
            doc.insert(name.into(), Value::Array(rows));
        }
    }

    pub fn document(&mut self) -> Value {
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
}
