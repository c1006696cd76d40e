// TFLM's integer arithmetic: the reference (fixedPoint.ts) against hand-checked values, and the ONNX graph that
// repeats it (IntegerOps.requantize: shifts of non-negative uint64 numbers) against the reference on seeded values,
// ties and extremes included.
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DT, OnnxBuilder } from '../../src/main/engine/onnx/builder';
import { IntegerOps } from '../../src/main/engine/onnx/integer';
import {
  activationRangeInt8,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  rdbp,
  logisticTableInt8,
  softmaxInt8Row,
  tanhTableInt8,
  softmaxParams,
  srdhm,
} from '../../src/shared/engine/fixedPoint';
import { activationQuantization, quantizeBias, quantizeKernel } from '../../src/shared/engine/quantize';
import { mulberry32 } from '../../src/shared/sweep/space';

describe("TFLM's fixed-point primitives", () => {
  it('QuantizeMultiplier: a Q31 significand in [2^30, 2^31) and a shift', () => {
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 2 ** 30, shift: 0 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    expect(quantizeMultiplier(0.25)).toEqual({ multiplier: 2 ** 30, shift: -1 });
    expect(quantizeMultiplier(0.3)).toEqual({ multiplier: 1288490189, shift: -1 });
    // A significand that rounds up to 2^31 is halved and the shift raised.
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
  });

  it('SaturatingRoundingDoublingHighMul and RoundingDivideByPOT round as gemmlowp does', () => {
    expect(srdhm(2 ** 30, 2 ** 30)).toBe(2 ** 29);
    expect(srdhm(3, 2 ** 30)).toBe(2); // 1.5 → 2
    expect(srdhm(-3, 2 ** 30)).toBe(-1); // −1.5 → −1 (the nudge rounds half up)
    expect(srdhm(-(2 ** 31), -(2 ** 31))).toBe(2 ** 31 - 1);
    expect(rdbp(5, 1)).toBe(3); // 2.5 → 3
    expect(rdbp(-5, 1)).toBe(-3); // −2.5 → −3 (half away from zero)
    expect(rdbp(-6, 2)).toBe(-2); // −1.5 → −2
    expect(rdbp(7, 0)).toBe(7);
  });

  it("a fused activation's clamp as TFLite's CalculateActivationRangeQuantized", () => {
    expect(activationRangeInt8('relu', 0.1, -5)).toEqual([-5, 127]);
    expect(activationRangeInt8('relu6', 0.05, -128)).toEqual([-128, -8]);
    expect(activationRangeInt8('linear', 0.05, 3)).toEqual([-128, 127]);
  });

  it("softmax: person_detect's last layer as TFLM computes it", () => {
    // The logits TFLM computed for its person image (tensor 31: scale 0.0125187…, zero point −1) give −113 / 113.
    expect(softmaxInt8Row([-112, 110], softmaxParams(Math.fround(0.012518751434981823)))).toEqual([-113, 113]);
    const uniform = softmaxInt8Row([7, 7, 7, 7], softmaxParams(0.1));
    expect(new Set(uniform).size).toBe(1);
  });
});

describe('element-wise int8 tables (LOGISTIC, TANH) follow the functions they compute', () => {
  for (const q of [{ scale: 0.05, zeroPoint: 0 }, { scale: 0.1, zeroPoint: -20 }, { scale: 0.0123, zeroPoint: 77 }]) {
    it(`input scale ${q.scale}, zero point ${q.zeroPoint}: monotonic, within one code of the real function`, () => {
      const logistic = logisticTableInt8(q);
      const tanh = tanhTableInt8(q);
      for (let k = 0; k < 256; k++) {
        const x = q.scale * (k - 128 - q.zeroPoint);
        expect(Math.abs(logistic[k] - Math.min(127, Math.round(256 / (1 + Math.exp(-x))) - 128))).toBeLessThanOrEqual(1);
        expect(Math.abs(tanh[k] - Math.max(-128, Math.min(127, Math.round(128 * Math.tanh(x)))))).toBeLessThanOrEqual(1);
        if (k > 0) {
          expect(logistic[k]).toBeGreaterThanOrEqual(logistic[k - 1]);
          expect(tanh[k]).toBeGreaterThanOrEqual(tanh[k - 1]);
        }
      }
    });
  }
});

