// Ten million checks leave the wasm memory the size it was after one warm-up round: an edge worker or a
// browser tab keeps one instance for its lifetime, so anything a check leaked would end in an outage.
// Asserts a property (the linear memory's byteLength does not grow), not a timing. Runs against the built
// package, so every string crosses the real glue (allocated in wasm memory, freed after the call).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { initSync, Snapshot } from 'permeval';

const fixture = readFileSync(new URL('../fixtures/spec_example.json', import.meta.url), 'utf8');
const memoryBytes = () => initSync().memory.buffer.byteLength;

const CHECKS = 10_000_000;
const PRINCIPALS = ['U_ALICE', 'U_BOB', 'U_CAROL', 'SA_CI', 'U_NOBODY'];
const PERMISSIONS = ['create', 'read', 'update', 'delete', 'create_acls', 'read_acls', 'update_acls', 'delete_acls'];
// Listed objects (hits for someone), unlisted ones and unknown types (misses), an id longer than any in the
// snapshot, and odd Unicode: the glue copies every one of them into wasm memory.
const OBJECTS = [
  ['experiment', 'E1'],
  ['dataset', 'D1'],
  ['project', 'P1'],
  ['project_log', 'P2'],
  ['project_group', 'PG1'],
  ['organization', 'O'],
  ['org_project', 'O'],
  ['experiment', 'E404'],
  ['project', 'P-' + 'x'.repeat(300)],
  ['dashboard', 'DB1'],
  ['prompt', 'é\u202e\u0000'],
];

/** `n` checks through `snapshot.can` and `subject.can`, with an `explain`, `effective` or batch call every
 * 1000th; returns how many were allowed. */
function round(snap, subjects, n) {
  let allowed = 0;
  for (let i = 0; i < n; i++) {
    const p = i % PRINCIPALS.length;
    const permission = PERMISSIONS[i % PERMISSIONS.length];
    const [type, id] = OBJECTS[i % OBJECTS.length];
    const yes = i & 1 ? snap.can(PRINCIPALS[p], permission, type, id) : subjects[p].can(permission, type, id);
    if (yes) allowed++;
    if (i % 1000 === 0) {
      switch ((i / 1000) % 4) {
        case 0:
          snap.explain(PRINCIPALS[p], permission, type, id);
          break;
        case 1:
          snap.effective(PRINCIPALS[p], type, id);
          break;
        case 2:
          subjects[p].explain(permission, type, id);
          break;
        default:
          subjects[p].effectiveBatch(type, ['E1', 'D1', 'missing', id]);
      }
    }
  }
  return allowed;
}

test('10M checks leave the wasm memory the size it was after warm-up', () => {
  const snap = Snapshot.fromJson(fixture);
  const subjects = PRINCIPALS.map((p) => snap.subject(p));
  const warmUp = 100_000;
  round(snap, subjects, warmUp);
  const after = memoryBytes();
  const allowed = round(snap, subjects, CHECKS);
  assert.equal(memoryBytes(), after, 'the wasm memory grew during the checks');
  // Both answers were exercised: a run that only ever hit (or missed) would prove less.
  assert.ok(allowed > 0 && allowed < CHECKS, `allowed ${allowed} of ${CHECKS}`);
  for (const s of subjects) s.free();
  snap.free();
});
