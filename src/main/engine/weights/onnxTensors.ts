// The values of ONNX tensors, for the engine: raw_data or the typed fields (float_data, int32_data, int64_data,
// double_data), float16 and bfloat16 widened to float32, int4 unpacked, and external data read from files next to
// the model. Sizes are checked (by the importer's tensorInfo, and against the external file) before anything is
// allocated. Unsigned integers are stored shifted into the signed range (uint8 q becomes q − 128, uint4 q − 8) so
// that every quantized tensor is signed; `shift` says by how much, and zero points read the same way shift alike.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { ModelError } from '../../../shared/model/types';
import { onnx, type Int64, type TensorProto } from '../../import/onnx/proto';
import { dataTypeName, tensorInfo } from '../../import/onnx/tensors';

const T = onnx.TensorProto.DataType;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const UINT4 = 21;
const INT4 = 22;

export interface TensorValues {
  dims: number[];
  data: Float32Array | Int8Array | Int32Array;
  /** What was subtracted from unsigned values to make them signed (128 for uint8, 8 for uint4, else 0). */
  shift: number;
}

/** The shift an element type's values get (see above). */
export const shiftOf = (dataType: number): number => (dataType === T.UINT8 ? 128 : dataType === UINT4 ? 8 : 0);

/** Reads tensors of one model; external data files are opened once each and closed by `close`. */
export class TensorReader {
  private readonly files = new Map<string, { fd: number; size: number; path: string }>();

  /** `directory`: the model's folder, where external data files are; undefined when the model came as bytes only. */
  constructor(private readonly directory: string | undefined) {}

  close(): void {
    for (const file of this.files.values()) closeSync(file.fd);
    this.files.clear();
  }

  values(tensor: TensorProto, what: string): TensorValues {
    const info = tensorInfo(tensor, what);
    const { dims, count, dataType } = info;
    const shift = shiftOf(dataType);
    let bytes: Uint8Array | undefined;
    if (info.external) bytes = this.external(tensor, info.storedBytes, what);
    else if (tensor.rawData && tensor.rawData.length > 0) bytes = tensor.rawData;
    if (bytes) return { dims, data: fromBytes(bytes, dataType, count, what), shift };
    return { dims, data: fromFields(tensor, dataType, count, what), shift };
  }

  /** The bytes of an externally stored tensor: `location` confined to the model's folder, sizes checked first. */
  private external(tensor: TensorProto, expected: number, what: string): Uint8Array {
    const entries = new Map((tensor.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = entries.get('location') ?? '';
    if (location === '') throw new ModelError(`${what} is stored externally but names no location`);
    const shown = `external data file "${location.slice(0, 200)}"`;
    if (location.includes('\0') || isAbsolute(location) || /^[A-Za-z]:/.test(location) || /^[\\/]/.test(location)) {
      throw new ModelError(`${what}: the ${shown} is an absolute path; external data must be a file in the model's folder`);
    }
    if (location.split(/[\\/]/).includes('..')) {
      throw new ModelError(`${what}: the ${shown} leads out of the model's folder (..); external data must be a file in the model's folder`);
    }
    if (this.directory === undefined) {
      throw new ModelError(`${what} is stored in the ${shown}; reading it needs the model's folder (read the model from its path)`);
    }
    const path = resolve(this.directory, location);
    const inside = relative(this.directory, path);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      throw new ModelError(`${what}: the ${shown} is not a file in the model's folder`);
    }
    const offset = byteField(entries.get('offset'), 0, `${what}: ${shown}, offset`);
    const length = byteField(entries.get('length'), expected, `${what}: ${shown}, length`);
    if (length !== expected) {
      throw new ModelError(`${what}: the ${shown} gives a length of ${length} bytes; its shape and type need ${expected} bytes`);
    }
    const file = this.open(path, shown, what);
    if (offset + expected > file.size) {
      throw new ModelError(
        `${what}: the ${shown} holds ${file.size} bytes; the tensor needs bytes ${offset} to ${offset + expected} (the file is truncated or the offset is wrong)`,
      );
    }
    const out = Buffer.allocUnsafe(expected);
    let done = 0;
    while (done < expected) {
      const got = readSync(file.fd, out, done, expected - done, offset + done);
      if (got === 0) throw new ModelError(`${what}: the ${shown} ended after ${offset + done} bytes while it was read`);
      done += got;
    }
    return out;
  }

  private open(path: string, shown: string, what: string): { fd: number; size: number; path: string } {
    const known = this.files.get(path);
    if (known) return known;
    let fd: number;
    try {
      // O_NONBLOCK: a FIFO in the folder must not block the read. It changes nothing for a regular file.
      fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
      throw new ModelError(`${what}: cannot open the ${shown} in ${this.directory}: ${why}`);
    }
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      closeSync(fd);
      throw new ModelError(`${what}: the ${shown} is not a regular file`);
    }
    const file = { fd, size: stat.size, path };
    this.files.set(path, file);
    return file;
  }
}

