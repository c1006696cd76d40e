// The edited architecture as Keras JSON: TensorFlow.js loads it with the framework's parameter count equal to
// Frontier's frameworkParams, and Frontier's own importer reads it back (both layouts) to the same figures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { configurationArtifact, kerasLayoutFor } from '../../src/shared/export/artifacts';
import { graphToKerasJson } from '../../src/shared/export/kerasJson';
import { applyChannelEdits } from '../../src/shared/model/edit';
import { kerasLayoutOf, kerasToGraph } from '../../src/shared/model/keras';
import { GraphBuilder } from '../../src/shared/presets/builder';
import { PRESETS } from '../../src/shared/presets';
import type { ModelGraph } from '../../src/shared/model/types';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { graphToOnnx } from '../onnx/writer';

tf.env().set('IS_NODE', false); // no "install tfjs-node" banner in the test output

const figures = (g: ModelGraph) => {
  const r = analyze(g, { precision: 'int8' });
  return [r.params, r.frameworkParams, r.macs, r.peakActivationBytes];
};

async function tfjsParams(json: unknown): Promise<number> {
  const model = await tf.models.modelFromJSON(json as tf.io.ModelJSON['modelTopology'] as never);
  const count = model.countParams();
  model.dispose();
  return count;
}

describe('Keras JSON export', () => {
  for (const preset of PRESETS) {
    it(`${preset.id}: loads in TensorFlow.js with frameworkParams parameters, pruned and unpruned`, async () => {
      for (const prune of [{}, { '*': 0.5 }] as Record<string, number>[]) {
        const base = preset.build();
        const text = configurationArtifact('keras-json', { base, configuration: { prune, precision: 'int8' }, origin: preset.id });
        const json = JSON.parse(text);
        expect(json.frontier.precision).toBe('int8');
        const expected = analyze(base, { prune }).frameworkParams;
        expect(await tfjsParams(json)).toBe(expected);
        // Frontier reads its own export back to the same figures.
        expect(figures(kerasToGraph(json, 'export.json'))).toEqual(figures(applyChannelEdits(base, { prune }).graph));
      }
    });
  }

  it('writes the Keras 3 layout for Keras 3 sources, which reads back to the same figures', () => {
    for (const preset of PRESETS) {
      const g = preset.build();
      const json = graphToKerasJson(g, { layout: 'keras3' });
      expect(kerasLayoutOf(json)).toBe('keras3');
      expect(figures(kerasToGraph(json, 'k3.json'))).toEqual(figures(g));
    }
    expect(kerasLayoutFor({ ...PRESETS[0].build(), source: { format: 'keras-h5', kerasLayout: 'keras3' } })).toBe('keras3');
    expect(kerasLayoutFor({ ...PRESETS[0].build(), source: { format: 'tflite', kerasLayout: 'keras3' } })).toBe('keras2');
  });

  it('imported TFLite and ONNX models export in the Keras 2 layout and load with their parameter count', async () => {
    for (const name of ['person_detect.tflite', 'hello_world_int8.tflite']) {
      const base = parseModelBytes(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'tflite', name)), name);
      const json = JSON.parse(configurationArtifact('keras-json', { base, configuration: {}, origin: name }));
      expect(kerasLayoutOf(json)).toBe('keras2');
      expect([name, await tfjsParams(json)]).toEqual([name, analyze(base).frameworkParams]);
    }
    const onnx = parseModelBytes(Buffer.from(graphToOnnx(PRESETS[2].build(), { weights: 'zeros' })), 'kws.onnx');
    const json = JSON.parse(configurationArtifact('keras-json', { base: onnx, configuration: { prune: { '*': 0.25 } }, origin: 'x' }));
    expect(await tfjsParams(json)).toBe(analyze(onnx, { prune: { '*': 0.25 } }).frameworkParams);
  });

  it('leaves out what loaders reject: no regularizers, constraints or initializers', () => {
    const text = JSON.stringify(graphToKerasJson(PRESETS[1].build()));
    expect(text).not.toMatch(/regularizer|constraint|initializer/);
  });

  it('spells out what Keras has no field for: a flattening Dense gains a Flatten, ReLU6 a ReLU layer', async () => {
    const b = new GraphBuilder('tflite-like');
    let x = b.input('in', [4, 4, 2]);
    x = b.conv2d('c', x, { filters: 3, kernel: 3, activation: 'relu6' });
    x = b.layer('fc', [x], { type: 'Dense', units: 5, useBias: true, activation: 'softmax', flattenInput: true });
    const g = b.build(x);
    const json = graphToKerasJson(g) as { config: { layers: { class_name: string }[] } };
    expect(json.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Conv2D', 'ReLU', 'Flatten', 'Dense']);
    expect(await tfjsParams(json)).toBe(analyze(g).frameworkParams);
  });
});
