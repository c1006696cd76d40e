// The one entry point for measuring configurations on the user's data: `frontier evaluate` and `frontier
// sensitivity` run through it, as do the app's "evaluate this configuration" and a sweep's verification.
// Every evaluation runs in a worker thread (evaluationWorker.ts), reports its progress, can be cancelled, and is kept
// in the evaluation cache (schema 4, src/main/store/evaluationCache.ts) under the key evaluationKey.ts describes, so
// that asking again repeats nothing and a killed sensitivity run, started again, measures only what is missing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { UsageError } from '../../shared/cli/valueList';
import { EvaluationCache } from '../store/evaluationCache';
import type { Db } from '../store/database';
import { StoredFiles } from '../store/storedFiles';
import type { PreparedRun, RunConfiguration } from './configure';
import type { EvaluateResult } from './evaluate';
import { EvaluationCancelled } from './evaluationCancelled';
import { EvaluationWorker, type EvaluationProgress } from './evaluationHost';
import { evaluationKey, type KeyBase } from './evaluationKey';
import type { WorkerEvaluation, WorkerModel } from './evaluationProtocol';
import type { EvaluationInputs, EvaluationRequest, SensitivityRequest } from './evaluationRequest';
import type { ModelGraph } from '../../shared/model/types';
import { metricValue, planSensitivity, sensitivityReport, type SensitivityReport } from './sensitivity';

export type { EvaluationProgress } from './evaluationHost';
export type { DataReference, EvaluationRequest, ModelReference, SensitivityRequest } from './evaluationRequest';

/** One evaluation done (`cached`: found in the cache, nothing run), in the order they are done. */
export interface EvaluationEvent {
  key: string | null;
  cached: boolean;
  configuration: RunConfiguration;
}

export interface EvaluationRunOptions {
  /** The database holding the cache; without one nothing is cached (and a stored model file cannot be named). */
  db?: Db;
  /** Measure even what the cache holds (the new result replaces the cached one). */
  noCache?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: EvaluationProgress) => void;
  /** Every evaluation, run or found in the cache: what tests count, and what a caller may log. */
  onEvaluation?: (event: EvaluationEvent) => void;
  /** The worker thread (the packaged app passes the factory its bundler built; tests, a spy). */
  createWorker?: () => Worker;
}

/** `cached`: found in the cache, nothing run; `source`: the data measured, as this request named it (for messages). */
export type CachedEvaluateResult = EvaluateResult & { cached: boolean; source: string };

