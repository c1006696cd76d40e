// The owner's side of an evaluation worker (evaluationWorker.ts): starts it, loads a model and data set into it,
// runs evaluations one at a time with their progress, and ends it. A cancel closes the native gate and tells the
// worker (which stops at its next batch); the worker is terminated as soon as no native call (onnxruntime, sharp)
// is in flight — never during one, which would abort the whole process (nativeGate.ts). The cancelled evaluation
// settles with EvaluationCancelled when the worker is gone, or after CANCEL_GRACE_MS at the latest (the worker then
// ends a moment later, when its batch is done).
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { PreparedRun } from './configure';
import type { EvaluateResult } from './evaluate';
import { EvaluationCancelled } from './evaluationCancelled';
import { errorFromPayload } from './evaluationModel';
import type { FromEvaluationWorker, ToEvaluationWorker, WorkerEvaluation } from './evaluationProtocol';
import type { KeyBase } from './evaluationKey';
import type { ModelGraph } from '../../shared/model/types';
import { GATE_BYTES, gateBusy, gateCancel } from './nativeGate';

/** How long a cancelled evaluation may take to settle, and a worker to stop before it is terminated. */
export const CANCEL_GRACE_MS = 250;

/** Samples done in an evaluation (or, for a sensitivity run, in all the evaluations it runs), how fast, how long left. */
export interface EvaluationProgress {
  done: number;
  total: number;
  /** Samples per second. */
  rate: number;
  /** Seconds left, or null before a rate is known. */
  etaS: number | null;
  elapsedS: number;
}

/** The worker for plain Node (CLI, web host, tests): its .mjs entry registers tsx to run the TypeScript. */
export const createTsEvaluationWorker = (): Worker => new Worker(new URL('./evaluationWorker-entry.mjs', import.meta.url), { name: 'frontier-evaluation' });

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Init = Omit<Extract<ToEvaluationWorker, { type: 'init' }>, 'type' | 'seq' | 'gate'>;

interface Pending {
  seq: number;
  resolve: (message: FromEvaluationWorker) => void;
  reject: (error: Error) => void;
  onProgress?: (done: number, total: number, seconds: number) => void;
  onPrepared?: (run: PreparedRun) => void;
}

export class EvaluationWorker {
  private readonly gate = new Int32Array(new SharedArrayBuffer(GATE_BYTES));
  private pending: Pending | null = null;
  private seq = 0;
  private stopping: Promise<void> | null = null;
  private exited = false;
  private exitCode: number | null = null;
  /** The data set as the worker opened it: where it comes from (for messages) and its samples. */
  source = '';
  samples = 0;
  /** The cache key's common part, when `init.key` asked for it. */
  base: KeyBase | null = null;
  /** The model's graph, when `init.graph` asked for it. */
  graph: ModelGraph | null = null;

  private constructor(readonly worker: Worker) {
    worker.on('message', (message: FromEvaluationWorker) => this.receive(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      this.exited = true;
      this.exitCode = code;
      this.fail(new Error(`the evaluation worker stopped (exit code ${code})`));
    });
  }

  /** A worker with the model and data loaded; a cancel before it is ready ends it and rejects with EvaluationCancelled. */
  static async start(init: Init, options: { createWorker?: () => Worker; signal?: AbortSignal } = {}): Promise<EvaluationWorker> {
    if (options.signal?.aborted) throw new EvaluationCancelled();
    // A folder of images is decoded by sharp in the worker. sharp's shared libraries must be loaded by this thread
    // first, or glibc unloads them when a worker that used them ends, under any other worker still using them
    // (lovell/sharp#2263, as its documentation says).
    if (isDirectory(init.data.data)) await import('sharp').catch(() => undefined);
    const host = new EvaluationWorker((options.createWorker ?? createTsEvaluationWorker)());
    try {
      const ready = await host.request({ type: 'init', seq: ++host.seq, gate: host.gate.buffer as SharedArrayBuffer, ...init }, { signal: options.signal });
      if (ready.type === 'ready') Object.assign(host, { source: ready.source, samples: ready.samples, base: ready.base ?? null, graph: ready.graph ?? null });
      return host;
    } catch (error) {
      await host.close();
      throw error;
    }
  }

  /** Runs one evaluation; `onPrepared` receives the prepared run (its graph and weights) before the samples run. */
  async evaluate(
    evaluation: WorkerEvaluation,
    options: { signal?: AbortSignal; onProgress?: (done: number, total: number, seconds: number) => void; onPrepared?: (run: PreparedRun) => void } = {},
  ): Promise<EvaluateResult> {
    const answer = await this.request({ type: 'evaluate', seq: ++this.seq, evaluation: { ...evaluation, prepared: options.onPrepared !== undefined } }, options);
    if (answer.type !== 'result') throw new Error('the evaluation worker answered the wrong request');
    return answer.result;
  }

  /** Ends the worker, as a cancel does: never while a native call is in flight (an idle worker ends at once). */
  close(): Promise<void> {
    return this.stop();
  }

  /** Whether the thread has ended. */
  get gone(): boolean {
    return this.exited;
  }

  private request(
    message: ToEvaluationWorker & { seq: number },
    options: { signal?: AbortSignal; onProgress?: Pending['onProgress']; onPrepared?: Pending['onPrepared'] },
  ): Promise<FromEvaluationWorker> {
    if (this.exited || this.stopping) return Promise.reject(this.exited ? new Error(`the evaluation worker stopped (exit code ${this.exitCode})`) : new EvaluationCancelled());
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new EvaluationCancelled());
    return new Promise<FromEvaluationWorker>((resolve, reject) => {
      const onAbort = (): void => {
        // Settles at once when the worker stops in time, else when the grace is over (the worker ends later).
        const stopped = this.stop();
        void Promise.race([stopped, sleep(CANCEL_GRACE_MS)]).then(() => reject(new EvaluationCancelled()));
      };
      const settle = <T>(how: (value: T) => void) => (value: T): void => {
        signal?.removeEventListener('abort', onAbort);
        this.pending = null;
        how(value);
      };
      this.pending = { seq: message.seq, resolve: settle(resolve), reject: settle(reject), onProgress: options.onProgress, onPrepared: options.onPrepared };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.postMessage(message);
    });
  }

  private receive(message: FromEvaluationWorker): void {
    const pending = this.pending;
    if (!pending || message.seq !== pending.seq || this.stopping) return;
    switch (message.type) {
      case 'progress':
        pending.onProgress?.(message.done, message.total, message.seconds);
        return;
      case 'prepared':
        try {
          pending.onPrepared?.(message.run);
        } catch (error) {
          // The run's model file could not be written: nothing more is measured.
          void this.stop();
          pending.reject(error as Error);
        }
        return;
      case 'error':
        pending.reject(errorFromPayload(message.error));
        return;
      default:
        pending.resolve(message);
    }
  }

  private fail(error: Error): void {
    if (this.stopping) return;
    this.pending?.reject(error);
  }

  private stop(): Promise<void> {
    this.stopping ??= (async () => {
      gateCancel(this.gate);
      if (this.exited) return;
      // The worker stops at its next chunk or native call; it is ended as soon as no such call is in flight
      // (a call already running is one batch of samples, which it is left to finish).
      this.worker.postMessage({ type: 'cancel' } satisfies ToEvaluationWorker);
      while (!this.exited && gateBusy(this.gate)) await sleep(5);
      if (!this.exited) await this.worker.terminate();
    })();
    return this.stopping;
  }
}
