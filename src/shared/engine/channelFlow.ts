// How a cut of output channels travels through a graph: for every layer, which of its output channels (along the last
// axis of its output in the unedited graph) survive. Layers that choose their own channels (Conv2D, SeparableConv2D,
// Dense) are asked through a callback; every other layer follows its inputs, the way the engine's graph will.
import { FOLLOWS_INPUT } from '../model/edit';
import { layerMap, topologicalOrder } from '../model/graph';
import { formatShape, inferShapes, type ShapeMap } from '../model/shapes';
import { isChannelLayer, ModelError, outputChannelsOf, type ChannelLayer, type Layer, type ModelGraph } from '../model/types';

/** Kept indices, ascending, along the last axis of a layer's output in the unedited graph; null: all of them. */
export type Kept = readonly number[] | null;

export interface Flow {
  /** The unedited graph's shapes. */
  shapes: ShapeMap;
  /** Layers decided so far (in topological order). */
  kept: Map<string, Kept>;
  flattenOrder: 'hwc' | 'chw';
}

/**
 * Chooses the `target` output channels a channel layer keeps, out of its channels in the unedited graph. Called in
 * topological order, only for layers the edit cuts.
 */
export type ChooseChannels = (layer: ChannelLayer, target: number, flow: Flow) => readonly number[];

const last = (shape: readonly number[]): number => shape[shape.length - 1];

export const sameKept = (a: Kept, b: Kept): boolean =>
  a === b || (a !== null && b !== null && a.length === b.length && a.every((v, i) => v === b[i]));

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** A depthwise layer's kept outputs: output c × multiplier + m reads input c. */
export function expandMultiplier(kept: Kept, multiplier: number): Kept {
  if (kept === null) return null;
  const out: number[] = [];
  for (const c of kept) for (let m = 0; m < multiplier; m++) out.push(c * multiplier + m);
  return out;
}

/**
 * The kept positions of a flattened tensor, in the source's flatten order: `hwc` puts position s (the leading
 * dimensions, row-major) and channel c at s × C + c; `chw` at c × S + s. Both lists come out ascending, in the order
 * the pruned tensor's flattened values have.
 */
export function flattenKept(inShape: readonly number[], kept: Kept, order: 'hwc' | 'chw'): Kept {
  if (kept === null || inShape.length < 2) return kept;
  const channels = last(inShape);
  const positions = inShape.slice(0, -1).reduce((a, b) => a * b, 1);
  const out: number[] = [];
  if (order === 'hwc') {
    for (let s = 0; s < positions; s++) for (const c of kept) out.push(s * channels + c);
  } else {
    for (const c of kept) for (let s = 0; s < positions; s++) out.push(c * positions + s);
  }
  return out;
}

/**
 * What a layer reads of its first input, along the vector its weights multiply: the input's kept channels, or for a
 * Dense that flattens its input, the kept positions of the flattened tensor. Inputs not decided yet read whole.
 */
export function readKept(layer: Layer, flow: Flow): Kept {
  const input = layer.inputs[0];
  if (input === undefined) return null;
  const kept = flow.kept.get(input) ?? null;
  if (layer.type === 'Dense' && layer.flattenInput) {
    return flattenKept(flow.shapes.get(input) as number[], kept, flow.flattenOrder);
  }
  return kept;
}

/** The edited graph must be the unedited one with other channel counts: same layers, types and wiring. */
function checkSameStructure(base: ModelGraph, edited: ModelGraph): void {
  const editedByName = layerMap(edited);
  for (const layer of base.layers) {
    const other = editedByName.get(layer.name);
    if (!other) throw new ModelError(`the edited model has no layer "${layer.name}"; pruning needs the same layers`, layer.name);
    if (other.type !== layer.type || other.inputs.join('\u0000') !== layer.inputs.join('\u0000')) {
      throw new ModelError(
        `${layer.name}: the edited model has it as ${other.type} reading ${other.inputs.join(', ')}, the original as ${layer.type} reading ${layer.inputs.join(', ')}`,
        layer.name,
      );
    }
  }
  if (edited.layers.length !== base.layers.length) {
    const extra = edited.layers.find((l) => !base.layers.some((b) => b.name === l.name));
    throw new ModelError(`the edited model has a layer "${extra?.name}" the original does not; pruning needs the same layers`, extra?.name);
  }
}

