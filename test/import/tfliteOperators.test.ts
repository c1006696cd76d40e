// TensorFlow Lite operators as Frontier layers, the builtin code's two fields, unknown operators, and the errors a
// file that contradicts itself gets (each naming the file, the operator and the tensor).
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { inferShapes } from '../../src/shared/model/shapes';
import type { Layer, ModelGraph } from '../../src/shared/model/types';
import { GraphBuilder } from '../../src/shared/presets';
import { errorOf, importPlan, importTflite } from './tflite/helpers';
import {
  ActivationFunctionType,
  BuiltinOperator,
  BuiltinOptions,
  graphToTflite,
  int32Data,
  planTflite,
  serializeTflite,
  TensorType,
  type TflitePlan,
} from './tflite/writer';

const byName = (g: ModelGraph, name: string): Layer => g.layers.find((l) => l.name === name) as Layer;
const strip = (layer: Layer): Record<string, unknown> => {
  const { name: _name, inputs: _inputs, ...spec } = layer as Layer & Record<string, unknown>;
  return spec;
};

/** A graph with one of every operator Frontier reads (float32 as written). */
function zoo(): ModelGraph {
  const b = new GraphBuilder('zoo');
  const x = b.input('in', [16, 16, 4]);
  const grouped = b.conv2d('grouped', x, { filters: 8, kernel: 3, groups: 2, padding: 'same', activation: 'relu6' });
  const dilated = b.conv2d('dilated', grouped, { filters: 8, kernel: 3, dilation: 2, strides: 2, activation: 'relu' });
  const dw = b.depthwiseConv2d('dw', dilated, { kernel: 3, depthMultiplier: 2, padding: 'same', activation: 'relu_n1_to_1' });
  const pool = b.maxPool2d('maxpool', dw, { pool: 2, strides: 1, padding: 'same' });
  const avg = b.averagePool2d('avgpool', pool, { pool: 2 });
  const pad = b.zeroPadding2d('pad', avg, [[1, 0], [0, 2]]);
  const sig = b.activation('sigmoid', pad, 'sigmoid');
  const tanh = b.activation('tanh', sig, 'tanh');
  const hs = b.activation('hswish', tanh, 'hard_swish');
  const relu = b.activation('relu', hs, 'relu');
  const relu6 = b.activation('relu6', relu, 'relu6');
  const mul = b.layer('mul', [relu6, pad], { type: 'Multiply' });
  const add = b.add('add', [mul, relu6]);
  const addRelu = b.activation('add_relu', add, 'relu6');
  const scaled = b.layer('scaled', [addRelu], { type: 'Multiply', constantOperand: true });
  const cat = b.concatenate('cat', [scaled, addRelu]);
  const mean = b.globalAveragePool2d('mean', cat, { keepDims: true });
  const rows = b.reshape('rows', mean, [4, 8]);
  const perRow = b.dense('per_row', rows, { units: 3, activation: 'relu' });
  const flat = b.flatten('flat', perRow);
  const fc = b.dense('fc', flat, { units: 5 });
  const soft = b.activation('softmax', fc, 'softmax');
  const q = b.layer('q', [soft], { type: 'Cast', to: 'int8' });
  const dq = b.layer('dq', [q], { type: 'Cast', to: 'fp32' });
  return b.build(dq);
}

