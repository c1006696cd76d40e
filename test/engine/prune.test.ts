// Pruning with real weights: the filters kept (checked against a plain-loop reimplementation and hand-computed cases)
// and every tensor sliced to the shapes and parameter counts the analysis reports for the edited graph.
import { describe, expect, it } from 'vitest';
import { countModel } from '../../src/shared/analysis/counts';
import { modelWeightShapes } from '../../src/shared/engine/layouts';
import { fractionKept, pruneWeights, selectChannels, type PruneCriterion } from '../../src/shared/engine/prune';
import { randomWeights } from '../../src/shared/engine/randomWeights';
import type { LayerWeights, ModelWeights, WeightTensor } from '../../src/shared/engine/weights';
import { applyChannelEdits, channelGroups, keptChannels, type ChannelEdits } from '../../src/shared/model/edit';
import type { LayerSpec, ModelGraph } from '../../src/shared/model/types';
import { GraphBuilder, PRESETS } from '../../src/shared/presets';
import { mulberry32 } from '../../src/shared/sweep/space';

// ---- an independent, deliberately plain reference ----

/** Row-major flat index of coordinates. */
const flat = (shape: readonly number[], coords: readonly number[]): number =>
  coords.reduce((a, c, i) => a * shape[i] + c, 0);

function forEachCoord(shape: readonly number[], fn: (coords: number[]) => void): void {
  const total = shape.reduce((a, b) => a * b, 1);
  for (let n = 0; n < total; n++) {
    const coords: number[] = [];
    let rest = n;
    for (let i = shape.length - 1; i >= 0; i--) {
      coords.unshift(rest % shape[i]);
      rest = Math.floor(rest / shape[i]);
    }
    fn(coords);
  }
}

/** The real value at coordinates: float as stored, integer as scale × (q − zero point) of its channel. */
function real(t: WeightTensor, coords: readonly number[]): number {
  const q = t.data[flat(t.shape, coords)];
  if (!t.quantization) return q;
  const { scale, zeroPoint, axis } = t.quantization;
  const c = axis === undefined || scale.length === 1 ? 0 : coords[axis];
  return scale[c] * (q - (zeroPoint.length === 1 ? zeroPoint[0] : zeroPoint[c]));
}

/** Norm of kernel row `f` over the listed input entries (axis 1) and every kernel position. */
function rowNorm(t: WeightTensor, f: number, inputs: readonly number[], criterion: PruneCriterion, factor = 1): number {
  const window = t.shape.slice(2);
  let s = 0;
  for (const c of inputs) {
    forEachCoord(window, (pos) => {
      const w = real(t, [f, c, ...pos]);
      s += criterion === 'l1' ? Math.abs(w) : w * w;
    });
  }
  return (criterion === 'l1' ? s : Math.sqrt(s)) * Math.abs(factor);
}

/** Indices of the k largest values, picked one at a time (strictly larger wins: ties keep the lower index). */
function topK(values: readonly number[], k: number): number[] {
  const taken: number[] = [];
  for (let n = 0; n < k; n++) {
    let best = -1;
    for (let i = 0; i < values.length; i++) {
      if (!taken.includes(i) && (best < 0 || values[i] > values[best])) best = i;
    }
    taken.push(best);
  }
  return taken.sort((a, b) => a - b);
}

const all = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function bnFactor(w: LayerWeights, c: number): number {
  const gamma = w.gamma ? w.gamma.data[c] : 1;
  return gamma / Math.sqrt(w.variance!.data[c] + (w.epsilon as number));
}

/** `actual` has `shape` and at every coordinate the raw value of `original` at `source(coords)`. */
function expectSlice(actual: WeightTensor | undefined, shape: number[], original: WeightTensor, source: (c: number[]) => number[]): void {
  expect(actual?.shape).toEqual(shape);
  expect(actual!.data.length).toBe(shape.reduce((a, b) => a * b, 1));
  expect(actual!.data.constructor).toBe(original.data.constructor);
  const wrong: string[] = [];
  forEachCoord(shape, (coords) => {
    const got = actual!.data[flat(shape, coords)];
    const want = original.data[flat(original.shape, source(coords))];
    if (got !== want && wrong.length < 5) wrong.push(`[${coords}] ${got} ≠ ${want}`);
  });
  expect(wrong).toEqual([]);
}

