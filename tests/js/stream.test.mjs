// Snapshot.fromStream and SnapshotLoader against the built package in Node: a document read in pieces must
// give what fromJson gives for the same bytes (answers, warnings, toJson; for a bad one the same error, line
// and column), whatever the cuts, from a web ReadableStream, a Node stream or an async generator; a bad
// document must cancel its source before the rest is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';

import { Snapshot, SnapshotLoader } from 'permeval';

const FIXTURE = new URL('../fixtures/spec_example.json', import.meta.url);
const fixture = readFileSync(FIXTURE);
const BAD_INPUTS = new URL('../bad_inputs/', import.meta.url);
const corpus = readdirSync(BAD_INPUTS)
  .filter((name) => /\.(json|bin)$/.test(name) && name !== 'manifest.json')
  .map((name) => [name, readFileSync(new URL(name, BAD_INPUTS))]);
const PERMISSIONS = ['create', 'read', 'update', 'delete', 'create_acls', 'read_acls', 'update_acls', 'delete_acls'];

/** The fixture with `extra` more ACL rows (and so more than one 64 KiB copy), some naming nobody. */
function bigDocument(extra) {
  const doc = JSON.parse(fixture);
  for (let i = 0; i < extra; i++) {
    doc.acls.push({ id: `x${i}`, object_type: 'experiment', object_id: `E${i % 7}`,
      user_id: i % 5 ? 'U_CAROL' : `U_GONE_${i}`, permission: PERMISSIONS[i % 8] });
  }
  return new TextEncoder().encode(JSON.stringify(doc, null, 1));
}

