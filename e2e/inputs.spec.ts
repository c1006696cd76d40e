// Inputs are checked as they are typed: the message sits at the field, in the app's words, Run says why it is
// disabled, an oversized grid offers a sample; a bad value never gets a 5xx from the web host. A precision without
// a penalty is flagged, never counted silently as no loss; changing the model says what it kept and reset.
import { callApi, expect, runSweep, test } from './fixtures';

test('sweep fields are checked as typed and Run says why it is disabled', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-sweep').click();
  await expect(page.getByTestId('config-count')).toHaveText('8');
  const run = page.getByTestId('run-sweep');
  await expect(run).toBeEnabled();

  const conv1 = page.getByTestId('dim-channels-conv1');
  for (const [typed, said] of [
    ['8,,16', 'has an empty item'],
    ['8,abc', '"abc" is not a number or a range like 8:64:8'],
    ['0,8', 'a layer needs at least 1 channel; 0 is too few'],
    ['8.5', 'channel counts are whole numbers; "8.5" is not'],
    ['64:8', 'the range 64:8 ends before it starts'],
  ]) {
    await conv1.fill(typed);
    await expect(page.getByTestId('error-channels-conv1')).toContainText(said);
    await expect(run).toBeDisabled();
    await expect(page.getByTestId('run-blocked')).toContainText('conv1 channels: ');
    await expect(page.getByTestId('run-blocked')).toContainText(said);
  }
  await conv1.fill('8,16');
  await expect(page.getByTestId('error-channels-conv1')).toHaveCount(0);
  await expect(run).toBeEnabled();

  await page.getByTestId('dim-prune-conv2').fill('0.5');
  await expect(page.getByTestId('error-prune-conv2')).toContainText('either channels to try or pruning ratios, not both');
  await page.getByTestId('dim-prune-conv2').fill('');
  await page.getByTestId('dim-prune-all').fill('0:1:0.5');
  await expect(page.getByTestId('error-prune-all')).toContainText('pruning ratios go from 0 (keep every channel) up to, not including, 1; 1 is outside');
  await page.getByTestId('dim-prune-all').fill('');

  // Too many values for one layer, or too many channels: said at the field.
  await conv1.fill('1:1000000');
  await expect(page.getByTestId('error-channels-conv1')).toContainText('at most 65,536 values to try here');
  await expect(run).toBeDisabled();
  await conv1.fill('8,2000000');
  await expect(page.getByTestId('error-channels-conv1')).toContainText('a layer has at most 1,048,576 channels; 2,000,000 is too many');

  // A grid beyond the limit: Run is disabled and a sample is offered.
  await conv1.fill('1:20000');
  await page.getByTestId('dim-channels-conv2').fill('1:20000');
  await expect(page.getByTestId('config-count')).toHaveText('800,000,000');
  await expect(page.getByTestId('grid-limit')).toContainText('at most 10,000,000');
  await expect(run).toBeDisabled();
  await expect(page.getByTestId('run-blocked')).toContainText('800,000,000 configurations');
  await page.getByTestId('sample-instead').click();
  await expect(page.getByTestId('config-count')).toHaveText('100,000');
  await expect(run).toBeEnabled();

  // No message anywhere speaks in command-line flags.
  await expect(page.locator('body')).not.toContainText('--');
});

