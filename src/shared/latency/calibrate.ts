// Calibration: a board's latency model fitted to measured latencies of models on it, regularised toward a runtime's
// prior (or the population's when no runtime is named). Pure: models arrive as graphs, nothing is read or written.
//
// The fit frees what the measurements can see: one measurement sets the overall scale and leaves the shape at the
// prior's; more measurements move the shape as far as they outweigh the prior (see fit.ts). The profile it returns
// is the board with a `latency` model, whose band comes from the calibration's own leave-one-out errors shrunk
// toward the error calibrations show on the public data.
import { analyze, prepareModel, type PreparedModel } from '../analysis/analyze';
import { countModel } from '../analysis/counts';
import { parsePrecision } from '../analysis/precision';
import { UsageError } from '../cli/valueList';
import type { DeviceProfile } from '../devices';
import { applyChannelEdits } from '../model/edit';
import type { ModelGraph } from '../model/types';
import { fitMap } from './fit';
import { leaveOneOutAveraged, leaveOneOutSingle } from './leaveOneOut';
import { averagedFit, type PriorComponent } from './mixture';
import { bandFromLogSd, type LatencyModel } from './model';
import { fitRow, makeLayout, ratesFromTheta, SCALE } from './params';
import { gaussianPrior, MEASUREMENT_SIGMA, type ShapePrior } from './prior';
import type { RuntimeRef } from './runtimeRef';
import { fittedData, incompatibility, precisionOffset, type RuntimeProfile } from './runtimes';
import { modelWork, type ModelWork } from './work';

/** The most measurements one calibration takes, as the app's `devices.calibrate` allows (about a second's work). */
export const MAX_CALIBRATION_MEASUREMENTS = 1000;

export interface Measurement {
  /** A preset id or a model file path, as the measurements file gives it. */
  model: string;
  channels?: Record<string, number>;
  prune?: Record<string, number>;
  precision: string;
  latencyS: number;
}

export interface PreparedMeasurement extends Measurement {
  /** The model, loaded. */
  base: ModelGraph | PreparedModel;
}

/** The priors a calibration starts from: the built-in ones, or (for validation) ones learned without some data. */
export interface CalibrationPriors {
  population: ShapePrior;
  /** Public-data log error of calibrations without a runtime: from three measurements, and from one. */
  populationLogSd: number;
  populationOneShotLogSd: number;
  /** Per runtime: its shape prior (null without public groups), how many groups it has, and its public-data errors. */
  runtimes: Record<string, { prior: ShapePrior | null; groups: number; calibratedLogSd: number; oneShotLogSd: number }>;
}

export function builtinPriors(): CalibrationPriors {
  const data = fittedData();
  return {
    population: data.population.prior,
    populationLogSd: data.population.calibratedLogSd,
    populationOneShotLogSd: data.population.oneShotLogSd,
    runtimes: Object.fromEntries(
      Object.entries(data.runtimes).map(([id, r]) => [
        id,
        { prior: r.prior, groups: r.groups.length, calibratedLogSd: r.calibratedLogSd, oneShotLogSd: r.oneShotLogSd },
      ]),
    ),
  };
}

export interface CalibrationRequest {
  /** The board: its memory, precisions (throughput keys) and, when known, clock and core. */
  board: DeviceProfile;
  runtime: RuntimeProfile | null;
  /** The calibrated profile's id and name. */
  id: string;
  name: string;
  measurements: PreparedMeasurement[];
  /** Where the measurements come from (the file name), for sources and messages. */
  sourceName: string;
}

export interface FitEntry {
  model: string;
  precision: string;
  measuredS: number;
  predictedS: number;
  /** predicted ÷ measured − 1. */
  error: number;
}

export interface CalibrationReport {
  profile: DeviceProfile;
  fit: FitEntry[];
  /** Each measurement predicted by a calibration made without it (empty with one measurement). */
  leaveOneOut: FitEntry[];
  /** Median of |leave-one-out error|, or null with one measurement. */
  medianAbsError: number | null;
}

/** Weight, in measurements, of the public-data error when a calibration's own leave-one-out errors set its band. */
export const BAND_PRIOR_WEIGHT = 2;

const label = (req: CalibrationRequest, i: number): string =>
  `${req.sourceName}: measurements[${i}] (${req.measurements[i].model})`;

