// The accuracy model `measured`: a configuration's accuracy predicted from a sensitivity analysis run on real data
// (each prunable layer pruned alone, each precision on the unpruned model), with the way several layers' drops
// combine learned from configurations verified on the same data. See docs/sweeps.md, "Measured accuracy".
//
// Every layer's drop at a fraction of channels kept is read off its measured curve (made monotone: keeping fewer
// channels never helps; 0 at everything kept); S is their sum and L the sum of log(1 − drop/base). A predictor turns
// (base at the configuration's precision, S, L) into a value; which predictor is chosen by its leave-one-out error
// over the verified configurations, and that error gives the band.
import { UsageError } from '../cli/valueList';
import { BAND_Z } from '../latency/model';
import { parsePrecision } from './precision';

/** How the layers' drops combine: `base − S`, `base − a·S`, `base − a·S − b·S²`, `base · exp(a·L)`. */
export type MeasuredForm = 'additive' | 'scaled' | 'quadratic' | 'multiplicative';
/** Simplest first: on equal leave-one-out error the simpler predictor is kept. */
export const MEASURED_FORMS: readonly MeasuredForm[] = ['additive', 'scaled', 'multiplicative', 'quadratic'];
/** Verified configurations a form needs before it is fitted (with fewer, its leave-one-out error means little). */
export const MIN_POINTS: Readonly<Record<MeasuredForm, number>> = { additive: 0, scaled: 2, multiplicative: 2, quadratic: 4 };
/** The band's nominal coverage: ±BAND_Z σ holds 80 % of normal errors, as the latency band does. */
export const NOMINAL_COVERAGE = 0.8;

/** One layer (or Add group, named by its first member) measured alone at several channel counts. */
export interface MeasuredCurve {
  layer: string;
  /** Layers tied to it by an Add (pruned together); absent or [layer] when untied. */
  group?: string[];
  /** Measured at the model's `reference` precision. */
  points: { fractionKept: number; value: number }[];
}

export interface MeasuredBand {
  /** The band is the predicted value ± this (clamped to [0, 1]): BAND_Z × the leave-one-out error. */
  halfWidth: number;
  /** Root mean square of the chosen predictor's leave-one-out residuals over the verified configurations. */
  looError: number;
  /** Share of verified configurations inside the band predicted without them; null with fewer than two. */
  coverage: number | null;
  nominal: number;
  /** Verified configurations it comes from. */
  points: number;
}

export interface MeasuredModel {
  kind: 'measured';
  metric: string;
  /** Precision → the metric of the unpruned model at it. */
  base: Record<string, number>;
  /** The precision the layer curves were measured at. */
  reference: string;
  layers: MeasuredCurve[];
  form: MeasuredForm;
  /** scaled: [a]; quadratic: [a, b]; multiplicative: [a]; additive: []. */
  coefficients: number[];
  /** Null until configurations have been verified. */
  band: MeasuredBand | null;
  /** Each candidate predictor's leave-one-out error when the form was chosen (null: too few points to fit it). */
  candidates?: { form: MeasuredForm; looError: number | null }[];
}

/** A verified configuration reduced to what the predictors read. */
export interface FitPoint {
  /** The base value at its precision. */
  base: number;
  s: number;
  l: number;
  /** The measured value. */
  value: number;
}

export const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** A drop curve: ascending fractions kept and the drop at each, non-increasing, ending at (1, 0). */
export interface DropCurve {
  xs: number[];
  ys: number[];
}

/**
 * The drops of a layer's measured points, made non-increasing in the fraction kept by pooling adjacent violators
 * (a noisy point where pruning more "helped" is averaged with its neighbour), floored at 0, with (1, 0) appended.
 */
