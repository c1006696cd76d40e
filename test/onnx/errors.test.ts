// What the ONNX importer refuses, and how it says so: unknown operators first (all of them, by name and count),
// shapes and weights that disagree with the file, dynamic dimensions, damaged files; and what --allow-unknown-ops
// and --input-shape change.
import { describe, expect, it } from 'vitest';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { looksLikeOnnx } from '../../src/main/import/onnx';
import { analyze } from '../../src/shared/analysis/analyze';
import { inferShapes } from '../../src/shared/model/shapes';
import { ModelError, type ModelGraph } from '../../src/shared/model/types';
import type { ImportOptions } from '../../src/shared/model/importOptions';
import { examCnn } from '../../src/shared/presets';
import { attr, DT, encodeModel, OnnxBuilder } from './builder';
import { runOnZeros } from './ort';
import { graphToOnnx } from './writer';

const load = (bytes: Uint8Array, options: ImportOptions = {}, name = 'model.onnx'): ModelGraph =>
  parseModelBytes(Buffer.from(bytes), name, options);

function failure(bytes: Uint8Array, options: ImportOptions = {}): ModelError {
  try {
    load(bytes, options);
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message.startsWith('model.onnx: ')).toBe(true);
    return err as ModelError;
  }
  throw new Error('expected the import to fail');
}

const weights = (b: OnnxBuilder, name: string, dims: number[]): string =>
  b.initializer(name, dims, new Array(dims.reduce((a, d) => a * d, 1)).fill(0.1));

function convModel(declare?: { name: string; dims: (number | string)[] }, wDims = [4, 3, 3, 3]): OnnxBuilder {
  const b = new OnnxBuilder('m', 13);
  b.input('x', ['N', 3, 8, 8]);
  b.node('Conv', ['x', weights(b, 'w', wDims)], ['c'], { pads: attr.ints([1, 1, 1, 1]) }, 'conv');
  b.node('Relu', ['c'], ['y'], {}, 'relu');
  if (declare) b.info(declare.name, declare.dims);
  b.output('y');
  return b;
}

function unknownOpsModel(withShapes: boolean): OnnxBuilder {
  const b = new OnnxBuilder('m', 13);
  b.input('x', ['N', 3, 8, 8]);
  b.node('Resize', ['x', '', b.constant('scales', [1, 1, 2, 2])], ['up'], { mode: attr.string('nearest') }, 'up');
  b.node('Conv', ['up', weights(b, 'w', [4, 3, 3, 3])], ['c'], { pads: attr.ints([1, 1, 1, 1]) }, 'conv');
  b.node('Resize', ['c', '', b.constant('scales2', [1, 1, 0.5, 0.5])], ['down'], { mode: attr.string('nearest') }, 'down');
  b.node('Erf', ['down'], ['y'], {}, 'erf');
  if (withShapes) {
    b.info('up', ['N', 3, 16, 16]);
    b.info('down', ['N', 4, 8, 8]);
    b.output('y', ['N', 4, 8, 8]);
  } else {
    b.output('y');
  }
  return b;
}

describe('unknown operators', () => {
  it('are the first complaint, every one by name and count', () => {
    // The weight is also wrong (2 input channels for 3): unknown operators are reported first.
    const b = unknownOpsModel(false);
    b.initializers[1] = { name: 'w', dims: [4, 2, 3, 3], dataType: DT.FLOAT, rawData: new Uint8Array(4 * 2 * 9 * 4) };
    b.node('FusedConv', ['y', 'y'], ['z'], {}, 'fused', 'com.microsoft');
    const err = failure(b.bytes());
    expect(err.message).toMatch(/unknown ONNX operators: Resize ×2, Erf ×1, com\.microsoft\.FusedConv ×1\./);
    expect(err.message).toContain('--allow-unknown-ops');
  });

  it('with --allow-unknown-ops are zero-MAC layers with the output shapes the file declares', async () => {
    const bytes = unknownOpsModel(true).bytes();
    await runOnZeros(bytes);
    const graph = load(bytes, { allowUnknownOps: true });
    expect(graph.layers.map((l) => l.type)).toEqual(['Input', 'Opaque', 'Conv2D', 'Opaque', 'Opaque']);
    expect(graph.layers.find((l) => l.name === 'up')).toMatchObject({ op: 'Resize', outputShape: [16, 16, 3] });
    const shapes = inferShapes(graph);
    expect(shapes.get('conv')).toEqual([16, 16, 4]);
    expect(shapes.get('erf')).toEqual([8, 8, 4]);
    const report = analyze(graph);
    expect(report.macs).toBe(16 * 16 * 4 * 27);
    expect(report.notes.join('\n')).toMatch(/unknown operators analysed as zero-MAC operations: up \(Resize\), down \(Resize\), erf \(Erf\)/);
  });

  it('without a declared output shape are refused, naming the node', () => {
    const err = failure(unknownOpsModel(false).bytes(), { allowUnknownOps: true });
    expect(err.message).toMatch(/node up \(Resize\): .*declares none for "up"/);
  });
});

