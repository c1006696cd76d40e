// TFLM's integer arithmetic (src/shared/engine/fixedPoint.ts) as ONNX operators on int64 tensors, so that
// onnxruntime computes exactly what TensorFlow Lite Micro's reference kernels compute: a rounding doubling high
// multiply and a rounding right shift, never a float rescale.
import { DT, type OnnxBuilder } from './builder';

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
   * TFLite's MultiplyByQuantizedMultiplier (double rounding) with constant multipliers and shifts, one or one per
   * channel (`dims` places them on the channel axis).
   */
  multiplyByQuantizedMultiplier(x: string, multipliers: readonly number[], shifts: readonly number[], dims?: number[]): string {
    const left = shifts.map((s) => (s > 0 ? s : 0));
    const right = shifts.map((s) => (s > 0 ? 0 : -s));
    let shifted = x;
    if (left.some((s) => s > 0)) shifted = this.mul(x, this.constant(left.map((s) => 2 ** s), dims), 'shifted');
    const high = this.srdhm(shifted, this.constant([...multipliers], dims));
    return this.rdbpConst(high, right, dims);
  }
}
