import { describe, expect, it } from 'vitest';
import { syntheticTable } from '../../src/renderer/lib/plots/bench-data';
import { buildPlotData } from '../../src/renderer/lib/plots/model';
import { LIGHT_THEME } from '../../src/renderer/lib/plots/palette';
import { DEFAULT_MARGIN, plotScales, project } from '../../src/renderer/lib/plots/scales';
import { drawScatter, type ScatterContext } from '../../src/renderer/lib/plots/scatter-canvas';
import { PRECISION_KEYS } from '../../src/renderer/lib/plots/model';
import { tinyTable } from './fixtures';

/** A context that records what a draw asks for. */
function recorder(): ScatterContext & { log: string[]; counts: Record<string, number> } {
  const log: string[] = [];
  const counts: Record<string, number> = {};
  const count = (name: string) => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  const ctx = {
    log,
    counts,
    fillStyle: '' as unknown,
    strokeStyle: '' as unknown,
    globalAlpha: 1,
    lineWidth: 1,
    save: () => count('save'),
    restore: () => count('restore'),
    setTransform: () => count('setTransform'),
    clearRect: () => count('clearRect'),
    beginPath: () => count('beginPath'),
    rect: () => count('rect'),
    clip: () => count('clip'),
    moveTo: () => count('moveTo'),
    lineTo: () => count('lineTo'),
    closePath: () => count('closePath'),
    arc: () => count('arc'),
    fill: () => {
      count('fill');
      log.push(`fill ${String(ctx.fillStyle)} ${ctx.globalAlpha}`);
    },
    stroke: () => {
      count('stroke');
      log.push(`stroke ${String(ctx.strokeStyle)} ${ctx.lineWidth}`);
    },
    fillRect: () => {
      if (!counts.fillRect) log.push(`fillRect ${String(ctx.fillStyle)} ${ctx.globalAlpha}`);
      count('fillRect');
    },
    drawImage: () => count('drawImage'),
  };
  return ctx;
}

const palette = { colors: PRECISION_KEYS.map((k) => LIGHT_THEME.precision[k]), fg: LIGHT_THEME.fg, muted: LIGHT_THEME.muted };

describe('scatter canvas', () => {
  it('draws no-fit hollow and grey, dominated small and light, the front bold, in that order', () => {
    const data = buildPlotData(tinyTable(), { x: 'latency' });
    const frame = { width: 600, height: 300, margin: DEFAULT_MARGIN };
    const { x, y } = plotScales(data, frame);
    const { sx, sy } = project(data, x, y);
    const ctx = recorder();
    const stats = drawScatter(ctx, { data, sx, sy, frame, dpr: 2, palette });
    // Rows 0 and 7 are duplicates but of different precision (two batches): all 6 drawn points are issued.
    expect(stats).toEqual({ visible: 6, primitives: 6 });
    expect(ctx.log).toEqual([
      'stroke #6b7075 2', // no-fit: fp32, hollow grey ring
      'fillRect #009E73 0.45', // dominated int8: a small light square
      'fill #0072B2 1', // front fp32 …
      'stroke #1d1f21 2', // … with an outline
      'fill #009E73 1',
      'stroke #1d1f21 2',
      'fill #D55E00 1',
      'stroke #1d1f21 2',
    ]);
    expect(ctx.counts.arc).toBe(5);
    expect(ctx.counts.fillRect).toBe(1);
    expect(ctx.counts.clip).toBe(1);
  });

  it('draws dominated points as squares, skipping points on a pixel already drawn', () => {
    const data = buildPlotData(syntheticTable(20_000, 2), { x: 'latency' });
    const frame = { width: 300, height: 150, margin: DEFAULT_MARGIN };
    const { x, y } = plotScales(data, frame);
    const { sx, sy } = project(data, x, y);
    const ctx = recorder();
    const stats = drawScatter(ctx, { data, sx, sy, frame, dpr: 1, palette });
    expect(stats.visible).toBe(data.drawn);
    expect(ctx.counts.fillRect).toBeGreaterThan(0);
    expect(ctx.counts.fillRect).toBeLessThanOrEqual(data.counts.dominated);
    expect(stats.primitives).toBeLessThan(data.drawn);
    const all = recorder();
    expect(drawScatter(all, { data, sx, sy, frame, dpr: 1, palette, dedupe: false }).primitives).toBe(data.drawn);
    expect(all.counts.fillRect).toBe(data.counts.dominated);
  });

  it('uses sprites for big batches of round points, painted once per style', () => {
    const data = buildPlotData(syntheticTable(20_000, 2), { x: 'latency' });
    const frame = { width: 600, height: 300, margin: DEFAULT_MARGIN };
    const { x, y } = plotScales(data, frame);
    const { sx, sy } = project(data, x, y);
    const painted: number[] = [];
    const sprites = (size: number, paint: (c: ScatterContext) => void) => {
      painted.push(size);
      paint(recorder());
      return { size };
    };
    const ctx = recorder();
    drawScatter(ctx, { data, sx, sy, frame, dpr: 2, palette, sprites, spriteMin: 100 });
    expect(ctx.counts.drawImage).toBeGreaterThan(1000);
    // The no-fit points are grey whatever their precision: one sprite per device's marker serves all their batches.
    const again = recorder();
    drawScatter(again, { data, sx, sy, frame, dpr: 2, palette, sprites, spriteMin: 100 });
    expect(again.counts.drawImage).toBe(ctx.counts.drawImage);
    expect(data.devicesPresent.map((d) => d.marker)).toEqual(['circle', 'square']);
    expect(painted).toEqual([14, 14]);
  });

  it('draws 100k points as far fewer primitives (points on the same pixel and style are drawn once)', () => {
    const data = buildPlotData(syntheticTable(100_000, 9), { x: 'latency' });
    const frame = { width: 900, height: 420, margin: DEFAULT_MARGIN };
    const { x, y } = plotScales(data, frame);
    const { sx, sy } = project(data, x, y);
    const primitives = drawScatter(recorder(), { data, sx, sy, frame, dpr: 2, palette, sprites: () => ({}) }).primitives;
    expect(primitives).toBeGreaterThan(0);
    expect(primitives).toBeLessThanOrEqual(data.drawn);
  });
});
