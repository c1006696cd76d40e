// Messages between an evaluation worker (evaluationWorker.ts) and the thread that owns it (evaluationHost.ts).
// One evaluation at a time; every answer echoes its request's sequence id.
import type { ImportOptions } from '../../shared/model/importOptions';
import type { Task } from '../../shared/engine/metrics';
import type { PreparedRun, RunConfiguration } from './configure';
import type { PreprocessingOptions } from './data/preprocess';
import type { EvaluateResult } from './evaluate';
import type { DataReference, EvaluationRequest } from './evaluationRequest';
import type { KeyBase } from './evaluationKey';
import type { ModelGraph } from '../../shared/model/types';

/** A model as the worker loads it: a file (a stored one is written to a file first) or a preset with its seed. */
export type WorkerModel = { path: string; name?: string } | { preset: string; seed: number };

export interface WorkerEvaluation {
  configuration: RunConfiguration;
  preprocessing?: PreprocessingOptions;
  agreement?: 'fp32' | 'stored';
  task?: Task;
  topK?: number;
  calibrationSamples?: number;
  chunkSamples?: number;
  /** Send the prepared run back (to write it as a model file). */
  prepared?: boolean;
}

/** What the cache key covers, hashed in the worker (loading a model and hashing data never hold the owner's thread). */
export interface WorkerKeyRequest {
  request: Pick<EvaluationRequest, 'model' | 'importOptions' | 'data' | 'calibration'>;
  preprocessing?: PreprocessingOptions;
}

export type ToEvaluationWorker =
  | {
      type: 'init';
      seq: number;
      gate: SharedArrayBuffer;
      model: WorkerModel;
      importOptions?: ImportOptions;
      data: DataReference;
      calibration?: string;
      /** Work out the cache key's common part (answered in `ready`). */
      key?: WorkerKeyRequest;
      /** Send the model's graph back (a sensitivity run plans its points on it). */
      graph?: boolean;
    }
  | { type: 'evaluate'; seq: number; evaluation: WorkerEvaluation }
  | { type: 'cancel' };

/** An error as it crosses threads: its kind (so that the CLI's exit status stays the same) and its words. */
export interface WorkerError {
  name: string;
  message: string;
  /** A DataError's file and reason. */
  file?: string;
  reason?: string;
  layer?: string;
  stack?: string;
}

export type FromEvaluationWorker =
  | { type: 'ready'; seq: number; source: string; samples: number; base?: KeyBase; graph?: ModelGraph }
  | { type: 'progress'; seq: number; done: number; total: number; seconds: number }
  | { type: 'prepared'; seq: number; run: PreparedRun }
  | { type: 'result'; seq: number; result: EvaluateResult }
  | { type: 'error'; seq: number; error: WorkerError };
