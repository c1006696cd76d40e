// A sweep's measured accuracy (the accuracy model `measured`, docs/sweeps.md): before the sweep, the sensitivity
// analysis at the sweep's own levels and precisions gives the predictor's curves; after it, the configurations on the
// front and the clients' choices are run for real on the data, the predictor is refitted on them, every
// configuration's predicted accuracy is recomputed, and the fronts and choices follow the measured values.
// Every evaluation goes through ../sweep/measure.ts.
import { UsageError } from '../../shared/cli/valueList';
import {
  dropSums,
  fitPoint,
  predict,
  prepareMeasured,
  refit,
  type FitPoint,
  type MeasuredModel,
  type PreparedMeasured,
} from '../../shared/analysis/measuredAccuracy';
import { chooseAll } from '../../shared/sweep/choose';
import { gridIndex } from '../../shared/sweep/space';
import { CONFIG_STATUSES, DEFAULT_VERIFY, FRONT_3D } from '../../shared/sweep/types';
import type { SensitivityLevels } from '../engine/sensitivity';
import { EvaluationCancelled } from '../engine/evaluate';
import type { SessionStore } from '../store';
import type { Progress } from '../sweep/pool';
import { runEvaluations, runSensitivity, type Measurer } from '../sweep/measure';
import { channelsOf, type PreparedSweep } from './sweepJob';
import { candidates } from './sweepSummary';
import { frontFlags, type SweepTable } from './sweepTable';

export type SweepPhase = 'sensitivity' | 'sweep' | 'verify';
export type PhaseProgress = Progress & { phase?: SweepPhase };

/** Rounds of verification: a front recomputed with measured values may bring new members, verified in turn. */
export const MAX_VERIFY_ROUNDS = 5;

const ERROR = CONFIG_STATUSES.indexOf('error');

/** The sensitivity levels of a sweep: its channels and prune dimensions as they expand (full layer names). */
export function sensitivityLevels(prepared: PreparedSweep): SensitivityLevels {
  const levels: SensitivityLevels = { channels: {}, prune: {} };
  for (const dim of prepared.space.dims) {
    // A layer widened beyond its trained channels has no weights to run; its drop is 0 by definition (kept ≥ 1).
    if (dim.kind === 'channels') levels.channels[dim.name] = (dim.values as number[]).filter((n) => n < (prepared.ctx.editable.get(dim.name) ?? Infinity));
    if (dim.kind === 'prune') levels.prune[dim.name] = dim.values as number[];
  }
  return levels;
}

const precisionsOf = (prepared: PreparedSweep): string[] =>
  (prepared.space.dims.find((d) => d.kind === 'precision')?.values ?? ['fp32']).map(String);

function checkFraction(metric: string, value: number, what: string): number {
  if (!(value >= 0 && value <= 1)) {
    throw new UsageError(`the metric ${metric} of ${what} is ${value}, not a fraction between 0 and 1; choose a metric like accuracy (--metric)`);
  }
  return value;
}

