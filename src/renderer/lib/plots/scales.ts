// Scales of a plot and the fast projection of every point to screen: x and y as d3 scales (linear, or log on x),
// reduced to px = a · f(v) + b with f = identity or log10, so 100k points project without 200k scale calls.
import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3';
import { EXCLUDED, type PlotData } from './model';

export type Scale = ScaleContinuousNumeric<number, number>;

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export const DEFAULT_MARGIN: Margin = { top: 30, right: 14, bottom: 36, left: 48 };

/** The plot's inner area in CSS pixels. */
export interface Frame {
  width: number;
  height: number;
  margin: Margin;
}

export const innerLeft = ({ margin }: Frame): number => margin.left;
export const innerRight = ({ width, margin }: Frame): number => Math.max(margin.left + 1, width - margin.right);
export const innerTop = ({ margin }: Frame): number => margin.top;
export const innerBottom = ({ height, margin }: Frame): number => Math.max(margin.top + 1, height - margin.bottom);

/** The base scales of plot data in a frame (before any zoom). */
export function plotScales(data: Pick<PlotData, 'xDomain' | 'yDomain' | 'xLog'>, frame: Frame): { x: Scale; y: Scale } {
  const x: Scale = data.xLog ? scaleLog() : scaleLinear();
  x.domain(data.xDomain).range([innerLeft(frame), innerRight(frame)]);
  const y: Scale = scaleLinear().domain(data.yDomain).range([innerBottom(frame), innerTop(frame)]);
  return { x, y };
}

/** A scale as px = a · f(v) + b. */
export interface Affine {
  a: number;
  b: number;
  log: boolean;
}

/** Whether a d3 continuous scale is logarithmic (it has a base). */
export const isLogScale = (s: Scale): boolean => typeof (s as unknown as { base?: unknown }).base === 'function';

export function affine(s: Scale): Affine {
  const log = isLogScale(s);
  const [d0, d1] = s.domain();
  const [r0, r1] = s.range();
  const f0 = log ? Math.log10(d0) : d0;
  const f1 = log ? Math.log10(d1) : d1;
  const a = f1 === f0 ? 0 : (r1 - r0) / (f1 - f0);
  return { a, b: r0 - a * f0, log };
}

/** Screen positions (CSS px) of every row; NaN for rows not drawn. Reuses `into` when it has the right length. */
export function project(
  data: Pick<PlotData, 'n' | 'xs' | 'ys' | 'category'>,
  x: Scale,
  y: Scale,
  into?: { sx: Float32Array; sy: Float32Array },
): { sx: Float32Array; sy: Float32Array } {
  const { n, xs, ys, category } = data;
  const sx = into && into.sx.length === n ? into.sx : new Float32Array(n);
  const sy = into && into.sy.length === n ? into.sy : new Float32Array(n);
  const ax = affine(x);
  const ay = affine(y);
  for (let i = 0; i < n; i++) {
    if (category[i] === EXCLUDED) {
      sx[i] = NaN;
      sy[i] = NaN;
      continue;
    }
    const xv = xs[i];
    sx[i] = ax.a * (ax.log ? Math.log10(xv) : xv) + ax.b;
    sy[i] = ay.a * ys[i] + ay.b;
  }
  return { sx, sy };
}

/** Rounds for SVG output: one decimal, no "-0". */
export const r1 = (v: number): number => {
  const r = Math.round(v * 10) / 10;
  return r === 0 ? 0 : r;
};
