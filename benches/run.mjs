#!/usr/bin/env node
// The benchmark suite: permeval against CASL, Cedar and casbin on the same synthetic orgs.
//
//   node benches/run.mjs                      sizes 1k,10k,100k; writes benches/results/latest.json + latency.svg
//   node benches/run.mjs --sizes 1k,10k,100k,1m
//   node benches/run.mjs --smoke              tiny org, every system, agreement checked; exits 1 on any
//                                             disagreement or error; writes nothing under benches/
// Options: --peer-timeout <s> (default 240: a peer whose load + measurements exceed it at a size is cut off,
// and skipped at larger sizes), --agree <n> (queries in the agreement sample, default 2000), --no-cold,
// --systems <list> with --reuse-peers or --peers-from <results.json> (see BENCHMARKS.md), --out <dir>.
//
// Each system runs at each size in its own Node process (a worker: `--worker`), so that heaps, wasm
// memories and JIT state do not leak between systems, and a peer that takes too long can be killed.
// Prerequisite: the package built into pkg/ (./scripts/build-pkg.sh). Data: benches/data/ (generated on
// demand by benches/generate.mjs; gitignored).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve, join } from 'node:path';
import { tmpdir, cpus, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { parseSize, sizeLabel, writeOrg, CHILD_TYPES } from './generate.mjs';
import { SYSTEMS, versionOf, loadPermevalModule } from './systems.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = resolve(HERE, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const now = () => process.hrtime.bigint();

// ---- timing -------------------------------------------------------------------------------------------
/**
 * Times `op(i)` (the i-th operation; the caller cycles through its inputs). Warm-up first, then samples:
 * each sample runs a batch of `k` consecutive operations between two `process.hrtime.bigint()` readings
 * and records the mean per operation, with `k` chosen in the warm-up so that one batch takes at least
 * `minBatchNs` (20 µs by default: the timer's ~50 ns overhead is then < 0.5%). p50 / p99 are over samples.
 */
export function measure(op, { samples = 300, minBatchNs = 20_000, warmupMs = 300, budgetMs = 5_000 } = {}) {
  let i = 0;
  let sink = 0;
  // warm-up and calibration
  const w0 = now();
  let wn = 0;
  const warmupNs = BigInt(Math.round(warmupMs * 1e6));
  do {
    if (op(i++)) sink++;
    wn++;
  } while (now() - w0 < warmupNs);
  const perOpNs = Number(now() - w0) / wn;
  const k = Math.max(1, Math.ceil(minBatchNs / perOpNs));
  const out = [];
  const deadline = now() + BigInt(Math.round(budgetMs * 1e6));
  while (out.length < samples) {
    const t0 = now();
    for (let j = 0; j < k; j++) if (op(i++)) sink++;
    const t1 = now();
    out.push(Number(t1 - t0) / k);
    if (t1 > deadline && out.length >= 5) break;
  }
  return { ...summarise(out), batch: k, ops: out.length * k, sink };
}
function summarise(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { p50: q(0.5), p99: q(0.99), min: s[0], max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length, samples: s.length };
}
/** Times a heavy operation `runs` times (no batching: each is milliseconds). Values in ns. */
function measureHeavy(fn, runs, { warmup = 1, budgetMs = 60_000 } = {}) {
  for (let i = 0; i < warmup; i++) fn(i);
  const out = [];
  const t = now();
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    fn(i);
    out.push(Number(now() - t0));
    if (Number(now() - t) / 1e6 > budgetMs && out.length >= 3) break;
  }
  return summarise(out);
}

// ---- workers ------------------------------------------------------------------------------------------
// What `fetch(url).body` hands `Snapshot.fromStream`: the bytes in pieces of 64 KiB (undici's and
// Chromium's pieces are at most that), taken from memory so that the time is the load's alone.
const PIECE_BYTES = 64 * 1024;
function bodyOf(bytes) {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + PIECE_BYTES));
      at += PIECE_BYTES;
    },
  }, { highWaterMark: 0 });
}

