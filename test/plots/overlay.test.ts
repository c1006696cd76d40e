import { scaleLinear } from 'd3';
import { describe, expect, it } from 'vitest';
import { axisTicks } from '../../src/renderer/lib/plots/marks/axis';
import { deadlineConstraints, kibShort, labelWidth, limitConstraints, secondsLabel, stackRows } from '../../src/renderer/lib/plots/marks/constraints';
import { stepPath } from '../../src/renderer/lib/plots/marks/front';
import { buildPlotData } from '../../src/renderer/lib/plots/model';
import { overlayLayers, overlayRings, standaloneSvg, xAxis } from '../../src/renderer/lib/plots/overlay-svg';
import { LIGHT_THEME } from '../../src/renderer/lib/plots/palette';
import { DEFAULT_MARGIN, plotScales } from '../../src/renderer/lib/plots/scales';
import { tinyTable } from './fixtures';

const K = 1024;
const frame = { width: 600, height: 300, margin: DEFAULT_MARGIN };

describe('front path', () => {
  it('is a deterministic H/V staircase with one-decimal coordinates', () => {
    const x = scaleLinear().domain([0, 0.5]).range([0, 500]);
    const y = scaleLinear().domain([0.8, 0.9]).range([100, 0]);
    const d = buildPlotData(tinyTable(), { x: 'latency' });
    expect(stepPath(d.step, x, y)).toBe('M50,100H100V50H400V0');
    const x3 = scaleLinear().domain([0, 0.3]).range([0, 100]);
    const y3 = scaleLinear().domain([0.8, 0.9]).range([300, 0]);
    expect(stepPath(d.step, x3, y3)).toBe('M16.7,300H33.3V150H133.3V0');
    expect(stepPath({ x: [0.05], y: [0.8] }, x, y)).toBe('M50,100h0');
    expect(stepPath({ x: [], y: [] }, x, y)).toBe('');
    // Steps narrower than the rounding collapse: no empty H, and V runs merge.
    expect(stepPath({ x: [0, 0.00001, 0.00001, 0.00002, 0.00002], y: [0.8, 0.8, 0.82, 0.82, 0.85] }, x, y)).toBe('M0,100V50');
  });
});

describe('axes', () => {
  it('shows latency in ms below a second, in s above', () => {
    const d = buildPlotData(tinyTable(), { x: 'latency' });
    const { x } = plotScales(d, frame);
    expect(xAxis(d, x)).toEqual({ label: 'latency (ms)', factor: 1000 });
    const slow = tinyTable();
    slow.latencyS = slow.latencyS.map((v) => (v === null ? null : v * 10));
    const ds = buildPlotData(slow, { x: 'latency' });
    expect(xAxis(ds, plotScales(ds, frame).x)).toEqual({ label: 'latency (s)', factor: 1 });
    const dm = buildPlotData(tinyTable(), { x: 'memory' });
    expect(xAxis(dm, plotScales(dm, frame).x)).toEqual({ label: 'memory (KiB)', factor: 1 / 1024 });
  });

  it('puts ticks in the display unit', () => {
    const x = scaleLinear().domain([0.028, 0.622]).range([0, 500]);
    const ticks = axisTicks(x, 1000, 6);
    expect(ticks.map((t) => t.label)).toEqual(['100', '200', '300', '400', '500', '600']);
    expect(ticks[0].at).toBeCloseTo(((0.1 - 0.028) / 0.594) * 500, 6);
    const pct = axisTicks(scaleLinear().domain([0.794, 0.956]).range([300, 0]), 100, 4);
    expect(pct.map((t) => t.label)).toEqual(['80', '85', '90', '95']);
  });
});

