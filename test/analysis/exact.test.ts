// Every figure Frontier reports is an exact, finite integer: a model or a configuration whose counts would pass
// 2^53 is refused naming the layer (one-off analysis), or stored as a failed configuration (sweeps) — never
// Infinity, null or a rounded count.
import { describe, expect, it } from 'vitest';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { analyze } from '../../src/shared/analysis/analyze';
import { GraphBuilder } from '../../src/shared/presets';
import { BatchAnalyser, STATUS_CODE } from '../../src/shared/sweep/batch';
import { buildSpace, spaceContext } from '../../src/shared/sweep/space';
import { defaultSpec } from '../../src/shared/sweep/specFile';
import { findBuiltinDevice } from '../../src/shared/devices';
import { ModelError } from '../../src/shared/model/types';

const errorOf = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

const kerasDense = (units: number | string): Buffer =>
  Buffer.from(
    `{"class_name": "Sequential", "config": {"name": "s", "layers": [` +
      `{"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 16]}},` +
      `{"class_name": "Dense", "config": {"name": "dense", "units": ${units}}}]}}`,
  );

describe('figures beyond 2^53', () => {
  it('refuses units of 1e308 on import, naming the file and the layer', () => {
    const err = errorOf(() => parseModelBytes(kerasDense('1e308'), 'huge.json'));
    expect(err).toBeInstanceOf(ModelError);
    expect(err.message).toMatch(/^huge\.json: dense: output shape 1\d{308} holds more than 2\^53 values/);
    expect(err.message).not.toMatch(/Infinity|e\+/);
  });

  it('refuses counts that pass 2^53 although each dimension is exact', () => {
    // 16 inputs × 2^50 units: the output (2^50 values) is exact, the kernel (2^54) is not.
    const err = errorOf(() => parseModelBytes(kerasDense(2 ** 50), 'wide.json'));
    expect(err.message).toBe(
      "wide.json: dense: its parameters would be 19,140,298,416,324,608, beyond 2^53 (9,007,199,254,740,992) where Frontier's figures stop being exact; refused",
    );
  });

  it('refuses bytes that pass 2^53 when the counts do not', () => {
    const b = new GraphBuilder('m');
    b.dense('dense', b.input('in', [1]), { units: 2 ** 51 });
    const graph = b.build();
    expect(() => analyze(graph, { precision: 'int8' })).not.toThrow();
    expect(errorOf(() => analyze(graph, { precision: 'fp32' })).message).toMatch(/^dense: its activation bytes would be 9,007,199,254,740,992, beyond 2\^53/);
  });

  it('refuses a channel edit that takes the counts past 2^53, naming the layer', () => {
    const b = new GraphBuilder('m');
    const x = b.input('in', [1 << 17, 1 << 17, 1]);
    b.conv2d('conv', x, { filters: 1, kernel: 1 });
    const graph = b.build();
    expect(analyze(graph).macs).toBe(2 ** 34);
    const err = errorOf(() => analyze(graph, { channels: { conv: 1_048_576 } }));
    expect(err).toBeInstanceOf(ModelError);
    expect(err.message).toBe(
      "conv: output shape 131072×131072×1048576 holds more than 2^53 values, beyond which Frontier's figures stop being exact; refused",
    );
  });

  it('stores such a configuration of a sweep as failed, with its reason, and the others as usual', () => {
    const b = new GraphBuilder('m');
    b.conv2d('conv', b.input('in', [1 << 17, 1 << 17, 1]), { filters: 1, kernel: 1 });
    const graph = b.build();
    const spec = { ...defaultSpec('m'), devices: ['exam-mcu'], channels: { conv: ['1', '1048576'] } };
    const ctx = spaceContext(graph);
    const space = buildSpace(spec, ctx);
    const device = findBuiltinDevice('exam-mcu')!;
    const analyser = new BatchAnalyser({ graph, devices: [device], spec, space, ctx });
    const out = analyser.run(0, space.total);
    expect([...out.status]).toEqual([STATUS_CODE['no-fit'], STATUS_CODE.error]);
    expect(out.messages?.get(1)).toMatch(/^conv: .* beyond (which Frontier's figures stop|2\^53)/);
    for (const column of [out.params, out.paramBytes, out.peakActivationBytes, out.totalBytes, out.sramBytes, out.macs]) {
      for (const value of column) expect(Number.isSafeInteger(value)).toBe(true);
    }
  });
});
