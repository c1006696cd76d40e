// Reading a Keras layer's config fields with Keras's defaults, naming the layer and field on errors.
import { activationName } from './kerasActivations';
import { show, type Obj } from './kerasValues';
import { ModelError, type ActivationName, type Padding, type Pair } from './types';

/** An input shape without the batch dimension; every dimension must be known. */
export function fixedShape(name: string, value: unknown, hasBatch: boolean): number[] {
  if (!Array.isArray(value) || value.length < (hasBatch ? 2 : 1)) {
    throw new ModelError(`layer "${name}": input shape ${show(value)} is not a list of dimensions`, name);
  }
  const dims = hasBatch ? value.slice(1) : value;
  return dims.map((d, i) => {
    if (d === null) {
      throw new ModelError(
        `layer "${name}": input dimension ${i + 1} of ${show(value)} is unknown (None); Frontier needs a fixed input size`,
        name,
      );
    }
    if (!Number.isInteger(d) || (d as number) < 1) {
      throw new ModelError(`layer "${name}": input shape ${show(value)} has an invalid dimension ${show(d)}`, name);
    }
    return d as number;
  });
}

/** Reads one layer's config fields, applying Keras defaults and naming the layer and field on errors. */
export class Fields {
  constructor(
    readonly layer: string,
    readonly config: Obj,
  ) {}

  private fail(field: string, expected: string): never {
    throw new ModelError(
      `layer "${this.layer}": "${field}" must be ${expected}, it is ${show(this.config[field])}`,
      this.layer,
    );
  }

  private get(field: string): unknown {
    const v = this.config[field];
    return v === null ? undefined : v;
  }

  int(field: string, fallback?: number): number {
    const v = this.get(field) ?? fallback;
    if (!Number.isInteger(v)) this.fail(field, 'a whole number');
    return v as number;
  }

  count(field: string, fallback?: number): number {
    const v = this.get(field) ?? fallback;
    if (!Number.isInteger(v) || (v as number) < 1) this.fail(field, 'a whole number ≥ 1');
    return v as number;
  }

  pair(field: string, fallback?: Pair): Pair {
    const v = this.get(field) ?? fallback;
    if (Number.isInteger(v) && (v as number) >= 1) return [v as number, v as number];
    if (Array.isArray(v) && v.length === 1 && Number.isInteger(v[0]) && v[0] >= 1) return [v[0], v[0]];
    if (Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d) && d >= 1)) {
      return [v[0] as number, v[1] as number];
    }
    return this.fail(field, 'a whole number ≥ 1 or a pair of them');
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.get(field) ?? fallback;
    if (typeof v !== 'boolean') this.fail(field, 'true or false');
    return v as boolean;
  }

  rate(field: string): number {
    const v = this.get(field) ?? 0;
    if (typeof v !== 'number' || v < 0 || v >= 1) this.fail(field, 'a number in [0, 1)');
    return v as number;
  }

  padding(): Padding {
    const v = this.get('padding') ?? 'valid';
    if (typeof v === 'string' && (v.toLowerCase() === 'valid' || v.toLowerCase() === 'same')) {
      return v.toLowerCase() as Padding;
    }
    return this.fail('padding', '"valid" or "same"');
  }

  activation(field: string): ActivationName {
    return activationName(this.config[field], this.layer, field);
  }

  targetShape(field: string): number[] {
    const v = this.get(field);
    if (!Array.isArray(v) || v.length === 0 || !v.every((d) => d === -1 || (Number.isInteger(d) && d >= 1))) {
      this.fail(field, 'a list of whole numbers ≥ 1 (one may be -1)');
    }
    return [...(v as number[])];
  }

  /** ZeroPadding2D's padding: an int, [symmetric_h, symmetric_w], or [[top, bottom], [left, right]]. */
  padding2d(): [Pair, Pair] {
    const v = this.get('padding') ?? 1;
    const ok = (d: unknown): d is number => Number.isInteger(d) && (d as number) >= 0;
    if (ok(v)) return [[v, v], [v, v]];
    if (Array.isArray(v) && v.length === 2) {
      if (ok(v[0]) && ok(v[1])) return [[v[0], v[0]], [v[1], v[1]]];
      const [h, w] = v as unknown[];
      if (Array.isArray(h) && Array.isArray(w) && h.length === 2 && w.length === 2 && [...h, ...w].every(ok)) {
        return [[h[0], h[1]], [w[0], w[1]]];
      }
    }
    return this.fail('padding', 'a whole number ≥ 0, [height, width] or [[top, bottom], [left, right]]');
  }
}
