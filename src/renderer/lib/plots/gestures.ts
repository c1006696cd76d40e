// Which pointer gestures the plots read as zoom and pan (pure, so it is tested without a DOM).

/** Which gestures zoom or pan: a wheel only with Ctrl/⌘ (a pinch), a drag with the main button and no Ctrl. */
export function zoomGesture(event: { type: string; ctrlKey: boolean; metaKey: boolean; button?: number }): boolean {
  if (event.type === 'wheel') return event.ctrlKey || event.metaKey;
  return !event.ctrlKey && !event.button;
}

/**
 * How far one wheel event zooms (log2 of the factor). Every zooming wheel carries Ctrl, so d3's tenfold speed-up
 * for Ctrl would make a mouse notch zoom 4×; only a pinch's small deltas are sped up.
 */
export function wheelDelta(event: { deltaY: number; deltaMode: number }): number {
  const unit = event.deltaMode === 1 ? 0.05 : event.deltaMode ? 1 : 0.002;
  const pinch = event.deltaMode === 0 && Math.abs(event.deltaY) < 10;
  return -event.deltaY * unit * (pinch ? 10 : 1);
}
