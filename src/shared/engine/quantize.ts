// Post-training full-integer quantization as TFLite's converter does it: weights per output channel, symmetric
// (int8: −127…127, scale = max|w| ÷ 127; int4: −7…7, scale = max|w| ÷ 7), biases int32 at s_input · s_weight,
// activations per tensor, asymmetric int8 from the calibration range widened to include 0, and the fixed scales
// TFLM requires: pooling, reshape and concatenation keep their input's; softmax and logistic write 1/256 and −128,
// tanh 1/128 and 0; a concatenation takes the union of its inputs' ranges. BatchNormalization is folded into the layer
// before it first (as deployed).
import { roundHalfAway } from './fixedPoint';
import { realValues } from './tensorOps';
import { deployPlan, type DeployedOp, type DeployPlan } from '../model/deploy';
import { isComputeLayer, ModelError, type Layer, type ModelGraph } from '../model/types';
import { sizeOf, type ActivationQuantization, type LayerWeights, type ModelWeights, type WeightTensor } from './weights';

/**
 * Activations an int8 operation fuses (TFLM clamps its output to them). Any other activation that the deploy plan
 * absorbed into an operation (a Keras Dense(activation='softmax'), a PyTorch Conv → Sigmoid) runs as an int8
 * operation of its own, as TFLite's converter writes it, on a tensor of its own: `preActivation(owner)`.
 */
export const FUSED_IN_INT8: ReadonlySet<string> = new Set(['linear', 'relu', 'relu6', 'relu_n1_to_1']);

/** The name under which the value before a separately run activation is calibrated and quantized. */
export const preActivation = (owner: string): string => `${owner}/pre`;

/** Whether an operation's absorbed activation runs as an int8 operation of its own. */
export const separateActivation = (op: DeployedOp): boolean => op.layer.type !== 'Activation' && !FUSED_IN_INT8.has(op.activation);

/** Observed range of each tensor (by the layer owning it in the deploy plan) over the calibration samples. */
export type CalibrationRanges = Record<string, { min: number; max: number }>;

const f32 = Math.fround;

/** The layer whose float output is the deployed tensor of `owner`: the last layer it absorbed (folded BN, fused activation). */
export function calibrationLayerOf(plan: DeployPlan, owner: string): string {
  const op = plan.ops.find((o) => o.layer.name === owner);
  return op && op.absorbed.length > 0 ? op.absorbed[op.absorbed.length - 1] : owner;
}

/** Asymmetric int8 parameters of a range, widened to include 0 (TFLite's). */
export function activationQuantization(min: number, max: number): ActivationQuantization {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (hi - lo === 0) return { scale: 1, zeroPoint: -128 };
  const scale = f32((hi - lo) / 255);
  const zeroPoint = Math.max(-128, Math.min(127, roundHalfAway(-128 - lo / scale)));
  return { scale, zeroPoint };
}

/** Folds a BatchNormalization into the kernel and bias of the layer before it: w·γ/σ, (b − μ)·γ/σ + β. */
export function foldBatchNorm(compute: LayerWeights, bn: LayerWeights, channels: number, kernelAxis: number): LayerWeights {
  const gamma = bn.gamma ? realValues(bn.gamma, 'gamma') : new Float32Array(channels).fill(1);
  const beta = bn.beta ? realValues(bn.beta, 'beta') : new Float32Array(channels);
  if (!bn.mean || !bn.variance) throw new ModelError('a BatchNormalization without its moving mean and variance cannot be folded');
  const mean = realValues(bn.mean, 'moving mean');
  const variance = realValues(bn.variance, 'moving variance');
  const eps = bn.epsilon ?? 1e-3;
  const factor = Float64Array.from({ length: channels }, (_, c) => gamma[c] / Math.sqrt(variance[c] + eps));
  const kernel = compute.kernel as WeightTensor;
  const k = realValues(kernel, 'kernel');
  const folded = new Float32Array(k.length);
  const inner = sizeOf(kernel.shape.slice(kernelAxis + 1));
  for (let i = 0; i < k.length; i++) folded[i] = k[i] * factor[Math.floor(i / inner) % channels];
  const b = compute.bias ? realValues(compute.bias, 'bias') : new Float32Array(channels);
  const bias = Float32Array.from({ length: channels }, (_, c) => (b[c] - mean[c]) * factor[c] + beta[c]);
  return { ...compute, kernel: { shape: kernel.shape, data: folded }, bias: { shape: [channels], data: bias } };
}

