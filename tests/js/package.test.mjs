// The npm package as a Node user imports it (ES modules): `import … from 'permeval'`, resolved through
// pkg/package.json's exports. Run by scripts/test.sh after scripts/build-pkg.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import init, { initSync, Snapshot, Subject } from 'permeval';

const fixture = readFileSync(new URL('../fixtures/spec_example.json', import.meta.url), 'utf8');
const PERMISSIONS = ['create', 'read', 'update', 'delete', 'create_acls', 'read_acls', 'update_acls', 'delete_acls'];

/** The thrown value of `fn`, asserting it is a PermevalError with the given code and path. */
function throwsPermeval(fn, code, path) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, 'expected an Error to be thrown');
  assert.equal(caught.name, 'PermevalError');
  assert.equal(caught.code, code);
  assert.equal(caught.path, path);
  assert.equal(typeof caught.message, 'string');
  return caught;
}

test('init and initSync are callable in Node, more than once', async () => {
  await init();
  await init();
  initSync();
});

test('loads from text, from bytes and from an object, with the same answers', () => {
  const fromText = Snapshot.fromJson(fixture);
  const fromBytes = Snapshot.fromJson(new TextEncoder().encode(fixture));
  const fromObject = new Snapshot(JSON.parse(fixture));
  for (const snap of [fromText, fromBytes, fromObject]) {
    assert.equal(snap.orgId, 'O');
    assert.deepEqual(snap.warnings, []);
    assert.equal(snap.can('U_BOB', 'update', 'experiment', 'E1'), true);
    assert.equal(snap.can('U_BOB', 'create_acls', 'project', 'P1'), false);
  }
});

test('every query answers as the spec example says', () => {
  const snap = Snapshot.fromJson(fixture);
  assert.deepEqual(snap.effective('U_CAROL', 'experiment', 'E1'), ['create', 'read', 'update']);
  assert.deepEqual(snap.effective('U_ALICE', 'dataset', 'D1'), PERMISSIONS);
  assert.deepEqual(snap.effective('U_NOBODY', 'dataset', 'D1'), []);
  assert.equal(snap.canCreate('U_CAROL', 'dataset', 'project', 'P1'), true);
  assert.equal(snap.canCreate('U_CAROL', 'prompt', 'project', 'P1'), false);
  assert.equal(snap.canCreate('U_BOB', 'project', 'org_project', 'O'), true);
  assert.deepEqual(snap.whoCan('read', 'dataset', 'D1'), ['U_ALICE', 'U_BOB', 'U_CAROL', 'SA_CI']);
  assert.deepEqual(snap.whoCan('update_acls', 'project', 'P2'), ['U_ALICE']);
  assert.deepEqual(snap.accessible('U_CAROL', 'read', 'project_log'), ['P1', 'P2']);
  assert.deepEqual(snap.accessible('U_CAROL', 'update', 'dataset'), []);
  assert.deepEqual(snap.principals(), [
    { id: 'U_ALICE', kind: 'user' },
    { id: 'U_BOB', kind: 'user' },
    { id: 'U_CAROL', kind: 'user' },
    { id: 'SA_CI', kind: 'service_account' },
  ]);
});

test('explain gives grant paths when allowed and a reason when denied', () => {
  const snap = Snapshot.fromJson(fixture);
  assert.deepEqual(snap.explain('U_BOB', 'read', 'project', 'P2'), {
    allowed: true,
    permission: 'read',
    paths: [
      {
        aclId: 'a12',
        on: { type: 'org_project', id: 'O' },
        holder: { kind: 'group', id: 'G_VIEW' },
        groupChain: ['G_ENG', 'G_VIEW'],
        roleChain: [],
        restriction: null,
      },
    ],
  });
  const denied = snap.explain('U_CAROL', 'update', 'dataset', 'D1');
  assert.equal(denied.allowed, false);
  assert.equal(denied.reason, 'restricted_to_other_type');
  assert.deepEqual(denied.nearest.map((p) => [p.aclId, p.roleChain, p.restriction]), [['a13', ['R_DS'], 'experiment']]);
  assert.equal(snap.explain('zed', 'read', 'project', 'P1').reason, 'not_a_member');
  const create = snap.explainCreate('U_CAROL', 'dataset', 'project', 'P1');
  assert.equal(create.allowed, true);
  assert.deepEqual(create.paths.map((p) => [p.aclId, p.restriction]), [['a13', 'dataset']]);
  assert.equal(snap.explainCreate('U_CAROL', 'prompt', 'project', 'P1').reason, 'restricted_to_other_type');
  assert.equal(snap.subject('U_ALICE').explainCreate('experiment', 'organization', 'O').reason, 'not_creatable_here');
  assert.equal(snap.explain('U_BOB', 'read', 'organization', 'OTHER').reason, 'other_org');
});

