// The official ONNX schema (onnx.proto of ONNX 1.10, compiled to static protobufjs code by the `onnx-proto`
// package). Fields added by later ONNX versions are skipped by the decoder; newer enum values (data types such as
// INT4) arrive as plain numbers.
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { ModelError } from '../../../shared/model/types';

export const onnx = onnxProto.onnx;

export type ModelProto = OnnxTypes.ModelProto;
export type GraphProto = OnnxTypes.GraphProto;
export type NodeProto = OnnxTypes.NodeProto;
export type TensorProto = OnnxTypes.TensorProto;
export type AttributeProto = OnnxTypes.AttributeProto;
export type ValueInfoProto = OnnxTypes.ValueInfoProto;
export type TypeProto = OnnxTypes.TypeProto;

/** int64 fields arrive as Long objects (protobufjs with `long`) or numbers. */
export type Int64 = number | { toNumber(): number; toString(): string };

/**
 * Field tags a ModelProto may start with (field number << 3 | wire type), by field: ir_version 1 (varint),
 * producer_name 2, producer_version 3, domain 4 (strings), model_version 5 (varint), doc_string 6, graph 7,
 * opset_import 8, metadata_props 14 (length-delimited).
 */
const MODEL_FIRST_TAGS = new Set([0x08, 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72]);

/**
 * Whether bytes are an ONNX model: a protobuf ModelProto with a graph. Every ONNX writer puts ir_version (field 1)
 * first, so a leading 0x08 is taken as ONNX (a damaged ONNX file then gets ONNX's own errors); a file that starts
 * with another ModelProto field must decode completely and hold a graph with nodes. JSON text (`{`, `[`,
 * whitespace), ZIP, HDF5 and TFLite files never start with 0x08 and do not decode as a ModelProto with a graph.
 */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  if (bytes[0] === 0x08) return true;
  if (!MODEL_FIRST_TAGS.has(bytes[0])) return false;
  try {
    const model = onnx.ModelProto.decode(bytes);
    return (model.graph?.node?.length ?? 0) > 0;
  } catch {
    return false;
  }
}

/** Decodes a ModelProto; a damaged file is a ModelError that says where the protobuf goes wrong. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new ModelError(`not a readable ONNX model: ${protobufProblem(err, bytes.length)}`);
  }
  if (model.graph == null) {
    throw new ModelError('an ONNX ModelProto without a graph: there is nothing to analyse');
  }
  return model;
}

/** The decoded graph (nested messages are typed as plain interfaces by the generated code, but are instances). */
export const graphOf = (model: ModelProto): GraphProto => model.graph as GraphProto;

function protobufProblem(err: unknown, size: number): string {
  const message = err instanceof Error ? err.message : String(err);
  const range = /index out of range: (\d+) \+ (\d+) > (\d+)/.exec(message);
  if (range) {
    return `the protobuf data ends early (truncated or damaged): a field at byte ${range[1]} needs ${range[2]} more bytes, the data holds ${range[3]} (the file has ${size} bytes)`;
  }
  if (/call stack/i.test(message)) return 'the protobuf messages are nested too deeply (damaged or hostile file)';
  return `the protobuf data is damaged (${message})`;
}

/** An int64 as a JS number, refusing values beyond 2^53. */
export function int64(value: Int64 | null | undefined, what: string): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'number' ? value : value.toNumber();
  if (!Number.isSafeInteger(n)) {
    throw new ModelError(`${what} is ${typeof value === 'number' ? value : value.toString()}, beyond any real size`);
  }
  return n;
}

/** Whether a decoded message carries a field (proto3 defaults live on the prototype). */
export const hasField = (message: object, field: string): boolean => Object.prototype.hasOwnProperty.call(message, field);
