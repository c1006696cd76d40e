// TensorFlow Lite import: the real TFLM models' published figures, precision from the file, names, the arena plan
// worked by hand, and structural edits on imported graphs.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { CompiledModel, emptyFigures } from '../../src/shared/analysis/compiled';
import { parsePrecision } from '../../src/shared/analysis/precision';
import { applyChannelEdits } from '../../src/shared/model/edit';
import { graphToNative, nativeToGraph } from '../../src/shared/model/native';
import { inferShapes } from '../../src/shared/model/shapes';
import type { Layer, ModelGraph } from '../../src/shared/model/types';
import { GraphBuilder, mlperfIc, mlperfVww } from '../../src/shared/presets';
import { fixtureBytes, importPlan, importTflite } from './tflite/helpers';
import { graphToTflite, planTflite, reverseActivationOrder } from './tflite/writer';

const person = importTflite(fixtureBytes('person_detect.tflite'), 'person_detect.tflite');
const hello = importTflite(fixtureBytes('hello_world_int8.tflite'), 'hello_world_int8.tflite');
const MEMORY = ['largest-tensor', 'layer-io', 'liveness', 'arena'] as const;
const operators = (g: ModelGraph): Layer[] => g.layers.filter((l) => l.type !== 'Input');
const byName = (g: ModelGraph, name: string): Layer => g.layers.find((l) => l.name === name) as Layer;

