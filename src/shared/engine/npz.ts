// numpy's `.npz`: a zip archive of `.npy` files, one per array, as `np.savez` (stored) and `np.savez_compressed`
// (deflated) write it; the key of `x.npy` is `x`, as `np.load` names it. The zip format is read by fflate; this
// module adds the bounds a data file from anywhere needs:
// - the central directory is listed first; every entry's declared sizes are checked against the archive, and an
//   entry declaring more than the limit is refused (saying both sizes) before anything is inflated;
// - entries are inflated as a stream into one buffer of their declared size (which must be one the compressed bytes
//   can make), stopped as soon as the output passes that size, whatever the archive claims: a zip bomb costs at
//   most the limit;
// - only the arrays asked for are inflated, and each array's values are then used where they lie (no second copy
//   when the byte order allows).
// Entries that are not `.npy` (np.load returns those as bytes) are left out.
import { Unzip, UnzipInflate, unzipSync } from 'fflate';
import { NpyError, parseNpy, type NpyArray } from './npy';

/** The most one array of an archive may hold when the caller gives no limit: 1 GiB. */
export const MAX_NPZ_ENTRY_BYTES = 1024 * 1024 * 1024;
/** Archive bytes handed to the inflater at a time: one step's output is at most ~1,032 times this (deflate's limit). */
const STEP_BYTES = 64 * 1024;
/** Deflate expands at most ~1,032 times (258 bytes from 2 bits); an entry declaring more is damaged. */
const MAX_DEFLATE_RATIO = 1032;
/** The smallest central directory record: an archive of N bytes cannot list more than N / 46 entries. */
const MIN_DIRECTORY_RECORD = 46;

export interface ParseNpzOptions {
  /** The arrays to read (keys as np.load gives them, without `.npy`); all of them when absent. A missing key is an error. */
  keys?: readonly string[];
  /** The most one array's `.npy` may hold once inflated, in bytes; MAX_NPZ_ENTRY_BYTES when absent. */
  maxEntryBytes?: number;
}

interface Entry {
  name: string;
  key: string;
  method: number;
  compressedSize: number;
  size: number;
}

