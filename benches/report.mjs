#!/usr/bin/env node
// Renders benches/results/latest.json as the Markdown tables of BENCHMARKS.md (printed to stdout).
//   node benches/report.mjs [path/to/latest.json]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const path = process.argv[2] ?? fileURLToPath(new URL('./results/latest.json', import.meta.url));
const R = JSON.parse(readFileSync(path, 'utf8'));
const sizes = Object.keys(R.sizes);
const PEERS = ['CASL', 'Cedar', 'casbin'];
const us = (ns) => (ns == null ? '–' : ns >= 1e6 ? `${(ns / 1e6).toFixed(ns >= 1e8 ? 0 : 1)} ms` : `${(ns / 1e3).toFixed(ns >= 1e4 ? 1 : 3)} µs`);
const ms = (ns) => (ns == null ? '–' : `${(ns / 1e6).toFixed(1)} ms`);
const ms2 = (ns) => (ns == null ? "–" : `${(ns / 1e6).toFixed(2)} ms`);
const ratio = (x, base) => (x == null || base == null ? '' : ` (${(x / base).toFixed(x / base >= 100 ? 0 : 1)}×)`);
const cell = (sys, f, base) => {
  if (!sys) return '–';
  if (sys.cutOff) return `cut off (${sys.reason})`;
  if (sys.notRun) return 'not run';
  if (sys.error) return 'error';
  const v = f(sys);
  return v == null ? '–' : `${us(v)}${base != null ? ratio(v, base) : ''}`;
};
const lines = [];
const p = (s = '') => lines.push(s);

