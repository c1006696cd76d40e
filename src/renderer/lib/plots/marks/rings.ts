// Rings around the hovered point (thin, foreground) and the pinned selection (thick, accent).
import type { OverlayTheme } from '../palette';
import { r1 } from '../scales';

export interface RingPoint {
  /** Screen position (CSS px). */
  x: number;
  y: number;
}

interface RingOptions {
  hovered: RingPoint | null;
  selected: RingPoint | null;
  theme: OverlayTheme;
  clipId: string;
}

export function rings({ hovered, selected, theme, clipId }: RingOptions): string {
  let out = `<g data-testid="rings" clip-path="url(#${clipId})" style="fill:none">`;
  if (selected && Number.isFinite(selected.x) && Number.isFinite(selected.y)) {
    out += `<circle data-testid="selected-ring" cx="${r1(selected.x)}" cy="${r1(selected.y)}" r="8" style="stroke:${theme.accent};stroke-width:2.5"/>`;
  }
  if (hovered && Number.isFinite(hovered.x) && Number.isFinite(hovered.y)) {
    out += `<circle data-testid="hover-ring" cx="${r1(hovered.x)}" cy="${r1(hovered.y)}" r="6.5" style="stroke:${theme.fg};stroke-width:1.5"/>`;
  }
  return out + '</g>';
}
