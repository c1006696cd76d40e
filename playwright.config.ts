import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS, findChromium } from './e2e/browser';

// The `web` project drives the real UI in Chromium through `frontier serve`; the `electron` project runs the same
// specs in the desktop shell where an Electron binary exists, and skips them (saying why) where it does not.
export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list'], ['./e2e/skip-reasons.ts']],
  outputDir: 'test-results',
  use: { viewport: { width: 1440, height: 960 }, actionTimeout: 15_000 },
  projects: [
    {
      name: 'web',
      use: { launchOptions: { executablePath: findChromium(), args: CHROMIUM_FLAGS } },
    },
    { name: 'electron' },
  ],
});
