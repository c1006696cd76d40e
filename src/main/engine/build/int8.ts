// An int8 model as the ONNX graph Frontier runs, computing exactly what TensorFlow Lite Micro's reference kernels
// compute: integer convolutions and matrix products (ConvInteger, MatMulInteger), then TFLM's requantization in
// int64 arithmetic (src/main/engine/onnx/integer.ts), with every constant — multipliers, shifts, clamps, tables —
// derived as TFLM derives it from the same scales and zero points.
//
// Inside the graph an int8 tensor is held as uint8 codes q + 128 with zero point z + 128 (the same real values):
// onnxruntime's uint8 × uint8 integer convolutions are more than twice as fast as its int8 ones. The model's inputs
// and outputs stay int8.
import type { ActivationQuantization, LayerWeights, ModelWeights, WeightTensor } from '../../../shared/engine/weights';
import { activationQuantization, preActivation, separateActivation } from '../../../shared/engine/quantize';
import { activationRangeInt8, multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAway } from '../../../shared/engine/fixedPoint';
import { deployPlan, type DeployedOp } from '../../../shared/model/deploy';
import { inferShapes } from '../../../shared/model/shapes';
import { ModelError, type Layer, type ModelGraph } from '../../../shared/model/types';
import { attr, DT, OnnxBuilder } from '../onnx/builder';
import { IntegerOps } from '../onnx/integer';
import { isImage, Layout, samePads, type GraphTensor } from './layout';
import { lowerUnary, type Int8Value } from './int8Activations';

export interface IoTensor {
  /** The ONNX value's name. */
  name: string;
  /** The graph layer it belongs to. */
  layer: string;
  /** Frontier's shape (channels-last, no batch). */
  shape: number[];
  type: 'int8' | 'float32';
  quantization?: ActivationQuantization;
  /** A calibration probe: a layer's value in the graph's internal layout, not a model output. */
  probe?: boolean;
}

/** An int8 operand as centred int64 values (q − z); a constant's values are also known here. */
interface Operand {
  value: string;
  q: ActivationQuantization;
  constant?: { values: number[]; dims: number[] };
}

export interface BuiltGraph {
  model: Uint8Array;
  inputs: IoTensor[];
  outputs: IoTensor[];
}

const f32 = Math.fround;

/**
 * Whether float32 computes an int8 layer's accumulators exactly: every partial sum of (x − z)·w, |x − z| ≤ 255, is
 * an integer below 2^24 when each output channel's Σ|w| × 255 is.
 */
function exactInFloat(kernel: Int8Array, channels: number): boolean {
  const per = kernel.length / channels;
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let i = c * per; i < (c + 1) * per; i++) sum += Math.abs(kernel[i]);
    if (sum * 255 >= 2 ** 24) return false;
  }
  return true;
}

export function buildInt8Graph(graph: ModelGraph, weights: ModelWeights): BuiltGraph {
  return new Int8Lowering(graph, weights).build();
}

class Int8Lowering {
  private readonly b = new OnnxBuilder('frontier-int8', 18);
  private readonly ops = new IntegerOps(this.b);
  private readonly layout: Layout;
  private readonly shapes: Map<string, number[]>;
  private readonly plan: ReturnType<typeof deployPlan>;
  /** Tensor owner (a layer name) → its ONNX value (int8, internal layout). */
  private readonly tensors = new Map<string, GraphTensor>();

  constructor(
    private readonly graph: ModelGraph,
    private readonly weights: ModelWeights,
  ) {
    this.layout = new Layout(this.b, weights.flattenOrder);
    this.shapes = inferShapes(graph);
    this.plan = deployPlan(graph);
  }

  private fail(layer: string, message: string): never {
    throw new ModelError(`layer ${layer}: ${message}`, layer);
  }

  private quant(owner: string): ActivationQuantization {
    const q = this.weights.activations?.[owner];
    if (!q) this.fail(owner, 'its output has no int8 scale and zero point (calibrate the model, or run it as stored)');
    return q;
  }

