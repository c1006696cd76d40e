// IEEE 754 half precision (numpy's float16) to and from float32, bit for bit: JavaScript has no float16 array in
// Node 20, so `.npy` files of float16 are decoded to float32 (exact: every half is a float32) and encoded back with
// round-to-nearest-even, as numpy's `astype(np.float16)` rounds. NaN payloads are kept (shifted), so a half read and
// written again is the same 16 bits.

let table: Uint32Array | undefined;

/** float32 bits of every half, built on first use (256 KiB): decoding is then one lookup per value. */
function halfTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(65536);
  const f32 = new Float32Array(1);
  const bits = new Uint32Array(f32.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0x1f) table[h] = (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
    else if (exponent !== 0) table[h] = (sign | ((exponent - 15 + 127) << 23) | (mantissa << 13)) >>> 0;
    else {
      // Zero or subnormal: mantissa × 2^-24, exact in float32.
      f32[0] = mantissa * 2 ** -24;
      table[h] = (bits[0] | sign) >>> 0;
    }
  }
  return table;
}

/** The float32 bits of one half. */
export const halfToFloatBits = (half: number): number => halfTable()[half & 0xffff];

/** The half nearest to a float32 given by its bits (ties to even); overflow gives ±Inf, NaN stays NaN. */
export function floatBitsToHalf(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) {
    if (mantissa === 0) return sign | 0x7c00;
    const payload = mantissa >>> 13;
    return sign | 0x7c00 | (payload === 0 ? 1 : payload); // a NaN whose payload lies below half's bits stays a NaN
  }
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Subnormal half (or zero): below half of the smallest subnormal (2^-25) everything rounds to zero.
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const middle = 1 << (shift - 1);
    if (rest > middle || (rest === middle && (half & 1) === 1)) half++; // a carry makes the smallest normal: right
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half++; // a carry into the exponent is right, up to Inf
  return sign | half;
}

/** Halves (their 16 bits) as float32 values. */
export function decodeHalves(halves: Uint16Array): Float32Array {
  const lookup = halfTable();
  const out = new Float32Array(halves.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < halves.length; i++) outBits[i] = lookup[halves[i]];
  return out;
}

/** float32 values as halves (their 16 bits), rounded to nearest even. */
export function encodeHalves(values: Float32Array, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < values.length; i++) out[i] = floatBitsToHalf(bits[i]);
  return out;
}

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** The float value of a binary16 bit pattern. */
export function float16ToFloat32(half: number): number {
  scratchBits[0] = halfToFloatBits(half);
  return scratch[0];
}

/** A value rounded to the nearest binary16 (through float32, as a Cast to float16 of a float32 tensor rounds). */
export function roundToFloat16(value: number): number {
  scratch[0] = value;
  scratchBits[0] = halfToFloatBits(floatBitsToHalf(scratchBits[0]));
  return scratch[0];
}
