// Live snapshots from JS: deltas change the answers of the snapshot and of subjects taken before them,
// through the cached-number path as well as the string path; a refused delta changes nothing; toJson
// loads back to the same answers. The exhaustive property (random sequences against fresh loads) is the
// native `deltas` test and the wasm suite's; this file holds the JS layer's caches to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { Snapshot } from 'permeval';

const fixture = readFileSync(new URL('../fixtures/spec_example.json', import.meta.url), 'utf8');
const PERMISSIONS = ['create', 'read', 'update', 'delete', 'create_acls', 'read_acls', 'update_acls', 'delete_acls'];
const PRINCIPALS = ['U_ALICE', 'U_BOB', 'U_CAROL', 'SA_CI', 'U_NEW'];
const OBJECTS = [
  ['experiment', 'E1'], ['experiment', 'E2'], ['dataset', 'D1'], ['project', 'P1'], ['project', 'P2'],
  ['project_log', 'P2'], ['project_group', 'PG1'], ['organization', 'O'], ['group', 'G_DS'],
];

/** Every answer the snapshot gives, asked twice (the second time from the number cache). */
function answers(snap) {
  const out = {};
  for (const p of PRINCIPALS) {
    for (const [type, id] of OBJECTS) {
      const eff = snap.effective(p, type, id);
      assert.deepEqual(snap.effective(p, type, id), eff);
      out[`${p} ${type}/${id}`] = eff.join(',');
    }
    for (const type of ['experiment', 'project', 'project_log']) out[`${p} accessible ${type}`] = snap.accessible(p, 'read', type).join(',');
  }
  out.principals = JSON.stringify(snap.principals());
  return out;
}

test('an ACL batch changes the answers of the snapshot and of a subject taken before it', () => {
  const snap = Snapshot.fromJson(fixture);
  const dave = snap.subject('U_BOB');
  assert.equal(dave.can('delete_acls', 'project', 'P1'), false); // warms the number cache
  assert.equal(snap.can('U_BOB', 'delete_acls', 'project', 'P1'), false);
  assert.equal(snap.version, 0);
  snap.applyAclBatch({ add_acls: [{ object_type: 'project', object_id: 'P1', user_id: 'U_BOB', permission: 'delete_acls' }] });
  assert.equal(snap.version, 1);
  assert.equal(dave.can('delete_acls', 'project', 'P1'), true);
  assert.equal(snap.can('U_BOB', 'delete_acls', 'project', 'P1'), true);
  assert.equal(snap.can('U_BOB', 'delete_acls', 'experiment', 'E1'), true, 'cascades to the project\'s objects');
  const why = snap.explain('U_BOB', 'delete_acls', 'project', 'P1');
  assert.deepEqual(why.paths.map((p) => p.aclId), ['delta:project/P1/user:U_BOB/delete_acls']);
  snap.applyAclBatch({ remove_acls: [{ object_type: 'project', object_id: 'P1', user_id: 'U_BOB', permission: 'delete_acls' }] });
  assert.equal(dave.can('delete_acls', 'project', 'P1'), false);
  assert.equal(snap.version, 2);
});

test('a refused delta throws a PermevalError naming the item, and changes nothing', () => {
  const snap = Snapshot.fromJson(fixture);
  const before = answers(snap);
  assert.throws(
    () => snap.applyAclBatch({
      add_acls: [
        { object_type: 'project', object_id: 'P2', user_id: 'U_CAROL', permission: 'update' },
        { object_type: 'project', object_id: 'P2', group_id: 'G_NOPE', permission: 'update' },
      ],
    }),
    (e) => e.name === 'PermevalError' && e.code === 'unknown_group' && e.path === 'add_acls[1].group_id',
  );
  assert.throws(() => snap.patchGroup('G_NOPE', { add_member_users: ['U_BOB'] }), (e) => e.code === 'unknown_group');
  assert.throws(() => snap.upsert('objects', [{ type: 'experiment', id: 'E9', project_id: 'P404' }]),
    (e) => e.code === 'unknown_project' && e.path === 'objects[0].project_id');
  assert.throws(() => snap.upsert('tables', []), (e) => e.code === 'wrong_type');
  assert.throws(() => snap.applyAclBatch(42), (e) => e.code === 'wrong_type');
  assert.throws(() => snap.applyAclBatch({ add_acls: [{ object_type: 'project' }] }), (e) => e.code === 'missing_field');
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => snap.patchRole('R_DS', cyclic), (e) => e.code === 'wrong_type' && e.path === 'body');
  assert.throws(() => snap.patchGroup(7, {}), (e) => e.code === 'wrong_type' && e.path === 'groupId');
  assert.equal(snap.version, 0);
  assert.deepEqual(answers(snap), before);
});

