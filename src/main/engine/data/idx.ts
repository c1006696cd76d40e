// The idx format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): two zero bytes, a type byte, the number of
// dimensions, each dimension as a big-endian uint32, then the values big-endian, C order. Read from the file itself
// or gzipped (as the data sets are shipped, and as Debian's dataset-fashion-mnist installs them), inflated with
// node:zlib within the memory the machine has.
import { readdirSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { NpyArray } from '../../../shared/engine/npy';
import { FileReadError, readRegularFile } from '../../files/readFile';
import { arrayDataSet } from './arrays';
import { checkMemory, DataError, labelsFrom, type DataSet, type Labels } from './dataSet';

const TYPES: Record<number, { dtype: NpyArray['dtype']; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Whether bytes begin as an idx file does (or as gzip, whose content is checked when inflated). */
export const looksLikeIdx = (head: Uint8Array): boolean =>
  isGzip(head) || (head.length >= 4 && head[0] === 0 && head[1] === 0 && TYPES[head[2]] !== undefined && head[3] >= 1 && head[3] <= 8);

/** An idx file's array (big-endian values turned to the machine's order). */
export function parseIdx(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new DataError(file, 'not an idx file: it does not begin with two zero bytes');
  const type = TYPES[bytes[2]];
  if (!type) throw new DataError(file, `not an idx file: type byte 0x${bytes[2].toString(16).padStart(2, '0')} is none of 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e`);
  const dims = bytes[3];
  if (dims < 1 || bytes.length < 4 + 4 * dims) throw new DataError(file, `not an idx file: ${dims} dimensions declared in a ${bytes.length}-byte file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = 4 + 4 * dims;
  const expected = offset + count * type.size;
  if (bytes.length !== expected) {
    throw new DataError(file, `its shape (${shape.join(', ')}) of ${type.dtype} needs ${expected.toLocaleString('en-US')} bytes; the file holds ${bytes.length.toLocaleString('en-US')}`);
  }
  switch (type.dtype) {
    case 'uint8':
      return { dtype: 'uint8', shape, data: bytes.subarray(offset, expected) };
    case 'int8':
      return { dtype: 'int8', shape, data: new Int8Array(bytes.buffer, bytes.byteOffset + offset, count) };
    case 'int16':
      return { dtype: 'int16', shape, data: Int16Array.from({ length: count }, (_, i) => view.getInt16(offset + 2 * i, false)) };
    case 'int32':
      return { dtype: 'int32', shape, data: Int32Array.from({ length: count }, (_, i) => view.getInt32(offset + 4 * i, false)) };
    case 'float32':
      return { dtype: 'float32', shape, data: Float32Array.from({ length: count }, (_, i) => view.getFloat32(offset + 4 * i, false)) };
    default:
      return { dtype: 'float64', shape, data: Float64Array.from({ length: count }, (_, i) => view.getFloat64(offset + 8 * i, false)) };
  }
}

/** An idx file (gzipped or not) read whole, within the memory the machine has. */
export function readIdxFile(path: string, memory = totalmem()): NpyArray {
  let bytes: Uint8Array;
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    size = 0; // the reader says why it cannot be read
  }
  checkMemory(path, 'the file', size, memory);
  try {
    bytes = readRegularFile(path, memory);
  } catch (error) {
    if (error instanceof FileReadError) throw new DataError(error.path, error.reason);
    throw error;
  }
  if (isGzip(bytes)) {
    // gzip's trailer holds the inflated size modulo 2^32: a first estimate, checked before inflating.
    const declared = bytes.length >= 18 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0;
    checkMemory(path, 'its values once inflated', declared, memory);
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: Math.min(memory, 2 ** 31 - 1) });
    } catch (error) {
      throw new DataError(path, `it cannot be inflated as gzip (${(error as Error).message})`);
    }
  }
  return parseIdx(bytes, path);
}

/** Labels from an idx1 file (one class index per sample). */
export function readIdxLabels(path: string, memory?: number): Labels {
  return labelsFrom(readIdxFile(path, memory), path);
}

/** Samples from an idx file (e.g. idx3: N × 28 × 28 uint8 images), with labels. */
export function idxDataSet(path: string, labels: Labels | null, memory?: number): DataSet {
  return arrayDataSet('idx', path, readIdxFile(path, memory), labels);
}

/** The idx files of a folder as MNIST ships them: `{split}-images-idx3-ubyte[.gz]` and `{split}-labels-idx1-ubyte[.gz]`. */
export function idxFolderFiles(folder: string, split: string): { images: string; labels: string } | null {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return null;
  }
  const find = (stem: string): string | undefined => [stem, `${stem}.gz`].find((n) => names.includes(n) && statSync(join(folder, n)).isFile());
  const images = find(`${split}-images-idx3-ubyte`);
  const labels = find(`${split}-labels-idx1-ubyte`);
  return images && labels ? { images: join(folder, images), labels: join(folder, labels) } : null;
}
