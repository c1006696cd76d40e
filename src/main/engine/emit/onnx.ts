// A configuration as an `.onnx` file for every other runtime (docs/onnx.md, "Emitting a configuration"): the model
// as PyTorch or ONNX Runtime's quantizer would write it — NCHW tensors, standard operators, opset 13 — with the
// configuration's own weights. Not the graph Frontier runs (that one computes TFLM's integer arithmetic in int64
// operators); the graph an engineer opens in Netron and hands to onnxruntime, TensorRT or a vendor's converter.
//
// - fp32: float32 initializers, BatchNormalization kept as its own operator (as the configuration runs it).
// - fp16: weights rounded to binary16, stored as float32 initializers (every value exactly a binary16 one): a Cast
//   of float16 initializers is a node other importers, Frontier's included, do not fold into the layer they feed,
//   and ONNX Runtime's CPU kernels compute few operators in float16. Run with fp16 precision, Frontier rounds every
//   layer output to binary16 again, as the configuration ran.
// - int8 (and w4a8): a QDQ graph. Int8 per-channel symmetric kernels and int32 biases behind DequantizeLinear,
//   BatchNormalization folded, and a QuantizeLinear→DequantizeLinear pair with the configuration's own scale and zero
//   point wherever a deployed tensor is written — the model input included. Frontier reads the pairs back as the
//   file's quantization and runs it bit-exact with TFLite Micro; other runtimes compute the same graph with their
//   own rounding.
//
// The tensors are NCHW whatever the source stored. A Dense behind a flattened image of a channels-last source
// (Keras, TFLite) reads its inputs in H×W×C order while ONNX's Flatten of NCHW is channel-major: its kernel's
// columns are reordered, so that no Transpose enters the graph. Where a flattened image is read by anything other
// than a Dense, or a Reshape makes an image, the values are put in the source's order with Transposes.
import { roundToFloat16 } from '../../../shared/engine/float16';
import { realValues } from '../../../shared/engine/tensorOps';
import { preActivation, separateActivation } from '../../../shared/engine/quantize';
import type { ActivationQuantization, LayerWeights, ModelWeights, WeightTensor } from '../../../shared/engine/weights';
import { sizeOf } from '../../../shared/engine/weights';
import { deployPlan } from '../../../shared/model/deploy';
import { topologicalOrder } from '../../../shared/model/graph';
import { inferShapes } from '../../../shared/model/shapes';
import { ModelError, type ActivationName, type Layer, type ModelGraph } from '../../../shared/model/types';
import type { PreparedRun } from '../configure';
import { isImage, samePads } from '../build/layout';
import { attr, DT, OnnxBuilder, rawBytes, type Dim } from '../onnx/builder';

/** The opset every emitted file imports: per-channel DequantizeLinear and Softmax's single axis need 13. */
export const EMIT_OPSET = 13;

export interface EmitOnnxOptions {
  /** The batch dimension: a size, or a symbolic name (default `N`, dynamic). */
  batch?: Dim;
  /** Write value_info for intermediate tensors (default true). */
  valueInfo?: boolean;
  /** The graph's name (default the model's). */
  name?: string;
}

/** The form the file takes for a configuration. */
export type EmitForm = 'fp32' | 'fp16' | 'int8';

/** The configuration as an ONNX file's bytes. */
export function emitOnnx(prepared: PreparedRun, options: EmitOnnxOptions = {}): Uint8Array {
  return emitOnnxBuilder(prepared.graph, prepared.weights, emitForm(prepared), options).bytes();
}

/** What a prepared run emits as: QDQ for integer activations, float16 weights for fp16, else float32. */
export function emitForm(prepared: PreparedRun): EmitForm {
  const { precision, weights } = prepared;
  if (precision.activations === 'int8') {
    if (!weights.activations || Object.keys(weights.activations).length === 0) {
      throw new ModelError(`${precision.name}: the configuration has no activation scales to write (it was not quantized)`);
    }
    return 'int8';
  }
  return precision.weights === 'fp16' || precision.activations === 'fp16' ? 'fp16' : 'fp32';
}

/** ONNX dimensions (batch first, images NCHW) of a Frontier shape. */
export function onnxDims(shape: readonly number[], batch: Dim): Dim[] {
  return shape.length === 3 ? [batch, shape[2], shape[0], shape[1]] : [batch, ...shape];
}

