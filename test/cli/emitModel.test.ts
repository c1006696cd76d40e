// `--emit tflite` on analyze and infer, as a user runs it: the configuration's model file, re-read by Frontier with
// the same figures and outputs; the targets checked like every file Frontier writes.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from '../../src/shared/engine/npy';
import { cli, cliJson, root } from './run';

const personDetect = join(root, 'test', 'fixtures', 'tflite', 'person_detect.tflite');
const examH5 = join(root, 'test', 'fixtures', 'h5', 'exam-cnn-small.h5');
const golden = (name: string) => join(root, 'test', 'fixtures', 'golden', 'tflm', name);
const dir = mkdtempSync(join(tmpdir(), 'frontier-emit-'));

type Figures = { params: number; paramBytes: number; macs: number; peakActivationBytes: number };
const figures = (r: Figures) => ({ params: r.params, paramBytes: r.paramBytes, macs: r.macs, peakActivationBytes: r.peakActivationBytes });

describe('frontier analyze --emit tflite', () => {
  it('person_detect pruned: the file analyses as the configuration did, under the arena model', async () => {
    const out = join(dir, 'pd-pruned.tflite');
    const config = ['--prune', '*=0.25'];
    const r = await cli(['analyze', personDetect, ...config, '--emit', 'tflite', '--out', out]);
    expect(r.stderr).toMatch(/wrote the tflite file of person_detect \(int8, [\d,]+ B\) to /);
    expect(r.code).toBe(0);
    const before = await cliJson<Figures>(['analyze', personDetect, ...config, '--memory', 'arena']);
    const after = await cliJson<Figures>(['analyze', out, '--memory', 'arena']);
    expect(figures(after)).toEqual(figures(before));
    expect(after.params).toBeLessThan(210_706);
  });

  it('an int8 configuration of a float model needs --calibration-data, and is written with it', async () => {
    const out = join(dir, 'exam-int8.tflite');
    const refused = await cli(['analyze', examH5, '--precision', 'int8', '--emit', 'tflite', '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--calibration-data');
    expect(existsSync(out)).toBe(false);
    const data = join(dir, 'calibration.npy');
    writeFileSync(data, writeNpy({ dtype: 'float32', shape: [4, 128, 128, 1], data: Float32Array.from({ length: 4 * 128 * 128 }, (_, i) => Math.sin(i / 7)) }));
    const r = await cli(['analyze', examH5, '--precision', 'int8', '--calibration-data', data, '--emit', 'tflite', '--out', out]);
    expect(r.stderr).toContain('note: calibrated on 4 samples: ');
    expect(r.code).toBe(0);
    const back = await cliJson<Figures & { filePrecision: string }>(['analyze', out]);
    expect(back.filePrecision).toBe('int8');
    expect(figures(back)).toEqual(figures(await cliJson<Figures>(['analyze', examH5, '--precision', 'int8', '--bias', 'int32'])));
  });

  it('refuses a model file without --out, a preset (no weights), an existing file without --force, and --calibration-data alone', async () => {
    expect((await cli(['analyze', personDetect, '--emit', 'tflite'])).code).toBe(2);
    expect((await cli(['analyze', personDetect, '--emit', 'onnx'])).code).toBe(2);
    const preset = await cli(['analyze', 'exam-cnn', '--emit', 'tflite', '--out', join(dir, 'preset.tflite')]);
    expect(preset.code).toBe(1);
    expect(preset.stderr).toContain('preset');
    const existing = join(dir, 'existing.tflite');
    writeFileSync(existing, 'keep me');
    const r = await cli(['analyze', personDetect, '--emit', 'tflite', '--out', existing]);
    expect(r.code).not.toBe(0);
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    expect((await cli(['analyze', personDetect, '--emit', 'tflite', '--out', existing, '--force'])).code).toBe(0);
    expect((await cli(['analyze', personDetect, '--calibration-data', existing])).code).toBe(2);
  });
});

describe('frontier infer --emit tflite', () => {
  it("writes the configuration it ran; infer on that file gives the same outputs (person_detect: TFLM's)", async () => {
    const model = join(dir, 'pd.tflite');
    const y1 = join(dir, 'y1.npy');
    const r = await cli(['infer', personDetect, '--input', golden('person_detect.inputs.npy'), '--out', y1, '--raw', '--emit', 'tflite', '--out', model]);
    expect(r.code).toBe(0);
    const y2 = join(dir, 'y2.npy');
    expect((await cli(['infer', model, '--input', golden('person_detect.inputs.npy'), '--out', y2, '--raw'])).code).toBe(0);
    const expected = Array.from(parseNpy(readFileSync(golden('person_detect.outputs.npy')), 'golden').data as Int8Array);
    expect(Array.from(parseNpy(readFileSync(y1), y1).data as Int8Array)).toEqual(expected);
    expect(Array.from(parseNpy(readFileSync(y2), y2).data as Int8Array)).toEqual(expected);
  });

  it('needs exactly one --out ending in the format', async () => {
    const r = await cli(['infer', personDetect, '--input', golden('person_detect.inputs.npy'), '--out', join(dir, 'y.npy'), '--emit', 'tflite']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--emit tflite needs one --out FILE.tflite');
  });
});
