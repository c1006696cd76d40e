// Leave-one-out validation on the public data, with `frontier calibrate` semantics: for every complete group
// (round, submitter, system) and every benchmark, calibrate on the other three benchmarks and predict the fourth.
// The priors are learned again without the group under test, and the board is a file that gives only memory and
// a placeholder throughput, so nothing about the group leaks in. The same predictions without a runtime named, and
// the plain single-MAC-rate model, are computed beside them.
import type { DeviceProfile } from '../devices';
import type { ModelGraph } from '../model/types';
import { calibratedProfile, predictMeasurement, prepareMeasurement, type PreparedMeasurement } from './calibrate';
import { calibrationPriors, int8Work, labelGroups, learnPriors, type CalibratedErrors, type LabeledGroup, type Works } from './learn';
import { BENCHMARKS, BENCHMARK_PRESETS, type PublicRow } from './publicData';
import { findRuntime } from './runtimes';

export interface ValidationRow {
  group: string;
  runtime: string | null;
  benchmark: string;
  measuredS: number;
  /** Calibrated on the other three with the group's runtime named. */
  predictedS: number;
  /** The same without a runtime named. */
  noRuntimeS: number;
  /** One MAC rate fitted to the other three (least squares of log latency), times this model's MACs. */
  baselineS: number;
}

export interface ValidationFigures {
  medianAbsError: number;
  /** Share of predictions within ±25 %. */
  within25: number;
}

export interface ValidationResult {
  rows: ValidationRow[];
  groups: number;
  predictions: number;
  withRuntime: ValidationFigures;
  withoutRuntime: ValidationFigures;
  /** One MAC rate fitted by least squares of log latency (the error measure calibration minimises). */
  baseline: ValidationFigures;
  /** The same single rate fitted other ways, for comparison: Σ latency ÷ Σ MACs, and least squares of latency. */
  otherBaselines: { ratioOfSums: ValidationFigures; linearLeastSquares: ValidationFigures };
  /**
   * With `oneShot`: log errors of calibrations from ONE benchmark predicting each other benchmark of the group, with
   * the group's runtime named (by runtime) and without; they set the band of a one-measurement calibration.
   */
  oneShot?: { withRuntime: Map<string, number[]>; withoutRuntime: number[] };
  /**
   * With `unseenStack`: no runtime named, and the priors learned without every group of the group's own stack — how
   * calibration fares on a software stack the public data does not have.
   */
  unseenStack?: ValidationFigures;
}

