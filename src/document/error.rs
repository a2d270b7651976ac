//! The one fatal error of loading — a document that cannot be read as a snapshot at all — and of a delta,
//! which is refused whole.

use std::fmt;

use super::warning::WarningCode;

/// Why a snapshot document could not be loaded, or a delta was refused.
///
/// The codes are stable strings (see [`ErrorCode::as_str`]); messages are for people and may change.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The text is not JSON: a syntax error, truncation, invalid UTF-8 or trailing characters.
    InvalidJson,
    /// Arrays and objects nest deeper than the parser allows.
    NestingTooDeep,
    /// The document or one of its sections has the wrong JSON type (e.g. `acls` is an object).
    WrongType,
    /// A key appears twice in the envelope or in `org`.
    DuplicateKey,
    /// `org` or `org.id` is missing, null, empty or not a string.
    MissingOrgId,
    /// The document is larger, or has a longer array, a longer id or deeper group or role nesting, than
    /// the [`crate::Limits`] it was loaded with allow. The message names the limit and its value.
    LimitExceeded,
    /// `generated_at` or `expires_at` is not an RFC 3339 date-time string, or `generated_at` is missing
    /// while a maximum age asks for it.
    InvalidTimestamp,
    /// `generated_at` lies further in the future than the clock-skew tolerance allows: the snapshot's
    /// clock or the reader's is wrong, and neither can be trusted to say the snapshot is fresh.
    ClockSkew,
    /// The snapshot is past `expires_at` or its maximum age already when loaded.
    Stale,
    /// The signature is malformed, or matches none of the public keys.
    BadSignature,
    /// A public key is malformed, or none was given.
    BadPublicKey,
    /// A delta was refused whole: one of its rows has a problem that would make loading skip that row
    /// (the code says which, e.g. `unknown_group`), or names a group or role the snapshot does not have.
    Rejected(WarningCode),
}

impl ErrorCode {
    /// The stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::NestingTooDeep => "nesting_too_deep",
            ErrorCode::WrongType => "wrong_type",
            ErrorCode::DuplicateKey => "duplicate_key",
            ErrorCode::MissingOrgId => "missing_org_id",
            ErrorCode::LimitExceeded => "limit_exceeded",
            ErrorCode::InvalidTimestamp => "invalid_timestamp",
            ErrorCode::ClockSkew => "clock_skew",
            ErrorCode::Stale => "stale",
            ErrorCode::BadSignature => "bad_signature",
            ErrorCode::BadPublicKey => "bad_public_key",
            ErrorCode::Rejected(code) => code.as_str(),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A snapshot document that cannot be loaded: what went wrong ([`code`](Self::code)), in words
/// ([`message`](Self::message)), and where ([`path`](Self::path), plus line and column for syntax errors).
///
/// # Example
/// ```
/// use permeval::{ErrorCode, Snapshot};
///
/// let err = Snapshot::from_json(r#"{"org": {"name": "acme"}}"#).unwrap_err();
/// assert_eq!(err.code(), ErrorCode::MissingOrgId);
/// assert_eq!(err.path(), "org.id");
///
/// let err = Snapshot::from_json(r#"{"org": {"id": "O"}, "acls": {}}"#).unwrap_err();
/// assert_eq!((err.code(), err.path()), (ErrorCode::WrongType, "acls"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotError {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
    pub(crate) path: String,
    pub(crate) line: Option<usize>,
    pub(crate) column: Option<usize>,
}

impl SnapshotError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>, path: impl Into<String>) -> Self {
        SnapshotError { code, message: message.into(), path: path.into(), line: None, column: None }
    }

    /// What went wrong.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// One lowercase sentence saying what went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where: a JSON path such as `acls[17]` or `org.id`; empty means the document as a whole.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The 1-based line of a syntax error, when the parser reported one.
    pub fn line(&self) -> Option<usize> {
        self.line
    }

    /// The 1-based column of a syntax error, when the parser reported one.
    pub fn column(&self) -> Option<usize> {
        self.column
    }
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if !self.path.is_empty() {
            write!(f, " at `{}`", self.path)?;
        }
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

impl std::error::Error for SnapshotError {}
