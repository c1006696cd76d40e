// Weights of a TensorFlow.js layers model: model.json's `weightsManifest` lists groups, each a list of weights whose
// bytes follow one another through the group's shard files (`paths`, next to model.json) read end to end. Weights
// are float32, or quantized by tensorflowjs_converter: `quantization: {dtype: "uint8" | "uint16", scale, min}`
// (value = q × scale + min, as TensorFlow.js decodes it) or `{dtype: "float16"}`.
//
// Weights are found by name (`conv1/kernel`), or, in a conversion of a Keras 3 `.keras` archive, by the archive's
// numbered paths (`layers/conv2d/vars/0`).
//
// Only the bytes of the weights the graph needs are read, each from where it lies in the shards; the shards' sizes
// are checked against the manifest before anything is read. Shard paths must stay in model.json's folder.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import {
  kerasBatchNormEpsilons,
  kerasLayerSpecs,
  kerasSaveableNames,
  kerasToLayerWeights,
  matchKerasTensors,
  type KerasLayerSpec,
  type KerasValues,
  type StoredTensor,
} from '../../../shared/engine/kerasWeights';
import type { ModelWeights } from '../../../shared/engine/weights';
import { ModelError, type ModelGraph } from '../../../shared/model/types';
import { halfToFloat } from './hdf5';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Bytes per value of the dtypes a manifest may give (TensorFlow.js's DTYPE_VALUE_SIZE_MAP). */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale: number; min: number };
  group: number;
  /** Byte offset in the group's shards read end to end. */
  offset: number;
  bytes: number;
}

interface ManifestGroup {
  paths: string[];
  /** Bytes the manifest declares for the group. */
  bytes: number;
}

interface Manifest {
  groups: ManifestGroup[];
  weights: ManifestWeight[];
}

export async function readTfjsWeights(path: string, json: unknown, fileName: string, graph: ModelGraph): Promise<ModelWeights> {
  const manifest = parseManifest(json, fileName);
  const epsilons = kerasBatchNormEpsilons(json, fileName);
  const specs = kerasLayerSpecs(graph);
  const groups = weightsByLayer(manifest.weights, json, specs);
  const where = (w: ManifestWeight): string => `weight "${w.name}" of weightsManifest[${w.group}]`;
  const chosen = specs.map((spec) => {
    const { weights: found, numbered } = groups(spec);
    const stored: StoredTensor[] = found.map((w) => ({ name: numbered ? null : w.name, shape: w.shape, where: where(w) }));
    const roles = matchKerasTensors(spec, stored, fileName, 'weightsManifest');
    return { spec, found, roles };
  });
  const shards = new ShardReader(path, fileName, manifest.groups);
  try {
    for (const { found, roles } of chosen) for (const index of roles.values()) shards.check(found[index].group);
    const weights: ModelWeights = { layers: {}, flattenOrder: 'hwc' };
    for (const { spec, found, roles } of chosen) {
      const values: KerasValues = {};
      for (const [role, index] of roles) {
        const weight = found[index];
        values[role] = { shape: weight.shape, data: decode(weight, shards.read(weight), fileName), source: weight.name };
      }
      weights.layers[spec.layer.name] = kerasToLayerWeights(spec.layer, values, epsilons.get(spec.layer.name));
    }
    return weights;
  } finally {
    shards.close();
  }
}

/** A Keras 3 conversion's weight name: `layers/conv2d_1/vars/0`, `_layer_checkpoint_dependencies/dense/vars/1`. */
const NUMBERED = /(?:^|\/)([^/]+)\/vars\/(\d+)$/;

/**
 * The manifest's weights of each layer. TensorFlow.js and the converter from Keras 2 name them `<layer>/<weight>`;
 * the converter from a `.keras` archive keeps the archive's paths (`layers/<saveable>/vars/<i>`), found as the
 * archive reader finds them (kerasSaveableNames) and taken in their numbered order.
 */
