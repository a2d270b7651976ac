//! Forgiving JSON reading, by hand: a byte reader that yields rows holding only the fields permeval uses.
//!
//! Typed structs would turn one bad field anywhere into an error for the whole document; here every known
//! field is read as a [`Value`] of whatever JSON type it has, and the row validators decide what a wrong
//! type costs. Everything else (names, timestamps, fields the API adds later) is stepped over without being
//! built: without recursion, so content permeval skips may nest at any depth, and without UTF-8 checks,
//! since it is never read.
//!
//! Why not serde_json: reading through it and serde's visitors was half of the load time of a 100k-row org
//! (perf, 2026-11-28), and the two crates were about a fifth of the wasm. The same rows read by hand took
//! the native load from about 230 to 180 ms and the wasm from 185 to 161 KB gzipped. The reader also
//! knows the errors it raises (code, message, byte offset), so every failure becomes a [`SnapshotError`]
//! with a JSON path, a line and a column, without parsing serde's message text.

use std::borrow::Cow;

use super::error::{ErrorCode, SnapshotError};
use crate::options::Limits;
use crate::text;

/// Containers nested deeper than this, in content that is read, fail with
/// [`ErrorCode::NestingTooDeep`]: the reader of values recurses, and wasm's stack is small.
const MAX_DEPTH: usize = 128;

/// A failure at a byte offset: turned into a [`SnapshotError`] by [`Reader::error`].
#[derive(Debug)]
pub(crate) struct Fail {
    code: ErrorCode,
    message: String,
    at: usize,
}

/// Where the reader is in the document, for the paths of errors.
#[derive(Default)]
pub(crate) struct Place {
    pub(crate) section: Option<&'static str>,
    pub(crate) row: Option<usize>,
    field: Option<&'static str>,
    entry: Option<usize>,
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

/// The most fields any row reader keeps.
pub(crate) const MAX_FIELDS: usize = 10;

/// One row as read: either not an object at all, or the values of the requested fields, held in a buffer
/// the section reuses row after row (moving a row of ten values by value cost a tenth of the load).
pub(crate) enum Row<'r, 'a> {
    NotObject(&'static str),
    Fields(&'r mut Fields<'a>),
}

/// The requested fields of one object row, by position in the reader's name list.
pub(crate) struct Fields<'a> {
    names: &'static [&'static str],
    values: [Option<Value<'a>>; MAX_FIELDS],
    /// The first requested field that appeared twice, if any.
    pub(crate) duplicate: Option<&'static str>,
    /// Where the next [`Fields::take`] starts looking.
    next: usize,
}

impl<'a> Fields<'a> {
    /// An empty buffer for rows keeping the named fields (at most [`MAX_FIELDS`]).
    pub(crate) fn new(names: &'static [&'static str]) -> Self {
        Fields { names, values: Default::default(), duplicate: None, next: 0 }
    }

    /// Moves the value of `name` out of the row; `None` when absent. A name not in the reader's list is a
    /// bug, and reads as absent.
    #[inline(always)]
    pub(crate) fn take(&mut self, name: &str) -> Option<Value<'a>> {
        // Validators take the fields in the order of the list, by the same literals the list holds, which
        // the compiler keeps once: the name at `next` is mostly the very same text, and comparing it byte
        // by byte was a fifth of reading an ACL batch (perf, 2026-11-28).
        let expected =
            self.names.get(self.next).filter(|n| std::ptr::eq(n.as_ptr(), name.as_ptr()) && n.len() == name.len());
        let ix = match expected {
            Some(_) => self.next,
            None => position_from(self.names, self.next, name)?,
        };
        self.next = ix + 1;
        self.values.get_mut(ix)?.take()
    }
}

