// TensorFlow.js layers models (model.json + weight shards) read into the canonical layout: float32 split over
// several shards, and the converter's uint8 / uint16 / float16 quantization, each checked value for value against
// TensorFlow.js itself (the model's own weights, or tf.io.decodeWeights on the quantized bytes) after the layout
// change.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeightTensor } from '../../../src/shared/engine/weights';
import type { Layer } from '../../../src/shared/model/types';
import { readModelWeights } from '../../../src/main/engine/weights';
import { loadModelFile } from '../../../src/main/import/loadModelFile';
import { canonicalKernel, SNAKE_CASE, type KerasTensor } from '../../support/kerasWeightFiles';
import { floatToHalf, saveTfjsModel, seededInput, tfjsPredict, TFJS_MODELS, type SaveOptions } from '../../support/tfjsModels';
import { halfToFloat } from '../../../src/main/engine/weights/hdf5';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontier-tfjs-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
const nextDir = (): string => join(dir, `m${counter++}`);

const plain = (t: WeightTensor | KerasTensor | undefined): { shape: number[]; data: number[] } | undefined =>
  t && { shape: [...t.shape], data: Array.from(t.data) };

/** What the canonical layout must hold, from TensorFlow.js's own tensors by weight name (`conv1/kernel`). */
function expected(layer: Layer, tensors: Record<string, KerasTensor>): Record<string, unknown> {
  const t = (role: string): KerasTensor | undefined => tensors[`${layer.name}/${role}`];
  const k = (role: string): KerasTensor => t(role) as KerasTensor;
  switch (layer.type) {
    case 'Conv2D':
      return { kernel: plain(canonicalKernel('conv', k('kernel'))), bias: plain(t('bias')) };
    case 'DepthwiseConv2D':
      return { kernel: plain(canonicalKernel('depthwise', k('depthwise_kernel'))), bias: plain(t('bias')) };
    case 'SeparableConv2D':
      return {
        depthwiseKernel: plain(canonicalKernel('depthwise', k('depthwise_kernel'))),
        kernel: plain(canonicalKernel('conv', k('pointwise_kernel'))),
        bias: plain(t('bias')),
      };
    case 'Dense':
      return { kernel: plain(canonicalKernel('dense', k('kernel'))), bias: plain(t('bias')) };
    case 'BatchNormalization':
      return { gamma: plain(t('gamma')), beta: plain(t('beta')), mean: plain(t('moving_mean')), variance: plain(t('moving_variance')) };
    default:
      return {};
  }
}

async function check(model: tf.LayersModel, options: SaveOptions, epsilons: Record<string, number>): Promise<void> {
  const saved = await saveTfjsModel(model, nextDir(), options);
  // TensorFlow.js's own values: the model's weights (float32) or its decoder on the bytes written (quantized).
  const tensors: Record<string, KerasTensor> = {};
  if (options.quantize) {
    const decoded = tf.io.decodeWeights(saved.data, saved.specs);
    for (const [name, tensor] of Object.entries(decoded)) tensors[name] = { shape: tensor.shape, data: tensor.dataSync() as Float32Array };
  } else {
    for (const w of model.weights) tensors[w.originalName] = { shape: w.shape as number[], data: w.read().dataSync() as Float32Array };
  }
  const graph = await loadModelFile(saved.path);
  const weights = await readModelWeights(saved.path, graph);
  expect(weights.flattenOrder).toBe('hwc');
  const weighted = graph.layers.filter((l) => Object.keys(expected(l, tensors)).length > 0);
  expect(Object.keys(weights.layers).sort()).toEqual(weighted.map((l) => l.name).sort());
  for (const layer of weighted) {
    const want = expected(layer, tensors);
    const got = weights.layers[layer.name];
    const actual = Object.fromEntries(Object.keys(want).map((key) => [key, plain(got[key as keyof typeof got] as WeightTensor | undefined)]));
    expect(actual, layer.name).toEqual(want);
    if (layer.type === 'BatchNormalization') expect(got.epsilon, layer.name).toBe(epsilons[layer.name] ?? 1e-3);
  }
}

