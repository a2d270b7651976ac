// For one object: every principal × the eight permissions, from whoCan.
import { useMemo } from 'react';
import { usePermeval } from 'permeval/react';

import { useCatalog } from '../hooks/useCatalog.js';
import { useSelection } from '../hooks/useSelection.js';
import { PERMISSIONS } from '../lib/permissions.js';
import { MatrixCell } from './MatrixCell.jsx';
import { PermissionHeader } from './PermissionHeader.jsx';

export function WhoCanMatrix({ object, principals, onPickObject }) {
  const { snapshot, version } = usePermeval();
  const catalog = useCatalog();
  const { selected, select } = useSelection();
  const holders = useMemo(
    () => Object.fromEntries(PERMISSIONS.map((p) => [p, new Set(snapshot.whoCan(p, object.type, object.id))])),
    [snapshot, version, object.type, object.id],
  );

  return (
    <section className="panel" data-testid="whocan">
      <h2>Who can what on {catalog.describe(object.type, object.id)}</h2>
      <select value={object.key} onChange={(e) => onPickObject(e.target.value)} data-testid="whocan-object">
        {catalog.sections.map((s) => (
          <optgroup key={s.title} label={s.title}>
            {s.items.map((o) => <option key={o.key} value={o.key}>{catalog.describe(o.type, o.id)}</option>)}
          </optgroup>
        ))}
      </select>
      <table className="matrix">
        <PermissionHeader first="principal" />
        <tbody>
          {principals.map((p) => (
            <tr key={p.id} data-principal={p.id}>
              <th className="rowhead">{catalog.person(p.id).name}{p.kind === 'service_account' && <span className="tag">service account</span>}</th>
              {PERMISSIONS.map((permission) => (
                <MatrixCell
                  key={permission}
                  permission={permission}
                  allowed={holders[permission].has(p.id)}
                  label={`${catalog.person(p.id).name} · ${permission}`}
                  selected={selected && !selected.create && selected.principal === p.id && selected.permission === permission && selected.type === object.type && selected.id === object.id}
                  onClick={() => select({ principal: p.id, permission, type: object.type, id: object.id })}
                />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
