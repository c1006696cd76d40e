// Reads the plot's colours as the browser computed them (theme variables resolved), for the canvas and the
// exports, which cannot use CSS variables.
import { PRECISION_KEYS, type PrecisionKey } from './model';
import { LIGHT_THEME, precisionVar, type OverlayTheme } from './palette';
import type { ScatterContext, ScatterPalette, SpriteFactory } from './scatter-canvas';

/** Resolved colours of the plot whose root is `element`; `colors` overrides precisions. */
export function readTheme(element: Element, colors?: Partial<Record<PrecisionKey, string>>): OverlayTheme {
  const style = getComputedStyle(element);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const precision = {} as Record<PrecisionKey, string>;
  for (const k of PRECISION_KEYS) precision[k] = colors?.[k] ?? v(precisionVar(k), LIGHT_THEME.precision[k]);
  return {
    fg: v('--fg', style.color || LIGHT_THEME.fg),
    muted: v('--muted', LIGHT_THEME.muted),
    faint: v('--line', LIGHT_THEME.faint),
    accent: v('--accent', LIGHT_THEME.accent),
    danger: v('--danger', LIGHT_THEME.danger),
    bg: v('--panel', v('--bg', LIGHT_THEME.bg)),
    font: v('--font', LIGHT_THEME.font),
    precision,
  };
}

export function scatterPalette(theme: OverlayTheme): ScatterPalette {
  return { colors: PRECISION_KEYS.map((k) => theme.precision[k]), fg: theme.fg, muted: theme.muted };
}

/** Composites the plot for a PNG: the standalone SVG (its points image included) rasterised at `scale`. */
export function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<string> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      const ctx = canvas.getContext('2d');
      if (!ctx) {
        reject(new Error('no 2d canvas context'));
        return;
      }
      ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
      resolve(canvas.toDataURL('image/png'));
    };
    image.onerror = () => reject(new Error('could not rasterise the plot'));
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  });
}

/** Sprites on offscreen canvases (a plain canvas where OffscreenCanvas is missing). Stable: sprites are cached per factory. */
export const canvasSprite: SpriteFactory = (size, paint) => {
  const canvas: OffscreenCanvas | HTMLCanvasElement =
    typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(size, size) : Object.assign(document.createElement('canvas'), { width: size, height: size });
  const ctx = canvas.getContext('2d') as (OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D) | null;
  if (ctx) paint(ctx as unknown as ScatterContext);
  return canvas;
};
