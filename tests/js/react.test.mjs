// permeval/react in real React in Chromium: the page under tests/react/ is built with Vite (importing
// 'permeval' and 'permeval/react' by name, as an app does), served on loopback and driven through
// window.harness.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './chromium.mjs';
import { build } from 'vite';

import { startServer } from '../../www/demo/serve.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const OUT_DIR = `${repo}target/react-test`; // inside target/, which is gitignored

let server;
let browser;
let page;
const errors = [];

before(async () => {
  await build({
    root: `${repo}tests/react`,
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: { outDir: OUT_DIR, emptyOutDir: true, target: 'es2022' },
  });
  server = await startServer({ dist: OUT_DIR, port: 0 });
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.harness !== undefined, null, { timeout: 20000 });
});

after(async () => {
  await browser?.close();
  await new Promise((done) => (server ? server.close(done) : done()));
});

const read = () => page.evaluate(() => window.harness.read());

test('useCan and <Can> answer for the provider principal, with fallback, not and function children', async () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(await read(), {
    who: 'U_BOB', hook: 'true', edit: 'Edit', fallback: null, not: null, fn: 'true:null',
  });
});

test('switching the principal re-renders the consumers', async () => {
  await page.evaluate(() => window.harness.principal('U_CAROL'));
  // Carol updates experiments through R_DS but not datasets (restricted), and may not delete E1.
  assert.deepEqual(await read(), {
    who: 'U_CAROL', hook: 'true', edit: 'Edit', fallback: null, not: 'cannot delete', fn: 'false:restricted_to_other_type',
  });
  await page.evaluate(() => window.harness.principal('U_NOBODY'));
  assert.deepEqual(await read(), {
    who: 'U_NOBODY', hook: 'false', edit: null, fallback: 'no', not: 'cannot delete', fn: 'false:not_a_member',
  });
  await page.evaluate(() => window.harness.principal('U_BOB'));
  assert.equal((await read()).hook, 'true');
});

test('switching the snapshot re-renders the consumers', async () => {
  const before = await page.evaluate(() => window.harness.renders());
  await page.evaluate(() => window.harness.snapshot('second'));
  assert.deepEqual(await read(), {
    who: 'U_BOB', hook: 'false', edit: null, fallback: 'no', not: null, fn: 'false:no_grant',
  });
  assert.ok((await page.evaluate(() => window.harness.renders())) > before);
  await page.evaluate(() => window.harness.snapshot('first'));
  assert.equal((await read()).edit, 'Edit');
});

test('a hook outside a provider throws a clear error', async () => {
  assert.match(await page.evaluate(() => window.harness.orphanError()), /inside a <PermevalProvider/);
  assert.deepEqual(errors, []);
});
