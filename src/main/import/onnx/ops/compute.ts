// Operators with weights: Conv (plain, grouped, depthwise), Gemm, MatMul with a constant, their quantized forms
// QLinearConv and QLinearMatMul, and BatchNormalization.
import type { NumberFormat } from '../../../../shared/analysis/precision';
import { ModelError, type LayerSpec } from '../../../../shared/model/types';
import type { Constant, Converter, LayerWeights, NodeContext, QuantParams } from '../context';
import { showShape, type Value } from '../layout';
import { onnx } from '../proto';
import { numberFormatOf } from '../tensors';
import { checkSpatial, requireImage, windowAttributes, windowInput } from './window';

const T = onnx.TensorProto.DataType;

/** Tensor positions of a convolution's operands (QLinearConv interleaves scales and zero points). */
interface ConvOperands {
  x: number;
  w: number;
  b: number;
  /** QLinearConv: where the input's and the weight's scales sit (each followed by its zero point). */
  scales?: { x: number; w: number };
  /** Output element format (QLinearConv writes integers). */
  format?: NumberFormat;
}

export function conv(c: Converter, ctx: NodeContext): void {
  convolution(c, ctx, { x: 0, w: 1, b: 2 });
}

export function qlinearConv(c: Converter, ctx: NodeContext): void {
  convolution(c, ctx, { x: 0, w: 3, b: 8, scales: { x: 1, w: 4 }, format: quantizedOutput(c, ctx, 7) });
  recordQLinear(c, ctx, 0, 1, 6);
}

/**
 * The scale and zero point a quantized operator reads at `i` and `i + 1`, when they are constants. Only recorded
 * for the engine's weight reader (which says so when it needs them and they are not): the analysis does not ask.
 */
export function quantParams(c: Converter, ctx: NodeContext, i: number): QuantParams | undefined {
  const scale = c.constants.get(ctx.node.input[i] ?? '');
  if (!scale) return undefined;
  return { scale, zeroPoint: c.constants.get(ctx.node.input[i + 1] ?? ''), where: ctx.where };
}

/**
 * Records the scales a QLinear operator gives its input (at `xScale`) and its output (at `yScale`), for the
 * engine's weight reader.
 */
export function recordQLinear(c: Converter, ctx: NodeContext, x: number, xScale: number, yScale: number | undefined): void {
  recordInputScale(c, ctx, x, xScale);
  if (yScale !== undefined) recordOutputScale(c, ctx, yScale);
}

/** The scale a quantized operator reads its input `x` with; an activation keeps the first scale given to it. */
export function recordInputScale(c: Converter, ctx: NodeContext, x: number, scale: number): void {
  const input = c.values.get(ctx.node.input[x] ?? '');
  const params = quantParams(c, ctx, scale);
  if (input && params && !c.activationScales.has(input.layer)) c.activationScales.set(input.layer, params);
}

export function recordOutputScale(c: Converter, ctx: NodeContext, scale: number): void {
  const output = c.values.get(ctx.node.output[0] ?? '');
  const params = quantParams(c, ctx, scale);
  if (output && params) c.activationScales.set(output.layer, params);
}

/** The format a QLinear operator writes: its output zero point's type (uint8 when absent). */
export function quantizedOutput(c: Converter, ctx: NodeContext, zeroPoint: number): NumberFormat {
  const zp = c.optionalConstant(ctx, zeroPoint, 'output zero point');
  const format = numberFormatOf(zp ? zp.dataType : T.UINT8);
  if (!format) throw new ModelError(`${ctx.where}: output zero point type is not an 8-bit or 4-bit integer`);
  return format;
}

