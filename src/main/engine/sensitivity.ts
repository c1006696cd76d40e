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
import type { RunConfiguration } from './configure';

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

/** One evaluation of a sensitivity analysis: a precision on the unpruned model, or one layer (group) cut to `channels`. */
export type SensitivityEvaluation =
  | { kind: 'base'; precision: string; configuration: RunConfiguration }
  | { kind: 'point'; unit: number; channels: number; configuration: RunConfiguration };

/** What a sensitivity analysis measures, decided from the graph alone (before anything runs). */
export interface SensitivityPlan {
  metric: string;
  precision: string;
  units: { layer: string; group: string[]; original: number; channels: number[] }[];
  /** In the order they are measured: the precisions first, then every unit's cuts, deepest last. */
  evaluations: SensitivityEvaluation[];
}

export function planSensitivity(
  graph: ModelGraph,
  levels: SensitivityLevels,
  options: { precisions?: string[]; metric?: string; criterion?: PruneCriterion },
): SensitivityPlan {
  const stored = graph.source?.precision ?? 'fp32';
  const precisions = [...new Set((options.precisions && options.precisions.length > 0 ? options.precisions : [stored]).map((p) => parsePrecision(p).name))];
  const metric = options.metric ?? 'accuracy';
  const precision = precisions[0];
  const original = new Map(graph.layers.filter(isChannelLayer).map((l) => [l.name, outputChannelsOf(l)]));
  const groupOf = new Map<string, string[]>();
  for (const group of channelGroups(graph)) for (const member of group.members) groupOf.set(member, group.members);
  const prunable = prunableLayers(graph).map((l) => l.name);
  const seen = new Set<string>();
  const units: SensitivityPlan['units'] = [];
  for (const layer of [...prunable, ...Object.keys(levels.channels), ...Object.keys(levels.prune).filter((n) => n !== '*')]) {
    if (seen.has(layer)) continue;
    const group = groupOf.get(layer) ?? [layer];
    for (const member of group) seen.add(member);
    const count = original.get(layer);
    if (count === undefined) throw new UsageError(`"${layer}" is not a layer with output channels in ${graph.name}`);
    const ratios = levels.prune[layer] ?? (prunable.includes(layer) ? levels.prune['*'] : undefined) ?? [];
    const counts = [...(levels.channels[layer] ?? []), ...ratios.map((r) => keptChannels(count, r))];
    const distinct = [...new Set(counts)].filter((c) => c !== count).sort((a, b) => b - a);
    if (distinct.length > 0) units.push({ layer, group, original: count, channels: distinct });
  }
  if (units.length === 0) throw new UsageError('no level to measure: give --prune (e.g. --prune "*=0.25,0.5,0.75") or --channels');
  const criterion = options.criterion ? { pruneCriterion: options.criterion } : {};
  const evaluations: SensitivityEvaluation[] = precisions.map((p) => ({ kind: 'base', precision: p, configuration: { precision: p, ...criterion } }));
  units.forEach((unit, index) => {
    for (const channels of unit.channels) {
      evaluations.push({ kind: 'point', unit: index, channels, configuration: { precision, channels: { [unit.layer]: channels }, ...criterion } });
    }
  });
  return { metric, precision, units, evaluations };
}

/** The report from the plan and each evaluation's metric value (in the plan's order). */
export function sensitivityReport(plan: SensitivityPlan, values: readonly number[]): SensitivityReport {
  const base: Record<string, number> = {};
  const points: SensitivityPoint[][] = plan.units.map(() => []);
  plan.evaluations.forEach((evaluation, i) => {
    if (evaluation.kind === 'base') base[evaluation.precision] = values[i];
    else {
      const unit = plan.units[evaluation.unit];
      points[evaluation.unit].push({ channels: evaluation.channels, fractionKept: evaluation.channels / unit.original, precision: plan.precision, value: values[i] });
    }
  });
  return {
    metric: plan.metric,
    base,
    layers: plan.units.map((unit, i) => ({ layer: unit.layer, group: unit.group, points: points[i] })),
    precisions: Object.entries(base).map(([precision, value]) => ({ precision, value })),
  };
}

/** In this thread, nothing cached: see runSensitivity in evaluations.ts for the cached, cancellable one in a worker. */
export async function sensitivity(
  model: RunnableModel,
  data: DataSet,
  levels: SensitivityLevels,
  options: { precisions?: string[]; metric?: string; criterion?: PruneCriterion; evaluate?: EvaluateOptions; onPoint?: (done: number, total: number) => void },
): Promise<SensitivityReport> {
  const plan = planSensitivity(model.graph, levels, options);
  const values: number[] = [];
  for (const evaluation of plan.evaluations) {
    values.push(metricValue(await evaluateModel(model, evaluation.configuration, data, options.evaluate), plan.metric));
    options.onPoint?.(values.length, plan.evaluations.length);
  }
  return sensitivityReport(plan, values);
}
