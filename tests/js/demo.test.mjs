// The demo page (www/demo, Vite + React on permeval/react) and the plain-HTML helper page (www/plain, on
// permeval/dom), built and served on loopback and driven in Debian's headless Chromium. Saves the
// screenshot the README shows (docs/demo.png). Run by scripts/test.sh after scripts/build-pkg.sh.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './chromium.mjs';
import { build } from 'vite';

import { startServer } from '../../www/demo/serve.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const OUT_DIR = `${repo}target/www-demo-test`; // inside target/, which is gitignored

let server;
let browser;
let base;

before(async () => {
  await build({ configFile: `${repo}www/demo/vite.config.js`, build: { outDir: OUT_DIR, emptyOutDir: true }, logLevel: 'warn' });
  server = await startServer({ dist: OUT_DIR, port: 0 });
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((done) => (server ? server.close(done) : done()));
});

/** A fresh page on the demo, viewing as the principal; page errors fail the test. */
async function openDemo(t, principal, { disabled = false } = {}) {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  t.after(async () => {
    await page.close();
    assert.deepEqual(errors, [], 'the page threw');
  });
  await page.goto(`${base}/`);
  await page.waitForSelector('[data-testid=matrix]');
  await page.selectOption('[data-testid=view-as]', principal);
  await page.waitForSelector(`[data-testid=matrix] h2:has-text("${await principalName(page, principal)}")`);
  if (disabled) await page.check('[data-testid=show-disabled]');
  return page;
}

const principalName = (page, id) => page.$eval(`[data-testid=view-as] option[value="${id}"]`, (o) => o.textContent.replace(/ <.*$/, ''));

/** The buttons labelled `action` inside the browser element with this test id. */
/** The buttons of one object, or of a project itself (its header, not the objects listed in it). */
const buttons = (page, testId, action) =>
  page.locator(`[data-testid="${testId}"]${testId.startsWith('project-') ? ' > header' : ''} button[data-action="${action}"]`);

/** Every matrix answer of the page, as one string (for "the answers did not change"). */
const matrixAnswers = (page) =>
  page.$$eval('[data-testid=matrix] [data-allowed]', (cells) => cells.map((c) => (c.dataset.allowed === 'true' ? '1' : '0')).join(''));

test('as a Viewer, Delete and Manage access are absent; as an Owner, present', async (t) => {
  const dave = await openDemo(t, 'U_DAVE');
  assert.equal(await dave.locator('[data-testid=browser] button[data-action="Delete"]').count(), 0);
  assert.equal(await dave.locator('[data-testid=browser] button[data-action="Manage access"]').count(), 0);
  assert.equal(await dave.locator('[data-testid=browser] button[data-action="Create experiment"]').count(), 0);
  // Dave reads everything and may edit the one dataset he was granted (an object-level ACL, a35).
  assert.equal(await buttons(dave, 'object-D_CHAT_GOLDEN', 'Edit').count(), 1);
  assert.equal(await buttons(dave, 'object-D_CHAT_REDTEAM', 'Edit').count(), 0);
  assert.equal(await buttons(dave, 'project-P_SEARCH', 'View logs').count(), 1);
  // Deleted project and deleted experiment: nobody sees them.
  assert.equal(await dave.locator('[data-testid=project-P_LEGACY]').count(), 0);
  assert.equal(await dave.locator('[data-testid=object-E_CHAT_OLD]').count(), 0);

  const alice = await openDemo(t, 'U_ALICE');
  for (const id of ['object-E_CHAT_RAG', 'object-D_CHAT_GOLDEN', 'object-PS_SEARCH', 'project-P_CHATBOT']) {
    assert.equal(await buttons(alice, id, 'Delete').count(), 1, `Delete on ${id}`);
    assert.equal(await buttons(alice, id, 'Manage access').count(), 1, `Manage access on ${id}`);
  }
  assert.equal(await alice.locator('[data-testid=project-P_LEGACY]').count(), 0, 'not even Owners see a deleted project');

  // Creator grants: Frank (a Viewer) may delete and manage the experiment he created, and nothing else.
  const frank = await openDemo(t, 'U_FRANK');
  assert.equal(await frank.locator('[data-testid=browser] button[data-action="Delete"]').count(), 1);
  assert.equal(await buttons(frank, 'object-E_FRANK_ABLATION', 'Delete').count(), 1);
  assert.equal(await buttons(frank, 'object-E_FRANK_ABLATION', 'Manage access').count(), 1);
});

