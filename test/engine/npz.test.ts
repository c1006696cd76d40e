// .npz archives as numpy writes them (test/fixtures/npy, from scripts/make-npy-fixtures.py), and damaged or hostile
// ones made here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { NpyError, writeNpy, type NpyArray } from '../../src/shared/engine/npy';
import { npzKeys, parseNpz } from '../../src/shared/engine/npz';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'npy');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, name)));

const x: NpyArray = { dtype: 'float32', shape: [6, 2, 2], data: new Float32Array(24).map((_, i) => i / 4) };
const y: NpyArray = { dtype: 'int64', shape: [6], data: new BigInt64Array([0n, 1n, 2n, 1n, 0n, 2n]) };

const reason = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(NpyError);
    return (error as NpyError).message;
  }
  throw new Error('expected an NpyError');
};

/** Offsets of a 4-byte little-endian signature in the bytes. */
const find = (bytes: Uint8Array, signature: number): number[] => {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const at: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i++) if (view.getUint32(i, true) === signature) at.push(i);
  return at;
};

/** An archive (fflate, no zip64) of one entry, its declared uncompressed size and method set in both headers. */
function withDeclaredSize(size: number, level: 0 | 9 = 9, method?: number): Uint8Array {
  const zip = zipSync({ 'x.npy': [writeNpy(x), { level }] });
  const view = new DataView(zip.buffer);
  for (const at of find(zip, 0x04034b50)) {
    view.setUint32(at + 22, size, true);
    if (method !== undefined) view.setUint16(at + 8, method, true);
  }
  for (const at of find(zip, 0x02014b50)) {
    view.setUint32(at + 24, size, true);
    if (method !== undefined) view.setUint16(at + 10, method, true);
  }
  return zip;
}

describe('numpy-made archives', () => {
  it('np.savez (stored)', () => {
    expect(parseNpz(fixture('stored.npz'), 'd.npz')).toEqual({ x, y });
  });

  it('np.savez_compressed (deflated), and only the keys asked for', () => {
    const bytes = fixture('deflated.npz');
    expect(npzKeys(bytes, 'd.npz')).toEqual(['x_test', 'y_test']);
    expect(parseNpz(bytes, 'd.npz')).toEqual({ x_test: x, y_test: y });
    expect(parseNpz(bytes, 'd.npz', { keys: ['y_test'] })).toEqual({ y_test: y });
  });

  it('leaves out entries that are not arrays', () => {
    expect(parseNpz(fixture('mixed.npz'), 'm.npz')).toEqual({ labels: y });
  });

  it('uses the values where they were inflated (no second copy)', () => {
    const arrays = parseNpz(fixture('deflated.npz'), 'd.npz');
    expect(arrays.x_test.data.byteOffset).toBe(128); // after the header, in the entry's own buffer
    expect(arrays.x_test.data.buffer.byteLength).toBe(224);
  });
});

describe('round trip through zip archives', () => {
  it('any set of arrays, stored or deflated', () => {
    const array = fc
      .tuple(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }), fc.constantFrom('int8', 'float32', 'uint16'))
      .map(([shape, dtype]): NpyArray => {
        const n = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: n }, (_, i) => (i * 37) % 100);
        if (dtype === 'int8') return { dtype, shape, data: new Int8Array(values) };
        if (dtype === 'uint16') return { dtype, shape, data: new Uint16Array(values) };
        return { dtype: 'float32', shape, data: new Float32Array(values.map((v) => v / 3)) };
      });
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), array, { maxKeys: 4 }), fc.boolean(), (arrays, deflate) => {
        const files = Object.fromEntries(Object.entries(arrays).map(([k, a]) => [`${k}.npy`, [writeNpy(a), { level: deflate ? 6 : 0 }]]));
        expect(parseNpz(zipSync(files as never), 'r.npz')).toEqual(arrays);
      }),
      { seed: 15, numRuns: 100 },
    );
  });
});

