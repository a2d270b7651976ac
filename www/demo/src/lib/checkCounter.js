// Counts permission checks: the snapshot handed to the page is wrapped so that every query method (on the
// snapshot and on each Subject it makes) bumps a counter. The checks of one render arrive in one burst;
// a burst ends after QUIET_MS without checks, and its total is published as "checks in the last render".

const QUERIES = new Set([
  'can', 'canCreate', 'explain', 'effective', 'effectiveBatch', 'whoCan', 'accessible', 'capabilities',
]);
const QUIET_MS = 40;

let burst = 0;
let last = 0;
let lastBump = 0;
let timer = null;
const listeners = new Set();

function publish() {
  if (performance.now() - lastBump < QUIET_MS) {
    timer = setTimeout(publish, QUIET_MS);
    return;
  }
  timer = null;
  last = burst;
  burst = 0;
  for (const listener of listeners) listener();
}

function bump(count) {
  burst += count;
  lastBump = performance.now();
  if (timer === null) timer = setTimeout(publish, QUIET_MS);
}

/** The snapshot (or subject) with every query counted; everything else passes straight through. */
export function counted(target) {
  return new Proxy(target, {
    get(object, key) {
      const value = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      if (key === 'subject') return (...args) => counted(value.apply(object, args));
      if (QUERIES.has(key)) {
        return (...args) => {
          bump(key === 'effectiveBatch' && Array.isArray(args[1]) ? args[1].length : 1);
          return value.apply(object, args);
        };
      }
      return value.bind(object);
    },
  });
}

export const checkStore = {
  subscribe(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  lastRender: () => last,
};
