// `frontier export SESSION --format tflite|onnx`: a stored configuration as its model file, built from the session's
// model and weights; called in-process through the CLI's main(), on a temporary database.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/shared/engine/npy';
import { cli, cliJson, root } from './run';

// The CLI in this process (test/cli/run.ts).
const frontier = cli;
const json = cliJson;

type Figures = { params: number; paramBytes: number; macs: number; filePrecision?: string };
const isTflite = (bytes: Buffer): boolean => bytes.subarray(4, 8).toString('latin1') === 'TFL3';

const dir = mkdtempSync(join(tmpdir(), 'frontier-export-model-'));
const db = join(dir, 'frontier.db');
// A copy of the small exam CNN (.h5, float weights), so that the test can take it away later.
const model = join(dir, 'exam-small.h5');
copyFileSync(join(root, 'test', 'fixtures', 'h5', 'exam-cnn-small.h5'), model);
const data = join(dir, 'calibration.npy');
writeFileSync(data, writeNpy({ dtype: 'float32', shape: [4, 128, 128, 1], data: Float32Array.from({ length: 4 * 128 * 128 }, (_, i) => Math.sin(i / 7)) }));
// Configurations: conv1 2 or 4 channels × fp32, int8 (idx 0: 2/fp32, 1: 2/int8, 2: 4/fp32, 3: 4/int8).
const sweep = ['sweep', model, '--device', 'exam-mcu', '--channels', 'conv1=2,4', '--precision', 'fp32,int8', '--deadline', 'client1=10', '--db', db];

