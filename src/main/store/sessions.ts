// Sweep sessions in the database: their rows, their results (row-wise and columnar), fronts and liveness.
import { sessionNameProblem } from '../../shared/sessionName';
import { allocateColumns, type ResultColumns } from '../../shared/sweep/batch';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { FRONTIER_VERSION, OUTPUT_SCHEMA_VERSION } from '../../shared/analysis/analyze';
import type { DeviceProfile } from '../../shared/devices';
import type { ModelGraph } from '../../shared/model/types';
import {
  CONFIG_STATUSES,
  FRONT_3D,
  FRONT_LATENCY,
  FRONT_MEMORY,
  type Client,
  type ConfigResult,
  type ConfigStatus,
  type SweepSpec,
} from '../../shared/sweep/types';
import { StoreError, messageOf } from './errors';

type Db = Database.Database;
type Stmt = Database.Statement<unknown[], unknown>;

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

/** How a configuration's status is stored in `results.status`. */
export const RESULT_STATUS_CODES: Readonly<Record<ConfigStatus, number>> = Object.freeze({
  ok: 0,
  'no-fit': 1,
  unsupported: 2,
  error: 3,
});

export function statusCode(status: ConfigStatus): number {
  const code = RESULT_STATUS_CODES[status];
  if (code === undefined) throw new StoreError(`unknown configuration status "${String(status)}"`);
  return code;
}

export function statusFromCode(code: number): ConfigStatus {
  const status = CONFIG_STATUSES[code];
  if (status === undefined) throw new StoreError(`unknown configuration status code ${code}`);
  return status;
}

export type SessionStatus = 'running' | 'complete' | 'cancelled' | 'interrupted' | 'failed';
export const SESSION_STATUSES: readonly SessionStatus[] = ['running', 'complete', 'cancelled', 'interrupted', 'failed'];

export const ALL_FRONT_BITS = FRONT_3D | FRONT_LATENCY | FRONT_MEMORY;

export interface NewSession {
  name: string;
  modelId: number;
  spec: SweepSpec;
  /** Configurations in the design space (grid) or the sample (random). */
  total: number;
  /** Row ids from `upsertDevice`, in the order of the design space's device dimension. */
  deviceIds: number[];
  /** Defaults to `spec.clients`. */
  clients?: Client[];
  /** Delete a session of the same name (and its results) in the same transaction. */
  replace?: boolean;
}

export interface SessionSummary {
  id: number;
  name: string;
  status: SessionStatus;
  /** Results stored so far. */
  configs: number;
  total: number;
  /** ISO time the session was created. */
  created: string;
  /** Model name. */
  model: string;
  /** Device ids (profile ids), in design-space order. */
  devices: string[];
}

export interface SessionDetail extends SessionSummary {
  modelId: number;
  modelHash: string;
  spec: SweepSpec;
  clients: Client[];
  /** The stored profiles, in design-space order. */
  deviceProfiles: { rowId: number; profile: DeviceProfile }[];
  startedAt: string | null;
  finishedAt: string | null;
  elapsedS: number | null;
  frontierVersion: string;
  schemaVersion: number;
  pid: number | null;
  host: string | null;
  error: string | null;
}

export interface StoredModel {
  id: number;
  name: string;
  hash: string;
  graph: ModelGraph;
}

/** Stored rows of a session, ordered by idx, as columns. NULL latency/accuracy read back as NaN; status is a code. */
export type StoredColumns = Omit<ResultColumns, 'count' | 'idx' | 'messages'> & {
  count: number;
  idx: Float64Array;
  flags: Uint8Array;
};

export type StoredResult = ConfigResult & { flags: number };

export type ResultOrder =
  | 'idx'
  | 'params'
  | 'paramBytes'
  | 'peakActivationBytes'
  | 'totalBytes'
  | 'sramBytes'
  | 'macs'
  | 'latencyS'
  | 'accuracy';


export interface ReadOptions {
  /** true: rows on any front; a number: rows with any of these FRONT_* bits. */
  frontOnly?: boolean | number;
  /** Only status `ok`. */
  feasibleOnly?: boolean;
  limit?: number;
  offset?: number;
  /** Default idx. NULLs sort last; ties by idx. */
  orderBy?: ResultOrder;
  descending?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** JSON with object keys sorted, so equal content gives equal text (and hash) whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const source = v as Record<string, unknown>;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(source).sort()) sorted[k] = source[k];
    return sorted;
  });
}

export const contentHash = (json: string): string => createHash('sha256').update(json).digest('hex');

