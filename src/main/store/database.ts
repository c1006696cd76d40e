// Opening the sweep database: refuse what is not Frontier's (or is damaged, or is newer) without touching it,
// then bring the schema up to date in one transaction.
import { accessSync, closeSync, constants, copyFileSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { kindOf } from '../files/readFile';
import { StoreError, messageOf } from './errors';
import { MIGRATIONS, type Migration } from './migrations/index';

// SQLite reads `file:` URIs only when told so before its first connection: a database on a read-only mount is
// opened `immutable` (see openReadOnly). Frontier's own paths are absolute, so none is taken for a URI by mistake.
process.env.SQLITE_USE_URI ??= '1';

export { StoreError } from './errors';
export type Db = Database.Database;

/** `PRAGMA application_id` of a Frontier database: "FRNT". */
export const FRONTIER_APPLICATION_ID = 0x46524e54;
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface OpenOptions {
  /** How long a statement waits for another connection's lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /** Run `PRAGMA quick_check` on an existing file (default true; linear in the file size). */
  quickCheck?: boolean;
  /** The schema versions to apply (default: all of Frontier's). For tests. */
  migrations?: readonly Migration[];
  /**
   * The caller only reads (listing, showing, exporting, comparing): a database Frontier cannot write — a read-only
   * file, directory or mount — is opened read-only instead of refused, when it is Frontier's and up to date.
   */
  readOnly?: boolean;
}

const hex = (n: number): string => `0x${(n >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;

/** What the 100-byte database header says, read without SQLite. */
interface Header {
  userVersion: number;
  applicationId: number;
}

/**
 * The first 16 bytes of a non-empty file must be SQLite's header; anything else is refused before SQLite sees it.
 * Also reads user_version (offset 60) and application_id (offset 68), big-endian.
 */
function readHeader(path: string, size: number): Header {
  if (size < SQLITE_HEADER.length) {
    throw new StoreError(`${path} is not a SQLite database (only ${size} bytes); Frontier leaves it alone`, {
      file: path,
    });
  }
  const head = Buffer.alloc(100);
  let fd: number | undefined;
  let got = 0;
  try {
    fd = openSync(path, 'r');
    got = readSync(fd, head, 0, head.length, 0);
  } catch (error) {
    throw new StoreError(`cannot read ${path}: ${messageOf(error)}`, { file: path, cause: error });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (!head.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER)) {
    throw new StoreError(`${path} is not a SQLite database (wrong header); Frontier leaves it alone`, { file: path });
  }
  if (got < 100) {
    throw new StoreError(`${path} is damaged (truncated header); Frontier leaves it alone`, { file: path });
  }
  return { userVersion: head.readInt32BE(60), applicationId: head.readUInt32BE(68) };
}

function quickCheck(db: Db, path: string): void {
  let rows: unknown[];
  try {
    rows = db.pragma('quick_check') as unknown[];
  } catch (error) {
    throw new StoreError(`${path} is damaged or not a SQLite database: ${messageOf(error)}`, { file: path, cause: error });
  }
  const problems = rows.map((row) => Object.values(row as Record<string, unknown>)[0]).filter((v) => v !== 'ok');
  if (problems.length > 0) {
    throw new StoreError(`${path} is damaged (quick_check: ${problems.slice(0, 3).join('; ')})`, { file: path });
  }
}

/** Reads what decides whether the file is ours, and refuses it when not. Writes nothing. */
function inspect(db: Db, path: string, latest: number): Header {
  let userVersion: number;
  let applicationId: number;
  let tables: number;
  let marked = false;
  let application: unknown;
  try {
    userVersion = db.pragma('user_version', { simple: true }) as number;
    applicationId = db.pragma('application_id', { simple: true }) as number;
    tables = (db.prepare(`SELECT count(*) FROM sqlite_schema WHERE type = 'table'`).pluck().get() as number) ?? 0;
    const hasMeta = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'`).pluck().get();
    if (hasMeta) {
      try {
        application = db.prepare(`SELECT value FROM meta WHERE key = 'application'`).pluck().get();
        marked = application === 'frontier';
      } catch {
        marked = false;
      }
    }
  } catch (error) {
    throw new StoreError(`cannot read ${path}: ${messageOf(error)}`, { file: path, cause: error });
  }
  refuseForeignOrNewer(path, { userVersion, applicationId }, latest);
  if (application !== undefined && application !== null && application !== 'frontier') {
    throw new StoreError(
      `${path} belongs to another application (its meta table names "${String(application).slice(0, 80)}", not frontier); Frontier leaves it alone`,
      { file: path },
    );
  }
  const ours = applicationId === FRONTIER_APPLICATION_ID || marked;
  if (ours && userVersion === 0 && tables > 0) {
    throw new StoreError(
      `${path} holds Frontier's tables but its schema version (user_version) is 0, so which schema they follow is unknown ` +
        `(the version was reset, or the file was pieced together); Frontier leaves it alone. Restore it from a copy, ` +
        `or set PRAGMA user_version to the schema it holds (this Frontier writes ${latest})`,
      { file: path },
    );
  }
  if (!ours && (tables > 0 || userVersion !== 0)) {
    throw new StoreError(
      `${path} is a SQLite database of another application (it has ${tables} table${tables === 1 ? '' : 's'} but no Frontier marker); Frontier leaves it alone`,
      { file: path },
    );
  }
  return { userVersion, applicationId };
}

