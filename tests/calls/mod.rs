//! The delta calls of the property tests (`tests/deltas.rs` natively, `tests/wasm_suite/deltas.rs` through
//! the wasm boundary), so that both draw the same sequences from the same seeds: sequence `i` starts from
//! the differential test's random document for its seed and makes calls in Braintrust's write shapes
//! (ACL batches, group and role PATCH bodies, upserts of every section), about one in five invalid on
//! purpose, each drawn from the document as the model (`tests/live/mod.rs`) has it after the calls before.

use serde_json::{Map, Value, json};

use super::generator::{
    AI_SECRETS, CHILD_IDS, CHILD_TYPES, DELETED_AT, GROUPS, Gen, NON_MEMBER, ORG, ORG_WIDE, OTHER_ORG, PROJECT_GROUPS,
    PROJECTS, ROLES, Rng, SERVICE_ACCOUNTS, UNKNOWN_TYPES, USERS,
};
use super::live::{self, Call};
use super::reference::PERMISSIONS;

const BASE_SEED: u64 = 0xDE17_A5EE_D000_0001;
/// The most calls a sequence makes.
const MAX_CALLS: usize = 8;
/// Percent of calls made invalid on purpose.
const INVALID_PCT: usize = 20;

/// One sequence: its seed, start document and number of calls, and the generator of the calls.
pub struct Sequence {
    pub seed: u64,
    pub start: String,
    pub length: usize,
    pub calls: Calls,
}

impl Sequence {
    /// Sequence `index`, with its own seed (`BASE_SEED` mixed with the index).
    pub fn new(index: usize) -> Sequence {
        let mut r = Rng::new(BASE_SEED ^ (index as u64).wrapping_mul(0xA076_1D64_78BD_642F));
        let seed = r.next_u64();
        let mut g = Gen::new(seed);
        let start = g.document().to_string();
        let length = 1 + g.below(MAX_CALLS);
        Sequence { seed, start, length, calls: Calls { g, fresh: 0 } }
    }
}

// ---------------------------------------------------------------------------------------------------
// The state the generator draws ids from: the current D'.

struct State {
    principals: Vec<String>,
    users: Vec<String>,
    service_accounts: Vec<String>,
    groups: Vec<String>,
    roles: Vec<String>,
    projects: Vec<String>,
    project_groups: Vec<String>,
    objects: Vec<(String, String)>,
    acls: Vec<Value>,
    doc: Value,
}

impl State {
    fn of(doc: &Value) -> State {
        let users = live::ids(doc, "users");
        let service_accounts = live::ids(doc, "service_accounts");
        State {
            principals: [users.clone(), service_accounts.clone()].concat(),
            users,
            service_accounts,
            groups: live::ids(doc, "groups"),
            roles: live::ids(doc, "roles"),
            projects: live::ids(doc, "projects"),
            project_groups: live::ids(doc, "project_groups"),
            objects: live::object_keys(doc),
            acls: live::section(doc, "acls").to_vec(),
            doc: doc.clone(),
        }
    }

    fn row(&self, section: &str, id: &str) -> Option<&Value> {
        live::section(&self.doc, section).iter().find(|r| r.get("id").and_then(Value::as_str) == Some(id))
    }
}

// ---------------------------------------------------------------------------------------------------
// Call generation. `Gen` supplies the randomness; `fresh` numbers the explicit ids a sequence invents.

pub struct Calls {
    g: Gen,
    fresh: usize,
}

impl Calls {
    /// The next call, drawn from `doc`: the model's document after the calls before.
    pub fn next(&mut self, doc: &Value) -> Call {
        self.call(&State::of(doc))
    }

    fn below(&mut self, n: usize) -> usize {
        self.g.below(n)
    }

    fn chance(&mut self, pct: usize) -> bool {
        self.g.chance(pct)
    }

    fn pick(&mut self, xs: &[&str]) -> String {
        self.g.pick(xs)
    }