describe('operators as layers', () => {
  const graph = zoo();
  const imported = importTflite(graphToTflite(graph), 'zoo.tflite');
  it('every operator comes back as the layer it was written from', () => {
    const expected: Record<string, Record<string, unknown>> = {
      grouped: { type: 'Conv2D', filters: 8, kernel: [3, 3], strides: [1, 1], padding: 'same', dilation: [1, 1], groups: 2, useBias: true, activation: 'relu6' },
      dilated: { type: 'Conv2D', filters: 8, kernel: [3, 3], strides: [2, 2], padding: 'valid', dilation: [2, 2], groups: 1, useBias: true, activation: 'relu' },
      dw: { type: 'DepthwiseConv2D', kernel: [3, 3], strides: [1, 1], padding: 'same', dilation: [1, 1], depthMultiplier: 2, useBias: true, activation: 'relu_n1_to_1' },
      maxpool: { type: 'MaxPooling2D', pool: [2, 2], strides: [1, 1], padding: 'same' },
      avgpool: { type: 'AveragePooling2D', pool: [2, 2], strides: [2, 2], padding: 'valid' },
      pad: { type: 'ZeroPadding2D', padding: [[1, 0], [0, 2]] },
      sigmoid: { type: 'Activation', activation: 'sigmoid', standalone: true },
      tanh: { type: 'Activation', activation: 'tanh', standalone: true },
      hswish: { type: 'Activation', activation: 'hard_swish', standalone: true },
      relu: { type: 'Activation', activation: 'relu', standalone: true },
      relu6: { type: 'Activation', activation: 'relu6', standalone: true },
      mul: { type: 'Multiply' },
      add: { type: 'Add' },
      'add/relu6': { type: 'Activation', activation: 'relu6' },
      scaled: { type: 'Multiply', constantOperand: true },
      cat: { type: 'Concatenate', axis: 2 },
      mean: { type: 'GlobalAveragePooling2D', keepDims: true },
      rows: { type: 'Reshape', targetShape: [4, 8] },
      per_row: { type: 'Dense', units: 3, useBias: true, activation: 'relu' },
      flat: { type: 'Flatten' },
      fc: { type: 'Dense', units: 5, useBias: true, activation: 'linear' },
      softmax: { type: 'Activation', activation: 'softmax', standalone: true },
      q: { type: 'Cast', to: 'int8' },
      dq: { type: 'Cast', to: 'fp32' },
    };
    expect(Object.fromEntries(imported.layers.filter((l) => l.type !== 'Input').map((l) => [l.name, strip(l)]))).toEqual(expected);
    expect(byName(imported, 'add/relu6').inputs).toEqual(['add']);
    expect(byName(imported, 'cat').inputs).toEqual(['scaled', 'add/relu6']);
  });
  it('shapes, parameters and MACs equal the graph it was written from', () => {
    const shapes = inferShapes(graph);
    const importedShapes = inferShapes(imported);
    for (const layer of graph.layers) {
      if (layer.name === 'add_relu') continue;
      expect(importedShapes.get(layer.name), layer.name).toEqual(shapes.get(layer.name));
    }
    const a = analyze(graph);
    const b = analyze(imported);
    expect([b.params, b.macs]).toEqual([a.params, a.macs]);
    expect(b.macs).toBeGreaterThan(0);
  });
  it('SQUEEZE reads like RESHAPE, and the layer remembers the operator', () => {
    const plan = planTflite(graph);
    for (const op of plan.operators) if (op.builtin === BuiltinOperator.RESHAPE) op.builtin = BuiltinOperator.SQUEEZE;
    const m = importPlan(plan);
    expect(strip(byName(m, 'flat'))).toEqual({ type: 'Flatten', sourceOp: 'SQUEEZE' });
    expect(strip(byName(m, 'rows'))).toEqual({ type: 'Reshape', targetShape: [4, 8], sourceOp: 'SQUEEZE' });
  });
  it('FULLY_CONNECTED without options reads its whole input as one vector', () => {
    const b = new GraphBuilder('fc');
    const x = b.input('in', [2, 2, 3]);
    b.layer('fc', [x], { type: 'Dense', units: 4, useBias: false, activation: 'linear', flattenInput: true });
    const plan = planTflite(b.build());
    delete plan.operators[0].options;
    const m = importPlan(plan);
    expect(strip(byName(m, 'fc'))).toEqual({ type: 'Dense', units: 4, useBias: false, activation: 'linear', flattenInput: true });
    expect(analyze(m)).toMatchObject({ params: 48, macs: 48 });
  });
});

