// Learning runtimes from public data: the population and per-runtime shape priors, cycles per core and per board,
// core-to-core ratios, and the error bands each level of prediction earns. Pure: the caller passes the parsed rows
// and the reference models' graphs. scripts/fit-runtimes.ts writes the result to runtimes.generated.ts;
// scripts/validate-latency.ts re-learns the priors without each group it tests.
import { countModel } from '../analysis/counts';
import { BUILTIN_DEVICES } from '../devices';
import type { ModelGraph } from '../model/types';
import { mlperfVww } from '../presets';
import { RUNTIME_CATALOG, coreFromText, runtimeForStack, type RuntimeInfo } from './catalog';
import type { CalibrationPriors } from './calibrate';
import { fitMap, type FitResult, type FitRow } from './fit';
import type { CycleFit, FittedData, RuntimeFit } from './fittedTypes';
import { fitRow, SCALE } from './params';
import {
  gaussianPrior,
  INT8_LAYOUT,
  learnPopulationPrior,
  MEASUREMENT_SIGMA,
  runtimeShapePrior,
  withinRuntimeCovariance,
  type ShapePrior,
} from './prior';
import { BENCHMARKS, BENCHMARK_PRESETS, citeRow, publicGroups, type PublicGroup, type PublicRow } from './publicData';
import { modelWork, TERM_COUNT } from './work';

/** The TFLM person_detection model: MobileNetV1 0.25 on 96×96×1 (the VWW model with one input channel). */
export function personDetectGraph(): ModelGraph {
  const graph = mlperfVww();
  const input = graph.layers.find((l) => l.type === 'Input');
  if (!input || input.type !== 'Input') throw new Error('mlperf-vww has no input layer');
  input.shape = [96, 96, 1];
  return { ...graph, name: 'person-detect' };
}

/** int8 work of a model (every layer at int8). */
export function int8Work(graph: ModelGraph): number[] {
  return modelWork(countModel(graph), () => 'int8').get('int8') ?? new Array<number>(TERM_COUNT).fill(0);
}

export type Works = Record<string, number[]>;

const rowOf = (work: number[]): FitRow => fitRow(INT8_LAYOUT, new Map([['int8', work]]));

/** A complete MLPerf Tiny group with what the fits need to know about it. */
export interface LabeledGroup {
  group: PublicGroup;
  key: string;
  runtime: string | undefined;
  core: string | undefined;
  clockHz: number | null;
  /** Built-in board id, when Frontier has the board. */
  board: string | undefined;
  /** Seconds per benchmark, in BENCHMARKS order. */
  measured: number[];
}

/** Built-in boards by the MCU part an MLPerf Tiny system description names. */
const BOARD_PARTS: readonly [RegExp, string][] = [
  [/^STM32L4R5/i, 'stm32l4r5'],
  [/^STM32F746/i, 'stm32f746'],
];

export function boardForPart(mcu: string, system: string): string | undefined {
  // Plumerai's v1.1 NUCLEO-H7A3ZI-Q system file names the SoC as STM32U575 (a copy error, see the data README).
  if (/H7A3/i.test(system)) return undefined;
  return BOARD_PARTS.find(([pattern]) => pattern.test(mcu))?.[1];
}

export function labelGroups(rows: readonly PublicRow[]): LabeledGroup[] {
  return publicGroups(rows).map((group) => {
    const first = group.rows.get('ic') as PublicRow;
    return {
      group,
      key: group.key,
      runtime: runtimeForStack(group.stack)?.id,
      core: coreFromText(group.core),
      clockHz: group.mhz ? group.mhz * 1e6 : null,
      board: boardForPart(first.mcu, group.system),
      measured: BENCHMARKS.map((b) => (group.rows.get(b) as PublicRow).latencyS),
    };
  });
}

export interface LearnedPriors {
  population: ShapePrior;
  runtimes: Record<string, ShapePrior>;
  /** Groups each runtime was learned from. */
  counts: Record<string, number>;
  /** Each group's fit under its runtime's prior (or the population's), in input order. */
  fits: FitResult[];
}

