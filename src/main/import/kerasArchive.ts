// `.keras` archives (Keras 3 `model.save("x.keras")`): a ZIP holding `config.json` beside the weights. The ZIP
// format is read by fflate; this module adds what a hostile or damaged archive needs:
// - the central directory is listed first, and every entry's declared sizes are checked against the file and
//   against the limit for a model config before anything is inflated;
// - `config.json` is inflated as a stream, a small piece of the archive at a time, and stopped as soon as its
//   output passes the limit, whatever the directory declared: a ZIP bomb costs at most the limit in memory;
// - a size too large for 32 bits is read from the entry's ZIP64 extra field in the central directory even when the
//   archive has no ZIP64 end record (Python's zipfile writes an entry over 2 GiB so; fflate reads such extras only
//   in ZIP64 archives), so a declared 3 GiB is refused as too large, not as a size pointing outside the file;
// - anything fflate cannot read is reported as "the archive is damaged", saying which part.
import { Unzip, UnzipInflate, unzipSync } from 'fflate';
import { ModelError } from '../../shared/model/types';

/** A model config is a few MiB at most (a 20,000-layer Keras config is about 5 MiB); nothing larger is inflated. */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;
/** Archive bytes handed to the inflater at a time: one step's output is at most ~1,032 times this (deflate's limit). */
const STEP_BYTES = 16 * 1024;
/** The smallest central directory record: an archive of N bytes cannot list more than N / 46 entries. */
const MIN_DIRECTORY_RECORD = 46;
/** A 32-bit size or offset of this value says "see the ZIP64 extra field". */
const ZIP64_MARK = 0xffffffff;

export const isZip = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

export interface ArchiveEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  /** The uncompressed size the central directory declares. */
  size: number;
}

const bytesText = (n: number): string => `${n.toLocaleString('en-US')} bytes`;
const limitText = (limit: number): string => `the ${limit / (1024 * 1024)} MiB limit for a model config`;

const damaged = (where: string): ModelError => new ModelError(`the archive is damaged: ${where}`);

export function expandsBeyond(name: string, limit: number, size?: number): ModelError {
  const how = size === undefined ? 'expands beyond' : `expands to ${bytesText(size)} (its declared size), beyond`;
  return new ModelError(`${name} ${how} ${limitText(limit)}; refused without inflating it further (a ZIP bomb?)`);
}

/** The entries of the archive's central directory, each checked to lie within the file. */
export function listArchive(bytes: Uint8Array): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  const most = Math.floor(bytes.length / MIN_DIRECTORY_RECORD);
  let extras: (Zip64Sizes | undefined)[] | undefined;
  try {
    unzipSync(bytes, {
      filter: (file) => {
        const n = entries.length + 1;
        if (n > most) throw damaged(`its central directory lists more entries than a ${bytesText(bytes.length)} file can hold`);
        let { size: compressedSize, originalSize: size } = file;
        if (compressedSize === ZIP64_MARK || size === ZIP64_MARK) {
          extras ??= zip64Extras(bytes);
          const extra = extras[n - 1];
          if (compressedSize === ZIP64_MARK && extra?.compressedSize !== undefined) compressedSize = extra.compressedSize;
          if (size === ZIP64_MARK && extra?.size !== undefined) size = extra.size;
        }
        if (file.name === '' || !Number.isSafeInteger(compressedSize) || compressedSize > bytes.length) {
          throw damaged(`entry ${n} of its central directory points outside the file`);
        }
        if (!Number.isSafeInteger(size)) throw damaged(`entry ${n} of its central directory ("${file.name}") has an impossible size`);
        entries.push({ name: file.name, method: file.compression, compressedSize, size });
        return false; // list only: config.json is inflated below, under the limit
      },
    });
  } catch (error) {
    if (error instanceof ModelError) throw error;
    const where =
      entries.length === 0
        ? 'its end-of-central-directory record or central directory is missing or unreadable (is the file truncated?)'
        : `its central directory cannot be read after entry ${entries.length} ("${entries[entries.length - 1].name}")`;
    throw damaged(`${where} (${(error as Error).message})`);
  }
  return entries;
}

