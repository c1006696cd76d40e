// The preprocessing: uint8 → x ÷ 255 (or --input-scale), float as is unless told, mean/std per channel, int8 inputs
// quantized with their scale and zero point (or int8 data given as is), and shapes that do not fit refused.
import { describe, expect, it } from 'vitest';
import type { NpyArray } from '../../../src/shared/engine/npy';
import type { DataSet } from '../../../src/main/engine/data/dataSet';
import { codeRangeOf } from '../../../src/main/engine/data/dataSet';
import { resolvePreprocessing, toFloatValues, toInputValues } from '../../../src/main/engine/data/preprocess';
import type { IoTensor } from '../../../src/main/engine/build/int8';

const dataOf = (array: NpyArray, kind: DataSet['kind'] = 'npy'): DataSet => ({
  kind,
  source: 'x.npy',
  count: array.shape[0],
  sampleShape: array.shape.slice(1),
  dtype: array.dtype,
  codeRange: codeRangeOf(array.dtype),
  labels: null,
  bytes: 0,
  read: async () => array,
  close: () => undefined,
});
const floatInput: IoTensor = { name: 'in', layer: 'input', shape: [2, 1, 2], type: 'float32' };
const int8Input: IoTensor = { ...floatInput, type: 'int8', quantization: { scale: 1 / 255, zeroPoint: -128 } };
const u8 = { dtype: 'uint8', shape: [1, 2, 1, 2], data: Uint8Array.from([0, 51, 128, 255]) } as NpyArray;
const f32 = { dtype: 'float32', shape: [1, 2, 1, 2], data: Float32Array.from([0, 0.5, 1, 2]) } as NpyArray;

describe('preprocessing', () => {
  it('uint8 for a float input: x ÷ 255 exactly, stated', () => {
    const prep = resolvePreprocessing(dataOf(u8), floatInput);
    expect(prep).toMatchObject({ data: 'uint8', scale: { from: [0, 255], to: [0, 1] }, quantize: null, asIs: false });
    expect(prep.text).toBe('uint8 0..255 mapped to 0..1 (x ÷ 255)');
    expect(Array.from(toFloatValues(prep, u8, 'x'))).toEqual([0, 51, 128, 255].map((v) => Math.fround(v / 255)));
    expect(JSON.parse(JSON.stringify(prep))).toEqual(prep);
  });

  it('--input-scale -1..1 and per-channel mean/std', () => {
    const prep = resolvePreprocessing(dataOf(u8), floatInput, { inputScale: { to: [-1, 1] }, mean: [0, 1], std: [1, 2] });
    const want = [0, 51, 128, 255].map((v, i) => Math.fround((-1 + (v * 2) / 255 - [0, 1][i % 2]) / [1, 2][i % 2]));
    expect(Array.from(toFloatValues(prep, u8, 'x'))).toEqual(want);
    expect(prep.text).toContain('then (x − 0,1) ÷ 1,2 per channel');
  });

  it('float data as is unless told; --input-scale on float data maps from 0..255', () => {
    const plain = resolvePreprocessing(dataOf(f32), floatInput);
    expect(plain.scale).toBeNull();
    expect(toInputValues(plain, f32, 'x')).toBe(f32.data);
    const scaled = resolvePreprocessing(dataOf(f32), floatInput, { inputScale: { to: [0, 1] } });
    expect(scaled.scale).toEqual({ from: [0, 255], to: [0, 1] });
  });

  it('an int8 input: the float values quantized with its scale and zero point', () => {
    const prep = resolvePreprocessing(dataOf(u8), int8Input);
    expect(prep.quantize).toEqual({ scale: 1 / 255, zeroPoint: -128 });
    expect(Array.from(toInputValues(prep, u8, 'x'))).toEqual([-128, -77, 0, 127]);
  });

  it("int8 data is given as is to an int8 input of the file's own quantization, dequantized for a float run", () => {
    const i8 = { dtype: 'int8', shape: [1, 2, 1, 2], data: Int8Array.from([-128, 0, 5, 127]) } as NpyArray;
    const stored = { scale: 1 / 255, zeroPoint: -128 };
    const asIs = resolvePreprocessing(dataOf(i8), int8Input, {}, stored);
    expect(asIs.asIs).toBe(true);
    expect(toInputValues(asIs, i8, 'x')).toBe(i8.data);
    const float = resolvePreprocessing(dataOf(i8), floatInput, {}, stored);
    expect(Array.from(toInputValues(float, i8, 'x'))).toEqual([0, 128, 133, 255].map((q) => Math.fround(stored.scale * q)));
  });

  it('refuses samples of another shape, saying both and spotting channels-first data', () => {
    const nchw = { dtype: 'float32', shape: [3, 3, 8, 8], data: new Float32Array(3 * 192) } as NpyArray;
    const rgb: IoTensor = { name: 'in', layer: 'image', shape: [8, 8, 3], type: 'float32' };
    expect(() => resolvePreprocessing(dataOf(nchw), rgb)).toThrow(
      'x.npy: holds samples of shape (3, 8, 8) (3 of them); the model input image takes (8, 8, 3) per sample (channels-last); the samples look channels-first',
    );
    const grey = { dtype: 'uint8', shape: [1, 2, 1], data: new Uint8Array(2) } as NpyArray;
    expect(resolvePreprocessing(dataOf(grey), { ...floatInput, shape: [2, 1, 1] }).scale).not.toBeNull(); // a missing channel of 1 fits
    expect(() => resolvePreprocessing(dataOf(u8), floatInput, { mean: [1, 2, 3] })).toThrow('--mean gives 3 values; the model input input has 2 channels');
    const i64 = { dtype: 'int64', shape: [1, 2, 1, 2], data: new BigInt64Array(4) } as NpyArray;
    expect(() => resolvePreprocessing(dataOf(i64), floatInput)).toThrow('x.npy: holds int64 samples, which are not fed to a model');
  });
});