export function dropCurve(curve: MeasuredCurve, base: number): DropCurve {
  const sorted = curve.points.filter((p) => p.fractionKept < 1).sort((a, b) => a.fractionKept - b.fractionKept);
  const blocks: { xs: number[]; y: number; w: number }[] = [];
  for (const p of sorted) {
    blocks.push({ xs: [p.fractionKept], y: base - p.value, w: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2].y < blocks[blocks.length - 1].y) {
      const b = blocks.pop() as { xs: number[]; y: number; w: number };
      const a = blocks[blocks.length - 1];
      a.y = (a.y * a.w + b.y * b.w) / (a.w + b.w);
      a.w += b.w;
      a.xs.push(...b.xs);
    }
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (const b of blocks) for (const x of b.xs) {
    xs.push(x);
    ys.push(Math.max(0, b.y));
  }
  xs.push(1);
  ys.push(0);
  return { xs, ys };
}

/** The drop at a fraction kept: linear between measured points, the deepest measured drop below them, 0 at 1 and above. */
export function dropAt(curve: DropCurve, f: number): number {
  const { xs, ys } = curve;
  if (f >= 1) return 0;
  if (f <= xs[0]) return ys[0];
  let i = 1;
  while (xs[i] < f) i++;
  return ys[i - 1] + ((ys[i] - ys[i - 1]) * (f - xs[i - 1])) / (xs[i] - xs[i - 1]);
}

/** The log of what a layer's drop leaves of the reference base (the multiplicative predictor's term). */
export const logKept = (drop: number, base: number): number => Math.log(Math.max(1e-9, 1 - (base > 0 ? drop / base : 0)));

/** The model's curves ready for use: per layer its drop curve and the reference base. */
export interface PreparedMeasured {
  model: MeasuredModel;
  refBase: number;
  curves: { layer: string; curve: DropCurve }[];
}

export function prepareMeasured(model: MeasuredModel): PreparedMeasured {
  const refBase = model.base[model.reference];
  return { model, refBase, curves: model.layers.map((l) => ({ layer: l.layer, curve: dropCurve(l, refBase) })) };
}

/** S and L of a configuration, from each measured layer's fraction of channels kept (absent: 1). */
export function dropSums(prepared: PreparedMeasured, fractionKept: (layer: string) => number): { s: number; l: number } {
  let s = 0;
  let l = 0;
  for (const { layer, curve } of prepared.curves) {
    const d = dropAt(curve, fractionKept(layer));
    s += d;
    l += logKept(d, prepared.refBase);
  }
  return { s, l };
}

/** A form's value (unclamped) for a base, S and L. */
export function predictRaw(form: MeasuredForm, c: readonly number[], base: number, s: number, l: number): number {
  switch (form) {
    case 'additive':
      return base - s;
    case 'scaled':
      return base - c[0] * s;
    case 'quadratic': {
      // A fitted b < 0 bends the drop back down past its peak at S = −a/2b: it stays at the peak (cutting more never
      // predicts better).
      const peak = c[1] < 0 && c[0] > 0 ? -c[0] / (2 * c[1]) : Infinity;
      const x = s < peak ? s : peak;
      return base - c[0] * x - c[1] * x * x;
    }
    case 'multiplicative':
      return base * Math.exp(c[0] * l);
  }
}

/** The value, in [0, 1], rounded to 12 decimals so 0.85 − 0.04 reads 0.81 (as the other accuracy models do). */
export const predict = (form: MeasuredForm, c: readonly number[], base: number, s: number, l: number): number =>
  Math.round(clamp01(predictRaw(form, c, base, s, l)) * 1e12) / 1e12;

/** A configuration's predicted value under a model: NaN when its precision was not measured. */
export function predictConfiguration(prepared: PreparedMeasured, precision: string, fractionKept: (layer: string) => number): number {
  const base = prepared.model.base[precision];
  if (base === undefined) return NaN;
  const { s, l } = dropSums(prepared, fractionKept);
  return predict(prepared.model.form, prepared.model.coefficients, base, s, l);
}

/** The band around a predicted value; null without a band. */
export function bandAround(model: MeasuredModel, predicted: number | null): { low: number; high: number } | null {
  if (!model.band || predicted === null || Number.isNaN(predicted)) return null;
  return { low: clamp01(predicted - model.band.halfWidth), high: clamp01(predicted + model.band.halfWidth) };
}

/** The sums the least-squares fits need; a point's share can be taken out again (leave-one-out in O(1)). */
interface FitSums {
  n: number;
  ss: number;
  s3: number;
  s4: number;
  ds: number;
  ds2: number;
  ll: number;
  tl: number;
}

function addPoint(sums: FitSums, p: FitPoint, sign: 1 | -1): void {
  const d = p.base - p.value;
  sums.n += sign;
  sums.ss += sign * p.s * p.s;
  sums.s3 += sign * p.s ** 3;
  sums.s4 += sign * p.s ** 4;
  sums.ds += sign * d * p.s;
  sums.ds2 += sign * d * p.s * p.s;
  sums.ll += sign * p.l * p.l;
  sums.tl += sign * Math.log(Math.max(1e-9, p.value) / p.base) * p.l;
}

function sumsOf(points: readonly FitPoint[]): FitSums {
  const sums: FitSums = { n: 0, ss: 0, s3: 0, s4: 0, ds: 0, ds2: 0, ll: 0, tl: 0 };
  for (const p of points) addPoint(sums, p, 1);
  return sums;
}

function coefficientsOf(form: MeasuredForm, t: FitSums): number[] | null {
  if (form === 'additive') return [];
  if (t.n < 1) return null;
  if (form === 'scaled') return t.ss > 1e-12 ? [t.ds / t.ss] : null;
  if (form === 'multiplicative') return t.ll > 1e-12 ? [t.tl / t.ll] : null;
  const det = t.ss * t.s4 - t.s3 * t.s3;
  if (!(det > 1e-9 * t.ss * t.s4) || t.ss <= 1e-12) return null;
  return [(t.ds * t.s4 - t.ds2 * t.s3) / det, (t.ss * t.ds2 - t.s3 * t.ds) / det];
}

/** Least-squares coefficients of a form on some points; null when they do not determine it. */
export function fitForm(form: MeasuredForm, points: readonly FitPoint[]): number[] | null {
  return coefficientsOf(form, sumsOf(points));
}

/** Leave-one-out residuals (measured − predicted without it) of a form; null when some fit is undetermined. */
export function looResiduals(form: MeasuredForm, points: readonly FitPoint[]): number[] | null {
  const sums = sumsOf(points);
  const out: number[] = [];
  for (const p of points) {
    addPoint(sums, p, -1);
    const c = coefficientsOf(form, sums);
    addPoint(sums, p, 1);
    if (!c) return null;
    out.push(p.value - predict(form, c, p.base, p.s, p.l));
  }
  return out;
}

const rms = (xs: readonly number[]): number => Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / xs.length);