/** The precisions a calibrated profile runs: the board's, narrowed to the runtime's when one is named. */
export function calibrationPrecisions(board: DeviceProfile, runtime: RuntimeProfile | null): string[] {
  const boardPrecisions = Object.keys(board.throughput).filter((p) => board.throughput[p] > 0);
  const list = runtime ? boardPrecisions.filter((p) => runtime.precisions.includes(p) && precisionOffset(runtime, p)) : boardPrecisions;
  return list;
}

function measurementWork(req: CalibrationRequest, i: number): ModelWork {
  const m = req.measurements[i];
  try {
    const base = 'baseCounts' in m.base ? m.base.base : m.base;
    const precision = parsePrecision(m.precision).name;
    const { graph } = applyChannelEdits(base, { channels: m.channels, prune: m.prune });
    return modelWork(countModel(graph), (layer) => (layer.precision ? parsePrecision(layer.precision).name : precision));
  } catch (error) {
    throw new UsageError(`${label(req, i)}: ${(error as Error).message}`);
  }
}

/** What the checks found: the precisions the profile runs and each measurement's work, computed once. */
interface Checked {
  precisions: string[];
  works: ModelWork[];
}

/** Checks every measurement; throws a UsageError naming the first that cannot be used. */
export function checkMeasurements(req: CalibrationRequest): string[] {
  return checkAll(req).precisions;
}

function checkAll(req: CalibrationRequest): Checked {
  if (req.measurements.length === 0) throw new UsageError(`${req.sourceName}: measurements must list at least one measurement`);
  if (req.measurements.length > MAX_CALIBRATION_MEASUREMENTS) {
    throw new UsageError(
      `${req.sourceName}: ${req.measurements.length.toLocaleString('en-US')} measurements, more than the limit of ` +
        `${MAX_CALIBRATION_MEASUREMENTS.toLocaleString('en-US')} a calibration takes`,
    );
  }
  const problem = req.runtime ? incompatibility(req.board, req.runtime) : null;
  if (problem) throw new UsageError(`${req.sourceName}: ${problem}`);
  const precisions = calibrationPrecisions(req.board, req.runtime);
  if (precisions.length === 0) {
    throw new UsageError(
      `${req.sourceName}: ${req.runtime?.name ?? 'the runtime'} runs ${req.runtime?.precisions.join(', ')}, none of which ${req.board.id} lists`,
    );
  }
  const works: ModelWork[] = [];
  req.measurements.forEach((m, i) => {
    if (typeof m.latencyS !== 'number' || !Number.isFinite(m.latencyS) || m.latencyS <= 0) {
      throw new UsageError(`${label(req, i)}: latencyS must be a positive number of seconds, got ${JSON.stringify(m.latencyS)}`);
    }
    let name: string;
    try {
      name = parsePrecision(m.precision).name;
    } catch (error) {
      throw new UsageError(`${label(req, i)}: ${(error as Error).message}`);
    }
    const work = measurementWork(req, i);
    works.push(work);
    for (const used of work.keys()) {
      if (!precisions.includes(used)) {
        throw new UsageError(
          `${label(req, i)}: precision ${used}${used === name ? '' : ' (a layer override)'} is not one ${req.board.id}` +
            `${req.runtime ? ` under ${req.runtime.name}` : ''} runs (${precisions.join(', ')})`,
        );
      }
    }
  });
  return { precisions, works };
}

/**
 * Up to this many measurements, each is left out by a calibration made without it (n refits); beyond, by the
 * closed form of leaveOneOut.ts, from the calibration with all (1,000 measurements: a second, not minutes).
 */
export const EXACT_LEAVE_ONE_OUT_MAX = 20;

/**
 * The fitted latency model (no band yet) from some of the measurements; with `closedFormLeaveOneOut`, also each
 * used measurement's latency predicted by the fit without it (null where that needs an exact refit).
 */
