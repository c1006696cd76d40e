// Seeded fuzz cases for the TensorFlow Lite importer: mutated and truncated files from the test writer's output
// (plans changed before they are written, and bytes changed after) and from the real TFLM models. The same seed
// gives the same cases, so a failure reproduces from its seed and index. Reusable by any harness: it only makes bytes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ByteBuffer } from 'flatbuffers';
import { Buffer as TflBuffer } from '../../src/main/import/tflite/generated/tflite/buffer';
import { Model } from '../../src/main/import/tflite/generated/tflite/model';
import { Operator } from '../../src/main/import/tflite/generated/tflite/operator';
import { SubGraph } from '../../src/main/import/tflite/generated/tflite/sub-graph';
import { Tensor } from '../../src/main/import/tflite/generated/tflite/tensor';
import type { ModelGraph } from '../../src/shared/model/types';
import { GraphBuilder, mlperfIc, mlperfKws } from '../../src/shared/presets';
import { mulberry32 } from '../../src/shared/sweep/space';
import {
  BuiltinOperator,
  planTflite,
  reverseActivationOrder,
  serializeTflite,
  TensorType,
  type TflitePlan,
  type WriterOptions,
} from '../import/tflite/writer';

export interface FuzzCase {
  /** A file name that says where the case comes from, e.g. `fuzz-17-hello_world_int8-truncate.tflite`. */
  name: string;
  bytes: Uint8Array;
}

interface Seed {
  name: string;
  bytes: Uint8Array;
  /** Writer seeds also mutate their plan before it is written. */
  plan?: TflitePlan;
  /** Where the seed's vector and string lengths lie (the words a hostile file makes huge). */
  lengths: number[];
}

/** Positions of the length words of a valid file's vectors and strings, found through the generated accessors. */
export function lengthPositions(bytes: Uint8Array): number[] {
  const bb = new ByteBuffer(bytes);
  const found: number[] = [];
  const vectorAt = (table: { bb_pos: number }, id: number): void => {
    const offset = bb.__offset(table.bb_pos, 4 + 2 * id);
    if (offset) found.push(table.bb_pos + offset + bb.readInt32(table.bb_pos + offset));
  };
  const model = Model.getRootAsModel(bb);
  [1, 2, 4].forEach((id) => vectorAt(model, id));
  const graph = model.subgraphs(0) as SubGraph;
  [0, 1, 2, 3].forEach((id) => vectorAt(graph, id));
  for (let i = 0; i < graph.tensorsLength(); i++) [0, 3].forEach((id) => vectorAt(graph.tensors(i) as Tensor, id));
  for (let i = 0; i < graph.operatorsLength(); i++) [1, 2].forEach((id) => vectorAt(graph.operators(i) as Operator, id));
  for (let i = 0; i < model.buffersLength(); i++) vectorAt(model.buffers(i) as TflBuffer, 0);
  return found;
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'tflite');

function smallGraph(): ModelGraph {
  const b = new GraphBuilder('small');
  const x = b.input('in', [12, 12, 2]);
  const p = b.zeroPadding2d('pad', x, 1);
  const c = b.conv2d('conv', p, { filters: 4, kernel: 3, strides: 2, activation: 'relu6' });
  const d = b.depthwiseConv2d('dw', c, { kernel: 3, padding: 'same', depthMultiplier: 2 });
  const s = b.add('sum', [d, b.conv2d('proj', c, { filters: 8, kernel: 1 })]);
  const r = b.activation('relu', s, 'relu');
  const cat = b.concatenate('cat', [r, b.maxPool2d('pool', r, { pool: 3, strides: 1, padding: 'same' })]);
  const m = b.globalAveragePool2d('mean', cat, { keepDims: true });
  const f = b.dense('fc', b.flatten('flat', m), { units: 3, activation: 'softmax' });
  return b.build(f);
}

