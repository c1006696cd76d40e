// Colours of the plots. Precisions use the Okabe–Ito palette (distinguishable with the common colour-vision
// deficiencies); everything else follows the app's theme variables, so light and dark follow the OS. The SVG
// overlay uses the variables themselves; the canvas and the exports use the computed values (theme.ts).
import { PRECISION_KEYS, type PrecisionKey } from './model';

/** Okabe–Ito on a light background. */
export const PRECISION_COLORS_LIGHT: Record<PrecisionKey, string> = {
  fp32: '#0072B2', // blue
  fp16: '#E69F00', // orange
  int8: '#009E73', // bluish green
  int4: '#CC79A7', // reddish purple
  mixed: '#D55E00', // vermillion
};

/** On a dark background the blue is too dark: sky blue takes its place. */
export const PRECISION_COLORS_DARK: Record<PrecisionKey, string> = {
  ...PRECISION_COLORS_LIGHT,
  fp32: '#56B4E9',
};

/** The CSS variable holding a precision's colour on the plot root (`--plot-fp32`…); an app may set
 * `--precision-fp32`… to override it. */
export const precisionVar = (key: PrecisionKey): string => `--plot-${key}`;

/** The colours the overlay draws with: CSS values (variables in the app, resolved colours in an export). */
export interface OverlayTheme {
  fg: string;
  muted: string;
  /** Gridlines. */
  faint: string;
  /** Pinned selection. */
  accent: string;
  /** Memory limits and their "does not fit" region. */
  danger: string;
  /** The plot background (exports only). */
  bg: string;
  font: string;
  precision: Record<PrecisionKey, string>;
}

/** The live theme: the app's variables, with the app's light values as fallbacks. */
export const CSS_THEME: OverlayTheme = {
  fg: 'var(--fg, #1d1f21)',
  muted: 'var(--muted, #6b7075)',
  faint: 'var(--line, #d5d7da)',
  accent: 'var(--accent, #0b63c5)',
  danger: 'var(--danger, #b3261e)',
  bg: 'var(--panel, #ffffff)',
  font: "var(--font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif)",
  precision: Object.fromEntries(PRECISION_KEYS.map((k) => [k, `var(${precisionVar(k)}, ${PRECISION_COLORS_LIGHT[k]})`])) as Record<
    PrecisionKey,
    string
  >,
};

/** A fixed light theme with plain colours: deterministic exports and tests. */
export const LIGHT_THEME: OverlayTheme = {
  fg: '#1d1f21',
  muted: '#6b7075',
  faint: '#d5d7da',
  accent: '#0b63c5',
  danger: '#b3261e',
  bg: '#ffffff',
  font: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  precision: { ...PRECISION_COLORS_LIGHT },
};

/** Escapes text and attribute values for SVG markup. */
export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
