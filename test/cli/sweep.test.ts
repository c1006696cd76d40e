// `frontier sweep` end to end on real SQLite files and worker threads: the exam as a sweep, sessions, resume after
// SIGKILL, cancel-free equality with an uninterrupted run.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, cliJson, root } from './run';

const examSweep = [
  'sweep', 'exam-cnn', '--device', 'exam-mcu', '--memory', 'largest-tensor',
  '--channels', 'conv1=8,16', '--channels', 'conv2=8,32', '--precision', 'fp32,int8',
  '--base-accuracy', '0.93', '--penalty', 'pruned=0.05', '--penalty', 'int8=0.03',
  '--deadline', 'client1=0.2', '--deadline', 'client2=0.5',
];

const tempDb = (): string => join(mkdtempSync(join(tmpdir(), 'frontier-test-')), 'frontier.db');

interface Best {
  channels: Record<string, number>;
  precision: string;
  device: string;
  accuracy: number;
  latencyS: number;
  totalBytes: number;
}
interface Summary {
  session: string;
  status: string;
  configs: number;
  total: number;
  feasible: number;
  pareto: Best[];
  best: Record<string, Best | null>;
  nearestMiss: Record<string, { reason: string } | null>;
  frontierVersion: string;
  schemaVersion: number;
}

describe('frontier sweep: the exam', () => {
  const db = tempDb();
  let summary: Summary;
  beforeAll(async () => {
    summary = await cliJson<Summary>([...examSweep, '--session', 'exam'], { FRONTIER_DB: db });
  });

  it('stores 8 configurations and picks each client\'s best', async () => {
    expect(summary).toMatchObject({ session: 'exam', status: 'complete', configs: 8, total: 8, feasible: 4, schemaVersion: 1 });
    expect(summary.best.client1).toMatchObject({
      channels: { conv1: 8, conv2: 8 },
      precision: 'int8',
      device: 'exam-mcu',
      accuracy: 0.85,
      latencyS: 0.0826992,
      totalBytes: 149275,
    });
    expect(summary.best.client2).toMatchObject({ channels: { conv1: 16, conv2: 32 }, precision: 'int8', accuracy: 0.9, totalBytes: 345219 });
    expect(summary.pareto.map((p) => [p.channels.conv1, p.channels.conv2, p.precision])).toEqual([
      [8, 8, 'int8'],
      [16, 32, 'int8'],
    ]);
  });

  it('really wrote 8 rows to the SQLite file, with the front flagged', async () => {
    const sqlite = new Database(db, { readonly: true });
    expect(sqlite.prepare('SELECT count(*) AS n FROM results').get()).toEqual({ n: 8 });
    expect(sqlite.prepare('SELECT count(*) AS n FROM results WHERE flags & 1').get()).toEqual({ n: 2 });
    sqlite.close();
  });

  it('refuses a session name already in the database unless --replace', async () => {
    const again = await cli([...examSweep, '--session', 'exam', '--json'], { FRONTIER_DB: db });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/exam.*already exists.*--replace/);
    const replaced = await cliJson<Summary>([...examSweep, '--session', 'exam', '--replace'], { FRONTIER_DB: db });
    expect(replaced.configs).toBe(8);
  });

  it('lists sessions as JSON and shows one', async () => {
    const list = await cliJson<{ sessions: { name: string; status: string; configs: number; total: number; created: string }[] }>(['sessions'], { FRONTIER_DB: db });
    expect(list.sessions).toEqual([expect.objectContaining({ name: 'exam', status: 'complete', configs: 8, total: 8 })]);
    expect(Date.parse(list.sessions[0].created)).not.toBeNaN();
    const shown = await cliJson<Summary>(['show', 'exam'], { FRONTIER_DB: db });
    expect(shown.best).toEqual(summary.best);
  });

  it('reports an unsatisfiable client with the nearest miss', async () => {
    const r = await cliJson<Summary>([...examSweep.slice(0, -4), '--deadline', 'hasty=0.05', '--session', 'hasty'], { FRONTIER_DB: db });
    expect(r.best.hasty).toBeNull();
    expect(r.nearestMiss.hasty?.reason).toMatch(/82\.7 ms.*50\.0 ms deadline/);
  });

  it('a grid over the limit is refused with a hint to sample', async () => {
    const r = await cli(['sweep', 'exam-cnn', '--device', 'exam-mcu', '--channels', 'conv1=1:256,conv2=1:256', '--grid-limit', '1000'], { FRONTIER_DB: db });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/65,536 configurations, above the limit of 1,000; use --strategy random --samples N/);
  });

  it('random sampling is seeded and reproducible', async () => {
    const args = ['sweep', 'exam-cnn', '--device', 'exam-mcu', '--channels', 'conv1=1:64,conv2=1:64', '--strategy', 'random', '--samples', '50', '--seed', '7'];
    const a = await cliJson<Summary>([...args, '--session', 'r1'], { FRONTIER_DB: db });
    const b = await cliJson<Summary>([...args, '--session', 'r2'], { FRONTIER_DB: db });
    expect(a.total).toBe(50);
    expect(a.pareto).toEqual(b.pareto);
  });
});