describe('the builtin code: the larger of builtin_code and deprecated_builtin_code', () => {
  const b = new GraphBuilder('codes');
  const x = b.input('in', [4, 4, 2]);
  const c = b.conv2d('conv', x, { filters: 2, kernel: 1 });
  b.layer('gelu', [c], { type: 'Opaque', op: 'GELU', outputShape: [4, 4, 2] });
  const g = b.build();
  it('old files set only the deprecated byte, new ones both fields, or only the new one: all read alike', () => {
    const read = (opcodeStyle: 'both' | 'deprecated' | 'builtin') =>
      importPlan({ ...planTflite(g), opcodeStyle }, 'codes.tflite', { allowUnknownOps: true }).layers.map((l) => [l.name, l.type]);
    expect(read('both')).toEqual([['in', 'Input'], ['conv', 'Conv2D'], ['gelu', 'Opaque']]);
    expect(read('builtin')).toEqual(read('both'));
  });
  it('codes above 127 are read from builtin_code (the deprecated byte holds the placeholder 127)', () => {
    const err = errorOf(() => importTflite(graphToTflite(g), 'codes.tflite'));
    expect(err.message).toContain('GELU ×1');
    const plan = { ...planTflite(g), opcodeStyle: 'deprecated' as const };
    // A file with only the byte cannot say GELU: 150 does not fit, and the placeholder is what it reads.
    expect(errorOf(() => importPlan(plan, 'codes.tflite')).message).toContain('PLACEHOLDER_FOR_GREATER_OP_CODES ×1');
  });
});

describe('unknown operators', () => {
  const b = new GraphBuilder('unknown');
  const x = b.input('in', [8, 4]);
  const s1 = b.layer('svdf1', [x], { type: 'Opaque', op: 'SVDF', outputShape: [8] });
  const s2 = b.layer('svdf2', [s1], { type: 'Opaque', op: 'SVDF', outputShape: [8] });
  const custom = b.layer('post', [s2], { type: 'Opaque', op: 'TFLite_Detection_PostProcess', outputShape: [8] });
  const d = b.dense('fc', custom, { units: 2 });
  const g = b.build(d);
  it('are one error listing every unknown operator by name and count', () => {
    const err = errorOf(() => importTflite(graphToTflite(g), 'kws.tflite'));
    expect(err.message).toMatch(/^kws\.tflite: 3 operators Frontier does not know: SVDF ×2, custom operator "TFLite_Detection_PostProcess" ×1\./);
    expect(err.message).toContain('--allow-unknown-ops');
  });
  it('come before any other complaint about the file', () => {
    const plan = planTflite(g);
    plan.tensors[plan.inputs[0]].shape = [3, 8, 4]; // a batch of 3: refused on its own
    plan.tensors[plan.operators[3].inputs[1]].buffer = 0; // the filter is no longer constant
    const err = errorOf(() => importPlan(plan, 'kws.tflite'));
    expect(err.message).toContain('3 operators Frontier does not know');
    expect(errorOf(() => importPlan(plan, 'kws.tflite', { allowUnknownOps: true })).message).toContain('batch of 3');
  });
  it('with allowUnknownOps become zero-MAC layers with the file shapes, and the analysis warns', () => {
    const m = importTflite(graphToTflite(g), 'kws.tflite', { allowUnknownOps: true });
    expect(strip(byName(m, 'svdf1'))).toEqual({ type: 'Opaque', op: 'SVDF', outputShape: [8] });
    expect(strip(byName(m, 'post'))).toEqual({ type: 'Opaque', op: 'custom operator "TFLite_Detection_PostProcess"', outputShape: [8] });
    const r = analyze(m);
    expect(r.macs).toBe(16);
    expect(r.layers.find((l) => l.name === 'svdf1')).toMatchObject({ macs: 0, params: 0, activationBytes: 32 });
    expect(r.notes.find((n) => n.startsWith('unknown operators analysed as zero-MAC operations'))).toContain('svdf1 (SVDF)');
  });
});

