// Node, ES modules: the web build, instantiated synchronously at import, so that the package is ready the
// moment it is imported, like any Node module. `init()` and `initSync()` stay callable and do nothing more.
import { readFileSync } from 'node:fs';
import { initSync } from './web/permeval.js';

initSync({ module: readFileSync(new URL('./web/permeval_bg.wasm', import.meta.url)) });

export * from './index.js';
export { default } from './index.js';
