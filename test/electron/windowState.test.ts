// Window state: parsing a saved file, clamping to the displays that are connected now, saving on move/resize.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  WINDOW_LIMITS,
  captureWindowState,
  clampWindowState,
  loadWindowState,
  parseWindowState,
  saveWindowState,
  trackWindowState,
  type Rect,
  type TrackableWindow,
  type WindowState,
} from '../../src/main/electron/windowState';

const primary: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
const right: Rect = { x: 1920, y: 0, width: 2560, height: 1400 };
const small: Rect = { x: 0, y: 0, width: 1280, height: 680 };

const inside = (s: WindowState, d: Rect): boolean =>
  s.x !== undefined &&
  s.y !== undefined &&
  s.x >= d.x &&
  s.y >= d.y &&
  s.x + s.width <= d.x + d.width &&
  s.y + s.height <= d.y + d.height;

describe('parseWindowState', () => {
  it('accepts a saved state and rounds its numbers', () => {
    expect(parseWindowState({ x: 10.4, y: 20.6, width: 1200, height: 800, maximized: true })).toEqual({
      x: 10,
      y: 21,
      width: 1200,
      height: 800,
      maximized: true,
    });
  });
  it('keeps a size without a position', () => {
    expect(parseWindowState({ width: 1000, height: 700 })).toEqual({ width: 1000, height: 700, maximized: false });
  });
  it.each([null, 3, 'x', [], {}, { width: 'big', height: 700 }, { width: 0, height: 700 }, { width: Infinity, height: 1 }])(
    'rejects %j',
    (value) => expect(parseWindowState(value)).toBeNull(),
  );
  it('drops a position with a non-finite coordinate', () => {
    expect(parseWindowState({ x: NaN, y: 3, width: 1000, height: 700 })).toEqual({ width: 1000, height: 700, maximized: false });
  });
});

describe('clampWindowState', () => {
  it('centres the default size on the primary display on the first run', () => {
    const s = clampWindowState(null, [primary, right]);
    expect(s).toEqual({
      x: (1920 - WINDOW_LIMITS.width) / 2,
      y: Math.floor((1040 - WINDOW_LIMITS.height) / 2),
      width: WINDOW_LIMITS.width,
      height: WINDOW_LIMITS.height,
      maximized: false,
    });
  });

  it('keeps a position that is fully on a display', () => {
    const saved = { x: 100, y: 50, width: 1200, height: 800, maximized: false };
    expect(clampWindowState(saved, [primary])).toEqual(saved);
  });

  it('keeps a window on the secondary display there', () => {
    const saved = { x: 2200, y: 100, width: 1600, height: 1000, maximized: true };
    expect(clampWindowState(saved, [primary, right])).toEqual(saved);
  });

  it('recentres on the primary display when the display it was on is gone', () => {
    const saved = { x: 2200, y: 100, width: 1600, height: 1000, maximized: false };
    const s = clampWindowState(saved, [primary]);
    expect(inside(s, primary)).toBe(true);
    expect(s).toEqual({ x: 160, y: 20, width: 1600, height: 1000, maximized: false });
  });

  it('pulls a window hanging over an edge back inside its display', () => {
    const s = clampWindowState({ x: 1500, y: 900, width: 1200, height: 800, maximized: false }, [primary]);
    expect(s).toEqual({ x: 720, y: 240, width: 1200, height: 800, maximized: false });
  });

  it('recentres when only a sliver of the title bar would be visible', () => {
    const s = clampWindowState({ x: 1900, y: 10, width: 1200, height: 800, maximized: false }, [primary]);
    expect(s.x).toBe((1920 - 1200) / 2);
    expect(inside(s, primary)).toBe(true);
  });

  it('recentres a window whose title bar is above the top of every display', () => {
    const s = clampWindowState({ x: 100, y: -500, width: 1200, height: 800, maximized: false }, [primary]);
    expect(inside(s, primary)).toBe(true);
    expect(s.y).toBe(120);
  });

  it('shrinks a window larger than the display to the work area', () => {
    const s = clampWindowState({ x: 0, y: 0, width: 3000, height: 2000, maximized: false }, [small]);
    expect(s).toEqual({ x: 0, y: 0, width: 1280, height: 680, maximized: false });
  });

  it('grows a window below the minimum size, and never beyond the display', () => {
    const s = clampWindowState({ x: 10, y: 10, width: 200, height: 100, maximized: false }, [primary]);
    expect([s.width, s.height]).toEqual([WINDOW_LIMITS.minWidth, WINDOW_LIMITS.minHeight]);
    const tiny: Rect = { x: 0, y: 0, width: 800, height: 500 };
    const t = clampWindowState({ x: 10, y: 10, width: 200, height: 100, maximized: false }, [tiny]);
    expect([t.width, t.height]).toEqual([800, 500]);
    expect(inside(t, tiny)).toBe(true);
  });

  it('works with displays at negative coordinates (a monitor to the left of the primary)', () => {
    const left: Rect = { x: -1680, y: 0, width: 1680, height: 1010 };
    const saved = { x: -1500, y: 100, width: 1200, height: 800, maximized: false };
    expect(clampWindowState(saved, [primary, left])).toEqual(saved);
  });

  it('keeps maximized, and leaves the position to the window system without displays', () => {
    expect(clampWindowState({ x: 5, y: 5, width: 100, height: 100, maximized: true }, [])).toEqual({
      width: WINDOW_LIMITS.minWidth,
      height: WINDOW_LIMITS.minHeight,
      maximized: true,
    });
  });

  it('always returns a window entirely on one display (random states)', () => {
    let seed = 42;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const displays = [primary, right];
    for (let i = 0; i < 500; i++) {
      const saved = {
        x: Math.round(rand() * 8000 - 3000),
        y: Math.round(rand() * 4000 - 2000),
        width: Math.round(rand() * 4000 + 1),
        height: Math.round(rand() * 3000 + 1),
        maximized: rand() < 0.5,
      };
      const s = clampWindowState(saved, displays);
      expect(displays.some((d) => inside(s, d))).toBe(true);
    }
  });
});

