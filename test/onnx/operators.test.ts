// Every ONNX operator Frontier reads, in small models that ONNX Runtime loads and runs: Frontier's shapes must be
// the shapes ONNX Runtime computes (channels-last), and the layers must be the ones the operator maps to.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { frontierShape, layoutForRank, type Layout } from '../../src/main/import/onnx/layout';
import { inferShapes } from '../../src/shared/model/shapes';
import type { Layer, ModelGraph } from '../../src/shared/model/types';
import { attr, DT, OnnxBuilder } from './builder';
import { runOnZeros } from './ort';

interface Case {
  name: string;
  opset?: number;
  build: (b: OnnxBuilder) => void;
  /** Layer types after the inputs, in order. */
  types?: string[];
  /** Layout of each output in the file, when not the default for its rank. */
  outputLayout?: Layout;
  check?: (graph: ModelGraph, layers: Map<string, Layer>) => void;
}

const w = (b: OnnxBuilder, name: string, dims: number[], type: number = DT.FLOAT): string => {
  const count = dims.reduce((a, d) => a * d, 1);
  return b.initializer(name, dims, Array.from({ length: count }, (_, i) => ((i % 7) - 3) / 10), type);
};
const image = (b: OnnxBuilder, c = 3, h = 8, wd = 8, name = 'x'): string => b.input(name, ['N', c, h, wd]);
const out = (b: OnnxBuilder, name: string): void => b.output(name);
const conv = (b: OnnxBuilder, x: string, y: string, m: number, c: number, k: number, attrs: Parameters<OnnxBuilder['node']>[3] = {}, group = 1): string =>
  b.node('Conv', [x, w(b, `${y}.w`, [m, c / group, k, k]), w(b, `${y}.b`, [m])], [y], { group: attr.int(group), ...attrs });

