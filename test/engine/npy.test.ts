// The .npy reader and writer against files numpy made (test/fixtures/npy, from scripts/make-npy-fixtures.py), and
// against hand-made headers for every way a file can be wrong.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_HEADER_BYTES,
  NPY_DTYPES,
  NpyError,
  npyHeaderSize,
  npyNumbers,
  parseNpy,
  parseNpyHeader,
  writeNpy,
  type NpyArray,
  type NpyDtype,
} from '../../src/shared/engine/npy';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'npy');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, name)));
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<
  string,
  { dtype: NpyDtype; shape: number[]; values: string[] }
>;

/** A .npy file with this header text (padded as numpy pads) and these value bytes. */
function npy(header: string, data: ArrayLike<number> = [], version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  const text = new TextEncoder().encode(header);
  const length = Math.ceil((prefix + text.length + 1) / 64) * 64 - prefix;
  const out = new Uint8Array(prefix + length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  new DataView(out.buffer).setUint32(8, length, true); // 1.0 reads only the first two bytes; the header follows
  out.fill(0x20, prefix);
  out.set(text, prefix);
  out[prefix + length - 1] = 0x0a;
  out.set(data, prefix + length);
  return out;
}

const reason = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(NpyError);
    return (error as NpyError).message;
  }
  throw new Error('expected an NpyError');
};

const PYTHON_FLOATS: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
const valueOf = (dtype: NpyDtype, text: string): number | bigint =>
  dtype === 'int64' || dtype === 'uint64' ? BigInt(text) : (PYTHON_FLOATS[text] ?? Number(text));

describe('numpy-made files are read value for value', () => {
  it.each(Object.keys(EXPECTED))('%s', (name) => {
    const { dtype, shape, values } = EXPECTED[name];
    const array = parseNpy(fixture(name), name);
    expect(array.dtype).toBe(dtype);
    expect(array.shape).toEqual(shape);
    expect(array.data.length).toBe(values.length);
    values.forEach((text, i) => {
      const want = valueOf(dtype, text);
      const got = array.data[i];
      if (!Object.is(got, want)) expect.fail(`${name} [${i}]: ${got} where numpy has ${text}`);
    });
  });

  it('covers every dtype, both byte orders, Fortran order and versions 2.0 and 3.0', () => {
    const names = Object.keys(EXPECTED);
    for (const dtype of NPY_DTYPES) expect(names).toContain(`c_${dtype}.npy`);
    for (const dtype of NPY_DTYPES.filter((d) => !/^(bool|u?int8)$/.test(d))) expect(names).toContain(`be_${dtype}.npy`);
    expect(parseNpyHeader(fixture('be_float64.npy'), 'x').littleEndian).toBe(false);
    expect(parseNpyHeader(fixture('fortran_be_int32_2x3x4.npy'), 'x')).toMatchObject({ fortranOrder: true, littleEndian: false });
    expect(parseNpyHeader(fixture('v2_float32_3x4.npy'), 'x')).toMatchObject({ version: '2.0', dataOffset: 128 });
    expect(parseNpyHeader(fixture('v3_int16_3x4.npy'), 'x').version).toBe('3.0');
  });

  it('reads Fortran order into C order', () => {
    const array = parseNpy(fixture('fortran_int16_2x3x4.npy'), 'f.npy');
    expect(array.shape).toEqual([2, 3, 4]);
    expect([...array.data]).toEqual([...Array(24).keys()]);
    expect([...parseNpy(fixture('fortran_be_int32_2x3x4.npy'), 'f.npy').data]).toEqual([...Array(24).keys()]);
  });

  it('gives the header alone from the first bytes', () => {
    const bytes = fixture('samples_10x4x4x1_float32.npy');
    const size = npyHeaderSize(bytes.subarray(0, 12), 's.npy');
    expect(size).toBe(128);
    expect(parseNpyHeader(bytes.subarray(0, size), 's.npy')).toEqual({
      version: '1.0',
      dtype: 'float32',
      descr: '<f4',
      littleEndian: true,
      shape: [10, 4, 4, 1],
      fortranOrder: false,
      dataOffset: 128,
      dataBytes: 640,
      itemSize: 4,
    });
  });
});

