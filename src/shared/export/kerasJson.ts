// The edited architecture as Keras model JSON (what `model.to_json()` writes), to retrain a chosen configuration:
// Keras 2 functional layout (which TensorFlow.js reads too), or Keras 3's for Keras 3 sources. Only architecture
// fields are written: no initializers, regularizers or constraints (loaders fill in their defaults), no weights.
import { inferShapes } from '../model/shapes';
import { topologicalOrder } from '../model/graph';
import { ModelError, type ActivationName, type Layer, type ModelGraph } from '../model/types';

export type KerasLayout = 'keras2' | 'keras3';

type Json = Record<string, unknown>;

interface KerasLayer {
  className: string;
  name: string;
  config: Json;
  inputs: string[];
  /** Output shape without the batch dimension. */
  shape?: number[];
}

/** Activations Keras and TensorFlow.js both know by name. */
const KERAS_ACTIVATIONS: Partial<Record<ActivationName, string>> = {
  linear: 'linear',
  relu: 'relu',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'hard_sigmoid',
  swish: 'swish',
  silu: 'swish',
  tanh: 'tanh',
  softmax: 'softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  mish: 'mish',
};

/** Keras layer names may not hold "/" (Keras 3) and must be unique. */
function kerasNames(graph: ModelGraph): Map<string, string> {
  const used = new Set<string>();
  const names = new Map<string, string>();
  for (const layer of graph.layers) {
    let base = layer.name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[^A-Za-z]+/, '') || 'layer';
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    base = name;
    used.add(base);
    names.set(layer.name, base);
  }
  return names;
}

/** A convolution's window, as every Keras convolution spells it. */
const window = (layer: Extract<Layer, { kernel: unknown; dilation: unknown }>): Json => ({
  kernel_size: layer.kernel,
  strides: layer.strides,
  padding: layer.padding,
  data_format: 'channels_last',
  dilation_rate: layer.dilation,
});