  /** The int8 value a layer reads as its `index`-th input, in the shape that input has. */
  private read(layer: Layer, index = 0): { name: string; shape: number[]; q: ActivationQuantization } {
    const source = layer.inputs[index];
    const owner = this.plan.tensorOf.get(source) as string;
    const t = this.tensors.get(owner);
    if (!t) this.fail(layer.name, `reads ${source} before it is computed`);
    const shape = this.shapes.get(source) as number[];
    return { name: this.layout.view(t, shape), shape, q: this.quant(owner) };
  }

  private layerWeights(layer: Layer): LayerWeights {
    const w = this.weights.layers[layer.name];
    if (!w) this.fail(layer.name, 'has no weights');
    return w;
  }

  private int8Kernel(layer: string, t: WeightTensor | undefined, what: string): { data: Int8Array; scales: number[] } {
    if (!t || !(t.data instanceof Int8Array) || !t.quantization) this.fail(layer, `its ${what} is not int8 with a scale`);
    const q = t.quantization;
    if (q.zeroPoint.some((z) => z !== 0)) this.fail(layer, `its ${what} has a non-zero zero point; int8 weights are symmetric`);
    return { data: t.data, scales: Array.from(q.scale, f32) };
  }

  private bias(layer: string, w: LayerWeights, channels: number): number[] {
    if (!w.bias) return new Array<number>(channels).fill(0);
    if (!(w.bias.data instanceof Int32Array)) this.fail(layer, 'its bias is not int32');
    return Array.from(w.bias.data);
  }

  /**
   * TFLM's requantization of int32 accumulators (held in int64, `bias` still to add) to int8 with the op's fused
   * activation, stored as uint8 codes + 128.
   */
  private requantize(acc: string, multipliers: number[], shifts: number[], out: ActivationQuantization, activation: string, dims?: number[], bias?: { values: number[]; name: string }): string {
    const [lo, hi] = activationRangeInt8(activation, out.scale, out.zeroPoint);
    return this.ops.requantize(acc, multipliers, shifts, [out.zeroPoint + 128], [lo + 128, hi + 128], dims, bias);
  }

  /**
   * The quantization an operation requantizes its accumulators to: its output's, or — when its activation runs as an
   * operation of its own — the value's before that activation.
   */
  private target(op: DeployedOp): { q: ActivationQuantization; activation: string } {
    return separateActivation(op) ? { q: this.quant(preActivation(op.layer.name)), activation: 'linear' } : { q: this.quant(op.layer.name), activation: op.activation };
  }

  /** The operation's result: its requantized value, then its activation where that runs on its own. */
  private finish(op: DeployedOp, value: string): string {
    if (!separateActivation(op)) return value;
    const shape = this.shapes.get(op.layer.name) as number[];
    return this.unary(op.layer.name, op.activation, { name: value, shape, q: this.quant(preActivation(op.layer.name)) }, this.quant(op.layer.name));
  }

  /** int8 values as the graph's uint8 codes: the bits with the sign flipped (q + 128). */
  private toCodes(x: string): string {
    const bits = this.ops.cast(x, DT.UINT8, 'bits');
    return this.b.node('BitwiseXor', [bits, this.b.constant('sign', [128], DT.UINT8, [])], [this.b.fresh(`${x}/codes`)]);
  }

  /** The graph's uint8 codes as int8 values (q = code − 128). */
  private fromCodes(x: string): string {
    const flipped = this.b.node('BitwiseXor', [x, this.b.constant('sign', [128], DT.UINT8, [])], [this.b.fresh(`${x}/flipped`)]);
    return this.ops.cast(flipped, DT.INT8, 'int8');
  }

