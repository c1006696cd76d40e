// Keras weights (.h5 in the Keras 2 and Keras 3 layouts, .keras archives of Keras 3 and tf.keras 2.13–2.15) read into
// the canonical layout, checked value for value against the seeded weights the files were written with.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examCnn, modelJson, resnetMini, type ModelDef } from '../../../scripts/make-keras-fixtures';
import { kerasSaveableNames, snakeCase, type KerasRole } from '../../../src/shared/engine/kerasWeights';
import type { ModelWeights, WeightTensor } from '../../../src/shared/engine/weights';
import { kerasToGraph } from '../../../src/shared/model/keras';
import { graphToNative } from '../../../src/shared/model/native';
import type { ModelGraph } from '../../../src/shared/model/types';
import { readModelWeights } from '../../../src/main/engine/weights';
import { loadModelFile } from '../../../src/main/import/loadModelFile';
import {
  canonicalKernel,
  kerasArchiveWithWeights,
  kerasH5WithWeights,
  seededKerasWeights,
  type KerasFileKind,
  type KerasFileOptions,
  type KerasTensor,
  type KerasWeightValues,
} from '../../support/kerasWeightFiles';
import { graphToOnnx } from '../../onnx/writer';
import { withDeclaredSize } from '../../support/zip';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontier-kweights-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** BatchNormalization variants the files must carry through: no beta, no gamma, an epsilon of their own. */
const BN_EDITS: Record<string, Record<string, unknown>> = {
  stem_bn: { scale: false, epsilon: 0.01 },
  res1_bn2: { center: false },
};

function configJson(model: ModelDef, layout: 'keras2' | 'keras3'): string {
  const json = JSON.parse(modelJson(model, layout)) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  for (const layer of json.config.layers) {
    const edit = BN_EDITS[layer.config.name as string];
    if (edit && layer.class_name === 'BatchNormalization') Object.assign(layer.config, edit);
  }
  return JSON.stringify(json);
}

const LAYOUT: Record<KerasFileKind, 'keras2' | 'keras3'> = {
  'keras2-h5': 'keras2',
  'keras3-h5': 'keras3',
  'keras3-archive': 'keras3',
  // tf.keras 2.13–2.15 wrote .keras archives with its own (Keras 2) layer configs.
  'tfkeras-archive': 'keras2',
};

interface Written {
  path: string;
  /** The graph read from the config alone (no importer checks). */
  graph: ModelGraph;
  values: KerasWeightValues;
}

let counter = 0;
async function write(
  kind: KerasFileKind,
  model: ModelDef,
  options: KerasFileOptions & { edit?: (values: KerasWeightValues) => void } = {},
): Promise<Written> {
  const json = configJson(model, LAYOUT[kind]);
  const graph = kerasToGraph(JSON.parse(json), 'test');
  const values = seededKerasWeights(graph, 1234 + counter);
  options.edit?.(values);
  const bytes =
    kind === 'keras2-h5' || kind === 'keras3-h5'
      ? await kerasH5WithWeights(kind, json, graph, values, options)
      : await kerasArchiveWithWeights(kind, json, graph, values, options);
  const path = join(dir, `${model.name}-${counter++}${kind.endsWith('h5') ? '.h5' : '.keras'}`);
  writeFileSync(path, bytes);
  return { path, graph, values };
}

const plain = (t: WeightTensor | KerasTensor | undefined): { shape: number[]; data: number[] } | undefined =>
  t && { shape: [...t.shape], data: Array.from(t.data) };

/** What the canonical layout must hold for the seeded Keras values. */
function expectCanonical(weights: ModelWeights, graph: ModelGraph, values: KerasWeightValues, epsilons: Record<string, number>): void {
  expect(weights.flattenOrder).toBe('hwc');
  expect(Object.keys(weights.layers).sort()).toEqual([...values.keys()].sort());
  for (const layer of graph.layers) {
    const v = values.get(layer.name);
    if (!v) continue;
    const got = weights.layers[layer.name];
    const k = (role: KerasRole): KerasTensor => v.get(role) as KerasTensor;
    const expected: Record<string, unknown> = {};
    switch (layer.type) {
      case 'Conv2D':
        expected.kernel = plain(canonicalKernel('conv', k('kernel')));
        break;
      case 'DepthwiseConv2D':
        expected.kernel = plain(canonicalKernel('depthwise', k('depthwise_kernel')));
        break;
      case 'SeparableConv2D':
        expected.depthwiseKernel = plain(canonicalKernel('depthwise', k('depthwise_kernel')));
        expected.kernel = plain(canonicalKernel('conv', k('pointwise_kernel')));
        break;
      case 'Dense':
        expected.kernel = plain(canonicalKernel('dense', k('kernel')));
        break;
      case 'BatchNormalization':
        expected.gamma = plain(v.get('gamma'));
        expected.beta = plain(v.get('beta'));
        expected.mean = plain(v.get('moving_mean'));
        expected.variance = plain(v.get('moving_variance'));
        expected.epsilon = epsilons[layer.name] ?? 1e-3;
        break;
      default:
        throw new Error(`unexpected weighted layer ${layer.type}`);
    }
    if (layer.type !== 'BatchNormalization') expected.bias = plain(v.get('bias'));
    const actual: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) {
      const value = got[key as keyof typeof got];
      actual[key] = typeof value === 'number' ? value : plain(value as WeightTensor | undefined);
    }
    expect(actual, layer.name).toEqual(expected);
  }
}