/** The population prior and each runtime's prior, from complete groups. */
export function learnPriors(groups: readonly LabeledGroup[], works: Works): LearnedPriors {
  const rows = BENCHMARKS.map((b) => rowOf(works[BENCHMARK_PRESETS[b]]));
  const population = learnPopulationPrior(groups.map((g) => ({ rows, measured: g.measured })));
  const ids = groups.map((g) => g.runtime ?? `unknown:${g.key}`);
  const within = withinRuntimeCovariance(population.fits, ids);
  const runtimes: Record<string, ShapePrior> = {};
  const counts: Record<string, number> = {};
  for (const id of new Set(groups.map((g) => g.runtime).filter((r): r is string => r !== undefined))) {
    const members = population.fits.filter((_, i) => groups[i].runtime === id);
    runtimes[id] = runtimeShapePrior(members, within);
    counts[id] = members.length;
  }
  const fits = groups.map((g) =>
    fitMap(rows, g.measured, gaussianPrior(g.runtime ? runtimes[g.runtime] : population.prior), {
      sigma: MEASUREMENT_SIGMA,
      scaleParam: SCALE,
    }),
  );
  return { population: population.prior, runtimes, counts, fits };
}

/** Priors in the form calibration takes (band figures from `logSds`, which predictions do not use). */
export function calibrationPriors(learned: LearnedPriors, populationLogSd = 0.2): CalibrationPriors {
  return {
    population: learned.population,
    populationLogSd,
    populationOneShotLogSd: populationLogSd,
    runtimes: Object.fromEntries(
      Object.entries(learned.runtimes).map(([id, prior]) => [
        id,
        { prior, groups: learned.counts[id], calibratedLogSd: populationLogSd, oneShotLogSd: populationLogSd },
      ]),
    ),
  };
}

const logMean = (values: number[][]): number[] =>
  values[0].map((_, k) => Math.exp(values.reduce((s, v) => s + Math.log(v[k]), 0) / values.length));

/** Cycles per term from a fit made in cycles (θ[0] = log cycles per conv MAC). */
const cyclesOf = (theta: readonly number[]): number[] =>
  Array.from({ length: TERM_COUNT }, (_, k) => Math.exp(theta[0] + (k === 0 ? 0 : theta[k])));

/** Predicted cycles of int8 work at given cycles per term. */
const workCycles = (work: readonly number[], cycles: readonly number[]): number => work.reduce((s, w, k) => s + w * cycles[k], 0);

function combine(entries: { cycles: number[]; board: string; sources: string[] }[]): CycleFit {
  return {
    cycles: logMean(entries.map((e) => e.cycles)),
    boards: [...new Set(entries.map((e) => e.board))],
    sources: entries.flatMap((e) => e.sources),
  };
}

const rms = (values: readonly number[]): number => Math.sqrt(values.reduce((s, v) => s + v * v, 0) / Math.max(1, values.length));
/** RMS of `errors` shrunk toward `pooled` with the weight of `weight` errors. */
const shrunk = (errors: readonly number[], pooled: number, weight = 2): number =>
  Math.sqrt((errors.reduce((s, e) => s + e * e, 0) + weight * pooled * pooled) / (errors.length + weight));

interface RuntimeEntry {
  cycles: number[];
  board: string;
  core: string;
  group?: string;
  sources: string[];
}

