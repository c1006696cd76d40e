// A newcomer's first page load: nothing the page asks for is missing (the favicon included), and the sample
// project is the worked example, ready to Run.
import { expect, test } from './fixtures';

test('the first page load asks for nothing that is missing', async ({ app }) => {
  test.skip(app.url === undefined, 'the Electron shell loads files, not HTTP');
  const { page } = app;
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  page.on('requestfailed', (request) => {
    // A request the reload itself cut short is no failure of the app.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') failed.push(`failed ${new URL(request.url()).pathname}`);
  });
  await app.reload();
  await expect(page.getByTestId('total-params')).toHaveText('91,203');
  // The icon is served (browsers ask for it once the page has loaded).
  const icon = await page.evaluate(async () => {
    const href = document.querySelector('link[rel="icon"]')?.getAttribute('href');
    if (!href) return null;
    const response = await fetch(new URL(href, location.href));
    return { status: response.status, type: response.headers.get('Content-Type') };
  });
  expect(icon).toEqual({ status: 200, type: 'image/svg+xml' });
  await page.waitForTimeout(500);
  expect(failed).toEqual([]);
  await page.getByTestId('nav-sweep').click();
  await expect(page.getByTestId('config-count')).toHaveText('8');
  await expect(page.getByTestId('run-sweep')).toBeEnabled();
});
