// `frontier sweep --data … --verify N` on the Fashion-MNIST CNN and 300 test images, in-process: the sensitivity
// first, the front and the choices verified, each measured value what `frontier evaluate` gives for the same
// configuration; `show --json` and the CSV carry measured, predicted and band; a session without data reads as before.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from '../../src/shared/engine/npy';
import type { ResultEntry, SweepSummary } from '../../src/shared/sweep/summary';
import { cli, root } from './run';

const fashion = (name: string): string => join(root, 'test', 'fixtures', 'fashion', name);
const dir = mkdtempSync(join(tmpdir(), 'frontier-measured-'));
const N = 300;

/** The first N test images and labels, as their own files. */
function subset(): { x: string; y: string } {
  const images = parseNpy(readFileSync(fashion('test-images-1000.npy')), 'images');
  const labels = parseNpy(readFileSync(fashion('test-labels-1000.npy')), 'labels');
  const x = join(dir, 'x.npy');
  const y = join(dir, 'y.npy');
  const per = images.shape.slice(1).reduce((a, b) => a * b, 1);
  writeFileSync(x, writeNpy({ ...images, shape: [N, ...images.shape.slice(1)], data: (images.data as Uint8Array).subarray(0, N * per) } as typeof images));
  writeFileSync(y, writeNpy({ ...labels, shape: [N], data: (labels.data as Uint8Array).subarray(0, N) } as typeof labels));
  return { x, y };
}

