// A model's config as `model.to_json()` writes it, in each layout Keras has written.
import { float } from './pyJson';
import { outputShape, pair, type Args, type LayerDef, type ModelDef, type Shape } from './modelDef';

export type Layout = 'keras2' | 'keras3' | 'keras2.2';

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
