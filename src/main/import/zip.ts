// A minimal ZIP reader and writer: enough for `.keras` archives (stored or deflated entries, ZIP64
// sizes and offsets, data descriptors). The reader trusts the central directory, not the local headers'
// sizes, so entries written with a data descriptor (sizes zero in the local header) read fine.
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Offset of the entry's local header in the archive. */
  localHeaderOffset: number;
  flags: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_DATA_DESCRIPTOR = 0x08074b50;
const FLAG_ENCRYPTED = 0x1;
const FLAG_DATA_DESCRIPTOR = 0x8;
const FLAG_UTF8 = 0x800;
const MAX_U32 = 0xffffffff;
const MAX_U16 = 0xffff;

export const isZip = (bytes: Uint8Array): boolean =>
  bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

function u64(buf: Buffer, offset: number): number {
  const value = buf.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipError('a ZIP64 size or offset is too large');
  return Number(value);
}

function findEndOfCentralDirectory(buf: Buffer): number {
  // The EOCD record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  const lowest = Math.max(0, buf.length - 22 - MAX_U16);
  for (let i = buf.length - 22; i >= lowest; i--) {
    if (buf.readUInt32LE(i) === SIG_EOCD && i + 22 + buf.readUInt16LE(i + 20) <= buf.length) return i;
  }
  return -1;
}

/** The entries of a ZIP archive, from its central directory. */
export function listZip(bytes: Buffer): ZipEntry[] {
  const buf = bytes;
  if (buf.length < 22) throw new ZipError(`not a ZIP archive (only ${buf.length} bytes)`);
  const eocd = findEndOfCentralDirectory(buf);
  if (eocd < 0) {
    throw new ZipError(
      isZip(buf)
        ? 'the ZIP archive is truncated or damaged (no end-of-central-directory record)'
        : 'not a ZIP archive (no end-of-central-directory record)',
    );
  }
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === MAX_U16 || cdSize === MAX_U32 || cdOffset === MAX_U32) {
    const locator = eocd - 20;
    if (locator < 0 || buf.readUInt32LE(locator) !== SIG_ZIP64_LOCATOR) {
      throw new ZipError('the ZIP archive needs ZIP64 records that are missing');
    }
    const record = u64(buf, locator + 8);
    if (record + 56 > buf.length || buf.readUInt32LE(record) !== SIG_ZIP64_EOCD) {
      throw new ZipError('the ZIP archive has a damaged ZIP64 end-of-central-directory record');
    }
    count = u64(buf, record + 32);
    cdSize = u64(buf, record + 40);
    cdOffset = u64(buf, record + 48);
  }
  if (cdOffset + cdSize > buf.length) throw new ZipError('the ZIP archive is truncated (central directory out of range)');

  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== SIG_CENTRAL) {
      throw new ZipError(`the ZIP archive's central directory is damaged (entry ${i + 1} of ${count})`);
    }
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    let compressedSize = buf.readUInt32LE(p + 20);
    let size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    let localHeaderOffset = buf.readUInt32LE(p + 42);
    const nameBytes = buf.subarray(p + 46, p + 46 + nameLength);
    const name = nameBytes.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1');
    // ZIP64 extended information: the 64-bit values, in this order, of the fields that are 0xFFFFFFFF.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = buf.readUInt16LE(e);
      const len = buf.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === MAX_U32) {
          size = u64(buf, q);
          q += 8;
        }
        if (compressedSize === MAX_U32) {
          compressedSize = u64(buf, q);
          q += 8;
        }
        if (localHeaderOffset === MAX_U32) localHeaderOffset = u64(buf, q);
      }
      e += 4 + len;
    }
    entries.push({ name, method, compressedSize, size, crc32: crc, localHeaderOffset, flags });
    p = extraEnd + commentLength;
  }
  return entries;
}

/** Names of the files in a ZIP archive (directories left out). */
export function zipEntryNames(bytes: Buffer): string[] {
  return listZip(bytes)
    .filter((e) => !e.name.endsWith('/'))
    .map((e) => e.name);
}

