// Exported plots are the plot as composed on screen: every layer (axes, ticks, titles, front, deadlines, SRAM
// line, legend and the point cloud), every label a <text> of plain text; the PNG looks like the screen.
import { readFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { expect, runSweep, test } from './fixtures';

interface ParsedSvg {
  parseError: boolean;
  texts: { text: string; elements: number }[];
  front: string | null;
  images: number;
  constraintIds: string[];
}

/** Parses SVG markup with the browser's XML parser (what any SVG viewer does). */
function parseSvg(page: Page, markup: string): Promise<ParsedSvg> {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      parseError: doc.querySelector('parsererror') !== null,
      texts: [...doc.querySelectorAll('text')].map((t) => ({ text: t.textContent ?? '', elements: t.children.length })),
      front: doc.querySelector('[data-testid="front"]')?.getAttribute('d') ?? null,
      images: doc.querySelectorAll('image').length,
      constraintIds: [...doc.querySelectorAll('[data-kind]')].map((e) => e.getAttribute('data-testid') ?? '').filter((id) => id !== ''),
    };
  }, markup);
}

async function downloads(page: Page, click: () => Promise<void>, count: number): Promise<Download[]> {
  const got: Download[] = [];
  const done = new Promise<void>((resolve) => {
    page.on('download', (d) => {
      got.push(d);
      if (got.length === count) resolve();
    });
  });
  await click();
  await done;
  return got;
}

