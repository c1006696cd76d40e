// A Reshape's target shape resolved against its input's: shared by the Reshape operator and by constant folding
// (ops/shape.ts and ops/constants.ts), so it sits below both.
import { ModelError } from '../../../shared/model/types';
import { showShape } from './layout';
import { elementCount } from './tensors';

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Resolves a Reshape target (0 copies the input's dimension unless allowzero, one −1 takes the rest). */
export function resolveReshape(input: readonly number[], target: readonly number[], allowZero: boolean, where: string): number[] {
  const out = target.map((d, i) => {
    if (d === 0 && !allowZero) {
      if (i >= input.length) throw new ModelError(`${where}: target dimension ${i + 1} is 0 (copy) but the input has ${input.length} dimensions`);
      return input[i];
    }
    return d;
  });
  const unknown = out.filter((d) => d === -1).length;
  if (unknown > 1 || out.some((d) => d < -1 || !Number.isInteger(d))) {
    throw new ModelError(`${where}: target shape [${target.join(', ')}] is not a shape (at most one −1, no other negatives)`);
  }
  const total = product(input);
  const known = product(out.filter((d) => d !== -1));
  if (unknown === 1) {
    if (known === 0 || total % known !== 0) {
      throw new ModelError(`${where}: cannot reshape ${showShape(input)} (${total} values) to [${target.join(', ')}]`);
    }
    out[out.indexOf(-1)] = total / known;
  } else if (known !== total) {
    throw new ModelError(`${where}: cannot reshape ${showShape(input)} (${total} values) to ${showShape(out)} (${known} values)`);
  }
  elementCount(out, where);
  return out;
}
