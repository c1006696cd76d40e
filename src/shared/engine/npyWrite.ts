// numpy's `.npy` format written: format 1.0, C order, little-endian, byte for byte as numpy's `np.save` writes the
// same array (its header text, the spaces it leaves for the first axis to grow, its padding to 64 bytes — a full 64
// when the header already ends on the boundary).
import { encodeHalves } from './float16';
import {
  ALIGN,
  CONSTRUCTORS,
  GROWTH_AXIS_MAX_DIGITS,
  HOST_LITTLE_ENDIAN,
  INFO,
  MAGIC,
  MAX_DIMENSIONS,
  npyDescr,
  shapeText,
  SUPPORTED_TEXT,
  swapBytes,
  type NpyArray,
  type NpyDtype,
} from './npyFormat';
/** numpy's header for an array of this dtype and shape, as `np.save` writes it (format 1.0, C order). */
export function npyHeaderBytes(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  checkShape(shape);
  // repr(dict) with sorted keys, then room for the first axis to grow, then spaces and a newline to the next
  // multiple of 64 (numpy adds a whole 64 when already there).
  let text = `{'descr': '${npyDescr(dtype)}', 'fortran_order': False, 'shape': ${shapeText(shape)}, }`;
  if (shape.length > 0) text += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  const length = text.length + 1;
  const pad = ALIGN - ((10 + length) % ALIGN);
  const total = length + pad;
  if (total > 0xffff) throw new RangeError(`writeNpy: a header of ${total} bytes does not fit format 1.0`);
  const out = new Uint8Array(10 + total);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  out[8] = total & 0xff;
  out[9] = total >>> 8;
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  out.fill(0x20, 10 + text.length, out.length - 1);
  out[out.length - 1] = 0x0a;
  return out;
}

function checkShape(shape: readonly number[]): void {
  if (shape.length > MAX_DIMENSIONS) throw new RangeError(`writeNpy: ${shape.length} axes; numpy allows at most ${MAX_DIMENSIONS}`);
  shape.forEach((n, i) => {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`writeNpy: shape ${shapeText(shape)} has ${n} on axis ${i}; each must be a whole number ≥ 0`);
  });
}

/** Checks that `array` is consistent: the right typed array for its dtype, product(shape) values. */
export function checkNpyArray(array: NpyArray): void {
  checkShape(array.shape);
  const expected = array.dtype === 'bool' ? Uint8Array : array.dtype === 'float16' ? Float32Array : CONSTRUCTORS[array.dtype];
  if (!expected) throw new RangeError(`writeNpy: unknown dtype '${array.dtype as string}'; ${SUPPORTED_TEXT}`);
  if (!(array.data instanceof expected)) {
    throw new RangeError(`writeNpy: ${array.dtype} values must be held in a ${expected.name}, not a ${array.data.constructor.name}`);
  }
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== count) {
    throw new RangeError(`writeNpy: shape ${shapeText(array.shape)} holds ${count} values, the data has ${array.data.length}`);
  }
}

/**
 * The values' bytes as the file stores them (little-endian; bool as 0/1; float16 rounded to nearest even), in pieces
 * of about `chunkBytes`: views of the array itself where nothing needs converting, so a writer never holds a second
 * copy of a large array.
 */
export function* npyDataChunks(array: NpyArray, chunkBytes = 1 << 20): Generator<Uint8Array> {
  const { data } = array;
  const itemSize = INFO[array.dtype].itemSize;
  const perChunk = Math.max(1, Math.floor(chunkBytes / itemSize));
  for (let start = 0; start < data.length; start += perChunk) {
    const end = Math.min(start + perChunk, data.length);
    if (array.dtype === 'float16') {
      const halves = encodeHalves(array.data.subarray(start, end));
      if (!HOST_LITTLE_ENDIAN) swapBytes(new Uint8Array(halves.buffer), 2);
      yield new Uint8Array(halves.buffer);
    } else if (array.dtype === 'bool') {
      yield array.data.subarray(start, end).map((v) => (v === 0 ? 0 : 1));
    } else {
      const piece = data.subarray(start, end);
      const bytes = new Uint8Array(piece.buffer, piece.byteOffset, piece.byteLength);
      if (HOST_LITTLE_ENDIAN || itemSize === 1) yield bytes;
      else {
        const copy = bytes.slice();
        swapBytes(copy, itemSize);
        yield copy;
      }
    }
  }
}

/** The whole `.npy` file for an array, byte for byte as numpy's `np.save` writes it on a little-endian machine. */
export function writeNpy(array: NpyArray): Uint8Array {
  checkNpyArray(array);
  const header = npyHeaderBytes(array.dtype, array.shape);
  const out = new Uint8Array(header.length + array.data.length * INFO[array.dtype].itemSize);
  out.set(header);
  let at = header.length;
  for (const chunk of npyDataChunks(array)) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
