// Structural edits: channels, ratios, Add groups, consumers following, and their errors.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { applyChannelEdits, channelGroups, keptChannels } from '../../src/shared/model/edit';
import { inferShapes } from '../../src/shared/model/shapes';
import { examCnn, GraphBuilder, mlperfIc } from '../../src/shared/presets';

function residual() {
  const b = new GraphBuilder('res');
  const x = b.input('in', [8, 8, 3]);
  const stem = b.conv2d('stem', x, { filters: 16, kernel: 3, padding: 'same' });
  const s1 = b.activation('stem_relu', b.batchNorm('stem_bn', stem), 'relu');
  const c1 = b.conv2d('c1', s1, { filters: 16, kernel: 3, padding: 'same' });
  const c2 = b.conv2d('c2', b.activation('c1_relu', c1, 'relu'), { filters: 16, kernel: 3, padding: 'same' });
  const a1 = b.activation('a1_relu', b.add('add1', [s1, b.batchNorm('c2_bn', c2)]), 'relu');
  const c3 = b.conv2d('c3', a1, { filters: 16, kernel: 3, padding: 'same' });
  const a2 = b.add('add2', [a1, c3]);
  b.dense('head', b.flatten('flat', b.globalAveragePool2d('gap', a2)), { units: 4 });
  return b.build();
}

describe('channel edits', () => {
  it('consumers follow: conv2 input channels, flatten size, dense inputs', () => {
    const { graph } = applyChannelEdits(examCnn(), { channels: { conv1: 8, conv2: 8 } });
    const shapes = inferShapes(graph);
    expect(shapes.get('flatten')).toEqual([7200]);
    expect(analyze(graph).layers.find((l) => l.name === 'dense')!.params).toBe(21603);
  });
  it('keeps round((1 − r)·C) channels, at least 1', () => {
    expect(keptChannels(16, 0.5)).toBe(8);
    expect(keptChannels(15, 0.5)).toBe(8); // 7.5 rounds up
    expect(keptChannels(3, 0.9)).toBe(1);
    expect(keptChannels(32, 0)).toBe(32);
  });
  it('finds the layers an Add ties together, through BN and activations', () => {
    const groups = channelGroups(residual());
    expect(groups).toHaveLength(1);
    expect(groups[0].members).toEqual(['stem', 'c2', 'c3']);
    expect(groups[0].adds).toEqual(['add1', 'add2']);
  });
  it('editing one member of an Add group edits the group, and says so', () => {
    const { graph, notes } = applyChannelEdits(residual(), { channels: { c2: 8 } });
    const shapes = inferShapes(graph);
    expect(shapes.get('stem')).toEqual([8, 8, 8]);
    expect(shapes.get('c3')).toEqual([8, 8, 8]);
    expect(shapes.get('c1')).toEqual([8, 8, 16]);
    expect(notes.join('\n')).toMatch(/also sets stem, c3 to 8: joined by add1, add2/);
  });
  it('conflicting edits inside one group are refused with both values named', () => {
    expect(() => applyChannelEdits(residual(), { channels: { c2: 8, c3: 4 } })).toThrow(/disagree \(8 vs 4\)/);
  });
  it('a group tied to the model input cannot change', () => {
    const b = new GraphBuilder('m');
    const x = b.input('in', [4, 4, 2]);
    b.add('sum', [x, b.conv2d('c', x, { filters: 2, kernel: 1 })]);
    expect(() => applyChannelEdits(b.build(), { channels: { c: 4 } })).toThrow(/tied by sum to "in"/);
  });
  it('prune "*" applies to every prunable layer except the output layer', () => {
    const { graph } = applyChannelEdits(examCnn(), { prune: { '*': 0.5 } });
    const r = analyze(graph);
    expect(r.channels).toEqual({ conv1: 8, conv2: 16, dense: 3 });
  });
  it('prune "*" on ResNet-8 keeps Add groups consistent', () => {
    const { graph } = applyChannelEdits(mlperfIc(), { prune: { '*': 0.5 } });
    expect(() => inferShapes(graph)).not.toThrow();
  });
  it('a literal Reshape after global pooling follows the channel change', () => {
    const b = new GraphBuilder('m');
    const c = b.conv2d('c', b.input('in', [4, 4, 3]), { filters: 16, kernel: 1 });
    const r = b.reshape('r', b.globalAveragePool2d('g', c), [1, 1, 16]);
    b.conv2d('head', r, { filters: 2, kernel: 1 });
    const { graph, notes } = applyChannelEdits(b.build(), { channels: { c: 4 } });
    expect(inferShapes(graph).get('r')).toEqual([1, 1, 4]);
    expect(notes[0]).toMatch(/r: reshape target follows/);
  });
});

