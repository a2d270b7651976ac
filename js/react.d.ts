// Types of permeval/react. React (>= 18) is a peer dependency; its types come from @types/react.
import type { ReactElement, ReactNode } from 'react';
import type { DenialReason, ObjectType, Permission, Snapshot, Subject } from 'permeval';

/** What <PermevalProvider> holds: the snapshot, the principal and the principal resolved once. */
export interface PermevalContextValue {
  snapshot: Snapshot;
  principal: string;
  subject: Subject;
  /** The snapshot's `version`: it changes with every delta, so memoise on it. */
  version: number;
}

export interface PermevalProviderProps {
  /** A loaded Snapshot (after `await init()` in browsers). A delta applied to it, or a new Snapshot object,
   *  re-renders consumers. */
  snapshot: Snapshot;
  /** A user or service-account id. An unknown id is allowed: every check answers false. */
  principal: string;
  children?: ReactNode;
}

/** Holds the snapshot and principal and a memoised `snapshot.subject(principal)`. */
export function PermevalProvider(props: PermevalProviderProps): ReactElement;

/** The nearest provider's value. Throws an Error when used outside a <PermevalProvider>. */
export function usePermeval(): PermevalContextValue;

/** Whether the provider's principal holds the permission on the object. */
export function useCan(permission: Permission, objectType: ObjectType, objectId: string): boolean;

/** What a function child of <Can> receives. */
export interface CanRenderProps {
  /** Whether the principal holds the permission (not inverted by `not`). */
  allowed: boolean;
  /** The denial reason code from `subject.explain(…)` when denied; null when allowed. */
  reason: DenialReason | null;
}

export interface CanProps {
  /** The permission to check. */
  I: Permission;
  /** The object to check it on. */
  on: { type: ObjectType; id: string };
  /** Render the children when the permission is NOT held (ignored for function children). */
  not?: boolean;
  /** Rendered instead of the children when the condition fails (ignored for function children). */
  fallback?: ReactNode;
  /** Rendered when the condition holds; a function is always called with `{ allowed, reason }`. */
  children?: ReactNode | ((result: CanRenderProps) => ReactNode);
}

/** CASL-shaped gate: `<Can I="update" on={{ type: 'experiment', id }} fallback={…}>…</Can>`. */
export function Can(props: CanProps): ReactNode;
