// evaluateModel against independent computations: a float model's accuracy from the layers' arithmetic written out
// here, an L1-pruned configuration from the criterion written out here, an int8 run close to the float one, the
// metrics of binary, autoencoder and regression outputs, and the Fashion-MNIST test split through a small CNN equal
// to inferModel's outputs on the same samples.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, writeNpy, type NpyArray } from '../../src/shared/engine/npy';
import { randomWeights } from '../../src/shared/engine/randomWeights';
import { mulberry32 } from '../../src/shared/sweep/space';
import { GraphBuilder } from '../../src/shared/presets/builder';
import type { ModelGraph } from '../../src/shared/model/types';
import { loadRunnableModel, type RunnableModel } from '../../src/main/engine/load';
import { evaluateModel } from '../../src/main/engine/evaluate';
import { inferModel } from '../../src/main/engine/infer';
import { openDataSet } from '../../src/main/engine/data/open';

const dir = mkdtempSync(join(tmpdir(), 'frontier-evaluate-'));
const root = join(__dirname, '..', '..');
const FASHION = '/usr/share/datasets/fashion-mnist';
const hasFashion = existsSync(join(FASHION, 't10k-images-idx3-ubyte.gz'));

const modelOf = (graph: ModelGraph, seed: number): RunnableModel => ({ graph, weights: randomWeights(graph, seed), file: `${graph.name}.test` });
const save = (name: string, array: NpyArray): string => {
  const path = join(dir, name);
  writeFileSync(path, writeNpy(array));
  return path;
};

const N = 60;
const random = mulberry32(7);
const pixels = Uint8Array.from({ length: N * 4 }, () => Math.floor(random() * 256));
const classes = Int32Array.from({ length: N }, () => Math.floor(random() * 3));
const xPath = save('x.npy', { dtype: 'uint8', shape: [N, 4], data: pixels });
const yPath = save('y.npy', { dtype: 'int32', shape: [N], data: classes });

function mlp(hidden: number, out: number): ModelGraph {
  const b = new GraphBuilder('mlp');
  const h = b.dense('h', b.input('input', [4]), { units: hidden, activation: 'relu' });
  return b.build(b.dense('o', h, { units: out }));
}

/** Dense by hand: out[u] = b[u] + Σ kernel[u][i]·x[i] over the inputs kept. */
const dense = (x: number[], kernel: ArrayLike<number>, bias: ArrayLike<number>, inputs: number, units: number[], keptInputs = x.map((_, i) => i)): number[] =>
  units.map((u) => bias[u] + keptInputs.reduce((sum, i, j) => sum + kernel[u * inputs + i] * x[j], 0));
const argmax = (v: number[]): number => v.indexOf(Math.max(...v));
const sampleOf = (s: number): number[] => Array.from(pixels.subarray(s * 4, s * 4 + 4), (p) => p / 255);

