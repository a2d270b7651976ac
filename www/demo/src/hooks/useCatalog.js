// The active snapshot's names and object list, for any component below the App.
import { createContext, useContext } from 'react';

export const CatalogContext = createContext(null);

export const useCatalog = () => useContext(CatalogContext);
