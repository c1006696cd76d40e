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
import { decodeHalves, encodeHalves } from './float16';
import { parsePyLiteral, PyLiteralError, pyRepr, type PyValue } from './pyLiteral';

// Present in Node and every browser; declared here because src/shared compiles without DOM or Node types.
declare const TextDecoder: { new (label: string, options: { fatal: boolean }): { decode(bytes: Uint8Array): string } };

export type NpyDtype =
  | 'bool'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'float16'
  | 'float32'
  | 'float64';

/** The typed array each dtype is held in. */
export interface NpyDataOf {
  bool: Uint8Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  float16: Float32Array;
  float32: Float32Array;
  float64: Float64Array;
}

export type NpyData = NpyDataOf[NpyDtype];

/** An array in C order: `data` holds product(shape) values (one for a 0-d array), last axis fastest. */
export type NpyArray = { [D in NpyDtype]: { dtype: D; shape: number[]; data: NpyDataOf[D] } }[NpyDtype];

export interface NpyHeader {
  /** Format version as written in the file: 1.0, 2.0 or 3.0. */
  version: '1.0' | '2.0' | '3.0';
  dtype: NpyDtype;
  /** The dtype as the file writes it, e.g. '<f4' or '>i2'. */
  descr: string;
  littleEndian: boolean;
  shape: number[];
  /** The file stores the values column-major; parseNpy returns them in C order all the same. */
  fortranOrder: boolean;
  /** Where the values start: the magic, version, length and header before them. */
  dataOffset: number;
  /** Bytes of values the shape needs: product(shape) × itemSize. */
  dataBytes: number;
  itemSize: number;
}

