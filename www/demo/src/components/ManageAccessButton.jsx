// "Manage access" needs all four *_acls permissions on the object (spec §2.3, §4.4 w).
import { useCan, usePermeval } from 'permeval/react';

import { useSelection } from '../hooks/useSelection.js';
import { DeniedButton } from './DeniedButton.jsx';

export function ManageAccessButton({ on, mode }) {
  const { principal } = usePermeval();
  const { select } = useSelection();
  const held = {
    create_acls: useCan('create_acls', on.type, on.id),
    read_acls: useCan('read_acls', on.type, on.id),
    update_acls: useCan('update_acls', on.type, on.id),
    delete_acls: useCan('delete_acls', on.type, on.id),
  };
  const missing = Object.keys(held).filter((p) => !held[p]);
  if (missing.length === 0) {
    return (
      <button type="button" data-action="Manage access" onClick={() => select({ principal, permission: 'update_acls', ...on })}>
        Manage access
      </button>
    );
  }
  if (mode !== 'disable') return null;
  return <DeniedButton label="Manage access" check={{ permission: missing[0], ...on }} />;
}
