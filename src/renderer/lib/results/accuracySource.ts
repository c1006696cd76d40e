// Whether a configuration's accuracy was measured on the data or predicted (with its band), in the words the
// tooltips, client cards and the Results header use. Only sessions with measured accuracy (docs/sweeps.md) have
// a source; elsewhere an accuracy is shown as before.
import { percent } from '../../../shared/format';
import type { MeasuredAccuracySummary, ResultEntry } from '../../../shared/sweep/summary';

export type AccuracySource =
  | { kind: 'measured'; value: number }
  | { kind: 'predicted'; value: number; band: { low: number; high: number } | null };

const known = (v: number | null | undefined): v is number => v !== null && v !== undefined && !Number.isNaN(v);

/** The band around a predicted value: ± the half-width, clamped to [0, 1]; null without a half-width. */
export function accuracyBand(predicted: number, halfWidth: number | null | undefined): { low: number; high: number } | null {
  if (!known(halfWidth) || halfWidth <= 0) return null;
  return { low: Math.max(0, predicted - halfWidth), high: Math.min(1, predicted + halfWidth) };
}

/**
 * A row's source from the session's columns: measured where a measured value exists, else predicted (the stored
 * prediction, or the accuracy itself when none was stored). Null when the row has no accuracy.
 */
export function accuracySourceOf(
  measured: number | null | undefined,
  predicted: number | null | undefined,
  accuracy: number | null | undefined,
  halfWidth: number | null | undefined,
): AccuracySource | null {
  if (known(measured)) return { kind: 'measured', value: measured };
  const value = known(predicted) ? predicted : known(accuracy) ? accuracy : null;
  if (value === null) return null;
  return { kind: 'predicted', value, band: accuracyBand(value, halfWidth) };
}

/** A client's choice (or any summary entry); null for sessions without measured accuracy. */
export function entrySource(e: Pick<ResultEntry, 'accuracy' | 'accuracyMeasured' | 'accuracyPredicted' | 'accuracyBand'>): AccuracySource | null {
  if (e.accuracyMeasured === undefined && e.accuracyPredicted === undefined) return null;
  if (known(e.accuracyMeasured)) return { kind: 'measured', value: e.accuracyMeasured };
  const value = known(e.accuracyPredicted) ? e.accuracyPredicted : e.accuracy;
  if (!known(value)) return null;
  return { kind: 'predicted', value, band: e.accuracyBand ?? null };
}

/** "75.2–85.0 %" */
export const bandText = (band: { low: number; high: number }): string => `${(band.low * 100).toFixed(1)}–${percent(band.high)}`;

/** "82.3 % (measured)", "80.1 % (predicted, 75.2–85.0 %)", or "80.1 % (predicted)" before any band exists. */
export function accuracySourceText(source: AccuracySource): string {
  if (source.kind === 'measured') return `${percent(source.value)} (measured)`;
  return `${percent(source.value)} (predicted${source.band ? `, ${bandText(source.band)}` : ''})`;
}

/** The session's predictor, its leave-one-out error, the band and its coverage against the nominal, in one line. */
export function measuredSummaryText(m: MeasuredAccuracySummary): string {
  const points = (x: number): string => `${(x * 100).toFixed(1)} points`;
  const verified = `${m.verified} configuration${m.verified === 1 ? '' : 's'} verified on the data`;
  if (m.looError === null || m.bandHalfWidth === null) return `${m.metric}: ${verified}; predicted by the ${m.form} model from the sensitivity analysis, no band yet`;
  const coverage =
    m.coverage === null
      ? 'coverage not known yet'
      : `coverage ${(m.coverage * 100).toFixed(0)} % against the nominal ${(m.nominalCoverage * 100).toFixed(0)} %`;
  return `${m.metric}: ${verified}; predictor ${m.form} (leave-one-out error ${points(m.looError)}); band ±${points(m.bandHalfWidth)}; ${coverage}`;
}
