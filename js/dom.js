// permeval/dom: a framework-free helper for plain pages. Elements carrying `data-permission`,
// `data-object-type` and `data-object-id` are hidden or disabled when the principal lacks the permission,
// in one call. Imports nothing from 'permeval': pass a Subject, or `{ snapshot, principal }`.
//
// What the helper sets, it records in `data-permeval-set` (a space-separated list), and the author's own
// `title` in `data-permeval-title`; each call first undoes its previous changes, so calling it again after
// a principal or snapshot switch (or with the other mode) restores allowed elements without touching state
// the author set. A `data-permission` outside the eight, or a missing `data-object-type` /
// `data-object-id`, counts as denied and the element gets `data-permeval-error` with the message.

const SET = 'data-permeval-set';
const SAVED_TITLE = 'data-permeval-title';
const ERROR = 'data-permeval-error';
const SELECTOR = '[data-permission]';

function toSubject(target) {
  if (target && typeof target.can === 'function' && typeof target.explain === 'function' && typeof target.subject !== 'function' && !('snapshot' in target)) {
    return { subject: target, owned: false };
  }
  if (target && target.snapshot && typeof target.snapshot.subject === 'function' && typeof target.principal === 'string') {
    return { subject: target.snapshot.subject(target.principal), owned: true };
  }
  throw new TypeError('permeval/dom: applyPermissions needs a Subject or { snapshot, principal }');
}

/** Undoes what a previous call set on the element. */
function restore(el) {
  const set = el.getAttribute(SET);
  if (set === null) return;
  for (const what of set.split(' ')) {
    if (what === 'title') {
      const saved = el.getAttribute(SAVED_TITLE);
      if (saved === null) el.removeAttribute('title');
      else el.setAttribute('title', saved);
      el.removeAttribute(SAVED_TITLE);
    } else if (what) {
      el.removeAttribute(what);
    }
  }
  el.removeAttribute(SET);
}

/** Sets an attribute unless the author already set it; records what it set. */
function setOwn(el, name, value, set) {
  if (el.hasAttribute(name)) return;
  el.setAttribute(name, value);
  set.push(name);
}

function deny(el, mode, reason, error) {
  const set = [];
  if (error !== null) {
    el.setAttribute(ERROR, error);
    set.push(ERROR);
  }
  if (mode === 'hide') {
    setOwn(el, 'hidden', '', set);
  } else {
    setOwn(el, 'disabled', '', set);
    setOwn(el, 'aria-disabled', 'true', set);
    if (el.hasAttribute('title')) el.setAttribute(SAVED_TITLE, el.getAttribute('title'));
    el.setAttribute('title', reason);
    set.push('title');
  }
  if (set.length) el.setAttribute(SET, set.join(' '));
}

/**
 * Hides (`mode: 'hide'`, the default: the `hidden` attribute) or disables (`mode: 'disable'`: `disabled`,
 * `aria-disabled="true"` and `title` = the denial reason code) every element under `root` (root included)
 * whose `data-permission` the principal lacks on `data-object-type` / `data-object-id`, and restores the
 * ones it now holds. Returns `{ checked, denied }`, counts of elements.
 */
export function applyPermissions(root, target, { mode = 'hide' } = {}) {
  if (mode !== 'hide' && mode !== 'disable') {
    throw new TypeError(`permeval/dom: mode must be 'hide' or 'disable', not ${JSON.stringify(mode)}`);
  }
  const { subject, owned } = toSubject(target);
  const elements = [...root.querySelectorAll(SELECTOR)];
  if (typeof root.matches === 'function' && root.matches(SELECTOR)) elements.unshift(root);
  let denied = 0;
  try {
    for (const el of elements) {
      restore(el);
      const permission = el.getAttribute('data-permission');
      const type = el.getAttribute('data-object-type');
      const id = el.getAttribute('data-object-id');
      let allowed = false;
      let reason = null;
      let error = null;
      if (type === null || id === null) {
        error = `permeval/dom: element with data-permission="${permission}" lacks data-object-type or data-object-id`;
      } else {
        try {
          allowed = subject.can(permission, type, id);
          if (!allowed) reason = subject.explain(permission, type, id).reason;
        } catch (e) {
          error = e instanceof Error ? e.message : String(e); // unknown_permission, with "did you mean"
        }
      }
      if (!allowed) {
        denied += 1;
        deny(el, mode, reason ?? error, error);
      }
    }
  } finally {
    if (owned) subject.free();
  }
  return { checked: elements.length, denied };
}
