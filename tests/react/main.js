// The React bindings mounted in a real page: window.harness lets the test switch principal and snapshot and
// read what rendered. No JSX, so the page needs no React plugin.
import init, { Snapshot } from 'permeval';
import { Can, PermevalProvider, useCan, usePermeval } from 'permeval/react';
import { createElement as h, useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';

import fixture from '../fixtures/spec_example.json';

await init();
const first = new Snapshot(fixture);
// A second snapshot where bob lost Engineers' update on All projects (a10).
const second = new Snapshot({ ...fixture, acls: fixture.acls.filter((a) => a.id !== 'a10') });
let renders = 0;

function Probe() {
  renders += 1;
  const { principal } = usePermeval();
  const canUpdate = useCan('update', 'experiment', 'E1');
  return h('section', null,
    h('p', { id: 'who' }, principal),
    h('p', { id: 'hook' }, String(canUpdate)),
    h(Can, { I: 'update', on: { type: 'experiment', id: 'E1' }, fallback: h('span', { id: 'fallback' }, 'no') },
      h('button', { id: 'edit' }, 'Edit')),
    h(Can, { I: 'delete', on: { type: 'experiment', id: 'E1' }, not: true }, h('span', { id: 'not' }, 'cannot delete')),
    h(Can, { I: 'update', on: { type: 'dataset', id: 'D1' } },
      ({ allowed, reason }) => h('span', { id: 'fn' }, `${allowed}:${reason}`)),
  );
}

function App({ control }) {
  const [principal, setPrincipal] = useState('U_BOB');
  const [snapshot, setSnapshot] = useState(first);
  control.setPrincipal = setPrincipal;
  control.setSnapshot = (which) => setSnapshot(which === 'second' ? second : first);
  return h(PermevalProvider, { snapshot, principal }, h(Probe));
}

const control = {};
flushSync(() => createRoot(document.getElementById('root')).render(h(App, { control })));

let orphanError = null;
function Orphan() {
  try {
    useCan('read', 'project', 'P1');
  } catch (e) {
    orphanError = e.message;
  }
  return null;
}
flushSync(() => createRoot(document.getElementById('orphan')).render(h(Orphan)));

const text = (id) => document.getElementById(id)?.textContent ?? null;
window.harness = {
  read: () => ({ who: text('who'), hook: text('hook'), edit: text('edit'), fallback: text('fallback'), not: text('not'), fn: text('fn') }),
  principal: (p) => flushSync(() => control.setPrincipal(p)),
  snapshot: (which) => flushSync(() => control.setSnapshot(which)),
  renders: () => renders,
  orphanError: () => orphanError,
};
