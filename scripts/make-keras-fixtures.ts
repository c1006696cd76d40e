// Writes the Keras fixtures in test/fixtures/keras/: model JSON exactly as Keras's `model.to_json()`
// writes it, in the Keras 2 (tf.keras 2.12) and Keras 3 (3.5) layouts, a `.keras` archive and a
// TensorFlow.js `model.json`. The models mirror the keras.applications code that builds them.
//
//   npx tsx scripts/make-keras-fixtures.ts
//
// Tests import the builders below to make the MobileNet variants that are not committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';

// ---------------------------------------------------------------------------------------------
// JSON as Python's json.dumps writes it: ", " and ": " separators, floats with a decimal point.

/** A Python float (json.dumps writes 6.0, not 6). */
export class PyFloat {
  constructor(readonly value: number) {}
}
const float = (v: number): PyFloat => new PyFloat(v);

function floatRepr(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
  // Python pads exponents to two digits: 1e-07.
  return String(v).replace(/e([+-])(\d)$/, 'e$10$2');
}

export function pyDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') {
    // ensure_ascii: non-ASCII as \uXXXX
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(value)) return `[${value.map(pyDumps).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pyDumps(v)}`).join(', ')}}`;
}

/** The plain JSON value of a structure holding PyFloats (what a JSON parser gives back). */
export function toPlain(value: unknown): unknown {
  return JSON.parse(pyDumps(value)) as unknown;
}

// ---------------------------------------------------------------------------------------------
// A model as the Python code builds it: layer classes and constructor arguments.

type Args = Record<string, unknown>;
type Shape = (number | null)[];

export interface LayerDef {
  cls: string;
  name: string;
  args: Args;
  /** Names of the input layers (functional models; a Sequential chains its layers). */
  inputs: string[];
  /** Call kwargs recorded in a Keras 3 node. */
  kwargs?: Args;
}

export interface ModelDef {
  name: string;
  kind: 'sequential' | 'functional';
  /** Keras 3: input_layers / output_layers as a bare ["name", 0, 0] (Model(inputs=x, outputs=y)). */
  flatIo?: boolean;
  layers: LayerDef[];
  outputs: string[];
}

class Builder {
  layers: LayerDef[] = [];
  constructor(readonly name: string) {}
  input(shape: number[], name: string): string {
    this.layers.push({ cls: 'InputLayer', name, args: { shape }, inputs: [] });
    return name;
  }
  add(cls: string, name: string, args: Args, inputs: string | string[], kwargs?: Args): string {
    this.layers.push({ cls, name, args, inputs: Array.isArray(inputs) ? inputs : [inputs], kwargs });
    return name;
  }
}

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1]] : [v as number, v as number]);

function convOut(size: number, k: number, s: number, pad: string, d = 1): number {
  if (pad === 'same') return Math.ceil(size / s);
  return Math.floor((size - (d * (k - 1) + 1)) / s) + 1;
}

/** Output shape (with the batch dimension) of a layer as Keras computes it. */
function outputShape(layer: LayerDef, inputs: Shape[]): Shape {
  const a = layer.args;
  const x = inputs[0];
  const spatial = (k: unknown, s: unknown, pad: unknown, d: unknown = 1): [number, number] => {
    const [kh, kw] = pair(k);
    const [sh, sw] = pair(s ?? 1);
    const [dh, dw] = pair(d);
    const p = (pad as string) ?? 'valid';
    return [convOut(x[1] as number, kh, sh, p, dh), convOut(x[2] as number, kw, sw, p, dw)];
  };
  switch (layer.cls) {
    case 'InputLayer':
      return [null, ...(a.shape as number[])];
    case 'Conv2D':
    case 'SeparableConv2D':
      return [null, ...spatial(a.kernel_size, a.strides, a.padding, a.dilation_rate), a.filters as number];
    case 'DepthwiseConv2D':
      return [null, ...spatial(a.kernel_size, a.strides, a.padding), (x[3] as number) * ((a.depth_multiplier as number) ?? 1)];
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return [null, ...spatial(a.pool_size ?? 2, a.strides ?? a.pool_size ?? 2, a.padding), x[3]];
    case 'GlobalAveragePooling2D':
      return a.keepdims ? [null, 1, 1, x[3]] : [null, x[3]];
    case 'ZeroPadding2D': {
      const p = a.padding as number | [[number, number], [number, number]];
      const [[t, b], [l, r]] = typeof p === 'number' ? [[p, p], [p, p]] : p;
      return [null, (x[1] as number) + t + b, (x[2] as number) + l + r, x[3]];
    }
    case 'Flatten':
      return [null, (x.slice(1) as number[]).reduce((m, d) => m * d, 1)];
    case 'Dense':
      return [...x.slice(0, -1), a.units as number];
    case 'Reshape':
      return [null, ...(a.target_shape as number[])];
    case 'Concatenate': {
      const axis = (a.axis as number | undefined) ?? -1;
      const ax = axis < 0 ? x.length + axis : axis;
      const out = [...x];
      out[ax] = inputs.reduce((m, s) => m + (s[ax] as number), 0);
      return out;
    }
    default:
      return [...x];
  }
}

// ---------------------------------------------------------------------------------------------
// Configs in each layout

type Layout = 'keras2' | 'keras3' | 'keras2.2';

const DTYPE3 = (): Args => ({ module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null });

function init(layout: Layout, cls: string, config: Args = {}): Args {
  if (layout === 'keras3') return { module: 'keras.initializers', class_name: cls, config, registered_name: null };
  if (layout === 'keras2.2' && cls === 'GlorotUniform') {
    return {
      class_name: 'VarianceScaling',
      config: { scale: float(1), mode: 'fan_avg', distribution: 'uniform', seed: null },
    };
  }
  return { class_name: cls, config };
}
const glorot = (l: Layout): Args => init(l, 'GlorotUniform', { seed: null });
const zeros = (l: Layout): Args => init(l, 'Zeros');
const ones = (l: Layout): Args => init(l, 'Ones');

function baseConfig(layout: Layout, name: string, batchInputShape?: Shape): Args {
  if (layout === 'keras3') return { name, trainable: true, dtype: DTYPE3() };
  const base: Args = { name, trainable: true };
  if (batchInputShape) base.batch_input_shape = batchInputShape;
  if (layout === 'keras2') base.dtype = 'float32';
  else if (batchInputShape) base.dtype = 'float32';
  return base;
}

function layerConfig(layout: Layout, layer: LayerDef, inShape: Shape | undefined, batchInputShape?: Shape): Args {
  const a = layer.args;
  const k3 = layout === 'keras3';
  const k22 = layout === 'keras2.2';
  const base = baseConfig(layout, layer.name, batchInputShape);
  const activation = (a.activation as string | undefined) ?? 'linear';
  const useBias = (a.use_bias as boolean | undefined) ?? true;
  const strides = pair(a.strides ?? 1);
  const padding = (a.padding as string | undefined) ?? 'valid';
  const dilation = pair(a.dilation_rate ?? 1);
  switch (layer.cls) {
    case 'InputLayer': {
      const shape = [null, ...(a.shape as number[])];
      return k3
        ? { batch_shape: shape, dtype: 'float32', sparse: false, ragged: false, name: layer.name }
        : { batch_input_shape: shape, dtype: 'float32', sparse: false, ragged: false, name: layer.name };
    }
    case 'Conv2D':
      return {
        ...base,
        filters: a.filters,
        kernel_size: pair(a.kernel_size),
        strides,
        padding,
        data_format: 'channels_last',
        dilation_rate: dilation,
        ...(k22 ? {} : { groups: 1 }),
        activation,
        use_bias: useBias,
        kernel_initializer: glorot(layout),
        bias_initializer: zeros(layout),
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      };
    case 'DepthwiseConv2D':
      if (k3) {
        return {
          ...base,
          depth_multiplier: a.depth_multiplier ?? 1,
          kernel_size: pair(a.kernel_size),
          strides,
          padding,
          data_format: 'channels_last',
          dilation_rate: dilation,
          activation,
          use_bias: useBias,
          depthwise_initializer: glorot(layout),
          bias_initializer: zeros(layout),
          depthwise_regularizer: null,
          bias_regularizer: null,
          activity_regularizer: null,
          depthwise_constraint: null,
          bias_constraint: null,
        };
      }
      return {
        ...base,
        kernel_size: pair(a.kernel_size),
        strides,
        padding,
        data_format: 'channels_last',
        dilation_rate: dilation,
        groups: 1,
        activation,
        use_bias: useBias,
        bias_initializer: zeros(layout),
        bias_regularizer: null,
        activity_regularizer: null,
        bias_constraint: null,
        depth_multiplier: a.depth_multiplier ?? 1,
        depthwise_initializer: glorot(layout),
        depthwise_regularizer: null,
        depthwise_constraint: null,
      };
    case 'SeparableConv2D': {
      const sep: Args = {
        filters: a.filters,
        kernel_size: pair(a.kernel_size),
        strides,
        padding,
        data_format: 'channels_last',
        dilation_rate: dilation,
        depth_multiplier: a.depth_multiplier ?? 1,
        activation,
        use_bias: useBias,
        depthwise_initializer: glorot(layout),
        pointwise_initializer: glorot(layout),
        bias_initializer: zeros(layout),
        depthwise_regularizer: null,
        pointwise_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        depthwise_constraint: null,
        pointwise_constraint: null,
        bias_constraint: null,
      };
      return k3 ? { ...base, depth_multiplier: sep.depth_multiplier, ...sep } : { ...base, ...sep, groups: 1 };
    }
    case 'Dense':
      return {
        ...base,
        units: a.units,
        activation,
        use_bias: useBias,
        kernel_initializer: glorot(layout),
        bias_initializer: zeros(layout),
        kernel_regularizer: null,
        bias_regularizer: null,
        ...(k3 ? {} : { activity_regularizer: null }),
        kernel_constraint: null,
        bias_constraint: null,
      };
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = pair(a.pool_size ?? 2);
      return { ...base, pool_size: pool, padding, strides: a.strides === undefined ? pool : pair(a.strides), data_format: 'channels_last' };
    }
    case 'GlobalAveragePooling2D':
      return { ...base, data_format: 'channels_last', keepdims: (a.keepdims as boolean | undefined) ?? false };
    case 'Flatten':
      return { ...base, data_format: 'channels_last' };
    case 'Reshape':
      return { ...base, target_shape: a.target_shape };
    case 'ZeroPadding2D': {
      const p = a.padding as number | number[][];
      const padding2d = typeof p === 'number' ? [[p, p], [p, p]] : p;
      return { ...base, padding: padding2d, data_format: 'channels_last' };
    }
    case 'BatchNormalization':
      return {
        ...base,
        // tf.keras 2 stores the axis normalised to a list once built; Keras 3 keeps what was given.
        axis: k3 ? -1 : [(inShape as Shape).length - 1],
        momentum: float(0.99),
        epsilon: float(0.001),
        center: true,
        scale: true,
        beta_initializer: zeros(layout),
        gamma_initializer: ones(layout),
        moving_mean_initializer: zeros(layout),
        moving_variance_initializer: ones(layout),
        beta_regularizer: null,
        gamma_regularizer: null,
        beta_constraint: null,
        gamma_constraint: null,
        ...(k3 ? { synchronized: false } : {}),
      };
    case 'Activation':
      return { ...base, activation: a.activation };
    case 'ReLU':
      return {
        ...base,
        max_value: a.max_value === undefined ? null : float(a.max_value as number),
        negative_slope: float(0),
        threshold: float(0),
      };
    case 'LeakyReLU':
      return k3 ? { ...base, negative_slope: float(0.3) } : { ...base, alpha: float(0.3) };
    case 'Softmax':
      return { ...base, axis: -1 };
    case 'Dropout':
      return k3
        ? { ...base, rate: float(a.rate as number), seed: null, noise_shape: null }
        : { ...base, rate: float(a.rate as number), noise_shape: null, seed: null };
    case 'Add':
      return base;
    case 'Concatenate':
      return { ...base, axis: (a.axis as number | undefined) ?? -1 };
  }
  throw new Error(`no config writer for ${layer.cls}`);
}

/** Keras 3 writes build_config for layers that have a build() step. */
const BUILT_IN_KERAS3 = new Set([
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Dense',
  'BatchNormalization',
  'Flatten',
  'Reshape',
  'Add',
  'Concatenate',
]);

interface Serialized {
  json: Args;
  shapes: Map<string, Shape>;
}

function computeShapes(model: ModelDef): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  let previous: string | undefined;
  for (const layer of model.layers) {
    const inputs = model.kind === 'sequential' ? (previous ? [previous] : []) : layer.inputs;
    shapes.set(layer.name, outputShape(layer, inputs.map((n) => shapes.get(n) as Shape)));
    previous = layer.name;
  }
  return shapes;
}

/** The JSON object `model.to_json()` writes for the model, in the given layout. */
export function serializeModel(model: ModelDef, layout: Layout): Serialized {
  const shapes = computeShapes(model);
  const k3 = layout === 'keras3';
  const inputsOf = (layer: LayerDef, i: number): string[] =>
    model.kind === 'sequential' ? (i > 0 ? [model.layers[i - 1].name] : []) : layer.inputs;

  const entries: Args[] = [];
  model.layers.forEach((layer, i) => {
    const inputs = inputsOf(layer, i);
    const inShapes = inputs.map((n) => shapes.get(n) as Shape);
    if (layout === 'keras2.2' && layer.cls === 'InputLayer') return; // Keras 2.2 Sequential: no InputLayer entry
    const batchInputShape = layout === 'keras2.2' && i === 1 ? (shapes.get(model.layers[0].name) as Shape) : undefined;
    const config = layerConfig(layout, layer, inShapes[0], batchInputShape);
    const entry: Args = k3
      ? { module: 'keras.layers', class_name: layer.cls, config, registered_name: null }
      : { class_name: layer.cls, config };
    if (k3 && BUILT_IN_KERAS3.has(layer.cls)) {
      entry.build_config = { input_shape: inShapes.length > 1 ? inShapes : inShapes[0] };
    }
    if (model.kind === 'functional') {
      entry.name = layer.name;
      if (k3) {
        const tensors = inputs.map((n) => ({
          class_name: '__keras_tensor__',
          config: { shape: shapes.get(n), dtype: 'float32', keras_history: [n, 0, 0] },
        }));
        entry.inbound_nodes =
          inputs.length === 0 ? [] : [{ args: [tensors.length > 1 ? tensors : tensors[0]], kwargs: layer.kwargs ?? {} }];
      } else {
        entry.inbound_nodes = inputs.length === 0 ? [] : [inputs.map((n) => [n, 0, 0, {}])];
      }
    }
    entries.push(entry);
  });

  const first = shapes.get(model.layers[0].name) as Shape;
  if (model.kind === 'sequential') {
    if (k3) {
      return {
        shapes,
        json: {
          module: 'keras',
          class_name: 'Sequential',
          config: { name: model.name, trainable: true, dtype: DTYPE3(), layers: entries, build_input_shape: first },
          registered_name: null,
          build_config: { input_shape: first },
        },
      };
    }
    return {
      shapes,
      json: {
        class_name: 'Sequential',
        config: { name: model.name, layers: entries },
        keras_version: layout === 'keras2.2' ? '2.2.4' : '2.12.0',
        backend: 'tensorflow',
      },
    };
  }
  const inputNames = model.layers.filter((l) => l.cls === 'InputLayer').map((l) => l.name);
  const io = (names: string[]): unknown =>
    k3 && model.flatIo && names.length === 1 ? [names[0], 0, 0] : names.map((n) => [n, 0, 0]);
  if (k3) {
    return {
      shapes,
      json: {
        module: 'keras.src.models.functional',
        class_name: 'Functional',
        config: { name: model.name, trainable: true, layers: entries, input_layers: io(inputNames), output_layers: io(model.outputs) },
        registered_name: 'Functional',
        build_config: { input_shape: null },
      },
    };
  }
  return {
    shapes,
    json: {
      class_name: 'Functional',
      config: { name: model.name, layers: entries, input_layers: io(inputNames), output_layers: io(model.outputs) },
      keras_version: '2.12.0',
      backend: 'tensorflow',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Models

/** The exam CNN: 128×128×1 → conv 16 → pool → conv 32 → pool → flatten → dense 3. */
export function examCnn(kind: 'sequential' | 'functional'): ModelDef {
  const b = new Builder('exam_cnn');
  let x = b.input([128, 128, 1], 'input');
  x = b.add('Conv2D', 'conv1', { filters: 16, kernel_size: 3, activation: 'relu' }, x);
  x = b.add('MaxPooling2D', 'pool1', { pool_size: 2 }, x);
  x = b.add('Conv2D', 'conv2', { filters: 32, kernel_size: 3, activation: 'relu' }, x);
  x = b.add('MaxPooling2D', 'pool2', { pool_size: 2 }, x);
  x = b.add('Flatten', 'flatten', {}, x);
  x = b.add('Dense', 'dense', { units: 3, activation: 'softmax' }, x);
  return { name: 'exam_cnn', kind, flatIo: true, layers: b.layers, outputs: [x] };
}

/**
 * keras.applications.mobilenet.MobileNet(input_shape=(rows, rows, 3), alpha=alpha, include_top=True,
 * classes=1000). Keras 2 ends GlobalAveragePooling2D → Reshape((1, 1, 1024·alpha)); Keras 3 uses
 * GlobalAveragePooling2D(keepdims=True).
 */
export function mobilenet(alpha: number, rows: number, layout: 'keras2' | 'keras3'): ModelDef {
  const name = `mobilenet_${alpha.toFixed(2)}_${rows}`;
  const b = new Builder(name);
  const depthMultiplier = 1;
  let x = b.input([rows, rows, 3], layout === 'keras3' ? 'input_layer' : 'input_1');

  // _conv_block(img_input, 32, alpha, strides=(2, 2))
  x = b.add('Conv2D', 'conv1', { filters: Math.trunc(32 * alpha), kernel_size: [3, 3], padding: 'same', use_bias: false, strides: [2, 2] }, x);
  x = b.add('BatchNormalization', 'conv1_bn', { axis: -1 }, x);
  x = b.add('ReLU', 'conv1_relu', { max_value: 6 }, x);

  const block = (filters: number, blockId: number, strides: [number, number] = [1, 1]): void => {
    const pointwise = Math.trunc(filters * alpha);
    const stride1 = strides[0] === 1 && strides[1] === 1;
    if (!stride1) x = b.add('ZeroPadding2D', `conv_pad_${blockId}`, { padding: [[0, 1], [0, 1]] }, x);
    x = b.add(
      'DepthwiseConv2D',
      `conv_dw_${blockId}`,
      { kernel_size: [3, 3], padding: stride1 ? 'same' : 'valid', depth_multiplier: depthMultiplier, strides, use_bias: false },
      x,
    );
    x = b.add('BatchNormalization', `conv_dw_${blockId}_bn`, { axis: -1 }, x);
    x = b.add('ReLU', `conv_dw_${blockId}_relu`, { max_value: 6 }, x);
    x = b.add('Conv2D', `conv_pw_${blockId}`, { filters: pointwise, kernel_size: [1, 1], padding: 'same', use_bias: false, strides: [1, 1] }, x);
    x = b.add('BatchNormalization', `conv_pw_${blockId}_bn`, { axis: -1 }, x);
    x = b.add('ReLU', `conv_pw_${blockId}_relu`, { max_value: 6 }, x);
  };
  block(64, 1);
  block(128, 2, [2, 2]);
  block(128, 3);
  block(256, 4, [2, 2]);
  block(256, 5);
  block(512, 6, [2, 2]);
  for (let id = 7; id <= 11; id++) block(512, id);
  block(1024, 12, [2, 2]);
  block(1024, 13);

  const classes = 1000;
  if (layout === 'keras3') {
    x = b.add('GlobalAveragePooling2D', 'global_average_pooling2d', { keepdims: true }, x);
  } else {
    x = b.add('GlobalAveragePooling2D', 'global_average_pooling2d', {}, x);
    x = b.add('Reshape', 'reshape_1', { target_shape: [1, 1, Math.trunc(1024 * alpha)] }, x);
  }
  x = b.add('Dropout', 'dropout', { rate: 1e-3 }, x);
  x = b.add('Conv2D', 'conv_preds', { filters: classes, kernel_size: [1, 1], padding: 'same' }, x);
  x = b.add('Reshape', 'reshape_2', { target_shape: [classes] }, x);
  x = b.add('Activation', 'predictions', { activation: 'softmax' }, x);
  return { name, kind: 'functional', flatIo: true, layers: b.layers, outputs: [x] };
}

/** keras.applications.vgg16.VGG16(include_top=True, weights=None) on 224×224×3, 1000 classes. */
export function vgg16(layout: 'keras2' | 'keras3'): ModelDef {
  const b = new Builder('vgg16');
  let x = b.input([224, 224, 3], layout === 'keras3' ? 'input_layer' : 'input_1');
  const blocks: [number, number][] = [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ];
  blocks.forEach(([filters, convs], i) => {
    for (let c = 1; c <= convs; c++) {
      x = b.add('Conv2D', `block${i + 1}_conv${c}`, { filters, kernel_size: [3, 3], activation: 'relu', padding: 'same' }, x);
    }
    x = b.add('MaxPooling2D', `block${i + 1}_pool`, { pool_size: [2, 2], strides: [2, 2] }, x);
  });
  x = b.add('Flatten', 'flatten', {}, x);
  x = b.add('Dense', 'fc1', { units: 4096, activation: 'relu' }, x);
  x = b.add('Dense', 'fc2', { units: 4096, activation: 'relu' }, x);
  x = b.add('Dense', 'predictions', { units: 1000, activation: 'softmax' }, x);
  return { name: 'vgg16', kind: 'functional', flatIo: true, layers: b.layers, outputs: [x] };
}

/** A small residual network with a three-way Concatenate, for branching graphs. */
export function resnetMini(layout: 'keras2' | 'keras3'): ModelDef {
  const b = new Builder('resnet_mini');
  const inp = b.input([32, 32, 3], 'input');
  let x = b.add('Conv2D', 'stem_conv', { filters: 16, kernel_size: 3, padding: 'same', use_bias: false }, inp);
  x = b.add('BatchNormalization', 'stem_bn', {}, x);
  const stem = b.add('Activation', 'stem_relu', { activation: 'relu' }, x);
  x = b.add('Conv2D', 'res1_conv1', { filters: 16, kernel_size: 3, padding: 'same', use_bias: false }, stem);
  x = b.add('BatchNormalization', 'res1_bn1', {}, x);
  x = b.add('ReLU', 'res1_relu1', {}, x);
  x = b.add('Conv2D', 'res1_conv2', { filters: 16, kernel_size: 3, padding: 'same', use_bias: false }, x);
  x = b.add('BatchNormalization', 'res1_bn2', {}, x);
  x = b.add('Add', 'res1_add', {}, [stem, x]);
  x = b.add('Activation', 'res1_out', { activation: 'relu' }, x);
  const down = b.add('Conv2D', 'down_conv', { filters: 32, kernel_size: 3, strides: 2, padding: 'same', activation: 'relu' }, x);
  const a = b.add('Conv2D', 'branch_a', { filters: 16, kernel_size: 1, activation: 'relu' }, down);
  const sep = b.add('SeparableConv2D', 'branch_b', { filters: 16, kernel_size: 3, padding: 'same', activation: 'relu' }, down);
  const dw = b.add('DepthwiseConv2D', 'branch_c_dw', { kernel_size: 3, padding: 'same', depth_multiplier: 2 }, down);
  const c = b.add('MaxPooling2D', 'branch_c', { pool_size: 3, strides: 1, padding: 'same' }, dw);
  x = b.add('Concatenate', 'concat', { axis: 3 }, [a, sep, c]);
  x = b.add('ZeroPadding2D', 'pad', { padding: 1 }, x);
  x = b.add('AveragePooling2D', 'avg_pool', { pool_size: 2 }, x);
  x = b.add('LeakyReLU', 'leaky', {}, x);
  x = b.add('GlobalAveragePooling2D', 'gap', {}, x);
  x = b.add('Dropout', 'drop', { rate: 0.2 }, x);
  x = b.add('Dense', 'logits', { units: 10 }, x, layout === 'keras3' ? { mask: null } : undefined);
  x = b.add('Softmax', 'probs', {}, x);
  return { name: 'resnet_mini', kind: 'functional', flatIo: false, layers: b.layers, outputs: [x] };
}

// ---------------------------------------------------------------------------------------------
// Files

/** JSON text of `model.to_json()` for the model. */
export function modelJson(model: ModelDef, layout: Layout): string {
  return pyDumps(serializeModel(model, layout).json);
}

/** A `.keras` archive as Keras 3's model.save() writes it (stored entries; the weights file is a stub). */
export function kerasArchive(model: ModelDef): Buffer {
  const json = serializeModel(model, 'keras3').json;
  json.compile_config = {
    optimizer: {
      module: 'keras.optimizers',
      class_name: 'Adam',
      config: {
        name: 'adam',
        learning_rate: float(0.0010000000474974513),
        weight_decay: null,
        clipnorm: null,
        global_clipnorm: null,
        clipvalue: null,
        use_ema: false,
        ema_momentum: float(0.99),
        ema_overwrite_frequency: null,
        loss_scale_factor: null,
        gradient_accumulation_steps: null,
        beta_1: float(0.9),
        beta_2: float(0.999),
        epsilon: float(1e-7),
        amsgrad: false,
      },
      registered_name: null,
    },
    loss: 'sparse_categorical_crossentropy',
    loss_weights: null,
    metrics: ['accuracy'],
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
  const metadata = { keras_version: '3.5.0', date_saved: '2024-09-02@10:15:42' };
  // An HDF5 signature and nothing else: the importer never reads the weights.
  const weights = Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(88)]);
  // Stored, as Keras writes them; a fixed time (local, so the bytes do not depend on the time zone) keeps the
  // archive reproducible byte for byte.
  const stored = { level: 0 } as const;
  return Buffer.from(
    zipSync(
      {
        'metadata.json': [Buffer.from(pyDumps(metadata)), stored],
        'config.json': [Buffer.from(pyDumps(json)), stored],
        'model.weights.h5': [weights, stored],
      },
      { mtime: '2024-01-01T00:00:00' },
    ),
  );
}

/** model.json from `tensorflowjs_converter --input_format keras` on the tf.keras model. */
export function tfjsModelJson(model: ModelDef): string {
  const { json, shapes } = serializeModel(model, 'keras2');
  const weights: Args[] = [];
  let previous: Shape | undefined;
  for (const layer of model.layers) {
    const inShape = previous;
    previous = shapes.get(layer.name);
    const a = layer.args;
    if (layer.cls === 'Conv2D') {
      const [kh, kw] = pair(a.kernel_size);
      weights.push({ name: `${layer.name}/kernel`, shape: [kh, kw, (inShape as Shape)[3], a.filters], dtype: 'float32' });
      weights.push({ name: `${layer.name}/bias`, shape: [a.filters], dtype: 'float32' });
    } else if (layer.cls === 'Dense') {
      weights.push({ name: `${layer.name}/kernel`, shape: [(inShape as Shape)[1], a.units], dtype: 'float32' });
      weights.push({ name: `${layer.name}/bias`, shape: [a.units], dtype: 'float32' });
    }
  }
  const { class_name, config, keras_version, backend } = json;
  const file = {
    format: 'layers-model',
    generatedBy: `keras v${String(keras_version)}`,
    convertedBy: 'TensorFlow.js Converter v4.4.0',
    modelTopology: {
      keras_version,
      backend,
      model_config: { class_name, config },
      training_config: {
        loss: 'sparse_categorical_crossentropy',
        metrics: ['accuracy'],
        weighted_metrics: null,
        loss_weights: null,
        optimizer_config: {
          class_name: 'Adam',
          config: {
            name: 'Adam',
            learning_rate: float(0.0010000000474974513),
            decay: float(0),
            beta_1: float(0.8999999761581421),
            beta_2: float(0.9990000128746033),
            epsilon: float(1e-7),
            amsgrad: false,
          },
        },
      },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights }],
  };
  return pyDumps(file);
}

export const FIXTURE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../test/fixtures/keras');

export function writeFixtures(dir: string = FIXTURE_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string | Buffer][] = [
    ['exam-cnn.keras2.json', modelJson(examCnn('sequential'), 'keras2')],
    ['exam-cnn.keras2-legacy.json', modelJson(examCnn('sequential'), 'keras2.2')],
    ['exam-cnn.keras3.json', modelJson(examCnn('sequential'), 'keras3')],
    ['exam-cnn.functional.keras2.json', modelJson(examCnn('functional'), 'keras2')],
    ['exam-cnn.functional.keras3.json', modelJson(examCnn('functional'), 'keras3')],
    ['exam-cnn.keras', kerasArchive(examCnn('sequential'))],
    ['exam-cnn.tfjs.json', tfjsModelJson(examCnn('sequential'))],
    ['mobilenet_1.00_224.keras2.json', modelJson(mobilenet(1, 224, 'keras2'), 'keras2')],
    ['mobilenet_1.00_224.keras3.json', modelJson(mobilenet(1, 224, 'keras3'), 'keras3')],
    ['vgg16.keras2.json', modelJson(vgg16('keras2'), 'keras2')],
    ['vgg16.keras3.json', modelJson(vgg16('keras3'), 'keras3')],
    ['resnet-mini.keras2.json', modelJson(resnetMini('keras2'), 'keras2')],
    ['resnet-mini.keras3.json', modelJson(resnetMini('keras3'), 'keras3')],
  ];
  for (const [name, data] of files) writeFileSync(join(dir, name), data);
  return files.map(([name]) => name);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const name of writeFixtures()) console.log(`wrote ${join('test/fixtures/keras', name)}`);
}
