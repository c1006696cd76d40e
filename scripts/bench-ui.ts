// `npm run bench:ui`: the explorer's speed in a real Chromium, through the web host.
//   - drawing 100,000+ points on the canvas (the plot's own performance measure, and open → next frame);
//   - hover lookup (quadtree) per pointer move;
//   - the UI during a sweep: the longest main-thread task and how often progress arrives.
// Prints its figures, then one JSON line.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from '@playwright/test';
import { CHROMIUM_FLAGS, findChromium } from '../e2e/browser';
import { defaultSpec } from '../src/shared/sweep/specFile';
import { runSweep } from '../src/main/services/sweeps';
import { openDatabase, SessionStore } from '../src/main/store';

const root = join(import.meta.dirname, '..');
if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) {
  console.error('bench:ui needs the built UI: run `npm run build` first');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'frontier-bench-ui-'));
const dbPath = join(dir, 'frontier.db');
const log = (text: string): void => console.log(text);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

// A session of 102,400 configurations, every one runnable (two precisions both devices support).
const db = openDatabase(dbPath);
await runSweep(
  new SessionStore(db),
  {
    ...defaultSpec('exam-cnn'),
    devices: ['exam-mcu', 'stm32h743'],
    channels: { conv1: ['1:256'], conv2: ['1:100'] },
    precisions: ['fp32', 'int8'],
    accuracy: { kind: 'penalties', metric: 'accuracy', base: 0.93, penalties: { pruned: 0.05, int8: 0.03 } },
    clients: [{ name: 'client1', deadlineS: 0.2 }],
  },
  { name: 'big' },
);
db.close();

const server = spawn(process.execPath, [join(root, 'bin', 'frontier.mjs'), 'serve', '--port', '0', '--db', dbPath], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => createInterface({ input: server.stdout as NodeJS.ReadableStream }).once('line', resolve));
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_FLAGS });
const page = await browser.newPage({ viewport: { width: 1440, height: 960 } });
await page.goto(url);
await page.getByTestId('nav-sessions').click();

// Open the 102,400-point session: fetch, build and draw both plots, until the next frame.
const openMs = await page.evaluate(async () => {
  const started = performance.now();
  (document.querySelector('[data-testid="open-big"]') as HTMLButtonElement).click();
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r));
    const plot = document.querySelector('[data-testid="pareto-plot-latency"]');
    if (plot && Number(plot.getAttribute('data-points')) > 100_000) break;
  }
  await new Promise((r) => requestAnimationFrame(r));
  return performance.now() - started;
});
const points = Number(await page.getByTestId('pareto-plot-latency').getAttribute('data-points'));
const firstDrawMs = await page.evaluate(() => performance.getEntriesByName('frontier:scatter-draw').at(-1)?.duration ?? NaN);

// Redraws: resize the window (both plots redraw) and time the canvas draw and the whole frame.
const draws: number[] = [];
const frames: number[] = [];
for (let i = 0; i < 8; i++) {
  const result = await page.evaluate(async (wide) => {
    const before = performance.getEntriesByName('frontier:scatter-draw').at(-1)?.startTime ?? -1;
    const started = performance.now();
    document.body.style.width = wide ? '100%' : '96%';
    for (;;) {
      await new Promise((r) => requestAnimationFrame(r));
      const last = performance.getEntriesByName('frontier:scatter-draw').at(-1);
      if (last && last.startTime !== before) return { draw: last.duration, frame: performance.now() - started };
      if (performance.now() - started > 5000) return { draw: NaN, frame: NaN };
    }
  }, i % 2 === 0);
  if (Number.isFinite(result.draw)) {
    draws.push(result.draw);
    frames.push(result.frame);
  }
}

// Hover: pointer moves across the latency plot; each one runs a quadtree lookup.
const box = await page.getByTestId('pareto-plot-latency').locator('svg.top').boundingBox();
const lookups: number[] = [];
if (box) {
  for (let i = 0; i < 60; i++) {
    await page.mouse.move(box.x + 60 + ((box.width - 80) * i) / 60, box.y + 40 + ((box.height - 80) * ((i * 7) % 60)) / 60);
    const ms = await page.evaluate(() => performance.getEntriesByName('frontier:hover-lookup').at(-1)?.duration ?? NaN);
    if (Number.isFinite(ms)) lookups.push(ms);
  }
}

// A sweep from the UI: record long tasks and progress updates while it runs.
await page.getByTestId('nav-sweep').click();
await page.getByTestId('dim-channels-conv1').fill('1:256');
await page.getByTestId('dim-channels-conv2').fill('1:256');
await page.getByTestId('dim-precision-int8').check();
await page.evaluate(() => {
  const w = window as unknown as { longest: number; updates: number };
  w.longest = 0;
  w.updates = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
  }).observe({ type: 'longtask', buffered: false });
  new MutationObserver(() => w.updates++).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['aria-valuenow'] });
});
const sweepStarted = Date.now();
await page.getByTestId('run-sweep').click();
await page.getByTestId('session-status').filter({ hasText: 'complete' }).waitFor({ timeout: 120_000 });
const sweepS = (Date.now() - sweepStarted) / 1000;
const ui = await page.evaluate(() => {
  const w = window as unknown as { longest: number; updates: number };
  return { longest: w.longest, updates: w.updates };
});

await browser.close();
server.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });

log(`points drawn per plot:            ${points.toLocaleString('en-US')}`);
log(`open session → both plots drawn:  ${openMs.toFixed(0)} ms (fetch ${points.toLocaleString('en-US')} results, build, draw)`);
log(`canvas draw, first after open:   ${firstDrawMs.toFixed(1)} ms`);
log(`canvas draw of the point cloud:   median ${median(draws).toFixed(1)} ms, max ${Math.max(...draws).toFixed(1)} ms (target ≤ 250 ms)`);
log(`redraw, resize → next frame:      median ${median(frames).toFixed(1)} ms`);
log(`hover lookup (quadtree):          median ${median(lookups).toFixed(3)} ms, p95 ${p95(lookups).toFixed(3)} ms over ${lookups.length} moves (target ≤ 16 ms)`);
log(`sweep of 131,072 configurations:  ${sweepS.toFixed(1)} s; ${ui.updates} progress updates; longest main-thread task ${ui.longest.toFixed(0)} ms`);
console.log(
  JSON.stringify({
    points,
    openSessionMs: Math.round(openMs),
    firstDrawMs: Number(firstDrawMs.toFixed(1)),
    drawMs: Number(median(draws).toFixed(1)),
    redrawFrameMs: Number(median(frames).toFixed(1)),
    hoverLookupMs: Number(median(lookups).toFixed(3)),
    hoverLookupP95Ms: Number(p95(lookups).toFixed(3)),
    sweepProgressUpdates: ui.updates,
    longestTaskDuringSweepMs: Math.round(ui.longest),
  }),
);
