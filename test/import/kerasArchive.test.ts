// `.keras` archives through fflate: every layout Keras and Python write, and hostile or damaged archives refused
// with a message naming the file and saying what is wrong: a ZIP bomb expands beyond the limit, a damaged archive
// is "damaged" and says where.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../scripts/make-keras-fixtures';
import { isZip, listArchive, MAX_CONFIG_BYTES, readArchiveEntry } from '../../src/main/import/kerasArchive';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { centralRecordOf, withDeclaredSize, zipArchive } from '../support/zip';

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

const read = (zip: Uint8Array, name: string, limit?: number): Buffer => {
  const entry = listArchive(zip).find((e) => e.name === name);
  if (!entry) throw new Error(`no ${name}`);
  return Buffer.from(readArchiveEntry(zip, entry, limit));
};

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
  cdExtra.writeBigUInt64LE(BigInt(data.length), 4);
  cdExtra.writeBigUInt64LE(BigInt(data.length), 12);
  cdExtra.writeBigUInt64LE(0n, 20);
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

/**
 * One deflated entry as Python's zipfile writes an entry over 2 GiB into an archive that is otherwise small: ZIP64
 * extra fields in the local header and the central directory (32-bit sizes set to 0xFFFFFFFF) but no ZIP64 end
 * record. `declared` is the uncompressed size it claims.
 */
function pythonLargeEntry(name: string, deflated: Buffer, declared: number, crc = 0): Buffer {
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30 + 20);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(45, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(0xffffffff, 18);
  local.writeUInt32LE(0xffffffff, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(20, 28);
  local.writeUInt16LE(1, 30);
  local.writeUInt16LE(16, 32);
  local.writeBigUInt64LE(BigInt(declared), 34);
  local.writeBigUInt64LE(BigInt(deflated.length), 42);
  const localPart = Buffer.concat([local.subarray(0, 30), nameBytes, local.subarray(30), deflated]);

  const cd = Buffer.alloc(46 + 20);
  cd.writeUInt32LE(0x02014b50, 0);
  cd.writeUInt16LE(45, 4);
  cd.writeUInt16LE(45, 6);
  cd.writeUInt16LE(8, 10);
  cd.writeUInt32LE(crc, 16);
  cd.writeUInt32LE(0xffffffff, 20);
  cd.writeUInt32LE(0xffffffff, 24);
  cd.writeUInt16LE(nameBytes.length, 28);
  cd.writeUInt16LE(20, 30);
  cd.writeUInt16LE(1, 46);
  cd.writeUInt16LE(16, 48);
  cd.writeBigUInt64LE(BigInt(declared), 50);
  cd.writeBigUInt64LE(BigInt(deflated.length), 58);
  const cdPart = Buffer.concat([cd.subarray(0, 46), nameBytes, cd.subarray(46)]);

  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(cdPart.length, 12);
  eocd.writeUInt32LE(localPart.length, 16);
  return Buffer.concat([localPart, cdPart, eocd]);
}

describe('reading archives', () => {
  const files = [
    { name: 'config.json', data: Buffer.from('{"class_name": "Sequential"}'.repeat(50)) },
    { name: 'metadata.json', data: Buffer.from('{"keras_version": "3.5.0"}'), store: true },
    { name: 'model.weights.h5', data: noise(70_000) },
    { name: 'dir/ünïcode.txt', data: Buffer.from('héllo'), store: true },
    { name: 'empty', data: Buffer.alloc(0) },
  ];
  const zip = zipArchive(files);

  it('lists and reads stored and deflated entries', () => {
    expect(isZip(zip)).toBe(true);
    expect(listArchive(zip).map((e) => [e.name, e.method, e.size])).toEqual(
      files.map((f) => [f.name, f.store ? 0 : 8, f.data.length]),
    );
    for (const f of files) expect(read(zip, f.name).equals(f.data), f.name).toBe(true);
  });

  it('reads a .keras archive Python’s zipfile streamed (deflate, data descriptors, ZIP64 local extras)', () => {
    const streamed = readFileSync(join(FIXTURE_DIR, 'exam-cnn.python-stream.keras'));
    const reference = readFileSync(join(FIXTURE_DIR, 'exam-cnn.keras'));
    expect(listArchive(streamed).map((e) => [e.name, e.method])).toEqual([
      ['metadata.json', 8],
      ['config.json', 8],
      ['model.weights.h5', 0],
    ]);
    for (const name of ['metadata.json', 'config.json']) {
      expect(read(streamed, name).equals(read(reference, name)), name).toBe(true);
    }
  });

  it('reads ZIP64 sizes and offsets', () => {
    const data = noise(1000, 7);
    const zip64 = zip64Archive('model.weights.h5', data);
    expect(listArchive(zip64)).toEqual([{ name: 'model.weights.h5', method: 0, compressedSize: 1000, size: 1000 }]);
    expect(read(zip64, 'model.weights.h5').equals(data)).toBe(true);
  });
});

describe('ZIP bombs', () => {
  const json = Buffer.alloc(3 * 1024 * 1024, 0x20); // 3 MiB of spaces deflates to a few KiB
  const bomb = zipArchive([{ name: 'config.json', data: json }]);

  it('refuses an entry whose declared size is beyond the limit, before inflating anything', () => {
    const entry = listArchive(bomb)[0];
    expect(entry.compressedSize).toBeLessThan(10_000);
    const err = errorOf(() => readArchiveEntry(bomb, entry, 1024 * 1024));
    expect(err.message).toBe(
      'config.json expands to 3,145,728 bytes (its declared size), beyond the 1 MiB limit for a model config; refused without inflating it further (a ZIP bomb?)',
    );
  });

  it('stops inflating at the limit when the declared size lies', () => {
    const lying = withDeclaredSize(bomb, 'config.json', 1000);
    const err = errorOf(() => read(lying, 'config.json', 1024 * 1024));
    expect(err.message).toBe(
      'config.json expands beyond the 1 MiB limit for a model config; refused without inflating it further (a ZIP bomb?)',
    );
  });

  it('refuses a config.json declaring 3 GiB (over 2^31, read unsigned) as larger than the limit, not as damaged', () => {
    const GiB3 = 3 * 2 ** 30;
    const expected = `bomb.keras: config.json expands to 3,221,225,472 bytes (its declared size), beyond the 64 MiB limit for a model config; refused without inflating it further (a ZIP bomb?)`;
    // As Python's zipfile writes it: the sizes in ZIP64 extra fields, the archive itself not ZIP64.
    const python = pythonLargeEntry('config.json', deflateRawSync(json), GiB3);
    expect(listArchive(python)).toEqual([{ name: 'config.json', method: 8, compressedSize: expect.any(Number), size: GiB3 }]);
    expect(errorOf(() => parseModelBytes(python, 'bomb.keras')).message).toBe(expected);
    // And in the 32-bit fields themselves.
    expect(errorOf(() => parseModelBytes(withDeclaredSize(bomb, 'config.json', GiB3), 'bomb.keras')).message).toBe(expected);
  });

  it('reads a small entry whose sizes are in a ZIP64 extra field of a non-ZIP64 archive', () => {
    const text = Buffer.from('{"class_name": "Sequential"}');
    const zip = pythonLargeEntry('config.json', deflateRawSync(text), text.length, crc32(text) >>> 0);
    expect(read(zip, 'config.json').toString()).toBe(text.toString());
  });

  it('refuses a .keras whose config.json inflates beyond 64 MiB, naming the file', () => {
    const big = zipArchive([{ name: 'config.json', data: Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x20) }]);
    expect(big.length).toBeLessThan(200_000);
    expect(errorOf(() => parseModelBytes(big, 'bomb.keras')).message).toBe(
      'bomb.keras: config.json expands to 67,108,865 bytes (its declared size), beyond the 64 MiB limit for a model config; refused without inflating it further (a ZIP bomb?)',
    );
    expect(errorOf(() => parseModelBytes(withDeclaredSize(big, 'config.json', 100), 'liar.keras')).message).toBe(
      'liar.keras: config.json expands beyond the 64 MiB limit for a model config; refused without inflating it further (a ZIP bomb?)',
    );
  });
});