/** The three ways to load permeval times, each from what a caller has in hand. */
const LOAD_PATHS = {
  bytes: (Snapshot, { bytes }) => Snapshot.fromJson(bytes),
  string: (Snapshot, { text }) => Snapshot.fromJson(text),
  stream: (Snapshot, { bytes }) => Snapshot.fromStream(bodyOf(bytes)),
};

async function workerPermeval({ bytes, text, queries, principals, agree, smoke }) {
  const mod = await loadPermevalModule();
  const { Snapshot, initSync } = mod;
  const memory = () => initSync().memory.buffer.byteLength;
  const res = { metrics: {} };
  const M = res.metrics;
  // memory first, in a fresh process: the linear memory only grows, so later loads would inflate it
  const mem0 = memory();
  const snap = Snapshot.fromJson(bytes);
  M.wasmMemoryBytes = memory();
  M.wasmMemoryBeforeLoadBytes = mem0;
  M.warnings = snap.warnings.length;
  const n = queries.length;
  res.answers = queries.slice(0, agree).map((q) => snap.can(q[0], q[1], q[2], q[3]));
  res.allowedShare = queries.reduce((a, q) => a + (snap.can(q[0], q[1], q[2], q[3]) ? 1 : 0), 0) / n;

  // load: bytes, string, a stream of the bytes, and V8's JSON.parse of the same text, interleaved round by
  // round
  const runs = smoke ? 3 : bytes.length > 2e8 ? 3 : bytes.length > 2e7 ? 7 : 15;
  const lb = [], ls = [], lst = [], lp = [];
  for (let r = 0; r < runs + 1; r++) {
    let t0 = now();
    const a = Snapshot.fromJson(bytes);
    let t1 = now();
    a.free();
    if (r) lb.push(Number(t1 - t0));
    t0 = now();
    const b = Snapshot.fromJson(text);
    t1 = now();
    b.free();
    if (r) ls.push(Number(t1 - t0));
    const body = bodyOf(bytes);
    t0 = now();
    const d = await Snapshot.fromStream(body);
    t1 = now();
    if (r) lst.push(Number(t1 - t0));
    if (r === 1 && d.toJson() !== snap.toJson()) throw new Error('fromStream loaded another snapshot than fromJson');
    d.free();
    t0 = now();
    const c = JSON.parse(text);
    t1 = now();
    if (c.acls.length < 0) console.log('unreachable');
    if (r) lp.push(Number(t1 - t0));
  }
  M.loadBytes = summarise(lb);
  M.loadString = summarise(ls);
  M.loadStream = { ...summarise(lst), pieceBytes: PIECE_BYTES };
  M.jsonParse = summarise(lp);
  M.wasmMemoryAfterLoadRunsBytes = memory();

  const budget = smoke ? 150 : 4000;
  const samples = smoke ? 30 : 400;
  const warmupMs = smoke ? 20 : 300;
  const opts = { samples, budgetMs: budget, warmupMs };
  M.can = measure((i) => { const q = queries[i % n]; return snap.can(q[0], q[1], q[2], q[3]); }, opts);
  const subjects = new Map(principals.map((p) => [p, snap.subject(p)]));
  M.subjectCan = measure((i) => { const q = queries[i % n]; return subjects.get(q[0]).can(q[1], q[2], q[3]); }, opts);
  M.subjectResolve = measure((i) => { const s = snap.subject(principals[i % principals.length]); const m = s.isMember; s.free(); return m; }, opts);
  M.effective = measure((i) => { const q = queries[i % n]; return snap.effective(q[0], q[2], q[3]).length; }, opts);
  M.explain = measure((i) => { const q = queries[i % n]; return snap.explain(q[0], q[1], q[2], q[3]).allowed; }, opts);

  // batch: one call, 100k experiment ids (cycled through the org's experiments) → Uint8Array
  const doc = JSON.parse(text);
  const expIds = doc.objects.filter((o) => o.type === 'experiment').map((o) => o.id);
  const batchLen = smoke ? 1000 : 100_000;
  const ids = Array.from({ length: batchLen }, (_, i) => expIds[i % expIds.length]);
  const subj = subjects.get(queries[0][0]);
  const bt = measureHeavy(() => subj.effectiveBatch('experiment', ids), smoke ? 3 : 30, { warmup: 3 });
  M.effectiveBatch = { ...bt, ids: batchLen, checksPerSecond: batchLen / (bt.p50 / 1e9) };

  // accessible: every listed object of a type, per principal (cycling through the pool)
  const countOf = (t) => doc.objects.filter((o) => o.type === t).length;
  M.accessibleExperiment = { ...measureHeavy((i) => snap.accessible(principals[i % principals.length], 'read', 'experiment'), smoke ? 3 : 50, { warmup: 3 }), objects: countOf('experiment') };
  M.accessibleAllChildTypes = {
    ...measureHeavy((i) => {
      let c = 0;
      for (const t of CHILD_TYPES) c += snap.accessible(principals[i % principals.length], 'read', t).length;
      return c;
    }, smoke ? 3 : 30, { warmup: 2 }),
    objects: doc.objects.length,
  };

  // deltas (issue 6): a 1k-row ACL batch added, then the same batch removed, alternating so the snapshot
  // stays the size it was loaded at. Two forms of the same bodies, interleaved: as objects (each call
  // includes the JSON.stringify of its body, as a caller's would) and as the JSON text a worker receives
  // in a change event, or a UI has just sent to POST /v1/acl/batch_update.
  const batchRows = smoke ? 100 : 1000;
  const users = doc.users.map((u) => u.id);
  const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: batchRows }, (_, i) => ({
    object_type: 'experiment', object_id: expIds[(b * batchRows + i) % expIds.length],
    user_id: users[(b * 7919 + i) % users.length], permission: 'update_acls',
  })));
  const texts = batches.map((rows) => [JSON.stringify({ add_acls: rows }), JSON.stringify({ remove_acls: rows })]);
  const addT = [], removeT = [], addTextT = [], removeTextT = [];
  const deltaRuns = smoke ? 4 : 200;
  const timed = (out, r, call) => {
    const t0 = now();
    call();
    const t1 = now();
    if (r >= 4) out.push(Number(t1 - t0));
  };
  for (let r = 0; r < deltaRuns + 4; r++) {
    const rows = batches[r % batches.length];
    const [addText, removeText] = texts[r % texts.length];
    timed(addT, r, () => snap.applyAclBatch({ add_acls: rows }));
    timed(removeT, r, () => snap.applyAclBatch({ remove_acls: rows }));
    timed(addTextT, r, () => snap.applyAclBatch(addText));
    timed(removeTextT, r, () => snap.applyAclBatch(removeText));
  }
  M.deltaAclAdd = { ...summarise(addT), rows: batchRows };
  M.deltaAclRemove = { ...summarise(removeT), rows: batchRows };
  M.deltaAclAddText = { ...summarise(addTextT), rows: batchRows, bytes: texts[0][0].length };
  M.deltaAclRemoveText = { ...summarise(removeTextT), rows: batchRows };
  const group = doc.groups.find((g) => !g.deleted_at && (g.member_users ?? []).length > 0);
  const outsider = users.find((u) => !(group.member_users ?? []).includes(u));
  M.deltaPatchGroup = measureHeavy((i) => snap.patchGroup(group.id, i % 2 ? { remove_member_users: [outsider] } : { add_member_users: [outsider] }), smoke ? 4 : 40, { warmup: 2 });
  const exp = doc.objects.find((o) => o.type === 'experiment');
  const otherProject = doc.projects.find((p) => p.id !== exp.project_id && !p.deleted_at).id;
  M.deltaUpsertObject = measureHeavy((i) => snap.upsert('objects', [{ ...exp, project_id: i % 2 ? exp.project_id : otherProject }]), smoke ? 4 : 40, { warmup: 2 });
  const project = doc.projects.find((p) => !p.deleted_at);
  M.deltaUpsertProject = measureHeavy((i) => snap.upsert('projects', [{ ...project, description: `v${i}` }]), smoke ? 3 : 20, { warmup: 1 });
  M.toJson = measureHeavy(() => snap.toJson().length, smoke ? 2 : 5, { warmup: 1 });
  return res;
}