function byteField(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new ModelError(`${what} is "${value.slice(0, 40)}", not a byte count`);
  return n;
}

function unsupported(dataType: number, what: string): ModelError {
  return new ModelError(
    `${what} holds ${dataTypeName(dataType)} values; the engine reads weights of float, float16, bfloat16, double, int8, uint8, int4, uint4, int32 and int64`,
  );
}

/** Values from little-endian bytes whose length tensorInfo has checked against the declared shape. */
function fromBytes(bytes: Uint8Array, dataType: number, count: number, what: string): TensorValues['data'] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dataType) {
    case T.FLOAT: {
      // One copy of the bytes when the machine is little-endian (as ONNX stores them), element by element otherwise.
      if (LITTLE_ENDIAN) return new Float32Array(copyOf(bytes, count * 4));
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case T.DOUBLE: {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    case T.FLOAT16: {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    }
    case T.BFLOAT16: {
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case T.INT8:
      return new Int8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + count));
    case T.UINT8: {
      const out = new Int8Array(count);
      for (let i = 0; i < count; i++) out[i] = bytes[i] - 128;
      return out;
    }
    case INT4:
    case UINT4: {
      const out = new Int8Array(count);
      for (let i = 0; i < count; i++) out[i] = nibble(bytes[i >> 1], i, dataType);
      return out;
    }
    case T.INT32: {
      if (LITTLE_ENDIAN) return new Int32Array(copyOf(bytes, count * 4));
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    }
    case T.INT64: {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = toInt32(view.getBigInt64(i * 8, true), i, what);
      return out;
    }
    default:
      throw unsupported(dataType, what);
  }
}

/** A copy of the first `n` bytes in a buffer of their own (a Node Buffer's own slice would be a view). */
const copyOf = (bytes: Uint8Array, n: number): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + n) as ArrayBuffer;

/** Element `i` of packed 4-bit values (the low nibble first), signed, uint4 shifted by 8. */
function nibble(byte: number, i: number, dataType: number): number {
  const v = i % 2 === 0 ? byte & 0x0f : (byte >> 4) & 0x0f;
  return dataType === INT4 ? (v >= 8 ? v - 16 : v) : v - 8;
}

function toInt32(value: bigint | number, i: number, what: string): number {
  const n = Number(value);
  if (!(n >= -(2 ** 31) && n < 2 ** 31)) throw new ModelError(`${what}: value ${value} at index ${i} does not fit in 32 bits`);
  return n;
}

/** Values from the typed fields (tensorInfo has checked that they hold as many as the shape declares). */
function fromFields(tensor: TensorProto, dataType: number, count: number, what: string): TensorValues['data'] {
  switch (dataType) {
    case T.FLOAT:
      return Float32Array.from(tensor.floatData.slice(0, count));
    case T.DOUBLE:
      return Float32Array.from(tensor.doubleData.slice(0, count));
    case T.FLOAT16:
      return Float32Array.from(tensor.int32Data.slice(0, count), (bits) => halfToFloat(bits & 0xffff));
    case T.BFLOAT16: {
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = (tensor.int32Data[i] & 0xffff) << 16;
      return out;
    }
    case T.INT8:
    case T.UINT8: {
      const shift = shiftOf(dataType);
      const out = new Int8Array(count);
      for (let i = 0; i < count; i++) {
        const v = tensor.int32Data[i] - shift;
        if (!(v >= -128 && v <= 127)) throw new ModelError(`${what}: value ${tensor.int32Data[i]} at index ${i} is outside ${dataTypeName(dataType)}`);
        out[i] = v;
      }
      return out;
    }
    case INT4:
    case UINT4: {
      // Two 4-bit values per int32_data entry, the low nibble first.
      const out = new Int8Array(count);
      for (let i = 0; i < count; i++) out[i] = nibble(tensor.int32Data[i >> 1] & 0xff, i, dataType);
      return out;
    }
    case T.INT32:
      return Int32Array.from(tensor.int32Data.slice(0, count));
    case T.INT64: {
      const out = new Int32Array(count);
      const list = tensor.int64Data as Int64[];
      for (let i = 0; i < count; i++) {
        const v = list[i];
        out[i] = toInt32(typeof v === 'number' ? v : BigInt(v.toString()), i, what);
      }
      return out;
    }
    default:
      throw unsupported(dataType, what);
  }
}

/** IEEE 754 binary16 bits as a number (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