  build(): BuiltGraph {
    const inputs: IoTensor[] = [];
    for (const layer of this.plan.inputs) {
      const shape = this.shapes.get(layer.name) as number[];
      const q = this.quant(layer.name);
      this.b.input(layer.name, ['N', ...shape], DT.INT8);
      inputs.push({ name: layer.name, layer: layer.name, shape, type: 'int8', quantization: q });
      this.tensors.set(layer.name, { name: this.layout.input(this.toCodes(layer.name), shape), shape });
    }
    for (const op of this.plan.ops) {
      const name = this.lower(op);
      this.tensors.set(op.layer.name, { name, shape: this.shapes.get(op.layer.name) as number[] });
    }
    const outputs: IoTensor[] = [];
    for (const layerName of this.graph.outputs) {
      const owner = this.plan.tensorOf.get(layerName) as string;
      const shape = this.shapes.get(layerName) as number[];
      const viewed = this.layout.view(this.tensors.get(owner) as GraphTensor, shape);
      const last = this.fromCodes(this.layout.output({ name: viewed, shape }));
      const name = this.b.node('Identity', [last], [this.b.fresh(`${layerName}:output`)]);
      this.b.output(name, ['N', ...shape], DT.INT8);
      outputs.push({ name, layer: layerName, shape, type: 'int8', quantization: this.quant(owner) });
    }
    return { model: this.b.bytes(), inputs, outputs };
  }

  private lower(op: DeployedOp): string {
    const { layer } = op;
    switch (layer.type) {
      case 'Conv2D':
      case 'DepthwiseConv2D':
        return this.conv(op, layer);
      case 'Dense':
        return this.dense(op, layer);
      case 'AveragePooling2D':
        return this.averagePool(op, layer);
      case 'MaxPooling2D':
        return this.maxPool(op, layer);
      case 'Activation':
        return this.activation(layer);
      case 'Add':
        return this.add(op, layer);
      case 'Multiply':
        return this.multiply(op, layer);
      case 'GlobalAveragePooling2D':
        return this.mean(layer);
      case 'Concatenate':
        return this.concatenate(layer);
      case 'ZeroPadding2D':
        return this.pad(layer);
      default:
        return this.fail(layer.name, `${layer.type} is not supported in int8 runs yet`);
    }
  }

  private conv(op: DeployedOp, layer: Extract<Layer, { type: 'Conv2D' | 'DepthwiseConv2D' }>): string {
    const x = this.read(layer);
    const out = this.target(op);
    const w = this.layerWeights(layer);
    const { data, scales } = this.int8Kernel(layer.name, w.kernel, 'filter');
    const shape = (w.kernel as WeightTensor).shape;
    const channels = shape[0];
    const groups = layer.type === 'DepthwiseConv2D' ? x.shape[2] : layer.groups;
    const [top, bottom] = layer.padding === 'same' ? samePads(x.shape[0], layer.kernel[0], layer.strides[0], layer.dilation[0]) : [0, 0];
    const [left, right] = layer.padding === 'same' ? samePads(x.shape[1], layer.kernel[1], layer.strides[1], layer.dilation[1]) : [0, 0];
    const attrs = {
      kernel_shape: attr.ints(layer.kernel),
      strides: attr.ints(layer.strides),
      dilations: attr.ints(layer.dilation),
      group: attr.int(groups),
      pads: attr.ints([top, left, bottom, right]),
    };
    let acc: string;
    if (exactInFloat(data, channels)) {
      // Every sum of (x − z)·w stays below 2^24, where float32 adds integers exactly in any order: onnxruntime's
      // float convolution gives TFLM's int32 accumulators, several times faster than its ConvInteger. The input is
      // centred (x − z) first, so padding with 0 contributes nothing, as in TFLM.
      const centred = this.ops.sub(this.ops.cast(x.name, DT.FLOAT, 'xf'), this.b.constant(`${layer.name}.x_code_zero`, [x.q.zeroPoint + 128], DT.FLOAT, []), 'centred');
      const kernel = this.b.initializer(this.b.fresh(`${layer.name}.kernel`), shape, Float32Array.from(data));
      acc = this.ops.cast(this.b.node('Conv', [centred, kernel], [this.b.fresh(`${layer.name}/acc`)], attrs), DT.INT64, 'acc');
    } else {
      const kernel = this.b.rawInitializer(this.b.fresh(`${layer.name}.kernel`), shape, Uint8Array.from(data, (v) => v + 128), DT.UINT8);
      const zero = this.b.constant(`${layer.name}.x_zero_point`, [x.q.zeroPoint + 128], DT.UINT8, []);
      const weightZero = this.b.constant(`${layer.name}.w_zero_point`, [128], DT.UINT8, []);
      // ConvInteger pads with the input's zero point: padding contributes nothing, as in TFLM.
      acc = this.ops.cast(this.b.node('ConvInteger', [x.name, kernel, zero, weightZero], [this.b.fresh(`${layer.name}/acc`)], attrs), DT.INT64);
    }
    const dims = [1, channels, 1, 1];
    const real = Array.from({ length: channels }, (_, c) => (f32(x.q.scale) * scales[scales.length > 1 ? c : 0]) / f32(out.q.scale));
    const m = real.map(quantizeMultiplier);
    const bias = { values: this.bias(layer.name, w, channels), name: `${layer.name}.bias` };
    return this.finish(op, this.requantize(acc, m.map((v) => v.multiplier), m.map((v) => v.shift), out.q, out.activation, dims, bias));
  }

