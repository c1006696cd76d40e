// Gridlines at the axes' ticks (minor log ticks fainter), behind everything else.
import type { OverlayTheme } from '../palette';
import { innerBottom, innerLeft, innerRight, innerTop, r1, type Frame, type Scale } from '../scales';
import { axisTicks, tickCount } from './axis';

interface GridOptions {
  x: Scale;
  y: Scale;
  frame: Frame;
  xFactor: number;
  yFactor: number;
  theme: OverlayTheme;
  /** No horizontal lines (no accuracy model). */
  noY?: boolean;
}

export function grid({ x, y, frame, xFactor, yFactor, theme, noY = false }: GridOptions): string {
  const x0 = innerLeft(frame);
  const x1 = innerRight(frame);
  const y0 = innerTop(frame);
  const y1 = innerBottom(frame);
  let major = '';
  let minor = '';
  for (const t of axisTicks(x, xFactor, tickCount(x1 - x0, 80))) {
    if (t.at <= x0 + 0.5 || t.at > x1 + 0.5) continue;
    const seg = `M${r1(t.at)},${r1(y0)}V${r1(y1)}`;
    if (t.label === '') minor += seg;
    else major += seg;
  }
  if (!noY) {
    for (const t of axisTicks(y, yFactor, tickCount(y1 - y0, 40))) {
      if (t.at < y0 - 0.5 || t.at >= y1 - 0.5 || t.label === '') continue;
      major += `M${r1(x0)},${r1(t.at)}H${r1(x1)}`;
    }
  }
  return (
    `<g data-testid="grid" style="fill:none;stroke:${theme.faint}">` +
    (minor ? `<path d="${minor}" style="stroke-opacity:0.45"/>` : '') +
    (major ? `<path d="${major}"/>` : '') +
    '</g>'
  );
}
