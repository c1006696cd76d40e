// The results table in SQL: its columns, row decoding, query building, and the bulk column writer and reader.
import type Database from 'better-sqlite3';
import type { ResultColumns } from '../../shared/sweep/batch';
import { StoreError } from './errors';
import { statusFromCode, type ReadOptions, type ResultOrder, type StoredColumns, type StoredResult } from './sessionTypes';

type Db = Database.Database;
type Stmt = Database.Statement<unknown[], unknown>;

/** Rows per multi-row INSERT: 1 + 100 × 10 parameters, far below SQLite's limit of 32766. */
export const BATCH_ROWS = 100;
export const BATCH_COLUMNS = 10;
const READ_CHUNK = 8192;
export const IDX_CHUNK = 65536;

export const RESULT_COLUMNS_SQL =
  'idx, status, params, param_bytes, peak_bytes, total_bytes, sram_bytes, macs, latency_s, accuracy, flags, message, accuracy_measured, accuracy_predicted';

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
  accuracyMeasured: 'accuracy_measured',
  accuracyPredicted: 'accuracy_predicted',
} as const;
export type ResultColumnName = keyof typeof COLUMN_SQL;
export const RESULT_COLUMN_NAMES = Object.keys(COLUMN_SQL) as readonly ResultColumnName[];

const ORDER_COLUMNS: Record<ResultOrder, string> = { idx: 'idx', ...COLUMN_SQL };

export type ResultRow = [
  number, number, number, number, number, number, number, number, number | null, number | null, number, string | null,
  number | null, number | null,
];

export function rowToResult(r: ResultRow): StoredResult {
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
  // Only sessions with a measured accuracy model have these (schema 4); others' rows keep their old shape.
  if (r[12] !== null) result.accuracyMeasured = r[12];
  if (r[13] !== null) result.accuracyPredicted = r[13];
  return result;
}

export function readQuery(sessionId: number, options: ReadOptions): { sql: string; params: unknown[] } {
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

export function checkId(id: number, what: string): void {
  if (!Number.isSafeInteger(id) || id <= 0) throw new StoreError(`${what} must be a positive integer id (got ${id})`);
}

/**
 * The hot path: inserts `count` rows from typed arrays in one transaction, 100 rows per statement execution.
 * NaN latency/accuracy are stored as NULL. Figures other than latency/accuracy must be numbers (not NaN).
 * `wrap` names the failure (see SessionStore).
 */
export function insertColumns(
  db: Db,
  statements: { insertBatch: Stmt; insertOne: Stmt },
  sessionId: number,
  cols: ResultColumns,
  wrap: (doing: string, fn: () => void) => void,
): void {
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
  const batch = statements.insertBatch;
  const one = statements.insertOne;
  const args: unknown[] = new Array(1 + BATCH_ROWS * BATCH_COLUMNS);
  args[0] = sessionId;
  const insertOne = (i: number): void => {
    one.run(
      sessionId, idx[i], status[i], params[i], paramBytes[i], peak[i], totalBytes[i], sramBytes[i], macs[i],
      latencyS[i], accuracy[i], cols.messages?.get(i) ?? null,
    );
  };
  wrap(`store results of session ${sessionId}`, () =>
    db.transaction(() => {
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

/**
 * Every row of the session as typed arrays, ordered by idx (NULL latency/accuracy → NaN), read in chunks of 8192
 * rows inside one read transaction; `readers` caches the chunk statement per column set.
 */
export function readColumns<K extends ResultColumnName = ResultColumnName>(
  db: Db,
  readers: Map<string, Stmt>,
  countResults: Stmt,
  sessionId: number,
  columns?: readonly K[],
): Pick<StoredColumns, 'count' | 'idx' | K> {
  const names = (columns ?? RESULT_COLUMN_NAMES) as readonly ResultColumnName[];
  for (const name of names) {
    if (!Object.hasOwn(COLUMN_SQL, name)) throw new StoreError(`no result column "${String(name)}"`);
  }
  const wanted = [...new Set(names)];
  const key = wanted.join(',');
  let chunk = readers.get(key);
  if (!chunk) {
    chunk = db
      .prepare(
        `SELECT ${['idx', ...wanted.map((k) => COLUMN_SQL[k])].join(', ')} FROM results
         WHERE session_id = ? AND idx > ? ORDER BY idx LIMIT ${READ_CHUNK}`,
      )
      .raw();
    readers.set(key, chunk);
  }
  const reader = chunk;
  return db.transaction(() => {
    // Counted inside the transaction, so the count and the rows agree while another connection writes.
    const n = countResults.get(sessionId) as number;
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
