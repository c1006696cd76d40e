// Writes a Frontier graph as an ONNX model, as PyTorch or ONNX Runtime's quantizer would: NCHW tensors, nodes in
// execution order, value_info for every intermediate tensor. `int8` writes the QDQ format: int8 weights and int32
// biases through DequantizeLinear, BatchNormalization folded into the layer before it, and a
// QuantizeLinear→DequantizeLinear pair on every tensor an operation writes. Reused by the round-trip tests, the
// fuzz cases (which mutate its output) and the large-model benchmark.
import { deployPlan } from '../../src/shared/model/deploy';
import { topologicalOrder } from '../../src/shared/model/graph';
import { inferShapes } from '../../src/shared/model/shapes';
import type { ActivationName, Layer, ModelGraph } from '../../src/shared/model/types';
import { attr, DT, OnnxBuilder, random, rawBytes, type Dim } from './builder';

export interface OnnxWriteOptions {
  /** `fp32` (default) or `int8` (QDQ). */
  precision?: 'fp32' | 'int8';
  /** The batch dimension: a size, or a symbolic name (default `N`, dynamic). */
  batch?: Dim;
  /** Seed of the weight values; `zeros` writes zero-filled weights (fast for large models). */
  weights?: number | 'zeros';
  /** Write value_info for intermediate tensors (default true). */
  valueInfo?: boolean;
}

/** ONNX dimensions (batch first, images NCHW) of a Frontier shape. */
export function onnxDims(shape: readonly number[], batch: Dim): Dim[] {
  return shape.length === 3 ? [batch, shape[2], shape[0], shape[1]] : [batch, ...shape];
}

/** ONNX axis of a Frontier dimension index. */
const onnxAxis = (axis: number, rank: number): number => (rank === 3 ? (axis === 2 ? 1 : axis + 2) : axis + 1);

/** TensorFlow's SAME padding of one axis: [begin, end]. */
function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - size);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const ACTIVATION_OPS: Partial<Record<ActivationName, string>> = {
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  hard_sigmoid: 'HardSigmoid',
  hard_swish: 'HardSwish',
  tanh: 'Tanh',
  softmax: 'Softmax',
  leaky_relu: 'LeakyRelu',
  elu: 'Elu',
  selu: 'Selu',
  softplus: 'Softplus',
  softsign: 'Softsign',
  linear: 'Identity',
};

export function graphToOnnx(graph: ModelGraph, options: OnnxWriteOptions = {}): Uint8Array {
  return graphToOnnxBuilder(graph, options).bytes();
}

