// Properties over random graphs: shrinking channels never grows parameters, MACs or memory; the memory models are
// ordered; lower precisions never need more bytes; the native format round-trips.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { CompiledModel, emptyFigures } from '../../src/shared/analysis/compiled';
import { parsePrecision } from '../../src/shared/analysis/precision';
import { EXAM_MCU, STM32F746 } from '../../src/shared/devices';
import { resolveRuntime, withRuntime } from '../../src/shared/latency/runtimes';
import { editableLayers } from '../../src/shared/model/edit';
import { graphToNative, nativeToGraph } from '../../src/shared/model/native';
import type { ModelGraph } from '../../src/shared/model/types';
import { GraphBuilder } from '../../src/shared/presets';

type Block = { kind: 'conv' | 'dw' | 'sep' | 'pool' | 'bnrelu' | 'res'; filters: number; kernel: number; stride: number; same: boolean };

const blockArb: fc.Arbitrary<Block> = fc.record({
  kind: fc.constantFrom('conv', 'dw', 'sep', 'pool', 'bnrelu', 'res'),
  filters: fc.integer({ min: 1, max: 24 }),
  kernel: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }),
  same: fc.boolean(),
});

function buildGraph(size: number, channels: number, blocks: Block[], units: number): ModelGraph {
  const b = new GraphBuilder('random');
  let x = b.input('in', [size, size, channels]);
  let h = size;
  blocks.forEach((blk, i) => {
    const padding = blk.same || h < blk.kernel + 1 ? 'same' : 'valid';
    const next = (k: number, s: number) => (padding === 'same' ? Math.ceil(h / s) : Math.floor((h - k) / s) + 1);
    switch (blk.kind) {
      case 'conv':
        x = b.conv2d(`conv${i}`, x, { filters: blk.filters, kernel: blk.kernel, strides: blk.stride, padding });
        h = next(blk.kernel, blk.stride);
        break;
      case 'dw':
        x = b.depthwiseConv2d(`dw${i}`, x, { kernel: blk.kernel, strides: blk.stride, padding, useBias: false });
        h = next(blk.kernel, blk.stride);
        break;
      case 'sep':
        x = b.separableConv2d(`sep${i}`, x, { filters: blk.filters, kernel: blk.kernel, padding });
        h = next(blk.kernel, 1);
        break;
      case 'pool':
        if (h >= 2) {
          x = b.maxPool2d(`pool${i}`, x, { pool: 2 });
          h = Math.floor(h / 2);
        }
        break;
      case 'bnrelu':
        x = b.activation(`relu${i}`, b.batchNorm(`bn${i}`, x), 'relu6');
        break;
      case 'res': {
        const c = b.conv2d(`ra${i}`, x, { filters: blk.filters, kernel: 1 });
        const d = b.conv2d(`rb${i}`, c, { filters: blk.filters, kernel: 3, padding: 'same' });
        x = b.add(`add${i}`, [c, b.batchNorm(`rbn${i}`, d)]);
        break;
      }
    }
  });
  b.dense('head', b.flatten('flat', x), { units });
  return b.build();
}

const graphArb = fc
  .record({
    size: fc.integer({ min: 4, max: 16 }),
    channels: fc.integer({ min: 1, max: 4 }),
    blocks: fc.array(blockArb, { minLength: 1, maxLength: 6 }),
    units: fc.integer({ min: 1, max: 10 }),
  })
  .map(({ size, channels, blocks, units }) => buildGraph(size, channels, blocks, units));

