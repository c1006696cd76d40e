// The end of a run: the progress bar and its Cancel go, a note says how it ended; the results open by themselves
// only where Run was pressed (the Sweep view), and elsewhere the user is told, not moved. The ETA is shown only
// once there is a rate to go by, and never far off.
import { expect, test } from './fixtures';

test('a run that ends while the user is elsewhere notifies instead of moving them', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-sweep').click();
  // 65,536 configurations: long enough to leave the view while it runs.
  await page.getByTestId('dim-channels-conv1').fill('1:256');
  await page.getByTestId('dim-channels-conv2').fill('1:128');
  await expect(page.getByTestId('config-count')).toHaveText('65,536');
  await page.getByTestId('session-name').fill('elsewhere');
  await page.getByTestId('run-sweep').click();
  await page.getByTestId('nav-model').click();
  const notice = page.getByTestId('run-notice');
  await expect(notice).toContainText('Sweep elsewhere finished: 65,536 of 65,536 configurations', { timeout: 60_000 });
  // Still on the Model view, with no progress bar and no live Cancel left.
  await expect(page.getByTestId('layer-table')).toBeVisible();
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await expect(page.getByTestId('cancel')).toHaveCount(0);
  await page.getByTestId('notice-open').click();
  await expect(page.getByTestId('results-title')).toHaveText('elsewhere');
  await expect(page.getByTestId('session-status')).toContainText('complete · 65,536 of 65,536');
});

test('a run that ends on the Sweep view opens its results; the ETA is estimated, not guessed', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-channels-conv1').fill('1:256');
  await page.getByTestId('dim-channels-conv2').fill('1:256');
  await page.getByTestId('dim-precision-fp16').check();
  await page.getByTestId('dim-precision-int4').check();
  await expect(page.getByTestId('config-count')).toHaveText('262,144');
  await page.getByTestId('session-name').fill('here');
  // Every ETA the bar shows, with when it was shown.
  await page.evaluate(() => {
    const w = window as unknown as { etas: { at: number; text: string }[] };
    w.etas = [];
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="eta"]')?.textContent;
      if (text) w.etas.push({ at: performance.now(), text });
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('run-sweep').click();
  await expect(page.getByTestId('results-title')).toHaveText('here', { timeout: 90_000 });
  await expect(page.getByTestId('progress')).toHaveCount(0);
  const { etas, ended } = await page.evaluate(() => ({
    etas: (window as unknown as { etas: { at: number; text: string }[] }).etas,
    ended: performance.now(),
  }));
  // No estimate is far above the time that was actually left (a 3 s run never said 60 s).
  for (const eta of etas) {
    const m = /^(\d+) (s|min) left$/.exec(eta.text);
    if (!m) continue;
    const said = Number(m[1]) * (m[2] === 'min' ? 60 : 1);
    const left = (ended - eta.at) / 1000;
    expect(said, JSON.stringify(etas)).toBeLessThanOrEqual(3 * left + 2);
  }
});
