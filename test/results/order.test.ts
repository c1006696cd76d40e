// The table's row order: the radix sort agrees with a plain comparison sort on every column, both directions,
// with ties in row order and unknown values last; filters keep feasible rows and front rows.
import { describe, expect, it } from 'vitest';
import { syntheticTable } from '../../src/renderer/lib/plots/bench-data';
import { rowOrder, sortRows, SORT_KEYS, type SortKey } from '../../src/renderer/lib/results/order';
import { FRONT_3D } from '../../src/shared/sweep/types';

/** The same order, the slow way. */
function reference(keys: ArrayLike<number>, rows: number[], descending: boolean): number[] {
  return [...rows].sort((a, b) => {
    const ka = keys[rows.indexOf(a)];
    const kb = keys[rows.indexOf(b)];
    const na = Number.isNaN(ka);
    const nb = Number.isNaN(kb);
    if (na || nb) return na === nb ? a - b : na ? 1 : -1;
    const d = (ka === kb ? 0 : ka < kb ? -1 : 1) * (descending ? -1 : 1);
    return d || a - b;
  });
}

describe('sortRows', () => {
  it('orders floats of every sign and size, NaN last, ties by row, both ways', () => {
    const keys = Float64Array.from([3, -1, NaN, 0, -0, 1e-300, -1e300, 3, 2.5, NaN, 1e300, -2.5, 0.1, 0.1]);
    const rows = Uint32Array.from(keys, (_, i) => i);
    for (const descending of [false, true]) {
      expect(Array.from(sortRows(rows, keys, descending))).toEqual(reference(keys, Array.from(rows), descending));
    }
  });

  it('agrees with a comparison sort on 20,000 random keys', () => {
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const n = 20_000;
    const keys = Float64Array.from({ length: n }, () => (rand() < 0.05 ? NaN : Math.round((rand() - 0.3) * 1e6) / 100));
    const rows = Uint32Array.from({ length: n }, (_, i) => i);
    const ascending = Array.from(sortRows(rows, keys, false));
    for (let i = 1; i < n; i++) {
      const [a, b] = [keys[ascending[i - 1]], keys[ascending[i]]];
      if (Number.isNaN(b)) continue;
      expect(Number.isNaN(a)).toBe(false);
      expect(a < b || (a === b && ascending[i - 1] < ascending[i])).toBe(true);
    }
    expect(new Set(ascending).size).toBe(n);
  });
});

describe('rowOrder', () => {
  const table = syntheticTable(5_000, 3);
  const column = (key: SortKey, k: number): number => {
    switch (key) {
      case 'params':
        return table.params[k];
      case 'memory':
        return table.totalBytes[k];
      case 'sram':
        return table.sramBytes[k];
      case 'macs':
        return table.macs[k];
      case 'latency':
        return table.latencyS[k] ?? NaN;
      case 'accuracy':
        return table.accuracy[k] ?? NaN;
      case 'status':
        return table.status[k];
      case 'precision':
        return [...table.precisions].sort().indexOf(table.precisions[table.precision[k]]);
      case 'device':
        return [...table.devices].sort().indexOf(table.devices[table.device[k]]);
      case 'config':
        return k;
    }
  };

  it.each(SORT_KEYS)('sorts by %s like a comparison sort', (key) => {
    const all = Array.from({ length: table.count }, (_, k) => k);
    const keys = all.map((k) => column(key, k));
    for (const descending of [false, true]) {
      const got = Array.from(rowOrder(table, { key, descending }));
      const want = key === 'config' ? (descending ? [...all].reverse() : all) : reference(keys, all, descending);
      expect(got).toEqual(want);
    }
  });

  it('keeps only feasible rows, or only front rows', () => {
    const feasible = Array.from(rowOrder(table, { key: 'config', descending: false }, { feasibleOnly: true }));
    expect(feasible).toEqual(Array.from({ length: table.count }, (_, k) => k).filter((k) => table.status[k] === 0));
    const front = Array.from(rowOrder(table, { key: 'latency', descending: false }, { frontOnly: true }));
    expect(front.length).toBeGreaterThan(0);
    expect(front.every((k) => (table.flags[k] & FRONT_3D) !== 0)).toBe(true);
  });
});
