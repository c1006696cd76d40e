// The desktop build: `electron-vite build` writes
//   out/main/index.js        Electron main (ESM, as package.json says "type": "module"), with the sweep worker as
//                            its own chunk through the `?nodeWorker` import in src/main/electron/sweepWorker.ts;
//   out/preload/index.cjs    the preload, CommonJS so that it runs with `sandbox: true` (an ESM preload cannot);
//   out/renderer/index.html  the Svelte app (also what the web host serves).
// better-sqlite3 and onnxruntime-node (native modules, loaded from node_modules: the evaluation worker runs models
// with onnxruntime) and electron stay external; everything else is bundled.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;
const at = (...parts: string[]): string => resolve(root, ...parts);
// The renderer's Vite root is src/renderer, but a Svelte config belongs at the repository root (where svelte-check
// finds it too): point the plugin at it when there is one.
const svelteConfig = ['svelte.config.js', 'svelte.config.mjs'].map((f) => at(f)).find((f) => existsSync(f));

export default defineConfig({
  main: {
    build: {
      outDir: at('out/main'),
      // Bundle our own code and pure-JS dependencies; only the native module is loaded from node_modules.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: at('src/main/index.ts') },
        external: ['electron', /^electron\//, 'better-sqlite3', 'onnxruntime-node'],
      },
    },
  },
  preload: {
    build: {
      outDir: at('out/preload'),
      externalizeDeps: false,
      rollupOptions: {
        input: { index: at('src/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: at('src/renderer'),
    plugins: [svelte(svelteConfig ? { configFile: svelteConfig } : {})],
    build: {
      outDir: at('out/renderer'),
      rollupOptions: { input: at('src/renderer/index.html') },
    },
  },
});