describe('the requantization graph equals TFLM, value for value', () => {
  it('seeded accumulators, multipliers and shifts (left and right), per channel, with ties', async () => {
    const random = mulberry32(11);
    const channels = 6;
    const perChannel = 400;
    const reals = [0.000731, 0.0123, 0.49, 0.5, 1.7, 0.00004];
    const m = reals.map(quantizeMultiplier);
    const zeroPoints = [-128, -3, 0, 17, 127, -60];
    const bias = [12, -40000, 0, 7, 2 ** 20, -1];
    const acc: number[] = [];
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < perChannel; i++) {
        const r = random();
        // Mostly moderate sums, some at the int32 extremes, some exact ties of the final shift.
        let v = Math.round((r - 0.5) * 2 ** (8 + 20 * random()));
        // (A left shift of an extreme sum overflows int32 in TFLM itself: extremes only where the shift is right.)
        if (i % 50 === 0 && m[c].shift <= 0) v = (i % 100 === 0 ? 1 : -1) * (2 ** 31 - 1 - Math.abs(bias[c]) - 1);
        if (i % 37 === 0) v = 2 ** Math.max(0, -m[c].shift - 1) * (i % 2 ? 1 : -3);
        acc.push(v);
      }
    }
    const b = new OnnxBuilder('requantize', 18);
    const ops = new IntegerOps(b);
    b.input('acc', [channels, perChannel], DT.INT64);
    const out = ops.requantize('acc', m.map((v) => v.multiplier), m.map((v) => v.shift), zeroPoints.map((z) => z + 128), [0, 255], [channels, 1], { values: bias, name: 'bias' });
    b.output(out, undefined, DT.UINT8);
    const session = await ort.InferenceSession.create(b.bytes());
    const result = await session.run({ acc: new ort.Tensor('int64', BigInt64Array.from(acc.map(BigInt)), [channels, perChannel]) });
    await session.release();
    const codes = result[out].data as Uint8Array;
    const expected = acc.map((v, k) => {
      const c = Math.floor(k / perChannel);
      const y = multiplyByQuantizedMultiplier(v + bias[c], m[c].multiplier, m[c].shift) + zeroPoints[c];
      return Math.max(-128, Math.min(127, y)) + 128;
    });
    expect(Array.from(codes)).toEqual(expected);
  });
});

describe("TFLite's post-training quantization", () => {
  it('activations: the range widened to include 0, asymmetric int8', () => {
    expect(activationQuantization(-1, 3)).toEqual({ scale: Math.fround(4 / 255), zeroPoint: -64 });
    expect(activationQuantization(0.5, 6)).toEqual({ scale: Math.fround(6 / 255), zeroPoint: -128 });
    expect(activationQuantization(-2, -1)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: 127 });
  });

  it('weights per output channel, symmetric: max|w| ÷ 127 (int8) or ÷ 7 (int4); biases int32 at s_in · s_w', () => {
    const kernel = { shape: [2, 3], data: Float32Array.from([0.5, -1, 0.25, 0.01, 0.02, -0.04]) };
    const q8 = quantizeKernel(kernel, 8);
    expect(Array.from(q8.quantization?.scale ?? [])).toEqual([Math.fround(1 / 127), Math.fround(0.04 / 127)]);
    const scales = [Math.fround(1 / 127), Math.fround(0.04 / 127)];
    expect(Array.from(q8.data)).toEqual(Array.from(kernel.data, (w, i) => Math.round(w / scales[Math.floor(i / 3)])));
    expect(Array.from(q8.data)).toEqual([64, -127, 32, 32, 63, -127]); // 0.02 ÷ fround(0.04 / 127) = 63.4999…
    const q4 = quantizeKernel(kernel, 4);
    const scales4 = [Math.fround(1 / 7), Math.fround(0.04 / 7)];
    expect(Array.from(q4.data)).toEqual(Array.from(kernel.data, (w, i) => Math.round(w / scales4[Math.floor(i / 3)])));
    expect(Math.max(...Array.from(q4.data, Math.abs))).toBe(7);
    const bias = quantizeBias({ shape: [2], data: Float32Array.from([0.1, -0.2]) }, 2, 0.5, q8.quantization?.scale as Float64Array);
    expect(Array.from(bias.data)).toEqual([Math.round(0.1 / (0.5 * Math.fround(1 / 127))), Math.round(-0.2 / (0.5 * Math.fround(0.04 / 127)))]);
  });
});
