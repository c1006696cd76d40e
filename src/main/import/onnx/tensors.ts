// ONNX tensors: element types, declared sizes checked against the bytes the file holds, and the values of the small
// constants that operators read (shapes, axes, pads, clip bounds). Weight data is never copied: raw_data stays a view
// into the file's bytes and only its length is read.
import type { NumberFormat } from '../../../shared/analysis/precision';
import { ModelError } from '../../../shared/model/types';
import { hasField, int64, onnx, type Int64, type TensorProto } from './proto';

const T = onnx.TensorProto.DataType;

/** ONNX data type numbers beyond ONNX 1.10's enum. */
const FLOAT8_TYPES = [17, 18, 19, 20];
const UINT4 = 21;
const INT4 = 22;
const FLOAT4E2M1 = 23;

/** Bytes per element (sub-byte types pack two per byte). */
const ELEMENT_BYTES: Record<number, number> = {
  [T.FLOAT]: 4,
  [T.UINT8]: 1,
  [T.INT8]: 1,
  [T.UINT16]: 2,
  [T.INT16]: 2,
  [T.INT32]: 4,
  [T.INT64]: 8,
  [T.BOOL]: 1,
  [T.FLOAT16]: 2,
  [T.DOUBLE]: 8,
  [T.UINT32]: 4,
  [T.UINT64]: 8,
  [T.COMPLEX64]: 8,
  [T.COMPLEX128]: 16,
  [T.BFLOAT16]: 2,
  17: 1,
  18: 1,
  19: 1,
  20: 1,
  [UINT4]: 0.5,
  [INT4]: 0.5,
  [FLOAT4E2M1]: 0.5,
};

export function dataTypeName(type: number): string {
  if (FLOAT8_TYPES.includes(type)) return `FLOAT8 (${type})`;
  if (type === UINT4) return 'UINT4';
  if (type === INT4) return 'INT4';
  if (type === FLOAT4E2M1) return 'FLOAT4E2M1';
  return (onnx.TensorProto.DataType as unknown as Record<number, string>)[type] ?? `data type ${type}`;
}

/** The number format Frontier analyses a tensor of this ONNX type at, or null when it has none. */
export function numberFormatOf(type: number): NumberFormat | null {
  switch (type) {
    case T.FLOAT:
    case T.DOUBLE:
      return 'fp32';
    case T.FLOAT16:
    case T.BFLOAT16:
      return 'fp16';
    case T.INT8:
    case T.UINT8:
      return 'int8';
    case INT4:
    case UINT4:
      return 'int4';
    default:
      return null;
  }
}

/** Largest element count Frontier accepts for one tensor (2^36: far beyond any model, small enough to stay exact). */
export const MAX_ELEMENTS = 2 ** 36;
/** Largest single dimension. */
export const MAX_DIMENSION = 2 ** 31;

/** Product of dimensions, refusing counts beyond MAX_ELEMENTS before they overflow. */
export function elementCount(dims: readonly number[], what: string): number {
  let count = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > MAX_DIMENSION) {
      throw new ModelError(`${what} has dimension ${d}, which is not a size (0 to ${MAX_DIMENSION})`);
    }
    count *= d;
    if (count > MAX_ELEMENTS) {
      throw new ModelError(`${what} declares ${dims.join('×')} elements, more than Frontier analyses (2^36)`);
    }
  }
  return count;
}

/** What a stored tensor is, checked: dims, element count, type and the bytes it occupies in the file. */
export interface TensorInfo {
  name: string;
  dims: number[];
  count: number;
  dataType: number;
  /** Bytes of its data as stored (in the file, or in an external data file). */
  storedBytes: number;
  /** Stored outside the .onnx file (ONNX external data); its values cannot be read. */
  external: boolean;
}

