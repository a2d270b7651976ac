//! Delta bodies — Braintrust's write shapes — read with the same row checks as a snapshot document.
//!
//! A delta is all or nothing: where loading skips a bad row with a warning, a delta is refused with an
//! error carrying that warning's code and path ([`ErrorCode::Rejected`]). Reading each row through the
//! loader's own validators is what keeps the two in step: a row a delta accepts is one a fresh load of
//! the resulting document accepts too. Unknown object type names are the one warning that does not
//! refuse: loading keeps such rows, so a delta does.

use super::error::{ErrorCode, SnapshotError};
use super::json::{Fail, Fields, Reader, Row};
use super::parse::{check_size, section};
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
    read: impl FnOnce(&mut Reader<'a>, &mut Vec<Warning>) -> Result<T, Fail>,
) -> Result<T, SnapshotError> {
    check_size(text.len(), limits)?;
    let mut reader = Reader::of_text(text, *limits);
    let mut warnings = Vec::new();
    let value = read(&mut reader, &mut warnings).and_then(|v| reader.end().map(|()| v)).map_err(|f| reader.error(f))?;
    match warnings.into_iter().find(|w| w.code() != WarningCode::UnknownObjectType) {
        Some(w) => Err(SnapshotError::new(ErrorCode::Rejected(w.code()), w.message(), w.path())),
        None => Ok(value),
    }
}

pub(crate) fn acl_batch<'a>(text: &'a str, limits: &Limits) -> Result<AclBatch<'a>, SnapshotError> {
    read(text, limits, batch)
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
    validate: impl FnOnce(&mut RowCx<'_>, Row<'_, 'a>) -> Result<T, rows::Skip>,
) -> Result<T, SnapshotError> {
    let mut out = None;
    let mut not_object = None;
    read(text, limits, |reader, warnings| {
        match reader.row(&mut Fields::new(fields), 0)? {
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

/// Rows for `target` (one of [`UPSERT_SECTIONS`]): a JSON array of rows of that section's shape.
pub(crate) fn upsert<'a>(target: &str, text: &'a str, limits: &Limits) -> Result<Upsert<'a>, SnapshotError> {
    let Some(&name) = UPSERT_SECTIONS.iter().find(|s| **s == target) else {
        let message = format!("no section `{target}` takes rows; one of {}", UPSERT_SECTIONS.join(", "));
        return Err(SnapshotError::new(ErrorCode::WrongType, message, ""));
    };
    read(text, limits, |r, w| {
        r.place.section = Some(name);
        Ok(match name {
            "users" | "service_accounts" => Upsert::Principals {
                service_accounts: name == "service_accounts",
                rows: section(r, w, name, rows::PRINCIPAL_FIELDS, |cx, row| cx.principal(row))?,
            },
            "groups" => Upsert::Groups(section(r, w, name, rows::GROUP_FIELDS, |cx, row| cx.group(row))?),
            "roles" => Upsert::Roles(section(r, w, name, rows::ROLE_FIELDS, |cx, row| cx.role(row))?),
            "projects" => Upsert::Projects(section(r, w, name, rows::PROJECT_FIELDS, |cx, row| cx.project(row))?),
            "project_groups" => {
                Upsert::ProjectGroups(section(r, w, name, rows::PROJECT_GROUP_FIELDS, |cx, row| cx.project_group(row))?)
            }
            _ => Upsert::Objects(section(r, w, name, rows::OBJECT_FIELDS, |cx, row| cx.object(row))?),
        })
    })
}

const BATCH_KEYS: &[&str] = &["add_acls", "remove_acls"];

/// The body of a batch update: an object whose `add_acls` and `remove_acls` are sections of ACL items.
fn batch<'a>(r: &mut Reader<'a>, warnings: &mut Vec<Warning>) -> Result<AclBatch<'a>, Fail> {
    r.open_object("a batch update (a JSON object with `add_acls` and `remove_acls`)")?;
    let mut batch = AclBatch { add: Vec::new(), remove: Vec::new() };
    let mut seen = [false; BATCH_KEYS.len()];
    let mut first = true;
    while let Some(name) = r.next_section(&mut first, BATCH_KEYS, &mut seen)? {
        let rows = section(r, warnings, name, rows::ACL_FIELDS, |cx, row| cx.acl_item(row))?;
        if name == "add_acls" {
            batch.add = rows
        } else {
            batch.remove = rows
        }
        r.place.section = None;
    }
    Ok(batch)
}
