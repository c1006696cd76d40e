// Cancel stops a large sweep at once: progress keeps arriving while it runs (so what the bar says is current), the
// button says it is cancelling, nothing more is analysed or stored after the click beyond what the sweep's own
// rate gives in a moment, and the partial session opens, marked cancelled.
import { expect, test } from './fixtures';

test('cancel a large sweep', async ({ app }) => {
  const { page } = app;
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-channels-conv1').fill('1:256');
  await page.getByTestId('dim-channels-conv2').fill('1:256');
  for (const p of ['fp16', 'int4']) await page.getByTestId(`dim-precision-${p}`).check();
  await expect(page.getByTestId('config-count')).toHaveText('262,144');
  await page.getByTestId('session-name').fill('stopped');
  // Progress as the page receives it.
  await page.evaluate(() => {
    const w = window as unknown as { updates: number[] };
    w.updates = [];
    new MutationObserver(() => w.updates.push(performance.now())).observe(document.body, {
      subtree: true,
      attributes: true,
      attributeFilter: ['data-elapsed'],
    });
  });
  await page.getByTestId('run-sweep').click();
  const progress = page.getByTestId('progress').first();
  // Cancel once 32,768 configurations are done, noting what the bar said then and the rate it showed.
  const atClick = await page.evaluate(
    () =>
      new Promise<{ done: number; rate: number; updates: number; spanMs: number }>((resolve) => {
        const tick = (): void => {
          const bar = document.querySelector('[data-testid="progress"]');
          const done = Number(bar?.getAttribute('aria-valuenow') ?? 0);
          if (done >= 32768) {
            const rate = Number((bar?.textContent ?? '').match(/([\d,]+)\/s/)?.[1].replace(/,/g, '') ?? 0);
            const updates = (window as unknown as { updates: number[] }).updates;
            (document.querySelector('[data-testid="cancel"]') as HTMLButtonElement).click();
            resolve({ done, rate, updates: updates.length, spanMs: updates.length > 1 ? updates[updates.length - 1] - updates[0] : 0 });
          } else requestAnimationFrame(tick);
        };
        tick();
      }),
  );
  await expect(page.getByTestId('cancel')).toHaveText(/Cancelling…|Cancel/);
  const notice = page.getByTestId('run-notice');
  await expect(notice).toContainText('Sweep stopped cancelled:');
  const kept = Number(/: ([\d,]+) of 262,144 configurations kept/.exec((await notice.textContent()) ?? '')?.[1].replace(/,/g, ''));
  // What was kept is what was done when Cancel was clicked, give or take what the sweep does in half a second.
  expect(kept).toBeLessThanOrEqual(atClick.done + Math.max(atClick.rate, 1) * 0.5 + 8192);
  expect(kept).toBeLessThan(262144);
  // Progress came often while it ran (every 100 ms from the web host; a bar updated a few times a second at least).
  expect(atClick.updates / Math.max(atClick.spanMs / 1000, 0.001), JSON.stringify(atClick)).toBeGreaterThan(2);

  // The bar and its Cancel are gone; the partial results open, marked cancelled, and nothing more is stored.
  await expect(progress).toHaveCount(0);
  await expect(page.getByTestId('cancel')).toHaveCount(0);
  await expect(page.getByTestId('session-status')).toContainText(`cancelled · ${kept.toLocaleString('en-US')} of 262,144 configurations`);
  expect(kept).toBeGreaterThan(0);
  await expect(page.getByTestId('pareto-plot-latency')).toHaveAttribute('data-session', 'stopped');
  const points = Number(await page.getByTestId('pareto-plot-latency').getAttribute('data-points'));
  expect(points).toBeGreaterThan(0);
  await page.waitForTimeout(1000);
  await page.getByTestId('nav-sessions').click();
  await expect(page.getByTestId('session-stopped')).toContainText(`${kept.toLocaleString('en-US')} of 262,144`);
  await expect(page.getByTestId('status-stopped')).toHaveText('cancelled');
});
