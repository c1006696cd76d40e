// A configuration written as a .tflite file reads back as the same configuration: re-imported, it gives the same
// analyze figures (params, parameter bytes, MACs, the peak of every memory model), and run, the same outputs as the
// run it was written from (int8: identical; float: within 1e-6).
import { describe, expect, it } from 'vitest';
import { emitTflite } from '../../src/main/engine/emit/tflite';
import { inferModel } from '../../src/main/engine/infer';
import type { RunnableModel } from '../../src/main/engine/load';
import { readTfliteModel } from '../../src/main/engine/weights/tflite';
import { analyze } from '../../src/shared/analysis/analyze';
import { MEMORY_MODELS } from '../../src/shared/analysis/memory';
import type { NpyArray } from '../../src/shared/engine/npy';
import { randomWeights } from '../../src/shared/engine/randomWeights';
import { mulberry32 } from '../../src/shared/sweep/space';
import { PRESETS } from '../../src/shared/presets';
import type { RunConfiguration } from '../../src/main/engine/configure';

function samples(shape: number[], count: number, seed: number): NpyArray {
  const random = mulberry32(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: count * size }, () => random() * 2 - 1);
  return { dtype: 'float32', shape: [count, ...shape], data };
}

/** Runs the configuration, writes it, reads the file back and runs it: both results. */
async function roundTrip(model: RunnableModel, config: RunConfiguration, inputs: NpyArray, calibration?: NpyArray) {
  const raw = config.precision === 'int8' || model.graph.source?.precision === 'int8';
  const source = await inferModel(model, config, [{ array: inputs, file: 'x.npy' }], {
    raw,
    ...(calibration ? { calibration: [{ array: calibration, file: 'calibration.npy' }] } : {}),
  });
  const bytes = emitTflite(source.run);
  const back = { ...readTfliteModel(bytes, 'emitted.tflite', model.graph.name), file: 'emitted.tflite' };
  const emitted = await inferModel(back, {}, [{ array: inputs, file: 'x.npy' }], { raw });
  return { source, emitted, back, bytes };
}

function expectSameFigures(model: RunnableModel, config: RunConfiguration, back: RunnableModel, precision: string): void {
  for (const memoryModel of MEMORY_MODELS) {
    const request = { channels: config.channels, prune: config.prune, precision, memoryModel, ...(precision === 'int8' ? { biasMode: 'int32' as const } : {}) };
    const a = analyze(model.graph, request);
    const b = analyze(back.graph, { memoryModel });
    const figures = (r: typeof a) => ({ params: r.params, paramBytes: r.paramBytes, macs: r.macs, peakActivationBytes: r.peakActivationBytes, totalBytes: r.totalBytes });
    expect({ memoryModel, ...figures(b) }).toEqual({ memoryModel, ...figures(a) });
  }
}

function expectSameOutputs(a: NpyArray[], b: NpyArray[], exact: boolean): void {
  expect(b.length).toBe(a.length);
  a.forEach((x, i) => {
    expect(b[i].shape).toEqual(x.shape);
    expect(b[i].dtype).toEqual(x.dtype);
    if (exact) {
      expect(Array.from(b[i].data as Int8Array)).toEqual(Array.from(x.data as Int8Array));
    } else {
      const p = x.data as Float32Array;
      const q = b[i].data as Float32Array;
      let worst = 0;
      for (let k = 0; k < p.length; k++) worst = Math.max(worst, Math.abs(p[k] - q[k]) / Math.max(1, Math.abs(p[k])));
      expect(worst).toBeLessThanOrEqual(1e-6);
    }
  });
}

describe('emitted .tflite files read back as the configuration they came from', () => {
  for (const preset of PRESETS) {
    for (const prune of [undefined, 0.5]) {
      for (const precision of ['fp32', 'int8']) {
        it(`${preset.id}, ${precision}${prune ? `, pruned ${prune * 100} %` : ''}`, async () => {
          const graph = preset.build();
          const model: RunnableModel = { graph, weights: randomWeights(graph, 11), file: `${preset.id} (random weights)` };
          const shape = (graph.layers.find((l) => l.type === 'Input') as { shape: number[] }).shape;
          const config: RunConfiguration = { precision, ...(prune ? { prune: { '*': prune } } : {}) };
          const calibration = precision === 'int8' ? samples(shape, 8, 5) : undefined;
          const { source, emitted, back } = await roundTrip(model, config, samples(shape, 3, 9), calibration);
          expectSameOutputs(source.outputs.map((o) => o.array), emitted.outputs.map((o) => o.array), precision === 'int8');
          expectSameFigures(model, config, back, precision);
        }, 120_000);
      }
    }
  }
});
