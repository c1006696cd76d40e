// Measured accuracy on the plots and in words: measured points filled over the hollow predicted ones, the band
// of predicted front points as vertical bars, the legend saying which is which (also in the exported SVG), and
// the tooltip's, cards' and header's words.
import { describe, expect, it } from 'vitest';
import { buildPlotData } from '../../src/renderer/lib/plots/model';
import { accuracyBar, measuredLayer, sourceCounts } from '../../src/renderer/lib/plots/marks/measured';
import { legendRows } from '../../src/renderer/lib/plots/marks/legend';
import { standaloneSvg } from '../../src/renderer/lib/plots/overlay-svg';
import { LIGHT_THEME } from '../../src/renderer/lib/plots/palette';
import { DEFAULT_MARGIN, plotScales, project } from '../../src/renderer/lib/plots/scales';
import { describePoint } from '../../src/renderer/lib/plots/tooltip';
import { accuracyBand, accuracySourceOf, accuracySourceText, entrySource, measuredSummaryText } from '../../src/renderer/lib/results/accuracySource';
import type { MeasuredAccuracySummary } from '../../src/shared/sweep/summary';
import { tinyTable } from './fixtures';

const frame = { width: 600, height: 300, margin: DEFAULT_MARGIN };
const summary: MeasuredAccuracySummary = {
  metric: 'accuracy',
  form: 'quadratic',
  coefficients: [1, 0.1],
  looError: 0.0382,
  bandHalfWidth: 0.049,
  coverage: 0.75,
  nominalCoverage: 0.8,
  verified: 4,
  candidates: [],
};

/** tinyTable with rows 0 and 2 measured (0 on the front), the rest predicted. */
function measuredTable() {
  const t = tinyTable();
  return {
    ...t,
    accuracyMeasured: [0.8, null, 0.9, null, null, null, null, null],
    accuracyPredicted: [0.78, 0.85, 0.88, 0.82, 0.95, 0.9, null, 0.8],
    measuredAccuracy: summary,
  };
}

describe('accuracy source words', () => {
  it('says measured, or predicted with the band (clamped to 0–100 %)', () => {
    expect(accuracySourceText({ kind: 'measured', value: 0.823 })).toBe('82.3 % (measured)');
    expect(accuracySourceText(accuracySourceOf(null, 0.801, 0.801, 0.049)!)).toBe('80.1 % (predicted, 75.2–85.0 %)');
    expect(accuracySourceText(accuracySourceOf(NaN, NaN, 0.801, null)!)).toBe('80.1 % (predicted)');
    expect(accuracyBand(0.98, 0.05)).toEqual({ low: 0.9299999999999999, high: 1 });
    expect(accuracySourceOf(null, null, null, 0.05)).toBeNull();
    expect(accuracySourceOf(0.9, 0.8, 0.9, 0.05)).toEqual({ kind: 'measured', value: 0.9 });
  });

  it('reads a client choice: null for sessions without measured accuracy', () => {
    expect(entrySource({ accuracy: 0.9 })).toBeNull();
    expect(entrySource({ accuracy: 0.9, accuracyMeasured: 0.9, accuracyPredicted: 0.88, accuracyBand: null })).toEqual({ kind: 'measured', value: 0.9 });
    const predicted = entrySource({ accuracy: 0.8, accuracyMeasured: null, accuracyPredicted: 0.8, accuracyBand: { low: 0.75, high: 0.85 } });
    expect(accuracySourceText(predicted!)).toBe('80.0 % (predicted, 75.0–85.0 %)');
  });

  it('states the predictor, its leave-one-out error, the band and its coverage against the nominal', () => {
    expect(measuredSummaryText(summary)).toBe(
      'accuracy: 4 configurations verified on the data; predictor quadratic (leave-one-out error 3.8 points); band ±4.9 points; coverage 75 % against the nominal 80 %',
    );
    expect(measuredSummaryText({ ...summary, looError: null, bandHalfWidth: null, coverage: null, verified: 0, form: 'additive' })).toBe(
      'accuracy: 0 configurations verified on the data; predicted by the additive model from the sensitivity analysis, no band yet',
    );
  });

  it('the tooltip says measured or predicted; other sessions keep the plain percentage', () => {
    const t = measuredTable();
    expect(describePoint(t, 0).lines[1]).toEqual(['accuracy', '80.0 % (measured)']);
    expect(describePoint(t, 1).lines[1]).toEqual(['accuracy', '85.0 % (predicted, 80.1–89.9 %)']);
    expect(describePoint(tinyTable(), 1).lines[1]).toEqual(['accuracy', '85.0 %']);
  });
});

describe('measured and predicted points on the plot', () => {
  const t = measuredTable();
  const data = buildPlotData(t, { x: 'latency' });
  const scales = plotScales(data, frame);
  const screen = project(data, scales.x, scales.y);
  const m = { accuracyMeasured: t.accuracyMeasured, accuracyPredicted: t.accuracyPredicted, halfWidth: summary.bandHalfWidth };

  it('counts measured and predicted among the drawn feasible points', () => {
    // Rows 0–3 and 7 are feasible and drawn; 0 and 2 are measured.
    expect(sourceCounts(data, m)).toEqual({ measured: 2, predicted: 3 });
  });

  it('draws the measured points filled and a band on each predicted front point, none on measured ones', () => {
    const svg = measuredLayer({ data, m, sx: screen.sx, sy: screen.sy, y: scales.y, accuracy: t.accuracy, theme: LIGHT_THEME, clipId: 'c' });
    expect(svg.match(/data-testid="measured-point"/g)).toHaveLength(2);
    expect(svg).toContain('data-row="0"');
    expect(svg).toContain(`fill:${LIGHT_THEME.precision.int8}`);
    const predictedFront = Array.from(data.front).filter((r) => t.accuracyMeasured[r] === null).length;
    expect(predictedFront).toBeGreaterThan(0);
    expect(svg.match(/data-testid="accuracy-band"/g)).toHaveLength(predictedFront);
    expect(accuracyBar(m, 0, 10, scales.y, 0.8)).toBeNull();
    const bar = accuracyBar(m, 1, 10, scales.y, 0.85)!;
    expect(bar.y1).toBeCloseTo(scales.y(0.85 - 0.049));
    expect(bar.y2).toBeCloseTo(scales.y(0.85 + 0.049));
    // No band before any configuration is verified.
    expect(accuracyBar({ ...m, halfWidth: null }, 1, 10, scales.y, 0.85)).toBeNull();
  });

  it('the exported SVG keeps the filled points and the legend that says measured and predicted', () => {
    const measured = measuredLayer({ data, m, sx: screen.sx, sy: screen.sy, y: scales.y, accuracy: t.accuracy, theme: LIGHT_THEME, clipId: 'e-clip' });
    const svg = standaloneSvg({ id: 'e', frame, x: scales.x, y: scales.y, plot: data, theme: LIGHT_THEME, sources: true, measured });
    expect(svg).toContain('data-testid="legend-measured"');
    expect(svg).toContain('data-testid="legend-predicted"');
    expect(svg).toContain('>measured<');
    expect(svg).toContain('>predicted<');
    expect(svg.match(/data-testid="measured-point"/g)).toHaveLength(2);
    const plain = standaloneSvg({ id: 'e', frame, x: scales.x, y: scales.y, plot: data, theme: LIGHT_THEME });
    expect(plain).not.toContain('legend-measured');
    expect(legendRows({ keys: data.colorsPresent, noFit: true, sources: true }, 200, 40)).toBeGreaterThan(legendRows({ keys: data.colorsPresent, noFit: true }, 200, 40));
  });
});