  private dense(op: DeployedOp, layer: Extract<Layer, { type: 'Dense' }>): string {
    const source = this.read(layer);
    const w = this.layerWeights(layer);
    const { data, scales } = this.int8Kernel(layer.name, w.kernel, 'weights');
    const [units, depth] = (w.kernel as WeightTensor).shape;
    if (source.shape.length !== 1 && !layer.flattenInput) this.fail(layer.name, 'an int8 Dense layer on a tensor of rank above 1 is not supported yet');
    const owner = this.plan.tensorOf.get(layer.inputs[0]) as string;
    const x = this.layout.view(this.tensors.get(owner) as GraphTensor, [depth]);
    const out = this.target(op);
    // [units, depth] → [depth, units] for x · W
    const transposed = new Int8Array(data.length);
    for (let u = 0; u < units; u++) for (let d = 0; d < depth; d++) transposed[d * units + u] = data[u * depth + d];
    let acc: string;
    if (exactInFloat(data, units)) {
      // As for convolutions: sums below 2^24 are exact in float32.
      const centred = this.ops.sub(this.ops.cast(x, DT.FLOAT, 'xf'), this.b.constant(`${layer.name}.x_code_zero`, [source.q.zeroPoint + 128], DT.FLOAT, []), 'centred');
      const matrix = this.b.initializer(this.b.fresh(`${layer.name}.kernel`), [depth, units], Float32Array.from(transposed));
      acc = this.ops.cast(this.b.node('MatMul', [centred, matrix], [this.b.fresh(`${layer.name}/acc`)]), DT.INT64, 'acc');
    } else {
      const matrix = this.b.rawInitializer(this.b.fresh(`${layer.name}.kernel`), [depth, units], Uint8Array.from(transposed, (v) => v + 128), DT.UINT8);
      const zero = this.b.constant(`${layer.name}.x_zero_point`, [source.q.zeroPoint + 128], DT.UINT8, []);
      const weightZero = this.b.constant(`${layer.name}.w_zero_point`, [128], DT.UINT8, []);
      acc = this.ops.cast(this.b.node('MatMulInteger', [x, matrix, zero, weightZero], [this.b.fresh(`${layer.name}/acc`)]), DT.INT64);
    }
    const real = Array.from({ length: units }, (_, c) => (f32(source.q.scale) * scales[scales.length > 1 ? c : 0]) / f32(out.q.scale));
    const m = real.map(quantizeMultiplier);
    const bias = { values: this.bias(layer.name, w, units), name: `${layer.name}.bias` };
    return this.finish(op, this.requantize(acc, m.map((v) => v.multiplier), m.map((v) => v.shift), out.q, out.activation, [units], bias));
  }

  private samePoolParams(layer: Layer, x: { shape: number[] }, pool: [number, number], strides: [number, number], padding: 'same' | 'valid') {
    const [top, bottom] = padding === 'same' ? samePads(x.shape[0], pool[0], strides[0], 1) : [0, 0];
    const [left, right] = padding === 'same' ? samePads(x.shape[1], pool[1], strides[1], 1) : [0, 0];
    const out = this.shapes.get(layer.name) as number[];
    return { top, bottom, left, right, out };
  }

