import { describe, expect, it } from 'vitest';
import { syntheticTable } from '../../src/renderer/lib/plots/bench-data';
import {
  buildPlotData,
  DOMINATED,
  EXCLUDED,
  FRONT,
  frontNeighbour,
  INFEASIBLE,
  latencyUnit,
  paddedDomain,
  rowLookup,
  precisionKey,
  PRECISION_KEYS,
  shouldUseLog,
  stepLine,
  xAxisLabel,
  yAxisLabel,
} from '../../src/renderer/lib/plots/model';
import { tinyTable } from './fixtures';

const K = 1024;

describe('plot data: categories', () => {
  it('sorts rows into front, dominated, no-fit and excluded (latency)', () => {
    const d = buildPlotData(tinyTable(), { x: 'latency' });
    expect(Array.from(d.category)).toEqual([FRONT, FRONT, FRONT, DOMINATED, INFEASIBLE, EXCLUDED, EXCLUDED, FRONT]);
    expect(d.counts).toEqual({ front: 4, dominated: 1, infeasible: 1, excluded: 2 });
    expect(d.drawn).toBe(6);
    expect(d.frontSource).toBe('flags');
    expect(Number.isNaN(d.xs[5])).toBe(true);
    expect(d.rowOf(13)).toBe(3);
    expect(d.rowOf(99)).toBe(-1);
  });

  it('uses the memory front on the memory plot', () => {
    const d = buildPlotData(tinyTable(), { x: 'memory' });
    expect(Array.from(d.category)).toEqual([FRONT, FRONT, FRONT, FRONT, INFEASIBLE, EXCLUDED, EXCLUDED, FRONT]);
    expect(d.xs[1]).toBe(200 * K);
  });

  it('computes the SRAM front itself (the stored memory front is on total bytes)', () => {
    const d = buildPlotData(tinyTable(), { x: 'memory', memory: 'sram' });
    expect(d.frontSource).toBe('computed');
    expect(Array.from(d.front)).toEqual([3, 1, 2]);
    expect(d.category[0]).toBe(DOMINATED);
    expect(d.xs[3]).toBe(50 * K);
  });

  it('computes the front when the session has no stored fronts yet (a running sweep)', () => {
    const d = buildPlotData(tinyTable({ withFlags: false }), { x: 'latency' });
    expect(d.frontSource).toBe('computed');
    expect(Array.from(d.front)).toEqual([0, 7, 1, 2]);
  });

  it('colours by precision family: wXaY is mixed unless X = Y', () => {
    const d = buildPlotData(tinyTable(), { x: 'latency' });
    expect(Array.from(d.color)).toEqual([2, 2, 0, 2, 0, 1, 0, 4]);
    expect(d.colorsPresent).toEqual(['fp32', 'int8', 'mixed']);
    expect(precisionKey('w8a8')).toBe('int8');
    expect(precisionKey('W4A8')).toBe('mixed');
    expect(precisionKey('bf16')).toBe('mixed');
    expect(PRECISION_KEYS).toEqual(['fp32', 'fp16', 'int8', 'int4', 'mixed']);
  });

  it('orders drawing: no-fit first, then dominated, the front last; batches by colour', () => {
    const d = buildPlotData(tinyTable(), { x: 'latency' });
    expect(Array.from(d.order)).toEqual([4, 3, 2, 0, 1, 7]);
    expect(d.batches.map((b) => [b.category, b.color, b.start, b.end])).toEqual([
      [INFEASIBLE, 0, 0, 1],
      [DOMINATED, 2, 1, 2],
      [FRONT, 0, 2, 3],
      [FRONT, 2, 3, 5],
      [FRONT, 4, 5, 6],
    ]);
  });
});

