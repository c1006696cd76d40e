// A pool of worker threads analysing a sweep in batches: idle-first dispatch with two batches in flight per
// worker. Finished batches wait in a short queue and are handed to `onResult` in parts, one part per turn of the
// event loop and each sized to take a few milliseconds, so the thread that stores them stays responsive (requests,
// progress, cancel) however fast the workers are; a worker gets its next batch only while that queue is short. Progress goes out every 100 ms. Cancel (AbortSignal) takes
// effect at once: nothing more is dispatched or stored, queued batches are dropped and the workers are terminated
// with whatever they hold; batches already stored stay.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ResultColumns, SweepJob } from '../../shared/sweep/batch';
import type { FromWorker, ToWorker } from './protocol';
import { ProgressEstimate } from './estimate';
import type { WorkerSupply } from './supply';

export interface Progress {
  done: number;
  total: number;
  /** Configurations per second, over the last few seconds of work (the workers' start-up left out). */
  rate: number;
  /** Seconds left, or null until the rate is steady (see estimate.ts). */
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
  /** Called on the main thread for each finished batch, in completion order, one batch per event-loop turn. */
  onResult: (columns: ResultColumns) => void;
  createWorker?: () => Worker;
  /** Progress interval in ms (default 100). */
  progressMs?: number;
  /** Ready workers to borrow (instead of starting new ones with `createWorker`). */
  supply?: WorkerSupply;
  /** How long one call of `onResult` may hold the thread, in ms (default 8): a finished batch is handed over in
   * parts, one per event-loop turn, sized from how fast the last parts went. */
  storeMs?: number;
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

/** Rows [start, end) of a batch's columns, as views (no copy); messages re-keyed to the part. */
export function sliceColumns(c: ResultColumns, start: number, end: number): ResultColumns {
  const messages = new Map<number, string>();
  for (const [k, text] of c.messages ?? []) if (k >= start && k < end) messages.set(k - start, text);
  return {
    count: end - start,
    idx: c.idx.subarray(start, end),
    status: c.status.subarray(start, end),
    params: c.params.subarray(start, end),
    paramBytes: c.paramBytes.subarray(start, end),
    peakActivationBytes: c.peakActivationBytes.subarray(start, end),
    totalBytes: c.totalBytes.subarray(start, end),
    sramBytes: c.sramBytes.subarray(start, end),
    macs: c.macs.subarray(start, end),
    latencyS: c.latencyS.subarray(start, end),
    accuracy: c.accuracy.subarray(start, end),
    messages,
  };
}

export function runPool(job: SweepJob, ranges: Range[], options: PoolOptions): Promise<{ cancelled: boolean }> {
  const total = ranges.reduce((n, r) => n + r.end - r.start, 0);
  const batchSize = options.batchSize ?? 8192;
  const queue = toBatches(ranges, batchSize);
  const count = Math.max(1, Math.min(options.workers ?? options.supply?.size ?? defaultWorkerCount(), queue.length || 1));
  const create = options.createWorker ?? createTsWorker;
  const storeMs = options.storeMs ?? 8;
  /** Rows per part, adapted to the time parts take (a busy machine gets smaller parts). */
  let partRows = 1024;
  /** Finished batches waiting to be stored; workers wait for their next batch while it holds this many. */
  const maxWaiting = count + 1;
  const started = performance.now();
  const estimate = new ProgressEstimate();
  let done = 0;
  const partial = new Map<number, number>();
  let seq = 0;

  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const inFlight = new Map<number, { worker: Worker; batch: Range }>();
    /** Per worker, batches it holds (sent, not yet answered). */
    const holding = new Map<Worker, number>();
    /** Finished batches waiting to be stored (from `offset` on). */
    const waiting: { seq: number; columns: ResultColumns; size: number; offset: number }[] = [];
    const detach: (() => void)[] = [];
    let draining = false;
    let finished = false;
    let timer: ReturnType<typeof setInterval> | undefined;

    const analysed = (): number => {
      let now = done;
      for (const d of partial.values()) now += d;
      return now;
    };
    const progress = (): void => {
      if (!options.onProgress) return;
      const now = analysed();
      const at = performance.now();
      estimate.add(at, now);
      const recent = estimate.rate();
      const elapsedS = (at - started) / 1000;
      // Until the window has a rate, the average since the start (start-up included) is shown; the time left waits
      // for a steady rate.
      const rate = recent > 0 ? recent : elapsedS > 0 ? now / elapsedS : 0;
      const etaS = now >= total ? 0 : estimate.secondsLeft(total);
      options.onProgress({ done: now, total, rate, etaS, elapsedS });
    };
    const finish = (error: Error | null, cancelled = false): void => {
      if (finished) return;
      finished = true;
      waiting.length = 0;
      if (timer) clearInterval(timer);
      options.signal?.removeEventListener('abort', onAbort);
      for (const off of detach) off();
      // A normal end gives the workers back to the supply; otherwise terminating interrupts a worker in the middle
      // of a batch, and nobody waits for what it held.
      const keep = !error && !cancelled && options.supply;
      if (keep) options.supply?.give(workers);
      const stopped = keep ? Promise.resolve() : Promise.all(workers.map((w) => w.terminate().catch(() => undefined)));
      if (!keep) options.supply?.refill();
      if (error) {
        void stopped.finally(() => reject(error));
        return;
      }
      if (cancelled) {
        progress();
        resolve({ cancelled: true });
        return;
      }
      void stopped.finally(() => {
        progress();
        resolve({ cancelled: false });
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
    timer = setInterval(progress, options.progressMs ?? 100);
    progress();

    const send = (worker: Worker, message: ToWorker): void => worker.postMessage(message);
    const dispatch = (worker: Worker): void => {
      if (finished || waiting.length >= maxWaiting) return;
      const batch = queue.shift();
      if (!batch) return;
      const id = ++seq;
      inFlight.set(id, { worker, batch });
      holding.set(worker, (holding.get(worker) ?? 0) + 1);
      send(worker, { type: 'batch', seq: id, ...batch });
    };
    /** Tops every worker up to two batches, the least busy first. */
    const feed = (): void => {
      for (let round = 0; round < 2; round++) {
        for (const worker of workers) if ((holding.get(worker) ?? 0) <= round) dispatch(worker);
      }
    };
    const drain = (): void => {
      draining = false;
      if (finished) return;
      const next = waiting[0];
      if (!next) return;
      const rows = Math.min(next.size - next.offset, partRows);
      const whole = next.offset === 0 && rows === next.size;
      const part = whole ? next.columns : sliceColumns(next.columns, next.offset, next.offset + rows);
      const t0 = performance.now();
      try {
        options.onResult(part);
      } catch (error) {
        finish(error as Error);
        return;
      }
      const ms = performance.now() - t0;
      if (ms > 0.5) partRows = Math.round(Math.min(16384, Math.max(256, (partRows + (rows * storeMs) / ms) / 2)));
      next.offset += rows;
      done += rows;
      if (next.offset >= next.size) {
        waiting.shift();
        partial.delete(next.seq);
      } else partial.set(next.seq, next.size - next.offset);
      if (finished) return; // onResult may have cancelled
      feed();
      if (waiting.length > 0) schedule();
      else if (inFlight.size === 0 && queue.length === 0) finish(null);
    };
    const schedule = (): void => {
      if (draining) return;
      draining = true;
      setImmediate(drain);
    };

    const borrowed = options.supply ? options.supply.take(count) : [];
    for (let i = 0; i < count; i++) {
      const worker = borrowed[i] ?? create();
      workers.push(worker);
      holding.set(worker, 0);
      const onMessage = (message: FromWorker): void => {
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
            holding.set(worker, (holding.get(worker) ?? 1) - 1);
            // Counted as analysed while it waits to be stored.
            const size = message.end - message.start;
            partial.set(message.seq, size);
            waiting.push({ seq: message.seq, columns: message.columns, size, offset: 0 });
            schedule();
            dispatch(worker);
            return;
          }
          case 'error': {
            const batch = inFlight.get(message.seq)?.batch;
            const where = batch ? ` (configurations ${batch.start}–${batch.end - 1})` : '';
            finish(new SweepWorkerError(`sweep worker failed${where}: ${message.message}`, batch));
            return;
          }
        }
      };
      const onError = (error: Error): void => finish(new SweepWorkerError(`sweep worker crashed: ${error.message}`));
      const onExit = (code: number): void => {
        if (!finished) finish(new SweepWorkerError(`sweep worker exited unexpectedly (code ${code})`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.ref();
      detach.push(() => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.unref();
      });
      send(worker, { type: 'init', seq: ++seq, job });
    }
  });
}
