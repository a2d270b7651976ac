// Loops one permeval operation on a generated org, for `node --cpu-prof`. Use a build that keeps the wasm
// name section (wasm-bindgen output before wasm-opt), so that wasm frames carry Rust names:
//   wasm-bindgen target/wasm32-unknown-unknown/release/permeval.wasm --target web --out-dir /tmp/pvprof/web --out-name permeval
//   node --cpu-prof --cpu-prof-name=can.cpuprofile benches/profile/run-op.mjs can /tmp/pvprof/web 100k
//   node benches/profile/top.mjs can.cpuprofile 25
// Operations: load, can, batch, accessible, explain.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
const [what = 'can', glueDir = 'pkg/web', size = '100k'] = process.argv.slice(2);
const glue = await import(resolve(glueDir, 'permeval.js'));
glue.initSync({ module: readFileSync(resolve(glueDir, 'permeval_bg.wasm')) });
const data = new URL('../data/', import.meta.url);
const buf = readFileSync(new URL(`org-${size}.json`, data));
const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
const { queries, principals } = JSON.parse(readFileSync(new URL(`queries-${size}.json`, data), 'utf8'));
if (what === 'load') {
  for (let i = 0; i < 8; i++) glue.Snapshot.fromJson(bytes).free();
  process.exit(0);
}
const snap = glue.Snapshot.fromJson(bytes);
let c = 0;
const t0 = performance.now();
if (what === 'can') for (let i = 0; i < 3e6; i++) { const q = queries[i % queries.length]; if (snap.can(q[0], q[1], q[2], q[3])) c++; }
if (what === 'explain') for (let i = 0; i < 30000; i++) { const q = queries[i % queries.length]; if (snap.explain(q[0], q[1], q[2], q[3]).allowed) c++; }
if (what === 'batch') {
  const doc = JSON.parse(buf.toString());
  const ids = doc.objects.filter((o) => o.type === 'experiment').map((o) => o.id);
  const big = Array.from({ length: 100000 }, (_, i) => ids[i % ids.length]);
  const s = snap.subject(queries[0][0]);
  for (let i = 0; i < 100; i++) c += s.effectiveBatch('experiment', big)[0];
}
if (what === 'accessible') for (let i = 0; i < 200; i++) c += snap.accessible(principals[i % principals.length], 'read', 'experiment').length;
console.log(what, c, (performance.now() - t0).toFixed(0), 'ms');
