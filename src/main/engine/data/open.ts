// `--data` and `--labels` as the user gives them, to a DataSet: a `.npy` (samples; labels from `--labels`), an `.npz`
// (keys x/y, or `--data-keys x_test,y_test`), an idx file (MNIST's format, gzipped or not; labels from `--labels`),
// a folder of MNIST-style idx files (the test split, `t10k`, unless --data-keys train), or a folder of images with
// one sub-folder per class. The kind is told by the file's first bytes, not its name.
import { statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { npzKeys, parseNpz } from '../../../shared/engine/npz';
import { FileReadError, readRegularFile, readRegularFileHead } from '../../files/readFile';
import { asDataError, npyDataSet, npzDataSet, readLabelsNpy } from './arrays';
import { DataError, labelsFrom, type DataSet, type Labels } from './dataSet';
import { idxDataSet, idxFolderFiles, looksLikeIdx, readIdxLabels } from './idx';
import { imageFolderDataSet } from './images';

export interface DataSpec {
  data: string;
  labels?: string;
  /** `--data-keys`: an .npz's samples and labels keys; for a folder of idx files, its split (t10k or train). */
  dataKeys?: string[];
}

export interface OpenDataOptions {
  /** The model input's shape (channels-last): what a folder of images is decoded to. */
  inputShape?: readonly number[];
  /** The machine's memory in bytes (os.totalmem when absent). */
  memory?: number;
}

type FileKind = 'npy' | 'npz' | 'idx';

function kindOf(path: string): FileKind {
  let head: Buffer;
  try {
    head = readRegularFileHead(path, Number.MAX_SAFE_INTEGER, 8);
  } catch (error) {
    if (error instanceof FileReadError) throw new DataError(error.path, error.reason);
    throw error;
  }
  if (head.length >= 6 && head[0] === 0x93 && head.toString('latin1', 1, 6) === 'NUMPY') return 'npy';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) return 'npz';
  if (looksLikeIdx(head)) return 'idx';
  throw new DataError(path, 'is not a .npy array, an .npz archive, an idx file (MNIST\'s format, gzipped or not) or a folder of images');
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

function readLabels(path: string, keys: string[] | undefined, memory?: number): Labels {
  if (isDirectory(path)) throw new DataError(path, 'is a folder; labels come from a .npy, .npz or idx file');
  switch (kindOf(path)) {
    case 'npy':
      return readLabelsNpy(path, { memory });
    case 'idx':
      return readIdxLabels(path, memory);
    default: {
      const bytes = readRegularFile(path, memory ?? totalmem());
      const present = npzKeys(bytes, path);
      const key = keys?.[1] ?? (present.includes('y') ? 'y' : present.length === 1 ? present[0] : 'y');
      if (!present.includes(key)) throw new DataError(path, `the archive has no array '${key}' (it holds ${present.map((k) => `'${k}'`).join(', ') || 'no arrays'})`);
      return labelsFrom(parseNpz(bytes, path, { keys: [key] })[key], `${path} ['${key}']`);
    }
  }
}

/** Opens a data set; every reading problem is a DataError naming the file. */
export function openDataSet(spec: DataSpec, options: OpenDataOptions = {}): DataSet {
  try {
    return open(spec, options);
  } catch (error) {
    if (error instanceof FileReadError) throw new DataError(error.path, error.reason);
    throw asDataError(error);
  }
}

function open(spec: DataSpec, options: OpenDataOptions): DataSet {
  const { data, dataKeys } = spec;
  if (isDirectory(data)) {
    const split = dataKeys?.[0] === 'test' ? 't10k' : (dataKeys?.[0] ?? 't10k');
    const idx = idxFolderFiles(data, split);
    if (idx) {
      const labels = spec.labels ? readLabels(spec.labels, undefined, options.memory) : readIdxLabels(idx.labels, options.memory);
      return idxDataSet(idx.images, labels, options.memory);
    }
    if (spec.labels) throw new DataError(spec.labels, `a folder of images takes its labels from its sub-folders; leave --labels out for ${data}`);
    if (!options.inputShape) throw new DataError(data, 'a folder of images is decoded to the model input\'s size, which is not known here');
    return imageFolderDataSet(data, options.inputShape);
  }
  const labels = spec.labels ? readLabels(spec.labels, dataKeys, options.memory) : null;
  switch (kindOf(data)) {
    case 'npy':
      return npyDataSet(data, labels);
    case 'idx':
      return idxDataSet(data, labels, options.memory);
    default:
      return npzDataSet(data, dataKeys, labels, { memory: options.memory });
  }
}

export interface DataSummary {
  source: string;
  kind: DataSet['kind'];
  samples: number;
  sampleShape: number[];
  dtype: string;
  bytes: number;
  /** Samples per class, when the labels are classes (index = class). */
  labelCounts: number[] | null;
  classNames: string[] | null;
}

/** What a data panel shows: samples, their shape and type, and how many of each class. */
export function summarizeDataSet(data: DataSet): DataSummary {
  let labelCounts: number[] | null = null;
  if (data.labels?.classes) {
    labelCounts = [];
    for (const c of data.labels.classes) {
      while (labelCounts.length <= c) labelCounts.push(0);
      labelCounts[c]++;
    }
  }
  return {
    source: data.source,
    kind: data.kind,
    samples: data.count,
    sampleShape: data.sampleShape,
    dtype: data.kind === 'images' ? 'images (0..255)' : data.dtype,
    bytes: data.bytes,
    labelCounts,
    classNames: data.classNames ?? null,
  };
}
