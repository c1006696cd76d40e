// Legend: the precisions present, in their colours, and the no-fit marker; one row in the top margin.
import { esc, type OverlayTheme } from '../palette';
import type { PrecisionKey } from '../model';
import { r1, type Frame } from '../scales';

interface LegendOptions {
  keys: readonly PrecisionKey[];
  /** Show the hollow "no-fit" marker. */
  noFit: boolean;
  frame: Frame;
  theme: OverlayTheme;
}

/** Approximate advance of an 11 px system font, for laying out without measuring. */
const textWidth = (s: string): number => 6.2 * s.length;

export function legend({ keys, noFit, frame, theme }: LegendOptions): string {
  let x = frame.margin.left;
  const y = 12;
  let out = `<g data-testid="legend" style="font-family:${theme.font};font-size:11px;fill:${theme.muted}">`;
  const item = (swatch: string, label: string): void => {
    out += `${swatch}<text x="${r1(x + 7)}" y="${y}" dy="0.32em">${esc(label)}</text>`;
    x += 7 + textWidth(label) + 12;
  };
  for (const k of keys) {
    item(`<circle cx="${r1(x + 2)}" cy="${y}" r="3.5" style="fill:${theme.precision[k]}"/>`, k === 'mixed' ? 'mixed' : k.toUpperCase());
  }
  if (noFit) item(`<circle cx="${r1(x + 2)}" cy="${y}" r="3" style="fill:none;stroke:${theme.muted}"/>`, 'no-fit');
  return out + '</g>';
}
