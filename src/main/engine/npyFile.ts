// `.npy` files on disk, read a chunk of samples at a time: a data set is never held whole twice (issue 15), and a run
// over 60,000 samples holds only the chunk it is on. The header is read first, bounded, and every size it declares
// is checked against the file before anything else is read or allocated. Only regular files are opened: a directory,
// a FIFO or a device is refused at once, saying which (a FIFO or /dev/zero would block or never end).
//
// All of the engine's .npy/.npz file access is here, in one place, so that reading can move onto the project's
// shared guarded reader when there is one; writing already goes through its atomic writer.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import {
  NpyError,
  checkNpyArray,
  decodeNpyData,
  npyDataChunks,
  npyHeaderBytes,
  npyHeaderSize,
  parseNpyHeader,
  shapeText,
  type NpyArray,
  type NpyHeader,
} from '../../shared/engine/npy';
import { parseNpz, type ParseNpzOptions } from '../../shared/engine/npz';
import { writeOutputFile, type OutputOptions } from '../files/writeFile';
import { kindOf, readRegularFile, reasonOf } from '../files/readFile';
import { UsageError } from '../../shared/cli/valueList';

/** The most one read may bring into memory when the caller gives no limit: 1 GiB. */
export const MAX_NPY_READ_BYTES = 1024 * 1024 * 1024;
/** readSync reads at most 2 GiB at a time; reads are made in pieces well below that. */
const READ_PIECE_BYTES = 256 * 1024 * 1024;

export interface OpenNpyOptions {
  /**
   * The most one read (readRows, readAll, or a Fortran-order file read whole) may bring into memory, in bytes;
   * MAX_NPY_READ_BYTES when absent.
   */
  maxReadBytes?: number;
}

export interface NpyFile {
  readonly path: string;
  readonly header: NpyHeader;
  /** Samples along the first axis: shape[0] (a 0-d array has none). */
  readonly rows: number;
  /** The shape of one sample: shape without its first axis. */
  readonly rowShape: number[];
  /** Bytes one sample takes in the file. */
  readonly rowBytes: number;
  /** Samples start … start + count − 1, in C order, as an array of shape [count, ...rowShape]. */
  readRows(start: number, count: number): NpyArray;
  /** The whole array, within the read limit. */
  readAll(): NpyArray;
  /** Closes the file; reading afterwards is an error. Closing twice is harmless. */
  close(): void;
}

