// The package's classes (js/api.js) around wasm-bindgen's: checks on ids the snapshot knows pass cached
// numbers, everything else takes the string path. These tests hold the two paths to the same answers, and
// hold every method to a thrown PermevalError (not a trap that poisons the instance) for non-string input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { Snapshot, Subject } from 'permeval';

const fixture = readFileSync(new URL('../fixtures/spec_example.json', import.meta.url), 'utf8');
const PERMISSIONS = ['create', 'read', 'update', 'delete', 'create_acls', 'read_acls', 'update_acls', 'delete_acls'];
const PRINCIPALS = ['U_ALICE', 'U_BOB', 'U_CAROL', 'SA_CI', 'nobody'];
// Objects with a node (listed, or named by an ACL) and without one (unknown ids, another org's org).
const OBJECTS = [
  ['experiment', 'E1'], ['dataset', 'D1'], ['project', 'P1'], ['project', 'P2'], ['project_log', 'P1'],
  ['project_group', 'PG1'], ['organization', 'O'], ['org_project', 'O'], ['group', 'G_ENG'], ['role', 'R_DS'],
  ['experiment', 'E404'], ['dataset', 'E1'], ['organization', 'OTHER'], ['dashboard', 'DB1'], ['prompt', 'X'],
];

function throwsWrongType(fn, path) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, 'PermevalError');
    assert.equal(e.code, 'wrong_type');
    assert.equal(e.path, path);
    assert.match(e.message, /must be/);
    return true;
  });
}

/** The answers a principal gets on every object, each asked `rounds` times (the second time from cache). */
function answers(snap, me, principal) {
  const out = [];
  for (const [type, id] of OBJECTS) {
    for (const p of PERMISSIONS) {
      const first = snap.can(principal, p, type, id);
      out.push([type, id, p, first]);
      assert.equal(snap.can(principal, p, type, id), first, `${principal} ${p} ${type}/${id} cached`);
      assert.equal(me.can(p, type, id), first, `subject ${principal} ${p} ${type}/${id}`);
      assert.equal(snap.explain(principal, p, type, id).allowed, first, `explain ${principal} ${p} ${type}/${id}`);
    }
    const effective = snap.effective(principal, type, id);
    assert.deepEqual(effective, PERMISSIONS.filter((p) => snap.can(principal, p, type, id)));
    assert.deepEqual(me.effective(type, id), effective);
    assert.deepEqual(snap.effective(principal, type, id), effective, 'cached effective');
  }
  return out;
}

test('cached numbers and the string path give the same answers, for every member, object and permission', () => {
  const snap = Snapshot.fromJson(fixture);
  const allowed = { U_ALICE: 0, nobody: 0 };
  for (const principal of PRINCIPALS) {
    const me = snap.subject(principal);
    for (const [, , , can] of answers(snap, me, principal)) if (can && principal in allowed) allowed[principal]++;
    for (const type of ['experiment', 'project', 'organization', 'dashboard']) {
      const ids = OBJECTS.filter(([t]) => t === type).map(([, id]) => id);
      const batch = me.effectiveBatch(type, [...ids, ...ids]);
      assert.ok(batch instanceof Uint8Array);
      assert.equal(batch.length, ids.length * 2);
      [...ids, ...ids].forEach((id, i) => {
        const bits = PERMISSIONS.reduce((acc, p, bit) => acc | (me.can(p, type, id) ? 1 << bit : 0), 0);
        assert.equal(batch[i], bits, `${principal} batch ${type}/${id}`);
      });
    }
  }
  // accessible (positions mapped through the cached listed ids) against can over every listed object.
  for (const principal of PRINCIPALS) {
    const me = snap.subject(principal);
    for (const type of ['experiment', 'dataset', 'project', 'project_log', 'organization', 'dashboard']) {
      const listed = snap.listedIds(type);
      for (const p of PERMISSIONS) {
        const expected = listed.filter((id) => snap.can(principal, p, type, id));
        assert.deepEqual(snap.accessible(principal, p, type), expected, `${principal} ${p} ${type}`);
        assert.deepEqual(me.accessible(p, type), expected, `subject ${principal} ${p} ${type}`);
      }
    }
  }
  assert.deepEqual(snap.listedIds('project'), ['P1', 'P2']);
  snap.listedIds('project').push('mutated');
  assert.deepEqual(snap.listedIds('project'), ['P1', 'P2'], 'callers get copies');
  assert.deepEqual(snap.accessible('U_ALICE', 'read', 'project'), ['P1', 'P2']);
  // Not a vacuous comparison: the owner holds plenty, a stranger nothing.
  assert.ok(allowed.U_ALICE > 50, `owner allowed ${allowed.U_ALICE}`);
  assert.equal(allowed.nobody, 0);
});