describe('constraints', () => {
  it('labels deadlines and limits', () => {
    expect(secondsLabel(0.2)).toBe('200 ms');
    expect(secondsLabel(1.5)).toBe('1.500 s');
    expect(kibShort(520 * K)).toBe('520 KiB');
    expect(kibShort(145.78 * K)).toBe('145.78 KiB');
    expect(deadlineConstraints([{ name: 'client1', seconds: 0.2 }])).toEqual([
      { testid: 'deadline-client1', kind: 'deadline', label: 'client1 ≤ 200 ms', value: 0.2, region: 'late' },
    ]);
    // Clients with the same deadline share one line and one label.
    expect(
      deadlineConstraints([
        { name: 'a', seconds: 0.2 },
        { name: 'b', seconds: 0.5 },
        { name: 'c', seconds: 0.2 },
      ]),
    ).toEqual([
      { testid: 'deadline-a', kind: 'deadline', label: 'a, c ≤ 200 ms', value: 0.2, region: 'late', members: ['deadline-c'] },
      { testid: 'deadline-b', kind: 'deadline', label: 'b ≤ 500 ms', value: 0.5, region: 'late' },
    ]);
    expect(limitConstraints([{ label: 'SRAM', bytes: 520 * K }, { label: 'flash', bytes: 2048 * K }]).map((c) => [c.testid, c.label])).toEqual([
      ['limit-sram', 'SRAM 520 KiB'],
      ['limit-flash', 'flash 2,048 KiB'],
    ]);
    expect(
      limitConstraints([
        { label: 'SRAM exam-mcu', bytes: 520 * K, device: 'exam-mcu' },
        { label: 'SRAM esp32', bytes: 320 * K, device: 'esp32' },
      ]).map((c) => c.testid),
    ).toEqual(['limit-sram-exam-mcu', 'limit-sram-esp32']);
    // Devices with the same SRAM: one line, one label naming them.
    const same = limitConstraints([
      { label: 'SRAM esp32', bytes: 320 * K, device: 'esp32' },
      { label: 'SRAM rp2040', bytes: 320 * K, device: 'rp2040' },
      { label: 'SRAM exam-mcu', bytes: 520 * K, device: 'exam-mcu' },
    ]);
    expect(same.map((c) => [c.testid, c.label, c.members])).toEqual([
      ['limit-sram-esp32', 'SRAM 320 KiB: esp32, rp2040', ['limit-sram-rp2040']],
      ['limit-sram-exam-mcu', 'SRAM 520 KiB: exam-mcu', undefined],
    ]);
  });

  it('stacks labels in rows so that none overlaps another', () => {
    const rows = stackRows(
      [
        { x0: 0, x1: 100 },
        { x0: 50, x1: 150 },
        { x0: 160, x1: 200 },
        { x0: 90, x1: 120 },
      ],
      4,
    );
    expect(rows).toEqual([0, 1, 0, 2]);
  });
});

/** Text boxes of the labels in a markup string, estimated as the layout does. */
function labelBoxes(markup: string): { x0: number; x1: number; y: number; text: string }[] {
  return [...markup.matchAll(/<text(?: data-testid="[^"]*")? x="([\d.-]+)" y="([\d.-]+)" text-anchor="(start|end|middle)"[^>]*>([^<]*)<\/text>/g)].map((m) => {
    const x = Number(m[1]);
    const w = labelWidth(m[4].replace(/&[a-z]+;/g, '&'));
    const x0 = m[3] === 'start' ? x : m[3] === 'end' ? x - w : x - w / 2;
    return { x0, x1: x0 + w, y: Number(m[2]), text: m[4] };
  });
}

