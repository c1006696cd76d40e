// An int8 configuration's accuracy against an independent emulation of post-training int8 quantization, written out
// here from the scheme's definition rather than from Frontier's code: activation ranges from min/max over the
// calibration samples (widened to hold 0), scale (max − min) ÷ 255 and zero point −128 − min ÷ scale; weights
// symmetric per output channel (max|w| ÷ 127); biases at s_input · s_weight; integer sums requantized with a real
// multiplier (no fixed point). Frontier reproduces TFLM's fixed-point arithmetic, so single outputs may differ by a
// step; the accuracies must agree within half a point on a real model and real images.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseNpy } from '../../src/shared/engine/npy';
import { DEFAULT_CALIBRATION_SAMPLES } from '../../src/main/engine/configure';
import { openDataSet } from '../../src/main/engine/data/open';
import { evaluateModel } from '../../src/main/engine/evaluate';
import { loadRunnableModel } from '../../src/main/engine/load';

const fixtures = join(__dirname, '..', 'fixtures', 'fashion');
const images = join(fixtures, 'test-images-1000.npy');
const labelsFile = join(fixtures, 'test-labels-1000.npy');

const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

interface Quantization {
  scale: number;
  zero: number;
}
function rangeQuantization(min: number, max: number): Quantization {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = (hi - lo) / 255;
  return { scale, zero: clamp(roundHalfAway(-128 - lo / scale), -128, 127) };
}

/** y[u] = b[u] + Σ_i w[u][i]·x[i], kernel as [units][inputs]. */
function denseFloat(x: Float64Array, kernel: ArrayLike<number>, bias: ArrayLike<number>, units: number): Float64Array {
  const inputs = x.length;
  const y = new Float64Array(units);
  for (let u = 0; u < units; u++) {
    let sum = bias[u];
    for (let i = 0; i < inputs; i++) sum += kernel[u * inputs + i] * x[i];
    y[u] = sum;
  }
  return y;
}

/** One int8 fully connected layer: int32 sums of (q_x − z_x)·q_w plus the int32 bias, requantized to the output. */
function denseInt8(
  qx: Int32Array,
  input: Quantization,
  kernel: ArrayLike<number>,
  bias: ArrayLike<number>,
  units: number,
  output: Quantization,
  relu: boolean,
): Int32Array {
  const inputs = qx.length;
  const out = new Int32Array(units);
  for (let u = 0; u < units; u++) {
    let maxAbs = 0;
    for (let i = 0; i < inputs; i++) maxAbs = Math.max(maxAbs, Math.abs(kernel[u * inputs + i]));
    const sw = maxAbs / 127;
    let acc = roundHalfAway(bias[u] / (input.scale * sw));
    for (let i = 0; i < inputs; i++) acc += (qx[i] - input.zero) * clamp(roundHalfAway(kernel[u * inputs + i] / sw), -127, 127);
    const q = roundHalfAway((acc * input.scale * sw) / output.scale) + output.zero;
    out[u] = clamp(q, relu ? output.zero : -128, 127);
  }
  return out;
}

it('the int8 MLP on 1,000 Fashion-MNIST images: accuracy within 0.5 points of an independent emulation', async () => {
  const model = await loadRunnableModel(join(fixtures, 'mlp.onnx'));
  const hidden = model.weights.layers['/hidden/Gemm'] as Required<Pick<(typeof model.weights.layers)[string], 'kernel' | 'bias'>>;
  const output = model.weights.layers['/out/Gemm'] as typeof hidden;
  const [units, inputs] = hidden.kernel.shape;
  const classes = output.kernel.shape[0];
  const x = parseNpy(readFileSync(images), images);
  const labels = parseNpy(readFileSync(labelsFile), labelsFile).data as Uint8Array;
  const count = x.shape[0];
  const sample = (s: number): Float64Array => Float64Array.from((x.data as Uint8Array).subarray(s * inputs, (s + 1) * inputs), (p) => p / 255);

  // Calibration: the float model on samples spread evenly over the data, each tensor's min and max.
  const calibration = Array.from({ length: Math.min(DEFAULT_CALIBRATION_SAMPLES, count) }, (_, i) => Math.floor((i * count) / DEFAULT_CALIBRATION_SAMPLES));
  const range = { input: [Infinity, -Infinity], hidden: [Infinity, -Infinity], output: [Infinity, -Infinity] };
  const widen = (r: number[], values: ArrayLike<number>): void => {
    for (let i = 0; i < values.length; i++) {
      r[0] = Math.min(r[0], values[i]);
      r[1] = Math.max(r[1], values[i]);
    }
  };
  for (const s of calibration) {
    const v = sample(s);
    widen(range.input, v);
    const h = denseFloat(v, hidden.kernel.data, hidden.bias.data, units).map((t) => Math.max(0, t));
    widen(range.hidden, h);
    widen(range.output, denseFloat(h, output.kernel.data, output.bias.data, classes));
  }
  const qIn = rangeQuantization(range.input[0], range.input[1]);
  const qHidden = rangeQuantization(range.hidden[0], range.hidden[1]);
  const qOut = rangeQuantization(range.output[0], range.output[1]);

  let right = 0;
  for (let s = 0; s < count; s++) {
    const qx = Int32Array.from(sample(s), (v) => clamp(roundHalfAway(v / qIn.scale) + qIn.zero, -128, 127));
    const h = denseInt8(qx, qIn, hidden.kernel.data, hidden.bias.data, units, qHidden, true);
    const o = Array.from(denseInt8(h, qHidden, output.kernel.data, output.bias.data, classes, qOut, false));
    if (o.indexOf(Math.max(...o)) === labels[s]) right++;
  }
  const emulated = right / count;

  const measured = await evaluateModel(model, { precision: 'int8' }, openDataSet({ data: images, labels: labelsFile }), {});
  expect(measured.precision).toBe('int8');
  expect(Math.abs((measured.metrics.accuracy as number) - emulated)).toBeLessThanOrEqual(0.005);
  // Not a vacuous agreement: the model classifies well above chance at int8.
  expect(emulated).toBeGreaterThan(0.7);
});