/** Every pruned tensor has the canonical shape of the edited graph, and their sizes are the analysis's counts. */
function checkAgainstAnalysis(edited: ModelGraph, pruned: ModelWeights): void {
  const counts = countModel(edited);
  const shapes = modelWeightShapes(edited);
  const size = (t: WeightTensor | undefined): number => (t ? t.data.length : 0);
  let framework = 0;
  let deployed = 0;
  for (const entry of counts.layers) {
    const w: LayerWeights = pruned.layers[entry.name] ?? {};
    for (const [role, shape] of Object.entries(shapes.get(entry.name) ?? {})) {
      const t = w[role as keyof LayerWeights] as WeightTensor | undefined;
      expect(t?.shape, `${entry.name} ${role}`).toEqual(shape);
      expect(t!.data.length, `${entry.name} ${role}`).toBe(shape.reduce((a, b) => a * b, 1));
    }
    framework += size(w.kernel) + size(w.depthwiseKernel) + size(w.bias) + size(w.gamma) + size(w.beta) + size(w.mean) + size(w.variance);
    const role = (name: string): number => entry.weights.filter((r) => r.role === name).reduce((a, r) => a + r.count, 0);
    if (entry.type === 'BatchNormalization') {
      if (entry.role === 'op') deployed += 2 * size(w.variance);
      continue;
    }
    const channels = entry.outputShape[entry.outputShape.length - 1];
    const bias = w.bias ? size(w.bias) : role('bias') > 0 ? channels : 0; // a folded BN brings a bias
    expect(bias, `${entry.name} bias`).toBe(role('bias'));
    if (entry.type === 'SeparableConv2D') {
      expect(size(w.depthwiseKernel)).toBe(role('depthwise-kernel'));
      expect(size(w.kernel)).toBe(role('pointwise-kernel'));
    } else if (entry.type === 'DepthwiseConv2D') {
      expect(size(w.kernel)).toBe(role('depthwise-kernel'));
    } else {
      expect(size(w.kernel), `${entry.name} kernel`).toBe(role('kernel'));
    }
    deployed += size(w.kernel) + size(w.depthwiseKernel) + bias;
  }
  expect(framework).toBe(counts.frameworkParams);
  expect(deployed).toBe(counts.params);
}

function run(base: ModelGraph, edits: ChannelEdits, weights: ModelWeights, criterion: PruneCriterion = 'l1') {
  const edited = applyChannelEdits(base, edits).graph;
  const kept = selectChannels(base, edited, weights, criterion);
  const pruned = pruneWeights(base, edited, weights, kept);
  return { edited, kept, pruned };
}

const CRITERIA: PruneCriterion[] = ['l1', 'l2'];

// ---- hand-built graphs against the reference ----

function chain(): ModelGraph {
  const b = new GraphBuilder('chain');
  const x = b.input('in', [6, 6, 3]);
  const a = b.conv2d('a', x, { filters: 4, kernel: 3, useBias: false });
  const r = b.activation('a_relu', b.batchNorm('a_bn', a), 'relu');
  const c = b.conv2d('b', r, { filters: 6, kernel: 3 });
  b.dense('d', b.flatten('flat', c), { units: 5 });
  return b.build();
}

describe('Conv → BN → ReLU → Conv → Flatten → Dense', () => {
  for (const order of ['hwc', 'chw'] as const) {
    for (const criterion of CRITERIA) {
      it(`${criterion}, flatten order ${order}`, () => {
        const base = chain();
        const w = randomWeights(base, 11, { flattenOrder: order });
        const { edited, kept, pruned } = run(base, { channels: { a: 2, b: 3 } }, w, criterion);
        const L = w.layers;
        const keepA = topK(all(4).map((f) => rowNorm(L.a.kernel!, f, all(3), criterion, bnFactor(L.a_bn, f))), 2);
        const keepB = topK(all(6).map((f) => rowNorm(L.b.kernel!, f, keepA, criterion)), 3);
        // b's output is 2×2×6; the flattened vector as the source lays it out.
        const flatKept: number[] = [];
        if (order === 'hwc') {
          for (let h = 0; h < 2; h++) for (let x = 0; x < 2; x++) for (const c of keepB) flatKept.push((h * 2 + x) * 6 + c);
        } else {
          for (const c of keepB) for (let h = 0; h < 2; h++) for (let x = 0; x < 2; x++) flatKept.push(c * 4 + h * 2 + x);
        }
        expect(Object.fromEntries(kept)).toEqual({ a: keepA, a_bn: keepA, a_relu: keepA, b: keepB, flat: flatKept });
        const P = pruned.layers;
        expectSlice(P.a.kernel, [2, 3, 3, 3], L.a.kernel!, ([f, c, y, x]) => [keepA[f], c, y, x]);
        for (const role of ['gamma', 'beta', 'mean', 'variance'] as const) {
          expectSlice(P.a_bn[role], [2], L.a_bn[role]!, ([c]) => [keepA[c]]);
        }
        expect(P.a_bn.epsilon).toBe(L.a_bn.epsilon);
        expectSlice(P.b.kernel, [3, 2, 3, 3], L.b.kernel!, ([f, c, y, x]) => [keepB[f], keepA[c], y, x]);
        expectSlice(P.b.bias, [3], L.b.bias!, ([f]) => [keepB[f]]);
        expectSlice(P.d.kernel, [5, 12], L.d.kernel!, ([u, j]) => [u, flatKept[j]]);
        expect(P.d.bias).toBe(L.d.bias);
        expect(pruned.flattenOrder).toBe(order);
        checkAgainstAnalysis(edited, pruned);
      });
    }
  }
});