describe('overlay markup', () => {
  const latency = () => {
    const d = buildPlotData(tinyTable(), { x: 'latency', include: [0.2, 0.5] });
    const { x, y } = plotScales(d, frame);
    const constraints = deadlineConstraints([
      { name: 'client1', seconds: 0.2 },
      { name: 'client2', seconds: 0.5 },
      { name: 'far', seconds: 30 },
    ]);
    return overlayLayers({ id: 'p1', frame, x, y, plot: d, constraints, theme: LIGHT_THEME });
  };

  it('draws the deadlines, the front, the axes and the legend', () => {
    const { under, over } = latency();
    expect(under).toContain('data-testid="grid"');
    // The front lies under the points.
    expect(under).toContain('data-testid="front"');
    expect(over).not.toContain('data-testid="front"');
    expect(over).toMatch(/data-testid="deadline-client1" data-kind="deadline" data-value="0.2"><path/);
    expect(over).toContain('>client1 ≤ 200 ms<');
    expect(over).toContain('>client2 ≤ 500 ms<');
    // A client with a 30 s deadline is not late beyond 500 ms: nothing is hatched "late" for everyone in view.
    expect(under).not.toMatch(/<rect data-kind="deadline"/);
    expect(over).not.toContain('>late<');
    // 30 s is off the scale: kept, as a label at the right edge.
    expect(over).toContain('data-testid="deadline-far" data-kind="deadline" data-value="30" data-offscale="right"');
    expect(over).toContain('>latency (ms)<');
    expect(over).toContain('>accuracy (%)<');
    expect(over).toContain('>INT8<');
    expect(over).toContain('>no-fit<');
  });

  it('hatches and names once what is late for every client: beyond the last deadline', () => {
    const d = buildPlotData(tinyTable(), { x: 'latency', include: [0.2, 0.5] });
    const { x, y } = plotScales(d, frame);
    const constraints = deadlineConstraints([
      { name: 'client1', seconds: 0.2 },
      { name: 'client2', seconds: 0.5 },
    ]);
    const { under, over } = overlayLayers({ id: 'p2', frame, x, y, plot: d, constraints, theme: LIGHT_THEME });
    expect(under.match(/hatch-late/g)?.length).toBe(2); // the pattern's id and its one use
    const rect = /<rect data-kind="deadline" x="([\d.]+)"[^>]*style="fill:url\(#p2-hatch-late\)"/.exec(under);
    expect(Number(rect?.[1])).toBeCloseTo(x(0.5), 0);
    expect(over.match(/>late</g)?.length).toBe(1);
  });

  it('keeps many deadline labels and the region label apart', () => {
    const d = buildPlotData(tinyTable(), { x: 'latency' });
    const { x, y } = plotScales(d, frame);
    const deadlines = deadlineConstraints(
      ['alpha', 'bravo', 'charlie', 'delta', 'echo'].map((name, i) => ({ name, seconds: 0.1 + i * 0.02 })),
    );
    const { over } = overlayLayers({ id: 'q', frame, x, y, plot: d, constraints: deadlines, theme: LIGHT_THEME });
    const boxes = labelBoxes(over).filter((b) => /≤|^late$/.test(b.text));
    expect(boxes).toHaveLength(6);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const apart = a.y !== b.y || a.x1 <= b.x0 || b.x1 <= a.x0;
        expect(apart, `${a.text} / ${b.text}`).toBe(true);
      }
    }
  });

  it('is deterministic', () => {
    expect(latency()).toEqual(latency());
  });

  it('escapes client names', () => {
    const d = buildPlotData(tinyTable(), { x: 'latency' });
    const { x, y } = plotScales(d, frame);
    const { over } = overlayLayers({ id: 'p', frame, x, y, plot: d, constraints: deadlineConstraints([{ name: 'a<b & "c"', seconds: 0.3 }]) });
    expect(over).toContain('data-testid="deadline-a&lt;b &amp; &quot;c&quot;"');
    expect(over).toContain('a&lt;b &amp; &quot;c&quot; ≤ 300 ms');
  });

  it('shades beyond the SRAM limit on the memory plot', () => {
    const d = buildPlotData(tinyTable(), { x: 'memory', include: [520 * K] });
    const { x, y } = plotScales(d, frame);
    const { under, over } = overlayLayers({ id: 'm', frame, x, y, plot: d, constraints: limitConstraints([{ label: 'SRAM', bytes: 520 * K }]), theme: LIGHT_THEME });
    expect(over).toMatch(/data-testid="limit-sram" data-kind="sram" data-value="532480"><path/);
    expect(under).toMatch(/<rect data-kind="sram"[^>]*fill:url\(#m-hatch-fit\)/);
    expect(over).toContain('>SRAM 520 KiB<');
    expect(over).toContain('>does not fit<');
    expect(over).toContain('>memory (KiB)<');
  });

  it('labels the y axis "no accuracy model" without values when there is none', () => {
    const d = buildPlotData(tinyTable({ withAccuracy: false }), { x: 'latency' });
    const { x, y } = plotScales(d, frame);
    const { over } = overlayLayers({ id: 'n', frame, x, y, plot: d });
    expect(over).toContain('>no accuracy model<');
    expect(over).not.toContain('>accuracy (%)<');
  });

  it('draws the hover and selection rings', () => {
    const r = overlayRings({ id: 'p', hovered: { x: 10.04, y: 20 }, selected: { x: 30, y: 40.06 }, theme: LIGHT_THEME });
    expect(r).toContain('data-testid="hover-ring" cx="10" cy="20"');
    expect(r).toContain('data-testid="selected-ring" cx="30" cy="40.1"');
    expect(overlayRings({ id: 'p', hovered: null, selected: null })).not.toContain('circle');
  });

  it('makes a standalone SVG with the points embedded as an image', () => {
    const d = buildPlotData(tinyTable(), { x: 'latency' });
    const { x, y } = plotScales(d, frame);
    const svg = standaloneSvg({ id: 'e', frame, x, y, plot: d, theme: LIGHT_THEME, image: 'data:image/png;base64,AAAA', title: 'accuracy vs latency' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="322"')).toBe(true);
    expect(svg).toContain('<image href="data:image/png;base64,AAAA"');
    expect(svg).toContain('>accuracy vs latency<');
    expect(svg).not.toContain('var(--');
  });
});

describe('legend: devices', () => {
  it('with several devices, each device’s marker and name', async () => {
    const { syntheticTable } = await import('../../src/renderer/lib/plots/bench-data');
    const table = syntheticTable(500, 5);
    const d = buildPlotData(table, { x: 'latency' });
    const { x, y } = plotScales(d, frame);
    const { over } = overlayLayers({ id: 'p9', frame, x, y, plot: d, theme: LIGHT_THEME });
    expect(over).toContain(`<g data-testid="legend-device-0"><circle`);
    expect(over).toContain(`>${table.devices[0]}<`);
    expect(over).toMatch(/<g data-testid="legend-device-1"><path d="M[^"]+Z"/);
    expect(over).toContain(`>${table.devices[1]}<`);
  });
});

describe('label placement: where no point or line is', () => {
  const scale = scaleLinear().domain([0, 1]).range([DEFAULT_MARGIN.left, frame.width - DEFAULT_MARGIN.right]);
  const labelOf = (markup: string, testid: string): { x: number; y: number; anchor: string } => {
    const m = new RegExp(`data-testid="${testid}"[^>]*>(?:<path[^>]*/>)?(?:<g[^>]*>)*<text x="([\\d.]+)" y="([\\d.]+)" text-anchor="(\\w+)"`).exec(markup);
    if (!m) throw new Error(`no label for ${testid}`);
    return { x: Number(m[1]), y: Number(m[2]), anchor: m[3] };
  };

  it('a label does not cross another constraint’s line', async () => {
    const { constraintMarks, deadlineConstraints: dl } = await import('../../src/renderer/lib/plots/marks/constraints');
    const constraints = dl([
      { name: 'client1', seconds: 0.3 },
      { name: 'client2', seconds: 0.33 },
    ]);
    const { rules } = constraintMarks({ constraints, x: scale, frame, theme: LIGHT_THEME, id: 't' });
    const label = labelOf(rules, 'deadline-client1');
    const width = labelWidth('client1 ≤ 300 ms');
    const [left, right] = label.anchor === 'start' ? [label.x, label.x + width] : [label.x - width, label.x];
    const line2 = scale(0.33);
    expect(line2 < left - 2 || line2 > right + 2).toBe(true);
  });

  it('a label too long for either side of its line stays inside the plot', async () => {
    const { constraintMarks, limitConstraints: lc } = await import('../../src/renderer/lib/plots/marks/constraints');
    const long = 'SRAM: stm32h743+tflm-cmsis-nn, stm32h743+x-cube-ai, stm32h743+plumerai';
    const { rules } = constraintMarks({ constraints: lc([{ label: long, bytes: 0.55, kind: 'sram' }]), x: scale, frame, theme: LIGHT_THEME, id: 't' });
    const m = /<text x="([\d.]+)" y="[\d.]+" text-anchor="(\w+)"[^>]*>([^<]*)</.exec(rules);
    expect(m).not.toBeNull();
    const w = labelWidth(m![3]);
    const left = m![2] === 'start' ? Number(m![1]) : Number(m![1]) - w;
    expect(left).toBeGreaterThanOrEqual(DEFAULT_MARGIN.left);
    expect(left + w).toBeLessThanOrEqual(frame.width - DEFAULT_MARGIN.right);
  });

  it('a label moves off the points under it, and the "does not fit" name too', async () => {
    const { constraintMarks, limitConstraints: lc } = await import('../../src/renderer/lib/plots/marks/constraints');
    const constraints = lc([{ label: 'SRAM', bytes: 0.5, kind: 'sram' }]);
    const free = constraintMarks({ constraints, x: scale, frame, theme: LIGHT_THEME, id: 't' }).rules;
    const first = labelOf(free, 'limit-sram');
    // Points fill the first row right of the line and the bottom of the far side.
    const occupied = (b: { x0: number; x1: number; y0: number; y1: number }): boolean =>
      (b.y1 >= first.y - 9 && b.y0 <= first.y + 3 && b.x1 > scale(0.5)) || b.y1 > frame.height - DEFAULT_MARGIN.bottom - 10;
    const moved = constraintMarks({ constraints, x: scale, frame, theme: LIGHT_THEME, id: 't', occupied }).rules;
    const second = labelOf(moved, 'limit-sram');
    expect(second.y !== first.y || second.anchor !== first.anchor).toBe(true);
    const region = (markup: string): number => Number(/data-testid="region-sram" x="[\d.]+" y="([\d.]+)"/.exec(markup)?.[1]);
    expect(region(moved)).toBeLessThan(region(free));
  });
});

describe('legend rows', () => {
  it('wraps many long device names onto more rows, as the legend draws them', async () => {
    const { legend, legendRows } = await import('../../src/renderer/lib/plots/marks/legend');
    const devices = ['stm32f746+tflm-cmsis-nn', 'stm32f746+x-cube-ai', 'esp32+tflm-esp-nn', 'nrf52840+tflm-cmsis-nn'].map((device, k) => ({
      device,
      marker: (['circle', 'square', 'triangle', 'diamond'] as const)[k],
    }));
    const options = { keys: ['fp32', 'int8'] as const, noFit: true, devices };
    const rows = legendRows({ ...options, keys: [...options.keys] }, frame.width, frame.margin.left);
    expect(rows).toBeGreaterThan(1);
    const markup = legend({ ...options, keys: [...options.keys], frame, theme: LIGHT_THEME });
    const ys = new Set([...markup.matchAll(/<text x="[\d.]+" y="([\d.]+)"/g)].map((m) => m[1]));
    expect(ys.size).toBe(rows);
    expect(legendRows({ keys: ['int8'], noFit: false }, frame.width, frame.margin.left)).toBe(1);
  });
});
