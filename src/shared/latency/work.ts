// The work a model asks of a device, in the units the latency model charges for: MACs per operator kind, elements
// moved by operators without MACs (pooling, additions, padding, concatenation, standalone activations), one per
// operator invocation and one per inference. `evaluate` and the sweep's compiled model charge layer by layer with
// `layerSeconds`; calibration sums the same work per precision with `modelWork`.
import type { ModelCounts, LayerCounts } from '../analysis/counts';

/** Terms of the latency model, in parameter order; `conv` is the reference every other rate is relative to. */
export const TERMS = ['conv', 'depthwise', 'dense', 'element', 'op', 'inference'] as const;
export type Term = (typeof TERMS)[number];
export const TERM_COUNT = TERMS.length;
/** Terms whose rate depends on the numeric precision (the arithmetic); per-operator and per-inference costs do not. */
export const PRECISION_TERMS: readonly Term[] = ['conv', 'depthwise', 'dense', 'element'];

/** Work of one operator: MACs by kind, elements read by a MAC-less operator. */
export interface OpWork {
  conv: number;
  depthwise: number;
  dense: number;
  element: number;
}

/**
 * An operator's work from its counts. A SeparableConv2D is a depthwise half and a pointwise (conv) half; its
 * depthwise MACs are its scratch elements (positions × mid channels) × kernel area, so the pointwise part is
 * positions × mid × filters = scratch × output channels.
 */
export function opWork(
  type: string,
  macs: number,
  scratchElements: number,
  outputChannels: number,
  inputElements: number,
): OpWork {
  switch (type) {
    case 'Conv2D':
      return { conv: macs, depthwise: 0, dense: 0, element: 0 };
    case 'DepthwiseConv2D':
      return { conv: 0, depthwise: macs, dense: 0, element: 0 };
    case 'SeparableConv2D': {
      const pointwise = scratchElements * outputChannels;
      return { conv: pointwise, depthwise: macs - pointwise, dense: 0, element: 0 };
    }
    case 'Dense':
      return { conv: 0, depthwise: 0, dense: macs, element: 0 };
    default:
      return { conv: 0, depthwise: 0, dense: 0, element: macs > 0 ? 0 : inputElements };
  }
}

/** Seconds per unit of work for one precision. */
export interface PrecisionRates {
  /** Seconds per MAC of a standard or pointwise convolution. */
  conv: number;
  depthwise: number;
  dense: number;
  /** Seconds per element read by an operator without MACs. */
  element: number;
}

/** Seconds an operator takes: its fixed invocation cost plus its work at the precision's rates. */
export function opSeconds(rates: PrecisionRates, perOpS: number, work: OpWork): number {
  return (
    perOpS +
    rates.conv * work.conv +
    rates.depthwise * work.depthwise +
    rates.dense * work.dense +
    rates.element * work.element
  );
}

/** Elements an operator reads: the sum of its input tensors. */
export function inputElementsOf(counts: ModelCounts, layer: LayerCounts): number {
  let total = 0;
  for (const name of layer.inputs) total += counts.tensors.get(name)?.outputElements ?? 0;
  return total;
}

export function layerOpWork(counts: ModelCounts, layer: LayerCounts): OpWork {
  const channels = layer.outputShape[layer.outputShape.length - 1] ?? 0;
  return opWork(layer.type, layer.macs, layer.scratchElements, channels, inputElementsOf(counts, layer));
}

/** Work per precision name, as TERMS-ordered vectors (op count and the one inference included). */
export type ModelWork = Map<string, number[]>;

/**
 * A model's work, per precision its operators run at. The per-inference term (1) is booked on the first precision
 * listed by `precisionOf` for the model's first operator.
 */
export function modelWork(counts: ModelCounts, precisionOf: (layer: LayerCounts) => string): ModelWork {
  const work: ModelWork = new Map();
  let first = true;
  for (const layer of counts.layers) {
    if (layer.role !== 'op') continue;
    const precision = precisionOf(layer);
    let vector = work.get(precision);
    if (!vector) {
      vector = new Array<number>(TERM_COUNT).fill(0);
      work.set(precision, vector);
    }
    const w = layerOpWork(counts, layer);
    vector[0] += w.conv;
    vector[1] += w.depthwise;
    vector[2] += w.dense;
    vector[3] += w.element;
    vector[4] += 1;
    if (first) {
      vector[5] += 1;
      first = false;
    }
  }
  return work;
}