const KINDS: KerasFileKind[] = ['keras2-h5', 'keras3-h5', 'keras3-archive', 'tfkeras-archive'];

describe('Keras weights in every layout', () => {
  for (const kind of KINDS) {
    it(`${kind}: a branching model (Conv2D, BatchNormalization, DepthwiseConv2D ×2, SeparableConv2D, Dense)`, async () => {
      const { path, values } = await write(kind, resnetMini(LAYOUT[kind]));
      // Keyed by the names the importer gives the same file.
      const graph = await loadModelFile(path);
      const weights = await readModelWeights(path, graph);
      expectCanonical(weights, graph, values, { stem_bn: 0.01 });
      expect(weights.layers.stem_bn.gamma).toBeUndefined();
      expect(weights.layers.stem_bn.beta).toBeDefined();
      expect(weights.layers.res1_bn2.beta).toBeUndefined();
      expect(weights.layers.res1_conv1.bias).toBeUndefined();
    });

    it(`${kind}: a Sequential model whose Dense reads a Flatten`, async () => {
      const { path, values } = await write(kind, examCnn('sequential'));
      const graph = await loadModelFile(path);
      const weights = await readModelWeights(path, graph);
      expectCanonical(weights, graph, values, {});
      expect(weights.layers.dense.kernel?.shape).toEqual([3, 30 * 30 * 32]);
    });
  }

  it('an archive keeps layers under Keras\'s saveable names, numbered per class in config order', async () => {
    expect(['InputLayer', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'BatchNormalization', 'ReLU', 'MaxPooling2D'].map(snakeCase)).toEqual([
      'input_layer', 'conv2d', 'depthwise_conv2d', 'separable_conv2d', 'batch_normalization', 're_lu', 'max_pooling2d',
    ]);
    const names = kerasSaveableNames(JSON.parse(configJson(resnetMini('keras3'), 'keras3')));
    expect([names.get('stem_conv'), names.get('res1_conv1'), names.get('res1_conv2'), names.get('res1_bn2'), names.get('branch_b')]).toEqual([
      'conv2d', 'conv2d_1', 'conv2d_2', 'batch_normalization_2', 'separable_conv2d',
    ]);
    // A missing saveable is named as Keras lays it out.
    const { path, graph } = await write('keras3-archive', resnetMini('keras3'), { omit: { layer: 'res1_conv2', role: 'kernel' } });
    await expect(readModelWeights(path, graph)).rejects.toThrow('layers/conv2d_2/vars holds 0');
  });

  it("tf.keras archives whose numbering counted each weighted layer twice (conv2d, conv2d_2, …)", async () => {
    expect(kerasSaveableNames(JSON.parse(configJson(resnetMini('keras2'), 'keras2')), true).get('res1_conv2')).toBe('conv2d_4');
    const { path, values } = await write('tfkeras-archive', resnetMini('keras2'), { doubledNumbering: true });
    const graph = await loadModelFile(path);
    expectCanonical(await readModelWeights(path, graph), graph, values, { stem_bn: 0.01 });
  });

  it('reads float64 datasets as float32', async () => {
    const { path, values } = await write('keras2-h5', resnetMini('keras2'), { float64: true });
    const graph = await loadModelFile(path);
    expectCanonical(await readModelWeights(path, graph), graph, values, { stem_bn: 0.01 });
  });

  it('a depthwise kernel lands channel c × multiplier + j ← input channel c', async () => {
    const { path, values } = await write('keras3-archive', resnetMini('keras3'));
    const weights = await readModelWeights(path, await loadModelFile(path));
    const stored = values.get('branch_c_dw')?.get('depthwise_kernel') as KerasTensor; // [3, 3, 32, 2]
    const kernel = weights.layers.branch_c_dw.kernel as WeightTensor;
    expect(kernel.shape).toEqual([64, 1, 3, 3]);
    // Keras element [y=1, x=2, c=5, j=1] → output channel 11, tap (1, 2).
    expect(kernel.data[(11 * 3 + 1) * 3 + 2]).toBe(stored.data[((1 * 3 + 2) * 32 + 5) * 2 + 1]);
  });
});