/** Step 1: the sensitivity analysis at the sweep's levels and precisions, as an (additive, unverified) model. */
export async function measureForSweep(
  m: Measurer,
  prepared: PreparedSweep,
  options: { signal?: AbortSignal; onProgress?: (p: PhaseProgress) => void } = {},
): Promise<MeasuredModel> {
  const precisions = precisionsOf(prepared);
  const levels = sensitivityLevels(prepared);
  const preprocessing = prepared.spec.data?.preprocessing;
  const started = performance.now();
  const tell = (done: number, total: number): void => {
    const elapsedS = (performance.now() - started) / 1000;
    options.onProgress?.({ done, total, rate: elapsedS > 0 ? done / elapsedS : 0, etaS: null, elapsedS, phase: 'sensitivity' });
  };
  const hasLevels = Object.keys(levels.channels).length > 0 || Object.keys(levels.prune).length > 0;
  let base: Record<string, number> = {};
  let layers: MeasuredModel['layers'] = [];
  if (hasLevels) {
    const report = await runSensitivity(m, levels, precisions, { preprocessing, signal: options.signal, onPoint: tell });
    base = report.base;
    layers = report.layers.map((l) => ({
      layer: l.layer,
      ...(l.group.length > 1 ? { group: l.group } : {}),
      points: l.points.map((p) => ({ fractionKept: p.fractionKept, value: checkFraction(m.metric, p.value, `${l.layer} at ${p.channels} channels`) })),
    }));
  } else {
    // Nothing is pruned in this sweep: only each precision on the unpruned model.
    await runEvaluations(
      m,
      precisions.map((precision) => ({ precision })),
      (i, value) => {
        base[precisions[i]] = value;
        tell(i + 1, precisions.length);
      },
      { preprocessing, signal: options.signal },
    );
  }
  for (const [p, v] of Object.entries(base)) checkFraction(m.metric, v, `the unpruned model at ${p}`);
  return { kind: 'measured', metric: m.metric, base, reference: precisions[0], layers, form: 'additive', coefficients: [], band: null };
}

/** Sets the sweep's accuracy model (spec and workers' job alike). */
export function useAccuracyModel(prepared: PreparedSweep, model: MeasuredModel): void {
  prepared.spec.accuracy = model;
  prepared.job.spec.accuracy = model;
}

/**
 * Where a configuration's accuracy comes from: its structure and precision (the device does not change it). Keys
 * number (structure × precisions + precision); configurations on several devices share one.
 */
class AccuracyKeys {
  readonly devices: number;
  readonly precisions: string[];
  private readonly sums = new Map<number, { s: number; l: number }>();
  private readonly fractions = new Map<number, Record<string, number>>();

  constructor(
    private readonly prepared: PreparedSweep,
    private readonly measured: PreparedMeasured,
  ) {
    const dims = prepared.space.dims;
    this.devices = dims[dims.length - 1].values.length;
    this.precisions = dims[dims.length - 2].values.map(String);
  }

  key(ordinal: number): number {
    return Math.floor(gridIndex(this.prepared.space, ordinal) / this.devices);
  }

  precision(key: number): string {
    return this.precisions[key % this.precisions.length];
  }

  /** The channel counts that differ from the model's, for a run of the configuration. */
  edits(ordinal: number): Record<string, number> {
    const channels = channelsOf(this.prepared, ordinal);
    const original = this.prepared.ctx.editable;
    return Object.fromEntries(Object.entries(channels).filter(([layer, n]) => original.get(layer) !== n));
  }

  private kept(ordinal: number): (layer: string) => number {
    const structure = Math.floor(this.key(ordinal) / this.precisions.length);
    let f = this.fractions.get(structure);
    if (!f) {
      const channels = channelsOf(this.prepared, ordinal);
      f = Object.fromEntries([...this.prepared.ctx.editable].map(([layer, n]) => [layer, channels[layer] / n]));
      this.fractions.set(structure, f);
    }
    const fractions = f;
    return (layer) => fractions[layer] ?? 1;
  }

  /** The predictor's inputs of a configuration, with its measured value: a fit point. */
  point(ordinal: number, value: number): FitPoint | null {
    return fitPoint(this.measured, this.precision(this.key(ordinal)), this.kept(ordinal), value);
  }

  /** The predicted value of every configuration of the table (NaN for errors and configurations not stored). */
  predictAll(table: SweepTable, model: MeasuredModel): Float64Array {
    const out = new Float64Array(table.total).fill(NaN);
    const np = this.precisions.length;
    for (let i = 0; i < table.total; i++) {
      const status = table.status[i];
      if (status === 255 || status === ERROR) continue;
      const key = this.key(i);
      const structure = Math.floor(key / np);
      let sums = this.sums.get(structure);
      if (sums === undefined) {
        sums = dropSums(this.measured, this.kept(i));
        this.sums.set(structure, sums);
      }
      const base = model.base[this.precisions[key % np]];
      if (base !== undefined) out[i] = predict(model.form, model.coefficients, base, sums.s, sums.l);
    }
    return out;
  }
}

