// Samples from numpy files: a `.npy` read a chunk at a time from disk (never whole), an `.npz` inflated once (its
// arrays are then sliced, not copied), and labels from either.
import { statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { npyItemSize, NpyError, type NpyArray } from '../../../shared/engine/npy';
import { npzKeys, parseNpz } from '../../../shared/engine/npz';
import { FileReadError, readRegularFile } from '../../files/readFile';
import { openNpyFile } from '../npyFile';
import { checkLabelCount, checkMemory, codeRangeOf, DataError, labelsFrom, type DataSet, type Labels } from './dataSet';

/** NpyError and file errors become DataError, keeping the message (which already names the file). */
export function asDataError(error: unknown): unknown {
  if (error instanceof NpyError) return new DataError(error.file, error.reason);
  return error;
}

const sliceRows = (array: NpyArray, start: number, count: number): NpyArray => {
  const per = array.shape.slice(1).reduce((a, b) => a * b, 1);
  return { dtype: array.dtype, shape: [count, ...array.shape.slice(1)], data: array.data.subarray(start * per, (start + count) * per) } as NpyArray;
};

function checkRange(source: string, total: number, start: number, count: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > total) {
    throw new RangeError(`${source}: samples ${start} to ${start + count - 1} asked for; it holds ${total}`);
  }
}

/** A data set over an array already in memory (an .npz entry, an idx file). */
export function arrayDataSet(kind: DataSet['kind'], source: string, array: NpyArray, labels: Labels | null): DataSet {
  if (array.shape.length === 0) throw new DataError(source, 'holds a single value (shape ()), not samples along a first axis');
  const data: DataSet = {
    kind,
    source,
    count: array.shape[0],
    sampleShape: array.shape.slice(1),
    dtype: array.dtype,
    codeRange: codeRangeOf(array.dtype),
    labels,
    bytes: array.data.length * npyItemSize(array.dtype),
    read: async (start, count) => {
      checkRange(source, array.shape[0], start, count);
      return sliceRows(array, start, count);
    },
    close: () => undefined,
  };
  if (labels) checkLabelCount(data, labels);
  return data;
}

export interface ArrayDataOptions {
  /** The machine's memory in bytes (os.totalmem when absent). */
  memory?: number;
}

/** Labels from a `.npy` file, read whole (one value per sample). */
export function readLabelsNpy(path: string, options: ArrayDataOptions = {}): Labels {
  try {
    const file = openNpyFile(path, { maxReadBytes: Number.MAX_SAFE_INTEGER });
    try {
      checkMemory(path, 'its labels', file.header.dataBytes * 2, options.memory);
      return labelsFrom(file.readAll(), path);
    } finally {
      file.close();
    }
  } catch (error) {
    throw asDataError(error);
  }
}

/** `X.npy` samples, read from disk a chunk at a time, with optional labels. */
export function npyDataSet(path: string, labels: Labels | null): DataSet {
  let file;
  try {
    file = openNpyFile(path, { maxReadBytes: Number.MAX_SAFE_INTEGER });
  } catch (error) {
    throw asDataError(error);
  }
  const opened = file;
  if (opened.header.shape.length === 0) {
    opened.close();
    throw new DataError(path, 'holds a single value (shape ()), not samples along a first axis');
  }
  if (opened.header.fortranOrder && opened.header.shape.filter((n) => n > 1).length > 1) {
    // A Fortran-order array is read whole for any chunk (see npyFile): allowed while it fits in memory.
    try {
      checkMemory(path, 'its samples, stored in Fortran order (column-major) and so read whole,', opened.header.dataBytes);
    } catch (error) {
      opened.close();
      throw error;
    }
  }
  const data: DataSet = {
    kind: 'npy',
    source: path,
    count: opened.rows,
    sampleShape: opened.rowShape,
    dtype: opened.header.dtype,
    codeRange: codeRangeOf(opened.header.dtype),
    labels,
    bytes: opened.header.dataBytes,
    read: async (start, count) => {
      checkRange(path, opened.rows, start, count);
      try {
        return opened.readRows(start, count);
      } catch (error) {
        throw asDataError(error);
      }
    },
    close: () => opened.close(),
  };
  if (labels) {
    try {
      checkLabelCount(data, labels);
    } catch (error) {
      opened.close();
      throw error;
    }
  }
  return data;
}

/** A file's size, 0 when it cannot be seen (the reader then says why). */
function sizeOrZero(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * An `.npz` archive: samples and labels by key (`keys` = [samples, labels]; x and y when absent, and then an archive
 * without y is a data set without labels). The archive is read once; each array is inflated once and then sliced.
 */
export function npzDataSet(path: string, keys: string[] | undefined, labelsFile: Labels | null, options: ArrayDataOptions = {}): DataSet {
  const wanted = keys ?? ['x', 'y'];
  if (wanted.length < 1 || wanted.length > 2) {
    throw new DataError(path, `--data-keys takes the samples' key and the labels' key (e.g. x_test,y_test), not ${wanted.length} keys`);
  }
  const memory = options.memory ?? totalmem();
  try {
    checkMemory(path, 'the archive', sizeOrZero(path), memory);
    const bytes = readRegularFile(path, memory);
    const present = npzKeys(bytes, path);
    const labelKey = labelsFile ? undefined : wanted[1];
    if (labelKey !== undefined && !present.includes(labelKey) && keys !== undefined) {
      throw new DataError(path, `the archive has no array '${labelKey}' (it holds ${present.map((k) => `'${k}'`).join(', ') || 'no arrays'})`);
    }
    const read = [wanted[0], ...(labelKey !== undefined && present.includes(labelKey) ? [labelKey] : [])];
    const arrays = parseNpz(bytes, path, { keys: read, maxEntryBytes: memory });
    const labels = labelsFile ?? (read.length === 2 ? labelsFrom(arrays[read[1]], `${path} ['${read[1]}']`) : null);
    return arrayDataSet('npz', `${path} ['${wanted[0]}']`, arrays[wanted[0]], labels);
  } catch (error) {
    if (error instanceof FileReadError) throw new DataError(error.path, error.reason);
    throw asDataError(error);
  }
}
