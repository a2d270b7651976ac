// The chosen principal's effective permissions: every object of the snapshot × the eight permissions.
// One effectiveBatch call per object type; a cell click explains it, a row click shows who else can.
import { useMemo } from 'react';
import { usePermeval } from 'permeval/react';

import { useCatalog } from '../hooks/useCatalog.js';
import { useSelection } from '../hooks/useSelection.js';
import { PERMISSIONS } from '../lib/permissions.js';
import { MatrixCell } from './MatrixCell.jsx';
import { PermissionHeader } from './PermissionHeader.jsx';

function effectiveBits(subject, objects) {
  const byType = new Map();
  for (const o of objects) byType.set(o.type, [...(byType.get(o.type) ?? []), o]);
  const bits = new Map();
  for (const [type, list] of byType) {
    const answer = subject.effectiveBatch(type, list.map((o) => o.id));
    list.forEach((o, i) => bits.set(o.key, answer[i]));
  }
  return bits;
}

export function PermissionMatrix({ onPickObject }) {
  const { subject, principal, version } = usePermeval();
  const catalog = useCatalog();
  const { selected, select } = useSelection();
  // `version` changes with every delta (the grant and revoke buttons of the explanation panel apply one).
  const bits = useMemo(() => effectiveBits(subject, catalog.allObjects), [subject, catalog, version]);
  const who = catalog.person(principal).name;

  return (
    <section className="panel" data-testid="matrix">
      <h2>Effective permissions of {who}</h2>
      <p className="hint">Click a cell for the reason; click an object to see who else holds what on it.</p>
      <table className="matrix">
        <PermissionHeader first="object" />
        {catalog.sections.map((section) => (
          <tbody key={section.title}>
            <tr className="section"><th colSpan={PERMISSIONS.length + 1}>{section.title}</th></tr>
            {section.items.map((o) => (
              <tr key={o.key} data-object={o.key} className={o.deleted ? 'deleted' : undefined}>
                <th className="rowhead">
                  <button type="button" className="link" onClick={() => onPickObject(o.key)}>
                    <span className={`kind kind-${o.type}`}>{o.kind}</span> {o.type === 'project_log' ? 'logs' : o.name}
                  </button>
                </th>
                {PERMISSIONS.map((permission, bit) => (
                  <MatrixCell
                    key={permission}
                    permission={permission}
                    allowed={((bits.get(o.key) ?? 0) >> bit & 1) === 1}
                    label={`${who} · ${permission} · ${catalog.describe(o.type, o.id)}`}
                    selected={selected && !selected.create && selected.principal === principal && selected.permission === permission && selected.type === o.type && selected.id === o.id}
                    onClick={() => select({ principal, permission, type: o.type, id: o.id })}
                  />
                ))}
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </section>
  );
}
