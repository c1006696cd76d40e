// How fast a long run goes and how long it has left, from samples of (time, work done) over its last few seconds.
// A run speeds up while its workers start and warm up, so a rate taken then is too low and the time left it gives
// overshoots several times (15 s said at 1.4 s of a 4 s run). The time left is therefore given only once the rate is
// steady (over its last two seconds, the first half went as fast as the second), and from then on the rate leaves out
// what came before those two seconds; or, if the rate never settles, once the run has gone on for two windows. Until then
// it is null, which the UI shows as "estimating…".
// The start-up before the first piece of work is left out of every rate.

export interface EstimateOptions {
  /** How far back the rate looks, in ms. */
  spanMs?: number;
  /** How long the rate must have held, in ms, before an estimate is given (its two halves compared). */
  steadyMs?: number;
  /** How far the two halves' rates may differ, as a fraction of the faster, for the rate to count as steady. */
  tolerance?: number;
}

export class ProgressEstimate {
  private readonly times: number[] = [];
  private readonly counts: number[] = [];
  private readonly spanMs: number;
  private readonly steadyMs: number;
  private readonly tolerance: number;
  private firstWorkAt: number | null = null;
  private steady = false;

  constructor(options: EstimateOptions = {}) {
    this.spanMs = options.spanMs ?? 3000;
    this.steadyMs = options.steadyMs ?? 2000;
    this.tolerance = options.tolerance ?? 0.2;
  }

  /** Records that `done` pieces of work were finished at time `at` (ms). */
  add(at: number, done: number): void {
    if (done <= 0) return;
    this.firstWorkAt ??= at;
    this.times.push(at);
    this.counts.push(done);
    while (this.times.length > 2 && at - this.times[1] >= this.spanMs) {
      this.times.shift();
      this.counts.shift();
    }
    // Once steady, always steady: the estimate follows the window's rate from then on rather than flicking back.
    if (!this.steady) {
      if (this.recentHalvesAgree(at)) {
        this.steady = true;
        // The warm-up before the steady stretch is no part of the rate from now on.
        while (this.times.length > 2 && this.times[1] <= at - this.steadyMs) {
          this.times.shift();
          this.counts.shift();
        }
      } else if (at - this.firstWorkAt >= 2 * this.spanMs) this.steady = true;
    }
  }

  /** Work per second over the window; 0 until the samples span 300 ms. */
  rate(): number {
    return this.span() >= 300 ? this.windowRate() : 0;
  }

  /** Seconds left to finish `total`, or null while the rate is not yet steady; 0 once everything is done. */
  secondsLeft(total: number): number | null {
    const done = this.counts.at(-1) ?? 0;
    if (total > 0 && done >= total) return 0;
    if (!this.steady || this.span() < this.steadyMs) return null;
    const rate = this.windowRate();
    return rate > 0 ? (total - done) / rate : null;
  }

  private span(): number {
    const n = this.times.length;
    return n < 2 ? 0 : this.times[n - 1] - this.times[0];
  }

  private windowRate(): number {
    const n = this.times.length;
    const dt = this.span();
    return dt > 0 ? ((this.counts[n - 1] - this.counts[0]) / dt) * 1000 : 0;
  }

  /** The work done at time `t` within the window, interpolated between samples. */
  private countAt(t: number): number {
    let i = 1;
    while (i < this.times.length - 1 && this.times[i] < t) i++;
    const t0 = this.times[i - 1];
    const t1 = this.times[i];
    const c0 = this.counts[i - 1];
    const c1 = this.counts[i];
    return t1 > t0 ? c0 + ((c1 - c0) * (t - t0)) / (t1 - t0) : c1;
  }

  /** Whether the rate over the last `steadyMs` was the same in its first half as in its second. */
  private recentHalvesAgree(at: number): boolean {
    const start = at - this.steadyMs;
    if (this.times.length < 3 || this.times[0] > start) return false;
    const atStart = this.countAt(start);
    const atMid = this.countAt(start + this.steadyMs / 2);
    const early = atMid - atStart;
    const late = this.counts[this.counts.length - 1] - atMid;
    if (early <= 0 || late <= 0) return false;
    // Both halves are equally long, so their work compares as their rates do.
    return Math.abs(late - early) <= this.tolerance * Math.max(late, early);
  }
}
