// ONNX weights in the engine's layout, keyed by the importer's layer names: float graphs (Conv, BatchNormalization,
// depthwise, Gemm with transB 0 and 1, MatMul, Flatten of NCHW images), QDQ and QOperator int8 graphs, external
// data, float16 and the typed fields, and the refusals (paths out of the folder, truncated files, NaN).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { onnxToGraph } from '../../../src/main/import/onnx';
import { readOnnxWeights } from '../../../src/main/engine/weights/onnx';
import { inferModel } from '../../../src/main/engine/infer';
import { loadRunnableModel } from '../../../src/main/engine/load';
import type { WeightTensor } from '../../../src/shared/engine/weights';
import { countModel } from '../../../src/shared/analysis/counts';
import { PRESETS } from '../../../src/shared/presets';
import { isComputeLayer } from '../../../src/shared/model/types';
import { attr, DT, OnnxBuilder, random, rawBytes } from '../../onnx/builder';
import { ortQOperator } from '../../onnx/samples';
import { graphToOnnx } from '../../onnx/writer';

const seeded = (seed: number, n: number, scale = 1): number[] => {
  const next = random(seed);
  return Array.from({ length: n }, () => Math.fround((next() - 0.5) * 2 * scale));
};
const ints = (seed: number, n: number, lo: number, hi: number): number[] => {
  const next = random(seed);
  return Array.from({ length: n }, () => lo + Math.floor(next() * (hi - lo + 1)));
};
const scalar = (b: OnnxBuilder, name: string, value: number, type: number = DT.FLOAT): string => b.constant(name, [value], type, []);

function read(bytes: Uint8Array, file = 'model.onnx') {
  const graph = onnxToGraph(bytes, file);
  return { graph, weights: readOnnxWeights(bytes, graph, file) };
}

/** Checks a tensor's shape and every element: expected(index by canonical coordinates). */
function expectTensor(t: WeightTensor | undefined, shape: number[], at: (...i: number[]) => number): void {
  expect(t).toBeDefined();
  const tensor = t as WeightTensor;
  expect(tensor.shape).toEqual(shape);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, d) => a * d, 1));
  for (let flat = 0; flat < tensor.data.length; flat++) {
    const index = strides.map((s, i) => Math.floor(flat / s) % shape[i]);
    const want = at(...index);
    if (tensor.data[flat] !== want) throw new Error(`element [${index.join(', ')}] is ${tensor.data[flat]}, expected ${want}`);
  }
}

/** Float to IEEE binary16 bits, for values exactly representable (the tests use multiples of 1/64 below 8). */
function toHalf(v: number): number {
  if (v === 0) return Object.is(v, -0) ? 0x8000 : 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const e = Math.floor(Math.log2(a));
  const mantissa = Math.round((a / 2 ** e - 1) * 1024);
  return sign | ((e + 15) << 10) | mantissa;
}

