// permeval/react: React bindings for a permeval Snapshot. Plain ESM with React.createElement (no JSX), so the
// package ships it as is. It imports nothing from 'permeval' itself: the app loads the wasm (`await init()`)
// and builds the Snapshot, then hands it to <PermevalProvider>.
//
// A Snapshot never changes after loading, so the provider's props are the whole store: a new snapshot object
// or principal is a new context value, and React re-renders the consumers. No subscription is needed (CASL's
// useSyncExternalStore exists because its Ability mutates in place); add one if snapshots ever take deltas.
import { createContext, createElement, useContext, useMemo } from 'react';

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
  const subject = useMemo(() => snapshot.subject(principal), [snapshot, principal]);
  const value = useMemo(() => ({ snapshot, principal, subject }), [snapshot, principal, subject]);
  return createElement(PermevalContext.Provider, { value }, children);
}

/** `{ snapshot, principal, subject }` of the nearest <PermevalProvider>; throws when there is none. */
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
  const { subject } = usePermeval();
  if (typeof objectType !== 'string' || typeof objectId !== 'string') {
    // The wasm boundary takes strings only; say so rather than fail inside the glue.
    throw new TypeError(`permeval/react: the object type and id must be strings, not ${String(objectType)} / ${String(objectId)}`);
  }
  return useMemo(
    () => subject.can(permission, objectType, objectId),
    [subject, permission, objectType, objectId],
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
  const { subject } = usePermeval();
  const allowed = useCan(I, on.type, on.id);
  const reason = useMemo(
    () => (allowed ? null : subject.explain(I, on.type, on.id).reason),
    [allowed, subject, I, on.type, on.id],
  );
  if (typeof children === 'function') return children({ allowed, reason }) ?? null;
  return (not ? !allowed : allowed) ? (children ?? null) : fallback;
}
