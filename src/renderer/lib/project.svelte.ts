// The engineer's working project (model, devices, clients, accuracy model, sweep dimensions) and the open session.
// The project is kept in localStorage so a reload keeps it; sessions live in the database.
import { unknownOperatorsRefusal } from './unknownOps';
import { displayName } from '../../shared/model/displayNames';
import type { ImportOptions } from '../../shared/model/importOptions';
import type { AccuracyModel, PenaltyModel } from '../../shared/analysis/accuracy';
import type { AnalysisReport } from '../../shared/analysis/analyze';
import type { BiasMode } from '../../shared/analysis/evaluate';
import type { MemoryModel } from '../../shared/analysis/memory';
import type {
  DeviceEntry,
  LoadedModel,
  PresetInfo,
  ResultColumnsView,
  RuntimeEntry,
  SessionListEntry,
  SessionView,
  SpaceSize,
  SweepFinishedEvent,
  SweepProgressEvent,
} from '../../shared/api';
import { DEFAULT_GRID_LIMIT, type Client, type SweepSpec } from '../../shared/sweep/types';
import { api } from './api/client';
import { checkChannelList, checkRatioList, checkWhole, missingPenalties, techniqueList } from './inputs';
import { createCompute, type ResultsCompute } from './results/compute';
import { sameSpec } from './specs';

export type View = 'model' | 'device' | 'sweep' | 'results' | 'sessions' | 'export' | 'help';

export interface SweepDims {
  /** Layer → value list text as typed ("8,16", "8:64:8"); empty = not swept. */
  channels: Record<string, string>;
  /** Layer (or `*`) → ratio list text ("0:0.75:0.25"). */
  prune: Record<string, string>;
  precisions: string[];
  strategy: 'grid' | 'random';
  samples: number;
  seed: number;
}

/** The precisions the Sweep view always offers as boxes; a file's stored precision (W8A32) joins them while it is loaded. */
export const SWEEP_PRECISIONS: readonly string[] = ['fp32', 'fp16', 'int8', 'int4', 'w4a8', 'w8a16'];

interface SavedProject {
  version: 1;
  /** The model and how its file is read (`options.allowUnknownOps` once the user chose to analyse unknown operators). */
  source: { preset?: string; file?: { name: string; base64: string }; options?: ImportOptions } | null;
  channels: Record<string, number>;
  precision: string;
  deviceIds: string[];
  /** Runtimes every device runs under (a sweep dimension); empty = each device profile's own figures. */
  runtimeIds?: string[];
  memoryModel: MemoryModel;
  headroom: number;
  biasMode: BiasMode;
  /** Where weights live: as each device profile says, or SRAM / flash on every device. */
  weightsIn?: 'sram' | 'flash';
  /** Depthwise convolutions run in place (every memory model). */
  inPlaceDepthwise?: boolean;
  clients: Client[];
  accuracy: AccuracyModel | null;
  dims: SweepDims;
  session: string | null;
}

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

const STORAGE_KEY = 'frontier.project';

export const EXAM_ACCURACY: PenaltyModel = {
  kind: 'penalties',
  metric: 'accuracy',
  base: 0.93,
  penalties: { pruned: 0.05, int8: 0.03 },
};

/** The sample project a newcomer sees: the worked example, ready to Run. */
export function sampleProject(): SavedProject {
  return {
    version: 1,
    source: { preset: 'exam-cnn' },
    channels: {},
    precision: 'fp32',
    deviceIds: ['exam-mcu'],
    memoryModel: 'largest-tensor',
    headroom: 0,
    biasMode: 'weight',
    clients: [
      { name: 'client1', deadlineS: 0.2 },
      { name: 'client2', deadlineS: 0.5 },
    ],
    accuracy: EXAM_ACCURACY,
    dims: {
      channels: { conv1: '8,16', conv2: '8,32' },
      prune: {},
      precisions: ['fp32', 'int8'],
      strategy: 'grid',
      samples: 10000,
      seed: 1,
    },
    session: null,
  };
}

