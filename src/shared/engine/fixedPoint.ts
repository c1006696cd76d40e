// TensorFlow Lite Micro's integer arithmetic, value for value: gemmlowp's fixed-point primitives and the
// quantization utilities TFLM's reference kernels use (double rounding, its default build). The ONNX graphs Frontier
// runs repeat these operations with integer ONNX operators; this file is their reference, and computes the
// constants (multipliers, shifts, tables) those graphs hold.

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** C's int32 wrap-around of an integral double or bigint. */
const wrap32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** gemmlowp's SaturatingRoundingDoublingHighMul: round(a × b / 2^31), ties away from zero, as C truncation of a nudged product. */
export function srdhm(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  // BigInt division truncates toward zero, as C's does.
  return Number((ab + nudge) / (1n << 31n));
}

/** gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero. */
export function rdbp(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = 2 ** exponent - 1;
  const remainder = ((x % 2 ** exponent) + 2 ** exponent) % 2 ** exponent;
  const threshold = Math.floor(mask / 2) + (x < 0 ? 1 : 0);
  return Math.floor(x / 2 ** exponent) + (remainder > threshold ? 1 : 0);
}

/** gemmlowp's SaturatingRoundingMultiplyByPOT<exponent> on int32. */
export function srmpot(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return rdbp(x, -exponent);
  const threshold = 2 ** (31 - exponent) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return x * 2 ** exponent;
}

/** TfLiteRound: round half away from zero. */
export const roundHalfAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

/** TFLite's QuantizeMultiplier: a real multiplier as a Q31 significand and a power-of-two shift. */
export function quantizeMultiplier(real: number): { multiplier: number; shift: number } {
  if (real === 0) return { multiplier: 0, shift: 0 };
  let shift = real === 0 ? 0 : Math.floor(Math.log2(Math.abs(real))) + 1;
  let q = real / 2 ** shift;
  // frexp: the significand lies in [0.5, 1); correct log2's rounding at the edges.
  while (Math.abs(q) >= 1) {
    q /= 2;
    shift++;
  }
  while (Math.abs(q) < 0.5) {
    q *= 2;
    shift--;
  }
  let fixed = roundHalfAway(q * 2 ** 31);
  if (fixed === 2 ** 31) {
    fixed /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: fixed, shift };
}

/** TFLite's MultiplyByQuantizedMultiplier (double rounding). */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return rdbp(srdhm(wrap32(BigInt(x) * (1n << BigInt(left))), multiplier), right);
}

/** The clamp a fused activation applies to an int8 output (TFLite's CalculateActivationRangeQuantized). */
export function activationRangeInt8(activation: string, scale: number, zeroPoint: number): [number, number] {
  const quantize = (f: number): number => zeroPoint + roundHalfAway(Math.fround(f / Math.fround(scale)));
  let lo = -128;
  let hi = 127;
  if (activation === 'relu') lo = Math.max(lo, quantize(0));
  else if (activation === 'relu6') {
    lo = Math.max(lo, quantize(0));
    hi = Math.min(hi, quantize(6));
  } else if (activation === 'relu_n1_to_1') {
    lo = Math.max(lo, quantize(-1));
    hi = Math.min(hi, quantize(1));
  }
  return [lo, hi];
}

// ---- Softmax (TFLM's reference int8 softmax) ----

export const SOFTMAX_SCALED_DIFF_BITS = 5;
export const SOFTMAX_ACCUMULATION_BITS = 12;

/** gemmlowp's exp_on_interval_between_negative_one_quarter_and_0_excl on a Q0.31 raw value. */
function expOnQuarterInterval(a: number): number {
  const constantTerm = 1895147668;
  const oneThird = 715827883;
  const x = a + (1 << 28);
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4Over4 = rdbp(x4, 2);
  const poly = rdbp(srdhm(x4Over4 + x3, oneThird) + x2, 1);
  return constantTerm + srdhm(constantTerm, x + poly);
}

const EXP_BARREL: [number, number][] = [
  [-2, 1672461947],
  [-1, 1302514674],
  [0, 790015084],
  [1, 290630308],
  [2, 39332535],
  [3, 720401],
  [4, 242],
];

