// Sweep sessions in the database: their rows, their results (row-wise and columnar), fronts and liveness.
// The vocabulary is in sessionTypes.ts, the results table's SQL in resultRows.ts.
import { sessionNameProblem } from '../../shared/sessionName';
import { allocateColumns, type ResultColumns } from '../../shared/sweep/batch';
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { FRONTIER_VERSION, OUTPUT_SCHEMA_VERSION } from '../../shared/analysis/analyze';
import type { DeviceProfile } from '../../shared/devices';
import type { ModelGraph } from '../../shared/model/types';
import type { Client, ConfigResult, SweepSpec } from '../../shared/sweep/types';
import { StoreError } from './errors';
import { canonicalJson, contentHash } from './contentHash';
import { pidAlive } from './pidAlive';
import {
  IDX_CHUNK,
  RESULT_COLUMNS_SQL,
  checkId,
  insertColumns,
  readColumns,
  readQuery,
  rowToResult,
  type ResultColumnName,
  type ResultRow,
} from './resultRows';
import {
  ALL_FRONT_BITS,
  SESSION_STATUSES,
  statusCode,
  type NewSession,
  type ReadOptions,
  type SessionDetail,
  type SessionRow,
  type SessionStatus,
  type SessionSummary,
  type StoredColumns,
  type StoredModel,
  type StoredResult,
} from './sessionTypes';
import { prepareSessionStatements, type SessionStatements } from './sessionStatements';
import { wrapSqlite } from './sqliteErrors';

export {
  RESULT_STATUS_CODES,
  statusCode,
  statusFromCode,
  SESSION_STATUSES,
  ALL_FRONT_BITS,
} from './sessionTypes';
export type {
  SessionStatus,
  NewSession,
  SessionSummary,
  SessionDetail,
  StoredModel,
  StoredColumns,
  StoredResult,
  ResultOrder,
  ReadOptions,
} from './sessionTypes';
export { canonicalJson, contentHash } from './contentHash';
export { pidAlive } from './pidAlive';
export { RESULT_COLUMN_NAMES, type ResultColumnName } from './resultRows';
export type { ResultColumns };

type Db = Database.Database;
type Stmt = Database.Statement<unknown[], unknown>;

const nowIso = (): string => new Date().toISOString();

/**
 * Sessions and their results over an open database (see `openDatabase`). All statements are prepared once.
 * Not safe to share across threads (no better-sqlite3 connection is); one store per connection.
 */
export class SessionStore {
  readonly db: Db;
  private readonly file: string;
  private readonly host = hostname();
  private readonly st: SessionStatements;
  private readonly readCache = new Map<string, Stmt>();
  private readonly columnReaders = new Map<string, Stmt>();

  constructor(db: Db) {
    this.db = db;
    this.file = db.name;
    this.st = prepareSessionStatements(db);
  }

  // ----- models and devices

  /** Stores a model graph once per content; returns its row id. */
  upsertModel(graph: ModelGraph): number {
    return this.upsertByHash('model', canonicalJson(graph), this.st.modelByHash, (json, hash) =>
      this.st.insertModel.run(graph.name ?? '', json, hash),
    );
  }

  /** Stores a device profile once per content; returns its row id. */
  upsertDevice(profile: DeviceProfile): number {
    return this.upsertByHash('device', canonicalJson(profile), this.st.deviceByHash, (json, hash) =>
      this.st.insertDevice.run(profile.id, json, hash),
    );
  }

  private upsertByHash(
    what: string,
    json: string,
    byHash: Stmt,
    insert: (json: string, hash: string) => Database.RunResult,
  ): number {
    const hash = contentHash(json);
    const known = byHash.get(hash) as { id: number } | undefined;
    if (known) return known.id; // the common case, without taking the write lock
    return this.wrap(`store the ${what}`, () =>
      this.db.transaction(() => {
        const found = byHash.get(hash) as { id: number } | undefined;
        if (found) return found.id;
        return Number(insert(json, hash).lastInsertRowid);
      }).immediate(),
    );
  }

