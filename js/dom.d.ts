// Types of permeval/dom.
import type { Snapshot, Subject } from 'permeval';

export interface ApplyPermissionsOptions {
  /** 'hide' (default): set `hidden`. 'disable': set `disabled`, `aria-disabled="true"` and `title` = reason. */
  mode?: 'hide' | 'disable';
}

export interface ApplyPermissionsResult {
  /** Elements carrying `data-permission` that were checked. */
  checked: number;
  /** Of those, how many were denied (including ones marked `data-permeval-error`). */
  denied: number;
}

/**
 * For every element under `root` (root included) with `data-permission`, `data-object-type` and
 * `data-object-id`: hides or disables it when the principal lacks the permission, restores it when it holds
 * it. Only what this helper set is undone (tracked in `data-permeval-set`); the author's own `hidden`,
 * `disabled`, `aria-disabled` and `title` survive. A permission outside the eight (or a missing object
 * attribute) counts as denied and the element gets `data-permeval-error` with the message.
 */
export function applyPermissions(
  root: ParentNode,
  target: Subject | { snapshot: Snapshot; principal: string },
  options?: ApplyPermissionsOptions,
): ApplyPermissionsResult;
