// Nearest drawn point to the pointer: a d3 quadtree over screen coordinates (CSS px) of the points inside the
// view, rebuilt whenever the projection changes (zoom, resize, new data). A lookup visits only the cells that can
// hold something nearer than the best so far, so it costs microseconds for 100k points.
import { quadtree, type Quadtree, type QuadtreeLeaf } from 'd3';
import { FRONT } from './model';

export interface HoverIndex {
  /** Points indexed. */
  size: number;
  /** The nearest row within `maxDistance` px of (px, py), or -1. Ties go to the point drawn on top (the front),
   * then to the lower row, so the answer does not depend on the tree's shape. */
  find(px: number, py: number, maxDistance?: number): number;
}

export interface HoverSource {
  sx: ArrayLike<number>;
  sy: ArrayLike<number>;
  /** Rows to index, e.g. PlotData.order (NaN positions are skipped). */
  rows: ArrayLike<number>;
  /** Category per row (FRONT wins ties), optional. */
  category?: ArrayLike<number>;
  /** Only points inside this box are indexed (the view): [x0, y0, x1, y1]. */
  bounds?: readonly [number, number, number, number];
}

export const DEFAULT_HOVER_DISTANCE = 12;

export function buildHoverIndex({ sx, sy, rows, category, bounds }: HoverSource): HoverIndex {
  const [x0, y0, x1, y1] = bounds ?? [-Infinity, -Infinity, Infinity, Infinity];
  const kept: number[] = [];
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    const x = sx[i];
    const y = sy[i];
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) kept.push(i);
  }
  const tree: Quadtree<number> = quadtree<number>()
    .x((i) => sx[i])
    .y((i) => sy[i])
    .addAll(kept);

  const better = (i: number, d2: number, best: number, bestD2: number): boolean => {
    if (best < 0 || d2 < bestD2) return true;
    if (d2 > bestD2) return false;
    const fi = category ? category[i] === FRONT : false;
    const fb = category ? category[best] === FRONT : false;
    if (fi !== fb) return fi;
    return i < best;
  };

  return {
    size: kept.length,
    find(px: number, py: number, maxDistance = DEFAULT_HOVER_DISTANCE): number {
      let best = -1;
      let bestD2 = maxDistance * maxDistance;
      tree.visit((node, nx0, ny0, nx1, ny1) => {
        // Skip a cell whose nearest edge is farther than the best so far (or than the radius).
        const dx = px < nx0 ? nx0 - px : px > nx1 ? px - nx1 : 0;
        const dy = py < ny0 ? ny0 - py : py > ny1 ? py - ny1 : 0;
        if (dx * dx + dy * dy > bestD2) return true;
        if (!('length' in node)) {
          let leaf: QuadtreeLeaf<number> | undefined = node;
          while (leaf) {
            const i = leaf.data;
            const ex = sx[i] - px;
            const ey = sy[i] - py;
            const d2 = ex * ex + ey * ey;
            if (d2 <= bestD2 && better(i, d2, best, bestD2)) {
              best = i;
              bestD2 = d2;
            }
            leaf = leaf.next;
          }
          return true;
        }
        return false;
      });
      return best;
    },
  };
}