const CASES: Case[] = [
  {
    name: 'Conv with pads giving SAME',
    build: (b) => out(b, conv(b, image(b), 'y', 4, 3, 3, { pads: attr.ints([1, 1, 1, 1]) })),
    types: ['Conv2D'],
    check: (_, l) => expect(l.get('y')).toMatchObject({ padding: 'same', filters: 4, kernel: [3, 3], useBias: true }),
  },
  {
    name: 'Conv stride 2 with TensorFlow-style asymmetric pads',
    build: (b) => out(b, conv(b, image(b), 'y', 4, 3, 3, { strides: attr.ints([2, 2]), pads: attr.ints([0, 0, 1, 1]) })),
    types: ['Conv2D'],
    check: (_, l) => expect(l.get('y')).toMatchObject({ padding: 'same', strides: [2, 2] }),
  },
  {
    name: 'Conv with pads that are neither valid nor SAME: explicit zero padding',
    build: (b) => out(b, conv(b, image(b), 'y', 4, 3, 3, { pads: attr.ints([2, 1, 2, 1]) })),
    types: ['ZeroPadding2D', 'Conv2D'],
    check: (_, l) => expect(l.get('y/pad')).toMatchObject({ padding: [[2, 2], [1, 1]] }),
  },
  {
    name: 'Conv auto_pad SAME_UPPER',
    build: (b) => out(b, conv(b, image(b, 3, 9, 9), 'y', 4, 3, 3, { strides: attr.ints([2, 2]), auto_pad: attr.string('SAME_UPPER') })),
    types: ['Conv2D'],
  },
  {
    name: 'Conv auto_pad VALID with dilation',
    build: (b) => out(b, conv(b, image(b), 'y', 4, 3, 3, { dilations: attr.ints([2, 2]), auto_pad: attr.string('VALID') })),
    types: ['Conv2D'],
    check: (_, l) => expect(l.get('y')).toMatchObject({ padding: 'valid', dilation: [2, 2] }),
  },
  {
    name: 'Conv with group = channels: depthwise',
    build: (b) => out(b, conv(b, image(b), 'y', 3, 3, 3, { pads: attr.ints([1, 1, 1, 1]) }, 3)),
    types: ['DepthwiseConv2D'],
    check: (_, l) => expect(l.get('y')).toMatchObject({ depthMultiplier: 1 }),
  },
  {
    name: 'Conv with group = channels and twice the filters: depth multiplier 2',
    build: (b) => out(b, conv(b, image(b), 'y', 6, 3, 3, {}, 3)),
    types: ['DepthwiseConv2D'],
    check: (_, l) => expect(l.get('y')).toMatchObject({ depthMultiplier: 2 }),
  },
  {
    name: 'Conv with 2 groups: grouped convolution',
    build: (b) => out(b, conv(b, image(b, 4), 'y', 6, 4, 3, {}, 2)),
    types: ['Conv2D'],
    check: (_, l) => expect(l.get('y')).toMatchObject({ groups: 2, filters: 6 }),
  },
  {
    name: 'Gemm with transB, alpha, beta and a bias',
    build: (b) => {
      b.input('x', ['N', 5]);
      b.node('Gemm', ['x', w(b, 'fc.w', [3, 5]), w(b, 'fc.b', [3])], ['y'], { transB: attr.int(1), alpha: attr.float(0.5), beta: attr.float(2) }, 'fc');
      out(b, 'y');
    },
    types: ['Dense'],
    check: (_, l) => expect(l.get('fc')).toMatchObject({ units: 3, useBias: true }),
  },
  {
    name: 'Gemm without transB, beta 0: no bias',
    build: (b) => {
      b.input('x', ['N', 5]);
      b.node('Gemm', ['x', w(b, 'fc.w', [5, 3]), w(b, 'fc.b', [3])], ['y'], { beta: attr.float(0) }, 'fc');
      out(b, 'y');
    },
    types: ['Dense'],
    check: (_, l) => expect(l.get('fc')).toMatchObject({ units: 3, useBias: false }),
  },
  {
    name: 'Gemm with transA reading a transposed activation',
    build: (b) => {
      b.input('x', [1, 5]);
      b.node('Transpose', ['x'], ['xt'], { perm: attr.ints([1, 0]) });
      b.node('Gemm', ['xt', w(b, 'fc.w', [5, 3])], ['y'], { transA: attr.int(1) }, 'fc');
      out(b, 'y');
    },
    types: ['Transpose', 'Dense'],
    check: (_, l) => expect(l.get('fc')).toMatchObject({ units: 3 }),
  },
  {
    name: 'MatMul with a constant plus a bias Add on a 3-D input: one Dense with bias',
    build: (b) => {
      b.input('x', ['N', 4, 6]);
      b.node('MatMul', ['x', w(b, 'fc.w', [6, 5])], ['mm'], {}, 'fc');
      b.node('Add', ['mm', w(b, 'fc.b', [5])], ['y'], {}, 'fc_bias');
      out(b, 'y');
    },
    types: ['Dense'],
    check: (g, l) => {
      expect(l.get('fc')).toMatchObject({ units: 5, useBias: true });
      expect(analyze(g).params).toBe(6 * 5 + 5);
    },
  },
  {
    name: 'MaxPool with ceil_mode and pads',
    build: (b) => {
      b.node('MaxPool', [image(b, 2, 7, 7)], ['y'], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]), ceil_mode: attr.int(1) });
      out(b, 'y');
    },
    types: ['MaxPooling2D'],
  },
  {
    name: 'MaxPool with ceil_mode whose last window would start in the padding',
    build: (b) => {
      b.node('MaxPool', [image(b, 2, 6, 6)], ['y'], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]), ceil_mode: attr.int(1) });
      out(b, 'y');
    },
    types: ['ZeroPadding2D', 'MaxPooling2D'],
  },
  {
    name: 'AveragePool with pads giving SAME',
    build: (b) => {
      b.node('AveragePool', [image(b)], ['y'], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([1, 1, 1, 1]) });
      out(b, 'y');
    },
    types: ['AveragePooling2D'],
    check: (_, l) => expect(l.get('y')).toMatchObject({ padding: 'same', pool: [3, 3], strides: [1, 1] }),
  },
  {
    name: 'AveragePool auto_pad SAME_LOWER',
    build: (b) => {
      b.node('AveragePool', [image(b, 3, 9, 9)], ['y'], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]), auto_pad: attr.string('SAME_LOWER') });
      out(b, 'y');
    },
    types: ['AveragePooling2D'],
  },
  {
    name: 'AveragePool with explicit pads: zero padding then a valid window',
    build: (b) => {
      b.node('AveragePool', [image(b, 3, 5, 5)], ['y'], { kernel_shape: attr.ints([3, 3]), pads: attr.ints([2, 2, 2, 2]) });
      out(b, 'y');
    },
    types: ['ZeroPadding2D', 'AveragePooling2D'],
  },
  {
    name: 'GlobalAveragePool then Flatten then Gemm',
    build: (b) => {
      b.node('GlobalAveragePool', [image(b, 8)], ['gap']);
      b.node('Flatten', ['gap'], ['flat']);
      b.node('Gemm', ['flat', w(b, 'fc.w', [2, 8])], ['y'], { transB: attr.int(1) }, 'fc');
      out(b, 'y');
    },
    types: ['GlobalAveragePooling2D', 'Flatten', 'Dense'],
  },
  {
    name: 'ReduceMean over H and W: global average pooling',
    build: (b) => {
      b.node('ReduceMean', [image(b, 8)], ['y'], { axes: attr.ints([2, 3]), keepdims: attr.int(0) });
      out(b, 'y');
    },
    types: ['GlobalAveragePooling2D'],
  },
  {
    name: 'GlobalMaxPool',
    build: (b) => {
      b.node('GlobalMaxPool', [image(b, 8)], ['y']);
      out(b, 'y');
    },
    types: ['GlobalMaxPooling2D'],
  },
  {
    name: 'BatchNormalization after Conv folds; after Gemm too',
    build: (b) => {
      conv(b, image(b), 'c', 4, 3, 3);
      b.node('BatchNormalization', ['c', w(b, 's', [4]), w(b, 'o', [4]), w(b, 'm', [4]), b.initializer('v', [4], [1, 1, 1, 1])], ['bn']);
      b.node('Flatten', ['bn'], ['f']);
      b.node('Gemm', ['f', w(b, 'fc.w', [3, 144])], ['g'], { transB: attr.int(1) }, 'fc');
      b.node('BatchNormalization', ['g', w(b, 's2', [3]), w(b, 'o2', [3]), w(b, 'm2', [3]), b.initializer('v2', [3], [1, 1, 1])], ['y'], {}, 'bn2');
      out(b, 'y');
    },
    types: ['Conv2D', 'BatchNormalization', 'Flatten', 'Dense', 'BatchNormalization'],
    check: (g) => {
      const report = analyze(g);
      expect(report.layers.filter((l) => l.role === 'folded').map((l) => l.name)).toEqual(['bn', 'bn2']);
      expect(report.params).toBe(4 * 27 + 4 + 144 * 3 + 3);
    },
  },
  {
    name: 'Activations: Relu, Sigmoid, HardSigmoid, HardSwish, Tanh, LeakyRelu, Softmax',
    opset: 14,
    build: (b) => {
      let x = b.input('x', ['N', 6]);
      for (const op of ['Relu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'LeakyRelu', 'Softmax']) x = b.node(op, [x], [op.toLowerCase()]);
      out(b, x);
    },
    types: Array(7).fill('Activation'),
    check: (g) =>
      expect(g.layers.filter((l) => l.type === 'Activation').map((l) => (l as { activation: string }).activation)).toEqual([
        'relu',
        'sigmoid',
        'hard_sigmoid',
        'hard_swish',
        'tanh',
        'leaky_relu',
        'softmax',
      ]),
  },
  {
    name: 'Clip with constant bounds [0, 6] is ReLU6 (fused into the Conv), [0, ∞) ReLU, others clip',
    build: (b) => {
      conv(b, image(b), 'c', 4, 3, 3);
      const zero = b.constant('zero', [0], DT.FLOAT, []);
      b.node('Clip', ['c', zero, b.constant('six', [6], DT.FLOAT, [])], ['r6']);
      b.node('Clip', ['r6', zero], ['r']);
      b.node('Clip', ['r', b.constant('lo', [-2], DT.FLOAT, []), b.constant('hi', [3], DT.FLOAT, [])], ['y']);
      out(b, 'y');
    },
    types: ['Conv2D', 'Activation', 'Activation', 'Activation'],
    check: (g, l) => {
      expect([l.get('r6'), l.get('r'), l.get('y')].map((x) => (x as { activation: string }).activation)).toEqual(['relu6', 'relu', 'clip']);
      expect(analyze(g).layers.find((x) => x.name === 'c')?.activation).toBe('relu6');
    },
  },
  {
    name: 'Clip with bounds as attributes (opset 10): [−1, 1]',
    opset: 10,
    build: (b) => {
      b.input('x', ['N', 4]);
      b.node('Clip', ['x'], ['y'], { min: attr.float(-1), max: attr.float(1) });
      out(b, 'y');
    },
    types: ['Activation'],
    check: (_, l) => expect(l.get('y')).toMatchObject({ activation: 'relu_n1_to_1' }),
  },
  {
    name: 'Add of two branches, Add and Mul with constants, a squeeze-and-excitation Mul',
    build: (b) => {
      const x = image(b, 4);
      conv(b, x, 'a', 4, 4, 1);
      b.node('Add', ['a', x], ['sum']);
      b.node('Add', ['sum', w(b, 'shift', [4, 1, 1])], ['shifted']);
      b.node('Mul', ['shifted', b.constant('two', [2], DT.FLOAT, [])], ['scaled']);
      b.node('GlobalAveragePool', ['scaled'], ['squeeze']);
      conv(b, 'squeeze', 'excite', 4, 4, 1);
      b.node('Sigmoid', ['excite'], ['gate']);
      b.node('Mul', ['scaled', 'gate'], ['y']);
      out(b, 'y');
    },
    types: ['Conv2D', 'Add', 'Add', 'Multiply', 'GlobalAveragePooling2D', 'Conv2D', 'Activation', 'Multiply'],
    check: (_, l) => {
      expect(l.get('shifted')).toMatchObject({ constantOperand: true });
      expect(l.get('scaled')).toMatchObject({ constantOperand: true });
      expect(l.get('y')?.inputs).toEqual(['scaled', 'gate']);
    },
  },
  {
    name: 'Concat on channels',
    build: (b) => {
      const x = image(b);
      conv(b, x, 'a', 4, 3, 1);
      conv(b, x, 'c', 5, 3, 1);
      b.node('Concat', ['a', 'c'], ['y'], { axis: attr.int(1) });
      out(b, 'y');
    },
    types: ['Conv2D', 'Conv2D', 'Concatenate'],
    check: (_, l) => expect(l.get('y')).toMatchObject({ axis: 2 }),
  },
  {
    name: 'Concat on height (axis −2)',
    build: (b) => {
      const x = image(b);
      b.node('Concat', [x, x], ['y'], { axis: attr.int(-2) });
      out(b, 'y');
    },
    types: ['Concatenate'],
    check: (_, l) => expect(l.get('y')).toMatchObject({ axis: 0 }),
  },
  {
    name: 'Flatten with axis 2 on a one-channel image',
    build: (b) => {
      b.node('Flatten', [image(b, 1)], ['y'], { axis: attr.int(2) });
      out(b, 'y');
    },
    types: ['Reshape'],
  },
  {
    name: 'Reshape with 0 and −1, and back to an image',
    build: (b) => {
      b.node('Reshape', [image(b, 8, 2, 2), b.constant('s1', [0, -1], DT.INT64)], ['flat']);
      b.node('Reshape', ['flat', b.constant('s2', [1, 2, 4, 4], DT.INT64)], ['y']);
      out(b, 'y');
    },
    types: ['Reshape', 'Reshape'],
    check: (_, l) => {
      expect(l.get('flat')).toMatchObject({ targetShape: [-1] });
      expect(l.get('y')).toMatchObject({ targetShape: [4, 4, 2] });
    },
  },
  {
    name: 'Squeeze (axes input, opset 13) and Unsqueeze',
    build: (b) => {
      b.node('GlobalAveragePool', [image(b, 6)], ['gap']);
      b.node('Squeeze', ['gap', b.constant('axes', [2, 3], DT.INT64)], ['sq']);
      b.node('Unsqueeze', ['sq', b.constant('axes2', [-1, -2], DT.INT64)], ['y']);
      out(b, 'y');
    },
    types: ['GlobalAveragePooling2D', 'Reshape', 'Reshape'],
  },
  {
    name: 'Squeeze and Unsqueeze with axes attributes (opset 11)',
    opset: 11,
    build: (b) => {
      b.node('GlobalAveragePool', [image(b, 6)], ['gap']);
      b.node('Squeeze', ['gap'], ['sq'], { axes: attr.ints([3, 2]) });
      b.node('Unsqueeze', ['sq'], ['y'], { axes: attr.ints([2]) });
      out(b, 'y');
    },
    types: ['GlobalAveragePooling2D', 'Reshape', 'Reshape'],
  },
  {
    name: 'Transpose NCHW → NHWC keeps channels last; a permutation of H and W',
    build: (b) => {
      b.node('Transpose', [image(b, 3, 4, 6)], ['nhwc'], { perm: attr.ints([0, 2, 3, 1]) });
      b.node('Transpose', ['nhwc'], ['y'], { perm: attr.ints([0, 2, 1, 3]) });
      out(b, 'y');
    },
    types: ['Transpose', 'Transpose'],
    outputLayout: 'plain',
    check: (_, l) => {
      expect(l.get('nhwc')).toMatchObject({ perm: [0, 1, 2] });
      expect(l.get('y')).toMatchObject({ perm: [1, 0, 2] });
    },
  },
  {
    name: 'Transpose NHWC → NCHW after a channels-last input',
    build: (b) => {
      b.input('x', ['N', 4, 6, 3]);
      b.node('Transpose', ['x'], ['nchw'], { perm: attr.ints([0, 3, 1, 2]) });
      conv(b, 'nchw', 'y', 2, 3, 1);
      out(b, 'y');
    },
    types: ['Transpose', 'Conv2D'],
  },
  {
    name: 'A Keras model as tf2onnx writes it: NHWC input, transposes around the convolutions, MatMul + Add',
    build: (b) => {
      b.input('x', ['N', 8, 8, 3]);
      b.node('Transpose', ['x'], ['nchw'], { perm: attr.ints([0, 3, 1, 2]) }, 'to_nchw');
      conv(b, 'nchw', 'c', 4, 3, 3, { pads: attr.ints([1, 1, 1, 1]) });
      b.node('Relu', ['c'], ['r'], {}, 'relu');
      b.node('Transpose', ['r'], ['nhwc'], { perm: attr.ints([0, 2, 3, 1]) }, 'to_nhwc');
      b.node('Reshape', ['nhwc', b.constant('s', [-1, 256], DT.INT64)], ['flat'], {}, 'flatten');
      b.node('MatMul', ['flat', w(b, 'fc.w', [256, 10])], ['mm'], {}, 'dense');
      b.node('Add', ['mm', w(b, 'fc.b', [10])], ['logits'], {}, 'dense_bias');
      b.node('Softmax', ['logits'], ['y'], { axis: attr.int(-1) }, 'softmax');
      out(b, 'y');
    },
    types: ['Transpose', 'Conv2D', 'Activation', 'Transpose', 'Reshape', 'Dense', 'Activation'],
    check: (g, l) => {
      expect(l.get('x')).toMatchObject({ shape: [8, 8, 3] });
      expect(l.get('to_nchw')).toMatchObject({ perm: [0, 1, 2] });
      expect(l.get('dense')).toMatchObject({ units: 10, useBias: true });
      expect(analyze(g).params).toBe(4 * 27 + 4 + 2560 + 10);
    },
  },
  {
    name: 'Pad with pads as an input (opset 13)',
    build: (b) => {
      b.node('Pad', [image(b), b.constant('pads', [0, 0, 1, 2, 0, 0, 3, 4], DT.INT64)], ['y']);
      out(b, 'y');
    },
    types: ['ZeroPadding2D'],
    check: (_, l) => expect(l.get('y')).toMatchObject({ padding: [[1, 3], [2, 4]] }),
  },
  {
    name: 'Pad with pads as an attribute (opset 10)',
    opset: 10,
    build: (b) => {
      b.node('Pad', [image(b)], ['y'], { pads: attr.ints([0, 0, 1, 1, 0, 0, 1, 1]), mode: attr.string('reflect') });
      out(b, 'y');
    },
    types: ['ZeroPadding2D'],
  },
  {
    name: 'Identity, Dropout and a Constant node',
    build: (b) => {
      b.node('Identity', [image(b)], ['id']);
      b.node('Dropout', ['id', b.constant('ratio', [0.3], DT.FLOAT, [])], ['drop']);
      b.node('Constant', [], ['shape'], { value: attr.tensor({ dims: [2], dataType: DT.INT64, int64Data: [0, -1] }) });
      b.node('Reshape', ['drop', 'shape'], ['y']);
      out(b, 'y');
    },
    types: ['Dropout', 'Reshape'],
    check: (g) => expect(analyze(g).layers.find((l) => l.name === 'drop')?.role).toBe('removed'),
  },
  {
    name: 'x.view(x.size(0), -1) as PyTorch writes it: Shape → Gather → Unsqueeze → Concat → Reshape',
    build: (b) => {
      const x = image(b, 2, 3, 3);
      b.node('Shape', [x], ['shape']);
      b.node('Gather', ['shape', b.constant('zero', [0], DT.INT64, [])], ['batch'], { axis: attr.int(0) });
      b.node('Unsqueeze', ['batch', b.constant('axes', [0], DT.INT64)], ['batch1']);
      b.node('Concat', ['batch1', b.constant('rest', [-1], DT.INT64)], ['target'], { axis: attr.int(0) });
      b.node('Reshape', [x, 'target'], ['y']);
      out(b, 'y');
    },
    types: ['Reshape'],
  },
];

function layerTypes(graph: ModelGraph): string[] {
  return graph.layers.filter((l) => l.type !== 'Input').map((l) => l.type);
}

describe('ONNX operators', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const b = new OnnxBuilder('case', c.opset ?? 13);
    c.build(b);
    const bytes = b.bytes();
    const ortShapes = await runOnZeros(bytes);
    const graph = parseModelBytes(Buffer.from(bytes), 'case.onnx');
    if (c.types) expect(layerTypes(graph)).toEqual(c.types);
    const shapes = inferShapes(graph);
    // Each model output: ONNX Runtime's dims, channels-last, are Frontier's shape of the layer that holds it.
    expect(graph.outputs).toHaveLength(Object.keys(ortShapes).length);
    for (const [i, dims] of Object.values(ortShapes).entries()) {
      expect(shapes.get(graph.outputs[i])).toEqual(frontierShape(dims, c.outputLayout ?? layoutForRank(dims.length)));
    }
    c.check?.(graph, new Map(graph.layers.map((l) => [l.name, l])));
    const report = analyze(graph);
    expect(report.format).toBe('onnx');
    expect(Number.isFinite(report.peakActivationBytes)).toBe(true);
  });
});