  private checkSameQuantization(layer: Layer, x: ActivationQuantization): ActivationQuantization {
    const out = this.quant(layer.name);
    if (f32(out.scale) !== f32(x.scale) || out.zeroPoint !== x.zeroPoint) {
      this.fail(layer.name, `its output scale and zero point (${out.scale}, ${out.zeroPoint}) differ from its input's (${x.scale}, ${x.zeroPoint}); TFLM requires them equal`);
    }
    return out;
  }

  private averagePool(op: DeployedOp, layer: Extract<Layer, { type: 'MaxPooling2D' | 'AveragePooling2D' }>): string {
    const x = this.read(layer);
    const out = this.checkSameQuantization(layer, x.q);
    const { top, bottom, left, right, out: outShape } = this.samePoolParams(layer, x, layer.pool, layer.strides, layer.padding);
    const channels = x.shape[2];
    const [kh, kw] = layer.pool;
    // Window sums, exact in float32 (at most kh·kw·128 in magnitude), then TFLM's rounding division by the number of
    // input values each window covers.
    const asFloat = this.ops.cast(x.name, DT.FLOAT, 'xf');
    const ones = this.b.initializer(this.b.fresh(`${layer.name}.ones`), [channels, 1, kh, kw], new Float32Array(channels * kh * kw).fill(1));
    const sums = this.b.node('Conv', [asFloat, ones], [this.b.fresh(`${layer.name}/sum`)], {
      kernel_shape: attr.ints(layer.pool),
      strides: attr.ints(layer.strides),
      group: attr.int(channels),
      pads: attr.ints([top, left, bottom, right]),
    });
    const codes = this.ops.cast(sums, DT.INT64, 'acc');
    const [H, W] = x.shape;
    const [Ho, Wo] = outShape;
    const counts: number[] = [];
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        const y0 = oy * layer.strides[0] - top;
        const x0 = ox * layer.strides[1] - left;
        const rows = Math.min(kh, H - y0) - Math.max(0, -y0);
        const cols = Math.min(kw, W - x0) - Math.max(0, -x0);
        counts.push(rows * cols);
      }
    }
    const n = this.ops.constant(counts, [1, 1, Ho, Wo]);
    // The sums are of codes q + 128: take 128 per value back.
    const acc = this.ops.sub(codes, this.ops.constant(counts.map((c) => 128 * c), [1, 1, Ho, Wo]));
    const half = this.ops.constant(counts.map((c) => Math.floor(c / 2)), [1, 1, Ho, Wo]);
    // acc > 0 ? (acc + n/2) / n : (acc − n/2) / n, with C's truncating division
    const sign = this.ops.sub(this.ops.mul(this.ops.indicator('Greater', acc, this.ops.constant([0])), this.ops.constant([2])), this.ops.constant([1]));
    const rounded = this.ops.div(this.ops.add(acc, this.ops.mul(half, sign)), n, 'avg');
    const [lo, hi] = activationRangeInt8(op.activation, out.scale, out.zeroPoint);
    return this.ops.cast(this.ops.add(this.ops.clip(rounded, lo, hi), this.ops.constant([128])), DT.UINT8, 'q');
  }

  private maxPool(op: DeployedOp, layer: Extract<Layer, { type: 'MaxPooling2D' | 'AveragePooling2D' }>): string {
    const x = this.read(layer);
    const out = this.checkSameQuantization(layer, x.q);
    const { top, bottom, left, right } = this.samePoolParams(layer, x, layer.pool, layer.strides, layer.padding);
    let y = this.b.node('MaxPool', [x.name], [this.b.fresh(`${layer.name}/max`)], {
      kernel_shape: attr.ints(layer.pool),
      strides: attr.ints(layer.strides),
      pads: attr.ints([top, left, bottom, right]),
    });
    const [lo, hi] = activationRangeInt8(op.activation, out.scale, out.zeroPoint);
    if (lo > -128 || hi < 127) y = this.ops.cast(this.ops.clip(this.ops.cast(y, DT.INT64), lo + 128, hi + 128), DT.UINT8, 'q');
    return y;
  }

  /** An int8 activation of its own (int8Activations.ts). */
  private activation(layer: Extract<Layer, { type: 'Activation' }>): string {
    return this.unary(layer.name, layer.activation, this.read(layer), this.quant(layer.name));
  }

  private unary(name: string, activation: string, x: Int8Value, out: ActivationQuantization): string {
    return lowerUnary(this.b, this.ops, name, activation, x, out);
  }

  /** TFLM's int8 MUL: (x₁ − z₁)(x₂ − z₂) rescaled by s₁s₂ / s_out. */
  private multiply(op: DeployedOp, layer: Extract<Layer, { type: 'Multiply' }>): string {
    const { a, c } = this.operands(layer);
    const out = this.target(op);
    const m = quantizeMultiplier((f32(a.q.scale) * f32(c.q.scale)) / f32(out.q.scale));
    return this.finish(op, this.requantize(this.ops.mul(a.value, c.value), [m.multiplier], [m.shift], out.q, out.activation));
  }

  /** TFLM's int8 MEAN over height and width: an integer sum, then a multiplier that also divides by the count. */
  private mean(layer: Extract<Layer, { type: 'GlobalAveragePooling2D' | 'GlobalMaxPooling2D' }>): string {
    const x = this.read(layer);
    const out = this.quant(layer.name);
    const n = x.shape[0] * x.shape[1];
    const base = quantizeMultiplier(f32(x.q.scale) / f32(out.scale));
    // 63 − clz64(n) is ⌊log2 n⌋
    const shift = Math.min(Math.floor(Math.log2(n)), 32, 31 + base.shift);
    const multiplier = Number((BigInt(base.multiplier) << BigInt(shift)) / BigInt(n));
    const axes = this.b.constant('axes', [2, 3], DT.INT64, [2]);
    const sum = this.b.node('ReduceSum', [this.ops.cast(x.name, DT.INT64), axes], [this.b.fresh(`${layer.name}/sum`)], { keepdims: attr.int(1) });
    const centred = this.ops.sub(sum, this.ops.constant([(x.q.zeroPoint + 128) * n]));
    let y = this.requantize(centred, [multiplier], [base.shift - shift], out, 'linear');
    if (!layer.keepDims) y = this.b.node('Flatten', [y], [this.b.fresh(`${layer.name}/flat`)], { axis: attr.int(1) });
    return y;
  }

  /**
   * The two int8 operands of an element-wise layer: its inputs, or its input and its constant (TFLite's
   * `ADD(x, const)`), the constant's centred codes (q − z) as an int64 constant shaped to broadcast in the graph's
   * layout. A float constant is quantized per tensor as TFLite's converter quantizes constants (its range with 0).
   */
  private operands(layer: Extract<Layer, { type: 'Add' | 'Multiply' }>): { a: Operand; c: Operand } {
    const a = this.centred(this.read(layer, 0));
    if (!layer.constantOperand) {
      if (layer.inputs.length !== 2) this.fail(layer.name, `an int8 ${layer.type} of ${layer.inputs.length} inputs is not supported yet`);
      return { a, c: this.centred(this.read(layer, 1)) };
    }
    const t = this.weights.layers[layer.name]?.constant;
    if (!t || layer.inputs.length !== 1) this.fail(layer.name, 'its constant operand is missing');
    let codes: number[];
    let q: ActivationQuantization;
    if (t.data instanceof Int8Array && t.quantization && t.quantization.scale.length === 1) {
      codes = Array.from(t.data);
      q = { scale: t.quantization.scale[0], zeroPoint: t.quantization.zeroPoint[0] };
    } else if (t.data instanceof Float32Array) {
      let min = 0;
      let max = 0;
      for (const v of t.data) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      q = activationQuantization(min, max);
      codes = Array.from(t.data, (v) => Math.max(-128, Math.min(127, roundHalfAway(Math.fround(v / Math.fround(q.scale))) + q.zeroPoint)));
    } else {
      return this.fail(layer.name, 'its constant operand is neither float nor int8 with one scale');
    }
    const centred = codes.map((v) => v - q.zeroPoint);
    const outShape = this.shapes.get(layer.name) as number[];
    let dims = t.shape;
    let values = centred;
    if (isImage(outShape)) {
      const channels = t.shape[t.shape.length - 1];
      if (centred.length === channels) dims = [channels, 1, 1];
      else if (t.shape.length === 3) {
        // H×W×C → C×H×W
        const [H, W, C] = t.shape;
        values = new Array<number>(centred.length);
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) values[(c * H + y) * W + x] = centred[(y * W + x) * C + c];
        dims = [C, H, W];
      } else this.fail(layer.name, `its constant of shape [${t.shape.join(', ')}] does not broadcast over the image`);
    }
    return { a, c: { value: this.ops.constant(values, dims, `${layer.name}.constant`), q, constant: { values, dims } } };
  }

  private centred(t: { name: string; q: ActivationQuantization }): Operand {
    return { value: this.ops.sub(this.ops.cast(t.name, DT.INT64), this.ops.constant([t.q.zeroPoint + 128])), q: t.q };
  }

  /** TFLM's int8 ADD: both inputs rescaled to a common scale with 20 bits of headroom, summed, requantized. */
  private add(op: DeployedOp, layer: Extract<Layer, { type: 'Add' }>): string {
    const { a, c } = this.operands(layer);
    const out = this.target(op);
    const leftShift = 20;
    const twiceMax = 2 * Math.max(f32(a.q.scale), f32(c.q.scale));
    const m1 = quantizeMultiplier(f32(a.q.scale) / twiceMax);
    const m2 = quantizeMultiplier(f32(c.q.scale) / twiceMax);
    const mo = quantizeMultiplier(twiceMax / (2 ** leftShift * f32(out.q.scale)));
    const ops = this.ops;
    // MultiplyByQuantizedMultiplierSmallerThanOneExp: the multiplier is below one, so its shift is ≤ 0.
    const scaled = (t: Operand, m: { multiplier: number; shift: number }): string =>
      t.constant
        ? ops.constant(t.constant.values.map((v) => multiplyByQuantizedMultiplier(v * 2 ** leftShift, m.multiplier, m.shift)), t.constant.dims, 'scaled')
        : ops.rdbpConst(ops.srdhm(ops.mul(t.value, ops.constant([2 ** leftShift])), ops.constant([m.multiplier])), [-m.shift]);
    const sum = ops.add(scaled(a, m1), scaled(c, m2));
    return this.finish(op, this.requantize(sum, [mo.multiplier], [mo.shift], out.q, out.activation));
  }

  /** Concatenation copies codes; an input quantized otherwise is first rescaled as TFLM's QUANTIZE (int8 → int8) does. */
  private concatenate(layer: Extract<Layer, { type: 'Concatenate' }>): string {
    const out = this.quant(layer.name);
    const parts = layer.inputs.map((_, i) => {
      const p = this.read(layer, i);
      if (f32(p.q.scale) === f32(out.scale) && p.q.zeroPoint === out.zeroPoint) return p.name;
      const m = quantizeMultiplier(f32(p.q.scale) / f32(out.scale));
      return this.requantize(this.centred(p).value, [m.multiplier], [m.shift], out, 'linear');
    });
    const rank = (this.shapes.get(layer.name) as number[]).length;
    const frontierAxis = layer.axis < 0 ? layer.axis + rank : layer.axis;
    const axis = rank === 3 ? [2, 3, 1][frontierAxis] : frontierAxis + 1;
    return this.b.node('Concat', parts, [this.b.fresh(`${layer.name}/concat`)], { axis: attr.int(axis) });
  }

  private pad(layer: Extract<Layer, { type: 'ZeroPadding2D' }>): string {
    const x = this.read(layer);
    const out = this.checkSameQuantization(layer, x.q);
    const [[t, bt], [l, r]] = layer.padding;
    const pads = this.b.constant('pads', [0, 0, t, l, 0, 0, bt, r], DT.INT64, [8]);
    const value = this.b.constant('pad_value', [out.zeroPoint + 128], DT.UINT8, []);
    return this.b.node('Pad', [x.name, pads, value], [this.b.fresh(`${layer.name}/pad`)]);
  }
}
