// `frontier export --format tflm|keras-json` and `frontier analyze --emit`: the files for the board, end to end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, cliJson } from './run';

const examSweep = [
  'sweep', 'exam-cnn', '--device', 'exam-mcu', '--memory', 'largest-tensor',
  '--channels', 'conv1=8,16', '--channels', 'conv2=8,32', '--precision', 'fp32,int8',
  '--base-accuracy', '0.93', '--penalty', 'pruned=0.05', '--penalty', 'int8=0.03',
  '--deadline', 'client1=0.2', '--deadline', 'client2=0.5',
];

const constant = (header: string, name: string): string | undefined =>
  new RegExp(`constexpr (?:size_t|int) ${name} = (\\d+);`).exec(header)?.[1];

describe('configuration files for the board', () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontier-cli-artifacts-'));
  const env = { FRONTIER_DB: join(dir, 'frontier.db') };
  beforeAll(async () => {
    await cliJson([...examSweep, '--session', 'exam'], env);
  });

  it("the exam sweep's client1 choice: 4 operators and the arena `analyze --memory arena` reports; it compiles", async () => {
    const out = join(dir, 'model_config.h');
    const r = await cli(['export', 'exam', '--best', 'client1', '--format', 'tflm', '--out', out], env);
    expect(r.code).toBe(0);
    const header = readFileSync(out, 'utf8');
    expect(constant(header, 'kFrontierOpCount')).toBe('4');
    expect([...header.matchAll(/resolver\.(Add\w+)\(\)/g)].map((m) => m[1]).sort()).toEqual(
      ['AddConv2D', 'AddFullyConnected', 'AddMaxPool2D', 'AddReshape'],
    );
    const analyzed = await cliJson(
      ['analyze', 'exam-cnn', '--channels', 'conv1=8,conv2=8', '--precision', 'int8', '--memory', 'arena', '--json'],
      env,
    ) as { peakActivationBytes: number };
    expect(Number(constant(header, 'kFrontierArenaBytes'))).toBe(analyzed.peakActivationBytes);
    writeFileSync(join(dir, 'main.cc'), '#include "model_config.h"\nint main() { tflite::MicroMutableOpResolver<kFrontierOpCount> r; return FrontierRegisterOps(r); }\n');
    const include = join(import.meta.dirname, '..', 'fixtures', 'tflm');
    execFileSync('g++', ['-std=c++17', '-fsyntax-only', '-I', include, '-I', dir, join(dir, 'main.cc')]);
  });

  it('analyze --emit tflm gives the same header as the session export, to stdout without --out', async () => {
    const emitted = await cli(
      ['analyze', 'exam-cnn', '--channels', 'conv1=8,conv2=8', '--precision', 'int8', '--device', 'exam-mcu', '--emit', 'tflm'],
      env,
    );
    expect(emitted.code).toBe(0);
    const exported = await cli(['export', 'exam', '--best', 'client1', '--format', 'tflm'], env);
    const body = (text: string): string => text.split('\n').slice(1).join('\n');
    expect(body(emitted.stdout)).toBe(body(exported.stdout));
  });

  it('keras-json of a stored configuration by index', async () => {
    const r = await cli(['export', 'exam', '--config', '3', '--format', 'keras-json'], env);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.class_name).toBe('Functional');
    const conv2 = json.config.layers.find((l: { name: string }) => l.name === 'conv2');
    expect(conv2.config.filters).toBe(32);
  });

  it('refuses what is not one configuration, and an index that is not stored', async () => {
    expect((await cli(['export', 'exam', '--format', 'tflm'], env)).stderr).toContain('give --best CLIENT or --config N');
    expect((await cli(['export', 'exam', '--format', 'tflm', '--front'], env)).code).toBe(2);
    const missing = await cli(['export', 'exam', '--format', 'tflm', '--config', '8'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('has no stored configuration #8');
    expect((await cli(['export', 'exam', '--format', 'tflm', '--config', '-1'], env)).code).toBe(2);
    expect((await cli(['analyze', 'exam-cnn', '--emit', 'onnx'], env)).code).toBe(2);
  });
});