/** Symmetric per-output-channel quantization of a float kernel (axis 0) to `bits` (8: ±127, 4: ±7). */
export function quantizeKernel(t: WeightTensor, bits: 8 | 4): WeightTensor {
  const values = realValues(t, t.source ?? 'kernel');
  const channels = t.shape[0];
  const inner = values.length / channels;
  const qmax = bits === 8 ? 127 : 7;
  const scale = new Float64Array(channels);
  const data = new Int8Array(values.length);
  for (let c = 0; c < channels; c++) {
    let max = 0;
    for (let i = 0; i < inner; i++) max = Math.max(max, Math.abs(values[c * inner + i]));
    const s = max === 0 ? 1 : f32(max / qmax);
    scale[c] = s;
    for (let i = 0; i < inner; i++) {
      data[c * inner + i] = Math.max(-qmax, Math.min(qmax, roundHalfAway(values[c * inner + i] / s)));
    }
  }
  return { shape: t.shape, data, quantization: { scale, zeroPoint: new Int32Array(channels), axis: 0 }, ...(t.source ? { source: t.source } : {}) };
}

/** An int32 bias at scale s_input · s_weight[c]. */
export function quantizeBias(bias: WeightTensor | undefined, channels: number, inputScale: number, weightScales: Float64Array): WeightTensor {
  const b = bias ? realValues(bias, 'bias') : new Float32Array(channels);
  const scale = new Float64Array(channels);
  const data = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = f32(inputScale) * weightScales[weightScales.length === 1 ? 0 : c];
    scale[c] = s;
    data[c] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, roundHalfAway(b[c] / s)));
  }
  return { shape: [channels], data, quantization: { scale, zeroPoint: new Int32Array(channels), axis: 0 } };
}

const KEEPS_INPUT_SCALE = new Set(['MaxPooling2D', 'AveragePooling2D', 'Flatten', 'Reshape', 'ZeroPadding2D', 'Dropout']);

/**
 * The int8 (or w4a8) model: every deployed operation's weights quantized (BatchNormalization folded), every tensor's
 * scale and zero point from `ranges` (by tensor owner) or fixed as TFLite fixes it. `weightBits` gives a layer's
 * weight width (8 by default).
 */
export function quantizeModel(
  graph: ModelGraph,
  weights: ModelWeights,
  ranges: CalibrationRanges,
  weightBits: (layer: Layer) => 8 | 4 = () => 8,
): ModelWeights {
  const plan = deployPlan(graph);
  const activations: Record<string, ActivationQuantization> = {};
  const range = (owner: string): ActivationQuantization => {
    const r = ranges[owner];
    if (!r) throw new ModelError(`layer ${owner}: the calibration saw no values of its output`, owner);
    return activationQuantization(r.min, r.max);
  };
  for (const input of plan.inputs) activations[input.name] = range(input.name);
  const layers: Record<string, LayerWeights> = { ...weights.layers };
  const byName = new Map(graph.layers.map((l) => [l.name, l]));

  for (const op of plan.ops) {
    const { layer } = op;
    const inputOwner = op.inputs[0];
    const separate = separateActivation(op);
    if (separate) activations[preActivation(layer.name)] = range(preActivation(layer.name));
    const unary = layer.type === 'Activation' || separate ? op.activation : undefined;
    if (unary === 'softmax' || unary === 'sigmoid') {
      activations[layer.name] = { scale: 1 / 256, zeroPoint: -128 };
    } else if (unary === 'tanh') {
      activations[layer.name] = { scale: 1 / 128, zeroPoint: 0 };
    } else if (KEEPS_INPUT_SCALE.has(layer.type) && inputOwner !== undefined) {
      activations[layer.name] = activations[inputOwner];
    } else if (layer.type === 'Concatenate') {
      // The union of the inputs' ranges; an input quantized otherwise is rescaled into it (TFLite's converter
      // inserts a QUANTIZE there, as TFLM copies concatenated values without rescaling).
      const union = op.inputs.concat(layer.name).map((o) => ranges[o]).filter(Boolean);
      activations[layer.name] = activationQuantization(Math.min(...union.map((r) => r.min)), Math.max(...union.map((r) => r.max)));
    } else {
      activations[layer.name] = range(layer.name);
    }

    if (!isComputeLayer(layer)) continue;
    let w = weights.layers[layer.name];
    if (!w?.kernel) throw new ModelError(`layer ${layer.name}: has no weights to quantize`, layer.name);
    if (layer.type === 'SeparableConv2D') {
      throw new ModelError(`layer ${layer.name}: an int8 SeparableConv2D is not supported yet (TFLite splits it into two operators)`, layer.name);
    }
    const channels = w.kernel.shape[0];
    if (op.foldedBatchNorm) {
      const bn = weights.layers[op.foldedBatchNorm];
      if (!bn) throw new ModelError(`layer ${op.foldedBatchNorm}: has no weights to fold`, op.foldedBatchNorm);
      w = foldBatchNorm(w, bn, channels, 0);
    }
    const kernel = quantizeKernel(w.kernel as WeightTensor, weightBits(byName.get(layer.name) as Layer));
    const inputScale = activations[inputOwner]?.scale;
    if (inputScale === undefined) throw new ModelError(`layer ${layer.name}: its input has no scale`, layer.name);
    layers[layer.name] = { kernel, bias: quantizeBias(w.bias, channels, inputScale, (kernel.quantization as { scale: Float64Array }).scale) };
  }
  return { ...weights, layers, activations };
}
