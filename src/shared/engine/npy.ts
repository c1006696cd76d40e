// numpy's `.npy` format, read and written without numpy: how `frontier infer` takes its samples and gives its outputs,
// and how data sets are read. The format (numpy/lib/format.py): the magic "\x93NUMPY", a version byte pair (1.0, 2.0
// or 3.0), the header's length (2 bytes little-endian in 1.0, 4 in 2.0/3.0), the header (latin-1 text in 1.0/2.0,
// UTF-8 in 3.0: the repr() of a dict with 'descr', 'fortran_order' and 'shape'), then the values, nothing else.
//
// Read: every dtype below, little- or big-endian, C or Fortran order. Arrays come back in C order and the machine's
// byte order; float16 comes back as float32 values (dtype stays 'float16'); bool as 0/1 bytes. int64 and uint64
// come back exactly, as BigInt64Array / BigUint64Array: class labels are often int64 and a rounded label would be a
// wrong label, so the conversion to numbers is `npyNumbers`, which refuses a value a number cannot hold exactly.
// Every size the header declares is checked (non-negative integers, a bounded product, against the bytes present)
// before anything is allocated.
//
// Written: format 1.0, C order, little-endian, byte for byte as numpy's `np.save` writes the same array (its header
// text, the spaces it leaves for the first axis to grow, its padding to 64 bytes — a full 64 when the header already
// ends on the boundary).
//
// The format's dtypes and helpers are in npyFormat.ts, the writer in npyWrite.ts; both are re-exported here.
import { decodeHalves } from './float16';
import { parsePyLiteral, PyLiteralError, pyRepr, type PyValue } from './pyLiteral';
import {
  bytesText,
  clip,
  CONSTRUCTORS,
  DTYPES,
  HOST_LITTLE_ENDIAN,
  INFO,
  KIND_NAMES,
  MAGIC,
  MAX_DIMENSIONS,
  MAX_HEADER_BYTES,
  NpyError,
  shapeText,
  SUPPORTED_TEXT,
  swapBytes,
  type NpyArray,
  type NpyData,
  type NpyDtype,
  type NpyHeader,
  type ViewConstructor,
} from './npyFormat';

export {
  MAX_DIMENSIONS,
  MAX_HEADER_BYTES,
  NPY_DTYPES,
  npyDescr,
  NpyError,
  npyItemSize,
  shapeText,
  type NpyArray,
  type NpyData,
  type NpyDataOf,
  type NpyDtype,
  type NpyHeader,
} from './npyFormat';
export { checkNpyArray, npyDataChunks, npyHeaderBytes, writeNpy } from './npyWrite';

// Present in Node and every browser; declared here because src/shared compiles without DOM or Node types.
declare const TextDecoder: { new (label: string, options: { fatal: boolean }): { decode(bytes: Uint8Array): string } };

interface Descr {
  dtype: NpyDtype;
  littleEndian: boolean;
}

function parseDescr(descr: string, file: string): Descr {
  const match = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(descr);
  const unsupported = (what?: string): never => {
    throw new NpyError(file, `its dtype '${clip(descr)}'${what ? ` (${what})` : ''} is not supported; ${SUPPORTED_TEXT}`);
  };
  if (!match) return unsupported();
  const [, order, code, size] = match;
  const kind = code === '?' ? 'b' : code;
  const itemSize = code === '?' && size === '' ? 1 : Number(size);
  const info = DTYPES.find((d) => d.kind === kind && d.itemSize === itemSize);
  if (!info) return unsupported(KIND_NAMES[kind]);
  // '=' and no mark mean the writer's own order; numpy writes '<' or '>' itself, and every machine writing '=' by
  // hand is in practice little-endian. '|' (not applicable) is for one-byte types.
  if (order === '|' && itemSize > 1) {
    throw new NpyError(file, `its dtype '${descr}' has no byte order ('|') for a ${itemSize}-byte type; numpy writes '<' or '>'`);
  }
  return { dtype: info.dtype, littleEndian: order !== '>' };
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

/**
 * The size of the whole header (magic to the first value) from the file's first 12 bytes or more, with the magic and
 * version checked and the header's length bounded. For readers that fetch the header separately from the values.
 */
export function npyHeaderSize(bytes: Uint8Array, file: string): number {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
      throw new NpyError(file, 'not a .npy file: it is a zip archive (an .npz holding several arrays?)');
    }
    const start = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new NpyError(
      file,
      bytes.length > 0 && bytes.length < 8 && MAGIC.slice(0, bytes.length).every((b, i) => bytes[i] === b)
        ? `the file ends after ${bytesText(bytes.length)}, inside the .npy magic and version`
        : `not a .npy file: it does not begin with numpy's magic \\x93NUMPY (it begins with ${start || 'nothing: it is empty'})`,
    );
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    throw new NpyError(file, `its format version is ${major}.${minor}; numpy writes 1.0, 2.0 and 3.0, which are read`);
  }
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) {
    throw new NpyError(file, `the file ends after ${bytesText(bytes.length)}, inside the header's length (the header is cut short)`);
  }
  const length =
    major === 1
      ? bytes[8] | (bytes[9] << 8)
      : (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24)) >>> 0;
  if (length > MAX_HEADER_BYTES) {
    throw new NpyError(
      file,
      `its header declares ${bytesText(length)}, more than the ${bytesText(MAX_HEADER_BYTES)} a header can need here (a damaged file?)`,
    );
  }
  return 8 + lengthBytes + length;
}

