// Databases a crash, a careless --db or another program left behind: a hot rollback journal is played back, not
// called damage; a device or a FIFO is refused before SQLite opens it, nothing created beside it; another
// application's meta marker and a reset schema version are refused naming what is wrong, the file untouched; and a
// database on a read-only mount can still be listed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, StoreError } from '../../src/main/store/database';
import { frontier } from '../cli/run';

const repoRoot = join(import.meta.dirname, '..', '..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'frontier-db-hardening-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refused(file: string, message: RegExp): void {
  const before = readFileSync(file);
  const siblings = readdirSync(dir).sort();
  expect(() => openDatabase(file).close()).toThrow(message);
  expect(readFileSync(file).equals(before), 'the file is byte-identical').toBe(true);
  expect(readdirSync(dir).sort(), 'no -wal, -shm or -journal appeared').toEqual(siblings);
}

/** A writer that spills changed pages of `file` into it and dies before committing: a hot rollback journal. */
function crashMidTransaction(file: string): void {
  const script = `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(file)});
      db.pragma('cache_size = 1');
      db.exec('BEGIN');
      db.exec("UPDATE scratch SET x = 'during'");
      db.exec("INSERT INTO scratch SELECT hex(randomblob(2000)) FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 500) SELECT i FROM c)");
      process.kill(process.pid, 'SIGKILL');
    `;
  spawnSync(process.execPath, ['-e', script], { cwd: repoRoot });
  expect(statSync(`${file}-journal`).size, 'a hot journal is left').toBeGreaterThan(0);
}

describe('a hot rollback journal', () => {
  it('left by a writer killed mid-transaction is played back: the database opens as it was before that transaction', () => {
    const file = join(dir, 'crashed.db');
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma('journal_mode = delete');
    raw.exec(`CREATE TABLE scratch (x); INSERT INTO scratch VALUES ('before')`);
    raw.close();
    crashMidTransaction(file);
    const db = openDatabase(file);
    expect(db.prepare('SELECT x FROM scratch').pluck().all()).toEqual(['before']);
    db.close();
    expect(existsSync(`${file}-journal`)).toBe(false);
  });

  it("in another application's database: checked on a copy (journal included), refused, the file and journal untouched", () => {
    const file = join(dir, 'foreign.db');
    const raw = new Database(file);
    raw.exec(`CREATE TABLE scratch (x); INSERT INTO scratch VALUES ('before')`);
    raw.close();
    crashMidTransaction(file);
    const journal = readFileSync(`${file}-journal`);
    refused(file, /SQLite database of another application/);
    expect(readFileSync(`${file}-journal`).equals(journal)).toBe(true);
  });
});

describe.runIf(process.platform !== 'win32')('--db naming what is not a file', () => {
  it('a character device is refused before SQLite opens it, and no -journal appears beside it', () => {
    expect(() => openDatabase('/dev/null')).toThrow(/\/dev\/null is a device, not a database file/);
    expect(existsSync('/dev/null-journal')).toBe(false);
  });

  it('a FIFO is refused as such, at once, nothing created', () => {
    const fifo = join(dir, 'db.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => openDatabase(fifo)).toThrow(/db\.fifo is a pipe \(FIFO\), not a database file/);
    expect(readdirSync(dir)).toEqual(['db.fifo']);
  });
});

describe('markers that say the database is not what it claims', () => {
  it("meta.application naming another application is refused like any foreign database", () => {
    const file = join(dir, 'other-meta.db');
    openDatabase(file).close();
    const raw = new Database(file);
    raw.prepare(`UPDATE meta SET value = 'acme-notes' WHERE key = 'application'`).run();
    raw.pragma('journal_mode = delete');
    raw.close();
    refused(file, /belongs to another application \(its meta table names "acme-notes", not frontier\)/);
  });

  it("Frontier's tables with user_version 0 say what is wrong, not that a migration failed", () => {
    const file = join(dir, 'reset.db');
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 0');
    raw.pragma('journal_mode = delete');
    raw.close();
    refused(file, /holds Frontier's tables but its schema version \(user_version\) is 0/);
  });
});

/** Whether this process may mount a tmpfs (root in a container that allows it). */
function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'frontier-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'none', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

describe('a database Frontier may only read', () => {
  it.runIf(canMount())('on a read-only mount: sessions, show and export read it; sweep is refused as read-only', () => {
    const mount = join(dir, 'ro');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'none', mount]);
    try {
      const db = join(mount, 'f.db');
      expect(frontier(['sweep', 'exam-cnn', '--device', 'exam-mcu', '--db', db, '--session', 's']).code).toBe(0);
      execFileSync('mount', ['-o', 'remount,ro', mount]);
      const listed = frontier(['sessions', '--db', db, '--json']);
      expect(listed.stderr).toBe('');
      expect(JSON.parse(listed.stdout).sessions.map((s: { name: string }) => s.name)).toEqual(['s']);
      expect(frontier(['show', 's', '--db', db]).code).toBe(0);
      expect(frontier(['export', 's', '--format', 'csv', '--db', db]).code).toBe(0);
      const sweep = frontier(['sweep', 'exam-cnn', '--device', 'exam-mcu', '--db', db, '--session', 't']);
      expect(sweep.code).toBe(1);
      expect(sweep.stderr).toMatch(/is read-only \(a read-only file system\)/);
      expect(readdirSync(mount)).toEqual(['f.db']);
    } finally {
      execFileSync('umount', [mount]);
    }
  });

  it.runIf(process.platform !== 'win32' && process.getuid?.() !== 0)('a read-only file opens read-only for a reader, and is refused to a writer', async () => {
    const { chmodSync } = await import('node:fs');
    const file = join(dir, 'ro.db');
    openDatabase(file).close();
    chmodSync(file, 0o444);
    expect(() => openDatabase(file)).toThrow(StoreError);
    const db = openDatabase(file, { readOnly: true });
    expect(db.readonly).toBe(true);
    db.close();
  });
});
