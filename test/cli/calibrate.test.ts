// `frontier calibrate` end to end: the JSON contract, leave-one-out equal to analyze with the profile written
// without each measurement, the profile round-tripping through --out and --device, model files relative to the
// measurements file, and named errors that write nothing.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { graphToNative } from '../../src/shared/model/native';
import { examCnn } from '../../src/shared/presets';
import { cli, cliJson } from './run';

interface Entry {
  model: string;
  precision: string;
  measuredS: number;
  predictedS: number;
  error: number;
}
interface Output {
  profile: Record<string, unknown> & { id: string; latency: { band: { lowFactor: number; highFactor: number } } };
  fit: Entry[];
  leaveOneOut?: Entry[];
  medianAbsError?: number;
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'frontier-calibrate-'));
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'models', 'my_model.json'), JSON.stringify(graphToNative(examCnn())));
  writeFileSync(join(dir, 'board.json'), JSON.stringify({ id: 'my-board', sramKiB: 640, flashMiB: 2, weightsIn: 'flash', throughput: { int8: 1 } }));
  return dir;
}

const measurements = [
  { model: 'mlperf-ic', precision: 'int8', latencyS: 0.1651 },
  { model: 'mlperf-kws', precision: 'int8', latencyS: 0.04319 },
  { model: 'models/my_model.json', channels: { conv1: 8 }, prune: {}, precision: 'int8', latencyS: 0.0432 },
  { model: 'mlperf-vww', precision: 'int8', latencyS: 0.08893 },
];

