//! The envelope: one pass over the document, each section's rows validated as they stream past, within
//! the [`Limits`] the caller loads with.

use super::error::{ErrorCode, SnapshotError};
use super::json::{Fail, Fields, Reader, Row, Value};
use super::rows::{self, Document, RowCx, Skip, Timestamp};
use super::warning::{Warning, WarningCode};
use crate::expiry::parse_rfc3339;
use crate::options::Limits;

/// Reads a snapshot document from JSON text as UTF-8 bytes.
pub(crate) fn parse<'a>(bytes: &'a [u8], limits: &Limits) -> Result<(Document<'a>, Vec<Warning>), SnapshotError> {
    check_size(bytes.len(), limits)?;
    let mut reader = Reader::new(bytes, *limits);
    let mut warnings = Vec::new();
    let (doc, org) =
        document(&mut reader, &mut warnings).and_then(|doc| reader.end().map(|()| doc)).map_err(|f| reader.error(f))?;
    let org_id = match org {
        Some(Value::Str(id)) if !id.is_empty() => id,
        Some(Value::Str(_)) => return Err(missing_org("`org.id` is empty", "org.id")),
        Some(Value::Null) | None => return Err(missing_org("`org.id` is missing", "org.id")),
        Some(other) => {
            return Err(missing_org(&format!("`org.id` must be a string, found {}", other.kind()), "org.id"));
        }
    };
    Ok((Document { org_id, ..doc }, warnings))
}

/// Fails for a document of more bytes than the limit allows.
pub(crate) fn check_size(len: usize, limits: &Limits) -> Result<(), SnapshotError> {
    if len <= limits.document_bytes {
        return Ok(());
    }
    Err(SnapshotError::new(
        ErrorCode::LimitExceeded,
        format!("document of {len} bytes, larger than the limit `document_bytes` = {}", limits.document_bytes),
        "",
    ))
}

fn missing_org(message: &str, path: &str) -> SnapshotError {
    SnapshotError::new(ErrorCode::MissingOrgId, message, path)
}

const SECTIONS: &[&str] = &[
    "org",
    "users",
    "service_accounts",
    "groups",
    "roles",
    "projects",
    "project_groups",
    "objects",
    "acls",
    "generated_at",
    "expires_at",
];

/// The root object: the rows of every section, and the value of `org.id` (`None` when `org` or its `id`
/// is absent).
fn document<'a>(r: &mut Reader<'a>, w: &mut Vec<Warning>) -> Result<(Document<'a>, Option<Value<'a>>), Fail> {
    r.open_object("a snapshot document (a JSON object)")?;
    let mut doc = Document::default();
    let mut org = None;
    let mut seen = [false; SECTIONS.len()];
    let mut first = true;
    while let Some(name) = r.next_section(&mut first, SECTIONS, &mut seen)? {
        match name {
            "org" => org = Some(org_id(r)?),
            "generated_at" => doc.generated_at = timestamp(r, name)?,
            "expires_at" => doc.expires_at = timestamp(r, name)?,
            "users" => doc.users = section(r, w, name, rows::PRINCIPAL_FIELDS, |cx, row| cx.principal(row))?,
            "service_accounts" => {
                doc.service_accounts = section(r, w, name, rows::PRINCIPAL_FIELDS, |cx, row| cx.principal(row))?
            }
            "groups" => doc.groups = section(r, w, name, rows::GROUP_FIELDS, |cx, row| cx.group(row))?,
            "roles" => doc.roles = section(r, w, name, rows::ROLE_FIELDS, |cx, row| cx.role(row))?,
            "projects" => doc.projects = section(r, w, name, rows::PROJECT_FIELDS, |cx, row| cx.project(row))?,
            "project_groups" => {
                doc.project_groups = section(r, w, name, rows::PROJECT_GROUP_FIELDS, |cx, row| cx.project_group(row))?
            }
            "objects" => doc.objects = section(r, w, name, rows::OBJECT_FIELDS, |cx, row| cx.object(row))?,
            _ => doc.acls = section(r, w, name, rows::ACL_FIELDS, |cx, row| cx.acl(row))?,
        }
        r.place.section = None;
    }
    // An absent org is `None`; a present one yields its `id` value (itself `None` when absent).
    Ok((doc, org.flatten()))
}

/// Reads `org`, giving the value of its `id` field.
fn org_id<'a>(r: &mut Reader<'a>) -> Result<Option<Value<'a>>, Fail> {
    match r.row(&mut Fields::new(rows::ORG_FIELDS), 1)? {
        Row::NotObject("null") => Ok(None),
        Row::NotObject(kind) => Err(r.fail(ErrorCode::WrongType, format!("`org` must be an object, found {kind}"))),
        Row::Fields(f) => match f.duplicate {
            Some(key) => Err(r.fail(ErrorCode::DuplicateKey, format!("key `{key}` appears twice in `org`"))),
            None => Ok(f.take("id")),
        },
    }
}

/// Reads `generated_at` or `expires_at`: an RFC 3339 date-time as milliseconds since the epoch; null is
/// absent.
fn timestamp<'a>(r: &mut Reader<'a>, name: &'static str) -> Result<Option<Timestamp<'a>>, Fail> {
    match r.field_value()? {
        Value::Null => Ok(None),
        Value::Str(text) => match parse_rfc3339(&text) {
            Some(millis) => Ok(Some(Timestamp { millis, text })),
            None => Err(r.fail(
                ErrorCode::InvalidTimestamp,
                format!("`{name}` must be an RFC 3339 date-time such as 2026-11-28T09:00:00Z, found `{text}`"),
            )),
        },
        other => Err(r.fail(
            ErrorCode::InvalidTimestamp,
            format!("`{name}` must be an RFC 3339 date-time string, found {}", other.kind()),
        )),
    }
}

/// Reads one section: an array of rows, each validated on its own; `null` reads as empty, with a warning.
/// The array sits one level below the root (a snapshot's section, or a delta body's root array).
pub(crate) fn section<'a, T>(
    r: &mut Reader<'a>,
    warnings: &mut Vec<Warning>,
    name: &'static str,
    fields: &'static [&'static str],
    validate: fn(&mut RowCx<'_>, Row<'_, 'a>) -> Result<T, Skip>,
) -> Result<Vec<T>, Fail> {
    match r.peek() {
        Some(b'[') => r.open(),
        Some(b'n') => {
            // Only `null` starts with `n`: anything else is a syntax error, raised here.
            r.field_value()?;
            warnings.push(Warning::new(WarningCode::NullSection, format!("`{name}` is null; read as empty"), name));
            return Ok(Vec::new());
        }
        _ => return Err(r.wrong_type(&format!("`{name}` to be an array of rows"))),
    }
    let mut out = Vec::new();
    let mut buffer = Fields::new(fields);
    let mut first = true;
    let mut at = 0;
    loop {
        r.place.row = Some(at);
        if !r.next_item(&mut first)? {
            break;
        }
        let row = r.row(&mut buffer, 2)?;
        r.check_rows(at)?;
        let mut cx = RowCx { section: name, at, warnings: &mut *warnings };
        if let Ok(item) = validate(&mut cx, row) {
            out.push(item);
        }
        r.check_warnings(warnings.len())?;
        at += 1;
    }
    r.place.row = None;
    Ok(out)
}
