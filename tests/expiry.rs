//! Expiry: `generated_at`, `expires_at` and a maximum age. Fresh answers as usual; past expiry every query
//! denies and `explain` says `stale`; a snapshot stale at load, from too far ahead, or with a malformed
//! timestamp does not load. The clock is a test clock that can be moved and counts its reads, so the
//! cost promise (no read without expiry, one per query with it) is asserted, not timed.

mod common;

use std::cell::Cell;
use std::time::{Duration, SystemTime};

use common::*;
use permeval::{
    Clock, Decision, DenialReason, ErrorCode as E, LoadOptions, ObjectType as T, Permission as P, PermissionSet as PS,
    Snapshot,
};
use serde_json::{Value, json};

/// 2026-11-28T09:00:00Z.
const NINE: i64 = 1_795_856_400;

thread_local! {
    // Each test runs on its own thread, so each has its own clock.
    static NOW: Cell<i64> = const { Cell::new(NINE) };
    static READS: Cell<usize> = const { Cell::new(0) };
}

fn test_clock() -> SystemTime {
    READS.with(|r| r.set(r.get() + 1));
    let secs = NOW.with(Cell::get);
    SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap_or(0))
}

/// Sets the test clock to 09:00:00Z plus `secs` (negative: before).
fn set_clock(secs: i64) {
    NOW.with(|n| n.set(NINE + secs));
}

fn reads() -> usize {
    READS.with(Cell::get)
}

fn options() -> LoadOptions {
    LoadOptions { clock: Clock::Custom(test_clock), ..LoadOptions::default() }
}

/// The fixture with top-level timestamps set (`None`: absent).
fn stamped(generated_at: Option<&str>, expires_at: Option<&str>) -> String {
    let mut doc = fixture();
    if let Some(g) = generated_at {
        doc["generated_at"] = json!(g);
    }
    if let Some(e) = expires_at {
        doc["expires_at"] = json!(e);
    }
    doc.to_string()
}

#[track_caller]
fn load_at(text: &str, options: &LoadOptions) -> Snapshot {
    Snapshot::from_json_with(text, options).unwrap_or_else(|e| panic!("{e} ({:?})", e.code()))
}

#[track_caller]
fn load_err_at(text: &str, options: &LoadOptions) -> (E, String) {
    match Snapshot::from_json_with(text, options) {
        Ok(snap) => panic!("expected a load error, got {snap:?}"),
        Err(e) => (e.code(), e.path().to_owned()),
    }
}

/// Every query denies, and says why.
#[track_caller]
fn assert_denies_everything(snap: &Snapshot) {
    let e1 = obj(T::Experiment, "E1");
    let p1 = obj(T::Project, "P1");
    let org = obj(T::Organization, ORG);
    assert!(snap.is_stale());
    for who in [ALICE, BOB, CAROL, SA_CI] {
        assert!(!snap.can(who, P::Read, &org));
        assert!(!snap.can(who, P::Read, &e1));
        assert_eq!(snap.effective(who, &e1), PS::empty());
        assert!(!snap.can_create(who, &T::Experiment, &p1));
        assert!(snap.accessible(who, P::Read, &T::Project).is_empty());
        let caps = snap.capabilities(who);
        assert!(!caps.organization.manage_access && !caps.all_projects.read);
        assert!(caps.projects.iter().all(|p| !p.access.read));
        let me = snap.subject(who);
        let mut sets = Vec::new();
        me.effective_batch(&T::Experiment, ["E1", "E2"], &mut sets);
        assert_eq!(sets, [PS::empty(), PS::empty()]);
        let mut answers = Vec::new();
        me.can_batch(P::Read, &T::Project, ["P1", "P2"], &mut answers);
        assert_eq!(answers, [false, false]);
        for why in [snap.explain(who, P::Read, &e1), snap.explain_create(who, &T::Experiment, &p1)] {
            assert_eq!(why.decision, Decision::Denied { reason: DenialReason::Stale, nearest: Vec::new() });
        }
        // Even a creation the tree does not allow is denied as stale first: the snapshot says nothing.
        let why = snap.explain_create(who, &T::Experiment, &org);
        assert!(matches!(why.decision, Decision::Denied { reason: DenialReason::Stale, .. }));
    }
    assert!(snap.who_can(P::Read, &org).is_empty());
}

