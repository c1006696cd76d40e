// Seeded fuzz cases for the ONNX importer: valid models written by the test writer (presets in float and int8 QDQ,
// and small operator models), then truncated, bit-flipped, overwritten, spliced, or decoded, edited field by field
// (dimensions, attributes, operator types, data types, names, value_info) and re-encoded. The same seed gives the
// same cases, so a failure reproduces from its name.
import { PRESETS } from '../../src/shared/presets';
import { attr, DT, encodeModel, onnx, OnnxBuilder, random, type ModelProtoInit } from '../onnx/builder';
import { ortQOperator } from '../onnx/samples';
import { graphToOnnx } from '../onnx/writer';

export interface FuzzCase {
  /** A file name that says how to reproduce the case: seed, index and mutation. */
  name: string;
  bytes: Uint8Array;
}

/** The valid models mutations start from. */
let seedModels: { name: string; bytes: Uint8Array }[] | null = null;

/** Valid models ONNX Runtime runs, built once. */
export function onnxSeedModels(): { name: string; bytes: Uint8Array }[] {
  seedModels ??= buildSeedModels();
  return seedModels;
}

function buildSeedModels(): { name: string; bytes: Uint8Array }[] {
  const preset = (id: string) => (PRESETS.find((p) => p.id === id) as (typeof PRESETS)[number]).build();
  const seeds = [
    { name: 'kws-fp32', bytes: graphToOnnx(preset('mlperf-kws')) },
    { name: 'kws-int8', bytes: graphToOnnx(preset('mlperf-kws'), { precision: 'int8' }) },
    { name: 'ic-int8', bytes: graphToOnnx(preset('mlperf-ic'), { precision: 'int8' }) },
    { name: 'exam-int8', bytes: graphToOnnx(preset('exam-cnn'), { precision: 'int8', valueInfo: false }) },
    { name: 'ad-fp32-fixed-batch', bytes: graphToOnnx(preset('mlperf-ad'), { batch: 1, weights: 'zeros' }) },
  ];
  // A small model with the shape arithmetic, pooling, padding and views the presets do not use.
  const b = new OnnxBuilder('ops', 13);
  b.input('x', ['N', 3, 9, 9]);
  b.initializer('w', [4, 3, 3, 3], Array.from({ length: 108 }, (_, i) => (i % 5) / 10));
  b.node('Pad', ['x', b.constant('pads', [0, 0, 1, 1, 0, 0, 1, 1], DT.INT64)], ['p'], {}, 'pad');
  b.node('Conv', ['p', 'w'], ['c'], { strides: attr.ints([2, 2]) }, 'conv');
  b.node('Clip', ['c', b.constant('lo', [0], DT.FLOAT, []), b.constant('hi', [6], DT.FLOAT, [])], ['r'], {}, 'relu6');
  b.node('MaxPool', ['r'], ['m'], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]), ceil_mode: attr.int(1) }, 'pool');
  b.node('Shape', ['m'], ['s'], {}, 'shape');
  b.node('Gather', ['s', b.constant('zero', [0], DT.INT64, [])], ['n'], { axis: attr.int(0) }, 'gather');
  b.node('Unsqueeze', ['n', b.constant('axes', [0], DT.INT64)], ['n1'], {}, 'unsqueeze');
  b.node('Concat', ['n1', b.constant('rest', [-1], DT.INT64)], ['t'], { axis: attr.int(0) }, 'concat');
  b.node('Reshape', ['m', 't'], ['f'], {}, 'reshape');
  b.node('Gemm', ['f', b.initializer('fc', [2, 36], Array.from({ length: 72 }, () => 0.1))], ['g'], { transB: attr.int(1) }, 'fc');
  b.node('Softmax', ['g'], ['y'], { axis: attr.int(-1) }, 'softmax');
  b.info('c', ['N', 4, 5, 5]);
  b.output('y', ['N', 2]);
  seeds.push({ name: 'ops', bytes: b.bytes() }, { name: 'qoperator', bytes: ortQOperator() });
  return seeds;
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

