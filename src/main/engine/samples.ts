// Samples in, samples out: numpy arrays checked against a graph's inputs (shape and type, both said when they do
// not match), converted to what the graph takes (float quantized with the input's scale and zero point as TFLite's
// QUANTIZE does; int8 dequantized for a float run of an int8 file), and outputs dequantized or kept raw.
import { roundHalfAway } from '../../shared/engine/fixedPoint';
import { npyNumbers, shapeText, type NpyArray } from '../../shared/engine/npy';
import type { ActivationQuantization } from '../../shared/engine/weights';
import { UsageError } from '../../shared/cli/valueList';
import type { IoTensor } from './build/int8';
import type { SampleData } from './session';


/** Whether an array holds N samples of `shape` (an input with one channel may leave it out). */
function sampleCount(array: NpyArray, shape: readonly number[]): number | null {
  const dims = array.shape.slice(1);
  const same = (s: readonly number[]): boolean => s.length === dims.length && s.every((d, i) => d === dims[i]);
  if (array.shape.length === 0) return null;
  if (same(shape)) return array.shape[0];
  if (shape.length > 1 && shape[shape.length - 1] === 1 && same(shape.slice(0, -1))) return array.shape[0];
  return null;
}

/** TFLite's QUANTIZE: round(x / scale) + zero point, ties away from zero, clamped to int8. */
export function quantizeInt8(values: ArrayLike<number>, q: ActivationQuantization): Int8Array {
  const out = new Int8Array(values.length);
  const scale = Math.fround(q.scale);
  for (let i = 0; i < values.length; i++) {
    out[i] = Math.max(-128, Math.min(127, roundHalfAway(Math.fround(Math.fround(values[i]) / scale)) + q.zeroPoint));
  }
  return out;
}

export function dequantizeInt8(values: Int8Array, q: ActivationQuantization): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = q.scale * (values[i] - q.zeroPoint);
  return out;
}

/**
 * One input's samples as the graph takes them. `stored` is the quantization of the model file's own input (used to
 * read int8 data for a float run of an int8 file).
 */
export function toGraphInput(array: NpyArray, io: IoTensor, file: string, stored?: ActivationQuantization): { data: SampleData; count: number } {
  const count = sampleCount(array, io.shape);
  if (count === null) {
    throw new UsageError(`${file}: holds an array of shape ${shapeText(array.shape)}; the model input ${io.layer} takes N × ${shapeText(io.shape)} (channels-last, batch first)`);
  }
  const float = array.dtype === 'float32' || array.dtype === 'float64' || array.dtype === 'float16';
  if (io.type === 'int8') {
    if (array.dtype === 'int8') return { data: array.data, count };
    if (float) return { data: quantizeInt8(array.data, io.quantization as ActivationQuantization), count };
  } else {
    if (array.dtype === 'float32' || array.dtype === 'float16') return { data: array.data, count };
    if (array.dtype === 'float64') return { data: Float32Array.from(array.data), count };
    if (array.dtype === 'int8' && stored) return { data: dequantizeInt8(array.data, stored), count };
  }
  const wanted = io.type === 'int8' ? 'int8 (used as is) or float32 (quantized with the input scale and zero point)' : 'float32';
  throw new UsageError(`${file}: holds ${array.dtype} values; the model input ${io.layer} takes ${wanted}`);
}

/** Float32 samples (for calibration) from any numeric array of the input's shape; int8 data is dequantized. */
export function toFloatSamples(array: NpyArray, io: IoTensor, file: string, stored?: ActivationQuantization): { data: Float32Array; count: number } {
  const count = sampleCount(array, io.shape);
  if (count === null) {
    throw new UsageError(`${file}: holds an array of shape ${shapeText(array.shape)}; the model input ${io.layer} takes N × ${shapeText(io.shape)}`);
  }
  if (array.dtype === 'int8' && stored) return { data: dequantizeInt8(array.data, stored), count };
  if (array.dtype === 'float32' || array.dtype === 'float16') return { data: array.data, count };
  return { data: Float32Array.from(npyNumbers(array, file) as ArrayLike<number>), count };
}

/** An output's samples as written: raw (the graph's own type) or float32 (int8 dequantized). */
export function fromGraphOutput(data: SampleData, io: IoTensor, count: number, raw: boolean): NpyArray {
  const shape = [count, ...io.shape];
  if (data instanceof Int8Array && !raw) return { dtype: 'float32', shape, data: dequantizeInt8(data, io.quantization as ActivationQuantization) };
  if (data instanceof Int8Array) return { dtype: 'int8', shape, data };
  return { dtype: 'float32', shape, data: data as Float32Array };
}

