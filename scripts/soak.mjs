#!/usr/bin/env node
// `npm run soak`: the seeded tests at their long counts (FRONTIER_SOAK=1): the fuzz run of 11,200 damaged model
// files where `npm test` runs the first 1,120 of them. Extra arguments go to Vitest (`npm run soak -- test/fuzz`).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const files = process.argv.length > 2 ? process.argv.slice(2) : ['test/fuzz'];
const run = spawnSync(process.execPath, [vitest, 'run', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FRONTIER_SOAK: '1' },
});
process.exit(run.status ?? 1);