describe('shapes and weights checked against the file', () => {
  it('a declared shape that disagrees with Frontier’s inference fails, naming the node', async () => {
    const err = failure(convModel({ name: 'c', dims: ['N', 4, 6, 6] }).bytes());
    expect(err.message).toContain('node conv (Conv): the file declares "c" as ?×4×6×6, Frontier infers 1×4×8×8');
    // Declared shapes that agree (symbolic batch included) pass.
    const agreeing = convModel({ name: 'c', dims: ['batch', 4, 8, 8] }).bytes();
    await runOnZeros(agreeing);
    expect(() => load(agreeing)).not.toThrow();
  });

  it('weights that do not fit the layer fail, naming the node and the counts', () => {
    expect(failure(convModel(undefined, [4, 2, 3, 3]).bytes()).message).toContain(
      'node conv (Conv): weight W (4×2×3×3) with group 1 needs 2 input channels and filters divisible by the group; the input has 3 channels',
    );
    const b = new OnnxBuilder('m', 13);
    b.input('x', ['N', 6]);
    b.node('Gemm', ['x', weights(b, 'w', [4, 5]), weights(b, 'b', [4])], ['y'], { transB: attr.int(1) }, 'fc');
    b.output('y');
    expect(failure(b.bytes()).message).toContain('node fc (Gemm): weight B (4×5, transB=1) needs 5 input features, A has 6');
    const bn = new OnnxBuilder('m', 13);
    bn.input('x', ['N', 3, 4, 4]);
    bn.node('BatchNormalization', ['x', weights(bn, 's', [3]), weights(bn, 'o', [3]), weights(bn, 'm', [4]), weights(bn, 'v', [3])], ['y'], {}, 'bn');
    bn.output('y');
    expect(failure(bn.bytes()).message).toContain('node bn (BatchNormalization): m has 4 values for 3 channels');
  });

  it('an initializer whose data does not match its dimensions fails, naming it', () => {
    const b = convModel();
    b.initializers[0] = { name: 'w', dims: [4, 3, 3, 3], dataType: DT.FLOAT, rawData: new Uint8Array(100) };
    expect(failure(b.bytes()).message).toContain('initializer w declares 4×3×3×3 (108 FLOAT values) = 432 bytes, but its raw data holds 100 bytes');
  });

  it('operations Frontier cannot express are refused, naming the node', () => {
    const t = new OnnxBuilder('m', 13);
    t.input('x', ['N', 3, 4, 4]);
    t.node('Transpose', ['x'], ['y'], { perm: attr.ints([1, 0, 2, 3]) }, 'swap');
    t.output('y');
    expect(failure(t.bytes()).message).toContain('node swap (Transpose): perm [1, 0, 2, 3] moves the batch dimension');
    const m = new OnnxBuilder('m', 13);
    m.input('a', ['N', 4]);
    m.input('b', [4, 4]);
    m.node('MatMul', ['a', 'b'], ['y'], {}, 'mm');
    m.output('y');
    expect(failure(m.bytes()).message).toContain('node mm (MatMul): multiplies two activations (a, b)');
  });

  it('a tensor nobody produces, a cycle and an int64 input are refused', () => {
    const missing = new OnnxBuilder('m', 13);
    missing.input('x', ['N', 4]);
    missing.node('Relu', ['nowhere'], ['y'], {}, 'relu');
    missing.output('y');
    expect(failure(missing.bytes()).message).toContain('node relu (Relu): reads "nowhere", which is neither a model input, an initializer nor the output of an earlier node');
    const cycle = new OnnxBuilder('m', 13);
    cycle.input('x', ['N', 4]);
    cycle.node('Add', ['x', 'b'], ['a'], {}, 'first');
    cycle.node('Relu', ['a'], ['b'], {}, 'second');
    cycle.output('b');
    expect(failure(cycle.bytes()).message).toMatch(/the graph has a cycle through node (first|second)/);
    const ids = new OnnxBuilder('m', 13);
    ids.input('tokens', ['N', 16], DT.INT64);
    ids.node('Identity', ['tokens'], ['y']);
    ids.output('y');
    expect(failure(ids.bytes()).message).toContain('input tokens: INT64 elements; Frontier analyses float and 8-bit or 4-bit integer inputs');
  });

  it('nodes out of order are put in execution order', async () => {
    const b = convModel();
    b.nodes.reverse();
    await runOnZeros(b.bytes());
    const graph = load(b.bytes());
    expect(graph.layers.map((l) => l.name)).toEqual(['x', 'conv', 'relu']);
  });
});