describe('Add groups', () => {
  // c1 and c2 are joined by the Add; c2 reads c1's (not yet decided) channels when the group is ranked at c1.
  function residual(): ModelGraph {
    const b = new GraphBuilder('residual');
    const x = b.input('in', [5, 5, 2]);
    const r1 = b.activation('r1', b.conv2d('c1', x, { filters: 4, kernel: 3, padding: 'same' }), 'relu');
    const c2 = b.conv2d('c2', r1, { filters: 4, kernel: 3, padding: 'same' });
    const s = b.add('add', [r1, c2]);
    const c3 = b.conv2d('c3', s, { filters: 3, kernel: 1 });
    b.dense('head', b.globalAveragePool2d('gap', c3), { units: 2 });
    return b.build();
  }

  for (const criterion of CRITERIA) {
    it(`keep the same indices, ranked at the first member by the sum of norms (${criterion})`, () => {
      const base = residual();
      expect(channelGroups(base).map((g) => g.members)).toEqual([['c1', 'c2']]);
      const w = randomWeights(base, 5);
      const { edited, kept, pruned } = run(base, { channels: { c1: 2, c3: 2 } }, w, criterion);
      const L = w.layers;
      const group = all(4).map((f) => rowNorm(L.c1.kernel!, f, all(2), criterion) + rowNorm(L.c2.kernel!, f, all(4), criterion));
      const keep = topK(group, 2);
      const keep3 = topK(all(3).map((f) => rowNorm(L.c3.kernel!, f, keep, criterion)), 2);
      expect(Object.fromEntries(kept)).toEqual({ c1: keep, r1: keep, c2: keep, add: keep, c3: keep3, gap: keep3 });
      const P = pruned.layers;
      expectSlice(P.c1.kernel, [2, 2, 3, 3], L.c1.kernel!, ([f, c, y, x]) => [keep[f], c, y, x]);
      expectSlice(P.c2.kernel, [2, 2, 3, 3], L.c2.kernel!, ([f, c, y, x]) => [keep[f], keep[c], y, x]);
      expectSlice(P.c2.bias, [2], L.c2.bias!, ([f]) => [keep[f]]);
      expectSlice(P.c3.kernel, [2, 2, 1, 1], L.c3.kernel!, ([f, c, y, x]) => [keep3[f], keep[c], y, x]);
      expectSlice(P.head.kernel, [2, 2], L.head.kernel!, ([u, c]) => [u, keep3[c]]);
      checkAgainstAnalysis(edited, pruned);
    });
  }

  it('members ranked later count the cuts already made upstream of them', () => {
    const b = new GraphBuilder('fork');
    const x = b.input('in', [3, 3, 2]);
    const c0 = b.conv2d('c0', x, { filters: 4, kernel: 1 });
    const s = b.add('add', [b.conv2d('c1', c0, { filters: 3, kernel: 1 }), b.conv2d('c2', c0, { filters: 3, kernel: 1 })]);
    b.dense('head', b.flatten('flat', s), { units: 2 });
    const base = b.build();
    const w = randomWeights(base, 9);
    const { edited, kept, pruned } = run(base, { channels: { c0: 2, c1: 2 } }, w);
    const L = w.layers;
    const keep0 = topK(all(4).map((f) => rowNorm(L.c0.kernel!, f, all(2), 'l1')), 2);
    const keep = topK(all(3).map((f) => rowNorm(L.c1.kernel!, f, keep0, 'l1') + rowNorm(L.c2.kernel!, f, keep0, 'l1')), 2);
    expect(kept.get('c1')).toEqual(keep);
    expect(kept.get('c2')).toEqual(keep);
    expectSlice(pruned.layers.c2.kernel, [2, 2, 1, 1], L.c2.kernel!, ([f, c]) => [keep[f], keep0[c], 0, 0]);
    checkAgainstAnalysis(edited, pruned);
  });
});

describe('Concatenate', () => {
  it('cuts each input in its own slice of the channels', () => {
    const b = new GraphBuilder('concat');
    const x = b.input('in', [4, 4, 2]);
    const cat = b.concatenate('cat', [b.conv2d('ca', x, { filters: 4, kernel: 1 }), b.conv2d('cb', x, { filters: 3, kernel: 1 })]);
    const cc = b.conv2d('cc', cat, { filters: 4, kernel: 1 });
    b.dense('head', b.globalMaxPool2d('gmp', cc), { units: 2 });
    const base = b.build();
    const w = randomWeights(base, 3);
    const { edited, kept, pruned } = run(base, { channels: { ca: 2, cb: 2, cc: 3 } }, w, 'l2');
    const L = w.layers;
    const keepA = topK(all(4).map((f) => rowNorm(L.ca.kernel!, f, all(2), 'l2')), 2);
    const keepB = topK(all(3).map((f) => rowNorm(L.cb.kernel!, f, all(2), 'l2')), 2);
    const keepCat = [...keepA, ...keepB.map((c) => 4 + c)];
    const keepC = topK(all(4).map((f) => rowNorm(L.cc.kernel!, f, keepCat, 'l2')), 3);
    expect(kept.get('cat')).toEqual(keepCat);
    expect(kept.get('cc')).toEqual(keepC);
    expectSlice(pruned.layers.cc.kernel, [3, 4, 1, 1], L.cc.kernel!, ([f, c]) => [keepC[f], keepCat[c], 0, 0]);
    checkAgainstAnalysis(edited, pruned);
  });
});

