// The engineer's working project (model, devices, clients, accuracy model, sweep dimensions) and the open session.
// The project is kept in localStorage so a reload keeps it (savedProject.ts); sessions live in the database. What the
// inputs mean, as plain functions, is in projectInputs.ts.
import { unknownOperatorsRefusal } from './unknownOps';
import { displayName } from '../../shared/model/displayNames';
import type { AccuracyModel } from '../../shared/analysis/accuracy';
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
import { DEFAULT_GRID_LIMIT, DEFAULT_VERIFY, type Client, type SweepSpec } from '../../shared/sweep/types';
import type { DataRef } from '../../shared/evaluations';
import { api } from './api/client';
import { missingPenalties, techniqueList } from './inputs';
import { createCompute, type ResultsCompute } from './results/compute';
import { sameSpec } from './specs';
import { blankProject, loadSavedProject, sampleProject, storeSavedProject, type SavedProject, type SweepDims } from './savedProject';
import { base64Text, dimsOfSpec, errorText, modelChangeOf, runBlockerOf, sweepFieldErrors, sweepSpecOf, type ModelChange, type Notice, type View } from './projectInputs';

export { blankProject, EXAM_ACCURACY, sampleProject, SWEEP_PRECISIONS, type SweepDims } from './savedProject';
export { errorText, type ModelChange, type Notice, type View } from './projectInputs';

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
  /** Where the next sweep's accuracy comes from: the Device view's typed model, or measured on the Data panel's data. */
  accuracySource = $state<'typed' | 'measured'>('typed');
  /** With measured accuracy: configurations verified on the data after the sweep, and the metric. */
  verify = $state(DEFAULT_VERIFY);
  metric = $state('accuracy');
  /**
   * The Data panel's data and why the loaded model cannot be measured now (no weights, no data), read reactively;
   * set by measured.svelte.ts, which knows the data (it imports this module, so the link goes that way).
   */
  measuredInputs = $state.raw<() => { data: DataRef | null; blocker: string | null }>(() => ({ data: null, blocker: 'Choose the data to measure on (the Data panel).' }));
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
  fieldErrors = $derived(sweepFieldErrors(this.dims, (layer) => this.shownName(layer)));

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
    const file = this.model.fileHash ? { hash: this.model.fileHash, name: this.model.source } : undefined;
    const data = this.accuracySource === 'measured' ? this.measuredInputs().data : null;
    return sweepSpecOf(this.model.graph.name, this, file, data ? { data, verify: this.verify, metric: this.metric } : undefined);
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
  runBlocker = $derived(
    runBlockerOf(this) ??
      (this.accuracySource === 'measured' ? (this.measuredInputs().blocker ?? (Number.isInteger(this.verify) && this.verify >= 0 ? null : 'verify: give a whole number of configurations')) : null),
  );

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
    const saved = loadSavedProject();
    await this.apply(saved ?? sampleProject());
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
      accuracySource: { kind: this.accuracySource, verify: this.verify, metric: this.metric },
      dims: this.dims,
      session: this.session?.summary.session ?? null,
    };
    storeSavedProject(saved);
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
    this.accuracySource = saved.accuracySource?.kind ?? 'typed';
    this.verify = saved.accuracySource?.verify ?? DEFAULT_VERIFY;
    this.metric = saved.accuracySource?.metric ?? 'accuracy';
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
    const { change, dims } = modelChangeOf(this, from, model, fromGraph);
    this.channels = {};
    this.accuracy = null;
    this.dims = dims;
    this.modelChange = change;
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
      const loaded = await api.invoke('model.load', source);
      // The session's graph is loaded as Frontier's format; the file it was swept from (kept in the database) stays
      // the model's file, so a sweep from here records it too.
      this.model = spec.modelFile ? { ...loaded, source: spec.modelFile.name, fileHash: spec.modelFile.hash } : loaded;
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
    // A session measured on data keeps its fitted model in the spec: the typed model of the Device view stays.
    if (spec.data) {
      this.accuracySource = 'measured';
      this.verify = spec.verify ?? DEFAULT_VERIFY;
      this.metric = spec.metric ?? 'accuracy';
    } else {
      this.accuracySource = 'typed';
      this.accuracy = spec.accuracy ? JSON.parse(JSON.stringify(spec.accuracy)) : null;
    }
    this.dims = dimsOfSpec(spec, this.dims);
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
