// `npm run bench`: the sweep's speed and memory on this machine, printed, then one JSON line.
//   configsPerSecond1 / configsPerSecondAll — analysis throughput of the worker pool (1 worker, all workers)
//   sweep1mS     — a 1,048,576-configuration sweep of exam-cnn analysed, stored in SQLite and Pareto-flagged
//   rawInsert1mS — inserting the same rows with a plain better-sqlite3 prepared statement, for comparison
//   pareto1mS    — the 3-objective front of those 1,048,576 points
//   peakRssBytes — peak resident memory of the process (workers included: they are threads)
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { paretoFlags } from '../src/shared/pareto';
import { BatchAnalyser, type ResultColumns } from '../src/shared/sweep/batch';
import { mulberry32 } from '../src/shared/sweep/space';
import { defaultSpec } from '../src/shared/sweep/specFile';
import type { SweepSpec } from '../src/shared/sweep/types';
import { prepareSweep } from '../src/main/services/sweepJob';
import { runSweep } from '../src/main/services/sweeps';
import { openDatabase, SessionStore } from '../src/main/store';
import { runPool } from '../src/main/sweep/pool';

const spec: SweepSpec = {
  ...defaultSpec('exam-cnn'),
  devices: ['exam-mcu', 'stm32f746', 'stm32h743', 'esp32-s3'],
  channels: { conv1: ['1:256'], conv2: ['1:256'] },
  precisions: ['fp32', 'fp16', 'int8', 'int4'],
  accuracy: { kind: 'penalties', metric: 'accuracy', base: 0.93, penalties: { pruned: 0.05, int8: 0.03, fp16: 0.005, int4: 0.08 } },
  clients: [{ name: 'client1', deadlineS: 0.2 }],
};

const seconds = (start: number): number => (performance.now() - start) / 1000;
const dir = mkdtempSync(join(tmpdir(), 'frontier-bench-'));
const log = (text: string): void => console.log(text);

async function throughput(workers: number, count: number): Promise<number> {
  const prepared = await prepareSweep(spec);
  const start = performance.now();
  await runPool(prepared.job, [{ start: 0, end: count }], { workers, batchSize: 16384, onResult: () => undefined });
  return count / seconds(start);
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  log(`Frontier bench: ${cores} cores, Node ${process.version}`);
  const sample = 1_048_576;
  const perSecond1 = await throughput(1, sample);
  log(`analysis, 1 worker:        ${Math.round(perSecond1).toLocaleString('en-US')} configurations/s (${sample.toLocaleString('en-US')} configurations)`);
  const perSecondAll = await throughput(cores, sample);
  log(`analysis, ${cores} workers:       ${Math.round(perSecondAll).toLocaleString('en-US')} configurations/s`);

  const sweepDb = openDatabase(join(dir, 'sweep.db'));
  const store = new SessionStore(sweepDb);
  let start = performance.now();
  const summary = await runSweep(store, spec, { name: 'bench', batchSize: 16384 });
  const sweep1mS = seconds(start);
  log(
    `sweep of ${summary.total.toLocaleString('en-US')} configurations (analysed, stored, Pareto-flagged): ${sweep1mS.toFixed(2)} s ` +
      `(${summary.feasible.toLocaleString('en-US')} feasible, ${summary.pareto.length} on the 3-D front)`,
  );

  // The same rows, computed in this thread (not timed), then inserted with the plainest better-sqlite3 loop.
  const prepared = await prepareSweep(spec);
  const columns: ResultColumns = new BatchAnalyser(prepared.job).run(0, prepared.space.total);
  const rawDb = openDatabase(join(dir, 'raw.db'));
  const rawStore = new SessionStore(rawDb);
  const sessionId = rawStore.createSession({
    name: 'raw',
    modelId: rawStore.upsertModel(prepared.graph),
    spec,
    total: prepared.space.total,
    deviceIds: prepared.devices.map((d) => rawStore.upsertDevice(d)),
  });
  const insert = rawDb.prepare(
    `INSERT INTO results (session_id, idx, status, params, param_bytes, peak_bytes, total_bytes, sram_bytes, macs,
       latency_s, accuracy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const nullable = (x: number): number | null => (Number.isNaN(x) ? null : x);
  start = performance.now();
  rawDb.transaction(() => {
    for (let k = 0; k < columns.idx.length; k++) {
      insert.run(sessionId, columns.idx[k], columns.status[k], columns.params[k], columns.paramBytes[k],
        columns.peakActivationBytes[k], columns.totalBytes[k], columns.sramBytes[k], columns.macs[k],
        nullable(columns.latencyS[k]), nullable(columns.accuracy[k]));
    }
  })();
  const rawInsert1mS = seconds(start);
  log(`raw insert of the same ${columns.idx.length.toLocaleString('en-US')} rows:  ${rawInsert1mS.toFixed(2)} s  (sweep / raw insert = ${(sweep1mS / rawInsert1mS).toFixed(2)}×)`);

  // The sweep's own points are mostly infeasible; the worst case is every point taking part, so time that too.
  const n = columns.idx.length;
  const feasible = new Uint8Array(n).fill(1);
  const runnable = Array.from(columns.latencyS, Number.isFinite).filter(Boolean).length;
  start = performance.now();
  let flags = paretoFlags({ accuracy: columns.accuracy, latency: columns.latencyS, memory: columns.totalBytes, feasible });
  log(`3-objective front of the sweep's ${runnable.toLocaleString('en-US')} runnable points (memory limits ignored): ${seconds(start).toFixed(3)} s, ${flags.filter((f) => f & 1).length} on it`);
  const random = mulberry32(42);
  const accuracy = Float64Array.from({ length: n }, () => Math.round(random() * 1000) / 1000);
  const latency = Float64Array.from({ length: n }, () => random());
  const memory = Float64Array.from({ length: n }, () => Math.floor(random() * 1e6));
  start = performance.now();
  flags = paretoFlags({ accuracy, latency, memory, feasible });
  const pareto1mS = seconds(start);
  log(`3-objective front of ${n.toLocaleString('en-US')} random feasible points: ${pareto1mS.toFixed(3)} s, ${flags.filter((f) => f & 1).length} on it`);

  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  log(`peak RSS: ${(peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
  sweepDb.close();
  rawDb.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      configsPerSecond1: Math.round(perSecond1),
      configsPerSecondAll: Math.round(perSecondAll),
      sweep1mS: Number(sweep1mS.toFixed(3)),
      rawInsert1mS: Number(rawInsert1mS.toFixed(3)),
      pareto1mS: Number(pareto1mS.toFixed(3)),
      peakRssBytes,
    }),
  );
}

await main();
