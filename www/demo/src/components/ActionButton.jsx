// A button that needs one permission on one object, gated by <Can>: shown when allowed; when denied,
// hidden, or disabled with the reason as its tooltip. Clicking an allowed one shows why it is allowed.
import { Can, usePermeval } from 'permeval/react';

import { useSelection } from '../hooks/useSelection.js';
import { DeniedButton } from './DeniedButton.jsx';

export function ActionButton({ label, permission, on, mode, danger = false }) {
  return (
    <Can I={permission} on={on}>
      {({ allowed }) => allowed
        ? <AllowedButton label={label} permission={permission} on={on} danger={danger} />
        : mode === 'disable'
          ? <DeniedButton label={label} check={{ permission, ...on }} />
          : null}
    </Can>
  );
}

function AllowedButton({ label, permission, on, danger }) {
  const { select } = useSelection();
  const { principal } = usePermeval();
  return (
    <button
      type="button"
      className={danger ? 'danger' : undefined}
      data-action={label}
      onClick={() => select({ principal, permission, ...on })}
    >
      {label}
    </button>
  );
}
