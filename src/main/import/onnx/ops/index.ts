// Every ONNX operator Frontier reads (default domain), and the converter for each.
import { ModelError } from '../../../../shared/model/types';
import type { Converter, NodeContext } from '../context';
import { batchNormalization, conv, gemm, matMul, qgemm, qlinearConv, qlinearMatMul, quantizedOutput, recordInputScale, recordQLinear } from './compute';
import { cast, constantNode, constantOfShape, gather, identity, shapeOf, slice } from './constants';
import { ACTIVATIONS, activation, arithmetic, binary, clip, dropout, globalPool, pool, reduceMean } from './elementwise';
import { dequantizeLinear, quantizeLinear } from './quantize';
import { concat, flatten, pad, qlinearConcat, reshape, squeeze, transpose, unsqueeze } from './shape';

export type OpConverter = (c: Converter, ctx: NodeContext) => void;

/** QLinearAdd, QLinearMul: A, A_scale, A_zero_point, B, B_scale, B_zero_point, C_scale, C_zero_point. */
function qlinearBinary(c: Converter, ctx: NodeContext, type: 'Add' | 'Multiply'): void {
  binary(c, ctx, type, 0, 3, false, quantizedOutput(c, ctx, 7));
  recordQLinear(c, ctx, 0, 1, 6);
  recordInputScale(c, ctx, 3, 4);
}

/** QLinearSigmoid, QLinearLeakyRelu, QLinearSoftmax: X, X_scale, X_zero_point, Y_scale, Y_zero_point. */
function qlinearActivation(c: Converter, ctx: NodeContext): void {
  activation(c, ctx);
  recordQLinear(c, ctx, 0, 1, 3);
}

export const OPERATORS: Record<string, OpConverter> = {
  Conv: conv,
  QLinearConv: qlinearConv,
  Gemm: gemm,
  MatMul: matMul,
  QLinearMatMul: qlinearMatMul,
  BatchNormalization: batchNormalization,
  MaxPool: pool,
  AveragePool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  ReduceMean: reduceMean,
  ...Object.fromEntries(Object.keys(ACTIVATIONS).filter((op) => !op.startsWith('QLinear')).map((op) => [op, activation])),
  Clip: clip,
  Add: arithmetic,
  Sub: arithmetic,
  Mul: arithmetic,
  Div: arithmetic,
  Concat: concat,
  Flatten: flatten,
  Reshape: reshape,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Transpose: transpose,
  Pad: pad,
  Identity: identity,
  Dropout: dropout,
  Constant: constantNode,
  QuantizeLinear: quantizeLinear,
  DequantizeLinear: dequantizeLinear,
  // Shape arithmetic, folded when its inputs are known.
  Shape: shapeOf,
  Gather: gather,
  Cast: cast,
  Slice: slice,
  ConstantOfShape: constantOfShape,
};

/**
 * ONNX Runtime's quantized operators (domain com.microsoft), which its quantizer writes in the QOperator format:
 * the float operator's layer, writing the output zero point's integer type.
 */
export const MICROSOFT_OPERATORS: Record<string, OpConverter> = {
  QLinearAdd: (c, ctx) => qlinearBinary(c, ctx, 'Add'),
  QLinearMul: (c, ctx) => qlinearBinary(c, ctx, 'Multiply'),
  QLinearGlobalAveragePool: (c, ctx) => {
    if (ctx.attrs.int('channels_last', 0) !== 0) throw new ModelError(`${ctx.where}: channels_last=1 (an NHWC input) is not read`);
    globalPool(c, ctx);
    recordQLinear(c, ctx, 0, 1, 3);
  },
  QLinearAveragePool: (c, ctx) => {
    pool(c, ctx);
    recordQLinear(c, ctx, 0, 1, 3);
  },
  QLinearConcat: qlinearConcat,
  QLinearSigmoid: qlinearActivation,
  QLinearLeakyRelu: qlinearActivation,
  QLinearSoftmax: qlinearActivation,
  QGemm: qgemm,
};

/** Operators that only fold constants: on an activation they are unknown operators. */
export const SHAPE_ONLY = new Set(['Gather', 'Cast', 'Slice']);

export const isDefaultDomain = (domain: string): boolean => domain === '' || domain === 'ai.onnx';

/** An operator's display name: `Resize`, or `com.microsoft.QLinearAdd` outside the default domain. */
export const operatorName = (domain: string, opType: string): string => (isDefaultDomain(domain) ? opType : `${domain}.${opType}`);

export function converterFor(domain: string, opType: string): OpConverter | undefined {
  const table = isDefaultDomain(domain) ? OPERATORS : domain === 'com.microsoft' ? MICROSOFT_OPERATORS : undefined;
  return table && Object.prototype.hasOwnProperty.call(table, opType) ? table[opType] : undefined;
}