describe('files that contradict themselves', () => {
  const b = new GraphBuilder('small');
  const x = b.input('in', [8, 8, 1]);
  const c = b.conv2d('conv', x, { filters: 4, kernel: 3 });
  const p = b.globalAveragePool2d('mean', c);
  b.dense('fc', p, { units: 2 });
  const g = b.build();
  const fresh = (): TflitePlan => planTflite(g, { precision: 'int8' });
  const tensorNamed = (plan: TflitePlan, name: string): number => plan.tensors.findIndex((t) => t.name === name);
  const fails = (plan: TflitePlan): string => errorOf(() => importPlan(plan, 'bad.tflite')).message;

  it('an output shape Frontier does not compute names the operator, the tensor and both shapes', () => {
    const plan = fresh();
    plan.tensors[tensorNamed(plan, 'conv')].shape = [1, 7, 7, 4];
    expect(fails(plan)).toBe(
      'bad.tflite: operator 0 (CONV_2D) writes tensor 3 "conv" of shape 1×7×7×4, but its Conv2D layer "conv" computes 6×6×4 (batch left out)',
    );
  });
  it('a bias of the wrong length names the tensor and the counts', () => {
    const plan = fresh();
    const bias = tensorNamed(plan, 'conv/bias');
    plan.tensors[bias].shape = [5];
    plan.buffers[plan.tensors[bias].buffer].size = 20;
    expect(fails(plan)).toContain('operator 0 (CONV_2D): its bias tensor 2 "conv/bias" holds 5 values (shape 5), but its Conv2D layer "conv" counts 4');
  });
  it('a buffer that does not hold the bytes its tensor needs', () => {
    const plan = fresh();
    plan.buffers[plan.tensors[tensorNamed(plan, 'fc/kernel')].buffer].size = 7;
    expect(fails(plan)).toMatch(/operator 2 \(FULLY_CONNECTED\): tensor \d+ "fc\/kernel" of shape 2×4 and type INT8 needs 8 bytes, its buffer \d+ holds 7/);
  });
  it('a filter that is not constant', () => {
    const plan = fresh();
    plan.tensors[tensorNamed(plan, 'conv/kernel')].buffer = 0;
    expect(fails(plan)).toContain('operator 0 (CONV_2D): its filter (input 2), tensor 1 "conv/kernel", is not constant');
  });
  it('an input with a batch above 1', () => {
    const plan = fresh();
    plan.tensors[0].shape = [2, 8, 8, 1];
    expect(fails(plan)).toContain('model input tensor 0 "in" has a batch of 2');
  });
  it('operators out of order: a tensor read before it is written', () => {
    const plan = fresh();
    plan.operators.reverse();
    expect(fails(plan)).toMatch(/operator 0 \(FULLY_CONNECTED\) reads tensor \d+ "mean" before any operator writes it/);
  });
  it('missing options, an unknown padding, an unknown fused activation', () => {
    const plan = fresh();
    delete plan.operators[0].options;
    expect(fails(plan)).toBe('bad.tflite: operator 0 (CONV_2D): its Conv2DOptions are missing');
    const padding = fresh();
    padding.operators[0].options!.fields[0] = 7;
    expect(fails(padding)).toContain('operator 0 (CONV_2D): padding 7 is neither SAME nor VALID');
    const sign = fresh();
    sign.operators[0].options!.fields[3] = ActivationFunctionType.SIGN_BIT;
    expect(fails(sign)).toContain('operator 0 (CONV_2D) has a fused activation SIGN_BIT Frontier does not know');
  });
  it('a mean over other axes than height and width, a pad of the channels', () => {
    const plan = fresh();
    const axes = plan.tensors[tensorNamed(plan, 'mean/axes')];
    plan.buffers[axes.buffer].data = int32Data([1, 3]);
    expect(fails(plan)).toContain('operator 1 (MEAN): a mean over axes [1, 3] of a rank-4 tensor');
    const pb = new GraphBuilder('pad');
    pb.zeroPadding2d('pad', pb.input('in', [4, 4, 2]), 1);
    const pad = planTflite(pb.build());
    const paddings = pad.tensors[tensorNamed(pad, 'pad/paddings')];
    pad.buffers[paddings.buffer].data = int32Data([0, 0, 1, 1, 1, 1, 0, 1]);
    pad.tensors[tensorNamed(pad, 'pad')].shape = [1, 6, 6, 3];
    expect(fails(pad)).toContain('operator 0 (PAD): paddings [0, 0, 1, 1, 1, 1, 0, 1]');
  });
  it('activations of a type Frontier cannot size', () => {
    const plan = fresh();
    plan.tensors[tensorNamed(plan, 'mean')].type = TensorType.INT64;
    expect(fails(plan)).toContain('tensor 5 "mean" holds INT64 values, which Frontier cannot size');
  });
  it('a dimension of 0 and a reference to a tensor that does not exist', () => {
    const zero = fresh();
    zero.tensors[tensorNamed(zero, 'mean')].shape = [1, 0];
    expect(fails(zero)).toContain('tensor 5 "mean" has a dimension of 0 in its shape [1, 0]');
    const missing = fresh();
    missing.operators[1].inputs[0] = 99;
    expect(fails(missing)).toContain('the inputs of operator 1 (entry 0) refers to tensor 99, but subgraph 0 has');
  });
  it('a model without operators', () => {
    const plan = fresh();
    plan.operators = [];
    plan.outputs = [0];
    expect(fails(plan)).toContain('subgraph 0 has no operators');
  });
  it('other subgraphs are left out, and the notes say so', () => {
    const m = importPlan({ ...fresh(), extraSubgraphs: 2 });
    expect(m.source?.notes).toContain('the file has 3 subgraphs; Frontier analyses subgraph 0, the main model');
  });
});

