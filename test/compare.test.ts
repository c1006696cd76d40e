// Comparing two sessions: dominance across fronts, hypervolumes under one normalisation, and per-client changes.
import { describe, expect, it } from 'vitest';
import { hypervolume } from '../src/shared/pareto';
import { compareChoices, compareFronts, type FrontPoint } from '../src/shared/sweep/compare';

const pt = (idx: number, accuracy: number | null, latencyS: number, totalBytes: number): FrontPoint => ({
  idx,
  accuracy,
  latencyS,
  totalBytes,
});

describe('compareFronts', () => {
  // Session A: the exam front (8/8/INT8 and 16/32/INT8). Session B: a better 8/8 and the same 16/32.
  const a = [pt(1, 0.85, 0.0826992, 149275), pt(7, 0.9, 0.4879728, 345219)];
  const b = [pt(11, 0.86, 0.08, 149275), pt(17, 0.9, 0.4879728, 345219)];

  it('finds the points of each front the other dominates; equal points dominate neither way', () => {
    const r = compareFronts(a, b);
    expect(r.aDominatedByB).toEqual([1]);
    expect(r.bDominatedByA).toEqual([]);
    expect(r.verdict).toBe('b-better');
    const back = compareFronts(b, a);
    expect(back.aDominatedByB).toEqual([]);
    expect(back.bDominatedByA).toEqual([1]);
    expect(back.verdict).toBe('a-better');
  });

  it('normalises both hypervolumes over the union of the fronts, measured from a tenth beyond the worst', () => {
    const r = compareFronts(a, b);
    expect(r.bounds.accuracy[0]).toBeCloseTo(0.845, 12);
    expect(r.bounds.accuracy[1]).toBe(0.9);
    expect(r.bounds.latency[0]).toBe(0.08);
    expect(r.bounds.latency[1]).toBeCloseTo(0.4879728 + 0.04079728, 12);
    expect(r.bounds.memory).toEqual([149275, 345219 + 19594.4]);
    expect(r.hypervolumeA).toBeCloseTo(hypervolume(a.map((p) => ({ accuracy: p.accuracy, latency: p.latencyS, memory: p.totalBytes })), r.bounds), 12);
    expect(r.hypervolumeB).toBeGreaterThan(r.hypervolumeA);
    // By hand, with each axis scaled to [0, 1] (1 = best) and 1/11 the margin's share of the widened range:
    // B's 8/8 point is (3/11, 1, 1) and its 16/32 point (1, 1/11, 1/11): 3/11 + 1/121 − 3/11 · 1/121.
    expect(r.hypervolumeB).toBeCloseTo(3 / 11 + 1 / 121 - 3 / 1331, 12);
    // A's 8/8 point is (1/11, ~0.995, 1): no longer 0 for lying on the worst accuracy of both fronts.
    expect(r.hypervolumeA).toBeGreaterThan(0.09);
    // Identical fronts score the same, above 0.
    const same = compareFronts(a, a);
    expect(same.hypervolumeA).toBe(same.hypervolumeB);
    expect(same.hypervolumeA).toBeGreaterThan(0);
  });

  it('calls identical fronts the same and incomparable ones mixed', () => {
    expect(compareFronts(a, a.map((p) => ({ ...p, idx: p.idx + 100 }))).verdict).toBe('same');
    const c = [pt(1, 0.95, 1, 500000)]; // more accurate, slower and bigger than everything in A
    const r = compareFronts(a, c);
    expect(r.aDominatedByB).toEqual([]);
    expect(r.bDominatedByA).toEqual([]);
    expect(r.verdict).toBe('mixed');
    const d = [pt(2, 0.95, 0.05, 100000), pt(3, 0.5, 9, 9e6)]; // one point beats all of A, A beats the other
    const r2 = compareFronts(a, d);
    expect(r2.aDominatedByB).toEqual([1, 7]);
    expect(r2.bDominatedByA).toEqual([3]);
    expect(r2.verdict).toBe('mixed');
  });

  it('ignores accuracy when a front has none', () => {
    const noAcc = [pt(1, null, 0.1, 200000)];
    const r = compareFronts(a, noAcc);
    expect(r.accuracyIgnored).toBe(true);
    expect(r.bounds.accuracy).toEqual([NaN, NaN]);
    expect(r.aDominatedByB).toEqual([7]); // 0.1 s and 200,000 B beat 0.488 s and 345,219 B…
    expect(r.bDominatedByA).toEqual([1]); // …and lose to 0.083 s and 149,275 B, whatever the accuracies
    expect(r.verdict).toBe('mixed');
  });

  it('handles empty fronts', () => {
    const r = compareFronts([], a);
    expect(r.hypervolumeA).toBe(0);
    expect(r.aDominatedByB).toEqual([]);
    expect(r.verdict).toBe('mixed');
    expect(compareFronts([], []).verdict).toBe('same');
  });
});

describe('compareChoices', () => {
  const c = (idx: number, accuracy: number | null, latencyS: number, totalBytes: number) => ({ idx, accuracy, latencyS, totalBytes });

  it('labels each client: same, better, worse, new, lost', () => {
    const before = {
      same: c(1, 0.85, 0.08, 1000),
      faster: c(2, 0.85, 0.1, 1000),
      moreAccurate: c(3, 0.85, 0.1, 1000),
      slower: c(4, 0.85, 0.1, 1000),
      smaller: c(5, 0.85, 0.1, 1000),
      lost: c(6, 0.9, 0.4, 1000),
      stillNone: null,
    };
    const after = {
      same: c(11, 0.85, 0.08, 1000), // another idx, same figures
      faster: c(12, 0.85, 0.09, 1000),
      moreAccurate: c(13, 0.9, 0.3, 5000),
      slower: c(14, 0.85, 0.2, 1000),
      smaller: c(15, 0.85, 0.1, 900),
      lost: null,
      stillNone: null,
      added: c(17, 0.8, 0.1, 1000),
    };
    const changes = compareChoices(before, after);
    expect(changes.map((x) => [x.client, x.change])).toEqual([
      ['same', 'same'],
      ['faster', 'better'],
      ['moreAccurate', 'better'],
      ['slower', 'worse'],
      ['smaller', 'better'],
      ['lost', 'lost'],
      ['stillNone', 'same'],
      ['added', 'new'],
    ]);
    expect(changes[0].before?.idx).toBe(1);
    expect(changes[0].after?.idx).toBe(11);
    expect(changes[5].after).toBeNull();
  });

  it('ignores float noise in accuracy, and accuracy altogether when a side has none', () => {
    const [noise] = compareChoices({ x: c(1, 0.9, 0.1, 1) }, { x: c(2, 0.93 - 0.03, 0.1, 1) });
    expect(noise.change).toBe('same');
    const [unknown] = compareChoices({ x: c(1, 0.9, 0.1, 1) }, { x: c(2, null, 0.05, 1) });
    expect(unknown.change).toBe('better');
  });
});
