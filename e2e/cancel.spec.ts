// Cancelling a large sweep keeps what was finished, marks the session cancelled and plots the partial results.
import { expect, test } from './fixtures';

test('cancel a large sweep', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-channels-conv1').fill('1:256');
  await page.getByTestId('dim-channels-conv2').fill('1:256');
  for (const p of ['fp16', 'int4']) await page.getByTestId(`dim-precision-${p}`).check();
  await expect(page.getByTestId('config-count')).toHaveText('262,144');
  await page.getByTestId('run-sweep').click();
  const progress = page.getByTestId('progress').first();
  await expect(progress).toBeVisible();
  // Progress keeps moving while the sweep runs: the UI does not freeze.
  await expect(async () => {
    const now = Number((await progress.getAttribute('aria-valuenow')) ?? 0);
    expect(now).toBeGreaterThan(0);
  }).toPass();
  await page.getByTestId('cancel').first().click();
  await expect(page.getByTestId('session-status')).toContainText('cancelled');
  const status = (await page.getByTestId('session-status').textContent()) ?? '';
  const stored = Number(/· ([\d,]+) of/.exec(status)?.[1].replace(/,/g, ''));
  expect(stored).toBeGreaterThan(0);
  expect(stored).toBeLessThan(262144);
  const points = Number(await page.getByTestId('pareto-plot-latency').getAttribute('data-points'));
  expect(points).toBeGreaterThan(0);
  await page.getByTestId('nav-sessions').click();
  await expect(page.getByRole('cell', { name: 'cancelled' })).toBeVisible();
});