describe('layouts and storage', () => {
  const b = new GraphBuilder('layout');
  const x = b.input('in', [8, 8, 3]);
  b.dense('fc', b.flatten('flat', b.conv2d('conv', x, { filters: 8, kernel: 3, activation: 'relu' })), { units: 4 });
  const g = b.build();
  it('constant data outside the FlatBuffer (the >2 GB layout) reads like inline data', () => {
    const inline = importTflite(graphToTflite(g, { precision: 'int8' }));
    const external = importTflite(graphToTflite(g, { precision: 'int8', externalData: true }));
    expect(external.layers).toEqual(inline.layers);
    expect(external.source).toEqual(inline.source);
    expect(analyze(external).storedParamBytes).toBe(analyze(inline).paramBytes);
  });
  it('float16 weights widened by DEQUANTIZE are constants, stored at 16 bits', () => {
    const plan = planTflite(g);
    // Replace each float32 kernel by a float16 constant and a DEQUANTIZE that writes the float32 kernel.
    for (const name of ['conv/kernel', 'fc/kernel']) {
      const k = plan.tensors.findIndex((t) => t.name === name);
      const kernel = plan.tensors[k];
      plan.buffers[kernel.buffer].size /= 2;
      plan.tensors.push({ ...kernel, name: `${name}/fp16`, type: TensorType.FLOAT16 });
      plan.tensors[k] = { ...kernel, buffer: 0 };
      plan.operators.unshift({ builtin: BuiltinOperator.DEQUANTIZE, inputs: [plan.tensors.length - 1], outputs: [k] });
    }
    const m = importPlan(plan);
    expect(m.layers.map((l) => l.type)).toEqual(['Input', 'Conv2D', 'Flatten', 'Dense']);
    expect(m.source?.precision).toBe('w16a32');
    expect(m.source?.notes).toContain('FLOAT16 weights are dequantized by DEQUANTIZE operators before use; they are counted as stored');
    const r = analyze(m);
    expect(r.params).toBe(analyze(g).params);
    expect(r.storedParamBytes).toBe((3 * 3 * 3 * 8 + 6 * 6 * 8 * 4) * 2 + (8 + 4) * 4);
  });
  it('options of another operator type are not read as this operator’s', () => {
    const plan = planTflite(g);
    plan.operators[0].options = { type: BuiltinOptions.Pool2DOptions, fields: [0, 1, 1, 1, 1, 0] };
    expect(errorOf(() => importPlan(plan, 'x.tflite')).message).toBe('x.tflite: operator 0 (CONV_2D): its Conv2DOptions are missing');
    expect(serializeTflite(plan).length).toBeGreaterThan(0);
  });
});
