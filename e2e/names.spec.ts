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
  await runSweep(page, 'names');
  // The table names only the layer that changed, by its short name.
  await expect(page.getByTestId('result-row').filter({ hasText: 'dense_1 8 · INT8' })).toHaveCount(1);
  await expect(page.getByTestId('result-row').filter({ hasText: 'sequential/' })).toHaveCount(0);
});
