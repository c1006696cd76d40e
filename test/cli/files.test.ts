// Every file a command writes goes through one guarded writer, and every file it reads through one bounded reader
// (src/main/files): the database and its side files, devices, directories and FIFOs are never written over; an
// existing file only with --force; a refused target stays byte-for-byte as it was; a device, a FIFO, a directory
// or a file past its kind's limit is refused as such, at once, never read whole or waited on.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, linkSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, frontierEach, root } from './run';

const posix = process.platform !== 'win32';
const dir = mkdtempSync(join(tmpdir(), 'frontier-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, data: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};
const fifo = (name: string): string => {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
};
const measurements = write(
  'm.json',
  JSON.stringify({ device: 'exam-mcu', measurements: [{ model: 'exam-cnn', precision: 'int8', latencyS: 0.05 }] }),
);
const calibrate = (out: string, ...more: string[]) => cli(['calibrate', measurements, '--out', out, ...more]);

describe('calibrate --out goes through the guarded writer', () => {
  it('refuses an existing file unless --force, leaving it as it was; --force replaces it', async () => {
    const out = write('existing.json', 'precious');
    const r = await calibrate(out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${out}: the file exists; add --force to replace it`);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect((await calibrate(out, '--force')).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).id).toBe('exam-mcu-calibrated');
    expect((await cli(['calibrate', measurements, '--force'])).stderr).toMatch(/--force applies to --out FILE/);
  });

  it('refuses the database (FRONTIER_DB), its -wal, -shm and -journal, through a link or another path, even with --force', async () => {
    const db = join(dir, 'f.db');
    expect((await cli(['sessions', '--db', db])).code).toBe(0);
    const sides = ['-wal', '-shm', '-journal'].map((s) => write(`f.db${s}`, `side ${s}`));
    const link = join(dir, 'link-to-db');
    symlinkSync(db, link);
    const hard = join(dir, 'hard-link-to-db');
    linkSync(db, hard);
    const before = readFileSync(db);
    for (const out of [db, ...sides, link, hard, join(dir, '.', 'sub', '..', 'f.db')]) {
      if (out.includes('sub')) mkdirSync(join(dir, 'sub'), { recursive: true });
      const r = await cli(['calibrate', measurements, '--out', out, '--force'], { FRONTIER_DB: db });
      expect(r.code, out).toBe(2);
      expect(r.stderr).toMatch(/that is the database('s (wal|shm|journal) file)? Frontier uses .*never written over, even with --force/);
    }
    expect(readFileSync(db).equals(before)).toBe(true);
    sides.forEach((s, i) => expect(readFileSync(s, 'utf8')).toBe(`side ${['-wal', '-shm', '-journal'][i]}`));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it.runIf(posix)('refuses devices, FIFOs and directories, which stay what they were', () => {
    const pipe = fifo('out.fifo');
    const outs = ['/dev/null', '/dev/full', pipe, dir];
    // In a child process, whose time is bounded: opening a FIFO to write would wait for a reader.
    const results = frontierEach(outs.map((out) => ['calibrate', measurements, '--out', out, '--force']));
    outs.forEach((out, i) => {
      expect(results[i].code, out).toBe(2);
      expect(results[i].stderr).toMatch(/it is (a device|a pipe \(FIFO\)|a directory); Frontier writes regular files only/);
    });
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(statSync(pipe).isFIFO()).toBe(true);
  });
});

describe('--force never writes over the database, however it is named', () => {
  it('analyze --emit --out the FRONTIER_DB database', async () => {
    const db = join(dir, 'emit.db');
    expect((await cli(['sessions', '--db', db])).code).toBe(0);
    const before = readFileSync(db);
    const r = await cli(['analyze', 'exam-cnn', '--emit', 'tflm', '--out', db, '--force'], { FRONTIER_DB: db });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('that is the database Frontier uses');
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('export --out the FRONTIER_DB database while --db names another', async () => {
    const db = join(dir, 'a.db');
    const other = join(dir, 'b.db');
    expect((await cli(['sessions', '--db', db])).code).toBe(0);
    expect((await cli(['sweep', 'exam-cnn', '--device', 'exam-mcu', '--db', other, '--session', 's'])).code).toBe(0);
    const before = readFileSync(db);
    const r = await cli(['export', 's', '--format', 'csv', '--db', other, '--out', db, '--force'], { FRONTIER_DB: db });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('that is the database');
    expect(readFileSync(db).equals(before)).toBe(true);
  });
});

describe('calibrate reads through the bounded reader', () => {
  it.runIf(posix)('a device, a FIFO or a directory as the measurements file is refused as such, at once', () => {
    const pipe = fifo('in.fifo');
    const cases = [['/dev/zero', 'a device'], [pipe, 'a pipe \\(FIFO\\)'], [dir, 'a directory']];
    // In a child process, whose time is bounded: reading a FIFO or a device would wait or go on without end.
    const results = frontierEach(cases.map(([path]) => ['calibrate', path]));
    cases.forEach(([path, kind], i) => {
      expect(results[i].code, path).toBe(2);
      expect(results[i].stderr).toMatch(new RegExp(`cannot read the measurements file: it is ${kind}, not a regular file`));
    });
  });

  it.runIf(posix)('a device or a FIFO as the board file is refused as such', () => {
    const pipe = fifo('board.fifo');
    const cases = [['/dev/zero', 'a device'], [pipe, 'a pipe \\(FIFO\\)']];
    const files = cases.map(([device], i) =>
      write(`m-dev-${i}.json`, JSON.stringify({ device, measurements: [{ model: 'exam-cnn', precision: 'int8', latencyS: 0.05 }] })),
    );
    const results = frontierEach(files.map((m) => ['calibrate', m]));
    cases.forEach(([device, kind], i) => {
      expect(results[i].code, device).toBe(2);
      expect(results[i].stderr).toMatch(new RegExp(`cannot read the board file: it is ${kind}, not a regular file`));
    });
  });

  it('a measurements file past the 16 MiB limit is refused by its size, before it is read', async () => {
    const big = write('big.json', '');
    truncateSync(big, 1100 * 1024 * 1024); // sparse: 1.1 GB that takes no disk
    const r = await cli(['calibrate', big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read the measurements file: it is 1,153,433,600 bytes, more than the limit of 16 MiB');
  });
});

describe('every other reader is the same reader', () => {
  it.runIf(posix)('a FIFO as a model, a device file, a bundle or a spec is refused as such, never waited on', () => {
    const pipe = fifo('any.fifo');
    const cases: [string[], RegExp, number][] = [
      [['analyze', pipe], /cannot read the model file: it is a pipe \(FIFO\), not a regular file/, 1],
      [['analyze', 'exam-cnn', '--device', pipe], /--device .*any\.fifo: it is a pipe \(FIFO\), not a regular file/, 2],
      [['import', pipe, '--db', ':memory:'], /any\.fifo: it is a pipe \(FIFO\), not a regular file/, 1],
      [['sweep', '--spec', pipe, '--db', ':memory:'], /--spec .*any\.fifo: it is a pipe \(FIFO\), not a regular file/, 2],
    ];
    const results = frontierEach(cases.map(([args]) => args));
    cases.forEach(([args, message, code], i) => {
      expect(results[i].stderr, args.join(' ')).toMatch(message);
      expect(results[i].code, args.join(' ')).toBe(code);
    });
    expect(statSync(pipe).isFIFO()).toBe(true);
  });
});

describe('import - counts standard input against the bundle limit', () => {
  it.runIf(posix)('/dev/zero on stdin is refused past 512 MiB, not read without end', () => {
    const zero = openSync('/dev/zero', 'r');
    try {
      const r = spawnSync(process.execPath, [join(root, 'bin', 'frontier.mjs'), 'import', '-', '--db', ':memory:'], {
        cwd: root,
        encoding: 'utf8',
        stdio: [zero, 'pipe', 'pipe'],
        timeout: 120_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('cannot read the bundle from stdin: it is more than the limit of 512 MiB');
    } finally {
      closeSync(zero);
    }
  });

  it('a regular file larger than the limit redirected to stdin is refused by its size', () => {
    const big = write('big-bundle.json', '');
    truncateSync(big, 600 * 1024 * 1024);
    const input = openSync(big, 'r');
    try {
      const r = spawnSync(process.execPath, [join(root, 'bin', 'frontier.mjs'), 'import', '-', '--db', ':memory:'], {
        cwd: root,
        encoding: 'utf8',
        stdio: [input, 'pipe', 'pipe'],
        timeout: 120_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('cannot read the bundle from stdin: it is 629,145,600 bytes, more than the limit of 512 MiB');
    } finally {
      closeSync(input);
    }
  });
});
