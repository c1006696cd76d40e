// The engineer's working project (model, devices, clients, accuracy model, sweep dimensions) and the open session.
// The project is kept in localStorage so a reload keeps it; sessions live in the database.
import type { AccuracyModel, PenaltyModel } from '../../shared/analysis/accuracy';
import type { AnalysisReport } from '../../shared/analysis/analyze';
import type { BiasMode } from '../../shared/analysis/evaluate';
import type { MemoryModel } from '../../shared/analysis/memory';
import type {
  DeviceEntry,
  LoadedModel,
  PresetInfo,
  ResultTable,
  RuntimeEntry,
  SessionListEntry,
  SessionView,
  SpaceSize,
  SweepProgressEvent,
} from '../../shared/api';
import type { Client, SweepSpec } from '../../shared/sweep/types';
import { api } from './api/client';

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

interface SavedProject {
  version: 1;
  source: { preset?: string; file?: { name: string; base64: string } } | null;
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
  clients: Client[];
  accuracy: AccuracyModel | null;
  dims: SweepDims;
  session: string | null;
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

/** JSON with object keys sorted: specs compare by content, whatever order their fields were set in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

// Large, replace-only values (models, reports, result tables of 100,000 rows) are `$state.raw`: deep reactive proxies
// on them would make every read of a column cost a proxy trap.
export class Project {
  view = $state<View>('model');
  presets = $state.raw<PresetInfo[]>([]);
  devices = $state.raw<DeviceEntry[]>([]);
  runtimes = $state.raw<RuntimeEntry[]>([]);
  sessions = $state.raw<SessionListEntry[]>([]);

  source = $state<SavedProject['source']>(null);
  model = $state.raw<LoadedModel | null>(null);
  modelError = $state<string | null>(null);
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
  clients = $state<Client[]>([]);
  accuracy = $state<AccuracyModel | null>(null);
  dims = $state<SweepDims>(blankProject().dims);

  size = $state.raw<SpaceSize | null>(null);
  sizeError = $state<string | null>(null);
  progress = $state.raw<SweepProgressEvent | null>(null);
  running = $state<string | null>(null);
  runError = $state<string | null>(null);

  session = $state.raw<SessionView | null>(null);
  table = $state.raw<ResultTable | null>(null);
  sessionError = $state<string | null>(null);
  hovered = $state<number | null>(null);
  selected = $state<number | null>(null);

  /** The spec the current inputs describe; compared with the open session's to show results as stale. */
  spec = $derived.by((): SweepSpec | null => {
    if (!this.model) return null;
    const list = (text: string): string[] =>
      text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    const channels = Object.fromEntries(
      Object.entries(this.dims.channels)
        .map(([layer, text]) => [layer, list(text)] as const)
        .filter(([, items]) => items.length > 0),
    );
    const prune = Object.fromEntries(
      Object.entries(this.dims.prune)
        .map(([layer, text]) => [layer, list(text)] as const)
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
      accuracy: this.accuracy ? JSON.parse(JSON.stringify(this.accuracy)) : null,
      clients: this.clients.map((c) => ({ ...c })),
      strategy: this.dims.strategy,
      ...(this.dims.strategy === 'random' ? { samples: this.dims.samples, seed: this.dims.seed } : {}),
    };
  });