test('device and accuracy fields are checked as typed; a bad value is a 4xx, not a 5xx', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-device').click();
  await page.getByTestId('accuracy-base').fill('150');
  await expect(page.getByTestId('error-accuracy-base')).toContainText('the base accuracy is from 0 to 100 %; 150 is outside');
  await page.getByTestId('accuracy-base').fill('93');
  await expect(page.getByTestId('error-accuracy-base')).toHaveCount(0);
  await page.getByTestId('penalty-int8').fill('-3');
  await expect(page.getByTestId('error-penalty-int8')).toContainText('the int8 penalty is from 0 to 100 %; -3 is outside');
  await page.getByTestId('penalty-int8').fill('3');
  await page.getByTestId('headroom').fill('-5');
  await expect(page.getByTestId('error-headroom')).toContainText('headroom is from 0 to 90 %; -5 is outside');
  await page.getByTestId('headroom').fill('10');
  await expect(page.getByTestId('error-headroom')).toHaveCount(0);

  await page.getByTestId('client-name').fill('fast');
  await page.getByTestId('client-deadline').fill('soon');
  await expect(page.getByTestId('client-error')).toContainText('"soon" is not a time: write it as 0.2 s or 200 ms');
  await expect(page.getByTestId('add-client')).toBeDisabled();
  await page.getByTestId('client-deadline').fill('50 ms');
  await page.getByTestId('client-min').fill('120');
  await expect(page.getByTestId('client-error')).toContainText('the minimum accuracy is from 0 to 100 %; 120 is outside');
  await page.getByTestId('client-min').fill('80');
  await expect(page.getByTestId('add-client')).toBeEnabled();
  await expect(page.locator('body')).not.toContainText('--');

  // The services refuse bad values with a 4xx and the reason, whoever sends them.
  const graph = ((await callApi(app, 'model.load', { preset: 'exam-cnn' })).body.result as { graph: unknown }).graph;
  const analyze = (accuracy: unknown, headroom = 0) =>
    callApi(app, 'model.analyze', {
      graph,
      precision: 'fp32',
      channels: {},
      prune: {},
      memoryModel: 'largest-tensor',
      device: 'exam-mcu',
      headroom,
      biasMode: 'weight',
      accuracy,
    });
  const base150 = await analyze({ kind: 'penalties', metric: 'accuracy', base: 1.5, penalties: {} });
  expect(base150.status, JSON.stringify(base150.body)).toBe(400);
  expect(base150.body.error?.message).toContain('base accuracy must be a fraction between 0 and 1');
  const negative = await analyze({ kind: 'penalties', metric: 'accuracy', base: 0.9, penalties: { int8: -0.03 } });
  expect(negative.status, JSON.stringify(negative.body)).toBe(400);
  const nonsense = await analyze({ kind: 'nonsense' });
  expect(nonsense.status, JSON.stringify(nonsense.body)).toBe(400);
  const headroom = await analyze(null, -0.1);
  expect(headroom.status, JSON.stringify(headroom.body)).toBe(400);
  const size = await callApi(app, 'sweep.size', { spec: { model: 'exam-cnn', devices: ['exam-mcu'], headroom: -0.5 }, graph });
  expect(size.status, JSON.stringify(size.body)).toBe(400);
  const device = await callApi(app, 'devices.save', { profile: { id: 'mine', name: 'Mine', sramBytes: -1 } });
  expect(device.status, JSON.stringify(device.body)).toBe(400);
  expect(device.body.error?.message).toContain('sramBytes must be a positive number of bytes, got -1');
});

test('a precision without a penalty is flagged, in the inputs and on its results', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-precision-fp16').check();
  await expect(page.getByTestId('missing-penalty')).toContainText('No accuracy penalty is given for FP16');
  await page.getByTestId('nav-device').click();
  await expect(page.getByTestId('missing-penalty')).toContainText('FP16');
  await expect(page.getByTestId('penalty-fp16')).toHaveAttribute('placeholder', 'needed');
  // No device here runs FP16: leave it out, and take INT8's penalty away instead.
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-precision-fp16').uncheck();
  await expect(page.getByTestId('missing-penalty')).toHaveCount(0);
  await page.getByTestId('nav-device').click();
  await page.getByTestId('penalty-int8').fill('');
  await expect(page.getByTestId('missing-penalty')).toContainText('No accuracy penalty is given for INT8');
  await runSweep(page, 'no-int8-penalty');
  await expect(page.getByTestId('accuracy-warning')).toContainText('no penalty for INT8');
  // INT8 rows carry the mark, FP32 rows do not; so does a client's choice in INT8.
  const int8Row = page.locator('[data-testid="result-row"]', { hasText: 'INT8' }).first();
  await expect(int8Row).toContainText('⚠');
  await expect(page.locator('[data-testid="result-row"]', { hasText: 'FP32' }).first()).not.toContainText('⚠');
  await expect(page.getByTestId('client-choice-client1')).toContainText('INT8');
  await expect(page.getByTestId('client-choice-client1')).toContainText('⚠');

  // Entering the penalty clears the warning for the next run.
  await page.getByTestId('nav-device').click();
  await page.getByTestId('penalty-int8').fill('3');
  await expect(page.getByTestId('missing-penalty')).toHaveCount(0);
});

test('changing the model says what was kept and resets what no longer applies', async ({ app }) => {
  const { page } = app;
  await expect(page.getByTestId('total-params')).toHaveText('91,203');
  await page.getByTestId('preset').selectOption('mlperf-kws');
  const change = page.getByTestId('model-change');
  await expect(change).toContainText('exam-cnn');
  await expect(change).toContainText('Kept: device exam-mcu; clients client1, client2; precisions FP32, INT8');
  await expect(change).toContainText('the channels and pruning ratios set for conv1, conv2');
  await expect(change).toContainText('the accuracy model (base 93.0 %, measured for exam-cnn)');
  // Reset indeed: no per-layer sweep settings, no accuracy model; the clients stay.
  await page.getByTestId('nav-sweep').click();
  await expect(page.locator('[data-testid^="dim-channels-"]').first()).toHaveValue('');
  await page.getByTestId('nav-device').click();
  await expect(page.getByTestId('accuracy-kind')).toHaveValue('none');
  await expect(page.getByTestId('client-client1')).toBeVisible();
  // Undo brings the accuracy model back.
  await page.getByTestId('nav-model').click();
  await page.getByTestId('undo-model-change').click();
  await page.getByTestId('nav-device').click();
  await expect(page.getByTestId('accuracy-kind')).toHaveValue('penalties');
});