/** A file that is not a readable `.npy` (or `.npz`), naming the file and the problem. */
export class NpyError extends Error {
  constructor(
    readonly file: string,
    /** The problem, in words, without the file name. */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'NpyError';
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** A header of any array this reader supports is under 2 KiB (64 axes of 16 digits); numpy itself refuses headers
 * over 10,000 characters unless told to trust the file. Nothing longer is read. */
export const MAX_HEADER_BYTES = 64 * 1024;
/** numpy's own limit on dimensions (NPY_MAXDIMS in numpy 2). */
export const MAX_DIMENSIONS = 64;
const ALIGN = 64;
/** Room numpy leaves after the header for the first axis to grow in place: len(str(8 * 2**64 - 1)). */
const GROWTH_AXIS_MAX_DIGITS = 21;

interface DtypeInfo {
  dtype: NpyDtype;
  kind: 'b' | 'i' | 'u' | 'f';
  itemSize: number;
}

const DTYPES: DtypeInfo[] = [
  { dtype: 'bool', kind: 'b', itemSize: 1 },
  { dtype: 'int8', kind: 'i', itemSize: 1 },
  { dtype: 'uint8', kind: 'u', itemSize: 1 },
  { dtype: 'int16', kind: 'i', itemSize: 2 },
  { dtype: 'uint16', kind: 'u', itemSize: 2 },
  { dtype: 'int32', kind: 'i', itemSize: 4 },
  { dtype: 'uint32', kind: 'u', itemSize: 4 },
  { dtype: 'int64', kind: 'i', itemSize: 8 },
  { dtype: 'uint64', kind: 'u', itemSize: 8 },
  { dtype: 'float16', kind: 'f', itemSize: 2 },
  { dtype: 'float32', kind: 'f', itemSize: 4 },
  { dtype: 'float64', kind: 'f', itemSize: 8 },
];
const INFO = Object.fromEntries(DTYPES.map((d) => [d.dtype, d])) as Record<NpyDtype, DtypeInfo>;
export const NPY_DTYPES: readonly NpyDtype[] = DTYPES.map((d) => d.dtype);

/** The descr numpy writes on a little-endian machine: '|' for one-byte types, '<' otherwise. */
export const npyDescr = (dtype: NpyDtype): string => {
  const { kind, itemSize } = INFO[dtype];
  return `${itemSize === 1 ? '|' : '<'}${kind}${itemSize}`;
};

export const npyItemSize = (dtype: NpyDtype): number => INFO[dtype].itemSize;

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const KIND_NAMES: Record<string, string> = {
  c: 'complex numbers',
  U: 'unicode strings',
  S: 'byte strings',
  a: 'byte strings',
  O: 'Python objects (a pickle)',
  V: 'raw bytes or a structured record',
  M: 'datetimes',
  m: 'timedeltas',
  f: 'floats of this size',
  i: 'integers of this size',
  u: 'unsigned integers of this size',
  b: 'booleans of this size',
};

const SUPPORTED_TEXT = `supported: ${NPY_DTYPES.join(', ')}`;

const bytesText = (n: number): string => `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;

/** A shape as Python prints a tuple: (), (3,), (3, 4). */
export const shapeText = (shape: readonly number[]): string =>
  shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;

const clip = (text: string, most = 80): string => (text.length > most ? `${text.slice(0, most)}…` : text);

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

type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => NpyData;

const CONSTRUCTORS = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

function swapBytes(bytes: Uint8Array, itemSize: number): void {
  for (let i = 0; i < bytes.length; i += itemSize) {
    for (let a = i, b = i + itemSize - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
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

// ---- writing ----

/** numpy's header for an array of this dtype and shape, as `np.save` writes it (format 1.0, C order). */
export function npyHeaderBytes(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  checkShape(shape);
  // repr(dict) with sorted keys, then room for the first axis to grow, then spaces and a newline to the next
  // multiple of 64 (numpy adds a whole 64 when already there).
  let text = `{'descr': '${npyDescr(dtype)}', 'fortran_order': False, 'shape': ${shapeText(shape)}, }`;
  if (shape.length > 0) text += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  const length = text.length + 1;
  const pad = ALIGN - ((10 + length) % ALIGN);
  const total = length + pad;
  if (total > 0xffff) throw new RangeError(`writeNpy: a header of ${total} bytes does not fit format 1.0`);
  const out = new Uint8Array(10 + total);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  out[8] = total & 0xff;
  out[9] = total >>> 8;
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  out.fill(0x20, 10 + text.length, out.length - 1);
  out[out.length - 1] = 0x0a;
  return out;
}

function checkShape(shape: readonly number[]): void {
  if (shape.length > MAX_DIMENSIONS) throw new RangeError(`writeNpy: ${shape.length} axes; numpy allows at most ${MAX_DIMENSIONS}`);
  shape.forEach((n, i) => {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`writeNpy: shape ${shapeText(shape)} has ${n} on axis ${i}; each must be a whole number ≥ 0`);
  });
}

/** Checks that `array` is consistent: the right typed array for its dtype, product(shape) values. */
export function checkNpyArray(array: NpyArray): void {
  checkShape(array.shape);
  const expected = array.dtype === 'bool' ? Uint8Array : array.dtype === 'float16' ? Float32Array : CONSTRUCTORS[array.dtype];
  if (!expected) throw new RangeError(`writeNpy: unknown dtype '${array.dtype as string}'; ${SUPPORTED_TEXT}`);
  if (!(array.data instanceof expected)) {
    throw new RangeError(`writeNpy: ${array.dtype} values must be held in a ${expected.name}, not a ${array.data.constructor.name}`);
  }
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== count) {
    throw new RangeError(`writeNpy: shape ${shapeText(array.shape)} holds ${count} values, the data has ${array.data.length}`);
  }
}

/**
 * The values' bytes as the file stores them (little-endian; bool as 0/1; float16 rounded to nearest even), in pieces
 * of about `chunkBytes`: views of the array itself where nothing needs converting, so a writer never holds a second
 * copy of a large array.
 */
export function* npyDataChunks(array: NpyArray, chunkBytes = 1 << 20): Generator<Uint8Array> {
  const { data } = array;
  const itemSize = INFO[array.dtype].itemSize;
  const perChunk = Math.max(1, Math.floor(chunkBytes / itemSize));
  for (let start = 0; start < data.length; start += perChunk) {
    const end = Math.min(start + perChunk, data.length);
    if (array.dtype === 'float16') {
      const halves = encodeHalves(array.data.subarray(start, end));
      if (!HOST_LITTLE_ENDIAN) swapBytes(new Uint8Array(halves.buffer), 2);
      yield new Uint8Array(halves.buffer);
    } else if (array.dtype === 'bool') {
      yield array.data.subarray(start, end).map((v) => (v === 0 ? 0 : 1));
    } else {
      const piece = data.subarray(start, end);
      const bytes = new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength);
      if (HOST_LITTLE_ENDIAN || itemSize === 1) yield bytes;
      else {
        const copy = bytes.slice();
        swapBytes(copy, itemSize);
        yield copy;
      }
    }
  }
}

/** The whole `.npy` file for an array, byte for byte as numpy's `np.save` writes it on a little-endian machine. */
export function writeNpy(array: NpyArray): Uint8Array {
  checkNpyArray(array);
  const header = npyHeaderBytes(array.dtype, array.shape);
  const out = new Uint8Array(header.length + array.data.length * INFO[array.dtype].itemSize);
  out.set(header);
  let at = header.length;
  for (const chunk of npyDataChunks(array)) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
