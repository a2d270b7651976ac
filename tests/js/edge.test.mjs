// The edge worker (www/edge/) under real workerd: two workerd processes (one with DEBUG) in front of the
// example origin, all on 127.0.0.1. Needs pkg/web, built by ./scripts/build-pkg.sh (scripts/test.sh does).
//
// The origin runs in this process (www/edge/origin.mjs's startOrigin) so the tests can swap what
// /snapshot.json answers, count the worker's refreshes and see exactly which requests were forwarded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { generateKeyPairSync } from 'node:crypto';

import { startOrigin } from '../../www/edge/origin.mjs';
import { publicKeyText, signBytes } from '../../scripts/sign-snapshot.mjs';
import { Snapshot } from 'permeval';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKERD = `${ROOT}node_modules/.bin/workerd`;
const CONFIG = `${ROOT}www/edge/config.capnp`;
const BASE_SNAPSHOT = readFileSync(`${ROOT}www/edge/snapshot.json`, 'utf8');
const TTL_SECONDS = 0.5; // the main worker's; the refresh tests wait a little longer than this
const PAST_TTL_MS = TTL_SECONDS * 1000 + 250;

// The demo tokens whose hashes www/edge/tokens.json holds. U_FORMER is in the table but not in the org.
const TOKEN = {
  alice: 'alice-demo-token',
  bob: 'bob-demo-token',
  carol: 'carol-demo-token',
  ci: 'ci-demo-token',
  former: 'former-demo-token',
};

const serve = (body, status = 200) => () => ({ status, body });

let origin; // the in-process origin
let edge; // workerd with TTL_SECONDS, DEBUG unset
let debugEdge; // workerd with DEBUG=1 and the default TTL
let signedOrigin; // a second origin, for the worker that verifies signatures
let signedEdge; // workerd with PUBLIC_KEYS (two, as during a rotation) and TTL_SECONDS, in front of signedOrigin

// The origin's keys: `old` and `next` are both in the signed worker's PUBLIC_KEYS, `attacker` is not.
const KEYS = { old: generateKeyPairSync('ed25519').privateKey, next: generateKeyPairSync('ed25519').privateKey,
  attacker: generateKeyPairSync('ed25519').privateKey };

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `workerd serve` on a free loopback port and resolves once it answers HTTP. */
async function startWorkerd(env, originPort = origin.port) {
  const port = await freePort();
  const childEnv = { ...process.env, PERMEVAL_ORIGIN: `http://127.0.0.1:${originPort}`, ...env };
  for (const key of ['PERMEVAL_TTL_SECONDS', 'PERMEVAL_DEBUG', 'PERMEVAL_PUBLIC_KEYS', 'PERMEVAL_MAX_AGE_SECONDS']) {
    if (!(key in env)) delete childEnv[key];
  }
  const child = spawn(WORKERD, ['serve', CONFIG, '--socket-addr', `http=127.0.0.1:${port}`], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}):\n${output}`);
    try {
      await fetch(url);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`workerd did not answer on ${url}:\n${output}`);
      await sleep(50);
    }
  }
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One request to a worker: `{ status, body, headers }`, the body parsed as JSON. */
async function call(worker, method, path, { token, body, headers = {} } = {}) {
  if (token !== undefined) headers = { authorization: `Bearer ${token}`, ...headers };
  const res = await fetch(worker.url + path, { method, headers, body });
  const text = await res.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    assert.fail(`${method} ${path} → ${res.status}, not JSON: ${text}`);
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Asserts the request was forwarded: the origin's echo came back, with the authenticated principal. */
async function assertForwarded(worker, method, path, options, principal) {
  const before = origin.requests.length;
  const res = await call(worker, method, path, options);
  assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.origin, 'echo');
  assert.equal(res.body.method, method);
  assert.equal(res.body.path, path);
  assert.equal(res.body.principal, principal);
  assert.equal(origin.requests.length, before + 1);
  return res.body;
}

/** Asserts a 403 with the reason code, and that nothing reached the origin. */
async function assertDenied(worker, method, path, options, reason) {
  const before = origin.requests.length;
  const res = await call(worker, method, path, options);
  assert.equal(res.status, 403, `${method} ${path}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error, 'forbidden');
  assert.equal(res.body.reason, reason);
  assert.equal(origin.requests.length, before, 'a denied request must not be forwarded');
  return res.body;
}