/** An entry's name for a message: quoted, control characters escaped, cut at 80 characters. */
const nameText = (name: string): string => JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);
const bytesText = (n: number): string => `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
const isZip = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));

/** The `.npy` entries of the archive's central directory, each checked to lie within the file. */
function listNpz(bytes: Uint8Array, file: string): Entry[] {
  if (!isZip(bytes)) {
    const npy = bytes.length >= 6 && bytes[0] === 0x93 && bytes[1] === 0x4e && bytes[5] === 0x59;
    throw new NpyError(file, npy ? 'not an .npz archive: it is a single .npy array' : 'not an .npz archive: it is not a zip file');
  }
  const entries: Entry[] = [];
  const names = new Set<string>();
  const most = Math.floor(bytes.length / MIN_DIRECTORY_RECORD);
  let listed = 0;
  try {
    unzipSync(bytes, {
      filter: (entry) => {
        listed++;
        if (listed > most) throw new NpyError(file, `the archive is damaged: its directory lists more entries than a ${bytesText(bytes.length)} file can hold`);
        if (!Number.isSafeInteger(entry.size) || entry.size > bytes.length || !Number.isSafeInteger(entry.originalSize)) {
          throw new NpyError(file, `the archive is damaged: entry ${listed} of its directory (${nameText(entry.name)}) points outside the file`);
        }
        if (names.has(entry.name)) throw new NpyError(file, `the archive holds ${nameText(entry.name)} twice; which one is meant is unclear`);
        names.add(entry.name);
        if (entry.name.endsWith('.npy')) {
          entries.push({
            name: entry.name,
            key: entry.name.slice(0, -4),
            method: entry.compression,
            compressedSize: entry.size,
            size: entry.originalSize,
          });
        }
        return false; // list only: the entries wanted are inflated below, within the limit
      },
    });
  } catch (error) {
    if (error instanceof NpyError) throw error;
    throw new NpyError(file, `the archive is damaged: its directory cannot be read (${(error as Error).message}; is the file truncated?)`);
  }
  return entries;
}

/** The names of the arrays an archive holds, without inflating any. */
export const npzKeys = (bytes: Uint8Array, file: string): string[] => listNpz(bytes, file).map((e) => e.key);

/** The arrays of an `.npz` archive held in memory, by key. */
export function parseNpz(bytes: Uint8Array, file: string, options: ParseNpzOptions = {}): Record<string, NpyArray> {
  const limit = options.maxEntryBytes ?? MAX_NPZ_ENTRY_BYTES;
  const entries = listNpz(bytes, file);
  let wanted = entries;
  if (options.keys) {
    const available = entries.map((e) => `'${e.key}'`).join(', ') || 'no arrays';
    wanted = options.keys.map((key) => {
      const entry = entries.find((e) => e.key === key);
      if (!entry) throw new NpyError(file, `the archive has no array '${key}' (it holds ${available})`);
      return entry;
    });
  }
  for (const entry of wanted) {
    if (entry.size > limit) {
      throw new NpyError(
        file,
        `its array '${entry.key}' declares ${bytesText(entry.size)} once inflated, more than the limit of ${bytesText(limit)}; refused without inflating it`,
      );
    }
    if (entry.method !== 0 && entry.method !== 8) {
      throw new NpyError(file, `its array '${entry.key}' uses compression method ${entry.method}; only stored (0) and deflate (8) are read`);
    }
    // The buffer for an entry is its declared size: a size the compressed bytes cannot make is refused first.
    const most = entry.method === 0 ? entry.compressedSize : entry.compressedSize * MAX_DEFLATE_RATIO + 64;
    if (entry.size > most) {
      throw new NpyError(
        file,
        `the archive is damaged: '${entry.name}' declares ${bytesText(entry.size)} from ${bytesText(entry.compressedSize)} ${entry.method === 0 ? 'stored' : 'compressed'}, more than ${entry.method === 0 ? 'that' : 'deflate can expand them to'}`,
      );
    }
  }
  const contents = inflate(bytes, file, wanted);
  const out: Record<string, NpyArray> = {};
  for (const entry of wanted) out[entry.key] = parseNpy(contents.get(entry.name) as Uint8Array, `${file}, array '${entry.key}'`, { share: true });
  return out;
}

/** The wanted entries' contents, in one pass through the archive, each into a buffer of exactly its declared size. */
function inflate(bytes: Uint8Array, file: string, wanted: Entry[]): Map<string, Uint8Array> {
  const byName = new Map(wanted.map((e) => [e.name, e]));
  const contents = new Map<string, Uint8Array>();
  const filled = new Map<string, number>();
  let finished = 0;
  let failure: NpyError | undefined;
  const damaged = (why: string): NpyError => new NpyError(file, `the archive is damaged: ${why}`);
  const unzip = new Unzip((stream) => {
    const entry = byName.get(stream.name);
    if (!entry || contents.has(entry.name)) return; // never started, so never inflated
    const out = new Uint8Array(entry.size);
    contents.set(entry.name, out);
    filled.set(entry.name, 0);
    stream.ondata = (error, data, final) => {
      if (failure) return;
      if (error) {
        failure = damaged(`'${entry.name}' cannot be inflated (${error.message})`);
        return;
      }
      const at = filled.get(entry.name) as number;
      if (at + data.length > entry.size) {
        failure = damaged(`'${entry.name}' inflates to more than the ${bytesText(entry.size)} its directory declares`);
        stream.terminate();
        return;
      }
      out.set(data, at);
      filled.set(entry.name, at + data.length);
      if (final) {
        finished++;
        if (at + data.length !== entry.size) {
          failure = damaged(`'${entry.name}' holds ${bytesText(at + data.length)} where its directory declares ${bytesText(entry.size)}`);
        }
      }
    };
    stream.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < bytes.length && finished < wanted.length && !failure; at += STEP_BYTES) {
      const end = Math.min(at + STEP_BYTES, bytes.length);
      unzip.push(bytes.subarray(at, end), end === bytes.length);
    }
  } catch (error) {
    if (!failure) failure = damaged(`it cannot be read (${(error as Error).message})`);
  }
  if (failure) throw failure;
  for (const entry of wanted) {
    if (!contents.has(entry.name)) throw damaged(`the local header of '${entry.name}' is missing`);
    if ((filled.get(entry.name) as number) !== entry.size) throw damaged(`'${entry.name}' is cut short`);
  }
  return contents;
}
