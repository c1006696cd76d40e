// The latency model's parameters in log space and how measurements become fit rows.
//
// θ[0]   log seconds per conv MAC at the reference precision (the scale)
// θ[1…5] log ratio to the conv rate of: depthwise MAC, dense MAC, element (MAC-less operators), operator
//        invocation, inference — the *shape*, which is what a runtime's prior describes
// θ[6…]  log ratio of another precision's arithmetic rates to the reference precision's
import { TERMS, TERM_COUNT, PRECISION_TERMS, type ModelWork, type PrecisionRates } from './work';
import type { FitRow } from './fit';

export const SHAPE_TERMS = TERMS.slice(1);
export const SHAPE_COUNT = SHAPE_TERMS.length;
export const SCALE = 0;

export interface Layout {
  /** The precision θ[0] is the conv rate of. */
  reference: string;
  /** The other precisions, in parameter order from index 1 + SHAPE_COUNT. */
  others: string[];
  size: number;
}

export function makeLayout(reference: string, others: readonly string[]): Layout {
  const rest = others.filter((p) => p !== reference);
  return { reference, others: rest, size: 1 + SHAPE_COUNT + rest.length };
}

const scaledByPrecision = TERMS.map((t) => PRECISION_TERMS.includes(t));

/** The parameter index of a precision's offset, or -1 for the reference precision. */
export function offsetIndex(layout: Layout, precision: string): number {
  if (precision === layout.reference) return -1;
  const i = layout.others.indexOf(precision);
  if (i < 0) throw new Error(`precision ${precision} is not part of this latency model`);
  return 1 + SHAPE_COUNT + i;
}

/** One fit row for a model's work (all its precisions). */
export function fitRow(layout: Layout, work: ModelWork): FitRow {
  const values: number[] = [];
  const rateParams: number[][] = [];
  for (const [precision, vector] of work) {
    const offset = offsetIndex(layout, precision);
    for (let k = 0; k < TERM_COUNT; k++) {
      values.push(vector[k]);
      const params = k === 0 ? [SCALE] : [SCALE, k];
      if (offset >= 0 && scaledByPrecision[k]) params.push(offset);
      rateParams.push(params);
    }
  }
  return { work: values, rateParams };
}

/** Rates in seconds for every precision of the layout, from θ. */
export function ratesFromTheta(layout: Layout, theta: readonly number[]): {
  rates: Record<string, PrecisionRates>;
  perOpS: number;
  perInferenceS: number;
} {
  const rates: Record<string, PrecisionRates> = {};
  for (const precision of [layout.reference, ...layout.others]) {
    const offset = offsetIndex(layout, precision);
    const o = offset >= 0 ? theta[offset] : 0;
    rates[precision] = {
      conv: Math.exp(theta[0] + o),
      depthwise: Math.exp(theta[0] + theta[1] + o),
      dense: Math.exp(theta[0] + theta[2] + o),
      element: Math.exp(theta[0] + theta[3] + o),
    };
  }
  return { rates, perOpS: Math.exp(theta[0] + theta[4]), perInferenceS: Math.exp(theta[0] + theta[5]) };
}