/** `bytes` cut into pieces of the sizes given, cycling through them. */
function cut(bytes, sizes) {
  const pieces = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/** A ReadableStream that hands out `pieces` one per pull, counting pulls and recording a cancel. */
function streamOf(pieces) {
  const seen = { pulls: 0, cancelled: null };
  const stream = new ReadableStream({
    pull(controller) {
      if (seen.pulls === pieces.length) return controller.close();
      controller.enqueue(pieces[seen.pulls++]);
    },
    cancel(reason) {
      seen.cancelled = reason;
    },
  }, { highWaterMark: 0 });
  return { stream, seen };
}

async function* generated(pieces) {
  for (const piece of pieces) yield piece;
}

/** What a load gives: everything fromJson's result shows, or the thrown error's fields. */
function outcome(load) {
  try {
    return settled(load());
  } catch (e) {
    return failed(e);
  }
}
async function outcomeOf(promise) {
  try {
    return settled(await promise);
  } catch (e) {
    return failed(e);
  }
}
function settled(snap) {
  assert.ok(snap instanceof Snapshot, 'the package class');
  return { orgId: snap.orgId, warnings: snap.warnings, json: snap.toJson(), principals: snap.principals() };
}
function failed(e) {
  assert.equal(e.name, 'PermevalError', String(e?.stack ?? e));
  return { error: { code: e.code, path: e.path, line: e.line, column: e.column, message: e.message } };
}

test('every corpus document, in pieces of 1 byte, odd sizes and whole, loads (or fails) as fromJson does', async () => {
  let errors = 0;
  let warned = 0;
  for (const [name, bytes] of corpus) {
    const whole = outcome(() => Snapshot.fromJson(bytes));
    if (whole.error) errors++;
    else if (whole.warnings.length > 0) warned++;
    for (const sizes of [[1], [2, 3, 5, 7], [1024], [bytes.length || 1]]) {
      const { stream, seen } = streamOf(cut(bytes, sizes));
      assert.deepEqual(await outcomeOf(Snapshot.fromStream(stream)), whole, `${name} in pieces of ${sizes}`);
      if (whole.error && seen.pulls < cut(bytes, sizes).length) assert.notEqual(seen.cancelled, null, name);
    }
    assert.deepEqual(await outcomeOf(Snapshot.fromStream(generated(cut(bytes, [3])))), whole, `${name}: generator`);
  }
  // Not vacuous: the corpus has documents that fail and documents that load with warnings.
  assert.ok(errors >= 15 && warned >= 15, `${errors} errors, ${warned} with warnings`);
});

test('a big document from a Node stream, a web stream and one Uint8Array: the same snapshot and answers', async () => {
  const bytes = bigDocument(6000);
  assert.ok(bytes.length > 4 * 65536, `${bytes.length} bytes`);
  const whole = Snapshot.fromJson(bytes);
  assert.ok(whole.warnings.length >= 1000, 'rows naming nobody are warned about');
  const loaded = [
    await Snapshot.fromStream(Readable.from(cut(bytes, [65536 + 13, 777]))),
    await Snapshot.fromStream(new Blob([bytes]).stream()),
    await Snapshot.fromStream(streamOf([bytes]).stream),
    await Snapshot.fromStream(new Response(bytes).body),
  ];
  for (const snap of loaded) {
    assert.deepEqual(snap.warnings, whole.warnings);
    assert.equal(snap.toJson(), whole.toJson());
    for (const principal of ['U_ALICE', 'U_BOB', 'U_CAROL', 'SA_CI', 'U_GONE_5']) {
      for (const id of ['E1', 'E3', 'E404']) {
        assert.deepEqual(snap.effective(principal, 'experiment', id), whole.effective(principal, 'experiment', id));
      }
    }
    assert.deepEqual(snap.effective('U_CAROL', 'experiment', 'E3'), PERMISSIONS, 'the extra rows took effect');
  }
});

test('a file read by fs.createReadStream loads as fromJson of its bytes', async () => {
  const snap = await Snapshot.fromStream(createReadStream(FIXTURE, { highWaterMark: 37 }));
  assert.equal(snap.toJson(), Snapshot.fromJson(fixture).toJson());
  assert.equal(snap.subject('U_BOB').can('update', 'experiment', 'E1'), true);
});

test('bad JSON in the middle rejects with fromJson\'s code, path, line and column, and cancels the stream', async () => {
  const bytes = bigDocument(3000);
  bytes[bytes.indexOf(0x0a, bytes.length >> 1)] = 0x23; // a '#' for a newline between two tokens
  const expected = outcome(() => Snapshot.fromJson(bytes)).error;
  assert.equal(expected.code, 'invalid_json');
  assert.ok(expected.line > 1000 && expected.path.startsWith('acls['), JSON.stringify(expected));

  const pieces = cut(bytes, [4096]);
  const { stream, seen } = streamOf(pieces);
  const rejected = await outcomeOf(Snapshot.fromStream(stream));
  assert.deepEqual(rejected.error, expected);
  assert.ok(seen.pulls < pieces.length - 10, `stopped reading: ${seen.pulls} of ${pieces.length} pieces`);
  assert.equal(seen.cancelled?.code, 'invalid_json', 'cancelled with the load error as its reason');

  // A Node stream is destroyed (its iterator's return), so a socket or a file closes.
  const node = Readable.from(pieces);
  assert.deepEqual((await outcomeOf(Snapshot.fromStream(node))).error, expected);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(node.destroyed, true);
});

test('options are taken as fromJson takes them, limits included', async () => {
  const limits = { limits: { documentBytes: 1000 } };
  const expected = outcome(() => Snapshot.fromJson(fixture, limits)).error;
  assert.equal(expected.code, 'limit_exceeded');
  const { stream, seen } = streamOf(cut(fixture, [100]));
  assert.deepEqual((await outcomeOf(Snapshot.fromStream(stream, limits))).error.code, 'limit_exceeded');
  assert.ok(seen.pulls <= 11 && seen.cancelled !== null, `read ${seen.pulls} pieces of 100 bytes`);

  const misspelt = streamOf(cut(fixture, [100]));
  await assert.rejects(Snapshot.fromStream(misspelt.stream, { maxAgeSecnds: 60 }),
    { name: 'PermevalError', code: 'invalid_option', path: 'options.maxAgeSecnds' });
  assert.equal(misspelt.seen.pulls, 0, 'nothing is read with bad options');
  assert.notEqual(misspelt.seen.cancelled, null, 'and the source is let go');

  const stale = await Snapshot.fromStream(streamOf([fixture]).stream, { now: Date.parse('2100-01-01') });
  assert.equal(stale.isStale(), Snapshot.fromJson(fixture, { now: Date.parse('2100-01-01') }).isStale());
});

test('a source of the wrong type, or pieces of the wrong type, reject with wrong_type', async () => {
  for (const bad of [undefined, null, 42, 'text', fixture, [fixture], {}, Promise.resolve(fixture)]) {
    await assert.rejects(Snapshot.fromStream(bad), (e) => {
      assert.equal(e.name, 'PermevalError');
      assert.equal(e.code, 'wrong_type');
      assert.equal(e.path, 'source');
      assert.match(e.message, /ReadableStream or an async iterable/);
      return true;
    });
  }
  // Text instead of bytes (a stream through a TextDecoderStream, a Node stream with an encoding).
  const { stream, seen } = streamOf(['{"org": {"id": "O"}}']);
  await assert.rejects(Snapshot.fromStream(stream), { name: 'PermevalError', code: 'wrong_type', path: 'piece' });
  assert.notEqual(seen.cancelled, null);
  await assert.rejects(Snapshot.fromStream(createReadStream(FIXTURE, { encoding: 'utf8' })),
    { code: 'wrong_type', path: 'piece' });
});

test('a source that fails to read rejects with stream_error, its error as the cause', async () => {
  const broken = new Error('connection reset');
  let sent = false;
  const stream = new ReadableStream({
    pull(controller) {
      if (sent) return controller.error(broken);
      sent = true;
      controller.enqueue(fixture.subarray(0, 100));
    },
  });
  await assert.rejects(Snapshot.fromStream(stream), (e) => {
    assert.equal(e.name, 'PermevalError');
    assert.equal(e.code, 'stream_error');
    assert.equal(e.path, 'source');
    assert.equal(e.cause, broken);
    assert.match(e.message, /connection reset/);
    return true;
  });
  async function* failing() {
    yield fixture.subarray(0, 10);
    throw broken;
  }
  await assert.rejects(Snapshot.fromStream(failing()), { code: 'stream_error', cause: broken });
  // A stream someone else is reading cannot be read here.
  const locked = streamOf([fixture]).stream;
  locked.getReader();
  await assert.rejects(Snapshot.fromStream(locked), { code: 'stream_error' });
});

test('a truncated stream fails as the truncated text does', async () => {
  const bytes = fixture.subarray(0, fixture.length - 20);
  const expected = outcome(() => Snapshot.fromJson(bytes)).error;
  assert.equal(expected.code, 'invalid_json');
  assert.deepEqual((await outcomeOf(Snapshot.fromStream(streamOf(cut(bytes, [5])).stream))).error, expected);
});

test('SnapshotLoader: pieces pushed by hand; after an error every call throws it; after finish, `finished`', () => {
  const loader = new SnapshotLoader();
  for (const piece of cut(fixture, [11])) loader.push(piece);
  const snap = loader.finish();
  assert.ok(snap instanceof Snapshot);
  assert.equal(snap.toJson(), Snapshot.fromJson(fixture).toJson());
  assert.throws(() => loader.push(fixture), { name: 'PermevalError', code: 'finished' });
  assert.throws(() => loader.finish(), { name: 'PermevalError', code: 'finished' });
  loader.free();

  // The error stands in the second piece with more text after it: an error within a few bytes of a piece's
  // end may be the piece breaking off, and is told when more text (or `finish`) shows it is not.
  const bad = new TextEncoder().encode('{"org": {"id": "O"},\n  "acls": [{"id": 1}, }, "users": [], "groups": []}');
  const expected = outcome(() => Snapshot.fromJson(bad)).error;
  const failing = new SnapshotLoader();
  failing.push(bad.subarray(0, 30));
  const thrown = [];
  for (const call of [() => failing.push(bad.subarray(30)), () => failing.push(fixture), () => failing.finish(),
    () => failing.finish()]) {
    try {
      call();
      assert.fail('should throw');
    } catch (e) {
      thrown.push(failed(e).error);
    }
  }
  assert.deepEqual(thrown, [expected, expected, expected, expected]);

  // An error only the end shows (no org id) is kept too.
  const noOrg = new SnapshotLoader();
  noOrg.push(new TextEncoder().encode('{"users": []}'));
  assert.throws(() => noOrg.finish(), { code: 'missing_org_id' });
  assert.throws(() => noOrg.finish(), { code: 'missing_org_id' });
  assert.throws(() => noOrg.push(fixture), { code: 'missing_org_id' });
  assert.throws(() => new SnapshotLoader({ limits: { rowsPerArray: -1 } }), { code: 'invalid_option' });
  assert.throws(() => new SnapshotLoader().push(null), { code: 'wrong_type', path: 'piece' });
});

test('require() gets fromStream and SnapshotLoader too', async () => {
  const cjs = createRequire(import.meta.url)('permeval');
  const snap = await cjs.Snapshot.fromStream(generated(cut(fixture, [64])));
  assert.ok(snap instanceof cjs.Snapshot);
  assert.equal(snap.can('U_BOB', 'update', 'experiment', 'E1'), true);
  const loader = new cjs.SnapshotLoader();
  loader.push(fixture);
  assert.equal(loader.finish().orgId, 'O');
});
