// The band's leave-one-out stays fast however many measurements a calibration takes: up to 20 each is refitted
// without it; beyond, the closed form (leaveOneOut.ts) predicts it from the fit with all, close to those refits.
// More than 1,000 measurements are refused, naming the limit.
import { describe, expect, it } from 'vitest';
import { STM32L4R5 } from '../../src/shared/devices';
import {
  calibrate,
  calibratedProfile,
  EXACT_LEAVE_ONE_OUT_MAX,
  predictMeasurement,
  prepareMeasurement,
  type CalibrationRequest,
  type PreparedMeasurement,
} from '../../src/shared/latency/calibrate';
import { MAX_CALIBRATION_MEASUREMENTS, parseMeasurementsFile } from '../../src/shared/latency/measurementsFile';
import { resolveRuntime } from '../../src/shared/latency/runtimes';
import { examCnn, mlperfKws } from '../../src/shared/presets';

const exam = examCnn();
const kws = mlperfKws();

/** n measurements of pruned exam-cnn variants and mlperf-kws, with a spread of noise. */
function measurements(n: number): PreparedMeasurement[] {
  return Array.from({ length: n }, (_, i) =>
    i % 3 === 0
      ? prepareMeasurement({ model: 'mlperf-kws', precision: 'int8', latencyS: 0.04 * (1 + ((i * 13) % 7) / 20) }, kws)
      : prepareMeasurement(
          {
            model: 'exam-cnn',
            channels: { conv1: 1 + (i % 16), conv2: 1 + ((i * 7) % 32) },
            precision: 'int8',
            latencyS: 0.02 * (1 + (i % 16) / 8) * (1 + ((i * 5) % 7) / 25),
          },
          exam,
        ),
  );
}

const request = (list: PreparedMeasurement[], runtime: string | null): CalibrationRequest => ({
  board: STM32L4R5,
  runtime: runtime ? resolveRuntime(runtime) : null,
  id: 'b',
  name: 'b',
  measurements: list,
  sourceName: 'm.json',
});

describe('leave-one-out in closed form', () => {
  it.each([['x-cube-ai'], [null]])('agrees with refits without each measurement (runtime %s)', (runtime) => {
    const req = request(measurements(EXACT_LEAVE_ONE_OUT_MAX + 5), runtime);
    const report = calibrate(req);
    expect(report.profile.latency?.band.basis).toMatch(/^leave-one-out \(closed form\) of this calibration \(25 measurements/);
    const all = req.measurements.map((_, i) => i);
    for (const i of [0, 1, 2, 7]) {
      const rest = all.filter((j) => j !== i);
      const refit = predictMeasurement(calibratedProfile(req, rest), req.measurements[i]);
      expect(Math.abs(report.leaveOneOut[i].predictedS / refit - 1)).toBeLessThan(0.03);
    }
  });

  it('1,000 measurements calibrate (they took more than 300 s with a refit per measurement)', () => {
    const report = calibrate(request(measurements(MAX_CALIBRATION_MEASUREMENTS), null));
    expect(report.leaveOneOut).toHaveLength(1000);
    expect(report.leaveOneOut.every((e) => Number.isFinite(e.predictedS) && e.predictedS > 0)).toBe(true);
    expect(report.profile.latency?.band.lowFactor).toBeGreaterThan(0.5);
  });

  it('more than 1,000 are refused, naming the limit', () => {
    const entry = { model: 'exam-cnn', precision: 'int8', latencyS: 0.05 };
    expect(() => parseMeasurementsFile({ device: 'exam-mcu', measurements: Array(1001).fill(entry) }, 'm.json')).toThrow(
      'm.json: 1,001 measurements, more than the limit of 1,000 a calibration takes',
    );
    expect(() => calibrate(request(measurements(1001), 'x-cube-ai'))).toThrow(/1,001 measurements, more than the limit of 1,000/);
  });
});