/** Whether a process with this pid exists on this machine (EPERM: it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false; // 0 / negatives address process groups
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const nowIso = (): string => new Date().toISOString();

/** Rows per multi-row INSERT: 1 + 100 × 10 parameters, far below SQLite's limit of 32766. */
const BATCH_ROWS = 100;
const BATCH_COLUMNS = 10;
const READ_CHUNK = 8192;
const IDX_CHUNK = 65536;

const RESULT_COLUMNS_SQL =
  'idx, status, params, param_bytes, peak_bytes, total_bytes, sram_bytes, macs, latency_s, accuracy, flags, message';

/** Column of StoredColumns → column of the results table. */
const COLUMN_SQL = {
  status: 'status',
  params: 'params',
  paramBytes: 'param_bytes',
  peakActivationBytes: 'peak_bytes',
  totalBytes: 'total_bytes',
  sramBytes: 'sram_bytes',
  macs: 'macs',
  latencyS: 'latency_s',
  accuracy: 'accuracy',
  flags: 'flags',
} as const;
export type ResultColumnName = keyof typeof COLUMN_SQL;
export const RESULT_COLUMN_NAMES = Object.keys(COLUMN_SQL) as readonly ResultColumnName[];

const ORDER_COLUMNS: Record<ResultOrder, string> = { idx: 'idx', ...COLUMN_SQL };

interface SessionRow {
  id: number;
  name: string;
  model_id: number;
  spec_json: string;
  status: SessionStatus;
  total: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  elapsed_s: number | null;
  frontier_version: string;
  schema_version: number;
  pid: number | null;
  host: string | null;
  error: string | null;
}

type ResultRow = [
  number, number, number, number, number, number, number, number, number | null, number | null, number, string | null,
];

function rowToResult(r: ResultRow): StoredResult {
  const result: StoredResult = {
    idx: r[0],
    status: statusFromCode(r[1]),
    params: r[2],
    paramBytes: r[3],
    peakActivationBytes: r[4],
    totalBytes: r[5],
    sramBytes: r[6],
    macs: r[7],
    latencyS: r[8],
    accuracy: r[9],
    flags: r[10],
  };
  if (r[11] !== null) result.message = r[11];
  return result;
}

function readQuery(sessionId: number, options: ReadOptions): { sql: string; params: unknown[] } {
  const where = ['session_id = ?'];
  const params: unknown[] = [sessionId];
  let from = 'results';
  if (options.frontOnly !== undefined && options.frontOnly !== false) {
    const bits = options.frontOnly === true ? 0xff : options.frontOnly;
    // `flags <> 0` verbatim makes the partial index results_front usable; INDEXED BY makes SQLite use it (without
    // statistics it would scan the session by primary key instead: ~100 ms per million rows rather than ~1 ms).
    where.push('flags <> 0', '(flags & ?) <> 0');
    params.push(bits);
    from = 'results INDEXED BY results_front';
  }
  if (options.feasibleOnly) where.push('status = 0');
  const key = options.orderBy ?? 'idx';
  const column = Object.hasOwn(ORDER_COLUMNS, key) ? ORDER_COLUMNS[key] : undefined;
  if (column === undefined) throw new StoreError(`cannot order results by "${String(key)}"`);
  const dir = options.descending ? 'DESC' : 'ASC';
  const order = column === 'idx' ? `idx ${dir}` : `${column} ${dir} NULLS LAST, idx ASC`;
  let sql = `SELECT ${RESULT_COLUMNS_SQL} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order}`;
  if (options.limit !== undefined || options.offset !== undefined) {
    const limit = options.limit ?? -1;
    const offset = options.offset ?? 0;
    if (!Number.isSafeInteger(limit) || !Number.isSafeInteger(offset) || offset < 0) {
      throw new StoreError(`bad limit/offset (${limit}, ${offset})`);
    }
    sql += ' LIMIT ? OFFSET ?';
    params.push(limit, offset);
  }
  return { sql, params };
}

