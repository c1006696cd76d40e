// Exports of a stored session: the chosen configurations as deployable JSON (edited model graph, device, figures),
// every stored result as CSV (streamed in chunks, so a million rows never form one string), and the whole session
// as a bundle that `importBundle` turns back into an equal session in another database.
import { sessionNameProblem } from '../../shared/sessionName';
import { FRONTIER_VERSION, OUTPUT_SCHEMA_VERSION } from '../../shared/analysis/analyze';
import { UsageError } from '../../shared/cli/valueList';
import { deviceProfileToJson, parseDeviceProfile } from '../../shared/deviceProfile';
import type { DeviceProfile } from '../../shared/devices';
import { configurationArtifact, type ArtifactFormat } from '../../shared/export/artifacts';
import { applyChannelEdits } from '../../shared/model/edit';
import { graphToNative, nativeToGraph, type NativeModelFile } from '../../shared/model/native';
import type { ModelGraph } from '../../shared/model/types';
import { frontIndices, paretoFlags } from '../../shared/pareto';
import { allocateColumns, type ResultColumns } from '../../shared/sweep/batch';
import { parseSweepSpec, validateClient } from '../../shared/sweep/specFile';
import { gridIndex } from '../../shared/sweep/space';
import {
  CONFIG_STATUSES,
  FRONT_3D,
  FRONT_LATENCY,
  FRONT_MEMORY,
  type Client,
  type ConfigStatus,
  type SweepSpec,
} from '../../shared/sweep/types';
import { SESSION_STATUSES, type SessionDetail, type SessionStatus, type SessionStore } from '../store';
import { writeOutputFile, type OutputOptions } from '../files/writeFile';
import { parseJsonText } from '../files/jsonFile';
import { channelsOf, describeConfiguration, prepareFrom, type PreparedSweep } from './sweepJob';
import { sessionSummary, type ResultEntry } from './sweeps';

