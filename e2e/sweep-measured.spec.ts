// A sweep measured on data, made in the app (web host): a model file with weights, 300 Fashion-MNIST images and
// labels uploaded in the Data panel, "measured on data" with 3 configurations verified, then the results: measured
// points filled and predicted ones hollow (said in the legend), the tooltip of a measured point, the accuracy band
// on predicted points, a client card saying where its accuracy came from, and the predictor's summary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy, writeNpy } from '../src/shared/engine/npy';
import { expect, root, screenshotDir, test } from './fixtures';

const fashion = (name: string) => join(root, 'test', 'fixtures', 'fashion', name);
const SAMPLES = 300;

/** The first SAMPLES Fashion-MNIST test images and labels as .npy files. */
function smallData(): { images: Buffer; labels: Buffer } {
  const x = parseNpy(readFileSync(fashion('test-images-1000.npy')), 'images');
  const y = parseNpy(readFileSync(fashion('test-labels-1000.npy')), 'labels');
  const per = x.shape.slice(1).reduce((a, b) => a * b, 1);
  return {
    images: Buffer.from(writeNpy({ ...x, shape: [SAMPLES, ...x.shape.slice(1)], data: x.data.slice(0, SAMPLES * per) } as never)),
    labels: Buffer.from(writeNpy({ ...y, shape: [SAMPLES], data: y.data.slice(0, SAMPLES) } as never)),
  };
}

test('a sweep measured on uploaded data: filled and hollow points, measured tooltips, cards and the band', async ({ app }) => {
  test.setTimeout(240_000);
  const { page } = app;
  const data = smallData();

  // The worked example is a preset: no weights, so "measured on data" is offered with the reason it cannot be.
  await page.getByTestId('nav-sweep').click();
  await expect(page.getByTestId('accuracy-source-measured')).toBeDisabled();
  await expect(page.getByTestId('accuracy-measured-blocker')).toContainText('preset');

  await page.getByTestId('nav-model').click();
  await page.getByTestId('model-file').setInputFiles({ name: 'cnn.onnx', mimeType: 'application/octet-stream', buffer: readFileSync(fashion('cnn.onnx')) });
  await expect(page.getByTestId('model-source')).toContainText('ONNX file');
  await page.getByTestId('data-file').setInputFiles({ name: 'x_small.npy', mimeType: 'application/octet-stream', buffer: data.images });
  await expect(page.getByTestId('data-samples')).toHaveText('300 samples');
  await page.getByTestId('labels-file').setInputFiles({ name: 'y_small.npy', mimeType: 'application/octet-stream', buffer: data.labels });
  await expect(page.getByTestId('data-classes')).toHaveText('10 classes');

  // prune the two convolutions (the first two prunable layers) 0, 0.5 at FP32: four configurations.
  await page.getByTestId('nav-sweep').click();
  const prune = page.locator('[data-testid^="dim-prune-"]:not([data-testid="dim-prune-all"])');
  await expect(prune.nth(1)).toBeVisible();
  await prune.nth(0).fill('0,0.5');
  await prune.nth(1).fill('0,0.5');
  if (await page.getByTestId('dim-precision-int8').isChecked()) await page.getByTestId('dim-precision-int8').uncheck();
  await expect(page.getByTestId('config-count')).toHaveText('4');

  await page.getByTestId('accuracy-source-measured').check();
  await expect(page.getByTestId('accuracy-data')).toContainText('x_small.npy + y_small.npy · 300 samples');
  await page.getByTestId('accuracy-verify').fill('3');
  await expect(page.getByTestId('accuracy-metric')).toHaveValue('accuracy');
  await page.getByTestId('session-name').fill('fashion-sweep-measured');
  await expect(page.getByTestId('run-sweep')).toBeEnabled();
  await page.getByTestId('run-sweep').click();
  await expect(page.getByTestId('results-title')).toHaveText('fashion-sweep-measured', { timeout: 180_000 });
  await expect(page.getByTestId('session-status')).toContainText('complete', { timeout: 60_000 });

  // Both kinds of points, and the legend says which is which.
  const latency = page.getByTestId('pareto-plot-latency');
  await expect(latency).toHaveAttribute('data-measured', /^[1-9]\d*$/);
  await expect(latency).toHaveAttribute('data-predicted', /^[1-9]\d*$/);
  await expect(latency.getByTestId('legend-measured')).toContainText('measured');
  await expect(latency.getByTestId('legend-predicted')).toContainText('predicted');
  const points = latency.getByTestId('measured-point');
  expect(await points.count()).toBeGreaterThan(0);
  expect(await points.count()).toBeLessThanOrEqual(3);

  // A measured point's tooltip says so.
  const box = await points.first().boundingBox();
  expect(box).not.toBeNull();
  await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
  await expect(latency.getByTestId('plot-tooltip')).toContainText(/accuracy\s*\d+\.\d % \(measured\)/);

  // Each client card says whether its choice's accuracy was measured or predicted.
  const sources = page.locator('[data-testid^="client-accuracy-source-"]');
  expect(await sources.count()).toBeGreaterThan(0);
  await expect(sources.first()).toHaveText(/accuracy measured on the data|accuracy predicted/);

  // The predictor, its error, the band and its coverage.
  await expect(page.getByTestId('measured-summary-text')).toContainText(/3 configurations verified on the data; predictor \w+/);
  await page.screenshot({ path: join(screenshotDir, 'sweep-measured.png'), fullPage: true });
});