describe('depthwise and separable convolutions', () => {
  it('a depthwise layer follows its input and passes the cut on (multiplier 2), through a reshape', () => {
    const b = new GraphBuilder('dw');
    const x = b.input('in', [6, 6, 3]);
    const p = b.batchNorm('p_bn', b.conv2d('p', x, { filters: 4, kernel: 1, useBias: false }));
    const dw = b.activation('relu', b.batchNorm('dw_bn', b.depthwiseConv2d('dw', p, { kernel: 3, depthMultiplier: 2, useBias: false })), 'relu');
    const r = b.reshape('r', b.globalAveragePool2d('gap', dw), [1, 1, 8]);
    b.dense('head', b.flatten('flat', b.conv2d('q', r, { filters: 3, kernel: 1 })), { units: 2 });
    const base = b.build();
    const w = randomWeights(base, 21);
    const { edited, kept, pruned } = run(base, { channels: { p: 2, q: 2 } }, w);
    const L = w.layers;
    const keepP = topK(all(4).map((f) => rowNorm(L.p.kernel!, f, all(3), 'l1', bnFactor(L.p_bn, f))), 2);
    const keepDw = keepP.flatMap((c) => [2 * c, 2 * c + 1]);
    // the depthwise layer's own BN is folded into it, which does not change which input channels it has.
    const keepQ = topK(all(3).map((f) => rowNorm(L.q.kernel!, f, keepDw, 'l1')), 2);
    for (const name of ['dw', 'dw_bn', 'relu', 'gap', 'r']) expect(kept.get(name), name).toEqual(keepDw);
    expect(kept.get('q')).toEqual(keepQ);
    expectSlice(pruned.layers.dw.kernel, [4, 1, 3, 3], L.dw.kernel!, ([c, , y, x]) => [keepDw[c], 0, y, x]);
    expectSlice(pruned.layers.dw_bn.gamma, [4], L.dw_bn.gamma!, ([c]) => [keepDw[c]]);
    expectSlice(pruned.layers.q.kernel, [2, 4, 1, 1], L.q.kernel!, ([f, c]) => [keepQ[f], keepDw[c], 0, 0]);
    checkAgainstAnalysis(edited, pruned);
  });

  it('a separable convolution: the depthwise half follows, the pointwise half is ranked (BN folded)', () => {
    const b = new GraphBuilder('sep');
    const x = b.input('in', [6, 6, 3]);
    const p = b.conv2d('p', x, { filters: 4, kernel: 1 });
    const s = b.batchNorm('s_bn', b.separableConv2d('s', p, { filters: 5, kernel: 3, depthMultiplier: 2, useBias: false }), { center: false });
    b.dense('head', b.globalAveragePool2d('gap', b.activation('relu', s, 'relu')), { units: 2 });
    const base = b.build();
    for (const criterion of CRITERIA) {
      const w = randomWeights(base, 8);
      const { edited, kept, pruned } = run(base, { channels: { p: 3, s: 2 } }, w, criterion);
      const L = w.layers;
      const keepP = topK(all(4).map((f) => rowNorm(L.p.kernel!, f, all(3), criterion)), 3);
      const mid = keepP.flatMap((c) => [2 * c, 2 * c + 1]);
      const keepS = topK(all(5).map((f) => rowNorm(L.s.kernel!, f, mid, criterion, bnFactor(L.s_bn, f))), 2);
      expect(kept.get('s')).toEqual(keepS);
      const P = pruned.layers;
      expectSlice(P.s.depthwiseKernel, [6, 1, 3, 3], L.s.depthwiseKernel!, ([c, , y, x]) => [mid[c], 0, y, x]);
      expectSlice(P.s.kernel, [2, 6, 1, 1], L.s.kernel!, ([f, c]) => [keepS[f], mid[c], 0, 0]);
      expectSlice(P.s_bn.gamma, [2], L.s_bn.gamma!, ([c]) => [keepS[c]]);
      expect(P.s_bn.beta).toBeUndefined();
      expectSlice(P.head.kernel, [2, 2], L.head.kernel!, ([u, c]) => [u, keepS[c]]);
      checkAgainstAnalysis(edited, pruned);
    }
  });
});

