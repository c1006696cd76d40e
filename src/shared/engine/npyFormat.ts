// The `.npy` format's vocabulary, shared by its reader (npy.ts) and its writer (npyWrite.ts): the dtypes Frontier
// reads and writes, their sizes and descrs, the magic, and the byte-order helpers.

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

export const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** A header of any array this reader supports is under 2 KiB (64 axes of 16 digits); numpy itself refuses headers
 * over 10,000 characters unless told to trust the file. Nothing longer is read. */
export const MAX_HEADER_BYTES = 64 * 1024;
/** numpy's own limit on dimensions (NPY_MAXDIMS in numpy 2). */
export const MAX_DIMENSIONS = 64;
export const ALIGN = 64;
/** Room numpy leaves after the header for the first axis to grow in place: len(str(8 * 2**64 - 1)). */
export const GROWTH_AXIS_MAX_DIGITS = 21;

export interface DtypeInfo {
  dtype: NpyDtype;
  kind: 'b' | 'i' | 'u' | 'f';
  itemSize: number;
}

export const DTYPES: DtypeInfo[] = [
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
export const INFO = Object.fromEntries(DTYPES.map((d) => [d.dtype, d])) as Record<NpyDtype, DtypeInfo>;
export const NPY_DTYPES: readonly NpyDtype[] = DTYPES.map((d) => d.dtype);

/** The descr numpy writes on a little-endian machine: '|' for one-byte types, '<' otherwise. */
export const npyDescr = (dtype: NpyDtype): string => {
  const { kind, itemSize } = INFO[dtype];
  return `${itemSize === 1 ? '|' : '<'}${kind}${itemSize}`;
};

export const npyItemSize = (dtype: NpyDtype): number => INFO[dtype].itemSize;

export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export const KIND_NAMES: Record<string, string> = {
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

export const SUPPORTED_TEXT = `supported: ${NPY_DTYPES.join(', ')}`;

export const bytesText = (n: number): string => `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;

/** A shape as Python prints a tuple: (), (3,), (3, 4). */
export const shapeText = (shape: readonly number[]): string =>
  shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;

export const clip = (text: string, most = 80): string => (text.length > most ? `${text.slice(0, most)}…` : text);

export type ViewConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => NpyData;

export const CONSTRUCTORS = {
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

export function swapBytes(bytes: Uint8Array, itemSize: number): void {
  for (let i = 0; i < bytes.length; i += itemSize) {
    for (let a = i, b = i + itemSize - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}