/** The contents of one entry, or undefined when the archive has no entry of that name. */
export function readZipEntry(bytes: Buffer, name: string): Buffer | undefined {
  const entry = listZip(bytes).find((e) => e.name === name);
  return entry ? extractEntry(bytes, entry) : undefined;
}

export function extractEntry(bytes: Buffer, entry: ZipEntry): Buffer {
  const buf = bytes;
  const at = entry.localHeaderOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== SIG_LOCAL) {
    throw new ZipError(`"${entry.name}": the local header is missing or damaged`);
  }
  if (entry.flags & FLAG_ENCRYPTED) throw new ZipError(`"${entry.name}" is encrypted`);
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > buf.length) throw new ZipError(`"${entry.name}" is truncated`);
  const raw = buf.subarray(start, end);
  let data: Buffer;
  if (entry.method === 0) {
    data = Buffer.from(raw);
  } else if (entry.method === 8) {
    try {
      data = inflateRawSync(raw);
    } catch (err) {
      throw new ZipError(`"${entry.name}": the compressed data is damaged (${(err as Error).message})`);
    }
  } else {
    throw new ZipError(`"${entry.name}" uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
  }
  if (data.length !== entry.size) {
    throw new ZipError(`"${entry.name}" is ${data.length} bytes, the directory says ${entry.size}`);
  }
  if ((crc32(data) >>> 0) !== entry.crc32 >>> 0) throw new ZipError(`"${entry.name}" fails its CRC-32 check`);
  return data;
}

export interface ZipInput {
  name: string;
  data: Buffer;
  /** Deflated by default; `store` keeps the bytes as they are (what Keras writes). */
  method?: 'store' | 'deflate';
  /** Write the sizes and CRC after the data (local header fields zero), as streaming writers do. */
  dataDescriptor?: boolean;
}

// 2024-01-01 00:00:00, so that archives are byte-for-byte reproducible.
const DOS_TIME = 0;
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;

/** A ZIP archive of the given files (no ZIP64: every file and the archive must stay under 4 GiB). */
export function writeZip(entries: ZipInput[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const input of entries) {
    const name = Buffer.from(input.name, 'utf8');
    const deflate = (input.method ?? 'deflate') === 'deflate';
    const body = deflate ? deflateRawSync(input.data) : input.data;
    const crc = crc32(input.data) >>> 0;
    const descriptor = input.dataDescriptor === true;
    const flags = FLAG_UTF8 | (descriptor ? FLAG_DATA_DESCRIPTOR : 0);
    const method = deflate ? 8 : 0;
    if (body.length >= MAX_U32 || input.data.length >= MAX_U32) throw new ZipError(`"${input.name}" is too large`);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(SIG_LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(descriptor ? 0 : crc, 14);
    local.writeUInt32LE(descriptor ? 0 : body.length, 18);
    local.writeUInt32LE(descriptor ? 0 : input.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    parts.push(local, name, body);
    let written = local.length + name.length + body.length;
    if (descriptor) {
      const dd = Buffer.alloc(16);
      dd.writeUInt32LE(SIG_DATA_DESCRIPTOR, 0);
      dd.writeUInt32LE(crc, 4);
      dd.writeUInt32LE(body.length, 8);
      dd.writeUInt32LE(input.data.length, 12);
      parts.push(dd);
      written += dd.length;
    }

    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(SIG_CENTRAL, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt16LE(DOS_TIME, 12);
    cd.writeUInt16LE(DOS_DATE, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(input.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(0, 30);
    cd.writeUInt16LE(0, 32);
    cd.writeUInt16LE(0, 34);
    cd.writeUInt16LE(0, 36);
    cd.writeUInt32LE(0, 38);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += written;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(SIG_EOCD, 0);
  eocd.writeUInt16LE(0, 4);
  eocd.writeUInt16LE(0, 6);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  eocd.writeUInt16LE(0, 20);
  if (offset >= MAX_U32 || entries.length >= MAX_U16) throw new ZipError('the archive is too large for a ZIP without ZIP64');
  return Buffer.concat([...parts, cdBytes, eocd]);
}