p(`### Check latency: \`can\` with string ids (p50 / p99 per check; ratio = peer ÷ permeval p50)`);
p();
p(`| N | permeval p50 | permeval p99 | ${PEERS.map((x) => `${x} p50 | ${x} p99`).join(' | ')} |`);
p(`|---|---|---|${PEERS.map(() => '---|---').join('|')}|`);
for (const s of sizes) {
  const S = R.sizes[s].systems;
  const base = S.permeval?.metrics?.can?.p50;
  p(`| ${s} | ${us(base)} | ${us(S.permeval?.metrics?.can?.p99)} | ${PEERS.map((x) => `${cell(S[x], (y) => y.metrics?.can?.p50, base)} | ${cell(S[x], (y) => y.metrics?.can?.p99)}`).join(' | ')} |`);
}
p();
p(`### Load (p50; permeval from the document's bytes, from a JS string and from a stream of 64 KiB pieces; V8 \`JSON.parse\` of the same text; peers: JSON.parse + encoding + index build, once)`);
p();
p(`| N | document | permeval bytes | permeval string | permeval stream | JSON.parse alone | bytes ÷ JSON.parse | string ÷ JSON.parse | ${PEERS.join(' | ')} |`);
p(`|---|---|---|---|---|---|---|---|${PEERS.map(() => '---').join('|')}|`);
for (const s of sizes) {
  const S = R.sizes[s].systems;
  const m = S.permeval?.metrics ?? {};
  const lb = m.loadBytes?.p50, lsn = m.loadString?.p50, jp = m.jsonParse?.p50;
  p(`| ${s} | ${(R.sizes[s].docBytes / 1e6).toFixed(1)} MB | ${ms(lb)} | ${ms(lsn)} | ${ms(m.loadStream?.p50)} | ${ms(jp)} | ${(lb / jp).toFixed(2)} | ${(lsn / jp).toFixed(2)} | ${PEERS.map((x) => (S[x]?.cutOff ? 'cut off' : S[x]?.notRun ? 'not run' : S[x]?.metrics?.load ? `${ms(S[x].metrics.load.p50)}${ratio(S[x].metrics.load.p50, lb)}` : '–')).join(' | ')} |`);
}
p();
p(`### permeval's other operations (p50 / p99)`);
p();
p(`| N | subject().can | subject() resolve | effective | explain | effectiveBatch 100k ids | checks/s | accessible(read, experiment) | accessible over all child objects |`);
p(`|---|---|---|---|---|---|---|---|---|`);
for (const s of sizes) {
  const m = R.sizes[s].systems.permeval?.metrics;
  if (!m) continue;
  p(`| ${s} | ${us(m.subjectCan.p50)} / ${us(m.subjectCan.p99)} | ${us(m.subjectResolve.p50)} | ${us(m.effective.p50)} / ${us(m.effective.p99)} | ${us(m.explain.p50)} / ${us(m.explain.p99)} | ${ms(m.effectiveBatch.p50)} / ${ms(m.effectiveBatch.p99)} | ${(m.effectiveBatch.checksPerSecond / 1e6).toFixed(1)} M | ${ms(m.accessibleExperiment.p50)} (${m.accessibleExperiment.objects} objects) | ${ms(m.accessibleAllChildTypes.p50)} (${m.accessibleAllChildTypes.objects} objects) |`);
}
p();
p(`### Deltas on a loaded snapshot (p50 / p99; a body given as an object includes its JSON.stringify)`);
p();
p(`| N | add 1k ACL rows: object / JSON text | remove 1k ACL rows: object / JSON text | patchGroup (one member) | upsert one object (moves project) | upsert one project (re-places objects) | toJson |`);
p(`|---|---|---|---|---|---|---|`);
for (const s of sizes) {
  const m = R.sizes[s].systems.permeval?.metrics;
  if (!m?.deltaAclAdd) continue;
  const pp = (x) => (x ? `${ms2(x.p50)} / ${ms2(x.p99)}` : '–');
  const both = (object, text) => (text ? `${pp(object)}; ${pp(text)}` : pp(object));
  p(`| ${s} | ${both(m.deltaAclAdd, m.deltaAclAddText)} | ${both(m.deltaAclRemove, m.deltaAclRemoveText)} | ${pp(m.deltaPatchGroup)} | ${pp(m.deltaUpsertObject)} | ${pp(m.deltaUpsertProject)} | ${ms(m.toJson.p50)} |`);
}
p();
p(`### Memory after loading`);
p();
p(`| N | permeval wasm linear memory (bytes / string / stream) | ${PEERS.map((x) => `${x} RSS growth`).join(' | ')} |`);
p(`|---|---|${PEERS.map(() => '---').join('|')}|`);
for (const s of sizes) {
  const S = R.sizes[s].systems;
  const mb = (b) => (b == null ? '–' : `${(b / 2 ** 20).toFixed(1)} MiB`);
  const byPath = S.permeval?.metrics?.wasmMemoryByLoadPath;
  const permeval = byPath ? `${mb(byPath.bytes)} / ${mb(byPath.string)} / ${mb(byPath.stream)}` : mb(S.permeval?.metrics?.wasmMemoryBytes);
  p(`| ${s} | ${permeval} | ${PEERS.map((x) => (S[x]?.cutOff ? 'cut off' : mb(S[x]?.metrics?.rssGrowthBytes))).join(' | ')} |`);
}
p();
p(`### Agreement with permeval (sample of the seeded queries)`);
p();
p(`| N | allowed share of queries | ${PEERS.join(' | ')} |`);
p(`|---|---|${PEERS.map(() => '---').join('|')}|`);
for (const s of sizes) {
  const S = R.sizes[s].systems;
  p(`| ${s} | ${((R.sizes[s].allowedShare ?? 0) * 100).toFixed(1)}% | ${PEERS.map((x) => (S[x]?.agreement ? `${S[x].agreement.agree}/${S[x].agreement.checked} (${S[x].agreement.percent.toFixed(1)}%)` : S[x]?.cutOff ? 'cut off' : '–')).join(' | ')} |`);
}
p();
if (R.coldStart) {
  const c = R.coldStart;
  p(`### Cold start (fresh process each run, N=${c.n}, ${c.runs} runs; p50 / max)`);
  p();
  p(`| compile | instantiate | load | total |`);
  p(`|---|---|---|---|`);
  p(`| ${ms(c.compile.p50)} / ${ms(c.compile.max)} | ${ms(c.instantiate.p50)} / ${ms(c.instantiate.max)} | ${ms(c.load.p50)} / ${ms(c.load.max)} | ${ms(c.total.p50)} / ${ms(c.total.max)} |`);
  p();
}
p(`### Package size (gzip -9)`);
p();
p(`| file | raw | gzip |`);
p(`|---|---|---|`);
for (const [f, v] of Object.entries(R.package.files)) p(`| \`${f}\` | ${v.raw.toLocaleString('en')} B | ${v.gzip.toLocaleString('en')} B |`);
p(`| total | ${R.package.raw.toLocaleString('en')} B | ${R.package.gzip.toLocaleString('en')} B |`);
console.log(lines.join('\n'));
