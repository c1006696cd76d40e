// Messages between the sweep pool and its workers. Every request carries a sequence id; every answer echoes it.
import type { ResultColumns, SweepJob } from '../../shared/sweep/batch';

export type ToWorker =
  | { type: 'init'; seq: number; job: SweepJob }
  | { type: 'batch'; seq: number; start: number; end: number };

export type FromWorker =
  | { type: 'ready'; seq: number }
  | { type: 'progress'; seq: number; done: number }
  | { type: 'result'; seq: number; start: number; end: number; columns: ResultColumns }
  | { type: 'error'; seq: number; message: string; stack?: string };
