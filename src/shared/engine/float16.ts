// IEEE 754 binary16 ⇄ float32, for weights stored as float16 and the fp16 precision (emulated in float32).

/** The float value of a binary16 bit pattern. */
export function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** A float rounded to the nearest binary16 value (ties to even), as a number. */
export function roundToFloat16(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const a = Math.abs(value);
  if (a >= 65520) return Math.sign(value) * Infinity;
  // Spacing of binary16 values near a: 2^(e − 10) for normal numbers, 2^−24 below 2^−14.
  const e = Math.max(Math.floor(Math.log2(a)), -14);
  let ulp = 2 ** (e - 10);
  // log2 may round across a power of two.
  if (a >= 2 ** (e + 1)) ulp *= 2;
  const q = a / ulp;
  let r = Math.round(q);
  if (r - q === 0.5 && r % 2 === 1) r -= 1;
  return Math.sign(value) * r * ulp;
}