function unknownGraph(): ModelGraph {
  const b = new GraphBuilder('unknown');
  const x = b.input('in', [10, 4]);
  const s = b.layer('svdf', [x], { type: 'Opaque', op: 'SVDF', outputShape: [10, 4] });
  return b.build(b.dense('fc', b.flatten('flat', s), { units: 2 }));
}

/** The files the cases start from: writer output in several layouts, and the real TFLM models. */
export function tfliteFuzzSeeds(): Seed[] {
  const written: [string, ModelGraph, WriterOptions][] = [
    ['small-fp32', smallGraph(), {}],
    ['small-int8', smallGraph(), { precision: 'int8', floatIo: true }],
    ['small-hybrid-shared', smallGraph(), { precision: 'hybrid', shareBuffers: true, opcodeStyle: 'deprecated' }],
    ['small-external', smallGraph(), { precision: 'int8', externalData: true, unnamed: true }],
    ['kws-int8', mlperfKws(), { precision: 'int8', opcodeStyle: 'builtin' }],
    ['resnet8-int8', mlperfIc(), { precision: 'int8' }],
    ['unknown-op', unknownGraph(), { precision: 'int8' }],
  ];
  const seed = (name: string, bytes: Uint8Array, plan?: TflitePlan): Seed => ({ name, bytes, ...(plan ? { plan } : {}), lengths: lengthPositions(bytes) });
  const seeds: Seed[] = written.map(([name, graph, options]) => {
    const plan = planTflite(graph, options);
    return seed(name, serializeTflite(plan).slice(), plan);
  });
  const reversed = reverseActivationOrder(planTflite(smallGraph(), { precision: 'int8' }));
  seeds.push(seed('small-reversed', serializeTflite(reversed).slice(), reversed));
  for (const file of ['hello_world_int8.tflite', 'person_detect.tflite']) {
    seeds.push(seed(file.replace('.tflite', ''), new Uint8Array(readFileSync(join(FIXTURES, file)))));
  }
  return seeds;
}

type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (random: Random, n: number): number => Math.floor(random() * n);

/** Values that find off-by-one and overflow mistakes in offsets, lengths and counts. */
function interesting(random: Random, size: number): number {
  return pick(random, [0, 1, 2, 3, 4, 7, 8, 16, 127, 128, 255, 256, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, size, size - 4, size + 4, size >> 1]);
}

/** Changes a plan the way a damaged or hand-edited file might: shapes, types, codes, references. */
function mutatePlan(plan: TflitePlan, random: Random): string {
  const p = plan;
  const t = p.tensors[int(random, p.tensors.length)];
  const op = p.operators[int(random, p.operators.length)];
  switch (int(random, 10)) {
    case 0:
      if (t.shape.length > 0) t.shape[int(random, t.shape.length)] = pick(random, [0, -1, 3, 1 << 20, 0x7fffffff, -0x80000000]);
      return 'shape';
    case 1:
      t.shape = Array.from({ length: int(random, 12) }, () => 1 + int(random, 4));
      return 'rank';
    case 2:
      t.type = pick(random, [TensorType.INT64, TensorType.STRING, TensorType.INT4, TensorType.FLOAT16, TensorType.INT16, 99 as TensorType]);
      return 'type';
    case 3:
      t.buffer = int(random, p.buffers.length + 3);
      return 'buffer';
    case 4:
      op.builtin = pick(random, [BuiltinOperator.SVDF, BuiltinOperator.CUSTOM, BuiltinOperator.CONV_2D, BuiltinOperator.MEAN, BuiltinOperator.PAD, BuiltinOperator.CONCATENATION, 300]);
      return 'operator';
    case 5:
      if (op.inputs.length > 0) op.inputs[int(random, op.inputs.length)] = pick(random, [-1, -7, 0, p.tensors.length, int(random, p.tensors.length)]);
      return 'operand';
    case 6:
      op.outputs = pick(random, [[], [0], [op.outputs[0] ?? 0, op.outputs[0] ?? 0], [int(random, p.tensors.length)]]);
      return 'outputs';
    case 7:
      if (op.options) op.options.fields[int(random, op.options.fields.length)] = pick(random, [0, -1, 3, 9, 1000, -0x80000000]);
      return 'options';
    case 8:
      p.operators.splice(int(random, p.operators.length), 1);
      return 'drop-operator';
    default:
      p.buffers[int(random, p.buffers.length)].size = int(random, 64);
      return 'buffer-size';
  }
}

