// Zoom and pan on x and y with d3-zoom: the wheel zooms about the pointer, dragging pans, double-click (or
// reset()) returns to the full view. Transforms are delivered at most once per animation frame, and the caller
// rescales its base scales with them (rescale()).
import { select, zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3';
import type { Scale } from './scales';

export type { ZoomTransform };
export { zoomIdentity };

/** Calls `fn` with the latest arguments once in the next animation frame, however often it is called before. */
export function rafThrottle<A extends unknown[]>(fn: (...args: A) => void): ((...args: A) => void) & { cancel(): void; flush(): void } {
  let pending: A | null = null;
  let handle = 0;
  const run = (): void => {
    handle = 0;
    const args = pending;
    pending = null;
    if (args) fn(...args);
  };
  const throttled = (...args: A): void => {
    pending = args;
    if (!handle) handle = requestAnimationFrame(run);
  };
  throttled.cancel = (): void => {
    if (handle) cancelAnimationFrame(handle);
    handle = 0;
    pending = null;
  };
  throttled.flush = (): void => {
    if (handle) cancelAnimationFrame(handle);
    run();
  };
  return throttled;
}

/** The base scales seen through a zoom transform. */
export function rescale(x: Scale, y: Scale, t: ZoomTransform): { x: Scale; y: Scale } {
  if (t.k === 1 && t.x === 0 && t.y === 0) return { x, y };
  return { x: t.rescaleX(x), y: t.rescaleY(y) };
}

export const isIdentity = (t: ZoomTransform): boolean => t.k === 1 && t.x === 0 && t.y === 0;

export interface ZoomOptions {
  width: number;
  height: number;
  /** Most zoomed in, as a factor (default 2000: a 100k-point cloud down to single points). */
  maxScale?: number;
  /** Receives each transform, throttled to animation frames. */
  onzoom: (transform: ZoomTransform) => void;
}

export interface ZoomController {
  reset(): void;
  /** New plot size: the pan limits follow. */
  resize(width: number, height: number): void;
  readonly transform: ZoomTransform;
  destroy(): void;
}

/** Attaches zoom and pan to `element` (the plot's top layer). */
export function attachZoom(element: Element, { width, height, maxScale = 2000, onzoom }: ZoomOptions): ZoomController {
  let current: ZoomTransform = zoomIdentity;
  const deliver = rafThrottle((t: ZoomTransform) => onzoom(t));
  const behavior: ZoomBehavior<Element, unknown> = zoom<Element, unknown>()
    .scaleExtent([1, maxScale])
    .extent([
      [0, 0],
      [width, height],
    ])
    .translateExtent([
      [0, 0],
      [width, height],
    ])
    .on('zoom', (event: { transform: ZoomTransform }) => {
      current = event.transform;
      deliver(current);
    });
  const selection = select(element);
  selection.call(behavior).on('dblclick.zoom', null);
  const reset = (): void => {
    selection.call(behavior.transform, zoomIdentity);
  };
  selection.on('dblclick.reset', reset);
  return {
    reset,
    resize(w: number, h: number): void {
      behavior
        .extent([
          [0, 0],
          [w, h],
        ])
        .translateExtent([
          [0, 0],
          [w, h],
        ]);
      // Keep the transform within the new limits.
      selection.call(behavior.transform, current);
    },
    get transform(): ZoomTransform {
      return current;
    },
    destroy(): void {
      deliver.cancel();
      selection.on('.zoom', null).on('dblclick.reset', null);
    },
  };
}
