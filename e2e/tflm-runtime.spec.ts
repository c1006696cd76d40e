// A client's choice made under another runtime (X-CUBE-AI): the TFLM header is offered for TFLM on the same board,
// and both the app and the header say so; its persistent memory is TFLM's, not X-CUBE-AI's.
import { readFileSync } from 'node:fs';
import { expect, runSweep, test } from './fixtures';

test('a TFLM header for a choice made under X-CUBE-AI says what it assumes', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-device').click();
  await page.getByTestId('device-exam-mcu').uncheck();
  await page.getByTestId('device-stm32f746').check();
  await page.getByTestId('runtime-x-cube-ai').check();
  await runSweep(page, 'cube');
  await page.getByTestId('nav-export').click();
  await expect(page.getByTestId('tflm-assumes-client1')).toContainText('the header is for TensorFlow Lite Micro on the same board');
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-tflm-client1').click()]);
  const header = readFileSync(await file.path(), 'utf8');
  expect(header).toContain('this header is for TensorFlow');
  expect(header).toContain("persistent allocations: TFLM's, not X-CUBE-AI");
});
