import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time even on a 2-core machine (vitest's default there is one): the suite takes about 3 min
    // instead of 4.5 idle, and on a machine busy with another process it still gets its share of both cores.
    maxWorkers: 2,
    // No test writes to the user's own database: a command that falls back to the default database (an evaluation's
    // cache, a sweep without --db) finds it in a folder of this run's own.
    env: { XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'frontier-test-data-')) },
  },
});
