// One value per layer (`--channels a=8,b=16` → {a: 8, b: 16}), as analyze, infer and evaluate take them.
import { expandNumbers, parseNamedLists, UsageError, type NumericBounds } from '../../shared/cli/valueList';

/** `--channels a=8,b=16` → {a: 8, b: 16}; one value per layer (use sweep for several). */
export function singleValues(flag: string, occurrences: string[] | undefined, integer: boolean, bounds: NumericBounds): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, items] of parseNamedLists(flag, occurrences ?? [])) {
    const values = expandNumbers(`--${flag} ${name}`, items, integer, bounds);
    if (values.length !== 1) {
      throw new UsageError(`--${flag} ${name}: analyze takes one value per layer (use sweep for several)`);
    }
    out[name] = values[0];
  }
  return out;
}
