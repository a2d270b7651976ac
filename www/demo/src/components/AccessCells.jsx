// Read, Create, Update, Delete and Manage access as a row of checkbox cells.
import { Check } from './Check.jsx';

export const ACCESS_COLUMNS = [
  ['read', 'Read'], ['create', 'Create'], ['update', 'Update'], ['delete', 'Delete'], ['manageAccess', 'Manage access'],
];

export function AccessCells({ access }) {
  return ACCESS_COLUMNS.map(([key]) => <td key={key}><Check on={access[key]} /></td>);
}