function weightsByLayer(
  weights: ManifestWeight[],
  json: unknown,
  specs: KerasLayerSpec[],
): (spec: KerasLayerSpec) => { weights: ManifestWeight[]; numbered: boolean } {
  const numbered = weights.length > 0 && weights.every((w) => NUMBERED.test(w.name));
  const groups = new Map<string, ManifestWeight[]>();
  for (const weight of weights) {
    let key: string;
    if (numbered) {
      key = (NUMBERED.exec(weight.name) as RegExpExecArray)[1];
    } else {
      const parts = weight.name.split('/');
      if (parts.length < 2) continue;
      key = parts[parts.length - 2];
    }
    groups.set(key, [...(groups.get(key) ?? []), weight]);
  }
  if (!numbered) {
    const layerNames = new Set(specs.map((s) => s.layer.name));
    return (spec) => {
      const name = spec.layer.name;
      const exact = groups.get(name);
      if (exact) return { weights: exact, numbered };
      // tf.keras scopes the variables of a layer built twice in one session `<layer>_1/kernel` while the layer keeps
      // its name; such a scope is taken when it is the only one and no layer has that name.
      const scopes = [...groups.keys()].filter((k) => k.startsWith(`${name}_`) && /^\d+$/.test(k.slice(name.length + 1)) && !layerNames.has(k));
      return { weights: scopes.length === 1 ? (groups.get(scopes[0]) as ManifestWeight[]) : [], numbered };
    };
  }
  const index = (w: ManifestWeight): number => Number((NUMBERED.exec(w.name) as RegExpExecArray)[2]);
  for (const list of groups.values()) list.sort((a, b) => index(a) - index(b));
  const complete = (names: Map<string, string>): boolean => specs.every((s) => groups.has(names.get(s.layer.name) ?? ''));
  const single = kerasSaveableNames(json);
  const doubled = kerasSaveableNames(json, true);
  const names = complete(single) || !complete(doubled) ? single : doubled;
  return (spec) => ({ weights: groups.get(names.get(spec.layer.name) ?? '') ?? [], numbered });
}

function parseManifest(json: unknown, fileName: string): Manifest {
  const fail = (message: string): never => {
    throw new ModelError(`${fileName}: ${message}`);
  };
  const list = isObj(json) ? json.weightsManifest : undefined;
  if (list === undefined) fail('model.json has no weightsManifest, so no weights (was it saved with its weights?)');
  if (!Array.isArray(list)) return fail('weightsManifest is not a list of weight groups');
  const manifest: Manifest = { groups: [], weights: [] };
  (list as unknown[]).forEach((group, g) => {
    const at = `weightsManifest[${g}]`;
    if (!isObj(group)) fail(`${at} is not an object`);
    const { paths, weights } = group as Obj;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && p !== '')) fail(`${at}.paths is not a list of file names`);
    if (!Array.isArray(weights)) fail(`${at}.weights is not a list`);
    let offset = 0;
    (weights as unknown[]).forEach((raw, i) => {
      const w = `${at}.weights[${i}]`;
      if (!isObj(raw)) fail(`${w} is not an object`);
      const { name, shape, dtype, quantization } = raw as Obj;
      if (typeof name !== 'string') fail(`${w} has no name`);
      const label = `${w} ("${String(name)}")`;
      if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        fail(`${label}: shape ${JSON.stringify(shape)} is not a list of whole numbers ≥ 0`);
      }
      const dims = shape as number[];
      const count = dims.reduce((a, b) => a * b, 1);
      if (!Number.isSafeInteger(count)) fail(`${label}: shape ${JSON.stringify(shape)} holds more values than can be counted`);
      if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
        fail(`${label}: dtype ${JSON.stringify(dtype)} is not one of ${Object.keys(DTYPE_BYTES).join(', ')}`);
      }
      let valueBytes = DTYPE_BYTES[dtype as string];
      let quant: ManifestWeight['quantization'];
      if (quantization !== undefined && quantization !== null) {
        if (!isObj(quantization) || typeof quantization.dtype !== 'string' || !(quantization.dtype in QUANTIZED_BYTES)) {
          fail(`${label}: quantization ${JSON.stringify(quantization)} is not uint8, uint16 or float16`);
        }
        const q = quantization as Obj;
        const qdtype = q.dtype as 'uint8' | 'uint16' | 'float16';
        if (qdtype === 'float16') {
          if (dtype !== 'float32') fail(`${label}: float16 quantization of a ${String(dtype)} weight`);
          quant = { dtype: qdtype, scale: 1, min: 0 };
        } else {
          const { scale, min } = q;
          if (typeof scale !== 'number' || typeof min !== 'number' || !Number.isFinite(scale) || !Number.isFinite(min)) {
            fail(`${label}: ${qdtype} quantization needs a finite scale and min, it has ${JSON.stringify({ scale, min })}`);
          }
          quant = { dtype: qdtype, scale: scale as number, min: min as number };
        }
        valueBytes = QUANTIZED_BYTES[qdtype];
      }
      const bytes = count * valueBytes;
      manifest.weights.push({ name: name as string, shape: dims, dtype: dtype as string, quantization: quant, group: g, offset, bytes });
      offset += bytes;
    });
    manifest.groups.push({ paths: paths as string[], bytes: offset });
  });
  return manifest;
}