async function workerPeer(sys, { bytes, text, queries, principals, agree, smoke, budgetS }) {
  const res = { metrics: {} };
  const M = res.metrics;
  // CASL flattens rules per principal: it gets a subset of the pool (see BENCHMARKS.md)
  let qs = queries;
  let pool = principals;
  if (sys.name === 'CASL' && !smoke) {
    pool = principals.slice(0, 100);
    const set = new Set(pool);
    res.querySubset = { principals: pool.length, note: 'queries whose principal is among the first 100 of the pool' };
    res.queryIndexes = [];
    qs = [];
    queries.forEach((q, i) => { if (set.has(q[0])) { qs.push(q); res.queryIndexes.push(i); } });
  }
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = now();
  const eng = await sys.load({ bytes, text, principals: pool });
  M.load = { p50: Number(now() - t0), samples: 1, note: 'from JSON text: JSON.parse + encode + index, once' };
  M.rssGrowthBytes = process.memoryUsage().rss - rss0;
  res.info = eng.info;
  // agreement: as many of the sample as fit in a quarter of the budget (at least 50)
  const tA = now();
  const agreeBudgetNs = BigInt(Math.round((budgetS / 4) * 1e9));
  res.answers = [];
  const limit = res.queryIndexes ? res.queryIndexes.filter((i) => i < agree).length : agree;
  for (let i = 0; i < Math.min(limit, qs.length); i++) {
    res.answers.push(eng.can(qs[i]));
    if (i >= 50 && now() - tA > agreeBudgetNs) break;
  }
  const n = qs.length;
  M.can = measure((i) => eng.can(qs[i % n]), {
    samples: smoke ? 20 : 300,
    budgetMs: smoke ? 150 : Math.min(20_000, (budgetS * 1000) / 4),
    warmupMs: smoke ? 20 : 300,
  });
  return res;
}