describe('plot data: the front as a step line', () => {
  it('sorts the front by x and steps right, then up', () => {
    const d = buildPlotData(tinyTable(), { x: 'latency' });
    expect(Array.from(d.front)).toEqual([0, 7, 1, 2]);
    // Duplicates (rows 0 and 7) give one vertex; each step: right to the next x, then up to its accuracy.
    expect(Array.from(d.step.x)).toEqual([0.05, 0.1, 0.1, 0.4, 0.4]);
    expect(Array.from(d.step.y)).toEqual([0.8, 0.8, 0.85, 0.85, 0.9]);
    for (let k = 1; k < d.step.x.length; k++) {
      expect(d.step.x[k]).toBeGreaterThanOrEqual(d.step.x[k - 1]);
      expect(d.step.y[k]).toBeGreaterThanOrEqual(d.step.y[k - 1]);
      // Every segment is horizontal or vertical.
      expect(d.step.x[k] === d.step.x[k - 1] || d.step.y[k] === d.step.y[k - 1]).toBe(true);
    }
  });

  it('the memory staircase goes through every memory-front point', () => {
    const d = buildPlotData(tinyTable(), { x: 'memory' });
    expect(Array.from(d.step.x)).toEqual([100, 150, 150, 200, 200, 400, 400].map((v) => v * K));
    expect(Array.from(d.step.y)).toEqual([0.8, 0.8, 0.82, 0.82, 0.85, 0.85, 0.9]);
  });

  it('stepLine of one point is that point, of none is empty', () => {
    expect(Array.from(stepLine([0], [2], [3]).x)).toEqual([2]);
    expect(stepLine([], [], []).x.length).toBe(0);
  });

  it('on a large sweep the front rises monotonically', () => {
    const d = buildPlotData(syntheticTable(5000, 3), { x: 'latency' });
    expect(d.front.length).toBeGreaterThan(5);
    for (let k = 1; k < d.front.length; k++) {
      expect(d.xs[d.front[k]]).toBeGreaterThanOrEqual(d.xs[d.front[k - 1]]);
      expect(d.ys[d.front[k]]).toBeGreaterThan(d.ys[d.front[k - 1]]);
    }
  });
});

describe('plot data: domains and scales', () => {
  it('pads the data range, and does not go below zero for positive data', () => {
    const d = buildPlotData(tinyTable(), { x: 'latency' });
    // x: 0.05 … 0.6 (the no-fit point counts), padded by 4 % of 0.55.
    expect(d.xDomain[0]).toBeCloseTo(0.05 - 0.022, 12);
    expect(d.xDomain[1]).toBeCloseTo(0.6 + 0.022, 12);
    expect(d.yDomain[0]).toBeCloseTo(0.8 - 0.006, 12);
    expect(d.yDomain[1]).toBeCloseTo(0.95 + 0.006, 12);
    expect(d.xLog).toBe(false);
    expect(paddedDomain(0, 10)).toEqual([0, 10.4]);
    expect(paddedDomain(5, 5)).toEqual([4.5, 5.5]);
    expect(paddedDomain(0, 0)).toEqual([0, 1]);
  });

  it('keeps accuracy within [0, 1]', () => {
    const d = buildPlotData(syntheticTable(2000, 1), { x: 'latency' });
    expect(d.yDomain[0]).toBeGreaterThanOrEqual(0);
    expect(d.yDomain[1]).toBeLessThanOrEqual(1);
  });

  it('grows the x domain to a nearby constraint, not to a far one', () => {
    const near = buildPlotData(tinyTable(), { x: 'latency', include: [1.2] });
    expect(near.xDomain[1]).toBeGreaterThan(1.2);
    const far = buildPlotData(tinyTable(), { x: 'latency', include: [10] });
    expect(far.xDomain[1]).toBeLessThan(1);
  });

  it('uses a log x axis when the range spans more than two decades', () => {
    expect(shouldUseLog(1, 100)).toBe(false);
    expect(shouldUseLog(1, 100.1)).toBe(true);
    expect(shouldUseLog(0, 1000)).toBe(false);
    const t = tinyTable();
    t.latencyS[2] = 9; // 50 ms … 9 s: 2.3 decades
    const d = buildPlotData(t, { x: 'latency' });
    expect(d.xLog).toBe(true);
    // Padding is in log space: both ends move by the same factor.
    expect(0.05 / d.xDomain[0]).toBeCloseTo(d.xDomain[1] / 9, 9);
    expect(buildPlotData(t, { x: 'latency', log: false }).xLog).toBe(false);
    expect(buildPlotData(tinyTable(), { x: 'latency', log: true }).xLog).toBe(true);
  });

  it('chooses ms below one second and s from one second up', () => {
    expect(latencyUnit([0.028, 0.622])).toBe('ms');
    expect(latencyUnit([0.5, 3])).toBe('s');
    expect(latencyUnit([0, 1])).toBe('s');
    expect(xAxisLabel('latency', 'total', [0.01, 0.9])).toBe('latency (ms)');
    expect(xAxisLabel('latency', 'total', [0.01, 2])).toBe('latency (s)');
    expect(xAxisLabel('memory', 'total', [0, 1e6])).toBe('memory (KiB)');
    expect(xAxisLabel('memory', 'sram', [0, 1e6])).toBe('SRAM needed (KiB)');
  });
});