export const EXPORT_FORMATS = ['json', 'csv', 'bundle', 'tflm', 'keras-json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONFIGURATIONS_FORMAT = 'frontier-configurations';
export const BUNDLE_FORMAT = 'frontier-session-bundle';
export const BUNDLE_VERSION = 1;

const OK = CONFIG_STATUSES.indexOf('ok');
const NO_FIT = CONFIG_STATUSES.indexOf('no-fit');
const UNSUPPORTED = CONFIG_STATUSES.indexOf('unsupported');
const ERROR = CONFIG_STATUSES.indexOf('error');

// ---------------------------------------------------------------------------------------------------------------
// Sessions

/** The session of this name, or a usage error that lists the sessions there are. */
export function requireSession(store: SessionStore, name: string): SessionDetail {
  const session = store.getSession(name);
  if (session) return session;
  const names = store.listSessions().map((s) => s.name);
  const list =
    names.length === 0
      ? 'the database has no sessions yet'
      : `sessions are ${names.slice(0, 20).join(', ')}${names.length > 20 ? `, … (${names.length} in all)` : ''}`;
  throw new UsageError(`no session named "${name}"; ${list}`);
}

function preparedFor(store: SessionStore, session: SessionDetail): PreparedSweep {
  const stored = store.getModel(session.modelId);
  if (!stored) throw new Error(`session "${session.name}": its model is missing from the database`);
  return prepareFrom(session.spec, stored.graph, session.deviceProfiles.map((d) => d.profile));
}

const describeSettings = (e: Pick<ResultEntry, 'channels' | 'precision' | 'device'>): string =>
  `${Object.entries(e.channels)
    .map(([layer, n]) => `${layer} ${n}`)
    .join(' / ')} / ${e.precision} on ${e.device}`;

// ---------------------------------------------------------------------------------------------------------------
// Chosen configurations as JSON

export interface ChosenOptions {
  /** The 3-D Pareto front (the default). */
  front?: boolean;
  /** This client's chosen configuration instead. */
  bestClient?: string;
  /** A stored configuration by its index (`tflm` and `keras-json`). */
  config?: number;
}

/** One configuration, ready to deploy or to analyse again: its edited model, its device, and every figure. */
export interface ExportedConfiguration extends Omit<ResultEntry, 'device'> {
  /** The metric the accuracy model measures, or null without one. */
  accuracyMetric: string | null;
  fits: boolean;
  memoryModel: SweepSpec['memoryModel'];
  biasMode: SweepSpec['biasMode'];
  headroom: number;
  /** The full device profile, in the device-file form (`--device` reads it back). */
  device: Record<string, unknown>;
  /** The edited model in Frontier's native format (`frontier analyze` reads it back). */
  model: NativeModelFile;
}

export interface ChosenExport {
  format: typeof CONFIGURATIONS_FORMAT;
  frontierVersion: string;
  schemaVersion: number;
  session: string;
  model: string;
  /** `front`: the 3-D Pareto front; `best`: one client's chosen configuration. */
  selection: 'front' | 'best';
  /** For `best`: the client. */
  client?: Client;
  configurations: ExportedConfiguration[];
}

export function exportChosen(store: SessionStore, name: string, options: ChosenOptions = {}): ChosenExport {
  if (options.front && options.bestClient !== undefined) {
    throw new UsageError('give either --front or --best CLIENT, not both');
  }
  const session = requireSession(store, name);
  const prepared = preparedFor(store, session);
  const summary = sessionSummary(store, name);
  let entries: ResultEntry[];
  let client: Client | undefined;
  if (options.bestClient !== undefined) {
    const wanted = options.bestClient;
    client = prepared.spec.clients.find((c) => c.name === wanted);
    if (!client) {
      const names = prepared.spec.clients.map((c) => c.name);
      throw new UsageError(
        `session "${name}" has no client "${wanted}"; ` +
          (names.length > 0 ? `its clients are ${names.join(', ')}` : 'it has no clients (sweep with --deadline NAME=SECONDS)'),
      );
    }
    const best = summary.best[wanted];
    if (!best) {
      const miss = summary.nearestMiss[wanted];
      throw new UsageError(
        `client "${wanted}" is unsatisfied in session "${name}": no configuration meets it` +
          (miss ? `; nearest miss ${describeSettings(miss.config)}: ${miss.reason}` : ''),
      );
    }
    entries = [best];
  } else {
    entries = summary.pareto;
  }
  const profiles = new Map(prepared.devices.map((d) => [d.id, d]));
  const spec = prepared.spec;
  const configurations = entries.map((e): ExportedConfiguration => {
    const { graph } = applyChannelEdits(prepared.graph, { channels: e.channels });
    const device = profiles.get(e.device) as DeviceProfile;
    return {
      idx: e.idx,
      status: e.status,
      channels: { ...e.channels },
      precision: e.precision,
      params: e.params,
      paramBytes: e.paramBytes,
      peakActivationBytes: e.peakActivationBytes,
      totalBytes: e.totalBytes,
      sramBytes: e.sramBytes,
      macs: e.macs,
      flops: e.flops,
      latencyS: e.latencyS,
      accuracy: e.accuracy,
      accuracyMetric: spec.accuracy?.metric ?? null,
      fits: e.status === 'ok',
      memoryModel: spec.memoryModel,
      biasMode: spec.biasMode,
      headroom: spec.headroom,
      device: deviceProfileToJson(device),
      model: graphToNative(graph),
    };
  });
  const out: ChosenExport = {
    format: CONFIGURATIONS_FORMAT,
    frontierVersion: FRONTIER_VERSION,
    schemaVersion: OUTPUT_SCHEMA_VERSION,
    session: name,
    model: prepared.graph.name,
    selection: client ? 'best' : 'front',
    configurations,
  };
  if (client) out.client = { ...client };
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// One configuration's files for the board: the TFLM header, the Keras architecture

/** The TFLM header or Keras JSON of a client's choice (`bestClient`) or a stored configuration (`config`). */
export function exportArtifact(store: SessionStore, name: string, format: ArtifactFormat, options: ChosenOptions): string {
  if (options.front) throw new UsageError(`--front applies to json and csv; a ${format} file is one configuration`);
  if ((options.bestClient === undefined) === (options.config === undefined)) {
    throw new UsageError(`a ${format} file is one configuration: give --best CLIENT or --config N`);
  }
  const session = requireSession(store, name);
  const prepared = preparedFor(store, session);
  let idx: number;
  let origin: string;
  if (options.bestClient !== undefined) {
    const entry = exportChosen(store, name, { bestClient: options.bestClient }).configurations[0];
    idx = entry.idx;
    origin = `session ${name}, client ${options.bestClient}'s choice (configuration #${idx})`;
  } else {
    idx = options.config as number;
    if (!Number.isInteger(idx) || idx < 0 || store.readResultsByIdx(session.id, [idx]).length === 0) {
      throw new UsageError(
        `session "${name}" has no stored configuration #${options.config}; its ${session.configs.toLocaleString('en-US')} ` +
          `stored configurations are numbered from 0 to ${(session.total - 1).toLocaleString('en-US')}`,
      );
    }
    origin = `session ${name}, configuration #${idx}`;
  }
  const settings = describeConfiguration(prepared, idx);
  const device = prepared.devices.find((d) => d.id === settings.device) as DeviceProfile;
  return configurationArtifact(format, {
    base: prepared.graph,
    configuration: {
      channels: settings.channels,
      precision: settings.precision,
      device,
      biasMode: prepared.spec.biasMode,
      inPlaceDepthwise: prepared.spec.inPlaceDepthwise,
    },
    headroom: prepared.spec.headroom,
    origin,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

/** One field per RFC 4180: quoted (with quotes doubled) when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const FIGURE_COLUMNS = [
  'params',
  'param_bytes',
  'peak_activation_bytes',
  'total_bytes',
  'sram_bytes',
  'macs',
  'flops',
  'latency_s',
  'accuracy',
  'fits',
  'front_3d',
  'front_latency',
  'front_memory',
  'message',
];

/** The CSV columns of a session: the fixed ones around one `channels.<layer>` column per editable layer. */
export function csvColumns(prepared: PreparedSweep): string[] {
  return ['idx', 'status', ...[...prepared.ctx.editable.keys()].map((n) => `channels.${n}`), 'precision', 'device', ...FIGURE_COLUMNS];
}

/**
 * Turns stored rows into CSV lines. The channel cells of a configuration depend only on its structural digits
 * (channels and prune dimensions; precision and device come last and vary fastest), so they are resolved once per
 * run of equal structure (see `channelsOf`).
 */
class CsvRows {
  private readonly names: string[];
  private readonly precisionCells: string[];
  private readonly deviceCells: string[];
  private readonly devices: DeviceProfile[];
  private readonly budgets: number[];
  /** Precision × device configurations per structure. */
  private readonly perStructure: number;
  private readonly deviceCount: number;
  private readonly precisionCount: number;
  private lastStructure = -1;
  private lastChannels = '';

  constructor(private readonly prepared: PreparedSweep) {
    const dims = prepared.space.dims;
    const precisionDim = dims[dims.length - 2];
    const deviceDim = dims[dims.length - 1];
    if (precisionDim?.kind !== 'precision' || deviceDim?.kind !== 'device') {
      throw new Error('design space without precision and device as its last dimensions');
    }
    this.names = [...prepared.ctx.editable.keys()];
    this.precisionCells = precisionDim.values.map((v) => csvField(String(v)));
    const byId = new Map(prepared.devices.map((d) => [d.id, d]));
    this.devices = deviceDim.values.map((id) => byId.get(String(id)) as DeviceProfile);
    this.deviceCells = deviceDim.values.map((v) => csvField(String(v)));
    this.budgets = this.devices.map((d) => Math.floor(d.sramBytes * (1 - prepared.spec.headroom)));
    this.deviceCount = deviceDim.values.length;
    this.precisionCount = precisionDim.values.length;
    this.perStructure = this.precisionCount * this.deviceCount;
  }

  header(): string {
    return csvColumns(this.prepared).map(csvField).join(',');
  }

  /** The channel cells (joined) of the configuration at `ordinal`. */
  private channelCells(ordinal: number): string {
    const channels = channelsOf(this.prepared, ordinal);
    return this.names.map((n) => String(channels[n])).join(',');
  }

  line(
    idx: number,
    status: number,
    params: number,
    paramBytes: number,
    peak: number,
    total: number,
    sram: number,
    macs: number,
    latency: number,
    accuracy: number,
    flags: number,
    message: string | undefined,
  ): string {
    const grid = gridIndex(this.prepared.space, idx);
    const structure = Math.floor(grid / this.perStructure);
    if (structure !== this.lastStructure) {
      this.lastStructure = structure;
      this.lastChannels = this.channelCells(idx);
    }
    const deviceDigit = grid % this.deviceCount;
    const precisionDigit = Math.floor(grid / this.deviceCount) % this.precisionCount;
    const statusName = CONFIG_STATUSES[status] ?? String(status);
    let figures: string;
    let fits: string;
    if (status === ERROR) {
      figures = ',,,,,,,,';
      fits = '';
    } else {
      figures =
        `${params},${paramBytes},${peak},${total},${sram},${macs},${2 * macs},` +
        `${latency === latency ? latency : ''},${accuracy === accuracy ? accuracy : ''}`;
      if (status === OK) fits = 'true';
      else if (status === NO_FIT) fits = 'false';
      else {
        // unsupported: no latency, but the memory fit is known from the stored bytes and the profile.
        const device = this.devices[deviceDigit];
        const flash = (device.weightsIn === 'sram' ? 0 : paramBytes) + device.runtimeFlashBytes;
        fits = sram <= this.budgets[deviceDigit] && flash <= device.flashBytes ? 'true' : 'false';
      }
    }
    let text = message;
    if (text === undefined && status === UNSUPPORTED) {
      text = `${this.prepared.space.dims[this.prepared.space.dims.length - 2].values[precisionDigit]} unsupported on ${this.devices[deviceDigit].id}: no latency`;
    }
    return (
      `${idx},${statusName},${this.lastChannels},${this.precisionCells[precisionDigit]},${this.deviceCells[deviceDigit]},` +
      `${figures},${fits},${flags & FRONT_3D ? 'true' : 'false'},${flags & FRONT_LATENCY ? 'true' : 'false'},` +
      `${flags & FRONT_MEMORY ? 'true' : 'false'},${text === undefined ? '' : csvField(text)}`
    );
  }
}

export interface CsvOptions {
  /** Only the 3-D Pareto front. */
  front?: boolean;
  /** Rows per chunk (default 8192). */
  rowsPerChunk?: number;
}

/**
 * The CSV of a session as chunks of whole lines, joined by `\n` and without the final line break: the header first,
 * then `rowsPerChunk` configurations per chunk in idx order. Rows are read as columns (one read transaction);
 * each chunk is built with one array join, so memory stays at the columns plus one chunk of text.
 */
export function csvChunks(store: SessionStore, name: string, options: CsvOptions = {}): Generator<string> {
  // The session is looked up now, so an unknown name fails before anything is written.
  const session = requireSession(store, name);
  const rows = new CsvRows(preparedFor(store, session));
  return csvLines(store, session, rows, options);
}

function* csvLines(store: SessionStore, session: SessionDetail, rows: CsvRows, options: CsvOptions): Generator<string> {
  const size = Math.max(1, options.rowsPerChunk ?? 8192);
  yield rows.header();
  if (options.front) {
    const front = store.readResults(session.id, { frontOnly: FRONT_3D });
    for (let start = 0; start < front.length; start += size) {
      const lines: string[] = [];
      for (const r of front.slice(start, start + size)) {
        lines.push(
          rows.line(
            r.idx,
            CONFIG_STATUSES.indexOf(r.status),
            r.params,
            r.paramBytes,
            r.peakActivationBytes,
            r.totalBytes,
            r.sramBytes,
            r.macs,
            r.latencyS ?? NaN,
            r.accuracy ?? NaN,
            r.flags,
            r.message,
          ),
        );
      }
      yield lines.join('\n');
    }
    return;
  }
  const c = store.readResultColumns(session.id);
  const messages = store.readMessages(session.id);
  for (let start = 0; start < c.count; start += size) {
    const end = Math.min(c.count, start + size);
    const lines: string[] = new Array(end - start);
    for (let k = start; k < end; k++) {
      const idx = c.idx[k];
      lines[k - start] = rows.line(
        idx,
        c.status[k],
        c.params[k],
        c.paramBytes[k],
        c.peakActivationBytes[k],
        c.totalBytes[k],
        c.sramBytes[k],
        c.macs[k],
        c.latencyS[k],
        c.accuracy[k],
        c.flags[k],
        messages.get(idx),
      );
    }
    yield lines.join('\n');
  }
}

/** The whole CSV as one string (header, one line per configuration, each ending in `\n`). */
export function exportCsv(store: SessionStore, name: string, options: CsvOptions = {}): string {
  const parts: string[] = [];
  for (const chunk of csvChunks(store, name, options)) parts.push(chunk, '\n');
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Session bundles

export interface BundleResults {
  count: number;
  idx: number[];
  status: ConfigStatus[];
  params: number[];
  paramBytes: number[];
  peakActivationBytes: number[];
  totalBytes: number[];
  sramBytes: number[];
  macs: number[];
  /** null where there is no latency (no device, unsupported precision, error). */
  latencyS: (number | null)[];
  /** null where there is no accuracy model (or no estimate). */
  accuracy: (number | null)[];
  /** Pareto bits (1 = 3-D, 2 = accuracy–latency, 4 = accuracy–memory); recomputed on import. */
  flags: number[];
}

export interface SessionBundle {
  format: typeof BUNDLE_FORMAT;
  version: number;
  frontierVersion: string;
  schemaVersion: number;
  session: {
    name: string;
    status: SessionStatus;
    created: string;
    elapsedS: number | null;
    total: number;
    startedAt: string | null;
    finishedAt: string | null;
    error: string | null;
  };
  spec: SweepSpec;
  model: NativeModelFile;
  /** Device profiles in design-space order, in the device-file form. */
  devices: Record<string, unknown>[];
  clients: Client[];
  results: BundleResults;
  /** [idx, message] of the configurations that failed analysis. */
  messages: [number, string][];
}

const plain = (a: ArrayLike<number>): number[] => Array.from(a);
const nullable = (a: ArrayLike<number>): (number | null)[] => Array.from(a, (v) => (v === v ? v : null));

export function exportBundle(store: SessionStore, name: string): SessionBundle {
  const session = requireSession(store, name);
  const stored = store.getModel(session.modelId);
  if (!stored) throw new Error(`session "${name}": its model is missing from the database`);
  const c = store.readResultColumns(session.id);
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    frontierVersion: FRONTIER_VERSION,
    schemaVersion: OUTPUT_SCHEMA_VERSION,
    session: {
      name: session.name,
      status: session.status,
      created: session.created,
      elapsedS: session.elapsedS,
      total: session.total,
      startedAt: session.startedAt,
      finishedAt: session.finishedAt,
      error: session.error,
    },
    spec: session.spec,
    model: graphToNative(stored.graph),
    devices: session.deviceProfiles.map((d) => deviceProfileToJson(d.profile)),
    clients: session.clients,
    results: {
      count: c.count,
      idx: plain(c.idx),
      status: Array.from(c.status, (s) => CONFIG_STATUSES[s]),
      params: plain(c.params),
      paramBytes: plain(c.paramBytes),
      peakActivationBytes: plain(c.peakActivationBytes),
      totalBytes: plain(c.totalBytes),
      sramBytes: plain(c.sramBytes),
      macs: plain(c.macs),
      latencyS: nullable(c.latencyS),
      accuracy: nullable(c.accuracy),
      flags: plain(c.flags),
    },
    messages: [...store.readMessages(session.id)],
  };
}

export interface ImportOptions {
  /** Session name in this database (default: the bundle's). */
  name?: string;
  /** Replace a session of the same name. */
  replace?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  // JSON would write an infinite number (read from 1e999) as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 60 ? `${text.slice(0, 57)}…` : text;
};
const bad = (field: string, problem: string, value: unknown): UsageError =>
  value === undefined
    ? new UsageError(`bundle: ${field} is missing; it ${problem}`)
    : new UsageError(`bundle: ${field} ${problem}, got ${show(value)}`);

const FIGURE_FIELDS = ['params', 'paramBytes', 'peakActivationBytes', 'totalBytes', 'sramBytes', 'macs'] as const;
const NULLABLE_FIELDS = ['latencyS', 'accuracy'] as const;

/** What a valid bundle holds, ready to store. */
interface CheckedBundle {
  name: string;
  status: Exclude<SessionStatus, 'running'>;
  elapsedS: number | null;
  error: string | null;
  spec: SweepSpec;
  graph: ModelGraph;
  profiles: DeviceProfile[];
  clients: Client[];
  total: number;
  columns: ResultColumns;
}

function checkBundle(json: unknown, options: ImportOptions): CheckedBundle {
  if (!isObject(json)) throw new UsageError('bundle: a session bundle must be a JSON object');
  if (json.format !== BUNDLE_FORMAT) throw bad('format', `must be "${BUNDLE_FORMAT}"`, json.format);
  if (typeof json.version !== 'number' || !Number.isInteger(json.version) || json.version < 1) {
    throw bad('version', 'must be a whole number ≥ 1', json.version);
  }
  if (json.version > BUNDLE_VERSION) {
    throw new UsageError(`bundle: version ${json.version} is newer than this Frontier reads (${BUNDLE_VERSION})`);
  }

  const s = json.session;
  if (!isObject(s)) throw bad('session', 'must be an object', s);
  const name = (options.name ?? (typeof s.name === 'string' ? s.name : '')).trim();
  if (options.name !== undefined && name === '') throw new UsageError('import: --name is empty');
  if (name === '') throw bad('session.name', 'must be a non-empty name', s.name);
  const problem = sessionNameProblem(name);
  if (problem) throw new UsageError(options.name !== undefined ? `import: --name: the session name ${problem}` : `bundle: session.name ${problem}`);
  let status: Exclude<SessionStatus, 'running'> = 'complete';
  if (s.status !== undefined && s.status !== null) {
    if (!SESSION_STATUSES.includes(s.status as SessionStatus)) {
      throw bad('session.status', `must be one of ${SESSION_STATUSES.join(', ')}`, s.status);
    }
    // A session exported while it ran has no process here: it is interrupted, and `frontier resume` finishes it.
    status = s.status === 'running' ? 'interrupted' : (s.status as Exclude<SessionStatus, 'running'>);
  }
  const elapsedS = s.elapsedS ?? null;
  if (elapsedS !== null && (typeof elapsedS !== 'number' || !Number.isFinite(elapsedS) || !(elapsedS >= 0))) {
    throw bad('session.elapsedS', 'must be a number of seconds ≥ 0 or null', elapsedS);
  }
  const error = s.error ?? null;
  if (error !== null && typeof error !== 'string') throw bad('session.error', 'must be a string or null', error);
  if (typeof s.total !== 'number' || !Number.isSafeInteger(s.total) || s.total < 0) {
    throw bad('session.total', 'must be a whole number ≥ 0', s.total);
  }
  const total = s.total;

  if (!isObject(json.spec)) throw bad('spec', 'must be a sweep spec object', json.spec);
  const spec = parseSweepSpec(json.spec, 'bundle: spec');

  let graph: ModelGraph;
  try {
    graph = nativeToGraph(json.model, 'bundle: model');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  if (!Array.isArray(json.devices) || json.devices.length === 0) {
    throw bad('devices', 'must be a non-empty list of device profiles', json.devices);
  }
  const profiles = json.devices.map((d, i) => {
    try {
      return parseDeviceProfile(d, `bundle: devices[${i}]`);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  });

  let clients = spec.clients;
  if (json.clients !== undefined && json.clients !== null) {
    if (!Array.isArray(json.clients)) throw bad('clients', 'must be a list', json.clients);
    clients = json.clients.map((c, i) => validateClient('bundle', c, i));
  }

  let prepared: PreparedSweep;
  try {
    prepared = prepareFrom(spec, graph, profiles);
  } catch (e) {
    throw new UsageError(`bundle: spec, model and devices do not make a sweep: ${(e as Error).message}`);
  }
  if (prepared.space.total !== total) {
    throw new UsageError(
      `bundle: session.total is ${total}, but its spec, model and devices give ${prepared.space.total} configurations`,
    );
  }

  const r = json.results;
  if (!isObject(r)) throw bad('results', 'must be an object of columns', r);
  if (!Array.isArray(r.idx)) throw bad('results.idx', 'must be a list', r.idx);
  const n = r.idx.length;
  if (r.count !== undefined && r.count !== n) throw bad('results.count', `must equal the length of results.idx (${n})`, r.count);
  if (n > total) throw new UsageError(`bundle: results hold ${n} configurations, more than session.total (${total})`);
  const column = (field: string): unknown[] => {
    const values = r[field];
    if (!Array.isArray(values)) throw bad(`results.${field}`, 'must be a list', values);
    if (values.length !== n) throw bad(`results.${field}`, `must hold ${n} values (as results.idx), not ${values.length}`, values.length);
    return values;
  };
  const columns: ResultColumns = allocateColumns(n);
  const seen = new Uint8Array(total);
  const position = new Map<number, number>();
  r.idx.forEach((v, k) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= total) {
      throw bad(`results.idx[${k}]`, `must be a whole number in [0, ${total})`, v);
    }
    if (seen[v]) throw bad(`results.idx[${k}]`, 'repeats a configuration', v);
    seen[v] = 1;
    columns.idx[k] = v;
    position.set(v, k);
  });
  column('status').forEach((v, k) => {
    const code = CONFIG_STATUSES.indexOf(v as ConfigStatus);
    if (code < 0) throw bad(`results.status[${k}]`, `must be one of ${CONFIG_STATUSES.join(', ')}`, v);
    columns.status[k] = code;
  });
  // Counts and bytes are exact integers, as Frontier computes them (a count past 2^53 is refused at analysis).
  for (const field of FIGURE_FIELDS) {
    const target = columns[field];
    column(field).forEach((v, k) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        throw bad(`results.${field}[${k}]`, 'must be a whole number from 0 to 2^53', v);
      }
      target[k] = v;
    });
  }
  for (const field of NULLABLE_FIELDS) {
    const target = columns[field];
    const [range, ok] =
      field === 'accuracy'
        ? ['a fraction in [0, 1]', (x: number): boolean => x >= 0 && x <= 1]
        : ['a number of seconds ≥ 0', (x: number): boolean => x >= 0];
    column(field).forEach((v, k) => {
      if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
        throw bad(`results.${field}[${k}]`, 'must be a number or null', v);
      }
      if (v !== null && !ok(v as number)) throw bad(`results.${field}[${k}]`, `must be ${range} or null`, v);
      target[k] = v === null ? NaN : v;
    });
  }
  checkFigureConsistency(columns, prepared.devices);
  if (r.flags !== undefined) {
    column('flags').forEach((v, k) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
        throw bad(`results.flags[${k}]`, 'must be a whole number in [0, 255]', v);
      }
    });
  }

  const messages = json.messages ?? [];
  if (!Array.isArray(messages)) throw bad('messages', 'must be a list of [idx, message] pairs', messages);
  messages.forEach((m, i) => {
    if (!Array.isArray(m) || m.length !== 2 || typeof m[1] !== 'string') {
      throw bad(`messages[${i}]`, 'must be an [idx, message] pair', m);
    }
    const k = position.get(m[0] as number);
    if (k === undefined) throw bad(`messages[${i}]`, 'names a configuration that is not in results.idx', m[0]);
    columns.messages?.set(k, m[1]);
  });
  return { name, status, elapsedS, error, spec, graph, profiles, clients, total, columns };
}

