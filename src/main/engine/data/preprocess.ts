// How samples become what the model input takes (issue 15), decided once per run and stated in every output:
// - integer-coded data (uint8 arrays, idx files, decoded images) fed to a float input is mapped linearly from its
//   code range (uint8: 0..255) to `--input-scale A..B` (default 0..1: x ÷ 255);
// - float data is fed as it is, unless an input scale (from 0..255 unless its source range is given) or a mean and
//   standard deviation is given;
// - then (x − mean) ÷ std, per channel (one value for all channels, or one per channel), when given;
// - for an int8 input, the float values are quantized with the input's scale and zero point (TFLite's QUANTIZE);
//   int8 data whose codes are the input's own (same scale and zero point as the model file's input) is fed as it is,
//   and int8 data for a float run of an int8 file is dequantized with the file's input quantization.
import { shapeText, type NpyArray } from '../../../shared/engine/npy';
import type { ActivationQuantization } from '../../../shared/engine/weights';
import type { IoTensor } from '../build/int8';
import { dequantizeInt8, quantizeInt8 } from '../samples';
import type { SampleData } from '../session';
import { DataError, type DataSet } from './dataSet';

export interface PreprocessingOptions {
  /** `--input-scale A..B`, optionally from a source range other than the data's code range (float data: 0..255). */
  inputScale?: { from?: [number, number]; to: [number, number] };
  /** `--mean` / `--std`: one value, or one per channel. */
  mean?: number[];
  std?: number[];
}

/** The preprocessing of a run, as a JSON object every output can print. */
export interface Preprocessing {
  /** The data's type as read ('uint8', 'float32', 'images' for decoded images on 0..255). */
  data: string;
  input: { layer: string; type: 'float32' | 'int8'; shape: number[] };
  /** A linear map from one range to another, or null. */
  scale: { from: [number, number]; to: [number, number] } | null;
  mean: number[] | null;
  std: number[] | null;
  /** int8 data turned to float with the model file's input quantization. */
  dequantize: ActivationQuantization | null;
  /** Float values quantized with the int8 input's scale and zero point. */
  quantize: ActivationQuantization | null;
  /** int8 codes fed to the int8 input unchanged. */
  asIs: boolean;
  /** The same in words. */
  text: string;
}

const sameQuantization = (a?: ActivationQuantization, b?: ActivationQuantization): boolean =>
  a !== undefined && b !== undefined && a.zeroPoint === b.zeroPoint && Math.fround(a.scale) === Math.fround(b.scale);

const rangeText = (r: [number, number]): string => `${r[0]}..${r[1]}`;

/** Whether samples of `shape` fit an input of `input` (an input with one channel may leave it out, and vice versa). */
export function fitsInput(shape: readonly number[], input: readonly number[]): boolean {
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  const endsInOne = (s: readonly number[]) => s.length > 1 && s[s.length - 1] === 1;
  return same(shape, input) || (endsInOne(input) && same(shape, input.slice(0, -1))) || (endsInOne(shape) && same(shape.slice(0, -1), input));
}

/** Refuses data whose samples do not fit the input, saying both shapes (and a hint for channels-first data). */
export function checkSampleShape(data: DataSet, io: { layer: string; shape: number[] }): void {
  if (fitsInput(data.sampleShape, io.shape)) return;
  const s = data.sampleShape;
  const c = io.shape[io.shape.length - 1];
  const channelsFirst = s.length === io.shape.length && s[0] === c && fitsInput([...s.slice(1), s[0]], io.shape);
  throw new DataError(
    data.source,
    `holds samples of shape ${shapeText(s)} (${data.count.toLocaleString('en-US')} of them); the model input ${io.layer} takes ${shapeText(io.shape)} per sample (channels-last)` +
      (channelsFirst ? '; the samples look channels-first: transpose them to channels-last (np.transpose(x, (0, 2, 3, 1)))' : ''),
  );
}

