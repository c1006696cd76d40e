// Priors over a runtime's shape (θ[1…5], see params.ts), learned from public measurements.
//
// The population prior is learned by expectation–maximisation over groups (one board under one stack, measured on
// several models): each group is fitted under the current prior, and the prior becomes the mean of the fits and
// their scatter plus their posterior uncertainty (a Laplace approximation). The uncertainty term keeps directions
// the data cannot see at their starting spread instead of collapsing them. A runtime's prior is then the mean of its
// own groups' fits, with the spread groups of one runtime show around their runtime's mean (pooled over runtimes).
import { fitMap, type FitResult, type FitRow, type GaussianPrior } from './fit';
import { spdInverse, zeros, type Matrix } from './linalg';
import { makeLayout, SCALE, SHAPE_COUNT } from './params';

export interface ShapePrior {
  /** Mean of θ[1…5]. */
  mean: number[];
  /** Covariance of θ[1…5]. */
  covariance: Matrix;
}

export interface PriorGroup {
  rows: FitRow[];
  measured: number[];
}

/** Measurement noise of one latency in log space, used for learning and calibrating alike (≈ 5 %). */
export const MEASUREMENT_SIGMA = 0.05;
/** EM rounds; the fits settle well before. */
export const EM_ROUNDS = 15;
/** Smallest standard deviation a prior direction keeps (0.03 ≈ 3 %), so no ratio is ever taken as exact. */
export const PRIOR_FLOOR = 0.03;
/** Smallest within-runtime spread: two boards under one stack still differ by ~5 % in each ratio. */
export const WITHIN_FLOOR = 0.05;

/**
 * Where EM starts (the hyperprior): rough physical expectations on a Cortex-M class core, each with a wide spread.
 * depthwise ≈ 3× a conv MAC (9 MACs per loaded input, no reuse across channels); dense ≈ 1.5× (weights read once);
 * an element of a MAC-less operator ≈ 10 conv MACs (load, rescale, store); an operator invocation ≈ 3,000 and an
 * inference ≈ 30,000 conv MACs of fixed work. Standard deviations 1–3 in log space (factors of 3–20).
 */
export const STARTING_PRIOR: ShapePrior = {
  mean: [Math.log(3), Math.log(1.5), Math.log(10), Math.log(3e3), Math.log(3e4)],
  covariance: [1, 1, 2, 2, 3].map((sd, i) => [1, 1, 2, 2, 3].map((_, j) => (i === j ? sd * sd : 0))),
};

/** The int8-only layout every public measurement uses. */
export const INT8_LAYOUT = makeLayout('int8', []);

/** A Gaussian prior on the full layout: flat scale, the shape prior, then independent precision offsets. */
export function gaussianPrior(shape: ShapePrior, offsets: readonly { mean: number; sd: number }[] = []): GaussianPrior {
  const n = 1 + SHAPE_COUNT + offsets.length;
  const precision = zeros(n, n);
  const inv = spdInverse(shape.covariance);
  for (let i = 0; i < SHAPE_COUNT; i++) for (let j = 0; j < SHAPE_COUNT; j++) precision[1 + i][1 + j] = inv[i][j];
  offsets.forEach((o, k) => (precision[1 + SHAPE_COUNT + k][1 + SHAPE_COUNT + k] = 1 / (o.sd * o.sd)));
  const mean = [0, ...shape.mean, ...offsets.map((o) => o.mean)];
  return { mean, precision };
}

export function fitGroup(group: PriorGroup, prior: GaussianPrior): FitResult {
  return fitMap(group.rows, group.measured, prior, { sigma: MEASUREMENT_SIGMA, scaleParam: SCALE });
}

export interface LearnedPopulation {
  prior: ShapePrior;
  /** Each group's fit under the learned prior, in input order. */
  fits: FitResult[];
}

export function learnPopulationPrior(groups: readonly PriorGroup[], start: ShapePrior = STARTING_PRIOR): LearnedPopulation {
  if (groups.length < 2) throw new Error('learning a prior needs at least two groups');
  let prior = start;
  let fits: FitResult[] = [];
  for (let round = 0; round <= EM_ROUNDS; round++) {
    const gaussian = gaussianPrior(prior);
    fits = groups.map((g) => fitGroup(g, gaussian));
    if (round === EM_ROUNDS) break;
    const mean = new Array<number>(SHAPE_COUNT).fill(0);
    for (const f of fits) for (let a = 0; a < SHAPE_COUNT; a++) mean[a] += f.theta[1 + a] / fits.length;
    const covariance = zeros(SHAPE_COUNT, SHAPE_COUNT);
    for (const f of fits) {
      for (let a = 0; a < SHAPE_COUNT; a++) {
        for (let b = 0; b < SHAPE_COUNT; b++) {
          const da = f.theta[1 + a] - mean[a];
          const db = f.theta[1 + b] - mean[b];
          covariance[a][b] += (da * db + f.covariance[1 + a][1 + b]) / fits.length;
        }
      }
    }
    for (let a = 0; a < SHAPE_COUNT; a++) covariance[a][a] += PRIOR_FLOOR * PRIOR_FLOOR;
    prior = { mean, covariance };
  }
  return { prior, fits };
}

/**
 * The spread of groups around their own runtime's mean shape, pooled over every runtime with two groups or more
 * (plus the floor): how far a new board under a known stack may stray from that stack's other boards.
 */
export function withinRuntimeCovariance(fits: readonly FitResult[], runtimes: readonly string[]): Matrix {
  const byRuntime = new Map<string, FitResult[]>();
  fits.forEach((f, i) => byRuntime.set(runtimes[i], [...(byRuntime.get(runtimes[i]) ?? []), f]));
  const covariance = zeros(SHAPE_COUNT, SHAPE_COUNT);
  let dof = 0;
  for (const members of byRuntime.values()) {
    if (members.length < 2) continue;
    const mean = shapeMean(members);
    for (const f of members) {
      for (let a = 0; a < SHAPE_COUNT; a++) {
        for (let b = 0; b < SHAPE_COUNT; b++) covariance[a][b] += (f.theta[1 + a] - mean[a]) * (f.theta[1 + b] - mean[b]);
      }
    }
    dof += members.length - 1;
  }
  for (let a = 0; a < SHAPE_COUNT; a++) {
    for (let b = 0; b < SHAPE_COUNT; b++) covariance[a][b] = dof > 0 ? covariance[a][b] / dof : 0;
    covariance[a][a] += WITHIN_FLOOR * WITHIN_FLOOR;
  }
  return covariance;
}

export function shapeMean(fits: readonly FitResult[]): number[] {
  const mean = new Array<number>(SHAPE_COUNT).fill(0);
  for (const f of fits) for (let a = 0; a < SHAPE_COUNT; a++) mean[a] += f.theta[1 + a] / fits.length;
  return mean;
}

/**
 * A runtime's prior from the fits of its `n` groups: their mean shape, with the within-runtime spread widened by
 * the uncertainty of a mean of n (× (1 + 1/n)).
 */
export function runtimeShapePrior(members: readonly FitResult[], within: Matrix): ShapePrior {
  const n = members.length;
  if (n === 0) throw new Error('a runtime prior needs at least one fitted group');
  return { mean: shapeMean(members), covariance: within.map((row) => row.map((v) => v * (1 + 1 / n))) };
}
