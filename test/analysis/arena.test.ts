// TFLM's greedy arena plan: the planner's own unit-test cases, its tie rule, lifetimes from a graph, and in-place
// depthwise convolutions under every memory model.
import { describe, expect, it } from 'vitest';
import { alignArena, greedyPlan, livenessBound, type ArenaBuffer } from '../../src/shared/analysis/arena';
import { analyze } from '../../src/shared/analysis/analyze';
import { CompiledModel, emptyFigures } from '../../src/shared/analysis/compiled';
import { parsePrecision } from '../../src/shared/analysis/precision';
import { MEMORY_MODELS } from '../../src/shared/analysis/memory';
import { GraphBuilder } from '../../src/shared/presets/builder';
import { mulberry32 } from '../../src/shared/sweep/space';
import { findPreset } from '../../src/shared/presets';
import type { ModelGraph } from '../../src/shared/model/types';

const buffers = (list: [number, number, number][]): ArenaBuffer[] =>
  list.map(([size, first, last]) => ({ size, first, last }));

function overlapping(list: ArenaBuffer[], offsets: number[]): boolean {
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i];
      const b = list[j];
      const inTime = !(a.first > b.last || b.first > a.last);
      const inSpace = offsets[i] < offsets[j] + b.size && offsets[j] < offsets[i] + a.size;
      if (inTime && inSpace) return true;
    }
  }
  return false;
}

/**
 * TFLM's GreedyMemoryPlanner as it is written: for each buffer, largest first, a scan over every placed buffer in
 * offset order for the first gap among those alive at the same time (quadratic; the reference for the fast planner).
 */
function tflmGreedyPlan(list: readonly ArenaBuffer[]): { offsets: number[]; size: number } {
  const n = list.length;
  const offsets: number[] = new Array(n).fill(-1);
  if (n === 0) return { offsets, size: 0 };
  const order = Array.from({ length: n }, (_, i) => n - 1 - i);
  order.sort((a, b) => list[b].size - list[a].size || b - a);
  const placed: number[] = [];
  const overlaps = (a: ArenaBuffer, b: ArenaBuffer): boolean => !(a.first > b.last || b.first > a.last);
  for (const id of order) {
    const wanted = list[id];
    let candidate = 0;
    let prior: number | null = null;
    let k = 0;
    for (;;) {
      while (k < placed.length && !overlaps(list[placed[k]], wanted)) k++;
      if (prior !== null) candidate = Math.max(candidate, offsets[prior] + list[prior].size);
      if (k >= placed.length) break;
      const next = placed[k];
      if (offsets[next] - candidate >= wanted.size) break;
      prior = next;
      k++;
    }
    offsets[id] = candidate;
    let at = placed.length;
    while (at > 0 && offsets[placed[at - 1]] > candidate) at--;
    placed.splice(at, 0, id);
  }
  let size = 0;
  for (let i = 0; i < n; i++) size = Math.max(size, offsets[i] + list[i].size);
  return { offsets, size };
}