describe('writing is byte for byte what numpy writes', () => {
  const littleC = Object.keys(EXPECTED).filter((n) => !/^(be_|fortran_|v2_|v3_)/.test(n));
  it.each(littleC)('%s', (name) => {
    const bytes = fixture(name);
    expect(writeNpy(parseNpy(bytes, name))).toEqual(bytes);
  });

  it.each([
    ['fortran_float32_3x4.npy', 'c_float32.npy'],
    ['v2_float32_3x4.npy', 'c_float32.npy'],
    ['v3_int16_3x4.npy', 'c_int16.npy'],
    ...NPY_DTYPES.filter((d) => !/^(bool|u?int8)$/.test(d)).map((d) => [`be_${d}.npy`, `c_${d}.npy`]),
  ])('%s is written as numpy writes %s', (from, to) => {
    expect(writeNpy(parseNpy(fixture(from), from))).toEqual(fixture(to));
  });

  it('pads a further 64 bytes when the header already ends on the boundary, as numpy does', () => {
    const bytes = fixture('padding_quirk_int8.npy');
    expect(bytes.length).toBe(192);
    expect(bytes.subarray(bytes.length - 65, bytes.length - 1).every((b) => b === 0x20)).toBe(true);
  });

  it('rounds float32 to float16 as numpy does', () => {
    const inputs = parseNpy(fixture('f16_inputs_float32.npy'), 'in');
    if (inputs.dtype !== 'float32') throw new Error('float32 expected');
    expect(writeNpy({ dtype: 'float16', shape: inputs.shape, data: inputs.data })).toEqual(fixture('f16_from_float32.npy'));
  });

  it('writes int8 and float32 outputs as `frontier infer` promises (|i1, <f4)', () => {
    const head = (a: NpyArray): string => new TextDecoder().decode(writeNpy(a).subarray(10, 74));
    expect(head({ dtype: 'int8', shape: [2, 3], data: new Int8Array(6) })).toContain(
      "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }",
    );
    expect(head({ dtype: 'float32', shape: [5], data: new Float32Array(5) })).toContain(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }",
    );
  });
});

describe('round trips', () => {
  const arrays = fc.constantFrom(...NPY_DTYPES).chain((dtype) =>
    fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }).chain((shape) => {
      const n = shape.reduce((a, b) => a * b, 1);
      return fc.uint8Array({ minLength: n * 8, maxLength: n * 8 }).map((bytes) => ({ dtype, shape, bytes }));
    }),
  );
  it('write then read gives the same array, for any dtype and shape', () => {
    fc.assert(
      fc.property(arrays, ({ dtype, shape, bytes }) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const array = makeArray(dtype, shape, bytes, n);
        const back = parseNpy(writeNpy(array), 'r.npy');
        expect(back.dtype).toBe(dtype);
        expect(back.shape).toEqual(shape);
        expect(new Uint8Array(back.data.buffer, back.data.byteOffset, back.data.byteLength)).toEqual(
          new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength),
        );
      }),
      { seed: 14, numRuns: 300 },
    );
  });
});

/** An array of `n` values of `dtype` made from random bytes (bool 0/1; float16 from halves, NaN payloads and all). */
function makeArray(dtype: NpyDtype, shape: number[], bytes: Uint8Array, n: number): NpyArray {
  const buffer = bytes.slice().buffer;
  switch (dtype) {
    case 'bool':
      return { dtype, shape, data: new Uint8Array(buffer, 0, n).map((v) => v & 1) };
    case 'float16': {
      // Every half is exactly a float32: read halves through a file to get the float32 values to write back.
      const file = npy(`{'descr': '<f2', 'fortran_order': False, 'shape': (${n},), }`, new Uint8Array(buffer, 0, n * 2));
      const halves = parseNpy(file, 'h.npy');
      return { dtype, shape, data: halves.data as Float32Array };
    }
    case 'int8':
      return { dtype, shape, data: new Int8Array(buffer, 0, n) };
    case 'uint8':
      return { dtype, shape, data: new Uint8Array(buffer, 0, n) };
    case 'int16':
      return { dtype, shape, data: new Int16Array(buffer, 0, n) };
    case 'uint16':
      return { dtype, shape, data: new Uint16Array(buffer, 0, n) };
    case 'int32':
      return { dtype, shape, data: new Int32Array(buffer, 0, n) };
    case 'uint32':
      return { dtype, shape, data: new Uint32Array(buffer, 0, n) };
    case 'int64':
      return { dtype, shape, data: new BigInt64Array(buffer, 0, n) };
    case 'uint64':
      return { dtype, shape, data: new BigUint64Array(buffer, 0, n) };
    case 'float32':
      return { dtype, shape, data: new Float32Array(buffer, 0, n) };
    case 'float64':
      return { dtype, shape, data: new Float64Array(buffer, 0, n) };
  }
}

