// ONNX tensors are batch-first and, for images, channels-first (NCHW). Frontier's shapes are channels-last without
// the batch ([H, W, C] or [N]). Every activation carries its layout so that axes, reshape targets, permutations and
// pad lists convert exactly.
import { ModelError } from '../../../shared/model/types';

/**
 * `cf`: channels-first in the file (NCHW, shown [H, W, C]); `plain`: the file's order without the batch
 * (a [N, F] or [N, T, F] tensor, or NHWC after a transpose, shown as stored).
 */
export type Layout = 'cf' | 'plain';

/** An activation tensor of the ONNX graph, as Frontier holds it. */
export interface Value {
  /** The ONNX tensor name. */
  name: string;
  /** The Frontier layer whose output this is. */
  layer: string;
  /** Frontier shape: channels-last, no batch. */
  shape: number[];
  layout: Layout;
  /** The size of the batch dimension in the file. */
  batch: number;
  /** Where the batch sits in the file: first, or second for a [features, batch] matrix (a transposed Gemm input). */
  batchAxis: 0 | 1;
  /** The element type the graph computes this tensor in. */
  format: import('../../../shared/analysis/precision').NumberFormat;
}

/** The layout a tensor of this ONNX rank takes by default: 4-D tensors are images (NCHW). */
export const layoutForRank = (rank: number): Layout => (rank === 4 ? 'cf' : 'plain');

/** The ONNX shape (batch included) of a value. */
export function onnxShape(value: Pick<Value, 'shape' | 'layout' | 'batch' | 'batchAxis'>): number[] {
  const { shape, layout, batch } = value;
  if (value.batchAxis === 1) return [...shape, batch];
  if (layout === 'cf' && shape.length >= 2) return [batch, shape[shape.length - 1], ...shape.slice(0, -1)];
  return [batch, ...shape];
}

/** The Frontier shape of an ONNX shape (batch first) in a layout. */
export function frontierShape(dims: readonly number[], layout: Layout): number[] {
  if (layout === 'cf' && dims.length >= 3) return [...dims.slice(2), dims[1]];
  return dims.slice(1);
}

/** The ONNX axis (batch counted) that holds Frontier dimension `i` of a value of Frontier rank `rank`. */
export function onnxAxisOf(i: number, rank: number, layout: Layout): number {
  if (layout === 'cf' && rank >= 2) return i === rank - 1 ? 1 : i + 2;
  return i + 1;
}

/** Normalises a possibly negative ONNX axis against a rank. */
export function normaliseAxis(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ModelError(`${what}: axis ${axis} is outside a rank-${rank} tensor`);
  }
  return a;
}

/** The Frontier dimension index an ONNX axis of a value maps to; the batch axis has none. */
export function frontierAxis(value: Value, axis: number, what: string): number {
  const rank = value.shape.length + 1;
  const a = normaliseAxis(axis, rank, what);
  if (a === 0) throw new ModelError(`${what}: axis ${axis} is the batch dimension, which Frontier does not analyse`);
  if (value.layout === 'cf' && value.shape.length >= 2) return a === 1 ? value.shape.length - 1 : a - 2;
  return a - 1;
}

export const showShape = (dims: readonly number[]): string => (dims.length === 0 ? 'a scalar' : dims.join('×'));
