// What both sides of an evaluation worker share: loading the model a request names, and errors as plain data that
// become the same kind of error again on the other side (so that the CLI's exit status stays the same).
import { PrecisionError } from '../../shared/analysis/precision';
import { UsageError } from '../../shared/cli/valueList';
import { randomWeights } from '../../shared/engine/randomWeights';
import type { ImportOptions } from '../../shared/model/importOptions';
import { ModelError } from '../../shared/model/types';
import { findPreset } from '../../shared/presets';
import { DataError } from './data/dataSet';
import { EvaluationCancelled } from './evaluationCancelled';
import type { WorkerError, WorkerModel } from './evaluationProtocol';
import { loadRunnableModel, type RunnableModel } from './load';

export function errorPayload(error: unknown): WorkerError {
  const e = error instanceof Error ? error : new Error(String(error));
  const payload: WorkerError = { name: e.name, message: e.message, stack: e.stack };
  if (e instanceof DataError) Object.assign(payload, { file: e.file, reason: e.reason });
  if (e instanceof ModelError && e.layer !== undefined) payload.layer = e.layer;
  return payload;
}

/** A model file, or a preset with seeded random weights (the presets come without weights). */
export async function loadEvaluationModel(model: WorkerModel, importOptions?: ImportOptions): Promise<RunnableModel> {
  if ('path' in model) return loadRunnableModel(model.path, importOptions);
  const preset = findPreset(model.preset);
  if (!preset) throw new ModelError(`"${model.preset}" is not a preset`);
  const graph = preset.build();
  return { graph, weights: randomWeights(graph, model.seed), file: `${model.preset} (random weights, seed ${model.seed})` };
}

/** The error again, of its kind: DataError, UsageError, ModelError, PrecisionError, EvaluationCancelled, or Error. */
export function errorFromPayload(payload: WorkerError): Error {
  let error: Error;
  switch (payload.name) {
    case 'DataError':
      error = new DataError(payload.file ?? '', payload.reason ?? payload.message);
      break;
    case 'UsageError':
      error = new UsageError(payload.message);
      break;
    case 'ModelError':
      error = new ModelError(payload.message, payload.layer);
      break;
    case 'PrecisionError':
      error = new PrecisionError('');
      error.message = payload.message;
      break;
    case 'EvaluationCancelled':
      return new EvaluationCancelled();
    default:
      error = new Error(payload.message);
  }
  if (payload.stack) error.stack = payload.stack;
  return error;
}