describe('evaluateModel', () => {
  it('a float model: accuracy equals the arithmetic done here, agreement with itself is exact', async () => {
    const model = modelOf(mlp(6, 3), 3);
    const w = model.weights.layers;
    let correct = 0;
    for (let s = 0; s < N; s++) {
      const h = dense(sampleOf(s), w.h.kernel!.data, w.h.bias!.data, 4, [0, 1, 2, 3, 4, 5]).map((v) => Math.max(0, v));
      if (argmax(dense(h, w.o.kernel!.data, w.o.bias!.data, 6, [0, 1, 2])) === classes[s]) correct++;
    }
    const r = await evaluateModel(model, { precision: 'fp32' }, openDataSet({ data: xPath, labels: yPath }), { agreement: 'fp32', chunkSamples: 7 });
    expect(r.task).toBe('classification');
    expect(r.metrics.accuracy).toBe(correct / N);
    expect(r).toMatchObject({ samples: N, precision: 'fp32', channels: { h: 6, o: 3 }, agreement: { top1: 1, rmse: 0 } });
    expect(r.agreement?.cosine).toBeCloseTo(1, 6);
    expect(r.preprocessing.text).toBe('uint8 0..255 mapped to 0..1 (x ÷ 255)');
    expect(r.metrics.perClassRecall).toHaveLength(3);
    expect(Object.keys(r.metrics)).not.toContain('top5'); // 3 classes: no top-k unless asked
  });

  it('an L1-pruned configuration equals the criterion computed here (the 3 hidden units of largest L1 norm)', async () => {
    const model = modelOf(mlp(6, 3), 5);
    const w = model.weights.layers;
    const norms = [0, 1, 2, 3, 4, 5].map((u) => Array.from(w.h.kernel!.data).slice(u * 4, u * 4 + 4).reduce((a, v) => a + Math.abs(v), 0));
    const kept = [0, 1, 2, 3, 4, 5].sort((a, b) => norms[b] - norms[a]).slice(0, 3).sort((a, b) => a - b);
    let correct = 0;
    for (let s = 0; s < N; s++) {
      const h = dense(sampleOf(s), w.h.kernel!.data, w.h.bias!.data, 4, kept).map((v) => Math.max(0, v));
      if (argmax(dense(h, w.o.kernel!.data, w.o.bias!.data, 6, [0, 1, 2], kept)) === classes[s]) correct++;
    }
    const r = await evaluateModel(model, { channels: { h: 3 }, precision: 'fp32' }, openDataSet({ data: xPath, labels: yPath }), { agreement: 'fp32' });
    expect(r.metrics.accuracy).toBe(correct / N);
    expect(r.channels).toEqual({ h: 3, o: 3 });
    expect(r.agreement?.rmse).toBeGreaterThan(0); // measured against the unedited model
  });

  it('an int8 run of a float model: calibrated on the data, inputs quantized, close to the float run', async () => {
    const model = modelOf(mlp(16, 3), 9);
    const data = openDataSet({ data: xPath, labels: yPath });
    const r = await evaluateModel(model, { precision: 'int8' }, data, { agreement: 'fp32' });
    expect(r.precision).toBe('int8');
    expect(r.preprocessing.quantize).not.toBeNull();
    expect(r.preprocessing.text).toMatch(/^uint8 0\.\.255 mapped to 0\.\.1 \(x ÷ 255\), then quantized to int8 with the input scale [\d.e-]+ and zero point -?\d+$/);
    expect(r.notes.join('\n')).toContain(`calibrated on ${N} samples: all of ${xPath}`);
    expect(r.agreement?.top1).toBeGreaterThanOrEqual(0.9);
    expect(r.agreement?.cosine).toBeGreaterThan(0.99);
  });

  it('a one-output binary model: AUC by pair counting, accuracy at the logit threshold 0', async () => {
    const b = new GraphBuilder('binary');
    const model = modelOf(b.build(b.dense('o', b.input('input', [4]), { units: 1 })), 2);
    const binary = Int32Array.from(classes, (c) => (c === 0 ? 1 : 0));
    const r = await evaluateModel(model, { precision: 'fp32' }, openDataSet({ data: xPath, labels: save('yb.npy', { dtype: 'int32', shape: [N], data: binary }) }));
    const w = model.weights.layers.o;
    const scores = Array.from({ length: N }, (_, s) => dense(sampleOf(s), w.kernel!.data, w.bias!.data, 4, [0])[0]);
    let pairs = 0;
    let sum = 0;
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (binary[i] === 1 && binary[j] === 0) (pairs++, (sum += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0));
    expect(r.task).toBe('binary');
    expect(r.metrics.auc).toBeCloseTo(sum / pairs, 12);
    expect(r.metrics.accuracy).toBe(scores.filter((v, i) => (v > 0 ? 1 : 0) === binary[i]).length / N);
  });

  it('an autoencoder: mean reconstruction error without labels, AUC of the error with them', async () => {
    const b = new GraphBuilder('ae');
    const model = modelOf(b.build(b.dense('o', b.input('input', [4]), { units: 4 })), 4);
    const w = model.weights.layers.o;
    const errors = Array.from({ length: N }, (_, s) => {
      const x = sampleOf(s);
      const y = dense(x, w.kernel!.data, w.bias!.data, 4, [0, 1, 2, 3]);
      return y.reduce((a, v, i) => a + (v - Math.fround(x[i])) ** 2, 0) / 4;
    });
    const unlabelled = await evaluateModel(model, { precision: 'fp32' }, openDataSet({ data: xPath }));
    expect(unlabelled.task).toBe('autoencoder');
    expect(unlabelled.metrics.meanError).toBeCloseTo(errors.reduce((a, e) => a + e, 0) / N, 5);
    expect(unlabelled.metrics.auc).toBeUndefined();
    const anomalies = Int32Array.from(errors, (e) => (e > 0.5 ? 1 : 0)); // labels the error separates perfectly
    const labelled = await evaluateModel(model, { precision: 'fp32' }, openDataSet({ data: xPath, labels: save('ya.npy', { dtype: 'int32', shape: [N], data: anomalies }) }));
    if (anomalies.includes(0) && anomalies.includes(1)) expect(labelled.metrics.auc).toBe(1);
  });

  it('regression: MAE and MSE against float targets', async () => {
    const model = modelOf(mlp(6, 2), 6);
    const targets = Float32Array.from({ length: N * 2 }, (_, i) => (i % 7) / 3);
    const r = await evaluateModel(model, { precision: 'fp32' }, openDataSet({ data: xPath, labels: save('yr.npy', { dtype: 'float32', shape: [N, 2], data: targets }) }));
    const w = model.weights.layers;
    let abs = 0;
    let sq = 0;
    for (let s = 0; s < N; s++) {
      const h = dense(sampleOf(s), w.h.kernel!.data, w.h.bias!.data, 4, [0, 1, 2, 3, 4, 5]).map((v) => Math.max(0, v));
      dense(h, w.o.kernel!.data, w.o.bias!.data, 6, [0, 1]).forEach((v, j) => {
        abs += Math.abs(v - targets[s * 2 + j]);
        sq += (v - targets[s * 2 + j]) ** 2;
      });
    }
    expect(r.task).toBe('regression');
    expect(r.metrics.mae).toBeCloseTo(abs / (2 * N), 5);
    expect(r.metrics.mse).toBeCloseTo(sq / (2 * N), 5);
  });

  it('refuses classes outside the output and samples of another shape before running, naming the numbers', async () => {
    const model = modelOf(mlp(6, 3), 3);
    const bad = Int32Array.from(classes);
    bad[17] = 5;
    const badPath = save('ybad.npy', { dtype: 'int32', shape: [N], data: bad });
    await expect(evaluateModel(model, {}, openDataSet({ data: xPath, labels: badPath }))).rejects.toThrow(
      `${badPath}: sample 17 has class 5; the model output o has 3 classes (0 to 2)`,
    );
    const wide = save('wide.npy', { dtype: 'uint8', shape: [2, 5], data: new Uint8Array(10) });
    await expect(evaluateModel(model, {}, openDataSet({ data: wide }))).rejects.toThrow(`${wide}: holds samples of shape (5,) (2 of them); the model input input takes (4,) per sample`);
  });
});

