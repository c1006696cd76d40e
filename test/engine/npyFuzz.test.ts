// The .npy and .npz readers under seeded, bounded damage to numpy-made files (the fuzz harness's byte mutations and
// truncations, plus edits of the header text and of the zip structures): each case is read with consistent sizes or
// refused with an NpyError naming the file; nothing else is thrown. The file reader agrees with the in-memory one.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NpyError, parseNpy, type NpyArray } from '../../src/shared/engine/npy';
import { parseNpz } from '../../src/shared/engine/npz';
import { openNpyFile } from '../../src/main/engine/npyFile';
import { caseSeed, chance, int, mutateBytes, pick, rngFor, truncate, type Rng } from '../fuzz/harness';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'npy');
const load = (ext: string): Uint8Array[] =>
  readdirSync(DIR)
    .filter((n) => n.endsWith(ext))
    .sort()
    .map((n) => new Uint8Array(readFileSync(join(DIR, n))));
const NPY = load('.npy');
const NPZ = load('.npz');
const CASES = 2000;
const FILE_CASES = 300;
const tmp = mkdtempSync(join(tmpdir(), 'frontier-npy-fuzz-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const HEADER_PIECES = ["'", '"', '(', ')', '[', ']', '{', '}', ',', ':', ' ', '-', '0', '9', 'L', 'True', '<c8', '>f2', '|b1', '99999999999', '\n'];

/** One character of the header text replaced by a piece that matters to its parser. */
function mutateHeader(rng: Rng, bytes: Uint8Array): Uint8Array {
  const end = Math.min(bytes.length, bytes[6] === 1 ? 10 + (bytes[8] | (bytes[9] << 8)) : 128);
  const at = 10 + int(rng, Math.max(1, end - 10));
  const piece = new TextEncoder().encode(pick(rng, HEADER_PIECES));
  const out = new Uint8Array(bytes.length - 1 + piece.length);
  out.set(bytes.subarray(0, at));
  out.set(piece, at);
  out.set(bytes.subarray(at + 1), at + piece.length);
  return out;
}

/** One 16- or 32-bit field of the zip records (a size, an offset, a method, a count) set to an edge value. */
function damageZip(rng: Rng, zip: Uint8Array): Uint8Array {
  const out = Uint8Array.from(zip);
  const view = new DataView(out.buffer);
  const records: number[] = [];
  for (let i = 0; i + 4 <= out.length; i++) {
    if ([0x04034b50, 0x02014b50, 0x06054b50, 0x06064b50, 0x07064b50].includes(view.getUint32(i, true))) records.push(i);
  }
  const at = pick(rng, records) + 4 + 2 * int(rng, 24);
  if (at + 4 > out.length) return out;
  const value = pick(rng, [0, 1, 8, 12, 0xffff, 0xffffffff, 0x7fffffff, out.length, out.length + 1, int(rng, out.length)]);
  if (chance(rng, 0.5)) view.setUint32(at, value >>> 0, true);
  else view.setUint16(at, value & 0xffff, true);
  return out;
}

function npyCase(seed: number): Uint8Array {
  const rng = rngFor(seed);
  const source = pick(rng, NPY);
  const how = int(rng, 3);
  return how === 0 ? mutateBytes(rng, source) : how === 1 ? truncate(rng, source) : mutateHeader(rng, source);
}

function npzCase(seed: number): Uint8Array {
  const rng = rngFor(seed);
  const source = pick(rng, NPZ);
  const how = int(rng, 3);
  return how === 0 ? mutateBytes(rng, source) : how === 1 ? truncate(rng, source) : damageZip(rng, source);
}

/** A read array is consistent: the right count of values, whole non-negative axes. */
function checkArray(array: NpyArray): void {
  expect(array.shape.every((n) => Number.isSafeInteger(n) && n >= 0)).toBe(true);
  expect(array.data.length).toBe(array.shape.reduce((a, b) => a * b, 1));
}

/** Either an array, or the NpyError's message (which names the file); any other error fails the case. */
function outcome<T>(what: string, read: () => T): { ok: T } | { refused: string } {
  try {
    return { ok: read() };
  } catch (error) {
    if (!(error instanceof NpyError)) throw new Error(`${what}: ${(error as Error).name}: ${(error as Error).message}`);
    return { refused: error.message };
  }
}

describe('damaged files are read consistently or refused naming the file', () => {
  it(`${CASES} .npy cases`, () => {
    for (let i = 0; i < CASES; i++) {
      const seed = caseSeed('npy', i, 14);
      const result = outcome(`npy case ${i} (seed ${seed})`, () => parseNpy(npyCase(seed), 'f.npy'));
      if ('ok' in result) checkArray(result.ok);
      else expect(result.refused.startsWith('f.npy: ')).toBe(true);
    }
  });

  it(`${CASES} .npz cases`, () => {
    for (let i = 0; i < CASES; i++) {
      const seed = caseSeed('npz', i, 15);
      const result = outcome(`npz case ${i} (seed ${seed})`, () => parseNpz(npzCase(seed), 'd.npz'));
      if ('ok' in result) Object.values(result.ok).forEach(checkArray);
      else expect(result.refused.startsWith('d.npz')).toBe(true);
    }
  });

  it(`${FILE_CASES} .npy cases read from disk agree with the in-memory reader`, () => {
    const path = join(tmp, 'f.npy');
    for (let i = 0; i < FILE_CASES; i++) {
      const seed = caseSeed('npy-file', i, 16);
      const bytes = npyCase(seed);
      writeFileSync(path, bytes);
      const what = `npy file case ${i} (seed ${seed})`;
      const memory = outcome(what, () => parseNpy(bytes, path));
      const disk = outcome(what, () => {
        const file = openNpyFile(path);
        try {
          const all = file.readAll();
          if (file.rows > 0) expect(file.readRows(file.rows - 1, 1).data.length).toBe(all.data.length / file.rows);
          return all;
        } finally {
          file.close();
        }
      });
      expect(disk, what).toEqual(memory);
    }
  });
});