  stale = $derived.by(() => {
    if (!this.session || !this.spec) return false;
    const a = { ...this.session.spec, model: '' };
    const b = { ...this.spec, model: '' };
    return canonical(a) !== canonical(b) || this.session.graph.name !== this.model?.graph.name;
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
    api.on('sweep.finished', (e) => void this.finished(e.session, e.status, e.error));
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
    this.channels = saved.channels;
    this.precision = saved.precision;
    this.deviceIds = saved.deviceIds;
    this.runtimeIds = saved.runtimeIds ?? [];
    this.memoryModel = saved.memoryModel;
    this.headroom = saved.headroom;
    this.biasMode = saved.biasMode;
    this.weightsIn = saved.weightsIn;
    this.clients = saved.clients;
    this.accuracy = saved.accuracy;
    this.dims = saved.dims;
    this.session = null;
    this.table = null;
    if (saved.source) await this.loadModel(saved.source, { keepEdits: true });
    else {
      this.model = null;
      this.source = null;
    }
    if (saved.session && this.sessions.some((s) => s.name === saved.session)) await this.openSession(saved.session, false);
  }

  async newProject(): Promise<void> {
    await this.apply(blankProject());
    this.view = 'model';
    this.save();
  }

  async loadModel(source: NonNullable<SavedProject['source']>, options: { keepEdits?: boolean } = {}): Promise<void> {
    this.modelError = null;
    try {
      const model = await api.invoke('model.load', source);
      this.model = model;
      // A file too large to remember is loaded but not kept across reloads.
      this.source = source.file && source.file.base64.length > 4_000_000 ? null : source;
      if (!options.keepEdits) {
        this.channels = {};
        this.dims = { ...this.dims, channels: {}, prune: {} };
      }
      await this.analyze();
    } catch (error) {
      this.modelError = errorText(error);
    }
    this.save();
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
      });
    } catch (error) {
      this.analysisError = errorText(error);
    }
  }

  async measure(): Promise<void> {
    if (!this.model || !this.spec) {
      this.size = null;
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

  async run(name?: string): Promise<void> {
    if (!this.model || !this.spec) return;
    this.runError = null;
    try {
      const started = await api.invoke('sweep.start', {
        spec: this.spec as unknown as Record<string, unknown>,
        graph: this.model.graph as unknown as Record<string, unknown>,
        ...(name ? { name } : {}),
      });
      this.running = started.session;
      this.progress = { session: started.session, done: 0, total: started.total, rate: 0, etaS: null, elapsedS: 0 };
      await this.refreshSessions();
    } catch (error) {
      this.runError = errorText(error);
    }
  }

  async cancel(): Promise<void> {
    if (this.running) await api.invoke('sweep.cancel', { session: this.running });
  }

  async resume(name: string): Promise<void> {
    try {
      const started = await api.invoke('sessions.resume', { name });
      this.running = started.session;
      this.progress = { session: started.session, done: 0, total: started.total, rate: 0, etaS: null, elapsedS: 0 };
    } catch (error) {
      this.runError = errorText(error);
    }
  }

  private async finished(session: string, status: string, error?: string): Promise<void> {
    if (session !== this.running) return;
    this.running = null;
    if (error) this.runError = `sweep ${session} failed: ${error}`;
    await this.refreshSessions();
    await this.openSession(session, status !== 'failed');
  }

  async refreshSessions(): Promise<void> {
    this.sessions = await api.invoke('sessions.list', {});
  }

  async openSession(name: string, show = true): Promise<void> {
    this.sessionError = null;
    try {
      const [view, table] = await Promise.all([
        api.invoke('sessions.get', { name }),
        api.invoke('sessions.results', { name }),
      ]);
      this.session = view;
      this.table = table;
      this.selected = null;
      this.hovered = null;
      if (show) this.view = 'results';
      this.save();
    } catch (error) {
      this.sessionError = errorText(error);
    }
  }

  /** Loads a session's inputs back into the project (model, devices, clients, dimensions). */
  async reopenInputs(): Promise<void> {
    const view = this.session;
    if (!view) return;
    const spec = view.spec;
    this.model = {
      graph: view.graph,
      source: view.graph.name,
      editable: view.graph.layers
        .filter((l) => l.type === 'Conv2D' || l.type === 'SeparableConv2D' || l.type === 'Dense')
        .map((l) => ({ name: l.name, channels: 'units' in l ? l.units : (l as { filters: number }).filters })),
      prunable: [],
    };
    // A sweep over runtimes stores each board under each runtime; its spec keeps the boards and the runtimes.
    this.deviceIds = spec.runtimes?.length ? [...spec.devices] : view.devices.map((d) => d.id);
    this.runtimeIds = [...(spec.runtimes ?? [])];
    this.memoryModel = spec.memoryModel;
    this.headroom = spec.headroom;
    this.biasMode = spec.biasMode;
    this.weightsIn = spec.weightsIn;
    this.clients = spec.clients.map((c) => ({ ...c }));
    this.accuracy = spec.accuracy;
    this.dims = {
      channels: Object.fromEntries(Object.entries(spec.channels).map(([k, v]) => [k, v.join(',')])),
      prune: Object.fromEntries(Object.entries(spec.prune).map(([k, v]) => [k, v.join(',')])),
      precisions: [...spec.precisions],
      strategy: spec.strategy,
      samples: spec.samples ?? 10000,
      seed: spec.seed ?? 1,
    };
    await this.analyze();
    this.save();
  }
}

export const project = new Project();