function file(dir: string, name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('frontier calibrate', () => {
  it('prints the JSON contract: profile, fit, and with --leave-one-out each measurement predicted without it', async () => {
    const dir = workspace();
    const path = file(dir, 'm.json', { format: 'frontier-measurements', device: 'stm32l4r5', runtime: 'x-cube-ai', name: 'my-l4r5-xcubeai', measurements });
    const out = await cliJson<Output>(['calibrate', path, '--leave-one-out']);
    expect(Object.keys(out).sort()).toEqual(['fit', 'leaveOneOut', 'medianAbsError', 'profile']);
    expect(out.profile.id).toBe('my-l4r5-xcubeai');
    expect(out.fit.map((e) => e.model)).toEqual(measurements.map((m) => m.model));
    expect(out.leaveOneOut!.map((e) => e.model)).toEqual(measurements.map((m) => m.model));
    for (const e of [...out.fit, ...out.leaveOneOut!]) {
      expect(Object.keys(e).sort()).toEqual(['error', 'measuredS', 'model', 'precision', 'predictedS']);
      expect(e.error).toBeCloseTo(e.predictedS / e.measuredS - 1, 12);
    }
    const sorted = out.leaveOneOut!.map((e) => Math.abs(e.error)).sort((a, b) => a - b);
    expect(out.medianAbsError).toBeCloseTo((sorted[1] + sorted[2]) / 2, 12);
    // Without --leave-one-out the two keys are absent.
    expect(Object.keys(await cliJson<Output>(['calibrate', path])).sort()).toEqual(['fit', 'profile']);
  });

  it('leaveOneOut[i] equals analyze with the profile --out writes from the file without measurement i', async () => {
    const dir = workspace();
    const path = file(dir, 'm.json', { device: 'board.json', measurements });
    const out = await cliJson<Output>(['calibrate', path, '--leave-one-out']);
    for (const [i, m] of measurements.entries()) {
      const rest = file(dir, `without-${i}.json`, { device: 'board.json', measurements: measurements.filter((_, j) => j !== i) });
      const profile = join(dir, `profile-${i}.json`);
      expect((await cli(['calibrate', rest, '--out', profile])).code).toBe(0);
      const model = m.model.startsWith('models/') ? join(dir, m.model) : m.model;
      const analysed = await cliJson<{ latencyS: number }>([
        'analyze', model, '--device', profile, '--precision', m.precision,
        ...(m.channels ? ['--channels', Object.entries(m.channels).map(([k, v]) => `${k}=${v}`).join(',')] : []),
      ]);
      expect(Math.abs(analysed.latencyS - out.leaveOneOut![i].predictedS)).toBeLessThan(1e-6);
    }
  });

  it('writes a profile that --device accepts and that predicts what the fit says', async () => {
    const dir = workspace();
    const path = file(dir, 'm.json', { device: 'board.json', name: 'my board', measurements });
    const profile = join(dir, 'profile.json');
    const out = await cliJson<Output>(['calibrate', path, '--out', profile]);
    expect(existsSync(profile)).toBe(true);
    const ic = await cliJson<{ latencyS: number; latencyBand: { low: number; high: number; basis: string }; runtime: { basis: string } }>([
      'analyze', 'mlperf-ic', '--device', profile, '--precision', 'int8',
    ]);
    expect(ic.latencyS).toBeCloseTo(out.fit[0].predictedS, 9);
    expect(ic.latencyBand.low).toBeLessThan(ic.latencyS);
    expect(ic.latencyBand.high).toBeGreaterThan(ic.latencyS);
    expect(ic.latencyBand.basis).toMatch(/leave-one-out/);
    expect(ic.runtime.basis).toBe('calibrated');
    // A precision the board lists no throughput for stays unsupported.
    const fp32 = await cliJson<{ latencyS: number | null }>(['analyze', 'mlperf-ic', '--device', profile, '--precision', 'fp32']);
    expect(fp32.latencyS).toBeNull();
    // The text report says what it did.
    const text = await cli(['calibrate', path, '--leave-one-out']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Median \|leave-one-out error\|: \d+\.\d %/);
  });

  it('takes a board file with memory alone: flash, weights and throughput are not needed to calibrate latency', async () => {
    const dir = workspace();
    file(dir, 'memory-only.json', { id: 'memory-only', sramKiB: 640 });
    const path = file(dir, 'm.json', { device: 'memory-only.json', measurements: measurements.filter((m) => m.model.startsWith('mlperf')) });
    const profile = join(dir, 'p.json');
    const out = await cliJson<Output & { profile: { sources: Record<string, string>; throughput: Record<string, number> } }>([
      'calibrate', path, '--leave-one-out', '--out', profile,
    ]);
    expect(out.leaveOneOut).toHaveLength(3);
    expect(out.profile.throughput).toEqual({ int8: 1 });
    expect(out.profile.sources.weightsIn).toMatch(/not given in the board file: sram assumed/);
    expect((await cliJson<{ latencyS: number }>(['analyze', 'mlperf-ic', '--device', profile, '--precision', 'int8'])).latencyS).toBeCloseTo(
      out.fit[0].predictedS,
      9,
    );
  });

  it.each([
    ['an unknown model', { device: 'stm32l4r5', measurements: [measurements[0], { model: 'nope', precision: 'int8', latencyS: 0.1 }] }, /m\.json: measurements\[1\] \(nope\): model "[^"]*nope" is neither a preset/],
    ['a precision the device lacks', { device: 'stm32l4r5', measurements: [{ model: 'mlperf-ic', precision: 'fp16', latencyS: 0.1 }] }, /m\.json: measurements\[0\] \(mlperf-ic\): precision fp16 is not one stm32l4r5 runs \(int8, fp32\)/],
    ['a non-positive time', { device: 'stm32l4r5', measurements: [{ model: 'mlperf-ic', precision: 'int8', latencyS: 0 }] }, /m\.json: measurements\[0\] \(mlperf-ic\): latencyS must be a positive number of seconds, at most 86,400, got 0/],
    ['a time beyond a day', { device: 'stm32l4r5', measurements: [{ model: 'mlperf-ic', precision: 'int8', latencyS: 1e308 }] }, /m\.json: measurements\[0\] \(mlperf-ic\): latencyS must be a positive number of seconds, at most 86,400, got 1e\+308/],
    ['a time below a nanosecond', { device: 'stm32l4r5', measurements: [{ model: 'mlperf-ic', precision: 'int8', latencyS: 5e-324 }] }, /m\.json: measurements\[0\] \(mlperf-ic\): latencyS must be at least 1e-9 s \(a nanosecond\), got 5e-324/],
    ['a runtime that does not exist', { device: 'stm32l4r5', runtime: 'tflm-turbo', measurements }, /unknown runtime "tflm-turbo": built-in runtimes are tflm-reference, tflm-cmsis-nn/],
    ['a runtime the board cannot run', { device: 'esp32', runtime: 'x-cube-ai', measurements }, /X-CUBE-AI 9–10 runs on STMicroelectronics parts only; esp32 is made by Espressif/],
    ['no measurements', { device: 'stm32l4r5', measurements: [] }, /m\.json: measurements must be a list of at least one measurement, got \[\]/],
    ['no device', { measurements }, /m\.json: device is missing; it must name a built-in device or a device file/],
    ['an unknown field', { device: 'stm32l4r5', measurements: [{ ...measurements[0], latency: 3 }] }, /m\.json: measurements\[0\] \(mlperf-ic\): unknown field "latency"/],
    ['a bad channel count', { device: 'stm32l4r5', measurements: [{ ...measurements[0], channels: { conv1: 0 } }] }, /measurements\[0\] \(mlperf-ic\): channels\.conv1 must be a whole number ≥ 1, got 0/],
    ['an unknown device', { device: 'stm32f999', measurements }, /unknown device "stm32f999"/],
  ])('names %s and writes nothing', async (_what, content, message) => {
    const dir = workspace();
    const path = file(dir, 'm.json', content);
    const profile = join(dir, 'profile.json');
    const r = await cli(['calibrate', path, '--out', profile, '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(existsSync(profile)).toBe(false);
  });

  it('refuses what is not a measurements file, and --leave-one-out with one measurement', async () => {
    const dir = workspace();
    expect((await cli(['calibrate', join(dir, 'absent.json')])).stderr).toMatch(/absent\.json: no such measurements file/);
    expect((await cli(['calibrate', file(dir, 'bad.json', '{not json')])).stderr).toMatch(/bad\.json: not valid JSON/);
    const one = file(dir, 'one.json', { device: 'stm32l4r5', measurements: [measurements[0]] });
    expect((await cli(['calibrate', one, '--leave-one-out'])).stderr).toMatch(/--leave-one-out needs at least two measurements/);
  });
});

describe('--runtime', () => {
  it('analyze runs a board under a built-in runtime, with its band and where its figures come from', async () => {
    const r = await cliJson<{ latencyS: number; latencyBand: { low: number; high: number }; runtime: { id: string; basis: string }; device: { id: string } }>([
      'analyze', 'mlperf-vww', '--device', 'stm32l4r5', '--runtime', 'x-cube-ai', '--precision', 'int8',
    ]);
    expect(r.device.id).toBe('stm32l4r5+x-cube-ai');
    expect(r.runtime).toMatchObject({ id: 'x-cube-ai', basis: 'measured' });
    // MLPerf Tiny v1.2/v1.3 closed, STMicroelectronics NUCLEO_L4R5ZI, X-CUBE-AI 9.0/10.2: 88.93 and 89.44 ms.
    expect(r.latencyBand.low).toBeLessThan(0.0889);
    expect(r.latencyBand.high).toBeGreaterThan(0.0894);
    // The same board under microTVM's native kernels is the 336.6 ms.
    const tvm = await cliJson<{ latencyS: number }>(['analyze', 'mlperf-vww', '--device', 'stm32l4r5+microtvm-native', '--precision', 'int8']);
    expect(tvm.latencyS / 0.3366).toBeGreaterThan(0.9);
    expect(tvm.latencyS / 0.3366).toBeLessThan(1.1);
    const several = await cli(['analyze', 'mlperf-vww', '--device', 'stm32l4r5', '--runtime', 'x-cube-ai,plumerai']);
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/analyze takes one runtime \(use sweep --runtime a,b for several\)/);
  });

  it('a sweep runs every device under every runtime, stores them, and shows each client when its band crosses the deadline', async () => {
    const dir = workspace();
    const db = join(dir, 'f.db');
    const spec = file(dir, 'spec.json', {
      format: 'frontier-sweep',
      model: 'mlperf-kws',
      devices: ['stm32l4r5', 'stm32f746'],
      runtimes: ['x-cube-ai', 'plumerai'],
      precisions: ['int8'],
      prune: { '*': ['0:0.5:0.25'] },
      clients: [{ name: 'tight', deadlineS: 0.015, device: 'stm32f746' }],
    });
    const summary = await cliJson<{
      devices: string[];
      total: number;
      best: Record<string, { device: string; runtime: string; latencyS: number; latencyBand: { low: number; high: number } } | null>;
      deadlineRisk: Record<string, string | null>;
    }>(['sweep', '--spec', spec, '--db', db, '--session', 's']);
    expect(summary.devices).toEqual(['stm32l4r5+x-cube-ai', 'stm32l4r5+plumerai', 'stm32f746+x-cube-ai', 'stm32f746+plumerai']);
    expect(summary.total).toBe(12);
    const best = summary.best.tight!;
    expect(best.device.startsWith('stm32f746+')).toBe(true);
    expect(best.runtime).toBe(best.device.split('+')[1]);
    const crosses = best.latencyBand.high > 0.015;
    expect(summary.deadlineRisk.tight === null).toBe(!crosses);
    if (crosses) expect(summary.deadlineRisk.tight).toMatch(/meets the 15.0 ms deadline, but its band .* crosses it/);
    // Stored and shown again: the same devices, nothing re-expanded.
    const shown = await cliJson<{ devices: string[] }>(['show', 's', '--db', db]);
    expect(shown.devices).toEqual(summary.devices);
    const bundle = join(dir, 's.json');
    expect((await cli(['export', 's', '--format', 'bundle', '--out', bundle, '--db', db])).code).toBe(0);
    expect((await cli(['import', bundle, '--db', join(dir, 'other.db')])).code).toBe(0);
    expect((await cli(['sweep', 'mlperf-kws', '--device', 'esp32', '--runtime', 'x-cube-ai', '--db', db])).stderr).toMatch(
      /X-CUBE-AI 9–10 runs on STMicroelectronics parts only; esp32 is made by Espressif/,
    );
  });
});
