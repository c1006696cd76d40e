// The official ONNX schema (onnx.proto of ONNX 1.10, compiled to static protobufjs code by the `onnx-proto`
// package). Fields added by later ONNX versions are skipped by the decoder; newer enum values (data types such as
// INT4) arrive as plain numbers.
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import protobuf from 'protobufjs/minimal';
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
    const model = onnx.ModelProto.decode(boundedReader(bytes));
    return (model.graph?.node?.length ?? 0) > 0;
  } catch {
    return false;
  }
}

/**
 * The most memory decoding may take, as estimated while decoding. A protobuf packs a 64-bit integer into one byte
 * that decodes into an object of tens of bytes, and an empty message into two bytes that decode into an object with
 * its arrays: a 120 MB file of one initializer holding 120 M packed int64 values would decode into gigabytes. Real
 * models keep their weights in `raw_data` (bytes, a view of the file, costing nothing) and decode into far less.
 */
export const MAX_DECODED_BYTES = 1024 * 1024 * 1024;

/** At most this many 64-bit integers are decoded outside raw_data: 16,777,216, far beyond any real shape data. */
export const MAX_DECODED_INT64 = 16 * 1024 * 1024;

/**
 * Estimated bytes per value the decoder creates: a 64-bit integer a number (see below) in an array; any other
 * number a slot of an array or a field; a tag, length or enum read (at least one per message) stands for the
 * message object and its arrays; bytes are views of the file (only their object is counted); strings are copied.
 */
const COSTS: Record<string, number> = {
  int64: 16,
  uint64: 16,
  sint64: 16,
  fixed64: 16,
  sfixed64: 16,
  int32: 8,
  sint32: 8,
  fixed32: 8,
  sfixed32: 8,
  float: 8,
  double: 8,
  bool: 8,
  uint32: 8,
  bytes: 64,
};
/** A decoded message: its object and the empty arrays its constructor makes for its repeated fields. */
const MESSAGE_COST = 160;

/** The charge of the bounded reader decoding now, found by its reader (message decoders receive only the reader). */
const charges = new WeakMap<protobuf.Reader, (kind: string, cost: number) => void>();

/**
 * Every message type's decoder counts its message before decoding it, when the reader is a bounded one. Nested
 * messages are decoded through these same functions (the generated code looks them up at each call).
 */
function countMessages(namespace: Record<string, unknown>, seen = new Set<unknown>()): void {
  for (const value of Object.values(namespace)) {
    if (typeof value !== 'function' || seen.has(value)) continue;
    seen.add(value);
    const type = value as unknown as { decode?: (reader: unknown, length?: number) => unknown } & Record<string, unknown>;
    const decode = type.decode;
    if (typeof decode === 'function') {
      type.decode = function (this: unknown, reader: unknown, length?: number) {
        charges.get(reader as protobuf.Reader)?.('message', MESSAGE_COST);
        return decode.call(this, reader, length);
      };
    }
    countMessages(type, seen); // nested types (TensorProto.Segment, TypeProto.Tensor…)
  }
}
countMessages(onnx as unknown as Record<string, unknown>);
const INT64_KINDS = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

class DecodeLimitError extends Error {}

/**
 * A varint of at most 7 bytes (below 2^49: every real size) read straight from the buffer as a number, without the
 * two objects protobufjs makes for a 64-bit value; null (nothing consumed) for anything longer or cut short.
 */
function smallVarint(reader: protobuf.Reader): number | null {
  const { buf, len } = reader;
  let pos = reader.pos;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 7 && pos < len; i++) {
    const byte = buf[pos++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      reader.pos = pos;
      return value;
    }
    scale *= 128;
  }
  return null;
}

/**
 * A protobuf reader that counts what decoding creates and refuses a file that would exhaust memory as soon as the
 * count passes a limit (MAX_DECODED_INT64 64-bit integers, MAX_DECODED_BYTES in all): each value is counted before
 * it is decoded, so nothing beyond the limits is ever allocated. Every nested message is decoded through this reader.
 */
export function boundedReader(bytes: Uint8Array, limits = { bytes: MAX_DECODED_BYTES, int64: MAX_DECODED_INT64 }): protobuf.Reader {
  const reader = protobuf.Reader.create(bytes);
  let used = 0;
  let int64s = 0;
  let messages = 0;
  const where = (): string =>
    `counted while decoding, at byte ${reader.pos.toLocaleString('en-US')} of ${bytes.length.toLocaleString('en-US')}`;
  const charge = (kind: string, cost: number): void => {
    used += cost;
    if (kind === 'message') messages++;
    if (INT64_KINDS.has(kind) && ++int64s > limits.int64) {
      throw new DecodeLimitError(
        `the ONNX file holds more than ${limits.int64.toLocaleString('en-US')} 64-bit integers outside raw_data ` +
          `(int64_data, dims or ints; ${where()}), beyond the limit Frontier decodes: tensors this large keep their ` +
          'values in raw_data, as ONNX writers do',
      );
    }
    if (used > limits.bytes) {
      throw new DecodeLimitError(
        `the ONNX file would take more than ${(limits.bytes / 1024 / 1024).toLocaleString('en-US')} MiB of memory to ` +
          `decode (${where()}: ${messages.toLocaleString('en-US')} messages and ${int64s.toLocaleString('en-US')} 64-bit ` +
          'integers so far), beyond the limit Frontier decodes',
      );
    }
  };
  charges.set(reader, charge);
  const target = reader as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const [kind, cost] of Object.entries(COSTS)) {
    const original = target[kind];
    // A 64-bit integer arrives as a Long object (tens of bytes, kept as long as the message); one that is exact as a
    // number is kept as a number instead (Int64 allows both), so a million shape values cost 8 MB, not 80.
    target[kind] = INT64_KINDS.has(kind)
      ? function (this: protobuf.Reader) {
          charge(kind, cost);
          const fast = kind === 'int64' || kind === 'uint64' ? smallVarint(this) : null;
          if (fast !== null) return fast;
          const value = original.call(this) as Int64;
          if (typeof value === 'number') return value;
          const n = value.toNumber();
          return Number.isSafeInteger(n) ? n : value;
        }
      : function (this: protobuf.Reader, ...args: unknown[]) {
          charge(kind, cost);
          return original.apply(this, args);
        };
  }
  const readString = target.string;
  target.string = function (this: protobuf.Reader) {
    const value = readString.call(this) as string;
    charge('string', 64 + value.length * 2);
    return value;
  };
  return reader;
}

/** Decodes a ModelProto; a damaged file is a ModelError that says where the protobuf goes wrong. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(boundedReader(bytes));
  } catch (err) {
    if (err instanceof DecodeLimitError) throw new ModelError(err.message);
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
