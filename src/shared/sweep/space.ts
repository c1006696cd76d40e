// A design space: the spec's dimensions expanded to value lists, its size known before anything runs, and each
// configuration addressed by an ordinal (grid: its mixed-radix index, last dimension fastest; random: its rank
// among the seeded samples, which are kept in ascending index order so neighbours share structure).
import { parsePrecision } from '../analysis/precision';
import { CHANNEL_BOUNDS, expandNumbers, RATIO_BOUNDS, UsageError } from '../cli/valueList';
import { checkChannels, checkRatio, editableLayers, keptChannels, prunableLayers } from '../model/edit';
import { displayName } from '../model/displayNames';
import { outputChannelsOf, type ModelGraph } from '../model/types';
import { DEFAULT_GRID_LIMIT, MAX_SAMPLES, type SweepSpec } from './types';

export type DimensionKind = 'channels' | 'prune' | 'precision' | 'device';

export interface Dimension {
  kind: DimensionKind;
  /** Layer name (channels, prune: `*` for every prunable layer), or the kind itself. */
  name: string;
  values: (number | string)[];
}

export interface DesignSpace {
  /** Structural dimensions first (channels, prune), then precision, then device (fastest). */
  dims: Dimension[];
  /** Number of configurations in the full grid. */
  gridSize: number;
  /** Number of configurations this sweep analyses (grid size, or the random sample size). */
  total: number;
  strategy: 'grid' | 'random';
  /** For random: the sampled grid indices, ascending. */
  samples?: Float64Array;
}

/** One configuration, decoded. */
export interface Configuration {
  /** Layer → output channels set by a channels dimension. */
  channels: Record<string, number>;
  /** Layer (or `*`) → pruning ratio set by a prune dimension. */
  prune: Record<string, number>;
  precision: string;
  device: string;
}

export interface SpaceContext {
  /** Layers that may be edited, with their original channel counts. */
  editable: Map<string, number>;
  /** Layers a `*` prune applies to. */
  prunable: string[];
  modelName: string;
  /** Editable layer's display name → its full name: a user may name a layer either way. */
  aliases?: Map<string, string>;
}

/** The full name of the editable layer `given` names (by its full or its display name), or `given` itself. */
function fullName(given: string, ctx: SpaceContext): string {
  return ctx.editable.has(given) ? given : (ctx.aliases?.get(given) ?? given);
}

/** The editable layers, by display name where there is one, for "choose one of" lists. */
function choices(ctx: SpaceContext): string {
  const shown = new Map([...(ctx.aliases ?? [])].map(([alias, full]) => [full, alias]));
  return [...ctx.editable.keys()].map((name) => shown.get(name) ?? name).join(', ');
}

function channelDimension(given: string, items: string[], ctx: SpaceContext): Dimension {
  const name = fullName(given, ctx);
  if (!ctx.editable.has(name)) {
    throw new UsageError(
      `--channels: "${given}" is not a layer with output channels in ${ctx.modelName}; choose one of ${choices(ctx)}`,
    );
  }
  const values = expandNumbers(`--channels ${name}`, items, true, CHANNEL_BOUNDS);
  for (const v of values) checkChannels(name, v);
  return { kind: 'channels', name, values };
}

function pruneDimension(given: string, items: string[], ctx: SpaceContext): Dimension {
  const name = given === '*' ? given : fullName(given, ctx);
  if (name !== '*' && !ctx.editable.has(name)) {
    throw new UsageError(
      `--prune: "${given}" is not a layer with output channels in ${ctx.modelName}; choose one of *, ${choices(ctx)}`,
    );
  }
  const values = expandNumbers(`--prune ${name}`, items, false, RATIO_BOUNDS);
  for (const v of values) checkRatio(name, v);
  return { kind: 'prune', name, values };
}

