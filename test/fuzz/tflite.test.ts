// Fuzz: thousands of seeded, mutated and truncated TensorFlow Lite files through the importer and the analysis.
// Each one imports with finite figures, or fails with a ModelError that names the file and the problem; none
// crashes, runs past a per-case time limit, or takes more memory than the worker's bound.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { FuzzMessage } from './tfliteWorker';

const SEED = 20240611;
const CASES = 3200;
/** A case still running after this long is a hang (an import takes milliseconds). */
const CASE_LIMIT_MS = 5000;
const HEAP_LIMIT_MB = 768;

interface Outcome {
  imported: number;
  refused: number;
  bad: string[];
  reasons: Map<string, number>;
}

function runFuzz(seed: number, count: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./tfliteWorker.mjs', import.meta.url), {
      workerData: { seed, count },
      resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB },
    });
    const outcome: Outcome = { imported: 0, refused: 0, bad: [], reasons: new Map() };
    let current: { name: string; since: number } | null = null;
    const watchdog = setInterval(() => {
      if (current && performance.now() - current.since > CASE_LIMIT_MS) {
        clearInterval(watchdog);
        void worker.terminate();
        reject(new Error(`${current.name} ran for more than ${CASE_LIMIT_MS} ms (seed ${seed})`));
      }
    }, 100);
    worker.on('message', (m: FuzzMessage) => {
      if (m.type === 'start') current = { name: m.name, since: performance.now() };
      else if (m.type === 'bad') outcome.bad.push(`${m.name}: ${m.problem}`);
      else if (m.type === 'done') {
        outcome[m.outcome]++;
        // Group refusals by the start of their message, for the summary.
        const reason = (m.message ?? '').replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N').slice(0, 90);
        if (m.outcome === 'refused') outcome.reasons.set(reason, (outcome.reasons.get(reason) ?? 0) + 1);
      } else if (m.type === 'end') {
        clearInterval(watchdog);
        void worker.terminate();
        resolve(outcome);
      }
    });
    worker.on('error', (err) => {
      clearInterval(watchdog);
      reject(new Error(`the worker died during ${current?.name ?? 'start-up'} (seed ${seed}): ${err.message}`));
    });
  });
}

describe('TensorFlow Lite fuzz', () => {
  it(`${CASES} seeded mutated and truncated files: each imports with finite figures or is refused naming the file`, async () => {
    const outcome = await runFuzz(SEED, CASES);
    const top = [...outcome.reasons].sort((a, b) => b[1] - a[1]).slice(0, 6);
    console.log(`fuzz: ${outcome.imported} imported, ${outcome.refused} refused; most common refusals:\n` + top.map(([r, n]) => `  ${n} × ${r}`).join('\n'));
    expect(outcome.bad).toEqual([]);
    expect(outcome.imported + outcome.refused).toBe(CASES);
    // Both paths are exercised: some damage leaves a valid model (a weight byte flipped), most does not.
    expect(outcome.imported).toBeGreaterThan(CASES / 20);
    expect(outcome.refused).toBeGreaterThan(CASES / 2);
  }, 120_000);
});
