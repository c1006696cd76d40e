// The measured accuracy model's predictor: drop curves, the choice of form by leave-one-out error, band and coverage,
// with figures worked out by hand.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { CompiledModel, emptyFigures } from '../../src/shared/analysis/compiled';
import {
  bandAround,
  bandCoverage,
  chooseForm,
  dropAt,
  dropCurve,
  fitForm,
  predict,
  prepareMeasured,
  predictConfiguration,
  refit,
  type FitPoint,
  type MeasuredModel,
} from '../../src/shared/analysis/measuredAccuracy';
import { validateAccuracyModel } from '../../src/shared/analysis/accuracy';
import { parsePrecision } from '../../src/shared/analysis/precision';
import { examCnn } from '../../src/shared/presets';

const point = (s: number, value: number, base = 0.9): FitPoint => ({ base, s, l: Math.log(1 - s / base), value });

describe('drop curves', () => {
  it('interpolate between measured levels, 0 at everything kept, the deepest drop below the deepest level', () => {
    const curve = dropCurve({ layer: 'a', points: [{ fractionKept: 0.5, value: 0.8 }, { fractionKept: 0.25, value: 0.6 }] }, 0.9);
    expect(curve.xs).toEqual([0.25, 0.5, 1]);
    expect(curve.ys.map((y) => +y.toFixed(12))).toEqual([0.3, 0.1, 0]);
    expect(dropAt(curve, 0.75)).toBeCloseTo(0.05, 12);
    expect(dropAt(curve, 0.375)).toBeCloseTo(0.2, 12);
    expect(dropAt(curve, 0.1)).toBeCloseTo(0.3, 12);
    expect(dropAt(curve, 1)).toBe(0);
    expect(dropAt(curve, 1.5)).toBe(0);
  });

  it('are made monotone: a level where pruning more seemed to help is pooled with its neighbour', () => {
    // Drops 0.05 at 25 % kept and 0.10 at 50 %: pooled to 0.075 at both.
    const curve = dropCurve({ layer: 'a', points: [{ fractionKept: 0.25, value: 0.85 }, { fractionKept: 0.5, value: 0.8 }] }, 0.9);
    expect(curve.ys.map((y) => +y.toFixed(12))).toEqual([0.075, 0.075, 0]);
    // A point above the base is no gain: the drop is floored at 0.
    expect(dropCurve({ layer: 'a', points: [{ fractionKept: 0.5, value: 0.95 }] }, 0.9).ys).toEqual([0, 0]);
  });
});

describe('choosing the predictor', () => {
  it('picks the form of smallest leave-one-out error: drops that compound (D = S + 2 S²) → quadratic, coefficients [1, 2]', () => {
    const points = [0.05, 0.1, 0.15, 0.2, 0.25].map((s) => point(s, 0.9 - s - 2 * s * s));
    const fit = chooseForm(points);
    expect(fit.form).toBe('quadratic');
    expect(fit.coefficients[0]).toBeCloseTo(1, 9);
    expect(fit.coefficients[1]).toBeCloseTo(2, 9);
    expect(fit.looError).toBeLessThan(1e-9);
    const additive = fit.candidates.find((c) => c.form === 'additive');
    // Residuals 2 S²: 0.005, 0.02, 0.045, 0.08, 0.125 → RMS 0.06614.
    expect(additive?.looError).toBeCloseTo(Math.sqrt((0.005 ** 2 + 0.02 ** 2 + 0.045 ** 2 + 0.08 ** 2 + 0.125 ** 2) / 5), 12);
  });

  it('keeps the simpler form on a tie: D = 1.5 S is fitted exactly by scaled and quadratic alike → scaled', () => {
    const fit = chooseForm([0.04, 0.08, 0.12, 0.16].map((s) => point(s, 0.9 - 1.5 * s)));
    expect(fit.form).toBe('scaled');
    expect(fit.coefficients[0]).toBeCloseTo(1.5, 12);
  });

  it('a quadratic whose drop bends back is held at its peak: more pruning never predicts better', () => {
    // a = 1, b = −1: the drop S − S² peaks at S = 0.5 (0.25); at S = 0.8 it stays 0.25, not 0.16.
    expect(predict('quadratic', [1, -1], 0.9, 0.8, 0)).toBeCloseTo(0.65, 12);
    expect(predict('quadratic', [1, -1], 0.9, 0.3, 0)).toBeCloseTo(0.9 - 0.3 + 0.09, 12);
  });

  it('is additive with too few points to fit anything else, and without points', () => {
    expect(chooseForm([point(0.1, 0.7)]).form).toBe('additive');
    expect(chooseForm([]).looError).toBeNull();
    expect(fitForm('quadratic', [point(0.1, 0.7), point(0.1, 0.7)])).toBeNull();
  });

  it('band ±1.2816 × LOO error and its coverage, by hand: three unpruned points (only additive applies)', () => {
    // Residuals −0.02, +0.01, 0 → LOO error √(0.0005/3). Without the first, σ = √(0.0001/2) → band ±0.00906: −0.02
    // is outside; without the second ±0.01812 holds +0.01; without the third ±0.02026 holds 0 → coverage 2/3.
    const points = [point(0, 0.88), point(0, 0.91), point(0, 0.9)];
    expect(bandCoverage(points)).toBeCloseTo(2 / 3, 12);
    const model: MeasuredModel = { kind: 'measured', metric: 'accuracy', base: { fp32: 0.9 }, reference: 'fp32', layers: [], form: 'additive', coefficients: [], band: null };
    const fitted = refit(model, points);
    expect(fitted.form).toBe('additive');
    expect(fitted.band?.looError).toBeCloseTo(Math.sqrt(0.0005 / 3), 12);
    expect(fitted.band?.halfWidth).toBeCloseTo(1.2815515655446004 * Math.sqrt(0.0005 / 3), 12);
    expect(fitted.band?.coverage).toBeCloseTo(2 / 3, 12);
    const band = bandAround(fitted, 0.9);
    expect(band?.low).toBeCloseTo(0.9 - 0.016545, 5);
    expect(band?.high).toBeCloseTo(0.9 + 0.016545, 5);
    expect(bandAround(fitted, 0.999)?.high).toBe(1);
  });
});

