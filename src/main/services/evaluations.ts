// Measured accuracy for the app (data.open, evaluate.run, sensitivity.run, evaluate.cancel): the data the engineer
// picks — a path on the machine running Frontier, or an upload kept in the database by its hash — and a model with
// weights (an uploaded file kept by model.load, or a path). Runs go through the engine's one entry point
// (engine/evaluations.ts): a worker thread, so the web host and the app's main process never block on them, and the
// evaluation cache, so asking again repeats nothing.
import { statSync } from 'node:fs';
import { basename, isAbsolute } from 'node:path';
import type { EventName, Events } from '../../shared/api';
import { UsageError } from '../../shared/cli/valueList';
import {
  uploadTooLarge,
  type DataDescription,
  type DataFileRef,
  type DataOpenParams,
  type DataRef,
  type EvaluateRunParams,
  type EvaluationView,
  type ModelRef,
  type SensitivityRunParams,
  type SensitivityView,
  type UploadedFile,
} from '../../shared/evaluations';
import { ModelError } from '../../shared/model/types';
import type { Worker } from 'node:worker_threads';
import { DataError, type DataSet } from '../engine/data/dataSet';
import { openDataSet, summarizeDataSet } from '../engine/data/open';
import { EvaluationCancelled } from '../engine/evaluationCancelled';
import { runEvaluation, runSensitivity, type DataReference, type ModelReference } from '../engine/evaluations';
import { kindOf } from '../files/readFile';
import type { Db } from '../store/database';
import { StoredPaths } from '../store/materialize';
import { StoredFiles } from '../store/storedFiles';

type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;

/** Progress is said at most this often (and always at the end). */
const PROGRESS_EVERY_MS = 80;

const decodedSize = (base64: string): number => {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
};

/** A path the user typed must name a file or a folder on this machine, given in full. */
export function checkDataPath(path: string): void {
  if (!isAbsolute(path)) throw new DataError(path, 'give the full path of the file or folder (from the root of the disk)');
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(path, code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message);
  }
  if (!stat.isFile() && !stat.isDirectory()) throw new DataError(path, `it is ${kindOf(stat)}, not a regular file or a folder`);
}

export interface Evaluations {
  'data.open': (params: DataOpenParams) => Promise<DataDescription>;
  'evaluate.run': (params: EvaluateRunParams) => Promise<EvaluationView>;
  'sensitivity.run': (params: SensitivityRunParams) => Promise<SensitivityView>;
  'evaluate.cancel': (params: { job: string }) => Promise<{ cancelled: boolean }>;
}

