// Pareto fronts against a brute-force O(n²) definition, and hypervolumes against hand-computed and grid-counted values.
import fc from 'fast-check';
import { mulberry32 } from '../src/shared/sweep/space';
import { describe, expect, it } from 'vitest';
import {
  FRONT_3D,
  FRONT_LATENCY,
  FRONT_MEMORY,
  frontIndices,
  hypervolume,
  hypervolume2d,
  objectiveBounds,
  paretoColumns,
  paretoFlags,
  type ObjectiveBounds,
  type ObjectivePoint,
  type ParetoColumns,
} from '../src/shared/pareto';
import type { ConfigResult } from '../src/shared/sweep/types';

interface Row {
  accuracy: number;
  latency: number;
  memory: number;
  feasible: boolean;
}

const columns = (rows: readonly Row[]): ParetoColumns => ({
  accuracy: Float64Array.from(rows, (r) => r.accuracy),
  latency: Float64Array.from(rows, (r) => r.latency),
  memory: Float64Array.from(rows, (r) => r.memory),
  feasible: Uint8Array.from(rows, (r) => (r.feasible ? 1 : 0)),
});

/** The definition, literally: q dominates p if no worse in every objective of the front and strictly better in one. */
function bruteForce(rows: readonly Row[]): Uint8Array {
  const takesPart = (r: Row) => r.feasible && Number.isFinite(r.latency) && !Number.isNaN(r.memory);
  const acc = (r: Row) => (Number.isNaN(r.accuracy) ? -Infinity : r.accuracy); // unknown ranks lowest
  const out = new Uint8Array(rows.length);
  rows.forEach((p, i) => {
    if (!takesPart(p)) return;
    let d3 = false;
    let dl = false;
    let dm = false;
    for (const q of rows) {
      if (!takesPart(q)) continue;
      const ge = acc(q) >= acc(p);
      const gt = acc(q) > acc(p);
      if (ge && q.latency <= p.latency && q.memory <= p.memory && (gt || q.latency < p.latency || q.memory < p.memory)) d3 = true;
      if (ge && q.latency <= p.latency && (gt || q.latency < p.latency)) dl = true;
      if (ge && q.memory <= p.memory && (gt || q.memory < p.memory)) dm = true;
    }
    out[i] = (d3 ? 0 : FRONT_3D) | (dl ? 0 : FRONT_LATENCY) | (dm ? 0 : FRONT_MEMORY);
  });
  return out;
}


const expectSameFlags = (rows: Row[]) => expect(Array.from(paretoFlags(columns(rows)))).toEqual(Array.from(bruteForce(rows)));

