// The worked example, as a user does it: model, device, clients, sweep, results, reload, export.
import { readFileSync } from 'node:fs';
import { expect, screenshot, test } from './fixtures';

test('the exam, from a blank project to the exported CSV', async ({ app }) => {
  const { page } = app;
  await page.getByRole('button', { name: 'New' }).click();

  // Model: exam-cnn, the exam's memory convention.
  await page.getByTestId('preset').selectOption('exam-cnn');
  await page.getByTestId('memory-model').selectOption('largest-tensor');
  await expect(page.getByTestId('total-params')).toHaveText('91,203');
  await expect(page.getByTestId('total-memory')).toHaveText('1,348.51 KiB');
  await expect(page.getByTestId('layer-conv2')).toContainText('465.13');
  await screenshot(page, 'model');

  // Device and clients.
  await page.getByTestId('nav-device').click();
  await page.getByTestId('device-exam-mcu').check();
  for (const [name, deadline, shown] of [['client1', '0.2', '200 ms'], ['client2', '500 ms', '500 ms']]) {
    await page.getByTestId('client-name').fill(name);
    await page.getByTestId('client-deadline').fill(deadline);
    await page.getByTestId('add-client').click();
    await expect(page.getByTestId(`client-${name}`)).toContainText(shown);
  }
  await page.getByTestId('accuracy-kind').selectOption('penalties');
  await expect(page.getByTestId('context')).toContainText('exam-mcu (520.00 KiB SRAM) · 2 clients');
  await screenshot(page, 'device');

  // Sweep: channels {8,16} × {8,32} × {FP32, INT8}.
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-channels-conv1').fill('8,16');
  await page.getByTestId('dim-channels-conv2').fill('8,32');
  await page.getByTestId('dim-precision-int8').check();
  await expect(page.getByTestId('config-count')).toHaveText('8');
  await screenshot(page, 'sweep');
  await page.getByTestId('run-sweep').click();

  // Results: both plots with 8 points, deadlines and the SRAM line; the client cards.
  await expect(page.getByTestId('session-status')).toContainText('complete · 8 of 8 configurations');
  const latency = page.getByTestId('pareto-plot-latency');
  const memory = page.getByTestId('pareto-plot-memory');
  await expect(latency).toHaveAttribute('data-points', '8');
  await expect(memory).toHaveAttribute('data-points', '8');
  await expect(latency.getByTestId('deadline-client1')).toBeVisible();
  await expect(latency.getByTestId('deadline-client2')).toBeVisible();
  await expect(memory.getByTestId('limit-sram')).toBeVisible();
  const card1 = page.getByTestId('client-card-client1');
  const card2 = page.getByTestId('client-card-client2');
  await expect(card1).toContainText('conv1 8 · conv2 8 · INT8 · 85.0 %');
  await expect(card2).toContainText('unpruned · INT8 · 90.0 %');
  // Clicking a client's choice pins it: both plots ring it, the table highlights it, its layers are broken down.
  await page.getByTestId('client-choice-client1').click();
  await expect(latency.getByTestId('selected-ring')).toHaveCount(1);
  await expect(memory.getByTestId('selected-ring')).toHaveCount(1);
  await expect(page.locator('[data-testid="result-row"].selected')).toContainText('conv1 8 · conv2 8 · INT8');
  await expect(page.getByTestId('breakdown')).toContainText('conv1 8 · conv2 8 · INT8 on exam-mcu');
  await expect(page.getByTestId('breakdown')).toContainText('145.78 KiB');
  // Hovering a point shows its configuration.
  const ring = await latency.getByTestId('selected-ring').boundingBox();
  if (ring) {
    await page.mouse.move(ring.x + ring.width / 2, ring.y + ring.height / 2);
    await expect(latency.getByTestId('plot-tooltip')).toContainText('INT8');
  }
  await page.mouse.move(5, 5);
  await screenshot(page, 'results');
  const session = (await page.getByTestId('results-title').textContent())?.trim() ?? '';

  // Reload: the session is listed and reopens identically.
  await app.reload();
  await page.getByTestId('nav-sessions').click();
  await expect(page.getByTestId(`session-${session}`)).toContainText('complete');
  await screenshot(page, 'sessions');
  await page.getByTestId(`open-${session}`).click();
  await expect(page.getByTestId('client-card-client1')).toContainText('conv1 8 · conv2 8 · INT8 · 85.0 %');
  await expect(page.getByTestId('client-card-client2')).toContainText('unpruned · INT8 · 90.0 %');
  await expect(page.getByTestId('pareto-plot-latency')).toHaveAttribute('data-points', '8');

  // Export the results as CSV: a header and 8 rows.
  await page.getByTestId('nav-export').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const path = await download.path();
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(9);
  expect(lines[0]).toMatch(/^idx,status,channels\.conv1,channels\.conv2/);
  await screenshot(page, 'export');

  const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report-html').click()]);
  const html = readFileSync(await report.path(), 'utf8');
  expect(html).toContain('conv1 8 · conv2 8 · INT8 · 85.0 %');
  expect(html).toContain('<svg');
});
