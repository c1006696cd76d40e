// A session of 262,144 configurations stays smooth: no long freeze when the sweep ends or the session opens, the
// table sorts and filters (off the page's main thread) in the right order, and a reload is usable at once.
import { expect, test } from './fixtures';

test('a 262,144-configuration session: finish, open, sort, filter and reload without freezing', async ({ app }) => {
  const { page } = app;
  test.setTimeout(180_000);
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('dim-channels-conv1').fill('1:256');
  await page.getByTestId('dim-channels-conv2').fill('1:256');
  for (const p of ['fp16', 'int4']) await page.getByTestId(`dim-precision-${p}`).check();
  await expect(page.getByTestId('config-count')).toHaveText('262,144');
  await page.getByTestId('session-name').fill('large');
  await page.evaluate(() => {
    const w = window as unknown as { tasks: number[] };
    w.tasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.tasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  await page.getByTestId('run-sweep').click();
  await expect(page.getByTestId('results-title')).toHaveText('large', { timeout: 120_000 });
  const latency = page.getByTestId('pareto-plot-latency');
  await expect(latency).toHaveAttribute('data-session', 'large');
  await expect(page.getByTestId('pareto-plot-memory')).toHaveAttribute('data-session', 'large');
  const table = page.getByTestId('results-table');
  await expect(table).toHaveAttribute('data-session', 'large');
  await expect(page.getByTestId('row-count')).toHaveText('262,144 of 262,144 configurations');

  // Sort by latency, fastest first: the rows shown are in that order (unknown latencies last).
  await page.getByTestId('sort-latency').click();
  await expect(table).toHaveAttribute('data-order', 'latency:asc');
  const shown = async (): Promise<number[]> =>
    (await page.locator('[data-testid="result-row"] span:nth-child(5)').allTextContents()).map((t) =>
      t === '—' ? Infinity : Number.parseFloat(t) * (t.endsWith(' ms') ? 1e-3 : 1),
    );
  const fastest = await shown();
  expect(fastest.length).toBeGreaterThan(10);
  expect(fastest).toEqual([...fastest].sort((a, b) => a - b));
  await page.getByTestId('sort-latency').click();
  await expect(table).toHaveAttribute('data-order', 'latency:desc');
  const slowest = (await shown()).filter(Number.isFinite);
  expect(slowest).toEqual([...slowest].sort((a, b) => b - a));
  expect(slowest[0]).toBeGreaterThan(fastest[0]);

  // Filters: feasible only, then the front only (as many rows as front points are flagged).
  await page.getByTestId('filter-feasible').check();
  await expect(table).toHaveAttribute('data-order', 'latency:desc:feasible');
  const feasible = Number(((await page.getByTestId('row-count').textContent()) ?? '').split(' of ')[0].replace(/,/g, ''));
  expect(feasible).toBeGreaterThan(0);
  expect(feasible).toBeLessThan(262144);
  await expect(page.locator('[data-testid="result-row"]', { hasText: 'does not fit' })).toHaveCount(0);
  await page.getByTestId('filter-front').check();
  await expect(table).toHaveAttribute('data-order', 'latency:desc:feasible:front');
  await expect(page.locator('[data-testid="result-row"]').first()).toBeVisible();

  // Nothing froze the page: no task anywhere near the seconds it used to take (the speed itself is `bench:ui`'s).
  const tasks = await page.evaluate(() => (window as unknown as { tasks: number[] }).tasks);
  expect(Math.max(0, ...tasks), JSON.stringify(tasks)).toBeLessThan(750);

  // A reload is usable at once; the session's results follow.
  await app.reload();
  await expect(page.getByTestId('nav-model')).toBeVisible();
  await expect(page.getByText('Loading…')).toHaveCount(0, { timeout: 2_500 });
  await page.getByTestId('nav-results').click();
  await expect(page.getByTestId('results-title')).toHaveText('large');
  await expect(page.getByTestId('pareto-plot-latency')).toHaveAttribute('data-session', 'large');
});