describe('headers numpy can read are read', () => {
  const f4 = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
  it.each([
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"],
    ['{"shape": (2, 3), "fortran_order": False, "descr": "<f4"}'],
    ["{'descr':'<f4','fortran_order':False,'shape':(2,3)}"],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }"],
    ["{'descr': '=f4', 'fortran_order': False, 'shape': (2, 3), }"],
    ["{'descr': 'f4', 'fortran_order': False, 'shape': (2, 3), }"],
  ])('%s', (header) => {
    const array = parseNpy(npy(header, f4), 'h.npy');
    expect(array).toEqual({ dtype: 'float32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) });
  });

  it('reads a 1-D array marked Fortran order as it is', () => {
    const array = parseNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (6,), }", f4), 'h.npy');
    expect([...array.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads Fortran order with axes of length one among others', () => {
    const array = parseNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2, 1, 3), }", f4), 'h.npy');
    expect([...array.data]).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it('reads bool bytes other than 0 and 1 as True', () => {
    const array = parseNpy(npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", [0, 2, 255]), 'b.npy');
    expect([...array.data]).toEqual([0, 1, 1]);
  });

  it('ignores bytes after the values, as numpy does', () => {
    const array = parseNpy(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", [7, 8, 9]), 'u.npy');
    expect([...array.data]).toEqual([7, 8]);
  });

  it('shares memory with the bytes only when asked and when the values can be used as they lie', () => {
    const bytes = fixture('c_float32.npy');
    expect(parseNpy(bytes, 'x', { share: true }).data.buffer).toBe(bytes.buffer);
    expect(parseNpy(bytes, 'x').data.buffer).not.toBe(bytes.buffer);
    const be = fixture('be_float32.npy');
    expect(parseNpy(be, 'x', { share: true }).data.buffer).not.toBe(be.buffer);
    expect(be).toEqual(fixture('be_float32.npy')); // swapping worked on a copy
    const bools = npy("{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }", [5]);
    parseNpy(bools, 'b', { share: true });
    expect(bools[bools.length - 1]).toBe(5);
  });
});

describe('float16', () => {
  it('every half read and written again is the same 16 bits', () => {
    const halves = new Uint16Array(65536).map((_, i) => i);
    const file = npy("{'descr': '<f2', 'fortran_order': False, 'shape': (65536,), }", new Uint8Array(halves.buffer));
    const array = parseNpy(file, 'all.npy');
    const out = writeNpy(array);
    expect(new Uint16Array(out.slice(128).buffer)).toEqual(halves);
  });

  it('a float32 is written as the nearest half, ties to even', () => {
    const halfOf = (x: number): number => {
      const out = writeNpy({ dtype: 'float16', shape: [1], data: new Float32Array([x]) });
      return out[128] | (out[129] << 8);
    };
    const valueOfHalf = (h: number): number =>
      parseNpy(npy("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", [h & 0xff, h >> 8]), 'h').data[0] as number;
    fc.assert(
      fc.property(fc.float({ noNaN: true, min: -65504, max: 65504 }), (x) => {
        const h = halfOf(x);
        const v = valueOfHalf(h);
        // The neighbours on either side are no nearer; at a tie the chosen half is even.
        for (const other of [h - 1, h + 1]) {
          if ((other & 0x7c00) === 0x7c00 || other < 0 || (other & 0xffff) !== other) continue;
          if (((other ^ h) & 0x8000) !== 0) continue;
          const w = valueOfHalf(other);
          expect(Math.abs(w - x)).toBeGreaterThanOrEqual(Math.abs(v - x));
          if (Math.abs(w - x) === Math.abs(v - x)) expect(h & 1).toBe(0);
        }
      }),
      { seed: 16, numRuns: 2000 },
    );
  });
});

describe('errors name the file and the problem', () => {
  const header = (dict: string, data: ArrayLike<number> = [], version = 1): string => reason(() => parseNpy(npy(dict, data, version), 'x.npy'));
  const ok = (shape: string): string => `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;

  it('a file that is not .npy', () => {
    expect(reason(() => parseNpy(new TextEncoder().encode('hello world'), 'x.npy'))).toBe(
      "x.npy: not a .npy file: it does not begin with numpy's magic \\x93NUMPY (it begins with 68 65 6c 6c 6f 20 77 6f)",
    );
    expect(reason(() => parseNpy(new Uint8Array(0), 'x.npy'))).toContain('it begins with nothing: it is empty');
    expect(reason(() => parseNpy(fixture('stored.npz'), 'd.npz'))).toBe(
      'd.npz: not a .npy file: it is a zip archive (an .npz holding several arrays?)',
    );
    expect(reason(() => parseNpy(fixture('c_int8.npy').subarray(0, 5), 'x.npy'))).toBe(
      'x.npy: the file ends after 5 bytes, inside the .npy magic and version',
    );
  });

  it('a version numpy does not write', () => {
    const bytes = fixture('c_int8.npy').slice();
    bytes[6] = 4;
    expect(reason(() => parseNpy(bytes, 'x.npy'))).toBe('x.npy: its format version is 4.0; numpy writes 1.0, 2.0 and 3.0, which are read');
  });

  it('a header cut short', () => {
    expect(reason(() => parseNpy(fixture('v2_float32_3x4.npy').subarray(0, 10), 'x.npy'))).toBe(
      "x.npy: the file ends after 10 bytes, inside the header's length (the header is cut short)",
    );
    expect(reason(() => parseNpy(fixture('c_int8.npy').subarray(0, 100), 'x.npy'))).toBe(
      'x.npy: the header is cut short: it declares 118 bytes, the file holds 90 bytes after its length',
    );
  });

  it('a header longer than any header needs', () => {
    const bytes = fixture('v2_float32_3x4.npy').slice();
    new DataView(bytes.buffer).setUint32(8, 0xffffffff, true);
    expect(reason(() => parseNpy(bytes, 'x.npy'))).toBe(
      `x.npy: its header declares 4,294,967,295 bytes, more than the ${MAX_HEADER_BYTES.toLocaleString('en-US')} bytes a header can need here (a damaged file?)`,
    );
  });

  it('a header that is not the dict numpy writes', () => {
    expect(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3}")).toBe(
      'x.npy: its header is not the dict numpy writes: expected \',\' or \')\' at character 55, found "}" (header "{\'descr\': \'<f4\', \'fortran_order\': False, \'shape\': (2, 3}")',
    );
    expect(header("{'descr': '<f4, 'fortran_order': False}")).toContain("its header is not the dict numpy writes: expected ',' or '}'");
    expect(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,), }")).toContain('expected an integer');
    expect(header("['descr', '<f4']")).toBe("x.npy: its header is not the dict numpy writes: it is ['descr', '<f4'], not a dict");
    expect(header("{'descr': '<f4', 'shape': (2,), }")).toBe("x.npy: its header is not the dict numpy writes: it has no 'fortran_order'");
    expect(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}")).toBe(
      "x.npy: its header is not the dict numpy writes: it has the key 'extra'; numpy writes only 'descr', 'fortran_order' and 'shape'",
    );
    expect(header("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}")).toContain("it has the key 'descr' twice");
    expect(header("{1: '<f4'}")).toContain("it has the key 1; its keys are 'descr', 'fortran_order' and 'shape'");
    expect(header("{'descr': 4, 'fortran_order': False, 'shape': (2,), }")).toContain("its 'descr' is 4, not a string");
    expect(header("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }")).toContain("its 'fortran_order' is 0, not True or False");
    expect(header("{'descr': '<f4', 'fortran_order': False, 'shape': [2], }")).toContain("its 'shape' is [2], not a tuple");
    expect(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }")).toContain("its 'shape' is 2, not a tuple");
    expect(header(`{'descr': '<f4', 'fortran_order': False, 'shape': ${'('.repeat(40)}${')'.repeat(40)}}`)).toContain(
      'expected at most 32 levels of nesting',
    );
  });

  it('a shape that is not non-negative whole numbers, or too big', () => {
    expect(header(ok('(2, -3)'))).toBe(
      "x.npy: its header is not the dict numpy writes: its 'shape' (2, -3) has -3 on axis 1; each must be a whole number from 0 to 9007199254740991",
    );
    expect(header(ok('(99999999999999999999,)'))).toContain('has 99999999999999999999 on axis 0');
    expect(header(ok("('a',)"))).toContain("has 'a' on axis 0");
    expect(header(ok('(4294967296, 4294967296)'))).toBe(
      'x.npy: its shape (4294967296, 4294967296) of 4-byte values needs more than 2^53 bytes; no file holds that',
    );
    expect(header(ok(`(${Array(65).fill(1).join(', ')})`))).toContain("its 'shape' has 65 axes; numpy allows at most 64");
    // A zero axis makes an empty array, whatever the others are.
    expect(parseNpy(npy(ok('(0, 4294967296, 4294967296)')), 'x.npy').data.length).toBe(0);
  });

  it('an unsupported dtype', () => {
    expect(reason(() => parseNpy(fixture('complex64.npy'), 'c.npy'))).toBe(
      "c.npy: its dtype '<c8' (complex numbers) is not supported; supported: bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float16, float32, float64",
    );
    expect(reason(() => parseNpy(fixture('unicode.npy'), 'u.npy'))).toContain("its dtype '<U2' (unicode strings) is not supported");
    expect(header("{'descr': '<f16', 'fortran_order': False, 'shape': (2,), }")).toContain("its dtype '<f16' (floats of this size) is not supported");
    expect(header("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }")).toContain("its dtype '|O' (Python objects (a pickle)) is not supported");
    expect(header("{'descr': 'float32', 'fortran_order': False, 'shape': (2,), }")).toContain("its dtype 'float32' is not supported");
    expect(header("{'descr': '|i4', 'fortran_order': False, 'shape': (2,), }")).toBe(
      "x.npy: its dtype '|i4' has no byte order ('|') for a 4-byte type; numpy writes '<' or '>'",
    );
    expect(reason(() => parseNpy(fixture('v3_structured_utf8.npy'), 's.npy'))).toBe(
      "s.npy: its dtype is a structured record (fields 'δ'), which is not supported; supported: bool, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float16, float32, float64",
    );
  });

  it('a format 3.0 header that is not UTF-8', () => {
    const bytes = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", [], 3);
    bytes[14] = 0xff;
    expect(reason(() => parseNpy(bytes, 'x.npy'))).toBe('x.npy: its header is not valid UTF-8 (format 3.0 headers are UTF-8)');
    // The same byte is a latin-1 character in 1.0 and 2.0: read, then refused as the header it makes.
    bytes[6] = 2;
    expect(reason(() => parseNpy(bytes, 'x.npy'))).toContain("it has the key 'ÿescr'");
  });

  it('data shorter than the shape needs, with both sizes', () => {
    const bytes = fixture('c_float32.npy');
    expect(reason(() => parseNpy(bytes.subarray(0, bytes.length - 1), 'x.npy'))).toBe(
      'x.npy: its data is cut short: shape (3, 4) of float32 needs 48 bytes, the file holds 47 bytes after its 128 bytes header',
    );
  });
});

describe('npyNumbers', () => {
  it('converts int64 within ±2^53 and refuses beyond, naming the index', () => {
    const labels: NpyArray = { dtype: 'int64', shape: [3], data: new BigInt64Array([0n, 9n, -2n]) };
    expect(npyNumbers(labels, 'y.npy')).toEqual(new Float64Array([0, 9, -2]));
    const big: NpyArray = { dtype: 'uint64', shape: [2], data: new BigUint64Array([1n, 2n ** 60n]) };
    expect(reason(() => npyNumbers(big, 'y.npy'))).toBe(
      'y.npy: its uint64 value 1152921504606846976 at index 1 is too large to be used as a number exactly (beyond ±2^53)',
    );
    const f: NpyArray = { dtype: 'float32', shape: [1], data: new Float32Array([1.5]) };
    expect(npyNumbers(f, 'x')).toBe(f.data);
  });
});

describe('writeNpy refuses an inconsistent array', () => {
  it.each([
    [{ dtype: 'float32', shape: [3], data: new Float32Array(2) }, 'writeNpy: shape (3,) holds 3 values, the data has 2'],
    [{ dtype: 'float32', shape: [2], data: new Float64Array(2) }, 'writeNpy: float32 values must be held in a Float32Array, not a Float64Array'],
    [{ dtype: 'int8', shape: [-1], data: new Int8Array(0) }, 'writeNpy: shape (-1,) has -1 on axis 0; each must be a whole number ≥ 0'],
    [{ dtype: 'c8', shape: [1], data: new Float32Array(2) }, "writeNpy: unknown dtype 'c8'"],
  ])('%#', (array, message) => {
    expect(() => writeNpy(array as NpyArray)).toThrow(message);
  });
});

it('every fixture file is used by a test', () => {
  const used = new Set([
    ...Object.keys(EXPECTED),
    'complex64.npy',
    'unicode.npy',
    'v3_structured_utf8.npy',
    'stored.npz',
    'deflated.npz',
    'mixed.npz',
    'expected.json',
  ]);
  expect(readdirSync(DIR).filter((n) => !used.has(n))).toEqual([]);
});
