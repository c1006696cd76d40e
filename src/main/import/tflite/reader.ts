// Reads the parts of a TensorFlow Lite file Frontier uses into plain values, through flatc's generated accessors,
// with every table, vector and string checked by the Guard before it is read. Two stages, so that unknown operators
// can be reported before any other complaint: first the operators and their codes, then tensors and buffers.
import { ByteBuffer } from 'flatbuffers';
import { Buffer as TflBuffer } from './generated/tflite/buffer';
import { Model } from './generated/tflite/model';
import { Operator } from './generated/tflite/operator';
import { OperatorCode } from './generated/tflite/operator-code';
import { SubGraph } from './generated/tflite/sub-graph';
import { Tensor } from './generated/tflite/tensor';
import { Guard } from './guard';
import { builtinCode, type OperatorKind } from './operators';

/** Field ids, in the order of the schema's tables (src/main/import/tflite/schema/tflite_subset.fbs). */
const FIELD = {
  Model: { operator_codes: 1, subgraphs: 2, buffers: 4 },
  OperatorCode: { custom_code: 1 },
  SubGraph: { tensors: 0, inputs: 1, outputs: 2, operators: 3 },
  Operator: { inputs: 1, outputs: 2, builtin_options: 4 },
  Tensor: { shape: 0, name: 3 },
  Buffer: { data: 0 },
} as const;

/** More dimensions than any TensorFlow Lite kernel takes. */
export const MAX_RANK = 8;

export const TFLITE_IDENTIFIER = 'TFL3';

/** A TensorFlow Lite FlatBuffer: the file identifier "TFL3" at bytes 4–7. */
export function isTflite(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 8 &&
    bytes[4] === 0x54 && // T
    bytes[5] === 0x46 && // F
    bytes[6] === 0x4c && // L
    bytes[7] === 0x33 // 3
  );
}

export interface TfliteOperator {
  /** Position in execution order. */
  index: number;
  kind: OperatorKind;
  /** The generated accessor, checked: its options may be read through `readOptions`. */
  raw: Operator;
}

/** Stage one: the model's operators and what each one is. */
export interface TfliteOperators {
  guard: Guard;
  model: Model;
  subgraph: SubGraph;
  subgraphCount: number;
  operators: TfliteOperator[];
}

export function readOperators(bytes: Uint8Array, fileName: string): TfliteOperators {
  const bb = new ByteBuffer(bytes);
  const guard = new Guard(bb, fileName);
  if (!isTflite(bytes)) guard.damaged('no "TFL3" file identifier at bytes 4 to 7');
  const model = guard.table(Model.getRootAsModel(bb), 'the model table');

  const codeCount = guard.vector(model, FIELD.Model.operator_codes, 4, 'the operator code list');
  const kinds: OperatorKind[] = [];
  for (let i = 0; i < codeCount; i++) {
    const what = `operator code ${i}`;
    const code = guard.table(model.operatorCodes(i, new OperatorCode()), what);
    guard.string(code, FIELD.OperatorCode.custom_code, `the custom name of ${what}`);
    kinds.push({ builtin: builtinCode(code.builtinCode(), code.deprecatedBuiltinCode()), custom: code.customCode() });
  }

  const subgraphCount = guard.vector(model, FIELD.Model.subgraphs, 4, 'the subgraph list');
  if (subgraphCount === 0) guard.damaged('the model has no subgraph');
  const subgraph = guard.table(model.subgraphs(0, new SubGraph()), 'subgraph 0');

  const opCount = guard.vector(subgraph, FIELD.SubGraph.operators, 4, 'the operator list');
  const operators: TfliteOperator[] = [];
  for (let i = 0; i < opCount; i++) {
    const raw = guard.table(subgraph.operators(i, new Operator()), `operator ${i}`);
    const opcode = raw.opcodeIndex();
    if (opcode >= codeCount) {
      guard.damaged(`operator ${i} uses operator code ${opcode}, but the file lists ${codeCount}`);
    }
    operators.push({ index: i, kind: kinds[opcode], raw });
  }
  return { guard, model, subgraph, subgraphCount, operators };
}

export interface TfliteTensor {
  index: number;
  /** The file's name, or null when it has none. */
  name: string | null;
  /** As the file gives it, batch dimension included. */
  shape: number[];
  /** A TensorType value. */
  type: number;
  buffer: number;
}

/** Where a tensor's constant data lies in the file; `bytes` is 0 for a tensor without data (an activation). */
export interface TfliteData {
  start: number;
  bytes: number;
}

