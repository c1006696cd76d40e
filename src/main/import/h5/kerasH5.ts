// Keras 2 `.h5` files as `model.save("x.h5")` writes them: the architecture is the root attribute `model_config`
// (the JSON of `model.to_json()`), the weights sit in `model_weights/<layer>/<weight name>`. The architecture goes
// through the Keras JSON importer; the weight shapes are checked against it, layer by layer, without reading the
// weight data.
import { File, Dataset, Group } from 'jsfive';
import { countModel } from '../../../shared/analysis/counts';
import { kerasLayoutOf, kerasToGraph } from '../../../shared/model/keras';
import { ModelError, type ModelGraph } from '../../../shared/model/types';

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

export const isHdf5 = (bytes: Uint8Array): boolean =>
  bytes.length >= 8 && Buffer.from(bytes.buffer, bytes.byteOffset, 8).equals(HDF5_SIGNATURE);

/** Bytes per element of the numpy dtypes Keras stores weights in. */
function dtypeBytes(dtype: unknown): number | null {
  const match = typeof dtype === 'string' ? /^[<>|=]?[fiu](\d)$/.exec(dtype) : null;
  return match ? Number(match[1]) : null;
}

/** Fixed-length HDF5 strings come padded (h5py writes NUL padding; other writers pad with spaces). */
const text = (value: unknown): string | null => {
  const raw =
    typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : null;
  return raw === null ? null : raw.replace(/[\0 ]+$/, '');
};

const names = (value: unknown): string[] =>
  (Array.isArray(value) ? value : []).map(text).filter((n): n is string => n !== null && n !== '');

/** jsfive throws plain errors (and TypeErrors on damaged structures): all mean the file cannot be read. */
function readHdf5<T>(fileName: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ModelError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    const why =
      err instanceof RangeError
        ? 'a size or offset points outside the file'
        : message && message !== 'undefined'
          ? message
          : 'its structures cannot be read';
    throw new ModelError(`${fileName}: the HDF5 file is damaged (${what}): ${why}`);
  }
}

interface StoredWeights {
  /** Elements per layer, over all of its weight datasets. */
  elements: Map<string, number>;
  bytes: number;
  /** The widest float the weights are stored in (`fp32`, `fp16`). */
  floatBits: number;
}

function storedWeights(root: Group, fileName: string): StoredWeights | null {
  const weights = root.keys.includes('model_weights') ? root.get('model_weights') : null;
  if (!(weights instanceof Group)) return null;
  const result: StoredWeights = { elements: new Map(), bytes: 0, floatBits: 0 };
  const layerNames = names(weights.attrs.layer_names);
  for (const layer of layerNames) {
    const group = weights.get(layer);
    if (!(group instanceof Group)) {
      throw new ModelError(`${fileName}: model_weights lists layer "${layer}" but holds no group for it`, layer);
    }
    let elements = 0;
    for (const weightName of names(group.attrs.weight_names)) {
      const dataset = group.get(weightName);
      if (!(dataset instanceof Dataset)) {
        throw new ModelError(`${fileName}: layer "${layer}": weight "${weightName}" is listed but not stored`, layer);
      }
      const shape = dataset.shape;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw new ModelError(`${fileName}: layer "${layer}": weight "${weightName}" has an invalid shape`, layer);
      }
      const count = shape.reduce((a, b) => a * b, 1);
      const size = dtypeBytes(dataset.dtype);
      if (size === null) {
        throw new ModelError(
          `${fileName}: layer "${layer}": weight "${weightName}" has data type ${JSON.stringify(dataset.dtype)}; Keras stores numbers`,
          layer,
        );
      }
      elements += count;
      result.bytes += count * size;
      if (typeof dataset.dtype === 'string' && dataset.dtype.includes('f')) {
        result.floatBits = Math.max(result.floatBits, size * 8);
      }
    }
    result.elements.set(layer, elements);
  }
  return result;
}

/**
 * The file length the superblock declares (its "end of file address"), so that a truncated file is refused before
 * anything is read from it. Field positions from the HDF5 file format specification, section II.A.
 */
function declaredLength(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 16) return null;
  const version = bytes[8];
  const offsetSize = version <= 1 ? bytes[13] : bytes[9];
  if (offsetSize !== 8) return null;
  const at = version === 0 ? 40 : version === 1 ? 44 : 12 + 2 * offsetSize;
  if (at + 8 > bytes.length) return null;
  const value = view.getBigUint64(at, true);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

/** Reads a Keras `.h5` file's architecture and checks its weight shapes against it. */
export function parseKerasH5(bytes: Uint8Array, fileName: string): ModelGraph {
  const declared = declaredLength(bytes);
  if (declared !== null && declared > bytes.length) {
    throw new ModelError(
      `${fileName}: the HDF5 file is truncated: its superblock declares ${declared.toLocaleString('en-US')} bytes, ` +
        `the file has ${bytes.length.toLocaleString('en-US')}`,
    );
  }
  // jsfive reads an ArrayBuffer; a file read whole already has one of its own (no copy of the weights).
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const buffer = (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
  const root = readHdf5(fileName, 'its superblock', () => new File(buffer, fileName));
  const config = readHdf5(fileName, 'its attributes', () => text(root.attrs.model_config));
  if (config === null) {
    const weightsOnly = readHdf5(fileName, 'its groups', () => root.keys.includes('model_weights') || root.attrs.layer_names);
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
  const source = `${fileName} (model_config)`;
  const graph = kerasToGraph(json, source);
  const stored = readHdf5(fileName, 'its weights', () => storedWeights(root, fileName));
  const notes: string[] = [];
  if (stored === null) {
    notes.push('the file holds no weights (model_weights is missing): weight shapes could not be checked');
  } else {
    const counts = countModel(graph);
    for (const layer of counts.layers) {
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
    precision: stored && stored.floatBits === 16 ? 'fp16' : 'fp32',
    ...(stored ? { storedWeightBytes: stored.bytes } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
  return graph;
}
