//! Native timings of the core, without the wasm boundary: `explain` (allowed and denied queries apart),
//! `accessible`, and a 1k-row ACL batch added and removed, on the orgs `benches/generate.mjs` writes.
//!
//! ```text
//! node benches/generate.mjs --sizes 1k,10k,100k
//! cargo bench --bench core                     # every size found in benches/data
//! cargo bench --bench core -- 100k             # some sizes
//! cargo bench --bench core -- 100k --deltas=400  # only load, resolve the pool, and 400 batch pairs
//! ```
//!
//! `--deltas=N` is for instruction counts: `perf stat -e instructions` of `--deltas=0` and of `--deltas=N`
//! differ by N batches added and removed, whatever the machine's load.
//!
//! Each figure is the median over rounds of a batch's mean time per call, so one slow round (another
//! process on the machine) does not move it. The digest line fingerprints every answer, so two builds can
//! be checked to answer alike.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::hint::black_box;
use std::time::{Duration, Instant};

use permeval::{Decision, ObjectRef, ObjectType, Permission, Snapshot};
use serde_json::Value;

const ROUNDS: usize = 31;

/// Rows per ACL batch, and batch pairs (add, then remove) timed when not told otherwise.
const BATCH_ROWS: usize = 1000;
const BATCH_RUNS: usize = 40;

/// One query of `queries-<N>.json`: principal, permission, object type, object id.
struct Query {
    principal: String,
    permission: Permission,
    object_type: ObjectType,
    id: String,
}

impl Query {
    fn object(&self) -> ObjectRef<'_> {
        ObjectRef::new(self.object_type.clone(), &self.id)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let wanted: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let deltas_only = match args.iter().find_map(|a| a.strip_prefix("--deltas=")) {
        Some(n) => Some(n.parse::<usize>()?),
        None => None,
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data");
    for size in ["1k", "10k", "100k", "1m"] {
        if !wanted.is_empty() && !wanted.iter().any(|w| *w == size) {
            continue;
        }
        let org = dir.join(format!("org-{size}.json"));
        if !org.exists() {
            continue;
        }
        let bytes = std::fs::read(&org)?;
        let queries: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("queries-{size}.json")))?)?;
        bench_size(size, &bytes, &queries, deltas_only)?;
    }
    Ok(())
}

fn bench_size(
    size: &str,
    bytes: &[u8],
    queries: &Value,
    deltas_only: Option<usize>,
) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut snap = Snapshot::from_slice(bytes)?;
    let load = started.elapsed();

    let principals: Vec<&str> =
        queries["principals"].as_array().ok_or("no principals")?.iter().filter_map(Value::as_str).collect();
    if let Some(runs) = deltas_only {
        for p in &principals {
            black_box(snap.subject(p));
        }
        return bench_deltas(&mut snap, bytes, runs);
    }
    let mut all = Vec::new();
    for q in queries["queries"].as_array().ok_or("no queries")? {
        let field = |i: usize| q.get(i).and_then(Value::as_str).ok_or("malformed query");
        all.push(Query {
            principal: field(0)?.to_owned(),
            permission: field(1)?.parse()?,
            object_type: ObjectType::from(field(2)?),
            id: field(3)?.to_owned(),
        });
    }

    // Resolving every principal of the pool once, from cold (the cost `Snapshot::subject` caches).
    let started = Instant::now();
    for p in &principals {
        black_box(snap.subject(p));
    }
    let resolve = started.elapsed() / principals.len().max(1) as u32;

    let (allowed, denied): (Vec<&Query>, Vec<&Query>) =
        all.iter().partition(|q| snap.can(&q.principal, q.permission, &q.object()));
    println!(
        "N={size}: load {:.1} ms, first resolve {:.2} µs/principal, {} queries ({} allowed)",
        ms(load),
        us(resolve),
        all.len(),
        allowed.len()
    );

    let mut digest = DefaultHasher::new();
    let mut paths = [0; 2];
    for q in &all {
        let why = snap.explain(&q.principal, q.permission, &q.object());
        paths[usize::from(why.allowed())] += match &why.decision {
            Decision::Allowed { paths } => paths.len(),
            Decision::Denied { nearest, .. } => nearest.len(),
        };
        format!("{why:?}").hash(&mut digest);
    }

    let explain = |qs: &[&Query]| {
        median_per_call(qs.len(), |i| {
            let q = qs[i];
            black_box(snap.explain(&q.principal, q.permission, &q.object()).allowed());
        })
    };
    let can = median_per_call(all.len(), |i| {
        let q = &all[i];
        black_box(snap.subject(&q.principal).can(q.permission, &q.object()));
    });
    let per = |n: usize, of: usize| n as f64 / of.max(1) as f64;
    println!(
        "  explain allowed  {:>9.2} µs/call ({:.1} paths per answer)",
        us(explain(&allowed)),
        per(paths[1], allowed.len())
    );
    println!(
        "  explain denied   {:>9.2} µs/call ({:.1} nearest grants per answer)",
        us(explain(&denied)),
        per(paths[0], denied.len())
    );
    println!("  can (reference)  {:>9.3} µs/call", us(can));

    let sample: Vec<&str> = principals.iter().step_by((principals.len() / 5).max(1)).take(5).copied().collect();
    for p in &sample {
        let me = snap.subject(p);
        let mut count = 0;
        let one =
            median_per_call(1, |_| count = black_box(me.accessible(Permission::Read, &ObjectType::Experiment)).len());
        let mut positions = Vec::new();
        let bare = median_per_call(1, |_| {
            me.accessible_positions(Permission::Read, &ObjectType::Experiment, &mut positions);
            black_box(&positions);
        });
        let mut total = 0;
        let every = median_per_call(1, |_| {
            total = ["experiment", "dataset", "prompt", "prompt_session"]
                .iter()
                .map(|t| black_box(me.accessible(Permission::Read, &ObjectType::from(*t))).len())
                .sum();
        });
        for t in ["experiment", "dataset", "prompt", "prompt_session", "project", "project_log", "project_group"] {
            for x in [Permission::Read, Permission::Update, Permission::Delete] {
                me.accessible(x, &ObjectType::from(t)).hash(&mut digest);
            }
        }
        println!(
            "  accessible {}…: read experiment {:>7.1} µs ({count} ids; positions {:>7.1} µs); \
             read, all 4 child types {:>7.1} µs ({total} ids)",
            p.get(..8).unwrap_or(p),
            us(one),
            us(bare),
            us(every)
        );
    }
    println!("  answers digest {:016x}", digest.finish());
    // After the queries, as in `benches/run.mjs`: the pool's principals are resolved, and the batches
    // update their resolutions.
    bench_deltas(&mut snap, bytes, BATCH_RUNS)
}