test('results carry ids as loaded, quotes, backslashes, control characters and non-ASCII included, keys in order', () => {
  const odd = 'q"\\\u0000\n\t\u001f\u007f ü😀\u2028</script>';
  const snap = Snapshot.fromJson(JSON.stringify({
    org: { id: 'O' },
    users: [{ id: `U${odd}` }],
    groups: [{ id: `G${odd}`, org_id: 'O', member_users: [`U${odd}`] }],
    roles: [{ id: `R${odd}`, org_id: 'O', member_permissions: [{ permission: 'read', restrict_object_type: 'experiment' }] }],
    projects: [{ id: `P${odd}`, org_id: 'O' }],
    objects: [{ type: 'experiment', id: `E${odd}`, project_id: `P${odd}` }],
    acls: [
      { id: `a${odd}`, object_type: 'project', object_id: `P${odd}`, group_id: `G${odd}`, role_id: `R${odd}` },
      { id: `b${odd}`, object_type: `t${odd}`, object_id: `P${odd}`, user_id: `U${odd}`, permission: 'read' },
    ],
  }));
  const path = {
    aclId: `a${odd}`,
    on: { type: 'project', id: `P${odd}` },
    holder: { kind: 'group', id: `G${odd}` },
    groupChain: [`G${odd}`],
    roleChain: [`R${odd}`],
    restriction: 'experiment',
  };
  // JSON.stringify, unlike deepEqual, sees key order and keys that are present but undefined.
  const same = (actual, expected) => assert.equal(JSON.stringify(actual), JSON.stringify(expected));
  same(snap.explain(`U${odd}`, 'read', 'experiment', `E${odd}`), { allowed: true, permission: 'read', paths: [path] });
  same(snap.explain(`U${odd}`, 'read', 'dataset', 'D'), { allowed: false, permission: 'read', reason: 'object_unknown', nearest: [] });
  same(snap.explain(`U${odd}`, 'read', 'project', `P${odd}`), {
    allowed: false, permission: 'read', reason: 'restricted_to_other_type', nearest: [path],
  });
  assert.deepEqual(snap.warnings.map((w) => Object.keys(w)), [['code', 'message', 'path']]);
  assert.ok(snap.warnings[0].message.includes(`t${odd}`), snap.warnings[0].message);
  const [project] = snap.capabilities(`U${odd}`).projects;
  assert.equal(project.id, `P${odd}`);
  assert.deepEqual(Object.keys(project), ['id', 'access', 'kinds']);
  same(project.kinds.experiments, { read: true, create: false, update: false, delete: false, manageAccess: false });
});

test('capabilities fill in the permission-group editor', () => {
  const snap = Snapshot.fromJson(fixture);
  const carol = snap.capabilities('U_CAROL');
  assert.deepEqual(carol.organization, {
    manageSettings: false, manageMembers: false, removeMembers: false, manageAccess: false, readAuditLogs: false,
  });
  assert.deepEqual(carol.allProjects, { read: false, create: false, update: false, delete: false, manageAccess: false });
  assert.deepEqual(carol.projects.map((p) => p.id), ['P1', 'P2']);
  const [p1, p2] = carol.projects;
  assert.deepEqual(Object.keys(p1.kinds), ['experiments', 'datasets', 'logs', 'prompts', 'playgrounds', 'functions', 'scorers', 'classifiers']);
  assert.deepEqual(p1.kinds.experiments, { read: true, create: true, update: true, delete: false, manageAccess: false });
  assert.deepEqual(p1.kinds.scorers, p1.kinds.prompts);
  assert.equal(p2.kinds.logs.read, true);
  assert.equal(p2.kinds.experiments.read, false);
  assert.deepEqual(snap.subject('U_ALICE').capabilities(), snap.capabilities('U_ALICE'));
  assert.equal(snap.capabilities('U_ALICE').organization.manageAccess, true);
});

