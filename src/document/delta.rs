//! Delta bodies — Braintrust's write shapes — read with the same row checks as a snapshot document.
//!
//! A delta is all or nothing: where loading skips a bad row with a warning, a delta is refused with an
//! error carrying that warning's code and path ([`ErrorCode::Rejected`]). Reading each row through the
//! loader's own validators is what keeps the two in step: a row a delta accepts is one a fresh load of
//! the resulting document accepts too. Unknown object type names are the one warning that does not
//! refuse: loading keeps such rows, so a delta does.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::error::{ErrorCode, SnapshotError};
use super::json::{KeyIn, Row, RowReader, Tracker};
use super::parse::{Section, check_size};
use super::rows::{self, AclRow, GroupPatch, GroupRow, Head, ObjectRow, PrincipalRow, ProjectGroupRow, RoleRow};
use super::rows::{RolePatch, RowCx};
use super::warning::{Warning, WarningCode};
use crate::options::Limits;

/// The body of `POST /v1/acl/batch_update`.
pub(crate) struct AclBatch<'a> {
    pub(crate) add: Vec<AclRow<'a>>,
    pub(crate) remove: Vec<AclRow<'a>>,
}

/// Rows to insert or replace, by section.
pub(crate) enum Upsert<'a> {
    Principals { service_accounts: bool, rows: Vec<PrincipalRow<'a>> },
    Groups(Vec<GroupRow<'a>>),
    Roles(Vec<RoleRow<'a>>),
    Projects(Vec<Head<'a>>),
    ProjectGroups(Vec<ProjectGroupRow<'a>>),
    Objects(Vec<ObjectRow<'a>>),
}

/// The sections rows can be upserted into.
pub(crate) const UPSERT_SECTIONS: &[&str] =
    &["users", "service_accounts", "groups", "roles", "projects", "project_groups", "objects"];

/// Runs `read` over `text` as one JSON value, then refuses the delta if any row was warned about.
fn read<'a, T>(
    text: &'a str,
    limits: &Limits,
    read: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::SliceRead<'a>>,
        &Tracker,
        &mut Vec<Warning>,
    ) -> Result<T, serde_json::Error>,
) -> Result<T, SnapshotError> {
    check_size(text.len(), limits)?;
    let mut de = serde_json::Deserializer::from_slice(text.as_bytes());
    let tracker = Tracker::new(*limits);
    let mut warnings = Vec::new();
    let value =
        read(&mut de, &tracker, &mut warnings).and_then(|v| de.end().map(|()| v)).map_err(|e| tracker.error(&e))?;
    match warnings.into_iter().find(|w| w.code() != WarningCode::UnknownObjectType) {
        Some(w) => Err(SnapshotError::new(ErrorCode::Rejected(w.code()), w.message(), w.path())),
        None => Ok(value),
    }
}

pub(crate) fn acl_batch<'a>(text: &'a str, limits: &Limits) -> Result<AclBatch<'a>, SnapshotError> {
    read(text, limits, |de, tracker, warnings| BatchSeed { tracker, warnings }.deserialize(de))
}

pub(crate) fn group_patch<'a>(text: &'a str, limits: &Limits) -> Result<GroupPatch<'a>, SnapshotError> {
    body(text, limits, rows::GROUP_PATCH_FIELDS, |cx, row| cx.group_patch(row))
}

pub(crate) fn role_patch<'a>(text: &'a str, limits: &Limits) -> Result<RolePatch<'a>, SnapshotError> {
    body(text, limits, rows::ROLE_PATCH_FIELDS, |cx, row| cx.role_patch(row))
}

