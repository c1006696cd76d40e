// Structural edits: set a layer's output channels or prune a ratio of them; consumers follow by shape inference.
import { MAX_CHANNELS } from '../cli/valueList';
import { displayNames, resolveLayerName } from './displayNames';
import { cloneGraph, consumersOf, layerMap, topologicalOrder, validateGraph } from './graph';
import { inferShapes, layerOutputShape, type ShapeMap } from './shapes';
import { isChannelLayer, ModelError, outputChannelsOf, type ChannelLayer, type Layer, type ModelGraph } from './types';

export interface ChannelEdits {
  /** layer name → output channels (filters / units) */
  channels?: Record<string, number>;
  /** layer name (or `*` for every prunable layer) → ratio of output channels removed, in [0, 1) */
  prune?: Record<string, number>;
}

export interface EditResult {
  graph: ModelGraph;
  /** Human-readable consequences, e.g. layers changed together because an Add joins them. */
  notes: string[];
}

/** Layers whose output channels are their input's, one for one. */
export const FOLLOWS_INPUT: ReadonlySet<string> = new Set([
  'BatchNormalization',
  'Activation',
  'Dropout',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'ZeroPadding2D',
  'Cast',
]);

/** Layers whose output passes the channel count of their input through unchanged (a depthwise multiplier of 1 aside). */
const CHANNEL_PRESERVING = new Set([...FOLLOWS_INPUT, 'DepthwiseConv2D']);

export interface ChannelGroup {
  /** Editable layers whose output channels must stay equal. */
  members: string[];
  /** The Add layers that tie them. */
  adds: string[];
  /** A non-editable source tied in (an Input, a Concatenate), which freezes the group. */
  fixedBy?: string;
}

