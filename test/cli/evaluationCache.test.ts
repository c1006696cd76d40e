// `frontier evaluate` and `frontier sensitivity` with the evaluation cache, in-process (main()): the second run says
// it came from the cache and runs nothing; --no-cache measures again; Ctrl-C cancels with exit status 130.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from '../../src/shared/engine/npy';
import { main } from '../../src/main/cli/main';
import type { Io } from '../../src/main/cli/io';
import { openDatabase } from '../../src/main/store';
import { EvaluationCache } from '../../src/main/store/evaluationCache';

const fashion = join(__dirname, '..', 'fixtures', 'fashion');
const dir = mkdtempSync(join(tmpdir(), 'frontier-evaluation-cache-'));
const db = join(dir, 'frontier.db');
const N = 200;

function subset(): string[] {
  const x = parseNpy(readFileSync(join(fashion, 'test-images-1000.npy')), 'x');
  const y = parseNpy(readFileSync(join(fashion, 'test-labels-1000.npy')), 'y');
  const data = join(dir, 'x.npy');
  const labels = join(dir, 'y.npy');
  writeFileSync(data, writeNpy({ ...x, shape: [N, 28, 28, 1], data: x.data.slice(0, N * 784) } as typeof x));
  writeFileSync(labels, writeNpy({ ...y, shape: [N], data: y.data.slice(0, N) } as typeof y));
  return ['--data', data, '--labels', labels];
}
const data = subset();
const cnn = join(fashion, 'cnn.onnx');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), isTTY: false };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const rows = (): number => {
  const d = openDatabase(db);
  try {
    return new EvaluationCache(d).count();
  } finally {
    d.close();
  }
};


describe('frontier evaluate and sensitivity with the evaluation cache', () => {
  it('evaluate: measured, then from the cache (JSON "cached", the table says so); --no-cache measures again', async () => {
    const first = await run(['evaluate', cnn, ...data, '--db', db, '--json']);
    expect(first.code).toBe(0);
    const measured = JSON.parse(first.out) as { cached: boolean; metrics: Record<string, unknown> };
    expect(measured.cached).toBe(false);
    expect(rows()).toBe(1);

    const again = await run(['evaluate', cnn, ...data, '--db', db, '--json']);
    const cached = JSON.parse(again.out) as { cached: boolean; metrics: Record<string, unknown> };
    expect(cached.cached).toBe(true);
    expect(cached.metrics).toEqual(measured.metrics);

    const table = await run(['evaluate', cnn, ...data, '--db', db]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^200 samples of .*x\.npy, FP32, classification \(from the cache\)$/m);
    expect(table.err).toMatch(/from the cache/);

    const fresh = await run(['evaluate', cnn, ...data, '--db', db, '--json', '--no-cache']);
    expect((JSON.parse(fresh.out) as { cached: boolean }).cached).toBe(false);
    expect(rows()).toBe(1);
  });

  it('sensitivity: the second run takes every point from the cache and gives the same report', async () => {
    const argv = ['sensitivity', cnn, ...data, '--prune', '*=0.5', '--db', db, '--json'];
    const first = await run(argv);
    expect(first.code).toBe(0);
    const before = rows();
    const again = await run(argv);
    expect(again.out).toBe(first.out);
    expect(again.err).toMatch(/^(\d+) of \1 points from the cache$/m);
    expect(rows()).toBe(before);
  });

  it('Ctrl-C cancels: exit status 130, "cancelled" said', async () => {
    const pending = run(['evaluate', cnn, ...data, '--db', db, '--no-cache']);
    process.emit('SIGINT');
    const r = await pending;
    expect(r.code).toBe(130);
    expect(r.err).toMatch(/evaluate: cancelled/);
  });
});