test('subject batch results equal single can calls, for every object and permission', () => {
  const snap = Snapshot.fromJson(fixture);
  const ids = ['E1', 'D1', 'P1', 'P2', 'PG1', 'O', 'G_DS', 'R_DS', 'missing'];
  const types = ['experiment', 'dataset', 'project', 'project_log', 'project_group', 'organization', 'org_project', 'group', 'role'];
  for (const principal of ['U_ALICE', 'U_BOB', 'U_CAROL', 'SA_CI', 'U_NOBODY']) {
    const me = snap.subject(principal);
    assert.ok(me instanceof Subject);
    for (const type of types) {
      const masks = me.effectiveBatch(type, ids);
      assert.ok(masks instanceof Uint8Array);
      assert.equal(masks.length, ids.length);
      ids.forEach((id, i) => {
        PERMISSIONS.forEach((perm, bit) => {
          const single = snap.can(principal, perm, type, id);
          assert.equal(((masks[i] >> bit) & 1) === 1, single, `${principal} ${perm} ${type}/${id}`);
          assert.equal(me.can(perm, type, id), single);
        });
        assert.deepEqual(me.effective(type, id), snap.effective(principal, type, id));
      });
    }
  }
});

test('an unknown principal or object is denied; an unknown object type reaches only its own object', () => {
  const doc = JSON.parse(fixture);
  doc.acls.push({ id: 'x1', object_type: 'dashboard', object_id: 'DB1', user_id: 'U_BOB', permission: 'read' });
  const snap = new Snapshot(doc);
  assert.deepEqual(snap.warnings.map((w) => [w.code, w.path]), [['unknown_object_type', 'acls[14].object_type']]);
  assert.equal(snap.can('U_BOB', 'read', 'dashboard', 'DB1'), true);
  assert.equal(snap.can('U_BOB', 'read', 'dashboard', 'DB2'), false);
  assert.equal(snap.can('U_ALICE', 'read', 'dashboard', 'DB1'), false, 'org grants do not reach unknown types');
  assert.equal(snap.can('nobody', 'read', 'experiment', 'E1'), false);
  const stranger = snap.subject('nobody');
  assert.equal(stranger.isMember, false);
  assert.equal(stranger.principalId, undefined);
  assert.deepEqual(Array.from(stranger.effectiveBatch('experiment', ['E1'])), [0]);
});

test('a snapshot with bad rows loads, and its warnings say what and where', () => {
  const doc = JSON.parse(fixture);
  doc.acls.push(
    { id: 'w1', object_type: 'project', object_id: 'P1', user_id: 'U_BOB', permission: 'read', role_id: 'R_DS' },
    { id: 'w2', object_type: 'project', object_id: 'P1', group_id: 'G_NOPE', permission: 'read' },
    { id: 'w3', object_type: 'project', object_id: 'P1', user_id: 'U_BOB', role_id: 'R_NOPE' },
    { id: 'w4', object_type: 'project', object_id: 'P1', user_id: 'U_BOB', permission: 'own' },
    { id: 'w5', object_type: 'project', object_id: 'P1', _object_org_id: 'OTHER', user_id: 'U_BOB', permission: 'read' },
    42,
  );
  const snap = new Snapshot(doc);
  assert.deepEqual(
    snap.warnings.map((w) => [w.code, w.path]),
    [
      ['invalid_acl_grant', 'acls[14]'],
      ['unknown_permission', 'acls[17].permission'],
      ['not_an_object', 'acls[19]'],
      ['unknown_group', 'acls[15].group_id'],
      ['unknown_role', 'acls[16].role_id'],
      ['foreign_org', 'acls[18]._object_org_id'],
    ],
  );
  for (const w of snap.warnings) assert.equal(typeof w.message, 'string');
  assert.equal(snap.can('U_BOB', 'read', 'dataset', 'D1'), true, 'the rest of the snapshot still answers');
});