async function worker() {
  const sysKey = opt('worker');
  const docPath = opt('doc');
  const qPath = opt('queries');
  const smoke = flag('smoke');
  const agree = Number(opt('agree', 2000));
  const budgetS = Number(opt('budget', 240));
  const buf = readFileSync(docPath);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const text = buf.toString('utf8');
  const { queries, principals } = JSON.parse(readFileSync(qPath, 'utf8'));
  const ctx = { bytes, text, queries, principals, agree, smoke, budgetS };
  const res = sysKey === 'permeval' ? await workerPermeval(ctx) : await workerPeer(SYSTEMS[sysKey], ctx);
  process.stdout.write(`\nRESULT ${JSON.stringify(res)}\n`);
}

// wasm memory after one load by one path, in a fresh process: linear memory never shrinks, so each path
// needs an instance of its own
async function memoryAfterLoad() {
  const buf = readFileSync(opt('doc'));
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const path = opt('memory');
  const text = path === 'string' ? buf.toString('utf8') : null;
  const { Snapshot, initSync } = await loadPermevalModule();
  const before = initSync().memory.buffer.byteLength;
  const snap = await LOAD_PATHS[path](Snapshot, { bytes, text });
  const after = initSync().memory.buffer.byteLength;
  process.stdout.write(`\nRESULT ${JSON.stringify({ path, before, after, orgId: snap.orgId })}\n`);
}