describe('frontier sweep: killed mid-sweep, then resumed', () => {
  const big = ['sweep', 'exam-cnn', '--device', 'exam-mcu', '--channels', 'conv1=1:128', '--channels', 'conv2=1:128', '--precision', 'fp32,int8,fp16', '--base-accuracy', '0.93', '--penalty', 'pruned=0.05', '--penalty', 'int8=0.03', '--workers', '1', '--batch-size', '256'];

  it('loses no written row, stays intact, shows interrupted, and resumes to the same results', async () => {
    const db = tempDb();
    const child = spawn(process.execPath, [join(root, 'bin', 'frontier.mjs'), ...big, '--session', 'killed'], {
      cwd: root,
      env: { ...process.env, FRONTIER_DB: db },
      stdio: 'ignore',
    });
    const rows = (): number => {
      try {
        const sqlite = new Database(db, { readonly: true, fileMustExist: true });
        try {
          return (sqlite.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n;
        } finally {
          sqlite.close();
        }
      } catch {
        return 0;
      }
    };
    const deadline = Date.now() + 60_000;
    while (rows() < 2000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const before = rows();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(before).toBeGreaterThan(0);

    const sqlite = new Database(db, { readonly: true });
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    const afterKill = (sqlite.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n;
    sqlite.close();
    expect(afterKill).toBeGreaterThanOrEqual(before);
    expect(afterKill).toBeLessThan(128 * 128 * 3);

    const list = await cliJson<{ sessions: { name: string; status: string; configs: number; total: number }[] }>(['sessions'], { FRONTIER_DB: db });
    expect(list.sessions[0]).toMatchObject({ name: 'killed', status: 'interrupted', configs: afterKill, total: 49152 });

    const resumed = await cliJson<Summary>(['resume', 'killed'], { FRONTIER_DB: db });
    expect(resumed).toMatchObject({ status: 'complete', configs: 49152, total: 49152 });

    await cliJson<Summary>([...big, '--session', 'whole'], { FRONTIER_DB: db });
    const check = new Database(db, { readonly: true });
    const rowsOf = (name: string) =>
      check
        .prepare(
          'SELECT idx, status, params, param_bytes, peak_bytes, total_bytes, sram_bytes, macs, latency_s, accuracy, flags FROM results WHERE session_id = (SELECT id FROM sessions WHERE name = ?) ORDER BY idx',
        )
        .raw()
        .all(name);
    const a = rowsOf('killed');
    const b = rowsOf('whole');
    check.close();
    expect(a.length).toBe(49152);
    expect(a).toEqual(b);
  }, 180_000);
});

describe('frontier sweep --spec', () => {
  it('reads a spec file, and flags override its parts', async () => {
    const { writeFileSync } = await import('node:fs');
    const db = tempDb();
    const specPath = join(mkdtempSync(join(tmpdir(), 'frontier-spec-')), 'exam.json');
    writeFileSync(
      specPath,
      JSON.stringify({
        format: 'frontier-sweep',
        model: 'exam-cnn',
        devices: ['exam-mcu'],
        channels: { conv1: ['8', '16'], conv2: ['8', '32'] },
        precisions: ['fp32', 'int8'],
        memoryModel: 'largest-tensor',
        accuracy: { kind: 'penalties', metric: 'accuracy', base: 0.93, penalties: { pruned: 0.05, int8: 0.03 } },
        clients: [{ name: 'client1', deadlineS: 0.2 }],
      }),
    );
    const fromFile = await cliJson<Summary>(['sweep', '--spec', specPath, '--session', 'spec'], { FRONTIER_DB: db });
    expect(fromFile.configs).toBe(8);
    expect(fromFile.best.client1).toMatchObject({ channels: { conv1: 8, conv2: 8 }, precision: 'int8', accuracy: 0.85 });
    const overridden = await cliJson<Summary>(['sweep', '--spec', specPath, '--precision', 'int8', '--session', 'spec-int8'], { FRONTIER_DB: db });
    expect(overridden.configs).toBe(4);
    const bad = await cli(['sweep', '--spec', specPath, '--memory', 'peak'], { FRONTIER_DB: db });
    expect(bad.code).toBe(2);
    writeFileSync(specPath, JSON.stringify({ model: 'exam-cnn', headroom: 2 }));
    const invalid = await cli(['sweep', '--spec', specPath], { FRONTIER_DB: db });
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/exam\.json: headroom must be a fraction in \[0, 1\), got 2/);
  });
});
