import { describe, expect, it } from 'vitest';
import { mulberry32, syntheticTable } from '../../src/renderer/lib/plots/bench-data';
import { buildHoverIndex } from '../../src/renderer/lib/plots/hover';
import { buildPlotData, DOMINATED, FRONT } from '../../src/renderer/lib/plots/model';
import { DEFAULT_MARGIN, plotScales, project } from '../../src/renderer/lib/plots/scales';

describe('hover lookup', () => {
  const sx = [10, 50, 50, 100, 30];
  const sy = [10, 50, 50, 100, NaN];
  const rows = [0, 1, 2, 3, 4];

  it('finds the nearest point within the distance', () => {
    const index = buildHoverIndex({ sx, sy, rows });
    expect(index.size).toBe(4); // NaN positions are not indexed
    expect(index.find(12, 9, 12)).toBe(0);
    expect(index.find(96, 97, 12)).toBe(3);
    expect(index.find(75, 75, 12)).toBe(-1); // nearest is 35 px away
    expect(index.find(75, 75, 40)).toBe(1);
    expect(index.find(22, 10, 12)).toBe(0); // exactly at the distance counts
    expect(index.find(22.01, 10, 12)).toBe(-1);
  });

  it('breaks ties towards the front, then the lower row', () => {
    const category = [DOMINATED, DOMINATED, FRONT, DOMINATED, DOMINATED];
    expect(buildHoverIndex({ sx, sy, rows, category }).find(50, 50)).toBe(2);
    expect(buildHoverIndex({ sx, sy, rows }).find(50, 50)).toBe(1);
  });

  it('indexes only the points in view', () => {
    const index = buildHoverIndex({ sx, sy, rows, bounds: [0, 0, 60, 60] });
    expect(index.size).toBe(3);
    expect(index.find(100, 100, 5)).toBe(-1);
  });

  it('answers in microseconds among 100k points, and agrees with brute force', () => {
    const table = syntheticTable(100_000, 11);
    const data = buildPlotData(table, { x: 'latency' });
    const frame = { width: 900, height: 420, margin: DEFAULT_MARGIN };
    const { x, y } = plotScales(data, frame);
    const { sx: px, sy: py } = project(data, x, y);

    const index = buildHoverIndex({ sx: px, sy: py, rows: data.order, category: data.category, bounds: [0, 0, 900, 420] });
    expect(index.size).toBe(data.drawn);

    const rand = mulberry32(5);
    const queries = 20_000;
    const qx = Float64Array.from({ length: queries }, () => rand() * 900);
    const qy = Float64Array.from({ length: queries }, () => rand() * 420);
    let hits = 0;
    for (let q = 0; q < queries; q++) if (index.find(qx[q], qy[q], 12) >= 0) hits++;
    expect(hits).toBeGreaterThan(0);

    // Brute force on a sample: same distance (the row may differ only on an exact tie).
    for (let q = 0; q < 300; q++) {
      const found = index.find(qx[q], qy[q], 12);
      let best = -1;
      let bestD = 144;
      for (const i of data.order) {
        const d = (px[i] - qx[q]) ** 2 + (py[i] - qy[q]) ** 2;
        if (d <= bestD && (best < 0 || d < bestD)) {
          best = i;
          bestD = d;
        }
      }
      if (best < 0) expect(found).toBe(-1);
      else expect((px[found] - qx[q]) ** 2 + (py[found] - qy[q]) ** 2).toBe(bestD);
    }
  });
});
