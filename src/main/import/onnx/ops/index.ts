// Every ONNX operator Frontier reads (default domain), and the converter for each.
import type { Converter, NodeContext } from '../context';
import { batchNormalization, conv, gemm, matMul, qlinearConv, qlinearMatMul } from './compute';
import { cast, constantNode, constantOfShape, gather, identity, shapeOf, slice } from './constants';
import { ACTIVATIONS, activation, arithmetic, clip, dropout, globalPool, pool, reduceMean } from './elementwise';
import { dequantizeLinear, quantizeLinear } from './quantize';
import { concat, flatten, pad, reshape, squeeze, transpose, unsqueeze } from './shape';

export type OpConverter = (c: Converter, ctx: NodeContext) => void;

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
  ...Object.fromEntries(Object.keys(ACTIVATIONS).map((op) => [op, activation])),
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

/** Operators that only fold constants: on an activation they are unknown operators. */
export const SHAPE_ONLY = new Set(['Gather', 'Cast', 'Slice']);

export const isDefaultDomain = (domain: string): boolean => domain === '' || domain === 'ai.onnx';

/** An operator's display name: `Resize`, or `com.microsoft.QLinearAdd` outside the default domain. */
export const operatorName = (domain: string, opType: string): string => (isDefaultDomain(domain) ? opType : `${domain}.${opType}`);

export function converterFor(domain: string, opType: string): OpConverter | undefined {
  return isDefaultDomain(domain) && Object.prototype.hasOwnProperty.call(OPERATORS, opType) ? OPERATORS[opType] : undefined;
}
