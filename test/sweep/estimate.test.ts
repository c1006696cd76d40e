// The time a run has left: "estimating…" (null) until its rate is steady, then close to the truth, and never the
// several-fold overshoot a rate taken during the workers' warm-up gives.
import { describe, expect, it } from 'vitest';
import { ProgressEstimate } from '../../src/main/sweep/estimate';

interface Said {
  t: number;
  done: number;
  /** What the estimate said (seconds), and the time that was in fact left. */
  left: number | null;
  trueLeft: number;
}

/** Samples every `stepMs` of a run whose work done at time t (ms) is `doneAt(t)`, until `total`. */
function simulate(doneAt: (t: number) => number, total: number, stepMs = 100): Said[] {
  const estimate = new ProgressEstimate();
  const end = (() => {
    let t = 0;
    while (doneAt(t) < total) t += 1;
    return t;
  })();
  const said: Omit<Said, 'trueLeft'>[] = [];
  for (let t = 0; t <= end + stepMs; t += stepMs) {
    const done = Math.min(total, Math.floor(doneAt(t)));
    estimate.add(t, done);
    said.push({ t, done, left: estimate.secondsLeft(total) });
  }
  return said.map((s) => ({ ...s, trueLeft: (end - s.t) / 1000 }));
}

/** A run whose rate climbs from 2,000/s to 60,000/s over its first 1.5 s (workers starting, code warming up),
 * then holds: 150,000 configurations in about 3.3 s. */
const warmingUp = (t: number): number => (t < 1500 ? 2 * t + (58 * t * t) / 3000 : 2 * 1500 + (58 * 1500) / 2 + (t - 1500) * 60);

describe('ProgressEstimate', () => {
  it('says nothing before any work is done, and 0 once everything is', () => {
    const e = new ProgressEstimate();
    expect(e.secondsLeft(100)).toBeNull();
    e.add(0, 0);
    e.add(500, 0);
    expect(e.secondsLeft(100)).toBeNull();
    expect(e.rate()).toBe(0);
    e.add(600, 100);
    expect(e.secondsLeft(100)).toBe(0);
  });

  it('gives the exact time left for a run at a constant rate, once two seconds of it are measured', () => {
    // 0.5 s start-up, then 10,000 per second: 40,000 done at 4.5 s.
    const said = simulate((t) => Math.max(0, (t - 500) * 10), 40_000);
    const first = said.find((s) => s.left !== null);
    expect(first?.t).toBeGreaterThanOrEqual(2500);
    expect(first?.t).toBeLessThanOrEqual(2700);
    for (const s of said.filter((x) => x.left !== null && x.done < 40_000)) {
      expect(s.left).toBeCloseTo((40_000 - s.done) / 10_000, 1);
    }
  });

  it('waits while the run speeds up instead of overshooting (a 4 s run never says 15 s)', () => {
    const doneAt = warmingUp;
    const said = simulate(doneAt, 150_000);
    // While the window still holds the slow start, the halves disagree: no estimate.
    for (const s of said.filter((x) => x.t <= 1500)) expect(s.left, `at ${s.t} ms`).toBeNull();
    const given = said.filter((s) => s.left !== null && s.trueLeft > 0);
    expect(given.length).toBeGreaterThan(0);
    for (const s of given) expect(s.left as number, `at ${s.t} ms`).toBeLessThanOrEqual(1.5 * s.trueLeft + 0.5);
  });

  it('the rate an estimate taken during warm-up would use overshoots: the old, unconditional way', () => {
    // What the run above would have said at 1.4 s from the window's rate alone: about twice the 1.8 s left.
    const doneAt = warmingUp;
    const e = new ProgressEstimate();
    for (let t = 100; t <= 1400; t += 100) e.add(t, doneAt(t));
    const naive = (150_000 - doneAt(1400)) / e.rate();
    expect(naive).toBeGreaterThan(1.8 * 1.83);
    expect(e.secondsLeft(150_000)).toBeNull();
  });

  it('waits through a slow start that ends at once (as measured: 16,000/s, then 60,000/s in lumps of 4,096)', () => {
    // Nothing for 1.6 s (workers starting), 16,000/s for 1.4 s, then 60,000/s; progress arrives in lumps of 4,096.
    const rateAt = (t: number): number => (t < 1600 ? 0 : t < 3000 ? 16 * (t - 1600) : 16 * 1400 + 60 * (t - 3000));
    const doneAt = (t: number): number => Math.floor(rateAt(t) / 4096) * 4096;
    const said = simulate(doneAt, 262_144);
    const given = said.filter((s) => s.left !== null && s.trueLeft > 0);
    expect(given.length).toBeGreaterThan(0);
    for (const s of given) expect(s.left as number, `at ${s.t} ms`).toBeLessThanOrEqual(1.5 * s.trueLeft + 0.5);
  });

  it('gives an estimate in the end even when progress comes in uneven lumps', () => {
    // Work lands in lumps of 8,192 at irregular times (every 0.3–0.9 s): the halves rarely agree.
    const lumps: number[] = [];
    for (let t = 300, i = 0; t < 30_000; i++) {
      lumps.push(t);
      t += i % 2 === 0 ? 300 : 900;
    }
    const doneAt = (t: number): number => lumps.filter((at) => at <= t).length * 8192;
    const said = simulate(doneAt, 8192 * 40);
    const first = said.find((s) => s.left !== null);
    expect(first).toBeDefined();
    expect(first?.t).toBeLessThanOrEqual(300 + 6000 + 100);
  });

  it('follows a run that slows down after it was steady', () => {
    const e = new ProgressEstimate();
    let done = 0;
    for (let t = 0; t <= 3000; t += 100) e.add(t, (done = t * 10));
    expect(e.secondsLeft(100_000)).toBeCloseTo((100_000 - done) / 10_000, 1);
    for (let t = 3100; t <= 7000; t += 100) e.add(t, (done += 500));
    expect(e.secondsLeft(100_000)).toBeCloseTo((100_000 - done) / 5000, 1);
  });
});
