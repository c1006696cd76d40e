// Numeric precisions: `fp32`, `fp16`, `int8`, `int4`, or `wXaY` for different weight and activation widths.

export type NumberFormat = 'fp32' | 'fp16' | 'int8' | 'int4';

export interface Precision {
  /** Canonical lower-case name: a plain name when weights and activations agree (`w8a8` → `int8`). */
  name: string;
  weights: NumberFormat;
  activations: NumberFormat;
}

export const NUMBER_FORMATS: readonly NumberFormat[] = ['fp32', 'fp16', 'int8', 'int4'];

export const BITS: Record<NumberFormat, number> = { fp32: 32, fp16: 16, int8: 8, int4: 4 };

const BY_BITS: Record<string, NumberFormat> = { '32': 'fp32', '16': 'fp16', '8': 'int8', '4': 'int4' };

export const PRECISION_CHOICES = 'fp32, fp16, int8, int4, or wXaY with X, Y in 32, 16, 8, 4 (e.g. w4a8)';

export class PrecisionError extends Error {
  constructor(value: string) {
    super(`unknown precision "${value}": use ${PRECISION_CHOICES}`);
    this.name = 'PrecisionError';
  }
}

export function parsePrecision(value: string): Precision {
  const text = value.trim().toLowerCase();
  if ((NUMBER_FORMATS as readonly string[]).includes(text)) {
    const format = text as NumberFormat;
    return { name: format, weights: format, activations: format };
  }
  const match = /^w(32|16|8|4)a(32|16|8|4)$/.exec(text);
  if (!match) throw new PrecisionError(value);
  const weights = BY_BITS[match[1]];
  const activations = BY_BITS[match[2]];
  return { name: weights === activations ? weights : text, weights, activations };
}

export function isPrecisionName(value: string): boolean {
  try {
    parsePrecision(value);
    return true;
  } catch {
    return false;
  }
}

/** Bytes of a tensor of `count` values: sub-byte formats are packed and a tensor's bytes round up. */
export function tensorBytes(count: number, format: NumberFormat): number {
  return Math.ceil((count * BITS[format]) / 8);
}

export const isInteger = (format: NumberFormat): boolean => format === 'int8' || format === 'int4';

/** Display form: `INT8`, `FP32`, `W4A8`. */
export const precisionLabel = (name: string): string => name.toUpperCase();