/** Float values of a weight from its bytes (little-endian, as TensorFlow.js writes them). */
function decode(weight: ManifestWeight, raw: Uint8Array, fileName: string): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const count = weight.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count);
  const q = weight.quantization;
  if (weight.dtype !== 'float32') {
    throw new ModelError(`${fileName}: weight "${weight.name}" is ${weight.dtype}; a layer's weights must be float32`);
  }
  if (q === undefined) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (q.dtype === 'float16') {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  } else if (q.dtype === 'uint8') {
    for (let i = 0; i < count; i++) out[i] = raw[i] * q.scale + q.min;
  } else {
    for (let i = 0; i < count; i++) out[i] = view.getUint16(i * 2, true) * q.scale + q.min;
  }
  return out;
}

/** Reads byte ranges of a weight group whose shards are read end to end, opening each shard once. */
class ShardReader {
  private readonly dir: string;
  private readonly sizes = new Map<number, number[]>();
  private readonly open = new Map<string, number>();

  constructor(
    modelPath: string,
    private readonly fileName: string,
    private readonly groups: ManifestGroup[],
  ) {
    this.dir = dirname(resolve(modelPath));
  }

  private shardPath(path: string): string {
    const full = resolve(this.dir, path);
    const rel = relative(this.dir, full);
    if (isAbsolute(path) || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new ModelError(`${this.fileName}: weight file "${path}" is outside the model's folder; shards must sit beside model.json`);
    }
    return full;
  }

  /** Checks the group's shards exist and hold at least the bytes the manifest declares, before anything is read. */
  check(group: number): void {
    if (this.sizes.has(group)) return;
    const { paths, bytes } = this.groups[group];
    const sizes = paths.map((p) => {
      const full = this.shardPath(p);
      let stat;
      try {
        stat = statSync(full);
      } catch {
        throw new ModelError(`${this.fileName}: weight file "${p}" (weightsManifest[${group}]) is missing; it should sit beside model.json`);
      }
      if (!stat.isFile()) throw new ModelError(`${this.fileName}: weight file "${p}" is not a regular file`);
      return stat.size;
    });
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total < bytes) {
      throw new ModelError(
        `${this.fileName}: weightsManifest[${group}] declares ${bytes.toLocaleString('en-US')} bytes of weights but its ` +
          `files (${paths.join(', ')}) hold ${total.toLocaleString('en-US')}`,
      );
    }
    this.sizes.set(group, sizes);
  }

  read(weight: ManifestWeight): Uint8Array {
    this.check(weight.group);
    const sizes = this.sizes.get(weight.group) as number[];
    const { paths } = this.groups[weight.group];
    const out = new Uint8Array(weight.bytes);
    let at = weight.offset;
    let filled = 0;
    let start = 0;
    for (let s = 0; s < paths.length && filled < out.length; start += sizes[s], s++) {
      if (at >= start + sizes[s]) continue;
      const fd = this.fd(paths[s]);
      const want = Math.min(out.length - filled, start + sizes[s] - at);
      const got = readSync(fd, out, filled, want, at - start);
      if (got !== want) throw new ModelError(`${this.fileName}: weight file "${paths[s]}" changed while it was read`);
      filled += got;
      at += got;
    }
    return out;
  }

  private fd(path: string): number {
    let fd = this.open.get(path);
    if (fd === undefined) {
      fd = openSync(this.shardPath(path), 'r');
      if (!fstatSync(fd).isFile()) {
        closeSync(fd);
        throw new ModelError(`${this.fileName}: weight file "${path}" is not a regular file`);
      }
      this.open.set(path, fd);
    }
    return fd;
  }

  close(): void {
    for (const fd of this.open.values()) closeSync(fd);
    this.open.clear();
  }
}
