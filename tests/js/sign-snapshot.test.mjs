// scripts/sign-snapshot.mjs as the README's flow uses it: keygen, public-key and sign run as commands, and
// what they print is what Snapshot.fromSignedJson (the package, in Node) accepts. Run by scripts/test.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Snapshot } from 'permeval';

const SCRIPT = fileURLToPath(new URL('../../scripts/sign-snapshot.mjs', import.meta.url));
const fixture = readFileSync(new URL('../fixtures/spec_example.json', import.meta.url));

const run = (...args) => execFileSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' }).trim();

test('keygen, public-key and sign print what fromSignedJson accepts; a changed byte or key is refused', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'permeval-sign-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [key, other, doc, sigFile] = ['origin.pem', 'other.pem', 'snapshot.json', 'snapshot.json.sig'].map((f) => join(dir, f));
  writeFileSync(doc, fixture);

  const publicKey = run('keygen', key);
  assert.match(publicKey, /^[A-Za-z0-9_-]{43}$/, 'a 32-byte key, unpadded base64url');
  assert.equal(run('public-key', key), publicKey);
  assert.throws(() => run('keygen', key), 'keygen never overwrites a key');
  const otherKey = run('keygen', other);

  const signature = run('sign', key, doc, sigFile);
  assert.match(signature, /^[A-Za-z0-9_-]{86}$/, 'a 64-byte signature, unpadded base64url');
  assert.equal(readFileSync(sigFile, 'utf8').trim(), signature);

  const bytes = new Uint8Array(fixture);
  for (const input of [bytes, fixture.toString('utf8')]) {
    const snap = Snapshot.fromSignedJson(input, signature, [otherKey, publicKey]);
    assert.equal(snap.can('U_BOB', 'update', 'experiment', 'E1'), true);
    snap.free();
  }
  const tampered = bytes.slice();
  tampered[tampered.length - 2] ^= 1;
  for (const [input, keys] of [[tampered, [publicKey]], [bytes, [otherKey]]]) {
    assert.throws(() => Snapshot.fromSignedJson(input, signature, keys), (e) => e.code === 'bad_signature');
  }
});
