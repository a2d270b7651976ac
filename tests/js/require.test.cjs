// The npm package through require(), as a CommonJS user loads it.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const permeval = require('permeval');

const fixture = readFileSync(path.join(__dirname, '..', 'fixtures', 'spec_example.json'), 'utf8');

test('require() gives the same API and answers as import', async () => {
  const { Snapshot, Subject, initSync } = permeval;
  initSync();
  await permeval.default();
  const snap = Snapshot.fromJson(fixture);
  assert.equal(snap.can('U_BOB', 'update', 'experiment', 'E1'), true);
  assert.deepEqual(snap.effective('U_CAROL', 'dataset', 'D1'), ['create', 'read']);
  assert.ok(snap.subject('U_CAROL') instanceof Subject);
  assert.deepEqual(Array.from(snap.subject('U_CAROL').effectiveBatch('experiment', ['E1', 'nope'])), [0b111, 0]);
  let caught;
  try {
    snap.can('U_BOB', 'raed', 'project', 'P1');
  } catch (e) {
    caught = e;
  }
  assert.equal(caught && caught.code, 'unknown_permission');
  assert.throws(() => Snapshot.fromJson('{'), (e) => e.code === 'invalid_json' && e.name === 'PermevalError');
});
