//! [`LoadOptions`]: what a caller decides at load time — how big a document it will take ([`Limits`]), how
//! old a snapshot may be, and which clock says so ([`Clock`]).
//!
//! permeval runs on documents fetched over the network, inside browsers and edge workers that keep one
//! instance alive for many requests: an out-of-memory there is an outage. The limits bound what one load
//! may cost before any of it is built, and each has a default generous enough for the largest org the
//! benchmarks generate, so a caller who never thinks about them is still protected from the absurd.

use std::time::{Duration, SystemTime};

/// Bounds on what a snapshot document may contain; exceeding one fails the load with
/// [`crate::ErrorCode::LimitExceeded`], whose message names the limit and its value and whose path says
/// where it was hit.
///
/// The defaults fit the benchmark's largest org (1M ACL rows, 500k objects, 374 MB of JSON, groups
/// nested three deep) with room to spare, while keeping one load well inside a 32-bit wasm memory.
///
/// # Example
/// ```
/// use permeval::{ErrorCode, Limits, LoadOptions, Snapshot};
///
/// let options = LoadOptions { limits: Limits { rows_per_array: 2, ..Limits::default() }, ..LoadOptions::default() };
/// let doc = r#"{"org": {"id": "O"}, "users": [{"id": "U1"}, {"id": "U2"}, {"id": "U3"}]}"#;
/// let err = Snapshot::from_json_with(doc, &options).unwrap_err();
/// assert_eq!((err.code(), err.path()), (ErrorCode::LimitExceeded, "users[2]"));
/// assert!(err.message().contains("rows_per_array"));
/// ```
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes of JSON text (default 512 MiB: the 1M-row benchmark org is 374 MB; the text and the
    /// index it becomes must both fit in wasm's 4 GiB).
    pub document_bytes: usize,
    /// The most elements in any array permeval reads: a section's rows, or a membership list (default
    /// 4,194,304: four times the 1M-row org's largest section).
    pub rows_per_array: usize,
    /// The most bytes in any string permeval reads — ids, type and permission names, timestamps (default
    /// 1 KiB; Braintrust's ids are 36-byte UUIDs). Fields permeval does not read are skipped unread and
    /// are bounded only by the document size.
    pub id_bytes: usize,
    /// The most levels of `member_groups` above any group, counted along the shortest path to each group
    /// reached, so a cycle adds nothing (default 64; real orgs nest a handful deep).
    pub group_depth: u32,
    /// The most levels of `member_roles` below any role, counted the same way (default 64).
    pub role_depth: u32,
    /// The most warnings a load may record (default 100,000). Each costs a message and a path, so a small
    /// document of a million bad rows (`"acls": [0, 0, …]`) would otherwise cost more memory than a good
    /// 1M-row org; a document that bad is refused instead.
    pub warnings: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            document_bytes: 512 << 20,
            rows_per_array: 4 << 20,
            id_bytes: 1 << 10,
            group_depth: 64,
            role_depth: 64,
            warnings: 100_000,
        }
    }
}

/// Where the current time comes from, for expiry (see [`LoadOptions::max_age`]).
///
/// Only a snapshot that can expire reads the clock: one read per query (one per batch), none at all for
/// a snapshot without `expires_at` or a maximum age.
#[derive(Copy, Clone, Debug, Default)]
pub enum Clock {
    /// The system clock: `SystemTime::now()` natively, `Date.now()` in WebAssembly (where
    /// `SystemTime::now()` would panic).
    #[default]
    System,
    /// A fixed instant, for tests and for replaying a decision as of a given time.
    Fixed(SystemTime),
    /// A function called at each read, e.g. a test clock that can be moved forward.
    Custom(fn() -> SystemTime),
}

impl Clock {
    /// Milliseconds since the Unix epoch (negative before it).
    pub(crate) fn now_ms(&self) -> i64 {
        match self {
            Clock::System => system_now_ms(),
            Clock::Fixed(t) => unix_ms(*t),
            Clock::Custom(f) => unix_ms(f()),
        }
    }
}

/// Milliseconds since the Unix epoch; saturates far outside ±292 million years.
pub(crate) fn unix_ms(t: SystemTime) -> i64 {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn system_now_ms() -> i64 {
    unix_ms(SystemTime::now())
}

// wasm32-unknown-unknown has no system clock: `SystemTime::now()` panics there, and a panic poisons the
// instance. The host's `Date.now()` is the clock every JS runtime has.
#[cfg(target_arch = "wasm32")]
fn system_now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// How to load a snapshot: the [`Limits`], and when it goes stale.
///
/// A document may carry `generated_at` and `expires_at` (RFC 3339 date-times, e.g.
/// `"2026-11-28T09:00:00Z"`). It is stale once the clock passes `expires_at`, or `generated_at` plus
/// [`max_age`](Self::max_age) when one is set; also when the clock reads earlier than `generated_at` by
/// more than [`clock_skew`](Self::clock_skew). A stale snapshot answers every query with a denial
/// ([`crate::DenialReason::Stale`]) until a fresh one is loaded; loading one that is stale already is an
/// error ([`crate::ErrorCode::Stale`], or [`crate::ErrorCode::ClockSkew`] for a `generated_at` too far
/// ahead), so a worker never swaps a good snapshot for a dead one.
///
/// # Example
/// ```
/// use std::time::{Duration, SystemTime};
/// use permeval::{Clock, ErrorCode, LoadOptions, Snapshot};
///
/// let doc = r#"{"org": {"id": "O"}, "generated_at": "2026-11-28T09:00:00Z"}"#;
/// let at = |s: u64| Clock::Fixed(SystemTime::UNIX_EPOCH + Duration::from_secs(s));
/// let nine = 1_795_856_400; // 2026-11-28T09:00:00Z
/// let options = LoadOptions { max_age: Some(Duration::from_secs(300)), clock: at(nine + 60), ..LoadOptions::default() };
/// assert!(!Snapshot::from_json_with(doc, &options)?.is_stale());
///
/// let late = LoadOptions { clock: at(nine + 301), ..options };
/// assert_eq!(Snapshot::from_json_with(doc, &late).unwrap_err().code(), ErrorCode::Stale);
/// # Ok::<(), permeval::SnapshotError>(())
/// ```
#[derive(Copy, Clone, Debug)]
pub struct LoadOptions {
    /// Bounds on the document.
    pub limits: Limits,
    /// How long after `generated_at` the snapshot stays fresh; `None` (the default) sets no maximum
    /// age. When set, a document without `generated_at` fails to load
    /// ([`crate::ErrorCode::InvalidTimestamp`]): its age cannot be known.
    pub max_age: Option<Duration>,
    /// The clock that decides staleness (default: the system clock).
    pub clock: Clock,
    /// How far the clock may read before `generated_at` and the snapshot still count as fresh (default
    /// 60 s): the origin's clock and the reader's are never quite in step. Further than that, the load
    /// fails, and a snapshot already loaded goes stale, because a clock that wrong can vouch for nothing.
    pub clock_skew: Duration,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            limits: Limits::default(),
            max_age: None,
            clock: Clock::System,
            clock_skew: Duration::from_secs(60),
        }
    }
}