// cold start: in a fresh process, compile + instantiate the wasm and load the document from bytes
async function cold() {
  const buf = readFileSync(opt('doc'));
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const wasmBytes = readFileSync(join(ROOT, 'pkg/web/permeval_bg.wasm'));
  const glue = await import(new URL('../pkg/index.js', import.meta.url).href);
  const t0 = now();
  const module = new WebAssembly.Module(wasmBytes);
  const t1 = now();
  glue.initSync({ module });
  const t2 = now();
  const snap = glue.Snapshot.fromJson(bytes);
  const t3 = now();
  const ok = snap.orgId.length > 0;
  process.stdout.write(`\nRESULT ${JSON.stringify({ ok, compile: Number(t1 - t0), instantiate: Number(t2 - t1), load: Number(t3 - t2), total: Number(t3 - t0) })}\n`);
}

// ---- parent -------------------------------------------------------------------------------------------
function spawnWorker(argv, timeoutS) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=12000', fileURLToPath(import.meta.url), ...argv], {
    encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 256 << 20, killSignal: 'SIGKILL',
  });
  const wallS = (Date.now() - t0) / 1000;
  if (r.error?.code === 'ETIMEDOUT' || r.signal === 'SIGKILL') return { cutOff: true, wallS, reason: `exceeded ${timeoutS} s` };
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || !line) return { error: `exit ${r.status} ${r.signal ?? ''}: ${(r.stderr ?? '').slice(-2000)}`, wallS };
  return { ...JSON.parse(line.slice(7)), wallS };
}

function machine() {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model;
  return { nproc: cpus().length, cpu, memoryBytes: totalmem(), node: process.version, platform: `${process.platform} ${process.arch}`, loadavg: readFileSync('/proc/loadavg', 'utf8').trim() };
}