describe('damaged archives', () => {
  const zip = zipArchive([
    { name: 'a.txt', data: Buffer.from('stored text'), store: true },
    { name: 'config.json', data: noise(5000) },
  ]);

  it('says a truncated archive is damaged', () => {
    for (const cut of [zip.subarray(0, zip.length - 30), zip.subarray(0, 40)]) {
      expect(errorOf(() => listArchive(cut)).message).toMatch(
        /^the archive is damaged: its end-of-central-directory record or central directory is missing or unreadable/,
      );
    }
  });

  it('says where when a field points outside the file (never Node’s "offset is out of range")', () => {
    const model = readFileSync(join(FIXTURE_DIR, 'exam-cnn.keras'));
    const at = centralRecordOf(model, 'config.json');
    const farSize = Buffer.from(model);
    farSize.writeUInt32LE(0x7fffffff, at + 20); // compressed size
    const farDirectory = Buffer.from(model);
    farDirectory.writeUInt32LE(0x7fffffff, farDirectory.length - 6); // central directory offset
    const manyEntries = Buffer.from(model);
    manyEntries.writeUInt16LE(0xfffe, manyEntries.length - 12); // entries in the central directory
    manyEntries.writeUInt16LE(0xfffe, manyEntries.length - 14);
    const messages = [farSize, farDirectory, manyEntries].map((bad) => errorOf(() => parseModelBytes(bad, 'bad.keras')).message);
    expect(messages).toEqual([
      'bad.keras: the archive is damaged: entry 2 of its central directory points outside the file',
      'bad.keras: the archive is damaged: entry 1 of its central directory points outside the file',
      'bad.keras: the archive is damaged: entry 4 of its central directory points outside the file',
    ]);
    // The local header offsets are not what is read (the headers are found in order), so one pointing nowhere
    // changes nothing.
    const farOffset = Buffer.from(model);
    farOffset.writeUInt32LE(0x7fffffff, at + 42);
    expect(parseModelBytes(farOffset, 'x.keras')).toEqual(parseModelBytes(model, 'x.keras'));
  });

  it('says which entry cannot be inflated, and when its size disagrees with the directory', () => {
    const damaged = Buffer.from(zip);
    const start = damaged.indexOf('config.json') + 'config.json'.length;
    damaged.fill(0xff, start, start + 16);
    expect(errorOf(() => read(damaged, 'config.json')).message).toMatch(/^the archive is damaged: config\.json cannot be inflated \(/);
    const shorter = withDeclaredSize(zip, 'config.json', 4000);
    expect(errorOf(() => read(shorter, 'config.json')).message).toBe(
      'the archive is damaged: config.json holds 5,000 bytes where its central directory declares 4,000 bytes',
    );
  });

  it('names compression methods it does not read', () => {
    const other = Buffer.from(zip);
    other.writeUInt16LE(12, centralRecordOf(other, 'config.json') + 10);
    expect(errorOf(() => read(other, 'config.json')).message).toBe(
      'config.json uses compression method 12; only stored (0) and deflate (8) are read',
    );
  });
});
