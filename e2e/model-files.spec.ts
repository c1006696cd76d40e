// A model file loaded in the app, swept, and its configurations downloaded as the model file itself: a client's
// choice as .tflite (a TFLite flatbuffer that loads back with the parameters the app showed for it), and an int8
// configuration of a float model refused beside its buttons, saying why.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, root, runSweep, test } from './fixtures';

test("a loaded .h5 file, swept: a client's choice downloaded as .tflite loads back with the same parameters", async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-model').click();
  await page.getByTestId('model-file').setInputFiles({
    name: 'exam-small.h5',
    mimeType: 'application/octet-stream',
    buffer: readFileSync(join(root, 'test', 'fixtures', 'h5', 'exam-cnn-small.h5')),
  });
  await expect(page.getByTestId('total-params')).toHaveText('10,991');

  // conv1 at 2 or 4 filters, FP32 and INT8; the example's clients (0.2 s and 0.5 s) and accuracy penalties.
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-channels-conv1').fill('2,4');
  await page.getByTestId('dim-channels-conv2').fill('');
  await expect(page.getByTestId('config-count')).toHaveText('4');
  await runSweep(page, 'small');

  // client2's choice: the unpruned FP32 model; its parameters as the pinned configuration shows them.
  await page.getByTestId('client-choice-client2').click();
  const params = (await page.getByTestId('breakdown-total').locator('th').nth(1).textContent())?.trim();
  expect(params).toMatch(/^[\d,]+$/);

  await page.getByTestId('nav-export').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-tflite-client2').click()]);
  expect(download.suggestedFilename()).toBe('small-best-client2.tflite');
  const bytes = readFileSync(await download.path());
  expect(bytes.subarray(4, 8).toString('latin1')).toBe('TFL3');
  await expect(page.getByTestId('export-message')).toHaveText("exported the .tflite of client2's choice");

  // client1's choice is INT8 and the session has no calibration data: refused beside its buttons.
  await page.getByTestId('export-tflite-client1').click();
  await expect(page.getByTestId('export-model-error-client1')).toContainText('no calibration data');
  await expect(page.getByTestId('export-model-error-client1')).toContainText('INT8 configuration of a float model');

  // The downloaded file, loaded as a model, has the parameters shown for the choice.
  await page.getByTestId('nav-model').click();
  await page.getByTestId('model-file').setInputFiles({ name: 'small-best-client2.tflite', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(page.getByTestId('model-source')).toContainText('TensorFlow Lite file');
  await expect(page.getByTestId('total-params')).toHaveText(params as string);
});