describe('paretoFlags', () => {
  it('marks a hand-made example', () => {
    const rows: Row[] = [
      { accuracy: 0.9, latency: 0.5, memory: 300, feasible: true }, // 0: most accurate
      { accuracy: 0.85, latency: 0.1, memory: 150, feasible: true }, // 1: fastest and smallest
      { accuracy: 0.85, latency: 0.2, memory: 100, feasible: true }, // 2: smallest, slower than 1
      { accuracy: 0.85, latency: 0.2, memory: 200, feasible: true }, // 3: dominated by 2 (and 1)
      { accuracy: 0.95, latency: 0.05, memory: 50, feasible: false }, // 4: infeasible, would dominate all
      { accuracy: 0.9, latency: 0.5, memory: 300, feasible: true }, // 5: duplicate of 0: both stay
      { accuracy: 0.8, latency: 0.1, memory: 150, feasible: true }, // 6: dominated by 1 (less accurate)
      { accuracy: 0.99, latency: Infinity, memory: 1, feasible: true }, // 7: no latency: takes no part
    ];
    const flags = paretoFlags(columns(rows));
    expect(Array.from(flags)).toEqual(Array.from(bruteForce(rows)));
    expect(frontIndices(flags, FRONT_3D)).toEqual([0, 1, 2, 5]);
    expect(frontIndices(flags, FRONT_LATENCY)).toEqual([0, 1, 5]);
    expect(frontIndices(flags, FRONT_MEMORY)).toEqual([0, 2, 5]);
  });

  it('treats all-NaN accuracies as equal', () => {
    const rows: Row[] = [
      { accuracy: NaN, latency: 1, memory: 5, feasible: true },
      { accuracy: NaN, latency: 2, memory: 4, feasible: true },
      { accuracy: NaN, latency: 2, memory: 6, feasible: true },
      { accuracy: NaN, latency: 1, memory: 5, feasible: true },
    ];
    const flags = paretoFlags(columns(rows));
    expect(frontIndices(flags, FRONT_3D)).toEqual([0, 1, 3]);
    expect(frontIndices(flags, FRONT_LATENCY)).toEqual([0, 3]);
    expect(frontIndices(flags, FRONT_MEMORY)).toEqual([1]);
    expectSameFlags(rows);
  });

  it('keeps a point whose memory is Infinity when nothing beats it', () => {
    const rows: Row[] = [
      { accuracy: 0.9, latency: 1, memory: Infinity, feasible: true },
      { accuracy: 0.8, latency: 2, memory: Infinity, feasible: true },
      { accuracy: 0.8, latency: 0.5, memory: Infinity, feasible: true },
    ];
    expect(frontIndices(paretoFlags(columns(rows)), FRONT_3D)).toEqual([0, 2]);
    expect(frontIndices(paretoFlags(columns(rows)), FRONT_MEMORY)).toEqual([0]);
    expectSameFlags(rows);
  });

  it('handles empty input, nothing feasible, and mismatched columns', () => {
    expect(paretoFlags(columns([])).length).toBe(0);
    expect(Array.from(paretoFlags(columns([{ accuracy: 1, latency: 1, memory: 1, feasible: false }])))).toEqual([0]);
    expect(() =>
      paretoFlags({ accuracy: new Float64Array(2), latency: new Float64Array(1), memory: new Float64Array(1), feasible: new Uint8Array(1) }),
    ).toThrow(/length/);
  });

  it('equals brute force on small domains full of ties, duplicates, NaN accuracies and infeasible points', () => {
    const row = fc.record({
      accuracy: fc.constantFrom(NaN, 0.8, 0.85, 0.9, 0.9000000000000001, -0.5),
      latency: fc.constantFrom(0, -0, 0.1, 0.2, 0.3, 1e-300, Infinity, NaN, -1),
      memory: fc.constantFrom(0, 100, 200, 300, -0, 1e30, NaN),
      feasible: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 80 }), (rows) => {
        expectSameFlags(rows);
      }),
      { numRuns: 1000 },
    );
  });

  it('equals brute force with all accuracies NaN', () => {
    const row = fc.record({
      accuracy: fc.constant(NaN),
      latency: fc.integer({ min: 0, max: 6 }).map((x) => x / 10),
      memory: fc.integer({ min: 0, max: 6 }),
      feasible: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
      expectSameFlags(rows);
    }), { numRuns: 300 });
  });

  it('equals brute force on arbitrary doubles', () => {
    const row = fc.record({
      accuracy: fc.double(),
      latency: fc.double(),
      memory: fc.double(),
      feasible: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(row, { maxLength: 40 }), (rows) => {
      expectSameFlags(rows);
    }), { numRuns: 500 });
  });

  it.each([
    ['continuous', (r: () => number) => ({ accuracy: r(), latency: r() * 2, memory: r() * 1e6 })],
    ['anti-correlated (large fronts)', (r: () => number) => {
      const a = r();
      const l = r();
      return { accuracy: a, latency: a + l * 0.05, memory: 2 - a - l + r() * 0.05 };
    }],
    ['coarse grid (many ties)', (r: () => number) => ({
      accuracy: Math.floor(r() * 8) / 8,
      latency: Math.floor(r() * 6) * 0.1,
      memory: Math.floor(r() * 6) * 1024,
    })],
  ])('equals brute force on 2000 seeded points, %s', (_name, draw) => {
    const r = mulberry32(7);
    const rows: Row[] = Array.from({ length: 2000 }, () => ({ ...draw(r), feasible: r() < 0.85 }));
    // Sprinkle exact duplicates.
    for (let k = 0; k < 200; k++) rows[Math.floor(r() * rows.length)] = { ...rows[Math.floor(r() * rows.length)] };
    expectSameFlags(rows);
  });

  it('takes a million points in well under a second', () => {
    const r = mulberry32(1);
    const n = 1_000_000;
    const cols: ParetoColumns = {
      accuracy: new Float64Array(n),
      latency: new Float64Array(n),
      memory: new Float64Array(n),
      feasible: new Uint8Array(n),
    };
    for (let i = 0; i < n; i++) {
      cols.accuracy[i] = r();
      cols.latency[i] = r();
      cols.memory[i] = Math.floor(r() * 1e6);
      cols.feasible[i] = r() < 0.9 ? 1 : 0;
    }
    // Its speed is shown by `npm run bench` (pareto1mS), not asserted here.
    const flags = paretoFlags(cols);
    expect(frontIndices(flags, FRONT_3D).length).toBeGreaterThan(0);
  });

  it('builds columns from stored results', () => {
    const result = (idx: number, status: ConfigResult['status'], accuracy: number | null, latencyS: number | null): ConfigResult => ({
      idx,
      status,
      params: 0,
      paramBytes: 0,
      peakActivationBytes: 0,
      totalBytes: 100 * (idx + 1),
      sramBytes: 50 * (idx + 1),
      macs: 0,
      latencyS,
      accuracy,
    });
    const cols = paretoColumns([result(0, 'ok', 0.9, 0.1), result(1, 'no-fit', null, 0.2), result(2, 'ok', 0.8, null)], 'sramBytes');
    expect(Array.from(cols.feasible)).toEqual([1, 0, 1]);
    expect(Array.from(cols.memory)).toEqual([50, 100, 150]);
    expect(Number.isNaN(cols.accuracy[1])).toBe(true);
    expect(Array.from(paretoFlags(cols))).toEqual([FRONT_3D | FRONT_LATENCY | FRONT_MEMORY, 0, 0]);
  });
});

