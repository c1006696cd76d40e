import { describe, expect, it } from 'vitest';
import { inferShapes, type ShapeMap } from '../src/shared/model/shapes';
import { ModelError, type Layer, type ModelGraph } from '../src/shared/model/types';
import { GraphBuilder } from '../src/shared/presets/builder';
import { PRESETS, findPreset, presetIds } from '../src/shared/presets/index';

// ---------------------------------------------------------------------------------------------
// Local counting helpers, kept independent of Frontier's own analysis code so they check it too.
// Parameters are counted as Keras's model.summary() counts them (BatchNormalization: gamma, beta,
// moving mean and moving variance = 4 per channel); MACs are multiply-accumulates of the weighted
// layers only (no BN, activation, pooling or Add).
// ---------------------------------------------------------------------------------------------

const last = (shape: number[]): number => shape[shape.length - 1];
const positions = (shape: number[]): number => shape.slice(0, -1).reduce((a, b) => a * b, 1);

function layerParams(layer: Layer, shapes: ShapeMap): number {
  const input = layer.inputs.length > 0 ? (shapes.get(layer.inputs[0]) as number[]) : [];
  switch (layer.type) {
    case 'Conv2D': {
      const [kh, kw] = layer.kernel;
      return (kh * kw * last(input)) / layer.groups * layer.filters + (layer.useBias ? layer.filters : 0);
    }
    case 'DepthwiseConv2D': {
      const [kh, kw] = layer.kernel;
      const out = last(input) * layer.depthMultiplier;
      return kh * kw * out + (layer.useBias ? out : 0);
    }
    case 'SeparableConv2D': {
      const [kh, kw] = layer.kernel;
      const mid = last(input) * layer.depthMultiplier;
      return kh * kw * mid + mid * layer.filters + (layer.useBias ? layer.filters : 0);
    }
    case 'Dense':
      return last(input) * layer.units + (layer.useBias ? layer.units : 0);
    case 'BatchNormalization':
      return 4 * last(input);
    default:
      return 0;
  }
}

function layerMacs(layer: Layer, shapes: ShapeMap): number {
  const input = layer.inputs.length > 0 ? (shapes.get(layer.inputs[0]) as number[]) : [];
  const output = shapes.get(layer.name) as number[];
  switch (layer.type) {
    case 'Conv2D': {
      const [kh, kw] = layer.kernel;
      return positions(output) * layer.filters * ((kh * kw * last(input)) / layer.groups);
    }
    case 'DepthwiseConv2D': {
      const [kh, kw] = layer.kernel;
      return positions(output) * last(output) * kh * kw;
    }
    case 'SeparableConv2D': {
      const [kh, kw] = layer.kernel;
      const mid = last(input) * layer.depthMultiplier;
      return positions(output) * (mid * kh * kw + mid * layer.filters);
    }
    case 'Dense':
      return positions(output) * last(input) * layer.units;
    default:
      return 0;
  }
}

interface Counts {
  shapes: ShapeMap;
  params: number;
  macs: number;
  byLayer: Map<string, number>;
}

function count(graph: ModelGraph): Counts {
  const shapes = inferShapes(graph);
  const byLayer = new Map<string, number>();
  let params = 0;
  let macs = 0;
  for (const layer of graph.layers) {
    const p = layerParams(layer, shapes);
    byLayer.set(layer.name, p);
    params += p;
    macs += layerMacs(layer, shapes);
  }
  return { shapes, params, macs, byLayer };
}

const preset = (id: string): ModelGraph => {
  const p = findPreset(id);
  if (!p) throw new Error(`no preset ${id}`);
  return p.build();
};

const layer = (graph: ModelGraph, name: string): Layer => {
  const found = graph.layers.find((l) => l.name === name);
  if (!found) throw new Error(`no layer ${name} in ${graph.name}`);
  return found;
};

const ofType = (graph: ModelGraph, type: Layer['type']): Layer[] => graph.layers.filter((l) => l.type === type);

/** Parameter counts of the weighted and BN layers in graph order, as a Keras summary lists them (zeros dropped). */
const paramColumn = (graph: ModelGraph, c: Counts): number[] =>
  graph.layers.map((l) => c.byLayer.get(l.name) as number).filter((p) => p > 0);

// ---------------------------------------------------------------------------------------------

