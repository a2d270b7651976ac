// The package's web build in a plain page, without a bundler, in Debian's headless Chromium: the page
// imports 'permeval' through an import map, fetches the snapshot and hides a button by the answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Snapshot } from 'permeval';

import { launchChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = readFileSync(new URL('../fixtures/spec_example.json', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

/** Serves the repository read-only on 127.0.0.1 (pkg/ and the test page and fixtures), and `routes`
 *  (path → handler) before it. */
function serve(routes = {}) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (Object.hasOwn(routes, path)) return routes[path](req, res);
    if (path.includes('..')) return res.writeHead(403).end();
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}


/** Opens `path` of the server in a fresh headless Chromium (closed when the test ends); `errors` collects
 *  the page's uncaught errors. */
async function open(t, server, path) {
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}${path}`);
  return { page, errors };
}

test('the web build loads and answers in a plain page in Chromium', async (t) => {
  const server = await serve();
  t.after(() => server.close());
  const { page, errors } = await open(t, server, '/tests/js/page/index.html');
  await page.waitForFunction(() => window.results !== undefined, null, { timeout: 20000 });
  const results = await page.evaluate(() => window.results);
  assert.equal(results.failure, undefined, results.failure);
  assert.deepEqual(errors, []);
  assert.deepEqual(results, {
    bob: true,
    carol: ['create', 'read'],
    fromBytes: true,
    batch: [0b111, 0],
    explain: 'restricted_to_other_type',
    whoCan: ['U_ALICE', 'U_BOB', 'U_CAROL', 'SA_CI'],
    error: { name: 'PermevalError', code: 'unknown_permission', path: 'permission' },
  });
  assert.equal(await page.isVisible('#edit'), true, 'carol may update E1, so the button shows');
});

/** The fixture with `extra` more ACL rows, some naming nobody (so it loads with warnings). */
function bigDocument(extra) {
  const doc = JSON.parse(FIXTURE);
  for (let i = 0; i < extra; i++) {
    doc.acls.push({ id: `x${i}`, object_type: 'experiment', object_id: `E${i % 7}`,
      user_id: i % 5 ? 'U_CAROL' : `U_GONE_${i}`, permission: 'update' });
  }
  return Buffer.from(JSON.stringify(doc, null, 1));
}

/** Sends `body` in 16 KiB pieces, one every 3 ms, and records how many went out before the client hung up
 *  (a load that fails must stop the download); `record.done` settles when the sending stops. */
function trickle(body, record) {
  let finished;
  Object.assign(record, { done: new Promise((resolve) => (finished = resolve)) });
  return async (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const pieces = Math.ceil(body.length / 16384);
    Object.assign(record, { pieces, sent: 0 });
    let closed = false;
    res.on('close', () => (closed = true));
    for (let i = 0; i < pieces && !closed; i++) {
      res.write(body.subarray(i * 16384, (i + 1) * 16384));
      record.sent++;
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    res.end();
    finished();
  };
}

test('in Chromium, fromStream(fetch().body) loads as fromJson does, and a bad body stops the download', async (t) => {
  const good = bigDocument(4000);
  const bad = bigDocument(4000);
  bad[bad.indexOf(0x0a, Math.floor(bad.length / 3))] = 0x23; // a '#' for a newline between two tokens
  const goodRecord = {};
  const badRecord = {};
  const server = await serve({ '/good.json': trickle(good, goodRecord), '/bad.json': trickle(bad, badRecord) });
  t.after(() => server.close());
  const { page, errors } = await open(t, server, '/tests/js/page/stream.html');
  await page.waitForFunction(() => window.permeval !== undefined, null, { timeout: 20000 });

  const results = await page.evaluate(async () => {
    const { Snapshot, SnapshotLoader } = window.permeval;
    const failure = async (promise) => {
      try {
        await promise;
        return null;
      } catch (e) {
        return { name: e.name, code: e.code, path: e.path, line: e.line, column: e.column, message: e.message };
      }
    };
    const view = (snap) => ({ json: snap.toJson(), warnings: snap.warnings,
      carol: snap.effective('U_CAROL', 'experiment', 'E3'), bob: snap.can('U_BOB', 'update', 'experiment', 'E1') });
    // Pieces of the sizes given, one per pull, from bytes in hand.
    const piecesOf = (bytes, sizes) => {
      let at = 0;
      let i = 0;
      return new ReadableStream({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          const size = sizes[i++ % sizes.length];
          controller.enqueue(bytes.subarray(at, at + size));
          at += size;
        },
      }, { highWaterMark: 0 });
    };

    const streamed = view(await Snapshot.fromStream((await fetch('/good.json')).body));
    const bytes = new Uint8Array(await (await fetch('/good.json')).arrayBuffer());
    const whole = view(Snapshot.fromJson(bytes));
    const fixture = new Uint8Array(await (await fetch('/tests/fixtures/spec_example.json')).arrayBuffer());
    const fixtureJson = Snapshot.fromJson(fixture).toJson();
    const odd = [];
    for (const sizes of [[1], [2, 3, 5, 7], [4099]]) {
      odd.push((await Snapshot.fromStream(piecesOf(fixture, sizes))).toJson() === fixtureJson);
    }
    const loader = new SnapshotLoader();
    for (let at = 0; at < fixture.length; at += 13) loader.push(fixture.subarray(at, at + 13));
    const pushed = loader.finish().toJson() === fixtureJson;

    const bad = await failure(Snapshot.fromStream((await fetch('/bad.json')).body));
    return {
      sameAsWhole: JSON.stringify(streamed) === JSON.stringify(whole),
      warnings: whole.warnings.length,
      carol: whole.carol,
      bob: whole.bob,
      odd,
      pushed,
      bad,
      wrongSource: await failure(Snapshot.fromStream('/good.json')),
      wrongPiece: await failure(Snapshot.fromStream(piecesOf(fixture, [10]).pipeThrough(new TextDecoderStream()))),
    };
  });
  assert.deepEqual(errors, []);
  assert.equal(results.sameAsWhole, true, 'toJson, warnings and answers as fromJson of the same bytes');
  assert.ok(results.warnings >= 800, `${results.warnings} warnings`);
  assert.deepEqual(results.carol, ['update']);
  assert.equal(results.bob, true);
  assert.deepEqual(results.odd, [true, true, true]);
  assert.equal(results.pushed, true);
  await goodRecord.done;
  assert.equal(goodRecord.sent, goodRecord.pieces);

  let expected;
  try {
    Snapshot.fromJson(bad);
  } catch (e) {
    expected = { name: e.name, code: e.code, path: e.path, line: e.line, column: e.column, message: e.message };
  }
  assert.equal(expected.code, 'invalid_json');
  assert.deepEqual(results.bad, expected);
  // Chromium reads ahead of the page by a few pieces, but the server must not have sent the rest: the error
  // stands a third of the way in.
  await badRecord.done;
  assert.ok(badRecord.sent < badRecord.pieces - 5, `sent ${badRecord.sent} of ${badRecord.pieces} pieces`);
  assert.deepEqual(results.wrongSource, { name: 'PermevalError', code: 'wrong_type', path: 'source',
    line: undefined, column: undefined, message: results.wrongSource.message });
  assert.equal(results.wrongPiece.code, 'wrong_type');
  assert.equal(results.wrongPiece.path, 'piece');
});