function refuseForeignOrNewer(path: string, header: Header, latest: number): void {
  const { applicationId, userVersion } = header;
  if (userVersion < 0) {
    throw new StoreError(
      `${path} has schema version ${userVersion}, which no Frontier writes (damaged, or another application's); Frontier leaves it alone`,
      { file: path },
    );
  }
  if (applicationId !== 0 && applicationId !== FRONTIER_APPLICATION_ID) {
    throw new StoreError(
      `${path} belongs to another application (application_id ${hex(applicationId)}, not Frontier's ${hex(FRONTIER_APPLICATION_ID)}); Frontier leaves it alone`,
      { file: path },
    );
  }
  if (userVersion > latest) throw newerError(path, userVersion, latest);
}

const newerError = (path: string, found: number, latest: number): StoreError =>
  new StoreError(
    `${path} was written by a newer Frontier (schema ${found}; this one reads up to ${latest}); upgrade Frontier to open it`,
    { file: path },
  );

/**
 * A database Frontier cannot write is refused before SQLite opens it: a read-only connection would still create
 * -wal and -shm files it can never remove, and SQLite's own error ("unable to open database file") would read as
 * damage. The directory must be writable too, for those side files.
 */
function readOnlyProblem(path: string, exists: boolean): StoreError | null {
  const dir = dirname(path);
  const writable = (target: string): NodeJS.ErrnoException | null => {
    try {
      accessSync(target, constants.W_OK);
      return null;
    } catch (error) {
      return error as NodeJS.ErrnoException;
    }
  };
  const why = (error: NodeJS.ErrnoException): string => (error.code === 'EROFS' ? 'a read-only file system' : 'no write permission');
  const dirError = writable(dir);
  if (dirError && dirError.code !== 'ENOENT') {
    return new StoreError(
      `${path}: the directory ${dir} is read-only (${why(dirError)}); Frontier writes its database and the -wal and -shm files beside it there`,
      { file: path, cause: dirError },
    );
  }
  const fileError = exists ? writable(path) : null;
  if (fileError) {
    return new StoreError(`${path} is read-only (${why(fileError)}); Frontier needs to write to its database`, {
      file: path,
      cause: fileError,
    });
  }
  return null;
}

/**
 * A database Frontier may only read (read-only file, directory or mount), for a command that only reads: checked
 * as usual, on a read-only connection. On a read-only mount SQLite cannot create the -shm a WAL database needs even
 * to be read, so it is opened `immutable` — true there, as nobody can write it. A database that needs an upgrade,
 * or holds a write-ahead log or journal it cannot play back, is refused with the read-only reason.
 */
