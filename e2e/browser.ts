// Which Chromium the `web` project drives: an explicit path, Debian's package, or Playwright's own build.
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function findChromium(): string {
  const explicit = process.env.FRONTIER_CHROMIUM ?? process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`FRONTIER_CHROMIUM=${explicit}: no such file`);
    return explicit;
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // Playwright has no browser of its own installed.
  }
  throw new Error(
    'No Chromium found for the end-to-end tests. Install one: `apt-get install -y chromium` (Debian/Ubuntu), ' +
      'or `npx playwright install chromium`, or set FRONTIER_CHROMIUM=/path/to/chrome.',
  );
}

/** The Electron binary, when this machine has one (its download is not possible everywhere). */
export function electronBinary(): string | null {
  try {
    const pathFile = 'node_modules/electron/path.txt';
    if (!existsSync(pathFile)) return null;
    const { readFileSync } = require('node:fs') as typeof import('node:fs');
    const binary = `node_modules/electron/dist/${readFileSync(pathFile, 'utf8').trim()}`;
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}
