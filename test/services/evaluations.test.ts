// The API behind the app's Data panel, Sensitivity view and "evaluate this configuration": data opened by path and
// by upload, refusals in words, and the engine's own figures returned as they are.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARAMS } from '../../src/shared/api';
import { MAX_DATA_UPLOAD_BYTES, sensitivityRanking } from '../../src/shared/evaluations';
import { createHash } from 'node:crypto';
import { parseNpy, writeNpy } from '../../src/shared/engine/npy';
import { createServices } from '../../src/main/services/handlers';
import { evaluateModel } from '../../src/main/engine/evaluate';
import { loadRunnableModel } from '../../src/main/engine/load';
import { openDataSet } from '../../src/main/engine/data/open';
import { FASHION_DATASET, fashionDatasetMissing } from '../support/fashion';

const fashion = (name: string) => join(import.meta.dirname, '..', 'fixtures', 'fashion', name);
const SAMPLES = 200;
const dir = mkdtempSync(join(tmpdir(), 'frontier-evaluations-'));
const images = join(dir, 'images.npy');
const labels = join(dir, 'labels.npy');
const services = createServices({ dbPath: join(dir, 'f.db') });
const h = services.handlers;
const cnn = readFileSync(fashion('cnn.onnx'));
let fileHash = '';
let counts: number[] = [];

beforeAll(async () => {
  const x = parseNpy(readFileSync(fashion('test-images-1000.npy')), 'images');
  const y = parseNpy(readFileSync(fashion('test-labels-1000.npy')), 'labels');
  const per = x.shape.slice(1).reduce((a, b) => a * b, 1);
  writeFileSync(images, writeNpy({ ...x, shape: [SAMPLES, ...x.shape.slice(1)], data: x.data.slice(0, SAMPLES * per) } as never));
  writeFileSync(labels, writeNpy({ ...y, shape: [SAMPLES], data: y.data.slice(0, SAMPLES) } as never));
  counts = Array.from({ length: 10 }, (_, c) => Array.from(y.data.slice(0, SAMPLES) as ArrayLike<number | bigint>).filter((v) => Number(v) === c).length);
  const loaded = await h['model.load']({ file: { name: 'cnn.onnx', base64: cnn.toString('base64') } });
  fileHash = loaded.fileHash ?? '';
});
afterAll(() => services.close());

describe('model.load keeps an uploaded file', () => {
  it('by the sha256 of its bytes (LoadedModel.fileHash); a preset has none', async () => {
    expect(fileHash).toBe(createHash('sha256').update(cnn).digest('hex'));
    expect((await h['model.load']({ preset: 'exam-cnn' })).fileHash).toBeUndefined();
  });
});

describe('sensitivityRanking', () => {
  it('ranks layers by the loss at their deepest cut; for an error metric a rise is the loss', () => {
    const point = (fractionKept: number, value: number) => ({ channels: Math.round(fractionKept * 8), fractionKept, precision: 'fp32', value });
    const report = {
      metric: 'accuracy',
      base: { fp32: 0.9 },
      precisions: [{ precision: 'fp32', value: 0.9 }],
      layers: [
        { layer: 'a', group: ['a'], points: [point(0.75, 0.89), point(0.25, 0.8)] },
        { layer: 'b', group: ['b'], points: [point(0.75, 0.6), point(0.25, 0.5)] },
        { layer: 'c', group: ['c'], points: [point(0.25, 0.9)] },
      ],
    };
    expect(sensitivityRanking(report).map((r) => r.layer)).toEqual(['b', 'a', 'c']);
    expect(sensitivityRanking(report)[0].loss).toBeCloseTo(0.4, 12);
    expect(sensitivityRanking({ ...report, metric: 'mse' }).map((r) => r.layer)).toEqual(['c', 'a', 'b']);
  });
});

describe('data.open', () => {
  it('a pair of .npy files by path: samples, shape, classes and the count of each', async () => {
    const d = await h['data.open'](PARAMS['data.open'].parse({ path: images, labels: { path: labels } }));
    expect(d).toMatchObject({ name: 'images.npy', labelsName: 'labels.npy', samples: SAMPLES, sampleShape: [28, 28, 1], dtype: 'uint8', classes: 10 });
    expect(d.labelCounts).toEqual(counts);
    expect(d.ref).toEqual({ data: { path: images }, labels: { path: labels } });
  });

  it('an upload is kept by its hash and named by its own name, not where it was written', async () => {
    const d = await h['data.open']({
      file: { name: 'x.npy', base64: readFileSync(images).toString('base64') },
      labels: { file: { name: 'y.npy', base64: readFileSync(labels).toString('base64') } },
    });
    expect(d.samples).toBe(SAMPLES);
    expect(d.labelCounts).toEqual(counts);
    expect(d.ref.data.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.source).toBe('x.npy');
    // Labels of another length, uploaded: the message names the uploads by their names.
    const short = writeNpy({ dtype: 'int64', shape: [5], data: new BigInt64Array(5) });
    await expect(
      h['data.open']({ file: { name: 'x.npy', base64: readFileSync(images).toString('base64') }, labels: { file: { name: 'short.npy', base64: Buffer.from(short).toString('base64') } } }),
    ).rejects.toThrow(/^short\.npy: holds 5 labels, but x\.npy holds 200 samples/);
  });

  it('refuses an upload over the limit naming both sizes, and what is not a file or folder', async () => {
    const big = 'A'.repeat(Math.ceil((MAX_DATA_UPLOAD_BYTES + 3) / 3) * 4);
    await expect(h['data.open'](PARAMS['data.open'].parse({ file: { name: 'huge.npy', base64: big } }))).rejects.toThrow(
      /^huge\.npy is 167,772,165 bytes, more than the 160 MiB \(167,772,160 bytes\) an upload may hold; give its path instead$/,
    );
    await expect(h['data.open']({ path: join(dir, 'nope.npy') })).rejects.toThrow(/nope\.npy: no such file or folder$/);
    await expect(h['data.open']({ path: '/dev/null' })).rejects.toThrow(/^\/dev\/null: it is a device, not a regular file or a folder$/);
    await expect(h['data.open']({ path: 'images.npy' })).rejects.toThrow(/images\.npy: give the full path/);
    await expect(h['data.open']({})).rejects.toThrow(/give the data as a path or as an uploaded file/);
    expect(() => PARAMS['data.open'].parse({ path: images, extra: 1 })).toThrow(/extra: is not a known field/);
  });

  it.skipIf(fashionDatasetMissing() !== null)('Fashion-MNIST as downloaded (a folder of idx files): its test split with its own labels', async () => {
    const d = await h['data.open']({ path: FASHION_DATASET });
    expect(d).toMatchObject({ kind: 'idx', samples: 10_000, sampleShape: [28, 28], classes: 10, labelsName: null });
    expect(d.labelCounts).toEqual(Array(10).fill(1000));
  });

  it('a folder is taken as a folder (of images, or of idx files), not refused as not a file', async () => {
    const folder = join(dir, 'empty');
    mkdirSync(folder);
    await expect(h['data.open']({ path: folder })).rejects.toThrow(/empty/);
  });
});

