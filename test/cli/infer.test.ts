// `frontier infer` as a user runs it: .npy in, .npy out, figures on stderr or as JSON.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from '../../src/shared/engine/npy';
import { cli, cliJson, root } from './run';

const model = join(root, 'test', 'fixtures', 'tflite', 'person_detect.tflite');
const golden = (name: string) => join(root, 'test', 'fixtures', 'golden', 'tflm', name);
const dir = mkdtempSync(join(tmpdir(), 'frontier-infer-'));

describe('frontier infer', () => {
  it("writes TFLM's outputs for person_detect, raw int8, as numpy writes them", async () => {
    const out = join(dir, 'raw.npy');
    const r = await cli(['infer', model, '--input', golden('person_detect.inputs.npy'), '--out', out, '--raw']);
    expect(r.stderr).toMatch(/^10 samples in [\d.]+ s \([\d,]+ samples\/s\), INT8$/m);
    expect(r.code).toBe(0);
    const written = readFileSync(out);
    expect(written.subarray(0, 10).toString('latin1')).toBe('\x93NUMPY\x01\x00v\x00');
    expect(written.toString('latin1', 10, 128)).toContain("{'descr': '|i1', 'fortran_order': False, 'shape': (10, 2), }");
    const expected = parseNpy(readFileSync(golden('person_detect.outputs.npy')), 'golden');
    expect(Array.from(parseNpy(written, out).data as Int8Array)).toEqual(Array.from(expected.data as Int8Array));
  });

  it('dequantizes the outputs to float32 without --raw, and takes float32 input (quantized with the input scale)', async () => {
    const raw = parseNpy(readFileSync(golden('person_detect.inputs.npy')), 'in');
    // int8 codes as the real values they stand for: scale 0.00784313772, zero point −1
    const real = Float32Array.from(raw.data as Int8Array, (q) => 0.007843137718737125 * (q + 1));
    const input = join(dir, 'real.npy');
    writeFileSync(input, writeNpy({ dtype: 'float32', shape: raw.shape, data: real }));
    const out = join(dir, 'float.npy');
    expect((await cli(['infer', model, '--input', input, '--out', out])).code).toBe(0);
    const y = parseNpy(readFileSync(out), out);
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.data as Float32Array).slice(0, 4)).toEqual([15, 241, 185, 71].map((q) => Math.fround(q / 256)));
  });

  it('--json of a pruned int8 configuration reports the samples and the parameters analyze reports', async () => {
    const summary = await cliJson<{ samples: number; params: number; precision: string; outputShape: number[]; outputType: string }>([
      'infer', model, '--input', golden('person_detect.inputs.npy'), '--out', join(dir, 'pruned.npy'), '--prune', '*=0.5', '--raw',
    ]);
    const analysis = await cliJson<{ params: number }>(['analyze', model, '--prune', '*=0.5']);
    expect(summary).toMatchObject({ samples: 10, precision: 'int8', outputShape: [2], outputType: 'int8' });
    expect(summary.params).toBe(analysis.params);
    expect(summary.params).toBeLessThan(210_706);
  });

  it('says both shapes when the samples do not fit the input, and refuses a preset (no weights)', async () => {
    const input = join(dir, 'wrong.npy');
    writeFileSync(input, writeNpy({ dtype: 'int8', shape: [2, 32, 32, 3], data: new Int8Array(2 * 32 * 32 * 3) }));
    const r = await cli(['infer', model, '--input', input, '--out', join(dir, 'never.npy')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds an array of shape (2, 32, 32, 3); the model input');
    expect(r.stderr).toContain('takes N × (96, 96, 1)');
    const preset = await cli(['infer', 'exam-cnn', '--input', input, '--out', join(dir, 'never.npy')]);
    expect(preset.code).toBe(1);
    expect(preset.stderr).toContain('exam-cnn is a preset: an architecture without weights');
  });
});
