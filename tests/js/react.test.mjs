// permeval/react and permeval/dom in real Chromium: builds the Vite app in tests/react/ (which imports
// 'permeval', 'permeval/react' and 'permeval/dom' by package name), serves target/react-test/ on 127.0.0.1
// and drives Debian's headless Chromium with playwright-core. Needs the built package linked as
// node_modules/permeval (./scripts/build-pkg.sh && ln -sfn ../pkg node_modules/permeval).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { build, createServer } from 'vite';

import { launchChromium } from './chromium.mjs';
import { startServer } from '../../www/demo/serve.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const OUT_DIR = `${repo}target/react-test`; // the outDir of tests/react/vite.config.js, inside gitignored target/

let server;
let browser;
let page;
const errors = [];
const wasmFetches = [];

/** Records the page's errors and its responses for .wasm files. */
function watch(p, pageErrors, fetches) {
  p.on('pageerror', (e) => pageErrors.push(String(e)));
  p.on('response', (r) => {
    if (new URL(r.url()).pathname.endsWith('.wasm')) {
      fetches.push({ path: new URL(r.url()).pathname, status: r.status(), type: r.headers()['content-type'] });
    }
  });
}

before(async () => {
  await build({ configFile: `${repo}tests/react/vite.config.js`, logLevel: 'warn' });
  server = await startServer({ dist: OUT_DIR, port: 0 });
  browser = await launchChromium();
  page = await browser.newPage();
  watch(page, errors, wasmFetches);
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.ready === true || window.failure !== undefined, null, { timeout: 20000 });
  assert.equal(await page.evaluate(() => window.failure), undefined);
  await page.waitForSelector('#principal');
});

after(async () => {
  await browser?.close();
  await new Promise((done) => (server ? server.close(done) : done()));
});

/** The page's state as plain data. */
const state = () => page.evaluate(() => {
  const text = (sel) => document.querySelector(sel)?.textContent ?? null;
  const cases = Object.fromEntries([...document.querySelectorAll('[data-case]')].map((li) => [li.dataset.case, li.textContent === 'true']));
  const fn = document.querySelector('#fn-child');
  return {
    principal: text('#principal'),
    which: text('#which'),
    cases,
    updateButton: document.querySelector('#update-button') !== null,
    updateFallback: text('#update-fallback'),
    notDelete: document.querySelector('#not-delete') !== null,
    canDefaultFallback: document.querySelector('#can-default-fallback').innerHTML,
    fn: { allowed: fn.dataset.allowed, text: fn.textContent, title: fn.title, disabled: fn.disabled },
  };
});

async function switchTo(principal, which) {
  if (principal) await page.click(`#as-${principal}`);
  if (which) await page.click(`#snapshot-${which}`);
  if (principal) await page.waitForFunction((p) => document.querySelector('#principal').textContent === p, principal);
  if (which) await page.waitForFunction((w) => document.querySelector('#which').textContent === w, which);
}

test('useCan, <Can> (children, fallback, not, function children) as carol in snapshot A', async () => {
  const s = await state();
  assert.equal(s.principal, 'U_CAROL');
  assert.deepEqual(s.cases, {
    'read:experiment:E1': true,
    'update:experiment:E1': true,
    'delete:experiment:E1': false,
    'update:dataset:D1': false,
    'create_acls:project:P1': false,
  });
  assert.equal(s.updateButton, true, '<Can> renders its children when allowed');
  assert.equal(s.updateFallback, null);
  assert.equal(s.notDelete, true, '<Can not> renders its children when denied');
  assert.equal(s.canDefaultFallback, '', 'a denied <Can> without fallback renders nothing');
  assert.deepEqual(s.fn, { allowed: 'false', text: 'restricted_to_other_type', title: 'restricted_to_other_type', disabled: true });
});

test('a principal switch re-renders the consumers', async () => {
  await switchTo('U_BOB');
  let s = await state();
  assert.deepEqual(s.cases, {
    'read:experiment:E1': true,
    'update:experiment:E1': true,
    'delete:experiment:E1': true,
    'update:dataset:D1': true,
    'create_acls:project:P1': false,
  });
  assert.equal(s.notDelete, false, '<Can not> hides its children when allowed');
  assert.deepEqual(s.fn, { allowed: 'true', text: 'allowed', title: '', disabled: false }, 'reason is null when allowed');

  await switchTo('U_ALICE');
  s = await state();
  assert.ok(Object.values(s.cases).every(Boolean), 'alice (Owners) holds everything');
  assert.equal(await page.isVisible('#delete-acls'), true);

  await switchTo('U_NOBODY');
  s = await state();
  assert.ok(Object.values(s.cases).every((v) => v === false), 'an unknown principal holds nothing');
  assert.equal(s.updateButton, false);
  assert.equal(s.updateFallback, 'read-only', '<Can> renders its fallback when denied');
  assert.equal(await page.textContent('#subject-id'), 'undefined');
  assert.equal(s.fn.text, 'not_a_member', 'function children get the reason for an unknown principal too');

  await switchTo('U_CAROL');
  assert.equal((await state()).cases['update:experiment:E1'], true);
});