describe('Keras weights that do not fit the model', () => {
  for (const kind of KINDS) {
    it(`${kind}: a missing weight is named with its layer and the file`, async () => {
      const { path, graph } = await write(kind, resnetMini(LAYOUT[kind]), { omit: { layer: 'logits', role: 'bias' } });
      const error = await readModelWeights(path, graph).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).toContain('"logits" (Dense)');
      expect((error as Error).message).toMatch(/bias \[10\] is not in the file|needs 2 weights/);
    });

    it(`${kind}: a weight of the wrong shape names both shapes`, async () => {
      const { path, graph } = await write(kind, resnetMini(LAYOUT[kind]), {
        edit: (values) => {
          const kernel = values.get('logits')?.get('kernel') as KerasTensor;
          kernel.shape = [kernel.shape[1], kernel.shape[0]];
        },
      });
      const error = (await readModelWeights(path, graph).catch((e: Error) => e)) as Error;
      expect(error.message).toContain(path);
      expect(error.message).toContain('layer "logits" (Dense): its kernel is stored as [10, 96]');
      expect(error.message).toContain('where the model needs [96, 10]');
    });
  }

  it('refuses a weight that is not a finite number, naming the tensor', async () => {
    const { path, graph } = await write('keras2-h5', resnetMini('keras2'), {
      edit: (values) => {
        (values.get('branch_b')?.get('pointwise_kernel') as KerasTensor).data[7] = Number.NaN;
      },
    });
    await expect(readModelWeights(path, graph)).rejects.toThrow(
      'layer branch_b: its pointwise_kernel (model_weights/branch_b/branch_b/pointwise_kernel:0) holds NaN at index',
    );
  });

  it('refuses an epsilon that is not a number ≥ 0', async () => {
    const model = resnetMini('keras3');
    const json = configJson(model, 'keras3').replace('"epsilon":0.01', '"epsilon":-1');
    const graph = kerasToGraph(JSON.parse(json), 'test');
    const path = join(dir, 'bad-epsilon.h5');
    writeFileSync(path, await kerasH5WithWeights('keras3-h5', json, graph, seededKerasWeights(graph, 5)));
    await expect(readModelWeights(path, graph)).rejects.toThrow('layer "stem_bn" (BatchNormalization): epsilon must be a number ≥ 0, it is -1');
  });

  it('an archive whose weights declare a size their bytes cannot give is refused before inflating', async () => {
    const { path, graph } = await write('keras3-archive', examCnn('sequential'));
    const lying = join(dir, 'lying.keras');
    writeFileSync(lying, withDeclaredSize(readFileSync(path), 'model.weights.h5', 0x7fffffff));
    await expect(readModelWeights(lying, graph)).rejects.toThrow(
      `${lying}: the archive is damaged: model.weights.h5 declares 2,147,483,647 bytes from`,
    );
  });

  it('an archive whose model.weights.h5 is not HDF5 is reported as damaged, naming the file', async () => {
    const path = join(import.meta.dirname, '../../fixtures/keras/exam-cnn.keras');
    const graph = await loadModelFile(path);
    await expect(readModelWeights(path, graph)).rejects.toThrow(`${path} (model.weights.h5): the HDF5 file is damaged`);
  });
});

describe('files without weights to read', () => {
  const graph = (): ModelGraph => kerasToGraph(JSON.parse(modelJson(examCnn('sequential'), 'keras2')), 'test');

  it("Frontier's own format is refused: it has no weights", async () => {
    const path = join(dir, 'model.frontier.json');
    writeFileSync(path, JSON.stringify(graphToNative(graph())));
    await expect(readModelWeights(path, graph())).rejects.toThrow(
      `${path} is Frontier's own model format: it describes the architecture only and has no weights to run`,
    );
  });

  it('a Keras model JSON is refused: architecture only', async () => {
    const path = join(import.meta.dirname, '../../fixtures/keras/exam-cnn.keras2.json');
    await expect(readModelWeights(path, graph())).rejects.toThrow('describes the architecture only and has no weights to run');
  });

  it('TensorFlow Lite and ONNX files are read by their own readers, keyed by the graph their importer gives', async () => {
    const tflite = join(import.meta.dirname, '../../fixtures/tflite/hello_world_int8.tflite');
    const tfliteGraph = await loadModelFile(tflite);
    const fromTflite = await readModelWeights(tflite, tfliteGraph);
    expect(Object.keys(fromTflite.layers).sort()).toEqual(tfliteGraph.layers.filter((l) => l.type === 'Dense').map((l) => l.name).sort());
    const onnx = join(dir, 'model.onnx');
    writeFileSync(onnx, graphToOnnx(graph()));
    const onnxGraph = await loadModelFile(onnx);
    const fromOnnx = await readModelWeights(onnx, onnxGraph);
    expect(Object.keys(fromOnnx.layers).length).toBeGreaterThan(0);
  });

  it('an empty or missing file names the file', async () => {
    const empty = join(dir, 'empty.h5');
    writeFileSync(empty, '');
    await expect(readModelWeights(empty, graph())).rejects.toThrow(`${empty}: the file is empty`);
    await expect(readModelWeights(join(dir, 'none.h5'), graph())).rejects.toThrow('cannot read the model file: no such file');
    expect(readFileSync(empty).length).toBe(0);
  });
});
