//! The envelope: one pass over the document, each section's rows validated as they stream past and
//! handed to a [`Sink`] one at a time, within the [`Limits`] the caller loads with.
//!
//! A document may arrive in pieces (a fetched body, chunk by chunk), and then no piece but the one being
//! read needs to be in memory. The reader works in *units* — the root's `{`, one key with its value (or
//! with its section's `[`), one row, a section's `]`, the root's `}` — and a unit that a piece's end cuts
//! off is read again from its start once the next piece is in. Nothing of a unit is kept or handed on
//! before it has been read whole, so a document read in pieces gives exactly what it gives read at once:
//! the same rows, warnings and errors, lines and columns included.

use super::error::{ErrorCode, SnapshotError};
use super::json::{Fail, Fields, Reader, Row, Value};
use super::rows::Timestamp;
use super::rows::{self, AclRow, GroupRow, Head, ObjectRow, PrincipalRow, ProjectGroupRow, RoleRow, RowCx, Skip};
use super::warning::{Warning, WarningCode};
use crate::expiry::parse_rfc3339;
use crate::options::Limits;

/// Where the rows of a document go, one at a time, as they are read from text that lives `'a`.
pub(crate) trait Sink<'a> {
    /// A section begins. Sections never interleave: one begun before the current one is complete.
    fn section(&mut self, name: &'static str);
    /// The section ends (a `null` section begins and ends at once).
    fn end_section(&mut self, name: &'static str);
    /// `org.id`, when it is a non-empty string.
    fn org(&mut self, id: &str);
    /// A row that passed the row-local checks.
    fn row(&mut self, row: Item<'a>);
    /// The reader stops: what the rows so far borrow from the text must be taken in now.
    fn pause(&mut self);
}

/// A validated row, by section.
pub(crate) enum Item<'a> {
    User(PrincipalRow<'a>),
    ServiceAccount(PrincipalRow<'a>),
    Group(GroupRow<'a>),
    Role(RoleRow<'a>),
    Project(Head<'a>),
    ProjectGroup(ProjectGroupRow<'a>),
    Object(ObjectRow<'a>),
    Acl(AclRow<'a>),
}

/// Reads a whole snapshot document from JSON text as UTF-8 bytes into `sink`.
pub(crate) fn read_all<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    sink: &mut impl Sink<'a>,
) -> Result<Envelope, SnapshotError> {
    check_size(bytes.len(), limits)?;
    let mut reader = Reader::new(bytes, *limits);
    let mut envelope = Envelope::default();
    envelope.read(&mut reader, sink, true).map_err(|f| reader.error(f))?;
    Ok(envelope)
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

/// How a section's rows are checked: see [`RowCx`].
type Validate = for<'a> fn(&mut RowCx<'_>, Row<'_, 'a>) -> Result<Item<'a>, Skip>;

/// A key of the document: the fields its rows keep and their check (`None` for a key that is no section
/// of rows).
struct Section {
    name: &'static str,
    fields: &'static [&'static str],
    validate: Option<Validate>,
}

/// The keys of a document; other keys are skipped.
const SECTIONS: &[Section] = &[
    Section { name: "org", fields: &[], validate: None },
    Section {
        name: "users",
        fields: rows::PRINCIPAL_FIELDS,
        validate: Some(|cx, row| cx.principal(row).map(Item::User)),
    },
    Section {
        name: "service_accounts",
        fields: rows::PRINCIPAL_FIELDS,
        validate: Some(|cx, row| cx.principal(row).map(Item::ServiceAccount)),
    },
    Section { name: "groups", fields: rows::GROUP_FIELDS, validate: Some(|cx, row| cx.group(row).map(Item::Group)) },
    Section { name: "roles", fields: rows::ROLE_FIELDS, validate: Some(|cx, row| cx.role(row).map(Item::Role)) },
    Section {
        name: "projects",
        fields: rows::PROJECT_FIELDS,
        validate: Some(|cx, row| cx.project(row).map(Item::Project)),
    },
    Section {
        name: "project_groups",
        fields: rows::PROJECT_GROUP_FIELDS,
        validate: Some(|cx, row| cx.project_group(row).map(Item::ProjectGroup)),
    },
    Section {
        name: "objects",
        fields: rows::OBJECT_FIELDS,
        validate: Some(|cx, row| cx.object(row).map(Item::Object)),
    },
    Section { name: "acls", fields: rows::ACL_FIELDS, validate: Some(|cx, row| cx.acl(row).map(Item::Acl)) },
    Section { name: "generated_at", fields: &[], validate: None },
    Section { name: "expires_at", fields: &[], validate: None },
];

const NAMES: [&str; SECTIONS.len()] = {
    let mut names = [""; SECTIONS.len()];
    let mut i = 0;
    while i < SECTIONS.len() {
        names[i] = SECTIONS[i].name;
        i += 1;
    }
    names
};

/// Where the reader is in the envelope, between units.
#[derive(Copy, Clone, Debug, Default)]
enum State {
    /// Before the root's `{`.
    #[default]
    Start,
    /// Between the root's keys; `first` until the first one.
    Keys { first: bool },
    /// In the rows of section `SECTIONS[section]`; `at` is the next row's position.
    Rows { section: usize, first: bool, at: usize },
    /// After the root's `}`.
    Done,
}

/// What `org` held.
#[derive(Default)]
enum Org {
    /// No `org`, or `org` or its `id` null.
    #[default]
    Missing,
    Id(Box<str>),
    Empty,
    /// `id` of another JSON type.
    Other(&'static str),
}

/// The reading of one document: where it is, and what it found beside the rows.
#[derive(Default)]
pub(crate) struct Envelope {
    state: State,
    seen: [bool; SECTIONS.len()],
    org: Org,
    generated_at: Option<Timestamp>,
    expires_at: Option<Timestamp>,
    /// The row-local warnings, in document order.
    warnings: Vec<Warning>,
}

/// What the envelope holds once the whole document was read.
pub(crate) struct Read {
    pub(crate) org_id: Box<str>,
    pub(crate) generated_at: Option<Timestamp>,
    pub(crate) expires_at: Option<Timestamp>,
    pub(crate) warnings: Vec<Warning>,
}

/// Why a unit was not read.
enum Stop {
    /// The text ends inside it: read it again when there is more.
    Cut,
    Fail(Fail),
}

impl Envelope {
    /// Reads units from `r` into `sink` until the text runs out (or the document ends). `last` says the
    /// text runs to the document's end; otherwise a unit the end cuts off is left unread, and `r` stops at
    /// its start, for the caller to read again with more text after it.
    pub(crate) fn read<'a>(&mut self, r: &mut Reader<'a>, sink: &mut impl Sink<'a>, last: bool) -> Result<(), Fail> {
        let mut fields = Fields::new(self.fields());
        let result = loop {
            let (start, state) = (r.offset(), self.state);
            match self.unit(r, sink, &mut fields, last) {
                Ok(true) => {}
                Ok(false) => break Ok(()),
                Err(Stop::Cut) => {
                    r.rewind(start);
                    self.state = state;
                    break Ok(());
                }
                Err(Stop::Fail(f)) => break Err(f),
            }
        };
        sink.pause();
        result
    }

    /// The fields kept in the rows of the current section.
    fn fields(&self) -> &'static [&'static str] {
        match self.state {
            State::Rows { section, .. } => SECTIONS.get(section).map_or(&[], |s| s.fields),
            _ => &[],
        }
    }

    /// Reads one unit; `false` when the text is used up with the document done.
    fn unit<'a>(
        &mut self,
        r: &mut Reader<'a>,
        sink: &mut impl Sink<'a>,
        fields: &mut Fields<'a>,
        last: bool,
    ) -> Result<bool, Stop> {
        // A failure near the end of a piece may only be the piece ending: the unit is read again.
        let cut = |r: &Reader<'a>, f: Fail| if !last && r.near_end(&f) { Stop::Cut } else { Stop::Fail(f) };
        // A unit read whole must still be followed by something: a number at the end of a piece may go
        // on in the next one.
        let ahead = |r: &mut Reader<'a>| if last || r.peek().is_some() { Ok(()) } else { Err(Stop::Cut) };
        match self.state {
            State::Start => {
                r.open_object("a snapshot document (a JSON object)").map_err(|f| cut(r, f))?;
                self.state = State::Keys { first: true };
            }
            State::Keys { mut first } => {
                r.place.section = None;
                r.place.row = None;
                let Some(name) = r.next_section(&mut first, &NAMES, &mut self.seen.clone()).map_err(|f| cut(r, f))?
                else {
                    ahead(r)?;
                    self.state = State::Done;
                    return Ok(true);
                };
                let section = NAMES.iter().position(|n| *n == name).unwrap_or(0);
                match name {
                    "org" => {
                        let org = org_id(r).map_err(|f| cut(r, f))?;
                        ahead(r)?;
                        if let Org::Id(id) = &org {
                            sink.org(id);
                        }
                        self.org = org;
                    }
                    "generated_at" | "expires_at" => {
                        let at = timestamp(r, name).map_err(|f| cut(r, f))?;
                        ahead(r)?;
                        *if name == "generated_at" { &mut self.generated_at } else { &mut self.expires_at } = at;
                    }
                    _ => {
                        let array = open_section(r, name).map_err(|f| cut(r, f))?;
                        ahead(r)?;
                        sink.section(name);
                        if array {
                            *fields = Fields::new(SECTIONS.get(section).map_or(&[], |s| s.fields));
                            self.state = State::Rows { section, first: true, at: 0 };
                            mark(&mut self.seen, section);
                            return Ok(true);
                        }
                        null_section(&mut self.warnings, name);
                        sink.end_section(name);
                    }
                }
                mark(&mut self.seen, section);
                self.state = State::Keys { first };
            }
            State::Rows { section, mut first, at } => {
                let name = NAMES.get(section).copied().unwrap_or("");
                r.place.section = Some(name);
                r.place.row = Some(at);
                let row = item(r, &mut first, fields).map_err(|f| cut(r, f))?;
                ahead(r)?;
                let Some(row) = row else {
                    r.place.section = None;
                    r.place.row = None;
                    sink.end_section(name);
                    self.state = State::Keys { first: false };
                    return Ok(true);
                };
                let validate = SECTIONS.get(section).and_then(|s| s.validate);
                if let Some(validate) = validate {
                    commit(r, &mut self.warnings, name, at, row, validate, |row| sink.row(row)).map_err(Stop::Fail)?;
                }
                self.state = State::Rows { section, first, at: at + 1 };
            }
            State::Done => {
                r.end().map_err(Stop::Fail)?;
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// What the document held beside its rows, once it has been read to its end.
    ///
    /// # Errors
    /// [`ErrorCode::MissingOrgId`] when `org.id` is not a non-empty string.
    pub(crate) fn finish(self) -> Result<Read, SnapshotError> {
        let org_id = match self.org {
            Org::Id(id) => id,
            Org::Other(kind) => {
                return Err(missing_org(&format!("`org.id` must be a string, found {kind}"), "org.id"));
            }
            Org::Empty => return Err(missing_org("`org.id` is empty", "org.id")),
            Org::Missing => return Err(missing_org("`org.id` is missing", "org.id")),
        };
        Ok(Read { org_id, generated_at: self.generated_at, expires_at: self.expires_at, warnings: self.warnings })
    }
}

/// Records that a section was read, once its unit is.
fn mark(seen: &mut [bool], section: usize) {
    if let Some(flag) = seen.get_mut(section) {
        *flag = true;
    }
}

/// Reads `org`, giving what its `id` holds.
fn org_id(r: &mut Reader<'_>) -> Result<Org, Fail> {
    match r.row(&mut Fields::new(rows::ORG_FIELDS), 1)? {
        Row::NotObject("null") => Ok(Org::Missing),
        Row::NotObject(kind) => Err(r.fail(ErrorCode::WrongType, format!("`org` must be an object, found {kind}"))),
        Row::Fields(f) => match f.duplicate {
            Some(key) => Err(r.fail(ErrorCode::DuplicateKey, format!("key `{key}` appears twice in `org`"))),
            None => match f.take("id") {
                Some(Value::Str(id)) if id.is_empty() => Ok(Org::Empty),
                Some(Value::Str(id)) => Ok(Org::Id(id.into())),
                Some(Value::Null) | None => Ok(Org::Missing),
                Some(other) => Ok(Org::Other(other.kind())),
            },
        },
    }
}

/// Reads `generated_at` or `expires_at`: an RFC 3339 date-time as milliseconds since the epoch; null is
/// absent.
fn timestamp(r: &mut Reader<'_>, name: &'static str) -> Result<Option<Timestamp>, Fail> {
    match r.field_value()? {
        Value::Null => Ok(None),
        Value::Str(text) => match parse_rfc3339(&text) {
            Some(millis) => Ok(Some(Timestamp { millis, text: text.into() })),
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

/// Opens a section's array: `true`; or reads a `null` section: `false`.
fn open_section(r: &mut Reader<'_>, name: &str) -> Result<bool, Fail> {
    match r.peek() {
        Some(b'[') => {
            r.open();
            Ok(true)
        }
        Some(b'n') => {
            // Only `null` starts with `n`: anything else is a syntax error, raised here.
            r.field_value()?;
            Ok(false)
        }
        _ => Err(r.wrong_type(&format!("`{name}` to be an array of rows"))),
    }
}

/// A `null` section reads as empty, with a warning.
fn null_section(warnings: &mut Vec<Warning>, name: &'static str) {
    warnings.push(Warning::new(WarningCode::NullSection, format!("`{name}` is null; read as empty"), name));
}

/// The next row of an open section, read whole; `None` at its `]`.
fn item<'r, 'a>(r: &mut Reader<'a>, first: &mut bool, fields: &'r mut Fields<'a>) -> Result<Option<Row<'r, 'a>>, Fail> {
    if !r.next_item(first)? {
        return Ok(None);
    }
    r.row(fields, 2).map(Some)
}

/// A row read whole, validated within the limits, and handed to `keep` unless it was skipped with a
/// warning. Handed on rather than returned: a row is up to 184 bytes, and each move of it was a `memcpy`
/// call (a sixth of reading an ACL batch, perf 2026-11-28).
fn commit<'a, T>(
    r: &Reader<'a>,
    warnings: &mut Vec<Warning>,
    name: &'static str,
    at: usize,
    row: Row<'_, 'a>,
    validate: impl FnOnce(&mut RowCx<'_>, Row<'_, 'a>) -> Result<T, Skip>,
    keep: impl FnOnce(T),
) -> Result<(), Fail> {
    r.check_rows(at)?;
    let mut cx = RowCx { section: name, at, warnings: &mut *warnings };
    if let Ok(item) = validate(&mut cx, row) {
        keep(item);
    }
    r.check_warnings(warnings.len())
}

/// Reads one section (of a delta body) whole: an array of rows, each validated on its own; `null` reads
/// as empty, with a warning. The array sits one level below the root.
pub(crate) fn section<'a, T>(
    r: &mut Reader<'a>,
    warnings: &mut Vec<Warning>,
    name: &'static str,
    fields: &'static [&'static str],
    validate: impl Fn(&mut RowCx<'_>, Row<'_, 'a>) -> Result<T, Skip>,
) -> Result<Vec<T>, Fail> {
    if !open_section(r, name)? {
        null_section(warnings, name);
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut buffer = Fields::new(fields);
    let mut first = true;
    let mut at = 0;
    loop {
        r.place.row = Some(at);
        let Some(row) = item(r, &mut first, &mut buffer)? else { break };
        commit(r, warnings, name, at, row, &validate, |item| out.push(item))?;
        at += 1;
    }
    r.place.row = None;
    Ok(out)
}
