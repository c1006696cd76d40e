// Axis marks: ticks in the axis's display unit (ms or s, KiB, %), a baseline and a title naming the unit.
import { scaleLinear, scaleLog } from 'd3';
import { esc, type OverlayTheme } from '../palette';
import { innerBottom, innerLeft, innerRight, innerTop, isLogScale, r1, type Frame, type Scale } from '../scales';

export interface Tick {
  /** Screen position (CSS px) along the axis. */
  at: number;
  /** Value in display units. */
  value: number;
  /** Empty for a minor tick of a log axis (gridline only). */
  label: string;
}

/**
 * Ticks of a scale shown in another unit: `factor` converts data units to display units (1000 for s → ms, 1/1024
 * for B → KiB, 100 for a fraction → %). Linear axes get about `count` ticks with a fixed number of decimals; log
 * axes get 1-2-3 per decade with the others unlabelled.
 */
export function axisTicks(scale: Scale, factor: number, count: number): Tick[] {
  const log = isLogScale(scale);
  const [d0, d1] = scale.domain();
  const range = scale.range() as [number, number];
  const display = log ? scaleLog().domain([d0 * factor, d1 * factor]) : scaleLinear().domain([d0 * factor, d1 * factor]);
  display.range(range);
  const values = display.ticks(Math.max(2, count));
  const format = display.tickFormat(Math.max(2, count), log ? ',~g' : ',f');
  return values.map((value) => ({ at: display(value), value, label: format(value) }));
}

/** Roughly one x tick per 80 px and one y tick per 40 px. */
export const tickCount = (pixels: number, spacing: number): number => Math.max(2, Math.round(pixels / spacing));

interface AxisOptions {
  scale: Scale;
  frame: Frame;
  /** Data → display units. */
  factor: number;
  /** Axis title, with its unit: "latency (ms)". */
  label: string;
  theme: OverlayTheme;
  /** No tick labels (an axis without values, as accuracy without an accuracy model). */
  bare?: boolean;
}

const textStyle = (theme: OverlayTheme): string => `fill:${theme.muted};font-family:${theme.font};font-size:11px;font-variant-numeric:tabular-nums`;

export function axisX({ scale, frame, factor, label, theme, bare = false }: AxisOptions): string {
  const y = innerBottom(frame);
  const x0 = innerLeft(frame);
  const x1 = innerRight(frame);
  const ticks = bare ? [] : axisTicks(scale, factor, tickCount(x1 - x0, 80)).filter((t) => t.label !== '' && t.at >= x0 - 0.5 && t.at <= x1 + 0.5);
  const parts = [`<g data-testid="axis-x" style="${textStyle(theme)}">`];
  parts.push(`<path d="M${r1(x0)},${r1(y)}H${r1(x1)}" style="fill:none;stroke:${theme.muted}"/>`);
  for (const t of ticks) {
    parts.push(`<g transform="translate(${r1(t.at)},${r1(y)})"><line y2="4" style="stroke:${theme.muted}"/><text y="15" text-anchor="middle">${esc(t.label)}</text></g>`);
  }
  parts.push(`<text data-testid="axis-x-label" x="${r1(x1)}" y="${r1(y + 30)}" text-anchor="end" style="fill:${theme.fg}">${esc(label)}</text>`);
  parts.push('</g>');
  return parts.join('');
}

export function axisY({ scale, frame, factor, label, theme, bare = false }: AxisOptions): string {
  const x = innerLeft(frame);
  const y0 = innerTop(frame);
  const y1 = innerBottom(frame);
  const ticks = bare ? [] : axisTicks(scale, factor, tickCount(y1 - y0, 40)).filter((t) => t.label !== '' && t.at >= y0 - 0.5 && t.at <= y1 + 0.5);
  const parts = [`<g data-testid="axis-y" style="${textStyle(theme)}">`];
  parts.push(`<path d="M${r1(x)},${r1(y0)}V${r1(y1)}" style="fill:none;stroke:${theme.muted}"/>`);
  for (const t of ticks) {
    parts.push(`<g transform="translate(${r1(x)},${r1(t.at)})"><line x2="-4" style="stroke:${theme.muted}"/><text x="-7" dy="0.32em" text-anchor="end">${esc(t.label)}</text></g>`);
  }
  const cy = r1((y0 + y1) / 2);
  parts.push(
    `<text data-testid="axis-y-label" transform="translate(${r1(x - 36)},${cy}) rotate(-90)" text-anchor="middle" style="fill:${theme.fg}">${esc(label)}</text>`,
  );
  parts.push('</g>');
  return parts.join('');
}