    fn one_of(&mut self, xs: &[String]) -> Option<String> {
        if xs.is_empty() { None } else { Some(xs[self.below(xs.len())].clone()) }
    }

    /// Up to `max` distinct entries of `xs`, in random order.
    fn some_of(&mut self, xs: &[String], max: usize) -> Vec<String> {
        let n = self.below(max + 1);
        let mut out = Vec::new();
        for _ in 0..n {
            if let Some(x) = self.one_of(xs) {
                if !out.contains(&x) {
                    out.push(x);
                }
            }
        }
        out
    }

    fn fresh_id(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    /// Mostly an id the document has, else one of the pool (perhaps new).
    fn id_from(&mut self, present: &[String], pool: &[&str]) -> String {
        match self.one_of(present) {
            Some(id) if self.chance(70) => id,
            _ => self.pick(pool),
        }
    }

    fn call(&mut self, s: &State) -> Call {
        let invalid = self.chance(INVALID_PCT);
        match self.below(100) {
            0..=34 => self.acl_batch(s, invalid),
            // PATCHes need a group or role to name (a PATCH of an unknown one is among the defects).
            35..=49 if !s.groups.is_empty() => self.patch_group(s, invalid),
            50..=59 if !s.roles.is_empty() => self.patch_role(s, invalid),
            _ => self.upsert(s, invalid),
        }
    }

    // ----- ACL batches

    /// Where an ACL sits: the org, rows of the document, ACL targets, unlisted ids and unknown types.
    fn acl_target(&mut self, s: &State) -> (String, String) {
        match self.below(100) {
            0..=19 => (self.pick(ORG_WIDE), ORG.into()),
            20..=34 => ("project".into(), self.id_from(&s.projects, &[PROJECTS, &["P9"]].concat())),
            35..=41 => ("project_log".into(), self.id_from(&s.projects, PROJECTS)),
            42..=46 => ("project_group".into(), self.id_from(&s.project_groups, PROJECT_GROUPS)),
            47..=66 if !s.objects.is_empty() => s.objects[self.below(s.objects.len())].clone(),
            67..=71 => ("group".into(), self.id_from(&s.groups, GROUPS)),
            72..=75 => ("role".into(), self.id_from(&s.roles, ROLES)),
            76..=79 => ("ai_secret".into(), self.pick(AI_SECRETS)),
            80..=84 => (self.pick(UNKNOWN_TYPES), self.pick(CHILD_IDS)),
            85..=99 if !s.acls.is_empty() => {
                let a = &s.acls[self.below(s.acls.len())];
                (a["object_type"].as_str().unwrap_or("project").into(), a["object_id"].as_str().unwrap_or("P0").into())
            }
            _ => (self.pick(CHILD_TYPES), self.pick(CHILD_IDS)),
        }
    }

    /// A well-formed ACL item naming things the document has (`None` when it has no holder at all).
    fn acl_item(&mut self, s: &State) -> Option<Map<String, Value>> {
        if !s.acls.is_empty() && self.chance(15) {
            // An existing tuple again: without an id, with its own, or with a new one.
            let Value::Object(mut row) = s.acls[self.below(s.acls.len())].clone() else { return None };
            match self.below(3) {
                0 => {
                    row.remove("id");
                }
                1 => {}
                _ => {
                    row.insert("id".into(), json!(self.fresh_id("n")));
                }
            }
            return Some(row);
        }
        let (t, id) = self.acl_target(s);
        let mut row = Map::new();
        row.insert("object_type".into(), json!(t));
        row.insert("object_id".into(), json!(id));
        let user = s.groups.is_empty() || (!s.principals.is_empty() && self.chance(55));
        if user {
            row.insert("user_id".into(), json!(self.one_of(&s.principals)?));
        } else {
            row.insert("group_id".into(), json!(self.one_of(&s.groups)?));
        }
        if s.roles.is_empty() || self.chance(65) {
            row.insert("permission".into(), json!(self.pick(&PERMISSIONS)));
        } else {
            row.insert("role_id".into(), json!(self.one_of(&s.roles)?));
        }
        if self.chance(30) {
            row.insert("restrict_object_type".into(), json!(self.g.restrict_type()));
        }
        match self.below(10) {
            0..=3 => {
                row.insert("_object_org_id".into(), json!(ORG));
            }
            4 => {
                row.insert("_object_org_id".into(), Value::Null);
            }
            _ => {}
        }
        if self.chance(30) {
            row.insert("id".into(), json!(self.fresh_id("n")));
        } else if self.chance(3) {
            // An explicit id that is the synthesized id of some other tuple: a later add of that tuple
            // without an id then collides.
            let other = format!("delta:project/P0/user:{}/read", s.principals.first().map_or("U0", String::as_str));
            row.insert("id".into(), json!(other));
        }
        Some(row)
    }

    /// A remove item: an existing tuple, a random (likely absent) one, or one naming unknown ids.
    fn remove_item(&mut self, s: &State) -> Value {
        if !s.acls.is_empty() && self.chance(50) {
            let mut row = s.acls[self.below(s.acls.len())].clone();
            if let Value::Object(m) = &mut row {
                m.remove("id");
            }
            return row;
        }
        let (t, id) = self.acl_target(s);
        let mut row = json!({"object_type": t, "object_id": id});
        match self.below(5) {
            0 => row["user_id"] = json!(NON_MEMBER),
            1 => row["group_id"] = json!("G9"),
            2 => row["group_id"] = json!(self.id_from(&s.groups, GROUPS)),
            _ => row["user_id"] = json!(self.id_from(&s.principals, USERS)),
        }
        if self.chance(15) {
            row["role_id"] = json!(if self.chance(50) { "R9".into() } else { self.id_from(&s.roles, ROLES) });
        } else {
            row["permission"] = json!(self.pick(&PERMISSIONS));
        }
        if self.chance(25) {
            row["restrict_object_type"] = json!(self.g.restrict_type());
        }
        row
    }

    fn acl_batch(&mut self, s: &State, invalid: bool) -> Call {
        let mut adds: Vec<Value> = Vec::new();
        for _ in 0..self.below(5) {
            if let Some(item) = self.acl_item(s) {
                adds.push(Value::Object(item));
            }
        }
        let mut removes: Vec<Value> = (0..self.below(4)).map(|_| self.remove_item(s)).collect();
        if !adds.is_empty() && self.chance(10) {
            // Added and removed in one batch: ends removed.
            let mut both = adds[self.below(adds.len())].clone();
            if let Value::Object(m) = &mut both {
                m.remove("id");
            }
            removes.push(both);
        }
        if invalid {
            match self.below(16) {
                0 => return Call::AclBatch { body: r#"{"add_acls": [{"object_type": "project""#.into() },
                1 => return Call::AclBatch { body: "[]".into() },
                2 => return Call::AclBatch { body: json!({"add_acls": {"object_type": "project"}}).to_string() },
                3 => {
                    let k = self.below(removes.len() + 1);
                    let bad = if self.chance(50) {
                        json!(5)
                    } else {
                        json!({"object_type": "project", "object_id": "P0", "user_id": "U0", "group_id": "G0", "permission": "read"})
                    };
                    removes.insert(k, bad);
                }
                n => {
                    let bad = self.bad_add(s, n);
                    let k = self.below(adds.len() + 1);
                    adds.insert(k, bad);
                }
            }
        }
        let mut body = Map::new();
        if !adds.is_empty() || self.chance(50) {
            body.insert("add_acls".into(), Value::Array(adds));
        }
        if !removes.is_empty() || self.chance(50) {
            body.insert("remove_acls".into(), Value::Array(removes));
        }
        Call::AclBatch { body: Value::Object(body).to_string() }
    }

    /// An add item with one defect (chosen by `n`).
    fn bad_add(&mut self, s: &State, n: usize) -> Value {
        let base = self.acl_item(s).unwrap_or_else(|| {
            let mut m = Map::new();
            m.insert("object_type".into(), json!("project"));
            m.insert("object_id".into(), json!("P0"));
            m.insert("user_id".into(), json!(NON_MEMBER));
            m.insert("permission".into(), json!("read"));
            m
        });
        let mut row = base;
        let holder_keys = ["user_id", "group_id"];
        let grant_keys = ["permission", "role_id"];
        match n {
            4 => {
                for k in holder_keys {
                    row.remove(k);
                }
                row.insert("user_id".into(), json!(if self.chance(70) { NON_MEMBER } else { "G0" }));
            }
            5 => {
                for k in holder_keys {
                    row.remove(k);
                }
                row.insert("group_id".into(), json!("G9"));
            }
            6 => {
                for k in grant_keys {
                    row.remove(k);
                }
                row.insert("role_id".into(), json!("R9"));
            }
            7 => {
                row.insert("_object_org_id".into(), json!(OTHER_ORG));
            }
            8 => {
                row.insert("object_type".into(), json!(self.pick(ORG_WIDE)));
                row.insert("object_id".into(), json!(OTHER_ORG));
            }
            9 => {
                row.insert("user_id".into(), json!(self.id_from(&s.principals, USERS)));
                row.insert("group_id".into(), json!(self.id_from(&s.groups, GROUPS)));
            }
            10 => {
                for k in grant_keys {
                    row.remove(k);
                }
            }
            11 => {
                for k in grant_keys {
                    row.remove(k);
                }
                row.insert("permission".into(), json!(if self.chance(50) { "owner" } else { "Read" }));
            }
            12 => return json!(self.pick(&["row", "7"])),
            13 => {
                row.remove("object_id");
            }
            14 => {
                row.insert("id".into(), json!(""));
            }
            _ => {
                // The id of an existing ACL on a (most likely) different tuple.
                if let Some(a) = s.acls.get(self.below(s.acls.len().max(1))) {
                    row.insert("id".into(), a["id"].clone());
                } else {
                    row.insert("user_id".into(), json!(7));
                }
            }
        }
        Value::Object(row)
    }

    // ----- PATCH bodies

    fn patch_group(&mut self, s: &State, invalid: bool) -> Call {
        let id = match self.one_of(&s.groups) {
            Some(g) if !(invalid && self.chance(15)) => g,
            _ => "G9".into(),
        };
        let members = s.row("groups", &id).map(|r| strings(r, "member_users")).unwrap_or_default();
        let member_groups = s.row("groups", &id).map(|r| strings(r, "member_groups")).unwrap_or_default();
        let mut body = Map::new();
        let add_users = self.some_of(&s.principals, 3);
        let mut remove_users = self.some_of(&[members, s.principals.clone()].concat(), 2);
        if self.chance(15) {
            remove_users.push(NON_MEMBER.into());
        }
        let add_groups = self.some_of(&s.groups, 2);
        let remove_groups = self.some_of(&[member_groups, s.groups.clone()].concat(), 2);
        for (key, list) in [
            ("add_member_users", add_users),
            ("remove_member_users", remove_users),
            ("add_member_groups", add_groups),
            ("remove_member_groups", remove_groups),
        ] {
            if !list.is_empty() || self.chance(20) {
                body.insert(key.into(), json!(list));
            }
        }
        if self.chance(30) {
            body.insert("name".into(), json!("renamed"));
            body.insert("description".into(), Value::Null);
        }
        if invalid && id != "G9" {
            match self.below(6) {
                0 => return Call::PatchGroup { id, body: "[]".into() },
                1 => list_push(&mut body, "add_member_users", json!(NON_MEMBER)),
                2 => list_push(&mut body, "add_member_groups", json!("G9")),
                3 => list_push(&mut body, "add_member_users", json!(7)),
                4 => list_push(&mut body, "add_member_groups", json!("")),
                _ => {
                    body.insert("add_member_users".into(), json!("U0"));
                }
            }
        }
        Call::PatchGroup { id, body: Value::Object(body).to_string() }
    }

    fn perm_entry(&mut self) -> Value {
        let p = self.pick(&PERMISSIONS);
        if self.chance(40) {
            json!({"permission": p, "restrict_object_type": self.g.restrict_type()})
        } else {
            json!({"permission": p})
        }
    }

    fn patch_role(&mut self, s: &State, invalid: bool) -> Call {
        let id = match self.one_of(&s.roles) {
            Some(r) if !(invalid && self.chance(15)) => r,
            _ => "R9".into(),
        };
        let own: Vec<Value> = s
            .row("roles", &id)
            .and_then(|r| r.get("member_permissions"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut body = Map::new();
        let adds: Vec<Value> = (0..self.below(3)).map(|_| self.perm_entry()).collect();
        let mut removes: Vec<Value> = (0..self.below(2)).map(|_| self.perm_entry()).collect();
        if !own.is_empty() && self.chance(50) {
            removes.push(own[self.below(own.len())].clone());
        }
        if !own.is_empty() && self.chance(20) {
            let again = own[self.below(own.len())].clone();
            body.insert("add_member_permissions".into(), json!([again]));
        }
        if !adds.is_empty() {
            for a in adds {
                list_push(&mut body, "add_member_permissions", a);
            }
        }
        if !removes.is_empty() || self.chance(20) {
            body.insert("remove_member_permissions".into(), Value::Array(removes));
        }
        let add_roles = self.some_of(&s.roles, 2);
        let remove_roles =
            self.some_of(&[strings_of(s.row("roles", &id), "member_roles"), s.roles.clone()].concat(), 2);
        if !add_roles.is_empty() {
            body.insert("add_member_roles".into(), json!(add_roles));
        }
        if !remove_roles.is_empty() {
            body.insert("remove_member_roles".into(), json!(remove_roles));
        }
        if self.chance(20) {
            body.insert("name".into(), json!("renamed"));
        }
        if invalid && id != "R9" {
            match self.below(5) {
                0 => list_push(&mut body, "add_member_permissions", json!({"permission": "owner"})),
                1 => list_push(&mut body, "add_member_permissions", json!("read")),
                2 => list_push(&mut body, "add_member_permissions", json!({"restrict_object_type": "experiment"})),
                3 => list_push(&mut body, "add_member_roles", json!("R9")),
                _ => return Call::PatchRole { id, body: "{\"add_member_roles\": [".into() },
            }
        }
        Call::PatchRole { id, body: Value::Object(body).to_string() }
    }

    // ----- Upserts

    fn deleted(&mut self, row: &mut Map<String, Value>, pct: usize) {
        if self.chance(pct) {
            row.insert("deleted_at".into(), json!(DELETED_AT));
        } else if self.chance(20) {
            row.insert("deleted_at".into(), Value::Null);
        }
    }

    fn org(&mut self, row: &mut Map<String, Value>) {
        match self.below(10) {
            0..=6 => {
                row.insert("org_id".into(), json!(ORG));
            }
            7 => {
                row.insert("org_id".into(), Value::Null);
            }
            _ => {}
        }
    }

    fn upsert_row(&mut self, s: &State, section: &str) -> Map<String, Value> {
        let mut row = Map::new();
        match section {
            "users" | "service_accounts" => {
                let (present, pool): (&[String], &[&str]) = if section == "users" {
                    (&s.users, &[USERS, &["U5", "U6"]].concat())
                } else {
                    (&s.service_accounts, &[SERVICE_ACCOUNTS, &["S3", "S4"]].concat())
                };
                let pool: Vec<&str> = pool
                    .iter()
                    .copied()
                    .filter(|id| !s.principals.iter().any(|p| p == id) || present.iter().any(|p| p == id))
                    .collect();
                row.insert("id".into(), json!(self.id_from(present, &pool)));
                if self.chance(30) {
                    row.insert("email".into(), json!("someone@acme.io"));
                }
                self.deleted(&mut row, 30);
            }
            "groups" => {
                let id = self.id_from(&s.groups, &[GROUPS, &["G6", "G7"]].concat());
                row.insert("id".into(), json!(id));
                row.insert("name".into(), json!(format!("group {id}")));
                self.org(&mut row);
                self.deleted(&mut row, 15);
                row.insert("member_users".into(), json!(self.some_of(&s.principals, 3)));
                if self.chance(85) {
                    row.insert("member_groups".into(), json!(self.some_of(&s.groups, 2)));
                }
            }
            "roles" => {
                let id = self.id_from(&s.roles, &[ROLES, &["R5", "R6"]].concat());
                row.insert("id".into(), json!(id));
                row.insert("name".into(), json!(format!("role {id}")));
                self.org(&mut row);
                self.deleted(&mut row, 15);
                let perms: Vec<Value> = (0..self.below(4)).map(|_| self.perm_entry()).collect();
                row.insert("member_permissions".into(), Value::Array(perms));
                row.insert("member_roles".into(), json!(self.some_of(&s.roles, 2)));
            }
            "projects" => {
                let id = self.id_from(&s.projects, &[PROJECTS, &["P5", "P6"]].concat());
                row.insert("id".into(), json!(id));
                row.insert("name".into(), json!(format!("project {id}")));
                self.org(&mut row);
                self.deleted(&mut row, 20);
            }
            "project_groups" => {
                let id = self.id_from(&s.project_groups, &[PROJECT_GROUPS, &["PG3", "PG4"]].concat());
                row.insert("id".into(), json!(id));
                row.insert("name".into(), json!(format!("pg {id}")));
                self.org(&mut row);
                self.deleted(&mut row, 15);
                row.insert("member_projects".into(), json!(self.some_of(&s.projects, 3)));
            }
            _ => {
                // objects: mostly project children (moved between projects when the id exists).
                let (t, id) = if !s.objects.is_empty() && self.chance(50) {
                    s.objects[self.below(s.objects.len())].clone()
                } else {
                    match self.below(10) {
                        0..=6 => (self.pick(CHILD_TYPES), self.pick(&[CHILD_IDS, &["C6", "C7"]].concat())),
                        7..=8 => ("ai_secret".into(), self.pick(AI_SECRETS)),
                        _ => (self.pick(UNKNOWN_TYPES), self.pick(CHILD_IDS)),
                    }
                };
                let child = CHILD_TYPES.contains(&t.as_str());
                row.insert("type".into(), json!(t));
                row.insert("id".into(), json!(id));
                self.deleted(&mut row, 15);
                let deleted = row.get("deleted_at").is_some_and(|d| !d.is_null());
                if child && !deleted {
                    match self.one_of(&s.projects) {
                        Some(p) => {
                            row.insert("project_id".into(), json!(p));
                        }
                        None => {
                            // No project yet: list it deleted instead.
                            row.insert("deleted_at".into(), json!(DELETED_AT));
                        }
                    }
                }
                if self.chance(20) {
                    row.insert("name".into(), json!("thing"));
                }
            }
        }
        row
    }

    fn upsert(&mut self, s: &State, invalid: bool) -> Call {
        let section = match self.below(100) {
            0..=11 => "users",
            12..=19 => "service_accounts",
            20..=34 => "groups",
            35..=46 => "roles",
            47..=61 => "projects",
            62..=74 => "project_groups",
            _ => "objects",
        };
        let n = 1 + self.below(3);
        let mut rows: Vec<Map<String, Value>> = Vec::new();
        for _ in 0..n {
            let row = self.upsert_row(s, section);
            // The same id twice in one call is a defect of its own: keep valid calls free of it.
            let key = |r: &Map<String, Value>| (r.get("type").cloned(), r.get("id").cloned());
            if !rows.iter().any(|r| key(r) == key(&row)) {
                rows.push(row);
            }
        }
        let nesting = match section {
            "groups" => "member_groups",
            "roles" => "member_roles",
            _ => "",
        };
        if !nesting.is_empty() && self.chance(30) {
            // Rows of one call may name each other (new ones included), or themselves.
            let (k, j) = (self.below(rows.len()), self.below(rows.len()));
            let id = rows[j]["id"].clone();
            list_push(&mut rows[k], nesting, id);
        }
        if invalid {
            let k = self.below(rows.len());
            let live_row = rows[k].get("deleted_at").is_none_or(Value::is_null);
            match self.below(10) {
                0 => return Call::Upsert { section: section.into(), rows: "{}".into() },
                1 => return Call::Upsert { section: "widgets".into(), rows: "[]".into() },
                2 => {
                    let again = rows[k].clone();
                    rows.push(again);
                }
                3 => {
                    rows[k].remove("id");
                }
                4 => {
                    rows[k].insert("deleted_at".into(), json!(5));
                }
                5 => return Call::Upsert { section: section.into(), rows: "[{\"id\": ".into() },
                _ if !live_row => {
                    rows[k].insert("id".into(), json!(12));
                }
                _ => self.bad_field(s, section, &mut rows[k]),
            }
        }
        let rows: Vec<Value> = rows.into_iter().map(Value::Object).collect();
        Call::Upsert { section: section.into(), rows: Value::Array(rows).to_string() }
    }

    /// A section-specific defect in a live row.
    fn bad_field(&mut self, s: &State, section: &str, row: &mut Map<String, Value>) {
        match section {
            "users" | "service_accounts" => {
                let other = if section == "users" { &s.service_accounts } else { &s.users };
                let id = self.one_of(other).unwrap_or_else(|| "U0".into());
                row.insert("id".into(), json!(id));
            }
            "groups" => match self.below(4) {
                0 => {
                    row.insert("org_id".into(), json!(OTHER_ORG));
                }
                1 => list_push(row, "member_users", json!(NON_MEMBER)),
                2 => list_push(row, "member_groups", json!("G9")),
                _ => {
                    row.insert("member_users".into(), json!("U0"));
                }
            },
            "roles" => match self.below(4) {
                0 => {
                    row.insert("org_id".into(), if self.chance(50) { json!(7) } else { json!(OTHER_ORG) });
                }
                1 => list_push(row, "member_roles", json!("R9")),
                2 => list_push(row, "member_permissions", json!({"permission": "admin"})),
                _ => list_push(row, "member_permissions", json!(3)),
            },
            "projects" => {
                row.insert("org_id".into(), json!(OTHER_ORG));
            }
            "project_groups" => match self.below(3) {
                0 => list_push(row, "member_projects", json!("P9")),
                1 => list_push(row, "member_projects", json!(null)),
                _ => {
                    row.insert("org_id".into(), json!(OTHER_ORG));
                }
            },
            _ => {
                let t = row.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
                if CHILD_TYPES.contains(&t.as_str()) {
                    if self.chance(50) {
                        row.remove("project_id");
                    } else {
                        row.insert("project_id".into(), json!("P9"));
                    }
                } else {
                    row.insert("type".into(), json!(self.pick(&["project", "group", "organization", "project_log"])));
                }
            }
        }
    }
}

fn strings(row: &Value, key: &str) -> Vec<String> {
    row.get(key)
        .and_then(Value::as_array)
        .map(|xs| xs.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn strings_of(row: Option<&Value>, key: &str) -> Vec<String> {
    row.map(|r| strings(r, key)).unwrap_or_default()
}

fn list_push(row: &mut Map<String, Value>, key: &str, item: Value) {
    let slot = row.entry(key).or_insert_with(|| json!([]));
    if !slot.is_array() {
        *slot = json!([]);
    }
    if let Value::Array(items) = slot {
        items.push(item);
    }
}
