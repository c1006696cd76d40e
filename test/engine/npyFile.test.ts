// .npy files on disk: the header alone at open, samples a chunk at a time, non-regular files refused, writes as numpy
// writes them.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NpyError, npyHeaderBytes, parseNpy, parseNpyHeader, type NpyArray } from '../../src/shared/engine/npy';
import { openNpyFile, readNpyFile, readNpzFile, withNpyFile, writeNpyFile } from '../../src/main/engine/npyFile';
import { parseNpz } from '../../src/shared/engine/npz';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'npy');
const fixturePath = (name: string): string => join(FIXTURES, name);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(fixturePath(name)));
const dir = mkdtempSync(join(tmpdir(), 'frontier-npy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const reason = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(NpyError);
    return (error as NpyError).message;
  }
  throw new Error('expected an NpyError');
};

/** The rows of an in-memory array, for comparison. */
const rowsOf = (array: NpyArray, start: number, count: number): NpyArray => {
  const per = array.shape.slice(1).reduce((a, b) => a * b, 1);
  return { dtype: array.dtype, shape: [count, ...array.shape.slice(1)], data: array.data.slice(start * per, (start + count) * per) } as NpyArray;
};

describe('reading a chunk of samples at a time', () => {
  it.each([
    'samples_10x4x4x1_float32.npy',
    'samples_10x4x4x1_uint8.npy',
    'be_float64.npy',
    'be_float16.npy',
    'c_bool.npy',
    'c_int64.npy',
    'v2_float32_3x4.npy',
    'v3_int16_3x4.npy',
    'fortran_int16_2x3x4.npy',
    'fortran_be_int32_2x3x4.npy',
    'fortran_float32_3x4.npy',
  ])('%s: every chunk is what the whole file holds', (name) => {
    const whole = parseNpy(fixture(name), name);
    withNpyFile(fixturePath(name), (file) => {
      expect(file.header).toEqual(parseNpyHeader(fixture(name), name));
      expect(file.rows).toBe(whole.shape[0]);
      expect(file.rowShape).toEqual(whole.shape.slice(1));
      for (let start = 0; start <= file.rows; start++) {
        for (let count = 0; start + count <= file.rows; count++) {
          expect(file.readRows(start, count)).toEqual(rowsOf(whole, start, count));
        }
      }
      expect(file.readAll()).toEqual(whole);
    });
  });

  it('reads only the header at open, and only the chunk asked for (a sparse 8 GiB file)', () => {
    const path = join(dir, 'huge.npy');
    const header = npyHeaderBytes('float32', [2 ** 29, 4]);
    writeFileSync(path, header);
    truncateSync(path, header.length + 2 ** 33); // sparse: no disk, no memory
    const fd = openSync(path, 'r+');
    writeSync(fd, new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer), 0, 16, header.length + 16 * 1000);
    closeSync(fd);
    withNpyFile(path, (file) => {
      expect(file.rows).toBe(2 ** 29);
      expect(file.header.dataBytes).toBe(2 ** 33);
      expect(file.readRows(1000, 1)).toEqual({ dtype: 'float32', shape: [1, 4], data: new Float32Array([1, 2, 3, 4]) });
      expect(reason(() => file.readAll())).toBe(
        `${path}: the whole array would take 8,589,934,592 bytes, more than the limit of 1,073,741,824 bytes for one read`,
      );
      expect(reason(() => file.readRows(0, 2 ** 27))).toBe(
        `${path}: 134217728 samples of 16 bytes would take 2,147,483,648 bytes, more than the limit of 1,073,741,824 bytes for one read`,
      );
    });
  });

  it('refuses a Fortran-order file too big to read whole, saying how to save it', () => {
    const path = fixturePath('fortran_float32_3x4.npy');
    withNpyFile(
      path,
      (file) => {
        expect(reason(() => file.readRows(0, 1))).toBe(
          `${path}: its values are stored in Fortran order (column-major), so no sample can be read without the whole array, which would take 48 bytes, more than the limit of 40 bytes for one read; save it in C order (np.save(path, np.ascontiguousarray(a))) to read it a chunk at a time`,
        );
      },
      { maxReadBytes: 40 },
    );
    // Within the limit, the whole array is read once and later chunks come from it, unchanged by a caller's edits.
    withNpyFile(path, (file) => {
      const first = file.readRows(0, 3);
      (first.data as Float32Array).fill(0);
      (file.readAll().data as Float32Array).fill(0);
      expect(file.readRows(0, 3)).toEqual(parseNpy(fixture('fortran_float32_3x4.npy'), 'f'));
    });
  });

  it('a 0-d array is read whole, not by samples', () => {
    const path = fixturePath('scalar_float64.npy');
    withNpyFile(path, (file) => {
      expect(file.rows).toBe(0);
      expect(file.readAll()).toEqual({ dtype: 'float64', shape: [], data: new Float64Array([2.5]) });
      expect(reason(() => file.readRows(0, 1))).toBe(`${path}: it holds a single value (shape ()), not samples along a first axis`);
    });
  });

  it('refuses samples outside the file, and reads after close', () => {
    const path = fixturePath('samples_10x4x4x1_uint8.npy');
    const file = openNpyFile(path);
    expect(() => file.readRows(8, 3)).toThrow(`${path}: samples 8 to 10 asked for; it holds 10 (0 to 9)`);
    expect(() => file.readRows(-1, 1)).toThrow('samples -1 to -1 asked for');
    expect(() => file.readRows(0.5, 1)).toThrow(RangeError);
    file.close();
    file.close();
    expect(reason(() => file.readRows(0, 1))).toBe(`${path}: the file was closed before this read`);
  });

  it('readNpyFile reads a whole file within the limit', () => {
    const path = fixturePath('c_uint64.npy');
    expect(readNpyFile(path)).toEqual(parseNpy(fixture('c_uint64.npy'), 'x'));
    expect(reason(() => readNpyFile(path, { maxReadBytes: 95 }))).toBe(
      `${path}: the whole array would take 96 bytes, more than the limit of 95 bytes for one read`,
    );
  });
});