#[test]
fn a_snapshot_without_timestamps_never_expires_and_never_reads_the_clock() {
    let snap = load_at(FIXTURE, &options());
    set_clock(100 * 365 * 86_400);
    assert!(!snap.is_stale());
    assert_base_answers(&snap);
    assert_eq!(reads(), 0);
}

#[test]
fn fresh_until_expires_at_then_every_query_denies_as_stale() {
    let text = stamped(Some("2026-11-28T09:00:00Z"), Some("2026-11-28T10:00:00Z"));
    set_clock(60);
    let snap = load_at(&text, &options());
    let carol = snap.subject(CAROL);
    assert!(!snap.is_stale());
    assert_base_answers(&snap);

    set_clock(3600); // exactly at expires_at: still fresh
    assert!(carol.can(P::Read, &obj(T::Dataset, "D1")));
    set_clock(3601);
    assert_denies_everything(&snap);
    // A subject resolved while fresh is no way around it.
    assert!(!carol.can(P::Read, &obj(T::Dataset, "D1")));

    // A fresh snapshot loaded in its place answers again.
    let fresh = stamped(Some("2026-11-28T10:00:00Z"), Some("2026-11-28T11:00:00Z"));
    assert_base_answers(&load_at(&fresh, &options()));
}

#[test]
fn max_age_counts_from_generated_at() {
    let text = stamped(Some("2026-11-28T09:00:00Z"), None);
    let options = LoadOptions { max_age: Some(Duration::from_secs(300)), ..options() };
    set_clock(0);
    let snap = load_at(&text, &options);
    set_clock(300);
    assert!(!snap.is_stale());
    set_clock(301);
    assert_denies_everything(&snap);
}

#[test]
fn the_earlier_of_expires_at_and_max_age_wins() {
    let text = stamped(Some("2026-11-28T09:00:00Z"), Some("2026-11-28T09:01:00Z"));
    let options = LoadOptions { max_age: Some(Duration::from_secs(300)), ..options() };
    set_clock(0);
    let snap = load_at(&text, &options);
    set_clock(61);
    assert!(snap.is_stale());
}

#[test]
fn a_snapshot_stale_at_load_does_not_load() {
    set_clock(7200);
    let text = stamped(Some("2026-11-28T09:00:00Z"), Some("2026-11-28T10:00:00Z"));
    assert_eq!(load_err_at(&text, &options()), (E::Stale, "expires_at".into()));
    let aged = LoadOptions { max_age: Some(Duration::from_secs(60)), ..options() };
    let text = stamped(Some("2026-11-28T09:00:00Z"), None);
    assert_eq!(load_err_at(&text, &aged), (E::Stale, "generated_at".into()));
}

#[test]
fn max_age_without_generated_at_does_not_load() {
    let aged = LoadOptions { max_age: Some(Duration::from_secs(60)), ..options() };
    assert_eq!(load_err_at(FIXTURE, &aged), (E::InvalidTimestamp, "generated_at".into()));
    let text = stamped(None, Some("2026-11-28T10:00:00Z"));
    assert_eq!(load_err_at(&text, &aged), (E::InvalidTimestamp, "generated_at".into()));
}