function fitModel(
  req: CalibrationRequest,
  use: readonly number[],
  priors: CalibrationPriors,
  checked: Checked,
  closedFormLeaveOneOut = false,
): LatencyModel & { leaveOneOutS?: (number | null)[] } {
  const { precisions, works } = checked;
  const reference = precisions.includes('int8') ? 'int8' : precisions[0];
  const layout = makeLayout(reference, precisions);
  const runtimePrior = req.runtime ? priors.runtimes[req.runtime.id]?.prior : null;
  const offsets = layout.others.map((p) => {
    if (req.runtime) {
      const o = precisionOffset(req.runtime, p) as { mean: number; sd: number };
      const r = precisionOffset(req.runtime, reference) as { mean: number };
      return { mean: o.mean - r.mean, sd: Math.max(o.sd, 0.05) };
    }
    // Without a runtime, the board's own throughput figures say how the precisions compare.
    return { mean: Math.log(req.board.throughput[reference] / req.board.throughput[p]), sd: 0.7 };
  });
  const rows = use.map((i) => fitRow(layout, works[i]));
  const measured = use.map((i) => req.measurements[i].latencyS);
  let theta: number[];
  let start: string;
  let leaveOneOutS: (number | null)[] | undefined;
  if (runtimePrior) {
    const fit = fitMap(rows, measured, gaussianPrior(runtimePrior, offsets), { sigma: MEASUREMENT_SIGMA, scaleParam: SCALE });
    theta = fit.theta;
    if (closedFormLeaveOneOut) leaveOneOutS = leaveOneOutSingle(rows, fit, MEASUREMENT_SIGMA);
    start = `${(req.runtime as RuntimeProfile).name}'s prior`;
  } else {
    // No runtime (or one without public groups): every known stack's prior, weighted by how well it explains the data.
    const components: PriorComponent[] = [
      ...Object.entries(priors.runtimes)
        .filter(([, r]) => r.prior !== null && r.groups > 0)
        .map(([id, r]) => ({ id, shape: r.prior as ShapePrior, weight: r.groups })),
      { id: 'population', shape: priors.population, weight: 1 },
    ];
    const averaged = averagedFit(rows, measured, components, offsets);
    theta = averaged.theta;
    if (closedFormLeaveOneOut) {
      leaveOneOutS = leaveOneOutAveraged(rows, measured, averaged.components, averaged.averaged, MEASUREMENT_SIGMA, SCALE);
    }
    const top = averaged.weights
      .filter((w) => w.weight >= 0.05)
      .slice(0, 3)
      .map((w) => `${w.id === 'population' ? 'a stack unlike these' : w.id} ${Math.round(w.weight * 100)} %`);
    start =
      `${req.runtime ? `${req.runtime.name} (no public groups of its own), so ` : 'no runtime named, so '}every published ` +
      `stack's prior, weighted by how well it explains the measurements (${top.join(', ')})`;
  }
  const { rates, perOpS, perInferenceS } = ratesFromTheta(layout, theta);
  return {
    rates,
    perOpS,
    perInferenceS,
    band: { lowFactor: 1, highFactor: 1, basis: 'not yet estimated' },
    basis: `calibrated from ${use.length} measurement${use.length === 1 ? '' : 's'} in ${req.sourceName}, starting from ${start}`,
    ...(leaveOneOutS ? { leaveOneOutS } : {}),
  };
}

function profileWith(req: CalibrationRequest, latency: LatencyModel, use: readonly number[]): DeviceProfile {
  const { latency: _oldLatency, runtime: _oldRuntime, ...board } = req.board;
  const measurements = use.map((i) => {
    const m = req.measurements[i];
    return {
      model: m.model,
      ...(m.channels && Object.keys(m.channels).length > 0 ? { channels: m.channels } : {}),
      ...(m.prune && Object.keys(m.prune).length > 0 ? { prune: m.prune } : {}),
      precision: m.precision,
      latencyS: m.latencyS,
    };
  });
  const runtime: RuntimeRef = {
    id: req.runtime?.id ?? 'calibrated',
    name: req.runtime ? `${req.runtime.name} (calibrated)` : 'calibrated (no runtime named)',
    persistentRamBytes: req.runtime?.persistentRamBytes ?? null,
    basis: 'calibrated',
    sources: req.runtime ? { ...req.runtime.sources } : {},
  };
  const listed = measurements.map((m) => `${m.model} ${m.precision} ${m.latencyS} s`).join('; ');
  return {
    ...board,
    id: req.id,
    name: req.name,
    description: `${req.board.name}, latency calibrated from ${use.length} measurement${use.length === 1 ? '' : 's'} (${req.sourceName})`,
    runtimeRamBytes: req.runtime?.persistentRamBytes ?? req.board.runtimeRamBytes,
    latency: { ...latency, measurements },
    runtime,
    sources: {
      ...req.board.sources,
      latency: `${latency.basis}: ${listed}`,
      ...(req.runtime?.persistentRamBytes != null ? { runtimeRamBytes: req.runtime.sources.persistentRamBytes } : {}),
    },
  };
}

