// Measured accuracy on a Pareto plot (sessions swept with data, docs/sweeps.md): the configurations verified on the
// data drawn filled over the canvas (which draws every predicted one hollow), and the accuracy band of predicted
// points as vertical bars with end caps, as the latency band is drawn horizontally. Markup only, so the live plot
// and the SVG / PNG exports draw the same.
import { DOMINATED, FRONT, MARKERS, PRECISION_KEYS, type PlotData } from '../model';
import type { OverlayTheme } from '../palette';
import { r1, type Scale } from '../scales';
import { markerSvg } from './legend';

/** The measured-accuracy columns of a session (present only with measured accuracy). */
export interface MeasuredColumns {
  accuracyMeasured: ArrayLike<number | null>;
  accuracyPredicted?: ArrayLike<number | null>;
  /** The band's half-width (a fraction), null before any configuration was verified. */
  halfWidth: number | null;
}

export interface AccuracyBar {
  /** Screen x of the point, and screen y of the band's low and high ends (CSS px). */
  x: number;
  y1: number;
  y2: number;
}

const known = (v: number | null | undefined): v is number => v !== null && v !== undefined && !Number.isNaN(v);

export const isMeasured = (m: MeasuredColumns, row: number): boolean => known(m.accuracyMeasured[row]);

/** How many drawn points (front and dominated) are measured and how many predicted. */
export function sourceCounts(data: Pick<PlotData, 'order' | 'category'>, m: MeasuredColumns): { measured: number; predicted: number } {
  let measured = 0;
  let predicted = 0;
  for (const row of data.order) {
    const c = data.category[row];
    if (c !== FRONT && c !== DOMINATED) continue;
    if (isMeasured(m, row)) measured++;
    else predicted++;
  }
  return { measured, predicted };
}

/** The accuracy band of a predicted row on screen, or null (measured, no band, or not on screen). */
export function accuracyBar(m: MeasuredColumns, row: number, sx: number, y: Scale, accuracy: number | null | undefined): AccuracyBar | null {
  if (isMeasured(m, row) || !known(m.halfWidth) || m.halfWidth <= 0) return null;
  const p = m.accuracyPredicted?.[row];
  const value = known(p) ? p : known(accuracy) ? accuracy : null;
  if (value === null || !Number.isFinite(sx)) return null;
  return { x: sx, y1: y(Math.max(0, value - m.halfWidth)), y2: y(Math.min(1, value + m.halfWidth)) };
}

function bar(b: AccuracyBar, color: string, width: number, testid?: string): string {
  if (![b.x, b.y1, b.y2].every(Number.isFinite)) return '';
  const cap = 4;
  return (
    `<g${testid ? ` data-testid="${testid}"` : ''} style="stroke:${color};stroke-width:${width};fill:none">` +
    `<line x1="${r1(b.x)}" y1="${r1(b.y1)}" x2="${r1(b.x)}" y2="${r1(b.y2)}"/>` +
    `<line x1="${r1(b.x - cap)}" y1="${r1(b.y1)}" x2="${r1(b.x + cap)}" y2="${r1(b.y1)}"/>` +
    `<line x1="${r1(b.x - cap)}" y1="${r1(b.y2)}" x2="${r1(b.x + cap)}" y2="${r1(b.y2)}"/>` +
    '</g>'
  );
}

/**
 * The static layer: the band of each predicted point of the front, then the measured points filled in their
 * precision's colour and device's marker (front points larger, with an outline, as the canvas draws the front).
 */
export function measuredLayer({
  data,
  m,
  sx,
  sy,
  y,
  accuracy,
  theme,
  clipId,
}: {
  data: Pick<PlotData, 'order' | 'category' | 'color' | 'marker' | 'front'>;
  m: MeasuredColumns;
  sx: ArrayLike<number>;
  sy: ArrayLike<number>;
  y: Scale;
  accuracy: ArrayLike<number | null>;
  theme: OverlayTheme;
  clipId: string;
}): string {
  let bars = '';
  for (const row of data.front) {
    const b = accuracyBar(m, row, sx[row], y, accuracy[row]);
    if (b) bars += bar(b, theme.muted, 1, 'accuracy-band');
  }
  let points = '';
  for (const row of data.order) {
    const c = data.category[row];
    if ((c !== FRONT && c !== DOMINATED) || !isMeasured(m, row)) continue;
    const x = sx[row];
    const yy = sy[row];
    if (!Number.isFinite(x) || !Number.isFinite(yy)) continue;
    const colour = theme.precision[PRECISION_KEYS[data.color[row]]] ?? theme.muted;
    const style = c === FRONT ? `fill:${colour};stroke:${theme.fg};stroke-width:1` : `fill:${colour};fill-opacity:0.8`;
    const shape = markerSvg(MARKERS[data.marker[row]] ?? 'circle', x, yy, c === FRONT ? 3.75 : 2.25, style);
    points += shape.replace(/^<(circle|path) /, `<$1 data-testid="measured-point" data-row="${row}" `);
  }
  return `<g data-testid="accuracy-sources" clip-path="url(#${clipId})">${bars}${points}</g>`;
}

/** The band of the hovered and pinned points when they are predicted (live plot only, as the latency band). */
export function accuracyWhiskers({ hovered, selected, theme, clipId }: { hovered: AccuracyBar | null; selected: AccuracyBar | null; theme: OverlayTheme; clipId: string }): string {
  return `<g clip-path="url(#${clipId})">${selected ? bar(selected, theme.accent, 1.5, 'accuracy-band-selected') : ''}${hovered ? bar(hovered, theme.fg, 1.5, 'accuracy-band-hovered') : ''}</g>`;
}
