//! The envelope: one pass over the document, each section's rows validated as they stream past, within
//! the [`Limits`] the caller loads with.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::error::{ErrorCode, SnapshotError};
use super::json::{KeyIn, Row, RowReader, Tracker, Value, ValueSeed};
use super::rows::{self, Document, RowCx, Skip, Timestamp};
use super::warning::{Warning, WarningCode};
use crate::expiry::parse_rfc3339;
use crate::options::Limits;

/// Reads a snapshot document from JSON text (as `&str` or UTF-8 bytes) of `len` bytes.
pub(crate) fn parse<'a, R>(read: R, len: usize, limits: &Limits) -> Result<(Document<'a>, Vec<Warning>), SnapshotError>
where
    R: serde_json::de::Read<'a>,
{
    check_size(len, limits)?;
    let mut de = serde_json::Deserializer::new(read);
    let tracker = Tracker::new(*limits);
    let mut warnings = Vec::new();
    let seed = DocumentSeed { tracker: &tracker, warnings: &mut warnings };
    let (doc, org) = seed.deserialize(&mut de).and_then(|doc| de.end().map(|()| doc)).map_err(|e| tracker.error(&e))?;
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

struct DocumentSeed<'t, 'w> {
    tracker: &'t Tracker,
    warnings: &'w mut Vec<Warning>,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_, '_> {
    type Value = (Document<'de>, Option<Value<'de>>);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_, '_> {
    type Value = (Document<'de>, Option<Value<'de>>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a snapshot document (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut doc = Document::default();
        let mut org = None;
        let mut seen = [false; SECTIONS.len()];
        while let Some(key) = map.next_key_seed(KeyIn(SECTIONS))? {
            let Some(ix) = key else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let name = SECTIONS.get(ix).copied().unwrap_or("");
            self.tracker.section.set(Some(name));
            if seen.get_mut(ix).is_some_and(|seen| std::mem::replace(seen, true)) {
                return Err(self.tracker.fail(ErrorCode::DuplicateKey, format_args!("key `{name}` appears twice")));
            }
            let t = self.tracker;
            let w = &mut *self.warnings;
            match name {
                "org" => org = Some(map.next_value_seed(OrgSeed(t))?),
                "generated_at" => doc.generated_at = map.next_value_seed(TimestampSeed { name, tracker: t })?,
                "expires_at" => doc.expires_at = map.next_value_seed(TimestampSeed { name, tracker: t })?,
                "users" => {
                    doc.users = map.next_value_seed(Section::new(
                        name,
                        t,
                        w,
                        |cx, row| cx.principal(row),
                        rows::PRINCIPAL_FIELDS,
                    ))?
                }
                "service_accounts" => {
                    doc.service_accounts = map.next_value_seed(Section::new(
                        name,
                        t,
                        w,
                        |cx, row| cx.principal(row),
                        rows::PRINCIPAL_FIELDS,
                    ))?
                }
                "groups" => {
                    doc.groups =
                        map.next_value_seed(Section::new(name, t, w, |cx, row| cx.group(row), rows::GROUP_FIELDS))?
                }
                "roles" => {
                    doc.roles =
                        map.next_value_seed(Section::new(name, t, w, |cx, row| cx.role(row), rows::ROLE_FIELDS))?
                }
                "projects" => {
                    doc.projects =
                        map.next_value_seed(Section::new(name, t, w, |cx, row| cx.project(row), rows::PROJECT_FIELDS))?
                }
                "project_groups" => {
                    doc.project_groups = map.next_value_seed(Section::new(
                        name,
                        t,
                        w,
                        |cx, row| cx.project_group(row),
                        rows::PROJECT_GROUP_FIELDS,
                    ))?
                }
                "objects" => {
                    doc.objects =
                        map.next_value_seed(Section::new(name, t, w, |cx, row| cx.object(row), rows::OBJECT_FIELDS))?
                }
                _ => {
                    doc.acls = map.next_value_seed(Section::new(name, t, w, |cx, row| cx.acl(row), rows::ACL_FIELDS))?
                }
            }
            self.tracker.section.set(None);
        }
        // An absent org is `None`; a present one yields its `id` value (itself `None` when absent).
        Ok((doc, org.flatten()))
    }
}

/// Reads `org`, giving the value of its `id` field.
struct OrgSeed<'t>(&'t Tracker);

impl<'de> DeserializeSeed<'de> for OrgSeed<'_> {
    type Value = Option<Value<'de>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        match (RowReader { fields: rows::ORG_FIELDS, tracker: self.0 }).deserialize(d)? {
            Row::NotObject("null") => Ok(None),
            Row::NotObject(kind) => {
                Err(self.0.fail(ErrorCode::WrongType, format_args!("`org` must be an object, found {kind}")))
            }
            Row::Fields(mut f) => match f.duplicate {
                Some(key) => {
                    Err(self.0.fail(ErrorCode::DuplicateKey, format_args!("key `{key}` appears twice in `org`")))
                }
                None => Ok(f.take("id")),
            },
        }
    }
}

