// Vite config of the React-bindings test app: `vite build` (tests/js/react.test.mjs runs it) writes
// target/react-test/ (gitignored with target/), which the test serves on 127.0.0.1 and drives in Chromium; the
// test also loads the app from Vite's dev server. The app imports 'permeval', 'permeval/react' and
// 'permeval/dom' by package name, as a user's app does, and nothing below is there for permeval: the glue
// finds its wasm with `new URL('permeval_bg.wasm', import.meta.url)`, which `vite build` emits as an asset
// and which Vite 8's dependency pre-bundling rewrites to point at the package's file (checked in dev by the
// test), so neither a plugin nor `optimizeDeps.exclude` is needed.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [react()],
  cacheDir: here('../../target/react-test-vite-cache'),
  build: { outDir: here('../../target/react-test'), emptyOutDir: true, minify: false },
  logLevel: 'warn',
});
