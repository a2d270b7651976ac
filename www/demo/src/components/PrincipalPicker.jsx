// "View as": every user and service account of the snapshot.
import { useCatalog } from '../hooks/useCatalog.js';

export function PrincipalPicker({ principals, value, onChange }) {
  const catalog = useCatalog();
  const users = principals.filter((p) => p.kind === 'user');
  const accounts = principals.filter((p) => p.kind === 'service_account');
  const option = (p) => {
    const { name, email } = catalog.person(p.id);
    return <option key={p.id} value={p.id}>{name}{email ? ` <${email}>` : ''}</option>;
  };
  return (
    <label className="picker">
      View as
      <select data-testid="view-as" value={value} onChange={(e) => onChange(e.target.value)}>
        {users.length > 0 && <optgroup label="Users">{users.map(option)}</optgroup>}
        {accounts.length > 0 && <optgroup label="Service accounts">{accounts.map(option)}</optgroup>}
      </select>
    </label>
  );
}
