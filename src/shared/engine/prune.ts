// Pruning with real weights: which filters a cut layer keeps (the largest by norm, as deployed, greedily in
// topological order; Li et al., "Pruning Filters for Efficient ConvNets"), and the weights with every tensor sliced
// to the edited graph's channels.
import { deployPlan } from '../model/deploy';
import { channelGroups, type ChannelGroup } from '../model/edit';
import { layerMap } from '../model/graph';
import { formatShape, inferShapes } from '../model/shapes';
import { isChannelLayer, ModelError, outputChannelsOf, type ChannelLayer, type Layer, type ModelGraph } from '../model/types';
import { expandMultiplier, flowChannels, readKept, sameKept, type Kept } from './channelFlow';
import { batchNormScale, filterNorms, largest, type PruneCriterion } from './filterNorms';
import { weightShapes, type WeightRole } from './layouts';
import { sliceAxis, sliceGroupedInputs } from './tensorOps';
import type { LayerWeights, ModelWeights } from './weights';

export type { PruneCriterion } from './filterNorms';

const groupsOf = (layer: Layer): number => (layer.type === 'Conv2D' ? layer.groups : 1);

/** A grouped convolution's cut keeps equally many filters (or input channels) in each of its groups. */
function checkBalanced(layer: string, what: string, kept: readonly number[], size: number, groups: number): void {
  if (groups === 1) return;
  const per = size / groups;
  const counts = new Array<number>(groups).fill(0);
  for (const i of kept) counts[Math.floor(i / per)]++;
  if (counts.some((n) => n !== counts[0])) {
    throw new ModelError(
      `${layer}: a convolution in ${groups} groups must keep equally many ${what} in each group; the cut keeps ${counts.join(', ')}`,
      layer,
    );
  }
}

/**
 * For every layer whose output channels the edit cuts, and every layer whose channels follow (depthwise,
 * BatchNormalization, pooling, Flatten…), the kept output channel indices, ascending (along the last axis of the
 * layer's output in `base`; a Flatten's are positions of its vector). Layers that keep everything are absent.
 *
 * A cut layer keeps its filters of largest norm (`l1`: Σ|w|, `l2`: √Σw²) on the weights as deployed: a
 * BatchNormalization folded into it scales filter f by γ_f ÷ √(var_f + ε), int8 kernels count as scale × (q − zero
 * point). Layers are ranked in topological order, a filter's norm counting only the input channels left by the cuts
 * already made. Layers joined by Add (channelGroups) keep the same indices, ranked at the group's first member in
 * topological order by the sum of the members' norms (a later member's inputs not decided yet count whole). Ties keep
 * the lower index.
 */
export function selectChannels(
  base: ModelGraph,
  edited: ModelGraph,
  weights: ModelWeights,
  criterion: PruneCriterion,
): Map<string, number[]> {
  const byName = layerMap(base);
  const shapes = inferShapes(base);
  const folded = new Map<string, string>();
  for (const op of deployPlan(base).ops) if (op.foldedBatchNorm) folded.set(op.layer.name, op.foldedBatchNorm);
  const groupOf = new Map<string, ChannelGroup>();
  for (const group of channelGroups(base)) for (const member of group.members) groupOf.set(member, group);
  const decided = new Map<ChannelGroup, readonly number[]>();

  const kept = flowChannels(base, edited, weights.flattenOrder, (layer, target, flow) => {
    const norms = (member: ChannelLayer): Float64Array => {
      const bn = folded.get(member.name);
      const scale = bn ? batchNormScale(bn, weights.layers[bn], outputChannelsOf(member)) : undefined;
      const inShape = shapes.get(member.inputs[0]) as number[];
      return filterNorms(member, weights.layers[member.name], inShape, readKept(member, flow), criterion, scale);
    };
    const group = groupOf.get(layer.name);
    const members = group ? group.members.map((name) => byName.get(name) as ChannelLayer) : [layer];
    const previous = group && decided.get(group);
    if (previous) return previous;
    let total = norms(layer);
    for (const member of members) {
      if (member === layer) continue;
      const own = norms(member);
      if (own.length !== total.length) {
        throw new ModelError(
          `${member.name}: joined to ${layer.name} by ${group?.adds.join(', ')} but has ${own.length} filters to its ${total.length}`,
          member.name,
        );
      }
      total = total.map((v, i) => v + own[i]);
    }
    const blocks = Math.max(...members.map(groupsOf));
    if (target % blocks !== 0) {
      throw new ModelError(`${layer.name}: ${target} filters cannot be split equally over its ${blocks} groups`, layer.name);
    }
    const chosen = largest(total, target, blocks);
    for (const member of members) checkBalanced(member.name, 'filters', chosen, total.length, groupsOf(member));
    if (group) decided.set(group, chosen);
    return chosen;
  });
  const result = new Map<string, number[]>();
  for (const [name, k] of kept) if (k !== null) result.set(name, [...k]);
  return result;
}

