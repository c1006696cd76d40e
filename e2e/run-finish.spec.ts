// The end of a run: the progress bar and its Cancel go, a note says how it ended; the results open by themselves
// only where Run was pressed (the Sweep view), and elsewhere the user is told, not moved. The time left says
// "estimating…" until the rate is steady, then a duration that goes down; how close it comes to the truth depends on
// the machine and is measured by `npm run bench:ui`, not here.
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

/** What the bar may say about the time left: estimating, or a duration. */
const ETA_TEXT = /^(estimating…|< 1 s left|\d+ s left|\d+ min left)$/;
/** The seconds a duration the bar shows stands for ("< 1 s left" is 0); null for "estimating…". */
function secondsOf(text: string): number | null {
  const m = /^(\d+) (s|min) left$/.exec(text);
  if (m) return Number(m[1]) * (m[2] === 'min' ? 60 : 1);
  return text === '< 1 s left' ? 0 : null;
}

test('a run that ends on the Sweep view opens its results; its time left is estimating or a duration, and goes at the end', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-channels-conv1').fill('1:256');
  await page.getByTestId('dim-channels-conv2').fill('1:256');
  await page.getByTestId('dim-precision-fp16').check();
  await page.getByTestId('dim-precision-int4').check();
  await expect(page.getByTestId('config-count')).toHaveText('262,144');
  await page.getByTestId('session-name').fill('here');
  // Everything the bar says about the time left, in order.
  await page.evaluate(() => {
    const w = window as unknown as { etas: string[] };
    w.etas = [];
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="eta"]')?.textContent;
      if (text && text !== w.etas.at(-1)) w.etas.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('run-sweep').click();
  await expect(page.getByTestId('results-title')).toHaveText('here', { timeout: 90_000 });
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await expect(page.getByTestId('eta')).toHaveCount(0);
  const etas = await page.evaluate(() => (window as unknown as { etas: string[] }).etas);
  // It starts by estimating (no rate yet), and says nothing but "estimating…" or a duration.
  expect(etas[0]).toBe('estimating…');
  for (const text of etas) expect(text, JSON.stringify(etas)).toMatch(ETA_TEXT);
});

test('the time left appears as a duration once the rate is steady, and shrinks', async ({ app }) => {
  const { page } = app;
  // 1,835,008 configurations (seven devices): long enough on any machine for the rate to settle; cancelled below.
  test.setTimeout(180_000);
  await page.getByTestId('nav-device').click();
  for (const id of ['stm32f746', 'esp32', 'stm32h743', 'esp32-s3', 'nrf52840', 'rp2040']) await page.getByTestId(`device-${id}`).check();
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-channels-conv1').fill('1:256');
  await page.getByTestId('dim-channels-conv2').fill('1:256');
  for (const p of ['fp16', 'int4']) await page.getByTestId(`dim-precision-${p}`).check();
  await expect(page.getByTestId('config-count')).toHaveText('1,835,008');
  await page.getByTestId('session-name').fill('long');
  await page.getByTestId('run-sweep').click();
  const eta = page.getByTestId('eta');
  await expect(eta).toHaveText('estimating…');
  // A duration appears…
  await expect(eta).toHaveText(/^(< 1 s|\d+ s|\d+ min) left$/, { timeout: 60_000 });
  const first = secondsOf((await eta.textContent()) ?? '') as number;
  expect(first).toBeGreaterThan(0);
  // …and goes down as the run goes on (whatever the machine's speed, it says less time left later).
  await expect
    .poll(async () => secondsOf((await eta.textContent().catch(() => '')) ?? '') ?? Infinity, { timeout: 60_000, intervals: [200] })
    .toBeLessThan(first);
  await page.getByTestId('cancel').click();
  await expect(page.getByTestId('progress')).toHaveCount(0, { timeout: 30_000 });
});
