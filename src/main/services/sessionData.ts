// A session's results as the app shows them (typed columns, and the summary with each client's choice), kept for
// the sessions opened last. Reading a quarter of a million rows back from SQLite takes about half a second, and
// choosing for each client as long again; a session the app just ran is taken from the run's own figures, and a
// session opened again (Results, then Sessions, a reload) is served from memory. An entry is used only while the
// session's row still says the same (id, status, end time) and the session is not running: a resume, or another
// process writing to it, makes it read afresh. What is kept is bounded (about 70 bytes per configuration, at most
// `maxRows` configurations in all); a larger session is read each time it is opened.
import type { ResultColumnsView } from '../../shared/api';
import { UsageError } from '../../shared/cli/valueList';
import { bandFactors } from '../../shared/latency/model';
import type { SweepSummary } from '../../shared/sweep/summary';
import type { SessionDetail, SessionStore } from '../store';
import { channelsOf, type PreparedSweep } from './sweepJob';
import { measuredSummary } from './sweepSummary';
import { preparedForSession, summarize, SweepTable, type FinishedRun } from './sweeps';

/** Configurations kept in all (about 300 MB at most). */
export const DEFAULT_CACHED_ROWS = 4_194_304;

interface Entry {
  key: string;
  name: string;
  /** The session as read when the entry was made. */
  detail: SessionDetail;
  prepared: PreparedSweep;
  columns: ResultColumnsView;
  summary: SweepSummary | null;
}

const keyOf = (s: Pick<SessionDetail, 'id' | 'status' | 'finishedAt'>): string => `${s.id}|${s.status}|${s.finishedAt ?? ''}`;

type TableWithSizes = SweepTable & { params: Float64Array; macs: Float64Array };

/** The typed columns of the stored rows of `table` (ordinals with a status), with settings decoded per row. */
export function columnsOf(
  name: string,
  prepared: PreparedSweep,
  table: TableWithSizes,
  flagsByOrdinal: ArrayLike<number>,
  messages: Map<number, string>,
): ResultColumnsView {
  let n = 0;
  for (let i = 0; i < table.total; i++) if (table.status[i] !== 255) n++;
  const dims = prepared.space.dims;
  const precisionDim = dims.findIndex((d) => d.kind === 'precision');
  const deviceDim = dims.findIndex((d) => d.kind === 'device');
  // Dimensions are structural first, then precision, then device: a grid index is
  // ((structure · precisions) + precision) · devices + device.
  const nd = dims[deviceDim].values.length;
  const np = dims[precisionDim].values.length;
  const layers = [...prepared.ctx.editable.keys()];
  const out: ResultColumnsView = {
    session: name,
    count: n,
    idx: new Uint32Array(n),
    status: new Uint8Array(n),
    accuracy: new Float64Array(n),
    latencyS: new Float64Array(n),
    totalBytes: new Float64Array(n),
    sramBytes: new Float64Array(n),
    params: new Float64Array(n),
    macs: new Float64Array(n),
    flags: new Uint8Array(n),
    precision: new Uint8Array(n),
    device: new Uint16Array(n),
    precisions: dims[precisionDim].values.map(String),
    devices: dims[deviceDim].values.map(String),
    deviceBands: dims[deviceDim].values.map((id) => {
      const profile = prepared.devices.find((d) => d.id === id);
      return profile ? bandFactors(profile) : { lowFactor: 1, highFactor: 1, basis: 'unknown device' };
    }),
    layers,
    channels: layers.map(() => new Uint32Array(n)),
    messages: {},
  };
  const byStructure = new Map<number, number[]>();
  const samples = prepared.space.samples;
  let k = 0;
  for (let i = 0; i < table.total; i++) {
    if (table.status[i] === 255) continue;
    out.idx[k] = i;
    out.status[k] = table.status[i];
    out.accuracy[k] = table.accuracy[i];
    out.latencyS[k] = table.latency[i];
    out.totalBytes[k] = table.totalBytes[i];
    out.sramBytes[k] = table.sramBytes[i];
    out.params[k] = table.params[i];
    out.macs[k] = table.macs[i];
    out.flags[k] = flagsByOrdinal[i];
    const g = samples ? samples[i] : i;
    out.device[k] = g % nd;
    const rest = Math.floor(g / nd);
    out.precision[k] = rest % np;
    const structure = Math.floor(rest / np);
    let counts = byStructure.get(structure);
    if (!counts) {
      const described = channelsOf(prepared, i);
      counts = layers.map((l) => described[l]);
      byStructure.set(structure, counts);
    }
    for (let l = 0; l < layers.length; l++) out.channels[l][k] = counts[l];
    k++;
  }
  for (const [idx, text] of messages) out.messages[String(idx)] = text;
  const accuracy = prepared.spec.accuracy;
  if (accuracy?.kind === 'measured') {
    out.measuredAccuracy = measuredSummary(accuracy);
    out.accuracyMeasured = new Float64Array(n).fill(NaN);
    out.accuracyPredicted = new Float64Array(n).fill(NaN);
    const { accuracyMeasured: m, accuracyPredicted: p } = table;
    if (m && p) {
      for (let j = 0; j < n; j++) {
        out.accuracyMeasured[j] = m[out.idx[j]];
        out.accuracyPredicted[j] = p[out.idx[j]];
      }
    }
  }
  return out;
}

