import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../scripts/make-keras-fixtures';
import { ZipError, isZip, listZip, readZipEntry, writeZip, zipEntryNames } from '../../src/main/import/zip';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

/** Deterministic pseudo-random bytes. */
function noise(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** One stored entry written with ZIP64 records throughout (sizes and offsets 0xFFFFFFFF). */
function zip64Archive(name: string, data: Buffer): Buffer {
  const nameBytes = Buffer.from(name);
  const crc = crc32(data) >>> 0;
  const local = Buffer.alloc(30 + 20);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(45, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(0xffffffff, 18);
  local.writeUInt32LE(0xffffffff, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(20, 28);
  const localExtra = local.subarray(30);
  localExtra.writeUInt16LE(1, 0);
  localExtra.writeUInt16LE(16, 2);
  localExtra.writeBigUInt64LE(BigInt(data.length), 4);
  localExtra.writeBigUInt64LE(BigInt(data.length), 12);
  const localPart = Buffer.concat([local.subarray(0, 30), nameBytes, localExtra, data]);

  const cd = Buffer.alloc(46);
  cd.writeUInt32LE(0x02014b50, 0);
  cd.writeUInt16LE(45, 4);
  cd.writeUInt16LE(45, 6);
  cd.writeUInt32LE(crc, 16);
  cd.writeUInt32LE(0xffffffff, 20);
  cd.writeUInt32LE(0xffffffff, 24);
  cd.writeUInt16LE(nameBytes.length, 28);
  cd.writeUInt16LE(28, 30);
  cd.writeUInt32LE(0xffffffff, 42);
  const cdExtra = Buffer.alloc(28);
  cdExtra.writeUInt16LE(1, 0);
  cdExtra.writeUInt16LE(24, 2);
  cdExtra.writeBigUInt64LE(BigInt(data.length), 4); // uncompressed size
  cdExtra.writeBigUInt64LE(BigInt(data.length), 12); // compressed size
  cdExtra.writeBigUInt64LE(0n, 20); // local header offset
  const cdPart = Buffer.concat([cd, nameBytes, cdExtra]);

  const eocd64 = Buffer.alloc(56);
  eocd64.writeUInt32LE(0x06064b50, 0);
  eocd64.writeBigUInt64LE(44n, 4);
  eocd64.writeUInt16LE(45, 12);
  eocd64.writeUInt16LE(45, 14);
  eocd64.writeBigUInt64LE(1n, 24);
  eocd64.writeBigUInt64LE(1n, 32);
  eocd64.writeBigUInt64LE(BigInt(cdPart.length), 40);
  eocd64.writeBigUInt64LE(BigInt(localPart.length), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(localPart.length + cdPart.length), 8);
  locator.writeUInt32LE(1, 16);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(0xffff, 8);
  eocd.writeUInt16LE(0xffff, 10);
  eocd.writeUInt32LE(0xffffffff, 12);
  eocd.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([localPart, cdPart, eocd64, locator, eocd]);
}

describe('writeZip and the reader', () => {
  const files = [
    { name: 'config.json', data: Buffer.from('{"class_name": "Sequential"}'.repeat(50)) },
    { name: 'metadata.json', data: Buffer.from('{"keras_version": "3.5.0"}'), method: 'store' as const },
    { name: 'model.weights.h5', data: noise(70_000), dataDescriptor: true },
    { name: 'dir/ünïcode.txt', data: Buffer.from('héllo'), method: 'store' as const, dataDescriptor: true },
    { name: 'empty', data: Buffer.alloc(0) },
  ];
  const zip = writeZip(files);

  it('round-trips stored, deflated and data-descriptor entries', () => {
    expect(isZip(zip)).toBe(true);
    expect(zipEntryNames(zip)).toEqual(files.map((f) => f.name));
    for (const f of files) expect(readZipEntry(zip, f.name)?.equals(f.data), f.name).toBe(true);
    const entries = listZip(zip);
    expect(entries.map((e) => e.method)).toEqual([8, 0, 8, 0, 8]);
    expect(entries[0].compressedSize).toBeLessThan(entries[0].size);
    expect(entries[2].flags & 0x8).toBe(0x8);
    expect(readZipEntry(zip, 'missing.json')).toBeUndefined();
  });

  it('is reproducible byte for byte', () => {
    expect(writeZip(files).equals(zip)).toBe(true);
  });

  it('reads a .keras archive Python’s zipfile streamed (deflate, data descriptors, ZIP64 local extras)', () => {
    const streamed = readFileSync(join(FIXTURE_DIR, 'exam-cnn.python-stream.keras'));
    const reference = readFileSync(join(FIXTURE_DIR, 'exam-cnn.keras'));
    const entries = listZip(streamed);
    expect(entries.map((e) => [e.name, e.method, e.flags & 0x8])).toEqual([
      ['metadata.json', 8, 8],
      ['config.json', 8, 8],
      ['model.weights.h5', 0, 8],
    ]);
    for (const name of zipEntryNames(reference)) {
      expect(readZipEntry(streamed, name)?.equals(readZipEntry(reference, name) as Buffer), name).toBe(true);
    }
  });

  it('reads ZIP64 sizes and offsets', () => {
    const data = noise(1000, 7);
    const zip64 = zip64Archive('model.weights.h5', data);
    expect(listZip(zip64)).toMatchObject([{ name: 'model.weights.h5', size: 1000, compressedSize: 1000, localHeaderOffset: 0 }]);
    expect(readZipEntry(zip64, 'model.weights.h5')?.equals(data)).toBe(true);
  });
});

describe('damaged and foreign files', () => {
  const zip = writeZip([
    { name: 'a.txt', data: Buffer.from('stored text'), method: 'store' },
    { name: 'b.bin', data: noise(5000) },
  ]);

  it('says a file that is not a zip is not a zip', () => {
    for (const bytes of [Buffer.from('{"class_name": "Sequential", "config": {"layers": []}}'), noise(200_000)]) {
      const err = errorOf(() => listZip(bytes));
      expect(err).toBeInstanceOf(ZipError);
      expect(err.message).toBe('not a ZIP archive (no end-of-central-directory record)');
    }
    expect(errorOf(() => listZip(Buffer.from('PK'))).message).toBe('not a ZIP archive (only 2 bytes)');
    expect(isZip(Buffer.from('{}'))).toBe(false);
  });

  it('reports a truncated archive', () => {
    const cut = zip.subarray(0, zip.length - 30);
    expect(errorOf(() => listZip(cut)).message).toBe(
      'the ZIP archive is truncated or damaged (no end-of-central-directory record)',
    );
  });

  it('checks CRC-32 and sizes', () => {
    const bad = Buffer.from(zip);
    const at = bad.indexOf('stored text');
    bad[at] ^= 0xff;
    expect(errorOf(() => readZipEntry(bad, 'a.txt')).message).toBe('"a.txt" fails its CRC-32 check');
    expect(readZipEntry(bad, 'b.bin')?.equals(noise(5000))).toBe(true);
  });

  it('reports damaged deflate data and unsupported methods', () => {
    const entries = listZip(zip);
    const b = entries[1];
    const damaged = Buffer.from(zip);
    const start = b.localHeaderOffset + 30 + 'b.bin'.length;
    damaged.fill(0xff, start, start + 16);
    expect(errorOf(() => readZipEntry(damaged, 'b.bin')).message).toMatch(/^"b\.bin": the compressed data is damaged/);

    const bzip = Buffer.from(zip);
    const cdStart = bzip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bzip.writeUInt16LE(12, cdStart + 10);
    expect(errorOf(() => readZipEntry(bzip, 'b.bin')).message).toBe(
      '"b.bin" uses compression method 12; only stored (0) and deflate (8) are supported',
    );
  });
});
