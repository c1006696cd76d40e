// Models trained by PyTorch on Fashion-MNIST and exported as ONNX (scripts/make-fashion-fixtures.py): the engine
// runs the real export to PyTorch's own outputs, the same samples right, an int8 run near the float accuracy, and
// a pruned run that still runs. `act` has PyTorch's LeakyReLU slope and Hardsigmoid (1/6, not Keras's 0.2), which
// the float run takes from the file. `cnn.tfjs` is the same trained CNN as a TensorFlow.js model (channels-last,
// its Dense rows in Keras's flatten order): it must give PyTorch's answers too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferModel, type InferResult } from '../../src/main/engine/infer';
import { loadRunnableModel, type RunnableModel } from '../../src/main/engine/load';
import { readNpyFile } from '../../src/main/engine/npyFile';
import type { RunConfiguration } from '../../src/main/engine/configure';
import { countModel } from '../../src/shared/analysis/counts';
import type { NpyArray } from '../../src/shared/engine/npy';
import { argmax, countRight, FASHION_DATASET, FASHION_FIXTURES, fashionDatasetMissing, readIdx, scaled } from '../support/fashion';

interface Summary {
  testSamples: number;
  correct: number;
  subsetSamples: number;
  subsetCorrect: number;
  subsetAccuracy: number;
}

const CLASSES = 10;
const images = readNpyFile(join(FASHION_FIXTURES, 'test-images-1000.npy'));
const labels = readNpyFile(join(FASHION_FIXTURES, 'test-labels-1000.npy')).data as Uint8Array;
const subset = scaled(images.data as Uint8Array, images.shape);
const firstHundred: NpyArray = { dtype: 'float32', shape: [100, 28, 28, 1], data: (subset.data as Float32Array).subarray(0, 100 * 784) };
const calibration: NpyArray = { dtype: 'float32', shape: [256, 28, 28, 1], data: (subset.data as Float32Array).subarray(0, 256 * 784) };

const run = (model: RunnableModel, config: RunConfiguration, array: NpyArray): Promise<InferResult> =>
  inferModel(model, config, [{ file: 'fashion.npy', array }], { calibration: [{ file: 'calibration.npy', array: calibration }] });
const logitsOf = (result: InferResult): Float32Array => result.outputs[0].array.data as Float32Array;

const outsideTolerance = (actual: Float32Array, expected: Float32Array, rel: number, abs: number): string[] => {
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= Math.max(abs, rel * Math.abs(expected[i])))) bad.push(`[${i}] ${actual[i]} vs ${expected[i]}`);
  }
  return bad;
};

/**
 * The model files, the PyTorch model whose answers they must give (`<answers>.json`, `<answers>-outputs-100.npy`),
 * and what their int8 run gives: an accuracy, or the engine's refusal.
 */
const MODELS: { file: string; answers: string; int8: 'runs' | RegExp }[] = [
  { file: 'cnn.onnx', answers: 'cnn', int8: 'runs' },
  { file: 'cnn.tfjs/model.json', answers: 'cnn', int8: 'runs' },
  { file: 'mlp.onnx', answers: 'mlp', int8: 'runs' },
  // The int8 engine has no hard_sigmoid yet: it refuses the model, naming the layer, rather than run it wrong.
  { file: 'act.onnx', answers: 'act', int8: /conv1\/Conv: an int8 leaky_relu is not supported yet/ },
];

for (const { file, answers: name, int8 } of MODELS) {
  describe(`${file}, trained by PyTorch`, () => {
    const summary = JSON.parse(readFileSync(join(FASHION_FIXTURES, `${name}.json`), 'utf8')) as Summary;
    const load = () => loadRunnableModel(join(FASHION_FIXTURES, file));

    it("fp32: the first 100 test images give PyTorch's logits (1e-4 relative, 1e-5 absolute)", async () => {
      const result = await run(await load(), { precision: 'fp32' }, firstHundred);
      const expected = readNpyFile(join(FASHION_FIXTURES, `${name}-outputs-100.npy`));
      expect(result.outputs[0].array.shape).toEqual([100, CLASSES]);
      expect(outsideTolerance(logitsOf(result), expected.data as Float32Array, 1e-4, 1e-5)).toEqual([]);
    });

    it("fp32: the first 1,000 test images, the same number right as PyTorch's", async () => {
      const result = await run(await load(), { precision: 'fp32' }, subset);
      expect(result.samples).toBe(summary.subsetSamples);
      expect(countRight(argmax(logitsOf(result), CLASSES), labels)).toBe(summary.subsetCorrect);
    });

    it.runIf(int8 !== 'runs')('int8: refused, naming the layer', async () => {
      await expect(run(await load(), { precision: 'int8' }, subset)).rejects.toThrow(int8 as RegExp);
    });

    it.runIf(int8 === 'runs')('int8 calibrated on 256 images stays within 3 points of the float accuracy', async () => {
      const result = await run(await load(), { precision: 'int8' }, subset);
      expect(result.precision).toBe('int8');
      const accuracy = countRight(argmax(logitsOf(result), CLASSES), labels) / labels.length;
      expect(Math.abs(accuracy - summary.subsetAccuracy)).toBeLessThanOrEqual(0.03);
    });

    it("pruned by half ('*': 0.5): runs, with fewer parameters, and still classifies", async () => {
      const model = await load();
      const result = await run(model, { precision: 'fp32', prune: { '*': 0.5 } }, subset);
      expect(result.params).toBeLessThan(countModel(model.graph).params);
      expect(result.outputs[0].array.shape).toEqual([1000, CLASSES]);
      // Better than chance (10 %): the kept channels still carry the model.
      expect(countRight(argmax(logitsOf(result), CLASSES), labels)).toBeGreaterThan(200);
    });
  });
}

describe(`the full Fashion-MNIST test set (${FASHION_DATASET})`, () => {
  const missing = fashionDatasetMissing();
  for (const { file, answers: name } of MODELS) {
    it(`${file} at fp32: the same number of the 10,000 test images right as PyTorch`, async (ctx) => {
      if (missing) return ctx.skip(missing);
      const summary = JSON.parse(readFileSync(join(FASHION_FIXTURES, `${name}.json`), 'utf8')) as Summary;
      const idxImages = readIdx(join(FASHION_DATASET, 't10k-images-idx3-ubyte.gz'));
      const idxLabels = readIdx(join(FASHION_DATASET, 't10k-labels-idx1-ubyte.gz'));
      // The committed subset is the data set's own first 1,000 images.
      expect(Buffer.from(idxImages.data.subarray(0, 1000 * 784)).equals(Buffer.from(images.data as Uint8Array))).toBe(true);
      const all = scaled(idxImages.data, [idxImages.shape[0], 28, 28, 1]);
      const result = await run(await loadRunnableModel(join(FASHION_FIXTURES, file)), { precision: 'fp32' }, all);
      expect(result.samples).toBe(summary.testSamples);
      expect(countRight(argmax(logitsOf(result), CLASSES), idxLabels.data)).toBe(summary.correct);
    });
  }
});