test('two snapshots keep their own numbers', () => {
  // The same ids number differently when the documents list them in another order.
  const a = Snapshot.fromJson(fixture);
  const doc = JSON.parse(fixture);
  doc.objects.reverse();
  doc.users.reverse();
  doc.acls = doc.acls.filter((acl) => acl.user_id !== 'U_BOB' && acl.group_id !== 'G_ENG');
  const b = new Snapshot(doc);
  for (const [type, id] of OBJECTS) {
    for (const p of PERMISSIONS) {
      a.can('U_BOB', p, type, id);
      b.can('U_BOB', p, type, id);
    }
  }
  assert.equal(a.can('U_BOB', 'update', 'experiment', 'E1'), true);
  assert.equal(b.can('U_BOB', 'update', 'experiment', 'E1'), false);
  assert.equal(b.explain('U_BOB', 'update', 'experiment', 'E1').allowed, false);
});

test('a non-string argument throws wrong_type naming it, on every method, and the instance keeps answering', () => {
  const snap = Snapshot.fromJson(fixture);
  const me = snap.subject('U_BOB');
  // Warm the caches first: a cached id must not let a wrong type through either.
  assert.equal(snap.can('U_BOB', 'update', 'experiment', 'E1'), true);
  assert.equal(me.can('update', 'experiment', 'E1'), true);
  for (const bad of [7, null, undefined, {}, ['E1'], true, Symbol('E1'), 12n, new String('E1')]) {
    throwsWrongType(() => snap.can(bad, 'read', 'project', 'P1'), 'principalId');
    throwsWrongType(() => snap.can('U_BOB', bad, 'project', 'P1'), 'permission');
    throwsWrongType(() => snap.can('U_BOB', 'read', bad, 'P1'), 'objectType');
    throwsWrongType(() => snap.can('U_BOB', 'read', 'project', bad), 'objectId');
    throwsWrongType(() => snap.effective('U_BOB', 'project', bad), 'objectId');
    throwsWrongType(() => snap.effective(bad, 'project', 'P1'), 'principalId');
    throwsWrongType(() => snap.canCreate('U_BOB', 'dataset', 'project', bad), 'parentId');
    throwsWrongType(() => snap.explain('U_BOB', 'read', bad, 'P1'), 'objectType');
    throwsWrongType(() => snap.explainCreate('U_BOB', bad, 'project', 'P1'), 'childType');
    throwsWrongType(() => snap.whoCan('read', 'project', bad), 'objectId');
    throwsWrongType(() => snap.accessible(bad, 'read', 'project'), 'principalId');
    throwsWrongType(() => snap.capabilities(bad), 'principalId');
    throwsWrongType(() => snap.subject(bad), 'principalId');
    throwsWrongType(() => me.can('read', 'project', bad), 'objectId');
    throwsWrongType(() => me.effective(bad, 'P1'), 'objectType');
    throwsWrongType(() => me.canCreate('dataset', bad, 'P1'), 'parentType');
    throwsWrongType(() => me.accessible('read', bad), 'objectType');
    throwsWrongType(() => snap.accessible('U_BOB', 'read', bad), 'objectType');
    throwsWrongType(() => snap.listedIds(bad), 'objectType');
    throwsWrongType(() => me.explain('read', 'project', bad), 'objectId');
    throwsWrongType(() => me.effectiveBatch('project', ['P1', bad]), 'objectIds[1]');
    throwsWrongType(() => me.effectiveBatch(bad, ['P1']), 'objectType');
  }
  throwsWrongType(() => me.effectiveBatch('project', 'P1'), 'objectIds');
  assert.throws(() => Snapshot.fromJson(42), { name: 'PermevalError', code: 'wrong_type' });
  assert.equal(snap.can('U_BOB', 'update', 'experiment', 'E1'), true);
  assert.equal(me.can('update', 'experiment', 'E1'), true);
  assert.equal(snap.can('U_CAROL', 'update', 'dataset', 'D1'), false);
});

