// Calibration (pure): one measurement scales the prior, more free the shape, bands come from leave-one-out, and a
// board file with only memory and a placeholder throughput, calibrated without a runtime, predicts unseen boards of
// the public data within the targets when its priors never saw them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { STM32L4R5, type DeviceProfile } from '../../src/shared/devices';
import {
  calibrate,
  calibratedProfile,
  prepareMeasurement,
  type CalibrationRequest,
  type PreparedMeasurement,
} from '../../src/shared/latency/calibrate';
import { calibrationPriors, labelGroups, learnPriors } from '../../src/shared/latency/learn';
import { BENCHMARKS, BENCHMARK_PRESETS, parsePublicRows } from '../../src/shared/latency/publicData';
import { fittedData, resolveRuntime, withRuntime } from '../../src/shared/latency/runtimes';
import { placeholderBoard, referenceWorks } from '../../src/shared/latency/validation';
import { findPreset } from '../../src/shared/presets';

const preset = (id: string) => findPreset(id)!.build();
const m = (model: string, latencyS: number, precision = 'int8'): PreparedMeasurement =>
  prepareMeasurement({ model, precision, latencyS }, preset(model));

const request = (measurements: PreparedMeasurement[], runtime: string | null = 'x-cube-ai', board = STM32L4R5): CalibrationRequest => ({
  board,
  runtime: runtime ? resolveRuntime(runtime) : null,
  id: 'test-board',
  name: 'test board',
  measurements,
  sourceName: 'test.json',
});

const latencyOn = (profile: DeviceProfile, model: string): number =>
  analyze(preset(model), { precision: 'int8', device: profile }).latencyS as number;