describe('frontier export --format tflite|onnx', async () => {
  expect((await frontier([...sweep, '--session', 'plain'])).code).toBe(0);

  it("writes a client's choice as a .tflite that re-imports with the session's figures", async () => {
    const chosen = JSON.parse((await frontier(['export', 'plain', '--format', 'json', '--best', 'client1', '--db', db])).stdout) as {
      configurations: (Figures & { precision: string })[];
    };
    const best = chosen.configurations[0];
    const out = join(dir, 'best.tflite');
    // Without an accuracy model the fastest configuration is client1's choice: int8, calibrated on the data.
    expect(best.precision).toBe('int8');
    const r = await frontier(['export', 'plain', '--best', 'client1', '--format', 'tflite', '--out', out, '--calibration-data', data, '--db', db]);
    expect(r.stderr).toMatch(/wrote the tflite file of session plain, client client1's choice \(configuration #\d\) \(\w+, [\d,]+ B\) to /);
    expect(r.code).toBe(0);
    const bytes = readFileSync(out);
    expect(isTflite(bytes)).toBe(true);
    const back = await json<Figures>(['analyze', out]);
    expect(back.params).toBe(best.params);
    expect(back.macs).toBe(best.macs);
  });

  it('writes a stored fp32 configuration as .onnx with the figures of that configuration', async () => {
    const out = join(dir, 'c2.onnx');
    expect((await frontier(['export', 'plain', '--config', '2', '--format', 'onnx', '--out', out, '--db', db])).code).toBe(0);
    const back = await json<Figures>(['analyze', out]);
    const source = await json<Figures>(['analyze', model, '--channels', 'conv1=4']);
    expect({ params: back.params, paramBytes: back.paramBytes, macs: back.macs }).toEqual({ params: source.params, paramBytes: source.paramBytes, macs: source.macs });
  });

  it('refuses an int8 configuration of a float model without calibration data, naming the flag; writes it with --calibration-data', async () => {
    const out = join(dir, 'c1.tflite');
    const refused = await frontier(['export', 'plain', '--config', '1', '--format', 'tflite', '--out', out, '--db', db]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--calibration-data');
    expect(refused.stderr).toContain('int8');
    expect(existsSync(out)).toBe(false);
    const r = await frontier(['export', 'plain', '--config', '1', '--format', 'tflite', '--out', out, '--calibration-data', data, '--db', db]);
    expect(r.stderr).toContain('note: calibrated on 4 samples');
    expect(r.code).toBe(0);
    const back = await json<Figures>(['analyze', out]);
    expect(back.filePrecision).toBe('int8');
    const source = await json<Figures>(['analyze', model, '--channels', 'conv1=2', '--precision', 'int8', '--bias', 'int32']);
    expect(back.params).toBe(source.params);
    expect(back.paramBytes).toBe(source.paramBytes);
  });

  it('uses the calibration data the sweep was given (kept as an absolute path)', async () => {
    expect((await frontier([...sweep, '--session', 'calibrated', '--calibration-data', data])).code).toBe(0);
    const bundle = JSON.parse((await frontier(['export', 'calibrated', '--format', 'bundle', '--db', db])).stdout) as { spec: { calibrationData?: string; model: string } };
    expect(bundle.spec.calibrationData).toBe(data);
    expect(bundle.spec.model).toBe(model);
    const out = join(dir, 'c3.tflite');
    const r = await frontier(['export', 'calibrated', '--config', '3', '--format', 'tflite', '--out', out, '--db', db]);
    expect(r.code).toBe(0);
    expect(isTflite(readFileSync(out))).toBe(true);
  });

  it('usage: --out is needed, an existing file only with --force, --calibration-data only with a model format', async () => {
    expect((await frontier(['export', 'plain', '--config', '0', '--format', 'tflite', '--db', db])).stderr).toContain('give --out FILE.tflite');
    const existing = join(dir, 'existing.tflite');
    writeFileSync(existing, 'keep me');
    const kept = await frontier(['export', 'plain', '--config', '0', '--format', 'tflite', '--out', existing, '--db', db]);
    expect(kept.code).not.toBe(0);
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    expect((await frontier(['export', 'plain', '--config', '0', '--format', 'tflite', '--out', existing, '--force', '--db', db])).code).toBe(0);
    expect(isTflite(readFileSync(existing))).toBe(true);
    const csv = await frontier(['export', 'plain', '--format', 'csv', '--calibration-data', data, '--db', db]);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('--calibration-data goes with --format tflite|onnx');
    expect((await frontier(['export', 'plain', '--format', 'tflite', '--out', join(dir, 'x.tflite'), '--db', db])).stderr).toContain('give --best CLIENT or --config N');
  });

  it('a preset session: the file holds seeded random weights, and says so', async () => {
    const preset = ['sweep', 'exam-cnn', '--device', 'exam-mcu', '--channels', 'conv1=8', '--precision', 'fp32', '--db', db, '--session', 'preset'];
    expect((await frontier(preset)).code).toBe(0);
    const out = join(dir, 'preset.tflite');
    const r = await frontier(['export', 'preset', '--config', '0', '--format', 'tflite', '--out', out, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('seeded random weights');
    expect((await json<Figures>(['analyze', out])).params).toBe((await json<Figures>(['analyze', 'exam-cnn', '--channels', 'conv1=8'])).params);
  });

  it('an int8 file needs no calibration data: its pruned int8 configuration keeps the file\'s own scales', async () => {
    const hello = join(root, 'test', 'fixtures', 'tflite', 'hello_world_int8.tflite');
    const r0 = await frontier(['sweep', hello, '--device', 'exam-mcu', '--channels', 'dense=8,16', '--db', db, '--session', 'int8-file']);
    expect(r0.code).toBe(0);
    const out = join(dir, 'hello-8.tflite');
    const r = await frontier(['export', 'int8-file', '--config', '0', '--format', 'tflite', '--out', out, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('calibrated');
    const back = await json<Figures>(['analyze', out]);
    expect(back.filePrecision).toBe('int8');
    expect(back.params).toBe((await json<Figures>(['analyze', hello, '--channels', 'dense=8'])).params);
  });

  it('refuses, naming the path, when the model file is gone', async () => {
    renameSync(model, `${model}.moved`);
    try {
      const r = await frontier(['export', 'plain', '--config', '0', '--format', 'tflite', '--out', join(dir, 'gone.tflite'), '--db', db]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`its model file ${model} is not there any more`);
      expect(existsSync(join(dir, 'gone.tflite'))).toBe(false);
    } finally {
      renameSync(`${model}.moved`, model);
    }
  });
});