/** Groups of layers joined by Add (directly or through channel-preserving layers). Singletons are omitted. */
export function channelGroups(graph: ModelGraph): ChannelGroup[] {
  const byName = layerMap(graph);
  const parent = new Map<string, string>();
  // Every name on the path is pointed at the root (full path compression), so chains of unions stay short.
  const find = (x: string): string => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as string;
    for (let at = x; at !== root; ) {
      const next = parent.get(at) as string;
      parent.set(at, root);
      at = next;
    }
    parent.set(root, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  const shapes = inferShapes(graph);
  const lastDim = (name: string): number => {
    const shape = shapes.get(name) as number[];
    return shape[shape.length - 1];
  };
  // The layer that decides the channel count of `name`'s output. A Reshape that keeps the last dimension (a squeeze
  // or excitation vector reshaped to 1×1×C) passes it through, as it follows a channel change.
  // Remembered for every layer on the way, so many Adds reading one long run of such layers walk it once.
  const sourceOf = new Map<string, string>();
  const passesChannels = (layer: Layer): boolean =>
    CHANNEL_PRESERVING.has(layer.type) ||
    ((layer.type === 'Reshape' || layer.type === 'Flatten') && lastDim(layer.name) === lastDim(layer.inputs[0]));
  const channelSource = (name: string): string => {
    const path: string[] = [];
    let layer = byName.get(name) as Layer;
    let source = sourceOf.get(layer.name);
    while (source === undefined && passesChannels(layer)) {
      path.push(layer.name);
      layer = byName.get(layer.inputs[0]) as Layer;
      source = sourceOf.get(layer.name);
    }
    source ??= layer.name;
    for (const on of path) sourceOf.set(on, source);
    return source;
  };
  // Add and Multiply tie the channels of their inputs; an input broadcast along channels (1 channel) is not tied.
  const adds = graph.layers.filter((l) => l.type === 'Add' || l.type === 'Multiply');
  for (const add of adds) {
    for (const input of add.inputs) {
      if (lastDim(input) === 1 && lastDim(add.name) !== 1) continue;
      union(add.name, channelSource(input));
    }
  }
  const groups = new Map<string, ChannelGroup>();
  for (const name of parent.keys()) {
    const root = find(name);
    const group = groups.get(root) ?? { members: [], adds: [] };
    groups.set(root, group);
    const layer = byName.get(name) as Layer;
    if (layer.type === 'Add' || layer.type === 'Multiply') group.adds.push(name);
    else if (isChannelLayer(layer)) group.members.push(name);
    else group.fixedBy = name;
  }
  const order = new Map(graph.layers.map((l, i) => [l.name, i]));
  const byOrder = (a: string, b: string): number => (order.get(a) ?? 0) - (order.get(b) ?? 0);
  return [...groups.values()].map((g) => ({ ...g, members: g.members.sort(byOrder), adds: g.adds.sort(byOrder) }));
}

export function editableLayers(graph: ModelGraph): ChannelLayer[] {
  return graph.layers.filter(isChannelLayer);
}

function unknownLayer(name: string, graph: ModelGraph, flag: string): ModelError {
  // Display names: the full names of a converted file run to hundreds of characters each.
  const shown = displayNames(graph);
  const names = editableLayers(graph).map((l) => shown.get(l.name) ?? l.name);
  return new ModelError(
    `${flag}: "${name}" is not a layer with output channels in ${graph.name}; choose one of ${names.join(', ')}`,
    name,
  );
}

/** Kept channels for a pruning ratio: round((1 − r)·C), at least 1. */
export function keptChannels(original: number, ratio: number): number {
  return Math.max(1, Math.round((1 - ratio) * original));
}

export function checkRatio(name: string, ratio: number): void {
  if (!Number.isFinite(ratio) || ratio < 0 || ratio >= 1) {
    throw new ModelError(`prune ${name}: the ratio must be in [0, 1), got ${ratio}`, name);
  }
}

export function checkChannels(name: string, channels: number): void {
  if (!Number.isInteger(channels) || channels < 1) {
    throw new ModelError(`channels ${name}: must be a whole number ≥ 1, got ${channels}`, name);
  }
  if (channels > MAX_CHANNELS) {
    throw new ModelError(`channels ${name}: at most ${MAX_CHANNELS.toLocaleString('en-US')} (no layer a device runs has more), got ${channels}`, name);
  }
}

/** Resolves channels and pruning ratios into one target channel count per edited layer. */
function targetChannels(graph: ModelGraph, given: ChannelEdits): Map<string, { value: number; from: string }> {
  const edits = byFullName(graph, given);
  const byName = layerMap(graph);
  const targets = new Map<string, { value: number; from: string }>();
  const set = (name: string, value: number, from: string): void => {
    const previous = targets.get(name);
    if (previous && previous.value !== value) {
      throw new ModelError(
        `${name}: ${previous.from} asks for ${previous.value} channels and ${from} for ${value}`,
        name,
      );
    }
    targets.set(name, { value, from });
  };
  for (const [name, ratio] of Object.entries(edits.prune ?? {})) {
    checkRatio(name, ratio);
    const layers = name === '*' ? prunableLayers(graph) : [byName.get(name)];
    for (const layer of layers) {
      if (!layer || !isChannelLayer(layer)) throw unknownLayer(name, graph, 'prune');
      // A wildcard never prunes a layer that is explicitly set.
      if (name === '*' && (edits.channels?.[layer.name] !== undefined || edits.prune?.[layer.name] !== undefined)) {
        continue;
      }
      set(layer.name, keptChannels(outputChannelsOf(layer), ratio), `prune ${name}=${ratio}`);
    }
  }
  for (const [name, value] of Object.entries(edits.channels ?? {})) {
    const layer = byName.get(name);
    if (!layer || !isChannelLayer(layer)) throw unknownLayer(name, graph, 'channels');
    checkChannels(name, value);
    set(name, value, `channels ${name}=${value}`);
  }
  return targets;
}

/** The edits with every layer named by its full name (a user may give the display name instead). */
function byFullName(graph: ModelGraph, edits: ChannelEdits): ChannelEdits {
  const resolve = (record: Record<string, number> | undefined): Record<string, number> | undefined =>
    record &&
    Object.fromEntries(
      Object.entries(record).map(([name, v]) => [name === '*' ? name : (resolveLayerName(graph, name) ?? name), v]),
    );
  return { channels: resolve(edits.channels), prune: resolve(edits.prune) };
}

/** Layers a wildcard prune applies to: every layer with output channels but the model's output layers. */
export function prunableLayers(graph: ModelGraph): ChannelLayer[] {
  const outputs = outputLayers(graph);
  return editableLayers(graph).filter((l) => !outputs.has(l.name));
}

/**
 * The model's output layers define the task (classes, reconstruction size): a wildcard prune leaves them alone.
 * An output reached only through layers that keep its channels (activation, reshape…) is an output too. Decided
 * once per layer, consumers before producers (reverse execution order), so the walk is linear in layers plus
 * edges however often branches split and join again.
 */
function outputLayers(graph: ModelGraph): Set<string> {
  const declared = new Set(graph.outputs);
  const consumers = consumersOf(graph);
  const byName = layerMap(graph);
  const outputs = new Set<string>();
  const order = topologicalOrder(graph);
  for (let i = order.length - 1; i >= 0; i--) {
    const name = order[i].name;
    const readers = consumers.get(name) ?? [];
    if (
      declared.has(name) ||
      (readers.length > 0 &&
        readers.every((reader) => {
          const c = byName.get(reader) as Layer;
          return !isChannelLayer(c) && c.type !== 'Add' && c.type !== 'Concatenate' && outputs.has(reader);
        }))
    ) {
      outputs.add(name);
    }
  }
  return outputs;
}

export function applyChannelEdits(base: ModelGraph, edits: ChannelEdits): EditResult {
  validateGraph(base);
  const targets = targetChannels(base, edits);
  const graph = cloneGraph(base);
  const notes: string[] = [];
  if (targets.size === 0) return { graph, notes };

  const byName = layerMap(graph);
  const groupOf = new Map<string, ChannelGroup>();
  for (const group of channelGroups(base)) for (const m of group.members) groupOf.set(m, group);

  const final = new Map<string, { value: number; from: string }>();
  for (const [name, target] of targets) {
    const group = groupOf.get(name);
    const members = group ? group.members : [name];
    if (group?.fixedBy && outputChannelsOf(byName.get(name) as ChannelLayer) !== target.value) {
      throw new ModelError(
        `${name}: its output channels are tied by ${group.adds.join(', ')} to "${group.fixedBy}", whose channels cannot change`,
        name,
      );
    }
    for (const member of members) {
      const previous = final.get(member);
      if (previous && previous.value !== target.value) {
        throw new ModelError(
          `${member}: ${previous.from} and ${target.from} disagree (${previous.value} vs ${target.value}); ` +
            `${members.join(', ')} are joined by ${group?.adds.join(', ')} and must keep equal channels`,
          member,
        );
      }
      final.set(member, target);
    }
    if (group && members.length > 1) {
      const others = members.filter((m) => m !== name);
      notes.push(
        `${target.from} also sets ${others.join(', ')} to ${target.value}: joined by ${group.adds.join(', ')}, ` +
          'which needs equal channels',
      );
    }
  }
  for (const [name, { value }] of final) {
    const layer = byName.get(name) as ChannelLayer;
    if (layer.type === 'Dense') layer.units = value;
    else layer.filters = value;
  }
  followReshapes(base, graph, notes);
  return { graph, notes: [...new Set(notes)] };
}

/**
 * A Reshape with a literal target (e.g. MobileNet's Reshape((1, 1, 1024)) after global pooling) follows a channel
 * change when its last dimension was the channel count of its input.
 */
function followReshapes(base: ModelGraph, graph: ModelGraph, notes: string[]): void {
  const baseShapes = inferShapes(base);
  const shapes: ShapeMap = new Map();
  for (const layer of topologicalOrder(graph)) {
    const inputs = layer.inputs.map((n) => shapes.get(n) as number[]);
    if (layer.type === 'Reshape' && inputs[0]) {
      const before = baseShapes.get(layer.inputs[0]) as number[];
      const now = inputs[0];
      const target = layer.targetShape;
      const last = target.length - 1;
      if (before[before.length - 1] !== now[now.length - 1] && target[last] === before[before.length - 1]) {
        target[last] = now[now.length - 1];
        notes.push(`${layer.name}: reshape target follows to ${target.join('×')}`);
      }
    }
    shapes.set(layer.name, layerOutputShape(layer, inputs));
  }
}

/** Whether any editable layer has fewer output channels than in the original model. */
export function isPruned(original: ModelGraph, edited: ModelGraph): boolean {
  const before = layerMap(original);
  return editableLayers(edited).some((layer) => {
    const orig = before.get(layer.name);
    return orig !== undefined && isChannelLayer(orig) && outputChannelsOf(layer) < outputChannelsOf(orig);
  });
}