before(async () => {
  assert.ok(existsSync(`${ROOT}pkg/web/permeval_bg.wasm`), 'pkg/web is missing: run ./scripts/build-pkg.sh');
  origin = await startOrigin({ snapshot: serve(BASE_SNAPSHOT) });
  signedOrigin = await startOrigin({ snapshot: serve(BASE_SNAPSHOT, 500) });
  // Keys in both base64 alphabets, comma- and space-separated: the binding takes either.
  const keys = `${publicKeyText(KEYS.old)}, ${Buffer.from(publicKeyText(KEYS.next), 'base64url').toString('base64')}`;
  [edge, debugEdge, signedEdge] = await Promise.all([
    startWorkerd({ PERMEVAL_TTL_SECONDS: String(TTL_SECONDS) }),
    startWorkerd({ PERMEVAL_DEBUG: '1' }),
    startWorkerd({ PERMEVAL_TTL_SECONDS: String(TTL_SECONDS), PERMEVAL_PUBLIC_KEYS: keys }, signedOrigin.port),
  ]);
});

after(async () => {
  await Promise.all([edge?.stop(), debugEdge?.stop(), signedEdge?.stop()]);
  await Promise.all([origin?.close(), signedOrigin?.close()]);
});

test('allowed requests are forwarded with method, path, query and body; the origin echo comes back', async () => {
  // bob ∈ Engineers ⊂ Viewers: update and read on everything under "All projects".
  const echo = await assertForwarded(edge, 'PATCH', '/v1/experiment/E1', {
    token: TOKEN.bob,
    body: '{"name":"renamed"}',
    headers: { 'content-type': 'application/json' },
  }, 'U_BOB');
  assert.equal(echo.body, '{"name":"renamed"}');
  assert.equal(echo.authorization, `Bearer ${TOKEN.bob}`, 'the origin re-checks, so it gets the token too');
  await assertForwarded(edge, 'GET', '/v1/dataset/D1?limit=5', { token: TOKEN.bob }, 'U_BOB');
  // carol reads through her role R_DS on P1; alice (Owners) may delete a project.
  await assertForwarded(edge, 'GET', '/v1/prompt/PR1', { token: TOKEN.carol }, 'U_CAROL');
  await assertForwarded(edge, 'DELETE', '/v1/project/P2', { token: TOKEN.alice }, 'U_ALICE');
  // Logs: carol's grant on project group PG1 is restricted to project_log, and P2 is in PG1.
  await assertForwarded(edge, 'GET', '/v1/project_logs/P2/fetch', { token: TOKEN.carol }, 'U_CAROL');
});

test('denied requests get 403 with the reason code and no explanation without DEBUG', async () => {
  // carol's role grants update restricted to experiments, so not on dataset D1.
  const denied = await assertDenied(edge, 'PATCH', '/v1/dataset/D1', { token: TOKEN.carol, body: '{}' },
    'restricted_to_other_type');
  assert.deepEqual(Object.keys(denied).sort(), ['error', 'reason']);
  await assertDenied(edge, 'DELETE', '/v1/experiment/E1', { token: TOKEN.carol }, 'no_grant');
  await assertDenied(edge, 'GET', '/v1/project_logs/P2/fetch', { token: TOKEN.ci }, 'no_grant');
  // A token that maps to someone no longer in the org grants nothing.
  await assertDenied(edge, 'GET', '/v1/experiment/E1', { token: TOKEN.former }, 'not_a_member');
});

test('a principal id sent by the client is ignored, and overwritten on the way to the origin', async () => {
  const spoof = { 'x-permeval-principal': 'U_ALICE', 'x-principal-id': 'U_ALICE' };
  await assertDenied(edge, 'DELETE', '/v1/experiment/E1?principal=U_ALICE', { token: TOKEN.carol, headers: spoof },
    'no_grant');
  await assertForwarded(edge, 'GET', '/v1/experiment/E1', { token: TOKEN.carol, headers: spoof }, 'U_CAROL');
});