describe('calibrate', () => {
  it('one measurement scales the runtime prior: the predicted ratios between models are the prior shape', () => {
    const report = calibrate(request([m('mlperf-ic', 0.2)]));
    expect(report.fit[0].predictedS).toBeCloseTo(0.2, 9);
    expect(report.leaveOneOut).toEqual([]);
    expect(report.medianAbsError).toBeNull();
    const prior = fittedData().runtimes['x-cube-ai'].prior!;
    const rates = report.profile.latency!.rates.int8;
    expect(Math.log(rates.depthwise / rates.conv)).toBeCloseTo(prior.mean[0], 9);
    expect(Math.log(rates.dense / rates.conv)).toBeCloseTo(prior.mean[1], 9);
    expect(Math.log(rates.element / rates.conv)).toBeCloseTo(prior.mean[2], 9);
    expect(Math.log(report.profile.latency!.perOpS / rates.conv)).toBeCloseTo(prior.mean[3], 9);
    expect(Math.log(report.profile.latency!.perInferenceS / rates.conv)).toBeCloseTo(prior.mean[4], 9);
    // Doubling the measurement doubles every prediction.
    const doubled = calibrate(request([m('mlperf-ic', 0.4)]));
    for (const model of ['mlperf-vww', 'mlperf-kws', 'mlperf-ad']) {
      expect(latencyOn(doubled.profile, model) / latencyOn(report.profile, model)).toBeCloseTo(2, 9);
    }
    // One measurement's band is the public-data error of one-measurement calibrations under this runtime.
    const logSd = fittedData().runtimes['x-cube-ai'].oneShotLogSd;
    expect(Math.log(report.profile.latency!.band.highFactor)).toBeCloseTo(1.2815515655446004 * logSd, 9);
  });

  it('the issue\'s example: X-CUBE-AI on the NUCLEO-L4R5ZI, calibrated on MLPerf IC, predicts the other models', () => {
    // MLPerf Tiny v1.2 closed, STMicroelectronics NUCLEO_L4R5ZI, X-CUBE-AI 9.0: IC 165.13 ms, VWW 88.93, KWS 43.19, AD 5.26.
    const report = calibrate(request([m('mlperf-ic', 0.1651)]));
    const measured = { 'mlperf-vww': 0.08893, 'mlperf-kws': 0.04319, 'mlperf-ad': 0.005261 };
    for (const [model, seconds] of Object.entries(measured)) {
      expect(Math.abs(latencyOn(report.profile, model) / seconds - 1), model).toBeLessThan(0.1);
    }
  });

  it('more measurements free the shape; the fit stays regularised and the band comes from leave-one-out', () => {
    const report = calibrate(
      request([m('mlperf-ic', 0.1651), m('mlperf-kws', 0.04319), m('mlperf-vww', 0.08893), m('mlperf-ad', 0.005261)]),
    );
    expect(report.leaveOneOut).toHaveLength(4);
    for (const e of report.fit) expect(Math.abs(e.error)).toBeLessThan(0.05);
    // Not an exact fit of the four numbers: the prior keeps a say.
    expect(Math.max(...report.fit.map((e) => Math.abs(e.error)))).toBeGreaterThan(1e-4);
    expect(report.medianAbsError).toBeLessThan(0.1);
    expect(report.profile.latency!.band.basis).toMatch(/leave-one-out of this calibration \(4 measurements/);
    expect(report.profile.latency!.band.lowFactor).toBeLessThan(1);
    expect(report.profile.latency!.measurements).toHaveLength(4);
    expect(report.profile.runtime).toMatchObject({ id: 'x-cube-ai', basis: 'calibrated' });
  });

  it('leave-one-out predictions equal what the profile calibrated without that measurement predicts', () => {
    const all = [m('mlperf-ic', 0.1651), m('mlperf-kws', 0.04319), m('mlperf-vww', 0.08893)];
    const report = calibrate(request(all, null));
    report.leaveOneOut.forEach((entry, i) => {
      const rest = all.filter((_, j) => j !== i);
      const profile = calibratedProfile(request(rest, null));
      expect(entry.predictedS).toBe(latencyOn(profile, all[i].model));
    });
  });

  it('names a measurement it cannot use', () => {
    expect(() => calibrate(request([m('mlperf-ic', 0.2), m('mlperf-kws', -1)]))).toThrow(
      /test\.json: measurements\[1\] \(mlperf-kws\): latencyS must be a positive number of seconds, got -1/,
    );
    expect(() => calibrate(request([m('mlperf-ic', 0.2, 'fp32')]))).toThrow(
      /measurements\[0\] \(mlperf-ic\): precision fp32 is not one stm32l4r5 under X-CUBE-AI 9–10 runs \(int8\)/,
    );
    expect(() => calibrate(request([m('mlperf-ic', 0.2, 'fp16')], null))).toThrow(/precision fp16 is not one stm32l4r5 runs \(int8, fp32\)/);
    expect(() => calibrate(request([]))).toThrow(/measurements must list at least one measurement/);
  });

  it('without a runtime, other precisions follow the board\'s throughput ratios until measured', () => {
    const report = calibrate(request([m('mlperf-kws', 0.2)], null));
    const rates = report.profile.latency!.rates;
    expect(rates.fp32.conv / rates.int8.conv).toBeCloseTo(STM32L4R5.throughput.int8 / STM32L4R5.throughput.fp32, 9);
    const both = calibrate(request([m('mlperf-kws', 0.2), m('mlperf-kws', 0.9, 'fp32'), m('mlperf-ic', 0.8)], null));
    const ratio = both.profile.latency!.rates.fp32.conv / both.profile.latency!.rates.int8.conv;
    expect(ratio).toBeGreaterThan(3);
  });

  it('a calibrated board file replaces the runtime figures of a built-in combination', () => {
    const combined = withRuntime(STM32L4R5, resolveRuntime('plumerai'));
    const report = calibrate(request([m('mlperf-ic', 0.5)], null, combined));
    expect(report.profile.runtime?.basis).toBe('calibrated');
    expect(latencyOn(report.profile, 'mlperf-ic')).toBeCloseTo(0.5, 6);
  });
});

describe('a board file with only memory and a placeholder throughput, no runtime named', () => {
  it('predicts held-out public groups within the targets when the priors never saw them', () => {
    const csv = readFileSync(join(import.meta.dirname, '..', '..', 'data', 'mlperf-tiny', 'mlperf_tiny_latency.csv'), 'utf8');
    const groups = labelGroups(parsePublicRows(csv));
    const graphs = Object.fromEntries(Object.values(BENCHMARK_PRESETS).map((id) => [id, preset(id)]));
    const works = referenceWorks(graphs);
    // Every fourth group is held out; the priors are learned from the others only.
    const heldOut = groups.filter((_, i) => i % 4 === 0);
    const priors = calibrationPriors(learnPriors(groups.filter((_, i) => i % 4 !== 0), works));
    const errors: number[] = [];
    for (const g of heldOut) {
      const measurements = BENCHMARKS.map((b, k) =>
        prepareMeasurement({ model: BENCHMARK_PRESETS[b], precision: 'int8', latencyS: g.measured[k] }, graphs[BENCHMARK_PRESETS[b]]),
      );
      const report = calibrate(
        { board: placeholderBoard('my-board'), runtime: null, id: 'my-board-cal', name: 'my board', measurements, sourceName: g.key },
        priors,
      );
      errors.push(...report.leaveOneOut.map((e) => Math.abs(e.error)));
    }
    errors.sort((a, b) => a - b);
    const median = (errors[errors.length / 2 - 1] + errors[errors.length / 2]) / 2;
    expect(heldOut.length).toBe(14);
    expect(median).toBeLessThanOrEqual(0.15);
    expect(errors.filter((e) => e <= 0.25).length / errors.length).toBeGreaterThanOrEqual(0.75);
  });
});
