// Spec §5 through the npm package as a Node user imports it: one test per entry of
// tests/cases/spec_section5.json (its `_format` says how to read it), the same data the wasm-bindgen-test suite
// (tests/wasm_suite/spec_cases.rs) runs. Each entry patches the §3.5 fixture, loads it with Snapshot.fromJson and
// runs every check through the exported methods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { Snapshot } from 'permeval';

const fixture = readFileSync(new URL('../fixtures/spec_example.json', import.meta.url), 'utf8');
const file = JSON.parse(readFileSync(new URL('../cases/spec_section5.json', import.meta.url), 'utf8'));

/** Fails (as an error of the case file) when `obj` has a key outside `allowed`. */
function keysWithin(obj, allowed, at) {
  assert.ok(obj !== null && typeof obj === 'object' && !Array.isArray(obj), `${at}: not an object`);
  for (const key of Object.keys(obj)) assert.ok(allowed.includes(key), `${at}: unknown key \`${key}\``);
}

/** The index of the one row of `doc[section]` whose id is `id`. */
function onlyRow(doc, section, id, at) {
  const rows = doc[section];
  assert.ok(Array.isArray(rows), `${at}: section \`${section}\` is not an array`);
  const hits = rows.flatMap((row, i) => (row?.id === id ? [i] : []));
  assert.equal(hits.length, 1, `${at}: ${hits.length} rows of \`${section}\` have id \`${id}\`, not one`);
  return hits[0];
}

/** The fixture with `patch` applied: add, then set, then remove. */
function patched(patch, name) {
  const doc = JSON.parse(fixture);
  keysWithin(patch, ['add', 'set', 'remove'], `${name} patch`);
  for (const [section, rows] of Object.entries(patch.add ?? {})) {
    assert.ok(Array.isArray(rows), `${name} add.${section}: not an array`);
    doc[section] = [...(doc[section] ?? []), ...structuredClone(rows)];
  }
  (patch.set ?? []).forEach((op, i) => {
    const at = `${name} set[${i}]`;
    keysWithin(op, ['section', 'id', 'field', 'value'], at);
    assert.ok('value' in op, `${at}: no \`value\``);
    doc[op.section][onlyRow(doc, op.section, op.id, at)][op.field] = structuredClone(op.value);
  });
  (patch.remove ?? []).forEach((op, i) => {
    const at = `${name} remove[${i}]`;
    keysWithin(op, ['section', 'id'], at);
    doc[op.section].splice(onlyRow(doc, op.section, op.id, at), 1);
  });
  return doc;
}

/** The snapshot's warnings as sorted [code, path] pairs. */
function warnings(snap) {
  return snap.warnings.map((w) => [w.code, w.path]).sort((a, b) => String(a).localeCompare(String(b)));
}

test('every §5 case number 01..23 has an entry, and names are unique', () => {
  const names = file.cases.map((c) => c.name);
  const numbers = new Set(
    names.map((name) => {
      const m = /^case_(\d\d)_\w+$/.exec(name);
      assert.ok(m, `\`${name}\` is not case_NN_<slug>`);
      return Number(m[1]);
    }),
  );
  assert.deepEqual([...numbers].sort((a, b) => a - b), Array.from({ length: 23 }, (_, i) => i + 1));
  assert.equal(new Set(names).size, names.length);
});

for (const entry of file.cases) {
  test(entry.name, () => {
    const { name } = entry;
    keysWithin(entry, ['name', 'note', 'patch', 'checks'], name);
    assert.ok(Array.isArray(entry.checks) && entry.checks.length > 0, `${name}: no checks`);
    const snap = Snapshot.fromJson(JSON.stringify(patched(entry.patch, name)));
    try {
      const failures = [];
      if (!entry.checks.some((c) => 'warnings' in c) && snap.warnings.length > 0) {
        failures.push(`${name}: the patched document loads with warnings ${JSON.stringify(warnings(snap))}`);
      }
      entry.checks.forEach((check, i) => {
        const at = `${name} check[${i}] ${JSON.stringify(check)}`;
        if ('warnings' in check) {
          keysWithin(check, ['warnings'], at);
          const expected = check.warnings.map(([code, path]) => [code, path]);
          expected.sort((a, b) => String(a).localeCompare(String(b)));
          const actual = warnings(snap);
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            failures.push(`${at}: warnings ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
          }
          return;
        }
        assert.equal(typeof check.expect, 'boolean', `${at}: \`expect\` is not a boolean`);
        let actual;
        if ('can' in check) {
          keysWithin(check, ['who', 'can', 'on', 'expect'], at);
          try {
            actual = snap.can(check.who, check.can, check.on[0], check.on[1]);
          } catch (e) {
            failures.push(`${at}: can threw ${e.code} ${e.message}`);
            return;
          }
        } else {
          keysWithin(check, ['who', 'create', 'under', 'expect'], at);
          actual = snap.canCreate(check.who, check.create, check.under[0], check.under[1]);
        }
        if (actual !== check.expect) failures.push(`${at}: got ${actual}, expected ${check.expect}`);
      });
      assert.deepEqual(failures, [], `${failures.length} of ${entry.checks.length} checks failed`);
    } finally {
      snap.free();
    }
  });
}
