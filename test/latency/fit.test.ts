// The MAP fit behind calibration: it recovers known parameters from synthetic data, one measurement only scales the
// prior, and with few measurements the prior keeps it from fitting noise exactly.
import { describe, expect, it } from 'vitest';
import { fitMap, predictRow, type FitRow, type GaussianPrior } from '../../src/shared/latency/fit';
import { fitRow, makeLayout, ratesFromTheta } from '../../src/shared/latency/params';
import { gaussianPrior, STARTING_PRIOR } from '../../src/shared/latency/prior';
import { mulberry32 } from '../../src/shared/sweep/space';

const layout = makeLayout('int8', ['fp32']);
/** True parameters: 2 ns per conv MAC; depthwise 4×, dense 1.8×, element 12×, op 2,000 and inference 40,000 MACs; fp32 2.5×. */
const truth = [Math.log(2e-9), Math.log(4), Math.log(1.8), Math.log(12), Math.log(2000), Math.log(40000), Math.log(2.5)];

function syntheticRows(count: number, seed: number): FitRow[] {
  const random = mulberry32(seed);
  const rows: FitRow[] = [];
  for (let i = 0; i < count; i++) {
    // Models from tiny to large, so that every term dominates some of them (as in a good measurement campaign).
    const size = Math.exp(random() * Math.log(1e4));
    const work = [
      random() * 2e3 * size,
      random() < 0.6 ? random() * 3e2 * size : 0,
      random() < 0.5 ? random() * 5e2 * size : 0,
      random() < 0.5 ? random() * 1e2 * size : 0,
      1 + Math.floor(random() * 40),
      1,
    ];
    rows.push(fitRow(layout, new Map([[random() < 0.3 ? 'fp32' : 'int8', work]])));
  }
  return rows;
}

/** A wide prior centred away from the truth, so what the fit finds comes from the data. */
const wide: GaussianPrior = (() => {
  const p = gaussianPrior(
    { mean: [0, 0, 0, Math.log(100), Math.log(1e4)], covariance: [0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (i === j ? 25 : 0))) },
    [{ mean: 0, sd: 5 }],
  );
  return p;
})();

describe('fitMap', () => {
  it('recovers known parameters from synthetic measurements (1 % noise)', () => {
    const rows = syntheticRows(60, 7);
    const random = mulberry32(99);
    const noise = () => (random() + random() + random() - 1.5) * 0.02;
    const measured = rows.map((r) => predictRow(r, truth) * Math.exp(noise()));
    const fit = fitMap(rows, measured, wide, { sigma: 0.01, scaleParam: 0 });
    fit.theta.forEach((value, j) => expect(Math.abs(value - truth[j]), `θ[${j}]`).toBeLessThan(0.12));
    // The rates the profile would carry come back within a few percent of the truth.
    const rates = ratesFromTheta(layout, fit.theta);
    expect(rates.rates.int8.conv / 2e-9).toBeCloseTo(1, 1);
    expect(rates.rates.fp32.conv / 5e-9).toBeCloseTo(1, 1);
    expect(rates.perInferenceS / (40000 * 2e-9)).toBeGreaterThan(0.85);
    expect(rates.perInferenceS / (40000 * 2e-9)).toBeLessThan(1.15);
  });

  it('recovers them exactly from noise-free data', () => {
    const rows = syntheticRows(30, 3);
    const measured = rows.map((r) => predictRow(r, truth));
    const fit = fitMap(rows, measured, wide, { sigma: 0.01, scaleParam: 0 });
    fit.theta.forEach((value, j) => expect(value).toBeCloseTo(truth[j], 2));
  });

  it('one measurement moves only the scale: the shape stays at the prior', () => {
    const prior = gaussianPrior(STARTING_PRIOR, [{ mean: Math.log(2), sd: 0.7 }]);
    const [row] = syntheticRows(1, 11);
    const fit = fitMap([row], [0.123], prior, { sigma: 0.05, scaleParam: 0 });
    expect(predictRow(row, fit.theta)).toBeCloseTo(0.123, 12);
    for (let j = 1; j < prior.mean.length; j++) expect(fit.theta[j]).toBeCloseTo(prior.mean[j], 9);
  });

  it('with few measurements it does not fit their noise exactly', () => {
    // Three measurements of a runtime whose true shape differs from the prior's: the fit compromises.
    const prior = gaussianPrior(STARTING_PRIOR, [{ mean: 0, sd: 0.7 }]);
    const rows = syntheticRows(3, 5);
    const measured = rows.map((r) => predictRow(r, truth));
    const fit = fitMap(rows, measured, prior, { sigma: 0.05, scaleParam: 0 });
    expect(Math.max(...fit.residuals.map(Math.abs))).toBeGreaterThan(1e-4);
    // …while many measurements of the same runtime overcome the prior.
    const many = syntheticRows(40, 5);
    const all = fitMap(many, many.map((r) => predictRow(r, truth)), prior, { sigma: 0.05, scaleParam: 0 });
    expect(Math.max(...all.residuals.map(Math.abs))).toBeLessThan(0.02);
  });

  it('refuses a measured time that is not positive', () => {
    const rows = syntheticRows(1, 1);
    expect(() => fitMap(rows, [0], wide, { sigma: 0.05 })).toThrow(/positive number of seconds, got 0/);
  });
});
