// The selected check, explained: the grant chains that allow it, or the reason it is denied and the
// nearest grants that miss.
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
  return { allowed: explanation.allowed, ...explanationLines(explanation, { ...s, principalId: s.principal, catalog }) };
}

export function ExplainPanel() {
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
  const { allowed, headline, because, lines } = answer(snapshot, catalog, selected);
  return (
    <section className={`panel explain ${allowed ? 'yes' : 'no'}`} data-testid="explain">
      <h2>Why?</h2>
      <p className="headline" data-testid="explain-headline">{headline}</p>
      {because && <p>because {because}.</p>}
      <ul data-testid="explain-chain">
        {lines.map((line, i) => <li key={i}>{line}</li>)}
      </ul>
    </section>
  );
}
