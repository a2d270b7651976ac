//! Forgiving JSON reading: a borrowed value type for the fields permeval reads, and a row reader that keeps
//! only the fields it is asked for.
//!
//! Typed serde structs would turn one bad field anywhere into an error for the whole document; here every
//! known field is read as a [`Value`] of whatever JSON type it has, and the row validators decide what a
//! wrong type costs. Unknown fields are skipped with `IgnoredAny`, so they are never allocated.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::error::Category;

use super::error::{ErrorCode, SnapshotError};
use crate::options::Limits;

/// Where the reader is, the limits it enforces, and the code of an error it raised itself.
///
/// serde's errors are opaque strings, so the reader keeps its own note of where it is (section, row,
/// field, list entry) and, for the errors it raises itself, which code to report; a failure is then turned
/// into a [`SnapshotError`] with a JSON path instead of only a line and column.
pub(crate) struct Tracker {
    pub(crate) limits: Limits,
    pub(crate) section: Cell<Option<&'static str>>,
    pub(crate) row: Cell<Option<usize>>,
    field: Cell<Option<&'static str>>,
    entry: Cell<Option<usize>>,
    code: Cell<Option<ErrorCode>>,
}

impl Tracker {
    pub(crate) fn new(limits: Limits) -> Self {
        Tracker {
            limits,
            section: Cell::new(None),
            row: Cell::new(None),
            field: Cell::new(None),
            entry: Cell::new(None),
            code: Cell::new(None),
        }
    }

    /// An error with a code of permeval's own, at the current position.
    pub(crate) fn fail<E: de::Error>(&self, code: ErrorCode, message: fmt::Arguments<'_>) -> E {
        self.code.set(Some(code));
        E::custom(message)
    }

    /// Fails once an array holds more than the limit allows; `len` is the count before adding one more.
    pub(crate) fn check_rows<E: de::Error>(&self, len: usize) -> Result<(), E> {
        let limit = self.limits.rows_per_array;
        if len < limit {
            return Ok(());
        }
        Err(self.fail(ErrorCode::LimitExceeded, format_args!("array longer than the limit `rows_per_array` = {limit}")))
    }

    /// Fails once more warnings have been recorded than the limit allows.
    pub(crate) fn check_warnings<E: de::Error>(&self, recorded: usize) -> Result<(), E> {
        let limit = self.limits.warnings;
        if recorded <= limit {
            return Ok(());
        }
        Err(self.fail(ErrorCode::LimitExceeded, format_args!("more warnings than the limit `warnings` = {limit}")))
    }

    fn check_text<E: de::Error>(&self, text: &str) -> Result<(), E> {
        let limit = self.limits.id_bytes;
        if text.len() <= limit {
            return Ok(());
        }
        Err(self.fail(
            ErrorCode::LimitExceeded,
            format_args!("string of {} bytes, longer than the limit `id_bytes` = {limit}", text.len()),
        ))
    }

    pub(crate) fn error(&self, e: &serde_json::Error) -> SnapshotError {
        let code = self.code.get().unwrap_or(match e.classify() {
            Category::Data => ErrorCode::WrongType,
            Category::Syntax if e.to_string().starts_with("recursion limit exceeded") => ErrorCode::NestingTooDeep,
            Category::Syntax | Category::Eof | Category::Io => ErrorCode::InvalidJson,
        });
        let text = e.to_string();
        // serde_json appends " at line L column C"; the position is kept in its own fields instead.
        let message = match text.rfind(" at line ") {
            Some(cut) => text.get(..cut).unwrap_or(&text).to_owned(),
            None => text,
        };
        let mut path = String::new();
        if let Some(section) = self.section.get() {
            path.push_str(section);
            if let Some(row) = self.row.get() {
                path.push_str(&format!("[{row}]"));
            }
            // Syntax errors keep the row as their place: the field being read when the text broke off is
            // not where the fault is.
            if let (Some(field), ErrorCode::LimitExceeded) = (self.field.get(), code) {
                path.push('.');
                path.push_str(field);
                if let Some(entry) = self.entry.get() {
                    path.push_str(&format!("[{entry}]"));
                }
            }
        }
        let mut err = SnapshotError::new(code, message, path);
        if e.line() > 0 {
            err.line = Some(e.line());
            err.column = Some(e.column());
        }
        err
    }
}