describe('plot data: no accuracy model', () => {
  it('puts every point at y = 0 and labels the axis', () => {
    const d = buildPlotData(tinyTable({ withAccuracy: false }), { x: 'latency' });
    expect(d.hasAccuracy).toBe(false);
    expect(yAxisLabel(d.hasAccuracy)).toBe('no accuracy model');
    for (const i of d.order) expect(d.ys[i]).toBe(0);
    expect(d.yDomain).toEqual([-0.5, 0.5]);
    // The error row has no latency and stays out; the others are placed.
    expect(d.drawn).toBe(6);
    // With accuracy unknown, the front is the fastest configuration(s).
    expect(Array.from(d.front)).toEqual([0, 7]);
    expect(Array.from(d.step.x)).toEqual([0.05]);
  });
});

describe('idx → row', () => {
  it('finds rows by binary search when idx ascends, and by a map otherwise', () => {
    const up = rowLookup([2, 5, 9, 40]);
    expect([2, 5, 9, 40, 3, 0, 41].map(up)).toEqual([0, 1, 2, 3, -1, -1, -1]);
    const mixed = rowLookup([9, 2, 40, 5]);
    expect([2, 5, 9, 40, 3].map(mixed)).toEqual([1, 3, 0, 2, -1]);
  });
});

describe('keyboard travel along the front', () => {
  it('moves right and left, stops at the ends, and starts from the nearest front point', () => {
    const d = buildPlotData(tinyTable(), { x: 'latency' });
    expect(frontNeighbour(d, null, 1)).toBe(0);
    expect(frontNeighbour(d, null, -1)).toBe(2);
    expect(frontNeighbour(d, 0, 1)).toBe(7);
    expect(frontNeighbour(d, 1, 1)).toBe(2);
    expect(frontNeighbour(d, 2, 1)).toBe(2);
    expect(frontNeighbour(d, 1, -1)).toBe(7);
    // Row 3 (200 ms) is not on the front: nearest in x is row 1 (100 ms).
    expect(frontNeighbour(d, 3, 1)).toBe(1);
  });
});

describe('benchmark data', () => {
  it('is deterministic for a seed and shaped like a ResultTable', () => {
    const a = syntheticTable(3000, 42);
    const b = syntheticTable(3000, 42);
    const c = syntheticTable(3000, 43);
    expect(a).toEqual(b);
    expect(a.accuracy).not.toEqual(c.accuracy);
    for (const key of ['idx', 'status', 'accuracy', 'latencyS', 'totalBytes', 'sramBytes', 'params', 'macs', 'flags', 'precision', 'device'] as const) {
      expect(a[key].length).toBe(3000);
    }
    expect(a.channels.length).toBe(a.layers.length);
    const statuses = new Set(a.status);
    expect(statuses.has(0) && statuses.has(1) && statuses.has(2)).toBe(true);
    for (let i = 1; i < a.count; i++) expect(a.idx[i]).toBeGreaterThan(a.idx[i - 1]);
  });

  // Speed is measured by `npm run bench:ui`, not asserted here (these machines are noisy).
  it('builds plot data for 100k points', () => {
    const t = syntheticTable(100_000, 7);
    for (const x of ['latency', 'memory'] as const) {
      const d = buildPlotData(t, { x });
      expect(d.drawn).toBeGreaterThan(80_000);
      expect(d.front.length).toBeGreaterThan(0);
    }
  });
});

describe('plot data: a marker per device', () => {
  it('gives each device its own marker and lists the devices drawn for the legend', () => {
    const table = syntheticTable(2_000, 3);
    const d = buildPlotData(table, { x: 'latency' });
    expect(d.devicesPresent).toEqual(table.devices.map((device, k) => ({ device, marker: ['circle', 'square'][k] })));
    for (let i = 0; i < table.count; i++) expect(d.marker[i]).toBe(table.device[i]);
    for (const b of d.batches) for (let k = b.start; k < b.end; k++) expect(d.marker[d.order[k]]).toBe(b.marker);
  });

  it('one device: circles only, no device legend', () => {
    const table = { ...syntheticTable(500, 4) };
    table.devices = [table.devices[0]];
    table.device = table.device.map(() => 0);
    const d = buildPlotData(table, { x: 'latency' });
    expect(d.devicesPresent).toEqual([]);
    expect(d.batches.every((b) => b.marker === 0)).toBe(true);
  });
});
