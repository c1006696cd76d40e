// The API behind the app's Device and Sweep views: runtimes listed, calibration from measurements (with the app's
// loaded model), analysis under a runtime, sizes of sweeps over runtimes, and parameters checked before anything runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PARAMS } from '../../src/shared/api';
import { graphToNative } from '../../src/shared/model/native';
import { examCnn, mlperfKws } from '../../src/shared/presets';
import { createServices } from '../../src/main/services/handlers';

const services = createServices({ dbPath: join(mkdtempSync(join(tmpdir(), 'frontier-latency-')), 'f.db') });
const h = services.handlers;
afterAll(() => services.close());

describe('latency in the API', () => {
  it('lists the runtimes with their band, fitted cores and persistent RAM', async () => {
    const list = await h['runtimes.list']({});
    const x = list.find((r) => r.id === 'x-cube-ai')!;
    expect(x.groups).toBe(6);
    expect(Object.keys(x.cores).sort()).toEqual(['cortex-m33', 'cortex-m4', 'cortex-m7']);
    expect(x.band.highFactor).toBeGreaterThan(1);
    expect(list.find((r) => r.id === 'tflm-cmsis-nn')!.persistentRamBytes).toBe(7404);
  });

  it('calibrates a device from measurements, the loaded model included, and keeps it as the user\'s device', async () => {
    const mine = { ...graphToNative(examCnn()), name: 'my-net' };
    const result = await h['devices.calibrate']({
      device: 'stm32l4r5',
      runtime: 'x-cube-ai',
      name: 'my-l4r5',
      measurements: [
        { model: 'mlperf-ic', precision: 'int8', latencyS: 0.1651 },
        { model: 'my-net', channels: { conv1: 8 }, precision: 'int8', latencyS: 0.02 },
      ],
      models: { 'my-net': mine },
    });
    expect(result.fit.map((f) => f.model)).toEqual(['mlperf-ic', 'my-net']);
    expect(result.leaveOneOut).toHaveLength(2);
    expect(result.profile.id).toBe('my-l4r5');
    expect(result.profile.latency?.basis).toMatch(/^calibrated from 2 measurements in the Device view, /);
    const saved = await h['devices.save']({ profile: result.profile as unknown as Record<string, unknown> });
    expect(saved.latency?.rates.int8.conv).toBe(result.profile.latency?.rates.int8.conv);
    const report = await h['model.analyze']({
      graph: graphToNative(examCnn()),
      precision: 'int8',
      channels: { conv1: 8 },
      prune: {},
      memoryModel: 'layer-io',
      device: 'my-l4r5',
      headroom: 0,
      biasMode: 'weight',
      accuracy: null,
    });
    expect(report.latencyS).toBeCloseTo(result.fit[1].predictedS, 9);
    await expect(
      h['devices.calibrate']({ device: 'stm32l4r5', measurements: [{ model: 'nope', precision: 'int8', latencyS: 0.1 }] }),
    ).rejects.toThrow(/measurements\[0\] \(nope\): not a preset nor the loaded model/);
  });

  it('analyses under a runtime, and sizes a sweep over runtimes as device × runtime', async () => {
    const report = await h['model.analyze']({
      graph: graphToNative(mlperfKws()),
      precision: 'int8',
      channels: {},
      prune: {},
      memoryModel: 'layer-io',
      device: 'stm32f746',
      runtime: 'plumerai',
      headroom: 0,
      biasMode: 'weight',
      accuracy: null,
    });
    expect(report.runtime).toMatchObject({ id: 'plumerai', basis: 'measured' });
    expect(report.latencyBand!.low).toBeLessThan(report.latencyS!);
    const size = await h['sweep.size']({
      spec: { model: 'mlperf-kws', devices: ['stm32l4r5', 'stm32f746'], runtimes: ['x-cube-ai', 'plumerai'], precisions: ['int8'] },
      graph: graphToNative(mlperfKws()) as unknown as Record<string, unknown>,
    });
    expect(size.total).toBe(4);
    expect(size.dims.map((d) => `${d.kind} ${d.count}`)).toEqual(['precision 1', 'device 2', 'runtime 2']);
    await expect(
      h['sweep.size']({
        spec: { model: 'mlperf-kws', devices: ['esp32'], runtimes: ['x-cube-ai'] },
        graph: graphToNative(mlperfKws()) as unknown as Record<string, unknown>,
      }),
    ).rejects.toThrow(/runs on STMicroelectronics parts only; esp32 is made by Espressif/);
    await expect(
      h['sweep.size']({ spec: { model: 'mlperf-kws', devices: ['esp32'], runtimes: ['nope'] }, graph: graphToNative(mlperfKws()) as unknown as Record<string, unknown> }),
    ).rejects.toThrow(/runtimes must name built-in runtimes/);
  });

  it('checks calibration parameters before anything runs', () => {
    const schema = PARAMS['devices.calibrate'];
    expect(() => schema.parse({ device: 'x', measurements: [{ model: 'm', precision: 'int8', latencyS: 0 }] })).toThrow(/latencyS: must be ≥ 1e-9, got 0/);
    // Bounded like a deadline, as in a measurements file.
    expect(() => schema.parse({ device: 'x', measurements: [{ model: 'm', precision: 'int8', latencyS: 1e308 }] })).toThrow(/latencyS: must be ≤ 86400, got 1e\+308/);
    expect(() => schema.parse({ device: 'x', measurements: [{ model: 'm', precision: 'int8', latencyS: 1, extra: 1 }] })).toThrow(/extra: is not a known field/);
  });
});
