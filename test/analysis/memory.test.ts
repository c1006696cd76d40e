// The three memory models on a graph with a skip connection, where they differ.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { peakActivation, type MemoryLayout } from '../../src/shared/analysis/memory';
import { GraphBuilder } from '../../src/shared/presets';

// A skip from `a` to a late global pool keeps `a` alive across p, q and r (int8: 1 byte per value).
function skipModel() {
  const b = new GraphBuilder('skip');
  const x = b.input('in', [10, 10, 1]); // 100 values
  const a = b.conv2d('a', x, { filters: 2, kernel: 1 }); // 200
  const p = b.maxPool2d('p', a, { pool: 2 }); // 5×5×2 = 50
  const q = b.conv2d('q', p, { filters: 8, kernel: 1 }); // 200
  const r = b.conv2d('r', q, { filters: 2, kernel: 1 }); // 50
  const u = b.globalAveragePool2d('u', a, { keepDims: false }); // 2, reads a late: a stays alive
  b.concatenate('cat', [b.flatten('fr', r), u]); // 52
  return b.build();
}

describe('memory models', () => {
  const g = skipModel();
  const peak = (memoryModel: 'largest-tensor' | 'layer-io' | 'liveness') =>
    analyze(g, { precision: 'int8', memoryModel });
  it('largest-tensor: the largest single tensor, input included', () => {
    expect(peak('largest-tensor').peakActivationBytes).toBe(200);
  });
  it("layer-io: the largest sum of a layer's inputs and output", () => {
    const r = peak('layer-io');
    // a: 100 + 200 = 300; p: 200 + 50; q: 50 + 200; r: 200 + 50; u: 200 + 2; cat: 50 + 2 + 52
    expect(r.peakActivationBytes).toBe(300);
    expect(r.peakAt).toBe('a');
  });
  it('liveness: everything alive at once, the skip included', () => {
    // at q: a (200, still needed by u) + p (50) + q (200) = 450
    expect(peak('liveness').peakActivationBytes).toBe(450);
    expect(peak('liveness').peakAt).toBe('q');
  });
  it('orders as expected: largest-tensor ≤ layer-io ≤ liveness', () => {
    const [t, io, live] = (['largest-tensor', 'layer-io', 'liveness'] as const).map((m) => peak(m).peakActivationBytes);
    expect(t).toBeLessThanOrEqual(io);
    expect(io).toBeLessThanOrEqual(live);
  });
  it('names the model used in the report; layer-io is the default', () => {
    expect(analyze(g).memoryModel).toBe('layer-io');
  });
  it('a separable conv runs in two halves with its depthwise result as a temporary', () => {
    const layout: MemoryLayout = {
      inputs: ['x'],
      steps: [{ output: 's', inputs: ['x'], scratchBytes: 30 }],
      outputs: ['s'],
      bytes: new Map([
        ['x', 10],
        ['s', 20],
      ]),
    };
    expect(peakActivation(layout, 'largest-tensor').bytes).toBe(30);
    expect(peakActivation(layout, 'layer-io').bytes).toBe(50);
    expect(peakActivation(layout, 'liveness').bytes).toBe(60);
  });
});
