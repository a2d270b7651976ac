// The package's web build in a plain page, without a bundler, in Debian's headless Chromium: the page
// imports 'permeval' through an import map, fetches the snapshot and hides a button by the answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './chromium.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

/** Serves the repository read-only on 127.0.0.1 (pkg/ and the test page and fixtures). */
function serve() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
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


test('the web build loads and answers in a plain page in Chromium', async (t) => {
  const server = await serve();
  t.after(() => server.close());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/tests/js/page/index.html`);
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