test('a snapshot switch re-renders the consumers', async () => {
  await switchTo('U_CAROL', 'B');
  let s = await state();
  assert.deepEqual(s.cases, {
    'read:experiment:E1': false,
    'update:experiment:E1': false,
    'delete:experiment:E1': true,
    'update:dataset:D1': false,
    'create_acls:project:P1': false,
  });
  assert.equal(s.updateFallback, 'read-only');
  assert.equal(s.notDelete, false);
  assert.equal(s.fn.allowed, 'false');
  assert.equal(s.fn.text, 'no_grant', 'the reason comes from the new snapshot');

  await switchTo(null, 'A');
  s = await state();
  assert.equal(s.cases['update:experiment:E1'], true);
  assert.equal(s.cases['delete:experiment:E1'], false);
});

test('the provider resolves the principal once per change, not on every render', async () => {
  const resolved = () => page.evaluate(() => window.subjectsResolved());
  const start = await resolved();
  await page.click('#rerender');
  await page.waitForFunction(() => document.querySelector('#tick').textContent === '1');
  assert.equal(await resolved(), start, 'a re-render with the same snapshot and principal reuses the Subject');
  await switchTo('U_BOB');
  assert.equal(await resolved(), start + 1, 'a principal switch resolves once');
  await page.click('#as-U_BOB');
  await page.click('#rerender');
  await page.waitForFunction(() => document.querySelector('#tick').textContent === '2');
  assert.equal(await resolved(), start + 1, 'choosing the same principal again resolves nothing');
  await switchTo(null, 'B');
  assert.equal(await resolved(), start + 2, 'a snapshot switch resolves once');
  await switchTo('U_CAROL', 'A');
  assert.equal((await state()).cases['update:experiment:E1'], true);
});

test('usePermeval / useCan outside a provider throws a clear error', async () => {
  const message = await page.textContent('#orphan-error');
  assert.match(message, /must be used inside a <PermevalProvider/);
  assert.equal(await page.$('#orphan'), null);
});

test('a misspelled permission or a non-string id in <Can> throws a clear error', async () => {
  assert.equal(await page.textContent('#typo-error'), 'unknown permission `raed` (did you mean `read`?)');
  assert.match(await page.textContent('#id-error'), /the object type and id must be strings/);
});

test('vite build emits the wasm as an asset, and the page fetches it as application/wasm', async () => {
  const assets = await readdir(`${OUT_DIR}/assets`);
  const wasm = assets.filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 1, `one .wasm among ${assets.join(', ')}`);
  assert.deepEqual(wasmFetches, [{ path: `/assets/${wasm[0]}`, status: 200, type: 'application/wasm' }]);
});

/** The DOM helper's attributes on every element of #plain. */
const plain = () => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#plain button')].map((b) => [b.id, {
  hidden: b.hidden,
  disabled: b.disabled,
  aria: b.getAttribute('aria-disabled'),
  title: b.getAttribute('title'),
  error: b.getAttribute('data-permeval-error'),
}])));