describe('preset registry', () => {
  it('lists every preset once, with the documented ids', () => {
    expect(presetIds()).toEqual(['exam-cnn', 'mlperf-vww', 'mlperf-kws', 'mlperf-ic', 'mlperf-ad']);
    expect(new Set(presetIds()).size).toBe(PRESETS.length);
  });

  it('finds presets by id and returns undefined for unknown ids', () => {
    expect(findPreset('mlperf-kws')?.name).toContain('DS-CNN');
    expect(findPreset('nope')).toBeUndefined();
  });

  it.each(PRESETS.map((p) => [p.id, p] as const))('%s has metadata and passes shape inference', (id, p) => {
    expect(p.name.length).toBeGreaterThan(0);
    expect(p.description.length).toBeGreaterThan(0);
    expect(p.description).not.toContain('\n');
    expect(p.source.length).toBeGreaterThan(0);
    const graph = p.build();
    expect(graph.name).toBe(id);
    expect(graph.outputs).toHaveLength(1);
    const shapes = inferShapes(graph);
    expect(shapes.size).toBe(graph.layers.length);
    expect(graph.layers.filter((l) => l.type === 'Input').map((l) => l.name)).toEqual(['input']);
  });

  it('MLPerf presets cite the mlcommons/tiny training code and the MLPerf Tiny paper', () => {
    const paths: Record<string, string> = {
      'mlperf-vww': 'benchmark/training/visual_wake_words/vww_model.py',
      'mlperf-kws': 'benchmark/training/keyword_spotting/keras_model.py',
      'mlperf-ic': 'benchmark/training/image_classification/keras_model.py',
      'mlperf-ad': 'benchmark/training/anomaly_detection/keras_model.py',
    };
    for (const [id, path] of Object.entries(paths)) {
      const source = findPreset(id)?.source ?? '';
      expect(source).toContain('mlcommons/tiny');
      expect(source).toContain(path);
      expect(source).toContain('2106.07597');
    }
  });

  it('builds a fresh, independent graph on every call', () => {
    for (const p of PRESETS) {
      const a = p.build();
      const b = p.build();
      expect(a).toEqual(b);
      expect(a).not.toBe(b);
      a.layers[0].name = 'mutated';
      a.layers.pop();
      expect(p.build()).toEqual(b);
    }
  });
});

describe('exam-cnn', () => {
  const graph = preset('exam-cnn');
  const c = count(graph);

  it('has exactly the specified layers', () => {
    expect(graph.layers.map((l) => [l.name, l.type])).toEqual([
      ['input', 'Input'],
      ['conv1', 'Conv2D'],
      ['pool1', 'MaxPooling2D'],
      ['conv2', 'Conv2D'],
      ['pool2', 'MaxPooling2D'],
      ['flatten', 'Flatten'],
      ['dense', 'Dense'],
    ]);
    expect(graph.outputs).toEqual(['dense']);
  });

  it('has the specified layer settings', () => {
    expect(layer(graph, 'conv1')).toMatchObject({
      filters: 16,
      kernel: [3, 3],
      strides: [1, 1],
      padding: 'valid',
      useBias: true,
    });
    expect(layer(graph, 'conv2')).toMatchObject({ filters: 32, kernel: [3, 3], padding: 'valid', useBias: true });
    expect(layer(graph, 'pool1')).toMatchObject({ pool: [2, 2], strides: [2, 2] });
    expect(layer(graph, 'dense')).toMatchObject({ units: 3, useBias: true });
  });

  it('has the expected shapes', () => {
    expect(c.shapes.get('input')).toEqual([128, 128, 1]);
    expect(c.shapes.get('conv1')).toEqual([126, 126, 16]);
    expect(c.shapes.get('pool1')).toEqual([63, 63, 16]);
    expect(c.shapes.get('conv2')).toEqual([61, 61, 32]);
    expect(c.shapes.get('pool2')).toEqual([30, 30, 32]);
    expect(c.shapes.get('flatten')).toEqual([28800]);
    expect(c.shapes.get('dense')).toEqual([3]);
  });

  it('has the hand-computed parameters and MACs', () => {
    // conv1 3·3·1·16+16 = 160, conv2 3·3·16·32+32 = 4,640, dense 28,800·3+3 = 86,403.
    expect(c.params).toBe(160 + 4640 + 86403);
    // 126²·16·9 + 61²·32·144 + 28,800·3.
    expect(c.macs).toBe(2_286_144 + 17_146_368 + 86_400);
  });
});

