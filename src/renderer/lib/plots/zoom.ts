// Zoom and pan, each axis on its own: Ctrl/⌘ + wheel (or a trackpad pinch, which browsers report as a wheel with
// Ctrl) zooms about the pointer — a bare wheel scrolls the page, as everywhere else — dragging pans, double-click (or reset())
// returns to the full view. d3-zoom reads the gestures; each gesture step is applied to an x and a y view of their
// own, so a plot can share its y (accuracy) view with another plot while keeping its x. A view is px' = k · px + t
// on the axis's screen range, k from 1 (everything) to `maxScale`, never showing beyond the data's domain.
import { select, zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3';
import { wheelDelta, zoomGesture } from './gestures';
import type { Scale } from './scales';

export interface AxisView {
  k: number;
  t: number;
}

export const FULL_VIEW: AxisView = { k: 1, t: 0 };
export const DEFAULT_MAX_SCALE = 2000;

export const isFull = (v: AxisView): boolean => v.k === 1 && v.t === 0;

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

/** Keeps a view within [1, maxScale] and the visible part of the range inside the range [r0, r1]. */
export function clampView(v: AxisView, range: readonly [number, number], maxScale = DEFAULT_MAX_SCALE): AxisView {
  const k = Math.min(maxScale, Math.max(1, v.k));
  const lo = Math.min(range[0], range[1]);
  const hi = Math.max(range[0], range[1]);
  // Visible range [lo, hi] maps back to [(lo − t)/k, (hi − t)/k], which must lie inside [lo, hi].
  const t = Math.min(lo * (1 - k), Math.max(hi * (1 - k), v.t));
  return k === 1 ? FULL_VIEW : { k, t: t === 0 ? 0 : t };
}

/** One gesture step (scale by `f` about the screen point where the step maps `p` to `f·p + d`) applied to a view. */
export function stepView(v: AxisView, f: number, d: number, range: readonly [number, number], maxScale = DEFAULT_MAX_SCALE): AxisView {
  return clampView({ k: v.k * f, t: v.t * f + d }, range, maxScale);
}

/** The base scale seen through a view. */
export function viewScale(base: Scale, v: AxisView): Scale {
  if (isFull(v)) return base;
  const range = base.range() as [number, number];
  return base.copy().domain(range.map((p) => base.invert((p - v.t) / v.k)));
}

/** The view that shows `domain` (data units) on the base scale. */
export function viewOfDomain(base: Scale, domain: readonly [number, number]): AxisView {
  const [r0, r1] = base.range() as [number, number];
  const a = base(domain[0]);
  const b = base(domain[1]);
  if (!(Number.isFinite(a) && Number.isFinite(b)) || a === b) return FULL_VIEW;
  const k = (r1 - r0) / (b - a);
  return { k, t: r0 - k * a };
}

/** The domain (data units) a view shows on the base scale. */
export function domainOfView(base: Scale, v: AxisView): [number, number] {
  return viewScale(base, v).domain() as [number, number];
}

export interface ZoomOptions {
  /** Each gesture step, throttled to animation frames: scale `f` about screen points, px → f·px + dx (x), f·py + dy (y). */
  onstep: (f: number, dx: number, dy: number) => void;
  /** Double-click. */
  onreset: () => void;
}

export interface ZoomController {
  destroy(): void;
}

/** Reads zoom and pan gestures on `element` (the plot's top layer). */
export function attachZoom(element: Element, { onstep, onreset }: ZoomOptions): ZoomController {
  let previous: ZoomTransform = zoomIdentity;
  // Steps are composed until the next animation frame delivers them as one.
  let f = 1;
  let dx = 0;
  let dy = 0;
  const deliver = rafThrottle(() => {
    const step = [f, dx, dy] as const;
    f = 1;
    dx = 0;
    dy = 0;
    onstep(...step);
  });
  const behavior: ZoomBehavior<Element, unknown> = zoom<Element, unknown>()
    .filter(zoomGesture)
    .wheelDelta(wheelDelta)
    .scaleExtent([1e-9, 1e9])
    .on('zoom', (event: { transform: ZoomTransform }) => {
      const t = event.transform;
      const s = t.k / previous.k;
      const sx = t.x - s * previous.x;
      const sy = t.y - s * previous.y;
      previous = t;
      // Compose with what is pending: p → s·(f·p + d) + step.
      f *= s;
      dx = s * dx + sx;
      dy = s * dy + sy;
      deliver();
    });
  const selection = select(element);
  selection.call(behavior).on('dblclick.zoom', null);
  selection.on('dblclick.reset', () => onreset());
  return {
    destroy(): void {
      deliver.cancel();
      selection.on('.zoom', null).on('dblclick.reset', null);
    },
  };
}