test('permeval/dom hides, disables (with the reason as title) and restores, in both modes', async () => {
  const initial = await plain();

  // Hide mode (the default), as carol: she may update E1, not delete it, not update D1.
  let r = await page.evaluate(() => window.applyDom('U_CAROL'));
  assert.deepEqual(r, { checked: 6, denied: 4 });
  let p = await plain();
  assert.equal(p['d-edit'].hidden, false);
  assert.equal(p['d-delete'].hidden, true);
  assert.equal(p['d-ds-update'].hidden, true);
  assert.equal(p['d-author-disabled'].hidden, true);
  assert.equal(p['d-author-hidden'].hidden, true, 'author-hidden stays hidden (carol may read D1)');
  assert.equal(p['d-typo'].hidden, true, 'an unknown permission counts as denied');
  assert.match(p['d-typo'].error, /unknown permission `updat` \(did you mean `update`\?\)/);
  assert.deepEqual(p['d-plain'], initial['d-plain']);
  assert.equal(p['d-delete'].title, 'Delete this experiment', 'hide mode leaves the title alone');

  // Restore as alice (everything allowed): back to the author's markup, except the typo stays marked.
  r = await page.evaluate(() => window.applyDom('U_ALICE'));
  assert.deepEqual(r, { checked: 6, denied: 1 });
  p = await plain();
  for (const id of ['d-edit', 'd-delete', 'd-ds-update', 'd-author-disabled', 'd-author-hidden', 'd-plain']) {
    assert.deepEqual(p[id], initial[id], `${id} restored`);
  }
  assert.equal(p['d-typo'].hidden, true);

  // Disable mode, as carol, through a Subject.
  r = await page.evaluate(() => window.applyDom('U_CAROL', 'disable', { viaSubject: true }));
  assert.deepEqual(r, { checked: 6, denied: 4 });
  p = await plain();
  assert.deepEqual(p['d-edit'], initial['d-edit']);
  assert.deepEqual(p['d-delete'], { hidden: false, disabled: true, aria: 'true', title: 'no_grant', error: null },
    'disabled, aria-disabled and the denial reason as title (over the author\'s title)');
  assert.equal(p['d-ds-update'].title, 'restricted_to_other_type');
  assert.equal(p['d-ds-update'].disabled, true);
  assert.equal(p['d-typo'].disabled, true);
  assert.match(p['d-typo'].title, /updat/, 'an unknown permission: title is the error message');
  assert.equal(p['d-typo'].hidden, false, 'switching mode undoes the previous mode');
  assert.equal(p['d-author-hidden'].hidden, true);

  // Restore as bob (all but the typo allowed): author-set disabled / hidden / title survive.
  r = await page.evaluate(() => window.applyDom('U_BOB', 'disable'));
  assert.deepEqual(r, { checked: 6, denied: 1 });
  p = await plain();
  for (const id of ['d-edit', 'd-delete', 'd-ds-update', 'd-author-disabled', 'd-author-hidden', 'd-plain']) {
    assert.deepEqual(p[id], initial[id], `${id} restored`);
  }
  assert.equal(p['d-author-disabled'].disabled, true, 'the author\'s disabled is not clobbered');
  assert.equal(p['d-delete'].title, 'Delete this experiment', 'the author\'s title comes back');
  assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll('[data-permeval-set]')].map((e) => e.id)), ['d-typo']);
});

test('no page errors', () => {
  assert.deepEqual(errors, []);
});

test('the Vite dev server serves the same app, with the same (permeval-free) config', async (t) => {
  // node_modules/permeval is a symlink to pkg/ here, and Vite leaves linked packages unbundled; an app that
  // installed permeval from npm gets it pre-bundled. `include` makes this run take that path too (it is not
  // something a user configures), so the wasm URL is checked after pre-bundling has moved the glue.
  const dev = await createServer({
    configFile: `${repo}tests/react/vite.config.js`,
    server: { host: '127.0.0.1', port: 0, strictPort: false },
    // `force`: the cache is keyed by lockfiles and config, not by pkg/'s contents, so after a rebuild of the
    // package it would serve the previous glue against the new wasm (a LinkError on any new import).
    optimizeDeps: { include: ['permeval', 'permeval/react', 'permeval/dom'], force: true },
    logLevel: 'error',
  });
  t.after(() => dev.close());
  await dev.listen();
  const devPage = await browser.newPage();
  t.after(() => devPage.close());
  const devErrors = [];
  const devWasm = [];
  watch(devPage, devErrors, devWasm);
  await devPage.goto(dev.resolvedUrls.local[0]);
  await devPage.waitForFunction(() => window.ready === true || window.failure !== undefined, null, { timeout: 20000 });
  assert.equal(await devPage.evaluate(() => window.failure), undefined);
  await devPage.waitForSelector('#principal');
  assert.equal(await devPage.textContent('[data-case="update:experiment:E1"]'), 'true');
  assert.equal(await devPage.textContent('[data-case="update:dataset:D1"]'), 'false');
  await devPage.click('#as-U_NOBODY');
  await devPage.waitForFunction(() => document.querySelector('#principal').textContent === 'U_NOBODY');
  assert.equal(await devPage.textContent('#update-fallback'), 'read-only');
  assert.deepEqual(await devPage.evaluate(() => window.applyDom('U_CAROL', 'disable')), { checked: 6, denied: 4 });
  assert.equal(devWasm.length, 1);
  assert.deepEqual({ ...devWasm[0], path: undefined }, { path: undefined, status: 200, type: 'application/wasm' });
  assert.match(devWasm[0].path, /\/pkg\/web\/permeval_bg\.wasm$/, 'the pre-bundled glue points at the package\'s wasm');
  const bundled = await devPage.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  assert.ok(bundled.some((path) => /\/deps\/permeval\.js$/.test(path)), 'permeval was served pre-bundled');
  assert.deepEqual(devErrors, []);
});
