// Latency an engineer can trust, in the app: runtimes as a sweep dimension with bands on the plot, and a calibration
// from measured latencies in the Device view that becomes a device of one's own.
import { expect, test } from './fixtures';

test('runtimes sweep like devices, and the pinned point shows its latency band', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-device').click();
  await page.getByTestId('device-exam-mcu').uncheck();
  await page.getByTestId('device-stm32f746').check();
  await page.getByTestId('runtime-tflm-cmsis-nn').check();
  await page.getByTestId('runtime-plumerai').check();
  await page.getByTestId('nav-model').click();
  // The Model view analyses on the first device under the first runtime, with the band it earned.
  await expect(page.getByTestId('latency-band')).toContainText('80 %');
  await expect(page.getByTestId('latency-band')).toContainText('TFLM + CMSIS-NN');
  await page.getByTestId('nav-sweep').click();
  await expect(page.getByTestId('sweep-runtimes')).toContainText('tflm-cmsis-nn, plumerai');
  // 4 channel pairs × 2 precisions × 1 board × 2 runtimes.
  await expect(page.getByTestId('config-count')).toHaveText('16');
  await page.getByTestId('run-sweep').click();
  await expect(page.getByTestId('session-status')).toContainText('complete');
  await expect(page.getByTestId('stale')).toHaveCount(0);
  // Plumerai runs int8 only: its 4 fp32 configurations are unsupported and stay off the plot.
  const latency = page.getByTestId('pareto-plot-latency');
  await expect(latency).toHaveAttribute('data-points', '12');
  await page.getByTestId('client-choice-client1').click();
  await expect(latency.getByTestId('latency-band-selected')).toHaveCount(1);
  const table = page.getByTestId('results-table');
  await expect(table).toContainText('stm32f746+plumerai');
});

test('calibrate a device from measured latencies and keep it', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-device').click();
  const panel = page.getByTestId('calibration');
  await panel.locator('summary').click();
  await page.getByTestId('calibration-device').selectOption('stm32l4r5');
  await page.getByTestId('calibration-runtime').selectOption('x-cube-ai');
  await page.getByTestId('calibration-name').fill('my-l4r5');
  const measured: [string, string][] = [
    ['mlperf-ic', '165.13'],
    ['mlperf-kws', '43.19'],
    ['mlperf-vww', '88.93'],
  ];
  for (const [i, [model, ms]] of measured.entries()) {
    if (i > 0) await page.getByTestId('calibration-add').click();
    await page.getByTestId(`calibration-model-${i}`).selectOption(model);
    await page.getByTestId(`calibration-ms-${i}`).fill(ms);
  }
  await page.getByTestId('calibration-fit').click();
  await expect(page.getByTestId('calibration-result')).toBeVisible();
  await expect(page.getByTestId('calibration-fit-2')).toContainText('mlperf-vww');
  await expect(page.getByTestId('calibration-median')).toContainText('%');
  await expect(page.getByTestId('calibration-band')).toContainText('leave-one-out');
  await page.getByTestId('calibration-save').click();
  await expect(page.getByTestId('calibration-saved')).toContainText('my-l4r5');
  await expect(page.getByTestId('device-my-l4r5')).toBeChecked();

  // A measurement that cannot be used is named, and nothing is kept.
  await page.getByTestId('calibration-ms-0').fill('-3');
  await page.getByTestId('calibration-fit').click();
  await expect(page.getByTestId('calibration-error')).toContainText('measurement 1 (mlperf-ic)');
});