#[test]
fn malformed_timestamps_do_not_load() {
    for (field, value) in [
        ("generated_at", json!("2026-11-28")),
        ("generated_at", json!("yesterday")),
        ("generated_at", json!(1_795_856_400)),
        ("expires_at", json!("2026-02-30T00:00:00Z")),
        ("expires_at", json!(["2026-11-28T10:00:00Z"])),
        ("expires_at", json!({})),
        ("expires_at", json!(true)),
    ] {
        let mut doc: Value = fixture();
        doc[field] = value.clone();
        assert_eq!(load_err_at(&doc.to_string(), &options()), (E::InvalidTimestamp, field.into()), "{value}");
    }
    // null reads as absent, like a null section.
    let mut doc = fixture();
    doc["expires_at"] = Value::Null;
    assert!(!load_at(&doc.to_string(), &options()).is_stale());
    // A timestamp twice is ambiguous, like any top-level key twice.
    let text =
        FIXTURE.replacen('{', r#"{"expires_at": "2026-11-28T10:00:00Z", "expires_at": "2099-01-01T00:00:00Z","#, 1);
    assert_eq!(load_err_at(&text, &options()), (E::DuplicateKey, "expires_at".into()));
}

#[test]
fn clock_skew_within_the_tolerance_is_fresh() {
    let text = stamped(Some("2026-11-28T09:00:00Z"), Some("2026-11-28T10:00:00Z"));
    set_clock(-60); // the reader's clock runs a minute behind the origin's
    let snap = load_at(&text, &options());
    assert!(!snap.is_stale());
    assert_base_answers(&snap);
}

#[test]
fn clock_skew_beyond_the_tolerance_does_not_load() {
    let text = stamped(Some("2026-11-28T09:00:00Z"), Some("2026-11-28T10:00:00Z"));
    set_clock(-61);
    assert_eq!(load_err_at(&text, &options()), (E::ClockSkew, "generated_at".into()));
    // generated_at alone, far in the future, is refused too: fail closed.
    let text = stamped(Some("2027-01-01T00:00:00Z"), None);
    set_clock(0);
    assert_eq!(load_err_at(&text, &options()), (E::ClockSkew, "generated_at".into()));
    // The tolerance is an option.
    let strict = LoadOptions { clock_skew: Duration::ZERO, ..options() };
    let text = stamped(Some("2026-11-28T09:00:01Z"), None);
    assert_eq!(load_err_at(&text, &strict), (E::ClockSkew, "generated_at".into()));
    let lenient = LoadOptions { clock_skew: Duration::from_secs(3600), ..options() };
    let text = stamped(Some("2026-11-28T09:30:00Z"), Some("2026-11-28T10:00:00Z"));
    assert!(!load_at(&text, &lenient).is_stale());
}

#[test]
fn a_clock_that_jumps_back_after_load_makes_the_snapshot_stale() {
    let text = stamped(Some("2026-11-28T09:00:00Z"), Some("2026-11-28T10:00:00Z"));
    set_clock(0);
    let snap = load_at(&text, &options());
    set_clock(-61);
    assert_denies_everything(&snap);
}

#[test]
fn a_snapshot_that_can_expire_reads_the_clock_once_per_query() {
    let text = stamped(Some("2026-11-28T09:00:00Z"), Some("2026-11-28T10:00:00Z"));
    let snap = load_at(&text, &options());
    assert_eq!(reads(), 1, "one read at load");
    let carol = snap.subject(CAROL);
    let count = |f: &dyn Fn()| {
        let before = reads();
        f();
        reads() - before
    };
    assert_eq!(count(&|| assert!(snap.can(CAROL, P::Read, &obj(T::Dataset, "D1")))), 1);
    assert_eq!(count(&|| assert!(carol.can(P::Read, &obj(T::Dataset, "D1")))), 1);
    let ids: Vec<String> = (0..1000).map(|i| format!("E{i}")).collect();
    assert_eq!(count(&|| carol.effective_batch(&T::Experiment, &ids, &mut Vec::new())), 1);
    assert_eq!(count(&|| carol.can_batch(P::Read, &T::Experiment, &ids, &mut Vec::new())), 1);
    assert_eq!(count(&|| assert!(!carol.capabilities().projects.is_empty())), 1);
    assert_eq!(count(&|| assert!(!carol.accessible(P::Read, &T::Project).is_empty())), 1);
    assert_eq!(count(&|| assert!(carol.explain(P::Read, &obj(T::Dataset, "D1")).allowed())), 1);
    assert_eq!(count(&|| assert!(!snap.who_can(P::Read, &obj(T::Dataset, "D1")).is_empty())), 1);
}

#[test]
fn generated_at_alone_is_checked_at_load_and_costs_queries_nothing() {
    let text = stamped(Some("2026-11-28T09:00:00Z"), None);
    let snap = load_at(&text, &options());
    assert_eq!(reads(), 1);
    assert_base_answers(&snap);
    assert!(!snap.is_stale());
    assert_eq!(reads(), 1);
}

#[test]
fn the_system_clock_and_a_fixed_clock_work() {
    let text = stamped(Some("2020-01-01T00:00:00Z"), Some("2999-01-01T00:00:00Z"));
    assert!(!load_at(&text, &LoadOptions::default()).is_stale());
    let fixed = SystemTime::UNIX_EPOCH + Duration::from_secs(4_102_444_800); // 2100-01-01
    let options = LoadOptions { clock: Clock::Fixed(fixed), ..LoadOptions::default() };
    assert!(!load_at(&text, &options).is_stale());
    let text = stamped(Some("2020-01-01T00:00:00Z"), Some("2099-01-01T00:00:00Z"));
    assert_eq!(load_err_at(&text, &options).0, E::Stale);
}
