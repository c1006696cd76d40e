// Round trip: every preset written as a .tflite file (float32 and int8) and imported gives the preset's own figures
// under every memory model. The writer lays tensors out in execution order, so TFLM's arena ties break alike.
import { describe, expect, it } from 'vitest';
import { analyze, type AnalysisRequest } from '../../src/shared/analysis/analyze';
import type { ModelGraph } from '../../src/shared/model/types';
import { PRESETS } from '../../src/shared/presets';
import { importTflite } from './tflite/helpers';
import { graphToTflite } from './tflite/writer';

const MEMORY = ['largest-tensor', 'layer-io', 'liveness', 'arena'] as const;

function figures(graph: ModelGraph, request: AnalysisRequest) {
  return Object.fromEntries(
    MEMORY.map((memoryModel) => {
      const r = analyze(graph, { ...request, memoryModel });
      return [memoryModel, { params: r.params, paramBytes: r.paramBytes, macs: r.macs, peak: r.peakActivationBytes }];
    }),
  );
}

describe.each(PRESETS.map((p) => [p.id, p] as const))('%s as TFLite', (_id, preset) => {
  it.each(['fp32', 'int8'] as const)('%s: identical parameters, MACs and activation figures', (precision) => {
    const graph = preset.build();
    const imported = importTflite(graphToTflite(graph, { precision }), `${preset.id}.tflite`);
    expect(imported.source).toMatchObject({ format: 'tflite', precision, biasMode: precision === 'int8' ? 'int32' : 'weight' });
    const expected = figures(graph, { precision, biasMode: precision === 'int8' ? 'int32' : 'weight' });
    expect(figures(imported, {})).toEqual(expected);
    const r = analyze(imported);
    expect(r.storedParamBytes).toBe(r.paramBytes);
    expect(r.paramBytes).toBe(expected['layer-io'].paramBytes);
  });
});