export interface MeasuredFit {
  form: MeasuredForm;
  coefficients: number[];
  /** Null without points. */
  looError: number | null;
  candidates: { form: MeasuredForm; looError: number | null }[];
}

/** Every form with enough points fitted; the one of smallest leave-one-out error kept (additive without points). */
export function chooseForm(points: readonly FitPoint[]): MeasuredFit {
  const candidates = MEASURED_FORMS.map((form) => {
    if (points.length === 0 || points.length < MIN_POINTS[form]) return { form, looError: null };
    const residuals = looResiduals(form, points);
    return { form, looError: residuals ? rms(residuals) : null };
  });
  let best: { form: MeasuredForm; looError: number | null } = candidates[0];
  for (const c of candidates) {
    // Simplest first: another form must do measurably better to be chosen.
    if (c.looError !== null && best.looError !== null && c.looError < best.looError - 1e-12) best = c;
  }
  const coefficients = fitForm(best.form, points) ?? [];
  return { form: best.form, coefficients, looError: best.looError, candidates };
}

/**
 * The share of points inside the band predicted without them: for each point the whole choice (form, fit, band
 * width) is made again on the others, so the figure is what a new configuration should expect.
 */
export function bandCoverage(points: readonly FitPoint[]): number | null {
  if (points.length < 2) return null;
  let inside = 0;
  for (let j = 0; j < points.length; j++) {
    const others = points.filter((_, i) => i !== j);
    const fit = chooseForm(others);
    const p = points[j];
    const predicted = predict(fit.form, fit.coefficients, p.base, p.s, p.l);
    const half = BAND_Z * (fit.looError ?? 0);
    if (p.value >= clamp01(predicted - half) - 1e-12 && p.value <= clamp01(predicted + half) + 1e-12) inside++;
  }
  return inside / points.length;
}

