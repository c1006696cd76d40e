// A model's weights in one layout whatever file they came from, keyed by the graph's layer names. The engine builds
// its ONNX graph from these; pruning slices them; quantization replaces float tensors with int8 ones.
//
// Layouts (ONNX's, because the graph Frontier runs is ONNX):
// - Conv2D `kernel`: [filters, inputChannels / groups, kh, kw]
// - DepthwiseConv2D `kernel`: [inputChannels × depthMultiplier, 1, kh, kw]; output channel c × multiplier + m reads
//   input channel c (TFLite's, Keras's and ONNX's order alike)
// - SeparableConv2D `depthwiseKernel` as DepthwiseConv2D, `kernel` (pointwise): [filters, inputChannels × multiplier, 1, 1]
// - Dense `kernel`: [units, inputs]; when the Dense reads a flattened H×W×C tensor, `inputs` run in the source's
//   flatten order (`ModelWeights.flattenOrder`)
// - `bias`: [outputChannels]
// - BatchNormalization: `gamma`, `beta`, `mean`, `variance`: [channels] (absent gamma/beta: 1 and 0), `epsilon`
// - Add / Multiply with a constant operand: `constant`, broadcast against the channels-last activation (no batch)

export type WeightData = Float32Array | Int8Array | Int32Array;

/** Quantization of a stored integer tensor: real = scale × (q − zeroPoint), per channel along `axis` or per tensor. */
export interface TensorQuantization {
  scale: Float64Array;
  zeroPoint: Int32Array;
  /** The axis the scales run along (0 for per-output-channel kernels); absent for per-tensor (one scale). */
  axis?: number;
}

export interface WeightTensor {
  shape: number[];
  data: WeightData;
  /** Set for integer data (int8 kernels, int32 biases): how it maps to real values. */
  quantization?: TensorQuantization;
  /** Where it came from, for messages (a tensor or initializer name). */
  source?: string;
}

export interface LayerWeights {
  kernel?: WeightTensor;
  depthwiseKernel?: WeightTensor;
  bias?: WeightTensor;
  gamma?: WeightTensor;
  beta?: WeightTensor;
  mean?: WeightTensor;
  variance?: WeightTensor;
  epsilon?: number;
  constant?: WeightTensor;
  /** An Activation layer's parameters where the source stores them (ONNX LeakyRelu, HardSigmoid); absent: Keras's defaults. */
  activation?: ActivationParameters;
}

/**
 * The numbers of an activation function: LeakyRelu's slope `alpha` (y = alpha·x for x < 0); HardSigmoid's
 * y = max(0, min(1, alpha·x + beta)). PyTorch's exports differ from Keras's defaults (LeakyReLU 0.01 against 0.3,
 * Hardsigmoid 1/6 against 0.2).
 */
export interface ActivationParameters {
  alpha?: number;
  beta?: number;
}

/** Per-tensor activation quantization as an integer model stores it (int8: scale, zero point). */
export interface ActivationQuantization {
  scale: number;
  zeroPoint: number;
}

export interface ModelWeights {
  /** By layer name (the graph's `name`). Layers without weights are absent. */
  layers: Record<string, LayerWeights>;
  /**
   * The order in which a Flatten (or a Dense reading a flattened tensor) lays out H×W×C values: `hwc` for Keras and
   * TFLite (channels-last), `chw` for NCHW sources such as ONNX exported from PyTorch.
   */
  flattenOrder: 'hwc' | 'chw';
  /**
   * For an integer model as stored: the quantization of each layer's output (by layer name, Input layers included).
   * A layer followed by a fused activation layer shares its output's quantization with it.
   */
  activations?: Record<string, ActivationQuantization>;
}

/** Number of values a shape holds. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A weight that is not a finite number is refused, naming the tensor. */
export function checkFinite(tensor: WeightTensor, layer: string, role: string): void {
  const { data } = tensor;
  if (!(data instanceof Float32Array)) return;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const where = tensor.source ? ` (${tensor.source})` : '';
      throw new Error(`layer ${layer}: its ${role}${where} holds ${data[i]} at index ${i}; weights must be finite numbers`);
    }
  }
}