export function buildSpace(spec: SweepSpec, ctx: SpaceContext): DesignSpace {
  const dims: Dimension[] = [];
  for (const [name, items] of Object.entries(spec.channels)) {
    const dim = channelDimension(name, items, ctx);
    if (dims.some((d) => d.name === dim.name)) throw new UsageError(`--channels names ${name} twice (by its full and its short name)`);
    dims.push(dim);
  }
  const channelLayers = new Set(Object.keys(spec.channels).map((name) => fullName(name, ctx)));
  for (const [name, items] of Object.entries(spec.prune)) {
    if (name !== '*' && channelLayers.has(fullName(name, ctx))) {
      throw new UsageError(`${name} has both --channels and --prune: give one of them per layer`);
    }
    dims.push(pruneDimension(name, items, ctx));
  }
  const precisions = spec.precisions.length > 0 ? spec.precisions : ['fp32'];
  const names = [...new Set(precisions.map((p) => parsePrecision(p).name))];
  dims.push({ kind: 'precision', name: 'precision', values: names });
  if (spec.devices.length === 0) throw new UsageError('a sweep needs at least one device (--device)');
  dims.push({ kind: 'device', name: 'device', values: [...new Set(spec.devices)] });

  const gridSize = dims.reduce((n, d) => n * d.values.length, 1);
  if (gridSize > Number.MAX_SAFE_INTEGER) {
    // Configurations are addressed by their index: past 2^53 two of them would share one.
    throw new UsageError(
      `the design space has about ${gridSize.toExponential(2)} configurations, beyond the limit of 2^53 that can be indexed; ` +
        'give fewer values per dimension',
    );
  }
  if (spec.strategy === 'random') {
    const samples = spec.samples ?? 0;
    if (!Number.isInteger(samples) || samples < 1 || samples > MAX_SAMPLES) {
      throw new UsageError(`--strategy random needs --samples N (a whole number from 1 to ${formatCount(MAX_SAMPLES)})`);
    }
    const picked = sampleIndices(gridSize, Math.min(samples, gridSize), spec.seed ?? 1);
    return { dims, gridSize, total: picked.length, strategy: 'random', samples: picked };
  }
  const limit = spec.gridLimit ?? DEFAULT_GRID_LIMIT; // bounded by parseSweepSpec
  if (gridSize > limit) {
    throw new UsageError(
      `the grid has ${formatCount(gridSize)} configurations, above the limit of ${formatCount(limit)}; ` +
        `use --strategy random --samples N (e.g. --samples 100000) to sample it`,
    );
  }
  return { dims, gridSize, total: gridSize, strategy: 'grid' };
}

const formatCount = (n: number): string =>
  n > 1e15 ? n.toExponential(2) : Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The grid index of the configuration at `ordinal`. */
export function gridIndex(space: DesignSpace, ordinal: number): number {
  return space.samples ? space.samples[ordinal] : ordinal;
}

/** Digits of a grid index, one per dimension (value positions). */
export function digits(space: DesignSpace, index: number, out: Int32Array = new Int32Array(space.dims.length)): Int32Array {
  let rest = index;
  for (let d = space.dims.length - 1; d >= 0; d--) {
    const radix = space.dims[d].values.length;
    out[d] = rest % radix;
    rest = Math.floor(rest / radix);
  }
  return out;
}

export function decode(space: DesignSpace, ordinal: number): Configuration {
  const ds = digits(space, gridIndex(space, ordinal));
  const config: Configuration = { channels: {}, prune: {}, precision: '', device: '' };
  space.dims.forEach((dim, d) => {
    const value = dim.values[ds[d]];
    if (dim.kind === 'channels') config.channels[dim.name] = value as number;
    else if (dim.kind === 'prune') config.prune[dim.name] = value as number;
    else if (dim.kind === 'precision') config.precision = value as string;
    else config.device = value as string;
  });
  return config;
}

/** Resolves a configuration's channels and ratios into one channel count per edited layer. */
export function channelTargets(config: Configuration, ctx: SpaceContext): Map<string, number> {
  const targets = new Map<string, number>();
  const wildcard = config.prune['*'];
  if (wildcard !== undefined) {
    for (const name of ctx.prunable) targets.set(name, keptChannels(ctx.editable.get(name) as number, wildcard));
  }
  for (const [name, ratio] of Object.entries(config.prune)) {
    if (name !== '*') targets.set(name, keptChannels(ctx.editable.get(name) as number, ratio));
  }
  for (const [name, value] of Object.entries(config.channels)) targets.set(name, value);
  return targets;
}

/** Number of leading dimensions that change the model's structure (channels, prune). */
export const structuralDims = (space: DesignSpace): number =>
  space.dims.filter((d) => d.kind === 'channels' || d.kind === 'prune').length;

/** A small, fast, seedable PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct indices in [0, size), seeded (Floyd's algorithm), ascending. */
export function sampleIndices(size: number, count: number, seed: number): Float64Array {
  const random = mulberry32(seed);
  const chosen = new Set<number>();
  for (let j = size - count; j < size; j++) {
    const t = Math.floor(random() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return Float64Array.from(chosen).sort();
}

export function spaceContext(graph: ModelGraph): SpaceContext {
  return {
    editable: new Map(editableLayers(graph).map((l) => [l.name, outputChannelsOf(l)])),
    prunable: prunableLayers(graph).map((l) => l.name),
    modelName: graph.name,
    aliases: new Map(
      editableLayers(graph)
        .map((l) => [displayName(graph, l.name), l.name] as [string, string])
        .filter(([alias, full]) => alias !== full),
    ),
  };
}
