// Fuzz: seeded, mutated and truncated Keras .h5 files through the importer and the analysis. Each one imports with
// finite figures, or fails with a ModelError that names the file and the problem; none crashes or runs long.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { parseModelBytes, loadHdf5 } from '../../src/main/import/loadModelFile';
import { h5FuzzCases, h5FuzzSeeds } from './h5Cases';

const SEED = 20261126;
const CASES = 2000;
/** An import takes milliseconds; a case this slow is a hang in the making. */
const CASE_LIMIT_MS = 2000;


beforeAll(loadHdf5);

describe('Keras .h5 fuzz', () => {
  it(`${CASES} seeded cases: imported with finite figures or refused naming the file`, async () => {
    const seeds = await h5FuzzSeeds();
    const bad: string[] = [];
    let imported = 0;
    let refused = 0;
    for (const c of h5FuzzCases(SEED, CASES, seeds)) {
      const start = performance.now();
      try {
        const r = analyze(parseModelBytes(Buffer.from(c.bytes), c.name));
        const figures = [r.params, r.paramBytes, r.macs, r.peakActivationBytes, r.totalBytes];
        if (!figures.every((f) => Number.isSafeInteger(f) && f >= 0)) bad.push(`${c.name}: figures ${figures.join(', ')}`);
        imported++;
      } catch (err) {
        const e = err as Error;
        if (e.name !== 'ModelError' || !e.message.startsWith(c.name)) bad.push(`${c.name}: ${e.name}: ${e.message.slice(0, 200)}`);
        refused++;
      }
      const ms = performance.now() - start;
      if (ms > CASE_LIMIT_MS) bad.push(`${c.name}: ${ms.toFixed(0)} ms`);
    }
    expect(bad).toEqual([]);
    expect(imported + refused).toBe(CASES);
    expect(refused).toBeGreaterThan(CASES / 10);
  }, 120_000);
});