export function blankProject(): SavedProject {
  return {
    version: 1,
    source: null,
    channels: {},
    precision: 'fp32',
    deviceIds: [],
    memoryModel: 'layer-io',
    headroom: 0,
    biasMode: 'weight',
    clients: [],
    accuracy: null,
    dims: { channels: {}, prune: {}, precisions: ['fp32'], strategy: 'grid', samples: 10000, seed: 1 },
    session: null,
  };
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Text as base64 (UTF-8), for a model graph handed back to `model.load` as a file. */
const base64Text = (text: string): string => {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};

const listItems = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

// Large, replace-only values (models, reports, result columns of 100,000s of rows) are `$state.raw`: deep reactive
// proxies on them would make every read of a column cost a proxy trap.
export class Project {
  view = $state<View>('model');
  presets = $state.raw<PresetInfo[]>([]);
  devices = $state.raw<DeviceEntry[]>([]);
  runtimes = $state.raw<RuntimeEntry[]>([]);
  sessions = $state.raw<SessionListEntry[]>([]);

  source = $state<SavedProject['source']>(null);
  model = $state.raw<LoadedModel | null>(null);
  modelError = $state<string | null>(null);
  /** A file refused for operators Frontier does not know: what to load again if the user analyses them anyway. */
  refusedSource = $state.raw<NonNullable<SavedProject['source']> | null>(null);
  /** A bundle whose session name is taken, waiting for the user to rename or replace (kept across views). */
  importConflict = $state.raw<{ text: string; file: string; name: string } | null>(null);
  /** What the last change of model kept and reset (shown on the Model view until dismissed). */
  modelChange = $state.raw<ModelChange | null>(null);
  channels = $state<Record<string, number>>({});
  precision = $state('fp32');
  report = $state.raw<AnalysisReport | null>(null);
  analysisError = $state<string | null>(null);

  deviceIds = $state<string[]>([]);
  runtimeIds = $state<string[]>([]);
  memoryModel = $state<MemoryModel>('layer-io');
  headroom = $state(0);
  biasMode = $state<BiasMode>('weight');
  weightsIn = $state<'sram' | 'flash' | undefined>(undefined);
  inPlaceDepthwise = $state(false);
  clients = $state<Client[]>([]);
  accuracy = $state<AccuracyModel | null>(null);
  dims = $state<SweepDims>(blankProject().dims);
  /**
   * Device-view fields whose typed text is invalid (key: `headroom`, `accuracy-base`, `penalty:<name>`), with the
   * reason. The project keeps its last valid value, so Run is blocked until the field is fixed, and the text stays
   * as typed when the user leaves the view and comes back.
   */
  deviceDrafts = $state<Record<string, { text: string; error: string }>>({});

  size = $state.raw<SpaceSize | null>(null);
  sizeError = $state<string | null>(null);
  progress = $state.raw<SweepProgressEvent | null>(null);
  running = $state<string | null>(null);
  /** A cancel was asked for and not answered yet. */
  cancelling = $state(false);
  runError = $state<string | null>(null);
  notice = $state.raw<Notice | null>(null);

  session = $state.raw<SessionView | null>(null);
  table = $state.raw<ResultColumnsView | null>(null);
  /** Plot data and table orders of `table`, computed off the main thread. */
  compute = $state.raw<ResultsCompute | null>(null);
  sessionError = $state<string | null>(null);
  /** A session being opened (its name), while its results are on their way. */
  opening = $state<string | null>(null);
  hovered = $state<number | null>(null);
  selected = $state<number | null>(null);
  /** The accuracy range both plots show (zoom shared by the plots), null = all. */
  accuracyView = $state.raw<[number, number] | null>(null);

  /** Sessions, newest first. */
  recent = $derived([...this.sessions].sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : b.name.localeCompare(a.name))));

  /** Per field, what is wrong with what was typed (keys: `channels:<layer>`, `prune:<layer>`, `samples`, `seed`). */
  fieldErrors = $derived.by(() => {
    const errors: Record<string, string> = {};
    for (const [layer, text] of Object.entries(this.dims.channels)) {
      const problem = checkChannelList(text);
      if (problem) errors[`channels:${layer}`] = problem;
    }
    for (const [layer, text] of Object.entries(this.dims.prune)) {
      const problem = checkRatioList(text);
      if (problem) errors[`prune:${layer}`] = problem;
      else if (layer !== '*' && text.trim() !== '' && (this.dims.channels[layer] ?? '').trim() !== '') {
        errors[`prune:${layer}`] = `give ${this.shownName(layer)} either channels to try or pruning ratios, not both`;
      }
    }
    if (this.dims.strategy === 'random') {
      const samples = checkWhole(String(this.dims.samples), { min: 1, max: DEFAULT_GRID_LIMIT, what: 'the number of samples' });
      if (samples) errors.samples = samples;
      const seed = checkWhole(String(this.dims.seed), { min: 0, what: 'the seed' });
      if (seed) errors.seed = seed;
    }
    return errors;
  });

  /** A layer's display name in the loaded model (a converted file's full names run to hundreds of characters). */
  shownName(layer: string): string {
    return this.model ? displayName(this.model.graph, layer) : layer;
  }

  /** Techniques the sweep applies that the penalty accuracy model gives no penalty for. */
  missingPenalties = $derived(
    missingPenalties(
      this.accuracy,
      this.dims.precisions,
      Object.values(this.dims.channels).some((t) => t.trim() !== '') || Object.values(this.dims.prune).some((t) => t.trim() !== ''),
    ),
  );

  /** The spec the current inputs describe; compared with the open session's to show results as stale. */
  spec = $derived.by((): SweepSpec | null => {
    if (!this.model) return null;
    const channels = Object.fromEntries(
      Object.entries(this.dims.channels)
        .map(([layer, text]) => [layer, listItems(text)] as const)
        .filter(([, items]) => items.length > 0),
    );
    const prune = Object.fromEntries(
      Object.entries(this.dims.prune)
        .map(([layer, text]) => [layer, listItems(text)] as const)
        .filter(([, items]) => items.length > 0),
    );
    return {
      model: this.model.graph.name,
      devices: [...this.deviceIds],
      ...(this.runtimeIds.length > 0 ? { runtimes: [...this.runtimeIds] } : {}),
      channels,
      prune,
      precisions: [...this.dims.precisions],
      memoryModel: this.memoryModel,
      biasMode: this.biasMode,
      headroom: this.headroom,
      ...(this.weightsIn ? { weightsIn: this.weightsIn } : {}),
      ...(this.inPlaceDepthwise ? { inPlaceDepthwise: true } : {}),
      accuracy: this.accuracy ? JSON.parse(JSON.stringify(this.accuracy)) : null,
      clients: this.clients.map((c) => ({ ...c })),
      strategy: this.dims.strategy,
      ...(this.dims.strategy === 'random' ? { samples: this.dims.samples, seed: this.dims.seed } : {}),
    };
  });

  stale = $derived.by(() => {
    if (!this.session || !this.spec) return false;
    return !sameSpec(this.session.spec, this.spec) || this.session.graph.name !== this.model?.graph.name;
  });

  /** A grid larger than a grid sweep may be: the size, so the app can offer to sample instead. */
  oversized = $derived(
    this.dims.strategy === 'grid' && this.size !== null && this.size.gridSize > DEFAULT_GRID_LIMIT ? this.size.gridSize : null,
  );

  /** Why Run cannot start now, in the app's words; null when it can. */
  runBlocker = $derived.by((): string | null => {
    if (this.running) return 'a sweep is running';
    if (!this.model) return 'choose a model first (Model)';
    if (this.deviceIds.length === 0) return 'choose at least one device (Device & clients)';
    if (this.dims.precisions.length === 0) return 'choose at least one precision';
    const draft = Object.values(this.deviceDrafts)[0];
    if (draft) return `${draft.error} (Device & clients)`;
    const firstError = Object.entries(this.fieldErrors)[0];
    if (firstError) {
      const [field, message] = firstError;
      const [kind, layer] = field.split(':');
      const where = kind === 'channels' ? `${this.shownName(layer)} channels` : kind === 'prune' ? `${layer === '*' ? 'every layer' : this.shownName(layer)} pruning ratios` : field;
      return `${where}: ${message}`;
    }
    if (this.sizeError) return this.sizeError;
    if (this.oversized !== null) {
      return `${this.oversized.toLocaleString('en-US')} configurations: a grid sweep may have at most ${DEFAULT_GRID_LIMIT.toLocaleString('en-US')}`;
    }
    if (!this.size) return 'counting the configurations…';
    if (this.size.total === 0) return 'the sweep has no configurations';
    return null;
  });

  async start(): Promise<void> {
    const [presets, devices, runtimes] = await Promise.all([
      api.invoke('presets.list', {}),
      api.invoke('devices.list', {}),
      api.invoke('runtimes.list', {}),
    ]);
    this.presets = presets;
    this.devices = devices;
    this.runtimes = runtimes;
    await this.refreshSessions();
    api.on('sweep.progress', (p) => {
      if (p.session === this.running) this.progress = p;
    });
    api.on('sweep.finished', (e) => {
      // A short sweep can end before the reply to its start arrives: kept until then.
      if (e.session !== this.running) this.endedEarly.set(e.session, e);
      void this.finished(e);
    });
    const saved = this.load();
    await this.apply(saved ?? sampleProject());
  }

  private load(): SavedProject | null {
    try {
      const text = localStorage.getItem(STORAGE_KEY);
      const parsed = text ? (JSON.parse(text) as SavedProject) : null;
      return parsed?.version === 1 ? parsed : null;
    } catch {
      return null;
    }
  }

  save(): void {
    const saved: SavedProject = {
      version: 1,
      source: this.source,
      channels: this.channels,
      precision: this.precision,
      deviceIds: this.deviceIds,
      runtimeIds: this.runtimeIds,
      memoryModel: this.memoryModel,
      headroom: this.headroom,
      biasMode: this.biasMode,
      weightsIn: this.weightsIn,
      inPlaceDepthwise: this.inPlaceDepthwise,
      clients: this.clients,
      accuracy: this.accuracy,
      dims: this.dims,
      session: this.session?.summary.session ?? null,
    };
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
    } catch {
      // Storage full or unavailable: the project still works, it is just not remembered.
    }
  }

  async apply(saved: SavedProject): Promise<void> {
    this.deviceDrafts = {};
    this.channels = saved.channels;
    this.precision = saved.precision;
    this.deviceIds = saved.deviceIds;
    this.runtimeIds = saved.runtimeIds ?? [];
    this.memoryModel = saved.memoryModel;
    this.headroom = saved.headroom;
    this.biasMode = saved.biasMode;
    this.weightsIn = saved.weightsIn;
    this.inPlaceDepthwise = saved.inPlaceDepthwise ?? false;
    this.clients = saved.clients;
    this.accuracy = saved.accuracy;
    this.dims = saved.dims;
    this.modelChange = null;
    this.closeSession();
    if (saved.source) await this.loadModel(saved.source, { keepEdits: true });
    else {
      this.model = null;
      this.source = null;
    }
    // The session the project had open comes back as it was: the saved inputs are the project's own.
    // Not waited for: the app is usable while a large session's results arrive.
    if (saved.session && this.sessions.some((s) => s.name === saved.session)) {
      void this.openSession(saved.session, { show: false, restore: false });
    }
  }

  async newProject(): Promise<void> {
    await this.apply(blankProject());
    this.view = 'model';
    this.save();
  }

  /** Loads the refused file again, analysing its unknown operators as zero-MAC pass-throughs (warned on every figure). */
  async allowUnknownOperators(): Promise<void> {
    const source = this.refusedSource;
    if (!source) return;
    await this.loadModel({ ...source, options: { ...source.options, allowUnknownOps: true } });
  }

  /**
   * Loads a model. A different model than the one loaded resets what belonged to the old one — per-layer sweep
   * settings, channel edits and the accuracy model (its base and penalties were the old model's) — keeps the
   * devices, clients and precisions, and says so in `modelChange` (with an undo for the resets).
   */
  async loadModel(source: NonNullable<SavedProject['source']>, options: { keepEdits?: boolean } = {}): Promise<void> {
    this.modelError = null;
    this.refusedSource = null;
    try {
      const model = await api.invoke('model.load', source);
      const previous = this.model;
      this.model = model;
      // A file too large to remember is loaded but not kept across reloads.
      this.source = source.file && source.file.base64.length > 4_000_000 ? null : source;
      const changed = previous !== null && previous.graph.name !== model.graph.name;
      if (!options.keepEdits && changed) this.resetForModel(previous.graph.name, model, previous.graph);
      else if (!options.keepEdits) this.channels = {};
      if (!options.keepEdits) this.adoptFileSettings(model);
      await this.analyze();
    } catch (error) {
      const refusal = unknownOperatorsRefusal(errorText(error));
      this.modelError = refusal ?? errorText(error);
      if (refusal) this.refusedSource = source;
    }
    this.save();
  }

  private resetForModel(from: string, model: LoadedModel, fromGraph: LoadedModel['graph']): void {
    const undo = { accuracy: this.accuracy, dims: this.dims, channels: this.channels };
    const reset: string[] = [];
    const kept: string[] = [];
    const perLayer = [...Object.keys(this.dims.channels), ...Object.keys(this.dims.prune)].filter(
      (l) => l !== '*' && ((this.dims.channels[l] ?? '').trim() !== '' || (this.dims.prune[l] ?? '').trim() !== ''),
    );
    if (perLayer.length > 0) reset.push(`the channels and pruning ratios set for ${[...new Set(perLayer)].map((l) => displayName(fromGraph, l)).join(', ')}`);
    if (Object.keys(this.channels).length > 0) reset.push(`the channel edits on the Model view`);
    if (this.accuracy) {
      reset.push(
        this.accuracy.kind === 'penalties'
          ? `the accuracy model (base ${(this.accuracy.base * 100).toFixed(1)} %, measured for ${from}); set the base and penalties of ${model.graph.name}`
          : `the calibrated accuracy model (points measured on ${from})`,
      );
    }
    // A precision only the old file stored (a hybrid file's W8A32) does not carry over to another model.
    const stored = model.graph.source?.precision;
    const foreign = this.dims.precisions.filter((p) => !SWEEP_PRECISIONS.includes(p) && p !== stored);
    if (foreign.length > 0) {
      reset.push(`precision ${foreign.map((p) => p.toUpperCase()).join(', ')}, which ${from} stores`);
      this.dims = { ...this.dims, precisions: this.dims.precisions.filter((p) => !foreign.includes(p)) };
    }
    if (this.deviceIds.length > 0) kept.push(`device${this.deviceIds.length > 1 ? 's' : ''} ${this.deviceIds.join(', ')}`);
    if (this.clients.length > 0) kept.push(`client${this.clients.length > 1 ? 's' : ''} ${this.clients.map((c) => c.name).join(', ')}`);
    kept.push(`precisions ${this.dims.precisions.map((p) => p.toUpperCase()).join(', ')}`);
    if ((this.dims.prune['*'] ?? '').trim() !== '') kept.push(`pruning ratios for every layer (${this.dims.prune['*']})`);
    this.channels = {};
    this.accuracy = null;
    this.dims = { ...this.dims, channels: {}, prune: this.dims.prune['*'] ? { '*': this.dims.prune['*'] } : {} };
    this.modelChange = { from, to: model.graph.name, kept, reset, undo };
  }

  /**
   * A file is analysed at the precision it stores, with biases as it stores them (an int8 TFLite file: int8, int32
   * biases), and its precision joins the sweep's; presets and Keras files store fp32 and change nothing.
   */
  private adoptFileSettings(model: LoadedModel): void {
    const stored = model.graph.source?.precision;
    if (!stored) return;
    this.precision = stored;
    if (model.graph.source?.biasMode) this.biasMode = model.graph.source.biasMode;
    if (!this.dims.precisions.includes(stored)) {
      this.dims = { ...this.dims, precisions: [...this.dims.precisions, stored] };
      if (this.modelChange) this.modelChange = { ...this.modelChange, kept: [...this.modelChange.kept, `and added ${stored.toUpperCase()}, the precision the file stores`] };
    }
  }

  /** Puts back what the last change of model reset (the settings that name layers only where the layer exists). */
  undoModelChange(): void {
    const change = this.modelChange;
    if (!change || !this.model) return;
    const layers = new Set(this.model.editable.map((l) => l.name));
    const only = (r: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(r).filter(([l]) => l === '*' || layers.has(l)));
    this.accuracy = change.undo.accuracy;
    this.dims = { ...this.dims, channels: only(change.undo.dims.channels), prune: only(change.undo.dims.prune) };
    this.channels = Object.fromEntries(Object.entries(change.undo.channels).filter(([l]) => layers.has(l)));
    this.modelChange = null;
    void this.analyze().then(() => this.save());
  }

  async analyze(): Promise<void> {
    if (!this.model) return;
    this.analysisError = null;
    try {
      this.report = await api.invoke('model.analyze', {
        graph: this.model.graph,
        precision: this.precision,
        channels: this.channels,
        prune: {},
        memoryModel: this.memoryModel,
        device: this.deviceIds[0] ?? null,
        ...(this.deviceIds[0] && this.runtimeIds[0] ? { runtime: this.runtimeIds[0] } : {}),
        headroom: this.headroom,
        biasMode: this.biasMode,
        accuracy: this.accuracy,
        ...(this.weightsIn ? { weightsIn: this.weightsIn } : {}),
        ...(this.inPlaceDepthwise ? { inPlaceDepthwise: true } : {}),
      });
    } catch (error) {
      this.analysisError = errorText(error);
    }
  }

  async measure(): Promise<void> {
    if (!this.model || !this.spec || Object.keys(this.fieldErrors).length > 0) {
      this.size = null;
      this.sizeError = null;
      return;
    }
    try {
      this.size = await api.invoke('sweep.size', {
        spec: this.spec as unknown as Record<string, unknown>,
        graph: this.model.graph as unknown as Record<string, unknown>,
      });
      this.sizeError = null;
    } catch (error) {
      this.size = null;
      this.sizeError = errorText(error);
    }
  }

  /** Samples `samples` configurations of the grid instead of running all of it. */
  sampleInstead(samples: number): void {
    this.dims = { ...this.dims, strategy: 'random', samples };
    this.save();
  }

  async run(name?: string): Promise<void> {
    if (!this.model || !this.spec || this.runBlocker) return;
    this.runError = null;
    this.notice = null;
    try {
      const started = await api.invoke('sweep.start', {
        spec: this.spec as unknown as Record<string, unknown>,
        graph: this.model.graph as unknown as Record<string, unknown>,
        ...(name ? { name } : {}),
      });
      this.started(started.session, started.total);
      await this.refreshSessions();
    } catch (error) {
      this.runError = errorText(error);
    }
  }

  async cancel(): Promise<void> {
    if (!this.running || this.cancelling) return;
    this.cancelling = true;
    try {
      await api.invoke('sweep.cancel', { session: this.running });
    } catch (error) {
      this.cancelling = false;
      this.runError = errorText(error);
    }
  }

  async resume(name: string): Promise<void> {
    this.notice = null;
    try {
      const started = await api.invoke('sessions.resume', { name });
      this.started(started.session, started.total);
    } catch (error) {
      this.runError = errorText(error);
    }
  }

  /**
   * A run ended. The progress bar goes; a note says how it ended. The results open by themselves only when the
   * user is still on the Sweep view (where Run was pressed); anywhere else the note offers them, and the user is
   * not pulled away from what they are doing.
   */
  private async finished({ session, status, error, configs, total }: SweepFinishedEvent): Promise<void> {
    if (session !== this.running) return;
    this.running = null;
    this.cancelling = false;
    this.progress = null;
    const counted = configs !== undefined && total !== undefined ? `${configs.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} configurations` : '';
    if (status === 'failed') {
      this.runError = `sweep ${session} failed: ${error ?? 'unknown error'}`;
      this.notice = { kind: 'failed', session, text: `Sweep ${session} failed` };
    } else if (status === 'cancelled') {
      this.notice = { kind: 'cancelled', session, text: `Sweep ${session} cancelled: ${counted} kept` };
    } else {
      this.notice = { kind: 'complete', session, text: `Sweep ${session} finished: ${counted}` };
    }
    await this.refreshSessions();
    if (status === 'failed') return;
    if (this.view === 'sweep') await this.openSession(session, { show: true, restore: false });
  }

  /** Ends of runs that came before their start was answered (see `started`). */
  private readonly endedEarly = new Map<string, SweepFinishedEvent>();

  /** A run has started: progress from now on, and its end if that already came. */
  private started(session: string, total: number): void {
    this.running = session;
    this.cancelling = false;
    this.progress = { session, done: 0, total, rate: 0, etaS: null, elapsedS: 0 };
    const ended = this.endedEarly.get(session);
    this.endedEarly.clear();
    if (ended) void this.finished(ended);
  }

  async refreshSessions(): Promise<void> {
    this.sessions = await api.invoke('sessions.list', {});
  }

  private closeSession(): void {
    this.session = null;
    this.table = null;
    this.compute = null;
    this.accuracyView = null;
  }

  /**
   * Opens a stored session. `restore` (the default) also loads that session's own inputs — model, devices,
   * clients, accuracy model, sweep dimensions — so the results are not stale; the app's own runs and a reload skip
   * it (the inputs are already the session's).
   */
  async openSession(name: string, options: { show?: boolean; restore?: boolean } = {}): Promise<void> {
    const { show = true, restore = true } = options;
    this.sessionError = null;
    this.opening = name;
    try {
      const [view, table] = await Promise.all([api.invoke('sessions.get', { name }), api.invoke('sessions.columns', { name })]);
      if (this.opening !== name) return; // another session was asked for meanwhile
      if (this.notice?.session === name) this.notice = null;
      this.session = view;
      this.table = table;
      this.compute = createCompute(table);
      this.selected = null;
      this.hovered = null;
      this.accuracyView = null;
      if (show) this.view = 'results';
      if (restore) await this.restoreInputs(view);
      this.save();
    } catch (error) {
      this.sessionError = errorText(error);
    } finally {
      if (this.opening === name) this.opening = null;
    }
  }

  /** Loads a session's inputs back into the project (model, devices, clients, accuracy model, dimensions). */
  async restoreInputs(view: SessionView | null = this.session): Promise<void> {
    if (!view) return;
    const spec = view.spec;
    const preset = this.presets.some((p) => p.id === spec.model) ? spec.model : null;
    const source = preset
      ? { preset }
      : { file: { name: `${view.graph.name}.frontier.json`, base64: base64Text(JSON.stringify(view.graph)) } };
    const sameModel = this.model?.graph.name === view.graph.name;
    try {
      this.model = await api.invoke('model.load', source);
      this.source = source;
      this.modelError = null;
    } catch (error) {
      this.modelError = `the model of session ${view.summary.session} could not be loaded: ${errorText(error)}`;
      return;
    }
    if (!sameModel) this.channels = {};
    this.modelChange = null;
    // A sweep over runtimes stores each board under each runtime; its spec keeps the boards and the runtimes.
    this.deviceIds = spec.runtimes?.length ? [...spec.devices] : view.devices.map((d) => d.id);
    this.runtimeIds = [...(spec.runtimes ?? [])];
    this.memoryModel = spec.memoryModel;
    this.headroom = spec.headroom;
    this.biasMode = spec.biasMode;
    this.weightsIn = spec.weightsIn;
    this.inPlaceDepthwise = spec.inPlaceDepthwise ?? false;
    this.clients = spec.clients.map((c) => ({ ...c }));
    this.accuracy = spec.accuracy ? JSON.parse(JSON.stringify(spec.accuracy)) : null;
    this.dims = {
      channels: Object.fromEntries(Object.entries(spec.channels).map(([k, v]) => [k, v.join(',')])),
      prune: Object.fromEntries(Object.entries(spec.prune).map(([k, v]) => [k, v.join(',')])),
      precisions: [...spec.precisions],
      strategy: spec.strategy,
      samples: spec.samples ?? this.dims.samples,
      seed: spec.seed ?? this.dims.seed,
    };
    await this.analyze();
    this.save();
  }

  /** Forgets the open session when it is deleted. */
  sessionDeleted(name: string): void {
    if (this.session?.summary.session === name) this.closeSession();
    if (this.notice?.session === name) this.notice = null;
    this.save();
  }

  /** A sentence for the missing penalties, or null. */
  missingPenaltyText = $derived(
    this.missingPenalties.length === 0
      ? null
      : `No accuracy penalty is given for ${techniqueList(this.missingPenalties)}: those configurations are estimated as if they lost no accuracy at all. Enter a penalty (0 if they truly lose nothing).`,
  );
}

export const project = new Project();
