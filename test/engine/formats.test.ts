// The same weights in every format give the same outputs: a TensorFlow.js model saved as model.json, as Keras .h5
// and as a .keras archive runs to identical float outputs, close to TensorFlow.js's own; a float ONNX model's outputs
// equal onnxruntime running the file directly.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadRunnableModel } from '../../src/main/engine/load';
import { inferModel } from '../../src/main/engine/infer';
import type { KerasRole } from '../../src/shared/engine/kerasWeights';
import { kerasArchiveWithWeights, kerasH5WithWeights, type KerasTensor, type KerasWeightValues } from '../support/kerasWeightFiles';
import { saveTfjsModel, seededInput, tfjsPredict, TFJS_MODELS } from '../support/tfjsModels';
import { graphToOnnx } from '../onnx/writer';
import { findPreset } from '../../src/shared/presets';

const dir = mkdtempSync(join(tmpdir(), 'frontier-formats-'));

/** The model's weights in Keras's layout, by layer and role. */
function kerasValues(model: tf.LayersModel): KerasWeightValues {
  const values: KerasWeightValues = new Map();
  for (const layer of model.layers) {
    for (const w of layer.weights) {
      const role = w.originalName.split('/').pop()?.replace(/:0$/, '') as KerasRole;
      const tensor: KerasTensor = { shape: [...w.shape] as number[], data: Float32Array.from(w.read().dataSync()) };
      if (!values.has(layer.name)) values.set(layer.name, new Map());
      values.get(layer.name)?.set(role, tensor);
    }
  }
  return values;
}

async function run(path: string, input: { shape: number[]; data: Float32Array }): Promise<Float32Array> {
  const model = await loadRunnableModel(path);
  const result = await inferModel(model, { precision: 'fp32' }, [{ file: path, array: { dtype: 'float32', shape: input.shape, data: input.data } }]);
  return result.outputs[0].array.data as Float32Array;
}

const close = (actual: Float32Array, expected: Float32Array, rel: number, abs: number): number[] => {
  const bad: number[] = [];
  for (let i = 0; i < expected.length; i++) if (Math.abs(actual[i] - expected[i]) > Math.max(abs, rel * Math.abs(expected[i]))) bad.push(i);
  return bad;
};

describe('the same weights in every format give the same outputs', () => {
  for (const builder of TFJS_MODELS) {
    it(`${builder.name}: TensorFlow.js, Keras 2 .h5 and tf.keras .keras agree exactly, and with TensorFlow.js`, async () => {
      const model = builder.build();
      const input = seededInput(model, 6, 5);
      const saved = await saveTfjsModel(model, join(dir, builder.name));
      const fromTfjs = await run(saved.path, input);
      // model.json's topology (TensorFlow.js's own toJSON leaves a SeparableConv2D's depth multiplier out).
      const config = JSON.stringify(JSON.parse(readFileSync(saved.path, 'utf8')).modelTopology);
      const { graph } = await loadRunnableModel(saved.path);
      const values = kerasValues(model);
      const h5 = join(dir, `${builder.name}.h5`);
      writeFileSync(h5, await kerasH5WithWeights('keras2-h5', config, graph, values));
      const archive = join(dir, `${builder.name}.keras`);
      writeFileSync(archive, await kerasArchiveWithWeights('tfkeras-archive', config, graph, values));
      expect(Array.from(await run(h5, input))).toEqual(Array.from(fromTfjs));
      expect(Array.from(await run(archive, input))).toEqual(Array.from(fromTfjs));
      const reference = tfjsPredict(model, input);
      expect(close(fromTfjs, reference.data, 1e-4, 1e-5)).toEqual([]);
    });
  }

  it("a float ONNX model: frontier's outputs equal onnxruntime running the file directly (1e-5 relative)", async () => {
    const graph = (findPreset('exam-cnn') as { build: () => import('../../src/shared/model/types').ModelGraph }).build();
    const bytes = graphToOnnx(graph, { weights: 3, batch: 'N' });
    const path = join(dir, 'exam.onnx');
    writeFileSync(path, bytes);
    const model = await loadRunnableModel(path);
    const inputLayer = model.graph.layers.find((l) => l.type === 'Input') as { name: string; shape: number[] };
    const [h, w, c] = inputLayer.shape;
    const count = 4;
    const data = new Float32Array(count * h * w * c);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37);
    const result = await inferModel(model, {}, [{ file: 'x.npy', array: { dtype: 'float32', shape: [count, h, w, c], data } }]);
    // onnxruntime on the file itself takes NCHW.
    const nchw = new Float32Array(data.length);
    for (let n = 0; n < count; n++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) nchw[((n * c + k) * h + y) * w + x] = data[((n * h + y) * w + x) * c + k];
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', nchw, [count, c, h, w]) });
    await session.release();
    const direct = out[session.outputNames[0]].data as Float32Array;
    expect(result.outputs[0].array.shape).toEqual([count, ...(out[session.outputNames[0]].dims.slice(1) as number[])]);
    expect(close(result.outputs[0].array.data as Float32Array, direct, 1e-5, 1e-6)).toEqual([]);
  });
});
