// A model file with its weights, for a run: read only when a run needs them (analysis never comes here).
import { basename, extname } from 'node:path';
import type { ModelWeights } from '../../shared/engine/weights';
import type { ImportOptions } from '../../shared/model/importOptions';
import { ModelError, type ModelGraph } from '../../shared/model/types';
import { findPreset } from '../../shared/presets';
import { loadModelFile, MAX_MODEL_FILE_BYTES } from '../import/loadModelFile';
import { isTflite } from '../import/tflite/reader';
import { readRegularFileHead } from '../files/readFile';
import { readModelWeights } from './weights';
import { readTfliteModel } from './weights/tflite';
import { readRegularFile } from '../files/readFile';

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
  // A TFLite file gives its graph and its tensors' data in one reading.
  if (isTflite(readRegularFileHead(ref, MAX_MODEL_FILE_BYTES, 8))) {
    const name = basename(ref, extname(ref)) || 'model';
    return { ...readTfliteModel(readRegularFile(ref, MAX_MODEL_FILE_BYTES), ref, name, options), file: ref };
  }
  const graph = await loadModelFile(ref, options);
  return { graph, weights: await readModelWeights(ref, graph, ref, options), file: ref };
}