describe('int8 weights', () => {
  function int8(shape: number[], seed: number, zeroPoints: number[]): WeightTensor {
    const random = mulberry32(seed);
    const data = Int8Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.floor(random() * 255) - 127);
    const scale = Float64Array.from({ length: shape[0] }, () => 0.001 + random() * 0.05);
    return { shape, data, quantization: { scale, zeroPoint: Int32Array.from(zeroPoints), axis: 0 } };
  }

  it('rank on dequantized values and keep their per-channel scales, sliced with them', () => {
    const b = new GraphBuilder('int8');
    const x = b.input('in', [5, 5, 2]);
    const q2 = b.conv2d('q2', b.conv2d('q1', x, { filters: 4, kernel: 3 }), { filters: 3, kernel: 1, useBias: false });
    b.dense('head', b.flatten('flat', q2), { units: 2, useBias: false });
    const base = b.build();
    const biasScale = Float64Array.from([1e-4, 2e-4, 3e-4, 4e-4]);
    const weights: ModelWeights = {
      flattenOrder: 'hwc',
      layers: {
        q1: {
          kernel: int8([4, 2, 3, 3], 1, [0, 3, -2, 1]),
          bias: { shape: [4], data: Int32Array.from([10, -20, 30, -40]), quantization: { scale: biasScale, zeroPoint: new Int32Array(4), axis: 0 } },
        },
        q2: { kernel: int8([3, 4, 1, 1], 2, [0, 0, 0]) },
        head: { kernel: int8([2, 27], 3, [0, 0]) },
      },
    };
    const { edited, kept, pruned } = run(base, { channels: { q1: 2, q2: 2 } }, weights);
    const L = weights.layers;
    const keep1 = topK(all(4).map((f) => rowNorm(L.q1.kernel!, f, all(2), 'l1')), 2);
    const keep2 = topK(all(3).map((f) => rowNorm(L.q2.kernel!, f, keep1, 'l1')), 2);
    expect(kept.get('q2')).toEqual(keep2);
    const P = pruned.layers;
    expectSlice(P.q1.kernel, [2, 2, 3, 3], L.q1.kernel!, ([f, c, y, x]) => [keep1[f], c, y, x]);
    expect([...P.q1.kernel!.quantization!.scale]).toEqual(keep1.map((f) => L.q1.kernel!.quantization!.scale[f]));
    expect([...P.q1.kernel!.quantization!.zeroPoint]).toEqual(keep1.map((f) => L.q1.kernel!.quantization!.zeroPoint[f]));
    expect(P.q1.kernel!.quantization!.axis).toBe(0);
    expectSlice(P.q1.bias, [2], L.q1.bias!, ([f]) => [keep1[f]]);
    expect([...P.q1.bias!.quantization!.scale]).toEqual(keep1.map((f) => biasScale[f]));
    // Cutting q2's input channels leaves its per-output-channel scales alone.
    expectSlice(P.q2.kernel, [2, 2, 1, 1], L.q2.kernel!, ([f, c]) => [keep2[f], keep1[c], 0, 0]);
    expect([...P.q2.kernel!.quantization!.scale]).toEqual(keep2.map((f) => L.q2.kernel!.quantization!.scale[f]));
    const flatKept = all(9).flatMap((s) => keep2.map((c) => s * 3 + c));
    expectSlice(P.head.kernel, [2, 18], L.head.kernel!, ([u, j]) => [u, flatKept[j]]);
    expect(P.head.kernel!.quantization).toBe(L.head.kernel!.quantization);
    checkAgainstAnalysis(edited, pruned);
  });
});

describe('a Dense that flattens its input itself (TFLite FULLY_CONNECTED)', () => {
  for (const order of ['hwc', 'chw'] as const) {
    it(`reads the kept positions in the source's order (${order})`, () => {
      const b = new GraphBuilder('fc');
      const c = b.conv2d('c', b.input('in', [3, 2, 2]), { filters: 4, kernel: 1 });
      b.layer('fc', [c], { type: 'Dense', units: 3, useBias: true, activation: 'linear', flattenInput: true } as LayerSpec);
      const base = b.build();
      const w = randomWeights(base, 17, { flattenOrder: order });
      const { edited, kept, pruned } = run(base, { channels: { c: 2, fc: 2 } }, w);
      const L = w.layers;
      const keepC = topK(all(4).map((f) => rowNorm(L.c.kernel!, f, all(2), 'l1')), 2);
      // c's output is 3×2×4: 6 positions of 4 channels.
      const positions = all(6);
      const cols = order === 'hwc' ? positions.flatMap((p) => keepC.map((ch) => p * 4 + ch)) : keepC.flatMap((ch) => positions.map((p) => ch * 6 + p));
      const keepFc = topK(all(3).map((u) => rowNorm(L.fc.kernel!, u, cols, 'l1')), 2);
      expect(kept.get('fc')).toEqual(keepFc);
      expectSlice(pruned.layers.fc.kernel, [2, 12], L.fc.kernel!, ([u, j]) => [keepFc[u], cols[j]]);
      checkAgainstAnalysis(edited, pruned);
    });
  }
});