/// `apply_acl_batch` with 1,000 added rows, then the same rows removed, `runs` times (after two warm-up
/// pairs), so the snapshot stays the size it was loaded at. The bodies are those of `benches/run.mjs`:
/// `update_acls` on experiments for users, as `JSON.stringify` writes them.
fn bench_deltas(snap: &mut Snapshot, bytes: &[u8], runs: usize) -> Result<(), Box<dyn std::error::Error>> {
    let doc: Value = serde_json::from_slice(bytes)?;
    let ids = |section: &str, keep: &dyn Fn(&Value) -> bool| -> Vec<String> {
        doc[section]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|row| keep(row))
            .filter_map(|row| row["id"].as_str())
            .map(str::to_owned)
            .collect()
    };
    let users = ids("users", &|_| true);
    let experiments = ids("objects", &|row| row["type"] == "experiment");
    if users.is_empty() || experiments.is_empty() {
        return Ok(());
    }
    let batches: Vec<Vec<Value>> = (0..8)
        .map(|b| {
            (0..BATCH_ROWS)
                .map(|i| {
                    serde_json::json!({
                        "object_type": "experiment",
                        "object_id": experiments[(b * BATCH_ROWS + i) % experiments.len()],
                        "user_id": users[(b * 7919 + i) % users.len()],
                        "permission": "update_acls",
                    })
                })
                .collect()
        })
        .collect();
    let adds: Vec<String> = batches.iter().map(|rows| serde_json::json!({ "add_acls": rows }).to_string()).collect();
    let removes: Vec<String> =
        batches.iter().map(|rows| serde_json::json!({ "remove_acls": rows }).to_string()).collect();
    let (mut add, mut remove) = (Vec::new(), Vec::new());
    for r in 0..runs + 2 {
        let started = Instant::now();
        snap.apply_acl_batch(&adds[r % adds.len()])?;
        let added = started.elapsed();
        let started = Instant::now();
        snap.apply_acl_batch(&removes[r % removes.len()])?;
        let removed = started.elapsed();
        if r >= 2 {
            add.push(added);
            remove.push(removed);
        }
    }
    if runs > 0 {
        add.sort();
        remove.sort();
        println!(
            "  ACL batch of {BATCH_ROWS} rows ({} KB): add {:>6.3} ms, remove {:>6.3} ms (medians of {runs})",
            adds[0].len() / 1000,
            ms(add[runs / 2]),
            ms(remove[runs / 2])
        );
    }
    Ok(())
}

/// The median over rounds of the mean time per call of `f(0..calls)` (several passes per round when one
/// pass is shorter than a millisecond).
fn median_per_call(calls: usize, mut f: impl FnMut(usize)) -> Duration {
    if calls == 0 {
        return Duration::ZERO;
    }
    let started = Instant::now();
    (0..calls).for_each(&mut f);
    let passes = (Duration::from_millis(1).as_nanos() / started.elapsed().as_nanos().max(1)).clamp(1, 1000) as usize;
    let mut rounds: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..passes {
                (0..calls).for_each(&mut f);
            }
            started.elapsed() / (passes * calls) as u32
        })
        .collect();
    rounds.sort();
    rounds[ROUNDS / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
