// The active snapshot, the last load error and a loader. A failed load leaves the active snapshot in place.
import { useCallback, useState } from 'react';

import { describeError, loadSnapshot } from '../lib/loadSnapshot.js';

export function useSnapshotState(initial) {
  const [state, setState] = useState(() => ({ active: loadSnapshot(initial.text, initial.source), error: null }));

  const load = useCallback((text, source) => {
    try {
      const active = loadSnapshot(text, source);
      setState({ active, error: null });
    } catch (error) {
      setState((previous) => ({ active: previous.active, error: describeError(error, source) }));
    }
  }, []);

  const fail = useCallback((error, source) => {
    setState((previous) => ({ active: previous.active, error: describeError(error, source) }));
  }, []);

  return { ...state, load, fail };
}
