// Running sweeps: the session row first, results stored batch by batch as workers finish them, then the Pareto
// flags and each client's best configuration. Cancel keeps what was finished; a resume analyses only what is missing.
import { sessionNameFrom } from '../../shared/sessionName';
import { FRONTIER_VERSION, OUTPUT_SCHEMA_VERSION } from '../../shared/analysis/analyze';
import { UsageError } from '../../shared/cli/valueList';
import { frontIndices, paretoFlags } from '../../shared/pareto';
import type { ResultColumns } from '../../shared/sweep/batch';
import { chooseAll, type Candidate } from '../../shared/sweep/choose';
import { gridIndex } from '../../shared/sweep/space';
import {
  CONFIG_STATUSES,
  FRONT_3D,
  FRONT_LATENCY,
  FRONT_MEMORY,
  type SweepSpec,
} from '../../shared/sweep/types';
import type { Worker } from 'node:worker_threads';
import type { DeviceProfile } from '../../shared/devices';
import { boardIdOf } from '../../shared/latency/runtimes';
import { deadlineRisk, latencyBand } from '../../shared/latency/model';
import type { ModelGraph } from '../../shared/model/types';
import type { SessionStore } from '../store';
import type { SessionListEntry } from '../../shared/api';
import type { ClientOutcome, ResultEntry, SweepSummary } from '../../shared/sweep/summary';
export type { ClientOutcome, ResultEntry, SweepSummary };
import { runPool, type Progress, type Range } from '../sweep/pool';
import type { WorkerSupply } from '../sweep/supply';
import { describeConfiguration, prepareFrom, prepareSweep, type PreparedSweep } from './sweepJob';

export interface SweepOptions {
  /** Session name; `<model>-<date>-<time>` when absent. */
  name?: string;
  /** Replace a session of the same name. */
  replace?: boolean;
  workers?: number;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Called once the session row exists, before any analysis. */
  onStarted?: (session: { name: string; total: number; id: number }) => void;
  /** A model already loaded (the app's), used instead of resolving `spec.model`. */
  graph?: ModelGraph;
  /** Device profiles already resolved (the app's, which may include the user's own), in `spec.devices` order. */
  profiles?: DeviceProfile[];
  /** How worker threads are made (the Electron build bundles its worker). */
  createWorker?: () => Worker;
  /** Ready workers to borrow (a long-running host keeps some). */
  supply?: WorkerSupply;
  /** Keep every configuration's parameters and MACs in the run's table too (for the app to show the session from
   * the run's own figures), up to this many configurations. */
  keepFiguresUpTo?: number;
  /** Called as soon as the work has stopped (finished or cancelled), before the fronts are written: the moment
   * to tell the user. */
  onStopped?: (run: { status: 'complete' | 'cancelled'; configs: number; total: number }) => void;
}

/** A run that has ended, as the session row now records it, with the figures of every configuration stored. */
export interface FinishedRun {
  id: number;
  name: string;
  status: 'complete' | 'cancelled';
  prepared: PreparedSweep;
  table: SweepTable;
  /** FRONT_* bits per ordinal, as written to the store. */
  flags: Uint8Array;
}

/** The figures of every stored configuration, indexed by ordinal; status 255 = not stored. */
export class SweepTable {
  readonly status: Uint8Array;
  readonly accuracy: Float64Array;
  readonly latency: Float64Array;
  readonly totalBytes: Float64Array;
  readonly sramBytes: Float64Array;
  /** Parameters and MACs too, when asked for (what the app shows besides the fronts' figures). */
  readonly params: Float64Array | null;
  readonly macs: Float64Array | null;

  constructor(
    readonly total: number,
    sizes = false,
  ) {
    this.status = new Uint8Array(total).fill(255);
    this.accuracy = new Float64Array(total);
    this.latency = new Float64Array(total);
    this.totalBytes = new Float64Array(total);
    this.sramBytes = new Float64Array(total);
    this.params = sizes ? new Float64Array(total) : null;
    this.macs = sizes ? new Float64Array(total) : null;
  }