  getModel(modelId: number): StoredModel | undefined {
    const row = this.st.modelById.get(modelId) as
      | { id: number; name: string; hash: string; graph_json: string }
      | undefined;
    if (!row) return undefined;
    return { id: row.id, name: row.name, hash: row.hash, graph: JSON.parse(row.graph_json) as ModelGraph };
  }

  // ----- session lifecycle

  /**
   * Writes the session row (status running, this pid and host) with its clients and devices; call it before any
   * analysis. A name already present is refused unless `replace`, which deletes the old session and its results in
   * the same transaction (refused while that session is being run by a live process on this host).
   */
  createSession(input: NewSession): number {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (name === '') throw new StoreError('a session needs a name');
    const problem = sessionNameProblem(name);
    if (problem) throw new StoreError(`the session name ${problem}`);
    if (!Number.isSafeInteger(input.total) || input.total < 0) {
      throw new StoreError(`session "${name}": total must be a whole number ≥ 0 (got ${input.total})`);
    }
    checkId(input.modelId, 'modelId');
    input.deviceIds.forEach((id) => checkId(id, 'device id'));
    const clients = input.clients ?? input.spec.clients ?? [];
    const specJson = JSON.stringify(input.spec);
    return this.wrap(`create session "${name}"`, () =>
      this.db.transaction(() => {
        const old = this.st.sessionByName.get(name) as SessionRow | undefined;
        if (old) {
          if (!input.replace) {
            throw new StoreError(
              `a session named "${name}" already exists in ${this.file}; use --replace to overwrite it (or pick another name)`,
              { file: this.file },
            );
          }
          this.refuseIfLive(old, 'replace');
          this.st.deleteSession.run(old.id);
        }
        const now = nowIso();
        const id = Number(
          this.st.insertSession.run(
            name,
            input.modelId,
            specJson,
            input.total,
            now,
            now,
            FRONTIER_VERSION,
            OUTPUT_SCHEMA_VERSION,
            process.pid,
            this.host,
          ).lastInsertRowid,
        );
        clients.forEach((c, i) =>
          this.st.insertClient.run(id, i, c.name, c.deadlineS, c.minAccuracy ?? null, c.device ?? null),
        );
        input.deviceIds.forEach((deviceId, i) => this.st.insertSessionDevice.run(id, i, deviceId));
        return id;
      }).immediate(),
    );
  }

  /** Ends a session: complete, cancelled, interrupted or failed (with the error in words). */
  finishSession(
    sessionId: number,
    status: Exclude<SessionStatus, 'running'>,
    info: { elapsedS: number; error?: string },
  ): void {
    if (!SESSION_STATUSES.includes(status) || status === ('running' as SessionStatus)) {
      throw new StoreError(`cannot finish a session with status "${status}"`);
    }
    const changes = this.wrap('finish the session', () =>
      this.st.finishSession.run(status, nowIso(), info.elapsedS, info.error ?? null, sessionId).changes,
    );
    if (changes === 0) throw this.noSession(sessionId);
  }

  /** For resume: the session is running again, in this process on this host. */
  markRunning(sessionId: number): void {
    this.wrap('resume the session', () =>
      this.db.transaction(() => {
        const row = this.st.sessionById.get(sessionId) as SessionRow | undefined;
        if (!row) throw this.noSession(sessionId);
        this.refuseIfLive(row, 'resume');
        this.st.markRunning.run(process.pid, this.host, sessionId);
      }).immediate(),
    );
  }

  renameSession(oldName: string, newName: string): void {
    const to = newName.trim();
    if (to === '') throw new StoreError('a session needs a name');
    const problem = sessionNameProblem(to);
    if (problem) throw new StoreError(`the new name ${problem}`);
    this.wrap(`rename session "${oldName}"`, () =>
      this.db.transaction(() => {
        const row = this.st.sessionByName.get(oldName) as SessionRow | undefined;
        if (!row) throw this.noSessionNamed(oldName);
        if (to === oldName) return;
        if (this.st.sessionByName.get(to)) {
          throw new StoreError(`a session named "${to}" already exists in ${this.file}`, { file: this.file });
        }
        this.st.renameSession.run(to, row.id);
      }).immediate(),
    );
  }

