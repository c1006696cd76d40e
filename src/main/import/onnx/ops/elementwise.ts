// Activations, Clip, element-wise arithmetic, pooling and Dropout.
import type { NumberFormat } from '../../../../shared/analysis/precision';
import type { ActivationName } from '../../../../shared/model/types';
import { ModelError } from '../../../../shared/model/types';
import type { Constant, Converter, NodeContext } from '../context';
import { onnxShape, showShape, type Value } from '../layout';
import { quantParams } from './compute';
import { foldElementwise } from './constants';
import { checkSpatial, requireImage, windowAttributes, windowInput } from './window';

/** ONNX activations and the Frontier activation each is. */
export const ACTIVATIONS: Record<string, ActivationName> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  HardSigmoid: 'hard_sigmoid',
  HardSwish: 'hard_swish',
  Tanh: 'tanh',
  LeakyRelu: 'leaky_relu',
  Elu: 'elu',
  Selu: 'selu',
  Softplus: 'softplus',
  Softsign: 'softsign',
  Softmax: 'softmax',
  LogSoftmax: 'softmax',
  Mish: 'mish',
  Gelu: 'gelu',
  // ONNX Runtime's quantized activations (com.microsoft).
  QLinearSigmoid: 'sigmoid',
  QLinearLeakyRelu: 'leaky_relu',
  QLinearSoftmax: 'softmax',
};

export function activation(c: Converter, ctx: NodeContext): void {
  const x = c.input(ctx, 0);
  const out = c.addLayer(ctx, { type: 'Activation', activation: ACTIVATIONS[ctx.node.opType] }, [x]);
  // The numbers the run needs, with ONNX's defaults (a graph's analysis does not depend on them).
  const op = ctx.node.opType;
  if (op === 'LeakyRelu' || op === 'QLinearLeakyRelu') c.activationParameters.set(out.layer, { alpha: ctx.attrs.float('alpha', 0.01) });
  if (op === 'HardSigmoid') c.activationParameters.set(out.layer, { alpha: ctx.attrs.float('alpha', 0.2), beta: ctx.attrs.float('beta', 0.5) });
}

/** Clip: bounds from inputs (opset ≥ 11) or attributes; [0, 6] is ReLU6, [0, ∞) ReLU, [−1, 1] RELU_N1_TO_1. */
export function clip(c: Converter, ctx: NodeContext): void {
  const x = c.input(ctx, 0);
  const bound = (i: number, attr: string, fallback: number): number => {
    const k = c.optionalConstant(ctx, i, attr);
    if (!k) return ctx.attrs.float(attr, fallback);
    const values = c.read(k, `${ctx.where}: ${attr}`);
    if (values.length !== 1) throw new ModelError(`${ctx.where}: ${attr} should be one number, it has ${values.length}`);
    return values[0];
  };
  const lo = bound(1, 'min', Number.NEGATIVE_INFINITY);
  const hi = bound(2, 'max', Number.POSITIVE_INFINITY);
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  let name: ActivationName = 'clip';
  if (near(lo, 0) && near(hi, 6)) name = 'relu6';
  else if (near(lo, 0) && hi === Number.POSITIVE_INFINITY) name = 'relu';
  else if (near(lo, -1) && near(hi, 1)) name = 'relu_n1_to_1';
  c.addLayer(ctx, { type: 'Activation', activation: name }, [x]);
}

/** Numpy broadcasting of ONNX shapes; null when they do not broadcast. */
export function broadcast(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

const sameDims = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Add, Mul (and Sub, Div, which have their shapes): two activations, or an activation and a constant. A constant
 * added straight after a bias-less MatMul or Conv that feeds only it is that layer's bias (how tf2onnx and PyTorch
 * write a dense layer on a 3-D input).
 */
export function arithmetic(c: Converter, ctx: NodeContext): void {
  if (ctx.node.input.length !== 2) throw new ModelError(`${ctx.where}: takes 2 inputs, it has ${ctx.node.input.length}`);
  if (c.isConstant(ctx.node.input[0]) && c.isConstant(ctx.node.input[1])) {
    foldElementwise(c, ctx);
    return;
  }
  const op = ctx.node.opType;
  if (op === 'Sub' || op === 'Div') c.notes.add('Sub is analysed as Add and Div as Multiply: the same shapes and memory, no MACs');
  binary(c, ctx, op === 'Add' || op === 'Sub' ? 'Add' : 'Multiply', 0, 1, op === 'Add');
}

/**
 * An element-wise operator on the operands at `ai` and `bi`: two activations, or an activation and a constant.
 * `format` is the output's element format when the operator writes integers (QLinearAdd, QLinearMul).
 */