test('with DEBUG set, a 403 carries the full explanation', async () => {
  const denied = await assertDenied(debugEdge, 'PATCH', '/v1/dataset/D1', { token: TOKEN.carol },
    'restricted_to_other_type');
  assert.deepEqual(denied.explanation, {
    allowed: false,
    permission: 'update',
    reason: 'restricted_to_other_type',
    nearest: [{
      aclId: 'a13',
      on: { type: 'project', id: 'P1' },
      holder: { kind: 'group', id: 'G_DS' },
      groupChain: ['G_DS'],
      roleChain: ['R_DS'],
      restriction: 'experiment',
    }],
  });
  // Allowed requests are unaffected by DEBUG.
  await assertForwarded(debugEdge, 'GET', '/v1/dataset/D1', { token: TOKEN.carol }, 'U_CAROL');
});

test('GET /permeval/snapshot gives the caller its projection: its own answers, nobody else\'s rows', async () => {
  const before = origin.requests.length;
  const res = await call(edge, 'GET', '/permeval/snapshot', { token: TOKEN.carol });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'private, no-store');
  const doc = res.body;
  assert.deepEqual(doc.users.map((u) => u.id), ['U_CAROL']);
  const text = JSON.stringify(doc);
  for (const other of ['U_ALICE', 'U_BOB', 'SA_CI']) assert.equal(text.includes(other), false, `${other} is not in it`);
  const mine = Snapshot.fromJson(text);
  const full = Snapshot.fromJson(readFileSync(`${ROOT}www/edge/snapshot.json`, 'utf8'));
  for (const [type, id] of [['experiment', 'E1'], ['dataset', 'D1'], ['project_log', 'P2'], ['project', 'P2']]) {
    assert.deepEqual(mine.effective('U_CAROL', type, id), full.effective('U_CAROL', type, id), `${type}/${id}`);
  }
  assert.equal(origin.requests.length, before, 'answered at the edge');
  // Anonymous callers get nothing; the path takes GET only.
  assert.equal((await call(edge, 'GET', '/permeval/snapshot', {})).status, 401);
  assert.equal((await call(edge, 'POST', '/permeval/snapshot', { token: TOKEN.carol })).status, 404);
});

test('a missing, malformed or unknown bearer token is 401, before any routing', async () => {
  const cases = [
    [undefined, {}],
    [undefined, { authorization: 'Basic Y2Fyb2w6cHc=' }],
    [undefined, { authorization: 'Bearer' }],
    [undefined, { authorization: `Bearer ${TOKEN.carol} extra` }],
    ['not-a-known-token', {}],
    [TOKEN.carol.toUpperCase(), {}],
    // The table's own key is a hash, not a token.
    [Object.keys(JSON.parse(readFileSync(`${ROOT}www/edge/tokens.json`, 'utf8')))[0], {}],
  ];
  const before = origin.requests.length;
  for (const [token, headers] of cases) {
    for (const [method, path] of [['GET', '/v1/experiment/E1'], ['GET', '/nowhere']]) {
      const res = await call(edge, method, path, { token, headers });
      assert.equal(res.status, 401, `${JSON.stringify({ token, headers, path })}`);
      assert.deepEqual(res.body, { error: 'unauthorized' });
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    }
  }
  assert.equal(origin.requests.length, before);
});

test('an object not in the snapshot is denied (fail closed) with the reason object_unknown', async () => {
  await assertDenied(edge, 'GET', '/v1/experiment/E404', { token: TOKEN.carol }, 'object_unknown');
  await assertDenied(edge, 'PATCH', '/v1/prompt/PR404', { token: TOKEN.carol }, 'object_unknown');
  await assertDenied(edge, 'GET', '/v1/project_logs/P404/fetch', { token: TOKEN.carol }, 'object_unknown');
});

test('POST /v1/experiment checks canCreate on the body\'s project_id', async () => {
  const body = JSON.stringify({ project_id: 'P1', name: 'new run' });
  const echo = await assertForwarded(edge, 'POST', '/v1/experiment', { token: TOKEN.carol, body }, 'U_CAROL');
  assert.equal(echo.body, body, 'the body the worker read is forwarded unchanged');
  await assertForwarded(edge, 'POST', '/v1/experiment', { token: TOKEN.bob, body: '{"project_id":"P2"}' }, 'U_BOB');
  // carol's role is on P1 only; P404 is not in the snapshot.
  await assertDenied(edge, 'POST', '/v1/experiment', { token: TOKEN.carol, body: '{"project_id":"P2"}' }, 'no_grant');
  await assertDenied(edge, 'POST', '/v1/experiment', { token: TOKEN.carol, body: '{"project_id":"P404"}' },
    'object_unknown');
  const debug = await assertDenied(debugEdge, 'POST', '/v1/experiment',
    { token: TOKEN.carol, body: '{"project_id":"P2"}' }, 'no_grant');
  assert.equal(debug.explanation.permission, 'create');
});

