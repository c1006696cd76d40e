// Reading and slicing canonical weight tensors: real values of integer tensors, and keeping some indices of an axis
// (with the per-channel scales and zero points that run along it).
import { ModelError } from '../model/types';
import { sizeOf, type TensorQuantization, type WeightData, type WeightTensor } from './weights';

const newLike = (data: WeightData, length: number): WeightData =>
  data instanceof Float32Array ? new Float32Array(length) : data instanceof Int8Array ? new Int8Array(length) : new Int32Array(length);

/** The real values of a tensor: float data as is, integer data as scale × (q − zero point). */
export function realValues(tensor: WeightTensor, what: string): Float32Array | Float64Array {
  const { data, quantization: q, shape } = tensor;
  if (data instanceof Float32Array) return data;
  if (!q || q.scale.length === 0) {
    throw new ModelError(`${what}: integer weights without a scale and zero point have no real values`);
  }
  const out = new Float64Array(data.length);
  const perChannel = q.axis !== undefined && q.scale.length > 1;
  const inner = perChannel ? sizeOf(shape.slice((q.axis as number) + 1)) : 1;
  const channels = perChannel ? shape[q.axis as number] : 1;
  if (perChannel && q.scale.length !== channels) {
    throw new ModelError(`${what}: ${q.scale.length} scales for the ${channels} channels of axis ${q.axis}`);
  }
  for (let i = 0; i < data.length; i++) {
    const c = perChannel ? Math.floor(i / inner) % channels : 0;
    const zeroPoint = q.zeroPoint.length === 1 ? q.zeroPoint[0] : q.zeroPoint[c];
    out[i] = q.scale[c] * (data[i] - zeroPoint);
  }
  return out;
}

function sliceQuantization(q: TensorQuantization, axis: number, size: number, indices: readonly number[], what: string): TensorQuantization {
  if (q.axis !== axis || q.scale.length === 1) return q;
  if (q.scale.length !== size) {
    throw new ModelError(`${what}: ${q.scale.length} scales for the ${size} channels of axis ${axis}`);
  }
  return {
    ...q,
    scale: Float64Array.from(indices, (i) => q.scale[i]),
    zeroPoint: q.zeroPoint.length === 1 ? q.zeroPoint : Int32Array.from(indices, (i) => q.zeroPoint[i]),
  };
}

/** out[o][j][k] = data[o][indices[j]][k]; typed copies of whole rows where rows are long enough to pay for them. */
function copyRows(data: WeightData, out: WeightData, outer: number, size: number, inner: number, indices: readonly number[]): void {
  let at = 0;
  if (inner >= 16) {
    for (let o = 0; o < outer; o++) {
      for (const i of indices) {
        const from = (o * size + i) * inner;
        out.set(data.subarray(from, from + inner), at);
        at += inner;
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const row = o * size;
    for (let j = 0; j < indices.length; j++) {
      const from = (row + indices[j]) * inner;
      for (let k = 0; k < inner; k++) out[at++] = data[from + k];
    }
  }
}

/** Keeps `indices` (in that order) of `axis`; per-channel quantization along that axis is sliced with it. */
export function sliceAxis(tensor: WeightTensor, axis: number, indices: readonly number[], what: string): WeightTensor {
  const { shape, data } = tensor;
  const size = shape[axis];
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= size) {
      throw new ModelError(`${what}: index ${i} is outside the ${size} entries of axis ${axis}`);
    }
  }
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const out = newLike(data, outer * indices.length * inner);
  copyRows(data, out, outer, size, inner, indices);
  const sliced: WeightTensor = { ...tensor, shape: shape.map((d, a) => (a === axis ? indices.length : d)), data: out };
  if (tensor.quantization) sliced.quantization = sliceQuantization(tensor.quantization, axis, size, indices, what);
  return sliced;
}

/**
 * A grouped convolution's kernel [filters, inputs / groups, kh, kw] after its filters were cut (balanced across
 * groups): each filter keeps, of its group's input channels, the local indices `local[group]` (equally many per group).
 */
export function sliceGroupedInputs(tensor: WeightTensor, groups: number, local: readonly (readonly number[])[]): WeightTensor {
  const [filters, perGroup, ...window] = tensor.shape;
  const inner = sizeOf(window);
  const keep = local[0].length;
  const out = newLike(tensor.data, filters * keep * inner);
  const filtersPerGroup = filters / groups;
  let at = 0;
  for (let f = 0; f < filters; f++) {
    for (const c of local[Math.floor(f / filtersPerGroup)]) {
      const from = (f * perGroup + c) * inner;
      for (let k = 0; k < inner; k++) out[at++] = tensor.data[from + k];
    }
  }
  return { ...tensor, shape: [filters, keep, ...window], data: out };
}
