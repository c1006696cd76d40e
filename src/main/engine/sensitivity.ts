// Sensitivity analysis (NNI's SensitivityAnalysis, the Vitis AI optimizer's `ana`): every prunable layer pruned
// alone at each level, measured on the data, at one precision; and every precision on the unpruned model.
import { channelGroups, keptChannels, prunableLayers } from '../../shared/model/edit';
import { isChannelLayer, outputChannelsOf, type ModelGraph } from '../../shared/model/types';
import { parsePrecision } from '../../shared/analysis/precision';
import { UsageError } from '../../shared/cli/valueList';
import type { DataSet } from './data/dataSet';
import { evaluateModel, type EvaluateOptions, type EvaluateResult } from './evaluate';
import type { RunnableModel } from './load';
import type { PruneCriterion } from '../../shared/engine/prune';

export interface SensitivityLevels {
  /** Layer → output channel counts to try. */
  channels: Record<string, number[]>;
  /** Layer (or `*` for every prunable layer) → ratios of output channels removed. */
  prune: Record<string, number[]>;
}

export interface SensitivityPoint {
  channels: number;
  fractionKept: number;
  precision: string;
  value: number;
}

export interface SensitivityReport {
  metric: string;
  base: Record<string, number>;
  layers: { layer: string; group: string[]; points: SensitivityPoint[] }[];
  precisions: { precision: string; value: number }[];
}

/** The metric's value in an evaluation; higher is better for every metric but the errors. */
export function metricValue(result: EvaluateResult, metric: string): number {
  const value = (result.metrics as Record<string, unknown>)[metric];
  if (typeof value !== 'number') {
    const known = Object.entries(result.metrics).filter(([, v]) => typeof v === 'number').map(([k]) => k);
    throw new UsageError(`--metric ${metric}: this model and data give ${known.join(', ')}`);
  }
  return value;
}

export async function sensitivity(
  model: RunnableModel,
  data: DataSet,
  levels: SensitivityLevels,
  options: { precisions?: string[]; metric?: string; criterion?: PruneCriterion; evaluate?: EvaluateOptions; onPoint?: (done: number, total: number) => void },
): Promise<SensitivityReport> {
  const graph: ModelGraph = model.graph;
  const stored = graph.source?.precision ?? 'fp32';
  const precisions = [...new Set((options.precisions && options.precisions.length > 0 ? options.precisions : [stored]).map((p) => parsePrecision(p).name))];
  const metric = options.metric ?? 'accuracy';
  const precision = precisions[0];
  const original = new Map(graph.layers.filter(isChannelLayer).map((l) => [l.name, outputChannelsOf(l)]));
  const groupOf = new Map<string, string[]>();
  for (const group of channelGroups(graph)) for (const member of group.members) groupOf.set(member, group.members);
  const prunable = prunableLayers(graph).map((l) => l.name);
  const seen = new Set<string>();
  const units: { layer: string; group: string[]; channels: number[] }[] = [];
  for (const layer of [...prunable, ...Object.keys(levels.channels), ...Object.keys(levels.prune).filter((n) => n !== '*')]) {
    if (seen.has(layer)) continue;
    const group = groupOf.get(layer) ?? [layer];
    for (const member of group) seen.add(member);
    const count = original.get(layer);
    if (count === undefined) throw new UsageError(`"${layer}" is not a layer with output channels in ${graph.name}`);
    const ratios = levels.prune[layer] ?? (prunable.includes(layer) ? levels.prune['*'] : undefined) ?? [];
    const counts = [...(levels.channels[layer] ?? []), ...ratios.map((r) => keptChannels(count, r))];
    const distinct = [...new Set(counts)].filter((c) => c !== count).sort((a, b) => b - a);
    if (distinct.length > 0) units.push({ layer, group, channels: distinct });
  }
  if (units.length === 0) throw new UsageError('no level to measure: give --prune (e.g. --prune "*=0.25,0.5,0.75") or --channels');
  const total = precisions.length + units.reduce((n, u) => n + u.channels.length, 0);
  let done = 0;
  const measure = async (config: Parameters<typeof evaluateModel>[1]): Promise<number> => {
    const result = await evaluateModel(model, { ...config, pruneCriterion: options.criterion }, data, options.evaluate);
    options.onPoint?.(++done, total);
    return metricValue(result, metric);
  };
  const base: Record<string, number> = {};
  for (const p of precisions) base[p] = await measure({ precision: p });
  const layers: SensitivityReport['layers'] = [];
  for (const unit of units) {
    const points: SensitivityPoint[] = [];
    const count = original.get(unit.layer) as number;
    for (const channels of unit.channels) {
      points.push({ channels, fractionKept: channels / count, precision, value: await measure({ precision, channels: { [unit.layer]: channels } }) });
    }
    layers.push({ layer: unit.layer, group: unit.group, points });
  }
  return { metric, base, layers, precisions: precisions.map((p) => ({ precision: p, value: base[p] })) };
}