describe('float ONNX weights', () => {
  it('Conv, BatchNormalization, depthwise Conv and a Gemm after Flatten, element by element', () => {
    const b = new OnnxBuilder('cnn');
    b.input('x', [1, 3, 8, 8]);
    const w1 = seeded(1, 4 * 3 * 3 * 3);
    const b1 = seeded(2, 4);
    b.initializer('conv1.weight', [4, 3, 3, 3], w1);
    b.initializer('conv1.bias', [4], b1);
    b.node('Conv', ['x', 'conv1.weight', 'conv1.bias'], ['c1'], { pads: attr.ints([1, 1, 1, 1]) }, 'conv1');
    const bn = ['scale', 'B', 'mean', 'var'].map((v, i) => seeded(10 + i, 4).map((x) => (v === 'var' ? Math.fround(Math.abs(x) + 0.5) : x)));
    ['scale', 'B', 'mean', 'var'].forEach((v, i) => b.initializer(`bn.${v}`, [4], bn[i]));
    b.node('BatchNormalization', ['c1', 'bn.scale', 'bn.B', 'bn.mean', 'bn.var'], ['n1'], { epsilon: attr.float(0.001) }, 'bn');
    b.node('Relu', ['n1'], ['r1'], {}, 'relu');
    const dw = seeded(3, 8 * 9);
    b.initializer('dw.weight', [8, 1, 3, 3], dw);
    b.node('Conv', ['r1', 'dw.weight'], ['d1'], { group: attr.int(4), pads: attr.ints([1, 1, 1, 1]) }, 'dw');
    b.node('Flatten', ['d1'], ['f'], { axis: attr.int(1) }, 'flatten');
    const fc = seeded(4, 5 * 512);
    const fcb = seeded(5, 5);
    b.initializer('fc.weight', [5, 512], fc);
    b.initializer('fc.bias', [5], fcb);
    b.node('Gemm', ['f', 'fc.weight', 'fc.bias'], ['y'], { transB: attr.int(1) }, 'fc');
    b.output('y', [1, 5]);
    const { graph, weights } = read(b.bytes());

    expect(graph.layers.find((l) => l.name === 'dw')?.type).toBe('DepthwiseConv2D');
    expect(weights.flattenOrder).toBe('chw');
    expect(weights.activations).toBeUndefined();
    expect(Object.keys(weights.layers).sort()).toEqual(['bn', 'conv1', 'dw', 'fc']);
    const conv = weights.layers.conv1;
    expectTensor(conv.kernel, [4, 3, 3, 3], (o, i, h, w) => w1[((o * 3 + i) * 3 + h) * 3 + w]);
    expect(conv.kernel?.data).toBeInstanceOf(Float32Array);
    expect(conv.kernel?.source).toBe('initializer conv1.weight');
    expectTensor(conv.bias, [4], (o) => b1[o]);
    const norm = weights.layers.bn;
    expectTensor(norm.gamma, [4], (c) => bn[0][c]);
    expectTensor(norm.beta, [4], (c) => bn[1][c]);
    expectTensor(norm.mean, [4], (c) => bn[2][c]);
    expectTensor(norm.variance, [4], (c) => bn[3][c]);
    expect(norm.epsilon).toBeCloseTo(0.001, 9);
    // Depthwise with multiplier 2: output channel c × 2 + m reads input channel c, as ONNX stores it.
    expectTensor(weights.layers.dw.kernel, [8, 1, 3, 3], (o, _, h, w) => dw[o * 9 + h * 3 + w]);
    expect(weights.layers.dw.bias).toBeUndefined();
    // The Dense kernel is units × inputs, the inputs in the NCHW flatten order (chw).
    expectTensor(weights.layers.fc.kernel, [5, 512], (u, i) => fc[u * 512 + i]);
    expectTensor(weights.layers.fc.bias, [5], (u) => fcb[u]);
  });

  it('the weights, read as the layout says, give the outputs ONNX Runtime computes from the file', async () => {
    const b = new OnnxBuilder('judge');
    const [H, W] = [5, 6];
    b.input('x', [1, 3, H, W]);
    b.initializer('c.w', [4, 3, 3, 3], seeded(131, 108, 0.5));
    b.initializer('c.b', [4], seeded(132, 4));
    b.node('Conv', ['x', 'c.w', 'c.b'], ['c'], { pads: attr.ints([1, 1, 1, 1]) }, 'conv');
    b.initializer('bn.s', [4], seeded(133, 4));
    b.initializer('bn.b', [4], seeded(134, 4));
    b.initializer('bn.m', [4], seeded(135, 4));
    b.initializer('bn.v', [4], seeded(136, 4).map((v) => Math.fround(Math.abs(v) + 0.25)));
    b.node('BatchNormalization', ['c', 'bn.s', 'bn.b', 'bn.m', 'bn.v'], ['n'], { epsilon: attr.float(0.01) }, 'bn');
    b.node('Relu', ['n'], ['r'], {}, 'relu');
    b.initializer('dw.w', [8, 1, 3, 3], seeded(137, 72, 0.5));
    b.initializer('dw.b', [8], seeded(138, 8));
    b.node('Conv', ['r', 'dw.w', 'dw.b'], ['d'], { group: attr.int(4), pads: attr.ints([1, 1, 1, 1]) }, 'dw');
    b.initializer('k', [1, 8, 1, 1], seeded(139, 8));
    b.node('Mul', ['d', 'k'], ['m'], {}, 'mul');
    b.node('Flatten', ['m'], ['f'], { axis: attr.int(1) }, 'flatten');
    b.initializer('fc.w', [8 * H * W, 3], seeded(140, 8 * H * W * 3, 0.1));
    b.initializer('fc.b', [3], seeded(141, 3));
    b.node('Gemm', ['f', 'fc.w', 'fc.b'], ['y'], {}, 'fc');
    b.output('y', [1, 3]);
    const bytes = b.bytes();
    const input = Float32Array.from(seeded(142, 3 * H * W));
    const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
    const result = await session.run({ x: new ort.Tensor('float32', input, [1, 3, H, W]) });
    const expected = [...(result.y.data as Float32Array)];
    await session.release();

    const { weights } = read(bytes);
    const L = weights.layers;
    // Channels-last reference: x[h][w][c], each tensor a flat H×W×C array.
    const hwc = (chw: ArrayLike<number>, c: number): number[] => Array.from({ length: H * W * c }, (_, i) => chw[(i % c) * H * W + Math.floor(i / c)]);
    const conv = (x: number[], cin: number, k: WeightTensor, bias: WeightTensor, groups: number): number[] => {
      const [o, per] = k.shape;
      const out: number[] = [];
      for (let h = 0; h < H; h++) {
        for (let w = 0; w < W; w++) {
          for (let f = 0; f < o; f++) {
            const g = Math.floor(f / (o / groups));
            let sum = bias.data[f];
            for (let ci = 0; ci < per; ci++) {
              for (let dy = 0; dy < 3; dy++) {
                for (let dx = 0; dx < 3; dx++) {
                  const [y, z] = [h + dy - 1, w + dx - 1];
                  if (y < 0 || z < 0 || y >= H || z >= W) continue;
                  sum += x[(y * W + z) * cin + g * per + ci] * k.data[((f * per + ci) * 3 + dy) * 3 + dx];
                }
              }
            }
            out.push(sum);
          }
        }
      }
      return out;
    };
    let t = conv(hwc(input, 3), 3, L.conv.kernel as WeightTensor, L.conv.bias as WeightTensor, 1);
    const bn = L.bn;
    t = t.map((v, i) => {
      const c = i % 4;
      const normal = (bn.gamma!.data[c] * (v - bn.mean!.data[c])) / Math.sqrt(bn.variance!.data[c] + (bn.epsilon as number)) + bn.beta!.data[c];
      return Math.max(0, normal);
    });
    t = conv(t, 4, L.dw.kernel as WeightTensor, L.dw.bias as WeightTensor, 4);
    const k = L.mul.constant as WeightTensor;
    expect(k.shape).toEqual([1, 1, 8]);
    t = t.map((v, i) => v * k.data[i % 8]);
    expect(weights.flattenOrder).toBe('chw');
    const flat = Array.from({ length: t.length }, (_, i) => t[(i % (H * W)) * 8 + Math.floor(i / (H * W))]);
    const fc = L.fc;
    const got = [0, 1, 2].map((u) => flat.reduce((sum, v, i) => sum + v * fc.kernel!.data[u * flat.length + i], fc.bias!.data[u]));
    got.forEach((v, u) => expect(v).toBeCloseTo(expected[u], 4));
  });

  it('Gemm with transB=0 (alpha, beta), MatMul with its Add bias, and a transposed initializer become units × inputs', () => {
    const b = new OnnxBuilder('fc');
    b.input('x', ['N', 6]);
    const w0 = seeded(21, 6 * 4);
    const c0 = seeded(22, 4);
    b.initializer('g.weight', [6, 4], w0);
    b.initializer('g.bias', [4], c0);
    b.node('Gemm', ['x', 'g.weight', 'g.bias'], ['g'], { alpha: attr.float(2), beta: attr.float(0.5) }, 'gemm0');
    const mm = seeded(23, 4 * 3);
    const mb = seeded(24, 3);
    b.initializer('m.weight', [4, 3], mm);
    b.initializer('m.bias', [3], mb);
    b.node('MatMul', ['g', 'm.weight'], ['m'], {}, 'matmul');
    b.node('Add', ['m', 'm.bias'], ['a'], {}, 'matmul_bias');
    // A weight stored units × inputs and transposed by the graph before a MatMul.
    const tw = seeded(25, 2 * 3);
    b.initializer('t.weight', [2, 3], tw);
    b.node('Transpose', ['t.weight'], ['t.weight_T'], { perm: attr.ints([1, 0]) }, 't_transpose');
    b.node('MatMul', ['a', 't.weight_T'], ['y'], {}, 'tmm');
    b.output('y', ['N', 2]);
    const { weights } = read(b.bytes());
    expect(Object.keys(weights.layers).sort()).toEqual(['gemm0', 'matmul', 'tmm']);
    expectTensor(weights.layers.gemm0.kernel, [4, 6], (u, i) => Math.fround(w0[i * 4 + u] * 2));
    expectTensor(weights.layers.gemm0.bias, [4], (u) => Math.fround(c0[u] * 0.5));
    expectTensor(weights.layers.matmul.kernel, [3, 4], (u, i) => mm[i * 3 + u]);
    expectTensor(weights.layers.matmul.bias, [3], (u) => mb[u]);
    expectTensor(weights.layers.tmm.kernel, [2, 3], (u, i) => tw[u * 3 + i]);
  });

  it('Gemm with transB=1 keeps the stored matrix; a one-value bias C is broadcast', () => {
    const b = new OnnxBuilder('fc1');
    b.input('x', ['N', 5]);
    const w = seeded(31, 3 * 5);
    b.initializer('w', [3, 5], w);
    b.initializer('c', [1], [0.25]);
    b.node('Gemm', ['x', 'w', 'c'], ['y'], { transB: attr.int(1) }, 'fc');
    b.output('y', ['N', 3]);
    const { weights } = read(b.bytes());
    expectTensor(weights.layers.fc.kernel, [3, 5], (u, i) => w[u * 5 + i]);
    expectTensor(weights.layers.fc.bias, [3], () => 0.25);
  });

  it('Add, Mul and Sub constants, channels-last and broadcast against the activation', () => {
    const b = new OnnxBuilder('ops');
    b.input('x', [1, 2, 3, 4]);
    const perChannel = seeded(41, 2);
    b.initializer('k1', [1, 2, 1, 1], perChannel);
    b.node('Mul', ['x', 'k1'], ['m'], {}, 'scale');
    const full = seeded(42, 2 * 3 * 4);
    b.initializer('k2', [2, 3, 4], full);
    b.node('Add', ['k2', 'm'], ['a'], {}, 'shift');
    b.initializer('k3', [1], [1.5]);
    b.node('Sub', ['a', 'k3'], ['s'], {}, 'minus');
    b.initializer('k4', [4], [2, 4, 0.5, 8]);
    b.node('Div', ['s', 'k4'], ['y'], {}, 'divide');
    b.output('y', [1, 2, 3, 4]);
    const bytes = b.bytes();
    const { weights } = read(bytes);
    expectTensor(weights.layers.scale.constant, [1, 1, 2], (_h, _w, c) => perChannel[c]);
    // [C, H, W] in the file, [H, W, C] here.
    expectTensor(weights.layers.shift.constant, [3, 4, 2], (h, w, c) => full[(c * 3 + h) * 4 + w]);
    // x − 1.5 runs as x + (−1.5).
    expectTensor(weights.layers.minus.constant, [1, 1, 1], () => -1.5);
    // ÷ k runs as × 1/k; k varies along the width here.
    expectTensor(weights.layers.divide.constant, [1, 4, 1], (_h, w) => [0.5, 0.25, 2, 0.125][w]);

    const reversed = new OnnxBuilder('reversed');
    reversed.input('x', [1, 2, 3, 4]);
    reversed.initializer('k', [1], [1]);
    reversed.node('Sub', ['k', 'x'], ['y'], {}, 'one_minus');
    reversed.output('y', [1, 2, 3, 4]);
    expect(() => read(reversed.bytes())).toThrow(/node one_minus \(Sub\): computes constant − activation, which the engine cannot run as an Add/);
  });

  it('reads a weight given by a Constant node, naming it so', () => {
    const b = new OnnxBuilder('constnode');
    b.input('x', ['N', 3]);
    const w = seeded(45, 6);
    b.node('Constant', [], ['w'], { value: attr.tensor({ dims: [3, 2], dataType: DT.FLOAT, floatData: w }) }, 'w_const');
    b.node('MatMul', ['x', 'w'], ['y'], {}, 'fc');
    b.output('y', ['N', 2]);
    const kernel = read(b.bytes()).weights.layers.fc.kernel;
    expectTensor(kernel, [2, 3], (u, i) => w[i * 2 + u]);
    expect(kernel?.source).toBe('the value of Constant w');
  });

  it('reads float_data, double_data, int64_data and float16 initializers (raw and int32_data)', () => {
    const b = new OnnxBuilder('fields');
    b.input('x', [1, 2, 4, 4]);
    const w = ints(51, 3 * 2, -64, 64).map((v) => v / 32);
    b.initializers.push({ name: 'w16', dims: [3, 2, 1, 1], dataType: DT.FLOAT16, rawData: rawHalf(w) });
    b.node('Conv', ['x', 'w16'], ['c'], {}, 'conv16');
    const w2 = ints(52, 3 * 3, -64, 64).map((v) => v / 64);
    b.initializers.push({ name: 'w16f', dims: [3, 3, 1, 1], dataType: DT.FLOAT16, int32Data: w2.map(toHalf) });
    const bias = seeded(53, 3);
    b.initializers.push({ name: 'bf', dims: [3], dataType: DT.FLOAT, floatData: bias });
    b.node('Conv', ['c', 'w16f', 'bf'], ['c2'], {}, 'conv16f');
    const gamma = [0.5, 1.25, 2];
    b.initializers.push({ name: 'g', dims: [3], dataType: 11, doubleData: gamma });
    b.initializer('beta', [3], [0, 0, 0]);
    b.initializer('mean', [3], [0, 0, 0]);
    b.initializer('var', [3], [1, 1, 1]);
    b.node('BatchNormalization', ['c2', 'g', 'beta', 'mean', 'var'], ['n'], {}, 'bn');
    b.initializers.push({ name: 'k', dims: [1, 3, 1, 1], dataType: DT.INT64, int64Data: [3, -4, 5] });
    b.node('Mul', ['n', 'k'], ['y'], {}, 'mul');
    b.output('y', [1, 3, 4, 4]);
    const { weights } = read(b.bytes());
    expectTensor(weights.layers.conv16.kernel, [3, 2, 1, 1], (o, i) => w[o * 2 + i]);
    expectTensor(weights.layers.conv16f.kernel, [3, 3, 1, 1], (o, i) => w2[o * 3 + i]);
    expectTensor(weights.layers.conv16f.bias, [3], (o) => bias[o]);
    expectTensor(weights.layers.bn.gamma, [3], (c) => gamma[c]);
    expect(weights.layers.bn.epsilon).toBeCloseTo(1e-5, 9);
    expectTensor(weights.layers.mul.constant, [1, 1, 3], (_h, _w, c) => [3, -4, 5][c]);
  });

  it('refuses NaN and infinite weights, naming the initializer', () => {
    const b = new OnnxBuilder('nan');
    b.input('x', [1, 2, 4, 4]);
    const w = seeded(61, 8);
    w[5] = Number.NaN;
    b.initializer('bad.weight', [4, 2, 1, 1], w);
    b.node('Conv', ['x', 'bad.weight'], ['y'], {}, 'conv');
    b.output('y', [1, 4, 4, 4]);
    const bytes = b.bytes();
    // The import (what analyze and sweep read) never looks at the values.
    expect(() => onnxToGraph(bytes, 'model.onnx')).not.toThrow();
    expect(() => read(bytes)).toThrow(/model\.onnx: layer conv: its kernel \(initializer bad\.weight\) holds NaN at index 5/);

    const h = new OnnxBuilder('inf');
    h.input('x', [1, 2, 4, 4]);
    h.initializers.push({ name: 'half.weight', dims: [4, 2, 1, 1], dataType: DT.FLOAT16, int32Data: [0, 0, 0x7c00, 0, 0, 0, 0, 0] });
    h.node('Conv', ['x', 'half.weight'], ['y'], {}, 'conv');
    h.output('y', [1, 4, 4, 4]);
    expect(() => read(h.bytes())).toThrow(/initializer half\.weight\) holds Infinity at index 2/);
  });

  it('refuses a graph that is not the file’s', () => {
    const b = new OnnxBuilder('one');
    b.input('x', ['N', 4]);
    b.initializer('w', [4, 2], seeded(71, 8));
    b.node('MatMul', ['x', 'w'], ['y'], {}, 'fc');
    b.output('y', ['N', 2]);
    const bytes = b.bytes();
    const graph = onnxToGraph(bytes, 'a.onnx');
    const other = { ...graph, layers: graph.layers.map((l) => (l.name === 'fc' ? { ...l, name: 'dense' } : l)) };
    expect(() => readOnnxWeights(bytes, other, 'a.onnx')).toThrow(/a\.onnx: the graph given is not the one this file imports to \(the file's layer fc \(Dense\) is not in the graph\)/);
  });

  it("LeakyRelu's alpha and HardSigmoid's alpha and beta (ONNX's defaults when absent) are read, and the float run uses them", async () => {
    const b = new OnnxBuilder('activations');
    b.input('x', ['N', 6]);
    b.node('LeakyRelu', ['x'], ['a'], {}, 'leaky_default');
    b.node('LeakyRelu', ['a'], ['b'], { alpha: attr.float(0.1) }, 'leaky');
    b.node('HardSigmoid', ['b'], ['c'], { alpha: attr.float(1 / 6) }, 'hard_sigmoid');
    b.node('HardSigmoid', ['c'], ['y'], { alpha: attr.float(0.5), beta: attr.float(0.25) }, 'hard_sigmoid_own');
    b.output('y', ['N', 6]);
    const bytes = b.bytes();
    const { weights } = read(bytes);
    expect(weights.layers.leaky_default.activation?.alpha).toBeCloseTo(0.01, 7);
    expect(weights.layers.leaky.activation?.alpha).toBeCloseTo(0.1, 7);
    expect(weights.layers.hard_sigmoid.activation?.alpha).toBeCloseTo(1 / 6, 7);
    expect(weights.layers.hard_sigmoid.activation?.beta).toBe(0.5);
    expect(weights.layers.hard_sigmoid_own.activation).toEqual({ alpha: 0.5, beta: 0.25 });

    const input = Float32Array.from([-30, -4, -0.5, 0.5, 4, 30]);
    const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
    const expected = (await session.run({ x: new ort.Tensor('float32', input, [1, 6]) })).y.data as Float32Array;
    await session.release();
    const dir = mkdtempSync(join(tmpdir(), 'frontier-activations-'));
    try {
      const path = join(dir, 'activations.onnx');
      writeFileSync(path, bytes);
      const result = await inferModel(await loadRunnableModel(path), { precision: 'fp32' }, [{ file: 'x.npy', array: { dtype: 'float32', shape: [1, 6], data: input } }]);
      expect(Array.from(result.outputs[0].array.data as Float32Array)).toEqual(Array.from(expected));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function rawHalf(values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, toHalf(v), true));
  return out;
}

describe('quantized ONNX weights', () => {
  it('QDQ: int8 per-channel kernels, int32 biases, uint8 weights shifted to int8, and every activation’s scale', () => {
    const b = new OnnxBuilder('qdq');
    b.input('x', [1, 3, 4, 4]);
    const xs = scalar(b, 'x_s', 0.05);
    const xz = scalar(b, 'x_z', -3, DT.INT8);
    b.node('QuantizeLinear', ['x', xs, xz], ['x_q'], {}, 'x_quantize');
    b.node('DequantizeLinear', ['x_q', xs, xz], ['x_dq'], {}, 'x_dequantize');
    const wq = ints(81, 4 * 3 * 9, -127, 127);
    const ws = [0.01, 0.02, 0.03, 0.04];
    b.initializer('w_q', [4, 3, 3, 3], wq, DT.INT8);
    b.initializer('w_s', [4], ws);
    b.initializer('w_z', [4], [0, 0, 0, 0], DT.INT8);
    b.node('DequantizeLinear', ['w_q', 'w_s', 'w_z'], ['w'], { axis: attr.int(0) }, 'w_dequantize');
    const bq = ints(82, 4, -1000, 1000);
    const bs = ws.map((s) => s * 0.05);
    b.initializer('b_q', [4], bq, DT.INT32);
    b.initializer('b_s', [4], bs);
    b.node('DequantizeLinear', ['b_q', 'b_s'], ['bias'], { axis: attr.int(0) }, 'b_dequantize');
    b.node('Conv', ['x_dq', 'w', 'bias'], ['c'], { pads: attr.ints([1, 1, 1, 1]) }, 'conv');
    b.node('Relu', ['c'], ['r'], {}, 'relu');
    const rs = scalar(b, 'r_s', 0.1);
    const rz = scalar(b, 'r_z', -128, DT.INT8);
    b.node('QuantizeLinear', ['r', rs, rz], ['r_q'], {}, 'r_quantize');
    b.node('DequantizeLinear', ['r_q', rs, rz], ['r_dq'], {}, 'r_dequantize');
    b.node('Flatten', ['r_dq'], ['f'], { axis: attr.int(1) }, 'flatten');
    // uint8 weights (zero point 128) per tensor, stored inputs × units.
    const mq = ints(83, 64 * 2, 0, 255);
    b.initializer('m_q', [64, 2], mq, DT.UINT8);
    b.node('DequantizeLinear', ['m_q', scalar(b, 'm_s', 0.004), scalar(b, 'm_z', 128, DT.UINT8)], ['m'], {}, 'm_dequantize');
    b.node('MatMul', ['f', 'm'], ['y'], {}, 'fc');
    const ys = scalar(b, 'y_s', 0.2);
    const yz = scalar(b, 'y_z', 5, DT.INT8);
    b.node('QuantizeLinear', ['y', ys, yz], ['y_q'], {}, 'y_quantize');
    b.node('DequantizeLinear', ['y_q', ys, yz], ['out'], {}, 'y_dequantize');
    b.output('out', [1, 2]);
    const { weights } = read(b.bytes());

    const kernel = weights.layers.conv.kernel as WeightTensor;
    expect(kernel.data).toBeInstanceOf(Int8Array);
    expectTensor(kernel, [4, 3, 3, 3], (o, i, h, w) => wq[((o * 3 + i) * 3 + h) * 3 + w]);
    expect([...(kernel.quantization?.scale ?? [])]).toEqual(ws.map(Math.fround));
    expect([...(kernel.quantization?.zeroPoint ?? [])]).toEqual([0, 0, 0, 0]);
    expect(kernel.quantization?.axis).toBe(0);
    const bias = weights.layers.conv.bias as WeightTensor;
    expect(bias.data).toBeInstanceOf(Int32Array);
    expectTensor(bias, [4], (o) => bq[o]);
    expect([...(bias.quantization?.scale ?? [])]).toEqual(bs.map(Math.fround));
    expect(bias.quantization?.axis).toBe(0);

    const fc = weights.layers.fc.kernel as WeightTensor;
    expect(fc.data).toBeInstanceOf(Int8Array);
    expectTensor(fc, [2, 64], (u, i) => mq[i * 2 + u] - 128);
    expect(fc.quantization?.zeroPoint[0]).toBe(0);
    expect(fc.quantization?.scale[0]).toBeCloseTo(0.004, 9);
    expect(fc.quantization?.axis).toBeUndefined();

    const act = weights.activations ?? {};
    expect(act.x).toEqual({ scale: Math.fround(0.05), zeroPoint: -3 });
    // The convolution shares the output of the ReLU fused into it; the Flatten views the same tensor.
    expect(act.relu).toEqual({ scale: Math.fround(0.1), zeroPoint: -128 });
    expect(act.conv).toEqual(act.relu);
    expect(act.flatten).toEqual(act.relu);
    expect(act.fc).toEqual({ scale: Math.fround(0.2), zeroPoint: 5 });
    expect(weights.flattenOrder).toBe('chw');
  });

  it('QDQ MatMul weights per output column become per-output-channel scales of the transposed kernel', () => {
    const b = new OnnxBuilder('qmm');
    b.input('x', ['N', 3]);
    const q = ints(91, 3 * 4, -127, 127);
    b.initializer('w_q', [3, 4], q, DT.INT8);
    b.initializer('w_s', [4], [0.1, 0.2, 0.3, 0.4]);
    b.initializer('w_z', [4], [0, 0, 0, 0], DT.INT8);
    b.node('DequantizeLinear', ['w_q', 'w_s', 'w_z'], ['w'], { axis: attr.int(1) }, 'w_dq');
    b.node('MatMul', ['x', 'w'], ['y'], {}, 'fc');
    b.output('y', ['N', 4]);
    const kernel = read(b.bytes()).weights.layers.fc.kernel as WeightTensor;
    expectTensor(kernel, [4, 3], (u, i) => q[i * 4 + u]);
    expect(kernel.quantization?.axis).toBe(0);
    expect([...(kernel.quantization?.scale ?? [])]).toEqual([0.1, 0.2, 0.3, 0.4].map(Math.fround));
  });

  it('int4 weights (two per byte, the low nibble first) are int8 data in −8…7 with their scales', () => {
    const b = new OnnxBuilder('int4', 21);
    b.input('x', [1, 2, 4, 4]);
    const q = ints(95, 3 * 2, -8, 7);
    const packed = new Uint8Array(3);
    q.forEach((v, i) => (packed[i >> 1] |= (v & 0x0f) << (i % 2 === 0 ? 0 : 4)));
    b.rawInitializer('w_q', [3, 2, 1, 1], packed, 22);
    b.initializer('w_s', [3], [0.5, 0.25, 0.125]);
    b.rawInitializer('w_z', [3], new Uint8Array([0x10, 0x0f]), 22);
    b.node('DequantizeLinear', ['w_q', 'w_s', 'w_z'], ['w'], { axis: attr.int(0) }, 'w_dq');
    b.node('Conv', ['x', 'w'], ['y'], {}, 'conv');
    b.output('y', [1, 3, 4, 4]);
    const kernel = read(b.bytes()).weights.layers.conv.kernel as WeightTensor;
    expect(kernel.data).toBeInstanceOf(Int8Array);
    expectTensor(kernel, [3, 2, 1, 1], (o, i) => q[o * 2 + i]);
    expect([...(kernel.quantization?.zeroPoint ?? [])]).toEqual([0, 1, -1]);
    expect(kernel.quantization?.axis).toBe(0);
  });

  it('a float weight quantized when the model loads (QuantizeLinear → DequantizeLinear) is read as int8', () => {
    const b = new OnnxBuilder('qload');
    b.input('x', [1, 2, 4, 4]);
    const w = [0.25, -0.35, 0.05, 12.8, -13, 0.15, 0, 1];
    b.initializer('w', [4, 2, 1, 1], w);
    const s = scalar(b, 's', 0.1);
    const z = scalar(b, 'z', 0, DT.INT8);
    b.node('QuantizeLinear', ['w', s, z], ['w_q'], {}, 'w_quantize');
    b.node('DequantizeLinear', ['w_q', s, z], ['w_dq'], {}, 'w_dequantize');
    b.node('Conv', ['x', 'w_dq'], ['y'], {}, 'conv');
    b.output('y', [1, 4, 4, 4]);
    const kernel = read(b.bytes()).weights.layers.conv.kernel as WeightTensor;
    expect(kernel.data).toBeInstanceOf(Int8Array);
    // Round half to even (0.25 / 0.1 = 2.5 → 2; −0.35 / 0.1 ≈ −3.5 in float32 terms), saturated at 127 and −128.
    expect([...kernel.data]).toEqual(w.map((v) => Math.min(127, Math.max(-128, roundHalfEven(Math.fround(v) / Math.fround(0.1))))));
  });

  it('QOperator: QLinearConv with uint8 weights, QLinearMatMul per column, QLinearAdd with a constant', () => {
    const b = new OnnxBuilder('qop');
    b.input('x', [1, 3, 4, 4]);
    const s = scalar(b, 's', 0.02);
    const zp = scalar(b, 'zp', 128, DT.UINT8);
    b.node('QuantizeLinear', ['x', s, zp], ['xq'], {}, 'quantize');
    const w = ints(101, 4 * 27, 0, 255);
    b.initializer('w', [4, 3, 3, 3], w, DT.UINT8);
    const wScales = [0.01, 0.02, 0.03, 0.04];
    b.initializer('ws', [4], wScales);
    b.initializer('wz', [4], [128, 128, 128, 128], DT.UINT8);
    const bias = ints(102, 4, -500, 500);
    b.initializer('bias', [4], bias, DT.INT32);
    const ys = scalar(b, 'ys', 0.5);
    const yz = scalar(b, 'yz', 100, DT.UINT8);
    b.node('QLinearConv', ['xq', s, zp, 'w', 'ws', 'wz', ys, yz, 'bias'], ['cq'], { pads: attr.ints([1, 1, 1, 1]) }, 'conv');
    const k = ints(103, 4, 0, 255);
    b.initializer('k', [1, 4, 1, 1], k, DT.UINT8);
    const as = scalar(b, 'as', 0.25);
    const az = scalar(b, 'az', 120, DT.UINT8);
    b.node('QLinearAdd', ['cq', ys, yz, 'k', scalar(b, 'ks', 0.125), scalar(b, 'kz', 10, DT.UINT8), as, az], ['aq'], {}, 'add', 'com.microsoft');
    b.node('Flatten', ['aq'], ['fq'], { axis: attr.int(1) }, 'flatten');
    const m = ints(104, 64 * 3, 0, 255);
    b.initializer('m', [64, 3], m, DT.UINT8);
    b.initializer('ms', [3], [0.5, 0.25, 0.125]);
    b.initializer('mz', [3], [0, 1, 2], DT.UINT8);
    b.node('QLinearMatMul', ['fq', as, az, 'm', 'ms', 'mz', scalar(b, 'os', 1), scalar(b, 'oz', 0, DT.UINT8)], ['yq'], {}, 'fc');
    b.node('DequantizeLinear', ['yq', scalar(b, 'os2', 1), scalar(b, 'oz2', 0, DT.UINT8)], ['y'], {}, 'dequantize');
    b.output('y', [1, 3]);
    const { weights } = read(b.bytes());

    const conv = weights.layers.conv;
    expectTensor(conv.kernel, [4, 3, 3, 3], (o, i, h, x) => w[((o * 3 + i) * 3 + h) * 3 + x] - 128);
    expect([...(conv.kernel?.quantization?.zeroPoint ?? [])]).toEqual([0, 0, 0, 0]);
    expect([...(conv.kernel?.quantization?.scale ?? [])]).toEqual(wScales.map(Math.fround));
    expect(conv.kernel?.quantization?.axis).toBe(0);
    // The bias is int32 at input scale × weight scale, per output channel.
    expectTensor(conv.bias, [4], (o) => bias[o]);
    expect(conv.bias?.data).toBeInstanceOf(Int32Array);
    expect([...(conv.bias?.quantization?.scale ?? [])]).toEqual(wScales.map((ws) => Math.fround(ws) * Math.fround(0.02)));

    const add = weights.layers.add.constant as WeightTensor;
    expectTensor(add, [1, 1, 4], (_h, _w, c) => k[c] - 128);
    expect(add.quantization?.scale[0]).toBe(0.125);
    expect(add.quantization?.zeroPoint[0]).toBe(10 - 128);

    const fc = weights.layers.fc.kernel as WeightTensor;
    expectTensor(fc, [3, 64], (u, i) => m[i * 3 + u] - 128);
    expect(fc.quantization?.axis).toBe(0);
    expect([...(fc.quantization?.zeroPoint ?? [])]).toEqual([-128, -127, -126]);

    // uint8 activations in the shifted (int8) range: zero point − 128.
    expect(weights.activations).toEqual({
      quantize: { scale: Math.fround(0.02), zeroPoint: 0 },
      conv: { scale: 0.5, zeroPoint: -28 },
      add: { scale: 0.25, zeroPoint: -8 },
      flatten: { scale: 0.25, zeroPoint: -8 },
      fc: { scale: 1, zeroPoint: -128 },
    });
  });
});

describe('whole models', () => {
  it('ONNX Runtime’s QOperator format with com.microsoft operators: QGemm weights and every activation’s scale', () => {
    const { graph, weights } = read(ortQOperator());
    const fc = weights.layers.fc;
    expectTensor(fc.kernel, [2, 8], (u, i) => 100 + u * 8 + i - 128);
    expectTensor(fc.bias, [2], (u) => [7, 8][u]);
    expect(fc.bias?.quantization?.scale[0]).toBe(Math.fround(0.02) * Math.fround(0.02));
    const c2 = weights.layers.c2;
    expectTensor(c2.kernel, [4, 4, 3, 3], (o, i, h, w) => 120 + ((((o * 4 + i) * 3 + h) * 3 + w) % 16) - 128);
    const activations = weights.activations ?? {};
    for (const layer of graph.layers) {
      if (layer.name === 'x' || layer.name === 'dequantize') continue;
      expect(activations[layer.name], layer.name).toEqual({ scale: Math.fround(0.02), zeroPoint: 0 });
    }
  });

  it('QGemm with transB=0, per-column weight scales and a one-value int32 bias', () => {
    const b = new OnnxBuilder('qgemm');
    b.input('a', ['N', 3], DT.UINT8);
    const s = scalar(b, 's', 0.5);
    const zp = scalar(b, 'zp', 128, DT.UINT8);
    const w = ints(121, 3 * 2, -100, 100);
    b.initializer('w', [3, 2], w, DT.INT8);
    b.initializer('ws', [2], [0.25, 0.125]);
    b.initializer('wz', [2], [0, 0], DT.INT8);
    b.initializer('c', [1], [9], DT.INT32);
    b.node('QGemm', ['a', s, zp, 'w', 'ws', 'wz', 'c', s, zp], ['y'], {}, 'fc', 'com.microsoft');
    b.output('y', ['N', 2], DT.UINT8);
    const { weights } = read(b.bytes());
    const fc = weights.layers.fc;
    expectTensor(fc.kernel, [2, 3], (u, i) => w[i * 2 + u]);
    expect(fc.kernel?.quantization?.axis).toBe(0);
    expectTensor(fc.bias, [2], () => 9);
    expect(fc.bias?.quantization).toEqual({ scale: new Float64Array([0.125, 0.0625]), zeroPoint: new Int32Array(2), axis: 0 });
    expect(weights.activations).toEqual({ a: { scale: 0.5, zeroPoint: 0 }, fc: { scale: 0.5, zeroPoint: 0 } });
  });

  describe.each(PRESETS.map((p) => [p.id, p] as const))('%s', (_id, preset) => {
    it.each(['fp32', 'int8'] as const)('%s: every layer with weights has them, in the counts the analysis gives', (precision) => {
      const bytes = graphToOnnx(preset.build(), { precision });
      const { graph, weights } = read(bytes, `${preset.id}.onnx`);
      const counts = new Map(countModel(graph).layers.map((l) => [l.name, l]));
      for (const layer of graph.layers) {
        const w = weights.layers[layer.name];
        if (isComputeLayer(layer)) {
          const kernel = counts.get(layer.name)?.weights.filter((t) => t.role !== 'bias').reduce((a, t) => a + t.count, 0);
          expect(w?.kernel?.data.length, layer.name).toBe(kernel);
          expect(w?.kernel?.data, layer.name).toBeInstanceOf(precision === 'int8' ? Int8Array : Float32Array);
          if (w?.bias) expect(w.bias.data, layer.name).toBeInstanceOf(precision === 'int8' ? Int32Array : Float32Array);
        }
        if (layer.type === 'BatchNormalization') {
          expect(w?.variance?.data.length, layer.name).toBe(w?.gamma?.data.length);
          expect(w?.epsilon, layer.name).toBeCloseTo(1e-3, 9);
        }
        // Every tensor of an int8 file has its scale, the model inputs included.
        if (precision === 'int8') expect(weights.activations?.[layer.name], layer.name).toBeDefined();
      }
      expect(weights.flattenOrder).toBe('chw');
    });
  });
});

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

describe('external data', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A Conv model whose weight lives in `location` (offset 16), written with the file in a fresh folder. */
  function externalModel(location: string, options: { length?: number; fileBytes?: number } = {}): { path: string; weight: number[]; bytes: Uint8Array } {
    const dir = mkdtempSync(join(tmpdir(), 'frontier-onnx-ext-'));
    dirs.push(dir);
    const weight = seeded(111, 4 * 2 * 3 * 3);
    const data = rawBytes(weight, DT.FLOAT);
    const file = new Uint8Array(16 + data.length);
    file.set(data, 16);
    writeFileSync(join(dir, 'weights.bin'), file.subarray(0, options.fileBytes ?? file.length));
    const b = new OnnxBuilder('ext');
    b.input('x', [1, 2, 5, 5]);
    b.initializers.push({
      name: 'conv.weight',
      dims: [4, 2, 3, 3],
      dataType: DT.FLOAT,
      dataLocation: 1,
      externalData: [
        { key: 'location', value: location },
        { key: 'offset', value: '16' },
        { key: 'length', value: String(options.length ?? data.length) },
      ],
    });
    b.initializer('conv.bias', [4], [1, 2, 3, 4]);
    b.node('Conv', ['x', 'conv.weight', 'conv.bias'], ['y'], {}, 'conv');
    b.output('y', [1, 4, 3, 3]);
    const bytes = b.bytes();
    const path = join(dir, 'model.onnx');
    writeFileSync(path, bytes);
    return { path, weight, bytes };
  }

  it('reads a weight from a file next to the model, at its offset', () => {
    const { path, weight, bytes } = externalModel('weights.bin');
    const graph = onnxToGraph(bytes, path);
    const weights = readOnnxWeights(path, graph, path);
    expectTensor(weights.layers.conv.kernel, [4, 2, 3, 3], (o, i, h, w) => weight[((o * 2 + i) * 3 + h) * 3 + w]);
    expectTensor(weights.layers.conv.bias, [4], (o) => o + 1);
    // Bytes with the model's folder given work the same.
    const again = readOnnxWeights(bytes, graph, 'model.onnx', { directory: join(path, '..') });
    expect([...(again.layers.conv.kernel?.data ?? [])]).toEqual([...(weights.layers.conv.kernel?.data ?? [])]);
  });

  it('refuses paths out of the model’s folder, absolute paths, and bytes without a folder', () => {
    const up = externalModel('../weights.bin');
    expect(() => readOnnxWeights(up.path, onnxToGraph(up.bytes, up.path), up.path)).toThrow(/external data file "\.\.\/weights\.bin" leads out of the model's folder/);
    const deep = externalModel('sub/../../weights.bin');
    expect(() => readOnnxWeights(deep.path, onnxToGraph(deep.bytes, deep.path), deep.path)).toThrow(/leads out of the model's folder/);
    const absolute = externalModel('/etc/passwd');
    expect(() => readOnnxWeights(absolute.path, onnxToGraph(absolute.bytes, absolute.path), absolute.path)).toThrow(/"\/etc\/passwd" is an absolute path/);
    const plain = externalModel('weights.bin');
    expect(() => readOnnxWeights(plain.bytes, onnxToGraph(plain.bytes, 'model.onnx'), 'model.onnx')).toThrow(/needs the model's folder/);
    const missing = externalModel('other.bin');
    expect(() => readOnnxWeights(missing.path, onnxToGraph(missing.bytes, missing.path), missing.path)).toThrow(/cannot open the external data file "other\.bin" .*there is no such file/);
  });

  it('refuses a truncated file and a length that disagrees with the shape, before reading', () => {
    const short = externalModel('weights.bin', { fileBytes: 100 });
    expect(() => readOnnxWeights(short.path, onnxToGraph(short.bytes, short.path), short.path)).toThrow(
      /model\.onnx: node conv \(Conv\): weight conv\.weight: the external data file "weights\.bin" holds 100 bytes; the tensor needs bytes 16 to 304 \(the file is truncated/,
    );
    const wrong = externalModel('weights.bin', { length: 12 });
    expect(() => readOnnxWeights(wrong.path, onnxToGraph(wrong.bytes, wrong.path), wrong.path)).toThrow(/gives a length of 12 bytes; its shape and type need 288 bytes/);
  });
});