test('each error kind throws a PermevalError with code and path, and the instance keeps working', () => {
  const bad = [
    ['{"org": {"id": "O"}, "acls": [', 'invalid_json', 'acls[0]'],
    ['{"org": {"id": "O"}} trailing', 'invalid_json', ''],
    ['{"org": {"id": "O"}, "groups": [{"id": "g", "member_users": ' + '['.repeat(100000), 'nesting_too_deep', 'groups[0]'],
    ['[]', 'wrong_type', ''],
    ['{"org": {"id": "O"}, "acls": {}}', 'wrong_type', 'acls'],
    ['{"org": "O"}', 'wrong_type', 'org'],
    ['{"org": {"id": "O"}, "users": [], "users": []}', 'duplicate_key', 'users'],
    ['{"users": []}', 'missing_org_id', 'org.id'],
    ['{"org": {"id": 7}}', 'missing_org_id', 'org.id'],
  ];
  for (const [text, code, path] of bad) {
    throwsPermeval(() => Snapshot.fromJson(text), code, path);
    assert.equal(Snapshot.fromJson(fixture).can('U_BOB', 'update', 'experiment', 'E1'), true, `after ${code}`);
  }
  const truncated = throwsPermeval(() => Snapshot.fromJson('{"org": {"id": "O"},\n "acls": [1,'), 'invalid_json', 'acls[1]');
  assert.equal(truncated.line, 2);
  assert.equal(typeof truncated.column, 'number');
  throwsPermeval(() => Snapshot.fromJson(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), 'invalid_json', '');
  throwsPermeval(() => Snapshot.fromJson(42), 'wrong_type', '');
  const cyclic = { org: { id: 'O' } };
  cyclic.self = cyclic;
  throwsPermeval(() => new Snapshot(cyclic), 'invalid_json', '');
  throwsPermeval(() => new Snapshot(undefined), 'wrong_type', '');
  // The constructor takes the load options too.
  const big = { org: { id: 'O' }, users: Array.from({ length: 20 }, (_, i) => ({ id: `U${i}` })) };
  assert.equal(new Snapshot(big).principals().length, 20);
  throwsPermeval(() => new Snapshot(big, { limits: { rowsPerArray: 10 } }), 'limit_exceeded', 'users[10]');
  throwsPermeval(() => new Snapshot(big, { maxAgeSecond: 60 }), 'invalid_option', 'options.maxAgeSecond');
});

test('a permission outside the eight throws, naming the nearest one', () => {
  const snap = Snapshot.fromJson(fixture);
  const me = snap.subject('U_BOB');
  const calls = [
    () => snap.can('U_BOB', 'raed', 'project', 'P1'),
    () => snap.explain('U_BOB', 'raed', 'project', 'P1'),
    () => snap.whoCan('raed', 'project', 'P1'),
    () => snap.accessible('U_BOB', 'raed', 'project'),
    () => me.can('raed', 'project', 'P1'),
    () => me.accessible('raed', 'project'),
    () => me.explain('raed', 'project', 'P1'),
  ];
  for (const call of calls) {
    const e = throwsPermeval(call, 'unknown_permission', 'permission');
    assert.match(e.message, /did you mean `read`\?/);
  }
  assert.equal(snap.can('U_BOB', 'read', 'project', 'P1'), true);
});

test('a subject outlives free() of its snapshot, and using a freed snapshot throws', () => {
  const snap = Snapshot.fromJson(fixture);
  const me = snap.subject('U_CAROL');
  snap.free();
  assert.equal(me.can('read', 'dataset', 'D1'), true);
  assert.throws(() => snap.can('U_CAROL', 'read', 'dataset', 'D1'));
  me.free();
});
