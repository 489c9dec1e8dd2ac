import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** A path relative to this folder (ui/). */
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Where `npx vite ui` sends `/meta` and `/api`: the UI server of a running `npm start` (it proxies on to the meta-server). */
const target = process.env.LINKER_UI_DEV_TARGET ?? 'http://127.0.0.1:4400';

// The web UI (ADR 0011): Preact through esbuild's automatic JSX (no plugin), the browser-safe libraries by alias.
export default defineConfig({
  root: here('.'),
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: {
    alias: {
      '@linker/client-sdk': here('../libs/client-sdk/src/index.ts'),
      '@linker/contracts': here('../libs/contracts/src/index.ts'),
      '@linker/kernel': here('../libs/kernel/src/index.ts'),
    },
  },
  build: { outDir: here('dist'), emptyOutDir: true, target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/meta': { target, changeOrigin: false }, '/api': { target } } },
});