  add(
    c: Pick<ResultColumns, 'idx' | 'status' | 'accuracy' | 'latencyS' | 'totalBytes' | 'sramBytes' | 'count'> &
      Partial<Pick<ResultColumns, 'params' | 'macs'>>,
  ): void {
    const n = c.count ?? c.idx.length;
    for (let k = 0; k < n; k++) {
      const i = c.idx[k];
      this.status[i] = c.status[k];
      this.accuracy[i] = c.accuracy[k];
      this.latency[i] = c.latencyS[k];
      this.totalBytes[i] = c.totalBytes[k];
      this.sramBytes[i] = c.sramBytes[k];
    }
    const { params, macs } = this;
    if (params && macs && c.params && c.macs) {
      for (let k = 0; k < n; k++) {
        const i = c.idx[k];
        params[i] = c.params[k];
        macs[i] = c.macs[k];
      }
    }
  }

  /** Ordinal ranges not stored yet. */
  missing(): Range[] {
    const ranges: Range[] = [];
    let start = -1;
    for (let i = 0; i <= this.total; i++) {
      const absent = i < this.total && this.status[i] === 255;
      if (absent && start < 0) start = i;
      if (!absent && start >= 0) {
        ranges.push({ start, end: i });
        start = -1;
      }
    }
    return ranges;
  }
}

function defaultName(model: string): string {
  const now = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return sessionNameFrom(model, `-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`);
}

/** Runs a sweep and summarises it (the best configuration per client, the front, in full). */
export async function runSweep(store: SessionStore, spec: SweepSpec, options: SweepOptions = {}): Promise<SweepSummary> {
  const run = await startSweep(store, spec, options);
  return summarize(store, run.name, run.prepared, run.table);
}

/** Runs a sweep to its end (or its cancel) without summarising it: what the app does, which summarises on demand. */
export async function startSweep(store: SessionStore, spec: SweepSpec, options: SweepOptions = {}): Promise<FinishedRun> {
  const prepared =
    options.graph && options.profiles ? prepareFrom(spec, options.graph, options.profiles) : await prepareSweep(spec, options.graph);
  const name = (options.name ?? defaultName(prepared.graph.name)).trim();
  if (name === '') throw new UsageError('the session name is empty');
  const modelId = store.upsertModel(prepared.graph);
  const deviceIds = prepared.devices.map((d) => store.upsertDevice(d));
  const id = store.createSession({
    name,
    modelId,
    spec,
    total: prepared.space.total,
    deviceIds,
    clients: spec.clients,
    replace: options.replace,
  });
  const table = new SweepTable(prepared.space.total, prepared.space.total <= (options.keepFiguresUpTo ?? 0));
  return execute(store, id, name, prepared, table, options);
}

export async function resumeSweep(store: SessionStore, name: string, options: SweepOptions = {}): Promise<SweepSummary> {
  const run = await startResume(store, name, options);
  return summarize(store, run.name, run.prepared, run.table);
}

/** Finishes an interrupted or cancelled sweep without summarising it. */
export async function startResume(store: SessionStore, name: string, options: SweepOptions = {}): Promise<FinishedRun> {
  const session = store.getSession(name);
  if (!session) throw new UsageError(`no session named "${name}"`);
  if (session.status === 'complete') throw new UsageError(`session "${name}" is already complete`);
  if (session.status === 'running') {
    throw new UsageError(`session "${name}" is running in another process (pid ${session.pid} on ${session.host})`);
  }
  const stored = store.getModel(session.modelId);
  if (!stored) throw new Error(`session "${name}": its model is missing from the database`);
  const prepared = prepareFrom(session.spec, stored.graph, session.deviceProfiles.map((d) => d.profile));
  if (prepared.space.total !== session.total) {
    throw new Error(`session "${name}": the stored spec now gives ${prepared.space.total} configurations, not ${session.total}`);
  }
  const sizes = session.total <= (options.keepFiguresUpTo ?? 0);
  const table = new SweepTable(session.total, sizes);
  const columns = ['status', 'accuracy', 'latencyS', 'totalBytes', 'sramBytes'] as const;
  table.add({ ...store.readResultColumns(session.id, sizes ? [...columns, 'params', 'macs'] : [...columns]) });
  store.markRunning(session.id);
  return execute(store, session.id, name, prepared, table, options);
}

