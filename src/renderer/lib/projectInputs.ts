// What the project's inputs mean, as plain functions of them (no reactive state here): the sweep spec they describe,
// what is wrong with what was typed, why Run cannot start, what a change of model resets, the inputs a stored spec describes, and small text helpers.
import { displayName } from '../../shared/model/displayNames';
import type { AccuracyModel } from '../../shared/analysis/accuracy';
import type { BiasMode } from '../../shared/analysis/evaluate';
import type { MemoryModel } from '../../shared/analysis/memory';
import type { LoadedModel, SpaceSize } from '../../shared/api';
import { DEFAULT_GRID_LIMIT, type Client, type SweepSpec } from '../../shared/sweep/types';
import type { DataRef } from '../../shared/evaluations';
import { sweepDataOf } from './sweepData';
import { checkChannelList, checkRatioList, checkWhole } from './inputs';
import { SWEEP_PRECISIONS, type SweepDims } from './savedProject';

export type View = 'model' | 'device' | 'sweep' | 'results' | 'sessions' | 'export' | 'help' | 'sensitivity';

/** Something the app tells the user after the fact (a run ended, a model change kept or reset inputs). */
export interface Notice {
  kind: 'complete' | 'cancelled' | 'failed';
  session: string;
  text: string;
}

/** What changing the model kept and reset, with what is needed to undo the resets. */
export interface ModelChange {
  from: string;
  to: string;
  kept: string[];
  reset: string[];
  undo: { accuracy: AccuracyModel | null; dims: SweepDims; channels: Record<string, number> };
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Text as base64 (UTF-8), for a model graph handed back to `model.load` as a file. */
export const base64Text = (text: string): string => {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};

export const listItems = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** The inputs a sweep spec is made of. */
export interface SpecInputs {
  deviceIds: string[];
  runtimeIds: string[];
  dims: SweepDims;
  memoryModel: MemoryModel;
  biasMode: BiasMode;
  headroom: number;
  weightsIn: 'sram' | 'flash' | undefined;
  inPlaceDepthwise: boolean;
  accuracy: AccuracyModel | null;
  clients: Client[];
}

/** The sweep spec the inputs describe for the model named `model`. */
/** Accuracy measured on data (the Data panel's), with the configurations verified and the metric. */
export interface MeasuredSweepInputs {
  data: DataRef;
  verify: number;
  metric: string;
}

export function sweepSpecOf(model: string, inputs: SpecInputs, modelFile?: SweepSpec['modelFile'], measured?: MeasuredSweepInputs): SweepSpec {
  const channels = Object.fromEntries(
    Object.entries(inputs.dims.channels)
      .map(([layer, text]) => [layer, listItems(text)] as const)
      .filter(([, items]) => items.length > 0),
  );
  const prune = Object.fromEntries(
    Object.entries(inputs.dims.prune)
      .map(([layer, text]) => [layer, listItems(text)] as const)
      .filter(([, items]) => items.length > 0),
  );
  return {
    model: model,
    devices: [...inputs.deviceIds],
    ...(inputs.runtimeIds.length > 0 ? { runtimes: [...inputs.runtimeIds] } : {}),
    channels,
    prune,
    precisions: [...inputs.dims.precisions],
    memoryModel: inputs.memoryModel,
    biasMode: inputs.biasMode,
    headroom: inputs.headroom,
    ...(inputs.weightsIn ? { weightsIn: inputs.weightsIn } : {}),
    ...(inputs.inPlaceDepthwise ? { inPlaceDepthwise: true } : {}),
    // Measured on data, the accuracy model is made by the sweep itself (a sensitivity analysis, then verification).
    accuracy: !measured && inputs.accuracy ? JSON.parse(JSON.stringify(inputs.accuracy)) : null,
    clients: inputs.clients.map((c) => ({ ...c })),
    strategy: inputs.dims.strategy,
    ...(inputs.dims.strategy === 'random' ? { samples: inputs.dims.samples, seed: inputs.dims.seed } : {}),
    // The uploaded file the model came from, kept in the database: its configurations can be exported as model files.
    ...(modelFile ? { modelFile: { ...modelFile } } : {}),
    ...(measured ? { data: sweepDataOf(measured.data), verify: measured.verify, metric: measured.metric } : {}),
  };
}

/**
 * What loading `model` in place of the model named `from` resets and keeps (per-layer sweep settings, channel edits,
 * the accuracy model and a precision only the old file stored are reset), and the sweep dimensions that remain.
 */
export function modelChangeOf(
  state: { accuracy: AccuracyModel | null; dims: SweepDims; channels: Record<string, number>; deviceIds: string[]; clients: Client[] },
  from: string,
  model: LoadedModel,
  fromGraph: LoadedModel['graph'],
): { change: ModelChange; dims: SweepDims } {
  const undo = { accuracy: state.accuracy, dims: state.dims, channels: state.channels };
  let dims = state.dims;
  const reset: string[] = [];
  const kept: string[] = [];
  const perLayer = [...Object.keys(state.dims.channels), ...Object.keys(state.dims.prune)].filter(
    (l) => l !== '*' && ((state.dims.channels[l] ?? '').trim() !== '' || (state.dims.prune[l] ?? '').trim() !== ''),
  );
  if (perLayer.length > 0) reset.push(`the channels and pruning ratios set for ${[...new Set(perLayer)].map((l) => displayName(fromGraph, l)).join(', ')}`);
  if (Object.keys(state.channels).length > 0) reset.push(`the channel edits on the Model view`);
  if (state.accuracy) {
    reset.push(
      state.accuracy.kind === 'penalties'
        ? `the accuracy model (base ${(state.accuracy.base * 100).toFixed(1)} %, measured for ${from}); set the base and penalties of ${model.graph.name}`
        : `the calibrated accuracy model (points measured on ${from})`,
    );
  }
  // A precision only the old file stored (a hybrid file's W8A32) does not carry over to another model.
  const stored = model.graph.source?.precision;
  const foreign = state.dims.precisions.filter((p) => !SWEEP_PRECISIONS.includes(p) && p !== stored);
  if (foreign.length > 0) {
    reset.push(`precision ${foreign.map((p) => p.toUpperCase()).join(', ')}, which ${from} stores`);
    dims = { ...dims, precisions: dims.precisions.filter((p) => !foreign.includes(p)) };
  }
  if (state.deviceIds.length > 0) kept.push(`device${state.deviceIds.length > 1 ? 's' : ''} ${state.deviceIds.join(', ')}`);
  if (state.clients.length > 0) kept.push(`client${state.clients.length > 1 ? 's' : ''} ${state.clients.map((c) => c.name).join(', ')}`);
  kept.push(`precisions ${dims.precisions.map((p) => p.toUpperCase()).join(', ')}`);
  if ((dims.prune['*'] ?? '').trim() !== '') kept.push(`pruning ratios for every layer (${dims.prune['*']})`);
  return {
    change: { from, to: model.graph.name, kept, reset, undo },
    dims: { ...dims, channels: {}, prune: dims.prune['*'] ? { '*': dims.prune['*'] } : {} },
  };
}

/** The sweep dimensions as a stored spec gives them (its lists as typed text); sampling settings it lacks stay. */
export function dimsOfSpec(spec: SweepSpec, previous: SweepDims): SweepDims {
  return {
    channels: Object.fromEntries(Object.entries(spec.channels).map(([k, v]) => [k, v.join(',')])),
    prune: Object.fromEntries(Object.entries(spec.prune).map(([k, v]) => [k, v.join(',')])),
    precisions: [...spec.precisions],
    strategy: spec.strategy,
    samples: spec.samples ?? previous.samples,
    seed: spec.seed ?? previous.seed,
  };
}

/** Per field, what is wrong with what was typed (keys: `channels:<layer>`, `prune:<layer>`, `samples`, `seed`). */
export function sweepFieldErrors(dims: SweepDims, shownName: (layer: string) => string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [layer, text] of Object.entries(dims.channels)) {
    const problem = checkChannelList(text);
    if (problem) errors[`channels:${layer}`] = problem;
  }
  for (const [layer, text] of Object.entries(dims.prune)) {
    const problem = checkRatioList(text);
    if (problem) errors[`prune:${layer}`] = problem;
    else if (layer !== '*' && text.trim() !== '' && (dims.channels[layer] ?? '').trim() !== '') {
      errors[`prune:${layer}`] = `give ${shownName(layer)} either channels to try or pruning ratios, not both`;
    }
  }
  if (dims.strategy === 'random') {
    const samples = checkWhole(String(dims.samples), { min: 1, max: DEFAULT_GRID_LIMIT, what: 'the number of samples' });
    if (samples) errors.samples = samples;
    const seed = checkWhole(String(dims.seed), { min: 0, what: 'the seed' });
    if (seed) errors.seed = seed;
  }
  return errors;
}