export function graphToOnnxBuilder(graph: ModelGraph, options: OnnxWriteOptions = {}): OnnxBuilder {
  const int8 = options.precision === 'int8';
  const batch = options.batch ?? 'N';
  const withInfo = options.valueInfo ?? true;
  const next = options.weights === 'zeros' ? () => 0 : random(options.weights ?? 1);
  const shapes = inferShapes(graph);
  const plan = deployPlan(graph);
  const b = new OnnxBuilder(graph.name);
  const dimsOf = (layer: string): Dim[] => onnxDims(shapes.get(layer) as number[], batch);

  // Tensor names consumers read, by layer (after quantization, the DequantizeLinear output).
  const ref = new Map<string, string>();
  const read = (layer: string): string => ref.get(layer) as string;

  // Which layers' outputs get a QuantizeLinear→DequantizeLinear pair: where a tensor leaves its fused group.
  const quantizeOut = new Set<string>();
  if (int8) {
    const owner = (name: string): string => plan.tensorOf.get(name) ?? name;
    const inside = (name: string): boolean => ['fused', 'folded', 'removed'].includes(plan.roles.get(name)?.role ?? '');
    for (const layer of graph.layers) {
      const role = plan.roles.get(layer.name)?.role;
      if (role === 'alias') continue;
      const readers = graph.layers.filter((l) => l.inputs.includes(layer.name));
      const leaves = graph.outputs.includes(layer.name) || readers.some((r) => !(inside(r.name) && owner(r.name) === owner(layer.name)));
      if (leaves) quantizeOut.add(layer.name);
    }
  }

  const weight = (name: string, dims: number[]): string => {
    const count = dims.reduce((a, d) => a * d, 1);
    if (int8) {
      const q = new Int8Array(count);
      for (let i = 0; i < count; i++) q[i] = Math.round((next() - 0.5) * 200);
      b.rawInitializer(`${name}_q`, dims, rawBytes(q, DT.INT8), DT.INT8);
      return b.node('DequantizeLinear', [`${name}_q`, b.constant(`${name}_scale`, [0.01], DT.FLOAT, []), b.constant(`${name}_zp`, [0], DT.INT8, [])], [name]);
    }
    if (options.weights === 'zeros') {
      b.rawInitializer(name, dims, new Uint8Array(count * 4));
      return name;
    }
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = (next() - 0.5) * 0.2;
    return b.initializer(name, dims, values);
  };
  const bias = (name: string, count: number): string => {
    if (int8) {
      const q = Array.from({ length: count }, () => Math.round((next() - 0.5) * 2000));
      b.initializer(`${name}_q`, [count], q, DT.INT32);
      return b.node('DequantizeLinear', [`${name}_q`, b.constant(`${name}_scale`, [0.0001], DT.FLOAT, [])], [name]);
    }
    return weight(name, [count]);
  };

  /** Emits a node writing `out` with the layer's output shape; records value_info. */
  const emit = (layer: Layer, op: string, inputs: string[], out: string, attrs: Parameters<OnnxBuilder['node']>[3] = {}, name = out): string => {
    b.node(op, inputs, [out], attrs, name);
    if (withInfo && !graph.outputs.includes(layer.name)) b.info(out, dimsOf(layer.name));
    return out;
  };

  /** A fused activation (or an Activation layer) on `x`, writing `out`. */
  const activation = (layer: Layer, act: ActivationName, x: string, out: string, name: string): string => {
    if (act === 'relu6' || act === 'relu_n1_to_1') {
      const [lo, hi] = act === 'relu6' ? [0, 6] : [-1, 1];
      return emit(layer, 'Clip', [x, b.constant(`${name}_min`, [lo], DT.FLOAT, []), b.constant(`${name}_max`, [hi], DT.FLOAT, [])], out, {}, name);
    }
    const op = ACTIVATION_OPS[act];
    if (!op) throw new Error(`writer: activation ${act} has no ONNX operator here`);
    const rank = (shapes.get(layer.name) as number[]).length;
    const attrs: Parameters<OnnxBuilder['node']>[3] = op === 'Softmax' ? { axis: attr.int(rank === 3 ? 1 : -1) } : {};
    return emit(layer, op, [x], out, attrs, name);
  };

  for (const layer of topologicalOrder(graph)) {
    const name = layer.name;
    const role = plan.roles.get(name)?.role;
    const inShape = layer.inputs.length > 0 ? (shapes.get(layer.inputs[0]) as number[]) : [];
    const x = layer.inputs.length > 0 ? read(layer.inputs[0]) : '';
    // The main node writes `pre` when a fused activation follows it inside the same layer.
    const act = 'activation' in layer && layer.type !== 'Activation' ? layer.activation : 'linear';
    const pre = act !== 'linear' ? `${name}/linear` : name;
    const window = (kernel: [number, number], strides: [number, number], dilation: [number, number], padding: 'same' | 'valid') => {
      const [top, bottom] = padding === 'same' ? samePads(inShape[0], kernel[0], strides[0], dilation[0]) : [0, 0];
      const [left, right] = padding === 'same' ? samePads(inShape[1], kernel[1], strides[1], dilation[1]) : [0, 0];
      return { kernel_shape: attr.ints(kernel), strides: attr.ints(strides), pads: attr.ints([top, left, bottom, right]) };
    };
    let out = name;
    const foldedInto = int8 ? plan.ops.find((op) => op.foldedBatchNorm && op.layer.name === name) : undefined;
    switch (layer.type) {
      case 'Input':
        b.input(name, dimsOf(name));
        break;
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const inC = inShape[2];
        const depthwise = layer.type === 'DepthwiseConv2D';
        const filters = depthwise ? inC * layer.depthMultiplier : layer.filters;
        const groups = depthwise ? inC : layer.groups;
        const w = weight(`${name}.weight`, [filters, inC / groups, layer.kernel[0], layer.kernel[1]]);
        const inputs = [x, w];
        if (layer.useBias || foldedInto) inputs.push(bias(`${name}.bias`, filters));
        emit(layer, 'Conv', inputs, pre, { ...window(layer.kernel, layer.strides, layer.dilation, layer.padding), dilations: attr.ints(layer.dilation), group: attr.int(groups) }, name);
        break;
      }
      case 'SeparableConv2D': {
        const inC = inShape[2];
        const mid = inC * layer.depthMultiplier;
        const dw = weight(`${name}.depthwise.weight`, [mid, 1, layer.kernel[0], layer.kernel[1]]);
        const midName = `${name}/depthwise`;
        b.node('Conv', [x, dw], [midName], { ...window(layer.kernel, layer.strides, layer.dilation, layer.padding), dilations: attr.ints(layer.dilation), group: attr.int(inC) }, midName);
        const pw = weight(`${name}.pointwise.weight`, [layer.filters, mid, 1, 1]);
        const inputs = [midName, pw];
        if (layer.useBias || foldedInto) inputs.push(bias(`${name}.bias`, layer.filters));
        emit(layer, 'Conv', inputs, pre, {}, name);
        break;
      }
      case 'Dense': {
        const inC = layer.flattenInput ? inShape.reduce((a, d) => a * d, 1) : inShape[inShape.length - 1];
        let source = x;
        if (layer.flattenInput && inShape.length > 1) source = b.node('Flatten', [x], [`${name}/flatten`], { axis: attr.int(1) });
        const useBias = layer.useBias || Boolean(foldedInto);
        if (inShape.length === 1 || layer.flattenInput) {
          // PyTorch's Linear: Gemm with the weight stored units × inputs.
          const inputs = [source, weight(`${name}.weight`, [layer.units, inC])];
          if (useBias) inputs.push(bias(`${name}.bias`, layer.units));
          emit(layer, 'Gemm', inputs, pre, { transB: attr.int(1) }, name);
        } else {
          const mm = useBias ? `${name}/matmul` : pre;
          b.node('MatMul', [source, weight(`${name}.weight`, [inC, layer.units])], [mm], {}, name);
          if (useBias) emit(layer, 'Add', [mm, bias(`${name}.bias`, layer.units)], pre, {}, `${name}/bias`);
        }
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        emit(layer, layer.type === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool', [x], name, window(layer.pool, layer.strides, [1, 1], layer.padding));
        break;
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
        emit(layer, 'Flatten', [x], name, { axis: attr.int(1) });
        break;
      case 'Reshape': {
        const target = [0, ...(onnxDims(shapes.get(name) as number[], 1).slice(1) as number[])];
        emit(layer, 'Reshape', [x, b.constant(`${name}_shape`, target, DT.INT64)], name);
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
        const c = inShape[inShape.length - 1];
        const vectors = ['scale', 'bias', 'mean', 'var'].map((v) => {
          const values = Array.from({ length: c }, () => (v === 'var' || v === 'scale' ? 0.5 + next() : next() - 0.5));
          return b.initializer(`${name}.${v}`, [c], values);
        });
        emit(layer, 'BatchNormalization', [x, ...vectors], name, { epsilon: attr.float(1e-3) });
        break;
      }
      case 'Activation':
        activation(layer, layer.activation, x, name, name);
        break;
      case 'Dropout':
        if (int8) {
          out = x;
          break;
        }
        emit(layer, 'Dropout', [x, b.constant(`${name}_ratio`, [layer.rate], DT.FLOAT, [])], name);
        break;
      case 'Add':
      case 'Multiply': {
        const op = layer.type === 'Add' ? 'Add' : 'Mul';
        let acc = read(layer.inputs[0]);
        layer.inputs.slice(1).forEach((input, i) => {
          const last = i === layer.inputs.length - 2;
          acc = last ? emit(layer, op, [acc, read(input)], pre, {}, name) : b.node(op, [acc, read(input)], [`${name}/${i + 1}`]);
        });
        break;
      }
      case 'Concatenate': {
        const rank = (shapes.get(name) as number[]).length;
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
      default:
        throw new Error(`writer: ${layer.type} (${name}) has no ONNX form here`);
    }
    if (act !== 'linear') activation(layer, act, pre, name, `${name}/${act}`);
    ref.set(name, out);
    if (quantizeOut.has(name)) {
      const scale = b.constant(`${name}_act_scale`, [0.05], DT.FLOAT, []);
      const zp = b.constant(`${name}_act_zp`, [0], DT.INT8, []);
      b.node('QuantizeLinear', [out, scale, zp], [`${name}/q`], {}, `${name}/quantize`);
      // A skipped layer (folded, removed) quantizes the tensor it passes on.
      b.node('DequantizeLinear', [`${name}/q`, scale, zp], [`${name}/dq`], {}, `${name}/dequantize`);
      if (withInfo) {
        b.info(`${name}/q`, dimsOf(name), DT.INT8);
        b.info(`${name}/dq`, dimsOf(name));
      }
      ref.set(name, `${name}/dq`);
    }
  }
  for (const output of graph.outputs) b.output(read(output), dimsOf(output));
  return b;
}

/** The Frontier dimension index held by ONNX axis `axis` (batch excluded) of a rank-`rank` Frontier tensor. */
function onnxFrontier(axis: number, rank: number): number {
  if (rank === 3) return axis === 1 ? 2 : axis - 2;
  return axis - 1;
}
