// The point cloud on a <canvas>: every drawn point, batched by style so a style is set once per batch. Small
// filled points (dominated) are fillRect squares; larger or hollow ones are one path per batch (one fill or one
// stroke), or, for big batches, copies of a pre-rendered sprite (drawImage), which every canvas backend blits
// fast. Points sit on whole device pixels, and within a batch a point landing on a pixel already drawn in that
// batch is skipped (it would paint the same pixels again). Output depends only on the inputs.
import { DOMINATED, FRONT, INFEASIBLE, MARKER_POLYGONS, MARKERS, type PlotData } from './model';
import { innerBottom, innerLeft, innerRight, innerTop, type Frame } from './scales';

/** The part of CanvasRenderingContext2D used here (so tests can count calls without a DOM). */
export interface ScatterContext {
  fillStyle: unknown;
  strokeStyle: unknown;
  globalAlpha: number;
  lineWidth: number;
  save(): void;
  restore(): void;
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  rect(x: number, y: number, w: number, h: number): void;
  clip(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  arc(x: number, y: number, radius: number, startAngle: number, endAngle: number): void;
  fill(): void;
  stroke(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  drawImage(image: never, dx: number, dy: number): void;
}

/**
 * Makes a sprite: a size × size device-pixel image painted by `paint` (e.g. on an OffscreenCanvas). Sprites are
 * cached per factory and style, so pass a stable function.
 */
export type SpriteFactory = (size: number, paint: (ctx: ScatterContext) => void) => unknown;

export interface PointStyle {
  /** Radius in CSS px. */
  radius: number;
  alpha: number;
  /** Outline only (no-fit points). */
  hollow?: boolean;
  /** Outline width in CSS px: the ring of hollow points, or an outline around filled ones (0 = none). */
  lineWidth?: number;
  /** Use the muted colour instead of the precision's. */
  grey?: boolean;
}

export interface ScatterStyles {
  front: PointStyle;
  dominated: PointStyle;
  infeasible: PointStyle;
}

export const DEFAULT_STYLES: ScatterStyles = {
  front: { radius: 3.75, alpha: 1, lineWidth: 1 },
  dominated: { radius: 1.75, alpha: 0.45 },
  infeasible: { radius: 2.25, alpha: 0.55, hollow: true, lineWidth: 1, grey: true },
};

/**
 * With measured accuracy: every point drawn is hollow (predicted); the measured ones are drawn filled over the
 * canvas (marks/measured.ts). No-fit points stay as they are.
 */
export const PREDICTED_STYLES: ScatterStyles = {
  front: { radius: 3.75, alpha: 1, hollow: true, lineWidth: 1.5 },
  dominated: { radius: 2.25, alpha: 0.55, hollow: true, lineWidth: 1 },
  infeasible: DEFAULT_STYLES.infeasible,
};

export interface ScatterPalette {
  /** One colour per PRECISION_KEYS entry. */
  colors: readonly string[];
  /** Outline of front points. */
  fg: string;
  /** No-fit points. */
  muted: string;
}

export interface ScatterOptions {
  data: Pick<PlotData, 'order' | 'batches' | 'n'>;
  /** Screen positions in CSS px, per row (from scales.project). */
  sx: ArrayLike<number>;
  sy: ArrayLike<number>;
  frame: Frame;
  /** Device pixels per CSS pixel. */
  dpr?: number;
  palette: ScatterPalette;
  styles?: ScatterStyles;
  /** A filled point without outline whose radius (CSS px) is at most this is drawn as a square (fillRect); default 2. */
  tinyRadius?: number;
  /** Sprites for big batches of round points; without it they are drawn as paths. */
  sprites?: SpriteFactory;
  /** A batch with at least this many points uses sprites (default 512). */
  spriteMin?: number;
  /** Skip points on a device pixel already drawn in the same batch (default true). */
  dedupe?: boolean;
}

export interface ScatterStats {
  /** Points inside the view. */
  visible: number;
  /** Primitives issued (rects + arcs + sprites). */
  primitives: number;
}

/** Per-batch stamp grid, reused across draws of the same size. */
let stampGrid: Uint32Array = new Uint32Array(0);
let stamp = 0;

function stampsFor(size: number): Uint32Array {
  if (stampGrid.length < size) {
    stampGrid = new Uint32Array(size);
    stamp = 0;
  }
  return stampGrid;
}

/**
 * Adds one point's outline to the current path: a circle, or, for the other devices of a session, a square,
 * triangle, diamond or plus of about the same area.
 */
export function markerPath(c: Pick<ScatterContext, 'moveTo' | 'lineTo' | 'closePath' | 'arc'>, x: number, y: number, r: number, marker: number): void {
  const points = MARKER_POLYGONS[MARKERS[marker]];
  if (!points) {
    c.moveTo(x + r, y);
    c.arc(x, y, r, 0, 2 * Math.PI);
    return;
  }
  c.moveTo(x + points[0][0] * r, y + points[0][1] * r);
  for (let k = 1; k < points.length; k++) c.lineTo(x + points[k][0] * r, y + points[k][1] * r);
  c.closePath();
}

const spriteCache = new WeakMap<SpriteFactory, Map<string, { image: unknown; half: number }>>();

function sprite(factory: SpriteFactory, colour: string, outline: string, r: number, line: number, hollow: boolean, marker: number): { image: unknown; half: number } {
  let cache = spriteCache.get(factory);
  if (!cache) spriteCache.set(factory, (cache = new Map()));
  const key = `${colour}|${outline}|${r}|${line}|${hollow}|${marker}`;
  let hit = cache.get(key);
  if (!hit) {
    // Triangles, diamonds and plus signs reach past the circle's radius.
    const half = Math.ceil((marker <= 1 ? r : 1.3 * r) + line / 2 + 1);
    const image = factory(2 * half, (c) => {
      c.beginPath();
      markerPath(c, half, half, r, marker);
      if (hollow) {
        c.strokeStyle = colour;
        c.lineWidth = line;
        c.stroke();
      } else {
        c.fillStyle = colour;
        c.fill();
        if (line > 0) {
          c.strokeStyle = outline;
          c.lineWidth = line;
          c.stroke();
        }
      }
    });
    hit = { image, half };
    cache.set(key, hit);
  }
  return hit;
}

/** Draws the points. The canvas must be frame.width·dpr × frame.height·dpr device pixels. */
export function drawScatter(ctx: ScatterContext, options: ScatterOptions): ScatterStats {
  const { data, sx, sy, frame, dpr = 1, palette, styles = DEFAULT_STYLES, tinyRadius = 2, dedupe = true, sprites, spriteMin = 512 } = options;
  const { order, batches } = data;
  const W = Math.max(1, Math.round(frame.width * dpr));
  const H = Math.max(1, Math.round(frame.height * dpr));
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, W, H);

  // Clip to the inner area (device px); points are drawn in device px.
  const cx0 = Math.floor(innerLeft(frame) * dpr);
  const cy0 = Math.floor(innerTop(frame) * dpr);
  const cx1 = Math.ceil(innerRight(frame) * dpr);
  const cy1 = Math.ceil(innerBottom(frame) * dpr);
  ctx.save();
  ctx.beginPath();
  ctx.rect(cx0, cy0, cx1 - cx0, cy1 - cy0);
  ctx.clip();

  const grid = dedupe ? stampsFor(W * H) : null;
  let visible = 0;
  let primitives = 0;

  for (const batch of batches) {
    const style = batch.category === FRONT ? styles.front : batch.category === DOMINATED ? styles.dominated : batch.category === INFEASIBLE ? styles.infeasible : null;
    if (!style) continue;
    const r = style.radius * dpr;
    const line = (style.lineWidth ?? 0) * dpr;
    const hollow = style.hollow === true;
    // Points this far outside the clip still show a part of themselves.
    const reach = r + line;
    const xmin = cx0 - reach;
    const xmax = cx1 + reach;
    const ymin = cy0 - reach;
    const ymax = cy1 + reach;
    const colour = style.grey ? palette.muted : (palette.colors[batch.color] ?? palette.muted);
    // Tiny points are squares whatever the device (a marker cannot be told apart at 2 px).
    const mode = !hollow && line === 0 && style.radius <= tinyRadius ? 'square' : sprites && batch.end - batch.start >= spriteMin ? 'sprite' : 'path';
    if (grid) {
      stamp = (stamp + 1) >>> 0;
      if (stamp === 0) {
        grid.fill(0);
        stamp = 1;
      }
    }
    const marker = batch.marker ?? 0;
    const image = mode === 'sprite' && sprites ? sprite(sprites, colour, palette.fg, r, line, hollow, marker) : null;
    ctx.globalAlpha = style.alpha;
    ctx.fillStyle = colour;
    ctx.strokeStyle = hollow ? colour : palette.fg;
    ctx.lineWidth = line;
    const side = Math.max(1, Math.round(2 * r));
    const half = Math.floor(side / 2);
    if (mode === 'path') ctx.beginPath();
    let n = 0;
    for (let k = batch.start; k < batch.end; k++) {
      const i = order[k];
      const px = sx[i] * dpr;
      const py = sy[i] * dpr;
      if (!(px >= xmin && px <= xmax && py >= ymin && py <= ymax)) continue;
      visible++;
      // Whole device pixel of the centre: one stamp per pixel per batch.
      const ix = Math.round(px);
      const iy = Math.round(py);
      if (grid && ix >= 0 && iy >= 0 && ix < W && iy < H) {
        const cell = iy * W + ix;
        if (grid[cell] === stamp) continue;
        grid[cell] = stamp;
      }
      n++;
      if (mode === 'square') ctx.fillRect(ix - half, iy - half, side, side);
      else if (image) ctx.drawImage(image.image as never, ix - image.half, iy - image.half);
      else markerPath(ctx, ix, iy, r, marker);
    }
    primitives += n;
    if (mode === 'path' && n > 0) {
      if (hollow) ctx.stroke();
      else {
        ctx.fill();
        if (line > 0) {
          ctx.globalAlpha = 1;
          ctx.stroke();
        }
      }
    }
  }
  ctx.restore();
  ctx.globalAlpha = 1;
  return { visible, primitives };
}