describe('evaluate.run and sensitivity.run', () => {
  it('the uploaded model on the data: exactly what evaluateModel gives for the same configuration', async () => {
    const ref = (await h['data.open']({ path: images, labels: { path: labels } })).ref;
    const configuration = { prune: { '*': 0.25 }, precision: 'fp32' };
    const result = await h['evaluate.run'](PARAMS['evaluate.run'].parse({ model: { fileHash }, data: ref, configuration }));
    const model = await loadRunnableModel(fashion('cnn.onnx'));
    const data = openDataSet({ data: images, labels });
    const direct = await evaluateModel(model, configuration, data, { agreement: 'fp32' });
    data.close();
    expect(result.metrics).toEqual(direct.metrics);
    expect(result.agreement).toEqual(direct.agreement);
    expect(result.channels).toEqual(direct.channels);
    expect(result.samples).toBe(SAMPLES);
  });

  it('progress comes as events under the job name; a preset is refused as having no weights', async () => {
    const ref = (await h['data.open']({ path: images, labels: { path: labels } })).ref;
    const seen: number[] = [];
    const off = services.events.on('evaluate.progress', (p) => {
      if (p.job === 'j1') seen.push(p.done);
    });
    const result = await h['evaluate.run']({ model: { fileHash }, data: ref, configuration: {}, agreement: 'none', job: 'j1' });
    off();
    expect(result.metrics.accuracy).toBeGreaterThan(0.5);
    expect(result.agreement).toBeNull();
    expect(seen.at(-1)).toBe(SAMPLES);
    await expect(h['evaluate.run']({ model: { preset: 'exam-cnn' }, data: ref, configuration: {} })).rejects.toThrow(/exam-cnn is a preset: an architecture without weights/);
    await expect(h['evaluate.cancel']({ job: 'nothing' })).resolves.toEqual({ cancelled: false });
  });

  it('a run cancelled by its job name stops with a usage error; the name is free again afterwards', async () => {
    const ref = (await h['data.open']({ path: images, labels: { path: labels } })).ref;
    const run = h['evaluate.run']({ model: { fileHash }, data: ref, configuration: {}, job: 'j2' });
    await expect(h['evaluate.run']({ model: { fileHash }, data: ref, configuration: {}, job: 'j2' })).rejects.toThrow(/a run named j2 is already going/);
    await expect(h['evaluate.cancel']({ job: 'j2' })).resolves.toEqual({ cancelled: true });
    await expect(run).rejects.toThrow(/^j2 was cancelled$/);
    const sens = h['sensitivity.run']({ model: { fileHash }, data: ref, prune: { '*': [0.5] }, job: 'j3' });
    await h['evaluate.cancel']({ job: 'j3' });
    await expect(sens).rejects.toThrow(/^j3 was cancelled$/);
    await expect(h['evaluate.run']({ model: { fileHash }, data: ref, configuration: {}, agreement: 'none', job: 'j2' })).resolves.toMatchObject({ samples: SAMPLES });
  });

  it('sensitivity: a curve per prunable layer, the base per precision', async () => {
    const ref = (await h['data.open']({ path: images, labels: { path: labels } })).ref;
    const report = await h['sensitivity.run'](PARAMS['sensitivity.run'].parse({ model: { fileHash }, data: ref, prune: { '*': [0.5] }, precisions: ['fp32', 'int8'] }));
    const model = await loadRunnableModel(fashion('cnn.onnx'));
    const prunable = model.graph.layers.filter((l) => l.type === 'Conv2D' || l.type === 'Dense').length;
    expect(report.metric).toBe('accuracy');
    expect(report.precisions.map((p) => p.precision)).toEqual(['fp32', 'int8']);
    expect(report.layers.length).toBeGreaterThan(0);
    expect(report.layers.length).toBeLessThanOrEqual(prunable);
    for (const layer of report.layers) {
      expect(layer.points).toHaveLength(1);
      expect(layer.points[0].fractionKept).toBeGreaterThan(0.4);
      expect(layer.points[0].fractionKept).toBeLessThan(0.6);
    }
    const data = openDataSet({ data: images, labels });
    const base = await evaluateModel(model, { precision: 'fp32' }, data);
    data.close();
    expect(report.base.fp32).toBe(base.metrics.accuracy);
  });
});