test('the switch shows denied buttons disabled, with the reason as tooltip', async (t) => {
  const dave = await openDemo(t, 'U_DAVE', { disabled: true });
  const del = buttons(dave, 'object-E_CHAT_RAG', 'Delete');
  assert.equal(await del.count(), 1);
  assert.equal(await del.isDisabled(), true);
  const title = await del.getAttribute('title');
  assert.match(title, /No: Dave may not delete experiment rag-v2/);
  assert.match(title, /no grant of delete reaches experiment rag-v2/);
  const manage = buttons(dave, 'object-E_CHAT_RAG', 'Manage access');
  assert.equal(await manage.isDisabled(), true);
  assert.match(await manage.getAttribute('title'), /may not create_acls/);
  // Allowed buttons stay enabled.
  assert.equal(await buttons(dave, 'object-D_CHAT_GOLDEN', 'Edit').isDisabled(), false);

  // A denial with a nearest miss: Carol's DataScientist role updates experiments only.
  const carol = await openDemo(t, 'U_CAROL', { disabled: true });
  const edit = buttons(carol, 'object-D_CHAT_GOLDEN', 'Edit');
  assert.equal(await edit.isDisabled(), true);
  const why = await edit.getAttribute('title');
  assert.match(why, /restricted to other object types/);
  assert.match(why, /ACL a16 on project chatbot through role DataScientist grants update \(experiment only\)/);
  assert.equal(await buttons(carol, 'object-E_CHAT_RAG', 'Edit').isDisabled(), false);

  // Off again: hidden.
  await carol.uncheck('[data-testid=show-disabled]');
  assert.equal(await buttons(carol, 'object-D_CHAT_GOLDEN', 'Edit').count(), 0);
});

test('a matrix cell click shows the grant chain with the right ACL id', async (t) => {
  const bob = await openDemo(t, 'U_BOB');
  const cell = (key, permission) => bob.locator(`[data-testid=matrix] tr[data-object="${key}"] [data-permission-cell="${permission}"]`);
  assert.equal(await cell('experiment:E_CHAT_RAG', 'update').getAttribute('data-allowed'), 'true');
  await cell('experiment:E_CHAT_RAG', 'update').click();
  assert.equal(await bob.textContent('[data-testid=explain-headline]'), 'Yes: Bob may update experiment rag-v2');
  assert.equal(await bob.textContent('[data-testid=explain-chain]'), 'Bob ∈ Engineers → ACL a10 on All projects grants update');

  await cell('project:P_CHATBOT', 'create_acls').click();
  assert.match(await bob.textContent('[data-testid=explain]'), /No: Bob may not create_acls project chatbot/);

  // Nested groups and a role chain: Grace is in eval-contractors, which data-sci includes.
  await bob.selectOption('[data-testid=view-as]', 'U_GRACE');
  await bob.waitForSelector('[data-testid=matrix] h2:has-text("Grace Kim")');
  await cell('dataset:D_CHAT_GOLDEN', 'read').click();
  assert.equal(
    await bob.textContent('[data-testid=explain-chain]'),
    'Grace ∈ eval-contractors ⊂ data-sci → ACL a16 on project chatbot through role DataScientist grants read',
  );

  // whoCan for an object: ProjectLead (which inherits DataScientist) lets Erin delete experiments of search.
  await bob.click('[data-testid=matrix] tr[data-object="experiment:E_SEARCH_RERANK"] .rowhead button');
  const erinDelete = bob.locator('[data-testid=whocan] tr[data-principal="U_ERIN"] [data-permission-cell="delete"]');
  assert.equal(await erinDelete.getAttribute('data-allowed'), 'true');
  await erinDelete.click();
  assert.equal(
    await bob.textContent('[data-testid=explain-chain]'),
    'Erin directly → ACL a19 on project search through role ProjectLead grants delete (experiment only)',
  );
});

test('granting from the explanation panel applies a delta and re-renders without a reload; revoking undoes it', async (t) => {
  const dave = await openDemo(t, 'U_DAVE');
  const cell = (key, permission) => dave.locator(`[data-testid=matrix] tr[data-object="${key}"] [data-permission-cell="${permission}"]`);
  const deleteRag = cell('experiment:E_CHAT_RAG', 'delete');
  assert.equal(await deleteRag.getAttribute('data-allowed'), 'false');
  assert.equal(await buttons(dave, 'object-E_CHAT_RAG', 'Delete').count(), 0);
  const before = await matrixAnswers(dave);
  // A marker on the window: a reload would drop it.
  await dave.evaluate(() => { window.notReloaded = true; });

  await deleteRag.click();
  await dave.click('[data-testid=grant]');
  await dave.waitForSelector('[data-testid=matrix] tr[data-object="experiment:E_CHAT_RAG"] [data-permission-cell="delete"][data-allowed="true"]');
  assert.equal(await dave.textContent('[data-testid=explain-headline]'), 'Yes: Dave may delete experiment rag-v2');
  assert.equal(
    await dave.textContent('[data-testid=explain-chain]'),
    'Dave directly → ACL delta:experiment/E_CHAT_RAG/user:U_DAVE/delete on experiment rag-v2 grants delete',
  );
  assert.equal(await buttons(dave, 'object-E_CHAT_RAG', 'Delete').count(), 1, 'the browser re-rendered too');
  const after = await matrixAnswers(dave);
  assert.equal([...after].filter((c, i) => c !== before[i]).length, 1, 'exactly one cell changed');

  await dave.click('[data-testid=revoke]');
  await dave.waitForSelector('[data-testid=matrix] tr[data-object="experiment:E_CHAT_RAG"] [data-permission-cell="delete"][data-allowed="false"]');
  assert.equal(await matrixAnswers(dave), before);
  assert.equal(await buttons(dave, 'object-E_CHAT_RAG', 'Delete').count(), 0);
  assert.equal(await dave.evaluate(() => window.notReloaded), true, 'no reload happened');
});

