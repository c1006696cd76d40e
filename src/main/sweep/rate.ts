// The rate of a long run over its recent past: samples of (time, work done) kept for a few seconds. The start-up
// before the first piece of work is left out, so the first estimate is not dragged down by it.
export class RateWindow {
  private readonly times: number[] = [];
  private readonly counts: number[] = [];

  /** @param spanMs how far back the rate looks. */
  constructor(private readonly spanMs = 3000) {}

  add(at: number, count: number): void {
    if (count <= 0) return;
    this.times.push(at);
    this.counts.push(count);
    while (this.times.length > 2 && at - this.times[1] >= this.spanMs) {
      this.times.shift();
      this.counts.shift();
    }
  }

  /** Work per second over the window; 0 until the samples span `minMs` (work arrives in lumps: one lump is no rate). */
  rate(minMs = 300): number {
    const n = this.times.length;
    if (n < 2) return 0;
    const dt = this.times[n - 1] - this.times[0];
    if (dt < minMs) return 0;
    return ((this.counts[n - 1] - this.counts[0]) / dt) * 1000;
  }
}
