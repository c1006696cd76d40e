// One compact form for a configuration, wherever it is described (table, tooltip, client card, report, exports):
// "pruned 25 % · INT8" when a wildcard prune explains every channel count, otherwise only the layers that differ
// from the model, by display name ("conv2d_3 12 · dense 16 · INT8"). Listing every layer would bury the one
// change among dozens of unchanged layers, each with a name that may run to hundreds of characters.
import { precisionLabel } from '../analysis/precision';
import { expandNumbers, RATIO_BOUNDS } from '../cli/valueList';
import { displayNames, resolveLayerName } from '../model/displayNames';
import { editableLayers, keptChannels, prunableLayers } from '../model/edit';
import { outputChannelsOf, type ModelGraph } from '../model/types';
import type { SweepSpec } from './types';

/** What describing a configuration of one sweep needs to know, computed once per session. */
export interface ConfigVocabulary {
  /** Editable layer (full name) → its channels in the model. */
  base: Map<string, number>;
  /** Full name → display name. */
  shown: Map<string, string>;
  /** Layers a `*` prune acts on (those named in the sweep's own channels or prune are left to them). */
  wildcardLayers: string[];
  /** The sweep's `*` prune ratios, above 0. */
  ratios: number[];
  /** Whether the sweep varies channels at all: then an unchanged model says "unpruned". */
  structural: boolean;
}

type Graph = Pick<ModelGraph, 'layers' | 'outputs' | 'name'>;

export function configVocabulary(graph: Graph, spec?: Pick<SweepSpec, 'channels' | 'prune'>): ConfigVocabulary {
  const g = graph as ModelGraph;
  const base = new Map(editableLayers(g).map((l) => [l.name, outputChannelsOf(l)]));
  const named = new Set(
    [...Object.keys(spec?.channels ?? {}), ...Object.keys(spec?.prune ?? {})]
      .filter((n) => n !== '*')
      .map((n) => resolveLayerName(graph, n) ?? n),
  );
  let ratios: number[] = [];
  try {
    ratios = expandNumbers('--prune *', spec?.prune['*'] ?? [], false, RATIO_BOUNDS).filter((r) => r > 0);
  } catch {
    // A spec that does not parse was refused before it ran; describe its configurations by their layers.
  }
  return {
    base,
    shown: displayNames(graph),
    wildcardLayers: prunableLayers(g)
      .map((l) => l.name)
      .filter((n) => !named.has(n)),
    ratios,
    structural: Object.keys(spec?.channels ?? {}).length + Object.keys(spec?.prune ?? {}).length > 0,
  };
}

/** For configurations whose model is not at hand (a comparison of two sessions): every layer, by the name given. */
export function plainVocabulary(layers: string[]): ConfigVocabulary {
  return { base: new Map(layers.map((l) => [l, Number.NaN])), shown: new Map(), wildcardLayers: [], ratios: [], structural: false };
}

/** "25 %", "12.5 %". */
const percentOf = (ratio: number): string => `${Number((ratio * 100).toFixed(1))} %`;

/** The configuration in the compact form (see the file comment). */
export function describeConfiguration(
  settings: { channels: Record<string, number>; precision: string },
  words: ConfigVocabulary,
): string {
  const channelsOf = (layer: string): number => settings.channels[layer] ?? (words.base.get(layer) as number);
  const parts: string[] = [];
  const explained = new Set<string>();
  const ratio = words.ratios.find(
    (r) =>
      words.wildcardLayers.length > 0 &&
      words.wildcardLayers.every((l) => channelsOf(l) === keptChannels(words.base.get(l) as number, r)) &&
      words.wildcardLayers.some((l) => channelsOf(l) !== words.base.get(l)),
  );
  if (ratio !== undefined) {
    parts.push(`pruned ${percentOf(ratio)}`);
    for (const l of words.wildcardLayers) explained.add(l);
  }
  for (const [layer, original] of words.base) {
    if (explained.has(layer) || settings.channels[layer] === undefined || settings.channels[layer] === original) continue;
    parts.push(`${words.shown.get(layer) ?? layer} ${settings.channels[layer]}`);
  }
  if (parts.length === 0 && words.structural) parts.push('unpruned');
  parts.push(precisionLabel(settings.precision));
  return parts.join(' · ');
}