/** Stage two: tensors, operator operands, model inputs and outputs, and buffers on demand. */
export interface TfliteGraph {
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  /** Per operator (execution order): tensor indices it reads (-1 = optional input left out) and writes. */
  operands: { inputs: number[]; outputs: number[] }[];
  /** The data of a buffer, checked to lie inside the file. */
  data(buffer: number, what: string): TfliteData;
}

export function readGraph(file: TfliteOperators): TfliteGraph {
  const { guard, model, subgraph } = file;
  const tensorCount = guard.vector(subgraph, FIELD.SubGraph.tensors, 4, 'the tensor list');
  const tensorIndex = (value: number, what: string, optional: boolean): number => {
    if (optional && value === -1) return -1;
    if (!Number.isInteger(value) || value < 0 || value >= tensorCount) {
      guard.damaged(`${what} refers to tensor ${value}, but subgraph 0 has ${tensorCount} tensors`);
    }
    return value;
  };
  const indices = (table: SubGraph | Operator, id: number, what: string, at: (i: number) => number | null, optional: boolean): number[] => {
    const length = guard.vector(table, id, 4, what);
    const out: number[] = [];
    for (let i = 0; i < length; i++) out.push(tensorIndex(at(i) ?? 0, `${what} (entry ${i})`, optional));
    return out;
  };

  const tensors: TfliteTensor[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const what = `tensor ${i}`;
    const t = guard.table(subgraph.tensors(i, new Tensor()), what);
    const rank = guard.vector(t, FIELD.Tensor.shape, 4, `the shape of ${what}`);
    if (rank > MAX_RANK) guard.damaged(`${what} has ${rank} dimensions (at most ${MAX_RANK} are read)`);
    const shape: number[] = [];
    for (let k = 0; k < rank; k++) shape.push(t.shape(k) ?? 0);
    guard.string(t, FIELD.Tensor.name, `the name of ${what}`);
    const name = t.name();
    tensors.push({ index: i, name: name === '' ? null : name, shape, type: t.type(), buffer: t.buffer() });
  }

  const inputs = indices(subgraph, FIELD.SubGraph.inputs, 'the model input list', (i) => subgraph.inputs(i), false);
  const outputs = indices(subgraph, FIELD.SubGraph.outputs, 'the model output list', (i) => subgraph.outputs(i), false);
  const operands = file.operators.map(({ raw, index }) => ({
    inputs: indices(raw, FIELD.Operator.inputs, `the inputs of operator ${index}`, (i) => raw.inputs(i), true),
    outputs: indices(raw, FIELD.Operator.outputs, `the outputs of operator ${index}`, (i) => raw.outputs(i), false),
  }));

  const bufferCount = guard.vector(model, FIELD.Model.buffers, 4, 'the buffer list');
  const cache = new Map<number, TfliteData>();
  const data = (buffer: number, what: string): TfliteData => {
    const known = cache.get(buffer);
    if (known) return known;
    if (buffer >= bufferCount) guard.damaged(`${what} uses buffer ${buffer}, but the file has ${bufferCount}`);
    const b = guard.table(model.buffers(buffer, new TflBuffer()), `buffer ${buffer}`);
    let result = guard.span(b, FIELD.Buffer.data, 1, `the data of buffer ${buffer}`);
    const offset = b.offset();
    if (result.length === 0 && offset > 1n) {
      // A model over 2 GB keeps its data outside the FlatBuffer, located from the start of the file.
      const size = b.size();
      if (offset > BigInt(Number.MAX_SAFE_INTEGER) || size > BigInt(Number.MAX_SAFE_INTEGER)) {
        guard.damaged(`buffer ${buffer} places its data at byte ${offset} (${size} bytes), beyond any file`);
      }
      result = { start: Number(offset), length: Number(size) };
      guard.region(result.start, result.length, `the data of buffer ${buffer}`);
    }
    const entry = { start: result.start, bytes: result.length };
    cache.set(buffer, entry);
    return entry;
  };
  return { tensors, inputs, outputs, operands, data };
}

/** Reads a table-valued union field (an operator's options) after checking it, or null when absent. */
export function readOptions<T extends { bb_pos: number }>(
  guard: Guard,
  op: TfliteOperator,
  expectedType: number,
  make: () => T,
  what: string,
): T | null {
  if (op.raw.builtinOptionsType() !== expectedType) return null;
  if (!guard.subtable(op.raw, FIELD.Operator.builtin_options, what)) return null;
  return guard.table(op.raw.builtinOptions(make()) as T | null, what);
}