describe('mlperf-ic (ResNet-8)', () => {
  const graph = preset('mlperf-ic');
  const c = count(graph);

  it('has 30 layers (Input included) and a 10-way softmax output', () => {
    expect(graph.layers).toHaveLength(30);
    expect(c.shapes.get(graph.outputs[0])).toEqual([10]);
    expect(layer(graph, graph.outputs[0])).toMatchObject({ type: 'Dense', units: 10, activation: 'softmax' });
  });

  it('has three stacks with Add skips and 1×1 stride-2 shortcut convs in stacks 2 and 3', () => {
    expect(ofType(graph, 'Conv2D')).toHaveLength(9);
    expect(ofType(graph, 'BatchNormalization')).toHaveLength(7);
    expect(ofType(graph, 'Add').map((l) => l.inputs)).toEqual([
      ['conv1_relu', 'stack1_bn2'],
      ['stack2_shortcut', 'stack2_bn2'],
      ['stack3_shortcut', 'stack3_bn2'],
    ]);
    for (const n of [2, 3]) {
      expect(layer(graph, `stack${n}_shortcut`)).toMatchObject({ kernel: [1, 1], strides: [2, 2], padding: 'same' });
      expect(layer(graph, `stack${n}_conv1`)).toMatchObject({ kernel: [3, 3], strides: [2, 2] });
    }
    for (const conv of ofType(graph, 'Conv2D')) expect(conv).toMatchObject({ padding: 'same', useBias: true });
    expect(c.shapes.get('stack1_add')).toEqual([32, 32, 16]);
    expect(c.shapes.get('stack2_add')).toEqual([16, 16, 32]);
    expect(c.shapes.get('stack3_add')).toEqual([8, 8, 64]);
    expect(c.shapes.get('avg_pool')).toEqual([1, 1, 64]);
  });

  it('matches the published Keras summary parameter by parameter', () => {
    // mlcommons/tiny benchmark/training/image_classification/Logs/training_log.txt (model.summary() of the
    // reference model): "Total params: 78,666", non-trainable 480 (BN moving statistics). Listed in the source's
    // code order (the summary lists conv2d_5 / conv2d_8, the shortcuts, before the second BN of their stack).
    expect(paramColumn(graph, c)).toEqual([
      448, 64, 2320, 64, 2320, 64, 4640, 128, 9248, 128, 544, 18496, 256, 36928, 256, 2112, 650,
    ]);
    expect(c.params).toBe(78_666);
  });

  it('has ≈12.5 M MACs', () => {
    // Computed here: 12,501,632 (the commonly quoted MLPerf Tiny figure for ResNet-8 is 12.5 M).
    expect(c.macs).toBe(12_501_632);
  });
});

describe('mlperf-kws (DS-CNN)', () => {
  const graph = preset('mlperf-kws');
  const c = count(graph);

  it('has 33 layers (Input included) on a 49×10×1 input and a 12-way softmax output', () => {
    expect(graph.layers).toHaveLength(33);
    expect(c.shapes.get('input')).toEqual([49, 10, 1]);
    expect(c.shapes.get(graph.outputs[0])).toEqual([12]);
    expect(layer(graph, graph.outputs[0])).toMatchObject({ type: 'Dense', units: 12, activation: 'softmax' });
  });

  it('follows the reference layer by layer', () => {
    expect(layer(graph, 'conv1')).toMatchObject({
      filters: 64,
      kernel: [10, 4],
      strides: [2, 2],
      padding: 'same',
      useBias: true,
    });
    expect(c.shapes.get('conv1')).toEqual([25, 5, 64]);
    expect(ofType(graph, 'DepthwiseConv2D')).toHaveLength(4);
    for (const dw of ofType(graph, 'DepthwiseConv2D')) {
      expect(dw).toMatchObject({ kernel: [3, 3], strides: [1, 1], padding: 'same', depthMultiplier: 1, useBias: true });
    }
    expect(ofType(graph, 'Conv2D')).toHaveLength(5);
    expect(ofType(graph, 'BatchNormalization')).toHaveLength(9);
    expect(ofType(graph, 'Activation')).toHaveLength(9);
    expect(ofType(graph, 'Dropout').map((l) => (l.type === 'Dropout' ? l.rate : NaN))).toEqual([0.2, 0.4]);
    expect(layer(graph, 'avg_pool')).toMatchObject({ pool: [25, 5] });
    expect(c.shapes.get('avg_pool')).toEqual([1, 1, 64]);
  });

  it('matches the published Keras summary parameter by parameter', () => {
    // model.summary() of the MLPerf Tiny kws_ref_model, as published in github.com/dmorn/mlperf-jetson README:
    // "Total params: 24,908 / Trainable params: 23,756 / Non-trainable params: 1,152". (The 23,756 trainable
    // figure is also the "Number of parameters" in NXP eiq-model-zoo's keyword-spotting_DSCNN README.)
    const block = [640, 256, 4160, 256];
    expect(paramColumn(graph, c)).toEqual([2624, 256, ...block, ...block, ...block, ...block, 780]);
    expect(c.params).toBe(24_908);
    const bnChannels = ofType(graph, 'BatchNormalization').length * 64;
    expect(c.params - 2 * bnChannels).toBe(23_756);
  });

  it('has ≈2.7 M MACs', () => {
    // Computed here: 2,656,768 (conv1 320,000; 4 × (dw 72,000 + pw 512,000); dense 768), i.e. ≈5.3 M ops,
    // in line with the ≈5 MOPS NXP eiq-model-zoo lists for this model.
    expect(c.macs).toBe(2_656_768);
  });
});