function convolution(c: Converter, ctx: NodeContext, at: ConvOperands): void {
  const x = c.input(ctx, at.x, 'input X');
  requireImage(ctx, x);
  const w = c.constant(ctx, at.w, 'weight W');
  if (w.dims.length !== 4) {
    throw new ModelError(
      `${ctx.where}: weight W is ${showShape(w.dims)}; Frontier reads 2-D convolutions (a 4-D weight M×C/group×kH×kW)`,
    );
  }
  const [filters, perGroup, kh, kw] = w.dims;
  const group = ctx.attrs.int('group', 1);
  const channels = x.shape[2];
  if (!(group >= 1) || perGroup * group !== channels || filters % group !== 0 || filters === 0) {
    throw new ModelError(
      `${ctx.where}: weight W (${showShape(w.dims)}) with group ${group} needs ${perGroup * group} input channels and filters divisible by the group; the input has ${channels} channels`,
    );
  }
  const bias = c.optionalConstant(ctx, at.b, 'bias B');
  if (bias && bias.count !== filters) {
    throw new ModelError(`${ctx.where}: bias B has ${bias.count} values for ${filters} filters`);
  }
  const attrs = windowAttributes(ctx, [kh, kw]);
  const { source, window } = windowInput(c, ctx, x, attrs);
  const common = {
    kernel: [kh, kw] as [number, number],
    strides: attrs.strides,
    padding: window.padding,
    dilation: attrs.dilation,
    useBias: bias !== undefined,
    activation: 'linear' as const,
  };
  const spec: LayerSpec =
    group === channels && group > 1
      ? { type: 'DepthwiseConv2D', ...common, depthMultiplier: filters / channels }
      : { type: 'Conv2D', ...common, filters, groups: group };
  const out = c.addLayer(ctx, spec, [source], { format: at.format ?? source.format });
  checkSpatial(ctx, out, window);
  const qlinear = at.scales ? { input: quantParams(c, ctx, at.scales.x), weight: quantParams(c, ctx, at.scales.w) } : undefined;
  c.weights.set(out.layer, { where: ctx.where, kernel: w, bias, ...(qlinear ? { qlinear } : {}) });
}

/** Gemm: Y = alpha·A'·B' + beta·C, read as a Dense layer with A the activation and B the weights. */
export function gemm(c: Converter, ctx: NodeContext): void {
  generalProduct(c, ctx, { a: 0, b: 1, c: 2 });
}

/** ONNX Runtime's QGemm: Gemm on quantized A and B, with an int32 C; integer output when y_scale is given. */
export function qgemm(c: Converter, ctx: NodeContext): void {
  const quantizedY = (ctx.node.input[7] ?? '') !== '';
  generalProduct(c, ctx, { a: 0, b: 3, c: 6, scales: { a: 1, b: 4 }, format: quantizedY ? quantizedOutput(c, ctx, 8) : 'fp32' });
  recordQLinear(c, ctx, 0, 1, quantizedY ? 7 : undefined);
}

function generalProduct(
  c: Converter,
  ctx: NodeContext,
  at: { a: number; b: number; c: number; scales?: { a: number; b: number }; format?: NumberFormat },
): void {
  const transA = ctx.attrs.int('transA', 0) !== 0;
  const transB = ctx.attrs.int('transB', 0) !== 0;
  const beta = ctx.attrs.float('beta', 1);
  const alpha = ctx.attrs.float('alpha', 1); // scales the product: no effect on shapes or counts
  if (c.isConstant(ctx.node.input[at.a] ?? '') && !c.isConstant(ctx.node.input[at.b] ?? '')) {
    throw new ModelError(`${ctx.where}: the constant is A and the activation B; Frontier reads Gemm with the weights as B`);
  }
  const name = ctx.node.input[at.a] ?? '';
  const a = c.values.get(name);
  if (!a) throw c.missing(ctx, name);
  if (a.shape.length !== 1) {
    throw new ModelError(`${ctx.where}: input A is ${a.shape.length + 1}-D; Gemm multiplies 2-D matrices`);
  }
  if ((a.batchAxis === 1) !== transA) {
    throw new ModelError(
      `${ctx.where}: transA=${Number(transA)} multiplies along the batch dimension of A (${a.name}); Frontier reads A as batch × features`,
    );
  }
  const w = c.constant(ctx, at.b, 'weight B');
  if (w.dims.length !== 2) throw new ModelError(`${ctx.where}: weight B is ${showShape(w.dims)}, not a matrix`);
  const [k, units] = transB ? [w.dims[1], w.dims[0]] : w.dims;
  if (k !== a.shape[0]) {
    throw new ModelError(
      `${ctx.where}: weight B (${showShape(w.dims)}, transB=${Number(transB)}) needs ${k} input features, A has ${a.shape[0]}`,
    );
  }
  const cName = ctx.node.input[at.c] ?? '';
  let bias: Constant | undefined;
  if (cName !== '' && beta !== 0) {
    bias = c.optionalConstant(ctx, at.c, 'bias C');
    if (bias && bias.count !== units && bias.count !== 1) {
      throw new ModelError(`${ctx.where}: bias C (${showShape(bias.dims)}) does not broadcast to ${units} outputs`);
    }
  }
  const qlinear = at.scales ? { input: quantParams(c, ctx, at.scales.a), weight: quantParams(c, ctx, at.scales.b) } : undefined;
  dense(c, ctx, { ...a, batchAxis: 0 }, w, units, bias, at.format ?? a.format, { inputsFirst: !transB, alpha, beta, ...(qlinear ? { qlinear } : {}) });
}