export function tensorInfo(tensor: TensorProto, what: string): TensorInfo {
  const dims = tensor.dims.map((d, i) => int64(d as Int64, `${what}: dimension ${i + 1}`));
  const count = elementCount(dims, what);
  const dataType = tensor.dataType;
  const size = ELEMENT_BYTES[dataType];
  if (size === undefined) {
    throw new ModelError(`${what} has ${dataTypeName(dataType)} elements, which no weight or shape uses`);
  }
  const expected = Math.ceil(count * size);
  const shown = `${dims.length === 0 ? 'a scalar' : dims.join('×')} (${count} ${dataTypeName(dataType)} values)`;
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    return { name: tensor.name, dims, count, dataType, storedBytes: expected, external: true };
  }
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== expected) {
      throw new ModelError(`${what} declares ${shown} = ${expected} bytes, but its raw data holds ${raw.length} bytes`);
    }
    return { name: tensor.name, dims, count, dataType, storedBytes: raw.length, external: false };
  }
  const typed = typedValues(tensor);
  const held = typed.length;
  // Sub-byte types pack several values into one int32; complex types hold two floats per value.
  const perField = size < 1 ? 1 / size : dataType === T.COMPLEX64 || dataType === T.COMPLEX128 ? 0.5 : 1;
  const needed = Math.ceil(count / perField);
  if (held !== needed) {
    throw new ModelError(`${what} declares ${shown} but holds ${held} values`);
  }
  return { name: tensor.name, dims, count, dataType, storedBytes: expected, external: false };
}

/** The typed repeated field a tensor keeps its values in when it has no raw data. */
function typedValues(tensor: TensorProto): ArrayLike<number | Int64> {
  switch (tensor.dataType) {
    case T.FLOAT:
    case T.COMPLEX64:
      return tensor.floatData;
    case T.DOUBLE:
    case T.COMPLEX128:
      return tensor.doubleData;
    case T.INT64:
      return tensor.int64Data as Int64[];
    case T.UINT32:
    case T.UINT64:
      return tensor.uint64Data as Int64[];
    case T.STRING:
      return tensor.stringData as unknown as number[];
    default:
      return tensor.int32Data;
  }
}

/** Most values Frontier reads from a constant (a shape, axes, pads or bounds are a few numbers). */
export const MAX_READ_VALUES = 4096;

/** The values of a small constant tensor, as numbers. */
export function readValues(tensor: TensorProto, what: string): number[] {
  const info = tensorInfo(tensor, what);
  if (info.external) throw new ModelError(`${what} is stored in an external data file; Frontier reads its values only from the .onnx file`);
  if (info.count > MAX_READ_VALUES) {
    throw new ModelError(`${what} has ${info.count} values where a short list (a shape, axes or bounds) is expected`);
  }
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out: number[] = [];
    for (let i = 0; i < info.count; i++) out.push(readRaw(view, info.dataType, i, what));
    return out;
  }
  const typed = typedValues(tensor);
  const out: number[] = [];
  for (let i = 0; i < info.count; i++) {
    const v = typed[i];
    out.push(typeof v === 'number' ? v : v.toNumber());
  }
  if (info.dataType === T.FLOAT16) return out.map(halfToFloat);
  if (info.dataType === T.BFLOAT16) return out.map((bits) => bfloatToFloat(bits));
  return out;
}

function readRaw(view: DataView, type: number, i: number, what: string): number {
  switch (type) {
    case T.FLOAT:
      return view.getFloat32(i * 4, true);
    case T.DOUBLE:
      return view.getFloat64(i * 8, true);
    case T.FLOAT16:
      return halfToFloat(view.getUint16(i * 2, true));
    case T.BFLOAT16:
      return bfloatToFloat(view.getUint16(i * 2, true));
    case T.INT8:
      return view.getInt8(i);
    case T.UINT8:
    case T.BOOL:
      return view.getUint8(i);
    case T.INT16:
      return view.getInt16(i * 2, true);
    case T.UINT16:
      return view.getUint16(i * 2, true);
    case T.INT32:
      return view.getInt32(i * 4, true);
    case T.UINT32:
      return view.getUint32(i * 4, true);
    case T.INT64:
    case T.UINT64: {
      const big = type === T.INT64 ? view.getBigInt64(i * 8, true) : view.getBigUint64(i * 8, true);
      const n = Number(big);
      if (!Number.isSafeInteger(n)) {
        // INT64 max stands for "to the end" in Slice-like lists; keep it as a large number.
        return big > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
      }
      return n;
    }
    default:
      throw new ModelError(`${what}: Frontier does not read values of ${dataTypeName(type)}`);
  }
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bfloatToFloat(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (bits & 0xffff) << 16);
  return view.getFloat32(0);
}

export const isIntegerType = (type: number): boolean =>
  [T.INT8, T.UINT8, T.INT16, T.UINT16, T.INT32, T.UINT32, T.INT64, T.UINT64, INT4, UINT4].includes(type);

export { hasField };