/** For every layer with output channels: its channels in `edited` as a fraction of those in `base` (1: not cut). */
export function fractionKept(base: ModelGraph, edited: ModelGraph): Map<string, number> {
  const editedByName = layerMap(edited);
  const out = new Map<string, number>();
  for (const layer of base.layers) {
    if (!isChannelLayer(layer)) continue;
    const other = editedByName.get(layer.name);
    if (!other || !isChannelLayer(other)) {
      throw new ModelError(`${layer.name}: the edited model has no such layer with output channels`, layer.name);
    }
    out.set(layer.name, outputChannelsOf(other) / outputChannelsOf(layer));
  }
  return out;
}

/** The indices a caller gives for a cut layer: ascending, distinct, inside the layer, as many as the edit keeps. */
function givenIndices(layer: ChannelLayer, target: number, given: ReadonlyMap<string, readonly number[]>): readonly number[] {
  const indices = given.get(layer.name);
  const size = outputChannelsOf(layer);
  if (!indices) {
    throw new ModelError(`${layer.name}: the edit cuts it from ${size} to ${target} channels, but no kept indices are given for it`, layer.name);
  }
  if (indices.length !== target) {
    throw new ModelError(`${layer.name}: ${indices.length} kept indices are given for the ${target} channels the edit keeps`, layer.name);
  }
  indices.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= size || (i > 0 && v <= indices[i - 1])) {
      throw new ModelError(
        `${layer.name}: kept indices must be distinct, ascending and below ${size}; got ${indices.join(', ')}`,
        layer.name,
      );
    }
  });
  checkBalanced(layer.name, 'filters', indices, size, groupsOf(layer));
  return indices;
}

/**
 * The weights of `edited`, cut from those of `base` by `kept` (as selectChannels returns it; for cut layers at
 * least): a cut layer loses kernel rows, bias entries and per-channel scales and zero points; consumers lose the
 * matching input channels (convolutions — within each group —, the pointwise half of a separable convolution, Dense
 * behind a Flatten in the source's flatten order); depthwise kernels, BatchNormalization parameters and per-channel
 * constants of Add / Multiply follow their input. Tensors nothing cuts are shared with `weights`, not copied.
 */
export function pruneWeights(
  base: ModelGraph,
  edited: ModelGraph,
  weights: ModelWeights,
  kept: ReadonlyMap<string, readonly number[]>,
): ModelWeights {
  const flow = flowChannels(base, edited, weights.flattenOrder, (layer, target) => givenIndices(layer, target, kept));
  for (const [name, indices] of kept) {
    if (!flow.has(name)) throw new ModelError(`kept indices are given for "${name}", which is not a layer of ${base.name}`, name);
    if (!sameKept(flow.get(name) ?? null, indices)) {
      throw new ModelError(`${name}: the kept indices given for it are not those that follow from the cuts upstream`, name);
    }
  }
  const shapes = inferShapes(base);
  const state = { shapes, kept: flow, flattenOrder: weights.flattenOrder };
  const layers: Record<string, LayerWeights> = {};
  for (const layer of base.layers) {
    const own = weights.layers[layer.name];
    if (!own) continue;
    const inShape = layer.inputs.length > 0 ? (shapes.get(layer.inputs[0]) as number[]) : undefined;
    checkShapes(layer, own, inShape);
    const outShape = shapes.get(layer.name) as number[];
    layers[layer.name] = pruneLayer(layer, own, flow.get(layer.name) ?? null, readKept(layer, state), inShape, outShape);
  }
  for (const name of Object.keys(weights.layers)) {
    if (!(name in layers)) layers[name] = weights.layers[name];
  }
  return { ...weights, layers };
}

