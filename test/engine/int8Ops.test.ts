// Every int8 operator of the lowering runs and follows the float model it quantizes: a graph with an Add and a
// Multiply of constants, a Multiply and an Add of two layers, average and max pooling, MEAN, concatenation, padding,
// logistic and tanh, calibrated on seeded samples, gives outputs within a few quantization steps of the float run.
import { describe, expect, it } from 'vitest';
import { prepareRun } from '../../src/main/engine/configure';
import { GraphSession } from '../../src/main/engine/session';
import { quantizeInt8, dequantizeInt8 } from '../../src/main/engine/samples';
import { randomWeights } from '../../src/shared/engine/randomWeights';
import type { Layer, ModelGraph } from '../../src/shared/model/types';

const conv = (name: string, input: string, filters: number, activation: 'relu' | 'linear' = 'relu'): Layer => ({
  type: 'Conv2D', name, inputs: [input], filters, kernel: [3, 3], strides: [1, 1], padding: 'same', dilation: [1, 1], groups: 1, useBias: true, activation,
});

const graph: ModelGraph = {
  name: 'ops',
  layers: [
    { type: 'Input', name: 'x', inputs: [], shape: [8, 8, 3] },
    conv('c1', 'x', 6),
    { type: 'Add', name: 'plus', inputs: ['c1'], constantOperand: true },
    { type: 'Multiply', name: 'times', inputs: ['plus'], constantOperand: true },
    conv('c2', 'times', 6, 'linear'),
    { type: 'Multiply', name: 'gate', inputs: ['c2', 'times'] },
    { type: 'Add', name: 'sum', inputs: ['gate', 'c2'] },
    { type: 'ZeroPadding2D', name: 'pad', inputs: ['sum'], padding: [[1, 1], [1, 1]] },
    { type: 'AveragePooling2D', name: 'avg', inputs: ['pad'], pool: [3, 3], strides: [2, 2], padding: 'valid' },
    { type: 'MaxPooling2D', name: 'max', inputs: ['sum'], pool: [2, 2], strides: [2, 2], padding: 'valid' },
    { type: 'Concatenate', name: 'cat', inputs: ['avg', 'max'], axis: -1 },
    { type: 'GlobalAveragePooling2D', name: 'gap', inputs: ['cat'], keepDims: false },
    { type: 'Dense', name: 'fc', inputs: ['gap'], units: 4, useBias: true, activation: 'linear' },
    { type: 'Activation', name: 'sig', inputs: ['fc'], activation: 'sigmoid', standalone: true },
    { type: 'Activation', name: 'th', inputs: ['fc'], activation: 'tanh', standalone: true },
  ] as Layer[],
  outputs: ['sig', 'th'],
};

describe('int8 operators follow their float model', () => {
  it('constants, products, sums, padding, pooling, MEAN, concatenation, logistic and tanh', async () => {
    const weights = randomWeights(graph, 5);
    const count = 32;
    const x = Float32Array.from({ length: count * 8 * 8 * 3 }, (_, i) => Math.sin(i * 0.91) * 2);
    const calibration = async () => ({ inputs: [x], count, source: 'seeded samples' });
    const float = await prepareRun({ graph, weights }, { precision: 'fp32' });
    const int8 = await prepareRun({ graph, weights }, { precision: 'int8' }, calibration);
    const run = async (p: typeof float, input: Float32Array | Int8Array) => {
      const session = await GraphSession.create(p.built);
      const outs = await session.run([input], count);
      await session.release();
      return outs;
    };
    const [fSig, fTanh] = await run(float, x);
    const q = int8.built.inputs[0].quantization as { scale: number; zeroPoint: number };
    const [qSig, qTanh] = await run(int8, quantizeInt8(x, q));
    const sig = dequantizeInt8(qSig as Int8Array, int8.built.outputs[0].quantization as { scale: number; zeroPoint: number });
    const th = dequantizeInt8(qTanh as Int8Array, int8.built.outputs[1].quantization as { scale: number; zeroPoint: number });
    const worst = (a: Float32Array, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
    // 1/256 and 1/128 steps; the error quantization accumulates through eight int8 layers stays a few steps.
    expect(worst(sig, fSig)).toBeLessThan(0.06);
    expect(worst(th, fTanh)).toBeLessThan(0.12);
    expect(new Set(Array.from(qSig)).size).toBeGreaterThan(8);
  });
});

describe('an activation the deploy plan absorbed but TFLM does not fuse runs as an int8 operation of its own', () => {
  it("a Keras Dense(activation='tanh') then Dense(activation='softmax'): calibrated before and after the activation", async () => {
    const mlp: ModelGraph = {
      name: 'mlp',
      layers: [
        { type: 'Input', name: 'x', inputs: [], shape: [16] },
        { type: 'Dense', name: 'hidden', inputs: ['x'], units: 12, useBias: true, activation: 'tanh' },
        { type: 'Dense', name: 'classes', inputs: ['hidden'], units: 5, useBias: true, activation: 'softmax' },
      ] as Layer[],
      outputs: ['classes'],
    };
    const weights = randomWeights(mlp, 9);
    const count = 64;
    const x = Float32Array.from({ length: count * 16 }, (_, i) => Math.cos(i * 1.37) * 3);
    const float = await prepareRun({ graph: mlp, weights }, { precision: 'fp32' });
    const int8 = await prepareRun({ graph: mlp, weights }, { precision: 'int8' }, async () => ({ inputs: [x], count, source: 'seeded samples' }));
    expect(int8.weights.activations?.['classes']).toEqual({ scale: 1 / 256, zeroPoint: -128 });
    expect(int8.weights.activations?.['hidden']).toEqual({ scale: 1 / 128, zeroPoint: 0 });
    expect(int8.weights.activations?.['classes/pre']).toBeDefined();
    const session = async (p: typeof float, input: Float32Array | Int8Array) => {
      const s = await GraphSession.create(p.built);
      const [out] = await s.run([input], count);
      await s.release();
      return out;
    };
    const f = (await session(float, x)) as Float32Array;
    const q = (await session(int8, quantizeInt8(x, int8.built.inputs[0].quantization as { scale: number; zeroPoint: number }))) as Int8Array;
    const probabilities = dequantizeInt8(q, { scale: 1 / 256, zeroPoint: -128 });
    const worst = Math.max(...Array.from(f, (v, i) => Math.abs(v - probabilities[i])));
    expect(worst).toBeLessThan(0.05);
    // Each row still sums to about one: the softmax ran, not a clamp of the logits.
    for (let n = 0; n < count; n++) {
      const row = probabilities.subarray(n * 5, n * 5 + 5).reduce((a, b) => a + b, 0);
      expect(Math.abs(row - 1)).toBeLessThan(0.03);
    }
  });
});