function follow(layer: Layer, flow: Flow): Kept {
  const { shapes, kept } = flow;
  const input = layer.inputs[0];
  const inKept = input === undefined ? null : (kept.get(input) ?? null);
  if (FOLLOWS_INPUT.has(layer.type)) return inKept;
  const inShape = input === undefined ? [] : (shapes.get(input) as number[]);
  const outShape = shapes.get(layer.name) as number[];
  switch (layer.type) {
    case 'Input':
      return null;
    case 'DepthwiseConv2D':
      return expandMultiplier(inKept, layer.depthMultiplier);
    case 'Flatten':
      return flattenKept(inShape, inKept, flow.flattenOrder);
    case 'Reshape':
      // As the channel edit itself reads it: a reshape that keeps the last dimension keeps the channels (a squeezed
      // vector reshaped to 1×1×C); one to a single dimension flattens.
      if (last(inShape) === last(outShape)) return inKept;
      if (outShape.length === 1) return flattenKept(inShape, inKept, flow.flattenOrder);
      break;
    case 'Transpose':
      if (layer.perm[layer.perm.length - 1] === layer.perm.length - 1) return inKept;
      break;
    case 'Add':
    case 'Multiply': {
      // Every input that is not broadcast along the channels carries the same channels (an Add group).
      let result: Kept | undefined;
      let from = '';
      for (const name of layer.inputs) {
        if (last(shapes.get(name) as number[]) === 1 && last(outShape) !== 1) continue;
        const k = kept.get(name) ?? null;
        if (result === undefined) {
          result = k;
          from = name;
        } else if (!sameKept(result, k)) {
          throw new ModelError(
            `${layer.name}: ${layer.type} joins ${from} and ${name}, whose pruning keeps different channels; ` +
              'layers joined this way must be cut together',
            layer.name,
          );
        }
      }
      return result ?? null;
    }
    case 'Concatenate': {
      const axis = layer.axis < 0 ? inShape.length + layer.axis : layer.axis;
      const inputs = layer.inputs.map((name) => kept.get(name) ?? null);
      if (axis === inShape.length - 1) {
        // Each input is cut in its own slice of the channels.
        if (inputs.every((k) => k === null)) return null;
        const out: number[] = [];
        let offset = 0;
        layer.inputs.forEach((name, i) => {
          const channels = last(shapes.get(name) as number[]);
          for (const c of inputs[i] ?? range(channels)) out.push(offset + c);
          offset += channels;
        });
        return out;
      }
      if (inputs.every((k) => sameKept(k, inputs[0]))) return inputs[0];
      throw new ModelError(
        `${layer.name}: Concatenate on axis ${axis} needs its inputs to keep the same channels; ${layer.inputs.join(', ')} were cut differently`,
        layer.name,
      );
    }
    case 'Opaque':
      if (layer.inputs.every((name) => (kept.get(name) ?? null) === null)) return null;
      throw new ModelError(
        `${layer.name}: the unknown operator ${layer.op} reads a pruned tensor; Frontier cannot say which of its values follow the cut`,
        layer.name,
      );
    default:
      break;
  }
  if (inKept === null) return null;
  throw new ModelError(
    `${layer.name}: ${layer.type} from ${formatShape(inShape)} to ${formatShape(outShape)} moves the channels of a pruned tensor; ` +
      'Frontier cannot say which of its values follow the cut',
    layer.name,
  );
}

/**
 * The kept channels of every layer of `base` (null: all), for the channel counts of `edited`. Checks that every
 * layer's kept count is its channel count in the edited graph.
 */
export function flowChannels(
  base: ModelGraph,
  edited: ModelGraph,
  flattenOrder: 'hwc' | 'chw',
  choose: ChooseChannels,
): Map<string, Kept> {
  checkSameStructure(base, edited);
  const shapes = inferShapes(base);
  const editedShapes = inferShapes(edited);
  const editedByName = layerMap(edited);
  const flow: Flow = { shapes, kept: new Map(), flattenOrder };
  for (const layer of topologicalOrder(base)) {
    let kept: Kept;
    if (isChannelLayer(layer)) {
      const before = outputChannelsOf(layer);
      const after = outputChannelsOf(editedByName.get(layer.name) as ChannelLayer);
      if (after > before) {
        throw new ModelError(
          `${layer.name}: the edit gives it ${after} output channels, more than the ${before} its weights hold; real weights can only be cut`,
          layer.name,
        );
      }
      kept = after === before ? null : choose(layer, after, flow);
    } else {
      kept = follow(layer, flow);
    }
    const expected = last(editedShapes.get(layer.name) as number[]);
    const count = kept === null ? last(shapes.get(layer.name) as number[]) : kept.length;
    if (count !== expected) {
      throw new ModelError(
        `${layer.name}: pruning keeps ${count} of its output channels, but the edited model gives it ${expected}`,
        layer.name,
      );
    }
    flow.kept.set(layer.name, kept);
  }
  return flow.kept;
}