/** ONNX axis of a Frontier dimension index. */
const onnxAxis = (axis: number, rank: number): number => (rank === 3 ? (axis === 2 ? 1 : axis + 2) : axis + 1);

/** The Frontier dimension index held by ONNX axis `axis` (batch excluded) of a rank-`rank` Frontier tensor. */
const onnxFrontier = (axis: number, rank: number): number => (rank === 3 ? (axis === 1 ? 2 : axis - 2) : axis - 1);

const ACTIVATION_OPS: Partial<Record<ActivationName, string>> = {
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  softmax: 'Softmax',
  elu: 'Elu',
  selu: 'Selu',
  softplus: 'Softplus',
  softsign: 'Softsign',
  exponential: 'Exp',
  hard_swish: 'HardSwish',
  hard_silu: 'HardSwish',
  linear: 'Identity',
};

type Attrs = Parameters<OnnxBuilder['node']>[3];

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A Dense kernel [units, H·W·C] (H×W×C order) with its columns in C×H×W order, as ONNX's Flatten of NCHW lays them. */
export function kernelColumnsToChw(kernel: WeightTensor, image: readonly number[]): WeightTensor {
  const [h, w, c] = image;
  const [units, depth] = kernel.shape;
  if (depth !== h * w * c) throw new ModelError(`a Dense kernel of ${depth} inputs cannot read a flattened ${h}×${w}×${c} image`);
  const Ctor = kernel.data.constructor as new (n: number) => typeof kernel.data;
  const out = new Ctor(kernel.data.length);
  for (let u = 0; u < units; u++) {
    const row = u * depth;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[row + (k * h + y) * w + x] = kernel.data[row + (y * w + x) * c + k];
  }
  return { ...kernel, data: out };
}