describe('hypervolume', () => {
  const unit: ObjectiveBounds = { accuracy: [0, 1], latency: [0, 1], memory: [0, 1] };
  const p = (accuracy: number | null, latency: number, memory: number): ObjectivePoint => ({ accuracy, latency, memory });

  it('is 1 for the best corner and 0 for nothing or the worst corner', () => {
    expect(hypervolume([p(1, 0, 0)], unit)).toBe(1);
    expect(hypervolume([], unit)).toBe(0);
    expect(hypervolume([p(0, 1, 1)], unit)).toBe(0);
  });

  it('is the box of a single point, normalised', () => {
    // accuracy 0.8 in [0.6, 1] → 0.5; latency 0.3 in [0.1, 0.5] → (0.5 − 0.3)/0.4 = 0.5; memory 250 in [100, 400] → 0.5.
    const bounds: ObjectiveBounds = { accuracy: [0.6, 1], latency: [0.1, 0.5], memory: [100, 400] };
    expect(hypervolume([p(0.8, 0.3, 250)], bounds)).toBeCloseTo(0.125, 12);
  });

  it('counts the overlap of two boxes once', () => {
    // Normalised (1, 0.5, 1) and (0.5, 1, 1): 0.5 + 0.5 − 0.25 = 0.75.
    expect(hypervolume([p(1, 0.5, 0), p(0.5, 0, 0)], unit)).toBeCloseTo(0.75, 12);
    // A dominated point adds nothing.
    expect(hypervolume([p(1, 0.5, 0), p(0.5, 0, 0), p(0.4, 0.6, 0.1)], unit)).toBeCloseTo(0.75, 12);
    // Three in a staircase on the accuracy–latency plane, full memory: 1·0.25 + 0.75·0.25 + 0.5·0.25 + 0.25·0.25.
    const stairs = [p(1, 0.75, 0), p(0.75, 0.5, 0), p(0.5, 0.25, 0), p(0.25, 0, 0)];
    expect(hypervolume(stairs, unit)).toBeCloseTo(0.625, 12);
    expect(hypervolume2d(stairs, unit, 'latency')).toBeCloseTo(0.625, 12);
  });

  it('reduces to an area when accuracy is unknown or the same everywhere', () => {
    const pts = [p(null, 0.5, 0), p(null, 0, 0.5)];
    expect(hypervolume(pts, { ...unit, accuracy: [NaN, NaN] })).toBeCloseTo(0.75, 12);
    expect(hypervolume([p(0.9, 0.5, 0), p(0.9, 0, 0.5)], { ...unit, accuracy: [0.9, 0.9] })).toBeCloseTo(0.75, 12);
  });

  it('clamps points outside the bounds', () => {
    expect(hypervolume([p(2, -1, -1)], unit)).toBe(1);
  });

  it('hypervolume2d ignores the other objective', () => {
    const pts = [p(1, 0.5, 0.9), p(0.5, 0, 0.1)];
    expect(hypervolume2d(pts, unit, 'latency')).toBeCloseTo(0.75, 12);
    expect(hypervolume2d(pts, unit, 'memory')).toBeCloseTo(0.1 + 0.5 * 0.8, 12);
  });

  it('matches counting cells on an 8×8×8 grid', () => {
    const coord = fc.integer({ min: 0, max: 8 }).map((k) => k / 8);
    fc.assert(
      fc.property(fc.array(fc.tuple(coord, coord, coord), { maxLength: 12 }), (triples) => {
        // Normalised coordinates x, y, z (1 = best) → raw with unit bounds: accuracy x, latency 1 − y, memory 1 − z.
        const pts = triples.map(([x, y, z]) => p(x, 1 - y, 1 - z));
        let cells = 0;
        for (let i = 0; i < 8; i++)
          for (let j = 0; j < 8; j++)
            for (let k = 0; k < 8; k++)
              if (triples.some(([x, y, z]) => x >= (i + 1) / 8 && y >= (j + 1) / 8 && z >= (k + 1) / 8)) cells++;
        expect(hypervolume(pts, unit)).toBeCloseTo(cells / 512, 12);
      }),
      { numRuns: 300 },
    );
  });

  it('objectiveBounds spans the points; accuracy NaN when none has one', () => {
    expect(objectiveBounds([p(0.8, 0.3, 200), p(0.9, 0.1, 300)])).toEqual({
      accuracy: [0.8, 0.9],
      latency: [0.1, 0.3],
      memory: [200, 300],
    });
    expect(objectiveBounds([p(null, 0.3, 200)]).accuracy).toEqual([NaN, NaN]);
  });
});