/**
 * The figures of each analysed configuration hold together as the analysis makes them: total = parameter bytes +
 * peak activation; the SRAM needed is the peak plus, at most, the parameter bytes and the device's runtime RAM;
 * parameter bytes lie between half a byte (int4) and four bytes (fp32, int32 biases) per parameter. A configuration
 * that failed analysis holds no figures to compare.
 */
function checkFigureConsistency(columns: ResultColumns, profiles: readonly DeviceProfile[]): void {
  const runtimeRam = Math.max(0, ...profiles.map((p) => p.runtimeRamBytes));
  const error = CONFIG_STATUSES.indexOf('error');
  for (let k = 0; k < columns.idx.length; k++) {
    if (columns.status[k] === error) continue;
    const params = columns.params[k];
    const paramBytes = columns.paramBytes[k];
    const peak = columns.peakActivationBytes[k];
    const where = `results[${k}] (configuration ${columns.idx[k]})`;
    if (columns.totalBytes[k] !== paramBytes + peak) {
      throw new UsageError(
        `bundle: ${where}: totalBytes ${columns.totalBytes[k]} is not paramBytes ${paramBytes} + peakActivationBytes ${peak}`,
      );
    }
    if (paramBytes * 2 < params || paramBytes > params * 4) {
      throw new UsageError(
        `bundle: ${where}: paramBytes ${paramBytes} cannot hold ${params} parameters (half a byte to four bytes each)`,
      );
    }
    const sram = columns.sramBytes[k];
    if (sram < peak || sram > paramBytes + peak + runtimeRam) {
      throw new UsageError(
        `bundle: ${where}: sramBytes ${sram} is outside what its peak activation (${peak}), parameter bytes and runtime RAM make`,
      );
    }
  }
}