export function createEvaluations(db: Db, emit: Emit, createWorker?: () => Worker): { handlers: Evaluations; close(): void } {
  const files = new StoredFiles(db);
  const jobs = new Map<string, AbortController>();
  /** Uploads are read by the engine from paths: written to a temporary folder, named by their own names in messages. */
  const stored = new StoredPaths(files);
  const plain = (text: string): string => stored.plain(text);
  const plainError = (error: unknown): unknown => stored.plainError(error);

  const fileOf = (ref: DataFileRef, what: string): string => {
    if ((ref.path === undefined) === (ref.hash === undefined)) throw new UsageError(`the ${what} must be named by a path or by the hash of an upload (one of them)`);
    if (ref.path !== undefined) {
      checkDataPath(ref.path);
      return ref.path;
    }
    return stored.path(ref.hash as string, what);
  };

  const openData = (ref: DataRef, inputShape?: number[]): DataSet =>
    openDataSet({ data: fileOf(ref.data, 'data'), labels: ref.labels ? fileOf(ref.labels, 'labels') : undefined, dataKeys: ref.dataKeys }, { inputShape });

  const storeUpload = (file: UploadedFile): DataFileRef => {
    const bytes = Buffer.from(file.base64, 'base64');
    return { hash: files.put('data', file.name, bytes).hash, name: file.name };
  };

  const refOf = (side: { path?: string; file?: UploadedFile }, what: string): DataFileRef => {
    if ((side.path === undefined) === (side.file === undefined)) throw new UsageError(`give the ${what} as a path or as an uploaded file (one of them)`);
    if (side.path !== undefined) {
      checkDataPath(side.path);
      return { path: side.path };
    }
    return storeUpload(side.file as UploadedFile);
  };

  const modelReference = (ref: ModelRef): ModelReference => {
    const given = [ref.preset, ref.fileHash, ref.path].filter((x) => x !== undefined).length;
    if (given !== 1) throw new UsageError('the model must be named by one of: a preset, the hash of a loaded file, or a path');
    if (ref.preset !== undefined) {
      throw new ModelError(`${ref.preset} is a preset: an architecture without weights, which cannot be run; load the model file with its weights (.tflite, .onnx, .h5, .keras)`);
    }
    if (ref.path !== undefined && !isAbsolute(ref.path)) throw new UsageError(`${ref.path}: give the full path of the model file`);
    return ref.fileHash !== undefined ? { storedFile: ref.fileHash } : { path: ref.path as string };
  };

  const dataReference = (ref: DataRef): DataReference => ({
    data: fileOf(ref.data, 'data'),
    ...(ref.labels ? { labels: fileOf(ref.labels, 'labels') } : {}),
    ...(ref.dataKeys ? { dataKeys: ref.dataKeys } : {}),
  });

  /** Runs `work` under a job name (cancellable, with progress events); errors name uploads by their own names. */
  const asJob = async <T>(job: string | undefined, work: (signal: AbortSignal, progress: (done: number, total: number, unit: 'samples' | 'measurements') => void) => Promise<T>): Promise<T> => {
    if (job !== undefined && jobs.has(job)) throw new UsageError(`a run named ${job} is already going`);
    const controller = new AbortController();
    if (job !== undefined) jobs.set(job, controller);
    let last = 0;
    const progress = (done: number, total: number, unit: 'samples' | 'measurements'): void => {
      if (job === undefined) return;
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS && done < total) return;
      last = now;
      emit('evaluate.progress', { job, done, total, unit });
    };
    try {
      return await work(controller.signal, progress);
    } catch (error) {
      // Cancelled at the user's word: an answer the app ignores, not a fault of Frontier's (a 4xx, not a 500).
      if (error instanceof EvaluationCancelled) throw new UsageError(`${job ?? 'the run'} was cancelled`);
      throw plainError(error);
    } finally {
      if (job !== undefined) jobs.delete(job);
    }
  };

  const handlers: Evaluations = {
    'data.open': async ({ path, file, labels, dataKeys, inputShape }) => {
      const uploaded = (file ? decodedSize(file.base64) : 0) + (labels?.file ? decodedSize(labels.file.base64) : 0);
      const names = [file?.name, labels?.file?.name].filter((n) => n !== undefined).join(' and ');
      const refused = uploadTooLarge(file && labels?.file ? `${names} together` : names, uploaded);
      if (refused) throw new UsageError(refused);
      const ref: DataRef = { data: refOf({ path, file }, 'data'), ...(labels ? { labels: refOf(labels, 'labels') } : {}), ...(dataKeys ? { dataKeys } : {}) };
      try {
        const data = openData(ref, inputShape);
        try {
          const summary = summarizeDataSet(data);
          return {
            ref,
            name: file?.name ?? basename(path as string),
            labelsName: labels ? (labels.file?.name ?? basename(labels.path as string)) : null,
            source: plain(summary.source),
            kind: summary.kind,
            samples: summary.samples,
            sampleShape: summary.sampleShape,
            dtype: summary.dtype,
            bytes: summary.bytes,
            classes: summary.classNames?.length ?? summary.labelCounts?.length ?? null,
            labelCounts: summary.labelCounts,
            classNames: summary.classNames,
          };
        } finally {
          data.close();
        }
      } catch (error) {
        throw plainError(error);
      }
    },
    'evaluate.run': ({ model: modelRef, data: dataRef, configuration, preprocessing, agreement, job }) =>
      asJob(job, async (signal, progress) => {
        const result = await runEvaluation(
          {
            model: modelReference(modelRef),
            ...(modelRef.options ? { importOptions: modelRef.options } : {}),
            data: dataReference(dataRef),
            ...(preprocessing ? { preprocessing } : {}),
            configuration,
            ...(agreement === 'none' ? {} : { agreement: agreement ?? 'fp32' }),
          },
          { db, signal, createWorker, onProgress: (p) => progress(p.done, p.total, 'samples') },
        );
        const { cached: _cached, source: _source, ...measured } = result;
        const view: EvaluationView = { ...measured, preprocessing: { ...measured.preprocessing }, notes: measured.notes.map(plain) };
        return view;
      }),
    'sensitivity.run': ({ model: modelRef, data: dataRef, prune, channels, precisions, metric, preprocessing, job }) =>
      asJob(job, (signal, progress) =>
        runSensitivity(
          {
            model: modelReference(modelRef),
            ...(modelRef.options ? { importOptions: modelRef.options } : {}),
            data: dataReference(dataRef),
            ...(preprocessing ? { preprocessing } : {}),
            levels: { prune, channels: channels ?? {} },
            ...(precisions ? { precisions } : {}),
            ...(metric ? { metric } : {}),
          },
          { db, signal, createWorker, onPoint: (done, total) => progress(done, total, 'measurements') },
        ),
      ),
    'evaluate.cancel': async ({ job }) => {
      const controller = jobs.get(job);
      controller?.abort();
      return { cancelled: controller !== undefined };
    },
  };

  return {
    handlers,
    close: () => {
      for (const controller of jobs.values()) controller.abort();
      stored.close();
    },
  };
}