export function resolvePreprocessing(
  data: DataSet,
  io: IoTensor,
  options: PreprocessingOptions = {},
  /** The model file's own input quantization (an int8 file), if any. */
  stored?: ActivationQuantization,
): Preprocessing {
  checkSampleShape(data, io);
  if (data.dtype === 'int64' || data.dtype === 'uint64') {
    throw new DataError(data.source, `holds ${data.dtype} samples, which are not fed to a model; save them as uint8, int8, int16, int32 or float32`);
  }
  const channels = io.shape.length > 1 ? io.shape[io.shape.length - 1] : 1;
  for (const [flag, values] of [['--mean', options.mean], ['--std', options.std]] as const) {
    if (values && values.length !== 1 && values.length !== channels) {
      throw new DataError(data.source, `${flag} gives ${values.length} values; the model input ${io.layer} has ${channels} channel${channels === 1 ? '' : 's'}: give one value or ${channels}`);
    }
    if (values?.some((v) => !Number.isFinite(v))) throw new DataError(data.source, `${flag} ${values.join(',')}: every value must be a finite number`);
  }
  if (options.std?.some((v) => v === 0)) throw new DataError(data.source, `--std ${options.std.join(',')}: a standard deviation of 0 would divide by zero`);
  const to = options.inputScale?.to;
  if (to && !(Number.isFinite(to[0]) && Number.isFinite(to[1]) && to[0] !== to[1])) {
    throw new DataError(data.source, `--input-scale ${rangeText(to)}: give two different finite numbers A..B`);
  }

  const dataText = data.kind === 'images' ? 'images' : data.dtype;
  const input = { layer: io.layer, type: io.type, shape: [...io.shape] };
  const base = { data: dataText, input, scale: null, mean: null, std: null, dequantize: null, quantize: null, asIs: false };
  const inputQuant = io.type === 'int8' ? (io.quantization as ActivationQuantization) : null;

  if (data.dtype === 'int8' && data.kind !== 'images' && stored) {
    if (inputQuant && sameQuantization(stored, inputQuant) && !options.inputScale && !options.mean && !options.std) {
      return { ...base, asIs: true, text: `int8 data fed as it is to the int8 input ${io.layer}` };
    }
    const steps = [`int8 data dequantized with the file's input scale ${stored.scale} and zero point ${stored.zeroPoint}`];
    const q = inputQuant ? { scale: inputQuant.scale, zeroPoint: inputQuant.zeroPoint } : null;
    if (q) steps.push(`quantized with the input scale ${q.scale} and zero point ${q.zeroPoint}`);
    return { ...base, dequantize: { scale: stored.scale, zeroPoint: stored.zeroPoint }, quantize: q, text: steps.join(', then ') };
  }

  const steps: string[] = [];
  let scale: Preprocessing['scale'] = null;
  if (data.codeRange) {
    const from = options.inputScale?.from ?? data.codeRange;
    const target = to ?? [0, 1];
    scale = { from: [from[0], from[1]], to: [target[0], target[1]] };
    steps.push(`${dataText} ${rangeText(from)} mapped to ${rangeText(target)}${from[0] === 0 && target[0] === 0 && target[1] === 1 ? ` (x ÷ ${from[1]})` : ''}`);
  } else if (to) {
    const from = options.inputScale?.from ?? [0, 255];
    scale = { from: [from[0], from[1]], to: [to[0], to[1]] };
    steps.push(`${dataText} taken as ${rangeText(from)}, mapped to ${rangeText(to)}`);
  } else {
    steps.push(`${dataText} fed as it is`);
  }
  const mean = options.mean ? [...options.mean] : null;
  const std = options.std ? [...options.std] : null;
  if (mean || std) steps.push(`then (x − ${mean ? mean.join(',') : 0}) ÷ ${std ? std.join(',') : 1} per channel`);
  const quantize = inputQuant ? { scale: inputQuant.scale, zeroPoint: inputQuant.zeroPoint } : null;
  if (quantize) steps.push(`then quantized to int8 with the input scale ${quantize.scale} and zero point ${quantize.zeroPoint}`);
  return { ...base, scale, mean, std, quantize, text: steps.join(', ') };
}

/** The float values a chunk stands for (what a float model is fed, calibration's samples, an autoencoder's target). */
export function toFloatValues(prep: Preprocessing, chunk: NpyArray, file: string): Float32Array {
  if (chunk.dtype === 'int64' || chunk.dtype === 'uint64') {
    throw new DataError(file, `holds ${chunk.dtype} values, which are not read as samples; save them as uint8, int8, int16, int32 or float32`);
  }
  const src = chunk.data;
  if (prep.dequantize) return dequantizeInt8(src as Int8Array, prep.dequantize);
  if (src instanceof Float32Array && !prep.scale && !prep.mean && !prep.std) return src; // as is, not copied
  const out = new Float32Array(src.length);
  const channels = prep.input.shape.length > 1 ? prep.input.shape[prep.input.shape.length - 1] : 1;
  // A + (x − from₀) · (B − A) ÷ (from₁ − from₀): for 0..255 → 0..1 exactly x ÷ 255.
  const [f0, f1] = prep.scale?.from ?? [0, 1];
  const [t0, t1] = prep.scale?.to ?? [0, 1];
  const mean = prep.mean;
  const std = prep.std;
  for (let i = 0; i < src.length; i++) {
    let v = prep.scale ? t0 + (((src[i] as number) - f0) * (t1 - t0)) / (f1 - f0) : (src[i] as number);
    if (mean || std) {
      const c = i % channels;
      v = (v - (mean ? mean[mean.length === 1 ? 0 : c] : 0)) / (std ? std[std.length === 1 ? 0 : c] : 1);
    }
    out[i] = v;
  }
  return out;
}

/** A chunk as the input takes it: int8 codes (quantized or as they are) or float32 values. */
export function toInputValues(prep: Preprocessing, chunk: NpyArray, file: string): SampleData {
  if (prep.asIs) return chunk.data as Int8Array;
  const floats = toFloatValues(prep, chunk, file);
  return prep.quantize ? quantizeInt8(floats, prep.quantize) : floats;
}

/** The float values of what the input was fed (for an as-is int8 run: the codes dequantized with the input's own). */
export function fedFloatValues(prep: Preprocessing, chunk: NpyArray, file: string, io: IoTensor): Float32Array {
  if (prep.asIs) return dequantizeInt8(chunk.data as Int8Array, io.quantization as ActivationQuantization);
  return toFloatValues(prep, chunk, file);
}