test('a malformed body, or one without a string project_id, is 400', async () => {
  const before = origin.requests.length;
  for (const body of ['{"project_id": "P1"', '', 'null', '[]', '"P1"', '{}', '{"project_id": 1}',
    '{"project_id": ""}', '{"projectId": "P1"}']) {
    const res = await call(edge, 'POST', '/v1/experiment', { token: TOKEN.alice, body });
    assert.equal(res.status, 400, `body ${JSON.stringify(body)}`);
    assert.equal(res.body.error, 'bad_request');
  }
  assert.equal(origin.requests.length, before);
});

test('paths and methods outside the gated API are 404', async () => {
  const before = origin.requests.length;
  for (const [method, path] of [
    ['GET', '/'],
    ['GET', '/snapshot.json'],
    ['GET', '/v1/experiment'],
    ['GET', '/v1/experiment/'],
    ['GET', '/v1/experiment/E1/'],
    ['GET', '/v1/experiment/E1/extra'],
    ['GET', '/v1/widget/W1'],
    ['GET', '/v1/project_log/P1'],
    ['GET', '/v1/project_logs/P1'],
    ['GET', '/v1/project_logs/P1/fetch/more'],
    ['POST', '/v1/project_logs/P1/fetch'],
    ['GET', '/v2/experiment/E1'],
    ['GET', '/v1/experiment/%E0%A4%A'], // not decodable
    ['PUT', '/v1/experiment/E1'],
    ['POST', '/v1/experiment/E1'],
    ['POST', '/v1/dataset'],
  ]) {
    const res = await call(edge, method, path, { token: TOKEN.alice });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.deepEqual(res.body, { error: 'not_found' });
  }
  assert.equal(origin.requests.length, before);
});

test('snapshot refresh: a new grant takes effect; failures keep the last good snapshot', async () => {
  const withGrant = JSON.parse(BASE_SNAPSHOT);
  withGrant.acls.push({ id: 'a99', object_type: 'experiment', object_id: 'E1', _object_org_id: 'O',
    user_id: 'U_CAROL', permission: 'delete' });
  const deleteE1 = ['DELETE', '/v1/experiment/E1', { token: TOKEN.carol }];

  await assertDenied(edge, ...deleteE1, 'no_grant');

  // A successful refresh changes the answer.
  origin.snapshot = serve(JSON.stringify(withGrant));
  let fetches = origin.snapshotFetches;
  await sleep(PAST_TTL_MS);
  await assertForwarded(edge, ...deleteE1, 'U_CAROL');
  assert.equal(origin.snapshotFetches, fetches + 1);

  // Error statuses (with a loadable body that lacks the grant, so using it would show), a body that is not
  // JSON and a document that fails to load: each refresh is tried, and the snapshot with the grant stays.
  for (const failing of [
    serve(BASE_SNAPSHOT, 500),
    serve(BASE_SNAPSHOT, 404),
    serve('{"org": {"id": "O"}, "acls": ['),
    serve('{"users": []}'), // no org.id
  ]) {
    origin.snapshot = failing;
    fetches = origin.snapshotFetches;
    await sleep(PAST_TTL_MS);
    await assertForwarded(edge, ...deleteE1, 'U_CAROL');
    assert.equal(origin.snapshotFetches, fetches + 1, 'the refresh was attempted');
    await assertDenied(edge, 'DELETE', '/v1/dataset/D1', { token: TOKEN.carol }, 'no_grant');
  }

  // The origin is down: decisions still come from the kept snapshot. An allowed request gets 502 because
  // it cannot be forwarded; a denied one is still a 403 with its reason.
  const { port } = origin;
  await origin.close();
  await sleep(PAST_TTL_MS);
  const down = await call(edge, ...deleteE1);
  assert.equal(down.status, 502, JSON.stringify(down.body));
  assert.deepEqual(down.body, { error: 'origin_unreachable' });
  await assertDenied(edge, 'DELETE', '/v1/dataset/D1', { token: TOKEN.carol }, 'no_grant');
  assert.match(edge.output(), /snapshot refresh failed, keeping the current one/);

  // The origin is back with the original snapshot: the next refresh removes the grant again.
  const requests = origin.requests;
  origin = await startOrigin({ port, snapshot: serve(BASE_SNAPSHOT) });
  origin.requests = requests;
  await sleep(PAST_TTL_MS);
  await assertDenied(edge, ...deleteE1, 'no_grant');
  assert.equal(origin.snapshotFetches, 1);
});