/** A stored model file is written to a file of its own name (its loaders read files), removed when the run ends. */
function workerModel(request: EvaluationInputs, db: Db | undefined): { model: WorkerModel; cleanup: () => void } {
  const ref = request.model;
  if ('path' in ref) return { model: { path: ref.path }, cleanup: () => undefined };
  if ('preset' in ref) return { model: { preset: ref.preset, seed: ref.seed }, cleanup: () => undefined };
  if (!db) throw new UsageError(`the stored model file ${ref.storedFile} is in a database, and no database was given`);
  const files = new StoredFiles(db);
  const info = files.info(ref.storedFile);
  const bytes = files.get(ref.storedFile);
  if (!info || !bytes || info.kind !== 'model') throw new UsageError(`no model file with hash ${ref.storedFile} is kept in the database`);
  const dir = mkdtempSync(join(tmpdir(), 'frontier-model-'));
  const path = join(dir, basename(info.name) || 'model');
  writeFileSync(path, bytes);
  return { model: { path, name: info.name }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A worker with the model and data loaded — and, with a cache, the key's common part worked out there: loading the
 * model and hashing the data never hold this thread (the web host's event loop, the app's main process).
 * `graph`: the model's graph sent back too (a sensitivity run plans its points on it).
 */
async function startWorker(request: EvaluationInputs, options: EvaluationRunOptions, graph: boolean, keyed = options.db !== undefined): Promise<{ worker: EvaluationWorker; cleanup: () => void }> {
  const { model, cleanup } = workerModel(request, options.db);
  try {
    const key = { request: { model: request.model, importOptions: request.importOptions, data: request.data, calibration: request.calibration }, preprocessing: request.preprocessing };
    const worker = await EvaluationWorker.start(
      {
        model,
        importOptions: request.importOptions,
        data: request.data,
        ...(request.calibration ? { calibration: request.calibration.data } : {}),
        ...(keyed ? { key } : {}),
        ...(graph ? { graph: true } : {}),
      },
      options,
    );
    return { worker, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

/** Samples per second and time left, from the worker's counts (the rate over the samples since its first report). */
function progressOf(done: number, total: number, seconds: number, first: { done: number; seconds: number } | null): EvaluationProgress {
  const rate = first && seconds > first.seconds ? (done - first.done) / (seconds - first.seconds) : seconds > 0 ? done / seconds : 0;
  return { done, total, rate, etaS: rate > 0 ? (total - done) / rate : null, elapsedS: seconds };
}

/**
 * Loads the model and opens the data (and the calibration data) in a worker, as an evaluation would, and nothing
 * more (no hashing): a file that cannot be read is an error that names it before anything is measured.
 */
export async function checkEvaluationInputs(request: EvaluationInputs, options: { db?: Db; createWorker?: () => Worker; signal?: AbortSignal } = {}): Promise<void> {
  const { worker, cleanup } = await startWorker(request, options, false, false);
  await worker.close();
  cleanup();
}

/**
 * The cache key of an evaluation (and the canonical JSON hashed into it), without running it: what runEvaluation
 * looks up. It loads the model and opens the data (in a worker thread), so it also checks that both can be read.
 * `db` is needed only for a stored model file.
 */
export async function evaluationCacheKey(
  request: EvaluationRequest,
  options: { db?: Db; createWorker?: () => Worker; signal?: AbortSignal } = {},
): Promise<{ key: string; inputs: string }> {
  const { worker, cleanup } = await startWorker(request, options, false, true);
  try {
    return evaluationKey(worker.base as KeyBase, request.configuration, { agreement: request.agreement, task: request.task, topK: request.topK });
  } finally {
    await worker.close();
    cleanup();
  }
}

/**
 * Measures one configuration of a model on a data set, in a worker thread, through the cache.
 * - `request` is plain data (evaluationRequest.ts): the model (path, preset and seed, or stored file hash), the data
 *   (`data`, `labels`, `dataKeys` as the CLI takes them), preprocessing options, the configuration, calibration
 *   data, and what to measure (agreement, task, top-k).
 * - With `db`, the result is looked up first (key: evaluationKey.ts) and kept once measured; `cached` says which.
 *   `noCache` measures anyway and replaces the kept result. `onPrepared` (to write the configuration as a model
 *   file) needs the run itself, so it measures anyway too.
 * - `onProgress` gets samples done, samples per second and the time left; `signal` cancels: the promise rejects with
 *   EvaluationCancelled within CANCEL_GRACE_MS (250 ms) and the worker is ended.
 * Errors keep their kind: DataError for bad data, ModelError, UsageError, PrecisionError.
 */
export async function runEvaluation(
  request: EvaluationRequest,
  options: EvaluationRunOptions & { onPrepared?: (run: PreparedRun) => void } = {},
): Promise<CachedEvaluateResult> {
  let answer: CachedEvaluateResult | null = null;
  await runEvaluations(request, [request.configuration], options, (_i, result) => (answer = result));
  return answer as unknown as CachedEvaluateResult;
}

/**
 * Several configurations of one model measured on one data set, in order, as runEvaluation measures each — but
 * through one worker, so the model is loaded and the data hashed once. `onResult(i, result)` as each is done (from
 * the cache or measured), so that a cancel keeps what finished; `onProgress` counts samples over the evaluations
 * the cache does not hold. The request's `configuration` is not used.
 */
export async function runEvaluations(
  request: EvaluationInputs & Omit<Partial<EvaluationRequest>, 'configuration'>,
  configurations: readonly RunConfiguration[],
  options: EvaluationRunOptions & { onPrepared?: (run: PreparedRun) => void },
  onResult: (i: number, result: CachedEvaluateResult) => void,
): Promise<void> {
  if (options.signal?.aborted) throw new EvaluationCancelled();
  const { worker, cleanup } = await startWorker(request, options, false);
  try {
    await evaluateAll(worker, request, configurations, options, onResult);
  } finally {
    await worker.close();
    cleanup();
  }
}

/** The evaluations of a request on a ready worker: cached ones looked up, the others run and kept as each completes. */
async function evaluateAll(
  worker: EvaluationWorker,
  request: EvaluationInputs & Omit<Partial<EvaluationRequest>, 'configuration'>,
  configurations: readonly RunConfiguration[],
  options: EvaluationRunOptions & { onPrepared?: (run: PreparedRun) => void },
  onResult: (i: number, result: CachedEvaluateResult) => void,
): Promise<void> {
  if (options.signal?.aborted) throw new EvaluationCancelled();
  const base = worker.base;
  const cache = options.db && base ? new EvaluationCache(options.db) : null;
  const measure = { agreement: request.agreement, task: request.task, topK: request.topK };
  const keys = configurations.map((c) => (base ? evaluationKey(base, c, measure) : null));
  // `onPrepared` needs the run itself (to write the configuration as a model file): it always measures.
  const lookup = cache && !options.noCache && !options.onPrepared;
  const hits = keys.map((k) => (lookup && k ? cache.get<EvaluateResult>(k.key)?.result : undefined));
  const total = hits.filter((h) => h === undefined).length * worker.samples;
  let finished = 0;
  let first: { done: number; seconds: number } | null = null;
  let elapsed = 0;
  for (const [i, configuration] of configurations.entries()) {
    const key = keys[i];
    let result = hits[i];
    if (result === undefined) {
      const before = elapsed;
      result = await worker.evaluate(workerEvaluation(request, configuration), {
        signal: options.signal,
        onPrepared: options.onPrepared,
        onProgress: (done, _count, seconds) => {
          const all = finished * worker.samples + done;
          elapsed = before + seconds;
          options.onProgress?.(progressOf(all, total, elapsed, first));
          first ??= { done: all, seconds: elapsed };
        },
      });
      finished++;
      if (cache && key && base) cache.put(key.key, { modelHash: base.modelHash, dataHash: base.dataHash, inputs: key.inputs }, result);
    }
    options.onEvaluation?.({ key: key?.key ?? null, cached: hits[i] !== undefined, configuration });
    onResult(i, { ...result, cached: hits[i] !== undefined, source: worker.source });
  }
}

const workerEvaluation = (request: EvaluationInputs & Omit<Partial<EvaluationRequest>, 'configuration'>, configuration: RunConfiguration): WorkerEvaluation => ({
  configuration,
  preprocessing: request.preprocessing,
  ...(request.agreement ? { agreement: request.agreement } : {}),
  ...(request.task ? { task: request.task } : {}),
  ...(request.topK !== undefined ? { topK: request.topK } : {}),
  ...(request.calibration?.samples !== undefined ? { calibrationSamples: request.calibration.samples } : {}),
  ...(request.chunkSamples !== undefined ? { chunkSamples: request.chunkSamples } : {}),
});

/**
 * Every prunable layer pruned alone at each level, and each precision on the unpruned model (sensitivity.ts), each
 * point an evaluation through the cache as runEvaluation's: the points the cache holds are not run again, and each
 * point measured is kept as it completes, so a run that is killed or cancelled resumes where it stopped.
 * `onPoint(done, total)` counts points (cached or measured); `onProgress` counts samples over the points to measure;
 * `onEvaluation` says for each point whether it was cached. One worker serves the whole run (it also works out the
 * cache keys, so the model is loaded and the data hashed off this thread). Cancel: rejects with EvaluationCancelled within CANCEL_GRACE_MS; finished points stay cached.
 */
export async function runSensitivity(
  request: SensitivityRequest,
  options: EvaluationRunOptions & {
    onPoint?: (done: number, total: number) => void;
    /** The data set as opened, before anything runs: where it comes from (for messages) and its samples. */
    onData?: (data: { source: string; samples: number }) => void;
  } = {},
): Promise<SensitivityReport> {
  if (options.signal?.aborted) throw new EvaluationCancelled();
  const { worker, cleanup } = await startWorker(request, options, true);
  try {
    if (options.signal?.aborted) throw new EvaluationCancelled();
    options.onData?.({ source: worker.source, samples: worker.samples });
    const plan = planSensitivity(worker.graph as ModelGraph, request.levels, request);
    const values: number[] = [];
    await evaluateAll(worker, request, plan.evaluations.map((e) => e.configuration), options, (_i, result) => {
      values.push(metricValue(result, plan.metric));
      options.onPoint?.(values.length, plan.evaluations.length);
    });
    return sensitivityReport(plan, values);
  } finally {
    await worker.close();
    cleanup();
  }
}
