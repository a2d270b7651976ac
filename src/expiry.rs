//! When a snapshot stops answering: `generated_at`, `expires_at` and a maximum age, checked against a
//! [`Clock`].
//!
//! An edge worker that lost contact with its origin still holds its last snapshot; past expiry that
//! snapshot must grant nothing rather than keep answering from revoked rules. The window is computed once
//! at load, so a query on a snapshot that can expire costs one clock read and two comparisons, and one
//! that cannot costs a branch on `None`.
//!
//! Timestamps are parsed here rather than with a date crate: the snapshot needs one format (RFC 3339, as
//! Braintrust's API writes it) turned into milliseconds, which is thirty lines.

use crate::document::{ErrorCode, SnapshotError};
use crate::options::{Clock, LoadOptions};

/// The window in which a loaded snapshot answers, in milliseconds since the Unix epoch.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Expiry {
    not_before: i64,
    not_after: i64,
    clock: Clock,
}

impl Expiry {
    /// Whether the clock now reads outside the window.
    pub(crate) fn is_stale(&self) -> bool {
        let now = self.clock.now_ms();
        now > self.not_after || now < self.not_before
    }
}

/// The window for a document's timestamps under `options`, checked against the clock once: `None` when
/// nothing can expire. A snapshot stale already, or from too far in the future, is an error.
pub(crate) fn window(
    generated_at: Option<i64>,
    expires_at: Option<i64>,
    options: &LoadOptions,
) -> Result<Option<Expiry>, SnapshotError> {
    let max_age = match options.max_age {
        Some(age) => {
            let Some(generated) = generated_at else {
                return Err(SnapshotError::new(
                    ErrorCode::InvalidTimestamp,
                    "`generated_at` is missing, and a maximum age needs it",
                    "generated_at",
                ));
            };
            Some(generated.saturating_add(i64::try_from(age.as_millis()).unwrap_or(i64::MAX)))
        }
        None => None,
    };
    let not_after = match (expires_at, max_age) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if generated_at.is_none() && not_after.is_none() {
        return Ok(None);
    }
    let skew = i64::try_from(options.clock_skew.as_millis()).unwrap_or(i64::MAX);
    let not_before = generated_at.map_or(i64::MIN, |g| g.saturating_sub(skew));
    let now = options.clock.now_ms();
    if now < not_before {
        let ahead = generated_at.unwrap_or(now).saturating_sub(now) / 1000;
        return Err(SnapshotError::new(
            ErrorCode::ClockSkew,
            format!(
                "`generated_at` is {ahead} s ahead of the clock, beyond the clock-skew tolerance of {} s",
                skew / 1000
            ),
            "generated_at",
        ));
    }
    let Some(not_after) = not_after else {
        // `generated_at` alone sets no deadline: checked once here, it costs queries nothing.
        return Ok(None);
    };
    if now > not_after {
        let (what, path) = if expires_at == Some(not_after) {
            ("`expires_at`", "expires_at")
        } else {
            ("`generated_at` plus the maximum age", "generated_at")
        };
        return Err(SnapshotError::new(
            ErrorCode::Stale,
            format!("the snapshot went stale {} s ago, at {what}", now.saturating_sub(not_after) / 1000),
            path,
        ));
    }
    Ok(Some(Expiry { not_before, not_after, clock: options.clock }))
}

/// Parses an RFC 3339 date-time (`2026-11-28T09:00:00Z`, `2026-11-28t10:00:00.250+01:00`) into
/// milliseconds since the Unix epoch; fractions beyond milliseconds are dropped, a leap second reads as
/// the second after. `None` for anything else.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        digits.iter().try_fold(0i64, |n, &d| d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0')))
    };
    let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut at = 19;
    let mut millis = 0;
    if sep(at, b".") {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        if at == start {
            return None;
        }
        // The first three digits, padded: ".5" is 500 ms.
        for i in 0..3 {
            millis = millis * 10 + b.get(start + i).filter(|_| start + i < at).map_or(0, |d| i64::from(d - b'0'));
        }
    }
    let offset = match b.get(at..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (num(at + 1..at + 3)?, num(at + 4..at + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let minutes = h * 60 + m;
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
    Some(seconds * 1000 + millis)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`); years are
/// four digits, so nothing here can overflow.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_forms() {
        let nine = 1_795_856_400_000;
        assert_eq!(parse_rfc3339("2026-11-28T09:00:00Z"), Some(nine));
        assert_eq!(parse_rfc3339("2026-11-28t10:00:00+01:00"), Some(nine));
        assert_eq!(parse_rfc3339("2026-11-28 04:30:00-04:30"), Some(nine));
        assert_eq!(parse_rfc3339("2026-11-28T09:00:00.5Z"), Some(nine + 500));
        assert_eq!(parse_rfc3339("2026-11-28T09:00:00.123456789Z"), Some(nine + 123));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59Z"), Some(-1000));
        assert_eq!(parse_rfc3339("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
        for bad in [
            "",
            "2026-11-28",
            "2026-11-28T09:00:00",
            "2026-11-28T09:00Z",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "2026-11-28T24:00:00Z",
            "2026-11-28T09:00:00.Z",
            "2026-11-28T09:00:00+0100",
            "2026-11-28T09:00:00Zjunk",
            "２026-11-28T09:00:00Z",
            "+2026-11-28T09:00:00Z",
            "2026-11-28T09:60:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad:?}");
        }
    }
}