function openReadOnly(path: string, header: Header, latest: number, options: OpenOptions, why: StoreError): Db {
  if (header.userVersion < latest) {
    throw new StoreError(`${why.message}; it is at schema ${header.userVersion} and upgrading it to ${latest} needs write access`, {
      file: path,
    });
  }
  const timeout = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const immutable = (): Db => {
    const db = new Database(`file:${encodeURI(path).replace(/[?#]/g, encodeURIComponent)}?immutable=1`, { readonly: true, timeout });
    db.pragma('user_version');
    return db;
  };
  const shared = (): Db => {
    const db = new Database(path, { readonly: true, fileMustExist: true, timeout });
    db.pragma('user_version'); // reading is what fails when the -shm cannot be made
    return db;
  };
  // Without a -wal or -journal no connection is open on it (the last to close removes them): read as it is, creating
  // nothing beside it. With one, share it as concurrent readers do, when the -shm can be made.
  const live = [`${path}-wal`, `${path}-journal`].some((side) => existsSync(side));
  let db: Db;
  try {
    db = live ? shared() : immutable();
  } catch (error) {
    try {
      if (live) throw error;
      db = shared(); // `file:` URIs not enabled in this process: a plain read-only connection
    } catch (second) {
      throw new StoreError(`${why.message}; reading it failed too: ${messageOf(second)}`, { file: path, cause: second });
    }
  }
  try {
    if (options.quickCheck !== false) quickCheck(db, path);
    inspect(db, path, latest);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Databases of at most this size (with their WAL) are copied to be inspected; larger foreign ones are refused. */
const MAX_INSPECTED_COPY_BYTES = 64 * 1024 * 1024;

/**
 * Runs `check` on a copy of a database whose header does not say it is Frontier's but that has a live WAL (another
 * program has it open, or left it so). Even a read-only connection writes to the WAL index (-shm) of the original;
 * a copy of the file and its WAL shows the same content and touches nothing.
 */
function inspectCopy(path: string, size: number, timeout: number, check: (db: Db) => void): void {
  const wal = `${path}-wal`;
  const walSize = existsSync(wal) ? statSync(wal).size : 0;
  if (size + walSize > MAX_INSPECTED_COPY_BYTES) {
    throw new StoreError(
      `${path} has no Frontier marker in its header and is in use by another program (a live -wal); Frontier leaves it alone`,
      { file: path },
    );
  }
  const scratch = mkdtempSync(join(tmpdir(), 'frontier-inspect-'));
  try {
    const copy = join(scratch, 'copy.db');
    copyFileSync(path, copy);
    if (walSize > 0) copyFileSync(wal, `${copy}-wal`);
    if (existsSync(`${path}-journal`)) copyFileSync(`${path}-journal`, `${copy}-journal`);
    const probe = openConnection(copy, false, timeout);
    try {
      check(probe);
    } finally {
      probe.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function openConnection(path: string, readonly: boolean, timeout: number): Db {
  try {
    return new Database(path, { readonly, fileMustExist: readonly, timeout });
  } catch (error) {
    throw new StoreError(`cannot open ${path}: ${messageOf(error)}`, { file: path, cause: error });
  }
}

function migrate(db: Db, path: string, migrations: readonly Migration[], latest: number): void {
  // Up to date (the common case): no write lock, so opening never waits for another writer.
  if ((db.pragma('user_version', { simple: true }) as number) === latest) return;
  const run = db.transaction(() => {
    // Read again under the write lock: another process may have migrated meanwhile.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > latest) throw newerError(path, current, latest);
    if (current === latest) return;
    let at = current;
    for (const m of migrations) {
      if (m.version <= current) continue;
      try {
        m.up(db);
      } catch (error) {
        throw new StoreError(
          `cannot upgrade ${path} from schema ${current} to ${latest}: migration ${m.version} (${m.name}) failed: ${messageOf(error)}`,
          { file: path, cause: error },
        );
      }
      at = m.version;
    }
    db.pragma(`application_id = ${FRONTIER_APPLICATION_ID}`);
    db.pragma(`user_version = ${at}`);
  });
  try {
    run.immediate();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot upgrade ${path}: ${messageOf(error)}`, { file: path, cause: error });
  }
}

function checkMigrations(migrations: readonly Migration[]): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new StoreError(`migration list out of order: position ${i + 1} holds version ${m.version}`);
    }
  });
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
}

/**
 * Opens (creating if needed) a Frontier database and brings its schema up to date.
 *
 * Refused, with the file left byte-for-byte as it was: a non-empty file without SQLite's header, a damaged
 * database (`quick_check`), a SQLite database of another application (tables but no Frontier marker, or a foreign
 * `application_id`), and a database written by a newer Frontier (`user_version` above the latest migration).
 * These checks read the header bytes, then run on a connection that writes nothing (see the probe below).
 *
 * The connection is in WAL mode (file databases), `synchronous = NORMAL`, foreign keys on, busy timeout 5 s.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (typeof path !== 'string' || path.trim() === '') throw new StoreError('no database path given');
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = checkMigrations(migrations);
  const timeout = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const memory = path === ':memory:';

  let existing = false;
  if (!memory) {
    let size = -1;
    try {
      const stat = statSync(path);
      // Before SQLite sees it: a device or a FIFO would fail as "disk I/O error" with a -journal created beside it.
      if (!stat.isFile()) throw new StoreError(`${path} is ${kindOf(stat)}, not a database file; Frontier leaves it alone`, { file: path });
      size = stat.size;
    } catch (error) {
      if (error instanceof StoreError) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new StoreError(`cannot read ${path}: ${messageOf(error)}`, { file: path, cause: error });
      }
    }
    let header: Header | null = null;
    if (size > 0) {
      existing = true;
      // Cheap refusals first, from the header bytes alone (no SQLite, no side files).
      header = readHeader(path, size);
      refuseForeignOrNewer(path, header, latest);
    }
    const readOnly = readOnlyProblem(path, size >= 0);
    if (readOnly) {
      if (!options.readOnly || !header) throw readOnly;
      return openReadOnly(path, header, latest, options, readOnly);
    }
    if (header) {
      // Then the schema, on a connection that writes nothing. Read-write when there is no WAL file yet: closing it
      // removes the -wal/-shm it created, and an empty WAL checkpoints nothing. When a WAL file exists (another
      // program may be using the database, or left frames in it), closing must not checkpoint: a database marked as
      // Frontier's is probed read-only (sharing its WAL index is what concurrent Frontier processes do anyway), any
      // other on a copy, so that not even its -shm changes. A rollback journal is played back: see below.
      const check = (probe: Db): void => {
        if (options.quickCheck !== false) quickCheck(probe, path);
        inspect(probe, path, latest);
      };
      // A hot rollback journal (a writer killed mid-transaction) is played back by a connection that may write: on a
      // database whose header says it is Frontier's, that is the probe itself (the rollback restores the file as it
      // was before that transaction); on any other, the copy.
      const wal = existsSync(`${path}-wal`);
      const journal = existsSync(`${path}-journal`);
      if ((wal || journal) && header.applicationId !== FRONTIER_APPLICATION_ID) {
        inspectCopy(path, size, timeout, check);
      } else {
        const probe = openConnection(path, wal, timeout);
        try {
          check(probe);
        } finally {
          probe.close();
        }
      }
    }
  }

  const db = openConnection(path, false, timeout);
  try {
    if (!existing) inspect(db, path, latest); // a new or empty file: nothing to protect, but be exact anyway
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(timeout))}`);
    // Migrate before switching to WAL: switching rewrites the header, and a migration that fails rolls back to a
    // file exactly as it was (in rollback-journal mode nothing reaches the file before the commit).
    migrate(db, path, migrations, latest);
    if (!memory) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new StoreError(`${path}: cannot switch to WAL mode (got ${String(mode)})`, { file: path });
    }
    db.pragma('synchronous = NORMAL');
    db.pragma('journal_size_limit = 67108864'); // a big insert's WAL is truncated back to 64 MiB after checkpoint
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot open ${path}: ${messageOf(error)}`, { file: path, cause: error });
  }
}

/** The schema version of an open database (`PRAGMA user_version`). */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}
