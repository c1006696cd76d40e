import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FRONTIER_APPLICATION_ID,
  openDatabase,
  schemaVersion,
  StoreError,
  type Db,
} from '../../src/main/store/database';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from '../../src/main/store/migrations/index';
import { SessionStore } from '../../src/main/store/sessions';

const repoRoot = join(import.meta.dirname, '..', '..');
let dir: string;
const open: Db[] = [];
const track = (db: Db): Db => (open.push(db), db);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontier-store-'));
});
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const tables = (db: Db): string[] =>
  (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all() as string[]);

/** Expects openDatabase to throw a StoreError matching `message` and the file to be byte-for-byte unchanged. */
function expectRefusedUnchanged(file: string, message: RegExp): StoreError {
  const before = readFileSync(file);
  let caught: unknown;
  try {
    track(openDatabase(file));
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StoreError);
  expect((caught as StoreError).message).toMatch(message);
  expect((caught as StoreError).message).toContain(file);
  expect(readFileSync(file).equals(before)).toBe(true);
  return caught as StoreError;
}

describe('openDatabase: schema', () => {
  it('migrates an in-memory database: tables, user_version, application_id, meta marker', () => {
    const db = track(openDatabase(':memory:'));
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(db.pragma('application_id', { simple: true })).toBe(FRONTIER_APPLICATION_ID);
    expect(tables(db)).toEqual([
      'clients',
      'devices',
      'evaluations',
      'meta',
      'models',
      'results',
      'session_devices',
      'sessions',
      'sqlite_sequence',
      'stored_files',
      'user_devices',
    ]);
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'application'`).pluck().get()).toBe('frontier');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    // results enforces one row per (session, configuration) without a rowid
    const sql = db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'results'`).pluck().get() as string;
    expect(sql).toMatch(/PRIMARY KEY \(session_id, idx\)/);
    expect(sql).toMatch(/WITHOUT ROWID/);
  });

  it('upgrades a schema-1 database to the latest version, keeping its data', () => {
    const file = join(dir, 'old.db');
    const old = openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) });
    old.prepare(`INSERT INTO meta (key, value) VALUES ('kept', 'yes')`).run();
    expect(schemaVersion(old)).toBe(1);
    old.close();
    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare(`SELECT value FROM meta WHERE key = 'kept'`).pluck().get()).toBe('yes');
    expect(db.prepare(`SELECT name FROM sqlite_schema WHERE name = 'user_devices'`).pluck().get()).toBe('user_devices');
  });

  it('reopening a current database runs no migration and keeps the data', () => {
    const file = join(dir, 'f.db');
    const db = openDatabase(file);
    db.prepare(`INSERT INTO meta (key, value) VALUES ('x', 'y')`).run();
    db.close();
    const again = track(openDatabase(file));
    expect(schemaVersion(again)).toBe(LATEST_SCHEMA_VERSION);
    expect(again.prepare(`SELECT value FROM meta WHERE key = 'x'`).pluck().get()).toBe('y');
  });

  it('runs all pending migrations in one transaction: a failing one leaves the file as it was', () => {
    const file = join(dir, 'f.db');
    openDatabase(file).close();
    const broken: Migration[] = [
      ...MIGRATIONS,
      { version: LATEST_SCHEMA_VERSION + 1, name: 'adds a table', up: (db) => db.exec('CREATE TABLE extra (x)') },
      {
        version: LATEST_SCHEMA_VERSION + 2,
        name: 'fails',
        up: () => {
          throw new Error('boom');
        },
      },
    ];
    expect(() => openDatabase(file, { migrations: broken })).toThrow(
      new RegExp(
        `cannot upgrade .*f\\.db from schema ${LATEST_SCHEMA_VERSION} to ${LATEST_SCHEMA_VERSION + 2}: ` +
          `migration ${LATEST_SCHEMA_VERSION + 2} \\(fails\\) failed: boom`,
      ),
    );
    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(tables(db)).not.toContain('extra');
    db.close();
    // and with the good part only, it upgrades
    const upgraded = track(openDatabase(file, { migrations: broken.slice(0, MIGRATIONS.length + 1) }));
    expect(schemaVersion(upgraded)).toBe(LATEST_SCHEMA_VERSION + 1);
    expect(tables(upgraded)).toContain('extra');
  });

  it('an empty file is initialised', () => {
    const file = join(dir, 'empty.db');
    writeFileSync(file, '');
    const db = track(openDatabase(file));
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
  });
});