/** Offsets where mutations hurt most: the node list at the start, value infos at the end, or anywhere. */
function offset(rng: Rng, length: number): number {
  const r = rng();
  if (r < 0.4) return Math.min(length - 1, Math.floor(rng() * Math.min(length, 4096)));
  if (r < 0.7) return Math.max(0, length - 1 - Math.floor(rng() * Math.min(length, 4096)));
  return Math.floor(rng() * length);
}

const EXTREMES = [0, -1, 1, 2, 3, 7, 64, 1 << 20, 2 ** 31 - 1, 2 ** 31, 2 ** 40, 2 ** 53 - 1, -(2 ** 31)];
const OP_TYPES = ['Conv', 'Gemm', 'MatMul', 'Relu', 'Clip', 'Add', 'Mul', 'Concat', 'Reshape', 'Flatten', 'Transpose', 'Pad', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'BatchNormalization', 'Squeeze', 'Unsqueeze', 'QuantizeLinear', 'DequantizeLinear', 'QLinearConv', 'Identity', 'Dropout', 'Constant', 'Shape', 'Gather', 'Slice', 'Softmax', 'Resize', 'LSTM', ''];
const DATA_TYPES = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 16, 17, 21, 22, 99];

function byteMutation(rng: Rng, source: Uint8Array): { kind: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(source);
  switch (int(rng, 0, 5)) {
    case 0:
      return { kind: 'truncate', bytes: bytes.subarray(0, Math.floor(rng() * bytes.length)) };
    case 1: {
      for (let i = int(rng, 1, 8); i > 0; i--) bytes[offset(rng, bytes.length)] ^= 1 << int(rng, 0, 7);
      return { kind: 'bitflip', bytes };
    }
    case 2: {
      for (let i = int(rng, 1, 4); i > 0; i--) bytes[offset(rng, bytes.length)] = pick(rng, [0x00, 0xff, 0x7f, 0x80, 0x08, 0x3a, int(rng, 0, 255)]);
      return { kind: 'overwrite', bytes };
    }
    case 3: {
      // A varint of ten 0xff bytes: a length or count far beyond the file.
      const at = offset(rng, bytes.length);
      const out = new Uint8Array(bytes.length + 10);
      out.set(bytes.subarray(0, at));
      out.fill(0xff, at, at + 9);
      out[at + 9] = 0x01;
      out.set(bytes.subarray(at), at + 10);
      return { kind: 'varint', bytes: out };
    }
    case 4: {
      const at = offset(rng, bytes.length);
      const len = Math.min(int(rng, 1, 64), bytes.length - at);
      const out = new Uint8Array(bytes.length - len);
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + len), at);
      return { kind: 'delete', bytes: out };
    }
    default: {
      const at = offset(rng, bytes.length);
      const junk = Uint8Array.from({ length: int(rng, 1, 32) }, () => int(rng, 0, 255));
      const out = new Uint8Array(bytes.length + junk.length);
      out.set(bytes.subarray(0, at));
      out.set(junk, at);
      out.set(bytes.subarray(at), at + junk.length);
      return { kind: 'insert', bytes: out };
    }
  }
}