export interface VerifyOptions {
  /** Opens the model and data when a configuration is to be verified (once; the caller closes them). */
  measurer: () => Promise<Measurer>;
  signal?: AbortSignal;
  onProgress?: (p: PhaseProgress) => void;
  /** The session had stored rows before this run (a resume): their measured and predicted values are read back. */
  resumed?: boolean;
}

export interface MeasuredOutcome {
  model: MeasuredModel;
  /** The verification was cancelled (what was verified is kept; a resume verifies the rest of the budget). */
  cancelled: boolean;
  /** Verified configurations (by ordinal, every device of a verified configuration included). */
  measured: number;
}

/**
 * Steps 3 and 4, after the sweep: verify the front and the clients' choices (up to the spec's `verify`, front first),
 * refit, recompute every configuration's predicted accuracy and use the measured one where it exists; repeat while
 * the recomputed front or choices bring unverified configurations and the budget lasts. Writes the accuracy columns
 * and the refitted model (the session's spec); the table holds the values used, for the fronts written next.
 */
export async function finishMeasured(
  store: SessionStore,
  id: number,
  prepared: PreparedSweep,
  table: SweepTable,
  options: VerifyOptions,
): Promise<MeasuredOutcome> {
  const spec = prepared.spec;
  let model = spec.accuracy as MeasuredModel;
  const keys = new AccuracyKeys(prepared, prepareMeasured(model));
  // Values already measured (a resumed session) count against the budget.
  const measured = new Map<number, number>();
  // A new sweep has nothing measured or re-predicted yet: reading a million NULLs back would only cost time.
  const stored = options.resumed ? store.readResultColumns(id, ['accuracyMeasured', 'accuracyPredicted']) : { count: 0, idx: [], accuracyMeasured: [], accuracyPredicted: [] };
  const storedPredicted = new Float64Array(table.total).fill(NaN);
  for (let k = 0; k < stored.count; k++) {
    const v = stored.accuracyMeasured[k];
    if (!Number.isNaN(v)) measured.set(keys.key(stored.idx[k]), v);
    storedPredicted[stored.idx[k]] = stored.accuracyPredicted[k];
  }
  // What the rows hold now: a row left as it is keeps `accuracy_predicted` NULL, read as "the predicted value is
  // `accuracy`" — so a sweep whose predictions did not change writes nothing more (a million rows would take seconds).
  const storedAccuracy = Float64Array.from(table.accuracy);
  const representative = new Map<number, number>();
  for (let i = 0; i < table.total; i++) {
    if (table.status[i] === 255 || table.status[i] === ERROR) continue;
    const key = keys.key(i);
    if (!representative.has(key)) representative.set(key, i);
  }
  const budget = spec.data ? (spec.verify ?? DEFAULT_VERIFY) : 0;
  const preprocessing = spec.data?.preprocessing;
  let predicted = keys.predictAll(table, model);
  const apply = (): void => {
    for (let i = 0; i < table.total; i++) {
      if (table.status[i] === 255 || table.status[i] === ERROR) continue;
      const m = measured.get(keys.key(i));
      table.accuracy[i] = m ?? predicted[i];
    }
  };
  const refitAll = (): void => {
    const points: FitPoint[] = [];
    for (const [key, value] of measured) {
      const ordinal = representative.get(key);
      const p = ordinal === undefined ? null : keys.point(ordinal, value);
      if (p) points.push(p);
    }
    model = refit(model, points);
    predicted = keys.predictAll(table, model);
    apply();
  };
  if (measured.size > 0) refitAll();
  else apply();

  let measurer: Measurer | null = null;
  let cancelled = false;
  const started = performance.now();
  let done = 0;
  try {
    for (let round = 0; round < MAX_VERIFY_ROUNDS && measured.size < budget && !options.signal?.aborted; round++) {
      const wanted = toVerify(prepared, table, keys, measured, budget - measured.size);
      if (wanted.length === 0) break;
      measurer ??= await options.measurer();
      const configs = wanted.map((ordinal) => ({ channels: keys.edits(ordinal), precision: keys.precision(keys.key(ordinal)) }));
      const metric = measurer.metric;
      await runEvaluations(
        measurer,
        configs,
        (i, value) => {
          measured.set(keys.key(wanted[i]), checkFraction(metric, value, `${JSON.stringify(configs[i].channels)} at ${configs[i].precision}`));
          done++;
          const elapsedS = (performance.now() - started) / 1000;
          options.onProgress?.({ done, total: Math.max(done, budget), rate: done / Math.max(elapsedS, 1e-9), etaS: null, elapsedS, phase: 'verify' });
        },
        { preprocessing, signal: options.signal },
      );
      refitAll();
    }
  } catch (error) {
    // A cancel keeps what was verified; anything else fails the sweep.
    if (!(error instanceof EvaluationCancelled)) throw error;
    cancelled = true;
    refitAll();
  }

  const idx: number[] = [];
  const measuredColumn: number[] = [];
  const predictedColumn: number[] = [];
  const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));
  for (let i = 0; i < table.total; i++) {
    if (table.status[i] === 255 || table.status[i] === ERROR) continue;
    const m = measured.get(keys.key(i)) ?? NaN;
    const unchanged = Number.isNaN(m) && same(predicted[i], storedAccuracy[i]) && (Number.isNaN(storedPredicted[i]) || same(storedPredicted[i], predicted[i]));
    if (unchanged) continue;
    idx.push(i);
    measuredColumn.push(m);
    predictedColumn.push(predicted[i]);
  }
  store.writeAccuracy(id, idx, measuredColumn, predictedColumn);
  table.accuracyPredicted = predicted;
  table.accuracyMeasured = new Float64Array(table.total).fill(NaN);
  for (let i = 0; i < table.total; i++) if (table.status[i] !== 255 && table.status[i] !== ERROR) table.accuracyMeasured[i] = measured.get(keys.key(i)) ?? NaN;
  useAccuracyModel(prepared, model);
  store.updateSpec(id, prepared.spec);
  let count = 0;
  for (let i = 0; i < table.total; i++) if (table.status[i] !== 255 && table.status[i] !== ERROR && measured.has(keys.key(i))) count++;
  return { model, measured: count, cancelled: cancelled || Boolean(options.signal?.aborted) };
}