/** Latency `analyze` gives for a measurement's configuration on a profile (analyze's defaults otherwise). */
export function predictMeasurement(profile: DeviceProfile, m: PreparedMeasurement): number {
  const report = analyze(m.base, { channels: m.channels, prune: m.prune, precision: m.precision, device: profile });
  if (report.latencyS === null) throw new UsageError(`${m.model}: no latency on ${profile.id} at ${m.precision}`);
  return report.latencyS;
}

/**
 * The profile calibrated from the measurements `use` (all by default), without a band: what `calibrate --out`
 * writes, as far as latency goes, for that subset.
 */
export function calibratedProfile(
  req: CalibrationRequest,
  use: readonly number[] = req.measurements.map((_, i) => i),
  priors: CalibrationPriors = builtinPriors(),
): DeviceProfile {
  return profileWith(req, fitModel(req, use, priors, checkAll(req)), use);
}

const median = (values: readonly number[]): number => {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

const entry = (m: PreparedMeasurement, predictedS: number): FitEntry => ({
  model: m.model,
  precision: m.precision,
  measuredS: m.latencyS,
  predictedS,
  error: predictedS / m.latencyS - 1,
});

/** Calibrates, predicts every measurement, and predicts each from a calibration without it (for the band). */
export function calibrate(req: CalibrationRequest, priors: CalibrationPriors = builtinPriors()): CalibrationReport {
  const checked = checkAll(req);
  const all = req.measurements.map((_, i) => i);
  const n = all.length;
  const { leaveOneOutS: closedForm, ...latency } = fitModel(req, all, priors, checked, n > EXACT_LEAVE_ONE_OUT_MAX);
  const leaveOneOut: FitEntry[] = [];
  if (n >= 2) {
    for (const i of all) {
      const approximate = closedForm?.[i];
      if (approximate !== undefined && approximate !== null) {
        leaveOneOut.push(entry(req.measurements[i], approximate));
        continue;
      }
      const rest = all.filter((j) => j !== i);
      const { leaveOneOutS: _none, ...without } = fitModel(req, rest, priors, checked);
      leaveOneOut.push(entry(req.measurements[i], predictMeasurement(profileWith(req, without, rest), req.measurements[i])));
    }
  }
  // The public-data error of calibrations like this one: from one measurement, or from several (three).
  const named = req.runtime ? priors.runtimes[req.runtime.id] : undefined;
  const publicLogSd =
    n === 1 ? (named?.oneShotLogSd ?? priors.populationOneShotLogSd) : (named?.calibratedLogSd ?? priors.populationLogSd);
  const squares = leaveOneOut.reduce((s, e) => s + Math.log(1 + e.error) ** 2, 0);
  const logSd = Math.sqrt((squares + BAND_PRIOR_WEIGHT * publicLogSd * publicLogSd) / (leaveOneOut.length + BAND_PRIOR_WEIGHT));
  latency.band = bandFromLogSd(
    logSd,
    n >= 2
      ? `leave-one-out${n > EXACT_LEAVE_ONE_OUT_MAX ? ' (closed form)' : ''} of this calibration (${n} measurements, RMS log error ` +
          `${Math.sqrt(squares / n).toFixed(3)}), weighted with the public-data figure ${publicLogSd.toFixed(3)} as ` +
          `${BAND_PRIOR_WEIGHT} measurements`
      : `one measurement: the error calibrations show on the MLPerf Tiny data (log sd ${publicLogSd.toFixed(3)})`,
  );
  const profile = profileWith(req, latency, all);
  return {
    profile,
    fit: req.measurements.map((m) => entry(m, predictMeasurement(profile, m))),
    leaveOneOut,
    medianAbsError: leaveOneOut.length > 0 ? median(leaveOneOut.map((e) => Math.abs(e.error))) : null,
  };
}

/** Makes analysing a measurement cheap when it is predicted many times. */
export function prepareMeasurement(m: Measurement, graph: ModelGraph): PreparedMeasurement {
  return { ...m, base: prepareModel(graph) };
}
