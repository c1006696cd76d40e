// Maximum a-posteriori fit of a latency model in log space, regularised toward a Gaussian prior.
//
// A measurement's predicted latency is a sum of positive terms, rate × work, where each rate is the exponential of a
// sum of parameters (e.g. log seconds per conv MAC + log depthwise/conv ratio + log fp32/int8 ratio). The fit
// minimises  Σ (log measured − log predicted)² / σ²  +  (θ − μ)ᵀ P (θ − μ)  by Levenberg–Marquardt. With P from a
// prior learned on public data, one measurement moves only what it can (the overall scale when the scale prior is
// flat); more measurements free more parameters, and the prior keeps the fit from chasing noise.
import { cholesky, choleskySolve, logDetFromCholesky, quadForm, spdInverse, type Matrix } from './linalg';

/** One measured (or to-be-predicted) run: its work per term and which parameters make up each term's log rate. */
export interface FitRow {
  /** Work per term (MACs, elements, operator count, 1 for the per-inference term…); zeros allowed. */
  work: readonly number[];
  /** For each term, the indices of the parameters whose sum is its log rate. */
  rateParams: readonly (readonly number[])[];
}

export interface GaussianPrior {
  mean: readonly number[];
  /** Inverse covariance; a zero row/column leaves that parameter flat (unpenalised). */
  precision: Matrix;
}

export interface FitResult {
  theta: number[];
  /** Posterior covariance (Gauss–Newton Laplace approximation). */
  covariance: Matrix;
  /** Log residuals, measured − predicted. */
  residuals: number[];
  /** The minimised objective. */
  objective: number;
  /** log det of the posterior precision, for evidence comparisons. */
  logDetPosterior: number;
  iterations: number;
}

/** Predicted seconds of a row at θ. */
export function predictRow(row: FitRow, theta: readonly number[]): number {
  let total = 0;
  for (let k = 0; k < row.work.length; k++) {
    const w = row.work[k];
    if (w === 0) continue;
    let logRate = 0;
    for (const j of row.rateParams[k]) logRate += theta[j];
    total += Math.exp(logRate) * w;
  }
  return total;
}

/** Fills `grad` with ∂ log f / ∂θ and returns f. */
function rowGradient(row: FitRow, theta: readonly number[], grad: number[]): number {
  grad.fill(0);
  let total = 0;
  const parts: number[] = [];
  for (let k = 0; k < row.work.length; k++) {
    const w = row.work[k];
    if (w === 0) {
      parts.push(0);
      continue;
    }
    let logRate = 0;
    for (const j of row.rateParams[k]) logRate += theta[j];
    const part = Math.exp(logRate) * w;
    parts.push(part);
    total += part;
  }
  for (let k = 0; k < row.work.length; k++) {
    if (parts[k] === 0) continue;
    const share = parts[k] / total;
    for (const j of row.rateParams[k]) grad[j] += share;
  }
  return total;
}

/** ∂ log f / ∂θ of a row at θ, as a new array (f: the row's predicted seconds). */
export function rowLogGradient(row: FitRow, theta: readonly number[]): number[] {
  const grad = new Array<number>(theta.length).fill(0);
  rowGradient(row, theta, grad);
  return grad;
}

export interface FitOptions {
  /** Standard deviation of a measurement's log error (0.05 ≈ 5 %). */
  sigma: number;
  /** Index of the overall scale parameter, set first so the mean log residual is zero. */
  scaleParam?: number;
  maxIterations?: number;
}

/**
 * The MAP parameters for measured seconds `measured` of `rows` under `prior`. Throws when the problem is
 * degenerate (no rows, non-positive times).
 */
export function fitMap(rows: readonly FitRow[], measured: readonly number[], prior: GaussianPrior, options: FitOptions): FitResult {
  const n = prior.mean.length;
  const m = rows.length;
  if (m === 0) throw new Error('a fit needs at least one measurement');
  const y = measured.map((s) => {
    if (!(s > 0) || !Number.isFinite(s)) throw new Error(`a measured time must be a positive number of seconds, got ${s}`);
    return Math.log(s);
  });
  const s2 = options.sigma * options.sigma;
  const theta = prior.mean.slice();
  if (options.scaleParam !== undefined) {
    let shift = 0;
    for (let i = 0; i < m; i++) shift += y[i] - Math.log(predictRow(rows[i], theta));
    theta[options.scaleParam] += shift / m;
  }
  const grad = new Array<number>(n).fill(0);
  const objective = (t: readonly number[]): number => {
    let q = 0;
    for (let i = 0; i < m; i++) {
      const r = y[i] - Math.log(predictRow(rows[i], t));
      q += (r * r) / s2;
    }
    const d = t.map((v, j) => v - prior.mean[j]);
    return q + quadForm(prior.precision, d);
  };
  /** Gauss–Newton normal matrix and gradient of −½·objective at t. */
  const normal = (t: readonly number[]): { h: Matrix; g: number[]; residuals: number[] } => {
    const h: Matrix = prior.precision.map((row) => row.slice());
    const d = t.map((v, j) => v - prior.mean[j]);
    const g = prior.precision.map((row) => -row.reduce((s, v, j) => s + v * d[j], 0));
    const residuals: number[] = [];
    for (let i = 0; i < m; i++) {
      const f = rowGradient(rows[i], t, grad);
      const r = y[i] - Math.log(f);
      residuals.push(r);
      for (let a = 0; a < n; a++) {
        if (grad[a] === 0) continue;
        g[a] += (grad[a] * r) / s2;
        for (let b = 0; b < n; b++) h[a][b] += (grad[a] * grad[b]) / s2;
      }
    }
    return { h, g, residuals };
  };

  let current = objective(theta);
  let lambda = 1e-3;
  let iterations = 0;
  const maxIterations = options.maxIterations ?? 100;
  for (; iterations < maxIterations; iterations++) {
    const { h, g } = normal(theta);
    let improved = false;
    let stepSize = 0;
    while (lambda < 1e12) {
      const damped = h.map((row, a) => row.map((v, b) => (a === b ? v + lambda * Math.max(v, 1e-9) : v)));
      const l = cholesky(damped);
      if (!l) {
        lambda *= 10;
        continue;
      }
      const step = choleskySolve(l, g);
      const next = theta.map((v, j) => v + step[j]);
      const value = objective(next);
      if (value < current) {
        stepSize = Math.max(...step.map(Math.abs));
        for (let j = 0; j < n; j++) theta[j] = next[j];
        improved = current - value > 1e-14 * Math.max(1, current);
        current = value;
        lambda = Math.max(lambda / 3, 1e-12);
        break;
      }
      lambda *= 5;
    }
    if (!improved || stepSize < 1e-10) break;
  }
  const { h, residuals } = normal(theta);
  const l = cholesky(h);
  if (!l) throw new Error('the measurements do not determine the latency model (singular fit)');
  return {
    theta,
    covariance: spdInverse(h),
    residuals,
    objective: current,
    logDetPosterior: logDetFromCholesky(l),
    iterations,
  };
}