/** Decodes a seed, edits one field the importer reads, and re-encodes it. */
function fieldMutation(rng: Rng, source: Uint8Array): { kind: string; bytes: Uint8Array } {
  const model = onnx.ModelProto.toObject(onnx.ModelProto.decode(source), { longs: Number, defaults: false }) as ModelProtoInit;
  const graph = model.graph as Required<NonNullable<ModelProtoInit['graph']>>;
  const nodes = graph.node ?? [];
  const node = nodes.length > 0 ? pick(rng, nodes) : undefined;
  const kind = int(rng, 0, 11);
  switch (kind) {
    case 0: {
      const t = pick(rng, graph.initializer ?? []);
      if (t?.dims && t.dims.length > 0) (t.dims as number[])[int(rng, 0, t.dims.length - 1)] = pick(rng, EXTREMES);
      return { kind: 'initializer-dims', bytes: encodeModel(model) };
    }
    case 1: {
      const dims = pick(rng, graph.input ?? [])?.type?.tensorType?.shape?.dim;
      if (dims && dims.length > 0) dims[int(rng, 0, dims.length - 1)] = rng() < 0.3 ? { dimParam: 'x' } : { dimValue: pick(rng, EXTREMES) };
      return { kind: 'input-dims', bytes: encodeModel(model) };
    }
    case 2: {
      const a = node && node.attribute && node.attribute.length > 0 ? pick(rng, node.attribute) : undefined;
      if (a) {
        if (a.ints && a.ints.length > 0) (a.ints as number[])[int(rng, 0, a.ints.length - 1)] = pick(rng, EXTREMES);
        else if (a.i !== undefined) a.i = pick(rng, EXTREMES);
        else a.ints = Array.from({ length: int(rng, 0, 6) }, () => pick(rng, EXTREMES));
      }
      return { kind: 'attribute', bytes: encodeModel(model) };
    }
    case 3:
      if (node) node.opType = pick(rng, OP_TYPES);
      return { kind: 'op-type', bytes: encodeModel(model) };
    case 4:
      if (nodes.length > 0) nodes.splice(int(rng, 0, nodes.length - 1), 1);
      return { kind: 'drop-node', bytes: encodeModel(model) };
    case 5:
      if (node?.input && node.input.length > 0) node.input[int(rng, 0, node.input.length - 1)] = pick(rng, ['', 'nowhere', ...(graph.initializer ?? []).map((t) => t.name as string), ...nodes.flatMap((n) => n.output ?? [])]);
      return { kind: 'rewire', bytes: encodeModel(model) };
    case 6: {
      const t = pick(rng, graph.initializer ?? []);
      if (t) t.dataType = pick(rng, DATA_TYPES);
      return { kind: 'data-type', bytes: encodeModel(model) };
    }
    case 7: {
      const t = pick(rng, graph.initializer ?? []);
      if (t?.rawData) t.rawData = (t.rawData as Uint8Array).subarray(0, int(rng, 0, (t.rawData as Uint8Array).length));
      return { kind: 'raw-data', bytes: encodeModel(model) };
    }
    case 8: {
      const info = pick(rng, [...(graph.valueInfo ?? []), ...(graph.output ?? [])]);
      const dims = info?.type?.tensorType?.shape?.dim;
      if (dims && dims.length > 0) dims[int(rng, 0, dims.length - 1)] = { dimValue: pick(rng, EXTREMES) };
      else if (info) info.type = { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }, { dimValue: pick(rng, EXTREMES) }] } } };
      return { kind: 'value-info', bytes: encodeModel(model) };
    }
    case 9:
      if (node) nodes.splice(int(rng, 0, nodes.length), 0, { ...node, name: `${node.name}_copy` });
      return { kind: 'duplicate-node', bytes: encodeModel(model) };
    case 10:
      graph.output = rng() < 0.5 ? [] : [...(graph.output ?? []), { name: pick(rng, ['nowhere', ...(graph.initializer ?? []).map((t) => t.name as string)]) }];
      return { kind: 'outputs', bytes: encodeModel(model) };
    default:
      if (node) node.domain = pick(rng, ['com.microsoft', 'ai.onnx', 'ai.onnx.ml', '']);
      return { kind: 'domain', bytes: encodeModel(model) };
  }
}

/** `count` cases from `seed`: half byte-level mutations, half field edits, a few of both at once. */
export function* onnxFuzzCases(seed: number, count: number): Generator<FuzzCase> {
  const seeds = onnxSeedModels();
  const rng = random(seed);
  for (let i = 0; i < count; i++) {
    const base = seeds[Math.floor(rng() * seeds.length)];
    const r = rng();
    let mutated: { kind: string; bytes: Uint8Array };
    if (r < 0.5) mutated = byteMutation(rng, base.bytes);
    else if (r < 0.9) mutated = fieldMutation(rng, base.bytes);
    else {
      const edited = fieldMutation(rng, base.bytes);
      const both = byteMutation(rng, edited.bytes);
      mutated = { kind: `${edited.kind}+${both.kind}`, bytes: both.bytes };
    }
    yield { name: `onnx-fuzz-${seed}-${i}-${base.name}-${mutated.kind}.onnx`, bytes: mutated.bytes };
  }
}
