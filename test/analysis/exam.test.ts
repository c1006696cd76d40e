// Golden numbers of the worked example (shared reference exam-cnn): every figure computed, none typed into the code.
import { describe, expect, it } from 'vitest';
import { analyze, type AnalysisRequest } from '../../src/shared/analysis/analyze';
import type { AccuracyModel } from '../../src/shared/analysis/accuracy';
import { EXAM_MCU } from '../../src/shared/devices';
import { kib } from '../../src/shared/format';
import { examCnn } from '../../src/shared/presets';

const exam: AccuracyModel = { kind: 'penalties', metric: 'accuracy', base: 0.93, penalties: { pruned: 0.05, int8: 0.03 } };
const run = (request: AnalysisRequest) =>
  analyze(examCnn(), { memoryModel: 'largest-tensor', device: EXAM_MCU, accuracy: exam, ...request });
const pruned = { channels: { conv1: 8, conv2: 8 } };

describe('exam Part 1: base model, FP32', () => {
  const r = run({ precision: 'fp32' });
  it('counts parameters per layer and in total', () => {
    const params = Object.fromEntries(r.layers.map((l) => [l.name, l.params]));
    expect(params).toMatchObject({ conv1: 160, pool1: 0, conv2: 4640, pool2: 0, flatten: 0, dense: 86403 });
    expect(r.params).toBe(91203);
    expect(r.frameworkParams).toBe(91203);
  });
  it('shapes every layer as in the exam table', () => {
    const shapes = Object.fromEntries(r.layers.map((l) => [l.name, l.outputShape]));
    expect(shapes).toEqual({
      input: [128, 128, 1],
      conv1: [126, 126, 16],
      pool1: [63, 63, 16],
      conv2: [61, 61, 32],
      pool2: [30, 30, 32],
      flatten: [28800],
      dense: [3],
    });
  });
  it('gives parameter memory, peak activation and total in bytes and KiB', () => {
    expect(r.paramBytes).toBe(364812);
    expect(kib(r.paramBytes)).toBe('356.26');
    expect(r.peakActivationBytes).toBe(1016064);
    expect(kib(r.peakActivationBytes)).toBe('992.25');
    expect(r.peakAt).toBe('conv1');
    expect(r.layers.find((l) => l.name === 'conv2')?.activationBytes).toBe(476288);
    expect(kib(476288)).toBe('465.13');
    expect(r.totalBytes).toBe(1380876);
    expect(kib(r.totalBytes)).toBe('1,348.51');
    expect(r.fits).toBe(false);
  });
});

describe('exam Part 2: pruning and INT8', () => {
  it('pruned FP32: 22,267 params, 597,100 B, does not fit', () => {
    const r = run({ precision: 'fp32', ...pruned });
    expect(r.params).toBe(22267);
    expect(Object.fromEntries(r.layers.map((l) => [l.name, l.params]))).toMatchObject({ conv1: 80, conv2: 584, dense: 21603 });
    expect(kib(r.paramBytes)).toBe('86.98');
    expect(r.peakActivationBytes).toBe(508032);
    expect(kib(r.peakActivationBytes)).toBe('496.13');
    expect(r.totalBytes).toBe(597100);
    expect(kib(r.totalBytes)).toBe('583.11');
    expect(r.fits).toBe(false);
  });
  it('INT8 only: 337.13 KiB, fits', () => {
    const r = run({ precision: 'int8' });
    expect(r.totalBytes).toBe(345219);
    expect(kib(r.totalBytes)).toBe('337.13');
    expect(r.fits).toBe(true);
  });
  it('pruned + INT8: 149,275 B = 145.78 KiB, fits', () => {
    const r = run({ precision: 'int8', ...pruned });
    expect(r.totalBytes).toBe(149275);
    expect(kib(r.totalBytes)).toBe('145.78');
    expect(r.fits).toBe(true);
  });
  it('pruning by ratio keeps round((1 − r)·C) channels and is the same configuration', () => {
    const byRatio = run({ precision: 'int8', prune: { conv1: 0.5, conv2: 0.75 } });
    expect(byRatio.channels).toMatchObject({ conv1: 8, conv2: 8 });
    expect(byRatio.totalBytes).toBe(149275);
    expect(byRatio.accuracy).toBe(0.85);
  });
});

describe('exam Part 3: operations and latency', () => {
  it('base: 19,518,912 MACs, 39.04 MFLOPs, 3.904 s FP32, 0.488 s INT8', () => {
    const r = run({ precision: 'fp32' });
    expect(Object.fromEntries(r.layers.map((l) => [l.name, l.macs]))).toMatchObject({
      conv1: 2286144,
      conv2: 17146368,
      dense: 86400,
    });
    expect(r.macs).toBe(19518912);
    expect(r.flops).toBe(39037824);
    expect(r.latencyS).toBeCloseTo(3.9037824, 12);
    expect(run({ precision: 'int8' }).latencyS).toBeCloseTo(0.4879728, 12);
  });
  it('pruned: 3,307,968 MACs, 0.662 s FP32, 0.0827 s INT8', () => {
    const r = run({ precision: 'fp32', ...pruned });
    expect(r.macs).toBe(3307968);
    expect((r.flops / 1e6).toFixed(2)).toBe('6.62');
    expect(r.latencyS).toBeCloseTo(0.6615936, 12);
    expect(run({ precision: 'int8', ...pruned }).latencyS).toBeCloseTo(0.0826992, 12);
  });
});

describe('exam Part 4: accuracy under the exam penalties', () => {
  it.each([
    ['fp32', {}, 0.93],
    ['int8', {}, 0.9],
    ['fp32', pruned.channels, 0.88],
    ['int8', pruned.channels, 0.85],
  ] as const)('%s %j → %s', (precision, channels, accuracy) => {
    expect(run({ precision, channels }).accuracy).toBe(accuracy);
  });
  it('conv1 16 / conv2 8 / INT8 is pruned too: 85 %, 0.165 s, 276,939 B', () => {
    const r = run({ precision: 'int8', channels: { conv2: 8 } });
    expect(r.pruned).toBe(true);
    expect(r.accuracy).toBe(0.85);
    expect(r.latencyS).toBeCloseTo(0.1648584, 12);
    expect(r.totalBytes).toBe(276939);
  });
});