describe('evaluateModel on a folder of images', () => {
  it('classes from the sorted sub-folders, pixels ÷ 255, accuracy as computed here; --calibration-data used whole', async () => {
    const folder = join(dir, 'images');
    const grey: number[][] = [];
    for (const [c, name] of ['cat', 'dog', 'eel'].entries()) {
      mkdirSync(join(folder, name), { recursive: true });
      for (let i = 0; i < 4; i++) {
        const px = [0, 1, 2, 3].map((j) => (c * 70 + i * 13 + j * 29) % 256);
        grey.push(px);
        const image = sharp(Buffer.from(px), { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('b-w');
        writeFileSync(join(folder, name, `${i}.png`), await image.png().toBuffer());
      }
    }
    const b = new GraphBuilder('pixels');
    const model = modelOf(b.build(b.dense('o', b.flatten('flatten', b.input('input', [2, 2, 1])), { units: 3 })), 12);
    const w = model.weights.layers.o;
    const correct = grey.filter((px, s) => argmax(dense(px.map((v) => v / 255), w.kernel!.data, w.bias!.data, 4, [0, 1, 2])) === Math.floor(s / 4)).length;
    const data = openDataSet({ data: folder }, { inputShape: [2, 2, 1] });
    const r = await evaluateModel(model, { precision: 'fp32' }, data);
    expect(r.metrics.accuracy).toBe(correct / 12);
    expect(r.preprocessing.text).toBe('images 0..255 mapped to 0..1 (x ÷ 255)');
    const calibration = save('calibration.npy', { dtype: 'uint8', shape: [N, 2, 2, 1], data: pixels });
    const int8 = await evaluateModel(model, { precision: 'int8' }, data, { calibration: openDataSet({ data: calibration }) });
    expect(int8.notes.join('\n')).toContain(`calibrated on ${N} samples: all of ${calibration}`);
  });
});

describe('evaluateModel on an int8 TFLite file as stored', () => {
  it("person_detect on TFLM's golden inputs: int8 data fed as is, every sample classified as TFLM classifies it", async () => {
    const golden = (name: string) => join(root, 'test', 'fixtures', 'golden', 'tflm', name);
    const model = await loadRunnableModel(join(root, 'test', 'fixtures', 'tflite', 'person_detect.tflite'));
    const outputs = parseNpy(readFileSync(golden('person_detect.outputs.npy')), 'golden');
    const tflm = Int32Array.from({ length: outputs.shape[0] }, (_, s) => {
      const row = Array.from((outputs.data as Int8Array).subarray(s * 2, s * 2 + 2));
      return row.indexOf(Math.max(...row));
    });
    const data = openDataSet({ data: golden('person_detect.inputs.npy'), labels: save('tflm.npy', { dtype: 'int32', shape: [tflm.length], data: tflm }) });
    const r = await evaluateModel(model, {}, data, { agreement: 'stored' });
    expect(r.precision).toBe('int8');
    expect(r.preprocessing.asIs).toBe(true);
    expect(r.metrics.accuracy).toBe(1);
    expect(r.agreement).toEqual({ top1: 1, cosine: 1, rmse: 0 });
  });
});

describe.skipIf(!hasFashion)('evaluateModel on Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  it('a small CNN on the 10,000 test images: metrics from the same outputs inferModel gives, in uneven chunks', async () => {
    const b = new GraphBuilder('fashion-cnn');
    let x = b.input('input', [28, 28, 1]);
    x = b.conv2d('conv', x, { filters: 4, kernel: 3, strides: 2, activation: 'relu' });
    const model = modelOf(b.build(b.dense('dense', b.flatten('flatten', x), { units: 10 })), 1);
    const data = openDataSet({ data: FASHION });
    const progress: number[] = [];
    const r = await evaluateModel(model, { precision: 'fp32' }, data, { chunkSamples: 777, onProgress: (done) => progress.push(done) });
    expect(progress.at(-1)).toBe(10_000);
    expect(progress).toHaveLength(Math.ceil(10_000 / 777));
    // Independently: all samples at once through infer, scaled here, argmax and top-5 counted here.
    const all = await data.read(0, 10_000);
    const floats = Float32Array.from(all.data as Uint8Array, (v) => v / 255);
    const out = (await inferModel(model, { precision: 'fp32' }, [{ file: 'fashion', array: { dtype: 'float32', shape: [10_000, 28, 28, 1], data: floats } }])).outputs[0].array.data as Float32Array;
    const labels = data.labels!.classes!;
    let top1 = 0;
    let top5 = 0;
    for (let s = 0; s < 10_000; s++) {
      const row = Array.from(out.subarray(s * 10, s * 10 + 10));
      if (argmax(row) === labels[s]) top1++;
      if (row.filter((v, j) => v > row[labels[s]] || (v === row[labels[s]] && j < labels[s])).length < 5) top5++;
    }
    expect(r.metrics.accuracy).toBe(top1 / 10_000);
    expect(r.metrics.top5).toBe(top5 / 10_000);
    expect(r.samples).toBe(10_000);
    expect(r.samplesPerSecond).toBeGreaterThan(0);
  });
});
