// Every test gets the real app with its own database: in the `web` project, `frontier serve` on a free loopback
// port driven by Chromium; in the `electron` project, the desktop shell (skipped where no Electron binary exists).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test as base, expect, type Page, type Browser } from '@playwright/test';
import { _electron } from '@playwright/test';
import { writeOutputFile } from '../src/main/files/writeFile';
import { protectedDatabases } from '../src/main/store/paths';
import { CHROMIUM_FLAGS, electronBinary, findChromium } from './browser';

export const root = join(import.meta.dirname, '..');
/** Screenshots go to an ignored folder, so a test run leaves the work tree as it was; `npm run screenshots` sets
 * FRONTIER_SCREENSHOTS=docs/screenshots to refresh the README's. */
export const screenshotDir = process.env.FRONTIER_SCREENSHOTS
  ? join(root, process.env.FRONTIER_SCREENSHOTS)
  : join(root, 'test-results', 'screenshots');

export interface App {
  page: Page;
  dbPath: string;
  /** Web host only: the URL (with token), its port and token. */
  url?: string;
  port?: number;
  token?: string;
  /** Reload the UI (the web page, or the Electron window). */
  reload(): Promise<void>;
}

async function startServer(dbPath: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'frontier.mjs'), 'serve', '--port', '0', '--db', dbPath], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`frontier serve did not print its URL: ${stderr}`)), 60_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`frontier serve exited ${code}: ${stderr}`)));
  });
  return { child, url };
}

export const test = base.extend<{ app: App }>({
  app: async ({ playwright }, use, testInfo) => {
    const dir = mkdtempSync(join(tmpdir(), 'frontier-e2e-'));
    const dbPath = join(dir, 'frontier.db');
    if (testInfo.project.name === 'electron') {
      const binary = electronBinary();
      test.skip(binary === null, 'no Electron binary on this machine (it cannot be downloaded here); the web project covers the UI');
      const app = await _electron.launch({
        executablePath: binary as string,
        args: [join(root, 'out', 'main', 'index.js')],
        env: { ...process.env, FRONTIER_DB: dbPath },
      });
      const page = await app.firstWindow();
      await use({ page, dbPath, reload: () => page.reload().then(() => undefined) });
      await app.close();
      return;
    }
    const { child, url } = await startServer(dbPath);
    const browser: Browser = await playwright.chromium.launch({ executablePath: findChromium(), args: CHROMIUM_FLAGS });
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1440, height: 960 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    await page.goto(url);
    const parsed = new URL(url);
    await use({
      page,
      dbPath,
      url,
      port: Number(parsed.port),
      token: parsed.searchParams.get('token') ?? '',
      reload: () => page.reload().then(() => undefined),
    });
    await context.close();
    await browser.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  },
});

export { expect };

/** A screenshot, written as every file Frontier writes is: through the guarded writer (replacing its old self only). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  const png = await page.screenshot({ fullPage: false });
  writeOutputFile(join(screenshotDir, `${name}.png`), png, { databases: protectedDatabases(), force: true, flag: 'screenshot' });
}

export const readText = (path: string): string => readFileSync(path, 'utf8');

/** Runs the sweep set up on the Sweep view under `name` and waits for its results. */
export async function runSweep(page: Page, name: string, options: { timeout?: number } = {}): Promise<void> {
  await page.getByTestId('nav-sweep').click();
  await page.getByTestId('session-name').fill(name);
  await expect(page.getByTestId('run-sweep')).toBeEnabled();
  await page.getByTestId('run-sweep').click();
  await expect(page.getByTestId('results-title')).toHaveText(name, { timeout: options.timeout ?? 60_000 });
  await expect(page.getByTestId('session-status')).toContainText(/complete|cancelled/, { timeout: options.timeout ?? 60_000 });
}

/** Calls a method of the web host directly (as any HTTP client could), returning the status and the parsed body. */
export async function callApi(app: App, method: string, params: unknown): Promise<{ status: number; body: { ok: boolean; error?: { message: string; kind: string }; result?: unknown } }> {
  const response = await fetch(`http://127.0.0.1:${app.port}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Frontier-Token': app.token ?? '' },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as never };
}
