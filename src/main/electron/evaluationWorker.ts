/// <reference types="electron-vite/node" />
// The evaluation worker for the packaged app, as sweepWorker.ts is the sweep's: the default factory in
// src/main/engine/evaluationHost.ts loads evaluationWorker-entry.mjs, which registers tsx — fine for the CLI, the
// web host and tests, impossible in a bundled app. electron-vite's `?nodeWorker` import builds
// src/main/engine/evaluationWorker.ts into its own chunk in out/main; pass this as `createWorker` to runEvaluation and
// runSensitivity (src/main/engine/evaluations.ts). Only the Electron main imports this file.
import type { Worker } from 'node:worker_threads';
import createWorker from '../engine/evaluationWorker?nodeWorker';

export const createEvaluationWorker = (): Worker => createWorker({ name: 'frontier-evaluation' });
