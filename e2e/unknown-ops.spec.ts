// A file with an operator Frontier does not know: refused with what is unknown, in the app's words, and the choice
// to analyse it anyway as a zero-MAC pass-through — then analysed and swept, with the warning on its figures.
import { expect, runSweep, test } from './fixtures';
import { GraphBuilder } from '../src/shared/presets';
import { graphToTflite } from '../test/import/tflite/writer';

function svdfFile(): Buffer {
  const b = new GraphBuilder('kws_svdf');
  const x = b.input('in', [16]);
  const s = b.layer('svdf', [x], { type: 'Opaque', op: 'SVDF', outputShape: [16] });
  b.dense('fc', s, { units: 4 });
  return Buffer.from(graphToTflite(b.build(), { precision: 'int8' }));
}

test('unknown operators: refused with the choice to analyse them as pass-throughs', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-model').click();
  await page.getByTestId('model-file').setInputFiles({ name: 'kws_svdf.tflite', mimeType: 'application/octet-stream', buffer: svdfFile() });
  const error = page.getByTestId('model-error');
  await expect(error).toContainText('1 operator Frontier does not know: SVDF ×1.');
  await expect(error).not.toContainText('--allow-unknown-ops');
  await page.getByTestId('allow-unknown-ops').click();
  await expect(error).toHaveCount(0);
  await expect(page.getByTestId('total-macs')).toHaveText('64');
  await expect(page.getByText('unknown operators analysed as zero-MAC operations: svdf (SVDF)')).toBeVisible();
  await runSweep(page, 'svdf');
  await expect(page.getByTestId('session-status')).toContainText('complete');
});
