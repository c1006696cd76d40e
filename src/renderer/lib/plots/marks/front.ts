// The Pareto front: a bold step line through the front points (right, then up), in screen coordinates.
import type { OverlayTheme } from '../palette';
import { affine, r1, type Scale } from '../scales';

/** Path data of a staircase given in data units: M, then H and V for the horizontal and vertical runs, one decimal. */
export function stepPath(step: { x: ArrayLike<number>; y: ArrayLike<number> }, x: Scale, y: Scale): string {
  const n = step.x.length;
  if (n === 0) return '';
  const ax = affine(x);
  const ay = affine(y);
  const px = (v: number): number => r1(ax.a * (ax.log ? Math.log10(v) : v) + ax.b);
  const py = (v: number): number => r1(ay.a * v + ay.b);
  let lx = px(step.x[0]);
  let ly = py(step.y[0]);
  // Commands after the move; runs in one direction (vertices merged by rounding) collapse into one command.
  const cmds: string[] = [];
  let last = '';
  for (let k = 1; k < n; k++) {
    const cx = px(step.x[k]);
    const cy = py(step.y[k]);
    if (cx === lx && cy === ly) continue;
    const kind = cy === ly ? 'H' : cx === lx ? 'V' : 'L';
    const cmd = kind === 'H' ? `H${cx}` : kind === 'V' ? `V${cy}` : `L${cx},${cy}`;
    if (kind === last && kind !== 'L') cmds[cmds.length - 1] = cmd;
    else cmds.push(cmd);
    last = kind;
    lx = cx;
    ly = cy;
  }
  let d = `M${px(step.x[0])},${py(step.y[0])}${cmds.join('')}`;
  // A front of one point: a dot, drawn by the round cap of a zero-length segment.
  if (!/[HVL]/.test(d)) d += 'h0';
  return d;
}

interface FrontOptions {
  step: { x: ArrayLike<number>; y: ArrayLike<number> };
  x: Scale;
  y: Scale;
  theme: OverlayTheme;
  clipId: string;
}

export function frontLine({ step, x, y, theme, clipId }: FrontOptions): string {
  return `<path data-testid="front" d="${stepPath(step, x, y)}" clip-path="url(#${clipId})" style="fill:none;stroke:${theme.fg};stroke-width:2;stroke-linejoin:round;stroke-linecap:round"/>`;
}
