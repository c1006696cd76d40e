// The importers under seeded, mutated and truncated files of every format (see harness.ts; 1,120 in `npm test`, at
// least 10,000 in `npm run soak`): each
// imports with every figure finite and exact, or is refused naming the file. None crashes, hangs (a time bound per
// case) or takes more memory than the worker's heap (a bound per case: the worker dies naming the case).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { CASE_TIMEOUT_MS, CASES_PER_FORMAT, FUZZ_SEED, MAX_EXTERNAL_BYTES, SOAK, WORKER_HEAP_MB } from './settings';
import { loadFormats } from './harness';
import type { FuzzMessage, FuzzTask } from './worker';

interface Case {
  format: string;
  index: number;
}

interface Tally {
  imported: number;
  refused: number;
  maxMs: number;
}

/** Runs `cases` in one worker; a worker that hangs or dies is replaced and the rest of its cases go on. */
async function runWorker(cases: Case[], failures: string[], tallies: Map<string, Tally>): Promise<void> {
  let rest = cases;
  while (rest.length > 0) {
    rest = await new Promise<Case[]>((resolve) => {
      const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      });
      let current: Case | null = null;
      let done = 0;
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const remaining = (): Case[] => rest.slice(done + (current ? 1 : 0));
      const stop = (why: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (current) failures.push(`${current.format} case ${current.index}: ${why}`);
        void worker.terminate();
        resolve(remaining());
      };
      worker.on('message', (message: FuzzMessage) => {
        if (message.type === 'start') {
          current = { format: message.format, index: message.index };
          timer = setTimeout(() => stop(`no answer after ${CASE_TIMEOUT_MS} ms (a hang)`), CASE_TIMEOUT_MS);
        } else if (message.type === 'done') {
          clearTimeout(timer);
          const tally = tallies.get(message.format) as Tally;
          const { outcome } = message;
          if (outcome.kind === 'imported') tally.imported++;
          else if (outcome.kind === 'refused') tally.refused++;
          else failures.push(`${message.format} case ${message.index}: ${outcome.kind}: ${outcome.message}`);
          if (message.externalBytes > MAX_EXTERNAL_BYTES) {
            failures.push(`${message.format} case ${message.index}: ${message.externalBytes} bytes still held outside the heap`);
          }
          tally.maxMs = Math.max(tally.maxMs, message.ms);
          current = null;
          done++;
        } else {
          settled = true;
          void worker.terminate();
          resolve([]);
        }
      });
      worker.on('error', (error) => stop(`the worker died: ${error.message}`));
      worker.on('exit', (code) => stop(`the worker exited (${code})`));
      worker.postMessage({ cases: rest, baseSeed: FUZZ_SEED } satisfies FuzzTask);
    });
  }
}

describe('fuzzing the importers', () => {
  it(`${CASES_PER_FORMAT.toLocaleString('en-US')} seeded cases per format: no crash, no hang, no absurd success`, { timeout: 300_000 }, async () => {
    const formats = await loadFormats();
    const names = formats.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['frontier-model', 'keras-archive', 'keras-h5', 'keras-json', 'onnx', 'tflite', 'tfjs']));
    const cases: Case[] = [];
    for (let index = 0; index < CASES_PER_FORMAT; index++) for (const format of names) cases.push({ format, index });
    expect(cases.length).toBe(CASES_PER_FORMAT * 7);
    if (SOAK) expect(cases.length).toBeGreaterThanOrEqual(10_000);

    const workers = Math.max(1, Math.min(2, availableParallelism()));
    const slices = Array.from({ length: workers }, (_, w) => cases.filter((_, i) => i % workers === w));
    const failures: string[] = [];
    const tallies = new Map(names.map((n) => [n, { imported: 0, refused: 0, maxMs: 0 }]));
    const started = performance.now();
    await Promise.all(slices.map((slice) => runWorker(slice, failures, tallies)));

    console.log(
      `fuzz: ${cases.length} cases in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${FUZZ_SEED}); ` +
        [...tallies].map(([n, t]) => `${n}: ${t.imported} imported, ${t.refused} refused, slowest ${t.maxMs.toFixed(0)} ms`).join('; '),
    );
    expect(failures.slice(0, 20), `${failures.length} failures (reproduce with npx tsx test/fuzz/reproduce.ts <format> <case>)`).toEqual([]);
    for (const [name, t] of tallies) {
      expect(t.imported + t.refused, name).toBe(CASES_PER_FORMAT);
      // Not degenerate: mutations still reach the importers' own checks, and some files still import.
      expect(t.imported, `${name}: some cases import`).toBeGreaterThan(CASES_PER_FORMAT / 200);
      expect(t.refused, `${name}: some cases are refused`).toBeGreaterThan(CASES_PER_FORMAT / 10);
    }
  });
});