/** The edge snapshot with `extra` more ACL rows on other experiments, and carol granted `delete` on E1. */
function bigSnapshot(extra) {
  const doc = JSON.parse(BASE_SNAPSHOT);
  for (let i = 0; i < extra; i++) {
    doc.acls.push({ id: `x${i}`, object_type: 'experiment', object_id: `EX${i}`, _object_org_id: 'O',
      user_id: 'U_BOB', permission: 'read' });
  }
  doc.acls.push({ id: 'a99', object_type: 'experiment', object_id: 'E1', _object_org_id: 'O',
    user_id: 'U_CAROL', permission: 'delete' });
  return Buffer.from(JSON.stringify(doc, null, 1));
}

/** `body` in 16 KiB pieces, one every 3 ms; `record.sent` counts the pieces that went out, and
 *  `record.done` settles when the origin stops asking for more (the body ended or the worker hung up). */
function trickled(body, record) {
  let finished;
  Object.assign(record, { pieces: Math.ceil(body.length / 16384), sent: 0,
    done: new Promise((resolve) => (finished = resolve)) });
  return (async function* pieces() {
    try {
      for (let at = 0; at < body.length; at += 16384) {
        record.sent++;
        yield body.subarray(at, at + 16384);
        await sleep(3);
      }
    } finally {
      finished();
    }
  })();
}

test('a refresh streams the body into the snapshot; a bad one stops the download and keeps the last good', async () => {
  const deleteE1 = ['DELETE', '/v1/experiment/E1', { token: TOKEN.carol }];
  await assertDenied(edge, ...deleteE1, 'no_grant');

  // A body cut in the middle of a row: the error is the one fromJson gives for the same bytes.
  const bad = bigSnapshot(3000);
  bad[bad.indexOf(0x0a, Math.floor(bad.length / 3))] = 0x23; // a '#' for a newline between two tokens
  const expected = (() => {
    try {
      Snapshot.fromJson(bad);
    } catch (e) {
      return e;
    }
  })();
  assert.equal(expected?.code, 'invalid_json');
  const badRecord = {};
  origin.snapshot = () => ({ status: 200, body: trickled(bad, badRecord) });
  await sleep(PAST_TTL_MS);
  await assertDenied(edge, ...deleteE1, 'no_grant');
  assert.ok(edge.output().includes(`keeping the current one: invalid_json: ${expected.message}`), edge.output());
  // The worker hung up at the error: the origin did not send the rest.
  await badRecord.done;
  assert.ok(badRecord.sent < badRecord.pieces - 5, `sent ${badRecord.sent} of ${badRecord.pieces} pieces`);

  const good = bigSnapshot(3000);
  const goodRecord = {};
  origin.snapshot = () => ({ status: 200, body: trickled(good, goodRecord) });
  await sleep(PAST_TTL_MS);
  await assertForwarded(edge, ...deleteE1, 'U_CAROL');
  await goodRecord.done;
  assert.equal(goodRecord.sent, goodRecord.pieces);
  await assertForwarded(edge, 'GET', '/v1/experiment/EX2999', { token: TOKEN.bob }, 'U_BOB');
  await assertDenied(edge, 'GET', '/v1/experiment/EX2999', { token: TOKEN.carol }, 'object_unknown');

  origin.snapshot = serve(BASE_SNAPSHOT);
  await sleep(PAST_TTL_MS);
  await assertDenied(edge, ...deleteE1, 'no_grant');
});

/** The edge snapshot with carol granted `delete` on one experiment, and optional timestamps. */
function grantingDelete(experiment, stamps = {}) {
  const doc = { ...stamps, ...JSON.parse(BASE_SNAPSHOT) };
  doc.acls.push({ id: 'a99', object_type: 'experiment', object_id: experiment, _object_org_id: 'O',
    user_id: 'U_CAROL', permission: 'delete' });
  return JSON.stringify(doc);
}

/** Serves `text` with the signature of `signedText` (default: itself) by `key`; no header without a key. */
const serveSigned = (text, key, signedText = text) => () => ({
  status: 200,
  body: text,
  headers: key ? { 'x-snapshot-signature': signBytes(key, Buffer.from(signedText)) } : {},
});