describe('greedy planner (cases of TFLM greedy_memory_planner_test.cc)', () => {
  it('TestGreedyBasics: two buffers at different times share offset 0', () => {
    const plan = greedyPlan(buffers([[10, 0, 1], [20, 2, 3]]));
    expect(plan.offsets).toEqual([0, 0]);
    expect(plan.size).toBe(20);
  });

  it('TestGreedyMedium: offsets 50, 70, 40, 0, 0 and 90 bytes', () => {
    const list = buffers([[10, 0, 1], [20, 1, 2], [30, 2, 3], [40, 3, 4], [50, 0, 1]]);
    const plan = greedyPlan(list);
    expect(plan.offsets).toEqual([50, 70, 40, 0, 0]);
    expect(plan.size).toBe(90);
    expect(overlapping(list, plan.offsets)).toBe(false);
  });

  it('TestOverlapCase: 120 bytes', () => {
    const plan = greedyPlan(buffers([[100, 0, 1], [50, 2, 3], [20, 1, 2]]));
    expect(plan.size).toBe(120);
  });

  it('TestPersonDetectionModel: no overlap, below the 241,027-byte sum, above the liveness bound', () => {
    const list = buffers([
      [9216, 0, 29], [3, 28, 29], [256, 27, 28], [2304, 26, 27], [2304, 25, 26], [2304, 24, 25], [1152, 23, 24],
      [4608, 22, 23], [4608, 21, 22], [4608, 20, 21], [4608, 19, 20], [4608, 18, 19], [4608, 17, 18],
      [4608, 16, 17], [4608, 15, 16], [4608, 14, 15], [4608, 13, 14], [4608, 12, 13], [2304, 11, 12],
      [9216, 10, 11], [9216, 9, 10], [9216, 8, 9], [4608, 7, 8], [18432, 6, 7], [18432, 5, 6], [18432, 4, 5],
      [9216, 3, 4], [36864, 2, 3], [18432, 1, 2], [18432, 0, 1],
    ]);
    const plan = greedyPlan(list);
    expect(overlapping(list, plan.offsets)).toBe(false);
    expect(plan.size).toBeLessThan(241_027);
    expect(plan.size).toBeGreaterThanOrEqual(livenessBound(list));
    // The input (alive throughout) sits beside the largest pair: 9,216 + 18,432 + 36,864.
    expect(plan.size).toBe(64_512);
  });

  it('places equal-size buffers higher index first, as TFLM fills its sort array from the tail', () => {
    // A (0) and B (1) are equal and overlap C's time; whichever is placed first takes offset 0.
    const list = buffers([[32, 0, 1], [32, 1, 2], [16, 2, 3]]);
    const plan = greedyPlan(list);
    expect(plan.offsets[1]).toBe(0);
    expect(plan.offsets[0]).toBe(32);
    // C fits beside B (alive at 2) only above it.
    expect(plan.offsets[2]).toBe(32);
  });

  it('ties can change the arena: the same buffers in the other index order need more', () => {
    // Buffers 1 and 3 are equal (32 B) and swap places; the higher index is placed first, so the gaps differ.
    const a = buffers([[48, 0, 1], [32, 2, 2], [32, 2, 4], [32, 1, 2]]);
    const b = buffers([[48, 0, 1], [32, 1, 2], [32, 2, 4], [32, 2, 2]]);
    expect(overlapping(a, greedyPlan(a).offsets)).toBe(false);
    expect(overlapping(b, greedyPlan(b).offsets)).toBe(false);
    expect(greedyPlan(a).size).toBe(112);
    expect(greedyPlan(b).size).toBe(96);
    expect(livenessBound(a)).toBe(96);
  });

  it('places every buffer where TFLM\'s own scan over all placed buffers does, on 2,000 random sets', () => {
    const random = mulberry32(18);
    const pick = (n: number): number => Math.floor(random() * n);
    for (let round = 0; round < 2_000; round++) {
      const steps = 1 + pick(12);
      const list = Array.from({ length: 1 + pick(24) }, () => {
        const first = pick(steps);
        // Few distinct sizes, zero included, so that ties and empty buffers are common.
        return { size: 16 * pick(5), first, last: first + pick(steps - first + 1) };
      });
      expect(greedyPlan(list)).toEqual(tflmGreedyPlan(list));
    }
  });

  it('aligns to 16 bytes', () => {
    expect([0, 1, 15, 16, 17, 9216].map(alignArena)).toEqual([0, 16, 16, 16, 32, 9216]);
  });
});

describe('arena of a model', () => {
  const exam = (findPreset('exam-cnn') as { build(): ModelGraph }).build();

  it('exam CNN: conv1 output and pool1 output are both alive; flatten is a RESHAPE copy in TFLM', () => {
    const r = analyze(exam, { precision: 'int8', channels: { conv1: 8, conv2: 8 }, memoryModel: 'arena' });
    const plan = r.arena;
    expect(plan).toBeDefined();
    const byTensor = new Map(plan?.buffers.map((b) => [b.tensor, b]));
    // input 128×128×1, conv1 126×126×8, pool1 63×63×8, conv2 61×61×8, pool2 30×30×8, flatten 7,200, dense 3.
    expect(byTensor.get('input')?.size).toBe(16_384);
    expect(byTensor.get('conv1')?.size).toBe(alignArena(126 * 126 * 8));
    expect(byTensor.get('flatten')?.size).toBe(alignArena(30 * 30 * 8));
    expect(byTensor.get('dense')?.size).toBe(16);
    // Lifetimes in allocation scopes: input 0–1, conv1 1–2, pool1 2–3, conv2 3–4, pool2 4–5, flatten 5–6, dense 6–6.
    expect([byTensor.get('input'), byTensor.get('conv1'), byTensor.get('dense')].map((b) => [b?.first, b?.last])).toEqual([
      [0, 1],
      [1, 2],
      [6, 6],
    ]);
    // conv1 + pool1 alive together at scope 2 is the peak: 127,008 + 31,760.
    expect(r.peakActivationBytes).toBe(alignArena(126 * 126 * 8) + alignArena(63 * 63 * 8));
    expect(plan?.livenessBoundBytes).toBe(r.peakActivationBytes);
  });

  it('the sweep engine computes the same arena as analyze, for every memory model', () => {
    const vww = (findPreset('mlperf-vww') as { build(): ModelGraph }).build();
    for (const memoryModel of MEMORY_MODELS) {
      for (const inPlaceDepthwise of [false, true]) {
        const compiled = new CompiledModel(vww, {
          memoryModel,
          inPlaceDepthwise,
          biasMode: 'int32',
          headroom: 0,
          accuracy: null,
        });
        for (const channels of [{}, { conv_pw_1: 8, conv_pw_13: 100 }] as Record<string, number>[]) {
          compiled.setChannels(new Map(Object.entries(channels)));
          const fast = compiled.evaluate(parsePrecision('int8'), null, emptyFigures());
          const full = analyze(vww, { precision: 'int8', biasMode: 'int32', memoryModel, inPlaceDepthwise, channels });
          expect([memoryModel, inPlaceDepthwise, fast.peakActivationBytes]).toEqual([
            memoryModel,
            inPlaceDepthwise,
            full.peakActivationBytes,
          ]);
        }
      }
    }
  });
});

