// TensorFlow Lite files (.tflite), recognised by their "TFL3" file identifier.
import { basename, extname } from 'node:path';
import type { ImportOptions } from '../../../shared/model/importOptions';
import type { ModelGraph } from '../../../shared/model/types';
import { isTflite } from './reader';
import { tfliteToGraph } from './toGraph';

export { isTflite };

export function parseTflite(bytes: Uint8Array, fileName: string, options: ImportOptions = {}): ModelGraph {
  const modelName = basename(fileName, extname(fileName)) || 'model';
  return tfliteToGraph(bytes, fileName, modelName, options);
}
