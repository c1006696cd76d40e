// The plots zoom only with Ctrl/⌘ + wheel or a pinch; a bare wheel scrolls the page.
import { describe, expect, it } from 'vitest';
import { wheelDelta, zoomGesture } from '../../src/renderer/lib/plots/gestures';

describe('zoom gestures', () => {
  it('a bare wheel does not zoom; Ctrl or ⌘ + wheel (a pinch) does', () => {
    expect(zoomGesture({ type: 'wheel', ctrlKey: false, metaKey: false })).toBe(false);
    expect(zoomGesture({ type: 'wheel', ctrlKey: true, metaKey: false })).toBe(true);
    expect(zoomGesture({ type: 'wheel', ctrlKey: false, metaKey: true })).toBe(true);
  });
  it('dragging with the main button pans', () => {
    expect(zoomGesture({ type: 'mousedown', ctrlKey: false, metaKey: false, button: 0 })).toBe(true);
    expect(zoomGesture({ type: 'mousedown', ctrlKey: false, metaKey: false, button: 2 })).toBe(false);
  });
  it('one mouse notch zooms by about 15 %, a pinch step by a similar amount', () => {
    expect(2 ** wheelDelta({ deltaY: -100, deltaMode: 0 })).toBeCloseTo(1.149, 2);
    expect(2 ** wheelDelta({ deltaY: -5, deltaMode: 0 })).toBeCloseTo(1.072, 2);
  });
});
