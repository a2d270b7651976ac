// Loads a snapshot document (text) into everything the page needs, or throws permeval's error.
import { Snapshot } from 'permeval';

import { buildCatalog } from './catalog.js';
import { counted } from './checkCounter.js';

export function loadSnapshot(text, source) {
  const started = performance.now();
  const snapshot = Snapshot.fromJson(text);
  const loadMs = performance.now() - started;
  let doc = {};
  try {
    doc = JSON.parse(text);
  } catch {
    // permeval accepted it; names then fall back to ids.
  }
  return {
    snapshot: counted(snapshot),
    catalog: buildCatalog(doc),
    principals: snapshot.principals(),
    warnings: snapshot.warnings,
    loadMs,
    source,
    bytes: text.length,
  };
}

/** A thrown load error as plain data for the page. */
export function describeError(error, source) {
  return {
    source,
    name: error?.name ?? 'Error',
    code: error?.code ?? null,
    message: error?.message ?? String(error),
    path: error?.path ?? null,
    line: error?.line ?? null,
    column: error?.column ?? null,
  };
}
