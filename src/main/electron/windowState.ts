// The main window's size, position and maximized flag, remembered across runs in a small JSON file in userData.
// Pure logic plus node:fs — no electron import — so that clamping can be tested with displays given as data.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../files/atomicWrite';
import { readRegularFile } from '../files/readFile';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Absent on the first run: the window is centred on the primary display. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface WindowLimits {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

export const WINDOW_LIMITS: WindowLimits = { width: 1440, height: 900, minWidth: 960, minHeight: 600 };

export const WINDOW_STATE_FILE = 'window-state.json';

/**
 * How much of the window's top strip (its title bar) must lie on a display for a saved position to be kept: enough
 * to grab it with the mouse. Less than that (a display was unplugged, the resolution dropped) and the window is
 * centred on the primary display instead.
 */
export const TITLE_BAR_HEIGHT = 32;
export const MIN_VISIBLE_TITLE_WIDTH = 96;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A state read from disk, or null when the value is not one (wrong types, missing fields, non-finite numbers). */
export function parseWindowState(value: unknown): WindowState | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  if (!finite(o.width) || !finite(o.height) || o.width <= 0 || o.height <= 0) return null;
  const state: WindowState = {
    width: Math.round(o.width),
    height: Math.round(o.height),
    maximized: o.maximized === true,
  };
  if (finite(o.x) && finite(o.y)) {
    state.x = Math.round(o.x);
    state.y = Math.round(o.y);
  }
  return state;
}

const overlap = (a0: number, a1: number, b0: number, b1: number): number => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

/** Width of the window's title strip that lies on the display. */
function titleVisible(window: Rect, display: Rect): number {
  const strip = Math.min(TITLE_BAR_HEIGHT, window.height);
  const vertical = overlap(window.y, window.y + strip, display.y, display.y + display.height);
  return vertical > 0 ? overlap(window.x, window.x + window.width, display.x, display.x + display.width) : 0;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

/**
 * Where to open the window, given the saved state (or null) and the work areas of the connected displays (the
 * primary one first). The result always lies entirely on one display: a saved position whose title bar is still
 * reachable is kept (moved inside that display if it hangs over an edge); otherwise the window is centred on the
 * primary display. The size is at least the minimum and at most the chosen display's work area. With no display
 * information the position is left to the window system.
 */
export function clampWindowState(
  saved: WindowState | null,
  displays: readonly Rect[],
  limits: WindowLimits = WINDOW_LIMITS,
): WindowState {
  const want = saved ?? { width: limits.width, height: limits.height, maximized: false };
  const maximized = want.maximized;
  const usable = displays.filter((d) => finite(d.width) && finite(d.height) && d.width > 0 && d.height > 0);
  if (usable.length === 0) {
    return { width: Math.max(want.width, limits.minWidth), height: Math.max(want.height, limits.minHeight), maximized };
  }

  let display = usable[0];
  let keepPosition = false;
  if (want.x !== undefined && want.y !== undefined) {
    const rect = { x: want.x, y: want.y, width: want.width, height: want.height };
    let best = 0;
    for (const d of usable) {
      const seen = titleVisible(rect, d);
      if (seen > best) {
        best = seen;
        display = d;
      }
    }
    keepPosition = best >= Math.min(MIN_VISIBLE_TITLE_WIDTH, want.width);
    if (!keepPosition) display = usable[0];
  }

  const width = Math.min(Math.max(want.width, limits.minWidth), display.width);
  const height = Math.min(Math.max(want.height, limits.minHeight), display.height);
  let x: number;
  let y: number;
  if (keepPosition && want.x !== undefined && want.y !== undefined) {
    x = clamp(want.x, display.x, display.x + display.width - width);
    y = clamp(want.y, display.y, display.y + display.height - height);
  } else {
    x = display.x + Math.floor((display.width - width) / 2);
    y = display.y + Math.floor((display.height - height) / 2);
  }
  return { x, y, width, height, maximized };
}

/** The saved state, or null when there is none or it cannot be read (a bad file is ignored, not fatal). */
export function loadWindowState(file: string): WindowState | null {
  try {
    // Through the one bounded reader: a state file is a few hundred bytes; anything else is ignored.
    return parseWindowState(JSON.parse(readRegularFile(file, 64 * 1024).toString('utf8')));
  } catch {
    return null;
  }
}

/** Writes the state atomically (a temporary file, flushed, renamed over it), so a crash never leaves half a file. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

/** What the tracker needs from a BrowserWindow (structural, so it can be tested with a fake). */
export interface TrackableWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isMinimized(): boolean;
  isFullScreen(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

/** The state to remember: the normal (restored) bounds, so a maximized window comes back the size it had before. */
export function captureWindowState(win: TrackableWindow): WindowState {
  const b = win.getNormalBounds();
  return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() || win.isFullScreen() };
}

/**
 * Saves the window's state when it moves or resizes (debounced) and when it closes. Returns a function that writes
 * any pending change at once (call it before quitting).
 */
export function trackWindowState(
  win: TrackableWindow,
  save: (state: WindowState) => void,
  debounceMs = 500,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: WindowState | null = null;
  const capture = (): void => {
    if (win.isDestroyed() || win.isMinimized()) return;
    last = captureWindowState(win);
  };
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (last) {
      try {
        save(last);
      } catch {
        // Remembering the window is a convenience; failing to write it must not disturb the app.
      }
      last = null;
    }
  };
  const schedule = (): void => {
    capture();
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event, schedule);
  win.on('close', () => {
    capture();
    flush();
  });
  return flush;
}
