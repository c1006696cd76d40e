// Deployment conventions: folding, fusion, aliases.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { GraphBuilder } from '../../src/shared/presets';

function convBnRelu(useBias: boolean) {
  const b = new GraphBuilder('m');
  const x = b.input('in', [8, 8, 3]);
  const c = b.conv2d('conv', x, { filters: 4, kernel: 3, padding: 'same', useBias });
  const n = b.batchNorm('bn', c);
  const r = b.activation('relu', n, 'relu6');
  const d = b.dropout('drop', r, 0.2);
  b.dense('out', b.flatten('flat', d), { units: 2 });
  return b.build();
}

describe('deployment conventions', () => {
  it('conv → BN → ReLU6 is one layer with one tensor; BN becomes the bias', () => {
    const r = analyze(convBnRelu(false), { precision: 'int8' });
    const byName = Object.fromEntries(r.layers.map((l) => [l.name, l]));
    expect(byName.conv.params).toBe(3 * 3 * 3 * 4 + 4);
    expect(byName.conv.frameworkParams).toBe(3 * 3 * 3 * 4);
    expect(byName.conv.absorbed).toEqual(['bn', 'relu']);
    expect(byName.conv.activation).toBe('relu6');
    expect(byName.bn).toMatchObject({ role: 'folded', into: 'conv', params: 0, activationBytes: 0, frameworkParams: 16 });
    expect(byName.relu).toMatchObject({ role: 'fused', into: 'conv', activationBytes: 0 });
    expect(byName.drop).toMatchObject({ role: 'removed', into: 'conv', activationBytes: 0 });
    expect(byName.flat).toMatchObject({ role: 'alias', into: 'conv', activationBytes: 0 });
    expect(r.frameworkParams - r.params).toBe(16 - 4);
    // layer-io of the dense layer reads the conv tensor through the aliases: 256 + 2 bytes
    expect(r.peakActivationBytes).toBe(192 + 256);
  });
  it('a conv with bias does not gain a second one', () => {
    const r = analyze(convBnRelu(true));
    expect(r.layers.find((l) => l.name === 'conv')!.params).toBe(112);
  });
  it('BN after an activation cannot fold and keeps 2 parameters per channel', () => {
    const b = new GraphBuilder('m');
    const c = b.conv2d('conv', b.input('in', [4, 4, 1]), { filters: 2, kernel: 1, activation: 'relu' });
    b.batchNorm('bn', c);
    const r = analyze(b.build());
    const bn = r.layers.find((l) => l.name === 'bn')!;
    expect(bn).toMatchObject({ role: 'op', params: 4, frameworkParams: 8, activationBytes: 4 * 4 * 2 * 4 });
  });
  it('BN whose producer also feeds another layer is not folded', () => {
    const b = new GraphBuilder('m');
    const c = b.conv2d('conv', b.input('in', [4, 4, 1]), { filters: 2, kernel: 1 });
    const n = b.batchNorm('bn', c);
    b.add('sum', [c, n]);
    expect(analyze(b.build()).layers.find((l) => l.name === 'bn')!.role).toBe('op');
  });
  it('a standalone activation (an operator of a deployed file) keeps its own tensor', () => {
    const build = (standalone: boolean) => {
      const b = new GraphBuilder('m');
      const d = b.dense('fc', b.input('in', [16]), { units: 10 });
      b.layer('softmax', [d], { type: 'Activation', activation: 'softmax', ...(standalone ? { standalone } : {}) });
      return b.build();
    };
    const fused = analyze(build(false), { precision: 'int8' });
    const kept = analyze(build(true), { precision: 'int8' });
    expect(fused.layers.find((l) => l.name === 'softmax')).toMatchObject({ role: 'fused', into: 'fc', activationBytes: 0 });
    expect(kept.layers.find((l) => l.name === 'softmax')).toMatchObject({ role: 'op', activationBytes: 10 });
    expect(kept.layers.find((l) => l.name === 'fc')!.activation).toBeUndefined();
    // layer-io: the softmax reads fc's 10 bytes and writes 10 more.
    expect(fused.peakActivationBytes).toBe(26);
    expect(kept.peakActivationBytes).toBe(26);
    expect(analyze(build(true), { precision: 'int8', memoryModel: 'liveness' }).peakActivationBytes).toBe(26);
    expect(analyze(build(true), { precision: 'int8', memoryModel: 'arena' }).arena!.buffers).toHaveLength(3);
    expect(analyze(build(false), { precision: 'int8', memoryModel: 'arena' }).arena!.buffers).toHaveLength(2);
  });
  it('an activation after Add is fused into the Add; after pooling it stays', () => {
    const b = new GraphBuilder('m');
    const x = b.input('in', [4, 4, 2]);
    const s = b.add('sum', [b.conv2d('a', x, { filters: 2, kernel: 1 }), x]);
    const p = b.maxPool2d('pool', b.activation('relu', s, 'relu'), { pool: 2 });
    b.activation('act2', p, 'sigmoid');
    const r = analyze(b.build());
    expect(r.layers.find((l) => l.name === 'relu')).toMatchObject({ role: 'fused', into: 'sum' });
    expect(r.layers.find((l) => l.name === 'act2')).toMatchObject({ role: 'op' });
  });
});
