// Damaged and hostile ONNX files: each one imports or fails with a ModelError naming the file and the problem;
// none crashes (an internal TypeError or RangeError), hangs or succeeds absurdly (every figure finite).
// FUZZ_SEED and FUZZ_CASES reproduce or widen a run.
import { describe, expect, it } from 'vitest';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { analyze } from '../../src/shared/analysis/analyze';
import { ModelError } from '../../src/shared/model/types';
import { onnxFuzzCases, onnxSeedModels } from '../fuzz/onnxCases';
import { runOnZeros } from './ort';

const SEED = Number(process.env.FUZZ_SEED ?? 7);
const CASES = Number(process.env.FUZZ_CASES ?? 3000);
/** A case that takes this long is a hang, not a slow machine. */
const PER_CASE_LIMIT_MS = 5000;

function finiteFigures(value: unknown, path: string): string[] {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? [] : [`${path} = ${value}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => finiteFigures(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => finiteFigures(v, `${path}.${k}`));
  return [];
}

describe('ONNX fuzz', () => {
  it('starts from models ONNX Runtime runs', async () => {
    for (const seed of onnxSeedModels()) await runOnZeros(seed.bytes);
  });

  it(`${CASES} mutated and truncated files from seed ${SEED}`, () => {
    const outcomes = new Map<string, number>();
    const problems: string[] = [];
    for (const { name, bytes } of onnxFuzzCases(SEED, CASES)) {
      const started = performance.now();
      try {
        const graph = parseModelBytes(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name);
        // layer-io (the default) and arena (whose plan also gives the liveness bound).
        for (const memoryModel of ['layer-io', 'arena'] as const) {
          const report = analyze(graph, { memoryModel });
          const bad = finiteFigures(
            { params: report.params, paramBytes: report.paramBytes, macs: report.macs, peak: report.peakActivationBytes, layers: report.layers.map((l) => [l.params, l.macs, l.activationBytes, l.weightBytes]) },
            name,
          );
          if (bad.length > 0) problems.push(`${name}: absurd figures ${bad.slice(0, 3).join(', ')}`);
        }
        outcomes.set('imported', (outcomes.get('imported') ?? 0) + 1);
      } catch (err) {
        const cause = (err as { cause?: unknown }).cause;
        if (!(err instanceof ModelError) || (cause !== undefined && !(cause instanceof ModelError))) {
          problems.push(`${name}: crashed with ${(cause ?? err) instanceof Error ? ((cause ?? err) as Error).stack : String(cause ?? err)}`);
        } else if (!err.message.startsWith(`${name}: `) || err.message.length < name.length + 12) {
          problems.push(`${name}: an error that does not name the file and the problem: ${err.message}`);
        } else {
          // Analysis errors (a shape Frontier's layers refuse) are ModelErrors too, raised before any figure.
          const key = err.message.slice(name.length + 2).replace(/[0-9]+/g, 'N').slice(0, 40);
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        }
      }
      const took = performance.now() - started;
      if (took > PER_CASE_LIMIT_MS) problems.push(`${name}: took ${Math.round(took)} ms`);
    }
    expect(problems).toEqual([]);
    // The cases reach past the decoder: some import, and many fail for reasons beyond damaged protobuf.
    expect(outcomes.get('imported') ?? 0).toBeGreaterThan(CASES / 20);
    expect(outcomes.size).toBeGreaterThan(20);
  });
});
