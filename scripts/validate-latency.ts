// `npm run validate:latency`: leave-one-out over every complete closed-division group of the MLPerf Tiny data
// (data/mlperf-tiny/), with `frontier calibrate` semantics — calibrate on three reference models, predict the fourth,
// priors learned again without the group under test. Prints the table, the figures with each group's runtime
// named, without a runtime, and for the plain single-MAC-rate model, then one JSON line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPreset } from '../src/shared/presets';
import { parsePublicRows, BENCHMARK_PRESETS } from '../src/shared/latency/publicData';
import { validateLatency, type ValidationFigures } from '../src/shared/latency/validation';

const started = performance.now();
const csv = join(import.meta.dirname, '..', 'data', 'mlperf-tiny', 'mlperf_tiny_latency.csv');
const rows = parsePublicRows(readFileSync(csv, 'utf8'));
const graphs = Object.fromEntries(Object.values(BENCHMARK_PRESETS).map((id) => [id, findPreset(id)!.build()]));
const result = validateLatency(
  rows,
  graphs,
  (done, total, g) => process.stderr.write(`\r${done}/${total} groups (${g.key})`.padEnd(90)),
  { unseenStack: true },
);
process.stderr.write('\n');

const ms = (s: number): string => (s * 1000).toPrecision(4);
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
const header = ['group (round/submitter/system)', 'runtime', 'bench', 'measured ms', 'predicted ms', 'error', 'no runtime', 'error', 'one rate', 'error'];
const table = result.rows.map((r) => [
  r.group,
  r.runtime ?? '—',
  r.benchmark,
  ms(r.measuredS),
  ms(r.predictedS),
  pct(r.predictedS / r.measuredS - 1),
  ms(r.noRuntimeS),
  pct(r.noRuntimeS / r.measuredS - 1),
  ms(r.baselineS),
  pct(r.baselineS / r.measuredS - 1),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
const line = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(header));
for (const row of table) console.log(line(row));

const describe = (name: string, f: ValidationFigures): string =>
  `${name.padEnd(54)} median |error| ${(f.medianAbsError * 100).toFixed(1)} %, within ±25 %: ${(f.within25 * 100).toFixed(1)} %`;
console.log('');
console.log(`${result.groups} groups, ${result.predictions} predictions (calibrated on three reference models, the fourth predicted)`);
console.log(describe('runtime named (the group\'s stack)', result.withRuntime));
console.log(describe('no runtime named (board file: memory only)', result.withoutRuntime));
console.log(describe('  the group\'s whole stack left out of the priors', result.unseenStack!));
console.log(describe('baseline: one MAC rate (log least squares)', result.baseline));
console.log(describe('  one MAC rate as Σ latency ÷ Σ MACs', result.otherBaselines.ratioOfSums));
console.log(describe('  one MAC rate by least squares of latency', result.otherBaselines.linearLeastSquares));
console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
const round = (x: number): number => Number(x.toFixed(4));
console.log(
  JSON.stringify({
    groups: result.groups,
    predictions: result.predictions,
    medianAbsError: round(result.withRuntime.medianAbsError),
    within25: round(result.withRuntime.within25),
    baselineMedianAbsError: round(result.baseline.medianAbsError),
    baselineWithin25: round(result.baseline.within25),
    noRuntimeMedianAbsError: round(result.withoutRuntime.medianAbsError),
    noRuntimeWithin25: round(result.withoutRuntime.within25),
    unseenStackMedianAbsError: round(result.unseenStack!.medianAbsError),
    unseenStackWithin25: round(result.unseenStack!.within25),
  }),
);