/** The header of a `.npy` file from its first bytes (the values need not be present). */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  const dataOffset = npyHeaderSize(bytes, file);
  const major = bytes[6];
  const start = major === 1 ? 10 : 12;
  if (bytes.length < dataOffset) {
    throw new NpyError(
      file,
      `the header is cut short: it declares ${bytesText(dataOffset - start)}, the file holds ${bytesText(bytes.length - start)} after its length`,
    );
  }
  const raw = bytes.subarray(start, dataOffset);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      throw new NpyError(file, 'its header is not valid UTF-8 (format 3.0 headers are UTF-8)');
    }
  } else text = latin1(raw);

  let literal: PyValue;
  try {
    literal = parsePyLiteral(text);
  } catch (error) {
    if (!(error instanceof PyLiteralError)) throw error;
    throw new NpyError(file, `its header is not the dict numpy writes: ${error.message} (header ${JSON.stringify(clip(text.trimEnd()))})`);
  }
  const malformed = (why: string): never => {
    throw new NpyError(file, `its header is not the dict numpy writes: ${why}`);
  };
  if (literal.kind !== 'dict') return malformed(`it is ${clip(pyRepr(literal))}, not a dict`);
  const fields = new Map<string, PyValue>();
  for (const [key, value] of literal.entries) {
    if (key.kind !== 'str') return malformed(`it has the key ${clip(pyRepr(key))}; its keys are 'descr', 'fortran_order' and 'shape'`);
    if (!['descr', 'fortran_order', 'shape'].includes(key.value)) {
      return malformed(`it has the key '${clip(key.value)}'; numpy writes only 'descr', 'fortran_order' and 'shape'`);
    }
    if (fields.has(key.value)) return malformed(`it has the key '${key.value}' twice`);
    fields.set(key.value, value);
  }
  for (const key of ['descr', 'fortran_order', 'shape']) if (!fields.has(key)) malformed(`it has no '${key}'`);

  const descrValue = fields.get('descr') as PyValue;
  if (descrValue.kind === 'list') {
    const names = descrValue.items
      .map((item) => (item.kind === 'tuple' && item.items[0]?.kind === 'str' ? `'${item.items[0].value}'` : '?'))
      .join(', ');
    throw new NpyError(file, `its dtype is a structured record (fields ${clip(names)}), which is not supported; ${SUPPORTED_TEXT}`);
  }
  if (descrValue.kind !== 'str') return malformed(`its 'descr' is ${clip(pyRepr(descrValue))}, not a string`);
  const { dtype, littleEndian } = parseDescr(descrValue.value, file);

  const order = fields.get('fortran_order') as PyValue;
  if (order.kind !== 'bool') return malformed(`its 'fortran_order' is ${clip(pyRepr(order))}, not True or False`);

  const shapeValue = fields.get('shape') as PyValue;
  if (shapeValue.kind !== 'tuple') return malformed(`its 'shape' is ${clip(pyRepr(shapeValue))}, not a tuple`);
  if (shapeValue.items.length > MAX_DIMENSIONS) {
    return malformed(`its 'shape' has ${shapeValue.items.length} axes; numpy allows at most ${MAX_DIMENSIONS}`);
  }
  const shape = shapeValue.items.map((item, i) => {
    const n = item.kind === 'int' ? Number(item.digits) : NaN;
    if (!Number.isSafeInteger(n) || n < 0) {
      malformed(`its 'shape' ${clip(pyRepr(shapeValue))} has ${clip(pyRepr(item))} on axis ${i}; each must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`);
    }
    return n;
  });
  const itemSize = INFO[dtype].itemSize;
  const dataBytes = byteCount(shape, itemSize, file);
  return {
    version: `${major}.0` as NpyHeader['version'],
    dtype,
    descr: descrValue.value,
    littleEndian,
    shape,
    fortranOrder: order.value,
    dataOffset,
    dataBytes,
    itemSize,
  };
}