describe('properties over random graphs', () => {
  it('parameters, MACs and memory never grow when channels shrink', () => {
    fc.assert(
      fc.property(graphArb, fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 0.9, noNaN: true }), (g, pick, ratio) => {
        const layers = editableLayers(g).filter((l) => l.name !== 'head');
        fc.pre(layers.length > 0);
        const target = layers[pick % layers.length].name;
        const before = analyze(g, { precision: 'int8' });
        const after = analyze(g, { precision: 'int8', prune: { [target]: ratio } });
        expect(after.params).toBeLessThanOrEqual(before.params);
        expect(after.macs).toBeLessThanOrEqual(before.macs);
        expect(after.paramBytes).toBeLessThanOrEqual(before.paramBytes);
        expect(after.peakActivationBytes).toBeLessThanOrEqual(before.peakActivationBytes);
      }),
      { numRuns: 150 },
    );
  });
  it('largest-tensor ≤ layer-io ≤ liveness', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const [t, io, live] = (['largest-tensor', 'layer-io', 'liveness'] as const).map(
          (memoryModel) => analyze(g, { memoryModel }).peakActivationBytes,
        );
        expect(t).toBeLessThanOrEqual(io);
        expect(io).toBeLessThanOrEqual(live);
      }),
      { numRuns: 150 },
    );
  });
  it('fp32 ≥ fp16 ≥ int8 ≥ int4 in bytes; MACs and parameter counts do not depend on precision', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const rs = ['fp32', 'fp16', 'int8', 'int4'].map((precision) => analyze(g, { precision }));
        for (let i = 1; i < rs.length; i++) {
          expect(rs[i].totalBytes).toBeLessThanOrEqual(rs[i - 1].totalBytes);
          expect(rs[i].macs).toBe(rs[0].macs);
          expect(rs[i].params).toBe(rs[0].params);
        }
        expect(rs[0].flops).toBe(2 * rs[0].macs);
      }),
      { numRuns: 100 },
    );
  });
  it('deployed parameters never exceed the framework count by more than the biases BN folding adds', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const r = analyze(g);
        expect(r.params).toBeLessThanOrEqual(r.frameworkParams);
      }),
      { numRuns: 100 },
    );
  });
  it('the native format round-trips', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const again = nativeToGraph(JSON.parse(JSON.stringify(graphToNative(g))), 'model.json');
        expect(again).toEqual(g);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the compiled model (the sweep hot path) computes exactly what analyze computes', () => {
  it('on random graphs, channel counts, precisions, memory models and devices', () => {
    const rates = (s: number) => ({ conv: 1e-8 * s, depthwise: 4e-8 * s, dense: 2e-8 * s, element: 9e-8 * s });
    const devices = [
      EXAM_MCU,
      { ...EXAM_MCU, id: 'flashy', weightsIn: 'flash' as const, flashBytes: 1 << 20, runtimeRamBytes: 1000, runtimeFlashBytes: 5000, overheadS: 0.001, efficiency: { depthwise: 0.5, dense: 0.8 }, throughput: { fp32: 1e7, int8: 8e7, fp16: 2e7 } },
      // Layered latency models: a built-in runtime on a board, and a hand-made one with per-precision rates.
      withRuntime(STM32F746, resolveRuntime('tflm-cmsis-nn')),
      {
        ...EXAM_MCU,
        id: 'layered',
        latency: {
          rates: { fp32: rates(3), int8: rates(1), fp16: rates(2), w4a8: rates(0.9), w8a16: rates(1.4) },
          perOpS: 2e-5,
          perInferenceS: 3e-4,
          band: { lowFactor: 0.9, highFactor: 1.1, basis: 'test' },
          basis: 'test',
        },
      },
    ];
    fc.assert(
      fc.property(
        graphArb,
        fc.array(fc.double({ min: 0, max: 0.9, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('fp32', 'fp16', 'int8', 'int4', 'w4a8', 'w8a16'),
        fc.constantFrom('largest-tensor', 'layer-io', 'liveness'),
        fc.constantFrom('weight', 'int32'),
        fc.integer({ min: 0, max: 3 }),
        (g, ratios, precision, memoryModel, biasMode, deviceIdx) => {
          const accuracy = { kind: 'penalties', metric: 'accuracy', base: 0.9, penalties: { pruned: 0.05, int8: 0.02, int4: 0.04 } } as const;
          const device = devices[deviceIdx];
          const compiled = new CompiledModel(g, { memoryModel, biasMode, headroom: 0.1, accuracy });
          const layers = compiled.editable().filter((n) => n !== 'head');
          const prune: Record<string, number> = {};
          layers.forEach((name, i) => {
            if (i < ratios.length) prune[name] = ratios[i];
          });
          let slow;
          try {
            slow = analyze(g, { precision, memoryModel, biasMode, device, headroom: 0.1, accuracy, prune });
          } catch {
            return; // conflicting edits inside an Add group: the space validation refuses those
          }
          compiled.setChannels(new Map(Object.entries(slow.channels)));
          const fast = compiled.evaluate(parsePrecision(precision), device, emptyFigures());
          expect(fast.params).toBe(slow.params);
          expect(fast.paramBytes).toBe(slow.paramBytes);
          expect(fast.peakActivationBytes).toBe(slow.peakActivationBytes);
          expect(fast.totalBytes).toBe(slow.totalBytes);
          expect(fast.macs).toBe(slow.macs);
          expect(fast.sramBytes).toBe(slow.device!.sramRequiredBytes);
          expect(fast.fits).toBe(slow.fits);
          expect(Number.isNaN(fast.latencyS) ? null : fast.latencyS).toBe(slow.latencyS);
          expect(Number.isNaN(fast.accuracy) ? null : fast.accuracy).toBe(slow.accuracy);
        },
      ),
      { numRuns: 400 },
    );
  });
});