describe('the model in analyses and sweeps', () => {
  const model: MeasuredModel = {
    kind: 'measured',
    metric: 'accuracy',
    base: { fp32: 0.9, int8: 0.88 },
    reference: 'fp32',
    layers: [
      { layer: 'conv1', points: [{ fractionKept: 0.5, value: 0.85 }] },
      { layer: 'conv2', points: [{ fractionKept: 0.5, value: 0.8 }] },
    ],
    form: 'quadratic',
    coefficients: [1, 2],
    band: null,
  };

  it('is validated like the other accuracy models', () => {
    expect(() => validateAccuracyModel(model)).not.toThrow();
    expect(() => validateAccuracyModel({ ...model, coefficients: [1] })).toThrow(/form quadratic needs 2 finite coefficients/);
    expect(() => validateAccuracyModel({ ...model, reference: 'int4' })).toThrow(/reference/);
    expect(() => validateAccuracyModel({ ...model, metric: 'mse' })).toThrow(/lower is better/);
  });

  it('analyze and the compiled sweep model predict the same value: base − S − 2 S² at the precision', () => {
    // conv1 at 50 % drops 0.05, conv2 at 50 % drops 0.10 → S = 0.15; int8: 0.88 − 0.15 − 0.045 = 0.685.
    const graph = examCnn();
    const original = Object.fromEntries(graph.layers.filter((l) => 'filters' in l).map((l) => [l.name, (l as { filters: number }).filters]));
    const channels = { conv1: original.conv1 / 2, conv2: original.conv2 / 2 };
    const expected = 0.88 - 0.15 - 2 * 0.15 * 0.15;
    const kept = (l: string): number => (l in channels ? channels[l as 'conv1'] / original[l] : 1);
    expect(predictConfiguration(prepareMeasured(model), 'int8', kept)).toBeCloseTo(expected, 12);
    const report = analyze(graph, { channels, precision: 'int8', accuracy: model });
    expect(report.accuracy).toBeCloseTo(expected, 12);
    const compiled = new CompiledModel(graph, { memoryModel: 'largest-tensor', biasMode: 'weight', headroom: 0, accuracy: model });
    const figures = emptyFigures();
    expect(compiled.evaluate(parsePrecision('fp32'), null, figures).accuracy).toBe(0.9);
    compiled.setChannels(new Map(Object.entries(channels)));
    expect(compiled.evaluate(parsePrecision('int8'), null, figures).accuracy).toBeCloseTo(expected, 12);
    expect(compiled.evaluate(parsePrecision('fp16'), null, figures).accuracy).toBeNaN();
  });
});

describe('spec fields of a sweep with measured accuracy', async () => {
  const { parseSweepSpec } = await import('../../src/shared/sweep/specFile');
  const spec = (over: Record<string, unknown>) => parseSweepSpec({ model: 'exam-cnn', devices: ['exam-mcu'], ...over }, 's.json');

  it('reads data, verify, metric and calibration data', () => {
    const parsed = spec({
      data: { path: 'x.npy', labels: 'y.npy', dataKeys: ['x', 'y'], preprocessing: { inputScale: { to: [0, 1] }, mean: [0.5], std: [0.25] } },
      verify: 6,
      metric: 'macroF1',
      calibrationData: 'c.npy',
    });
    expect(parsed).toMatchObject({ data: { path: 'x.npy', labels: 'y.npy', dataKeys: ['x', 'y'] }, verify: 6, metric: 'macroF1', calibrationData: 'c.npy' });
    expect(parsed.data?.preprocessing).toEqual({ inputScale: { to: [0, 1] }, mean: [0.5], std: [0.25] });
  });

  it('names the field and the value of each mistake', () => {
    expect(() => spec({ data: { labels: 'y.npy' } })).toThrow(/data\.path/);
    expect(() => spec({ data: { path: 'x.npy' }, verify: -1 })).toThrow(/verify/);
    expect(() => spec({ data: { path: 'x.npy' }, metric: 'mse' })).toThrow(/metric.*higher is better/);
    expect(() => spec({ verify: 3 })).toThrow(/needs data/);
    expect(() => spec({ data: { path: 'x.npy' }, accuracy: { kind: 'penalties', metric: 'accuracy', base: 0.9, penalties: {} } })).toThrow(/accuracy.*measured on the data/);
    expect(() => spec({ data: { path: 'x.npy', preprocessing: { inputScale: { to: [1, 0] } } } })).toThrow(/inputScale/);
  });
});