export function emitOnnxBuilder(graph: ModelGraph, weights: ModelWeights, form: EmitForm, options: EmitOnnxOptions = {}): OnnxBuilder {
  const int8 = form === 'int8';
  const batch = options.batch ?? 'N';
  const withInfo = options.valueInfo ?? true;
  const hwc = weights.flattenOrder === 'hwc';
  const shapes = inferShapes(graph);
  const plan = deployPlan(graph);
  const b = new OnnxBuilder(options.name ?? graph.name, EMIT_OPSET);
  const shapeOf = (layer: string): number[] => shapes.get(layer) as number[];
  const dimsOf = (layer: string): Dim[] => onnxDims(shapeOf(layer), batch);
  const fail = (layer: string, message: string): never => {
    throw new ModelError(`layer ${layer}: ${message}`, layer);
  };
  const readers = new Map<string, Layer[]>();
  for (const layer of graph.layers) for (const input of layer.inputs) readers.set(input, [...(readers.get(input) ?? []), layer]);

  // Tensor names consumers read, by layer (after quantization, the DequantizeLinear output).
  const ref = new Map<string, string>();
  const read = (layer: string): string => ref.get(layer) as string;
  // Vectors holding a flattened image in ONNX's C×H×W order where the source reads H×W×C: the image's shape.
  const chwFlat = new Map<string, number[]>();

  // Which layers' outputs get a QuantizeLinear→DequantizeLinear pair: where a tensor leaves its fused group.
  const quantizeOut = new Set<string>();
  if (int8) {
    const owner = (name: string): string => plan.tensorOf.get(name) ?? name;
    const inside = (name: string): boolean => ['fused', 'folded', 'removed'].includes(plan.roles.get(name)?.role ?? '');
    for (const layer of graph.layers) {
      if (plan.roles.get(layer.name)?.role === 'alias') continue;
      const leaves =
        graph.outputs.includes(layer.name) || (readers.get(layer.name) ?? []).some((r) => !(inside(r.name) && owner(r.name) === owner(layer.name)));
      if (leaves) quantizeOut.add(layer.name);
    }
  }
  // An activation TFLM does not fuse runs on a tensor of its own in int8: the value before it is quantized too, with
  // the run's scale for it. By the layer whose output that value is: an absorbed Activation layer's input, or the
  // layer itself when the activation is its own (its node writes `<name>/linear`).
  const preQuantized = new Map<string, string>();
  if (int8) {
    for (const op of plan.ops) {
      if (!separateActivation(op)) continue;
      const absorbed = graph.layers.find((l) => l.name === op.absorbed[op.absorbed.length - 1] && l.type === 'Activation');
      preQuantized.set(absorbed ? absorbed.inputs[0] : `${op.layer.name}/linear`, preActivation(op.layer.name));
    }
  }
  const quantizeDequantize = (value: string, q: ActivationQuantization, prefix: string, dims: Dim[]): string => {
    const scale = b.constant(`${prefix}_act_scale`, [Math.fround(q.scale)], DT.FLOAT, []);
    const zp = b.constant(`${prefix}_act_zero_point`, [q.zeroPoint], DT.INT8, []);
    b.node('QuantizeLinear', [value, scale, zp], [`${prefix}/q`], {}, `${prefix}/quantize`);
    b.node('DequantizeLinear', [`${prefix}/q`, scale, zp], [`${prefix}/dq`], {}, `${prefix}/dequantize`);
    if (withInfo) {
      b.info(`${prefix}/q`, dims, DT.INT8);
      b.info(`${prefix}/dq`, dims);
    }
    return `${prefix}/dq`;
  };
  const activation = (layer: string): ActivationQuantization => {
    const q = weights.activations?.[plan.tensorOf.get(layer) ?? layer] ?? weights.activations?.[layer];
    if (!q) fail(layer, 'its output has no int8 scale and zero point');
    return q as ActivationQuantization;
  };
  const activationOf = (key: string): ActivationQuantization => weights.activations?.[key] ?? fail(key, 'has no int8 scale and zero point');
  const layerWeights = (layer: Layer): LayerWeights => weights.layers[layer.name] ?? fail(layer.name, 'has no weights');

  /** A float tensor, its values rounded to binary16 for fp16 (stored as float32: see the header). */
  const floatTensor = (name: string, dims: readonly number[], values: ArrayLike<number>): string => {
    const data = form === 'fp16' ? Float32Array.from(values, roundToFloat16) : values;
    // A float32 array on a little-endian machine is its raw data already (large models: no copy, no per-value loop).
    if (data instanceof Float32Array && LITTLE_ENDIAN) return b.rawInitializer(name, dims, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return b.initializer(name, dims, data);
  };
  const realOf = (layer: string, role: string, t: WeightTensor): Float32Array => Float32Array.from(realValues(t, `layer ${layer}: its ${role}`));

  /** A kernel: int8 per channel behind DequantizeLinear, or float. */
  const kernel = (layer: string, name: string, t: WeightTensor, dims: readonly number[] = t.shape): string => {
    if (!int8) return floatTensor(name, dims, realOf(layer, 'kernel', t));
    if (!(t.data instanceof Int8Array) || !t.quantization) fail(layer, 'its kernel is not int8 with a scale');
    const q = t.quantization as NonNullable<WeightTensor['quantization']>;
    if (q.zeroPoint.some((z) => z !== 0)) fail(layer, 'its kernel has a non-zero zero point; int8 weights are written symmetric');
    b.rawInitializer(`${name}_q`, dims, rawBytes(t.data, DT.INT8), DT.INT8);
    const perChannel = q.scale.length > 1;
    const shape = perChannel ? [q.scale.length] : [];
    const scale = b.constant(`${name}_scale`, Array.from(q.scale, Math.fround), DT.FLOAT, shape);
    const zero = b.constant(`${name}_zero_point`, new Array<number>(q.scale.length).fill(0), DT.INT8, shape);
    return b.node('DequantizeLinear', [`${name}_q`, scale, zero], [name], perChannel ? { axis: attr.int(0) } : {}, `${name}/dequantize`);
  };
  /** A bias: int32 at s_input · s_weight behind DequantizeLinear, or float; zeros where the layer has none. */
  const bias = (layer: string, name: string, t: WeightTensor | undefined, channels: number, inputScale: number, kernelScales: Float64Array): string => {
    if (!int8) return floatTensor(name, [channels], t ? realOf(layer, 'bias', t) : new Float32Array(channels));
    if (t && !(t.data instanceof Int32Array)) fail(layer, 'its bias is not int32');
    const values = t ? (t.data as Int32Array) : new Int32Array(channels);
    b.initializer(`${name}_q`, [channels], values, DT.INT32);
    const scales = Array.from({ length: channels }, (_, c) =>
      Math.fround(t?.quantization?.scale[t.quantization.scale.length > 1 ? c : 0] ?? Math.fround(inputScale) * kernelScales[kernelScales.length > 1 ? c : 0]),
    );
    const scale = b.constant(`${name}_scale`, scales, DT.FLOAT, [channels]);
    const zero = b.constant(`${name}_zero_point`, new Array<number>(channels).fill(0), DT.INT32, [channels]);
    return b.node('DequantizeLinear', [`${name}_q`, scale, zero], [name], { axis: attr.int(0) }, `${name}/dequantize`);
  };
  // Float files keep the bias the layer has; int8 ones the bias the layer declares or a folded BatchNormalization
  // gave it (quantization gives every layer one, zeros where it had none), and any bias that is not all zeros.
  const keepsBias = (layer: Layer, t: WeightTensor | undefined, folded: boolean): boolean =>
    t !== undefined && (!int8 || folded || ('useBias' in layer && layer.useBias) || t.data.some((v) => v !== 0));
  const scalesOf = (t: WeightTensor | undefined): Float64Array => t?.quantization?.scale ?? new Float64Array([1]);

  /** Emits a node writing `out` with the layer's output shape; records value_info. */
  const emit = (layer: Layer, op: string, inputs: string[], out: string, attrs: Attrs = {}, name = out): string => {
    b.node(op, inputs, [out], attrs, name);
    if (withInfo && !graph.outputs.includes(layer.name)) b.info(out, dimsOf(layer.name));
    return out;
  };
  const transpose = (x: string, perm: number[], name: string): string => b.node('Transpose', [x], [b.fresh(name)], { perm: attr.ints(perm) });

  /** A fused activation (or an Activation layer) on `x`, writing `out`. */
  const activate = (layer: Layer, act: ActivationName, x: string, out: string, name: string): string => {
    const rank = shapeOf(layer.name).length;
    switch (act) {
      case 'relu6':
      case 'relu_n1_to_1': {
        const [lo, hi] = act === 'relu6' ? [0, 6] : [-1, 1];
        return emit(layer, 'Clip', [x, b.constant(`${name}_min`, [lo], DT.FLOAT, []), b.constant(`${name}_max`, [hi], DT.FLOAT, [])], out, {}, name);
      }
      case 'softmax':
        return emit(layer, 'Softmax', [x], out, { axis: attr.int(rank === 3 ? 1 : -1) }, name);
      case 'leaky_relu':
        // Keras's default slope, as the engine runs it.
        return emit(layer, 'LeakyRelu', [x], out, { alpha: attr.float(0.3) }, name);
      case 'hard_sigmoid':
        return emit(layer, 'HardSigmoid', [x], out, { alpha: attr.float(0.2), beta: attr.float(0.5) }, name);
      case 'swish':
      case 'silu':
        return emit(layer, 'Mul', [x, b.node('Sigmoid', [x], [b.fresh(`${name}/sigmoid`)])], out, {}, name);
      default: {
        const op = ACTIVATION_OPS[act];
        if (!op) return fail(layer.name, `the activation ${act} has no ONNX operator in an emitted file`);
        return emit(layer, op, [x], out, {}, name);
      }
    }
  };

  /** Whether every reader of a flattened vector (through dropouts and element-wise activations) is a Dense layer. */
  const onlyDenseReads = (name: string): boolean => {
    if (graph.outputs.includes(name)) return false;
    return (readers.get(name) ?? []).every((r) => {
      if (r.type === 'Dense') return true;
      if (r.type === 'Dropout' || (r.type === 'Activation' && r.activation !== 'softmax')) return onlyDenseReads(r.name);
      return false;
    });
  };

  const bigImage = (shape: readonly number[] | undefined): boolean => shape !== undefined && isImage(shape) && shape[0] * shape[1] > 1;
  const flattensImage = (layer: Layer): boolean =>
    layer.inputs.length > 0 &&
    bigImage(shapes.get(layer.inputs[0])) &&
    (layer.type === 'Flatten' || (layer.type === 'Dense' && layer.flattenInput) || (layer.type === 'Reshape' && shapeOf(layer.name).length === 1));
  // A channels-last source flattens images channel-major (Dense kernels reordered) unless some flattened image is
  // read by a layer that sees the order, or a Reshape makes an image: then every flatten keeps the source's order
  // through a Transpose (one flatten order per file, as readers take one).
  const sourceOrder =
    hwc &&
    graph.layers.some(
      (l) => (flattensImage(l) && l.type !== 'Dense' && !onlyDenseReads(l.name)) || (l.type === 'Reshape' && isImage(shapeOf(l.name))),
    );

  /** A flattened image (Flatten, a Reshape to a vector, a Dense's own flatten): channel-major or the source's order. */
  const flatten = (layer: Layer, x: string, image: number[], out: string, ownFlatten: boolean): string => {
    const permutes = hwc && bigImage(image);
    const attrs = { axis: attr.int(1) };
    const from = permutes && sourceOrder ? transpose(x, [0, 2, 3, 1], `${layer.name}/nhwc`) : x;
    if (permutes && !sourceOrder && !ownFlatten) chwFlat.set(layer.name, image);
    return ownFlatten ? b.node('Flatten', [from], [out], attrs) : emit(layer, 'Flatten', [from], out, attrs, layer.name);
  };

  for (const layer of topologicalOrder(graph)) {
    const name = layer.name;
    const role = plan.roles.get(name)?.role;
    const inShape = layer.inputs.length > 0 ? shapeOf(layer.inputs[0]) : [];
    const x = layer.inputs.length > 0 ? read(layer.inputs[0]) : '';
    // The main node writes `pre` when a fused activation follows it inside the same layer.
    const act = 'activation' in layer && layer.type !== 'Activation' ? ((layer as { activation?: ActivationName }).activation ?? 'linear') : 'linear';
    const pre = act !== 'linear' ? `${name}/linear` : name;
    const window = (kernelShape: [number, number], strides: [number, number], dilation: [number, number], padding: 'same' | 'valid') => {
      const [top, bottom] = padding === 'same' ? samePads(inShape[0], kernelShape[0], strides[0], dilation[0]) : [0, 0];
      const [left, right] = padding === 'same' ? samePads(inShape[1], kernelShape[1], strides[1], dilation[1]) : [0, 0];
      return { kernel_shape: attr.ints(kernelShape), strides: attr.ints(strides), pads: attr.ints([top, left, bottom, right]) };
    };
    const inputScale = (): number => (int8 ? activation(layer.inputs[0]).scale : 1);
    let out = name;
    const foldedInto = int8 ? plan.ops.find((op) => op.foldedBatchNorm && op.layer.name === name) : undefined;
    if (layer.inputs.length > 0 && chwFlat.has(layer.inputs[0]) && (layer.type === 'Dropout' || layer.type === 'Activation')) {
      chwFlat.set(name, chwFlat.get(layer.inputs[0]) as number[]);
    }
    switch (layer.type) {
      case 'Input':
        b.input(name, dimsOf(name));
        break;
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const w = layerWeights(layer);
        if (!w.kernel) fail(name, 'has no kernel');
        const k = w.kernel as WeightTensor;
        const groups = layer.type === 'DepthwiseConv2D' ? inShape[2] : layer.groups;
        const inputs = [x, kernel(name, `${name}.weight`, k)];
        if (keepsBias(layer, w.bias, foldedInto !== undefined)) inputs.push(bias(name, `${name}.bias`, w.bias, k.shape[0], inputScale(), scalesOf(k)));
        emit(layer, 'Conv', inputs, pre, { ...window(layer.kernel, layer.strides, layer.dilation, layer.padding), dilations: attr.ints(layer.dilation), group: attr.int(groups) }, name);
        break;
      }
      case 'SeparableConv2D': {
        if (int8) fail(name, 'an int8 SeparableConv2D cannot be written (TFLite splits it into two operators)');
        const w = layerWeights(layer);
        if (!w.kernel || !w.depthwiseKernel) fail(name, 'needs a depthwise and a pointwise kernel');
        const midName = `${name}/depthwise`;
        b.node('Conv', [x, kernel(name, `${name}.depthwise.weight`, w.depthwiseKernel as WeightTensor)], [midName], {
          ...window(layer.kernel, layer.strides, layer.dilation, layer.padding),
          dilations: attr.ints(layer.dilation),
          group: attr.int(inShape[2]),
        });
        const inputs = [midName, kernel(name, `${name}.pointwise.weight`, w.kernel as WeightTensor)];
        if (w.bias) inputs.push(bias(name, `${name}.bias`, w.bias, (w.kernel as WeightTensor).shape[0], 1, scalesOf(undefined)));
        emit(layer, 'Conv', inputs, pre, {}, name);
        break;
      }
      case 'Dense': {
        const w = layerWeights(layer);
        if (!w.kernel) fail(name, 'has no kernel');
        let k = w.kernel as WeightTensor;
        const [units, depth] = k.shape;
        const flat = layer.flattenInput || inShape.length === 1;
        let source = x;
        if (flat && inShape.length > 1) {
          source = flatten(layer, x, inShape, `${name}/flatten`, true);
          if (hwc && bigImage(inShape) && !sourceOrder) k = kernelColumnsToChw(k, inShape);
        } else if (chwFlat.has(layer.inputs[0])) {
          k = kernelColumnsToChw(k, chwFlat.get(layer.inputs[0]) as number[]);
        }
        const useBias = keepsBias(layer, w.bias, foldedInto !== undefined);
        if (flat) {
          // PyTorch's Linear: Gemm with the weight stored units × inputs.
          const inputs = [source, kernel(name, `${name}.weight`, k)];
          if (useBias) inputs.push(bias(name, `${name}.bias`, w.bias, units, inputScale(), scalesOf(k)));
          emit(layer, 'Gemm', inputs, pre, { transB: attr.int(1) }, name);
        } else {
          // A Dense on the last axis of a sequence (or, channels-last, of an image): MatMul by inputs × units.
          if (int8) fail(name, 'an int8 Dense layer on a tensor of rank above 1 cannot be written');
          const real = realOf(name, 'kernel', k);
          const transposed = new Float32Array(real.length);
          for (let u = 0; u < units; u++) for (let d = 0; d < depth; d++) transposed[d * units + u] = real[u * depth + d];
          const image = isImage(inShape);
          if (image) source = transpose(source, [0, 2, 3, 1], `${name}/nhwc`);
          let y = b.node('MatMul', [source, floatTensor(`${name}.weight`, [depth, units], transposed)], [useBias || image ? `${name}/matmul` : pre], {}, `${name}/matmul`);
          if (useBias) y = b.node('Add', [y, bias(name, `${name}.bias`, w.bias, units, 1, scalesOf(undefined))], [image ? `${name}/biased` : pre], {}, `${name}/bias`);
          if (image) emit(layer, 'Transpose', [y], pre, { perm: attr.ints([0, 3, 1, 2]) }, `${name}/nchw`);
        }
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const attrs = window(layer.pool, layer.strides, [1, 1], layer.padding);
        // TensorFlow's average leaves padding out of the count.
        emit(layer, layer.type === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool', [x], name, layer.type === 'AveragePooling2D' ? { ...attrs, count_include_pad: attr.int(0) } : attrs);
        break;
      }
      case 'GlobalAveragePooling2D':
      case 'GlobalMaxPooling2D': {
        const op = layer.type === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool';
        if (layer.keepDims) emit(layer, op, [x], name);
        else {
          b.node(op, [x], [`${name}/pooled`], {}, `${name}/pool`);
          emit(layer, 'Flatten', [`${name}/pooled`], name, { axis: attr.int(1) });
        }
        break;
      }
      case 'Flatten':
        flatten(layer, x, inShape, name, false);
        break;
      case 'Reshape': {
        const target = shapeOf(name);
        if (!isImage(target) && target.length === 1 && isImage(inShape)) {
          flatten(layer, x, inShape, name, false);
          break;
        }
        if (!(hwc && (isImage(inShape) || isImage(target)))) {
          emit(layer, 'Reshape', [x, b.constant(`${name}_shape`, [0, ...(onnxDims(target, 1).slice(1) as number[])], DT.INT64)], name);
          break;
        }
        // A channels-last source reshapes H×W×C values: reshape channels-last, then back to NCHW.
        const from = isImage(inShape) ? transpose(x, [0, 2, 3, 1], `${name}/nhwc`) : x;
        const shaped = b.node('Reshape', [from, b.constant(`${name}_shape`, [0, ...target], DT.INT64)], [isImage(target) ? `${name}/reshaped` : name], {}, `${name}/reshape`);
        if (isImage(target)) emit(layer, 'Transpose', [shaped], name, { perm: attr.ints([0, 3, 1, 2]) }, `${name}/nchw`);
        else if (withInfo && !graph.outputs.includes(name)) b.info(name, dimsOf(name));
        break;
      }
      case 'ZeroPadding2D': {
        const [[t, bt], [l, r]] = layer.padding;
        emit(layer, 'Pad', [x, b.constant(`${name}_pads`, [0, 0, t, l, 0, 0, bt, r], DT.INT64)], name);
        break;
      }
      case 'BatchNormalization': {
        if (int8 && role === 'folded') {
          out = x;
          break;
        }
        const w = layerWeights(layer);
        const c = inShape[inShape.length - 1];
        const vector = (t: WeightTensor | undefined, fill: number, role: string): string =>
          floatTensor(`${name}.${role}`, [c], t ? realOf(name, role, t) : new Float32Array(c).fill(fill));
        if (!w.mean || !w.variance) fail(name, 'needs its moving mean and variance');
        const vectors = [vector(w.gamma, 1, 'scale'), vector(w.beta, 0, 'bias'), vector(w.mean, 0, 'mean'), vector(w.variance, 1, 'var')];
        const epsilon = { epsilon: attr.float(w.epsilon ?? 1e-3) };
        if (inShape.length === 2) {
          // ONNX normalizes axis 1: the channels of a [N, T, C] tensor move there and back.
          const y = b.node('BatchNormalization', [transpose(x, [0, 2, 1], `${name}/to_c`), ...vectors], [`${name}/normalized`], epsilon);
          emit(layer, 'Transpose', [y], name, { perm: attr.ints([0, 2, 1]) }, `${name}/from_c`);
        } else emit(layer, 'BatchNormalization', [x, ...vectors], name, epsilon);
        break;
      }
      case 'Activation':
        activate(layer, layer.activation, x, name, name);
        break;
      case 'Dropout':
        // Inference: the identity.
        out = x;
        break;
      case 'Add':
      case 'Multiply': {
        const op = layer.type === 'Add' ? 'Add' : 'Mul';
        const operands = layer.inputs.map(read);
        const constant = weights.layers[name]?.constant;
        if (constant) {
          if (int8) fail(name, `an int8 ${layer.type} with a constant operand cannot be written`);
          // A channels-last constant: NCHW images need it with the channels first.
          const shape = constant.shape;
          const values = realOf(name, 'constant', constant);
          const outShape = shapeOf(name);
          if (isImage(outShape) && shape.length >= 1 && sizeOf(shape) === shape[shape.length - 1]) {
            operands.push(floatTensor(`${name}.constant`, [shape[shape.length - 1], 1, 1], values));
          } else if (isImage(outShape) && shape.length === 3) {
            const [h, w, c] = shape;
            const chw = new Float32Array(values.length);
            for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let k = 0; k < c; k++) chw[(k * h + y) * w + xx] = values[(y * w + xx) * c + k];
            operands.push(floatTensor(`${name}.constant`, [c, h, w], chw));
          } else operands.push(floatTensor(`${name}.constant`, shape, values));
        }
        let acc = operands[0];
        operands.slice(1).forEach((operand, i) => {
          const last = i === operands.length - 2;
          acc = last ? emit(layer, op, [acc, operand], pre, {}, name) : b.node(op, [acc, operand], [`${name}/${i + 1}`]);
        });
        break;
      }
      case 'Concatenate': {
        const rank = shapeOf(name).length;
        const axis = layer.axis < 0 ? layer.axis + rank : layer.axis;
        emit(layer, 'Concat', layer.inputs.map(read), name, { axis: attr.int(onnxAxis(axis, rank)) });
        break;
      }
      case 'Transpose': {
        const rank = layer.perm.length;
        const perm = [0, ...Array.from({ length: rank }, (_, i) => onnxAxis(layer.perm[onnxFrontier(i + 1, rank)], rank))];
        emit(layer, 'Transpose', [x], name, { perm: attr.ints(perm) });
        break;
      }
      case 'Cast':
        out = x;
        break;
      default:
        fail(name, `${layer.type} has no ONNX form in an emitted file`);
    }
    if (act !== 'linear') {
      const before = preQuantized.get(pre);
      const source = before ? quantizeDequantize(pre, activationOf(before), pre, dimsOf(name)) : pre;
      activate(layer, act, source, name, `${name}/${act}`);
    }
    ref.set(name, out);
    // A skipped layer (folded, removed) quantizes the tensor it passes on.
    if (quantizeOut.has(name)) ref.set(name, quantizeDequantize(out, activation(name), name, dimsOf(name)));
    else if (preQuantized.has(name)) ref.set(name, quantizeDequantize(out, activationOf(preQuantized.get(name) as string), name, dimsOf(name)));
  }
  for (const output of graph.outputs) b.output(read(output), dimsOf(output));
  return b;
}