describe('edit errors name the layer and the value', () => {
  it.each([
    [{ channels: { conv9: 8 } }, /"conv9" is not a layer with output channels in exam-cnn; choose one of conv1, conv2, dense/],
    [{ channels: { pool1: 8 } }, /"pool1" is not a layer with output channels/],
    [{ channels: { conv1: 0 } }, /channels conv1: must be a whole number ≥ 1, got 0/],
    [{ channels: { conv1: 2.5 } }, /got 2.5/],
    [{ prune: { conv1: 1 } }, /prune conv1: the ratio must be in \[0, 1\), got 1/],
    [{ prune: { conv1: -0.1 } }, /got -0.1/],
    [{ channels: { conv1: 8 }, prune: { conv1: 0.25 } }, /conv1: prune conv1=0.25 asks for 12 channels and channels conv1=8 for 8/],
  ])('%j', (edits, message) => {
    expect(() => applyChannelEdits(examCnn(), edits)).toThrow(message);
  });
});

describe('shape errors name the layer and the numbers', () => {
  it('a kernel that does not fit', () => {
    const b = new GraphBuilder('m');
    const p = b.maxPool2d('pool', b.input('in', [4, 4, 1]), { pool: 2 });
    b.conv2d('conv2', p, { filters: 1, kernel: 3 });
    expect(() => inferShapes(b.build())).toThrow('conv2: 3×3 kernel does not fit a 2×2 input with valid padding');
  });
  it('a pool that does not fit, a bad reshape, mismatched Add, conv on a vector', () => {
    const b = new GraphBuilder('m');
    const x = b.input('in', [3, 3, 2]);
    b.maxPool2d('p', x, { pool: 4 });
    expect(() => inferShapes(b.build())).toThrow('p: 4×4 pool does not fit a 3×3 input with valid padding');
    const b2 = new GraphBuilder('m');
    b2.reshape('r', b2.input('in', [3, 3, 2]), [4, 4]);
    expect(() => inferShapes(b2.build())).toThrow('r: cannot reshape 3×3×2 (18 values) to 4×4 (16 values)');
    const b3 = new GraphBuilder('m');
    const y = b3.input('in', [3, 3, 2]);
    b3.add('sum', [y, b3.conv2d('c', y, { filters: 3, kernel: 1 })]);
    expect(() => inferShapes(b3.build())).toThrow('sum: Add needs equal shapes, it gets 3×3×2 and 3×3×3 (from in, c)');
    const b4 = new GraphBuilder('m');
    b4.conv2d('c', b4.input('in', [9]), { filters: 3, kernel: 1 });
    expect(() => inferShapes(b4.build())).toThrow('c: Conv2D needs an H×W×C input, it gets 9');
  });
  it('groups that do not divide the channels', () => {
    const b = new GraphBuilder('m');
    b.conv2d('g', b.input('in', [4, 4, 3]), { filters: 4, kernel: 1, groups: 2 });
    expect(() => inferShapes(b.build())).toThrow('g: 2 groups must divide both the 3 input channels and the 4 filters');
  });
  it('an edit that empties a layer is refused before analysis', () => {
    expect(() => analyze(examCnn(), { channels: { conv2: 0 } })).toThrow(/got 0/);
  });
});
