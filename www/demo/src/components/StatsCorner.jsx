// Small print in a corner: how long the active snapshot took to load, and how many checks the last render made.
import { useSyncExternalStore } from 'react';

import { checkStore } from '../lib/checkCounter.js';

export function StatsCorner({ loadMs }) {
  const checks = useSyncExternalStore(checkStore.subscribe, checkStore.lastRender);
  return (
    <div className="stats" data-testid="stats">
      loaded in {loadMs.toFixed(2)} ms · {checks} checks in the last render
    </div>
  );
}
