// Bad input gets a clear message next to its cause; the app stays usable and nothing stored is lost.
import { expect, test } from './fixtures';

test('a malformed model file and an impossible edit', async ({ app }) => {
  const { page } = app;
  // A stored session first, so we can check it survives.
  await page.getByTestId('nav-sweep').click();
  await expect(page.getByTestId('config-count')).toHaveText('8');
  await page.getByTestId('run-sweep').click();
  await expect(page.getByTestId('session-status')).toContainText('complete');

  await page.getByTestId('nav-model').click();
  await page.getByTestId('model-file').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"class_name": "Sequential", "config": {"layers": [ {"class_name": "Conv2D",'),
  });
  await expect(page.getByTestId('model-error')).toContainText('broken.json');
  await expect(page.getByTestId('model-error')).toContainText('invalid JSON');
  // The previous model is still there and usable.
  await expect(page.getByTestId('total-params')).toHaveText('91,203');

  await page.getByTestId('channels-conv1').fill('0');
  await page.getByTestId('channels-conv1').press('Enter');
  await expect(page.getByTestId('field-error')).toContainText('conv1: channels must be a whole number ≥ 1 (got 0)');
  await expect(page.getByTestId('total-params')).toHaveText('91,203');
  await page.getByTestId('channels-conv1').fill('8');
  await page.getByTestId('channels-conv1').press('Enter');
  await expect(page.getByTestId('field-error')).toHaveCount(0);
  await expect(page.getByTestId('total-params')).toHaveText('88,819');

  await page.getByTestId('nav-sessions').click();
  await expect(page.getByTestId('sessions-table')).toContainText('complete');
});
