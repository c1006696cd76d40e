// Every figure Frontier reports is an exact integer. Doubles hold integers exactly only up to 2^53; past it a count
// is silently rounded, and past ~1.8e308 it becomes Infinity (and `null` in JSON, `Inf` in SQLite). A model or a
// configuration whose figures would go there is refused, naming the layer, instead of analysed into nonsense.
import { count } from '../format';
import { ModelError } from '../model/types';

const TWO_53 = '2^53 (9,007,199,254,740,992)';

/** `value`, when it is a whole number from 0 to 2^53 − 1; otherwise a ModelError naming the layer and the figure. */
export function exact(value: number, what: string, layer: string): number {
  if (Number.isSafeInteger(value) && value >= 0) return value;
  const shown = Number.isFinite(value) ? count(value) : 'infinite';
  throw new ModelError(
    `${layer}: ${what} would be ${shown}, beyond ${TWO_53} where Frontier's figures stop being exact; refused`,
    layer,
  );
}

/** Whether every figure is exact (for the sweep's hot path, which marks the configuration instead of throwing). */
export const allExact = (...values: number[]): boolean => values.every((v) => Number.isSafeInteger(v) && v >= 0);