/// Reads `generated_at` or `expires_at`: an RFC 3339 date-time as milliseconds since the epoch; null is
/// absent.
struct TimestampSeed<'t> {
    name: &'static str,
    tracker: &'t Tracker,
}

impl<'de> DeserializeSeed<'de> for TimestampSeed<'_> {
    type Value = Option<Timestamp<'de>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let name = self.name;
        match (ValueSeed { tracker: self.tracker, top: true }).deserialize(d)? {
            Value::Null => Ok(None),
            Value::Str(text) => match parse_rfc3339(&text) {
                Some(millis) => Ok(Some(Timestamp { millis, text })),
                None => Err(self.tracker.fail(
                    ErrorCode::InvalidTimestamp,
                    format_args!("`{name}` must be an RFC 3339 date-time such as 2026-11-28T09:00:00Z, found `{text}`"),
                )),
            },
            other => Err(self.tracker.fail(
                ErrorCode::InvalidTimestamp,
                format_args!("`{name}` must be an RFC 3339 date-time string, found {}", other.kind()),
            )),
        }
    }
}

/// Reads one section: an array of rows, each validated on its own; `null` reads as empty, with a warning.
pub(crate) struct Section<'de, 't, 'w, T> {
    name: &'static str,
    tracker: &'t Tracker,
    warnings: &'w mut Vec<Warning>,
    validate: fn(&mut RowCx<'_>, Row<'de>) -> Result<T, Skip>,
    fields: &'static [&'static str],
}

impl<'de, 't, 'w, T> Section<'de, 't, 'w, T> {
    pub(crate) fn new(
        name: &'static str,
        tracker: &'t Tracker,
        warnings: &'w mut Vec<Warning>,
        validate: fn(&mut RowCx<'_>, Row<'de>) -> Result<T, Skip>,
        fields: &'static [&'static str],
    ) -> Self {
        Section { name, tracker, warnings, validate, fields }
    }
}

impl<'de, T> DeserializeSeed<'de> for Section<'de, '_, '_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T> Visitor<'de> for Section<'de, '_, '_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` to be an array of rows", self.name)
    }

    fn visit_unit<E>(self) -> Result<Vec<T>, E> {
        self.warnings.push(Warning::new(
            WarningCode::NullSection,
            format!("`{}` is null; read as empty", self.name),
            self.name,
        ));
        Ok(Vec::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        let mut at = 0;
        loop {
            self.tracker.row.set(Some(at));
            let Some(row) = seq.next_element_seed(RowReader { fields: self.fields, tracker: self.tracker })? else {
                break;
            };
            self.tracker.check_rows(at)?;
            let mut cx = RowCx { section: self.name, at, warnings: &mut *self.warnings };
            if let Ok(item) = (self.validate)(&mut cx, row) {
                out.push(item);
            }
            self.tracker.check_warnings(self.warnings.len())?;
            at += 1;
        }
        self.tracker.row.set(None);
        Ok(out)
    }
}