describe('openDatabase: refusals leave the file untouched', () => {
  it('a database written by a newer Frontier', () => {
    const file = join(dir, 'newer.db');
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 7');
    raw.close();
    const error = expectRefusedUnchanged(file, new RegExp(`written by a newer Frontier \\(schema 7; this one reads up to ${LATEST_SCHEMA_VERSION}\\)`));
    expect(error.file).toBe(file);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('a text file', () => {
    const file = join(dir, 'notes.db');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(20));
    expectRefusedUnchanged(file, /is not a SQLite database/);
  });

  it('a file shorter than the header', () => {
    const file = join(dir, 'short.db');
    writeFileSync(file, 'SQLite');
    expectRefusedUnchanged(file, /is not a SQLite database/);
  });

  it('a damaged database (valid header, garbage after it)', () => {
    const file = join(dir, 'corrupt.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    db.close();
    const bytes = readFileSync(file);
    for (let i = 100; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff; // keep the 100-byte header, ruin the pages
    writeFileSync(file, bytes);
    expectRefusedUnchanged(file, /damaged|not a SQLite database|malformed/);
  });

  it("a SQLite database of another application (tables, no marker)", () => {
    const file = join(dir, 'other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE contacts (name TEXT, phone TEXT); INSERT INTO contacts VALUES (\'ada\', \'1\')');
    db.close();
    expectRefusedUnchanged(file, /SQLite database of another application/);
  });

  it('a WAL-mode database of another application: no side files left behind', () => {
    const file = join(dir, 'other-wal.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    expectRefusedUnchanged(file, /SQLite database of another application/);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(existsSync(`${file}-shm`)).toBe(false);
  });

  it('a database of another application that is open (with frames in its WAL) is not checkpointed', () => {
    const file = join(dir, 'busy-other.db');
    const other = new Database(file);
    other.pragma('journal_mode = WAL');
    other.pragma('wal_autocheckpoint = 0');
    other.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    const wal = readFileSync(`${file}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    expectRefusedUnchanged(file, /SQLite database of another application/);
    expect(readFileSync(`${file}-wal`).equals(wal)).toBe(true);
    other.close();
  });

  it('a SQLite database with a foreign application_id, even when empty', () => {
    const file = join(dir, 'foreign.db');
    const db = new Database(file);
    db.pragma('application_id = 1234');
    db.close();
    expectRefusedUnchanged(file, /belongs to another application \(application_id 0x000004D2/);
  });

  it('a directory', () => {
    expect(() => openDatabase(dir)).toThrow(StoreError);
  });
});

describe('openDatabase: file databases', () => {
  it('use WAL mode and synchronous NORMAL', () => {
    const db = track(openDatabase(join(dir, 'wal.db')));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
  });

  it('two connections read and write the same file', () => {
    const file = join(dir, 'shared.db');
    const a = new SessionStore(track(openDatabase(file)));
    const b = new SessionStore(track(openDatabase(file)));
    const modelId = a.upsertModel({ name: 'm', layers: [], outputs: [] });
    expect(b.upsertModel({ name: 'm', layers: [], outputs: [] })).toBe(modelId); // b sees a's commit
    // a reader is not blocked by an open write transaction (WAL): it sees the last commit
    a.db.exec('BEGIN IMMEDIATE');
    a.db.prepare(`INSERT INTO meta (key, value) VALUES ('pending', '1')`).run();
    expect(b.db.prepare(`SELECT count(*) FROM meta WHERE key = 'pending'`).pluck().get()).toBe(0);
    a.db.exec('COMMIT');
    expect(b.db.prepare(`SELECT count(*) FROM meta WHERE key = 'pending'`).pluck().get()).toBe(1);
  });

  it('a writer waits for another process to release the lock (busy timeout)', async () => {
    const file = join(dir, 'busy.db');
    const db = track(openDatabase(file));
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const D = require('better-sqlite3');
         const db = new D(${JSON.stringify(file)});
         db.exec('BEGIN IMMEDIATE');
         db.exec("INSERT INTO meta (key, value) VALUES ('child', '1')");
         process.stdout.write('locked\\n');
         const until = Date.now() + 700; while (Date.now() < until) {}
         db.exec('COMMIT'); db.close();`,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    // A second short-timeout connection gives up with a clear error…
    const impatient = new SessionStore(track(openDatabase(file, { busyTimeoutMs: 50, quickCheck: false })));
    expect(() => impatient.upsertModel({ name: 'x', layers: [], outputs: [] })).toThrow(/another process holds/);
    // …while the default 5 s timeout waits for the child's commit and then succeeds.
    const t0 = Date.now();
    db.prepare(`INSERT INTO meta (key, value) VALUES ('parent', '1')`).run();
    expect(Date.now() - t0).toBeGreaterThan(100);
    expect(await exited).toBe(0);
    expect(db.prepare(`SELECT count(*) FROM meta WHERE key IN ('child', 'parent')`).pluck().get()).toBe(2);
  });
});