interface Zip64Sizes {
  size?: number;
  compressedSize?: number;
}

/**
 * Per central directory record, in order, the sizes its ZIP64 extra field (id 1) gives for the 32-bit fields set
 * to 0xFFFFFFFF: the uncompressed size first, then the compressed size, each 8 bytes, unsigned. Reading stops at
 * the first record that does not fit in the file (fflate reports that one).
 */
function zip64Extras(bytes: Uint8Array): (Zip64Sizes | undefined)[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const u64 = (at: number): number => u32(at) + u32(at + 4) * 2 ** 32;
  const out: (Zip64Sizes | undefined)[] = [];
  let end = -1;
  for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - 0xffff; at--) {
    if (u32(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) return out;
  const count = u16(end + 10);
  let at = u32(end + 16);
  for (let i = 0; i < count; i++) {
    if (at + MIN_DIRECTORY_RECORD > bytes.length || u32(at) !== 0x02014b50) break;
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    const extraStart = at + MIN_DIRECTORY_RECORD + nameLength;
    const extraEnd = extraStart + extraLength;
    if (extraEnd > bytes.length) break;
    let sizes: Zip64Sizes | undefined;
    for (let field = extraStart; field + 4 <= extraEnd; field += 4 + u16(field + 2)) {
      if (u16(field) !== 1) continue;
      const fieldEnd = Math.min(extraEnd, field + 4 + u16(field + 2));
      let value = field + 4;
      sizes = {};
      if (u32(at + 24) === ZIP64_MARK && value + 8 <= fieldEnd) {
        sizes.size = u64(value);
        value += 8;
      }
      if (u32(at + 20) === ZIP64_MARK && value + 8 <= fieldEnd) sizes.compressedSize = u64(value);
      break;
    }
    out.push(sizes);
    at = extraEnd + commentLength;
  }
  return out;
}

/**
 * The contents of one entry, inflated under `limit` bytes of output. Throws a ModelError saying the entry expands
 * beyond the limit, or that the archive is damaged and where.
 */
export function readArchiveEntry(bytes: Uint8Array, entry: ArchiveEntry, limit: number = MAX_CONFIG_BYTES): Uint8Array {
  if (entry.size > limit) throw expandsBeyond(entry.name, limit, entry.size);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ModelError(`${entry.name} uses compression method ${entry.method}; only stored (0) and deflate (8) are read`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  let found = false;
  let finished = false;
  let failure: ModelError | undefined;
  const unzip = new Unzip((file) => {
    if (found || file.name !== entry.name) return; // other entries are never started, so never inflated
    found = true;
    file.ondata = (error, data, final) => {
      if (failure) return;
      if (error) {
        failure = damaged(`${entry.name} cannot be inflated (${error.message})`);
        return;
      }
      total += data.length;
      if (total > limit) {
        failure = expandsBeyond(entry.name, limit);
        file.terminate();
        return;
      }
      if (data.length > 0) chunks.push(data);
      if (final) finished = true;
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < bytes.length && !finished && !failure; at += STEP_BYTES) {
      const end = Math.min(at + STEP_BYTES, bytes.length);
      unzip.push(bytes.subarray(at, end), end === bytes.length);
    }
  } catch (error) {
    if (!failure) failure = damaged(`${entry.name} cannot be read (${(error as Error).message})`);
  }
  if (failure) throw failure;
  if (!found) throw damaged(`the local header of ${entry.name} is missing`);
  if (!finished) throw damaged(`${entry.name} is cut short`);
  if (total !== entry.size) {
    throw damaged(`${entry.name} holds ${bytesText(total)} where its central directory declares ${bytesText(entry.size)}`);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