/// A PATCH body: one object, its fields validated as a row's.
fn body<'a, T>(
    text: &'a str,
    limits: &Limits,
    fields: &'static [&'static str],
    validate: impl FnOnce(&mut RowCx<'_>, Row<'a>) -> Result<T, rows::Skip>,
) -> Result<T, SnapshotError> {
    let mut out = None;
    let mut not_object = None;
    read(text, limits, |de, tracker, warnings| {
        match (RowReader { fields, tracker }).deserialize(de)? {
            Row::NotObject(kind) => not_object = Some(kind),
            row => out = validate(&mut RowCx { section: "", at: 0, warnings }, row).ok(),
        }
        Ok(())
    })?;
    // A body the validator refused has left a warning, so `read` has failed already.
    out.ok_or_else(|| {
        let kind = not_object.unwrap_or("not an object");
        SnapshotError::new(ErrorCode::WrongType, format!("the body must be a JSON object, found {kind}"), "")
    })
}

/// Rows for `section` (one of [`UPSERT_SECTIONS`]): a JSON array of rows of that section's shape.
pub(crate) fn upsert<'a>(section: &str, text: &'a str, limits: &Limits) -> Result<Upsert<'a>, SnapshotError> {
    let Some(&name) = UPSERT_SECTIONS.iter().find(|s| **s == section) else {
        let message = format!("no section `{section}` takes rows; one of {}", UPSERT_SECTIONS.join(", "));
        return Err(SnapshotError::new(ErrorCode::WrongType, message, ""));
    };
    read(text, limits, |de, t, w| {
        tracker_section(t, name);
        Ok(match name {
            "users" | "service_accounts" => Upsert::Principals {
                service_accounts: name == "service_accounts",
                rows: Section::new(name, t, w, |cx, row| cx.principal(row), rows::PRINCIPAL_FIELDS).deserialize(de)?,
            },
            "groups" => {
                Upsert::Groups(Section::new(name, t, w, |cx, row| cx.group(row), rows::GROUP_FIELDS).deserialize(de)?)
            }
            "roles" => {
                Upsert::Roles(Section::new(name, t, w, |cx, row| cx.role(row), rows::ROLE_FIELDS).deserialize(de)?)
            }
            "projects" => Upsert::Projects(
                Section::new(name, t, w, |cx, row| cx.project(row), rows::PROJECT_FIELDS).deserialize(de)?,
            ),
            "project_groups" => Upsert::ProjectGroups(
                Section::new(name, t, w, |cx, row| cx.project_group(row), rows::PROJECT_GROUP_FIELDS)
                    .deserialize(de)?,
            ),
            _ => Upsert::Objects(
                Section::new(name, t, w, |cx, row| cx.object(row), rows::OBJECT_FIELDS).deserialize(de)?,
            ),
        })
    })
}

fn tracker_section(t: &Tracker, name: &'static str) {
    t.section.set(Some(name));
}

const BATCH_KEYS: &[&str] = &["add_acls", "remove_acls"];

struct BatchSeed<'t, 'w> {
    tracker: &'t Tracker,
    warnings: &'w mut Vec<Warning>,
}

impl<'de> DeserializeSeed<'de> for BatchSeed<'_, '_> {
    type Value = AclBatch<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BatchSeed<'_, '_> {
    type Value = AclBatch<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a batch update (a JSON object with `add_acls` and `remove_acls`)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut batch = AclBatch { add: Vec::new(), remove: Vec::new() };
        let mut seen = [false; BATCH_KEYS.len()];
        while let Some(key) = map.next_key_seed(KeyIn(BATCH_KEYS))? {
            let Some(ix) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let name = BATCH_KEYS.get(ix).copied().unwrap_or("");
            tracker_section(self.tracker, name);
            if seen.get_mut(ix).is_some_and(|seen| std::mem::replace(seen, true)) {
                return Err(self.tracker.fail(ErrorCode::DuplicateKey, format_args!("key `{name}` appears twice")));
            }
            let rows = map.next_value_seed(Section::new(
                name,
                self.tracker,
                &mut *self.warnings,
                |cx, row| cx.acl_item(row),
                rows::ACL_FIELDS,
            ))?;
            if name == "add_acls" {
                batch.add = rows
            } else {
                batch.remove = rows
            }
            self.tracker.section.set(None);
        }
        Ok(batch)
    }
}