/** Everything fitted per runtime from the public groups (cycles per group) and the catalog's anchors. */
function runtimeEntries(groups: readonly LabeledGroup[], learned: LearnedPriors, works: Works): Map<string, RuntimeEntry[]> {
  const out = new Map<string, RuntimeEntry[]>();
  const add = (id: string, e: RuntimeEntry): void => void out.set(id, [...(out.get(id) ?? []), e]);
  groups.forEach((g, i) => {
    if (!g.runtime || !g.core || !g.clockHz) return;
    // The group's fit was made in seconds; in cycles only θ[0] moves by log(clock).
    const theta = learned.fits[i].theta.slice();
    theta[0] += Math.log(g.clockHz);
    add(g.runtime, {
      cycles: cyclesOf(theta),
      board: g.board ?? (g.group.rows.get('ic') as PublicRow).board,
      core: g.core,
      group: g.key,
      sources: BENCHMARKS.map((b) => citeRow(g.group.rows.get(b) as PublicRow)),
    });
  });
  for (const info of RUNTIME_CATALOG) {
    const byCore = new Map<string, NonNullable<RuntimeInfo['anchors']>>();
    for (const a of info.anchors ?? []) byCore.set(a.core, [...(byCore.get(a.core) ?? []), a]);
    for (const [core, anchors] of byCore) {
      const shape = learned.runtimes[info.id] ?? learned.population;
      const fit = fitMap(
        anchors.map((a) => rowOf(works[a.model])),
        anchors.map((a) => a.latencyS * a.clockHz),
        gaussianPrior(shape),
        { sigma: MEASUREMENT_SIGMA, scaleParam: SCALE },
      );
      add(info.id, {
        cycles: cyclesOf(fit.theta),
        board: anchors[0].board ?? anchors[0].boardName,
        core,
        sources: anchors.map((a) => `${a.source} (${a.model}, ${a.clockHz / 1e6} MHz)`),
      });
    }
  }
  return out;
}

/** The four reference models' cycles at some cycles per term: a yardstick for comparing cores. */
const yardstick = (works: Works, cycles: number[]): number =>
  BENCHMARKS.reduce((s, b) => s + workCycles(works[BENCHMARK_PRESETS[b]], cycles), 0);

function coreFactors(entries: Map<string, RuntimeEntry[]>, works: Works): FittedData['coreFactors'] {
  const perCore = new Map<string, { log: number; runtime: string }[]>();
  for (const [id, list] of entries) {
    const byCore = new Map<string, RuntimeEntry[]>();
    for (const e of list) byCore.set(e.core, [...(byCore.get(e.core) ?? []), e]);
    const m4 = byCore.get('cortex-m4');
    if (!m4) continue;
    const base = Math.log(yardstick(works, logMean(m4.map((e) => e.cycles))));
    for (const [core, members] of byCore) {
      const log = Math.log(yardstick(works, logMean(members.map((e) => e.cycles)))) - base;
      perCore.set(core, [...(perCore.get(core) ?? []), { log, runtime: id }]);
    }
  }
  const out: FittedData['coreFactors'] = {};
  for (const [core, list] of perCore) {
    out[core] = { log: list.reduce((s, x) => s + x.log, 0) / list.length, runtimes: list.map((x) => x.runtime) };
  }
  return out;
}

function withoutGroup(entries: Map<string, RuntimeEntry[]>, key: string): Map<string, RuntimeEntry[]> {
  return new Map([...entries].map(([id, list]) => [id, list.filter((e) => e.group !== key)]));
}