/// The position of `name` in `names`, looking from `start` on and then wrapping around.
///
/// Validators take fields in the order of their lists, and JSON writers mostly write them in that order
/// too: started after the last one found, the search mostly ends at its first comparison. From the front,
/// an ACL row cost 45 comparisons, 6% of a delta batch in wasm (V8 profile, 2026-11-28).
fn position_from(names: &[&str], start: usize, name: &str) -> Option<usize> {
    // A plain loop: as a chain of two ranges, or with `%`, this was slower than the scan from the front it
    // replaces (wasm profile).
    let mut at = start;
    for _ in 0..names.len() {
        if at >= names.len() {
            at = 0;
        }
        if names.get(at).is_some_and(|candidate| text::same(candidate, name)) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// A pull reader over JSON bytes, within [`Limits`].
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    /// The same bytes as text, when they are UTF-8: given by a caller that had them as a `&str`, or
    /// checked once up front (fast, one pass over mostly ASCII). A string read is then sliced out of it
    /// instead of being checked on its own. A document that fails the check is read string by string, so
    /// that the error names the row with the bad bytes.
    text: Option<&'a str>,
    pos: usize,
    limits: Limits,
    pub(crate) place: Place,
    /// Where `bytes` start in the whole document, for the lines and columns of errors.
    origin: Origin,
}

/// Where a piece of a document starts: the loader reads a document piece by piece.
#[derive(Copy, Clone, Debug, Default)]
pub(crate) struct Origin {
    /// Newlines before the piece.
    pub(crate) lines: usize,
    /// Bytes between the last of those newlines (or the document's start) and the piece.
    pub(crate) column: usize,
}

impl Origin {
    /// The origin of the bytes that follow `bytes`, which followed this one.
    pub(crate) fn after(self, bytes: &[u8]) -> Origin {
        let (count, last) = newlines(bytes);
        match last {
            Some(last) => Origin { lines: self.lines + count, column: bytes.len() - last - 1 },
            None => Origin { lines: self.lines, column: self.column + bytes.len() },
        }
    }
}

/// The number of newlines in `bytes`, and the offset of the last one.
///
/// Eight bytes at a time: a document read in pieces has every byte of it counted here, and a byte loop
/// was a tenth of a load in wasm (V8 profile, 2026-11-28).
fn newlines(bytes: &[u8]) -> (usize, Option<usize>) {
    const NL: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut chunks = bytes.chunks_exact(8);
    let (mut count, mut last_word) = (0, None);
    for (i, chunk) in (&mut chunks).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ NL;
        // A byte's high bit is set here exactly where that byte of `x` is zero, that is, a newline.
        let marks = !(((x & LOW) + LOW) | x | LOW);
        if marks != 0 {
            count += marks.count_ones() as usize;
            last_word = Some(i * 8 + 7 - (marks.leading_zeros() / 8) as usize);
        }
    }
    let tail = bytes.len() - chunks.remainder().len();
    let mut last = last_word;
    for (i, b) in chunks.remainder().iter().enumerate() {
        if *b == b'\n' {
            count += 1;
            last = Some(tail + i);
        }
    }
    (count, last)
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], limits: Limits) -> Self {
        Reader::at(bytes, limits, Origin::default())
    }

    /// A reader over a piece of a document that starts at `origin`. A piece may end inside a character:
    /// then the text before it is still checked once.
    pub(crate) fn at(bytes: &'a [u8], limits: Limits, origin: Origin) -> Self {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(e) => bytes.get(..e.valid_up_to()).and_then(|valid| std::str::from_utf8(valid).ok()),
        };
        Reader { bytes, text, pos: 0, limits, place: Place::default(), origin }
    }

    /// A reader over text known to be UTF-8.
    pub(crate) fn of_text(text: &'a str, limits: Limits) -> Self {
        Reader {
            bytes: text.as_bytes(),
            text: Some(text),
            pos: 0,
            limits,
            place: Place::default(),
            origin: Origin::default(),
        }
    }

    /// The offset the reader is at.
    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    /// Goes back to an offset taken from [`Reader::offset`], to read a piece again once more text is in.
    pub(crate) fn rewind(&mut self, to: usize) {
        self.pos = to;
    }

    /// The bytes read so far.
    pub(crate) fn read(&self) -> &'a [u8] {
        self.bytes.get(..self.pos).unwrap_or(self.bytes)
    }

    /// Whether `fail` may be only the text breaking off: it stands within a few bytes of the end (the
    /// longest construct read whole before failing is a `\u` surrogate pair, 12 bytes).
    pub(crate) fn near_end(&self, fail: &Fail) -> bool {
        fail.at + 16 >= self.bytes.len()
    }

    /// A failure with `code` at the current offset.
    pub(crate) fn fail(&self, code: ErrorCode, message: impl Into<String>) -> Fail {
        Fail { code, message: message.into(), at: self.pos }
    }

    /// A syntax error: the end of the text, or `expected` where something else stands.
    fn syntax(&self, expected: &str) -> Fail {
        match self.bytes.get(self.pos) {
            None => self.fail(ErrorCode::InvalidJson, format!("the text ends where {expected} should follow")),
            Some(b) => self.fail(ErrorCode::InvalidJson, format!("expected {expected}, found {}", shown(*b))),
        }
    }

    /// The failure as a [`SnapshotError`]: its path from where the reader was, its line and column from
    /// the offset.
    pub(crate) fn error(&self, fail: Fail) -> SnapshotError {
        let mut path = String::new();
        if let Some(section) = self.place.section {
            path.push_str(section);
            if let Some(row) = self.place.row {
                path.push_str(&format!("[{row}]"));
            }
            // Syntax errors keep the row as their place: the field being read when the text broke off is
            // not where the fault is.
            if let (Some(field), ErrorCode::LimitExceeded) = (self.place.field, fail.code) {
                path.push('.');
                path.push_str(field);
                if let Some(entry) = self.place.entry {
                    path.push_str(&format!("[{entry}]"));
                }
            }
        }
        let before = self.origin.after(self.bytes.get(..fail.at).unwrap_or(self.bytes));
        let mut err = SnapshotError::new(fail.code, fail.message, path);
        err.line = Some(1 + before.lines);
        err.column = Some(1 + before.column);
        err
    }

    /// Skips whitespace and returns the next byte, if any, without consuming it.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.bytes.get(self.pos) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    /// Consumes `byte` (after whitespace) or fails, naming `expected`.
    #[inline(always)]
    fn consume(&mut self, byte: u8, expected: &str) -> Result<(), Fail> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.syntax(expected))
        }
    }

    /// Succeeds only at the end of the text, whitespace aside.
    pub(crate) fn end(&mut self) -> Result<(), Fail> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.fail(ErrorCode::InvalidJson, "trailing characters after the JSON value")),
        }
    }

    /// Consumes the `{` or `[` the caller has peeked.
    pub(crate) fn open(&mut self) {
        self.pos += 1;
    }

    /// Opens the object that must stand here (a document, a batch body), or fails with `wrong_type`
    /// naming what was `expected`.
    pub(crate) fn open_object(&mut self, expected: &str) -> Result<(), Fail> {
        if self.peek() != Some(b'{') {
            return Err(self.wrong_type(expected));
        }
        self.open();
        Ok(())
    }

    /// The next key of an open envelope object that is one of `names`, its value ahead; the values of
    /// other keys are skipped. A name seen before (`seen` holds a flag per name) fails with
    /// `duplicate_key`: a section given twice is ambiguous. The name becomes the section of error paths.
    pub(crate) fn next_section(
        &mut self,
        first: &mut bool,
        names: &[&'static str],
        seen: &mut [bool],
    ) -> Result<Option<&'static str>, Fail> {
        while let Some(key) = self.next_key(first)? {
            let Some(ix) = names.iter().position(|name| *name == key) else {
                self.skip()?;
                continue;
            };
            let name = names.get(ix).copied().unwrap_or("");
            self.place.section = Some(name);
            if seen.get_mut(ix).is_some_and(|seen| std::mem::replace(seen, true)) {
                return Err(self.fail(ErrorCode::DuplicateKey, format!("key `{name}` appears twice")));
            }
            return Ok(Some(name));
        }
        Ok(None)
    }

    /// The next key of an object whose `{` is consumed, with its `:` consumed too; `None` at the `}`.
    /// `first` is true until the first call.
    #[inline(always)]
    pub(crate) fn next_key(&mut self, first: &mut bool) -> Result<Option<Cow<'a, str>>, Fail> {
        let next = self.peek();
        if std::mem::replace(first, false) {
            if next == Some(b'}') {
                self.pos += 1;
                return Ok(None);
            }
        } else {
            match next {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(None);
                }
                _ => return Err(self.syntax("`,` or `}`")),
            }
        }
        if self.peek() != Some(b'"') {
            return Err(self.syntax("a key (a string)"));
        }
        let key = self.string()?;
        self.consume(b':', "`:`")?;
        Ok(Some(key))
    }

    /// Whether another element of an array whose `[` is consumed follows; `false` at the `]`.
    pub(crate) fn next_item(&mut self, first: &mut bool) -> Result<bool, Fail> {
        let next = self.peek();
        if std::mem::replace(first, false) {
            if next == Some(b']') {
                self.pos += 1;
                return Ok(false);
            }
            return Ok(true);
        }
        match next {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b']') => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(self.syntax("`,` or `]`")),
        }
    }

    /// A string, at its opening quote: borrowed from the input unless it holds escapes.
    // `inline(always)` here and on the other small steps of reading a row (`next_key`, `consume`,
    // `Fields::take`, `RowCx::text` and its wrappers): `#[inline]` left them out of line in the wasm build,
    // where V8 does not inline and each call returned its `Result` through linear memory. Always inlined,
    // an ACL batch ran 10–15% faster in wasm and 17–20% natively, and a 100k load 7–10% faster in wasm,
    // for 2 KB of gzipped wasm (A/B, 2026-11-29).
    #[inline(always)]
    fn string(&mut self) -> Result<Cow<'a, str>, Fail> {
        // The common case, a string without escapes, is kept small; the rest is `escaped_string`.
        let start = self.pos + 1;
        let end = plain_run(self.bytes, start);
        if self.bytes.get(end) == Some(&b'"') {
            // Both ends sit next to a quote, so they are character boundaries of checked text.
            let text = match self.text {
                Some(t) => t.get(start..end),
                None => std::str::from_utf8(self.bytes.get(start..end).unwrap_or_default()).ok(),
            };
            if let Some(text) = text {
                self.pos = end + 1;
                return Ok(Cow::Borrowed(text));
            }
        }
        self.escaped_string()
    }

    /// [`Reader::string`] for a string with escapes, or that is not UTF-8, or has no end.
    #[cold]
    #[inline(never)]
    fn escaped_string(&mut self) -> Result<Cow<'a, str>, Fail> {
        self.pos += 1;
        let start = self.pos;
        self.pos = plain_run(self.bytes, self.pos);
        if self.bytes.get(self.pos) == Some(&b'"') {
            // Without an escape, only bytes that are not UTF-8 come here.
            let end = self.pos;
            self.pos += 1;
            let raw = self.bytes.get(start..end).unwrap_or_default();
            return match std::str::from_utf8(raw) {
                Ok(text) => Ok(Cow::Borrowed(text)),
                Err(e) => Err(Fail {
                    code: ErrorCode::InvalidJson,
                    message: INVALID_UTF8.into(),
                    at: start + e.valid_up_to(),
                }),
            };
        }
        let mut owned = self.bytes.get(start..self.pos).unwrap_or_default().to_vec();
        loop {
            match self.bytes.get(self.pos) {
                Some(b'"') => break,
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut owned)?;
                }
                Some(_) => return Err(self.fail(ErrorCode::InvalidJson, "a control character inside a string")),
                None => return Err(self.syntax("the rest of a string")),
            }
            let run = self.pos;
            self.pos = plain_run(self.bytes, self.pos);
            owned.extend_from_slice(self.bytes.get(run..self.pos).unwrap_or_default());
        }
        self.pos += 1;
        String::from_utf8(owned).map(Cow::Owned).map_err(|_| Fail {
            code: ErrorCode::InvalidJson,
            message: INVALID_UTF8.into(),
            at: start,
        })
    }

    /// One escape after its backslash, decoded onto `out`.
    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), Fail> {
        let Some(&b) = self.bytes.get(self.pos) else { return Err(self.syntax("an escape")) };
        self.pos += 1;
        let simple = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let unit = self.hex4()?;
                let code = match unit {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                            return Err(self.fail(ErrorCode::InvalidJson, "a lone surrogate in a `\\u` escape"));
                        }
                        self.pos += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.fail(ErrorCode::InvalidJson, "a lone surrogate in a `\\u` escape"));
                        }
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.fail(ErrorCode::InvalidJson, "a lone surrogate in a `\\u` escape"));
                    }
                    _ => unit,
                };
                let c = char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER);
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                return Ok(());
            }
            _ => {
                self.pos -= 1;
                return Err(self.fail(ErrorCode::InvalidJson, "an invalid escape in a string"));
            }
        };
        out.push(simple);
        Ok(())
    }

    /// The four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Result<u32, Fail> {
        let mut unit = 0;
        for _ in 0..4 {
            let digit = self.bytes.get(self.pos).and_then(|b| char::from(*b).to_digit(16));
            let Some(digit) = digit else { return Err(self.syntax("four hex digits of a `\\u` escape")) };
            unit = unit * 16 + digit;
            self.pos += 1;
        }
        Ok(unit)
    }

    /// Steps over a string at its opening quote, checking its escapes but not its UTF-8.
    fn skip_string(&mut self) -> Result<(), Fail> {
        self.pos += 1;
        loop {
            self.pos = plain_run(self.bytes, self.pos);
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.bytes.get(self.pos) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 1,
                        Some(b'u') => {
                            self.pos += 1;
                            self.hex4()?;
                        }
                        Some(_) => return Err(self.fail(ErrorCode::InvalidJson, "an invalid escape in a string")),
                        None => return Err(self.syntax("an escape")),
                    }
                }
                Some(_) => return Err(self.fail(ErrorCode::InvalidJson, "a control character inside a string")),
                None => return Err(self.syntax("the rest of a string")),
            }
        }
    }

    /// A literal or a number (the next byte is not a quote, `[` or `{`), giving its kind.
    fn scalar(&mut self) -> Result<Value<'a>, Fail> {
        let literal = |r: &mut Self, word: &[u8], value| {
            if r.bytes.get(r.pos..r.pos + word.len()) == Some(word) {
                r.pos += word.len();
                Ok(value)
            } else {
                Err(r.fail(ErrorCode::InvalidJson, "expected a JSON value"))
            }
        };
        match self.bytes.get(self.pos) {
            Some(b'n') => literal(self, b"null", Value::Null),
            Some(b't') => literal(self, b"true", Value::Bool),
            Some(b'f') => literal(self, b"false", Value::Bool),
            Some(b'-' | b'0'..=b'9') => self.number().map(|()| Value::Number),
            _ => Err(self.syntax("a JSON value")),
        }
    }

    /// A number, by JSON's grammar; its value is never used.
    fn number(&mut self) -> Result<(), Fail> {
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.syntax("a digit")),
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
                return Err(self.syntax("a digit"));
            }
            self.digits();
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
                return Err(self.syntax("a digit"));
            }
            self.digits();
        }
        Ok(())
    }

    fn digits(&mut self) {
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
    }

    /// Steps over one value of any depth, without recursion, checking its syntax.
    pub(crate) fn skip(&mut self) -> Result<(), Fail> {
        // `true` for an object, `false` for an array; empty until the value is a container.
        let mut open: Vec<bool> = Vec::new();
        loop {
            // At the start of a value.
            match self.peek() {
                Some(b'"') => self.skip_string()?,
                Some(b'{') => {
                    self.pos += 1;
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                    } else {
                        self.skip_key()?;
                        open.push(true);
                        continue;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                    } else {
                        open.push(false);
                        continue;
                    }
                }
                _ => {
                    self.scalar()?;
                }
            }
            // After a value: close what ends here, then step to the next value.
            loop {
                let Some(&object) = open.last() else { return Ok(()) };
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if object {
                            self.skip_key()?;
                        }
                        break;
                    }
                    Some(b'}') if object => {
                        self.pos += 1;
                        open.pop();
                    }
                    Some(b']') if !object => {
                        self.pos += 1;
                        open.pop();
                    }
                    _ => return Err(self.syntax(if object { "`,` or `}`" } else { "`,` or `]`" })),
                }
            }
        }
    }

    /// Steps over an object key and its colon.
    fn skip_key(&mut self) -> Result<(), Fail> {
        if self.peek() != Some(b'"') {
            return Err(self.syntax("a key (a string)"));
        }
        self.skip_string()?;
        self.consume(b':', "`:`")
    }

    /// The kind of the value here, for a "wrong type" message: a container fails at once (its content
    /// does not matter), a scalar only once it has been read as valid JSON.
    pub(crate) fn wrong_type(&mut self, expected: &str) -> Fail {
        let kind = match self.peek() {
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b'"') => match self.skip_string() {
                Ok(()) => "a string",
                Err(fail) => return fail,
            },
            _ => match self.scalar() {
                Ok(value) => value.kind(),
                Err(fail) => return fail,
            },
        };
        self.fail(ErrorCode::WrongType, format!("expected {expected}, found {kind}"))
    }

    /// A value of any shape at nesting `depth`; `top` marks the value of a field, whose list entries are
    /// noted for error paths.
    fn value(&mut self, depth: usize, top: bool) -> Result<Value<'a>, Fail> {
        match self.peek() {
            Some(b'"') => {
                let text = self.string()?;
                self.check_text(&text)?;
                Ok(Value::Str(text))
            }
            Some(b'[') => {
                self.nest(depth)?;
                self.pos += 1;
                let mut items = Vec::new();
                let mut first = true;
                loop {
                    if top {
                        self.place.entry = Some(items.len());
                    }
                    if !self.next_item(&mut first)? {
                        break;
                    }
                    let item = self.value(depth + 1, false)?;
                    self.check_rows(items.len())?;
                    items.push(item);
                }
                if top {
                    self.place.entry = None;
                }
                Ok(Value::Array(items))
            }
            Some(b'{') => {
                self.nest(depth)?;
                self.pos += 1;
                let mut entries = Vec::new();
                let mut first = true;
                while let Some(key) = self.next_key(&mut first)? {
                    self.check_text(&key)?;
                    entries.push((key, self.value(depth + 1, false)?));
                }
                Ok(Value::Object(entries))
            }
            Some(b'-' | b'0'..=b'9') => {
                // A number where a field is read must be one a JSON consumer can hold: beyond f64 is an
                // error, as in serde_json and V8 alike. Skipped numbers are never converted.
                let start = self.pos;
                self.number()?;
                let text = std::str::from_utf8(self.bytes.get(start..self.pos).unwrap_or_default()).unwrap_or("");
                match text.parse::<f64>() {
                    Ok(n) if n.is_finite() => Ok(Value::Number),
                    _ => Err(Fail { code: ErrorCode::InvalidJson, message: "number out of range".into(), at: start }),
                }
            }
            _ => self.scalar(),
        }
    }

    fn nest(&self, depth: usize) -> Result<(), Fail> {
        if depth < MAX_DEPTH {
            return Ok(());
        }
        Err(self.fail(ErrorCode::NestingTooDeep, format!("containers nested more than {MAX_DEPTH} deep")))
    }

    /// A value that is not a row (a timestamp, an `org`'s field), read whole at the top of the document.
    pub(crate) fn field_value(&mut self) -> Result<Value<'a>, Fail> {
        self.value(2, true)
    }

    /// One array element as a [`Row`] at nesting `depth`, its fields read into `into`.
    pub(crate) fn row<'r>(&mut self, into: &'r mut Fields<'a>, depth: usize) -> Result<Row<'r, 'a>, Fail> {
        match self.peek() {
            Some(b'{') => {}
            Some(b'[') => {
                self.skip()?;
                return Ok(Row::NotObject("an array"));
            }
            Some(b'"') => {
                self.skip_string()?;
                return Ok(Row::NotObject("a string"));
            }
            _ => return self.scalar().map(|v| Row::NotObject(v.kind())),
        }
        self.nest(depth)?;
        self.pos += 1;
        into.values.iter_mut().for_each(|v| *v = None);
        into.duplicate = None;
        into.next = 0;
        let mut first = true;
        let mut after = 0;
        while let Some(key) = self.next_key(&mut first)? {
            let Some(ix) = position_from(into.names, after, &key) else {
                self.skip()?;
                continue;
            };
            after = ix + 1;
            let name = into.names.get(ix).copied();
            self.place.field = name;
            // Most fields are strings: read here rather than through `value`, whose result (a `Value` in a
            // `Result`) went through the stack twice (perf, 2026-11-28).
            let value = if self.peek() == Some(b'"') {
                let text = self.string()?;
                self.check_text(&text)?;
                Value::Str(text)
            } else {
                self.value(depth + 1, true)?
            };
            self.place.field = None;
            match into.values.get_mut(ix) {
                Some(slot @ None) => *slot = Some(value),
                Some(Some(_)) => into.duplicate = into.duplicate.or(name),
                None => {}
            }
        }
        Ok(Row::Fields(into))
    }

    /// Fails once an array holds more than the limit allows; `len` is the count before adding one more.
    pub(crate) fn check_rows(&self, len: usize) -> Result<(), Fail> {
        let limit = self.limits.rows_per_array;
        if len < limit {
            return Ok(());
        }
        Err(self.fail(ErrorCode::LimitExceeded, format!("array longer than the limit `rows_per_array` = {limit}")))
    }

    /// Fails once more warnings have been recorded than the limit allows.
    pub(crate) fn check_warnings(&self, recorded: usize) -> Result<(), Fail> {
        let limit = self.limits.warnings;
        if recorded <= limit {
            return Ok(());
        }
        Err(self.fail(ErrorCode::LimitExceeded, format!("more warnings than the limit `warnings` = {limit}")))
    }

    fn check_text(&self, text: &str) -> Result<(), Fail> {
        let limit = self.limits.id_bytes;
        if text.len() <= limit {
            return Ok(());
        }
        Err(self.fail(
            ErrorCode::LimitExceeded,
            format!("string of {} bytes, longer than the limit `id_bytes` = {limit}", text.len()),
        ))
    }
}

