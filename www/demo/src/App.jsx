// The page: pick a principal, see the project browser, the matrices, the explanation and the editor's
// checkboxes re-render as that principal. Every answer comes from the active snapshot through permeval.
import { useMemo, useState } from 'react';
import { PermevalProvider } from 'permeval/react';

import { EMBEDDED } from './acme.js';
import { CatalogContext } from './hooks/useCatalog.js';
import { SelectionContext } from './hooks/useSelection.js';
import { useSnapshotState } from './hooks/useSnapshotState.js';
import { CapabilitiesPanel } from './components/CapabilitiesPanel.jsx';
import { ExplainPanel } from './components/ExplainPanel.jsx';
import { LoadError } from './components/LoadError.jsx';
import { ModeSwitch } from './components/ModeSwitch.jsx';
import { PermissionMatrix } from './components/PermissionMatrix.jsx';
import { PrincipalPicker } from './components/PrincipalPicker.jsx';
import { ProjectBrowser } from './components/ProjectBrowser.jsx';
import { SnapshotLoader } from './components/SnapshotLoader.jsx';
import { StatsCorner } from './components/StatsCorner.jsx';
import { WarningList } from './components/WarningList.jsx';
import { WhoCanMatrix } from './components/WhoCanMatrix.jsx';

const DEFAULT_PRINCIPAL = 'U_BOB';

export function App() {
  const { active, error, load, fail } = useSnapshotState(EMBEDDED);
  const [chosen, setChosen] = useState(DEFAULT_PRINCIPAL);
  const [mode, setMode] = useState('hide');
  const [selected, select] = useState(null);
  const [whoCanKey, setWhoCanKey] = useState(null);

  const { snapshot, catalog, principals } = active;
  const principal = principals.some((p) => p.id === chosen) ? chosen : (principals[0]?.id ?? '');
  const whoCanObject = catalog.allObjects.find((o) => o.key === whoCanKey) ?? catalog.projects[0] ?? catalog.allObjects[0];
  const selection = useMemo(() => ({ selected, select }), [selected]);

  return (
    <CatalogContext.Provider value={catalog}>
      <PermevalProvider snapshot={snapshot} principal={principal}>
        <SelectionContext.Provider value={selection}>
          <header className="topbar">
            <h1>permeval <span className="muted">· org {catalog.orgName}</span></h1>
            <PrincipalPicker principals={principals} value={principal} onChange={setChosen} />
            <ModeSwitch mode={mode} onChange={setMode} />
            <SnapshotLoader source={active.source} onText={load} onError={fail} />
          </header>
          <LoadError error={error} activeSource={active.source} />
          <WarningList warnings={active.warnings} source={active.source} />
          <main className="layout">
            <ProjectBrowser mode={mode} />
            <div className="column">
              <PermissionMatrix onPickObject={setWhoCanKey} />
              <ExplainPanel />
            </div>
            <div className="column">
              {whoCanObject && (
                <WhoCanMatrix object={whoCanObject} onPickObject={setWhoCanKey} principals={principals} />
              )}
              <CapabilitiesPanel />
            </div>
          </main>
          <StatsCorner loadMs={active.loadMs} />
        </SelectionContext.Provider>
      </PermevalProvider>
    </CatalogContext.Provider>
  );
}
