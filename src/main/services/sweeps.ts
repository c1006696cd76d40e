// Running one sweep, new or resumed: prepared in sweepJob.ts, then the session row, results stored batch by batch as
// workers finish them, then the Pareto flags; sweepSummary.ts says what it found (each client's best configuration).
// Cancel keeps what was finished; a resume analyses only what is missing.
import { sessionNameFrom } from '../../shared/sessionName';
import { UsageError } from '../../shared/cli/valueList';
import { frontIndices } from '../../shared/pareto';
import { FRONT_3D, FRONT_LATENCY, FRONT_MEMORY, type SweepSpec } from '../../shared/sweep/types';
import type { Worker } from 'node:worker_threads';
import type { DeviceProfile } from '../../shared/devices';
import type { ModelGraph } from '../../shared/model/types';
import type { SessionStore } from '../store';
import type { ClientOutcome, ResultEntry, SweepSummary } from '../../shared/sweep/summary';
export type { ClientOutcome, ResultEntry, SweepSummary };
import { runPool, type Progress } from '../sweep/pool';
import type { WorkerSupply } from '../sweep/supply';
import { preparedFor, prepareFrom, prepareSweep, type PreparedSweep } from './sweepJob';
import { frontFlags, readSweepTable, SweepTable } from './sweepTable';
import { finishMeasured, measureForSweep, useAccuracyModel, type PhaseProgress } from './sweepAccuracy';
import { EvaluationCancelled } from '../engine/evaluate';
import { openMeasurer, type Measurer } from '../sweep/measure';
import { summarize } from './sweepSummary';

export { SweepTable, readSweepTable } from './sweepTable';
export { describeResults, summarize, sessionList, sessionSummary, preparedForSession } from './sweepSummary';

export interface SweepOptions {
  /** Session name; `<model>-<date>-<time>` when absent. */
  name?: string;
  /** Replace a session of the same name. */
  replace?: boolean;
  workers?: number;
  batchSize?: number;
  signal?: AbortSignal;
  /** With measured accuracy (`spec.data`), progress says its phase: sensitivity, sweep, verify. */
  onProgress?: (progress: PhaseProgress) => void;
  /** Called once the session row exists, before any analysis. */
  onStarted?: (session: { name: string; total: number; id: number }) => void;
  /** A model already loaded (the app's), used instead of resolving `spec.model`. */
  graph?: ModelGraph;
  /** Device profiles already resolved (the app's, which may include the user's own), in `spec.devices` order. */
  profiles?: DeviceProfile[];
  /** How worker threads are made (the Electron build bundles its worker). */
  createWorker?: () => Worker;
  /** The worker that runs measured-accuracy evaluations (the packaged app passes the one its bundler built). */
  createEvaluationWorker?: () => Worker;
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
export async function startSweep(store: SessionStore, given: SweepSpec, options: SweepOptions = {}): Promise<FinishedRun> {
  // A copy: a measured accuracy model is set on it as the run goes, never on the caller's spec.
  const spec: SweepSpec = { ...given };
  // A new sweep with data measures afresh (a spec copied from an earlier session may carry its fitted model).
  if (spec.data) spec.accuracy = null;
  const prepared =
    options.graph && options.profiles ? prepareFrom(spec, options.graph, options.profiles) : await prepareSweep(spec, options.graph);
  const name = (options.name ?? defaultName(prepared.graph.name)).trim();
  if (name === '') throw new UsageError('the session name is empty');
  // The model's weights and the data are opened before the session exists: a wrong path is the user's to fix.
  const measurer = spec.data ? await openMeasurer({ ...spec, data: spec.data }, { db: store.db, createWorker: options.createEvaluationWorker }) : undefined;
  const modelId = store.upsertModel(prepared.graph);
  const deviceIds = prepared.devices.map((d) => store.upsertDevice(d));
  let id: number;
  try {
    id = store.createSession({
      name,
      modelId,
      spec,
      total: prepared.space.total,
      deviceIds,
      clients: spec.clients,
      replace: options.replace,
    });
  } catch (error) {
    measurer?.close();
    throw error;
  }
  const table = new SweepTable(prepared.space.total, prepared.space.total <= (options.keepFiguresUpTo ?? 0));
  return execute(store, id, name, prepared, table, options, measurer);
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
  const prepared = preparedFor(store, session);
  if (prepared.space.total !== session.total) {
    throw new Error(`session "${name}": the stored spec now gives ${prepared.space.total} configurations, not ${session.total}`);
  }
  const table = readSweepTable(store, session, session.total <= (options.keepFiguresUpTo ?? 0));
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
  opened?: Measurer,
): Promise<FinishedRun> {
  options.onStarted?.({ name, total: prepared.space.total, id });
  const started = performance.now();
  let outcome: { cancelled: boolean };
  const spec = prepared.spec;
  let resumed = false;
  for (let i = 0; i < table.total && !resumed; i++) if (table.status[i] !== 255) resumed = true;
  // With data, the accuracy is measured: the model and data are opened once, when first needed.
  let measurer: Measurer | undefined = opened;
  const measure = async (): Promise<Measurer> => (measurer ??= await openMeasurer({ ...spec, data: spec.data as NonNullable<SweepSpec['data']> }, { db: store.db, createWorker: options.createEvaluationWorker }));
  const phased = spec.data && options.onProgress ? (p: Progress) => options.onProgress?.({ ...p, phase: 'sweep' }) : options.onProgress;
  try {
    if (spec.data && spec.accuracy?.kind !== 'measured') {
      try {
        useAccuracyModel(prepared, await measureForSweep(await measure(), prepared, { signal: options.signal, onProgress: options.onProgress }));
      } catch (error) {
        if (!(error instanceof EvaluationCancelled)) throw error;
        // Cancelled before any configuration: nothing to keep; a resume measures again.
        options.onStopped?.({ status: 'cancelled', configs: 0, total: table.total });
        store.finishSession(id, 'cancelled', { elapsedS: (performance.now() - started) / 1000 });
        return { id, name, status: 'cancelled', prepared, table, flags: new Uint8Array(table.total) };
      }
      store.updateSpec(id, spec);
    }
    outcome = await runPool(prepared.job, table.missing(), {
      workers: options.workers,
      batchSize: options.batchSize,
      signal: options.signal,
      onProgress: phased,
      createWorker: options.createWorker,
      supply: options.supply,
      onResult: (columns) => {
        store.insertResultColumns(id, columns);
        table.add(columns);
      },
    });
    if (!outcome.cancelled && spec.accuracy?.kind === 'measured') {
      const finished = await finishMeasured(store, id, prepared, table, { measurer: measure, signal: options.signal, onProgress: options.onProgress, resumed });
      // Cancelled while verifying: the session says so, and a resume verifies the rest of the budget.
      if (finished.cancelled) outcome = { cancelled: true };
    }
  } catch (error) {
    store.finishSession(id, 'failed', { elapsedS: (performance.now() - started) / 1000, error: (error as Error).message });
    throw error;
  } finally {
    measurer?.close();
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

function writeFronts(store: SessionStore, id: number, table: SweepTable): Uint8Array {
  const flags = frontFlags(table);
  for (const bit of [FRONT_3D, FRONT_LATENCY, FRONT_MEMORY]) store.writeFront(id, bit, frontIndices(flags, bit));
  return flags;
}
