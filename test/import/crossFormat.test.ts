// One architecture, five files: Keras JSON, Keras .h5, TFLite, ONNX and Frontier's own format give identical
// parameters, MACs and activation figures under every memory model, and the same TFLM header.
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { MEMORY_MODELS } from '../../src/shared/analysis/memory';
import { configurationArtifact } from '../../src/shared/export/artifacts';
import { graphToKerasJson } from '../../src/shared/export/kerasJson';
import { kerasToGraph } from '../../src/shared/model/keras';
import { graphToNative } from '../../src/shared/model/native';
import { PRESETS } from '../../src/shared/presets';
import type { ModelGraph } from '../../src/shared/model/types';
import { parseModelBytes, loadHdf5 } from '../../src/main/import/loadModelFile';
import { graphToTflite } from './tflite/writer';
import { kerasH5Bytes } from './writers/kerasH5';
import { graphToOnnx } from '../onnx/writer';

async function files(preset: ModelGraph): Promise<Record<string, Buffer>> {
  const keras = JSON.stringify(graphToKerasJson(preset));
  return {
    'keras-json': Buffer.from(keras),
    'keras-h5': await kerasH5Bytes(keras, kerasToGraph(JSON.parse(keras), 'k')),
    tflite: Buffer.from(graphToTflite(preset)),
    onnx: Buffer.from(graphToOnnx(preset, { weights: 'zeros' })),
    frontier: Buffer.from(JSON.stringify(graphToNative(preset))),
  };
}

const figures = (graph: ModelGraph): unknown[] =>
  MEMORY_MODELS.flatMap((memoryModel) => {
    const r = analyze(graph, { precision: 'int8', biasMode: 'int32', memoryModel });
    return [memoryModel, r.params, r.paramBytes, r.macs, r.peakActivationBytes];
  });


beforeAll(loadHdf5);

describe('the same architecture in every format', () => {
  for (const preset of PRESETS) {
    it(`${preset.id}: identical figures from every file`, async () => {
      const graph = preset.build();
      const expected = figures(graph);
      for (const [format, bytes] of Object.entries(await files(graph))) {
        const imported = parseModelBytes(bytes, `${preset.id}.${format}`);
        expect(imported.source?.format).toBe(format);
        expect([format, ...figures(imported)]).toEqual([format, ...expected]);
      }
    });
  }

  it('exam-cnn: the same TFLM operators and arena from every file', async () => {
    const graph = PRESETS[0].build();
    const configuration = { channels: { conv1: 8, conv2: 8 }, precision: 'int8', biasMode: 'int32' as const };
    const header = (g: ModelGraph): string =>
      configurationArtifact('tflm', { base: g, configuration, origin: 'x' })
        .split('\n')
        .filter((l) => l.startsWith('constexpr') || l.includes('resolver.'))
        .join('\n');
    const expected = header(graph);
    for (const [format, bytes] of Object.entries(await files(graph))) {
      expect([format, header(parseModelBytes(bytes, `exam.${format}`))]).toEqual([format, expected]);
    }
  });
});
