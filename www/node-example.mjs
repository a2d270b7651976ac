// A short tour of the package from Node, on the example snapshot: what a few people may do, and why.
// Run by ./scripts/demo.sh after the package is built; imports 'permeval' exactly as an app would.
import { readFileSync } from 'node:fs';
import { Snapshot } from 'permeval';

const path = process.argv[2] ?? new URL('../tests/fixtures/spec_example.json', import.meta.url);
const started = performance.now();
const snap = Snapshot.fromJson(readFileSync(path));
const loadMs = performance.now() - started;

console.log(`loaded org ${snap.orgId} in ${loadMs.toFixed(2)} ms, ${snap.warnings.length} warning(s)`);
for (const w of snap.warnings) console.log(`  warning ${w.code} at ${w.path}: ${w.message}`);

const questions = [
  ['U_ALICE', 'delete', 'experiment', 'E1'],
  ['U_BOB', 'update', 'experiment', 'E1'],
  ['U_BOB', 'create_acls', 'project', 'P1'],
  ['U_CAROL', 'update', 'experiment', 'E1'],
  ['U_CAROL', 'update', 'dataset', 'D1'],
  ['U_CAROL', 'read', 'project_log', 'P2'],
  ['SA_CI', 'read', 'dataset', 'D1'],
  ['zed', 'read', 'project', 'P1'],
];
console.log('\nchecks:');
for (const [who, perm, type, id] of questions) {
  const why = snap.explain(who, perm, type, id);
  const verdict = why.allowed ? 'yes' : 'no ';
  const detail = why.allowed
    ? why.paths.map(describe).join('; ')
    : `${why.reason}${why.nearest.length ? ` (nearest: ${why.nearest.map(describe).join('; ')})` : ''}`;
  console.log(`  ${verdict} ${who} ${perm} ${type}/${id} — ${detail}`);
}

console.log('\neffective permissions on experiment/E1:');
for (const { id, kind } of snap.principals()) {
  console.log(`  ${id.padEnd(8)} ${kind.padEnd(15)} ${snap.effective(id, 'experiment', 'E1').join(', ') || '(none)'}`);
}

function describe(p) {
  const via =
    p.holder.kind === 'user' ? 'directly' : p.groupChain.length ? `∈ ${p.groupChain.join(' ⊂ ')}` : `group ${p.holder.id}`;
  const role = p.roleChain.length ? ` role ${p.roleChain.join(' → ')}` : '';
  const only = p.restriction ? ` (${p.restriction} only)` : '';
  return `${via} → ACL ${p.aclId} on ${p.on.type}/${p.on.id}${role}${only}`;
}