describe('errors name the archive and the problem', () => {
  it('a file that is not an archive', () => {
    expect(reason(() => parseNpz(fixture('c_int8.npy'), 'x.npz'))).toBe('x.npz: not an .npz archive: it is a single .npy array');
    expect(reason(() => parseNpz(new TextEncoder().encode('hello'), 'x.npz'))).toBe('x.npz: not an .npz archive: it is not a zip file');
  });

  it('a key the archive does not hold', () => {
    expect(reason(() => parseNpz(fixture('stored.npz'), 'd.npz', { keys: ['x_test'] }))).toBe(
      "d.npz: the archive has no array 'x_test' (it holds 'x', 'y')",
    );
  });

  it('an entry declaring more than the limit, with both sizes, before inflating it', () => {
    expect(reason(() => parseNpz(fixture('deflated.npz'), 'd.npz', { maxEntryBytes: 200 }))).toBe(
      "d.npz: its array 'x_test' declares 224 bytes once inflated, more than the limit of 200 bytes; refused without inflating it",
    );
    // Within the limit when only the small array is asked for.
    expect(Object.keys(parseNpz(fixture('deflated.npz'), 'd.npz', { maxEntryBytes: 200, keys: ['y_test'] }))).toEqual(['y_test']);
  });

  it('an entry inflating to more than it declares (a zip bomb) is stopped', () => {
    expect(reason(() => parseNpz(withDeclaredSize(100), 'b.npz'))).toBe(
      "b.npz: the archive is damaged: 'x.npy' inflates to more than the 100 bytes its directory declares",
    );
  });

  it('an entry declaring a size its compressed bytes cannot make, before allocating it', () => {
    const compressed = zipSync({ 'x.npy': [writeNpy(x), { level: 9 }] });
    const packed = new DataView(compressed.buffer).getUint32(find(compressed, 0x02014b50)[0] + 20, true);
    expect(reason(() => parseNpz(withDeclaredSize(2 ** 31), 'b.npz', { maxEntryBytes: 2 ** 32 }))).toBe(
      `b.npz: the archive is damaged: 'x.npy' declares 2,147,483,648 bytes from ${packed} bytes compressed, more than deflate can expand them to`,
    );
    expect(reason(() => parseNpz(withDeclaredSize(225, 0), 'b.npz'))).toBe(
      "b.npz: the archive is damaged: 'x.npy' declares 225 bytes from 224 bytes stored, more than that",
    );
  });

  it('a compression method other than stored and deflate', () => {
    expect(reason(() => parseNpz(withDeclaredSize(224, 9, 12), 'b.npz'))).toBe(
      "b.npz: its array 'x' uses compression method 12; only stored (0) and deflate (8) are read",
    );
  });

  it('an entry inflating to less than it declares', () => {
    expect(reason(() => parseNpz(withDeclaredSize(300), 'b.npz'))).toBe(
      "b.npz: the archive is damaged: 'x.npy' holds 224 bytes where its directory declares 300 bytes",
    );
  });

  it('a truncated or corrupted archive', () => {
    const bytes = fixture('deflated.npz');
    expect(reason(() => parseNpz(bytes.subarray(0, bytes.length - 30), 'd.npz'))).toMatch(
      /^d\.npz: the archive is damaged: its directory cannot be read \(.*; is the file truncated\?\)$/,
    );
    const zip = zipSync({ 'x.npy': [writeNpy(x), { level: 9 }] });
    const data = find(zip, 0x04034b50)[0] + 30 + 'x.npy'.length;
    zip.fill(0xff, data, data + 8);
    expect(reason(() => parseNpz(zip, 'c.npz'))).toMatch(/^c\.npz: the archive is damaged: 'x\.npy' cannot be (inflated|read)/);
  });

  it('an array that is not a readable .npy names the archive and the array', () => {
    const zip = zipSync({ 'z.npy': new TextEncoder().encode('not numpy') });
    expect(reason(() => parseNpz(zip, 'd.npz'))).toBe(
      "d.npz, array 'z': not a .npy file: it does not begin with numpy's magic \\x93NUMPY (it begins with 6e 6f 74 20 6e 75 6d 70)",
    );
  });

  it('a name held twice', () => {
    const one = zipSync({ 'a.npy': writeNpy(y) });
    // Rename the second of two entries to the first's name, in both headers.
    const two = zipSync({ 'a.npy': writeNpy(y), 'b.npy': writeNpy(y) });
    const b = 'b'.charCodeAt(0);
    for (let i = 0; i < two.length - 5; i++) {
      if (two[i] === b && two[i + 1] === 0x2e && two[i + 2] === 0x6e && two[i + 3] === 0x70 && two[i + 4] === 0x79) two[i] = 'a'.charCodeAt(0);
    }
    expect(Object.keys(parseNpz(one, 'd.npz'))).toEqual(['a']);
    expect(reason(() => parseNpz(two, 'd.npz'))).toBe('d.npz: the archive holds "a.npy" twice; which one is meant is unclear');
  });
});