/** product(shape) × itemSize, refused when it passes 2^53 (no file holds that much; the arithmetic stays exact). */
function byteCount(shape: readonly number[], itemSize: number, file: string): number {
  if (shape.includes(0)) return 0;
  let bytes = itemSize;
  for (const n of shape) {
    if (bytes > Number.MAX_SAFE_INTEGER / n) {
      throw new NpyError(file, `its shape ${shapeText(shape)} of ${itemSize}-byte values needs more than 2^53 bytes; no file holds that`);
    }
    bytes *= n;
  }
  return bytes;
}

export interface ParseNpyOptions {
  /**
   * Let the result share memory with `bytes` when the values can be used as they lie (machine byte order, C order,
   * aligned; not bool or float16), instead of copying them. For callers that own `bytes` and drop them afterwards.
   */
  share?: boolean;
}

/** A whole `.npy` file held in memory. Bytes after the values are ignored, as numpy ignores them. */
export function parseNpy(bytes: Uint8Array, file: string, options: ParseNpyOptions = {}): NpyArray {
  const header = parseNpyHeader(bytes, file);
  const present = bytes.length - header.dataOffset;
  if (present < header.dataBytes) {
    throw new NpyError(
      file,
      `its data is cut short: shape ${shapeText(header.shape)} of ${header.dtype} needs ${bytesText(header.dataBytes)}, the file holds ${bytesText(present)} after its ${bytesText(header.dataOffset)} header`,
    );
  }
  return decodeNpyData(header, header.shape, bytes.subarray(header.dataOffset, header.dataOffset + header.dataBytes), options);
}

/**
 * Values laid out as `header` says (dtype, byte order, C or Fortran order) as an array of `shape`: the whole data, or
 * for a C-order file a run of whole rows. `bytes` holds exactly product(shape) values.
 */
export function decodeNpyData(header: NpyHeader, shape: number[], bytes: Uint8Array, options: ParseNpyOptions = {}): NpyArray {
  const { dtype, itemSize } = header;
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * itemSize) {
    throw new RangeError(`decodeNpyData: ${bytes.length} bytes given for ${count} values of ${itemSize} bytes`);
  }
  const swap = itemSize > 1 && header.littleEndian !== HOST_LITTLE_ENDIAN;
  // Fortran order differs from C order only with two or more axes longer than one.
  const transpose = header.fortranOrder && shape.filter((n) => n > 1).length > 1;
  const asIs = options.share && !swap && !transpose && dtype !== 'bool' && dtype !== 'float16' && bytes.byteOffset % itemSize === 0;
  const own = asIs ? bytes : bytes.slice();
  if (swap) swapBytes(own, itemSize);
  let data: NpyData;
  switch (dtype) {
    case 'bool':
      for (let i = 0; i < own.length; i++) own[i] = own[i] === 0 ? 0 : 1;
      data = own;
      break;
    case 'float16':
      data = decodeHalves(new Uint16Array(own.buffer, own.byteOffset, count));
      break;
    default:
      data = new (CONSTRUCTORS[dtype] as unknown as ViewConstructor)(own.buffer, own.byteOffset, count);
  }
  if (transpose) data = fortranToC(data, shape);
  return { dtype, shape: [...shape], data } as NpyArray;
}

type Indexable = { length: number; [i: number]: number | bigint };

/** Column-major values reordered row-major: C index (i0…in) reads Fortran offset i0 + s0·(i1 + s1·(i2 …)). */
function fortranToC<T extends NpyData>(source: T, shape: readonly number[]): T {
  const src = source as unknown as Indexable;
  const out = new (source.constructor as new (n: number) => T)(source.length);
  const dst = out as unknown as Indexable;
  const n = shape.length;
  const stride = new Array<number>(n);
  for (let d = 0, s = 1; d < n; d++) {
    stride[d] = s;
    s *= shape[d];
  }
  const index = new Array<number>(n).fill(0);
  let offset = 0;
  for (let i = 0; i < source.length; i++) {
    dst[i] = src[offset];
    // Advance the last axis first (C order), carrying into earlier axes.
    for (let d = n - 1; d >= 0; d--) {
      index[d]++;
      offset += stride[d];
      if (index[d] < shape[d]) break;
      offset -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

/** An array's values as numbers: int64/uint64 converted, refused (naming the file and index) past ±2^53. */
export function npyNumbers(array: NpyArray, file: string): Exclude<NpyData, BigInt64Array | BigUint64Array> | Float64Array {
  if (array.dtype !== 'int64' && array.dtype !== 'uint64') return array.data;
  const out = new Float64Array(array.data.length);
  const most = BigInt(Number.MAX_SAFE_INTEGER);
  for (let i = 0; i < out.length; i++) {
    const v = array.data[i];
    if (v > most || v < -most) {
      throw new NpyError(file, `its ${array.dtype} value ${v} at index ${i} is too large to be used as a number exactly (beyond ±2^53)`);
    }
    out[i] = Number(v);
  }
  return out;
}