/**
 * Stores a bundle (the object, or its JSON text) as a new session: validates all of it first (every error names
 * the field), then writes the model, devices, session, results and fronts in one transaction, so a refused or
 * failed import leaves the database as it was. The fronts are recomputed from the figures. Returns the name.
 */
/** The largest bundle file read (a session of millions of configurations is a few hundred MiB). */
export const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;

export function importBundle(store: SessionStore, bundle: unknown, options: ImportOptions = {}): string {
  const json = typeof bundle === 'string' ? parseJsonText(bundle, 'bundle') : bundle;
  const b = checkBundle(json, options);
  const n = b.columns.idx.length;
  // The fronts, over every configuration of the session (missing ones take no part).
  const accuracy = new Float64Array(b.total).fill(NaN);
  const latency = new Float64Array(b.total).fill(NaN);
  const memory = new Float64Array(b.total).fill(NaN);
  const feasible = new Uint8Array(b.total);
  for (let k = 0; k < n; k++) {
    const i = b.columns.idx[k];
    accuracy[i] = b.columns.accuracy[k];
    latency[i] = b.columns.latencyS[k];
    memory[i] = b.columns.totalBytes[k];
    feasible[i] = b.columns.status[k] === OK ? 1 : 0;
  }
  const flags = paretoFlags({ accuracy, latency, memory, feasible });
  store.db
    .transaction(() => {
      const modelId = store.upsertModel(b.graph);
      const deviceIds = b.profiles.map((p) => store.upsertDevice(p));
      const id = store.createSession({
        name: b.name,
        modelId,
        spec: b.spec,
        total: b.total,
        deviceIds,
        clients: b.clients,
        replace: options.replace,
      });
      store.insertResultColumns(id, b.columns);
      for (const bit of [FRONT_3D, FRONT_LATENCY, FRONT_MEMORY]) store.writeFront(id, bit, frontIndices(flags, bit));
      // elapsedS may be null (a session exported while it ran); the column takes NULL.
      store.finishSession(id, b.status, { elapsedS: b.elapsedS as number, error: b.error ?? undefined });
    })
    .immediate();
  return b.name;
}

