// Keras model files WITH weights, written as Keras lays them out, for the weight readers' tests:
// - `keras2-h5`: tf.keras 2 `model.save("x.h5")`: model_weights/<layer>/<layer>/<weight>:0, named by weight_names;
// - `keras3-h5`: Keras 3 `model.save("x.h5")`: the same groups, weight_names without `:0`, a DepthwiseConv2D's
//   kernel called `kernel`;
// - `keras3-archive`: Keras 3 `model.save("x.keras")`: model.weights.h5 with layers/<saveable>/vars/0, 1, …
//   (creation order) beside an optimizer's variables, <saveable> being the layer's class in snake case numbered per
//   class in the config's layer order (conv2d, conv2d_1, …), not the layer's name;
// - `tfkeras-archive`: tf.keras 2.13–2.15 `.keras`: _layer_checkpoint_dependencies/<saveable>/vars/0, 1, ….
// Weights are seeded random values (BatchNormalization variances positive).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { kerasLayerSpecs, type KerasRole } from '../../src/shared/engine/kerasWeights';
import type { ModelGraph } from '../../src/shared/model/types';
import { zipArchive } from './zip';
import { mulberry32 } from '../../src/shared/sweep/space';

export type KerasFileKind = 'keras2-h5' | 'keras3-h5' | 'keras3-archive' | 'tfkeras-archive';

export interface KerasTensor {
  shape: number[];
  data: Float32Array;
}

/** Keras-layout values by layer name, then by role, in Keras's creation order. */
export type KerasWeightValues = Map<string, Map<KerasRole, KerasTensor>>;

/** The sweep's seeded generator (mulberry32): the same seed gives the same weights on every machine. */
export const seededRandom = mulberry32;

/** Seeded weights for every weighted layer of the graph, in Keras's shapes. */
export function seededKerasWeights(graph: ModelGraph, seed: number): KerasWeightValues {
  const random = seededRandom(seed);
  const values: KerasWeightValues = new Map();
  for (const spec of kerasLayerSpecs(graph)) {
    const tensors = new Map<KerasRole, KerasTensor>();
    for (const { role, shape } of spec.tensors) {
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < data.length; i++) data[i] = role === 'moving_variance' ? 0.5 + random() : random() * 2 - 1;
      tensors.set(role, { shape, data });
    }
    values.set(spec.layer.name, tensors);
  }
  return values;
}

export interface KerasFileOptions {
  /** Store the values as float64 (`<f8`) instead of float32. */
  float64?: boolean;
  /**
   * tf.keras archives: number a class's layers with weights 0, 2, 4, … (its `_layer_checkpoint_dependencies` listed
   * each of them twice and the second was counted, then skipped).
   */
  doubledNumbering?: boolean;
  /** Leave a weight out (layer → role). */
  omit?: { layer: string; role: KerasRole };
}

type H5File = InstanceType<typeof h5wasm.File>;
type H5Group = ReturnType<H5File['create_group']>;

const textAttr = (value: string): [string, null, string] => [value, null, `S${Math.max(1, Buffer.byteLength(value))}`];
const namesAttr = (group: H5Group, name: string, list: string[]): void => {
  group.create_attribute(name, list, [list.length], `S${Math.max(1, ...list.map((n) => Buffer.byteLength(n)))}`);
};

function dataset(group: H5Group, name: string, tensor: KerasTensor, options: KerasFileOptions): void {
  const data = options.float64 ? Float64Array.from(tensor.data) : tensor.data;
  group.create_dataset({ name, data, shape: tensor.shape, dtype: options.float64 ? '<f8' : '<f4' });
}

