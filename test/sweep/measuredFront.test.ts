// After a sweep with measured accuracy, the front and the choices follow the measured values: a configuration the
// prediction put on the front, measured worse than a cheaper one, leaves it. The evaluations are stood in for here
// (the real ones are in test/cli/sweepMeasured.test.ts), so the figures are known exactly.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { RunConfiguration } from '../../src/main/engine/configure';

// conv1 kept at a half and a quarter: the sensitivity (at fp32) says −2 and −4 points; measured, the quarter loses 12
// at fp32 (the drops of a deeper cut and of the other techniques interact) but only 5 at int8.
const truth = (config: RunConfiguration): number => {
  const conv1 = config.channels?.conv1;
  if (config.precision === 'int8') return conv1 === 4 ? 0.8 : 0.84;
  return conv1 === 4 ? 0.78 : 0.87;
};
const evaluations: RunConfiguration[] = [];
/** The evaluation (counted from 1) that is cancelled, as Ctrl-C would; 0 for none. */
let cancelAt = 0;

vi.mock('../../src/main/sweep/measure', () => ({
  openMeasurer: async () => ({ metric: 'accuracy', source: 'stand-in', close: () => undefined }),
  runSensitivity: async () => ({
    metric: 'accuracy',
    base: { fp32: 0.9, int8: 0.85 },
    layers: [
      {
        layer: 'conv1',
        group: ['conv1'],
        points: [
          { channels: 8, fractionKept: 0.5, precision: 'fp32', value: 0.88 },
          { channels: 4, fractionKept: 0.25, precision: 'fp32', value: 0.86 },
        ],
      },
    ],
    precisions: [],
  }),
  runEvaluations: async (_m: unknown, configs: RunConfiguration[], onValue: (i: number, value: number) => void) => {
    for (const [i, config] of configs.entries()) {
      if (evaluations.length + 1 === cancelAt) {
        cancelAt = 0;
        const { EvaluationCancelled } = await import('../../src/main/engine/evaluate');
        throw new EvaluationCancelled();
      }
      evaluations.push(config);
      onValue(i, truth(config));
    }
  },
}));

const { resumeSweep, runSweep } = await import('../../src/main/services/sweeps');
const { SessionCache } = await import('../../src/main/services/sessionData');
const { openDatabase, SessionStore } = await import('../../src/main/store');
const { defaultSpec } = await import('../../src/shared/sweep/specFile');
const { EXAM_MCU } = await import('../../src/shared/devices');
const { examCnn } = await import('../../src/shared/presets');

const open: { close(): void }[] = [];
afterAll(() => open.forEach((db) => db.close()));