describe('loading and saving', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'frontier-window-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips through the file, creating its directory', () => {
    const file = join(dir, 'nested', 'window-state.json');
    const state = { x: 1, y: 2, width: 1000, height: 700, maximized: true };
    saveWindowState(file, state);
    expect(loadWindowState(file)).toEqual(state);
  });

  it('treats a missing or corrupt file as no state', () => {
    expect(loadWindowState(join(dir, 'none.json'))).toBeNull();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"width": 10');
    expect(loadWindowState(bad)).toBeNull();
  });
});

describe('trackWindowState', () => {
  class FakeWindow implements TrackableWindow {
    bounds: Rect = { x: 10, y: 20, width: 1000, height: 700 };
    maximized = false;
    minimized = false;
    listeners = new Map<string, (() => void)[]>();
    getNormalBounds(): Rect {
      return { ...this.bounds };
    }
    isMaximized(): boolean {
      return this.maximized;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    isFullScreen(): boolean {
      return false;
    }
    isDestroyed(): boolean {
      return false;
    }
    on(event: string, listener: () => void): this {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    emit(event: string): void {
      for (const l of this.listeners.get(event) ?? []) l();
    }
  }

  afterEach(() => {
    vi.useRealTimers();
  });

  it('saves once after a burst of moves, with the normal bounds and the maximized flag', () => {
    vi.useFakeTimers();
    const win = new FakeWindow();
    const saved: WindowState[] = [];
    trackWindowState(win, (s) => saved.push(s), 500);
    win.emit('move');
    win.bounds = { x: 50, y: 60, width: 1100, height: 750 };
    win.emit('resize');
    expect(saved).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(saved).toEqual([{ x: 50, y: 60, width: 1100, height: 750, maximized: false }]);
    win.maximized = true;
    win.emit('maximize');
    win.emit('close');
    expect(saved.at(-1)).toEqual({ x: 50, y: 60, width: 1100, height: 750, maximized: true });
  });

  it('ignores changes while minimized, and a failing save does not throw', () => {
    const win = new FakeWindow();
    win.minimized = true;
    const save = vi.fn(() => {
      throw new Error('disk full');
    });
    const flush = trackWindowState(win, save, 500);
    win.emit('move');
    flush();
    expect(save).not.toHaveBeenCalled();
    win.minimized = false;
    win.emit('resize');
    expect(() => flush()).not.toThrow();
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('captures the state of a window', () => {
    const win = new FakeWindow();
    expect(captureWindowState(win)).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: false });
  });

  it('writes a readable JSON file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontier-window-'));
    try {
      const file = join(dir, 'window-state.json');
      saveWindowState(file, { width: 1000, height: 700, maximized: false });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ width: 1000, height: 700, maximized: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
