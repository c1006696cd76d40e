// Each view opens at its top, whatever the previous view's scroll.
import { expect, runSweep, test } from './fixtures';

test('a view opens at the top, not at the last view’s scroll position', async ({ app }) => {
  const { page } = app;
  await runSweep(page, 'scroll');
  const content = page.getByTestId('content');
  await page.setViewportSize({ width: 1200, height: 500 });
  await content.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect.poll(() => content.evaluate((el) => el.scrollTop)).toBeGreaterThan(100);
  for (const view of ['export', 'results', 'model']) {
    await page.getByTestId(`nav-${view}`).click();
    await expect.poll(() => content.evaluate((el) => el.scrollTop)).toBe(0);
    await content.evaluate((el) => (el.scrollTop = el.scrollHeight));
  }
});