describe('int8 depthwise and per-tensor kernels', () => {
  it('a depthwise kernel loses its scales with its channels; a per-tensor scale stays', () => {
    const b = new GraphBuilder('dw8');
    const p = b.conv2d('p', b.input('in', [4, 4, 2]), { filters: 3, kernel: 1, useBias: false });
    b.depthwiseConv2d('dw', p, { kernel: 3, useBias: false });
    const base = b.build();
    const pKernel: WeightTensor = {
      shape: [3, 2, 1, 1],
      data: Int8Array.from([1, 1, 9, 9, 5, 5]),
      quantization: { scale: Float64Array.from([0.5]), zeroPoint: Int32Array.from([0]) },
    };
    const dwKernel: WeightTensor = {
      shape: [3, 1, 3, 3],
      data: Int8Array.from(all(27).map((i) => i - 13)),
      quantization: { scale: Float64Array.from([0.1, 0.2, 0.3]), zeroPoint: Int32Array.from([0, 1, 2]), axis: 0 },
    };
    const w: ModelWeights = { flattenOrder: 'hwc', layers: { p: { kernel: pKernel }, dw: { kernel: dwKernel } } };
    const { edited, kept, pruned } = run(base, { channels: { p: 2 } }, w);
    expect(kept.get('p')).toEqual([1, 2]);
    expect(pruned.layers.p.kernel!.quantization).toBe(pKernel.quantization);
    expectSlice(pruned.layers.dw.kernel, [2, 1, 3, 3], dwKernel, ([c, , y, x]) => [c + 1, 0, y, x]);
    expect([...pruned.layers.dw.kernel!.quantization!.scale]).toEqual([0.2, 0.3]);
    expect([...pruned.layers.dw.kernel!.quantization!.zeroPoint]).toEqual([1, 2]);
    checkAgainstAnalysis(edited, pruned);
  });
});

// ---- hand-computed cases ----

function oneByOne(name: string, rows: number[][]): WeightTensor {
  return { shape: [rows.length, rows[0].length, 1, 1], data: Float32Array.from(rows.flat()) };
}

describe('hand-computed selections', () => {
  function single(inputs: number, filters: number): ModelGraph {
    const b = new GraphBuilder('single');
    b.dense('head', b.flatten('flat', b.conv2d('c', b.input('in', [1, 1, inputs]), { filters, kernel: 1, useBias: false })), { units: 1 });
    return b.build();
  }
  const keptOf = (graph: ModelGraph, rows: number[][], channels: number, criterion: PruneCriterion = 'l1', extra: Record<string, LayerWeights> = {}) => {
    const w: ModelWeights = { flattenOrder: 'hwc', layers: { c: { kernel: oneByOne('c', rows) }, ...extra } };
    const edited = applyChannelEdits(graph, { channels: { c: channels } }).graph;
    return selectChannels(graph, edited, w, criterion).get('c');
  };

  it('ties keep the lower index; kept filters stay in their original order', () => {
    const g = single(1, 4);
    const rows = [[1], [-2], [2], [1]];
    expect(keptOf(g, rows, 1)).toEqual([1]);
    expect(keptOf(g, rows, 2)).toEqual([1, 2]);
    expect(keptOf(g, rows, 3)).toEqual([0, 1, 2]);
    expect(keptOf(g, [[0], [0], [0], [0]], 2)).toEqual([0, 1]);
  });

  it('L1 and L2 rank differently', () => {
    const g = single(4, 2);
    const rows = [
      [3, 0, 0, 0],
      [1, 1, 1, -1],
    ];
    expect(keptOf(g, rows, 1, 'l1')).toEqual([1]); // 3 < 4
    expect(keptOf(g, rows, 1, 'l2')).toEqual([0]); // 3 > 2
  });

  it('a BatchNormalization folded in scales the norms', () => {
    const b = new GraphBuilder('bn');
    b.batchNorm('bn', b.conv2d('c', b.input('in', [1, 1, 1]), { filters: 2, kernel: 1, useBias: false }));
    const g = b.build();
    const bn = (gamma: number[], variance: number[]): LayerWeights => ({
      gamma: { shape: [2], data: Float32Array.from(gamma) },
      mean: { shape: [2], data: new Float32Array(2) },
      variance: { shape: [2], data: Float32Array.from(variance) },
      epsilon: 0,
    });
    expect(keptOf(g, [[1], [2]], 1, 'l1', { bn: bn([1, 1], [1, 1]) })).toEqual([1]);
    expect(keptOf(g, [[1], [2]], 1, 'l1', { bn: bn([3, 1], [1, 1]) })).toEqual([0]); // 3 > 2
    expect(keptOf(g, [[1], [2]], 1, 'l1', { bn: bn([1, -1], [1, 16]) })).toEqual([0]); // 1 > 2 / 4
    // Not folded when an activation sits between: the BN then does not count.
    const b2 = new GraphBuilder('bn2');
    b2.batchNorm('bn', b2.activation('relu', b2.conv2d('c', b2.input('in', [1, 1, 1]), { filters: 2, kernel: 1, useBias: false }), 'relu'));
    expect(keptOf(b2.build(), [[1], [2]], 1, 'l1', { bn: bn([3, 1], [1, 1]) })).toEqual([1]);
  });

  it('greedy: a filter’s norm counts only the input channels kept upstream', () => {
    const b = new GraphBuilder('greedy');
    const a = b.conv2d('a', b.input('in', [1, 1, 2]), { filters: 2, kernel: 1, useBias: false });
    b.conv2d('b', a, { filters: 2, kernel: 1, useBias: false });
    const g = b.build();
    const w: ModelWeights = {
      flattenOrder: 'hwc',
      layers: {
        a: { kernel: oneByOne('a', [[1, 0], [0, 5]]) }, // keeps filter 1
        b: { kernel: oneByOne('b', [[10, 0], [1, 2]]) }, // all inputs: 10 > 3; input 1 alone: 0 < 2
      },
    };
    const both = selectChannels(g, applyChannelEdits(g, { channels: { a: 1, b: 1 } }).graph, w, 'l1');
    expect(both.get('a')).toEqual([1]);
    expect(both.get('b')).toEqual([1]);
    const alone = selectChannels(g, applyChannelEdits(g, { channels: { b: 1 } }).graph, w, 'l1');
    expect(alone.get('b')).toEqual([0]);
    expect(alone.has('a')).toBe(false);
  });
});