/** The Keras layers for one Frontier layer: usually one, sometimes a helper before or after it. */
function toKeras(layer: Layer, name: string, inputs: string[], inShape: number[] | undefined): KerasLayer[] {
  const one = (className: string, config: Json): KerasLayer[] => [{ className, name, config, inputs }];
  const activationOf = (activation: ActivationName): { inLayer: string; after?: KerasLayer } => {
    const known = KERAS_ACTIVATIONS[activation];
    if (known) return { inLayer: known };
    // ReLU6 and others have no name both loaders accept: a layer of their own after the linear op.
    return { inLayer: 'linear', after: activationLayer(activation, `${name}_${activation}`, [name], layer.name) };
  };
  const withActivation = (className: string, config: Json, activation: ActivationName): KerasLayer[] => {
    const { inLayer, after } = activationOf(activation);
    const main: KerasLayer = { className, name, config: { ...config, activation: inLayer }, inputs };
    return after ? [main, after] : [main];
  };
  switch (layer.type) {
    case 'Input':
      return one('InputLayer', { shape: layer.shape });
    case 'Conv2D':
      return withActivation(
        'Conv2D',
        { filters: layer.filters, ...window(layer), groups: layer.groups, use_bias: layer.useBias },
        layer.activation,
      );
    case 'DepthwiseConv2D':
      return withActivation(
        'DepthwiseConv2D',
        { ...window(layer), depth_multiplier: layer.depthMultiplier, use_bias: layer.useBias },
        layer.activation,
      );
    case 'SeparableConv2D':
      return withActivation(
        'SeparableConv2D',
        { filters: layer.filters, ...window(layer), depth_multiplier: layer.depthMultiplier, use_bias: layer.useBias },
        layer.activation,
      );
    case 'Dense': {
      const dense = withActivation('Dense', { units: layer.units, use_bias: layer.useBias }, layer.activation);
      if (!layer.flattenInput || !inShape || inShape.length === 1) return dense;
      // TFLite's FULLY_CONNECTED reads its whole input: Keras needs the Flatten written out.
      const flatten: KerasLayer = { className: 'Flatten', name: `${name}_flatten`, config: { data_format: 'channels_last' }, inputs };
      dense[0].inputs = [flatten.name];
      return [flatten, ...dense];
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return one(layer.type, { pool_size: layer.pool, strides: layer.strides, padding: layer.padding, data_format: 'channels_last' });
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      return one(layer.type, { data_format: 'channels_last', keepdims: layer.keepDims });
    case 'Flatten':
      return one('Flatten', { data_format: 'channels_last' });
    case 'Reshape':
      return one('Reshape', { target_shape: layer.targetShape });
    case 'ZeroPadding2D':
      return one('ZeroPadding2D', { padding: layer.padding, data_format: 'channels_last' });
    case 'BatchNormalization':
      return one('BatchNormalization', {
        axis: -1,
        momentum: 0.99,
        epsilon: 0.001,
        center: layer.center,
        scale: layer.scale,
      });
    case 'Activation':
      return [activationLayer(layer.activation, name, inputs, layer.name)];
    case 'Dropout':
      return one('Dropout', { rate: layer.rate });
    case 'Add':
    case 'Multiply':
      if (layer.constantOperand) {
        throw new ModelError(
          `${layer.name}: ${layer.type} with a constant operand has no Keras layer (a constant is not a layer input)`,
          layer.name,
        );
      }
      return one(layer.type, {});
    case 'Concatenate':
      return one('Concatenate', { axis: layer.axis >= 0 ? layer.axis + 1 : layer.axis });
    case 'Transpose':
      return one('Permute', { dims: layer.perm.map((axis) => axis + 1) });
    case 'Cast':
      return []; // a number-format change: the converter adds it back; Keras computes in float
    case 'Opaque':
      throw new ModelError(`${layer.name}: the unknown operator ${layer.op} has no Keras layer`, layer.name);
  }
}

function activationLayer(activation: ActivationName, name: string, inputs: string[], from: string): KerasLayer {
  if (activation === 'relu6') return { className: 'ReLU', name, config: { max_value: 6 }, inputs };
  if (activation === 'leaky_relu') return { className: 'LeakyReLU', name, config: { alpha: 0.3 }, inputs };
  const known = KERAS_ACTIVATIONS[activation];
  if (!known) throw new ModelError(`${from}: the activation ${activation} has no Keras equivalent`, from);
  return { className: 'Activation', name, config: { activation: known }, inputs };
}

/** Keras layers for the whole graph, in execution order, with layer references renamed. */
function kerasLayers(graph: ModelGraph): { layers: KerasLayer[]; outputs: string[] } {
  const names = kerasNames(graph);
  const shapes = inferShapes(graph);
  /** The Keras layer whose output stands for each Frontier layer's output. */
  const outputOf = new Map<string, string>();
  const layers: KerasLayer[] = [];
  for (const layer of topologicalOrder(graph)) {
    const inputs = layer.inputs.map((i) => outputOf.get(i) as string);
    const inShape = shapes.get(layer.inputs[0] ?? '');
    const written = toKeras(layer, names.get(layer.name) as string, inputs, inShape);
    for (const w of written) {
      w.shape =
        w.className === 'Flatten' && layer.type === 'Dense' ? [(inShape ?? []).reduce((a, b) => a * b, 1)] : shapes.get(layer.name);
    }
    layers.push(...written);
    outputOf.set(layer.name, written.length > 0 ? written[written.length - 1].name : inputs[0]);
  }
  const outputs = (graph.outputs.length > 0 ? graph.outputs : [graph.layers[graph.layers.length - 1].name]).map(
    (o) => outputOf.get(o) as string,
  );
  return { layers, outputs };
}

function keras2(graph: ModelGraph, layers: KerasLayer[], outputs: string[]): Json {
  return {
    class_name: 'Functional',
    config: {
      name: graph.name.replace(/[^A-Za-z0-9_.-]+/g, '_'),
      layers: layers.map((l) => ({
        class_name: l.className,
        config:
          l.className === 'InputLayer'
            ? { batch_input_shape: [null, ...(l.config.shape as number[])], dtype: 'float32', name: l.name }
            : { name: l.name, trainable: true, dtype: 'float32', ...l.config },
        name: l.name,
        inbound_nodes: l.inputs.length === 0 ? [] : [l.inputs.map((i) => [i, 0, 0, {}])],
      })),
      input_layers: layers.filter((l) => l.className === 'InputLayer').map((l) => [l.name, 0, 0]),
      output_layers: outputs.map((o) => [o, 0, 0]),
    },
    keras_version: '2.12.0',
    backend: 'tensorflow',
  };
}

function keras3(graph: ModelGraph, layers: KerasLayer[], outputs: string[]): Json {
  const shapes = new Map(layers.map((l) => [l.name, [null, ...(l.shape ?? [])]]));
  const tensor = (name: string): Json => ({
    class_name: '__keras_tensor__',
    config: { shape: shapes.get(name), dtype: 'float32', keras_history: [name, 0, 0] },
  });
  const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const entries = layers.map((l) => {
    if (l.className === 'InputLayer') {
      const batchShape = [null, ...(l.config.shape as number[])];
      return {
        module: 'keras.layers',
        class_name: 'InputLayer',
        config: { batch_shape: batchShape, dtype: 'float32', sparse: false, name: l.name },
        registered_name: null,
        name: l.name,
        inbound_nodes: [],
      };
    }
    const args = l.inputs.length > 1 ? [l.inputs.map(tensor)] : [tensor(l.inputs[0])];
    return {
      module: 'keras.layers',
      class_name: l.className,
      config: { name: l.name, trainable: true, dtype, ...l.config },
      registered_name: null,
      name: l.name,
      inbound_nodes: [{ args, kwargs: {} }],
    };
  });
  const io = (names: string[]): unknown => names.map((n) => [n, 0, 0]);
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: graph.name.replace(/[^A-Za-z0-9_.-]+/g, '_'),
      trainable: true,
      layers: entries,
      input_layers: io(layers.filter((l) => l.className === 'InputLayer').map((l) => l.name)),
      output_layers: io(outputs),
    },
    registered_name: 'Functional',
  };
}

export interface KerasExportOptions {
  /** Keras 2 (default; TensorFlow.js reads it) or Keras 3. */
  layout?: KerasLayout;
  /** Recorded beside the model (Keras has no field for it): the precision the configuration was analysed at. */
  precision?: string;
  /** Free text recorded beside the model, e.g. the configuration's channels and figures. */
  comment?: string;
}

/** The Keras model JSON of a (possibly edited) graph. Shapes come out as the graph's; channels as edited. */
export function graphToKerasJson(graph: ModelGraph, options: KerasExportOptions = {}): Json {
  const { layers, outputs } = kerasLayers(graph);
  const model = (options.layout ?? 'keras2') === 'keras3' ? keras3(graph, layers, outputs) : keras2(graph, layers, outputs);
  // Loaders read class_name and config and ignore other keys: the configuration's precision travels here.
  model.frontier = {
    ...(options.precision ? { precision: options.precision } : {}),
    comment:
      options.comment ??
      'Architecture exported by Frontier: channels as configured, weights not included (train or transfer them).',
  };
  return model;
}
