// TFLM's integer arithmetic (src/shared/engine/fixedPoint.ts) as ONNX operators on int64 tensors, so that
// onnxruntime computes exactly what TensorFlow Lite Micro's reference kernels compute: a rounding doubling high
// multiply and a rounding right shift, never a float rescale.
import { attr, DT, type OnnxBuilder } from './builder';

const UINT64 = 13;

/** Emits integer graph pieces into one builder; every constant is an int64 tensor broadcast against its operand. */
export class IntegerOps {
  private readonly scalars = new Map<string, string>();

  constructor(private readonly b: OnnxBuilder) {}

  /** An int64 constant, [values.length] or `dims`; scalars are shared. */
  constant(values: readonly number[], dims?: number[], prefix = 'i64'): string {
    const shape = dims ?? (values.length === 1 ? [] : [values.length]);
    if (shape.length === 0) {
      const key = String(values[0]);
      const known = this.scalars.get(key);
      if (known) return known;
      const name = this.b.constant('i64', [...values], DT.INT64, []);
      this.scalars.set(key, name);
      return name;
    }
    return this.b.constant(prefix, [...values], DT.INT64, shape);
  }

  private op(type: string, inputs: string[], prefix: string, attrs: Parameters<OnnxBuilder['node']>[3] = {}): string {
    return this.b.node(type, inputs, [this.b.fresh(prefix)], attrs);
  }

  add(a: string, b: string, prefix = 'add'): string {
    return this.op('Add', [a, b], prefix);
  }

  sub(a: string, b: string, prefix = 'sub'): string {
    return this.op('Sub', [a, b], prefix);
  }

  mul(a: string, b: string, prefix = 'mul'): string {
    return this.op('Mul', [a, b], prefix);
  }

  /** C's integer division: truncates toward zero (onnxruntime's Div on integers). */
  div(a: string, b: string, prefix = 'div'): string {
    return this.op('Div', [a, b], prefix);
  }

  /** The non-negative remainder of a positive divisor (ONNX Mod with fmod = 0 takes the divisor's sign). */
  mod(a: string, b: string, prefix = 'mod'): string {
    return this.op('Mod', [a, b], prefix, { fmod: { type: 2, i: 0 } });
  }

  /** 1 where the condition holds, else 0, as int64. */
  indicator(op: 'Less' | 'Greater' | 'GreaterOrEqual' | 'LessOrEqual' | 'Equal', a: string, b: string): string {
    return this.cast(this.op(op, [a, b], 'cond'), DT.INT64);
  }

  cast(x: string, to: number, prefix = 'cast'): string {
    return this.op('Cast', [x], prefix, { to: { type: 2, i: to } });
  }

  clip(x: string, lo: number, hi: number, prefix = 'clip'): string {
    return this.op('Max', [this.op('Min', [x, this.constant([hi])], prefix), this.constant([lo])], prefix);
  }

  /** gemmlowp's SaturatingRoundingDoublingHighMul of int32 values held in int64 (the INT32_MIN² case cannot arise here). */
  srdhm(a: string, b: string): string {
    const ab = this.mul(a, b, 'ab');
    const negative = this.indicator('Less', ab, this.constant([0]));
    // nudge = 2^30 for ab ≥ 0, 1 − 2^30 below: 2^30 − negative × (2^31 − 1)
    const nudge = this.sub(this.constant([2 ** 30]), this.mul(negative, this.constant([2 ** 31 - 1])));
    return this.div(this.add(ab, nudge), this.constant([2 ** 31]), 'high');
  }

  /** gemmlowp's RoundingDivideByPOT by 2^exponent; `powers` holds 2^exponent (a scalar, per channel or per row). */
  rdbp(x: string, powers: string, halfMasks: string): string {
    const remainder = this.mod(x, powers, 'rem');
    const threshold = this.add(halfMasks, this.indicator('Less', x, this.constant([0])));
    const floor = this.div(this.sub(x, remainder), powers, 'floor');
    return this.add(floor, this.indicator('Greater', remainder, threshold), 'rounded');
  }

  /** rdbp with constant exponents (one, or one per channel shaped `dims`). */
  rdbpConst(x: string, exponents: readonly number[], dims?: number[]): string {
    if (exponents.every((e) => e === 0)) return x;
    const powers = exponents.map((e) => 2 ** e);
    return this.rdbp(x, this.constant(powers, dims), this.constant(powers.map((p) => Math.floor((p - 1) / 2)), dims));
  }

  /** gemmlowp's SaturatingRoundingMultiplyByPOT for a positive exponent: a left shift clamped to int32. */
  saturatingShiftLeft(x: string, exponent: number): string {
    return this.clip(this.mul(x, this.constant([2 ** exponent])), -(2 ** 31), 2 ** 31 - 1);
  }