test('upserts, group and role patches reach cached numbers and listed ids; toJson loads to the same answers', () => {
  const snap = Snapshot.fromJson(fixture);
  const carol = snap.subject('U_CAROL');
  assert.deepEqual(snap.accessible('U_CAROL', 'read', 'experiment'), ['E1']);
  assert.equal(carol.can('read', 'experiment', 'E2'), false);
  snap.upsert('objects', [{ type: 'experiment', id: 'E2', project_id: 'P1' }]);
  assert.deepEqual(snap.accessible('U_CAROL', 'read', 'experiment'), ['E1', 'E2'], 'listed ids fetched again');
  assert.deepEqual(carol.accessible('read', 'experiment'), ['E1', 'E2']);
  assert.equal(carol.can('read', 'experiment', 'E2'), true);

  snap.upsert('users', [{ id: 'U_NEW' }]);
  snap.patchGroup('G_DS', { add_member_users: ['U_NEW'], name: 'renamed' });
  assert.equal(snap.can('U_NEW', 'update', 'experiment', 'E1'), true);
  snap.patchRole('R_DS', { remove_member_permissions: [{ permission: 'update', restrict_object_type: 'experiment' }] });
  assert.equal(snap.can('U_NEW', 'update', 'experiment', 'E1'), false);
  assert.equal(carol.can('update', 'experiment', 'E1'), false);

  snap.upsert('projects', [{ id: 'P1', org_id: 'O', name: 'chatbot', deleted_at: '2026-11-28T10:00:00Z' }]);
  assert.equal(carol.can('read', 'experiment', 'E1'), false, 'the cached node of E1 is dead now');
  assert.deepEqual(snap.accessible('U_CAROL', 'read', 'experiment'), []);
  snap.upsert('users', [{ id: 'U_NEW', deleted_at: '2026-11-28T10:00:00Z' }]);
  assert.equal(snap.subject('U_NEW').isMember, false);
  assert.equal(snap.version, 6);

  const reloaded = Snapshot.fromJson(snap.toJson());
  assert.deepEqual(answers(reloaded), answers(snap));
  assert.deepEqual(reloaded.warnings, []);
});

test('projectFor: a document for one principal that answers as the full snapshot for them, and names no one else', () => {
  const snap = Snapshot.fromJson(fixture);
  snap.applyAclBatch({ add_acls: [{ object_type: 'dataset', object_id: 'D1', user_id: 'U_CAROL', permission: 'delete' }] });
  const text = snap.projectFor('U_CAROL');
  const doc = JSON.parse(text);
  assert.deepEqual(doc.users.map((u) => u.id), ['U_CAROL']);
  assert.deepEqual(doc.service_accounts, []);
  for (const id of ['U_ALICE', 'U_BOB', 'SA_CI']) assert.equal(text.includes(id), false, `${id} is not in the projection`);
  const projected = Snapshot.fromJson(text);
  for (const [type, id] of OBJECTS) {
    assert.deepEqual(projected.effective('U_CAROL', type, id), snap.effective('U_CAROL', type, id), `${type}/${id}`);
    for (const p of PERMISSIONS) {
      assert.deepEqual(projected.explain('U_CAROL', p, type, id).paths, snap.explain('U_CAROL', p, type, id).paths);
    }
  }
  for (const type of ['experiment', 'dataset', 'project', 'project_log']) {
    assert.deepEqual(projected.accessible('U_CAROL', 'read', type), snap.accessible('U_CAROL', 'read', type));
  }
  assert.deepEqual(JSON.parse(snap.projectFor('nobody')).users, []);
  assert.throws(() => snap.projectFor(42), (e) => e.code === 'wrong_type' && e.path === 'principalId');
});

test("the README's deltas example runs on the spec's example snapshot and does what its comments say", () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Live snapshots: deltas'));
  const block = /```js\n([\s\S]*?)```/.exec(section)[1];
  const snap = Snapshot.fromJson(fixture);
  let renders = 0;
  const run = new Function('snap', 'render', `${block}\nreturn stop;`);
  const stop = run(snap, () => renders++);
  assert.equal(snap.version, 5, 'one per successful call, as the comment says');
  assert.equal(snap.can('U_CAROL', 'read', 'experiment', 'E9'), true, 'E9 is in P1, where carol reads');
  assert.equal(snap.can('U_BOB', 'update', 'experiment', 'E1'), false, 'bob left Engineers');
  assert.equal(snap.can('U_CAROL', 'update', 'experiment', 'E1'), true, 'carol joined Engineers');
  assert.equal(snap.can('U_CAROL', 'read', 'project', 'P2'), false, 'P2 is deleted');
  snap.upsert('projects', [{ id: 'P2', org_id: 'O', name: 'search' }]);
  assert.equal(renders, 1, 'subscribed after the five calls, called once for the sixth');
  stop();
  snap.upsert('users', [{ id: 'U_NEW' }]);
  assert.equal(renders, 1, 'not called once stopped');
  assert.equal(snap.can('U_CAROL', 'read', 'project', 'P2'), true, 'P2 back, read through data-sci now');
});

test('a body reaches the core byte for byte, whatever its characters, given as an object or as JSON text', () => {
  // ASCII is written in one pass; the first character that needs more than one byte starts a second,
  // so ids with such characters at the start, in the middle and at the end all cross.
  const ids = ['é-first', 'mid-ü-dle', 'astral-😀', 'last-中', 'x'.repeat(900) + '😀'];
  for (const asText of [false, true]) {
    const snap = Snapshot.fromJson(fixture);
    for (const id of ids) assert.equal(snap.can('U_BOB', 'delete_acls', 'experiment', id), false, id);
    const add_acls = ids.map((id) => ({ object_type: 'experiment', object_id: id, user_id: 'U_BOB', permission: 'delete_acls' }));
    snap.applyAclBatch(asText ? JSON.stringify({ add_acls }) : { add_acls });
    for (const id of ids) assert.equal(snap.can('U_BOB', 'delete_acls', 'experiment', id), true, id);
    const acls = JSON.parse(snap.toJson()).acls.map((a) => a.object_id);
    for (const id of ids) assert.ok(acls.includes(id), id);
    assert.equal(snap.can('U_BOB', 'delete_acls', 'experiment', 'mid-u-dle'), false);
  }
  const snap = Snapshot.fromJson(fixture);
  assert.throws(() => snap.applyAclBatch(undefined), { code: 'wrong_type' });
  assert.throws(() => snap.applyAclBatch('{"add_acls": [{"object_id": "\ud800"}]}'), (e) => e.code !== undefined);
  assert.equal(snap.version, 0);
});
