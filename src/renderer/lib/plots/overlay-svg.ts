// The SVG layers of a Pareto plot, as markup: under the canvas the gridlines, the hatched far side of the
// constraints and the front's step line (so the points sit on top of it); over it the constraint rules and their
// labels, the axes, the legend and the hover / selection rings. Pure and
// deterministic (coordinates rounded to 0.1 px), so the same markup serves the live plot, the SVG and PNG
// exports, and the tests.
import { axisX, axisY } from './marks/axis';
import { constraintMarks, hatchId, type Constraint } from './marks/constraints';
import { frontLine } from './marks/front';
import { grid } from './marks/grid';
import { legend } from './marks/legend';
import type { Occupancy } from './marks/occupancy';
import { rings, type RingPoint } from './marks/rings';
import { xAxisLabel, xDisplayFactor, yAxisLabel, type PlotData } from './model';
import { CSS_THEME, esc, type OverlayTheme } from './palette';
import { innerBottom, innerLeft, innerRight, innerTop, r1, type Frame, type Scale } from './scales';

export type OverlayPlot = Pick<PlotData, 'x' | 'memory' | 'hasAccuracy' | 'step' | 'colorsPresent' | 'counts'> & Partial<Pick<PlotData, 'devicesPresent'>>;

export interface OverlayOptions {
  /** Unique prefix for ids in the markup (clip path, patterns): two plots on a page must differ. */
  id: string;
  frame: Frame;
  /** The scales in view (zoomed). */
  x: Scale;
  y: Scale;
  plot: OverlayPlot;
  constraints?: readonly Constraint[];
  theme?: OverlayTheme;
  /** Where the points are (screen px): constraint labels are placed clear of them. */
  occupied?: Occupancy;
  /** With measured accuracy: the legend says measured (filled) and predicted (hollow), and `measured` is drawn. */
  sources?: boolean;
  /** Markup over the canvas, under the axes (the measured points and accuracy bands, marks/measured.ts). */
  measured?: string;
}

export interface OverlayLayers {
  /** Goes under the canvas. */
  under: string;
  /** Goes over the canvas. */
  over: string;
}

/** What the overlay shows when there is nothing to plot. */
export function emptyPlot(x: PlotData['x'], memory: PlotData['memory']): OverlayPlot {
  return { x, memory, hasAccuracy: true, step: { x: new Float64Array(0), y: new Float64Array(0) }, colorsPresent: [], counts: { front: 0, dominated: 0, infeasible: 0, excluded: 0 } };
}

/** The x axis title and the factor to its unit, for the scale in view. */
export function xAxis(plot: Pick<PlotData, 'x' | 'memory'>, x: Scale): { label: string; factor: number } {
  const domain = x.domain() as [number, number];
  return { label: xAxisLabel(plot.x, plot.memory, domain), factor: xDisplayFactor(plot.x, domain) };
}

export const clipId = (id: string): string => `${id}-clip`;

function defs(id: string, frame: Frame, theme: OverlayTheme): string {
  const x0 = innerLeft(frame);
  const y0 = innerTop(frame);
  const pattern = (pid: string, colour: string, opacity: number): string =>
    `<pattern id="${pid}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">` +
    `<rect width="6" height="6" style="fill:${colour};fill-opacity:${opacity / 4}"/>` +
    `<path d="M0,0V6" style="stroke:${colour};stroke-opacity:${opacity};stroke-width:1.5"/></pattern>`;
  return (
    '<defs>' +
    `<clipPath id="${clipId(id)}"><rect x="${r1(x0)}" y="${r1(y0)}" width="${r1(innerRight(frame) - x0)}" height="${r1(innerBottom(frame) - y0)}"/></clipPath>` +
    pattern(hatchId(id, 'deadline'), theme.muted, 0.3) +
    pattern(hatchId(id, 'sram'), theme.danger, 0.3) +
    '</defs>'
  );
}

export function overlayLayers({ id, frame, x, y, plot, constraints = [], theme = CSS_THEME, occupied, sources = false, measured = '' }: OverlayOptions): OverlayLayers {
  const ax = xAxis(plot, x);
  const marks = constraintMarks({ constraints, x, frame, theme, id, ...(occupied ? { occupied } : {}) });
  const under =
    defs(id, frame, theme) +
    grid({ x, y, frame, xFactor: ax.factor, yFactor: 100, theme, noY: !plot.hasAccuracy }) +
    marks.hatch +
    frontLine({ step: plot.step, x, y, theme, clipId: clipId(id) });
  const over =
    `<g clip-path="url(#${clipId(id)})">${marks.rules}</g>` +
    measured +
    axisX({ scale: x, frame, factor: ax.factor, label: ax.label, theme }) +
    axisY({ scale: y, frame, factor: 100, label: yAxisLabel(plot.hasAccuracy), theme, bare: !plot.hasAccuracy }) +
    legend({ keys: plot.colorsPresent, noFit: plot.counts.infeasible > 0, frame, theme, devices: plot.devicesPresent ?? [], sources });
  return { under, over };
}

/** The rings layer (changes with the pointer, so it is kept apart from the rest). */
export function overlayRings({ id, hovered, selected, theme = CSS_THEME }: { id: string; hovered: RingPoint | null; selected: RingPoint | null; theme?: OverlayTheme }): string {
  return rings({ hovered, selected, theme, clipId: clipId(id) });
}

export interface StandaloneOptions extends OverlayOptions {
  /** The point cloud as an image (a PNG data URL of the canvas); omitted = no points. */
  image?: string;
  selected?: RingPoint | null;
  /** A title line above the plot. */
  title?: string;
}

/** A complete SVG document of the plot: background, grid, the points' image, overlay, pinned ring, title. */
export function standaloneSvg(options: StandaloneOptions): string {
  const { frame, image, selected = null, title, theme = CSS_THEME, id } = options;
  const { width, height } = frame;
  const top = title ? 22 : 0;
  const { under, over } = overlayLayers({ ...options, theme });
  const font = `font-family:${theme.font}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + top}" viewBox="0 0 ${width} ${height + top}">` +
    `<rect width="${width}" height="${height + top}" style="fill:${theme.bg}"/>` +
    (title ? `<text x="${frame.margin.left}" y="15" style="${font};font-size:13px;font-weight:600;fill:${theme.fg}">${esc(title)}</text>` : '') +
    `<g transform="translate(0,${top})">` +
    under +
    (image ? `<image href="${esc(image)}" x="0" y="0" width="${width}" height="${height}" preserveAspectRatio="none"/>` : '') +
    over +
    overlayRings({ id, hovered: null, selected, theme }) +
    '</g></svg>'
  );
}