function buildFingerprint() {
  const wasm = readFileSync(join(ROOT, 'pkg/web/permeval_bg.wasm'));
  const git = spawnSync('git', ['-C', ROOT, 'log', '-1', '--format=%h %ci'], { encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src', 'js', 'Cargo.toml'], { encoding: 'utf8' }).stdout.trim().length > 0;
  return {
    wasmSha256: createHash('sha256').update(wasm).digest('hex').slice(0, 16),
    wasmMtime: statSync(join(ROOT, 'pkg/web/permeval_bg.wasm')).mtime.toISOString(),
    gitHead: git,
    sourceDirty: dirty,
  };
}

function packageSize() {
  // What a browser downloads: the wasm, wasm-bindgen's glue, and the package's classes around it.
  const files = ['pkg/web/permeval_bg.wasm', 'pkg/web/permeval.js', 'pkg/index.js', 'pkg/api.js'];
  const out = {};
  let gz = 0, raw = 0;
  for (const f of files) {
    const b = readFileSync(join(ROOT, f));
    const g = gzipSync(b, { level: 9 }).length;
    out[f] = { raw: b.length, gzip: g };
    gz += g;
    raw += b.length;
  }
  return { files: out, raw, gzip: gz };
}

async function parent() {
  const smoke = flag('smoke');
  const peerTimeout = Number(opt('peer-timeout', smoke ? 60 : 240));
  const agree = Number(opt('agree', smoke ? 400 : 2000));
  const sizes = smoke ? [300] : opt('sizes', '1k,10k,100k').split(',').map(parseSize);
  let dataDir = resolve(opt('data', join(HERE, 'data')));
  let tmp;
  if (smoke) {
    tmp = mkdtempSync(join(tmpdir(), 'permeval-bench-'));
    dataDir = tmp;
  }
  const started = new Date();
  const log = (...a) => console.error(...a);
  const results = {
    date: started.toISOString(),
    command: `node benches/run.mjs ${args.join(' ')}`.trim(),
    machine: machine(),
    versions: { permeval: SYSTEMS.permeval.version(), '@casl/ability': versionOf('@casl/ability'), '@cedar-policy/cedar-wasm': versionOf('@cedar-policy/cedar-wasm'), casbin: versionOf('casbin') },
    package: packageSize(),
    build: buildFingerprint(),
    sizes: {},
  };
  const failures = [];
  const cutAt = {};
  // --systems permeval[,casl,cedar,casbin]: measure only these; --reuse-peers keeps the other systems'
  // entries from the previous latest.json (marked reusedFrom), e.g. to re-measure permeval after a rebuild
  const selected = opt('systems', 'permeval,casl,cedar,casbin').split(',');
  const outDir = resolve(opt('out', join(HERE, 'results')));
  // --peers-from <file> takes them from another run's results instead (a full run kept elsewhere).
  const peersFrom = opt('peers-from', flag('reuse-peers') ? join(outDir, 'latest.json') : null);
  if (peersFrom && !existsSync(peersFrom)) {
    console.error(`no results to take the other systems from: ${peersFrom} does not exist`);
    process.exit(2);
  }
  const previous = peersFrom ? JSON.parse(readFileSync(peersFrom, 'utf8')) : null;
  if (previous?.coldStart && flag('no-cold')) results.coldStart = { ...previous.coldStart, reusedFrom: previous.date };
  for (const n of sizes) {
    const label = sizeLabel(n);
    const docPath = join(dataDir, `org-${label}.json`);
    const qPath = join(dataDir, `queries-${label}.json`);
    if (!existsSync(docPath) || !existsSync(qPath)) {
      log(`generating N=${label} into ${dataDir}…`);
      writeOrg(n, dataDir, 'permeval', smoke ? { queryCount: 1000 } : {});
    }
    const S = (results.sizes[label] = { n, docBytes: statSync(docPath).size, systems: {} });
    const base = ['--doc', docPath, '--queries', qPath, '--agree', String(agree), ...(smoke ? ['--smoke'] : [])];
    log(`N=${label}: permeval…`);
    const ref = spawnWorker(['--worker', 'permeval', ...base], smoke ? 60 : 1800);
    if (!ref.answers) {
      failures.push(`permeval at N=${label}: ${ref.error ?? ref.reason}`);
      S.systems.permeval = ref;
      continue;
    }
    S.allowedShare = ref.allowedShare;
    S.systems.permeval = { metrics: ref.metrics, wallS: ref.wallS };
    const byPath = (ref.metrics.wasmMemoryByLoadPath = {});
    for (const path of Object.keys(LOAD_PATHS)) {
      const r = spawnWorker(['--memory', path, '--doc', docPath], smoke ? 60 : 600);
      if (r.after === undefined) failures.push(`permeval memory after loading from ${path} at N=${label}: ${r.error ?? r.reason}`);
      else byPath[path] = r.after;
    }
    log(`  permeval wasm memory after load: ${Object.entries(byPath).map(([k, b]) => `${k} ${(b / 2 ** 20).toFixed(1)} MiB`).join(', ')}`);
    for (const key of ['casl', 'cedar', 'casbin']) {
      const name = SYSTEMS[key].name;
      if (!selected.includes(key)) {
        const old = previous?.sizes?.[label]?.systems?.[name];
        if (old) {
          S.systems[name] = { ...old, reusedFrom: old.reusedFrom ?? previous.date };
          if (old.cutOff) cutAt[key] = label;
        } else if (cutAt[key]) {
          S.systems[name] = { cutOff: true, reason: `skipped: cut off at N=${cutAt[key]}` };
        } else {
          S.systems[name] = { notRun: true, reason: 'not selected in this run (--systems)' };
        }
        continue;
      }
      if (cutAt[key]) {
        S.systems[name] = { cutOff: true, reason: `skipped: cut off at N=${cutAt[key]}` };
        log(`N=${label}: ${name} skipped (cut off at ${cutAt[key]})`);
        continue;
      }
      log(`N=${label}: ${name}…`);
      const r = spawnWorker(['--worker', key, ...base, '--budget', String(peerTimeout)], peerTimeout);
      if (r.cutOff) {
        cutAt[key] = label;
        S.systems[name] = r;
        log(`  cut off after ${r.wallS.toFixed(0)} s`);
        continue;
      }
      if (r.error) {
        failures.push(`${name} at N=${label}: ${r.error}`);
        S.systems[name] = { error: r.error };
        continue;
      }
      // agreement with permeval on the sample
      const idx = r.queryIndexes ?? null;
      let same = 0;
      const mismatches = [];
      const { queries } = JSON.parse(readFileSync(qPath, 'utf8'));
      r.answers.forEach((a, i) => {
        const qi = idx ? idx[i] : i;
        if (a === ref.answers[qi]) same++;
        else if (mismatches.length < 5) mismatches.push({ query: queries[qi], permeval: ref.answers[qi], [name]: a });
      });
      const agreement = { checked: r.answers.length, agree: same, percent: (100 * same) / Math.max(1, r.answers.length), mismatches };
      if (same !== r.answers.length) failures.push(`${name} at N=${label}: disagrees on ${r.answers.length - same} of ${r.answers.length}: ${JSON.stringify(mismatches.slice(0, 2))}`);
      if (r.answers.length === 0) failures.push(`${name} at N=${label}: no agreement sample`);
      S.systems[name] = { metrics: r.metrics, info: r.info, agreement, querySubset: r.querySubset, wallS: r.wallS };
      log(`  can p50 ${(r.metrics.can.p50 / 1000).toFixed(2)} µs, agreement ${agreement.agree}/${agreement.checked}`);
    }
    const p = S.systems.permeval.metrics;
    log(`  permeval can p50 ${(p.can.p50).toFixed(0)} ns, load bytes ${(p.loadBytes.p50 / 1e6).toFixed(1)} ms, string ${(p.loadString.p50 / 1e6).toFixed(1)} ms, stream ${(p.loadStream.p50 / 1e6).toFixed(1)} ms, JSON.parse ${(p.jsonParse.p50 / 1e6).toFixed(1)} ms`);
  }

  // cold start at 10k rows (smoke: the tiny org), each run a fresh process
  if (!flag('no-cold')) {
    const n = smoke ? 300 : 10_000;
    const label = sizeLabel(n);
    const docPath = join(dataDir, `org-${label}.json`);
    if (!existsSync(docPath)) writeOrg(n, dataDir);
    const runs = [];
    for (let i = 0; i < (smoke ? 2 : 11); i++) {
      const r = spawnWorker(['--cold', '--doc', docPath], 60);
      if (!r.ok) { failures.push(`cold start: ${r.error ?? r.reason}`); break; }
      runs.push(r);
    }
    if (runs.length) {
      results.coldStart = { n, runs: runs.length };
      for (const k of ['compile', 'instantiate', 'load', 'total']) results.coldStart[k] = summarise(runs.map((r) => r[k]));
      log(`cold start (N=${label}): total p50 ${(results.coldStart.total.p50 / 1e6).toFixed(1)} ms`);
    }
  }
  results.finished = new Date().toISOString();
  if (buildFingerprint().wasmSha256 !== results.build.wasmSha256) {
    results.build.changedDuringRun = true;
    log('WARNING: pkg/ was rebuilt during the run; the figures mix two builds');
  }
  results.machine.loadavgAtEnd = readFileSync('/proc/loadavg', 'utf8').trim();
  results.failures = failures;

  if (smoke) {
    rmSync(tmp, { recursive: true, force: true });
    const S = results.sizes['300'];
    for (const [name, s] of Object.entries(S?.systems ?? {})) {
      if (s.agreement) console.log(`smoke: ${name} agrees with permeval on ${s.agreement.agree}/${s.agreement.checked}`);
    }
    if (failures.length) {
      console.error(`smoke: FAILED\n  ${failures.join('\n  ')}`);
      process.exit(1);
    }
    console.log(`smoke: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return;
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  const { renderLatencySvg } = await import('./chart.mjs');
  writeFileSync(join(outDir, 'latency.svg'), renderLatencySvg(results));
  console.log(`wrote ${join(outDir, 'latest.json')} and latency.svg`);
  if (failures.length) {
    console.error(`FAILURES:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
}

if (flag('worker')) await worker();
else if (flag('memory')) await memoryAfterLoad();
else if (flag('cold')) await cold();
else await parent();