describe('mlperf-vww (MobileNetV1 0.25)', () => {
  const graph = preset('mlperf-vww');
  const c = count(graph);

  it('has 85 layers (Input included) on a 96×96×3 input and a 2-way softmax output', () => {
    expect(graph.layers).toHaveLength(85);
    expect(c.shapes.get('input')).toEqual([96, 96, 3]);
    expect(c.shapes.get(graph.outputs[0])).toEqual([2]);
    expect(layer(graph, graph.outputs[0])).toMatchObject({ type: 'Dense', units: 2, activation: 'softmax' });
  });

  it('follows the reference layer by layer', () => {
    expect(layer(graph, 'conv1')).toMatchObject({ filters: 8, kernel: [3, 3], strides: [2, 2], padding: 'same' });
    expect(c.shapes.get('conv1')).toEqual([48, 48, 8]);
    const dws = ofType(graph, 'DepthwiseConv2D');
    expect(dws).toHaveLength(13);
    expect(dws.map((l) => (l.type === 'DepthwiseConv2D' ? l.strides[0] : 0))).toEqual([
      1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1,
    ]);
    const pws = ofType(graph, 'Conv2D').slice(1);
    expect(pws.map((l) => (l.type === 'Conv2D' ? l.filters : 0))).toEqual([
      16, 32, 32, 64, 64, 128, 128, 128, 128, 128, 128, 256, 256,
    ]);
    for (const l of [...dws, ...ofType(graph, 'Conv2D')]) expect(l).toMatchObject({ padding: 'same', useBias: true });
    expect(ofType(graph, 'BatchNormalization')).toHaveLength(27);
    const acts = ofType(graph, 'Activation');
    expect(acts).toHaveLength(27);
    for (const a of acts) expect(a).toMatchObject({ activation: 'relu' });
    expect(ofType(graph, 'Dropout')).toHaveLength(0);
    expect(c.shapes.get('conv_pw_13_relu')).toEqual([3, 3, 256]);
    expect(c.shapes.get('avg_pool')).toEqual([1, 1, 256]);
  });

  it('has 221,794 parameters', () => {
    // No published model.summary() of this exact model was found, so this pins the value computed here:
    // convolutions 210,336 (biases included) + BN 10,944 (2,736 channels × 4; non-trainable 5,472) + dense 514.
    // Cross-check: TF-slim's MobileNet_v1_0.25 has 0.47 M parameters, of which ≈0.26 M are its 1000-class head.
    expect(c.params).toBe(221_794);
  });

  it('has ≈7.5 M MACs', () => {
    // Pinned computed value: 7,489,664. Sanity check against TF-slim's published 14 M MACs for
    // MobileNet_v1_0.25_128: the body scales with (96/128)², 7.49 M · (128/96)² + 0.26 M head ≈ 13.6 M.
    expect(c.macs).toBe(7_489_664);
  });
});

describe('mlperf-ad (FC autoencoder)', () => {
  const graph = preset('mlperf-ad');
  const c = count(graph);

  it('has 29 layers (Input included), 640 in and 640 out', () => {
    expect(graph.layers).toHaveLength(29);
    expect(c.shapes.get('input')).toEqual([640]);
    expect(c.shapes.get(graph.outputs[0])).toEqual([640]);
    expect(layer(graph, graph.outputs[0])).toMatchObject({ type: 'Dense', units: 640, activation: 'linear' });
  });

  it('follows the reference layer by layer', () => {
    const dense = ofType(graph, 'Dense');
    expect(dense.map((l) => (l.type === 'Dense' ? l.units : 0))).toEqual([
      128, 128, 128, 128, 8, 128, 128, 128, 128, 640,
    ]);
    for (const d of dense) expect(d).toMatchObject({ useBias: true, activation: 'linear' });
    expect(ofType(graph, 'BatchNormalization')).toHaveLength(9);
    expect(ofType(graph, 'Activation')).toHaveLength(9);
    expect(graph.layers.slice(1, 4).map((l) => l.type)).toEqual(['Dense', 'BatchNormalization', 'Activation']);
    expect(c.shapes.get('Dense_5')).toEqual([8]);
  });

  it('has 269,992 parameters', () => {
    // No published model.summary() was found; pinned computed value: dense 265,864 + BN 4,128 (1,032 channels;
    // non-trainable 2,064) = 269,992, consistent with the ≈270 k (270 KB at int8) MLPerf Tiny quotes for the model.
    expect(c.params).toBe(269_992);
  });

  it('has ≈0.26 M MACs', () => {
    // Pinned computed value: 2·640·128 + 6·128·128 + 2·128·8 = 264,192.
    expect(c.macs).toBe(264_192);
  });
});

