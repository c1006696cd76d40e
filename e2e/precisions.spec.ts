// Every precision the sweep tries has a box: a hybrid file's W8A32 shows (ticked) while the file is loaded, and
// does not carry over to the next model.
import { expect, test } from './fixtures';
import { GraphBuilder } from '../src/shared/presets';
import { graphToTflite } from '../test/import/tflite/writer';

function hybridFile(): Buffer {
  const b = new GraphBuilder('hybrid_kws');
  const x = b.input('in', [32]);
  const h = b.dense('fc1', x, { units: 16, activation: 'relu' });
  b.dense('fc2', h, { units: 4 });
  return Buffer.from(graphToTflite(b.build(), { precision: 'hybrid' }));
}

test('a hybrid file’s W8A32 is a box of its own, reset when the model changes', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-model').click();
  await page.getByTestId('model-file').setInputFiles({ name: 'hybrid_kws.tflite', mimeType: 'application/octet-stream', buffer: hybridFile() });
  await expect(page.getByTestId('model-source')).toContainText('storing hybrid: int8 weights, fp32 activations');

  await page.getByTestId('nav-sweep').click();
  const boxes = page.locator('[data-testid^="dim-precision-"]');
  const w8a32 = page.getByTestId('dim-precision-w8a32');
  await expect(w8a32).toBeChecked();
  // As many precisions counted as boxes ticked.
  const ticked = await boxes.evaluateAll((all) => all.filter((b) => (b as HTMLInputElement).checked).length);
  await expect(page.getByTestId('config-count').locator('xpath=..')).toContainText(`precision ${ticked}`);
  // Toggling another box keeps it.
  await page.getByTestId('dim-precision-fp16').click();
  await expect(w8a32).toBeChecked();

  await page.getByTestId('nav-model').click();
  await page.getByTestId('preset').selectOption('exam-cnn');
  await expect(page.getByTestId('model-change')).toContainText('precision W8A32, which hybrid_kws stores');
  await page.getByTestId('nav-sweep').click();
  await expect(w8a32).toHaveCount(0);
  const after = await boxes.evaluateAll((all) => all.filter((b) => (b as HTMLInputElement).checked).length);
  await expect(page.getByTestId('config-count').locator('xpath=..')).toContainText(`precision ${after}`);
});
