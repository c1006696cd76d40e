// Reading weight datasets out of an HDF5 file (Keras .h5 files and the model.weights.h5 inside .keras archives),
// through the same HDF5 library the importer uses. A dataset's declared size is checked against the file before the
// library allocates anything for it; values come back as float32 whatever float width the file stores (float16,
// float32 or float64; the library hands over little-endian bytes whatever the file's byte order).
import type { Dataset, Group } from 'h5wasm/node';
import { loadHdf5 } from '../../import/h5/kerasH5';
import { ModelError } from '../../../shared/model/types';

export type H5Module = typeof import('h5wasm/node');

/** The HDF5 library, started on first use. */
export async function hdf5Library(): Promise<H5Module> {
  await loadHdf5();
  return import('h5wasm/node');
}

/** HDF5's datatype class for floating-point numbers (H5T_class_t). */
const H5T_FLOAT = 1;

/** Compression (deflate) expands data at most about 1,032 times: a filtered dataset cannot declare more. */
const MAX_FILTER_RATIO = 1032;

/** Fixed-length HDF5 strings come padded with NULs (h5py) or spaces (other writers). */
export const h5Text = (value: unknown): string | null => {
  const raw =
    typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : null;
  return raw === null ? null : raw.replace(/[\0 ]+$/, '');
};

/** A list attribute of names; h5py splits one larger than 64 KiB into `name0`, `name1`, … */
export function h5Names(group: Group, attribute: string): string[] | null {
  const attrs = group.attrs;
  const list = (value: unknown): string[] =>
    (Array.isArray(value) ? value : [value]).map(h5Text).filter((n): n is string => n !== null && n !== '');
  if (attribute in attrs) return list(attrs[attribute].value);
  if (!(`${attribute}0` in attrs)) return null;
  const names: string[] = [];
  for (let i = 0; `${attribute}${i}` in attrs; i++) names.push(...list(attrs[`${attribute}${i}`].value));
  return names;
}

/** Runs a read, turning the HDF5 library's error stack into one plain sentence naming the file and what was read. */
export function h5Read<T>(fileName: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ModelError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    const minor = [...message.matchAll(/minor: (.+)/g)].map((m) => m[1].trim()).pop();
    throw new ModelError(`${fileName}: the HDF5 file is damaged (${what}): ${(minor ?? message).toLowerCase()}`);
  }
}

/** The dataset's shape, or null when it is not an array of floats (the caller says what it expected). */
export function floatShape(dataset: Dataset): number[] | null {
  const { type, size, shape } = dataset.metadata;
  if (type !== H5T_FLOAT || ![2, 4, 8].includes(size) || !Array.isArray(shape)) return null;
  return shape.every((d) => Number.isSafeInteger(d) && d >= 0) ? [...shape] : null;
}

/**
 * A float dataset's values as float32. `fileBytes` is the size of the HDF5 file: an uncompressed dataset cannot hold
 * more bytes than that, a compressed one not more than deflate can expand it to.
 */
export function readFloatDataset(library: H5Module, dataset: Dataset, fileName: string, fileBytes: number): Float32Array {
  const where = dataset.path.replace(/^\//, '');
  const shape = floatShape(dataset);
  if (shape === null) throw new ModelError(`${fileName}: ${where} is not an array of floating-point numbers`);
  const { size } = dataset.metadata;
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = count * size;
  const filtered = h5Read(fileName, where, () => dataset.filters.length > 0);
  const limit = filtered ? fileBytes * MAX_FILTER_RATIO : fileBytes;
  if (bytes > limit) {
    throw new ModelError(
      `${fileName}: ${where} declares ${bytes.toLocaleString('en-US')} bytes of weights, more than a ` +
        `${fileBytes.toLocaleString('en-US')}-byte file can hold${filtered ? ' even compressed' : ''}`,
    );
  }
  if (count === 0) return new Float32Array(0);
  const { Module } = library;
  const raw = h5Read(fileName, where, () => {
    const pointer = Module._malloc(bytes);
    if (pointer === 0) throw new Error(`cannot allocate ${bytes} bytes for it`);
    try {
      Module.get_dataset_data(dataset.file_id, dataset.path, null, null, null, BigInt(pointer));
      return Module.HEAPU8.slice(pointer, pointer + bytes);
    } finally {
      Module._free(pointer);
    }
  });
  return decodeFloats(raw, size);
}

/** Little-endian IEEE floats of `size` bytes as float32. */
export function decodeFloats(raw: Uint8Array, size: number): Float32Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const count = raw.byteLength / size;
  if (size === 4) return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const out = new Float32Array(count);
  if (size === 8) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
  } else {
    for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  }
  return out;
}

/** IEEE binary16 bits as a number (subnormals, infinities and NaN included). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
