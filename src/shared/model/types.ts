// The model graph as Frontier stores it: framework-neutral, channels-last, no batch dimension.

export type Padding = 'valid' | 'same';
export type Pair = [number, number];

/** Element-wise activations Frontier knows by name (Keras spelling). */
export type ActivationName =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'leaky_relu'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'sigmoid'
  | 'hard_sigmoid'
  | 'swish'
  | 'silu'
  | 'hard_swish'
  | 'hard_silu'
  | 'tanh'
  | 'softmax'
  | 'softplus'
  | 'softsign'
  | 'exponential'
  | 'mish';

export interface InputSpec {
  type: 'Input';
  /** [H, W, C] or [N]; no batch dimension. */
  shape: number[];
}

export interface Conv2DSpec {
  type: 'Conv2D';
  filters: number;
  kernel: Pair;
  strides: Pair;
  padding: Padding;
  dilation: Pair;
  groups: number;
  useBias: boolean;
  activation: ActivationName;
}

export interface DepthwiseConv2DSpec {
  type: 'DepthwiseConv2D';
  kernel: Pair;
  strides: Pair;
  padding: Padding;
  dilation: Pair;
  depthMultiplier: number;
  useBias: boolean;
  activation: ActivationName;
}

export interface SeparableConv2DSpec {
  type: 'SeparableConv2D';
  filters: number;
  kernel: Pair;
  strides: Pair;
  padding: Padding;
  dilation: Pair;
  depthMultiplier: number;
  useBias: boolean;
  activation: ActivationName;
}

export interface DenseSpec {
  type: 'Dense';
  units: number;
  useBias: boolean;
  activation: ActivationName;
}

export interface Pool2DSpec {
  type: 'MaxPooling2D' | 'AveragePooling2D';
  pool: Pair;
  strides: Pair;
  padding: Padding;
}

export interface GlobalPool2DSpec {
  type: 'GlobalAveragePooling2D' | 'GlobalMaxPooling2D';
  keepDims: boolean;
}

export interface FlattenSpec {
  type: 'Flatten';
}

export interface ReshapeSpec {
  type: 'Reshape';
  /** Target shape without batch; one entry may be -1. */
  targetShape: number[];
}

export interface ZeroPadding2DSpec {
  type: 'ZeroPadding2D';
  /** [[top, bottom], [left, right]] */
  padding: [Pair, Pair];
}

export interface BatchNormalizationSpec {
  type: 'BatchNormalization';
  /** Keras's `center` / `scale`: which of beta / gamma exist (both by default). */
  center: boolean;
  scale: boolean;
}

export interface ActivationSpec {
  type: 'Activation';
  activation: ActivationName;
}

export interface DropoutSpec {
  type: 'Dropout';
  rate: number;
}

export interface AddSpec {
  type: 'Add';
}

export interface ConcatenateSpec {
  type: 'Concatenate';
  /** Axis without batch, normalised to a non-negative index at shape inference (-1 = channels). */
  axis: number;
}

export type LayerSpec =
  | InputSpec
  | Conv2DSpec
  | DepthwiseConv2DSpec
  | SeparableConv2DSpec
  | DenseSpec
  | Pool2DSpec
  | GlobalPool2DSpec
  | FlattenSpec
  | ReshapeSpec
  | ZeroPadding2DSpec
  | BatchNormalizationSpec
  | ActivationSpec
  | DropoutSpec
  | AddSpec
  | ConcatenateSpec;

export type LayerType = LayerSpec['type'];

export type Layer = LayerSpec & {
  name: string;
  /** Names of the layers whose outputs feed this one, in order. Empty for Input. */
  inputs: string[];
  /** Overrides the model's precision for this layer (a precision name, e.g. `int8`, `w4a8`). */
  precision?: string;
};

export interface ModelGraph {
  name: string;
  /** Layers in any order; analysis uses a topological order. */
  layers: Layer[];
  /** Names of the output layers; the last layer when omitted. */
  outputs: string[];
}

export const LAYER_TYPES: readonly LayerType[] = [
  'Input',
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'Dense',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Reshape',
  'ZeroPadding2D',
  'BatchNormalization',
  'Activation',
  'Dropout',
  'Add',
  'Concatenate',
];

/** Layers whose output channel count is a free choice (filters / units). */
export type ChannelLayer = Extract<Layer, { type: 'Conv2D' | 'SeparableConv2D' | 'Dense' }>;

export function isChannelLayer(layer: Layer): layer is ChannelLayer {
  return layer.type === 'Conv2D' || layer.type === 'SeparableConv2D' || layer.type === 'Dense';
}

export function outputChannelsOf(layer: ChannelLayer): number {
  return layer.type === 'Dense' ? layer.units : layer.filters;
}

/** Layers that carry weights and MACs and so can absorb a BatchNormalization and an activation. */
export type ComputeLayer = Extract<
  Layer,
  { type: 'Conv2D' | 'DepthwiseConv2D' | 'SeparableConv2D' | 'Dense' }
>;

export function isComputeLayer(layer: Layer): layer is ComputeLayer {
  return (
    layer.type === 'Conv2D' ||
    layer.type === 'DepthwiseConv2D' ||
    layer.type === 'SeparableConv2D' ||
    layer.type === 'Dense'
  );
}

/** A problem with a model, naming the layer (when there is one) and the numbers involved. */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly layer?: string,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