function checkId(id: number, what: string): void {
  if (!Number.isSafeInteger(id) || id <= 0) throw new StoreError(`${what} must be a positive integer id (got ${id})`);
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Sessions and their results over an open database (see `openDatabase`). All statements are prepared once.
 * Not safe to share across threads (no better-sqlite3 connection is); one store per connection.
 */
export type { ResultColumns };

export class SessionStore {
  readonly db: Db;
  private readonly file: string;
  private readonly host = hostname();
  private readonly st: Record<string, Stmt>;
  private readonly readCache = new Map<string, Stmt>();
  private readonly columnReaders = new Map<string, Stmt>();

  constructor(db: Db) {
    this.db = db;
    this.file = db.name;
    const p = (sql: string): Stmt => db.prepare(sql);
    const batchRow = `(${new Array(BATCH_COLUMNS).fill('?').join(',')})`;
    this.st = {
      modelByHash: p('SELECT id FROM models WHERE hash = ?'),
      insertModel: p('INSERT INTO models (name, graph_json, hash) VALUES (?, ?, ?)'),
      modelById: p('SELECT id, name, hash, graph_json FROM models WHERE id = ?'),
      deviceByHash: p('SELECT id FROM devices WHERE hash = ?'),
      insertDevice: p('INSERT INTO devices (device_id, profile_json, hash) VALUES (?, ?, ?)'),
      sessionByName: p('SELECT * FROM sessions WHERE name = ?'),
      sessionById: p('SELECT * FROM sessions WHERE id = ?'),
      insertSession: p(
        `INSERT INTO sessions (name, model_id, spec_json, status, total, created_at, started_at, frontier_version,
           schema_version, pid, host) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertClient: p(
        'INSERT INTO clients (session_id, position, name, deadline_s, min_accuracy, device) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertSessionDevice: p('INSERT INTO session_devices (session_id, position, device_id) VALUES (?, ?, ?)'),
      deleteSession: p('DELETE FROM sessions WHERE id = ?'),
      renameSession: p('UPDATE sessions SET name = ? WHERE id = ?'),
      finishSession: p(
        `UPDATE sessions SET status = ?, finished_at = ?, elapsed_s = ?, error = ? WHERE id = ?`,
      ),
      markRunning: p(
        `UPDATE sessions SET status = 'running', pid = ?, host = ?, finished_at = NULL, error = NULL WHERE id = ?`,
      ),
      runningSessions: p(`SELECT id, pid, host FROM sessions WHERE status = 'running'`),
      markInterrupted: p(
        `UPDATE sessions SET status = 'interrupted' WHERE id = ? AND status = 'running' AND pid IS ? AND host IS ?`,
      ),
      listSessions: p(
        `SELECT s.id, s.name, s.status, s.total, s.created_at, m.name AS model,
           (SELECT count(*) FROM results r WHERE r.session_id = s.id) AS configs,
           (SELECT json_group_array(d.device_id ORDER BY sd.position)
              FROM session_devices sd JOIN devices d ON d.id = sd.device_id WHERE sd.session_id = s.id) AS devices
         FROM sessions s JOIN models m ON m.id = s.model_id
         ORDER BY s.created_at, s.id`,
      ),
      countResults: p('SELECT count(*) FROM results WHERE session_id = ?').pluck(),
      sessionState: p('SELECT id, status, finished_at AS finishedAt FROM sessions WHERE name = ?'),
      sessionClients: p(
        'SELECT name, deadline_s, min_accuracy, device FROM clients WHERE session_id = ? ORDER BY position',
      ),
      sessionDevices: p(
        `SELECT d.id, d.device_id, d.profile_json FROM session_devices sd JOIN devices d ON d.id = sd.device_id
         WHERE sd.session_id = ? ORDER BY sd.position`,
      ),
      insertOne: p(
        `INSERT INTO results (session_id, idx, status, params, param_bytes, peak_bytes, total_bytes, sram_bytes, macs,
           latency_s, accuracy, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertBatch: p(
        `INSERT INTO results (session_id, idx, status, params, param_bytes, peak_bytes, total_bytes, sram_bytes, macs,
           latency_s, accuracy) SELECT ?, * FROM (VALUES ${new Array(BATCH_ROWS).fill(batchRow).join(',')})`,
      ),
      setFlags: p('UPDATE results SET flags = flags | ? WHERE session_id = ? AND idx = ?'),
      clearFlags: p(
        // INDEXED BY: without statistics the planner prefers the primary key, i.e. scanning the whole session.
        'UPDATE results INDEXED BY results_front SET flags = flags & ~? WHERE session_id = ? AND flags <> 0 AND (flags & ?) <> 0',
      ),
      storedIdx: p(
        'SELECT idx FROM results WHERE session_id = ? AND idx > ? ORDER BY idx LIMIT ' + IDX_CHUNK,
      ).pluck(),
      messages: p(
        'SELECT idx, message FROM results INDEXED BY results_messages WHERE session_id = ? AND message IS NOT NULL ORDER BY idx',
      ).raw(),
    };
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
    checkId(sessionId, 'sessionId');
    const n = cols.count ?? cols.idx.length;
    const arrays = [
      cols.idx,
      cols.status,
      cols.params,
      cols.paramBytes,
      cols.peakActivationBytes,
      cols.totalBytes,
      cols.sramBytes,
      cols.macs,
      cols.latencyS,
      cols.accuracy,
    ];
    if (!Number.isSafeInteger(n) || n < 0) throw new StoreError(`insertResultColumns: bad count ${n}`);
    if (arrays.some((a) => !a || a.length < n)) {
      throw new StoreError(`insertResultColumns: every column needs at least ${n} values`);
    }
    if (n === 0) return;
    const { idx, status, params, paramBytes, peakActivationBytes: peak, totalBytes, sramBytes, macs, latencyS, accuracy } =
      cols;
    // Positions with a message, ascending; their 100-row blocks go through the one-row statement.
    const withMessage = cols.messages && cols.messages.size > 0 ? [...cols.messages.keys()].sort((a, b) => a - b) : [];
    const batch = this.st.insertBatch;
    const one = this.st.insertOne;
    const args: unknown[] = new Array(1 + BATCH_ROWS * BATCH_COLUMNS);
    args[0] = sessionId;
    const insertOne = (i: number): void => {
      one.run(
        sessionId, idx[i], status[i], params[i], paramBytes[i], peak[i], totalBytes[i], sramBytes[i], macs[i],
        latencyS[i], accuracy[i], cols.messages?.get(i) ?? null,
      );
    };
    this.wrap(`store results of session ${sessionId}`, () =>
      this.db.transaction(() => {
        let m = 0;
        let i = 0;
        for (; i + BATCH_ROWS <= n; i += BATCH_ROWS) {
          const end = i + BATCH_ROWS;
          while (m < withMessage.length && withMessage[m] < i) m++;
          if (m < withMessage.length && withMessage[m] < end) {
            for (let j = i; j < end; j++) insertOne(j);
            continue;
          }
          let k = 1;
          for (let j = i; j < end; j++) {
            args[k++] = idx[j];
            args[k++] = status[j];
            args[k++] = params[j];
            args[k++] = paramBytes[j];
            args[k++] = peak[j];
            args[k++] = totalBytes[j];
            args[k++] = sramBytes[j];
            args[k++] = macs[j];
            args[k++] = latencyS[j]; // NaN binds as NULL
            args[k++] = accuracy[j];
          }
          batch.run(args);
        }
        for (; i < n; i++) insertOne(i);
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
    const names = (columns ?? RESULT_COLUMN_NAMES) as readonly ResultColumnName[];
    for (const name of names) {
      if (!Object.hasOwn(COLUMN_SQL, name)) throw new StoreError(`no result column "${String(name)}"`);
    }
    const wanted = [...new Set(names)];
    const key = wanted.join(',');
    let chunk = this.columnReaders.get(key);
    if (!chunk) {
      chunk = this.db
        .prepare(
          `SELECT ${['idx', ...wanted.map((k) => COLUMN_SQL[k])].join(', ')} FROM results
           WHERE session_id = ? AND idx > ? ORDER BY idx LIMIT ${READ_CHUNK}`,
        )
        .raw();
      this.columnReaders.set(key, chunk);
    }
    const reader = chunk;
    return this.db.transaction(() => {
      // Counted inside the transaction, so the count and the rows agree while another connection writes.
      const n = this.st.countResults.get(sessionId) as number;
      const idx = new Float64Array(n);
      const arrays = wanted.map((k) => (k === 'status' || k === 'flags' ? new Uint8Array(n) : new Float64Array(n)));
      const width = arrays.length;
      let pos = 0;
      let last = -1;
      while (pos < n) {
        const rows = reader.all(sessionId, last) as (number | null)[][];
        if (rows.length === 0) break;
        const take = Math.min(rows.length, n - pos);
        for (let r = 0; r < take; r++) {
          const row = rows[r];
          idx[pos] = row[0] as number;
          for (let c = 0; c < width; c++) arrays[c][pos] = row[c + 1] ?? NaN;
          pos++;
        }
        last = rows[rows.length - 1][0] as number;
      }
      const out: Record<string, unknown> = { count: n, idx };
      wanted.forEach((k, c) => (out[k] = arrays[c]));
      return out as Pick<StoredColumns, 'count' | 'idx' | K>;
    }).deferred();
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
    try {
      return fn();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const code = (error as { code?: string }).code ?? '';
      let why = messageOf(error);
      if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' && why.includes('results.')) {
        why = 'some of these configurations are already stored for this session';
      } else if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        why = 'it refers to a session, model or device that does not exist';
      } else if (code === 'SQLITE_CONSTRAINT_NOTNULL') {
        why = `${why} (figures other than latency and accuracy must be numbers, not NaN or null)`;
      } else if (code === 'SQLITE_BUSY') {
        why = `${why} (another process holds the database)`;
      }
      throw new StoreError(`cannot ${doing} in ${this.file}: ${why}`, { file: this.file, cause: error });
    }
  }
}
