// What the explanation panel shows: one (principal, permission, object) check, chosen by clicking a matrix
// cell or an action button. Shared through a context so any component can select.
import { createContext, useContext } from 'react';

export const SelectionContext = createContext({ selected: null, select: () => {} });

export const useSelection = () => useContext(SelectionContext);
