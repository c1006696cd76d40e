// Refusing a database never writes to it: the file stays byte-identical and no -wal or -shm appears beside it.
// And a read-only file or directory is said to be read-only, not "damaged".
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, StoreError } from '../../src/main/store/database';
import { LATEST_SCHEMA_VERSION } from '../../src/main/store/migrations/index';

const repoRoot = join(import.meta.dirname, '..', '..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontier-refusals-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refused(file: string, message: RegExp): void {
  const before = readFileSync(file);
  const siblings = readdirSync(dir).sort();
  let caught: unknown;
  try {
    openDatabase(file).close();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StoreError);
  expect((caught as Error).message).toMatch(message);
  expect(readFileSync(file).equals(before), 'the file is byte-identical').toBe(true);
  expect(readdirSync(dir).sort(), 'no -wal, -shm or -journal appeared').toEqual(siblings);
}

/** A Frontier database, closed, in rollback-journal mode (as a file copied or vacuumed elsewhere may be). */
function frontierDb(name: string, journal: 'wal' | 'delete'): string {
  const file = join(dir, name);
  openDatabase(file).close();
  const raw = new Database(file);
  raw.pragma(`journal_mode = ${journal}`);
  raw.close();
  return file;
}

describe('refused databases are left exactly as they were', () => {
  it.each(['wal', 'delete'] as const)('user_version −1 (%s mode)', (journal) => {
    const file = frontierDb(`minus-${journal}.db`, journal);
    const raw = new Database(file);
    raw.pragma('user_version = -1');
    raw.close();
    refused(file, /schema version -1, which no Frontier writes/);
  });

  it.each(['wal', 'delete'] as const)('user_version 1 on a database of the latest schema (%s mode)', (journal) => {
    const file = frontierDb(`one-${journal}.db`, journal);
    const raw = new Database(file);
    raw.pragma('user_version = 1');
    raw.close();
    refused(file, new RegExp(`cannot upgrade .* from schema 1 to ${LATEST_SCHEMA_VERSION}: migration 2 .* failed`));
  });

  it('a database of another application with a live WAL: its -wal and -shm are not touched', () => {
    const file = join(dir, 'live.db');
    const other = new Database(file);
    other.pragma('journal_mode = WAL');
    other.pragma('wal_autocheckpoint = 0');
    other.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    const wal = readFileSync(`${file}-wal`);
    const shm = readFileSync(`${file}-shm`);
    refused(file, /SQLite database of another application/);
    expect(readFileSync(`${file}-wal`).equals(wal)).toBe(true);
    expect(readFileSync(`${file}-shm`).equals(shm), 'the -shm is byte-identical').toBe(true);
    other.close();
  });

  it('a Frontier database in use by another connection still opens (its marker may still be in the WAL)', () => {
    const file = join(dir, 'shared.db');
    const first = openDatabase(file);
    const second = openDatabase(file);
    second.close();
    first.close();
    const copy = join(dir, 'copy.db');
    copyFileSync(file, copy);
    openDatabase(copy).close();
  });
});

/**
 * Runs `frontier sessions --db FILE` (or another command) as an unprivileged user when this runs as root (root
 * ignores permissions).
 */
function sessionsAs(file: string, command: string[] = ['sessions']): { code: number; stderr: string } {
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'frontier.mjs'), ...command, '--db', file], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, HOME: dir },
    timeout: 60_000,
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  return { code: r.status ?? -1, stderr: r.stderr };
}

describe.runIf(process.platform !== 'win32')('read-only files and directories', () => {
  beforeEach(() => chmodSync(dir, 0o777));

  it('a read-only database is listed, reported as read-only to a command that writes, and nothing appears beside it', () => {
    const file = frontierDb('ro.db', 'wal');
    chmodSync(file, 0o444);
    const before = readFileSync(file);
    expect(sessionsAs(file)).toEqual({ code: 0, stderr: '' });
    const r = sessionsAs(file, ['delete', 'nothing']);
    expect(r.stderr).toContain(`${file} is read-only`);
    expect(r.code).toBe(1);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(existsSync(`${file}-wal`) || existsSync(`${file}-shm`)).toBe(false);
  });

  it('a database in a read-only directory is listed, and reported as read-only, not damaged, to a command that writes', () => {
    const sub = join(dir, 'locked');
    mkdirSync(sub);
    const file = join(sub, 'f.db');
    openDatabase(file).close();
    chmodSync(sub, 0o555);
    const before = readFileSync(file);
    expect(sessionsAs(file)).toEqual({ code: 0, stderr: '' });
    const r = sessionsAs(file, ['delete', 'nothing']);
    expect(r.stderr).toContain(`the directory ${sub} is read-only`);
    expect(r.stderr).not.toMatch(/damaged/);
    expect(r.code).toBe(1);
    expect(readFileSync(file).equals(before)).toBe(true);
    const fresh = sessionsAs(join(sub, 'new.db'));
    expect(fresh.stderr).toContain(`the directory ${sub} is read-only`);
    chmodSync(sub, 0o755);
  });
});
