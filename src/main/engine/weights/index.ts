// A model's weights, read only when a run needs them, from the file the graph was imported from. The file is
// recognised by its content as loadModelFile recognises it; each format has its own reader beside this file.
// `graph` is what the importer produced for the same file: weights are keyed by its layer names and checked against
// its shapes.
import type { ModelWeights } from '../../../shared/engine/weights';
import { ModelError, type ModelGraph } from '../../../shared/model/types';
import { isHdf5 } from '../../import/h5/kerasH5';
import { isZip } from '../../import/kerasArchive';
import { MAX_JSON_MODEL_BYTES, MAX_MODEL_FILE_BYTES } from '../../import/loadModelFile';
import { looksLikeOnnx } from '../../import/onnx';
import { isTflite } from '../../import/tflite';
import { FileReadError, readRegularFile, readRegularFileHead } from '../../files/readFile';
import { readKerasArchiveWeights } from './kerasArchive';
import { readKerasH5Weights } from './kerasH5';
import { readTfjsWeights } from './tfjs';
import { readOnnxWeights } from './onnx';
import { readTfliteModel } from './tflite';
import type { ImportOptions } from '../../../shared/model/importOptions';
import { dirname, resolve } from 'node:path';

/** Reads the weights of the model file at `path` for `graph`; `fileName` names the file in errors (the path by default). */
export async function readModelWeights(path: string, graph: ModelGraph, fileName: string = path, importOptions: ImportOptions = {}): Promise<ModelWeights> {
  const read = <T>(how: () => T): T => {
    try {
      return how();
    } catch (err) {
      const why = err instanceof FileReadError ? err.reason : (err as Error).message;
      throw new ModelError(`${fileName}: cannot read the model file: ${why}`);
    }
  };
  // The HDF5 library reads what it needs from the file itself.
  if (isHdf5(read(() => readRegularFileHead(path, MAX_MODEL_FILE_BYTES, 8)))) return readKerasH5Weights(path, fileName, graph);
  const bytes = read(() => readRegularFile(path, MAX_MODEL_FILE_BYTES));
  if (bytes.length === 0) throw new ModelError(`${fileName}: the file is empty`);
  if (isZip(bytes)) return readKerasArchiveWeights(bytes, fileName, graph);
  if (isTflite(bytes)) return readTfliteModel(bytes, fileName, graph.name, importOptions).weights;
  if (looksLikeOnnx(bytes)) return readOnnxWeights(bytes, graph, fileName, { directory: dirname(resolve(path)), importOptions });
  const json = parseJson(bytes, fileName);
  const object = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  if (object.format === 'frontier-model') {
    throw new ModelError(`${fileName} is Frontier's own model format: it describes the architecture only and has no weights to run`);
  }
  if ('modelTopology' in object) return readTfjsWeights(path, json, fileName, graph);
  throw new ModelError(
    `${fileName} is a Keras model config (model.to_json()): it describes the architecture only and has no weights to run; ` +
      'save the model with model.save("model.keras") or model.save("model.h5")',
  );
}

function parseJson(bytes: Buffer, fileName: string): unknown {
  if (bytes.length > MAX_JSON_MODEL_BYTES) {
    throw new ModelError(`${fileName}: ${bytes.length.toLocaleString('en-US')} bytes of JSON, beyond the limit for a model config`);
  }
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ModelError(`${fileName}: not a model file with weights: invalid JSON: ${(err as Error).message}`);
  }
}
