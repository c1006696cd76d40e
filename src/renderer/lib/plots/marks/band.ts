// Whiskers for the latency band of the hovered and pinned points: the central 80 % range of the true latency that
// the device's profile earned, drawn as a horizontal bar with end caps through the point.
import type { OverlayTheme } from '../palette';
import { r1 } from '../scales';

export interface Whisker {
  /** Screen x of the band's low and high ends, and the point's y (CSS px). */
  x1: number;
  x2: number;
  y: number;
}

export function bandWhiskers({ hovered, selected, theme, clipId }: { hovered: Whisker | null; selected: Whisker | null; theme: OverlayTheme; clipId: string }): string {
  const one = (w: Whisker | null, testid: string, color: string): string => {
    if (!w || ![w.x1, w.x2, w.y].every(Number.isFinite)) return '';
    const cap = 5;
    return (
      `<g data-testid="${testid}" style="stroke:${color};stroke-width:1.5;fill:none">` +
      `<line x1="${r1(w.x1)}" y1="${r1(w.y)}" x2="${r1(w.x2)}" y2="${r1(w.y)}"/>` +
      `<line x1="${r1(w.x1)}" y1="${r1(w.y - cap)}" x2="${r1(w.x1)}" y2="${r1(w.y + cap)}"/>` +
      `<line x1="${r1(w.x2)}" y1="${r1(w.y - cap)}" x2="${r1(w.x2)}" y2="${r1(w.y + cap)}"/>` +
      '</g>'
    );
  };
  return `<g clip-path="url(#${clipId})">${one(selected, 'latency-band-selected', theme.accent)}${one(hovered, 'latency-band-hovered', theme.fg)}</g>`;
}
