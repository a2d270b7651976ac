// The selected check, explained: the grant chains that allow it, or the reason it is denied and the
// nearest grants that miss. A denied permission can be granted on the spot, and a grant made here revoked:
// each is one delta on the live snapshot (applyAclBatch, the body of Braintrust's batch_update), and every
// panel re-renders from it without a reload.
import { usePermeval } from 'permeval/react';

import { useCatalog } from '../hooks/useCatalog.js';
import { useSelection } from '../hooks/useSelection.js';
import { explanationLines } from '../lib/explainText.js';

function answer(snapshot, catalog, s) {
  const who = catalog.person(s.principal).short;
  if (s.create) {
    const allowed = snapshot.canCreate(s.principal, s.create, s.type, s.id);
    return {
      allowed,
      headline: `${allowed ? 'Yes' : 'No'}: ${who} ${allowed ? 'may' : 'may not'} create a ${s.create} in ${catalog.describe(s.type, s.id)}`,
      because: null,
      lines: [],
    };
  }
  const explanation = snapshot.explain(s.principal, s.permission, s.type, s.id);
  return {
    allowed: explanation.allowed,
    granted: explanation.allowed && explanation.paths.some((p) => p.aclId === grantId(s)),
    ...explanationLines(explanation, { ...s, principalId: s.principal, catalog }),
  };
}

/** The direct ACL a grant button adds for the selected check; its id is the one permeval gives it. */
const grantItem = (s) => ({ object_type: s.type, object_id: s.id, user_id: s.principal, permission: s.permission });
const grantId = (s) => `delta:${s.type}/${s.id}/user:${s.principal}/${s.permission}`;

function GrantButton({ selected, granted, allowed }) {
  const { snapshot } = usePermeval();
  if (selected.create || (allowed && !granted)) return null;
  const body = granted ? { remove_acls: [grantItem(selected)] } : { add_acls: [grantItem(selected)] };
  return (
    <button type="button" data-testid={granted ? 'revoke' : 'grant'} onClick={() => snapshot.applyAclBatch(body)}>
      {granted ? 'Revoke this direct grant' : `Grant ${selected.permission} here`}
    </button>
  );
}

export function ExplainPanel() {
  // A delta changes the provider's value, which re-renders this panel.
  const { snapshot } = usePermeval();
  const catalog = useCatalog();
  const { selected } = useSelection();
  if (!selected) {
    return (
      <section className="panel explain" data-testid="explain">
        <h2>Why?</h2>
        <p className="muted">Click a matrix cell or an action button to see the grant chain behind the answer.</p>
      </section>
    );
  }
  const { allowed, granted, headline, because, lines } = answer(snapshot, catalog, selected);
  return (
    <section className={`panel explain ${allowed ? 'yes' : 'no'}`} data-testid="explain">
      <h2>Why?</h2>
      <p className="headline" data-testid="explain-headline">{headline}</p>
      {because && <p>because {because}.</p>}
      <ul data-testid="explain-chain">
        {lines.map((line, i) => <li key={i}>{line}</li>)}
      </ul>
      <GrantButton selected={selected} granted={granted} allowed={allowed} />
    </section>
  );
}