test('exported SVG, PNG and report plots hold the whole plot', async ({ app }) => {
  const { page } = app;
  await runSweep(page, 'exam');
  await page.getByTestId('nav-export').click();
  const plot = page.getByTestId('pareto-plot-latency');
  await expect(plot).toHaveAttribute('data-points', '8');

  // SVG: one file per plot, the latency plot's named so.
  const svgs = await downloads(page, () => page.getByTestId('export-svg').click(), 2);
  const byName = new Map(svgs.map((d) => [d.suggestedFilename(), d]));
  expect([...byName.keys()].sort()).toEqual(['exam-latency.svg', 'exam-memory.svg']);
  const latency = await parseSvg(page, readFileSync(await byName.get('exam-latency.svg')!.path(), 'utf8'));
  const memory = await parseSvg(page, readFileSync(await byName.get('exam-memory.svg')!.path(), 'utf8'));
  for (const svg of [latency, memory]) {
    expect(svg.parseError).toBe(false);
    // Every label is a <text> holding plain text.
    expect(svg.texts.every((t) => t.elements === 0)).toBe(true);
    expect(svg.texts.map((t) => t.text)).toContain('accuracy (%)');
    // Tick labels on both axes, the legend, and the point cloud as an image.
    expect(svg.texts.filter((t) => /^[\d,.]+$/.test(t.text)).length).toBeGreaterThanOrEqual(6);
    expect(svg.texts.map((t) => t.text)).toEqual(expect.arrayContaining(['FP32', 'INT8']));
    expect(svg.images).toBe(1);
    // The front's step line.
    expect(svg.front).toMatch(/^M[\d.]+,[\d.]+[HVL]/);
  }
  const latencyTexts = latency.texts.map((t) => t.text);
  expect(latencyTexts.filter((t) => /^latency \((ms|s)\)$/.test(t))).toHaveLength(1);
  expect(latencyTexts).toContain('client1 ≤ 200 ms');
  expect(latencyTexts).toContain('client2 ≤ 500 ms');
  expect(latencyTexts).toContain('late');
  expect(latency.constraintIds).toEqual(['deadline-client1', 'deadline-client2']);
  const memoryTexts = memory.texts.map((t) => t.text);
  expect(memoryTexts).toContain('memory (KiB)');
  expect(memoryTexts).toContain('SRAM 520 KiB');
  expect(memoryTexts).toContain('does not fit');

  // PNG: the latency plot as the screen shows it (compared below the title line, at the screen's scale).
  const pngs = await downloads(page, () => page.getByTestId('export-png').click(), 2);
  const png = pngs.find((d) => d.suggestedFilename() === 'exam-latency.png');
  expect(png).toBeDefined();
  const exported = readFileSync(await png!.path()).toString('base64');
  const screen = (await plot.locator('.stage').screenshot()).toString('base64');
  const diff = await page.evaluate(
    async ({ exported, screen }) => {
      const load = (src: string): Promise<HTMLImageElement> =>
        new Promise((resolve, reject) => {
          const image = new Image();
          image.onload = () => resolve(image);
          image.onerror = () => reject(new Error('image did not load'));
          image.src = src;
        });
      const [a, b] = await Promise.all([load(`data:image/png;base64,${exported}`), load(`data:image/png;base64,${screen}`)]);
      const scale = 2; // the export is drawn at 2 px per CSS px, with a 22 px title line above the plot
      const title = 22;
      const w = Math.min(b.width, Math.round(a.width / scale));
      const h = Math.min(b.height, Math.round(a.height / scale) - title);
      const pixels = (image: HTMLImageElement, sy: number, sh: number): Uint8ClampedArray => {
        const canvas = document.createElement('canvas');
        canvas.width = w;
        canvas.height = h;
        const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, w, h);
        ctx.drawImage(image, 0, sy, w * (image === a ? scale : 1), sh, 0, 0, w, h);
        return ctx.getImageData(0, 0, w, h).data;
      };
      const pa = pixels(a, title * scale, h * scale);
      const pb = pixels(b, 0, h);
      // Compared in 4 × 4 px blocks of grey: what is drawn where, not how its edges are anti-aliased or how a
      // hatch pattern falls on the pixel grid at another scale. A screenshot of an element may sit a pixel off
      // (fractional layout), so the best of the shifts by up to a pixel counts.
      const B = 4;
      const bw = Math.floor(w / B) - 1;
      const bh = Math.floor(h / B) - 1;
      const blocks = (p: Uint8ClampedArray, dx: number, dy: number): Float64Array => {
        const out = new Float64Array(bw * bh);
        for (let y = 0; y < bh * B; y++) {
          for (let x = 0; x < bw * B; x++) {
            const i = ((y + 1 + dy) * w + x + 1 + dx) * 4;
            out[Math.floor(y / B) * bw + Math.floor(x / B)] += (p[i] + p[i + 1] + p[i + 2]) / 3 / (B * B);
          }
        }
        return out;
      };
      const ga = blocks(pa, 0, 0);
      let best = { mean: Infinity, far: Infinity, ink: 0 };
      for (const dy of [-1, 0, 1]) {
        for (const dx of [-1, 0, 1]) {
          const gb = blocks(pb, dx, dy);
          let sum = 0;
          let far = 0;
          let ink = 0;
          for (let k = 0; k < ga.length; k++) {
            const d = Math.abs(ga[k] - gb[k]);
            sum += d;
            if (d > 24) far++;
            if (ga[k] < 235) ink++;
          }
          const n = ga.length;
          if (sum / n < best.mean) best = { mean: sum / n, far: far / n, ink: ink / n };
        }
      }
      return { size: [a.width / scale, a.height / scale - title, b.width, b.height], ...best };
    },
    { exported, screen },
  );
  // Same size as the plot on screen (the screenshot may round up a pixel).
  expect(Math.abs(diff.size[0] - diff.size[2])).toBeLessThanOrEqual(1);
  expect(Math.abs(diff.size[1] - diff.size[3])).toBeLessThanOrEqual(1);
  // Something is drawn (axes, labels, points), and it is what the screen shows.
  expect(diff.ink, JSON.stringify(diff)).toBeGreaterThan(0.02);
  // (A grid-and-points export differs in 5 % of the blocks, by 2.6 grey levels on average; this one matches.)
  expect(diff.mean, JSON.stringify(diff)).toBeLessThan(1.5);
  expect(diff.far, JSON.stringify(diff)).toBeLessThan(0.01);

  // The report embeds the same composed plots.
  const [report] = await downloads(page, () => page.getByTestId('export-report-html').click(), 1);
  const html = readFileSync(await report.path(), 'utf8');
  expect(html).toContain('>client1 ≤ 200 ms</text>');
  expect(html).toMatch(/>latency \((ms|s)\)<\/text>/);
  expect(html).toContain('>SRAM 520 KiB</text>');
  expect(html).toContain('data-testid="front"');
});
