// permeval/react: React bindings for a permeval Snapshot. Plain ESM with React.createElement (no JSX), so the
// package ships it as is. It imports nothing from 'permeval' itself: the app loads the wasm (`await init()`)
// and builds the Snapshot, then hands it to <PermevalProvider>.
//
// A snapshot changes in place when a delta is applied (applyAclBatch, patchGroup, …), so the provider
// subscribes to it (useSyncExternalStore, with `snapshot.version` as the store's value) and puts the version
// in the context: a delta, a new snapshot object or a new principal re-renders the consumers.
import { createContext, createElement, useContext, useMemo, useSyncExternalStore } from 'react';

const PermevalContext = createContext(null);
PermevalContext.displayName = 'PermevalContext';

const NO_PROVIDER =
  'permeval/react: usePermeval(), useCan() and <Can> must be used inside a <PermevalProvider snapshot={…} principal={…}>';

/**
 * Holds the snapshot and the principal, and resolves the principal once (`snapshot.subject(principal)`),
 * again only when either changes. Consumers re-render when the snapshot object or the principal changes.
 */
export function PermevalProvider({ snapshot, principal, children }) {
  if (snapshot == null || typeof snapshot.subject !== 'function') {
    throw new TypeError('permeval/react: <PermevalProvider> needs a `snapshot` prop (a permeval Snapshot)');
  }
  if (typeof principal !== 'string') {
    throw new TypeError(`permeval/react: <PermevalProvider> needs a \`principal\` id string, not ${String(principal)}`);
  }
  const version = useSyncExternalStore(snapshot.subscribe, () => snapshot.version);
  // A subject sees every delta of its snapshot, so it is resolved again only for another snapshot or principal.
  const subject = useMemo(() => snapshot.subject(principal), [snapshot, principal]);
  const value = useMemo(() => ({ snapshot, principal, subject, version }), [snapshot, principal, subject, version]);
  return createElement(PermevalContext.Provider, { value }, children);
}

/** `{ snapshot, principal, subject, version }` of the nearest <PermevalProvider>; throws when there is none.
 *  `version` changes with every delta: put it in the dependencies of anything memoised from the snapshot. */
export function usePermeval() {
  const value = useContext(PermevalContext);
  if (value === null) throw new Error(NO_PROVIDER);
  return value;
}

/**
 * Whether the provider's principal holds `permission` on the object. A permission outside the eight throws
 * the package's `unknown_permission` error (with its "did you mean"), so typos surface in development.
 */
export function useCan(permission, objectType, objectId) {
  const { subject, version } = usePermeval();
  if (typeof objectType !== 'string' || typeof objectId !== 'string') {
    // The wasm boundary takes strings only; say so rather than fail inside the glue.
    throw new TypeError(`permeval/react: the object type and id must be strings, not ${String(objectType)} / ${String(objectId)}`);
  }
  return useMemo(
    () => subject.can(permission, objectType, objectId),
    [subject, version, permission, objectType, objectId],
  );
}

/**
 * Renders `children` when the principal holds `I` on `on` (or, with `not`, when it does not), else
 * `fallback`. When `children` is a function it is always called, with `{ allowed, reason }` describing the
 * permission itself (`not` and `fallback` are then unused); `reason` is the denial reason code from
 * `subject.explain(…)` when denied, else null.
 */
export function Can({ I, on, not = false, fallback = null, children }) {
  if (on == null || on.type == null || on.id == null) {
    throw new TypeError('permeval/react: <Can> needs `on={{ type, id }}`');
  }
  const { subject, version } = usePermeval();
  const allowed = useCan(I, on.type, on.id);
  const reason = useMemo(
    () => (allowed ? null : subject.explain(I, on.type, on.id).reason),
    [allowed, subject, version, I, on.type, on.id],
  );
  if (typeof children === 'function') return children({ allowed, reason }) ?? null;
  return (not ? !allowed : allowed) ? (children ?? null) : fallback;
}