/** The model refitted on verified configurations: its form, coefficients and band. */
export function refit(model: MeasuredModel, points: readonly FitPoint[]): MeasuredModel {
  const fit = chooseForm(points);
  return {
    ...model,
    form: fit.form,
    coefficients: fit.coefficients,
    candidates: fit.candidates,
    band:
      fit.looError === null
        ? null
        : { halfWidth: BAND_Z * fit.looError, looError: fit.looError, coverage: bandCoverage(points), nominal: NOMINAL_COVERAGE, points: points.length },
  };
}

/** A fit point for a configuration of the model: its precision's base, S and L, and its measured value. */
export function fitPoint(prepared: PreparedMeasured, precision: string, fractionKept: (layer: string) => number, value: number): FitPoint | null {
  const base = prepared.model.base[precision];
  if (base === undefined) return null;
  return { base, ...dropSums(prepared, fractionKept), value };
}

/** Metrics where lower is better cannot be the accuracy axis (the fronts maximise it). */
export const ERROR_METRICS: readonly string[] = ['mae', 'mse', 'meanError'];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFraction = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1;

/** Checks a measured model that may come from a file, the app or the database, field by field. */
export function validateMeasuredModel(m: Record<string, unknown>): void {
  if (!isRecord(m.base) || Object.keys(m.base).length === 0) throw new UsageError('a measured accuracy model needs "base": precision → fraction');
  for (const [p, v] of Object.entries(m.base)) {
    parsePrecision(p);
    if (!isFraction(v)) throw new UsageError(`measured base ${p} must be a fraction between 0 and 1, got ${JSON.stringify(v)}`);
  }
  if (typeof m.reference !== 'string' || !(m.reference in m.base)) {
    throw new UsageError(`a measured accuracy model's "reference" must be one of its base precisions (${Object.keys(m.base).join(', ')}), got ${JSON.stringify(m.reference)}`);
  }
  if (!Array.isArray(m.layers)) throw new UsageError('a measured accuracy model needs "layers": a list of measured layers');
  m.layers.forEach((l: unknown, i: number) => {
    if (!isRecord(l) || typeof l.layer !== 'string') throw new UsageError(`measured layer ${i + 1} needs a "layer" name`);
    if (l.group !== undefined && !(Array.isArray(l.group) && l.group.every((g) => typeof g === 'string'))) {
      throw new UsageError(`measured layer ${l.layer}: "group" must be a list of layer names`);
    }
    if (!Array.isArray(l.points)) throw new UsageError(`measured layer ${l.layer} needs "points"`);
    for (const p of l.points as unknown[]) {
      if (!isRecord(p) || !isFraction(p.fractionKept) || !isFraction(p.value)) {
        throw new UsageError(`measured layer ${l.layer}: each point needs "fractionKept" and "value", fractions between 0 and 1; got ${JSON.stringify(p)}`);
      }
    }
  });
  if (!MEASURED_FORMS.includes(m.form as MeasuredForm)) throw new UsageError(`a measured accuracy model's form must be one of ${MEASURED_FORMS.join(', ')}, got ${JSON.stringify(m.form)}`);
  const need = { additive: 0, scaled: 1, multiplicative: 1, quadratic: 2 }[m.form as MeasuredForm];
  if (!Array.isArray(m.coefficients) || m.coefficients.length !== need || !m.coefficients.every((c) => typeof c === 'number' && Number.isFinite(c))) {
    throw new UsageError(`a measured accuracy model of form ${m.form as string} needs ${need} finite coefficient${need === 1 ? '' : 's'}, got ${JSON.stringify(m.coefficients)}`);
  }
  if (m.band !== null && m.band !== undefined) {
    const b = m.band;
    if (!isRecord(b) || typeof b.halfWidth !== 'number' || !(b.halfWidth >= 0) || typeof b.looError !== 'number' || !(b.looError >= 0)) {
      throw new UsageError(`a measured accuracy model's band needs "halfWidth" and "looError" (≥ 0), got ${JSON.stringify(b)}`);
    }
  }
  if (typeof m.metric === 'string' && ERROR_METRICS.includes(m.metric)) {
    throw new UsageError(`the metric ${m.metric} is an error (lower is better); the accuracy axis needs a metric where higher is better (accuracy, macroF1, balancedAccuracy, auc, top5…)`);
  }
}
