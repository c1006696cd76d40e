// Importing a bundle whose session name is taken asks, in the app's words, and offers to import it under a
// new name or to replace the session.
import { readFileSync } from 'node:fs';
import { expect, runSweep, test } from './fixtures';

test('a bundle whose session exists: import under a new name, or replace', async ({ app }) => {
  const { page } = app;
  await runSweep(page, 'exam');
  await page.getByTestId('nav-export').click();
  const [bundle] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-bundle').click()]);
  const text = readFileSync(await bundle.path(), 'utf8');
  const file = { name: 'exam.frontier.json', mimeType: 'application/json', buffer: Buffer.from(text) };

  await page.getByTestId('import-bundle').setInputFiles(file);
  // A clash is a question, not a red failure; it waits while the user looks elsewhere.
  const error = page.getByTestId('export-error');
  await expect(page.getByTestId('import-conflict-question')).toHaveText(
    'A session named exam already exists. Import exam.frontier.json under another name, or replace exam?',
  );
  await expect(error).toHaveCount(0);
  await expect(page.getByTestId('export-message')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText('--replace');
  await page.getByTestId('nav-results').click();
  await page.getByTestId('nav-export').click();
  await expect(page.getByTestId('import-conflict')).toBeVisible();

  // Under a new name (offered: "exam (2)").
  await expect(page.getByTestId('import-rename')).toHaveValue('exam (2)');
  await page.getByTestId('import-as').click();
  await expect(page.getByTestId('export-message')).toHaveText('imported exam.frontier.json as session exam (2)');
  await expect(page.getByTestId('import-conflict')).toHaveCount(0);
  await expect(error).toHaveCount(0);

  // Again, replacing the one that exists.
  await page.getByTestId('import-bundle').setInputFiles(file);
  await expect(page.getByTestId('import-conflict')).toBeVisible();
  await page.getByTestId('import-replace').click();
  await expect(page.getByTestId('export-message')).toHaveText('imported exam.frontier.json as session exam');
  await page.getByTestId('nav-sessions').click();
  await expect(page.locator('[data-testid^="session-exam"]')).toHaveCount(2);
});
