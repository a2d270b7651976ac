// Vite config of the React-bindings test app: `vite build` (tests/js/react.test.mjs runs it) writes
// target/react-test/ (gitignored with target/), which the test serves on 127.0.0.1 and drives in Chromium. It imports 'permeval',
// 'permeval/react' and 'permeval/dom' by package name, as an app does; the wasm needs no configuration for a
// build. `optimizeDeps.exclude` only matters under `vite dev`: pre-bundling would move the glue away from
// permeval_bg.wasm, which it locates with `new URL(…, import.meta.url)`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [react()],
  optimizeDeps: { exclude: ['permeval'] },
  build: { outDir: here('../../target/react-test'), emptyOutDir: true, minify: false },
  logLevel: 'warn',
});