const ROLES: readonly WeightRole[] = ['kernel', 'depthwiseKernel', 'bias', 'gamma', 'beta', 'mean', 'variance'];

/** Every tensor present has the canonical shape the unedited graph gives it, before anything is sliced. */
function checkShapes(layer: Layer, own: LayerWeights, inShape: number[] | undefined): void {
  // A tensor the spec does not ask for (a bias a folded BatchNormalization brings) still has the layer's channels.
  const full =
    layer.type === 'BatchNormalization'
      ? { ...layer, center: true, scale: true }
      : 'useBias' in layer
        ? { ...layer, useBias: true }
        : layer;
  const expected = weightShapes(full, inShape);
  for (const role of ROLES) {
    const tensor = own[role];
    const shape = expected[role];
    if (!tensor || !shape) continue;
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i])) {
      throw new ModelError(`${layer.name}: its ${role} is ${formatShape(tensor.shape)}, the model needs ${formatShape(shape)}`, layer.name);
    }
  }
}

function pruneLayer(
  layer: Layer,
  own: LayerWeights,
  out: Kept,
  read: Kept,
  inShape: number[] | undefined,
  outShape: number[],
): LayerWeights {
  const result: LayerWeights = { ...own };
  const what = (role: string): string => `${layer.name} ${role}`;
  const cut = (role: WeightRole, axis: number, indices: Kept): void => {
    const tensor = result[role];
    if (tensor && indices !== null) result[role] = sliceAxis(tensor, axis, indices, what(role));
  };
  switch (layer.type) {
    case 'Conv2D': {
      cut('kernel', 0, out);
      cut('bias', 0, out);
      if (read !== null && result.kernel) {
        if (layer.groups === 1) {
          cut('kernel', 1, read);
        } else {
          const channels = (inShape as number[])[(inShape as number[]).length - 1];
          checkBalanced(layer.name, 'input channels', read, channels, layer.groups);
          const per = channels / layer.groups;
          const local = Array.from({ length: layer.groups }, (_, g) =>
            read.filter((c) => Math.floor(c / per) === g).map((c) => c - g * per),
          );
          result.kernel = sliceGroupedInputs(result.kernel, layer.groups, local);
        }
      }
      break;
    }
    case 'DepthwiseConv2D':
      cut('kernel', 0, out);
      cut('bias', 0, out);
      break;
    case 'SeparableConv2D': {
      const mid = expandMultiplier(read, layer.depthMultiplier);
      cut('depthwiseKernel', 0, mid);
      cut('kernel', 0, out);
      cut('kernel', 1, mid);
      cut('bias', 0, out);
      break;
    }
    case 'Dense':
      cut('kernel', 0, out);
      cut('kernel', 1, read);
      cut('bias', 0, out);
      break;
    case 'BatchNormalization':
      for (const role of ['gamma', 'beta', 'mean', 'variance'] as const) cut(role, 0, out);
      break;
    case 'Add':
    case 'Multiply': {
      // A constant broadcast against the output, aligned at the last axis: it is cut there unless it broadcasts.
      const constant = result.constant;
      if (!constant || out === null || constant.shape.length === 0) break;
      const entries = constant.shape[constant.shape.length - 1];
      const channels = outShape[outShape.length - 1];
      if (entries === 1) break;
      if (entries !== channels) {
        throw new ModelError(
          `${layer.name}: its constant operand is ${formatShape(constant.shape)}, which neither matches nor broadcasts against the ${channels} channels`,
          layer.name,
        );
      }
      result.constant = sliceAxis(constant, constant.shape.length - 1, out, what('constant'));
      break;
    }
    default:
      break;
  }
  return result;
}