test('a subject outlives snapshot.free(), ids it has not seen included', () => {
  const snap = Snapshot.fromJson(fixture);
  const me = snap.subject('U_CAROL');
  assert.equal(me.can('read', 'experiment', 'E1'), true);
  snap.free();
  assert.equal(me.can('read', 'experiment', 'E1'), true);
  assert.equal(me.can('read', 'dataset', 'D1'), true); // first asked after free
  assert.deepEqual([...me.effectiveBatch('project', ['P1', 'P404'])], [
    PERMISSIONS.reduce((acc, p, bit) => acc | (me.can(p, 'project', 'P1') ? 1 << bit : 0), 0),
    0,
  ]);
  me.free();
});

test('a Subject comes only from snapshot.subject()', () => {
  assert.throws(() => new Subject(), TypeError);
  assert.ok(Snapshot.fromJson(fixture).subject('U_BOB') instanceof Subject);
});

test('require() gets the same classes with the same caching behaviour', () => {
  const cjs = createRequire(import.meta.url)('permeval');
  const snap = cjs.Snapshot.fromJson(fixture);
  assert.equal(snap.can('U_BOB', 'update', 'experiment', 'E1'), true);
  assert.equal(snap.can('U_BOB', 'update', 'experiment', 'E1'), true);
  throwsWrongType(() => snap.can('U_BOB', 'update', 'experiment', 1), 'objectId');
  assert.ok(snap.subject('U_BOB') instanceof cjs.Subject);
});

test('cached numbers do not outlive expiry: a stale snapshot denies on the fast path too', async () => {
  const doc = JSON.parse(fixture);
  const now = Date.now();
  doc.generated_at = new Date(now).toISOString();
  doc.expires_at = new Date(now + 300).toISOString();
  const snap = Snapshot.fromJson(JSON.stringify(doc));
  const me = snap.subject('U_BOB');
  assert.equal(snap.can('U_BOB', 'update', 'experiment', 'E1'), true);
  assert.equal(me.can('update', 'experiment', 'E1'), true);
  assert.deepEqual([...me.effectiveBatch('experiment', ['E1'])], [0b1111]); // create, read, update, delete
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(snap.isStale(), true);
  assert.equal(snap.can('U_BOB', 'update', 'experiment', 'E1'), false);
  assert.deepEqual(snap.effective('U_BOB', 'experiment', 'E1'), []);
  assert.equal(me.can('update', 'experiment', 'E1'), false);
  assert.deepEqual([...me.effectiveBatch('experiment', ['E1', 'E404'])], [0, 0]);
  assert.equal(snap.explain('U_BOB', 'update', 'experiment', 'E1').reason, 'stale');
  assert.deepEqual(snap.accessible('U_BOB', 'read', 'experiment'), []);
});

test('a string with a lone surrogate names nothing: it throws invalid_string instead of matching another id', () => {
  // Crossing into wasm would turn each lone surrogate into U+FFFD, so 'U\ud800' and 'U\udc00' (and an id
  // really holding U+FFFD) would all become one id.
  const doc = JSON.parse(fixture);
  doc.users.push({ id: 'U\uFFFD' });
  doc.acls.push({ id: 'x1', object_type: 'organization', object_id: 'O', user_id: 'U\uFFFD', permission: 'read' });
  const snap = Snapshot.fromJson(JSON.stringify(doc));
  assert.equal(snap.can('U\uFFFD', 'read', 'organization', 'O'), true);
  const invalid = (fn, path) =>
    assert.throws(fn, (e) => e.name === 'PermevalError' && e.code === 'invalid_string' && e.path === path);
  invalid(() => snap.can('U\ud800', 'read', 'organization', 'O'), 'principalId');
  invalid(() => snap.subject('U\udc00'), 'principalId');
  invalid(() => snap.can('U_BOB', 'read', 'experiment', 'E\ud800'), 'objectId');
  invalid(() => snap.subject('U_BOB').effectiveBatch('experiment', ['E1', '\udfff']), 'objectIds[1]');
  invalid(() => Snapshot.fromJson('{"org": {"id": "O"}, "users": [{"id": "U\ud800"}, {"id": "U\udc00"}]}'), '');
  assert.equal(snap.can('U\uFFFD', 'read', 'organization', 'O'), true);
});