// ---------------------------------------------------------------------------------------------------------------
// Whole exports, as text chunks and files

export type ExportOptions = ChosenOptions;

export function parseExportFormat(value: string | undefined): ExportFormat {
  if (value === undefined) throw new UsageError(`export needs --format: one of ${EXPORT_FORMATS.join(', ')}`);
  const lower = value.toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(lower)) {
    throw new UsageError(`unknown export format "${value}"; choose one of ${EXPORT_FORMATS.join(', ')}`);
  }
  return lower as ExportFormat;
}

/**
 * An export as text chunks, each to be followed by a line break (`json`: pretty JSON; `bundle`: compact JSON;
 * `csv`: blocks of lines). `--best` applies to json only, `--front` to json and csv.
 */
export function exportChunks(store: SessionStore, name: string, format: ExportFormat, options: ExportOptions = {}): Iterable<string> {
  if (format === 'tflm' || format === 'keras-json') return [exportArtifact(store, name, format, options).trimEnd()];
  if (options.config !== undefined) throw new UsageError('--config applies to --format tflm and keras-json');
  if (format === 'csv') {
    if (options.bestClient !== undefined) throw new UsageError('--best applies to --format json; a CSV holds all results or --front');
    return csvChunks(store, name, { front: options.front });
  }
  if (format === 'bundle') {
    if (options.front || options.bestClient !== undefined) {
      throw new UsageError('a bundle holds the whole session; --front and --best apply to --format json (and --front to csv)');
    }
    return [JSON.stringify(exportBundle(store, name))];
  }
  return [JSON.stringify(exportChosen(store, name, options), null, 2)];
}

/**
 * Writes an export to `path` through the guarded writer (files/writeFile.ts): never over a database, a device or
 * (without `force`) an existing file; atomically, so a failure leaves any existing file as it was.
 */
export function writeExportFile(
  path: string,
  store: SessionStore,
  name: string,
  format: ExportFormat,
  options: ExportOptions,
  write: OutputOptions,
): void {
  const chunks = exportChunks(store, name, format, options);
  writeOutputFile(
    path,
    (function* () {
      for (const chunk of chunks) yield `${chunk}\n`;
    })(),
    write,
  );
}
