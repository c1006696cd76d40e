// A pool of worker threads analysing a sweep in batches: idle-first dispatch with two batches in flight per
// worker, progress at least every 250 ms, cancel by AbortSignal (workers are terminated; finished batches stay).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ResultColumns, SweepJob } from '../../shared/sweep/batch';
import type { FromWorker, ToWorker } from './protocol';

export interface Progress {
  done: number;
  total: number;
  /** Configurations per second since the start. */
  rate: number;
  /** Seconds left at the current rate, or null before there is a rate. */
  etaS: number | null;
  elapsedS: number;
}

export interface Range {
  start: number;
  end: number;
}

export interface PoolOptions {
  workers?: number;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Called on the main thread for each finished batch, in completion order. */
  onResult: (columns: ResultColumns) => void;
  createWorker?: () => Worker;
}

export const defaultWorkerCount = (): number => Math.max(1, availableParallelism());

export const createTsWorker = (): Worker => new Worker(new URL('./worker-entry.mjs', import.meta.url));

/** Splits ranges into batches of at most `size` configurations. */
export function toBatches(ranges: Range[], size: number): Range[] {
  const batches: Range[] = [];
  for (const r of ranges) {
    for (let s = r.start; s < r.end; s += size) batches.push({ start: s, end: Math.min(r.end, s + size) });
  }
  return batches;
}

export class SweepWorkerError extends Error {
  constructor(message: string, readonly batch?: Range) {
    super(message);
    this.name = 'SweepWorkerError';
  }
}

export function runPool(job: SweepJob, ranges: Range[], options: PoolOptions): Promise<{ cancelled: boolean }> {
  const total = ranges.reduce((n, r) => n + r.end - r.start, 0);
  const batchSize = options.batchSize ?? 8192;
  const queue = toBatches(ranges, batchSize);
  const count = Math.max(1, Math.min(options.workers ?? defaultWorkerCount(), queue.length || 1));
  const create = options.createWorker ?? createTsWorker;
  const started = performance.now();
  let done = 0;
  const partial = new Map<number, number>();
  let seq = 0;

  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const inFlight = new Map<number, { worker: Worker; batch: Range }>();
    let finished = false;
    let timer: ReturnType<typeof setInterval> | undefined;

    const progress = (): void => {
      if (!options.onProgress) return;
      let now = done;
      for (const d of partial.values()) now += d;
      const elapsedS = (performance.now() - started) / 1000;
      const rate = elapsedS > 0 ? now / elapsedS : 0;
      options.onProgress({ done: now, total, rate, etaS: rate > 0 ? (total - now) / rate : null, elapsedS });
    };
    const finish = (error: Error | null, cancelled = false): void => {
      if (finished) return;
      finished = true;
      if (timer) clearInterval(timer);
      options.signal?.removeEventListener('abort', onAbort);
      Promise.all(workers.map((w) => w.terminate())).finally(() => {
        if (error) reject(error);
        else {
          progress();
          resolve({ cancelled });
        }
      });
    };
    const onAbort = (): void => finish(null, true);
    if (options.signal?.aborted) {
      resolve({ cancelled: true });
      return;
    }
    if (queue.length === 0) {
      resolve({ cancelled: false });
      return;
    }
    options.signal?.addEventListener('abort', onAbort);
    timer = setInterval(progress, 250);

    const send = (worker: Worker, message: ToWorker): void => worker.postMessage(message);
    const dispatch = (worker: Worker): void => {
      const batch = queue.shift();
      if (!batch) return;
      const id = ++seq;
      inFlight.set(id, { worker, batch });
      send(worker, { type: 'batch', seq: id, ...batch });
    };

    for (let i = 0; i < count; i++) {
      const worker = create();
      workers.push(worker);
      worker.on('message', (message: FromWorker) => {
        if (finished) return;
        switch (message.type) {
          case 'ready':
            dispatch(worker);
            dispatch(worker);
            return;
          case 'progress':
            partial.set(message.seq, message.done);
            return;
          case 'result': {
            inFlight.delete(message.seq);
            partial.delete(message.seq);
            try {
              options.onResult(message.columns);
            } catch (error) {
              finish(error as Error);
              return;
            }
            done += message.end - message.start;
            dispatch(worker);
            if (inFlight.size === 0 && queue.length === 0) finish(null);
            return;
          }
          case 'error': {
            const batch = inFlight.get(message.seq)?.batch;
            const where = batch ? ` (configurations ${batch.start}–${batch.end - 1})` : '';
            finish(new SweepWorkerError(`sweep worker failed${where}: ${message.message}`, batch));
            return;
          }
        }
      });
      worker.on('error', (error) => finish(new SweepWorkerError(`sweep worker crashed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (!finished) finish(new SweepWorkerError(`sweep worker exited unexpectedly (code ${code})`));
      });
      send(worker, { type: 'init', seq: ++seq, job });
    }
  });
}
