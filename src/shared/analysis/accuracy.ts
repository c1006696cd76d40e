// Accuracy models. Values are fractions (0.93, not 93 %); the metric they measure is named by the user.
import { UsageError } from '../cli/valueList';
import type { ChannelEdits } from '../model/edit';
import { parsePrecision } from './precision';
import { validateMeasuredModel, type MeasuredModel } from './measuredAccuracy';

export type { MeasuredModel } from './measuredAccuracy';

/** The exam's model: a base value minus a fixed penalty for each technique applied. */
export interface PenaltyModel {
  kind: 'penalties';
  metric: string;
  base: number;
  /** `pruned` and precision names (`int8`, `fp16`, `w4a8`…) → penalty. */
  penalties: Record<string, number>;
}

/** A measured configuration: its edits and precision, and the metric measured for it. */
export interface CalibrationPoint extends ChannelEdits {
  precision: string;
  value: number;
}

/** Measured points, interpolated monotonically over the fraction of MACs retained, per precision. */
export interface CalibratedModel {
  kind: 'calibrated';
  metric: string;
  points: CalibrationPoint[];
}

/** `measured`: predicted from a sensitivity analysis on real data and verified configurations (measuredAccuracy.ts). */
export type AccuracyModel = PenaltyModel | CalibratedModel | MeasuredModel;

/** What an accuracy model needs to know about one configuration. */
export interface AccuracyInput {
  pruned: boolean;
  /** The model-wide precision name. */
  precision: string;
  /** Distinct precision names used by any layer. */
  precisionsUsed: string[];
  /** MACs of the configuration ÷ MACs of the unedited model. */
  macsFraction: number;
}

export interface AccuracyEstimate {
  value: number | null;
  /** How the value came about, in words (penalties applied, points interpolated, or why there is none). */
  basis: string;
}

/** Floating-point sums like 0.93 − 0.05 − 0.03 are rounded to 12 decimals so 0.85 stays 0.85. */
export const tidy = (x: number): number => Math.round(x * 1e12) / 1e12;

