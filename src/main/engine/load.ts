// A model file with its weights, for a run: read only when a run needs them (analysis never comes here).
import { basename, extname } from 'node:path';
import type { ModelWeights } from '../../shared/engine/weights';
import type { ImportOptions } from '../../shared/model/importOptions';
import { ModelError, type ModelGraph } from '../../shared/model/types';
import { findPreset } from '../../shared/presets';
import { isTflite } from '../import/tflite/reader';
import { MAX_MODEL_FILE_BYTES } from '../import/loadModelFile';
import { readRegularFile } from '../services/regularFile';
import { readTfliteModel } from './weights/tflite';

export interface RunnableModel {
  graph: ModelGraph;
  weights: ModelWeights;
  /** The file it came from. */
  file: string;
}

export async function loadRunnableModel(ref: string, options: ImportOptions = {}): Promise<RunnableModel> {
  if (findPreset(ref)) {
    throw new ModelError(`${ref} is a preset: an architecture without weights, which cannot be run; give a model file with weights (.tflite, .onnx, .h5, .keras, or a TensorFlow.js model.json)`);
  }
  const bytes = readRegularFile(ref, MAX_MODEL_FILE_BYTES);
  const name = basename(ref, extname(ref)) || 'model';
  if (isTflite(bytes)) return { ...readTfliteModel(bytes, ref, name, options), file: ref };
  throw new ModelError(`${ref}: running this kind of model file is not supported yet`);
}
