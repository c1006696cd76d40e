// The plots and the table as an engineer uses them: the tooltip leaves after a click, the accuracy zoom is shared,
// hovering a point lights its table row, the pinned breakdown has totals, labels never collide (one per distinct
// limit), the hatching is drawn once and the points sit above the front; deadlines read the same in plot and cards.
import type { Page } from '@playwright/test';
import { expect, runSweep, test } from './fixtures';

/** Boxes of the constraint labels (the text elements inside the constraint marks) on screen. */
function labelBoxes(page: Page, plot: string): Promise<{ text: string; x0: number; x1: number; y0: number; y1: number }[]> {
  return page.evaluate((testid) => {
    const root = document.querySelector(`[data-testid="${testid}"]`);
    return [...(root?.querySelectorAll('[data-testid="constraints"] text') ?? [])].map((t) => {
      const r = t.getBoundingClientRect();
      return { text: t.textContent ?? '', x0: r.left, x1: r.right, y0: r.top, y1: r.bottom };
    });
  }, plot);
}

function overlaps(boxes: { text: string; x0: number; x1: number; y0: number; y1: number }[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.x0 < b.x1 - 0.5 && b.x0 < a.x1 - 0.5 && a.y0 < b.y1 - 0.5 && b.y0 < a.y1 - 0.5) out.push(`${a.text} / ${b.text}`);
    }
  }
  return out;
}

test('tooltip, shared zoom, hover to row, totals, units and layering', async ({ app }) => {
  const { page } = app;
  await runSweep(page, 'exam');
  const latency = page.getByTestId('pareto-plot-latency');
  const memory = page.getByTestId('pareto-plot-memory');

  // Deadlines read as on the cards (ms below a second); the late side is hatched once.
  await expect(latency.getByTestId('deadline-client1')).toContainText('client1 ≤ 200 ms');
  await expect(page.getByTestId('client-card-client1')).toContainText('client1 ≤ 200 ms');
  await expect(latency.locator('[data-testid="constraint-hatch"] rect')).toHaveCount(1);
  await expect(latency.getByTestId('region-deadline')).toHaveCount(1);
  // The front lies under the points: in the layer below the canvas.
  expect(await latency.evaluate((root) => root.querySelector('[data-testid="front"]')?.closest('svg') === root.querySelector('.stage > svg:first-child'))).toBe(true);

  // Pin client1's choice; hover it: its tooltip, and its table row lit.
  await page.getByTestId('client-choice-client1').click();
  const ring = await latency.getByTestId('selected-ring').boundingBox();
  expect(ring).not.toBeNull();
  const at = { x: ring!.x + ring!.width / 2, y: ring!.y + ring!.height / 2 };
  await page.mouse.move(at.x, at.y);
  // The tooltip describes the configuration exactly as the table does.
  await expect(latency.locator('.tip-title')).toHaveText('conv1 8 · conv2 8 · INT8');
  await expect(page.locator('[data-testid="result-row"].hovered')).toContainText('conv1 8 · conv2 8 · INT8');
  // A click: the tooltip goes; moving away and back brings it again.
  await page.mouse.click(at.x, at.y);
  await expect(latency.getByTestId('plot-tooltip')).toHaveCount(0);
  await page.mouse.move(at.x + 200, at.y + 60);
  await page.mouse.move(at.x, at.y);
  await expect(latency.getByTestId('plot-tooltip')).toBeVisible();

  // The pinned breakdown ends with its totals.
  const total = page.getByTestId('breakdown-total');
  await expect(total).toContainText('22,267');
  await expect(total).toContainText('3,307,968');
  await expect(page.getByTestId('breakdown')).toContainText('6.62 MFLOPs');

  // Zooming the accuracy axis on one plot zooms it on the other.
  await expect(latency).toHaveAttribute('data-y-view', '');
  const box = (await latency.locator('svg.top').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  // A bare wheel scrolls the page, never the plot; the plot says how to zoom.
  await expect(latency.getByTestId('zoom-hint')).toContainText('+ wheel or pinch to zoom');
  const content = page.getByTestId('content');
  await content.evaluate((el) => (el.scrollTop = 0));
  await page.mouse.wheel(0, 200);
  await expect.poll(() => content.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  await expect(latency).toHaveAttribute('data-y-view', '');
  await content.evaluate((el) => (el.scrollTop = 0));
  const top = (await latency.locator('svg.top').boundingBox())!;
  await page.mouse.move(top.x + top.width / 2, top.y + top.height / 2);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -400);
  await page.keyboard.up('Control');
  await expect(latency).not.toHaveAttribute('data-y-view', '');
  const view = await latency.getAttribute('data-y-view');
  await expect(memory).toHaveAttribute('data-y-view', view ?? '');
  await memory.getByTestId('reset-zoom').click();
  await expect(latency).toHaveAttribute('data-y-view', '');
  await expect(memory).toHaveAttribute('data-y-view', '');
});

test('several devices: one SRAM line and label per distinct limit, no label over another, a log memory axis', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-device').click();
  for (const id of ['stm32f746', 'esp32', 'stm32h743', 'esp32-s3', 'nrf52840', 'rp2040']) await page.getByTestId(`device-${id}`).check();
  // Clients with deadlines close together, two of them equal.
  for (const [name, deadline] of [['alpha', '150 ms'], ['bravo', '160 ms'], ['charlie', '170 ms'], ['delta', '170 ms']]) {
    await page.getByTestId('client-name').fill(name);
    await page.getByTestId('client-deadline').fill(deadline);
    await page.getByTestId('add-client').click();
  }
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-channels-conv1').fill('1:16');
  await page.getByTestId('dim-channels-conv2').fill('1:32');
  await runSweep(page, 'devices');
  const memory = page.getByTestId('pareto-plot-memory');
  const latency = page.getByTestId('pareto-plot-latency');
  // Each device its own marker, named in the legend.
  for (let k = 0; k < 7; k++) await expect(latency.getByTestId(`legend-device-${k}`)).toHaveCount(1);
  await expect(latency.getByTestId('legend')).toContainText('rp2040');

  // Seven devices, five distinct SRAM sizes after the runtime's share: one line each, devices named together.
  const limits = memory.locator('[data-testid="constraints"] > g[data-kind="sram"]');
  const values = await limits.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-value')));
  expect(new Set(values).size).toBe(values.length);
  await expect(memory.locator('[data-testid="constraints"] text', { hasText: 'stm32f746' })).toHaveCount(1);
  await expect(memory.locator('[data-testid="constraint-hatch"] rect')).toHaveCount(1);
  expect(overlaps(await labelBoxes(page, 'pareto-plot-memory'))).toEqual([]);

  // Deadlines: charlie and delta share a line and a label; no two labels collide.
  await expect(latency.getByTestId('deadline-charlie')).toContainText('charlie, delta ≤ 170 ms');
  await expect(latency.getByTestId('deadline-delta')).toBeVisible();
  expect(overlaps(await labelBoxes(page, 'pareto-plot-latency'))).toEqual([]);

  // Memory from a few KiB to hundreds: a log axis.
  await expect(memory).toHaveAttribute('data-log', 'true');
});