export function binary(
  c: Converter,
  ctx: NodeContext,
  type: 'Add' | 'Multiply',
  ai: number,
  bi: number,
  mayBeBias: boolean,
  format?: NumberFormat,
): void {
  const aName = ctx.node.input[ai] ?? '';
  const bName = ctx.node.input[bi] ?? '';
  if (c.values.has(aName) && c.values.has(bName)) {
    const a = c.input(ctx, ai, 'input A');
    const b = c.input(ctx, bi, 'input B');
    const out = c.addLayer(ctx, { type }, [a, b], { format });
    const expected = broadcast(onnxShape(a), onnxShape(b));
    if (!expected || !sameDims(expected, onnxShape(out))) {
      throw new ModelError(
        `${ctx.where}: ${showShape(onnxShape(a))} and ${showShape(onnxShape(b))} broadcast differently in the file's layout than channels-last; Frontier cannot analyse this`,
      );
    }
    return;
  }
  const [xIndex, kIndex] = c.values.has(aName) ? [ai, bi] : [bi, ai];
  const x = c.input(ctx, xIndex);
  const k = c.constant(ctx, kIndex, 'constant operand');
  if (mayBeBias && absorbBias(c, ctx, x, k)) return;
  const expected = broadcast(onnxShape(x), k.dims);
  if (!expected || !sameDims(expected, onnxShape(x))) {
    throw new ModelError(
      `${ctx.where}: the constant ${k.name} (${showShape(k.dims)}) broadcasts the ${showShape(onnxShape(x))} activation to another shape`,
    );
  }
  const out = c.addLayer(ctx, { type, constantOperand: true }, [x], { format });
  c.operands.set(out.layer, {
    where: ctx.where,
    op: ctx.node.opType,
    value: k,
    constantFirst: kIndex < xIndex,
    activation: x,
    integer: format !== undefined,
    quantization: format ? quantParams(c, ctx, kIndex + 1) : undefined,
  });
}

/** A bias vector added to a bias-less Dense or Conv whose only reader is this Add becomes that layer's bias. */
function absorbBias(c: Converter, ctx: NodeContext, x: Value, k: Constant): boolean {
  const layer = c.layerByName.get(x.layer);
  if (!layer || c.readers(x.name) !== 1) return false;
  if ((layer.type !== 'Dense' && layer.type !== 'Conv2D' && layer.type !== 'DepthwiseConv2D') || layer.useBias) return false;
  const weights = c.weights.get(layer.name);
  if (!weights) return false;
  const channels = x.shape[x.shape.length - 1];
  const dims = onnxShape(x);
  // The constant must vary only along the channel axis (the last for Dense, axis 1 for NCHW).
  const channelAxis = x.layout === 'cf' && x.shape.length >= 2 ? 1 : dims.length - 1;
  const aligned = dims.length - k.dims.length;
  const fits =
    k.count === channels &&
    aligned >= 0 &&
    k.dims.every((d, i) => (i + aligned === channelAxis ? d === channels : d === 1));
  if (!fits) return false;
  layer.useBias = true;
  weights.bias = k;
  c.bind(ctx, ctx.node.output[0], x);
  return true;
}

export function pool(c: Converter, ctx: NodeContext): void {
  const x = c.input(ctx, 0);
  requireImage(ctx, x);
  c.onlyFirstOutput(ctx);
  const kernel = ctx.attrs.ints('kernel_shape');
  if (!kernel || kernel.length !== 2) {
    throw new ModelError(`${ctx.where}: kernel_shape should give a 2-D window, it is ${kernel ? `[${kernel.join(', ')}]` : 'missing'}`);
  }
  const attrs = windowAttributes(ctx, [kernel[0], kernel[1]]);
  if (attrs.dilation[0] !== 1 || attrs.dilation[1] !== 1) {
    throw new ModelError(`${ctx.where}: dilations ${attrs.dilation.join('×')}: Frontier's pooling layers have no dilation`);
  }
  const { source, window } = windowInput(c, ctx, x, attrs);
  const type = ctx.node.opType === 'MaxPool' ? 'MaxPooling2D' : 'AveragePooling2D';
  const out = c.addLayer(ctx, { type, pool: attrs.kernel, strides: attrs.strides, padding: window.padding }, [source]);
  checkSpatial(ctx, out, window);
}

export function globalPool(c: Converter, ctx: NodeContext): void {
  const x = c.input(ctx, 0);
  requireImage(ctx, x);
  const type = ctx.node.opType === 'GlobalMaxPool' ? 'GlobalMaxPooling2D' : 'GlobalAveragePooling2D';
  c.addLayer(ctx, { type, keepDims: true }, [x]);
}

/** ReduceMean over H and W of an NCHW image is global average pooling (as tf2onnx writes it). */
export function reduceMean(c: Converter, ctx: NodeContext): void {
  const x = c.input(ctx, 0);
  const axesInput = c.optionalConstant(ctx, 1, 'axes');
  const axes = (axesInput ? c.readInts(axesInput, `${ctx.where}: axes`) : ctx.attrs.ints('axes')) ?? [];
  const rank = x.shape.length + 1;
  const normalised = [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort();
  if (x.layout !== 'cf' || x.shape.length !== 3 || normalised.join(',') !== '2,3') {
    throw new ModelError(
      `${ctx.where}: Frontier reads ReduceMean only over H and W of an NCHW image (axes [2, 3]), as global average pooling; here axes [${axes.join(', ')}] of a ${rank}-D tensor`,
    );
  }
  const keepDims = ctx.attrs.int('keepdims', 1) !== 0;
  c.addLayer(ctx, { type: 'GlobalAveragePooling2D', keepDims }, [x], { layout: keepDims ? 'cf' : 'plain' });
}

export function dropout(c: Converter, ctx: NodeContext): void {
  c.onlyFirstOutput(ctx);
  const name = ctx.node.input[0] ?? '';
  const k = c.constants.get(name);
  if (k) {
    c.bindConstant(ctx, ctx.node.output[0], k);
    return;
  }
  const x = c.input(ctx, 0);
  const ratioInput = c.optionalConstant(ctx, 1, 'ratio');
  const rate = ratioInput ? (c.read(ratioInput, `${ctx.where}: ratio`)[0] ?? 0.5) : ctx.attrs.float('ratio', 0.5);
  c.addLayer(ctx, { type: 'Dropout', rate: Number.isFinite(rate) ? rate : 0.5 }, [x]);
}
