// Vite config of the demo page. `vite build www/demo` writes to target/www-demo/ (gitignored with target/);
// a caller may pass another outDir. The example snapshots are the public dir, so the built page also serves
// acme.json at its own root (for "Load from URL").
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [react()],
  publicDir: here('../snapshots'),
  resolve: { dedupe: ['react', 'react-dom'] },
  build: { outDir: here('../../target/www-demo'), emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  logLevel: 'warn',
});
