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
  | 'mish'
  /** ONNX Clip with bounds other than [0, 6] or [0, ∞). */
  | 'clip'
  /** TFLite RELU_N1_TO_1: clamps to [-1, 1]. */
  | 'relu_n1_to_1';

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
  /**
   * Reads its whole input as one vector, as TFLite's FULLY_CONNECTED does (no tensor is written for the flattening).
   * Without it a Dense layer applies to the last dimension, as Keras's does.
   */
  flattenInput?: boolean;
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
  /**
   * An operation of its own that is never fused into its producer: a file that is already the deployed graph (a
   * TFLite RELU or SOFTMAX operator) runs it with its own output tensor.
   */
  standalone?: boolean;
}

export interface DropoutSpec {
  type: 'Dropout';
  rate: number;
}

export interface AddSpec {
  type: 'Add';
  /**
   * A constant operand (not a layer) takes part, as in TFLite's `ADD(x, const)`: one layer input is then enough.
   * Constants are neither parameters nor activation tensors.
   */
  constantOperand?: boolean;
}

/** Element-wise product of its inputs (numpy broadcasting), e.g. a squeeze-and-excitation scale or TFLite MUL. */
export interface MultiplySpec {
  type: 'Multiply';
  /** As for Add: a constant operand takes part, so one layer input is enough. */
  constantOperand?: boolean;
}

/**
 * A change of number format that allocates its output (TFLite QUANTIZE / DEQUANTIZE, ONNX QuantizeLinear on a model
 * input). The output's format is the layer's activation precision.
 */
export interface CastSpec {
  type: 'Cast';
  /** The format the source file converts to (documentation; analysis uses the layer's precision). */
  to: 'fp32' | 'fp16' | 'int8' | 'int4';
}

/** A permutation of the dimensions (without batch, channels-last indices); allocates its output. */
export interface TransposeSpec {
  type: 'Transpose';
  perm: number[];
}

/**
 * An operator Frontier does not know, analysed (only when the user asks) as a zero-MAC operation with the output
 * shape the file declares. Every figure it touches carries a warning.
 */
export interface OpaqueSpec {
  type: 'Opaque';
  /** The operator's name in its file format (e.g. SVDF). */
  op: string;
  /** [H, W, C] or [N], as the file declares it; no batch dimension. */
  outputShape: number[];
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
  | ConcatenateSpec
  | MultiplySpec
  | CastSpec
  | TransposeSpec
  | OpaqueSpec;

export type LayerType = LayerSpec['type'];

export type Layer = LayerSpec & {
  name: string;
  /** Names of the layers whose outputs feed this one, in order. Empty for Input. */
  inputs: string[];
  /** Overrides the model's precision for this layer (a precision name, e.g. `int8`, `w4a8`). */
  precision?: string;
  /**
   * The operator the source file runs for this layer, where it is not the one the layer's type converts to (a TFLite
   * SQUEEZE read as a Reshape): the TFLM op resolver registers it.
   */
  sourceOp?: string;
};

/** The file formats Frontier reads. */
export type ModelFormat =
  | 'frontier'
  | 'keras-json'
  | 'keras-archive'
  | 'keras-h5'
  | 'tfjs'
  | 'tflite'
  | 'onnx';

/** What an imported file says about itself beyond its layers: the precision it stores, its weight bytes. */
export interface ModelSource {
  format: ModelFormat;
  /**
   * The precision the file stores (`fp32` for a float model, `int8` for a fully quantized one, `w8a32` for a hybrid
   * model: int8 weights, float activations). Analysis defaults to it; other precisions are "what if" figures.
   */
  precision?: string;
  /** How the file stores biases: `int32` for integer TFLite / ONNX layers. */
  biasMode?: 'weight' | 'int32';
  /** Layers whose stored precision differs from `precision` (a float input before a QUANTIZE), by layer name. */
  layerPrecisions?: Record<string, string>;
  /** Bytes of weights as stored in the file's buffers, each buffer once (tensors may share a buffer). */
  storedWeightBytes?: number;
  /** Of the weights the layers read, the bytes in buffers several layers share: stored once, counted per layer. */
  sharedWeightBytes?: number;
  /**
   * The file's activation tensors in its own order (a TFLite file's tensor indices), by the layer that writes each;
   * TFLM's arena planner breaks ties between equal buffers by this order.
   */
  tensorOrder?: string[];
  /** What the import did that the user should know (layout conversion, unknown operators analysed as zero-MAC). */
  notes?: string[];
  /** For Keras sources: the JSON layout the file is written in, which an exported architecture keeps. */
  kerasLayout?: 'keras2' | 'keras3';
}

export interface ModelGraph {
  name: string;
  /** Layers in any order; analysis uses a topological order. */
  layers: Layer[];
  /** Names of the output layers; the last layer when omitted. */
  outputs: string[];
  /** Set for imported files: the format and what it stores. */
  source?: ModelSource;
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
  'Multiply',
  'Cast',
  'Transpose',
  'Opaque',
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
