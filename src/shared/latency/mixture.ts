// Calibration without a runtime named: Bayesian model averaging over the known stacks. Each built-in runtime's prior
// (weighted by how many public groups it has) and the population's prior (weight 1, for a stack unlike any known one)
// is fitted to the measurements; each fit is weighted by its evidence (a Laplace approximation of how probable the
// measurements are under that prior), and the parameters are averaged with those weights. With one measurement every
// prior explains it equally well and the weights stay the prior weights; with more, the stacks that explain the
// ratios between the measurements take over. The scale is then set on the averaged shape.
import { cholesky, logDetFromCholesky } from './linalg';
import { fitMap, predictRow, type FitResult, type FitRow } from './fit';
import { SCALE } from './params';
import { gaussianPrior, MEASUREMENT_SIGMA, type ShapePrior } from './prior';

export interface PriorComponent {
  /** A runtime id, or `population`. */
  id: string;
  shape: ShapePrior;
  /** Prior weight (a count of public groups). */
  weight: number;
}

export interface AveragedFit {
  theta: number[];
  /** The weighted average of the components' θ before the scale was set again, and each component's fit. */
  averaged: number[];
  components: { weight: number; fit: FitResult }[];
  /** Posterior weight of each component, largest first. */
  weights: { id: string; weight: number }[];
}

export function averagedFit(
  rows: readonly FitRow[],
  measured: readonly number[],
  components: readonly PriorComponent[],
  offsets: readonly { mean: number; sd: number }[],
): AveragedFit {
  const fits = components.map((c) => {
    const prior = gaussianPrior(c.shape, offsets);
    const result = fitMap(rows, measured, prior, { sigma: MEASUREMENT_SIGMA, scaleParam: SCALE });
    // The shape block's log det: the flat scale and the shared offsets are the same for every component.
    const shapeFactor = cholesky(prior.precision.slice(1, 6).map((r) => r.slice(1, 6))) as number[][];
    const logEvidence = -0.5 * result.objective - 0.5 * result.logDetPosterior + 0.5 * logDetFromCholesky(shapeFactor) + Math.log(c.weight);
    return { id: c.id, theta: result.theta, logEvidence, result };
  });
  const best = Math.max(...fits.map((f) => f.logEvidence));
  const raw = fits.map((f) => Math.exp(f.logEvidence - best));
  const total = raw.reduce((s, w) => s + w, 0);
  const weights = raw.map((w) => w / total);
  const theta = fits[0].theta.map((_, k) => fits.reduce((s, f, i) => s + weights[i] * f.theta[k], 0));
  const averaged = theta.slice();
  // Averaging log-parameters of differently shaped fits shifts the overall level; the scale is set again on the
  // averaged shape (the flat scale's MAP: zero mean log residual), so one measurement is reproduced exactly.
  let shift = 0;
  rows.forEach((row, i) => (shift += Math.log(measured[i]) - Math.log(predictRow(row, theta))));
  theta[SCALE] += shift / rows.length;
  return {
    theta,
    averaged,
    components: fits.map((f, i) => ({ weight: weights[i], fit: f.result })),
    weights: fits.map((f, i) => ({ id: f.id, weight: weights[i] })).sort((a, b) => b.weight - a.weight),
  };
}
