// The test app of permeval/react and permeval/dom, built by Vite and driven by tests/js/react.test.mjs.
// Snapshot A is tests/fixtures/spec_example.json. Snapshot B is A with carol's project role (ACL a13) removed
// and a direct `delete` on E1 granted to her, so the same principal answers differently in B.
import { Component, useState } from 'react';
import { createRoot } from 'react-dom/client';
import init, { Snapshot } from 'permeval';
import { Can, PermevalProvider, useCan, usePermeval } from 'permeval/react';
import { applyPermissions } from 'permeval/dom';
import doc from '../fixtures/spec_example.json';

const docB = {
  ...doc,
  acls: [
    ...doc.acls.filter((acl) => acl.id !== 'a13'),
    { id: 'b1', object_type: 'experiment', object_id: 'E1', _object_org_id: 'O', user_id: 'U_CAROL', permission: 'delete' },
  ],
};

/** The useCan cases rendered for the current principal; `data-case` is `permission:type:id`. */
const CASES = [
  ['read', 'experiment', 'E1'],
  ['update', 'experiment', 'E1'],
  ['delete', 'experiment', 'E1'],
  ['update', 'dataset', 'D1'],
  ['create_acls', 'project', 'P1'],
];

function CanCell({ permission, type, id }) {
  const allowed = useCan(permission, type, id);
  return <li data-case={`${permission}:${type}:${id}`}>{String(allowed)}</li>;
}

function Probe() {
  const { principal, subject } = usePermeval();
  return (
    <section>
      <p id="principal">{principal}</p>
      <p id="subject-id">{String(subject.principalId)}</p>
      <ul id="cases">
        {CASES.map(([p, t, id]) => <CanCell key={`${p}:${t}:${id}`} permission={p} type={t} id={id} />)}
      </ul>
      <div id="can-update">
        <Can I="update" on={{ type: 'experiment', id: 'E1' }} fallback={<span id="update-fallback">read-only</span>}>
          <button id="update-button">Edit E1</button>
        </Can>
      </div>
      <div id="can-not-delete">
        <Can not I="delete" on={{ type: 'experiment', id: 'E1' }}>
          <span id="not-delete">you cannot delete E1</span>
        </Can>
      </div>
      <div id="can-default-fallback">
        <Can I="delete_acls" on={{ type: 'project', id: 'P1' }}>
          <span id="delete-acls">manage access</span>
        </Can>
      </div>
      <Can I="update" on={{ type: 'dataset', id: 'D1' }}>
        {({ allowed, reason }) => (
          <button id="fn-child" data-allowed={String(allowed)} disabled={!allowed} title={reason ?? ''}>
            {reason ?? 'allowed'}
          </button>
        )}
      </Can>
    </section>
  );
}

/** Catches what its children throw (no provider, a misspelled permission), so the page shows the message. */
class Boundary extends Component {
  state = { error: null };
  static getDerivedStateFromError(error) {
    return { error };
  }
  componentDidCatch() {}
  render() {
    return this.state.error ? <p id={this.props.id}>{this.state.error.message}</p> : this.props.children;
  }
}

function Orphan() {
  useCan('read', 'experiment', 'E1');
  return <p id="orphan">rendered without a provider?</p>;
}

function App({ snapshots }) {
  const [principal, setPrincipal] = useState('U_CAROL');
  const [which, setWhich] = useState('A');
  const [tick, setTick] = useState(0); // re-renders the app without changing the provider's props
  return (
    <main>
      <nav>
        {['U_ALICE', 'U_BOB', 'U_CAROL', 'U_NOBODY'].map((p) => (
          <button key={p} id={`as-${p}`} onClick={() => setPrincipal(p)}>{p}</button>
        ))}
        <button id="snapshot-A" onClick={() => setWhich('A')}>snapshot A</button>
        <button id="snapshot-B" onClick={() => setWhich('B')}>snapshot B</button>
        <span id="which">{which}</span>
        <button id="rerender" onClick={() => setTick((t) => t + 1)}>re-render</button>
        <span id="tick">{tick}</span>
      </nav>
      <PermevalProvider snapshot={snapshots[which]} principal={principal}>
        <Probe />
      </PermevalProvider>
      <Boundary id="orphan-error">
        <Orphan />
      </Boundary>
      <PermevalProvider snapshot={snapshots.A} principal="U_BOB">
        <Boundary id="typo-error">
          <Can I="raed" on={{ type: 'experiment', id: 'E1' }}>typo rendered?</Can>
        </Boundary>
        <Boundary id="id-error">
          <Can I="read" on={{ type: 'experiment', id: 1 }}>number id rendered?</Can>
        </Boundary>
      </PermevalProvider>
    </main>
  );
}

init()
  .then(() => {
    const snapshots = { A: Snapshot.fromJson(JSON.stringify(doc)), B: new Snapshot(docB) };
    // Counts snapshot.subject() calls, to check the provider resolves the principal once per change.
    let resolved = 0;
    for (const snapshot of Object.values(snapshots)) {
      const subject = snapshot.subject.bind(snapshot);
      snapshot.subject = (principal) => {
        resolved += 1;
        return subject(principal);
      };
    }
    window.subjectsResolved = () => resolved;
    const plain = document.getElementById('plain');
    // For the DOM-helper tests: apply as a principal (via { snapshot, principal } or a Subject), read back.
    window.applyDom = (principal, mode, { which = 'A', viaSubject = false } = {}) => {
      const snapshot = snapshots[which];
      const target = viaSubject ? snapshot.subject(principal) : { snapshot, principal };
      return applyPermissions(plain, target, mode === undefined ? undefined : { mode });
    };
    createRoot(document.getElementById('app')).render(<App snapshots={snapshots} />);
    window.ready = true;
  })
  .catch((e) => {
    window.failure = String(e && e.stack ? e.stack : e);
  });
