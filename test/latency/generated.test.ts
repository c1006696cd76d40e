// The built-in runtimes are what the public data gives: fitting again reproduces runtimes.generated.ts exactly, and
// the validation inside the fit meets the targets (53 groups, 212 leave-one-out predictions).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fittedDataFrom } from '../../src/shared/latency/generate';
import { findPreset } from '../../src/shared/presets';

const root = join(import.meta.dirname, '..', '..');

describe('runtimes.generated.ts', () => {
  it('is what scripts/fit-runtimes.ts makes of the data today, and the validation meets its targets', () => {
    const csv = readFileSync(join(root, 'data', 'mlperf-tiny', 'mlperf_tiny_latency.csv'), 'utf8');
    const { text, validation } = fittedDataFrom(csv, (id) => findPreset(id)!.build());
    const current = readFileSync(join(root, 'src', 'shared', 'latency', 'runtimes.generated.ts'), 'utf8');
    expect(text === current, 'runtimes.generated.ts is out of date: run npm run fit:runtimes').toBe(true);
    expect(validation.groups).toBe(53);
    expect(validation.predictions).toBe(212);
    for (const figures of [validation.withRuntime, validation.withoutRuntime]) {
      expect(figures.medianAbsError).toBeLessThanOrEqual(0.15);
      expect(figures.within25).toBeGreaterThanOrEqual(0.75);
    }
    // The structure and the priors are what beat one MAC rate.
    expect(validation.withoutRuntime.medianAbsError).toBeLessThan(validation.baseline.medianAbsError);
  }, 120_000);
});
