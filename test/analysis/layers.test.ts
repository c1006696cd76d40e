// Parameters, MACs and shapes of every layer kind, against hand-computed values.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { GraphBuilder } from '../../src/shared/presets';

const layerOf = (b: GraphBuilder, name: string, precision = 'fp32') =>
  analyze(b.build(), { precision }).layers.find((l) => l.name === name)!;

describe('layer kinds', () => {
  it('Conv2D: same padding, stride 2, dilation and groups', () => {
    const b = new GraphBuilder('m');
    const x = b.input('in', [32, 32, 8]);
    b.conv2d('c', x, { filters: 16, kernel: 3, strides: 2, padding: 'same', groups: 2 });
    const c = layerOf(b, 'c');
    expect(c.outputShape).toEqual([16, 16, 16]);
    expect(c.params).toBe((3 * 3 * 4 * 16) + 16); // in/groups = 4
    expect(c.macs).toBe(16 * 16 * 16 * 3 * 3 * 4);
  });
  it('Conv2D: dilation widens the kernel under valid padding', () => {
    const b = new GraphBuilder('m');
    b.conv2d('c', b.input('in', [10, 10, 1]), { filters: 1, kernel: 3, dilation: 2 });
    expect(layerOf(b, 'c').outputShape).toEqual([6, 6, 1]);
  });
  it('DepthwiseConv2D with depth multiplier', () => {
    const b = new GraphBuilder('m');
    b.depthwiseConv2d('d', b.input('in', [8, 8, 4]), { kernel: 3, padding: 'same', depthMultiplier: 2 });
    const d = layerOf(b, 'd');
    expect(d.outputShape).toEqual([8, 8, 8]);
    expect(d.params).toBe(3 * 3 * 8 + 8);
    expect(d.macs).toBe(8 * 8 * 8 * 9);
  });
  it('SeparableConv2D: depthwise then pointwise', () => {
    const b = new GraphBuilder('m');
    b.separableConv2d('s', b.input('in', [8, 8, 4]), { filters: 6, kernel: 3, padding: 'same' });
    const s = layerOf(b, 's');
    expect(s.outputShape).toEqual([8, 8, 6]);
    expect(s.params).toBe(3 * 3 * 4 + 4 * 6 + 6);
    expect(s.macs).toBe(8 * 8 * 4 * 9 + 8 * 8 * 4 * 6);
  });
  it('Dense on a vector and on a feature map (applies to the last axis)', () => {
    const b = new GraphBuilder('m');
    const x = b.input('in', [4, 4, 3]);
    const d1 = b.dense('d1', x, { units: 5 });
    b.dense('d2', b.flatten('f', d1), { units: 2, useBias: false });
    const r = analyze(b.build());
    const d1r = r.layers.find((l) => l.name === 'd1')!;
    expect(d1r.outputShape).toEqual([4, 4, 5]);
    expect(d1r.macs).toBe(16 * 3 * 5);
    expect(r.layers.find((l) => l.name === 'd2')!.params).toBe(80 * 2);
  });
  it('pooling: valid and same, explicit strides; global pooling with and without keepdims', () => {
    const b = new GraphBuilder('m');
    const x = b.input('in', [7, 7, 3]);
    b.maxPool2d('p1', x, { pool: 2 });
    b.averagePool2d('p2', x, { pool: 3, strides: 1, padding: 'same' });
    b.globalAveragePool2d('g1', x);
    b.globalMaxPool2d('g2', x, { keepDims: true });
    const r = analyze(b.build(['p1', 'p2', 'g1', 'g2']));
    const shape = (n: string) => r.layers.find((l) => l.name === n)!.outputShape;
    expect(shape('p1')).toEqual([3, 3, 3]);
    expect(shape('p2')).toEqual([7, 7, 3]);
    expect(shape('g1')).toEqual([3]);
    expect(shape('g2')).toEqual([1, 1, 3]);
    expect(r.macs).toBe(0);
  });
  it('ZeroPadding2D allocates its padded output; Reshape resolves -1', () => {
    const b = new GraphBuilder('m');
    const z = b.zeroPadding2d('z', b.input('in', [4, 4, 2]), [[0, 1], [2, 3]]);
    b.reshape('r', z, [-1, 2]);
    const r = analyze(b.build(), { precision: 'int8' });
    const z1 = r.layers.find((l) => l.name === 'z')!;
    expect(z1.outputShape).toEqual([5, 9, 2]);
    expect(z1.activationBytes).toBe(90);
    expect(r.layers.find((l) => l.name === 'r')!.outputShape).toEqual([45, 2]);
    expect(r.layers.find((l) => l.name === 'r')!.activationBytes).toBe(0);
  });
  it('Add and Concatenate', () => {
    const b = new GraphBuilder('m');
    const x = b.input('in', [4, 4, 2]);
    const a = b.conv2d('a', x, { filters: 3, kernel: 1 });
    const c = b.conv2d('c', x, { filters: 3, kernel: 1 });
    const s = b.add('sum', [a, c]);
    b.concatenate('cat', [s, x]);
    const r = analyze(b.build());
    expect(r.layers.find((l) => l.name === 'sum')!.outputShape).toEqual([4, 4, 3]);
    expect(r.layers.find((l) => l.name === 'cat')!.outputShape).toEqual([4, 4, 5]);
  });
});

describe('precisions and bytes', () => {
  const b = new GraphBuilder('m');
  b.dense('d', b.input('in', [5]), { units: 3 });
  const g = b.build();
  it.each([
    ['fp32', 18 * 4, 3 * 4],
    ['fp16', 18 * 2, 3 * 2],
    ['int8', 18, 3],
    ['int4', 8 + 2, 2], // kernel 15 values → 8 B, bias 3 → 2 B (each tensor rounds up); output 3 values → 2 B
    ['w4a8', 10, 3],
  ])('%s', (precision, weightBytes, outBytes) => {
    const r = analyze(g, { precision });
    expect(r.paramBytes).toBe(weightBytes);
    expect(r.layers.find((l) => l.name === 'd')!.activationBytes).toBe(outBytes);
  });
  it('int32 biases for integer layers when asked', () => {
    expect(analyze(g, { precision: 'int8', biasMode: 'int32' }).paramBytes).toBe(15 + 12);
    expect(analyze(g, { precision: 'fp16', biasMode: 'int32' }).paramBytes).toBe(36);
  });
  it('a layer may override the model precision', () => {
    const r = analyze(g, { precision: 'fp32', layerPrecisions: { d: 'int8' } });
    expect(r.paramBytes).toBe(18);
    expect(r.layers.find((l) => l.name === 'in')!.activationBytes).toBe(20);
  });
  it('rejects unknown precisions with the valid choices', () => {
    expect(() => analyze(g, { precision: 'int7' })).toThrow(/unknown precision "int7": use fp32, fp16, int8, int4/);
  });
});