  /**
   * TFLite's MultiplyByQuantizedMultiplier (double rounding) of int32 values held in int64, with constant multipliers
   * and shifts (one, or one per channel: `dims` places them on the channel axis), then `add` (e.g. the output zero
   * point, per channel or one) and a clamp to [lo, hi]; the result as uint8 when it lies in 0…255. `bias` is added
   * to x first, folded into the constants (the constant then bears its name).
   *
   * Both roundings in few operations, exactly, on non-negative numbers (uint64 shifts, no division):
   * srdhm(x, M) = ⌊(x·M + 2^30) / 2^31⌋ for every sign (gemmlowp's nudge and truncation amount to that), with 2^62
   * added so the numerator is positive (x·M > −2^62); t = h + 2^31 then holds h = srdhm(x, M) and its sign bit
   * s = ⌊t / 2^31⌋ (1 for h ≥ 0). rdbp(h, e) rounds half away from zero = ⌊(h + 2^(e−1) − 1 + s) / 2^e⌋ for e ≥ 1,
   * computed with 2^31 more in the numerator (taken back in the clamp and the final subtraction).
   */
  requantize(
    x: string,
    multipliers: readonly number[],
    shifts: readonly number[],
    add: readonly number[],
    range: [number, number],
    dims?: number[],
    bias?: { values: readonly number[]; name: string },
  ): string {
    const n = Math.max(multipliers.length, add.length, bias?.values.length ?? 1);
    const at = <T>(values: readonly T[], i: number): T => values[values.length === 1 ? 0 : i];
    const [lo, hi] = range;
    const M: bigint[] = [];
    const C1: bigint[] = [];
    const C2: bigint[] = [];
    const E: bigint[] = [];
    const rounds: bigint[] = [];
    const low: bigint[] = [];
    const high: bigint[] = [];
    const offset: bigint[] = [];
    for (let i = 0; i < n; i++) {
      const shift = at(shifts, i);
      const left = shift > 0 ? shift : 0;
      const right = shift > 0 ? 0 : -shift;
      const m = BigInt(at(multipliers, i)) << BigInt(left);
      M.push(m);
      C1.push(BigInt(bias ? at(bias.values, i) : 0) * m + (1n << 30n) + (1n << 62n));
      // numerator = t + C2 (+ s for e ≥ 1) = (rdbp(h, e) + 2^(32−e))·2^e + (the remainder)
      C2.push(right > 0 ? (1n << BigInt(right - 1)) - 1n + (1n << 31n) : 1n << 31n);
      E.push(BigInt(right));
      rounds.push(right > 0 ? 1n : 0n);
      // rounded = rdbp(h, e) + 2^(32−e); the result is rounded + add − 2^(32−e), clamped to [lo, hi]
      const base = 1n << BigInt(32 - right);
      const a = BigInt(at(add, i));
      low.push(BigInt(lo) - a + base);
      high.push(BigInt(hi) - a + base);
      offset.push(base - a);
    }
    if (lo < 0 || hi > 255) throw new Error('requantize: the clamp must lie within 0…255');
    if (offset.some((o) => o < 0n)) throw new Error('requantize: the added value must stay below 2^(32 − shift)');
    const shape = n === 1 ? [] : dims;
    const signed = (values: bigint[], prefix: string): string => this.bigConstant(values, shape, prefix, DT.INT64);
    const unsigned = (values: bigint[], prefix: string): string => this.bigConstant(values, shape, prefix, UINT64);
    const positive = this.add(this.mul(x, signed(M, 'multiplier')), signed(C1, bias?.name ?? 'offset'));
    const t = this.shiftRight(this.cast(positive, UINT64, 'unsigned'), this.unsignedScalar(31n));
    let numerator = this.add(t, unsigned(C2, 'half'));
    if (rounds.some((r) => r > 0n)) {
      let sign = this.shiftRight(t, this.unsignedScalar(31n));
      if (rounds.some((r) => r === 0n)) sign = this.mul(sign, unsigned(rounds, 'rounds'));
      numerator = this.add(numerator, sign);
    }
    const rounded = E.every((e) => e === 0n) ? numerator : this.shiftRight(numerator, unsigned(E, 'exponent'));
    // One clamp where the bounds are the same for every channel (Clip takes scalars), else Max then Min.
    const clamped =
      n === 1 || (low.every((v) => v === low[0]) && high.every((v) => v === high[0]))
        ? this.op('Clip', [rounded, this.unsignedScalar(low[0]), this.unsignedScalar(high[0])], 'clip')
        : this.op('Min', [this.op('Max', [rounded, unsigned(low, 'low')], 'clip'), unsigned(high, 'high')], 'clip');
    return this.cast(this.sub(clamped, unsigned(offset, 'zero_point')), DT.UINT8, 'q');
  }

  private shiftRight(x: string, bits: string): string {
    return this.op('BitShift', [x, bits], 'shifted', { direction: attr.string('RIGHT') });
  }

  private unsignedScalar(value: bigint): string {
    const key = `u${value}`;
    const known = this.scalars.get(key);
    if (known) return known;
    const name = this.bigConstant([value], [], 'u64', UINT64);
    this.scalars.set(key, name);
    return name;
  }

  private bigConstant(values: bigint[], dims: number[] | undefined, prefix: string, type: number): string {
    const shape = dims ?? (values.length === 1 ? [] : [values.length]);
    const bytes = new Uint8Array(values.length * 8);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => (type === UINT64 ? view.setBigUint64(8 * i, v, true) : view.setBigInt64(8 * i, v, true)));
    return this.b.rawInitializer(this.b.fresh(prefix), shape, bytes, type);
  }
}