const bytesText = (n: number): string => `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;

const fsError = (path: string, error: unknown): NpyError =>
  error instanceof NpyError ? error : new NpyError(path, reasonOf(error as NodeJS.ErrnoException));

/** Fills `into` from `position`, in pieces; a file that ends early (it shrank while open) is an error. */
function readFully(fd: number, path: string, into: Uint8Array, position: number): void {
  let done = 0;
  while (done < into.length) {
    const want = Math.min(into.length - done, READ_PIECE_BYTES);
    const got = readSync(fd, into, done, want, position + done);
    if (got === 0) {
      throw new NpyError(path, `the file ended after ${bytesText(position + done)} while being read; it was changed meanwhile?`);
    }
    done += got;
  }
}

/** A regular file opened for reading, checked through its descriptor (so what is checked is what is read). */
function openRegularFile(path: string): { fd: number; stat: Stats } {
  // O_NONBLOCK: opening a FIFO must not wait for a writer. It changes nothing for a regular file.
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new NpyError(path, `it is ${kindOf(stat)}, not a regular file`);
  }
  return { fd, stat };
}

/** Opens a `.npy` file and reads its header; the values are read when asked for. */
export function openNpyFile(path: string, options: OpenNpyOptions = {}): NpyFile {
  const maxReadBytes = options.maxReadBytes ?? MAX_NPY_READ_BYTES;
  let fd: number | undefined;
  try {
    const opened = openRegularFile(path);
    fd = opened.fd;
    const stat = opened.stat;
    const head = new Uint8Array(Math.min(stat.size, 12));
    readFully(fd, path, head, 0);
    const headerSize = Math.min(npyHeaderSize(head, path), stat.size); // bounded by MAX_HEADER_BYTES
    const headerBytes = new Uint8Array(headerSize);
    readFully(fd, path, headerBytes, 0);
    const header = parseNpyHeader(headerBytes, path);
    const present = stat.size - header.dataOffset;
    if (present < header.dataBytes) {
      throw new NpyError(
        path,
        `its data is cut short: shape ${shapeText(header.shape)} of ${header.dtype} needs ${bytesText(header.dataBytes)}, the file holds ${bytesText(present)} after its ${bytesText(header.dataOffset)} header`,
      );
    }
    return npyFile(path, fd, header, maxReadBytes);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    throw fsError(path, error);
  }
}

function npyFile(path: string, fd: number, header: NpyHeader, maxReadBytes: number): NpyFile {
  let open = true;
  const scalar = header.shape.length === 0;
  const rows = scalar ? 0 : header.shape[0];
  const rowShape = header.shape.slice(1);
  const rowBytes = rowShape.reduce((a, b) => a * b, header.itemSize);
  // Fortran order lays out the first axis fastest: a sample's values are spread over the whole file, so the file is
  // read whole (within the limit) once, and samples are taken from that.
  const transposed = header.fortranOrder && header.shape.filter((n) => n > 1).length > 1;
  let whole: NpyArray | undefined;

  const tooBig = (what: string, bytes: number, advice = ''): NpyError =>
    new NpyError(path, `${what} would take ${bytesText(bytes)}, more than the limit of ${bytesText(maxReadBytes)} for one read${advice}`);

  const readBytes = (offset: number, count: number): Uint8Array => {
    if (!open) throw new NpyError(path, 'the file was closed before this read');
    const bytes = new Uint8Array(count);
    try {
      readFully(fd, path, bytes, offset);
    } catch (error) {
      throw fsError(path, error);
    }
    return bytes;
  };

  const readWhole = (): NpyArray => {
    if (whole) return whole;
    if (header.dataBytes > maxReadBytes) {
      throw tooBig(
        transposed ? 'its values are stored in Fortran order (column-major), so no sample can be read without the whole array, which' : 'the whole array',
        header.dataBytes,
        transposed ? '; save it in C order (np.save(path, np.ascontiguousarray(a))) to read it a chunk at a time' : '',
      );
    }
    const array = decodeNpyData(header, header.shape, readBytes(header.dataOffset, header.dataBytes), { share: true });
    if (transposed) whole = array; // kept: every later chunk comes from it
    return array;
  };

  const sliceRows = (array: NpyArray, start: number, count: number): NpyArray => {
    const per = rowShape.reduce((a, b) => a * b, 1);
    return { dtype: array.dtype, shape: [count, ...rowShape], data: array.data.slice(start * per, (start + count) * per) } as NpyArray;
  };

  return {
    path,
    header,
    rows,
    rowShape,
    rowBytes,
    readRows(start, count) {
      if (scalar) throw new NpyError(path, 'it holds a single value (shape ()), not samples along a first axis');
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0 || start + count > rows) {
        throw new RangeError(`${path}: samples ${start} to ${start + count - 1} asked for; it holds ${rows} (0 to ${rows - 1})`);
      }
      if (transposed) return sliceRows(readWhole(), start, count);
      const bytes = count * rowBytes;
      if (bytes > maxReadBytes) throw tooBig(`${count} samples of ${bytesText(rowBytes)}`, bytes);
      return decodeNpyData(header, [count, ...rowShape], readBytes(header.dataOffset + start * rowBytes, bytes), { share: true });
    },
    readAll() {
      const array = readWhole();
      // A kept Fortran-order array is not handed out itself, so that a caller changing it cannot change later chunks.
      return array === whole ? ({ ...array, shape: [...array.shape], data: array.data.slice() } as NpyArray) : array;
    },
    close() {
      if (!open) return;
      open = false;
      whole = undefined;
      closeSync(fd);
    },
  };
}

/** Runs `use` on an open `.npy` file and closes it afterwards, whatever happens. */
export function withNpyFile<T>(path: string, use: (file: NpyFile) => T, options: OpenNpyOptions = {}): T {
  const file = openNpyFile(path, options);
  try {
    return use(file);
  } finally {
    file.close();
  }
}

/** A whole `.npy` file, refused if its values are more than `maxReadBytes`. */
export const readNpyFile = (path: string, options: OpenNpyOptions = {}): NpyArray => withNpyFile(path, (file) => file.readAll(), options);

export interface ReadNpzOptions extends ParseNpzOptions {
  /** The most the archive file may hold, in bytes; MAX_NPY_READ_BYTES when absent. */
  maxFileBytes?: number;
}

/**
 * The arrays of an `.npz` file (those in `keys`, or all), by key. The archive is read whole, within its limit, and
 * each array inflated once within the entry limit (see parseNpz).
 */
export function readNpzFile(path: string, options: ReadNpzOptions = {}): Record<string, NpyArray> {
  const maxFileBytes = options.maxFileBytes ?? MAX_NPY_READ_BYTES;
  let bytes: Uint8Array;
  try {
    const { fd, stat } = openRegularFile(path);
    try {
      if (stat.size > maxFileBytes) {
        throw new NpyError(path, `it is ${bytesText(stat.size)}, more than the limit of ${bytesText(maxFileBytes)} for an .npz archive`);
      }
      bytes = new Uint8Array(stat.size);
      readFully(fd, path, bytes, 0);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw fsError(path, error);
  }
  return parseNpz(bytes, path, options);
}

/**
 * Writes an array as numpy's `np.save` would (format 1.0, C order, little-endian), a piece at a time from the array
 * itself, through the project's atomic writer: the file appears whole or not at all, and a failure names the file.
 * A directory, FIFO or device at `path` is refused first (a FIFO would block the write).
 */
export function writeNpyFile(path: string, array: NpyArray, options: OutputOptions): void {
  checkNpyArray(array);
  const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length); // a view, not a copy
  writeOutputFile(path, (function* () {
    yield asBuffer(npyHeaderBytes(array.dtype, array.shape));
    for (const chunk of npyDataChunks(array, 16 * 1024 * 1024)) yield asBuffer(chunk);
  })(), options);
}

/** The largest data file read whole (.npz); .npy files are read with their own bound. */
const MAX_NPZ_BYTES = 1024 * 1024 * 1024;

/** A data file's samples: a .npy array, or the `x` array of an .npz (or its only one). */
export function readSamplesFile(file: string): NpyArray {
  if (file.toLowerCase().endsWith('.npz')) {
    const arrays = parseNpz(readRegularFile(file, MAX_NPZ_BYTES), file);
    const keys = Object.keys(arrays);
    const key = keys.includes('x') ? 'x' : keys.length === 1 ? keys[0] : undefined;
    if (key === undefined) throw new UsageError(`${file}: holds ${keys.join(', ')}; name the samples "x" or keep one array`);
    return arrays[key];
  }
  return readNpyFile(file);
}