const iso = (msFromNow) => new Date(Date.now() + msFromNow).toISOString();

/** Serves `doc`, waits past the TTL, and asserts which experiment carol may delete: the snapshot in use. */
async function refreshThenCarolDeletes(serveIt, allowed) {
  signedOrigin.snapshot = serveIt;
  const fetches = signedOrigin.snapshotFetches;
  await sleep(PAST_TTL_MS);
  for (const id of ['E1', 'E2']) {
    const before = signedOrigin.requests.length;
    const res = await call(signedEdge, 'DELETE', `/v1/experiment/${id}`, { token: TOKEN.carol });
    assert.equal(res.status, id === allowed ? 200 : 403, `${id}: ${JSON.stringify(res.body)}`);
    assert.equal(signedOrigin.requests.length, before + (id === allowed ? 1 : 0));
  }
  assert.equal(signedOrigin.snapshotFetches, fetches + 1, 'the refresh was attempted');
}

test('with PUBLIC_KEYS set, a fetched snapshot loads only with a valid signature; a bad one keeps the last good', async () => {
  // Until a refresh succeeds, the embedded snapshot answers: carol deletes nothing.
  await assertDenied(signedEdge, 'DELETE', '/v1/experiment/E1', { token: TOKEN.carol }, 'no_grant');

  const e1 = grantingDelete('E1');
  await refreshThenCarolDeletes(serveSigned(e1, KEYS.old), 'E1'); // valid

  // One byte changed ("E1" → "E2" in the grant) under the original signature: refused.
  const tampered = e1.replace('"object_id":"E1","_object_org_id":"O","user_id":"U_CAROL"',
    '"object_id":"E2","_object_org_id":"O","user_id":"U_CAROL"');
  assert.equal([...tampered].filter((c, i) => c !== e1[i]).length, 1);
  await refreshThenCarolDeletes(serveSigned(tampered, KEYS.old, e1), 'E1');

  const e2 = grantingDelete('E2');
  await refreshThenCarolDeletes(serveSigned(e2, KEYS.attacker), 'E1'); // a key not in PUBLIC_KEYS
  await refreshThenCarolDeletes(serveSigned(e2, null), 'E1'); // no signature header
  await refreshThenCarolDeletes(serveSigned(e2, KEYS.next), 'E2'); // the rotated-in key
  assert.match(signedEdge.output(), /snapshot refresh failed, keeping the current one: bad_signature/);
});

test('with PUBLIC_KEYS set, an expired or future-dated snapshot is refused, and one that expires in use denies as stale', async () => {
  await refreshThenCarolDeletes(serveSigned(grantingDelete('E2'), KEYS.next), 'E2');
  const expired = grantingDelete('E1', { generated_at: iso(-7200_000), expires_at: iso(-3600_000) });
  await refreshThenCarolDeletes(serveSigned(expired, KEYS.old), 'E2');
  assert.match(signedEdge.output(), /keeping the current one: stale/);

  // Clock skew: generated ten minutes ahead of the worker's clock is refused; thirty seconds is tolerated.
  const ahead = grantingDelete('E1', { generated_at: iso(600_000), expires_at: iso(3600_000) });
  await refreshThenCarolDeletes(serveSigned(ahead, KEYS.old), 'E2');
  assert.match(signedEdge.output(), /keeping the current one: clock_skew/);
  const skewed = grantingDelete('E1', { generated_at: iso(30_000), expires_at: iso(3600_000) });
  await refreshThenCarolDeletes(serveSigned(skewed, KEYS.old), 'E1');

  // A snapshot that expires while it is in use, with the origin failing: past expires_at, every check is a
  // 403 whose reason says why.
  const expiresAt = Date.now() + 3000;
  const shortLived = grantingDelete('E2', { generated_at: iso(0), expires_at: new Date(expiresAt).toISOString() });
  await refreshThenCarolDeletes(serveSigned(shortLived, KEYS.next), 'E2');
  signedOrigin.snapshot = serve('{}', 500);
  await sleep(expiresAt - Date.now() + 250);
  await assertDenied(signedEdge, 'DELETE', '/v1/experiment/E2', { token: TOKEN.carol }, 'stale');
  await assertDenied(signedEdge, 'GET', '/v1/experiment/E1', { token: TOKEN.alice }, 'stale');
});