/** gemmlowp's exp_on_negative_values for a raw value with `integerBits` integer bits; result raw Q0.31. */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const quarter = 2 ** (fractionalBits - 2);
  const aModQuarter = (((a % quarter) + quarter) % quarter) - quarter;
  let result = expOnQuarterInterval(srmpot(aModQuarter, integerBits));
  const remainder = aModQuarter - a;
  for (const [exponent, multiplier] of EXP_BARREL) {
    if (integerBits > exponent) {
      const bit = 2 ** (fractionalBits + exponent);
      if (Math.floor(remainder / bit) % 2 === 1) result = srdhm(result, multiplier);
    }
  }
  if (integerBits > 5) {
    const clamp = -(2 ** (36 - integerBits));
    if (a < clamp) result = 0;
  }
  return a === 0 ? INT32_MAX : result;
}

/** gemmlowp's one_over_one_plus_x_for_x_in_0_1 on a raw Q0.31 value. */
export function oneOverOnePlusX(a: number): number {
  const sum = a + INT32_MAX;
  const halfDenominator = Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
  let x = 1515870810 + srdhm(halfDenominator, -1010580540);
  for (let i = 0; i < 3; i++) {
    const hx = srdhm(halfDenominator, x);
    const oneMinus = (1 << 29) - hx;
    x = x + srmpot(srdhm(x, oneMinus), 2);
  }
  return srmpot(x, 1);
}

/** Leading zero bits of a 32-bit unsigned value. */
export const countLeadingZeros = (x: number): number => Math.clz32(x);

/** TFLite's GetReciprocal: 1 / x for a fixed-point x with `integerDigits` integer bits. */
export function reciprocal(x: number, integerDigits: number): { raw: number; bitsOverUnit: number } {
  const headroomPlusOne = countLeadingZeros(x >>> 0);
  const bitsOverUnit = integerDigits - headroomPlusOne;
  const shiftedSumMinusOne = wrap32(BigInt(x >>> 0) * (1n << BigInt(headroomPlusOne)) - (1n << 31n));
  return { raw: oneOverOnePlusX(shiftedSumMinusOne), bitsOverUnit };
}

export interface SoftmaxParams {
  inputMultiplier: number;
  inputLeftShift: number;
  diffMin: number;
}

/** TFLM's CalculateSoftmaxParams for int8 input (PreprocessSoftmaxScaling and CalculateInputRadius). */
export function softmaxParams(inputScale: number, beta = 1): SoftmaxParams {
  const maxReal = 2 ** 31 - 1;
  const real = Math.min(beta * inputScale * 2 ** (31 - SOFTMAX_SCALED_DIFF_BITS), maxReal);
  const { multiplier, shift } = quantizeMultiplier(real);
  const radius = Math.floor(((2 ** SOFTMAX_SCALED_DIFF_BITS - 1) * 2 ** (31 - SOFTMAX_SCALED_DIFF_BITS)) / 2 ** shift);
  return { inputMultiplier: multiplier, inputLeftShift: shift, diffMin: -radius };
}

/**
 * The exponential of every possible input difference d = x − max(row) ∈ [−255, 0], as raw Q0.31 values; entry k
 * is exp of d = −k. Differences below diff_min are left out of the sum (entry 0 marks them).
 */
export function softmaxExpTable(params: SoftmaxParams): { exp: number[]; included: boolean[] } {
  const exp: number[] = [];
  const included: boolean[] = [];
  for (let k = 0; k <= 255; k++) {
    const diff = -k;
    const inside = diff >= params.diffMin;
    included.push(inside);
    if (!inside) {
      exp.push(0);
      continue;
    }
    const rescaled = srdhm(wrap32(BigInt(diff) * (1n << BigInt(params.inputLeftShift))), params.inputMultiplier);
    exp.push(expOnNegativeValues(rescaled, SOFTMAX_SCALED_DIFF_BITS));
  }
  return { exp, included };
}

/** TFLM's reference int8 softmax of one row (output scale 1/256, zero point −128). */
export function softmaxInt8Row(row: ArrayLike<number>, params: SoftmaxParams): number[] {
  const { exp, included } = softmaxExpTable(params);
  let max = -128;
  for (let i = 0; i < row.length; i++) max = Math.max(max, row[i]);
  let sum = 0;
  for (let i = 0; i < row.length; i++) {
    const k = max - row[i];
    if (included[k]) sum += rdbp(exp[k], SOFTMAX_ACCUMULATION_BITS);
  }
  const { raw, bitsOverUnit } = reciprocal(sum, SOFTMAX_ACCUMULATION_BITS);
  const exponent = bitsOverUnit + 31 - 8;
  const out: number[] = [];
  for (let i = 0; i < row.length; i++) {
    const k = max - row[i];
    if (!included[k]) {
      out.push(-128);
      continue;
    }
    const unsat = rdbp(srdhm(raw, exp[k]), exponent);
    out.push(Math.max(-128, Math.min(127, unsat - 128)));
  }
  return out;
}

