// Cancelling a large sweep keeps what was finished, marks the session cancelled and plots the partial results.
import { expect, test } from './fixtures';

test('cancel a large sweep', async ({ app }) => {
  const { page } = app;
  // 65,536 channel pairs × 6 precisions × 8 devices: several seconds of work, so Cancel lands in the middle.
  await page.getByTestId('nav-device').click();
  for (const id of ['stm32f746', 'stm32h743', 'stm32l4r5', 'esp32', 'esp32-s3', 'nrf52840', 'rp2040']) {
    await page.getByTestId(`device-${id}`).check();
  }
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-channels-conv1').fill('1:256');
  await page.getByTestId('dim-channels-conv2').fill('1:256');
  for (const p of ['fp16', 'int4', 'w4a8', 'w8a16']) await page.getByTestId(`dim-precision-${p}`).check();
  await expect(page.getByTestId('config-count')).toHaveText('3,145,728');
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
  expect(stored).toBeLessThan(3145728);
  const points = Number(await page.getByTestId('pareto-plot-latency').getAttribute('data-points'));
  expect(points).toBeGreaterThan(0);
  await page.getByTestId('nav-sessions').click();
  await expect(page.getByRole('cell', { name: 'cancelled' })).toBeVisible();
});