describe('grouped convolutions', () => {
  function grouped(withProducer: boolean): ModelGraph {
    const b = new GraphBuilder('grouped');
    let x = b.input('in', [2, 2, 4]);
    if (withProducer) x = b.conv2d('p', x, { filters: 4, kernel: 1, useBias: false });
    b.conv2d('g', x, { filters: 4, kernel: 1, groups: 2, useBias: false });
    return b.build();
  }
  const gKernel = oneByOne('g', [[5, 5], [4, 4], [1, 1], [0, 3]]); // L1 10, 8, 2, 3

  it('keep equally many filters in each group, the largest of each', () => {
    const base = grouped(false);
    const w: ModelWeights = { flattenOrder: 'hwc', layers: { g: { kernel: gKernel } } };
    const { edited, kept, pruned } = run(base, { channels: { g: 2 } }, w);
    expect(kept.get('g')).toEqual([0, 3]);
    expectSlice(pruned.layers.g.kernel, [2, 2, 1, 1], gKernel, ([f, c]) => [[0, 3][f], c, 0, 0]);
    checkAgainstAnalysis(edited, pruned);
  });

  it('lose input channels within each group, and refuse a cut that keeps more in one group', () => {
    const base = grouped(true);
    const p = (rows: number[][]): ModelWeights => ({ flattenOrder: 'hwc', layers: { p: { kernel: oneByOne('p', rows) }, g: { kernel: gKernel } } });
    const balanced = p([[0, 0, 0, 1], [9, 0, 0, 0], [0, 9, 0, 0], [0, 0, 1, 0]]); // keeps 1 (group 0) and 2 (group 1)
    const { edited, kept, pruned } = run(base, { channels: { p: 2 } }, balanced);
    expect(kept.get('p')).toEqual([1, 2]);
    // Group 0 (filters 0, 1) keeps its local input 1; group 1 (filters 2, 3) its local input 0.
    expectSlice(pruned.layers.g.kernel, [4, 1, 1, 1], gKernel, ([f]) => [f, f < 2 ? 1 : 0, 0, 0]);
    checkAgainstAnalysis(edited, pruned);
    const unbalanced = p([[9, 0, 0, 0], [9, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]); // keeps 0 and 1, both group 0
    expect(() => run(base, { channels: { p: 2 } }, unbalanced)).toThrow(/g: a convolution in 2 groups must keep equally many input channels in each group; the cut keeps 2, 0/);
  });
});

describe('constants, pass-through and errors', () => {
  it('slices a per-channel constant of Add / Multiply, leaves a broadcast one', () => {
    const b = new GraphBuilder('const');
    const c = b.conv2d('c', b.input('in', [2, 2, 1]), { filters: 3, kernel: 1 });
    const add = b.layer('addc', [c], { type: 'Add', constantOperand: true } as LayerSpec);
    const mul = b.layer('mulc', [add], { type: 'Multiply', constantOperand: true } as LayerSpec);
    b.dense('head', b.flatten('flat', mul), { units: 1 });
    const base = b.build();
    const w = randomWeights(base, 2);
    w.layers.mulc.constant = { shape: [1, 1, 1], data: Float32Array.from([2]) };
    const { edited, kept, pruned } = run(base, { channels: { c: 2 } }, w);
    const keep = kept.get('c')!;
    expect(kept.get('mulc')).toEqual(keep);
    expectSlice(pruned.layers.addc.constant, [2], w.layers.addc.constant!, ([i]) => [keep[i]]);
    expect(pruned.layers.mulc.constant).toBe(w.layers.mulc.constant);
    checkAgainstAnalysis(edited, pruned);
  });

  it('refuses more channels than the weights hold, naming the layer', () => {
    const base = chain();
    const edited = applyChannelEdits(base, { channels: { a: 8 } }).graph;
    expect(() => selectChannels(base, edited, randomWeights(base, 1), 'l1')).toThrow(/a: the edit gives it 8 output channels, more than the 4 its weights hold/);
  });

  it('refuses weights of the wrong shape and kept indices that do not fit', () => {
    const base = chain();
    const w = randomWeights(base, 1);
    const edited = applyChannelEdits(base, { channels: { a: 2 } }).graph;
    const bad: ModelWeights = { ...w, layers: { ...w.layers, a: { kernel: { shape: [4, 3, 2, 2], data: new Float32Array(48) } } } };
    expect(() => selectChannels(base, edited, bad, 'l1')).toThrow(/a: its kernel is 4×3×2×2, the model needs 4×3×3×3/);
    expect(() => pruneWeights(base, edited, w, new Map([['a', [2, 1]]]))).toThrow(/a: kept indices must be distinct, ascending/);
    expect(() => pruneWeights(base, edited, w, new Map())).toThrow(/a: the edit cuts it from 4 to 2 channels, but no kept indices are given/);
    expect(() => pruneWeights(base, edited, w, new Map([['a', [0, 1]], ['a_bn', [0, 2]]]))).toThrow(/a_bn: the kept indices given for it are not those that follow/);
  });

  it('refuses to prune through an operator that moves channels it cannot follow', () => {
    const b = new GraphBuilder('opaque');
    const c = b.conv2d('c', b.input('in', [2, 2, 1]), { filters: 3, kernel: 1 });
    b.layer('svdf', [c], { type: 'Opaque', op: 'SVDF', outputShape: [4] } as LayerSpec);
    const base = b.build();
    const edited = applyChannelEdits(base, { channels: { c: 2 } }).graph;
    expect(() => selectChannels(base, edited, randomWeights(base, 1), 'l1')).toThrow(/svdf: the unknown operator SVDF reads a pruned tensor/);
  });

  it('an unpruned model keeps every tensor as it is', () => {
    const base = chain();
    const w = randomWeights(base, 4);
    const { kept, pruned } = run(base, {}, w);
    expect(kept.size).toBe(0);
    for (const name of Object.keys(w.layers)) {
      for (const [role, t] of Object.entries(w.layers[name])) expect(pruned.layers[name][role as keyof LayerWeights]).toBe(t);
    }
  });
});

// ---- presets with seeded random weights ----

describe('presets: pruned tensors match the analysis of the edited graph', () => {
  const ratios = [0.25, 0.5, 0.8];
  for (const preset of PRESETS) {
    it(preset.id, () => {
      const base = preset.build();
      const w = randomWeights(base, 1234);
      const configs: ChannelEdits[] = ratios.map((r) => ({ prune: { '*': r } }));
      // Per-layer ratios, seeded: one ratio per Add group (set on its first member) and per other layer.
      const random = mulberry32(99);
      const groupOf = new Map(channelGroups(base).flatMap((g) => g.members.map((m) => [m, g.members[0]] as const)));
      for (let n = 0; n < 2; n++) {
        const prune: Record<string, number> = {};
        for (const layer of base.layers) {
          if ((layer.type === 'Conv2D' || layer.type === 'Dense' || layer.type === 'SeparableConv2D') && !base.outputs.includes(layer.name)) {
            const name = groupOf.get(layer.name) ?? layer.name;
            if (!(name in prune)) prune[name] = Math.floor(random() * 9) / 10;
          }
        }
        configs.push({ prune });
      }
      for (const [i, edits] of configs.entries()) {
        const criterion = CRITERIA[i % 2];
        const { edited, kept, pruned } = run(base, edits, w, criterion);
        checkAgainstAnalysis(edited, pruned);
        for (const group of channelGroups(base)) {
          for (const m of group.members) expect(kept.get(m), m).toEqual(kept.get(group.members[0]));
        }
        const fractions = fractionKept(base, edited);
        for (const layer of base.layers) {
          if (layer.type !== 'Conv2D' && layer.type !== 'Dense' && layer.type !== 'SeparableConv2D') continue;
          const channels = layer.type === 'Dense' ? layer.units : layer.filters;
          const selected = kept.get(layer.name)?.length ?? channels;
          expect(fractions.get(layer.name), layer.name).toBe(selected / channels);
        }
      }
    });
  }

  it('fractionKept is round((1 − r)·C) ÷ C for a wildcard prune, 1 for the output layer', () => {
    const base = PRESETS.find((p) => p.id === 'mlperf-ic')!.build();
    const edited = applyChannelEdits(base, { prune: { '*': 0.3 } }).graph;
    const fractions = fractionKept(base, edited);
    expect(fractions.get('conv1')).toBe(keptChannels(16, 0.3) / 16);
    expect(fractions.get('stack3_conv1')).toBe(keptChannels(64, 0.3) / 64);
    expect(fractions.get('predictions')).toBe(1);
  });
});
