// A sweep made in the app measures on data uploaded there: the files kept in the database are written to a
// temporary folder for the engine, the evaluation is what the same data by path gives, and closing removes them.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from '../../src/shared/engine/npy';
import { parseSweepSpec } from '../../src/shared/sweep/specFile';
import { openMeasurer, runEvaluations, type Measurer } from '../../src/main/sweep/measure';

/** One configuration's metric through the sweep's evaluation path. */
async function runEvaluation(m: Measurer, config: { precision: string }): Promise<number> {
  let value = NaN;
  await runEvaluations(m, [config], (_i, v) => (value = v));
  return value;
}
import { openDatabase } from '../../src/main/store';
import { StoredFiles } from '../../src/main/store/storedFiles';

const fashion = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'fashion', name);
const SAMPLES = 200;
const dir = mkdtempSync(join(tmpdir(), 'frontier-measure-stored-'));
const db = openDatabase(join(dir, 'f.db'));
afterAll(() => db.close());

const x = parseNpy(readFileSync(fashion('test-images-1000.npy')), 'images');
const y = parseNpy(readFileSync(fashion('test-labels-1000.npy')), 'labels');
const per = x.shape.slice(1).reduce((a, b) => a * b, 1);
const images = writeNpy({ ...x, shape: [SAMPLES, ...x.shape.slice(1)], data: x.data.slice(0, SAMPLES * per) } as never);
const labels = writeNpy({ ...y, shape: [SAMPLES], data: y.data.slice(0, SAMPLES) } as never);
const files = new StoredFiles(db);
const model = files.put('model', 'cnn.onnx', readFileSync(fashion('cnn.onnx')));
const data = files.put('data', 'x small.npy', images);
const labelsFile = files.put('data', 'y_small.npy', labels);

describe('openMeasurer with data kept in the database', () => {
  it('writes the stored files to a temporary folder, measures as the same data by path does, and removes them on close', async () => {
    const spec = parseSweepSpec(
      {
        model: 'cnn',
        devices: ['exam-mcu'],
        precisions: ['fp32'],
        modelFile: { hash: model.hash, name: model.name },
        data: { stored: { data: { hash: data.hash, name: data.name }, labels: { hash: labelsFile.hash, name: labelsFile.name } } },
        verify: 3,
      },
      'app',
    );
    // Without a path, the upload's name stands for it in messages.
    expect(spec.data?.path).toBe('x small.npy');
    const m = await openMeasurer({ ...spec, data: spec.data! }, { db });
    const written = m.inputs.data.data;
    expect(written).not.toBe('x small.npy');
    expect(written.endsWith('x_small.npy')).toBe(true);
    expect(readFileSync(written).equals(Buffer.from(images))).toBe(true);
    expect(m.source).toBe('x small.npy');
    const stored = await runEvaluation(m, { precision: 'fp32' });
    m.close();
    expect(existsSync(written)).toBe(false);

    // The same data by path: the same accuracy.
    writeFileSync(join(dir, 'x.npy'), images);
    writeFileSync(join(dir, 'y.npy'), labels);
    const byPath = await openMeasurer({ ...spec, data: { path: join(dir, 'x.npy'), labels: join(dir, 'y.npy') } }, { db });
    expect(await runEvaluation(byPath, { precision: 'fp32' })).toBe(stored);
    byPath.close();
    expect(stored).toBeGreaterThan(0.5);
  });

  it('names the missing upload when its bytes are not kept, and needs a database', async () => {
    const missing = 'ab'.repeat(32);
    const spec = { model: 'cnn', modelFile: { hash: model.hash, name: model.name }, data: { path: 'gone.npy', stored: { data: { hash: missing, name: 'gone.npy' } } } };
    await expect(openMeasurer(spec, { db })).rejects.toThrow(/no data with hash abababababab… is kept in the database/);
    await expect(openMeasurer({ ...spec, modelFile: undefined, model: fashion('cnn.onnx') })).rejects.toThrow(/gone\.npy is kept in a database, and no database was given/);
  });

  it('the spec refuses a stored file without a proper hash, naming the field', () => {
    expect(() => parseSweepSpec({ model: 'cnn', devices: ['exam-mcu'], data: { stored: { data: { hash: 'xyz', name: 'a.npy' } } } }, 'app')).toThrow(/data\.stored\.data\.hash/);
    expect(() => parseSweepSpec({ model: 'cnn', devices: ['exam-mcu'], data: { stored: { data: { hash: 'ab'.repeat(32), name: 'a.npy' }, labels: 3 } } }, 'app')).toThrow(/data\.stored\.labels/);
  });
});