const INVALID_UTF8: &str = "invalid UTF-8 inside a string";

/// A byte for a message: printable ASCII as itself, anything else by its value.
fn shown(b: u8) -> String {
    if b.is_ascii_graphic() { format!("`{}`", char::from(b)) } else { format!("byte 0x{b:02x}") }
}

/// The end of the run of string bytes from `at` that need no attention: the offset of the first quote,
/// backslash or control character, or the end of the text.
///
/// Eight bytes at a time: ids are most of a snapshot's bytes, and a byte loop was the reader's hottest spot.
#[inline]
fn plain_run(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else { break };
        let w = u64::from_le_bytes(word);
        // A byte's high bit is set in each mask where that byte is a quote, a backslash or below 0x20. A
        // borrow can only mark bytes above the first true one, so the lowest mark is exact.
        let quote = (w ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
        let slash = (w ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
        let control = w.wrapping_sub(ONES * 0x20);
        let marks = (quote | slash | control) & !w & HIGH;
        if marks != 0 {
            return at + (marks.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_found_from_anywhere() {
        let names = ["id", "object_type", "user_id", "role_id"];
        for start in 0..=names.len() {
            for (i, name) in names.iter().enumerate() {
                assert_eq!(position_from(&names, start, name), Some(i));
            }
            assert_eq!(position_from(&names, start, "group_id"), None);
        }
        assert_eq!(position_from(&[], 0, "id"), None);
    }

    #[test]
    fn newlines_are_counted_at_every_offset() {
        let text = b"a\nbc\n\n\x8a\x0bdefghij\nklmnopqrstu\n\nv\xff\n";
        for start in 0..=text.len() {
            for end in start..=text.len() {
                let bytes = &text[start..end];
                let count = bytes.iter().filter(|b| **b == b'\n').count();
                let last = bytes.iter().rposition(|b| *b == b'\n');
                assert_eq!(newlines(bytes), (count, last), "{start}..{end}");
            }
        }
    }

    #[test]
    fn plain_runs_stop_at_the_first_special_byte() {
        let cases: &[&[u8]] = &[
            b"abcdefghijklmnop\"",
            b"abc\"defghijklmnop",
            b"abcdefgh\\ijklmnop",
            b"abcdefghijklm\nop",
            b"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"",
            b"\x1f",
            b"\x7f\x80\xff\"",
            b"no end at all",
            b"",
        ];
        for bytes in cases {
            for start in 0..=bytes.len() {
                let special = bytes.iter().skip(start).position(|b| *b == b'"' || *b == b'\\' || *b < 0x20);
                let expected = special.map_or(bytes.len(), |i| start + i);
                assert_eq!(plain_run(bytes, start), expected, "{bytes:?} from {start}");
            }
        }
    }
}
