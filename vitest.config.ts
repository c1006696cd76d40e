import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // No test writes to the user's own database: a command that falls back to the default database (an evaluation's
    // cache, a sweep without --db) finds it in a folder of this run's own.
    env: { XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'frontier-test-data-')) },
  },
});