/** A board file with only memory and a placeholder throughput, as an engineer with no timing figures would write. */
export function placeholderBoard(id: string): DeviceProfile {
  return {
    id,
    name: id,
    sramBytes: 1024 * 1024,
    flashBytes: 0,
    weightsIn: 'sram',
    throughput: { int8: 1e6 },
    efficiency: {},
    runtimeRamBytes: 0,
    runtimeFlashBytes: 0,
    overheadS: 0,
    sources: {},
  };
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

export function figures(errors: readonly number[]): ValidationFigures {
  const abs = errors.map(Math.abs);
  return { medianAbsError: median(abs), within25: abs.filter((e) => e <= 0.25).length / abs.length };
}

export function referenceWorks(graphs: Record<string, ModelGraph>): Works {
  return Object.fromEntries(Object.entries(graphs).map(([id, g]) => [id, int8Work(g)]));
}

/**
 * Runs the validation. `graphs` holds the four reference models by preset id; `onGroup` reports progress.
 */
export function validateLatency(
  rows: readonly PublicRow[],
  graphs: Record<string, ModelGraph>,
  onGroup?: (done: number, total: number, group: LabeledGroup) => void,
  options: { oneShot?: boolean; unseenStack?: boolean } = {},
): ValidationResult {
  const unseen: number[] = [];
  const oneShot = options.oneShot ? { withRuntime: new Map<string, number[]>(), withoutRuntime: [] as number[] } : undefined;
  const works = referenceWorks(graphs);
  const groups = labelGroups(rows);
  const prepared: PreparedMeasurement[][] = groups.map((g) =>
    BENCHMARKS.map((b, k) =>
      prepareMeasurement({ model: BENCHMARK_PRESETS[b], precision: 'int8', latencyS: g.measured[k] }, graphs[BENCHMARK_PRESETS[b]]),
    ),
  );
  const macs = BENCHMARKS.map((b) => {
    const w = works[BENCHMARK_PRESETS[b]];
    return w[0] + w[1] + w[2];
  });
  const out: ValidationRow[] = [];
  const ratioOfSums: number[] = [];
  const linear: number[] = [];
  groups.forEach((g, gi) => {
    const priors = calibrationPriors(learnPriors(groups.filter((_, i) => i !== gi), works));
    const board = placeholderBoard(g.group.system.replace(/[^A-Za-z0-9_.-]+/g, '-'));
    const runtime = g.runtime ? (findRuntime(g.runtime) ?? null) : null;
    BENCHMARKS.forEach((benchmark, b) => {
      const others = [0, 1, 2, 3].filter((j) => j !== b);
      const request = (withRuntime: boolean) => ({
        board,
        runtime: withRuntime ? runtime : null,
        id: `${board.id}-calibrated`,
        name: `${g.key} calibrated`,
        measurements: others.map((j) => prepared[gi][j]),
        sourceName: `${g.key} without ${benchmark}`,
      });
      const target = prepared[gi][b];
      const predictedS = predictMeasurement(calibratedProfile(request(true), undefined, priors), target);
      const noRuntimeS = predictMeasurement(calibratedProfile(request(false), undefined, priors), target);
      const logRate = others.reduce((s, j) => s + Math.log(g.measured[j] / macs[j]), 0) / others.length;
      const sum = (f: (j: number) => number): number => others.reduce((s, j) => s + f(j), 0);
      ratioOfSums.push(((sum((j) => g.measured[j]) / sum((j) => macs[j])) * macs[b]) / g.measured[b] - 1);
      linear.push(((sum((j) => g.measured[j] * macs[j]) / sum((j) => macs[j] * macs[j])) * macs[b]) / g.measured[b] - 1);
      out.push({
        group: g.key,
        runtime: g.runtime ?? null,
        benchmark,
        measuredS: g.measured[b],
        predictedS,
        noRuntimeS,
        baselineS: Math.exp(logRate) * macs[b],
      });
    });
    if (options.unseenStack) {
      const stackUnseen = calibrationPriors(learnPriors(groups.filter((o, i) => i !== gi && (!g.runtime || o.runtime !== g.runtime)), works));
      BENCHMARKS.forEach((_, b) => {
        const others = [0, 1, 2, 3].filter((j) => j !== b);
        const req = {
          board,
          runtime: null,
          id: `${board.id}-calibrated`,
          name: `${g.key} calibrated`,
          measurements: others.map((j) => prepared[gi][j]),
          sourceName: `${g.key} without ${BENCHMARKS[b]}`,
        };
        unseen.push(predictMeasurement(calibratedProfile(req, undefined, stackUnseen), prepared[gi][b]) / g.measured[b] - 1);
      });
    }
    if (oneShot) {
      BENCHMARKS.forEach((_, b) => {
        for (const withRuntime of [true, false]) {
          if (withRuntime && !runtime) continue;
          const req = {
            board,
            runtime: withRuntime ? runtime : null,
            id: `${board.id}-calibrated`,
            name: `${g.key} calibrated`,
            measurements: [prepared[gi][b]],
            sourceName: `${g.key} from ${BENCHMARKS[b]}`,
          };
          const profile = calibratedProfile(req, undefined, priors);
          const errors = [0, 1, 2, 3]
            .filter((j) => j !== b)
            .map((j) => Math.log(predictMeasurement(profile, prepared[gi][j]) / g.measured[j]));
          if (!withRuntime) oneShot.withoutRuntime.push(...errors);
          else if (g.runtime) oneShot.withRuntime.set(g.runtime, [...(oneShot.withRuntime.get(g.runtime) ?? []), ...errors]);
        }
      });
    }
    onGroup?.(gi + 1, groups.length, g);
  });
  const err = (key: 'predictedS' | 'noRuntimeS' | 'baselineS') => out.map((r) => r[key] / r.measuredS - 1);
  return {
    rows: out,
    groups: groups.length,
    predictions: out.length,
    withRuntime: figures(err('predictedS')),
    withoutRuntime: figures(err('noRuntimeS')),
    baseline: figures(err('baselineS')),
    otherBaselines: { ratioOfSums: figures(ratioOfSums), linearLeastSquares: figures(linear) },
    ...(oneShot ? { oneShot } : {}),
    ...(options.unseenStack ? { unseenStack: figures(unseen) } : {}),
  };
}

/** Log errors per runtime (runtime named) and overall (none named), for the bands fit-runtimes.ts stores. */
export function calibratedErrors(result: ValidationResult): CalibratedErrors {
  const withRuntime = new Map<string, number[]>();
  for (const r of result.rows) {
    if (!r.runtime) continue;
    withRuntime.set(r.runtime, [...(withRuntime.get(r.runtime) ?? []), Math.log(r.predictedS / r.measuredS)]);
  }
  return {
    withRuntime,
    withoutRuntime: result.rows.map((r) => Math.log(r.noRuntimeS / r.measuredS)),
    oneShotWithRuntime: result.oneShot?.withRuntime ?? new Map(),
    oneShotWithoutRuntime: result.oneShot?.withoutRuntime ?? [],
  };
}