  /** Deletes a session with its results, clients and device links (models and devices stay, shared). */
  deleteSession(name: string): void {
    this.wrap(`delete session "${name}"`, () =>
      this.db.transaction(() => {
        const row = this.st.sessionByName.get(name) as SessionRow | undefined;
        if (!row) throw this.noSessionNamed(name);
        this.refuseIfLive(row, 'delete');
        this.st.deleteSession.run(row.id);
      }).immediate(),
    );
  }

  // ----- listing

  /**
   * Every session, oldest first. A `running` session whose process is gone from this host is reported — and
   * recorded — as `interrupted`; one running on another host is left as it is.
   */
  listSessions(): SessionSummary[] {
    this.detectInterrupted();
    const rows = this.st.listSessions.all() as {
      id: number;
      name: string;
      status: SessionStatus;
      total: number;
      created_at: string;
      model: string;
      configs: number;
      devices: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      configs: r.configs,
      total: r.total,
      created: r.created_at,
      model: r.model,
      devices: r.devices ? (JSON.parse(r.devices) as string[]) : [],
    }));
  }

  /**
   * A session's id, status and end time, without counting its rows: enough to tell whether it changed since it was
   * last read (a session that is not running changes only by a resume, which changes its status and end time).
   */
  sessionState(name: string): { id: number; status: SessionStatus; finishedAt: string | null } | undefined {
    return this.st.sessionState.get(name) as { id: number; status: SessionStatus; finishedAt: string | null } | undefined;
  }

  /** One session with its spec, clients and device profiles (after the same liveness check); undefined if absent. */
  getSession(name: string): SessionDetail | undefined {
    let row = this.st.sessionByName.get(name) as SessionRow | undefined;
    if (!row) return undefined;
    if (row.status === 'running' && this.interruptIfDead(row)) {
      row = this.st.sessionById.get(row.id) as SessionRow;
    }
    const model = this.st.modelById.get(row.model_id) as { name: string; hash: string };
    const clients = (
      this.st.sessionClients.all(row.id) as {
        name: string;
        deadline_s: number;
        min_accuracy: number | null;
        device: string | null;
      }[]
    ).map((c) => {
      const client: Client = { name: c.name, deadlineS: c.deadline_s };
      if (c.min_accuracy !== null) client.minAccuracy = c.min_accuracy;
      if (c.device !== null) client.device = c.device;
      return client;
    });
    const devices = (
      this.st.sessionDevices.all(row.id) as { id: number; device_id: string; profile_json: string }[]
    ).map((d) => ({ rowId: d.id, deviceId: d.device_id, profile: JSON.parse(d.profile_json) as DeviceProfile }));
    return {
      id: row.id,
      name: row.name,
      status: row.status,
      configs: this.st.countResults.get(row.id) as number,
      total: row.total,
      created: row.created_at,
      model: model.name,
      devices: devices.map((d) => d.deviceId),
      modelId: row.model_id,
      modelHash: model.hash,
      spec: JSON.parse(row.spec_json) as SweepSpec,
      clients,
      deviceProfiles: devices.map(({ rowId, profile }) => ({ rowId, profile })),
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      elapsedS: row.elapsed_s,
      frontierVersion: row.frontier_version,
      schemaVersion: row.schema_version,
      pid: row.pid,
      host: row.host,
      error: row.error,
    };
  }

  // ----- results: writing

  /** Inserts results in one transaction. A configuration already stored for the session is refused. */
  insertResults(sessionId: number, results: readonly ConfigResult[]): void {
    const n = results.length;
    const cols: ResultColumns = allocateColumns(n);
    for (let i = 0; i < n; i++) {
      const r = results[i];
      cols.idx[i] = r.idx;
      cols.status[i] = statusCode(r.status);
      cols.params[i] = r.params;
      cols.paramBytes[i] = r.paramBytes;
      cols.peakActivationBytes[i] = r.peakActivationBytes;
      cols.totalBytes[i] = r.totalBytes;
      cols.sramBytes[i] = r.sramBytes;
      cols.macs[i] = r.macs;
      cols.latencyS[i] = r.latencyS ?? NaN;
      cols.accuracy[i] = r.accuracy ?? NaN;
      if (r.message !== undefined && r.message !== null) cols.messages!.set(i, r.message);
    }
    this.insertResultColumns(sessionId, cols);
  }

  /**
   * The hot path: inserts `count` rows from typed arrays in one transaction, 100 rows per statement execution.
   * NaN latency/accuracy are stored as NULL. Figures other than latency/accuracy must be numbers (not NaN).
   */
  insertResultColumns(sessionId: number, cols: ResultColumns): void {
    insertColumns(this.db, this.st, sessionId, cols, (doing, fn) => this.wrap(doing, fn));
  }

  /** Replaces the stored spec (a measured accuracy model refitted after its verification). */
  updateSpec(sessionId: number, spec: SweepSpec): void {
    checkId(sessionId, 'sessionId');
    this.wrap('store the sweep spec', () => this.st.updateSpec.run(JSON.stringify(spec), sessionId));
  }

  /**
   * Writes the accuracy of configurations in one transaction: `measured` (NaN: not measured) and `predicted` per
   * ordinal of `idx`; `accuracy` becomes the measured value where there is one, else the predicted one.
   */
  writeAccuracy(sessionId: number, idx: ArrayLike<number>, measured: ArrayLike<number>, predicted: ArrayLike<number>): void {
    checkId(sessionId, 'sessionId');
    const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);
    this.wrap(`store the accuracy of session ${sessionId}`, () =>
      this.db.transaction(() => {
        for (let k = 0; k < idx.length; k++) {
          const m = orNull(measured[k]);
          const p = orNull(predicted[k]);
          this.st.setAccuracy.run(m ?? p, m, p, sessionId, idx[k]);
        }
      }).immediate(),
    );
  }

  /** ORs `bits` into the flags of these configurations (one transaction, one primary-key update each). */
  setFlags(sessionId: number, idxs: Iterable<number>, bits: number): number {
    let changed = 0;
    this.wrap('set front flags', () =>
      this.db.transaction(() => {
        for (const i of idxs) changed += this.st.setFlags.run(bits, sessionId, i).changes;
      }).immediate(),
    );
    return changed;
  }

  /** Clears `bits` (default all) wherever set; touches only flagged rows (partial index). */
  resetFlags(sessionId: number, bits: number = ALL_FRONT_BITS): number {
    return this.wrap('reset front flags', () => this.st.clearFlags.run(bits, sessionId, bits).changes);
  }

  /** Replaces one front: clears `bits` everywhere, then sets them on `idxs`, in one transaction. */
  writeFront(sessionId: number, bits: number, idxs: Iterable<number>): void {
    this.wrap('write the front', () =>
      this.db.transaction(() => {
        this.st.clearFlags.run(bits, sessionId, bits);
        for (const i of idxs) this.st.setFlags.run(bits, sessionId, i);
      }).immediate(),
    );
  }

  // ----- results: reading

  /** For resume: a byte per configuration of the session's `total`, 1 where a result is stored. */
  storedIndices(sessionId: number): Uint8Array {
    const row = this.st.sessionById.get(sessionId) as SessionRow | undefined;
    if (!row) throw this.noSession(sessionId);
    const bitmap = new Uint8Array(row.total);
    let last = -1;
    for (;;) {
      const chunk = this.st.storedIdx.all(sessionId, last) as number[];
      if (chunk.length === 0) break;
      for (const i of chunk) if (i < bitmap.length) bitmap[i] = 1;
      last = chunk[chunk.length - 1];
      if (chunk.length < IDX_CHUNK) break;
    }
    return bitmap;
  }

  storedCount(sessionId: number): number {
    return this.st.countResults.get(sessionId) as number;
  }

  /** Rows as ConfigResult plus flags; filters and order run in SQL. */
  readResults(sessionId: number, options: ReadOptions = {}): StoredResult[] {
    const { sql, params } = readQuery(sessionId, options);
    return (this.cachedRaw(sql).all(...params) as ResultRow[]).map(rowToResult);
  }

  /** The stored rows of some configurations (missing ones are left out), ordered by idx. */
  readResultsByIdx(sessionId: number, idxs: readonly number[]): StoredResult[] {
    const sql = `SELECT ${RESULT_COLUMNS_SQL} FROM results WHERE session_id = ? AND idx = ?`;
    const statement = this.cachedRaw(sql);
    const rows: StoredResult[] = [];
    for (const idx of [...new Set(idxs)].sort((a, b) => a - b)) {
      const row = statement.get(sessionId, idx) as ResultRow | undefined;
      if (row) rows.push(rowToResult(row));
    }
    return rows;
  }

  /** The query plan of `readResults` with these options (EXPLAIN QUERY PLAN details), to check index use. */
  explainReadResults(sessionId: number, options: ReadOptions = {}): string[] {
    const { sql, params } = readQuery(sessionId, options);
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
  }

  /**
   * Every row of the session as typed arrays, ordered by idx (NULL latency/accuracy → NaN), read in chunks of 8192
   * rows inside one read transaction. `columns` picks the columns to read (idx and count always come): the cost is
   * mostly per value (~0.12 µs) plus per row (~0.25 µs): all columns of 1M rows take ~1.7 s, the four Pareto needs ~1 s.
   */
  readResultColumns<K extends ResultColumnName = ResultColumnName>(
    sessionId: number,
    columns?: readonly K[],
  ): Pick<StoredColumns, 'count' | 'idx' | K> {
    return readColumns(this.db, this.columnReaders, this.st.countResults, sessionId, columns);
  }

  /** idx → message for the rows that have one (partial index; cheap). */
  readMessages(sessionId: number): Map<number, string> {
    return new Map(this.st.messages.all(sessionId) as [number, string][]);
  }

  // ----- internals

  private cachedRaw(sql: string): Stmt {
    let stmt = this.readCache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql).raw();
      this.readCache.set(sql, stmt);
    }
    return stmt;
  }

  /** Whether the session's process is known alive: on this host with a live pid (other hosts: unknown → no). */
  private liveOnThisHost(row: Pick<SessionRow, 'status' | 'pid' | 'host'>): boolean {
    return row.status === 'running' && row.host === this.host && row.pid !== null && pidAlive(row.pid);
  }

  /** Refuses to replace, delete or resume a session another live process on this host is running. */
  private refuseIfLive(row: SessionRow, action: string): void {
    if (row.pid === process.pid || !this.liveOnThisHost(row)) return;
    throw new StoreError(
      `cannot ${action} session "${row.name}": it is still running (pid ${row.pid} on this host); stop it first`,
      { file: this.file },
    );
  }

  /** Marks a dead running session of this host as interrupted; returns whether it did. */
  private interruptIfDead(row: Pick<SessionRow, 'id' | 'pid' | 'host'>): boolean {
    if (row.host !== this.host || row.pid === null || pidAlive(row.pid)) return false;
    return this.wrap('mark an interrupted session', () => this.st.markInterrupted.run(row.id, row.pid, row.host).changes) > 0;
  }

  private detectInterrupted(): void {
    for (const row of this.st.runningSessions.all() as Pick<SessionRow, 'id' | 'pid' | 'host'>[]) {
      this.interruptIfDead(row);
    }
  }

  private noSession(id: number): StoreError {
    return new StoreError(`no session with id ${id} in ${this.file}`, { file: this.file });
  }

  private noSessionNamed(name: string): StoreError {
    return new StoreError(`no session named "${name}" in ${this.file}`, { file: this.file });
  }

  /** Runs `fn`, turning SQLite errors into StoreErrors that say what was being done and in which file. */
  private wrap<T>(doing: string, fn: () => T): T {
    return wrapSqlite(this.file, doing, fn);
  }
}