/// A JSON value, strings borrowed from the input where no escape forced a copy.
#[derive(Debug, Clone)]
pub(crate) enum Value<'a> {
    Null,
    Bool,
    Number,
    Str(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl Value<'_> {
    /// The JSON type name, for messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool => "a boolean",
            Value::Number => "a number",
            Value::Str(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// Reads a [`Value`] within the tracker's limits; `top` marks the value of a field, whose list entries
/// are noted for error paths.
#[derive(Clone, Copy)]
pub(crate) struct ValueSeed<'t> {
    pub(crate) tracker: &'t Tracker,
    pub(crate) top: bool,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Value<'de>, E> {
        Ok(Value::Bool)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Value<'de>, E> {
        Ok(Value::Number)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Value<'de>, E> {
        Ok(Value::Number)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Value<'de>, E> {
        Ok(Value::Number)
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Value<'de>, E> {
        self.tracker.check_text(s)?;
        Ok(Value::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value<'de>, E> {
        self.tracker.check_text(s)?;
        Ok(Value::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Value<'de>, E> {
        self.tracker.check_text(&s)?;
        Ok(Value::Str(Cow::Owned(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        let mut items = Vec::new();
        let inner = ValueSeed { top: false, ..self };
        loop {
            if self.top {
                self.tracker.entry.set(Some(items.len()));
            }
            let Some(v) = seq.next_element_seed(inner)? else { break };
            self.tracker.check_rows(items.len())?;
            items.push(v);
        }
        if self.top {
            self.tracker.entry.set(None);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        let mut entries = Vec::new();
        let inner = ValueSeed { top: false, ..self };
        while let Some(key) = map.next_key_seed(KeyText(self.tracker))? {
            entries.push((key, map.next_value_seed(inner)?));
        }
        Ok(Value::Object(entries))
    }
}

/// Reads an object key as text, borrowed when possible.
struct KeyText<'t>(&'t Tracker);

impl<'de> DeserializeSeed<'de> for KeyText<'_> {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyText<'_> {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        self.0.check_text(s)?;
        Ok(Cow::Borrowed(s))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        self.0.check_text(s)?;
        Ok(Cow::Owned(s.to_owned()))
    }
}

/// Matches an object key against a fixed list of names, giving its position or `None` for any other key.
pub(crate) struct KeyIn(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for KeyIn {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIn {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| *name == s))
    }
}

/// The most fields any row reader keeps.
pub(crate) const MAX_FIELDS: usize = 10;

/// One row as read: either not an object at all, or the values of the requested fields.
// Rows live on the stack one at a time while a section streams past; boxing the big variant would cost an
// allocation per row for nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Row<'a> {
    NotObject(&'static str),
    Fields(Fields<'a>),
}

/// The requested fields of one object row, by position in the reader's name list.
pub(crate) struct Fields<'a> {
    names: &'static [&'static str],
    values: [Option<Value<'a>>; MAX_FIELDS],
    /// The first requested field that appeared twice, if any.
    pub(crate) duplicate: Option<&'static str>,
}

impl<'a> Fields<'a> {
    /// Moves the value of `name` out of the row; `None` when absent. A name not in the reader's list is a
    /// bug, and reads as absent.
    pub(crate) fn take(&mut self, name: &str) -> Option<Value<'a>> {
        let ix = self.names.iter().position(|n| *n == name)?;
        self.values.get_mut(ix)?.take()
    }
}

/// Reads one array element as a [`Row`] keeping the named fields.
pub(crate) struct RowReader<'t> {
    pub(crate) fields: &'static [&'static str],
    pub(crate) tracker: &'t Tracker,
}

impl<'de> DeserializeSeed<'de> for RowReader<'_> {
    type Value = Row<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowReader<'_> {
    type Value = Row<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row<'de>, A::Error> {
        let mut fields = Fields { names: self.fields, values: Default::default(), duplicate: None };
        while let Some(key) = map.next_key_seed(KeyIn(self.fields))? {
            match key.and_then(|ix| fields.values.get_mut(ix).map(|slot| (ix, slot))) {
                Some((ix, slot)) => {
                    let name = self.fields.get(ix).copied();
                    self.tracker.field.set(name);
                    let value = map.next_value_seed(ValueSeed { tracker: self.tracker, top: true })?;
                    self.tracker.field.set(None);
                    if slot.is_some() {
                        fields.duplicate = fields.duplicate.or(name);
                    } else {
                        *slot = Some(value);
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Row::Fields(fields))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Row<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Row::NotObject("an array"))
    }
    fn visit_unit<E>(self) -> Result<Row<'de>, E> {
        Ok(Row::NotObject("null"))
    }
    fn visit_none<E>(self) -> Result<Row<'de>, E> {
        Ok(Row::NotObject("null"))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Row<'de>, E> {
        Ok(Row::NotObject("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Row<'de>, E> {
        Ok(Row::NotObject("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Row<'de>, E> {
        Ok(Row::NotObject("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Row<'de>, E> {
        Ok(Row::NotObject("a number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Row<'de>, E> {
        Ok(Row::NotObject("a string"))
    }
}
