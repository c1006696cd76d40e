// The web host refuses a request without the token and one with a foreign Host header.
import { request as httpRequest } from 'node:http';
import { expect, test } from './fixtures';

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('token and Host checks', async ({ app }) => {
  test.skip(app.port === undefined, 'the Electron shell has no web host');
  const port = app.port as number;
  const token = app.token as string;
  expect(await get(port, '/')).toBe(401);
  expect(await get(port, '/api/events')).toBe(401);
  expect(await get(port, `/?token=${token}`)).toBe(200);
  expect(await get(port, `/?token=${token}`, { Host: `evil.example:${port}` })).toBe(403);
  expect(await get(port, `/?token=${token}`, { Origin: 'http://evil.example' })).toBe(403);
  // The page itself, loaded with the token, works.
  await expect(app.page.getByTestId('nav-model')).toBeVisible();
});