export function matMul(c: Converter, ctx: NodeContext): void {
  matrixProduct(c, ctx, 0, 1);
}

export function qlinearMatMul(c: Converter, ctx: NodeContext): void {
  matrixProduct(c, ctx, 0, 3, quantizedOutput(c, ctx, 7));
  recordQLinear(c, ctx, 0, 1, 6);
}

function matrixProduct(c: Converter, ctx: NodeContext, ai: number, bi: number, format?: NumberFormat): void {
  const aName = ctx.node.input[ai] ?? '';
  const bName = ctx.node.input[bi] ?? '';
  if (c.isConstant(aName) && c.values.has(bName)) {
    throw new ModelError(`${ctx.where}: the constant is the first operand; Frontier reads ${ctx.node.opType} as activation × weights`);
  }
  if (c.values.has(aName) && c.values.has(bName)) {
    throw new ModelError(`${ctx.where}: multiplies two activations (${aName}, ${bName}); Frontier reads ${ctx.node.opType} with constant weights`);
  }
  const a = c.input(ctx, ai, 'input A');
  if (a.layout === 'cf' && a.shape.length >= 2) {
    throw new ModelError(`${ctx.where}: multiplies along the width axis of an NCHW tensor; Frontier reads it on batch × features (or batch × … × features) tensors`);
  }
  const w = c.constant(ctx, bi, 'weight B');
  if (w.dims.length !== 2) {
    throw new ModelError(`${ctx.where}: weight B is ${showShape(w.dims)}; Frontier reads a 2-D weight matrix`);
  }
  const features = a.shape[a.shape.length - 1];
  if (w.dims[0] !== features) {
    throw new ModelError(`${ctx.where}: weight B (${showShape(w.dims)}) needs ${w.dims[0]} input features, A has ${features}`);
  }
  const qlinear = format ? { input: quantParams(c, ctx, ai + 1), weight: quantParams(c, ctx, bi + 1) } : undefined;
  dense(c, ctx, a, w, w.dims[1], undefined, format ?? a.format, { inputsFirst: true, ...(qlinear ? { qlinear } : {}) });
}

function dense(
  c: Converter,
  ctx: NodeContext,
  a: Value,
  w: Constant,
  units: number,
  bias: Constant | undefined,
  format: NumberFormat,
  layout: Pick<LayerWeights, 'inputsFirst' | 'alpha' | 'beta' | 'qlinear'>,
): void {
  const out = c.addLayer(ctx, { type: 'Dense', units, useBias: bias !== undefined, activation: 'linear' }, [a], { format });
  c.weights.set(out.layer, { where: ctx.where, kernel: w, bias, ...layout });
}

export function batchNormalization(c: Converter, ctx: NodeContext): void {
  const x = c.input(ctx, 0, 'input X');
  c.onlyFirstOutput(ctx);
  const vectors = ['scale', 'B', 'input_mean', 'input_var'].map((what, i) => c.constant(ctx, i + 1, what));
  // ONNX normalises axis 1 (channels); Frontier's BatchNormalization the last dimension.
  const channelsLast = x.layout === 'cf' || x.shape.length === 1;
  if (!channelsLast) {
    throw new ModelError(
      `${ctx.where}: normalises axis 1 of a ${x.shape.length + 1}-D tensor that is not NCHW; Frontier normalises channels (the last dimension in its layout)`,
    );
  }
  const channels = x.shape[x.shape.length - 1];
  const wrong = vectors.find((v) => v.count !== channels);
  if (wrong) {
    throw new ModelError(`${ctx.where}: ${wrong.name} has ${wrong.count} values for ${channels} channels`);
  }
  const out = c.addLayer(ctx, { type: 'BatchNormalization', center: true, scale: true }, [x]);
  c.weights.set(out.layer, { where: ctx.where, batchNorm: vectors, epsilon: ctx.attrs.float('epsilon', 1e-5) });
}
