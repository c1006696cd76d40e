// `npm run fit:runtimes`: learns the built-in runtimes from the MLPerf Tiny data (data/mlperf-tiny/) and the
// catalog's published timings, and writes src/shared/latency/runtimes.generated.ts. Deterministic: running it again
// on the same data writes the same file (test/latency/generated.test.ts checks it is up to date).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPreset } from '../src/shared/presets';
import { fittedDataFrom } from '../src/shared/latency/generate';

const root = join(import.meta.dirname, '..');
const csv = readFileSync(join(root, 'data', 'mlperf-tiny', 'mlperf_tiny_latency.csv'), 'utf8');
const { text } = fittedDataFrom(csv, (id) => findPreset(id)!.build(), (done, total) => process.stderr.write(`\rvalidation ${done}/${total}`));
process.stderr.write('\n');
const out = join(root, 'src', 'shared', 'latency', 'runtimes.generated.ts');
writeFileSync(out, text);
console.log(`wrote ${out}`);