/** Leave-group-out: each group's latencies predicted from its runtime's other entries, at the best level available. */
function zeroShotErrors(
  groups: readonly LabeledGroup[],
  entries: Map<string, RuntimeEntry[]>,
  works: Works,
): { byRuntime: Map<string, number[]>; sameCore: number[]; transferred: number[] } {
  const byRuntime = new Map<string, number[]>();
  const sameCore: number[] = [];
  const transferred: number[] = [];
  for (const g of groups) {
    if (!g.runtime || !g.core || !g.clockHz) continue;
    const others = (entries.get(g.runtime) ?? []).filter((e) => e.group !== g.key);
    const errorsAt = (cycles: number[], logFactor: number): number[] =>
      BENCHMARKS.map((b, k) => Math.log((workCycles(works[BENCHMARK_PRESETS[b]], cycles) * Math.exp(logFactor)) / (g.clockHz as number) / g.measured[k]));
    const board = others.filter((e) => e.board === (g.board ?? (g.group.rows.get('ic') as PublicRow).board));
    const core = others.filter((e) => e.core === g.core);
    let errors: number[] | null = null;
    if (board.length > 0) errors = errorsAt(logMean(board.map((e) => e.cycles)), 0);
    else if (core.length > 0) errors = errorsAt(logMean(core.map((e) => e.cycles)), 0);
    if (errors) {
      byRuntime.set(g.runtime, [...(byRuntime.get(g.runtime) ?? []), ...errors]);
      sameCore.push(...errors);
    }
    // The same group predicted across cores only, to measure what a core transfer costs; the core ratios are
    // learned again without the group, so it does not vouch for itself.
    const factors = coreFactors(withoutGroup(entries, g.key), works);
    const target = factors[g.core];
    const across = others.filter((e) => e.core !== g.core && factors[e.core] !== undefined);
    if (target && across.length > 0) {
      const source = across.sort((a, b) => Math.abs(factors[a.core].log - target.log) - Math.abs(factors[b.core].log - target.log))[0].core;
      const members = across.filter((e) => e.core === source);
      const transfer = errorsAt(logMean(members.map((e) => e.cycles)), target.log - factors[source].log);
      transferred.push(...transfer);
      if (!errors) byRuntime.set(g.runtime, [...(byRuntime.get(g.runtime) ?? []), ...transfer]);
    }
  }
  return { byRuntime, sameCore, transferred };
}

/** Log ratios of float to int8 latency where one board under one runtime was measured both ways. */
function floatOffsets(rows: readonly PublicRow[]): Record<string, Record<string, { mean: number; sd: number; source: string }>> {
  const out: Record<string, Record<string, { mean: number; sd: number; source: string }>> = {};
  const closed = publicGroups(rows, false);
  const logs: Record<string, { values: number[]; cites: string[] }> = {};
  for (const g of closed) {
    if (!/_float$/.test(g.system)) continue;
    const runtime = runtimeForStack(g.stack)?.id;
    const twin = closed.find((o) => o.version === g.version && o.submitter === g.submitter && o.system === g.system.replace(/_float$/, '_int8'));
    if (!runtime || !twin) continue;
    for (const [b, row] of g.rows) {
      const int8 = twin.rows.get(b);
      if (!int8) continue;
      const entry = (logs[runtime] ??= { values: [], cites: [] });
      entry.values.push(Math.log(row.latencyS / int8.latencyS));
      entry.cites.push(`${g.version} ${g.submitter} ${g.system.replace(/_float$/, '')} ${b}: ${(row.latencyS * 1e3).toPrecision(4)} ms fp32 vs ${(int8.latencyS * 1e3).toPrecision(4)} ms int8`);
    }
  }
  for (const [runtime, { values, cites }] of Object.entries(logs)) {
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.max(0.1, Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1)));
    out[runtime] = {
      fp32: { mean, sd, source: `MLPerf Tiny closed, fp32 and int8 submissions of one board: ${cites.join('; ')} → ×${Math.exp(mean).toFixed(2)}` },
    };
  }
  return out;
}

/** The plain model's errors: one MAC rate from one benchmark, predicting each other benchmark of the group. */
function plainModelErrors(groups: readonly LabeledGroup[], works: Works): number[] {
  const macs = BENCHMARKS.map((b) => {
    const w = works[BENCHMARK_PRESETS[b]];
    return w[0] + w[1] + w[2];
  });
  const errors: number[] = [];
  for (const g of groups) {
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) if (i !== j) errors.push(Math.log(((g.measured[i] / macs[i]) * macs[j]) / g.measured[j]));
    }
  }
  return errors;
}

export interface CalibratedErrors {
  /** Log errors of calibrations from three benchmarks predicting the fourth, with each group's runtime named. */
  withRuntime: Map<string, number[]>;
  /** The same without a runtime named. */
  withoutRuntime: number[];
  /** Calibrations from one benchmark predicting the other three, runtime named (by runtime) and not. */
  oneShotWithRuntime: Map<string, number[]>;
  oneShotWithoutRuntime: number[];
}

