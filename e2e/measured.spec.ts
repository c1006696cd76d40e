// Measured accuracy in the app (web host): a model file with weights, data uploaded as .npy files with their label
// counts shown, a sensitivity analysis drawn as one curve per layer, and configurations evaluated on the data from
// a curve's point and from a client's card.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy, writeNpy } from '../src/shared/engine/npy';
import { expect, root, runSweep, test } from './fixtures';

const fashion = (name: string) => join(root, 'test', 'fixtures', 'fashion', name);
const SAMPLES = 300;

/** The first SAMPLES Fashion-MNIST test images and labels as .npy files. */
function smallData(): { images: Buffer; labels: Buffer; counts: number[] } {
  const x = parseNpy(readFileSync(fashion('test-images-1000.npy')), 'images');
  const y = parseNpy(readFileSync(fashion('test-labels-1000.npy')), 'labels');
  const per = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const labels = Array.from(y.data.slice(0, SAMPLES) as ArrayLike<number | bigint>, Number);
  return {
    images: Buffer.from(writeNpy({ ...x, shape: [SAMPLES, ...x.shape.slice(1)], data: x.data.slice(0, SAMPLES * per) } as never)),
    labels: Buffer.from(writeNpy({ ...y, shape: [SAMPLES], data: y.data.slice(0, SAMPLES) } as never)),
    counts: Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length),
  };
}

test('data by upload, a sensitivity curve per layer, and a configuration evaluated on the data', async ({ app }) => {
  test.setTimeout(180_000);
  const { page } = app;
  const data = smallData();
  await page.getByTestId('nav-model').click();
  // The worked example is a preset: an architecture without weights, which cannot be measured, and the app says so.
  await expect(page.getByTestId('model-evaluate')).toBeDisabled();
  await expect(page.getByTestId('model-evaluate-blocker')).toContainText('exam-cnn is a preset');
  await page.getByTestId('model-file').setInputFiles({ name: 'cnn.onnx', mimeType: 'application/octet-stream', buffer: readFileSync(fashion('cnn.onnx')) });
  await expect(page.getByTestId('model-source')).toContainText('ONNX file');

  // Samples first (no labels: no counts), then the labels: the counts of each class, with a bar each.
  await page.getByTestId('data-file').setInputFiles({ name: 'x_small.npy', mimeType: 'application/octet-stream', buffer: data.images });
  await expect(page.getByTestId('data-samples')).toHaveText('300 samples');
  await expect(page.getByTestId('data-shape')).toContainText('28 × 28 × 1 uint8');
  await expect(page.getByTestId('data-classes')).toHaveText('no class labels');
  await page.getByTestId('labels-file').setInputFiles({ name: 'y_small.npy', mimeType: 'application/octet-stream', buffer: data.labels });
  await expect(page.getByTestId('data-classes')).toHaveText('10 classes');
  await expect(page.getByTestId('label-counts').locator('tr')).toHaveCount(10);
  for (const c of [0, 9]) await expect(page.getByTestId(`label-count-${c}`)).toContainText(String(data.counts[c]));

  // A path that is not there: said at the field.
  await page.getByTestId('labels-clear').click();
  await page.getByTestId('data-path').fill('/no/such/data.npy');
  await page.getByTestId('data-open').click();
  await expect(page.getByTestId('data-error')).toContainText('/no/such/data.npy: no such file or folder');
  // The data opened before is kept.
  await expect(page.getByTestId('data-samples')).toHaveText('300 samples');

  // Sensitivity: one curve per prunable layer, the base per precision, most and least sensitive layers.
  await page.getByTestId('nav-sensitivity').click();
  await page.getByTestId('sensitivity-kept').fill('0.75, 0.5');
  await page.getByTestId('sensitivity-precisions').fill('fp32');
  await page.getByTestId('sensitivity-run').click();
  await expect(page.getByTestId('sensitivity-plot')).toBeVisible({ timeout: 90_000 });
  const lines = page.locator('[data-testid^="sensitivity-line-"]');
  const layers = await lines.count();
  expect(layers).toBeGreaterThanOrEqual(2);
  await expect(page.locator('[data-testid^="sensitivity-legend-"]')).toHaveCount(layers);
  await expect(lines.first().locator('circle')).toHaveCount(2);
  await expect(page.getByTestId('sensitivity-base-fp32')).toContainText('%');
  await expect(page.getByTestId('most-sensitive').locator('li').first()).toBeVisible();
  await expect(page.getByTestId('least-sensitive').locator('li').first()).toBeVisible();

  // A point of a curve, evaluated as a configuration of its own: the measured accuracy beside it.
  await lines.first().locator('circle').first().click();
  await expect(page.getByTestId('sensitivity-picked')).toBeVisible();
  await page.getByTestId('sensitivity-evaluate').click();
  await expect(page.getByTestId('sensitivity-evaluate-result')).toContainText(/accuracy \d+\.\d %/, { timeout: 60_000 });
  await expect(page.getByTestId('sensitivity-evaluate-result')).toContainText('300 samples, FP32');

  // A client's choice in a sweep of this model, evaluated from its card.
  await runSweep(page, 'fashion-measured', { timeout: 60_000 });
  const card = page.locator('[data-testid^="client-evaluate-"]').first();
  await expect(card).toBeEnabled();
  await card.click();
  await expect(page.locator('[data-testid^="client-evaluate-"][data-testid$="-result"]').first()).toContainText(/accuracy \d+\.\d %/, { timeout: 60_000 });
});