// ---- Element-wise int8 operators: a table of all 256 input codes ----

/** TFLM's int8 RELU / RELU6 (ReluQuantized): rescale to the output, then clamp to the activation's range. */
export function reluTableInt8(activation: 'relu' | 'relu6', input: { scale: number; zeroPoint: number }, output: { scale: number; zeroPoint: number }): number[] {
  const { multiplier, shift } = quantizeMultiplier(Math.fround(input.scale) / Math.fround(output.scale));
  const [lo, hi] = activationRangeInt8(activation, output.scale, output.zeroPoint);
  return Array.from({ length: 256 }, (_, k) => {
    const value = output.zeroPoint + multiplyByQuantizedMultiplier(k - 128 - input.zeroPoint, multiplier, shift);
    return Math.max(lo, Math.min(hi, value));
  });
}

/** gemmlowp's logistic on a raw value with `integerBits` integer bits; result raw Q0.31. */
function logisticFixed(a: number, integerBits: number): number {
  if (a === 0) return 1 << 30;
  const positive = a > 0;
  const abs = positive ? a : -a;
  const onPositive = oneOverOnePlusX(expOnNegativeValues(-abs, integerBits));
  return positive ? onPositive : INT32_MAX - onPositive;
}

/**
 * The input rescaling TFLM's int8 LOGISTIC and TANH share (Prepare): to Q4.27 by a multiplier taken from frexp
 * directly, and the radius beyond which the output saturates.
 */
function q4Input(scale: number): { multiplier: number; shift: number; radius: number } {
  const inputIntegerBits = 4;
  const real = Math.fround(scale) * 2 ** (31 - inputIntegerBits);
  let shift = Math.floor(Math.log2(real)) + 1;
  let q = real / 2 ** shift;
  while (q >= 1) {
    q /= 2;
    shift++;
  }
  while (q < 0.5) {
    q *= 2;
    shift--;
  }
  const multiplier = roundHalfAway(q * 2 ** 31);
  const radius = Math.floor(((2 ** inputIntegerBits - 1) * 2 ** (31 - inputIntegerBits)) / 2 ** shift);
  return { multiplier, shift, radius };
}

/** TFLM's int8 LOGISTIC (output scale 1/256, zero point −128) for every input code. */
export function logisticTableInt8(input: { scale: number; zeroPoint: number }): number[] {
  const { multiplier, shift, radius } = q4Input(input.scale);
  return Array.from({ length: 256 }, (_, k) => {
    const x = k - 128 - input.zeroPoint;
    if (x <= -radius) return -128;
    if (x >= radius) return 127;
    const inQ4 = multiplyByQuantizedMultiplier(x, multiplier, shift);
    const out = rdbp(logisticFixed(inQ4, 4), 31 - 8);
    return Math.max(-128, Math.min(127, out - 128));
  });
}

/** gemmlowp's one_minus_x_over_one_plus_x_for_x_in_0_1 on a raw Q0.31 value. */
function oneMinusXOverOnePlusX(a: number): number {
  const sum = a + INT32_MAX;
  const halfDenominator = Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
  let x = 1515870810 + srdhm(halfDenominator, -1010580540);
  for (let i = 0; i < 3; i++) {
    const oneMinus = (1 << 29) - srdhm(halfDenominator, x);
    x = x + srmpot(srdhm(x, oneMinus), 2);
  }
  return srmpot(x - (1 << 29), 2);
}

/** gemmlowp's tanh on a raw value with 4 integer bits; result raw Q0.31. */
function tanhFixed(a: number): number {
  if (a === 0) return 0;
  const n = a < 0 ? a : -a;
  // neg_tanh_on_negative_values: ExactMulByPot<1> reinterprets the raw value with 5 integer bits.
  const t = oneMinusXOverOnePlusX(expOnNegativeValues(n, 5));
  return a < 0 ? -t : t;
}

/** TFLM's int8 TANH (output scale 1/128, zero point 0) for every input code. */
export function tanhTableInt8(input: { scale: number; zeroPoint: number }): number[] {
  const { multiplier, shift, radius } = q4Input(input.scale);
  return Array.from({ length: 256 }, (_, k) => {
    const x = k - 128 - input.zeroPoint;
    if (x <= -radius) return -128;
    if (x >= radius) return 127;
    const inQ4 = multiplyByQuantizedMultiplier(x, multiplier, shift);
    return Math.max(-128, Math.min(127, rdbp(tanhFixed(inQ4), 31 - 7)));
  });
}
