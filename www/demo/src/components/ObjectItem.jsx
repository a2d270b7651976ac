// One experiment, dataset, prompt, playground or the project's logs, with its buttons. Hidden when the
// principal may not read it (or shown dimmed, in disabled mode).
import { useCan } from 'permeval/react';

import { ActionButton } from './ActionButton.jsx';
import { ManageAccessButton } from './ManageAccessButton.jsx';
import { useDenialTooltip } from './useDenialTooltip.js';

export function ObjectItem({ item, mode }) {
  const on = { type: item.type, id: item.id };
  const canRead = useCan('read', item.type, item.id);
  const tooltip = useDenialTooltip(canRead || mode === 'hide' ? null : { permission: 'read', ...on });
  if (!canRead && mode === 'hide') return null;
  const isLog = item.type === 'project_log';
  return (
    <li className={`object${canRead ? '' : ' denied'}`} title={tooltip ?? undefined} data-testid={`object-${item.id}`} data-type={item.type}>
      <span className={`kind kind-${item.type}`}>{item.kind}</span>
      <span className="name">{isLog ? 'Logs' : item.name}</span>
      {item.deleted && <span className="tag deleted">deleted</span>}
      <span className="actions">
        {isLog ? (
          <ActionButton label="View logs" permission="read" on={on} mode={mode} />
        ) : (
          <>
            <ActionButton label="Edit" permission="update" on={on} mode={mode} />
            <ActionButton label="Delete" permission="delete" on={on} mode={mode} danger />
          </>
        )}
        <ManageAccessButton on={on} mode={mode} />
      </span>
    </li>
  );
}