describe('person_detect.tflite (TFLM person detection, MobileNetV1 0.25, int8)', () => {
  const report = (memoryModel: (typeof MEMORY)[number]) => analyze(person, { memoryModel });
  it('gives the published figures: 31 operators, 210,706 parameters, 218,920 B, 7,157,888 MACs', () => {
    expect(operators(person)).toHaveLength(31);
    const r = report('layer-io');
    expect(r).toMatchObject({
      params: 210706,
      paramBytes: 218920,
      storedParamBytes: 218920,
      macs: 7157888,
      flops: 2 * 7157888,
      peakActivationBytes: 55296,
      precision: 'int8',
      biasMode: 'int32',
      format: 'tflite',
      filePrecision: 'int8',
      whatIf: false,
    });
  });
  it('largest tensor 36,864 B; 55,296 B under layer-io and under the arena plan', () => {
    expect(report('largest-tensor').peakActivationBytes).toBe(36864);
    expect(report('layer-io').peakActivationBytes).toBe(55296);
    const arena = report('arena');
    expect(arena.peakActivationBytes).toBe(55296);
    expect(arena.arena?.bytes).toBe(55296);
    expect(arena.arena?.livenessBoundBytes).toBe(55296);
    // Every activation tensor of the file is a buffer of the plan: 31 outputs + the input.
    expect(arena.arena?.buffers).toHaveLength(32);
  });
  it('operators as the file has them: 14 depthwise, 14 conv, a pool, a reshape, a standalone softmax', () => {
    const count = (type: string): number => operators(person).filter((l) => l.type === type).length;
    expect([count('DepthwiseConv2D'), count('Conv2D'), count('AveragePooling2D'), count('Flatten'), count('Activation')]).toEqual([14, 14, 1, 1, 1]);
    expect(byName(person, 'MobilenetV1/Predictions/Reshape_1')).toMatchObject({ type: 'Activation', activation: 'softmax', standalone: true });
  });
  it('its first operator is a depthwise convolution with a depth multiplier of 8 (1 channel in, 8 out)', () => {
    const first = byName(person, 'MobilenetV1/MobilenetV1/Conv2d_0/Relu6');
    expect(first).toMatchObject({ type: 'DepthwiseConv2D', depthMultiplier: 8, kernel: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu6', inputs: ['input'] });
    const layer = analyze(person).layers.find((l) => l.name === first.name)!;
    expect(layer).toMatchObject({ outputShape: [48, 48, 8], params: 3 * 3 * 8 + 8, macs: 48 * 48 * 8 * 9 });
  });
  it('names layers after tensors and keeps the file tensor order for the arena (the input is the last tensor)', () => {
    const order = person.source?.tensorOrder ?? [];
    expect(order).toHaveLength(32);
    expect(order[0]).toBe('MobilenetV1/Logits/AvgPool_1a/AvgPool');
    expect(order[order.length - 1]).toBe('input');
    expect(person.outputs).toEqual(['MobilenetV1/Predictions/Reshape_1']);
  });
  it("survives Frontier's own model format, which carries graphs between the app's processes", () => {
    const copy = nativeToGraph(JSON.parse(JSON.stringify(graphToNative(person))), 'copy');
    expect(copy).toEqual(person);
    for (const memoryModel of MEMORY) expect(analyze(copy, { memoryModel })).toEqual(analyze(person, { memoryModel }));
  });
  it('other precisions are what-if figures, labelled as such', () => {
    const r = analyze(person, { precision: 'fp32' });
    expect(r.whatIf).toBe(true);
    expect(r.storedParamBytes).toBeNull();
    expect(r.paramBytes).toBe(210706 * 4);
    expect(r.notes.some((n) => n.startsWith('what if: the file stores int8'))).toBe(true);
  });
});

describe('hello_world_int8.tflite (three fully connected layers)', () => {
  it('gives the published figures: 3 operators, 321 parameters, 420 B, 288 MACs, 16 B largest, 32 B layer-io', () => {
    expect(operators(hello)).toHaveLength(3);
    expect(operators(hello).every((l) => l.type === 'Dense')).toBe(true);
    const r = analyze(hello);
    expect(r).toMatchObject({ params: 321, paramBytes: 420, storedParamBytes: 420, macs: 288, peakActivationBytes: 32, precision: 'int8', biasMode: 'int32' });
    expect(analyze(hello, { memoryModel: 'largest-tensor' }).peakActivationBytes).toBe(16);
    expect(analyze(hello, { memoryModel: 'arena' }).peakActivationBytes).toBe(32);
  });
});

describe('precision from the file', () => {
  const g = (() => {
    const b = new GraphBuilder('p');
    const x = b.input('in', [8, 8, 1]);
    const c = b.conv2d('conv', x, { filters: 4, kernel: 3, activation: 'relu' });
    const d = b.dense('fc', b.flatten('flat', c), { units: 3, activation: 'softmax' });
    return b.build(d);
  })();
  it('float32 → fp32, biases at the weight precision', () => {
    const m = importTflite(graphToTflite(g, { precision: 'fp32' }));
    expect(m.source).toMatchObject({ format: 'tflite', precision: 'fp32', biasMode: 'weight' });
    expect(m.source?.layerPrecisions).toBeUndefined();
    expect(analyze(m).paramBytes).toBe(m.source?.storedWeightBytes);
  });
  it('int8 weights and activations with int32 biases → int8 with int32 biases', () => {
    const m = importTflite(graphToTflite(g, { precision: 'int8' }));
    expect(m.source).toMatchObject({ precision: 'int8', biasMode: 'int32' });
    const r = analyze(m);
    expect(r.paramBytes).toBe(36 + 6 * 6 * 4 * 3 + 4 * 4 + 3 * 4);
    expect(r.storedParamBytes).toBe(r.paramBytes);
  });
  it('hybrid: int8 weights with float activations → w8a32, said to be hybrid', () => {
    const m = importTflite(graphToTflite(g, { precision: 'hybrid' }));
    expect(m.source).toMatchObject({ precision: 'w8a32' });
    expect(m.source?.notes?.some((n) => n.startsWith('hybrid model: int8 weights, fp32 activations'))).toBe(true);
    const r = analyze(m);
    expect(r.filePrecision).toBe('w8a32');
    // int8 weights, float32 biases (4 bytes each), float32 activations.
    expect(r.paramBytes).toBe(36 + 6 * 6 * 4 * 3 + 4 * 4 + 3 * 4);
    expect(r.paramBytes).toBe(r.storedParamBytes);
    expect(r.layers.find((l) => l.name === 'conv')?.activationBytes).toBe(6 * 6 * 4 * 4);
  });
  it('tensors stored otherwise than the file (a float input and output around an int8 model) → layerPrecisions', () => {
    const m = importTflite(graphToTflite(g, { precision: 'int8', floatIo: true }));
    expect(m.source?.precision).toBe('int8');
    expect(m.source?.layerPrecisions).toEqual({ in: 'fp32', 'fc/dequantize': 'fp32' });
    expect(byName(m, 'in/quantize')).toMatchObject({ type: 'Cast', to: 'int8' });
    expect(byName(m, 'fc/dequantize')).toMatchObject({ type: 'Cast', to: 'fp32' });
    const r = analyze(m, { memoryModel: 'largest-tensor' });
    expect(r.layers.find((l) => l.name === 'in')).toMatchObject({ precision: 'fp32', activationBytes: 256 });
    expect(r.peakActivationBytes).toBe(256);
    // What-if figures at another precision ignore the file's own per-layer types.
    expect(analyze(m, { precision: 'int8', memoryModel: 'largest-tensor' }).peakActivationBytes).toBe(256);
    expect(analyze(m, { precision: 'fp32', memoryModel: 'largest-tensor' }).layers.find((l) => l.name === 'in')?.activationBytes).toBe(256);
  });
  it('every precision the importer writes is a precision Frontier reads', () => {
    for (const precision of ['fp32', 'int8', 'hybrid'] as const) {
      const m = importTflite(graphToTflite(g, { precision }));
      expect(() => parsePrecision(m.source?.precision ?? '')).not.toThrow();
    }
  });
});

describe('names', () => {
  const b = new GraphBuilder('n');
  const x = b.input('in', [4, 4, 2]);
  const a = b.conv2d('a', x, { filters: 2, kernel: 1 });
  b.add('sum', [a, x]);
  const g = b.build();
  it('unnamed tensors get generated names, which stay unique', () => {
    const m = importTflite(graphToTflite(g, { unnamed: true }));
    expect(m.layers.map((l) => l.name)).toEqual(['tensor_0', 'tensor_3', 'tensor_4']);
  });
  it('repeated tensor names are made unique', () => {
    const plan = planTflite(g);
    for (const t of plan.tensors) if (plan.buffers[t.buffer].size === 0) t.name = 'x';
    const m = importPlan(plan);
    expect(m.layers.map((l) => l.name)).toEqual(['x', 'x_2', 'x_3']);
    expect(analyze(m).params).toBe(analyze(g).params);
  });
});

describe('parameters and stored bytes', () => {
  it('tensors sharing a buffer are each counted; the stored bytes count the buffer once', () => {
    const b = new GraphBuilder('shared');
    let x = b.input('in', [8, 8, 4]);
    for (let i = 1; i <= 3; i++) x = b.conv2d(`c${i}`, x, { filters: 4, kernel: 1 });
    const g = b.build();
    const m = importTflite(graphToTflite(g, { precision: 'int8', shareBuffers: true }));
    const r = analyze(m);
    expect(r.params).toBe(3 * (16 + 4));
    expect(r.paramBytes).toBe(3 * (16 + 16));
    // one 16-byte int8 kernel buffer and one 16-byte int32 bias buffer
    expect(m.source?.storedWeightBytes).toBe(16 + 16);
    expect(r.storedParamBytes).toBe(32);
  });
  it('constant operands of other operators (a reshape target, paddings, mean axes) are not parameters', () => {
    const b = new GraphBuilder('c');
    const x = b.input('in', [6, 6, 2]);
    const p = b.zeroPadding2d('pad', x, 1);
    const c = b.conv2d('conv', p, { filters: 2, kernel: 3 });
    const m = b.globalAveragePool2d('mean', c, { keepDims: true });
    b.dense('fc', b.flatten('flat', m), { units: 2 });
    const g = b.build();
    const imported = importTflite(graphToTflite(g, { precision: 'int8' }));
    const r = analyze(imported);
    expect(r.params).toBe(3 * 3 * 2 * 2 + 2 + 2 * 2 + 2);
    expect(r.storedParamBytes).toBe(36 + 8 + 4 + 8);
  });
});

describe('arena plans worked by hand', () => {
  // i (4×4×2 = 32 B) → c0 (32 B) → c1 (16 B) → c2 (16 B, output) and c1 → c3 (32 B, output), int8.
  // Lifetimes in allocation scopes: i 0–1, c0 1–2, c1 2–4, c2 3–4 (an output: to the end), c3 4–4.
  const b = new GraphBuilder('hand');
  const i = b.input('i', [4, 4, 2]);
  const c0 = b.conv2d('c0', i, { filters: 2, kernel: 1 });
  const c1 = b.conv2d('c1', c0, { filters: 1, kernel: 1 });
  const c2 = b.conv2d('c2', c1, { filters: 1, kernel: 1 });
  const c3 = b.conv2d('c3', c1, { filters: 2, kernel: 1 });
  const g = b.build([c2, c3]);
  const plan = planTflite(g, { precision: 'int8' });
  const offsets = (m: ModelGraph) =>
    Object.fromEntries((analyze(m, { memoryModel: 'arena' }).arena?.buffers ?? []).map((x) => [x.tensor, x.offset]));

  it('tensors in execution order: 64 B, the liveness bound', () => {
    // Largest first, ties by the higher tensor index: c3, c0, i (32 B), then c2, c1 (16 B).
    // c3 → 0; c0 → 0 (not alive with c3); i → 32 (alive with c0 in scope 1); c2 → 32 (with c3 in scope 4; i and c0
    // are dead by then); c1 → 48 (alive with c3 at 0, c0 at 0 and c2 at 32).
    const m = importPlan(plan);
    expect(m.source?.tensorOrder).toEqual(['i', 'c0', 'c1', 'c2', 'c3']);
    expect(offsets(m)).toEqual({ i: 32, c0: 0, c1: 48, c2: 32, c3: 0 });
    const r = analyze(m, { memoryModel: 'arena' });
    expect(r.peakActivationBytes).toBe(64);
    expect(r.arena?.livenessBoundBytes).toBe(64);
  });
  it('the same model with its activation tensors in reverse order: 80 B', () => {
    // Ties now go i, c0, c3 and c1, c2: i → 0; c0 → 32; c3 → 0; c1 → 64 (above c3 at 0 and c0 at 32);
    // c2 → 32 (the gap between c3 and c1).
    const m = importPlan(reverseActivationOrder(plan));
    expect(m.source?.tensorOrder).toEqual(['c3', 'c2', 'c1', 'c0', 'i']);
    expect(offsets(m)).toEqual({ i: 0, c0: 32, c1: 64, c2: 32, c3: 0 });
    expect(analyze(m, { memoryModel: 'arena' }).peakActivationBytes).toBe(80);
    // The other memory models do not depend on the tensor order.
    for (const memoryModel of ['largest-tensor', 'layer-io', 'liveness'] as const) {
      expect(analyze(m, { memoryModel }).peakActivationBytes).toBe(analyze(importPlan(plan), { memoryModel }).peakActivationBytes);
    }
  });
  it('a reshape is a buffer of its own in the arena (TFLM copies), a view under layer-io', () => {
    const r = new GraphBuilder('r');
    const x = r.input('x', [2, 2, 4]); // 16 B
    const f = r.flatten('f', x); // 16 B in TFLM's plan
    r.dense('d', f, { units: 16 }); // 16 B
    const m = importTflite(graphToTflite(r.build(), { precision: 'int8' }));
    expect(byName(m, 'f').type).toBe('Flatten');
    // x 0–1, f 1–2, d 2–2: x and f overlap, f and d overlap: 32 B.
    expect(analyze(m, { memoryModel: 'arena' }).peakActivationBytes).toBe(32);
    expect(analyze(m, { memoryModel: 'layer-io' }).peakActivationBytes).toBe(32);
    expect(analyze(m, { memoryModel: 'arena' }).arena?.buffers.map((x) => x.tensor)).toEqual(['x', 'f', 'd']);
  });
});

describe('large files', () => {
  it('a model with 24 MB of weights imports without holding them (the VGG-16 scale is in npm run bench:tflite)', () => {
    const b = new GraphBuilder('big');
    const x = b.input('in', [32, 32, 3]);
    const c = b.conv2d('conv', x, { filters: 64, kernel: 3, padding: 'same', activation: 'relu' });
    const f = b.dense('fc1', b.flatten('flat', c), { units: 96 });
    const g = b.build(b.dense('fc2', f, { units: 10 }));
    const bytes = graphToTflite(g, { precision: 'fp32' });
    expect(bytes.length).toBeGreaterThan(24_000_000);
    const m = importTflite(bytes, 'big.tflite');
    expect(analyze(m).storedParamBytes).toBe(4 * (3 * 3 * 3 * 64 + 64 + 32 * 32 * 64 * 96 + 96 + 96 * 10 + 10));
    // The graph keeps shapes and counts, not data.
    expect(JSON.stringify(m).length).toBeLessThan(2000);
  });
});

describe('structural edits on imported graphs', () => {
  it('an imported ResNet-8 edits as the preset does: consumers follow, Add groups stay equal', () => {
    const preset = mlperfIc();
    const imported = importTflite(graphToTflite(preset, { precision: 'int8' }), 'resnet8.tflite');
    const edits = { channels: { stack1_conv2: 8, stack2_conv1: 12 } };
    const a = analyze(preset, { ...edits, precision: 'int8', biasMode: 'int32' });
    const b = analyze(imported, edits);
    expect(b.params).toBe(a.params);
    expect(b.macs).toBe(a.macs);
    expect(b.peakActivationBytes).toBe(a.peakActivationBytes);
    // stack1_conv2 is tied by stack1_add to the stem conv1 (and through it to nothing else).
    expect(b.channels).toMatchObject({ conv1: 8, stack1_conv1: 16, stack1_conv2: 8, stack2_conv1: 12 });
    expect(b.notes.some((n) => n.includes('also sets conv1 to 8'))).toBe(true);
    const shapes = inferShapes(applyChannelEdits(imported, edits).graph);
    expect(shapes.get('stack1_add')).toEqual([32, 32, 8]);
    expect(shapes.get('stack2_conv2')).toEqual([16, 16, 32]);
  });
  it('pruning every layer of person_detect: the next depthwise and the final flatten follow', () => {
    const r = analyze(person, { prune: { '*': 0.5 } });
    expect(r.pruned).toBe(true);
    const layers = Object.fromEntries(r.layers.map((l) => [l.name, l]));
    expect(layers['MobilenetV1/MobilenetV1/Conv2d_1_pointwise/Relu6'].outputShape).toEqual([48, 48, 8]);
    expect(layers['MobilenetV1/MobilenetV1/Conv2d_2_depthwise/Relu6'].outputShape).toEqual([24, 24, 8]);
    expect(layers['MobilenetV1/Logits/AvgPool_1a/AvgPool'].outputShape).toEqual([1, 1, 128]);
    // The classifier (an output) keeps its 2 classes.
    expect(layers['MobilenetV1/Logits/Conv2d_1c_1x1/BiasAdd'].outputShape).toEqual([1, 1, 2]);
    expect(r.macs).toBeLessThan(7157888 / 2);
    expect(r.storedParamBytes).toBeNull();
  });
  it('the sweep path (compiled model) agrees with analyze on an imported graph', () => {
    const imported = importTflite(graphToTflite(mlperfVww(), { precision: 'int8' }), 'vww.tflite');
    for (const memoryModel of MEMORY) {
      const compiled = new CompiledModel(imported, { memoryModel, biasMode: 'int32', headroom: 0, accuracy: null });
      compiled.setChannels(new Map([['conv_pw_3', 16]]));
      const fast = compiled.evaluate(parsePrecision('int8'), null, emptyFigures());
      const slow = analyze(imported, { memoryModel, channels: { conv_pw_3: 16 } });
      expect([fast.params, fast.paramBytes, fast.macs, fast.peakActivationBytes]).toEqual([slow.params, slow.paramBytes, slow.macs, slow.peakActivationBytes]);
    }
  });
  it('a fused activation after ADD stays fused, so the Add group is unchanged', () => {
    const imported = importTflite(graphToTflite(mlperfIc(), { precision: 'fp32' }));
    const relu = byName(imported, 'stack1_add/relu');
    expect(relu).toMatchObject({ type: 'Activation', activation: 'relu', inputs: ['stack1_add'] });
    expect(analyze(imported).layers.find((l) => l.name === 'stack1_add/relu')).toMatchObject({ role: 'fused', into: 'stack1_add' });
  });
});
