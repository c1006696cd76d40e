// The presets written as ONNX files (float, and int8 in the QDQ format), checked valid by ONNX Runtime, read back:
// the same parameters, MACs and activation memory under every memory model as the preset itself, and the same
// figures after the same structural edits.
import { describe, expect, it } from 'vitest';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { analyze, type AnalysisRequest } from '../../src/shared/analysis/analyze';
import { MEMORY_MODELS } from '../../src/shared/analysis/memory';
import { PRESETS } from '../../src/shared/presets';
import type { ModelGraph } from '../../src/shared/model/types';
import { runOnZeros } from './ort';
import { graphToOnnx } from './writer';

const PRECISIONS = ['fp32', 'int8'] as const;

function figures(graph: ModelGraph, request: AnalysisRequest) {
  return MEMORY_MODELS.map((memoryModel) => {
    const r = analyze(graph, { ...request, memoryModel });
    return {
      memoryModel,
      params: r.params,
      paramBytes: r.paramBytes,
      macs: r.macs,
      peakActivationBytes: r.peakActivationBytes,
      channels: r.channels,
      layerIo: r.layers.filter((l) => l.activationBytes > 0).map((l) => [l.name, l.activationBytes]),
      ...(r.arena ? { arena: r.arena.bytes, livenessBound: r.arena.livenessBoundBytes } : {}),
    };
  });
}

const EDITS: Record<string, AnalysisRequest> = {
  'exam-cnn': { channels: { conv1: 8, conv2: 8 } },
  'mlperf-vww': { prune: { '*': 0.5 } },
  'mlperf-kws': { channels: { pw2: 40 }, prune: { conv1: 0.25 } },
  'mlperf-ic': { channels: { stack2_conv2: 24 } },
  'mlperf-ad': { prune: { '*': 0.25 } },
};

describe.each(PRESETS.map((p) => [p.id, p] as const))('%s as ONNX', (id, preset) => {
  it.each(PRECISIONS)('%s: valid in ONNX Runtime, and the same figures as the preset', async (precision) => {
    const bytes = graphToOnnx(preset.build(), { precision });
    await runOnZeros(bytes);
    const imported = parseModelBytes(Buffer.from(bytes), `${id}.${precision}.onnx`);
    const request: AnalysisRequest = { precision, biasMode: precision === 'int8' ? 'int32' : 'weight' };
    expect(imported.source).toMatchObject({ format: 'onnx', precision });
    expect(imported.source?.biasMode).toBe(precision === 'int8' ? 'int32' : undefined);
    expect(imported.source?.layerPrecisions).toBeUndefined();
    expect(figures(imported, {})).toEqual(figures(preset.build(), request));

    const own = analyze(imported);
    expect(own.whatIf).toBe(false);
    // Stored bytes: int8 weights and int32 biases as deployed; float files also store BatchNormalization's four
    // vectors per channel, which Keras counts too.
    const base = analyze(preset.build(), request);
    expect(own.storedParamBytes).toBe(precision === 'int8' ? base.paramBytes : base.frameworkParams * 4);
  });

  it('structural edits give the same figures on the imported graph as on the preset', () => {
    const imported = parseModelBytes(Buffer.from(graphToOnnx(preset.build())), `${id}.onnx`);
    const edit = EDITS[id];
    const a = analyze(preset.build(), edit);
    const b = analyze(imported, edit);
    expect(b.channels).toEqual(a.channels);
    expect(b.pruned).toBe(true);
    expect([b.params, b.macs, b.peakActivationBytes]).toEqual([a.params, a.macs, a.peakActivationBytes]);
    expect(b.notes.filter((n) => n.includes('joined by'))).toEqual(a.notes.filter((n) => n.includes('joined by')));
  });
});

describe('Add groups in an imported ResNet', () => {
  it('keep equal channels: editing one member edits the group and says so', () => {
    const imported = parseModelBytes(Buffer.from(graphToOnnx(PRESETS.find((p) => p.id === 'mlperf-ic')!.build())), 'ic.onnx');
    const report = analyze(imported, { channels: { stack3_shortcut: 48 } });
    expect(report.channels.stack3_conv2).toBe(48);
    expect(report.channels.stack3_shortcut).toBe(48);
    expect(report.notes.some((n) => n.includes('stack3_conv2') && n.includes('stack3_add'))).toBe(true);
    // The first stack's Add is tied to the model input through conv1: conv1's channels follow too.
    const stack1 = analyze(imported, { channels: { conv1: 12 } });
    expect([stack1.channels.conv1, stack1.channels.stack1_conv2]).toEqual([12, 12]);
  });
});
