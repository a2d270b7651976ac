// One coloured cell of a permission matrix; clicking it asks permeval to explain the answer.
import { isAclPermission } from '../lib/permissions.js';

export function MatrixCell({ allowed, permission, selected, onClick, label }) {
  const family = isAclPermission(permission) ? 'acl' : 'crud';
  return (
    <td className={`cell ${allowed ? `allow ${family}` : 'deny'}${selected ? ' selected' : ''}`}>
      <button
        type="button"
        onClick={onClick}
        title={`${label}: ${allowed ? 'allowed' : 'denied'} — click for why`}
        data-permission-cell={permission}
        data-allowed={allowed}
      >
        {allowed ? '✓' : '·'}
      </button>
    </td>
  );
}
