// A converted file's layers by names a person can read: the short name in the Model and Sweep tables and in the
// configurations, the full tensor name on hover.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, root, runSweep, test } from './fixtures';

const FULL = 'sequential/dense_1/MatMul;sequential/dense_1/Relu;sequential/dense_1/BiasAdd';

test('hello_world.tflite: short names in the tables, the full name on hover, both in a configuration', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-model').click();
  await page.getByTestId('model-file').setInputFiles({
    name: 'hello_world_int8.tflite',
    mimeType: 'application/octet-stream',
    buffer: readFileSync(join(root, 'test', 'fixtures', 'tflite', 'hello_world_int8.tflite')),
  });
  const row = page.getByTestId(`layer-${FULL}`);
  await expect(row.locator('td').first()).toHaveText('dense_1');
  await expect(row.locator('td').first()).toHaveAttribute('title', FULL);

  await page.getByTestId('nav-sweep').click();
  const sweepRow = page.getByTestId(`dim-prune-${FULL}`).locator('xpath=ancestor::tr');
  await expect(sweepRow.locator('td').first()).toHaveText('dense_1');
  await expect(sweepRow.locator('td').first()).toHaveAttribute('title', FULL);
  await page.getByTestId(`dim-channels-${FULL}`).fill('8,16');
  // The file stores INT8: sweep INT8 only.
  for (const p of ['fp32', 'fp16', 'int4', 'w4a8', 'w8a16']) await page.getByTestId(`dim-precision-${p}`).uncheck();
  await expect(page.getByTestId('dim-precision-int8')).toBeChecked();
  await runSweep(page, 'names');
  // The table names only the layer that changed, by its short name.
  await expect(page.getByTestId('result-row').filter({ hasText: 'dense_1 8 · INT8' })).toHaveCount(1);
  await expect(page.getByTestId('result-row').filter({ hasText: 'sequential/' })).toHaveCount(0);

  // The report: short names (the full one on hover), and an INT8 file's INT8 sweep described at INT8 only.
  await page.getByTestId('nav-export').click();
  const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report-html').click()]);
  const html = readFileSync(await report.path(), 'utf8');
  expect(html).toContain(`<td title="${FULL}">dense_1</td>`);
  expect(html).toContain('as the file stores it (INT8)');
  expect(html).not.toMatch(/at FP32|FP32:/);
});
