// Sessions as a daily tool: Recent lists the newest first (a new session appears at once), reopening a session
// brings back its own inputs (so it is not stale), and a comparison says in words who is better and what the
// hypervolume measures.
import { expect, runSweep, test } from './fixtures';

test('Recent lists the newest sessions first, a new one at the top', async ({ app }) => {
  const { page } = app;
  // Seven runs of the worked example (8 configurations each): more than Recent shows.
  for (let i = 1; i <= 7; i++) await runSweep(page, `run-${i}`);
  const recent = page.locator('[data-testid^="recent-"]');
  await expect(recent).toHaveCount(6);
  await expect(recent.first()).toHaveAttribute('data-testid', 'recent-run-7');
  const names = await recent.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  expect(names).toEqual(['recent-run-7', 'recent-run-6', 'recent-run-5', 'recent-run-4', 'recent-run-3', 'recent-run-2']);
  // Sessions lists them newest first too.
  await page.getByTestId('nav-sessions').click();
  await expect(page.locator('[data-testid^="session-run-"]').first()).toHaveAttribute('data-testid', 'session-run-7');
});

test('reopening a session restores its own inputs; comparing two explains the verdict', async ({ app }) => {
  const { page } = app;
  await runSweep(page, 'narrow');
  // A second sweep with other inputs: conv2 tries 16 too, and a third client.
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-channels-conv2').fill('8,16,32');
  await page.getByTestId('nav-device').click();
  await page.getByTestId('client-name').fill('client3');
  await page.getByTestId('client-deadline').fill('100 ms');
  await page.getByTestId('add-client').click();
  await runSweep(page, 'wide');
  await expect(page.getByTestId('stale')).toHaveCount(0);

  // Reopen the first: its inputs come back, so it is not stale.
  await page.getByTestId('nav-sessions').click();
  await page.getByTestId('open-narrow').click();
  await expect(page.getByTestId('results-title')).toHaveText('narrow');
  await expect(page.getByTestId('stale')).toHaveCount(0);
  await page.getByTestId('nav-sweep').click();
  await expect(page.getByTestId('dim-channels-conv2')).toHaveValue('8,32');
  await page.getByTestId('nav-device').click();
  await expect(page.getByTestId('client-client3')).toHaveCount(0);
  await expect(page.getByTestId('client-client1')).toBeVisible();

  // And the second from Recent: its inputs again.
  await page.getByTestId('recent-wide').click();
  await expect(page.getByTestId('results-title')).toHaveText('wide');
  await expect(page.getByTestId('stale')).toHaveCount(0);
  await page.getByTestId('nav-sweep').click();
  await expect(page.getByTestId('dim-channels-conv2')).toHaveValue('8,16,32');

  // Compare: a verdict in words and what the hypervolume measures.
  await page.getByTestId('nav-sessions').click();
  await page.getByRole('checkbox', { name: 'compare narrow' }).check();
  await page.getByRole('checkbox', { name: 'compare wide' }).check();
  await page.getByTestId('compare').click();
  const comparison = page.getByTestId('comparison');
  await expect(comparison).toBeVisible();
  const verdict = (await page.getByTestId('compare-verdict').textContent()) ?? '';
  expect(verdict).toMatch(/is better|Neither|same/);
  expect(verdict).not.toMatch(/a-better|b-better|mixed/);
  const hypervolume = (await page.getByTestId('compare-hypervolume').textContent()) ?? '';
  expect(hypervolume).toMatch(/narrow \d+\.\d %, wide \d+\.\d %/);
  expect(hypervolume).toContain('a tenth of the range beyond the worst');
  // Every front point counts: no valid front scores 0.
  expect(hypervolume).not.toMatch(/(narrow|wide) 0\.0 %/);
  expect(hypervolume).toMatch(/latency [\d.]+ ms to [\d.]+ ms/);
  expect(hypervolume).not.toMatch(/\d\.\d{3}\b(?! ms| KiB)/);
});
