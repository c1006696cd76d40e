// Legend: the precisions present, in their colours, the no-fit marker, and with several devices each device's
// marker (as the Optuna dashboard marks studies); in the top margin, wrapping to a second row when it must.
import { esc, type OverlayTheme } from '../palette';
import { MARKER_POLYGONS, MARKERS, type Marker, type PrecisionKey } from '../model';
import { r1, type Frame } from '../scales';

interface LegendOptions {
  keys: readonly PrecisionKey[];
  /** Show the hollow "no-fit" marker. */
  noFit: boolean;
  frame: Frame;
  theme: OverlayTheme;
  /** With several devices: each device and its marker. */
  devices?: readonly { device: string; marker: Marker }[];
  /** With measured accuracy: "measured" (filled) and "predicted" (hollow) markers. */
  sources?: boolean;
}

/** A marker as SVG: the shapes the canvas draws (scatter-canvas markerPath), at radius r. */
export function markerSvg(marker: Marker, x: number, y: number, r: number, style: string): string {
  const points = MARKER_POLYGONS[marker];
  if (!points) return `<circle cx="${r1(x)}" cy="${r1(y)}" r="${r}" style="${style}"/>`;
  return `<path d="M${points.map(([px, py]) => `${r1(x + px * r)},${r1(y + py * r)}`).join('L')}Z" style="${style}"/>`;
}

/** Approximate advance of an 11 px system font, for laying out without measuring. */
const textWidth = (s: string): number => 6.2 * s.length;

/** The legend's labels in order: precisions, no-fit, devices. */
function labels({ keys, noFit, devices = [], sources = false }: Pick<LegendOptions, 'keys' | 'noFit' | 'devices' | 'sources'>): string[] {
  return [...keys.map((k) => (k === 'mixed' ? 'mixed' : k.toUpperCase())), ...(sources ? SOURCE_LABELS : []), ...(noFit ? ['no-fit'] : []), ...devices.map((d) => d.device)];
}

const SOURCE_LABELS = ['measured', 'predicted'];

/** How many rows the legend takes in a plot `width` px wide whose plot area starts at `left` (wrapping as legend does). */
export function legendRows(options: Pick<LegendOptions, 'keys' | 'noFit' | 'devices' | 'sources'>, width: number, left: number): number {
  let x = left;
  let rows = 1;
  for (const label of labels(options)) {
    const w = 7 + textWidth(label) + 12;
    if (x > left && x + w > width) {
      x = left;
      rows++;
    }
    x += w;
  }
  return rows;
}

/** The extra top margin a legend of `rows` rows needs (one row fits the default margin). */
export const LEGEND_ROW = 13;

export function legend({ keys, noFit, frame, theme, devices = [], sources = false }: LegendOptions): string {
  let x = frame.margin.left;
  let y = 12;
  let out = `<g data-testid="legend" style="font-family:${theme.font};font-size:11px;fill:${theme.muted}">`;
  const item = (swatch: (x: number) => string, label: string, testid?: string): void => {
    const width = 7 + textWidth(label) + 12;
    if (x > frame.margin.left && x + width > frame.width) {
      x = frame.margin.left;
      y += LEGEND_ROW;
    }
    out += `<g${testid ? ` data-testid="${testid}"` : ''}>${swatch(x)}<text x="${r1(x + 7)}" y="${y}" dy="0.32em">${esc(label)}</text></g>`;
    x += width;
  };
  for (const k of keys) {
    item((at) => `<circle cx="${r1(at + 2)}" cy="${y}" r="3.5" style="fill:${theme.precision[k]}"/>`, k === 'mixed' ? 'mixed' : k.toUpperCase());
  }
  if (sources) {
    item((at) => `<circle cx="${r1(at + 2)}" cy="${y}" r="3.5" style="fill:${theme.muted}"/>`, SOURCE_LABELS[0], 'legend-measured');
    item((at) => `<circle cx="${r1(at + 2)}" cy="${y}" r="3" style="fill:none;stroke:${theme.muted};stroke-width:1.5"/>`, SOURCE_LABELS[1], 'legend-predicted');
  }
  if (noFit) item((at) => `<circle cx="${r1(at + 2)}" cy="${y}" r="3" style="fill:none;stroke:${theme.muted}"/>`, 'no-fit');
  for (const d of devices) {
    item((at) => markerSvg(d.marker, at + 2, y, 3.5, `fill:${theme.muted}`), d.device, `legend-device-${MARKERS.indexOf(d.marker)}`);
  }
  return out + '</g>';
}