describe('GraphBuilder', () => {
  it('fills every field with the Keras defaults', () => {
    const b = new GraphBuilder('defaults');
    const x = b.input('in', [8, 8, 4]);
    b.conv2d('conv', x, { filters: 4, kernel: 3 });
    b.depthwiseConv2d('dw', x, { kernel: [3, 1] });
    b.separableConv2d('sep', x, { filters: 2, kernel: 3 });
    b.dense('dense', x, { units: 5 });
    b.maxPool2d('max', x, { pool: 2 });
    b.averagePool2d('avg', x, { pool: [2, 4], strides: 1, padding: 'same' });
    b.globalAveragePool2d('gap', x);
    b.globalMaxPool2d('gmp', x, { keepDims: true });
    b.batchNorm('bn', x);
    b.zeroPadding2d('zp', x, [1, 2]);
    b.concatenate('cat', [x, 'bn']);
    const g = b.build('cat');
    expect(layer(g, 'conv')).toEqual({
      type: 'Conv2D',
      name: 'conv',
      inputs: ['in'],
      filters: 4,
      kernel: [3, 3],
      strides: [1, 1],
      padding: 'valid',
      dilation: [1, 1],
      groups: 1,
      useBias: true,
      activation: 'linear',
    });
    expect(layer(g, 'dw')).toMatchObject({
      kernel: [3, 1],
      strides: [1, 1],
      padding: 'valid',
      dilation: [1, 1],
      depthMultiplier: 1,
      useBias: true,
      activation: 'linear',
    });
    expect(layer(g, 'sep')).toMatchObject({ depthMultiplier: 1, dilation: [1, 1], useBias: true });
    expect(layer(g, 'dense')).toMatchObject({ units: 5, useBias: true, activation: 'linear' });
    expect(layer(g, 'max')).toMatchObject({ pool: [2, 2], strides: [2, 2], padding: 'valid' });
    expect(layer(g, 'avg')).toMatchObject({ pool: [2, 4], strides: [1, 1], padding: 'same' });
    expect(layer(g, 'gap')).toMatchObject({ keepDims: false });
    expect(layer(g, 'gmp')).toMatchObject({ keepDims: true });
    expect(layer(g, 'bn')).toMatchObject({ center: true, scale: true });
    expect(layer(g, 'zp')).toMatchObject({ padding: [[1, 1], [2, 2]] });
    expect(layer(g, 'cat')).toMatchObject({ axis: -1, inputs: ['in', 'bn'] });
    expect(g.outputs).toEqual(['cat']);
    expect(inferShapes(g).get('cat')).toEqual([8, 8, 8]);
  });

  it('accepts the three ZeroPadding2D forms', () => {
    const b = new GraphBuilder('pad');
    const x = b.input('in', [4, 4, 1]);
    const g = b.build([
      b.zeroPadding2d('a', x),
      b.zeroPadding2d('b', x, 2),
      b.zeroPadding2d('c', x, [[0, 1], [2, 3]]),
    ]);
    expect(layer(g, 'a')).toMatchObject({ padding: [[1, 1], [1, 1]] });
    expect(layer(g, 'b')).toMatchObject({ padding: [[2, 2], [2, 2]] });
    expect(layer(g, 'c')).toMatchObject({ padding: [[0, 1], [2, 3]] });
  });

  it('defaults the outputs to the last layer and copies what it returns', () => {
    const b = new GraphBuilder('copy');
    const x = b.input('in', [4]);
    b.dense('d', x, { units: 2 });
    const g1 = b.build();
    expect(g1.outputs).toEqual(['d']);
    g1.layers[1].inputs.push('zzz');
    expect(b.build().layers[1].inputs).toEqual(['in']);
  });

  it('rejects duplicate names, unknown inputs and unknown outputs', () => {
    const b = new GraphBuilder('bad');
    const x = b.input('in', [4]);
    expect(() => b.dense('in', x, { units: 2 })).toThrow(ModelError);
    expect(() => b.dense('d', 'missing', { units: 2 })).toThrow(/has not been added/);
    expect(() => b.build('missing')).toThrow(ModelError);
  });
});