/** Writes an HDF5 file through a private temporary path and returns its bytes. */
async function hdf5Bytes(write: (file: H5File) => void): Promise<Buffer> {
  await h5wasm.ready;
  const dir = mkdtempSync(join(tmpdir(), 'frontier-kw-'));
  const path = join(dir, 'weights.h5');
  try {
    const file = new h5wasm.File(path, 'w');
    try {
      write(file);
    } finally {
      file.close();
    }
    return readFileSync(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A `model.save("x.h5")` file: `configJson` is model.to_json() in the layout of the Keras version. */
export async function kerasH5WithWeights(
  kind: 'keras2-h5' | 'keras3-h5',
  configJson: string,
  graph: ModelGraph,
  values: KerasWeightValues,
  options: KerasFileOptions = {},
): Promise<Buffer> {
  const keras3 = kind === 'keras3-h5';
  return hdf5Bytes((file) => {
    file.create_attribute('keras_version', ...textAttr(keras3 ? '3.5.0' : '2.12.0'));
    file.create_attribute('backend', ...textAttr('tensorflow'));
    file.create_attribute('model_config', ...textAttr(configJson));
    const weights = file.create_group('model_weights');
    const layers = graph.layers.filter((l) => l.type !== 'Input');
    namesAttr(weights, 'layer_names', layers.map((l) => l.name));
    for (const layer of layers) {
      const group = weights.create_group(layer.name);
      const tensors = [...(values.get(layer.name) ?? new Map<KerasRole, KerasTensor>())].filter(
        ([role]) => !(options.omit?.layer === layer.name && options.omit.role === role),
      );
      const stored = (role: KerasRole): string =>
        keras3 ? (layer.type === 'DepthwiseConv2D' && role === 'depthwise_kernel' ? 'kernel' : role) : `${role}:0`;
      namesAttr(group, 'weight_names', tensors.map(([role]) => `${layer.name}/${stored(role)}`));
      if (tensors.length === 0) continue;
      const inner = group.create_group(layer.name);
      for (const [role, tensor] of tensors) dataset(inner, stored(role), tensor, options);
    }
  });
}

/** Keras's names for the classes' saveables (keras.src.utils.naming.to_snake_case of the class name). */
export const SNAKE_CASE: Record<string, string> = {
  InputLayer: 'input_layer',
  Conv2D: 'conv2d',
  DepthwiseConv2D: 'depthwise_conv2d',
  SeparableConv2D: 'separable_conv2d',
  Dense: 'dense',
  BatchNormalization: 'batch_normalization',
  Activation: 'activation',
  ReLU: 're_lu',
  LeakyReLU: 'leaky_re_lu',
  Softmax: 'softmax',
  Add: 'add',
  Concatenate: 'concatenate',
  MaxPooling2D: 'max_pooling2d',
  AveragePooling2D: 'average_pooling2d',
  GlobalAveragePooling2D: 'global_average_pooling2d',
  ZeroPadding2D: 'zero_padding2d',
  Flatten: 'flatten',
  Dropout: 'dropout',
};

/** A `.keras` archive (stored entries, as Keras writes them) whose model.weights.h5 numbers each layer's variables. */
export async function kerasArchiveWithWeights(
  kind: 'keras3-archive' | 'tfkeras-archive',
  configJson: string,
  graph: ModelGraph,
  values: KerasWeightValues,
  options: KerasFileOptions = {},
): Promise<Buffer> {
  const container = kind === 'keras3-archive' ? 'layers' : '_layer_checkpoint_dependencies';
  const h5 = await hdf5Bytes((file) => {
    file.create_group('vars');
    const layers = file.create_group(container);
    const used = new Map<string, number>();
    const config = JSON.parse(configJson) as { config: { layers: { class_name: string; name?: string; config: { name: string } }[] } };
    for (const entry of config.config.layers) {
      const base = SNAKE_CASE[entry.class_name];
      if (base === undefined) throw new Error(`no snake-case name for ${entry.class_name}`);
      const layerName = entry.name ?? entry.config.name;
      const n = used.get(base) ?? 0;
      used.set(base, n + (options.doubledNumbering && values.has(layerName) ? 2 : 1));
      const vars = layers.create_group(n === 0 ? base : `${base}_${n}`).create_group('vars');
      let i = 0;
      for (const [role, tensor] of values.get(layerName) ?? []) {
        if (options.omit?.layer === layerName && options.omit.role === role) continue;
        dataset(vars, String(i++), tensor, options);
      }
    }
    // An optimizer's state sits beside the layers; the reader must leave it alone.
    const optimizer = file.create_group('optimizer').create_group('vars');
    optimizer.create_dataset({ name: '0', data: new Int32Array([3]), shape: [1], dtype: '<i4' });
  });
  const metadata = JSON.stringify({ keras_version: kind === 'keras3-archive' ? '3.5.0' : '2.15.0', date_saved: '2024-09-02@10:15:42' });
  return zipArchive([
    { name: 'metadata.json', data: Buffer.from(metadata), store: true },
    { name: 'config.json', data: Buffer.from(configJson), store: true },
    { name: 'model.weights.h5', data: h5, store: true },
  ]);
}

/**
 * The canonical layout of Keras weights, computed element by element (independently of the readers' transposes):
 * Conv2D [kh, kw, cin, cout] → [cout, cin, kh, kw]; depthwise [kh, kw, cin, m] → [cin·m, 1, kh, kw] with channel
 * c·m + j reading input c; Dense [in, out] → [out, in].
 */
export function canonicalKernel(kind: 'conv' | 'depthwise' | 'dense', tensor: KerasTensor): KerasTensor {
  const src = tensor.data;
  const out = new Float32Array(src.length);
  if (kind === 'dense') {
    const [inputs, units] = tensor.shape;
    for (let u = 0; u < units; u++) for (let i = 0; i < inputs; i++) out[u * inputs + i] = src[i * units + u];
    return { shape: [units, inputs], data: out };
  }
  const [kh, kw, cin, last] = tensor.shape;
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let c = 0; c < cin; c++) {
        for (let o = 0; o < last; o++) {
          const from = ((y * kw + x) * cin + c) * last + o;
          const to = kind === 'conv' ? ((o * cin + c) * kh + y) * kw + x : ((c * last + o) * kh + y) * kw + x;
          out[to] = src[from];
        }
      }
    }
  }
  return { shape: kind === 'conv' ? [last, cin, kh, kw] : [cin * last, 1, kh, kw], data: out };
}
