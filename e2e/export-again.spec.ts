// Saving an export whose file was already saved from this window asks first; cancelling saves nothing.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';

test('an export saved twice asks before the second save', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('run-sweep').click();
  await expect(page.getByTestId('session-status')).toContainText('complete');
  await page.getByTestId('nav-export').click();

  const downloads: string[] = [];
  page.on('download', (d) => downloads.push(d.suggestedFilename()));
  const [first] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(readFileSync(await first.path(), 'utf8')).toMatch(/^idx,status,/);
  await expect(page.getByTestId('export-confirm')).toHaveCount(0);

  // Again: a question, and no download until it is answered.
  await page.getByTestId('export-csv').click();
  await expect(page.getByTestId('export-confirm')).toContainText(`${first.suggestedFilename()} was already saved from this window`);
  await page.getByTestId('export-confirm-cancel').click();
  await expect(page.getByTestId('export-confirm')).toHaveCount(0);
  expect(downloads).toEqual([first.suggestedFilename()]);

  await page.getByTestId('export-csv').click();
  const [second] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-confirm-save').click()]);
  expect(second.suggestedFilename()).toBe(first.suggestedFilename());
  await expect(page.getByTestId('export-message')).toHaveText(`saved ${first.suggestedFilename()} again`);

  // Another file name is saved without a question.
  await Promise.all([page.waitForEvent('download'), page.getByTestId('export-front-csv').click()]);
  await expect(page.getByTestId('export-confirm')).toHaveCount(0);
});
