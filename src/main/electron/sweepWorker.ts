/// <reference types="electron-vite/node" />
// The sweep worker for the packaged app. The default factory in src/main/sweep/pool.ts loads worker-entry.mjs,
// which registers tsx to run TypeScript — fine for the CLI and tests, impossible in a bundled app. Here
// electron-vite's `?nodeWorker` import builds src/main/sweep/worker.ts into its own chunk in out/main and gives a
// factory for it. Only the Electron main imports this file (Vitest cannot resolve `?nodeWorker`).
import type { Worker } from 'node:worker_threads';
import createWorker from '../sweep/worker?nodeWorker';

export const createSweepWorker = (): Worker => createWorker({ name: 'frontier-sweep' });
