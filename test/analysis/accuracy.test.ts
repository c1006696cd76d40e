import { describe, expect, it } from 'vitest';
import { calibrationCurves, interpolate, penaltyAccuracy, type AccuracyModel } from '../../src/shared/analysis/accuracy';
import { analyze } from '../../src/shared/analysis/analyze';
import { examCnn } from '../../src/shared/presets';

describe('penalties model', () => {
  const model = { kind: 'penalties', metric: 'accuracy', base: 0.93, penalties: { pruned: 0.05, int8: 0.03 } } as const;
  it('subtracts one penalty per technique, with float noise removed', () => {
    expect(penaltyAccuracy(model, { pruned: true, precision: 'int8', precisionsUsed: ['int8'], macsFraction: 0.2 }).value).toBe(0.85);
  });
  it('counts a precision without a penalty as 0 and says so', () => {
    const r = penaltyAccuracy(model, { pruned: false, precision: 'fp16', precisionsUsed: ['fp16'], macsFraction: 1 });
    expect(r.value).toBe(0.93);
    expect(r.basis).toMatch(/no penalty given for fp16/);
  });
  it('applies each precision used by any layer once', () => {
    const r = analyze(examCnn(), {
      precision: 'fp32',
      layerPrecisions: { conv1: 'int8', conv2: 'int8' },
      accuracy: { ...model, penalties: { int8: 0.03 } },
    });
    expect(r.accuracy).toBe(0.9);
  });
  it('rejects a base outside [0, 1] and unknown penalty names', () => {
    expect(() => analyze(examCnn(), { accuracy: { ...model, base: 93 } })).toThrow(/base accuracy must be a fraction/);
    expect(() => analyze(examCnn(), { accuracy: { ...model, penalties: { int9: 0.1 } } })).toThrow(/unknown precision "int9"/);
  });
});

describe('calibrated model', () => {
  it('builds monotone curves: a dip is pooled away', () => {
    const curves = calibrationCurves([
      { precision: 'int8', macsFraction: 0.2, value: 0.8 },
      { precision: 'int8', macsFraction: 0.5, value: 0.9 },
      { precision: 'int8', macsFraction: 0.6, value: 0.86 },
      { precision: 'int8', macsFraction: 1, value: 0.92 },
    ]);
    const curve = curves.get('int8')!;
    expect(curve.map((p) => p.y)).toEqual([0.8, 0.88, 0.88, 0.92]);
    expect(interpolate(curve, 0.35)).toBeCloseTo(0.84, 12);
    expect(interpolate(curve, 0.1)).toBe(0.8);
    expect(interpolate(curve, 2)).toBe(0.92);
  });
  it('interpolates over the fraction of MACs retained, per precision, named metric', () => {
    const model: AccuracyModel = {
      kind: 'calibrated',
      metric: 'f1',
      points: [
        { precision: 'fp32', value: 0.95 },
        { precision: 'fp32', channels: { conv1: 8, conv2: 8 }, value: 0.85 },
        { precision: 'int8', value: 0.94 },
      ],
    };
    const full = analyze(examCnn(), { accuracy: model });
    expect(full.accuracy).toBe(0.95);
    expect(full.accuracyMetric).toBe('f1');
    // conv2 8 keeps (2,286,144 + 4,286,592 + 21,600) / 19,518,912 of the MACs: between the two fp32 points
    const mid = analyze(examCnn(), { accuracy: model, channels: { conv2: 8 } });
    const f = 6594336 / 19518912;
    const f0 = 3307968 / 19518912;
    expect(mid.accuracy).toBeCloseTo(0.85 + ((0.95 - 0.85) * (f - f0)) / (1 - f0), 10);
    const noPoints = analyze(examCnn(), { accuracy: model, precision: 'int4' });
    expect(noPoints.accuracy).toBeNull();
    expect(noPoints.accuracyBasis).toMatch(/no measured points for int4 \(measured: fp32, int8\)/);
  });
});
