// A converted file's layers by their short names: the JSON gives both names, and --channels / --prune take either.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliJson, root } from './run';

const hello = join(root, 'test', 'fixtures', 'tflite', 'hello_world_int8.tflite');
const FULL = 'sequential/dense/MatMul;sequential/dense/Relu;sequential/dense/BiasAdd';

interface Report {
  params: number;
  layers: { name: string; displayName: string; sourceName: string; outputShape: number[] }[];
}

describe('layer names on the command line', () => {
  it('--json gives each layer its name, a display name and the source name', async () => {
    const r = await cliJson<Report>(['analyze', hello]);
    expect(r.layers.map((l) => l.displayName)).toEqual(['dense_input', 'dense', 'dense_1', 'Dense_2']);
    const dense = r.layers[1];
    expect(dense).toMatchObject({ name: FULL, sourceName: FULL, displayName: 'dense' });
  });

  it('--channels takes the short name and the full one alike', async () => {
    const short = await cliJson<Report>(['analyze', hello, '--channels', 'dense=8']);
    const full = await cliJson<Report>(['analyze', hello, '--channels', `${FULL}=8`]);
    expect(short.layers[1].outputShape).toEqual([8]);
    expect(short.params).toBe(full.params);
  });

  it('a sweep prunes by the short name; an unknown name lists the short names', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'frontier-names-')), 'f.db');
    const summary = await cliJson<{ configs: number; pareto: { channels: Record<string, number> }[] }>(
      ['sweep', hello, '--device', 'exam-mcu', '--prune', 'dense_1=0,0.5', '--session', 'names'],
      { FRONTIER_DB: db },
    );
    expect(summary.configs).toBe(2);
    const bad = await cli(['analyze', hello, '--prune', 'conv9=0.5']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('choose one of dense, dense_1, Dense_2');
  });

  it('the sweep’s text names configurations as the app does: changed layers by short name, or the prune ratio', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'frontier-names-')), 'f.db');
    const converted = await cli(['sweep', hello, '--device', 'exam-mcu', '--channels', 'dense_1=8,16', '--session', 'short'], { FRONTIER_DB: db });
    expect(converted.code).toBe(0);
    expect(converted.stdout).toContain('dense_1 8 · INT8 on exam-mcu');
    expect(converted.stdout).not.toContain('sequential/');
    const pruned = await cli(['sweep', 'exam-cnn', '--device', 'exam-mcu', '--prune', '*=0,0.5', '--precision', 'int8', '--session', 'ratio'], { FRONTIER_DB: db });
    expect(pruned.stdout).toContain('pruned 50 % · INT8 on exam-mcu');
  });
});