describe('dynamic dimensions', () => {
  const model = (): Uint8Array => {
    const b = new OnnxBuilder('m', 13);
    b.input('image', ['batch', 3, 'height', 'width']);
    b.node('Conv', ['image', weights(b, 'w', [4, 3, 3, 3])], ['y'], { pads: attr.ints([1, 1, 1, 1]) }, 'conv');
    b.output('y');
    return b.bytes();
  };

  it('become 1 and say so', async () => {
    await runOnZeros(model(), { image: [1, 3, 1, 1] });
    const graph = load(model());
    expect(inferShapes(graph).get('conv')).toEqual([1, 1, 4]);
    expect(graph.source?.notes).toContain('input image: dynamic batch, height, width analysed as 1 (choose with --input-shape image=1x3x1x1)');
  });

  it('take the sizes the user gives (the file’s layout, batch first)', () => {
    const graph = load(model(), { inputShapes: { image: [2, 3, 32, 24] } });
    expect(inferShapes(graph).get('image')).toEqual([32, 24, 3]);
    expect(inferShapes(graph).get('conv')).toEqual([32, 24, 4]);
    expect(failure(model(), { inputShapes: { img: [1, 3, 8, 8] } }).message).toContain('--input-shape img: the model\'s inputs are image');
    expect(failure(model(), { inputShapes: { image: [1, 3, 8] } }).message).toContain('the file declares 4 dimensions');
    expect(failure(model(), { inputShapes: { image: [1, 4, 8, 8] } }).message).toContain('dimension 2 is fixed at 3 in the file');
  });
});

describe('recognising ONNX by content', () => {
  const onnxBytes = graphToOnnx(examCnn());

  it('reads an ONNX file whatever its name, and leaves JSON, ZIP, HDF5 and TFLite files alone', () => {
    expect(load(onnxBytes, {}, 'weights.bin').source?.format).toBe('onnx');
    expect(looksLikeOnnx(onnxBytes)).toBe(true);
    const others = [
      Buffer.from('{"class_name": "Sequential"}'),
      Buffer.from('\n\t [1, 2]'),
      Buffer.from('\ufeff{}'),
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]),
      Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
      Buffer.from([0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33, 0, 0, 0, 0]),
      Buffer.from('2'),
      Buffer.from('"text"'),
    ];
    for (const bytes of others) expect(looksLikeOnnx(bytes)).toBe(false);
  });

  it('recognises a ModelProto whose first field is not ir_version', () => {
    const b = convModel();
    const model = b.model();
    delete model.irVersion;
    const bytes = encodeModel(model);
    expect(bytes[0]).not.toBe(0x08);
    expect(looksLikeOnnx(bytes)).toBe(true);
    expect(load(bytes).layers.map((l) => l.type)).toEqual(['Input', 'Conv2D', 'Activation']);
  });

  it('a truncated file says where the protobuf ends', () => {
    const err = failure(onnxBytes.subarray(0, Math.floor(onnxBytes.length / 2)));
    expect(err.message).toMatch(/model\.onnx: not a readable ONNX model: the protobuf data ends early \(truncated or damaged\)/);
  });
});