async function execute(
  store: SessionStore,
  id: number,
  name: string,
  prepared: PreparedSweep,
  table: SweepTable,
  options: SweepOptions,
): Promise<FinishedRun> {
  options.onStarted?.({ name, total: prepared.space.total, id });
  const started = performance.now();
  let outcome: { cancelled: boolean };
  try {
    outcome = await runPool(prepared.job, table.missing(), {
      workers: options.workers,
      batchSize: options.batchSize,
      signal: options.signal,
      onProgress: options.onProgress,
      createWorker: options.createWorker,
      supply: options.supply,
      onResult: (columns) => {
        store.insertResultColumns(id, columns);
        table.add(columns);
      },
    });
  } catch (error) {
    store.finishSession(id, 'failed', { elapsedS: (performance.now() - started) / 1000, error: (error as Error).message });
    throw error;
  }
  const status = outcome.cancelled ? 'cancelled' : 'complete';
  if (options.onStopped) {
    let configs = 0;
    for (let i = 0; i < table.total; i++) if (table.status[i] !== 255) configs++;
    options.onStopped({ status, configs, total: table.total });
    // Let that word go out (and a cancel's reply) before the fronts are written; no request is handled before
    // they are, so nobody sees the session without them.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const flags = writeFronts(store, id, table);
  store.finishSession(id, status, { elapsedS: (performance.now() - started) / 1000 });
  return { id, name, status, prepared, table, flags };
}

const OK = CONFIG_STATUSES.indexOf('ok');

function frontFlags(table: SweepTable): Uint8Array {
  const feasible = new Uint8Array(table.total);
  for (let i = 0; i < table.total; i++) feasible[i] = table.status[i] === OK ? 1 : 0;
  return paretoFlags({ accuracy: table.accuracy, latency: table.latency, memory: table.totalBytes, feasible });
}

function writeFronts(store: SessionStore, id: number, table: SweepTable): Uint8Array {
  const flags = frontFlags(table);
  for (const bit of [FRONT_3D, FRONT_LATENCY, FRONT_MEMORY]) store.writeFront(id, bit, frontIndices(flags, bit));
  return flags;
}


/** Loads the stored rows of some ordinals and describes them. */
export function describeResults(store: SessionStore, id: number, prepared: PreparedSweep, ordinals: number[]): ResultEntry[] {
  const rows = store.readResultsByIdx(id, ordinals);
  const profiles = new Map(prepared.devices.map((d) => [d.id, d]));
  return rows.map((row) => {
    const settings = describeConfiguration(prepared, row.idx);
    const profile = profiles.get(settings.device);
    return {
    idx: row.idx,
    ...settings,
    status: row.status,
    accuracy: row.accuracy,
    latencyS: row.latencyS,
    totalBytes: row.totalBytes,
    sramBytes: row.sramBytes,
    params: row.params,
    paramBytes: row.paramBytes,
    peakActivationBytes: row.peakActivationBytes,
    macs: row.macs,
    flops: 2 * row.macs,
    latencyBand: profile && row.latencyS !== null ? latencyBand(profile, row.latencyS) : null,
    };
  });
}


function candidates(prepared: PreparedSweep, table: SweepTable): Candidate[] {
  const deviceDim = prepared.space.dims.length - 1;
  const deviceIds = prepared.space.dims[deviceDim].values as string[];
  const budget = new Map(prepared.devices.map((d) => [d.id, Math.floor(d.sramBytes * (1 - prepared.spec.headroom))]));
  const boards = new Map(prepared.devices.map((d) => [d.id, boardIdOf(d)]));
  const out: Candidate[] = [];
  for (let i = 0; i < table.total; i++) {
    const status = table.status[i];
    if (status === 255 || status > 1) continue;
    const device = deviceIds[gridIndex(prepared.space, i) % deviceIds.length];
    out.push({
      idx: i,
      status: CONFIG_STATUSES[status],
      accuracy: Number.isNaN(table.accuracy[i]) ? null : table.accuracy[i],
      latencyS: Number.isNaN(table.latency[i]) ? null : table.latency[i],
      totalBytes: table.totalBytes[i],
      sramBytes: table.sramBytes[i],
      sramBudgetBytes: budget.get(device),
      device,
      board: boards.get(device),
    });
  }
  return out;
}

export function summarize(store: SessionStore, name: string, prepared: PreparedSweep, table: SweepTable): SweepSummary {
  const session = store.getSession(name);
  if (!session) throw new Error(`session "${name}" vanished`);
  let configs = 0;
  let feasible = 0;
  for (let i = 0; i < table.total; i++) {
    if (table.status[i] !== 255) configs++;
    if (table.status[i] === OK) feasible++;
  }
  const front = store.readResults(session.id, { frontOnly: FRONT_3D }).map((r) => r.idx);
  const choices = prepared.spec.clients.length > 0 ? chooseAll(prepared.spec.clients, candidates(prepared, table)) : {};
  const wanted = new Set<number>(front);
  for (const choice of Object.values(choices)) {
    if (choice.best) wanted.add(choice.best.idx);
    if (choice.nearestMiss) wanted.add(choice.nearestMiss.candidate.idx);
  }
  const entries = new Map(describeResults(store, session.id, prepared, [...wanted]).map((e) => [e.idx, e]));
  const best: SweepSummary['best'] = {};
  const nearestMiss: SweepSummary['nearestMiss'] = {};
  for (const client of prepared.spec.clients) {
    const choice = choices[client.name];
    best[client.name] = choice?.best ? (entries.get(choice.best.idx) ?? null) : null;
    if (!choice?.best) {
      nearestMiss[client.name] = choice?.nearestMiss
        ? {
            config: entries.get(choice.nearestMiss.candidate.idx) as ResultEntry,
            missBy: { ...choice.nearestMiss.missBy },
            reason: choice.nearestMiss.reason,
          }
        : null;
    }
  }
  return {
    frontierVersion: FRONTIER_VERSION,
    schemaVersion: OUTPUT_SCHEMA_VERSION,
    session: name,
    status: session.status,
    model: prepared.graph.name,
    devices: prepared.devices.map((d) => d.id),
    configs,
    total: table.total,
    feasible,
    elapsedS: session.elapsedS,
    pareto: front.map((i) => entries.get(i) as ResultEntry),
    best,
    nearestMiss,
    deadlineRisk: Object.fromEntries(
      prepared.spec.clients.map((c) => [c.name, best[c.name] ? deadlineRisk(best[c.name] as ResultEntry, c.deadlineS) : null]),
    ),
  };
}

/** The sessions in the database, as every UI lists them. */
export function sessionList(store: SessionStore): SessionListEntry[] {
  return store.listSessions().map(({ name, status, configs, total, created, model, devices }) => ({
    name,
    status,
    configs,
    total,
    created,
    model,
    devices,
  }));
}

/** The summary of a stored session (for `show`, the app, and exports), recomputing the choices from its rows. */
export function sessionSummary(store: SessionStore, name: string): SweepSummary {
  const session = store.getSession(name);
  if (!session) throw new UsageError(`no session named "${name}"`);
  const stored = store.getModel(session.modelId);
  if (!stored) throw new Error(`session "${name}": its model is missing from the database`);
  const prepared = prepareFrom(session.spec, stored.graph, session.deviceProfiles.map((d) => d.profile));
  const table = new SweepTable(session.total);
  table.add({ ...store.readResultColumns(session.id, ['status', 'accuracy', 'latencyS', 'totalBytes', 'sramBytes']) });
  return summarize(store, name, prepared, table);
}

export function preparedForSession(store: SessionStore, name: string): PreparedSweep {
  const session = store.getSession(name);
  if (!session) throw new UsageError(`no session named "${name}"`);
  const stored = store.getModel(session.modelId);
  if (!stored) throw new Error(`session "${name}": its model is missing from the database`);
  return prepareFrom(session.spec, stored.graph, session.deviceProfiles.map((d) => d.profile));
}
