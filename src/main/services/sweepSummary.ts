// What a sweep found: the front, each client's best configuration (or nearest miss), described for people.
import { FRONTIER_VERSION, OUTPUT_SCHEMA_VERSION } from '../../shared/analysis/analyze';
import { UsageError } from '../../shared/cli/valueList';
import { chooseAll, type Candidate } from '../../shared/sweep/choose';
import { gridIndex } from '../../shared/sweep/space';
import { CONFIG_STATUSES, FRONT_3D } from '../../shared/sweep/types';
import { boardIdOf } from '../../shared/latency/runtimes';
import { deadlineRisk, latencyBand } from '../../shared/latency/model';
import type { SessionStore, StoredResult } from '../store';
import type { SessionListEntry } from '../../shared/api';
import type { MeasuredAccuracySummary, ResultEntry, SweepSummary } from '../../shared/sweep/summary';
import { bandAround, NOMINAL_COVERAGE, type MeasuredModel } from '../../shared/analysis/measuredAccuracy';
import { describeConfiguration, preparedFor, type PreparedSweep } from './sweepJob';
import { readSweepTable, type SweepTable } from './sweepTable';

const OK = CONFIG_STATUSES.indexOf('ok');

/**
 * A row's predicted accuracy: `accuracy_predicted`, or where it is NULL in a session with measured accuracy (a row
 * that was never measured and whose prediction did not change after the sweep), `accuracy` itself.
 */
function predictedOf(measured: MeasuredModel | null, row: StoredResult): number | null {
  if (!measured) return null;
  if (row.accuracyPredicted !== undefined) return row.accuracyPredicted;
  return row.accuracyMeasured === undefined ? row.accuracy : null;
}

/** Loads the stored rows of some ordinals and describes them. */
export function describeResults(store: SessionStore, id: number, prepared: PreparedSweep, ordinals: number[]): ResultEntry[] {
  const rows = store.readResultsByIdx(id, ordinals);
  const profiles = new Map(prepared.devices.map((d) => [d.id, d]));
  const measured = prepared.spec.accuracy?.kind === 'measured' ? prepared.spec.accuracy : null;
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
    accuracyMeasured: row.accuracyMeasured ?? null,
    accuracyPredicted: predictedOf(measured, row),
    accuracyBand: measured ? bandAround(measured, predictedOf(measured, row)) : null,
    };
  });
}


/** The configurations a client may be given (status ok or no-fit), from the table. */
export function candidates(prepared: PreparedSweep, table: SweepTable): Candidate[] {
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
    ...(prepared.spec.accuracy?.kind === 'measured' ? { measuredAccuracy: measuredSummary(prepared.spec.accuracy) } : {}),
  };
}

export function measuredSummary(model: MeasuredModel): MeasuredAccuracySummary {
  return {
    metric: model.metric,
    form: model.form,
    coefficients: model.coefficients,
    looError: model.band?.looError ?? null,
    bandHalfWidth: model.band?.halfWidth ?? null,
    coverage: model.band?.coverage ?? null,
    nominalCoverage: NOMINAL_COVERAGE,
    verified: model.band?.points ?? 0,
    candidates: model.candidates ?? [],
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
  const prepared = preparedFor(store, session);
  const table = readSweepTable(store, session);
  return summarize(store, name, prepared, table);
}

export function preparedForSession(store: SessionStore, name: string): PreparedSweep {
  const session = store.getSession(name);
  if (!session) throw new UsageError(`no session named "${name}"`);
  return preparedFor(store, session);
}