/** MobileNetV2 1.0 at 224×224 as TF-slim writes it ('same' padding everywhere, no ZeroPadding2D). */
function mobilenetV2(): ModelGraph {
  const b = new GraphBuilder('mobilenet_v2_1.0_224');
  let x = b.input('input', [224, 224, 3]);
  x = b.conv2d('Conv1', x, { filters: 32, kernel: 3, strides: 2, padding: 'same', useBias: false });
  x = b.batchNorm('bn_Conv1', x);
  x = b.activation('Conv1_relu', x, 'relu6');
  let channels = 32;
  const blocks: [number, number, number, number][] = [
    // expansion, filters, repeats, first stride
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  let id = 0;
  for (const [expansion, filters, repeats, firstStride] of blocks) {
    for (let r = 0; r < repeats; r++) {
      const stride = r === 0 ? firstStride : 1;
      const input = x;
      const p = `block_${id}_`;
      if (expansion > 1) {
        x = b.conv2d(`${p}expand`, x, { filters: channels * expansion, kernel: 1, padding: 'same', useBias: false });
        x = b.batchNorm(`${p}expand_BN`, x);
        x = b.activation(`${p}expand_relu`, x, 'relu6');
      }
      x = b.depthwiseConv2d(`${p}depthwise`, x, { kernel: 3, strides: stride, padding: 'same', useBias: false });
      x = b.batchNorm(`${p}depthwise_BN`, x);
      x = b.activation(`${p}depthwise_relu`, x, 'relu6');
      x = b.conv2d(`${p}project`, x, { filters, kernel: 1, padding: 'same', useBias: false });
      x = b.batchNorm(`${p}project_BN`, x);
      if (stride === 1 && channels === filters) x = b.add(`${p}add`, [input, x]);
      channels = filters;
      id++;
    }
  }
  x = b.conv2d('Conv_1', x, { filters: 1280, kernel: 1, useBias: false });
  x = b.batchNorm('Conv_1_bn', x);
  x = b.activation('out_relu', x, 'relu6');
  x = b.globalAveragePool2d('global_average_pooling2d', x);
  x = b.dense('predictions', x, { units: 1000, activation: 'softmax' });
  return b.build(x);
}

describe('in-place depthwise', () => {
  const v2 = mobilenetV2();
  const kib = (model: 'layer-io' | 'liveness' | 'arena' | 'largest-tensor', inPlaceDepthwise: boolean): number =>
    analyze(v2, { precision: 'int8', memoryModel: model, inPlaceDepthwise }).peakActivationBytes / 1024;

  it('MobileNetV2 (1.0, 224, int8) peaks at 1,372 KiB under layer-io with it and 1,470 KiB without', () => {
    expect(kib('layer-io', true)).toBe(1372);
    expect(kib('layer-io', false)).toBe(1470);
  });

  it('is off unless asked for, lowers liveness and arena, and leaves the largest tensor alone', () => {
    expect(analyze(v2, { precision: 'int8' }).inPlaceDepthwise).toBe(false);
    expect(kib('liveness', true)).toBeLessThan(kib('liveness', false));
    expect(kib('arena', true)).toBeLessThan(kib('arena', false));
    expect(kib('largest-tensor', true)).toBe(kib('largest-tensor', false));
  });

  it('never runs in place when the input is still needed (a residual branch reads it)', () => {
    const b = new GraphBuilder('branch');
    const x = b.input('input', [8, 8, 16]);
    const dw = b.depthwiseConv2d('dw', x, { kernel: 3, padding: 'same' });
    const sum = b.add('sum', [x, dw]);
    const g = b.build(sum);
    for (const model of ['layer-io', 'liveness', 'arena'] as const) {
      expect(analyze(g, { memoryModel: model, inPlaceDepthwise: true }).peakActivationBytes).toBe(
        analyze(g, { memoryModel: model }).peakActivationBytes,
      );
    }
  });
});