/**
 * The next configurations to verify: unverified members of the 3-D front (evenly spread over the front in accuracy
 * order when there are more than the budget), then each client's choice, up to `budget` distinct configurations.
 */
function toVerify(prepared: PreparedSweep, table: SweepTable, keys: AccuracyKeys, measured: Map<number, number>, budget: number): number[] {
  const flags = frontFlags(table);
  const onFront = new Set<number>();
  const front: number[] = [];
  for (let i = 0; i < table.total; i++) {
    if (!(flags[i] & FRONT_3D)) continue;
    const key = keys.key(i);
    if (measured.has(key) || onFront.has(key)) continue;
    onFront.add(key);
    front.push(i);
  }
  front.sort((a, b) => table.accuracy[b] - table.accuracy[a] || a - b);
  const picked: number[] = [];
  if (front.length <= budget) picked.push(...front);
  else for (let j = 0; j < budget; j++) picked.push(front[Math.floor((j * front.length) / budget)]);
  const seen = new Set(picked.map((i) => keys.key(i)));
  if (picked.length < budget && prepared.spec.clients.length > 0) {
    const choices = chooseAll(prepared.spec.clients, candidates(prepared, table));
    for (const client of prepared.spec.clients) {
      const best = choices[client.name]?.best;
      if (!best || picked.length >= budget) continue;
      const key = keys.key(best.idx);
      if (measured.has(key) || seen.has(key)) continue;
      seen.add(key);
      picked.push(best.idx);
    }
  }
  return picked;
}