/** Changes bytes: truncation, flips, interesting words, copied regions. Keeps the identifier most of the time. */
function mutateBytes(source: Uint8Array, lengths: readonly number[], random: Random): { bytes: Uint8Array; how: string } {
  const kind = int(random, lengths.length > 0 ? 6 : 5);
  let bytes: Uint8Array;
  let how: string;
  if (kind === 0) {
    // Truncation: anywhere, but favour the front, where the tables are.
    const at = random() < 0.5 ? int(random, Math.min(source.length, 512)) : int(random, source.length);
    return { bytes: source.slice(0, at), how: `truncate-${at}` };
  }
  bytes = source.slice();
  const view = new DataView(bytes.buffer);
  // Most of a file is weight data; aim most changes at the tables near the front.
  const position = (width: number): number =>
    Math.max(0, Math.min(bytes.length - width, random() < 0.7 ? int(random, Math.min(bytes.length, 4096)) : int(random, bytes.length)));
  if (kind === 1) {
    const n = 1 + int(random, 8);
    for (let i = 0; i < n; i++) bytes[position(1)] ^= 1 << int(random, 8);
    how = `flip-${n}`;
  } else if (kind === 2) {
    const n = 1 + int(random, 4);
    for (let i = 0; i < n; i++) {
      const at = position(4) & ~3;
      if (at + 4 <= bytes.length) view.setUint32(at, interesting(random, bytes.length) >>> 0, true);
    }
    how = `word-${n}`;
  } else if (kind === 3) {
    const length = 1 + int(random, 64);
    const from = position(length);
    const to = position(length);
    bytes.copyWithin(to, from, from + length);
    how = `copy-${length}`;
  } else if (kind === 4) {
    const at = position(2);
    view.setUint16(at, pick(random, [0, 2, 4, 0xffff, 0x8000, 6]), true);
    how = 'short';
  } else {
    // A vector's or string's length made huge: the classic way to make a reader loop or allocate without bound.
    const at = pick(random, lengths);
    const value = pick(random, [0x7fffffff, 0x3fffffff, 0xffffffff, 0x10000000, 0x00100000, view.getUint32(at, true) + 1]);
    view.setUint32(at, value >>> 0, true);
    how = `length-${at}`;
  }
  if (bytes.length >= 8 && random() < 0.95) bytes.set([0x54, 0x46, 0x4c, 0x33], 4);
  return { bytes, how };
}

/** `count` cases from `seed`: the same arguments always give the same files. */
export function* tfliteFuzzCases(seed: number, count: number, seeds: Seed[] = tfliteFuzzSeeds()): Generator<FuzzCase> {
  const random = mulberry32(seed);
  for (let i = 0; i < count; i++) {
    // The big real model costs the most to read: draw it less often.
    const base = random() < 0.06 ? seeds[seeds.length - 1] : seeds[int(random, seeds.length - 1)];
    let bytes = base.bytes;
    const steps: string[] = [];
    if (base.plan && random() < 0.35) {
      const plan = structuredClone(base.plan);
      const n = 1 + int(random, 2);
      for (let k = 0; k < n; k++) steps.push(mutatePlan(plan, random));
      try {
        bytes = serializeTflite(plan).slice();
      } catch {
        steps.push('unwritable');
      }
    }
    if (steps.length === 0 || random() < 0.3) {
      // Lengths are only known for the unmutated layout.
      const m = mutateBytes(bytes, bytes === base.bytes ? base.lengths : [], random);
      bytes = m.bytes;
      steps.push(m.how);
    }
    yield { name: `fuzz-${seed}-${i}-${base.name}-${steps.join('+')}.tflite`, bytes };
  }
}
