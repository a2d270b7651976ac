// Browsers, bundlers, workers: wasm-bindgen's web build, with the package's Snapshot and Subject classes
// (js/api.js) around its own. Call `await init()` (or `initSync({ module })`) once before loading a snapshot.
import init, * as raw from './web/permeval.js';
import { bind } from './api.js';

export const { Snapshot, Subject, SnapshotLoader } = bind(raw);
export { initSync } from './web/permeval.js';
export default init;
