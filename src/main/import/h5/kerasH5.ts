// Keras 2 `.h5` files as `model.save("x.h5")` writes them: the architecture is the root attribute `model_config`
// (the JSON of `model.to_json()`), the weights sit in `model_weights/<layer>/<weight name>`. The architecture goes
// through the Keras JSON importer; the weight shapes are checked against it, layer by layer, without reading the
// weight data.
//
// The file is read by the HDF5 library itself (h5wasm: HDF5 compiled to WebAssembly), which opens a path and reads
// only what is asked for, and refuses damaged structures with an error instead of following them; its errors are
// turned into exceptions rather than printed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Group as H5Group } from 'h5wasm/node';
import { countModel } from '../../../shared/analysis/counts';
import { kerasLayoutOf, kerasToGraph } from '../../../shared/model/keras';
import { ModelError, type ModelGraph } from '../../../shared/model/types';

type H5 = typeof import('h5wasm/node').default;

/**
 * The HDF5 library, loaded on first use: starting it costs about two seconds and a large WebAssembly memory, which
 * only an .h5 file should pay for.
 */
let h5: H5 | null = null;

export async function loadHdf5(): Promise<void> {
  if (h5) return;
  const library = (await import('h5wasm/node')).default;
  const module = await library.ready;
  module.activate_throwing_error_handler();
  h5 = library;
}

function hdf5(): H5 {
  if (!h5) throw new Error('the HDF5 reader is not loaded (loadHdf5() must run first)');
  return h5;
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

export const isHdf5 = (bytes: Uint8Array): boolean =>
  bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(HDF5_SIGNATURE);

/** HDF5's datatype classes (H5T_class_t) of the numbers Keras stores weights in. */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;

/** Fixed-length HDF5 strings come padded (h5py writes NUL padding; other writers pad with spaces). */
const text = (value: unknown): string | null => {
  const raw =
    typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : null;
  return raw === null ? null : raw.replace(/[\0 ]+$/, '');
};

const names = (value: unknown): string[] =>
  (Array.isArray(value) ? value : []).map(text).filter((n): n is string => n !== null && n !== '');

/** Everything the HDF5 library refuses means the file cannot be read as what it claims to be. */
function readHdf5<T>(fileName: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ModelError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    // HDF5's error stack: the innermost line ("minor: …") says what went wrong.
    const minor = [...message.matchAll(/minor: (.+)/g)].map((m) => m[1].trim()).pop();
    throw new ModelError(`${fileName}: the HDF5 file is damaged (${what}): ${(minor ?? message).toLowerCase()}`);
  }
}

interface StoredWeights {
  /** Elements per layer, over all of its weight datasets. */
  elements: Map<string, number>;
  bytes: number;
  /** The widest float the weights are stored in, in bits. */
  floatBits: number;
}

function storedWeights(root: H5Group, fileName: string): StoredWeights | null {
  const { Dataset, Group } = hdf5();
  const weights = root.keys().includes('model_weights') ? root.get('model_weights') : null;
  if (!(weights instanceof Group)) return null;
  const result: StoredWeights = { elements: new Map(), bytes: 0, floatBits: 0 };
  for (const layer of names(weights.attrs.layer_names?.value)) {
    const group = weights.keys().includes(layer) ? weights.get(layer) : null;
    if (!(group instanceof Group)) {
      throw new ModelError(`${fileName}: model_weights lists layer "${layer}" but holds no group for it`, layer);
    }
    let elements = 0;
    for (const weightName of names(group.attrs.weight_names?.value)) {
      const dataset = group.get(weightName);
      if (!(dataset instanceof Dataset)) {
        throw new ModelError(`${fileName}: layer "${layer}": weight "${weightName}" is listed but not stored`, layer);
      }
      const shape = dataset.shape ?? [];
      const { type, size } = dataset.metadata;
      if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || (type !== H5T_FLOAT && type !== H5T_INTEGER)) {
        throw new ModelError(
          `${fileName}: layer "${layer}": weight "${weightName}" is not an array of numbers (shape ${JSON.stringify(shape)})`,
          layer,
        );
      }
      const count = shape.reduce((a, b) => a * b, 1);
      elements += count;
      result.bytes += count * size;
      if (type === H5T_FLOAT) result.floatBits = Math.max(result.floatBits, size * 8);
    }
    result.elements.set(layer, elements);
  }
  return result;
}

/** Reads a Keras `.h5` file at `path` (`fileName` names it in errors), reading only its metadata (after loadHdf5). */
export function parseKerasH5File(path: string, fileName: string): ModelGraph {
  const library = hdf5();
  const file = readHdf5(fileName, 'its superblock', () => new library.File(path, 'r'));
  try {
    return fromFile(file, fileName);
  } finally {
    file.close();
  }
}

/** Reads a Keras `.h5` file's bytes (an upload): through a private temporary file, removed afterwards. */
export function parseKerasH5(bytes: Uint8Array, fileName: string): ModelGraph {
  const dir = mkdtempSync(join(tmpdir(), 'frontier-h5-'));
  try {
    const path = join(dir, 'model.h5');
    writeFileSync(path, bytes, { mode: 0o600 });
    return parseKerasH5File(path, fileName);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fromFile(root: H5Group, fileName: string): ModelGraph {
  const config = readHdf5(fileName, 'its attributes', () => text(root.attrs.model_config?.value));
  if (config === null) {
    const weightsOnly = readHdf5(fileName, 'its groups', () => root.keys().includes('model_weights') || 'layer_names' in root.attrs);
    throw new ModelError(
      `${fileName}: this HDF5 file has no model_config attribute, so no architecture` +
        (weightsOnly ? ' (it holds weights only, as save_weights() writes them)' : '') +
        '; save the model with model.save("model.h5") or model.save("model.keras")',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(config);
  } catch (err) {
    throw new ModelError(`${fileName}: its model_config attribute is not valid JSON: ${(err as Error).message}`);
  }
  const graph = kerasToGraph(json, `${fileName} (model_config)`);
  const stored = readHdf5(fileName, 'its weights', () => storedWeights(root, fileName));
  const notes: string[] = [];
  if (stored === null) {
    notes.push('the file holds no weights (model_weights is missing): weight shapes could not be checked');
  } else {
    for (const layer of countModel(graph).layers) {
      const expected = layer.frameworkParams;
      const found = stored.elements.get(layer.name);
      if (expected === 0 && found === undefined) continue;
      if (found === undefined) {
        throw new ModelError(
          `${fileName}: layer "${layer.name}" (${layer.type}) has ${expected.toLocaleString('en-US')} weights in model_config but none in model_weights`,
          layer.name,
        );
      }
      if (found !== expected) {
        throw new ModelError(
          `${fileName}: layer "${layer.name}" (${layer.type}): model_config gives ${expected.toLocaleString('en-US')} weights, ` +
            `model_weights stores ${found.toLocaleString('en-US')}`,
          layer.name,
        );
      }
    }
  }
  graph.source = {
    format: 'keras-h5',
    kerasLayout: kerasLayoutOf(json),
    precision: stored?.floatBits === 16 ? 'fp16' : 'fp32',
    ...(stored ? { storedWeightBytes: stored.bytes } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
  return graph;
}
