// Leave-one-out of a latency fit in closed form: each measurement predicted by the fit made without it, from the fit
// with all of them, in O(n · p²) instead of n refits (which take O(n² · p²) and, for 1,000 measurements, minutes).
//
// Removing row i from a maximum a-posteriori fit at its optimum θ (posterior covariance C = H⁻¹ of the Gauss–Newton
// normal matrix H) moves θ, to one Newton step and by the Sherman–Morrison formula, by
//   Δᵢ = −C·gᵢ·rᵢ / (σ² (1 − hᵢ)),   hᵢ = gᵢᵀ C gᵢ / σ²
// where gᵢ = ∂ log fᵢ / ∂θ and rᵢ = log measuredᵢ − log fᵢ(θ): the leave-one-out residual is rᵢ / (1 − hᵢ) to
// first order, exact for a linear model. For the model average of calibrate.ts (components' θ weighted by their
// evidence, then the flat scale set so the mean log residual is zero), each component moves by its own Δ, the
// weights are held, and the scale is set again on the other rows, linearised the same way.
import { predictRow, rowLogGradient, type FitResult, type FitRow } from './fit';
import { matVec } from './linalg';

/** Below this 1 − hᵢ a row decides a parameter by itself: its leave-one-out is left to an exact refit (null). */
const MIN_FREEDOM = 1e-6;

/** The shift Δᵢ of each row's removal for one fit, or null where the row decides a parameter alone. */
function removalSteps(rows: readonly FitRow[], fit: FitResult, sigma: number): (number[] | null)[] {
  const s2 = sigma * sigma;
  return rows.map((row, i) => {
    const g = rowLogGradient(row, fit.theta);
    const cg = matVec(fit.covariance, g);
    const h = g.reduce((s, v, k) => s + v * cg[k], 0) / s2;
    if (!(1 - h > MIN_FREEDOM)) return null;
    const factor = -fit.residuals[i] / (s2 * (1 - h));
    return cg.map((v) => v * factor);
  });
}

/** Each row's predicted seconds by the single fit made without it (null: refit that one exactly). */
export function leaveOneOutSingle(rows: readonly FitRow[], fit: FitResult, sigma: number): (number | null)[] {
  return removalSteps(rows, fit, sigma).map((step, i) =>
    step === null ? null : predictRow(rows[i], fit.theta.map((v, k) => v + step[k])),
  );
}

/**
 * Each row's predicted seconds by the averaged fit made without it (null: refit that one exactly). `averaged` is
 * the weighted mean of the components' θ before the scale parameter `scale` was set on `measured`.
 */
export function leaveOneOutAveraged(
  rows: readonly FitRow[],
  measured: readonly number[],
  components: readonly { weight: number; fit: FitResult }[],
  averaged: readonly number[],
  sigma: number,
  scale: number,
): (number | null)[] {
  const n = rows.length;
  const p = averaged.length;
  const steps = components.map((c) => removalSteps(rows, c.fit, sigma));
  // At the averaged θ: each row's log residual and gradient, and their sums, for the scale set without row i.
  const residual = rows.map((row, j) => Math.log(measured[j]) - Math.log(predictRow(row, averaged)));
  const gradient = rows.map((row) => rowLogGradient(row, averaged));
  const residualSum = residual.reduce((s, v) => s + v, 0);
  const gradientSum = new Array<number>(p).fill(0);
  for (const g of gradient) for (let k = 0; k < p; k++) gradientSum[k] += g[k];
  return rows.map((row, i) => {
    const delta = new Array<number>(p).fill(0);
    for (const [c, component] of components.entries()) {
      const step = steps[c][i];
      if (step === null) return null;
      for (let k = 0; k < p; k++) delta[k] += component.weight * step[k];
    }
    let moved = 0;
    for (let k = 0; k < p; k++) moved += (gradientSum[k] - gradient[i][k]) * delta[k];
    const shift = (residualSum - residual[i] - moved) / (n - 1);
    const theta = averaged.map((v, k) => v + delta[k]);
    theta[scale] += shift;
    return predictRow(row, theta);
  });
}
