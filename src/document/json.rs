//! Forgiving JSON reading: a borrowed value type for the fields permeval reads, and a row reader that keeps
//! only the fields it is asked for.
//!
//! Typed serde structs would turn one bad field anywhere into an error for the whole document; here every
//! known field is read as a [`Value`] of whatever JSON type it has, and the row validators decide what a
//! wrong type costs. Unknown fields are skipped with `IgnoredAny`, so they are never allocated.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

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

impl<'de> de::Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
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
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Value<'de>, E> {
        Ok(Value::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value<'de>, E> {
        Ok(Value::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_string<E>(self, s: String) -> Result<Value<'de>, E> {
        Ok(Value::Str(Cow::Owned(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key_seed(KeyText)? {
            entries.push((key, map.next_value()?));
        }
        Ok(Value::Object(entries))
    }
}

/// Reads an object key as text, borrowed when possible.
struct KeyText;

impl<'de> DeserializeSeed<'de> for KeyText {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyText {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(s))
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
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
pub(crate) struct RowReader(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for RowReader {
    type Value = Row<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowReader {
    type Value = Row<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row<'de>, A::Error> {
        let mut fields = Fields { names: self.0, values: Default::default(), duplicate: None };
        while let Some(key) = map.next_key_seed(KeyIn(self.0))? {
            match key.and_then(|ix| fields.values.get_mut(ix).map(|slot| (ix, slot))) {
                Some((ix, slot)) => {
                    let value: Value<'de> = map.next_value()?;
                    if slot.is_some() {
                        fields.duplicate = fields.duplicate.or(self.0.get(ix).copied());
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