/** A bad value in an accuracy model is a usage error (the user's input), never a failure of Frontier. */
export function checkFraction(what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    if (value === undefined) throw new UsageError(`${what} is missing; it must be a fraction between 0 and 1 (e.g. 0.93)`);
    throw new UsageError(`${what} must be a fraction between 0 and 1 (e.g. 0.93), got ${JSON.stringify(value) ?? String(value)}`);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks an accuracy model that may have come from outside (a file, the app, the database) field by field. */
export function validateAccuracyModel(model: AccuracyModel): void {
  const m = model as unknown;
  if (!isRecord(m)) throw new UsageError('the accuracy model must be an object');
  if (m.kind !== 'penalties' && m.kind !== 'calibrated' && m.kind !== 'measured') {
    throw new UsageError(`the accuracy model's kind must be penalties, calibrated or measured, got ${JSON.stringify(m.kind) ?? 'nothing'}`);
  }
  if (m.metric !== undefined && typeof m.metric !== 'string') throw new UsageError('the accuracy metric must be a name');
  if (model.kind === 'measured') {
    validateMeasuredModel(m);
    return;
  }
  if (model.kind === 'penalties') {
    checkFraction('base accuracy', model.base);
    if (!isRecord(model.penalties)) throw new UsageError('the penalties must be an object of name → fraction');
    for (const [name, penalty] of Object.entries(model.penalties)) {
      if (name !== 'pruned') parsePrecision(name);
      checkFraction(`penalty ${name}`, penalty);
    }
    return;
  }
  if (!Array.isArray(model.points) || model.points.length === 0) {
    throw new UsageError('a calibrated accuracy model needs at least one measured point');
  }
  model.points.forEach((p, i) => {
    if (!isRecord(p)) throw new UsageError(`calibration point ${i + 1} must be an object`);
    if (typeof p.precision !== 'string') throw new UsageError(`calibration point ${i + 1} needs a precision (fp32, int8…)`);
    for (const key of ['channels', 'prune'] as const) {
      const edits = p[key] as unknown;
      if (edits === undefined || edits === null) continue;
      if (!isRecord(edits) || !Object.values(edits).every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new UsageError(`calibration point ${i + 1}: ${key} must be an object of layer → number`);
      }
    }
    parsePrecision(p.precision);
    checkFraction(`calibration point ${i + 1} value`, p.value);
  });
}

export function penaltyAccuracy(model: PenaltyModel, input: AccuracyInput): AccuracyEstimate {
  let value = model.base;
  const applied: string[] = [];
  const missing: string[] = [];
  if (input.pruned) {
    value -= model.penalties.pruned ?? 0;
    applied.push(`pruned −${model.penalties.pruned ?? 0}`);
  }
  for (const precision of input.precisionsUsed) {
    if (precision === 'fp32') continue;
    const penalty = model.penalties[precision];
    if (penalty === undefined) missing.push(precision);
    value -= penalty ?? 0;
    applied.push(`${precision} −${penalty ?? 0}`);
  }
  const notes = missing.length > 0 ? `; no penalty given for ${missing.join(', ')} (counted as 0)` : '';
  return {
    value: tidy(value),
    basis: `base ${model.base}${applied.length > 0 ? ' ' + applied.join(' ') : ''}${notes}`,
  };
}

/** Calibration points reduced to (MACs fraction, value) pairs per precision, sorted and made monotone. */
export type CalibrationCurves = Map<string, { x: number; y: number }[]>;

/**
 * Builds monotone curves: for each precision, points sorted by MACs fraction, then pool-adjacent-violators so the
 * value never falls as more MACs are kept (isotonic regression), then linear interpolation between them.
 */
export function calibrationCurves(points: { precision: string; macsFraction: number; value: number }[]): CalibrationCurves {
  const byPrecision = new Map<string, { x: number; y: number; w: number }[]>();
  for (const p of points) {
    const name = parsePrecision(p.precision).name;
    const list = byPrecision.get(name) ?? [];
    list.push({ x: p.macsFraction, y: p.value, w: 1 });
    byPrecision.set(name, list);
  }
  const curves: CalibrationCurves = new Map();
  for (const [name, list] of byPrecision) {
    list.sort((a, b) => a.x - b.x);
    // Merge equal x first (average), then enforce monotonicity.
    const merged: { x: number; y: number; w: number }[] = [];
    for (const p of list) {
      const last = merged[merged.length - 1];
      if (last && last.x === p.x) {
        last.y = (last.y * last.w + p.y) / (last.w + 1);
        last.w += 1;
      } else merged.push({ ...p });
    }
    const blocks: { xs: number[]; y: number; w: number }[] = [];
    for (const p of merged) {
      blocks.push({ xs: [p.x], y: p.y, w: p.w });
      while (blocks.length > 1 && blocks[blocks.length - 2].y > blocks[blocks.length - 1].y) {
        const b = blocks.pop() as { xs: number[]; y: number; w: number };
        const a = blocks[blocks.length - 1];
        a.y = (a.y * a.w + b.y * b.w) / (a.w + b.w);
        a.w += b.w;
        for (const x of b.xs) a.xs.push(x);
      }
    }
    curves.set(
      name,
      blocks.flatMap((b) => b.xs.map((x) => ({ x, y: b.y }))),
    );
  }
  return curves;
}

export function interpolate(curve: { x: number; y: number }[], x: number): number {
  if (x <= curve[0].x) return curve[0].y;
  const last = curve[curve.length - 1];
  if (x >= last.x) return last.y;
  let i = 1;
  while (curve[i].x < x) i++;
  const a = curve[i - 1];
  const b = curve[i];
  return a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x);
}

export function calibratedAccuracy(curves: CalibrationCurves, input: AccuracyInput): AccuracyEstimate {
  const curve = curves.get(input.precision);
  if (!curve) {
    const have = [...curves.keys()].join(', ');
    return { value: null, basis: `no measured points for ${input.precision} (measured: ${have})` };
  }
  const lo = curve[0].x;
  const hi = curve[curve.length - 1].x;
  const clamped = input.macsFraction < lo || input.macsFraction > hi;
  const pct = (input.macsFraction * 100).toFixed(1);
  return {
    value: tidy(interpolate(curve, input.macsFraction)),
    basis:
      `${curve.length} measured point${curve.length > 1 ? 's' : ''} for ${input.precision} at ${pct} % of MACs` +
      (clamped ? ' (outside the measured range: nearest point used)' : ''),
  };
}
