// Self time per function from a .cpuprofile: node benches/profile/top.mjs file.cpuprofile [count]
import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const counts = new Map();
for (const s of p.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
const self = new Map();
let total = 0;
for (const [id, c] of counts) {
  const n = byId.get(id);
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}`;
  self.set(k, (self.get(k) ?? 0) + c);
  total += c;
}
[...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 25))
  .forEach(([k, c]) => console.log(`${((100 * c) / total).toFixed(1).padStart(5)} % ${k}`));
