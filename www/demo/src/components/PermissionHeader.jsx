// The header row of a matrix: a first column, then the eight permissions.
import { PERMISSIONS } from '../lib/permissions.js';

export function PermissionHeader({ first }) {
  return (
    <thead>
      <tr>
        <th className="rowhead">{first}</th>
        {PERMISSIONS.map((p) => <th key={p} className="perm"><span>{p}</span></th>)}
      </tr>
    </thead>
  );
}