test('a malformed file shows its error and the previous answers stay; warnings are listed', async (t) => {
  const page = await openDemo(t, 'U_DAVE');
  const before = await matrixAnswers(page);
  await page.setInputFiles('[data-testid=load-file]', {
    name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"org": {"id": "O_ACME"}, "users": [\n  {"id": "U_DAVE"},\n'),
  });
  const error = page.locator('[data-testid=load-error]');
  await error.waitFor();
  assert.match(await error.textContent(), /Could not load broken\.json: invalid_json/);
  assert.match(await error.textContent(), /line \d+, column \d+/);
  assert.match(await error.textContent(), /Still using the previous snapshot: acme\.json \(embedded\)/);
  assert.equal(await page.textContent('[data-testid=active-source]'), 'snapshot: acme.json (embedded)');
  assert.equal(await matrixAnswers(page), before, 'the old answers stay');
  assert.equal(await buttons(page, 'object-D_CHAT_GOLDEN', 'Edit').count(), 1);

  // A document with a bad row loads, with the row listed as a warning.
  const withWarning = {
    org: { id: 'O2', name: 'tiny' },
    users: [{ id: 'U1', given_name: 'Uma' }],
    projects: [{ id: 'P1', org_id: 'O2', name: 'only' }],
    acls: [
      { id: 'x1', object_type: 'project', object_id: 'P1', user_id: 'U1', permission: 'read' },
      { id: 'x2', object_type: 'project', object_id: 'P1', user_id: 'U1', role_id: 'R_MISSING' },
    ],
  };
  await page.setInputFiles('[data-testid=load-file]', {
    name: 'tiny.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(withWarning)),
  });
  await page.waitForSelector('[data-testid=active-source]:has-text("tiny.json")');
  assert.equal(await error.count(), 0, 'a successful load clears the error');
  assert.match(await page.textContent('[data-testid=warnings]'), /1 warning.*unknown_role at acls\[1\]\.role_id/s);
  assert.equal(await page.inputValue('[data-testid=view-as]'), 'U1', 'an absent principal falls back to the first');
  assert.equal(await buttons(page, 'project-P1', 'View logs').count(), 1);
  assert.equal(await buttons(page, 'project-P1', 'Edit').count(), 0);
  assert.match(await page.textContent('[data-testid=stats]'), /loaded in \d+\.\d\d ms · \d+ checks in the last render/);
});

test('the plain-HTML helper page hides what each principal may not use', async (t) => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  t.after(() => page.close());
  const visible = async (principal) => {
    if ((await page.getAttribute('body', 'data-applied-for')) !== principal) {
      await page.selectOption('#principal', principal);
    }
    await page.waitForSelector(`body[data-applied-for="${principal}"]`);
    return page.$$eval('#actions button', (all) => all.filter((b) => !b.hidden && b.offsetParent !== null).map((b) => b.textContent));
  };
  await page.goto(`${base}/plain/?as=U_DAVE`);
  await page.waitForSelector('body[data-applied-for]');
  assert.deepEqual(await visible('U_DAVE'), ['Edit dataset golden-conversations', 'View search logs']);
  assert.deepEqual(await visible('U_ALICE'), [
    'Edit experiment rag-v2', 'Delete experiment rag-v2', 'Delete experiment frank-ablation',
    'Edit dataset golden-conversations', 'Manage access to chatbot', 'View search logs', 'Read audit logs',
  ]);
  assert.deepEqual(await visible('U_FRANK'), ['Delete experiment frank-ablation', 'View search logs']);

  // Disable mode: everything shows, the denied ones disabled.
  await page.selectOption('#principal', 'U_DAVE');
  await page.check('#disable');
  const states = await page.$$eval('#actions button', (all) => all.map((b) => [b.textContent, !b.hidden, b.disabled]));
  assert.deepEqual(states.filter(([, shown]) => !shown), [], 'nothing hidden in disable mode');
  assert.deepEqual(states.filter(([, , disabled]) => !disabled).map(([name]) => name), ['Edit dataset golden-conversations', 'View search logs']);
  assert.deepEqual(errors, []);
});

test('saves the screenshot the README shows (docs/demo.png)', async (t) => {
  const page = await openDemo(t, 'U_CAROL', { disabled: true });
  await page.click('[data-testid=matrix] tr[data-object="experiment:E_CHAT_RAG"] [data-permission-cell="update"]');
  await page.waitForSelector('[data-testid=explain-chain] li');
  await mkdir(`${repo}docs`, { recursive: true });
  await page.screenshot({ path: `${repo}docs/demo.png` });
});