/** The figures the chooser needs, by ordinal, from a session's columns. */
function tableOf(columns: ResultColumnsView, total: number): SweepTable {
  const table = new SweepTable(total);
  table.add({ ...columns, idx: columns.idx });
  return table;
}

export class SessionCache {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly store: SessionStore,
    /** Configurations kept in all, over the sessions kept. */
    private readonly maxRows = DEFAULT_CACHED_ROWS,
  ) {}

  columns(name: string): ResultColumnsView {
    return this.entry(name).columns;
  }

  /** The session as read, its prepared sweep and its summary: what `sessions.get` answers. */
  view(name: string): { detail: SessionDetail; prepared: PreparedSweep; summary: SweepSummary } {
    const entry = this.entry(name);
    entry.summary ??= summarize(this.store, entry.name, entry.prepared, tableOf(entry.columns, entry.detail.total));
    return { detail: entry.detail, prepared: entry.prepared, summary: entry.summary };
  }

  /** Keeps a run that just ended, from its own figures (nothing is read back), when the run kept them. */
  remember(run: FinishedRun): void {
    const { params, macs } = run.table;
    if (!params || !macs) return;
    const session = this.store.getSession(run.name);
    if (!session || session.id !== run.id) return;
    const table = run.table as TableWithSizes;
    const columns = columnsOf(run.name, run.prepared, table, run.flags, this.store.readMessages(run.id));
    this.put(run.id, { key: keyOf(session), name: run.name, detail: session, prepared: run.prepared, columns, summary: null });
  }

  /** Drops what is kept of a session (renamed, deleted, replaced). */
  forget(name: string): void {
    for (const [id, entry] of this.entries) if (entry.name === name) this.entries.delete(id);
  }

  private entry(name: string): Entry {
    const state = this.store.sessionState(name);
    if (!state) throw new UsageError(`no session named "${name}"`);
    const kept = this.entries.get(state.id);
    if (kept && state.status !== 'running' && kept.key === keyOf(state) && kept.name === name) {
      this.entries.delete(state.id);
      this.entries.set(state.id, kept);
      return kept;
    }
    const session = this.store.getSession(name);
    if (!session) throw new UsageError(`no session named "${name}"`);
    const prepared = preparedForSession(this.store, name);
    const table = new SweepTable(session.total, true) as TableWithSizes;
    const stored = this.store.readResultColumns(session.id, [
      'status',
      'accuracy',
      'latencyS',
      'totalBytes',
      'sramBytes',
      'params',
      'macs',
      'flags',
    ]);
    table.add(stored);
    if (session.spec.accuracy?.kind === 'measured') {
      const more = this.store.readResultColumns(session.id, ['accuracyMeasured', 'accuracyPredicted']);
      table.accuracyMeasured = new Float64Array(session.total).fill(NaN);
      table.accuracyPredicted = new Float64Array(session.total).fill(NaN);
      for (let k = 0; k < more.count; k++) {
        const i = more.idx[k];
        table.accuracyMeasured[i] = more.accuracyMeasured[k];
        // NULL predicted and not measured: the prediction is the stored accuracy (see finishMeasured).
        const p = more.accuracyPredicted[k];
        table.accuracyPredicted[i] = Number.isNaN(p) && Number.isNaN(more.accuracyMeasured[k]) ? table.accuracy[i] : p;
      }
    }
    const flags = new Uint8Array(session.total);
    for (let k = 0; k < stored.count; k++) flags[stored.idx[k]] = stored.flags[k];
    const columns = columnsOf(name, prepared, table, flags, this.store.readMessages(session.id));
    const entry: Entry = { key: keyOf(session), name, detail: session, prepared, columns, summary: null };
    this.put(session.id, entry);
    return entry;
  }

  /** Keeps an entry (the most recent last), dropping the oldest while the rows kept exceed the budget. */
  private put(id: number, entry: Entry): void {
    this.entries.delete(id);
    if (entry.columns.count > this.maxRows) return;
    this.entries.set(id, entry);
    let rows = 0;
    for (const e of this.entries.values()) rows += e.columns.count;
    for (const [oldest, e] of this.entries) {
      if (rows <= this.maxRows) break;
      this.entries.delete(oldest);
      rows -= e.columns.count;
    }
  }
}
