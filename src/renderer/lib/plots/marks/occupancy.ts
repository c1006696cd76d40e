// Where the points are, coarsely, so labels can be put where none is: a grid of 4 px cells over the frame, each
// marked when a drawn point (with its radius and a little air) covers it. Built in one pass over the points.
import { EXCLUDED, type PlotData } from '../model';
import type { Frame } from '../scales';

export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** Whether any point lies under a box (screen px). */
export type Occupancy = (box: Box) => boolean;

const CELL = 4;

export function pointOccupancy(
  data: Pick<PlotData, 'n' | 'category'>,
  sx: ArrayLike<number>,
  sy: ArrayLike<number>,
  frame: Pick<Frame, 'width' | 'height'>,
  pad = 5,
): Occupancy {
  const cols = Math.max(1, Math.ceil(frame.width / CELL));
  const rows = Math.max(1, Math.ceil(frame.height / CELL));
  const grid = new Uint8Array(cols * rows);
  for (let i = 0; i < data.n; i++) {
    if (data.category[i] === EXCLUDED) continue;
    const x = sx[i];
    const y = sy[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const c0 = Math.max(0, Math.floor((x - pad) / CELL));
    const c1 = Math.min(cols - 1, Math.floor((x + pad) / CELL));
    const r0 = Math.max(0, Math.floor((y - pad) / CELL));
    const r1 = Math.min(rows - 1, Math.floor((y + pad) / CELL));
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) grid[r * cols + c] = 1;
  }
  return (box) => {
    const c0 = Math.max(0, Math.floor(box.x0 / CELL));
    const c1 = Math.min(cols - 1, Math.floor(box.x1 / CELL));
    const r0 = Math.max(0, Math.floor(box.y0 / CELL));
    const r1 = Math.min(rows - 1, Math.floor(box.y1 / CELL));
    for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) if (grid[r * cols + c]) return true;
    return false;
  };
}