describe('readNpzFile', () => {
  it('reads the arrays asked for, within the limits', () => {
    const path = fixturePath('deflated.npz');
    expect(readNpzFile(path)).toEqual(parseNpz(fixture('deflated.npz'), 'd'));
    expect(Object.keys(readNpzFile(path, { keys: ['y_test'] }))).toEqual(['y_test']);
    expect(reason(() => readNpzFile(path, { maxFileBytes: 100 }))).toBe(
      `${path}: it is 468 bytes, more than the limit of 100 bytes for an .npz archive`,
    );
    expect(reason(() => readNpzFile(path, { maxEntryBytes: 100 }))).toContain(
      "its array 'x_test' declares 224 bytes once inflated, more than the limit of 100 bytes",
    );
    expect(reason(() => readNpzFile(dir))).toBe(`${dir}: it is a directory, not a regular file`);
  });
});

describe('files that cannot be read are refused, naming the file and the problem', () => {
  it('a directory, a device, a FIFO, a missing file', () => {
    expect(reason(() => openNpyFile(dir))).toBe(`${dir}: it is a directory, not a regular file`);
    expect(reason(() => openNpyFile('/dev/zero'))).toBe('/dev/zero: it is a device, not a regular file');
    expect(reason(() => openNpyFile(join(dir, 'absent.npy')))).toBe(`${join(dir, 'absent.npy')}: no such file`);
  });

  it.skipIf(process.platform === 'win32')('a FIFO, without waiting for a writer', () => {
    const fifo = join(dir, 'pipe.npy');
    execFileSync('mkfifo', [fifo]);
    expect(reason(() => openNpyFile(fifo))).toBe(`${fifo}: it is a pipe (FIFO), not a regular file`);
    expect(() => writeNpyFile(fifo, { dtype: 'int8', shape: [1], data: new Int8Array(1) }, OUT)).toThrow(
      `--out ${fifo}: it is a pipe (FIFO); Frontier writes regular files only`,
    );
  });

  it('a file cut short in its data, with both sizes, at open', () => {
    const path = join(dir, 'short.npy');
    const bytes = fixture('samples_10x4x4x1_float32.npy');
    writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    expect(reason(() => openNpyFile(path))).toBe(
      `${path}: its data is cut short: shape (10, 4, 4, 1) of float32 needs 640 bytes, the file holds 637 bytes after its 128 bytes header`,
    );
  });

  it('a file cut short in its header, or not .npy at all', () => {
    const path = join(dir, 'cut.npy');
    writeFileSync(path, fixture('c_int8.npy').subarray(0, 40));
    expect(reason(() => openNpyFile(path))).toBe(`${path}: the header is cut short: it declares 118 bytes, the file holds 30 bytes after its length`);
    writeFileSync(path, '');
    expect(reason(() => openNpyFile(path))).toContain("not a .npy file: it does not begin with numpy's magic");
    expect(reason(() => openNpyFile(fixturePath('complex64.npy')))).toContain("its dtype '<c8' (complex numbers) is not supported");
  });
});

/** Through the guarded writer, replacing what is there (no database to protect here). */
const OUT = { databases: [], force: true };

describe('writeNpyFile', () => {
  it('writes byte for byte what numpy writes, and replaces a file already there', () => {
    const path = join(dir, 'out.npy');
    for (const name of ['samples_10x4x4x1_float32.npy', 'c_float16.npy', 'c_bool.npy', 'c_int64.npy', 'empty_0x5_bool.npy', 'scalar_float64.npy']) {
      writeNpyFile(path, parseNpy(fixture(name), name), OUT);
      expect(new Uint8Array(readFileSync(path))).toEqual(fixture(name));
    }
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a directory, and an inconsistent array, writing nothing', () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    const array: NpyArray = { dtype: 'int8', shape: [2], data: new Int8Array(2) };
    expect(() => writeNpyFile(sub, array, OUT)).toThrow(`--out ${sub}: it is a directory; Frontier writes regular files only`);
    expect(() => writeNpyFile(join(dir, 'bad.npy'), { dtype: 'int8', shape: [3], data: new Int8Array(2) }, OUT)).toThrow(
      'writeNpy: shape (3,) holds 3 values, the data has 2',
    );
    expect(() => writeNpyFile(join(dir, 'missing', 'x.npy'), array, OUT)).toThrow(
      `cannot write ${join(dir, 'missing', 'x.npy')}: its directory ${join(dir, 'missing')} does not exist`,
    );
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp') || n === 'bad.npy')).toEqual([]);
  });
});