describe('TensorFlow.js layers models', () => {
  for (const builder of TFJS_MODELS) {
    const epsilons: Record<string, number> = builder.name === 'tfjs-cnn' ? { bn1: 0.01 } : {};
    it(`${builder.name}: float32 weights over three shards (${builder.covers})`, async () => {
      await check(builder.build(), { shards: 3 }, epsilons);
    });
    for (const quantize of ['uint8', 'uint16', 'float16'] as const) {
      it(`${builder.name}: ${quantize}-quantized weights decode as TensorFlow.js decodes them`, async () => {
        await check(builder.build(), { quantize, shards: 2 }, epsilons);
      });
    }
  }

  it("a conversion of a Keras 3 archive names weights by the archive's paths (layers/conv2d_1/vars/0)", async () => {
    for (const builder of TFJS_MODELS) {
      const { path } = await saveTfjsModel(builder.build(), nextDir(), { shards: 2 });
      const graph = await loadModelFile(path);
      const byName = await readModelWeights(path, graph);
      const json = JSON.parse(readFileSync(path, 'utf8')) as {
        modelTopology: { config: { layers: { class_name: string; config: { name: string } }[] } };
        weightsManifest: { weights: { name: string }[] }[];
      };
      // Keras's saveable names (class in snake case, numbered per class) and its creation order of variables.
      const saveable = new Map<string, string>();
      const used = new Map<string, number>();
      for (const { class_name, config } of json.modelTopology.config.layers) {
        const base = SNAKE_CASE[class_name];
        const n = used.get(base) ?? 0;
        used.set(base, n + 1);
        saveable.set(config.name, n === 0 ? base : `${base}_${n}`);
      }
      const order = ['kernel', 'depthwise_kernel', 'pointwise_kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance'];
      const names = json.weightsManifest[0].weights.map((w) => w.name);
      for (const w of json.weightsManifest[0].weights) {
        const [layer, role] = w.name.split('/');
        const siblings = names.filter((n) => n.startsWith(`${layer}/`)).map((n) => n.split('/')[1]);
        siblings.sort((x, y) => order.indexOf(x) - order.indexOf(y));
        w.name = `layers/${saveable.get(layer)}/vars/${siblings.indexOf(role)}`;
      }
      writeFileSync(path, JSON.stringify(json));
      const numbered = await readModelWeights(path, graph);
      const strip = (weights: typeof byName): unknown => JSON.parse(JSON.stringify(weights, (k, v) => (k === 'source' ? undefined : v)));
      expect(strip(numbered), builder.name).toEqual(strip(byName));
    }
  });

  it('the quantized weights are the float weights within the quantization step', async () => {
    const model = TFJS_MODELS[0].build();
    const saved = await saveTfjsModel(model, nextDir(), { quantize: 'uint8' });
    const weights = await readModelWeights(saved.path, await loadModelFile(saved.path));
    const float = model.getWeights().find((_, i) => model.weights[i].originalName === 'fc/kernel') as tf.Tensor;
    const spec = saved.specs.find((s) => s.name === 'fc/kernel') as { quantization: { scale: number } };
    const back = canonicalKernel('dense', { shape: float.shape, data: float.dataSync() as Float32Array });
    const read = weights.layers.fc.kernel as WeightTensor;
    const worst = back.data.reduce((m, v, i) => Math.max(m, Math.abs(v - read.data[i])), 0);
    expect(worst).toBeLessThanOrEqual(spec.quantization.scale / 2 + 1e-6);
  });

  it('float16 conversion rounds to nearest even and round-trips through the reader', () => {
    // Values binary16 holds exactly come back as they were; others as the nearest binary16.
    for (const v of [0, 1, -2.5, 65504, 2 ** -24, 6.103515625e-5, 0.5 + 2 ** -11]) expect(halfToFloat(floatToHalf(v))).toBe(v);
    expect(halfToFloat(floatToHalf(0.1))).toBe(0.0999755859375);
    expect(floatToHalf(-0)).toBe(0x8000);
    expect(floatToHalf(1e6)).toBe(0x7c00);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to the even mantissa
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
  });

  it('TensorFlow.js runs the models on seeded inputs, the same outputs every time', () => {
    for (const builder of TFJS_MODELS) {
      const model = builder.build();
      const input = seededInput(model, 3, 7);
      const a = tfjsPredict(model, input);
      const b = tfjsPredict(builder.build(), seededInput(model, 3, 7));
      expect(a.shape[0]).toBe(3);
      expect(Array.from(a.data)).toEqual(Array.from(b.data));
      expect(a.data.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('TensorFlow.js files that do not hold what they declare', () => {
  async function saved(edit: (json: Record<string, any>, path: string) => void): Promise<string> {
    const { path } = await saveTfjsModel(TFJS_MODELS[1].build(), nextDir(), { shards: 2 });
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
    edit(json, path);
    writeFileSync(path, JSON.stringify(json));
    return path;
  }

  it('a shard shorter than the manifest declares is refused before reading', async () => {
    const path = await saved((_, p) => writeFileSync(join(p, '..', 'group1-shard2of2.bin'), Buffer.alloc(4)));
    const graph = await loadModelFile(path);
    await expect(readModelWeights(path, graph)).rejects.toThrow(/weightsManifest\[0\] declares [\d,]+ bytes of weights but its files \(group1-shard1of2\.bin, group1-shard2of2\.bin\) hold/);
  });

  it('a missing shard is named', async () => {
    const path = await saved((json) => {
      json.weightsManifest[0].paths[1] = 'gone.bin';
    });
    await expect(readModelWeights(path, await loadModelFile(path))).rejects.toThrow('weight file "gone.bin" (weightsManifest[0]) is missing');
  });

  it('a shard outside the model folder is refused', async () => {
    const path = await saved((json) => {
      json.weightsManifest[0].paths[0] = '../../etc/passwd';
    });
    await expect(readModelWeights(path, await loadModelFile(path))).rejects.toThrow("is outside the model's folder");
  });

  it('a weight of the wrong shape names the layer and both shapes', async () => {
    const path = await saved((json) => {
      const w = json.weightsManifest[0].weights.find((x: { name: string }) => x.name === 'out/kernel');
      w.shape = [4, 6];
    });
    await expect(readModelWeights(path, await loadModelFile(path))).rejects.toThrow(
      'layer "out" (Dense): its kernel is stored as [4, 6] (weight "out/kernel" of weightsManifest[0]) where the model needs [6, 4]',
    );
  });

  it('a layer whose variables tf.keras scoped with a suffix (conv2d_10_1/kernel for conv2d_10) is still found', async () => {
    const { path } = await saveTfjsModel(TFJS_MODELS[1].build(), nextDir());
    const graph = await loadModelFile(path);
    const before = await readModelWeights(path, graph);
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
    for (const w of json.weightsManifest[0].weights) w.name = w.name.replace(/^b\//, 'b_1/');
    writeFileSync(path, JSON.stringify(json));
    const after = await readModelWeights(path, graph);
    expect(Array.from(after.layers.b.kernel?.data ?? [])).toEqual(Array.from(before.layers.b.kernel?.data ?? []));
    expect(after.layers.b.bias?.source).toBe('b_1/bias');
  });

  it('a missing weight names the layer and the file', async () => {
    const path = await saved((json) => {
      json.weightsManifest[0].weights = json.weightsManifest[0].weights.filter((x: { name: string }) => x.name !== 'b/bias');
    });
    await expect(readModelWeights(path, await loadModelFile(path))).rejects.toThrow(`${path}: layer "b" (Conv2D): its bias [6] is not in the file`);
  });

  it('an unknown quantization is refused', async () => {
    const path = await saved((json) => {
      json.weightsManifest[0].weights[0].quantization = { dtype: 'int4', scale: 1, min: 0 };
    });
    await expect(readModelWeights(path, await loadModelFile(path))).rejects.toThrow('is not uint8, uint16 or float16');
  });

  it('a weight that is not finite is refused, naming the tensor', async () => {
    const { path } = await saveTfjsModel(TFJS_MODELS[1].build(), nextDir());
    const shard = join(path, '..', 'group1-shard1of1.bin');
    const bytes = readFileSync(shard);
    bytes.writeFloatLE(Number.POSITIVE_INFINITY, 8); // a/kernel is first in the manifest
    writeFileSync(shard, bytes);
    await expect(readModelWeights(path, await loadModelFile(path))).rejects.toThrow('layer a: its kernel (a/kernel) holds Infinity at index');
  });
});
