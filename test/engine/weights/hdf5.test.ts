// The HDF5 dataset reader under the Keras readers: sizes checked before allocating, every float width decoded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFloats, halfToFloat, hdf5Library, readFloatDataset, type H5Module } from '../../../src/main/engine/weights/hdf5';

let dir: string;
let library: H5Module;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'frontier-h5w-'));
  library = await hdf5Library();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readFloatDataset', () => {
  it('reads float32 and float64 datasets as float32, and refuses a size the file cannot hold', () => {
    const path = join(dir, 'd.h5');
    const file = new library.File(path, 'w');
    file.create_dataset({ name: 'f4', data: new Float32Array([1.5, -2, 3]), shape: [3], dtype: '<f4' });
    file.create_dataset({ name: 'f8', data: new Float64Array([0.1, 2]), shape: [2], dtype: '<f8' });
    file.create_dataset({ name: 'i4', data: new Int32Array([1]), shape: [1], dtype: '<i4' });
    file.close();
    const read = new library.File(path, 'r');
    try {
      const f4 = read.get('f4') as InstanceType<H5Module['Dataset']>;
      const f8 = read.get('f8') as InstanceType<H5Module['Dataset']>;
      expect(Array.from(readFloatDataset(library, f4, 'd.h5', 1e6))).toEqual([1.5, -2, 3]);
      expect(Array.from(readFloatDataset(library, f8, 'd.h5', 1e6))).toEqual([Math.fround(0.1), 2]);
      // As if the file were 10 bytes long: 12 bytes of float32 cannot be in it.
      expect(() => readFloatDataset(library, f4, 'd.h5', 10)).toThrow('d.h5: f4 declares 12 bytes of weights, more than a 10-byte file can hold');
      expect(() => readFloatDataset(library, read.get('i4') as InstanceType<H5Module['Dataset']>, 'd.h5', 1e6)).toThrow(
        'd.h5: i4 is not an array of floating-point numbers',
      );
    } finally {
      read.close();
    }
  });

  it('decodes little-endian binary16', () => {
    const bytes = new Uint8Array([0x00, 0x3c, 0x00, 0xc1, 0x01, 0x00, 0x00, 0x7c]);
    expect(Array.from(decodeFloats(bytes, 2))).toEqual([1, -2.5, 2 ** -24, Infinity]);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(halfToFloat(0x7bff)).toBe(65504);
  });
});
