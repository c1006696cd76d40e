// The norm of each filter of a Conv2D, SeparableConv2D (its pointwise part) or Dense layer, as pruning ranks them:
// on the weights as deployed (a BatchNormalization folded in; int8 kernels dequantized), over the input channels
// still kept upstream.
import { formatShape } from '../model/shapes';
import { ModelError, type ChannelLayer } from '../model/types';
import { expandMultiplier, type Kept } from './channelFlow';
import { weightShapes } from './layouts';
import { realValues } from './tensorOps';
import type { LayerWeights, WeightTensor } from './weights';

export type PruneCriterion = 'l1' | 'l2';

/** Keras's default epsilon, for a BatchNormalization whose weights do not state one. */
const DEFAULT_EPSILON = 1e-3;

function checkShape(layer: string, role: string, tensor: WeightTensor | undefined, expected: readonly number[] | undefined): WeightTensor {
  if (!tensor || !expected) {
    throw new ModelError(`${layer}: the weights have no ${role}; pruning ranks its filters by their weights`, layer);
  }
  if (tensor.shape.length !== expected.length || tensor.shape.some((d, i) => d !== expected[i])) {
    throw new ModelError(
      `${layer}: its ${role} is ${formatShape(tensor.shape)}, the model needs ${formatShape(expected)}`,
      layer,
    );
  }
  return tensor;
}

/** Per output channel, the factor folding a BatchNormalization multiplies the filter by: γ ÷ √(variance + ε). */
export function batchNormScale(name: string, weights: LayerWeights | undefined, channels: number): Float64Array {
  const variance = weights?.variance;
  if (!variance || variance.data.length !== channels) {
    throw new ModelError(
      `${name}: BatchNormalization needs a variance per channel (${channels}); the weights have ${variance ? variance.data.length : 'none'}`,
      name,
    );
  }
  const gamma = weights?.gamma;
  if (gamma && gamma.data.length !== channels) {
    throw new ModelError(`${name}: gamma holds ${gamma.data.length} values for ${channels} channels`, name);
  }
  const epsilon = weights?.epsilon ?? DEFAULT_EPSILON;
  const g = gamma ? realValues(gamma, `${name} gamma`) : undefined;
  const v = realValues(variance, `${name} variance`);
  return Float64Array.from({ length: channels }, (_, c) => (g ? g[c] : 1) / Math.sqrt(v[c] + epsilon));
}

/**
 * L1 (Σ|w|) or L2 (√Σw²) of each output filter of `layer`, counting only the inputs `read` keeps (null: all), times
 * |scale| of a folded BatchNormalization when one is given.
 */
export function filterNorms(
  layer: ChannelLayer,
  weights: LayerWeights | undefined,
  inShape: readonly number[],
  read: Kept,
  criterion: PruneCriterion,
  foldScale?: Float64Array,
): Float64Array {
  const expected = weightShapes(layer, inShape).kernel;
  const kernel = checkShape(layer.name, layer.type === 'SeparableConv2D' ? 'pointwise kernel' : 'kernel', weights?.kernel, expected);
  const values = realValues(kernel, `${layer.name} kernel`);
  const [filters, perFilter] = kernel.shape;
  const window = kernel.shape.slice(2).reduce((a, b) => a * b, 1);
  const groups = layer.type === 'Conv2D' ? layer.groups : 1;
  // Which entries of the kernel's input axis still exist upstream, per group.
  const inputs = layer.type === 'SeparableConv2D' ? expandMultiplier(read, layer.depthMultiplier) : read;
  const alive = new Uint8Array(perFilter * groups).fill(inputs === null ? 1 : 0);
  if (inputs !== null) for (const i of inputs) alive[i] = 1;

  const norms = new Float64Array(filters);
  const filtersPerGroup = filters / groups;
  for (let f = 0; f < filters; f++) {
    const groupStart = Math.floor(f / filtersPerGroup) * perFilter;
    let sum = 0;
    for (let c = 0; c < perFilter; c++) {
      if (!alive[groupStart + c]) continue;
      const from = (f * perFilter + c) * window;
      for (let k = 0; k < window; k++) {
        const w = values[from + k];
        sum += criterion === 'l1' ? Math.abs(w) : w * w;
      }
    }
    const norm = criterion === 'l1' ? sum : Math.sqrt(sum);
    norms[f] = foldScale ? norm * Math.abs(foldScale[f]) : norm;
  }
  return norms;
}

/**
 * The `count` largest norms' indices, ascending; ties keep the lower index. With `blocks` > 1 (a grouped
 * convolution) the same number is kept in each block of consecutive filters, the largest of each block.
 */
export function largest(norms: Float64Array, count: number, blocks = 1): number[] {
  const size = norms.length / blocks;
  const perBlock = count / blocks;
  const kept: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const indices = Array.from({ length: size }, (_, i) => b * size + i);
    indices.sort((x, y) => norms[y] - norms[x] || x - y);
    kept.push(...indices.slice(0, perBlock));
  }
  return kept.sort((a, b) => a - b);
}