/** What Run depends on. */
export interface RunState {
  running: string | null;
  model: LoadedModel | null;
  deviceIds: string[];
  dims: SweepDims;
  deviceDrafts: Record<string, { text: string; error: string }>;
  fieldErrors: Record<string, string>;
  sizeError: string | null;
  oversized: number | null;
  size: SpaceSize | null;
  shownName(layer: string): string;
}

/** Why Run cannot start now, in the app's words; null when it can. */
export function runBlockerOf(state: RunState): string | null {
  if (state.running) return 'a sweep is running';
  if (!state.model) return 'choose a model first (Model)';
  if (state.deviceIds.length === 0) return 'choose at least one device (Device & clients)';
  if (state.dims.precisions.length === 0) return 'choose at least one precision';
  const draft = Object.values(state.deviceDrafts)[0];
  if (draft) return `${draft.error} (Device & clients)`;
  const firstError = Object.entries(state.fieldErrors)[0];
  if (firstError) {
    const [field, message] = firstError;
    const [kind, layer] = field.split(':');
    const where = kind === 'channels' ? `${state.shownName(layer)} channels` : kind === 'prune' ? `${layer === '*' ? 'every layer' : state.shownName(layer)} pruning ratios` : field;
    return `${where}: ${message}`;
  }
  if (state.sizeError) return state.sizeError;
  if (state.oversized !== null) {
    return `${state.oversized.toLocaleString('en-US')} configurations: a grid sweep may have at most ${DEFAULT_GRID_LIMIT.toLocaleString('en-US')}`;
  }
  if (!state.size) return 'counting the configurations…';
  if (state.size.total === 0) return 'the sweep has no configurations';
  return null;
}