describe('verification recomputes the front', () => {
  it('a point predicted on the front, measured worse than a cheaper one, leaves it; the rest follow the refitted predictor', async () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'frontier-measured-')), 'f.db'));
    open.push(db);
    const store = new SessionStore(db);
    const spec = {
      ...defaultSpec('exam-cnn'),
      devices: ['exam-mcu'],
      prune: { conv1: ['0.5', '0.75'] },
      precisions: ['fp32', 'int8'],
      memoryModel: 'largest-tensor' as const,
      data: { path: 'stand-in.npy' },
      verify: 3,
      clients: [{ name: 'c', deadlineS: 10 }],
    };
    // The exam's MCU with room for the float model: every configuration feasible.
    const profiles = [{ ...EXAM_MCU, sramBytes: 8 * 1024 * 1024, flashBytes: 8 * 1024 * 1024 }];
    const summary = await runSweep(store, spec, { name: 's', workers: 1, graph: examCnn(), profiles });
    // Predicted: half 0.88 (fp32) / 0.83 (int8), quarter 0.86 / 0.81 — all four feasible and on the front. Verified,
    // front first by predicted accuracy, up to 3: half fp32, quarter fp32, half int8.
    expect(evaluations.map((c) => [c.precision, c.channels?.conv1])).toEqual([
      ['fp32', 8],
      ['fp32', 4],
      ['int8', 8],
    ]);
    const rows = store.readResults(store.getSession('s')!.id);
    const row = (precision: string, conv1: number) => rows[(conv1 === 8 ? 0 : 2) + (precision === 'int8' ? 1 : 0)];
    expect(rows.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    // Residuals (measured − predicted) −0.01, −0.08, +0.01: the additive predictor's leave-one-out error √(0.0066/3)
    // beats scaled (0.054) and multiplicative; quadratic needs 4 points. So quarter int8 stays predicted at 0.81.
    expect(summary.measuredAccuracy).toMatchObject({ form: 'additive', verified: 3 });
    expect(summary.measuredAccuracy?.looError).toBeCloseTo(Math.sqrt(0.0066 / 3), 12);
    const scaled = summary.measuredAccuracy?.candidates.find((c) => c.form === 'scaled');
    expect(scaled?.looError).toBeCloseTo(Math.sqrt((0.02 ** 2 + 0.08 ** 2 + 0.044 ** 2) / 3), 12);
    // Quarter fp32 was predicted 0.86, on the front; measured 0.78 it is below quarter int8 (0.81, cheaper): off.
    expect(row('fp32', 4)).toMatchObject({ accuracy: 0.78, accuracyMeasured: 0.78, accuracyPredicted: 0.86, flags: 0 });
    expect(summary.pareto.some((e) => e.idx === row('fp32', 4).idx)).toBe(false);
    // Not measured and predicted as during the sweep: the row is left as it was (its prediction is its accuracy).
    expect(row('int8', 4)).toMatchObject({ accuracy: 0.81 });
    expect(row('int8', 4).accuracyMeasured).toBeUndefined();
    expect(row('int8', 4).accuracyPredicted).toBeUndefined();
    const quarterInt8 = summary.pareto.find((e) => e.idx === row('int8', 4).idx)!;
    expect(quarterInt8.accuracyMeasured).toBeNull();
    const half = summary.measuredAccuracy!.bandHalfWidth!;
    expect(half).toBeCloseTo(1.2815515655446004 * Math.sqrt(0.0066 / 3), 12);
    expect(quarterInt8.accuracyBand!.low).toBeCloseTo(0.81 - half, 12);
    expect(quarterInt8.accuracyBand!.high).toBeCloseTo(0.81 + half, 12);
    // The client's choice: the measured half fp32.
    expect(summary.best.c).toMatchObject({ precision: 'fp32', accuracyMeasured: 0.87, accuracy: 0.87 });
    // The refitted model is the session's; the app's columns carry measured and predicted values.
    expect(store.getSession('s')!.spec.accuracy).toMatchObject({ kind: 'measured', form: 'additive', band: { points: 3 } });
    const columns = new SessionCache(store).columns('s');
    expect(Array.from(columns.accuracyMeasured!)).toEqual([0.87, 0.84, 0.78, NaN]);
    expect(Array.from(columns.accuracyPredicted!).map((x) => +x.toFixed(12))).toEqual([0.88, 0.83, 0.86, 0.81]);
    expect(columns.measuredAccuracy?.verified).toBe(3);

    // Resumed with a larger budget: the three measured values are read back, not run again; the fourth is run.
    const id = store.getSession('s')!.id;
    store.updateSpec(id, { ...store.getSession('s')!.spec, verify: 4 });
    store.finishSession(id, 'cancelled', { elapsedS: 0 });
    const resumed = await resumeSweep(store, 's', { workers: 1 });
    expect(evaluations).toHaveLength(4);
    expect(evaluations[3]).toMatchObject({ precision: 'int8', channels: { conv1: 4 } });
    expect(resumed.measuredAccuracy?.verified).toBe(4);
    expect(store.readResults(id).map((r) => r.accuracyMeasured)).toEqual([0.87, 0.84, 0.78, 0.8]);
  });

  it('a cancel while verifying keeps what was verified, marks the session cancelled, and a resume verifies the rest', async () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'frontier-measured-')), 'f.db'));
    open.push(db);
    const store = new SessionStore(db);
    evaluations.length = 0;
    cancelAt = 2;
    const spec = {
      ...defaultSpec('exam-cnn'),
      devices: ['exam-mcu'],
      prune: { conv1: ['0.5', '0.75'] },
      precisions: ['fp32', 'int8'],
      memoryModel: 'largest-tensor' as const,
      data: { path: 'stand-in.npy' },
      verify: 3,
    };
    const profiles = [{ ...EXAM_MCU, sramBytes: 8 * 1024 * 1024, flashBytes: 8 * 1024 * 1024 }];
    const stopped = await runSweep(store, spec, { name: 'c', workers: 1, graph: examCnn(), profiles });
    expect(stopped.status).toBe('cancelled');
    expect(stopped.measuredAccuracy?.verified).toBe(1);
    expect(store.readResults(store.getSession('c')!.id).map((r) => r.accuracyMeasured)).toEqual([0.87, undefined, undefined, undefined]);
    const resumed = await resumeSweep(store, 'c', { workers: 1 });
    expect(resumed.status).toBe('complete');
    expect(evaluations.map((c) => [c.precision, c.channels?.conv1])).toEqual([
      ['fp32', 8],
      ['fp32', 4],
      ['int8', 8],
    ]);
    expect(resumed.measuredAccuracy?.verified).toBe(3);
  });
});
