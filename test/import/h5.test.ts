// Keras 2 `.h5` files: the architecture from model_config, weight shapes checked against it, the same figures as the
// Keras JSON and the preset.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { MEMORY_MODELS } from '../../src/shared/analysis/memory';
import { kerasToGraph } from '../../src/shared/model/keras';
import { findPreset } from '../../src/shared/presets';
import { parseModelBytes, loadHdf5 } from '../../src/main/import/loadModelFile';
import type { ModelGraph } from '../../src/shared/model/types';
import { kerasH5Bytes } from './writers/kerasH5';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '..', 'fixtures', 'keras', name), 'utf8');

async function h5Of(name: string, options = {}): Promise<{ json: string; graph: ModelGraph; bytes: Buffer }> {
  const json = fixture(name);
  const graph = kerasToGraph(JSON.parse(json), name);
  return { json, graph, bytes: await kerasH5Bytes(json, graph, options) };
}

const errorOf = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
};

const figures = (graph: ModelGraph, memoryModel: (typeof MEMORY_MODELS)[number]) => {
  const r = analyze(graph, { precision: 'int8', memoryModel });
  return [r.params, r.frameworkParams, r.macs, r.paramBytes, r.peakActivationBytes];
};


beforeAll(loadHdf5);

describe('Keras .h5', () => {
  it('reads the exam CNN: the architecture of its model_config, the format, the stored weight bytes', async () => {
    const { graph, bytes } = await h5Of('exam-cnn.keras2.json');
    const imported = parseModelBytes(bytes, 'exam.h5');
    expect(imported.layers).toEqual(graph.layers);
    expect(imported.source).toEqual({ format: 'keras-h5', kerasLayout: 'keras2', precision: 'fp32', storedWeightBytes: 91_203 * 4 });
    const report = analyze(imported);
    expect([report.params, report.macs, report.paramBytes, report.format, report.filePrecision]).toEqual([
      91_203, 19_518_912, 364_812, 'keras-h5', 'fp32',
    ]);
    expect(report.storedParamBytes).toBe(364_812);
    expect(analyze(imported, { precision: 'int8' }).whatIf).toBe(true);
  });

  it('gives the same figures as the Keras JSON and the preset, under every memory model', async () => {
    const { graph, bytes } = await h5Of('exam-cnn.keras2.json');
    const imported = parseModelBytes(bytes, 'exam.h5');
    const preset = (findPreset('exam-cnn') as { build(): ModelGraph }).build();
    for (const model of MEMORY_MODELS) {
      expect(figures(imported, model)).toEqual(figures(graph, model));
      expect(figures(imported, model)).toEqual(figures(preset, model));
    }
  });

  it('checks BatchNormalization (4 stored values per channel) and depthwise weights in MobileNet', async () => {
    const { graph, bytes } = await h5Of('mobilenet_1.00_224.keras2.json');
    const imported = parseModelBytes(bytes, 'mobilenet.h5');
    const report = analyze(imported);
    expect(report.frameworkParams).toBe(4_253_864);
    expect(imported.source?.storedWeightBytes).toBe(4 * 4_253_864);
    expect(imported.layers).toEqual(graph.layers);
  });

  it('names the layer whose stored weights disagree with model_config', async () => {
    const { bytes } = await h5Of('exam-cnn.keras2.json', { reshape: { conv2: { kernel: [3, 3, 16, 31] } } });
    expect(errorOf(() => parseModelBytes(bytes, 'bad.h5')).message).toBe(
      'bad.h5: layer "conv2" (Conv2D): model_config gives 4,640 weights, model_weights stores 4,496',
    );
  });

  it('says what a weights-only file is and how to save the architecture', async () => {
    const { bytes } = await h5Of('exam-cnn.keras2.json', { withoutConfig: true });
    expect(errorOf(() => parseModelBytes(bytes, 'w.h5')).message).toBe(
      'w.h5: this HDF5 file has no model_config attribute, so no architecture (it holds weights only, as save_weights() writes them); ' +
        'save the model with model.save("model.h5") or model.save("model.keras")',
    );
  });

  it('reports a truncated file as damaged, naming it', async () => {
    const { bytes } = await h5Of('exam-cnn.keras2.json');
    expect(errorOf(() => parseModelBytes(bytes.subarray(0, 4000), 'cut.h5')).message).toBe(
      'cut.h5: the HDF5 file is damaged (its superblock): file has been truncated',
    );
    for (const cut of [100, 600, 2000, Math.floor(bytes.length / 2)]) {
      const err = errorOf(() => parseModelBytes(bytes.subarray(0, cut), 'cut.h5'));
      expect(err.name).toBe('ModelError');
      expect(err.message).toMatch(/^cut\.h5: /);
    }
  });
});
