// One Keras layer's config converted to a Frontier layer spec, and the BatchNormalization axes checked
// once the graph's shapes are known.
import { activationLayer } from './kerasActivations';
import { Fields, fixedShape } from './kerasFields';
import { show, type Obj } from './kerasValues';
import { inferShapes } from './shapes';
import { ModelError, type Layer, type LayerSpec, type ModelGraph } from './types';

const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

const DROPOUT_CLASSES = new Set(['Dropout', 'SpatialDropout2D', 'GaussianDropout', 'AlphaDropout', 'GaussianNoise']);

/** A layer of the config, with its class, config object and name checked. */
export interface LayerEntry {
  className: string;
  config: Obj;
  name: string;
  raw: Obj;
}

export function makeLayer(name: string, inputs: string[], spec: LayerSpec): Layer {
  return { name, ...spec, inputs } as Layer;
}

/** Keras's `axis` of each BatchNormalization layer, by layer name, checked once shapes are known. */
export type BatchNormAxes = Map<string, unknown>;

export function convertLayer(entry: LayerEntry, bnAxes: BatchNormAxes): LayerSpec {
  const { className, config, name } = entry;
  const f = new Fields(name, config);
  if (config.data_format === 'channels_first') {
    throw new ModelError(
      `layer "${name}": data_format "channels_first" is not supported; Frontier reads channels_last (NHWC) models`,
      name,
    );
  }
  switch (className) {
    case 'InputLayer': {
      const batchShape = config.batch_shape ?? config.batch_input_shape ?? config.batchInputShape;
      if (batchShape !== undefined && batchShape !== null) {
        return { type: 'Input', shape: fixedShape(name, batchShape, true) };
      }
      const shape = config.input_shape ?? config.shape;
      if (shape !== undefined && shape !== null) return { type: 'Input', shape: fixedShape(name, shape, false) };
      throw new ModelError(`layer "${name}": InputLayer has no "batch_shape" / "batch_input_shape"`, name);
    }
    case 'Conv2D':
    case 'Convolution2D':
      return {
        type: 'Conv2D',
        filters: f.count('filters'),
        kernel: f.pair('kernel_size'),
        strides: f.pair('strides', [1, 1]),
        padding: f.padding(),
        dilation: f.pair('dilation_rate', [1, 1]),
        groups: f.count('groups', 1),
        useBias: f.bool('use_bias', true),
        activation: f.activation('activation'),
      };
    case 'DepthwiseConv2D':
      return {
        type: 'DepthwiseConv2D',
        kernel: f.pair('kernel_size'),
        strides: f.pair('strides', [1, 1]),
        padding: f.padding(),
        dilation: f.pair('dilation_rate', [1, 1]),
        depthMultiplier: f.count('depth_multiplier', 1),
        useBias: f.bool('use_bias', true),
        activation: f.activation('activation'),
      };
    case 'SeparableConv2D':
    case 'SeparableConvolution2D':
      return {
        type: 'SeparableConv2D',
        filters: f.count('filters'),
        kernel: f.pair('kernel_size'),
        strides: f.pair('strides', [1, 1]),
        padding: f.padding(),
        dilation: f.pair('dilation_rate', [1, 1]),
        depthMultiplier: f.count('depth_multiplier', 1),
        useBias: f.bool('use_bias', true),
        activation: f.activation('activation'),
      };
    case 'Dense':
      return {
        type: 'Dense',
        units: f.count('units'),
        useBias: f.bool('use_bias', true),
        activation: f.activation('activation'),
      };
    case 'MaxPooling2D':
    case 'MaxPool2D':
    case 'AveragePooling2D':
    case 'AvgPool2D': {
      const pool = f.pair('pool_size', [2, 2]);
      return {
        type: className.startsWith('Max') ? 'MaxPooling2D' : 'AveragePooling2D',
        pool,
        // Keras: strides=None means strides = pool_size.
        strides: f.pair('strides', pool),
        padding: f.padding(),
      };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalAvgPool2D':
    case 'GlobalMaxPooling2D':
    case 'GlobalMaxPool2D':
      return {
        type: className.startsWith('GlobalMax') ? 'GlobalMaxPooling2D' : 'GlobalAveragePooling2D',
        keepDims: f.bool('keepdims', false),
      };
    case 'Flatten':
      return { type: 'Flatten' };
    case 'Reshape':
      return { type: 'Reshape', targetShape: f.targetShape('target_shape') };
    case 'ZeroPadding2D':
      return { type: 'ZeroPadding2D', padding: f.padding2d() };
    case 'BatchNormalization':
      bnAxes.set(name, config.axis ?? -1);
      return { type: 'BatchNormalization', center: f.bool('center', true), scale: f.bool('scale', true) };
    case 'Activation':
      if (config.activation === undefined) {
        throw new ModelError(`layer "${name}": Activation has no "activation"`, name);
      }
      return { type: 'Activation', activation: f.activation('activation') };
    case 'ReLU':
    case 'ReLU6':
    case 'LeakyReLU':
    case 'ELU':
    case 'Softmax':
      return { type: 'Activation', activation: activationLayer(className, config, name) };
    case 'Add':
      return { type: 'Add' };
    case 'Multiply':
      return { type: 'Multiply' };
    case 'Concatenate': {
      // Keras counts the batch dimension in the axis; Frontier does not. Negative axes count from the end
      // either way.
      const axis = f.int('axis', -1);
      if (axis === 0) {
        throw new ModelError(`layer "${name}": Concatenate along axis 0 (the batch) is not supported`, name);
      }
      return { type: 'Concatenate', axis: axis > 0 ? axis - 1 : axis };
    }
    default:
      if (DROPOUT_CLASSES.has(className)) {
        // Noise layers do nothing at inference; GaussianNoise has a stddev, not a rate.
        const rate = className === 'GaussianNoise' ? 0 : f.rate('rate');
        return { type: 'Dropout', rate };
      }
      if (MODEL_CLASSES.has(className) || Array.isArray(config.layers)) {
        throw new ModelError(
          `layer "${name}": unsupported layer type ${className} (a model used as a layer; nested models are not supported)`,
          name,
        );
      }
      if (className === 'PReLU') {
        throw new ModelError(
          `layer "${name}": unsupported layer type PReLU (its learned slopes are parameters Frontier does not model)`,
          name,
        );
      }
      throw new ModelError(`layer "${name}": unsupported layer type ${className}`, name);
  }
}
/**
 * Frontier's BatchNormalization normalises the channel (last) axis. Keras's axis counts the batch
 * dimension (`3` for an H×W×C input, `-1` for the last axis); anything else is refused.
 */
export function checkBatchNormAxes(graph: ModelGraph, bnAxes: BatchNormAxes): void {
  const pending: { layer: Layer; axes: unknown[] }[] = [];
  for (const layer of graph.layers) {
    if (layer.type !== 'BatchNormalization') continue;
    const raw = bnAxes.get(layer.name) ?? -1;
    const axes = Array.isArray(raw) ? raw : [raw];
    if (axes.length === 1 && axes[0] === -1) continue;
    if (axes.length !== 1 || !Number.isInteger(axes[0])) {
      throw new ModelError(
        `layer "${layer.name}": BatchNormalization over axis ${show(raw)} is not supported; Frontier normalises the channel (last) axis`,
        layer.name,
      );
    }
    pending.push({ layer, axes });
  }
  if (pending.length === 0) return;
  let shapes: Map<string, number[]>;
  try {
    shapes = inferShapes(graph);
  } catch {
    return; // the shape problem is reported by whoever infers shapes next
  }
  for (const { layer, axes } of pending) {
    const rank = (shapes.get(layer.inputs[0]) ?? []).length;
    const axis = axes[0] as number;
    if (axis !== rank && axis !== -1) {
      throw new ModelError(
        `layer "${layer.name}": BatchNormalization over axis ${axis} is not supported; Frontier normalises the channel (last) axis (${rank} here)`,
        layer.name,
      );
    }
  }
}