/** Learns everything runtimes.generated.ts holds. `calibrated` comes from the validation (validation.ts). */
export function fitRuntimes(rows: readonly PublicRow[], works: Works, calibrated: CalibratedErrors, data: string): FittedData {
  const builtinIds = new Set(BUILTIN_DEVICES.map((d) => d.id));
  const groups = labelGroups(rows);
  const learned = learnPriors(groups, works);
  const entries = runtimeEntries(groups, learned, works);
  const factors = coreFactors(entries, works);
  const zero = zeroShotErrors(groups, entries, works);
  const pooledZero = rms(zero.sameCore);
  const transferLogSd = Math.max(pooledZero, rms(zero.transferred));
  const pooledCalibrated = rms([...calibrated.withRuntime.values()].flat());
  const pooledOneShot = rms([...calibrated.oneShotWithRuntime.values()].flat());
  const populationOneShot = rms(calibrated.oneShotWithoutRuntime);
  const offsets = floatOffsets(rows);
  const runtimes: Record<string, RuntimeFit> = {};
  for (const info of RUNTIME_CATALOG) {
    const list = entries.get(info.id) ?? [];
    const groupsOf = groups.filter((g) => g.runtime === info.id);
    if (list.length === 0 && groupsOf.length === 0) continue;
    const boards: Record<string, CycleFit> = {};
    const cores: Record<string, CycleFit> = {};
    for (const board of new Set(list.map((e) => e.board))) {
      if (builtinIds.has(board)) boards[board] = combine(list.filter((e) => e.board === board));
    }
    for (const core of new Set(list.map((e) => e.core))) cores[core] = combine(list.filter((e) => e.core === core));
    const zeroErrors = zero.byRuntime.get(info.id) ?? [];
    const calErrors = calibrated.withRuntime.get(info.id) ?? [];
    const oneErrors = calibrated.oneShotWithRuntime.get(info.id) ?? [];
    // A runtime placed by published single timings is as good as a one-measurement calibration from the
    // population's prior, at best: that is its band until it has groups to cross-validate on.
    const anchoredOnly = zeroErrors.length === 0;
    runtimes[info.id] = {
      groups: groupsOf.map((g) => g.key),
      prior: learned.runtimes[info.id] ?? null,
      boards,
      cores,
      zeroShotLogSd: anchoredOnly ? Math.max(populationOneShot, transferLogSd) : shrunk(zeroErrors, pooledZero),
      zeroShotBasis: anchoredOnly
        ? 'placed by published single timings, not cross-validated: the error of a one-measurement calibration on the ' +
          'MLPerf Tiny data with no runtime named'
        : `${zeroErrors.length} predictions of this runtime's MLPerf Tiny groups from its other groups, shrunk toward the ` +
          `all-runtime figure ${pooledZero.toFixed(3)}`,
      calibratedLogSd: calErrors.length > 0 ? shrunk(calErrors, pooledCalibrated) : rms(calibrated.withoutRuntime),
      calibratedBasis:
        calErrors.length > 0
          ? `${calErrors.length} leave-one-out predictions of this runtime's groups (three measured, the fourth predicted)`
          : 'no MLPerf Tiny group: the leave-one-out error with no runtime named',
      oneShotLogSd: oneErrors.length > 0 ? shrunk(oneErrors, pooledOneShot) : populationOneShot,
      precisionOffsets: offsets[info.id] ?? {},
    };
  }
  return {
    data,
    population: {
      prior: learned.population,
      groups: groups.length,
      calibratedLogSd: rms(calibrated.withoutRuntime),
      calibratedBasis: `${calibrated.withoutRuntime.length} leave-one-out predictions over ${groups.length} MLPerf Tiny groups, no runtime named`,
      oneShotLogSd: populationOneShot,
    },
    plainModelLogSd: rms(plainModelErrors(groups, works)),
    plainModelBasis:
      'single MAC rate per precision from one measured model (how the built-in boards\' throughputs were derived): its ' +
      'error on the MLPerf Tiny data predicting one reference model from another',
    coreFactors: factors,
    transferLogSd,
    runtimes,
  };
}

