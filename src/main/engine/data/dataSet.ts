// A data set to measure a model on (issue 15): samples read a chunk at a time (so that a big one never sits whole in
// memory twice), and their labels, which are small and held whole. Every reader (.npy, .npz, idx, image folders)
// gives this one shape; what the model input takes is decided later, by the preprocessing.
import { totalmem } from 'node:os';
import { npyNumbers, type NpyArray, type NpyDtype } from '../../../shared/engine/npy';
import { UsageError } from '../../../shared/cli/valueList';

/** Bad or unreadable data: the message names the file (or sample) and the numbers. Exit status 2, as bad usage. */
export class DataError extends UsageError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'DataError';
  }
}

export interface Labels {
  /** Where they came from, for messages. */
  file: string;
  count: number;
  /** The shape of one sample's label: [] for a class index or a scalar target, [C] for one-hot or a vector target. */
  shape: number[];
  /** Every label value, count × size(shape). */
  values: Float64Array;
  /** Each sample's class, when the labels are class indices (non-negative integers) or one-hot rows; else null. */
  classes: Int32Array | null;
  oneHot: boolean;
}

export interface DataSet {
  kind: 'npy' | 'npz' | 'idx' | 'images';
  /** The file or folder the samples come from (with the array key for .npz), for messages and outputs. */
  source: string;
  count: number;
  /** The shape of one sample as read (channels-last). */
  sampleShape: number[];
  /** The type of the arrays `read` returns. */
  dtype: NpyDtype;
  /**
   * The range integer-coded values lie on (uint8: 0..255), which `--input-scale` maps from; null for float data.
   * Decoded images are integer-coded (0..255) even when resizing made their values fractional.
   */
  codeRange: [number, number] | null;
  labels: Labels | null;
  /** Class names by index (image folders: the sub-folders, sorted). */
  classNames?: string[];
  /** Bytes the samples take in memory, all of them. */
  bytes: number;
  /** Samples start … start + count − 1, shape [count, ...sampleShape]. */
  read(start: number, count: number): Promise<NpyArray>;
  close(): void;
}

export const bytesText = (n: number): string => {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${n.toLocaleString('en-US')} bytes`;
};

/**
 * Refuses, before anything is read, what cannot be held in the machine's memory: `bytes` that a reader must hold at
 * once (an archive inflated, a compressed file, labels). `memory` is the machine's (os.totalmem) unless given.
 */
export function checkMemory(file: string, what: string, bytes: number, memory = totalmem()): void {
  if (bytes > memory) {
    throw new DataError(file, `${what} would need ${bytesText(bytes)} of memory, more than the ${bytesText(memory)} this machine has; use a smaller part of the data`);
  }
}

/** The range of an integer dtype's values; null for float types. */
export function codeRangeOf(dtype: NpyDtype): [number, number] | null {
  switch (dtype) {
    case 'bool':
      return [0, 1];
    case 'uint8':
      return [0, 255];
    case 'int8':
      return [-128, 127];
    case 'uint16':
      return [0, 65535];
    case 'int16':
      return [-32768, 32767];
    case 'uint32':
      return [0, 4294967295];
    case 'int32':
      return [-2147483648, 2147483647];
    default:
      return null; // int64 data is not an image scale anyone uses; floats are taken as they are
  }
}

/** Labels from an array: N class indices (shape (N,) or (N, 1)), N one-hot rows (N, C), or N targets of any shape. */
export function labelsFrom(array: NpyArray, file: string): Labels {
  if (array.shape.length === 0) throw new DataError(file, 'holds a single value (shape ()), not one label per sample');
  const count = array.shape[0];
  let shape = array.shape.slice(1);
  if (shape.length === 1 && shape[0] === 1) shape = [];
  const numbers = npyNumbers(array, file);
  const values = numbers instanceof Float64Array ? numbers : Float64Array.from(numbers as ArrayLike<number>);
  const per = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new DataError(file, `the label of sample ${Math.floor(i / per)} is ${values[i]}, not a number`);
  }
  let classes: Int32Array | null = null;
  let oneHot = false;
  if (shape.length === 0) {
    if (values.every((v) => Number.isInteger(v) && v >= 0 && v <= 2 ** 31 - 1)) classes = Int32Array.from(values);
  } else if (shape.length === 1 && per > 1) {
    const found = new Int32Array(count);
    oneHot = count > 0;
    for (let s = 0; s < count && oneHot; s++) {
      let ones = 0;
      for (let j = 0; j < per; j++) {
        const v = values[s * per + j];
        if (v === 1) {
          ones++;
          found[s] = j;
        } else if (v !== 0) ones = 2;
      }
      if (ones !== 1) oneHot = false;
    }
    if (oneHot) classes = found;
  }
  return { file, count, shape, values, classes, oneHot };
}

/** Labels must come one per sample: both counts are said when they do not. */
export function checkLabelCount(data: { source: string; count: number }, labels: Labels): void {
  if (labels.count !== data.count) {
    throw new DataError(
      labels.file,
      `holds ${labels.count.toLocaleString('en-US')} labels, but ${data.source} holds ${data.count.toLocaleString('en-US')} samples; they must come one label per sample`,
    );
  }
}