/** `frontier argv…` in this process (test/cli/run.ts), its output as `out` and `err`. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await cli(argv);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

async function json<T>(argv: string[]): Promise<T> {
  const r = await run([...argv, '--json']);
  if (r.code !== 0) throw new Error(`frontier ${argv.join(' ')} exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as T;
}

const { x, y } = subset();
const db = join(dir, 'f.db');
const data = ['--data', x, '--labels', y, '--input-scale', '0..1'];
const space = ['--device', 'exam-mcu', '--prune', 'conv1=0,0.5,0.75', '--prune', 'conv2=0,0.5', '--precision', 'fp32,int8', '--deadline', 'a=0.05'];

describe('frontier sweep --data --verify', () => {
  it('measures the front and the choices; each measured value is what evaluate gives; show and the CSV carry them', { timeout: 120_000 }, async () => {
    const swept = await run(['sweep', fashion('cnn.onnx'), ...space, ...data, '--verify', '3', '--db', db, '--session', 'm', '--workers', '1', '--json']);
    expect(swept.code).toBe(0);
    expect((JSON.parse(swept.out) as SweepSummary).total).toBe(12);
    // Each phase is named as it starts.
    expect(swept.err).toMatch(/measuring the sensitivity[^]*sweeping with the predicted accuracy[^]*verifying the front/);
    const shown = await json<SweepSummary>(['show', 'm', '--db', db]);
    expect(shown.pareto.length).toBeGreaterThan(0);
    for (const row of shown.pareto) {
      expect(row).toHaveProperty('accuracyMeasured');
      expect(typeof row.accuracyPredicted).toBe('number');
      expect(row.accuracyBand).toEqual({ low: expect.any(Number), high: expect.any(Number) });
      expect(row.accuracy).toBe(row.accuracyMeasured ?? row.accuracyPredicted);
    }
    const measured = [...shown.pareto, ...Object.values(shown.best)].filter((e): e is ResultEntry => e !== null && e.accuracyMeasured !== null);
    expect(measured.length).toBeGreaterThan(0);
    expect(shown.measuredAccuracy?.verified).toBeLessThanOrEqual(3);
    expect(shown.measuredAccuracy?.verified).toBeGreaterThan(0);
    // Each measured value, again through `frontier evaluate` of the same configuration: exactly equal.
    for (const e of measured.slice(0, 2)) {
      const channels = Object.entries(e.channels).filter(([layer]) => layer !== '/dense/Gemm').map(([layer, n]) => `${layer}=${n}`);
      const evaluated = await json<{ metrics: { accuracy: number } }>([
        'evaluate', fashion('cnn.onnx'), ...data, '--channels', channels.join(','), '--precision', e.precision, '--agreement', 'none',
      ]);
      expect(evaluated.metrics.accuracy).toBe(e.accuracyMeasured);
    }
    // The table marks measured and predicted values; the summary states the predictor, its error, band and coverage.
    const table = await run(['show', 'm', '--db', db]);
    expect(table.out).toMatch(/\d+\.\d % measured/);
    expect(table.out).toMatch(/^accuracy: \d+ configurations? verified on the data; predictor (additive|scaled|quadratic|multiplicative) \(leave-one-out error \d+\.\d+ points\); band ±\d+\.\d+ points; /m);
    // The CSV: measured, predicted, band.
    const csvPath = join(dir, 'm.csv');
    expect((await run(['export', 'm', '--db', db, '--format', 'csv', '--out', csvPath])).code).toBe(0);
    const lines = readFileSync(csvPath, 'utf8').trimEnd().split('\n');
    const header = lines[0].split(',');
    expect(header.slice(-4)).toEqual(['accuracy_measured', 'accuracy_predicted', 'accuracy_band_low', 'accuracy_band_high']);
    const measuredCells = lines.slice(1).map((l) => l.split(',')).filter((cells) => cells[header.indexOf('accuracy_measured')] !== '');
    expect(measuredCells.length).toBeGreaterThanOrEqual(measured.length > 0 ? 1 : 0);
    for (const cells of measuredCells) expect(Number(cells[header.indexOf('accuracy')])).toBe(Number(cells[header.indexOf('accuracy_measured')]));
    // The JSON export of the front carries them too.
    const front = await run(['export', 'm', '--db', db, '--format', 'json', '--front']);
    const exported = (JSON.parse(front.out) as { configurations: ResultEntry[] }).configurations;
    expect(exported.map((e) => [e.idx, e.accuracyMeasured, e.accuracyPredicted, e.accuracyBand])).toEqual(
      shown.pareto.map((e) => [e.idx, e.accuracyMeasured, e.accuracyPredicted, e.accuracyBand]),
    );
    // A bundle carries them to another database.
    const bundle = join(dir, 'm.json');
    expect((await run(['export', 'm', '--db', db, '--format', 'bundle', '--out', bundle])).code).toBe(0);
    const other = join(dir, 'other.db');
    expect((await run(['import', bundle, '--db', other])).code).toBe(0);
    const imported = await json<SweepSummary>(['show', 'm', '--db', other]);
    const keys = (e: ResultEntry) => [e.idx, e.accuracy, e.accuracyMeasured, e.accuracyPredicted, e.accuracyBand];
    expect(imported.pareto.map(keys)).toEqual(shown.pareto.map(keys));
    expect(imported.measuredAccuracy).toEqual(shown.measuredAccuracy);
  });

  it("an int8 configuration's .tflite, calibrated as the session's evaluations were, gives the accuracy evaluate measures", { timeout: 120_000 }, async () => {
    const listed = await run(['export', 'm', '--db', db, '--format', 'json']);
    const all = (JSON.parse(listed.out) as { configurations: ResultEntry[] }).configurations;
    const chosen = all.find((e) => e.precision === 'int8' && e.channels['/conv1/Conv'] !== undefined && e.status === 'ok') ?? all.find((e) => e.precision === 'int8');
    expect(chosen).toBeDefined();
    const e = chosen as ResultEntry;
    const file = join(dir, 'int8.tflite');
    const exported = await run(['export', 'm', '--db', db, '--config', String(e.idx), '--format', 'tflite', '--out', file]);
    expect(exported.code, exported.err).toBe(0);
    expect(exported.err).toMatch(/calibrated as the session's evaluations were: a spread sample of /);
    const fromFile = await json<{ metrics: { accuracy: number }; precision: string }>(['evaluate', file, ...data, '--agreement', 'none', '--no-cache']);
    const channels = Object.entries(e.channels).filter(([layer]) => layer !== '/dense/Gemm').map(([layer, n]) => `${layer}=${n}`);
    const configured = await json<{ metrics: { accuracy: number } }>([
      'evaluate', fashion('cnn.onnx'), ...data, '--channels', channels.join(','), '--precision', 'int8', '--agreement', 'none', '--no-cache',
    ]);
    expect(fromFile.metrics.accuracy).toBe(configured.metrics.accuracy);
  });

  it('a session without data reads as before: the new keys null, the CSV without the new columns', { timeout: 60_000 }, async () => {
    await json<SweepSummary>(['sweep', fashion('cnn.onnx'), ...space, '--base-accuracy', '0.9', '--db', db, '--session', 'plain', '--workers', '1']);
    const shown = await json<SweepSummary>(['show', 'plain', '--db', db]);
    expect(shown.measuredAccuracy).toBeUndefined();
    for (const row of shown.pareto) expect([row.accuracyMeasured, row.accuracyPredicted, row.accuracyBand]).toEqual([null, null, null]);
    const csvPath = join(dir, 'plain.csv');
    expect((await run(['export', 'plain', '--db', db, '--format', 'csv', '--out', csvPath])).code).toBe(0);
    expect(readFileSync(csvPath, 'utf8').split('\n')[0].endsWith(',message')).toBe(true);
  });

  it('refuses --verify without --data, and --data with a typed accuracy model', async () => {
    expect(await run(['sweep', fashion('cnn.onnx'), ...space, '--verify', '3', '--db', db])).toMatchObject({ code: 2, err: expect.stringMatching(/--verify needs --data/) });
    expect(await run(['sweep', fashion('cnn.onnx'), ...space, ...data, '--base-accuracy', '0.9', '--db', db])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--data measures the accuracy/),
    });
  });
});
