// A refusal of an absent field says it is missing, never "got undefined" or "got nothing": in spec files, model files
// in Frontier's format, accuracy models, device files (their latency and runtime fields too) and measurements files
// here; bundles in test/exports.test.ts, the API's schemas in test/validate.test.ts.
import { describe, expect, it } from 'vitest';
import { validateAccuracyModel, type AccuracyModel } from '../src/shared/analysis/accuracy';
import { parseDeviceProfile } from '../src/shared/deviceProfile';
import { parseMeasurementsFile } from '../src/shared/latency/measurementsFile';
import { nativeToGraph, graphToNative } from '../src/shared/model/native';
import { findPreset } from '../src/shared/presets';
import { defaultSpec, parseSweepSpec } from '../src/shared/sweep/specFile';

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('an absent field is missing', () => {
  it('in a spec file: a client without its deadline', () => {
    const spec = { ...defaultSpec('exam-cnn'), clients: [{ name: 'c' }] };
    const message = messageOf(() => parseSweepSpec(spec, 's.json'));
    expect(message).toBe('s.json: clients[0].deadlineS is missing; it must be a positive number of seconds, at most 86,400');
  });

  it("in Frontier's model format: a layer field and the format", () => {
    const native = graphToNative(findPreset('exam-cnn')!.build()) as unknown as { layers: Record<string, unknown>[]; format?: string };
    const withoutFilters = structuredClone(native);
    delete withoutFilters.layers[1].filters;
    expect(messageOf(() => nativeToGraph(withoutFilters, 'm.json'))).toMatch(/^m\.json: layer "conv1": filters is missing; it must be /);
    const withoutFormat = structuredClone(native);
    delete withoutFormat.format;
    expect(messageOf(() => nativeToGraph(withoutFormat, 'm.json'))).toBe('m.json: "format" is missing; it must be "frontier-model"');
  });

  it('in an accuracy model: the base accuracy', () => {
    const model = { kind: 'penalties', penalties: {} } as unknown as AccuracyModel;
    expect(messageOf(() => validateAccuracyModel(model))).toBe('base accuracy is missing; it must be a fraction between 0 and 1 (e.g. 0.93)');
  });

  it('in a device file: a size, where the weights live, the throughput, and fields of its latency model and runtime', () => {
    const board = { id: 'b', sramKiB: 256, flashKiB: 1024, weightsIn: 'flash', throughput: { int8: 1e7 } };
    const without = (key: string): Record<string, unknown> => Object.fromEntries(Object.entries(board).filter(([k]) => k !== key));
    expect(messageOf(() => parseDeviceProfile(without('sramKiB'), 'b.json'))).toBe('b.json: sramBytes is missing; give sramBytes in bytes, or sramKiB / sramMiB');
    expect(messageOf(() => parseDeviceProfile(without('weightsIn'), 'b.json'))).toBe('b.json: weightsIn is missing; it must be "sram" or "flash"');
    expect(messageOf(() => parseDeviceProfile(without('throughput'), 'b.json'))).toBe(
      'b.json: throughput is missing; give throughput in operations per second, or throughputMacs in MAC/s',
    );
    // A runtime profile: the board with a latency model and the runtime it describes; it reads as it is.
    const json = {
      ...board,
      latency: {
        rates: { int8: { conv: 1e-8, depthwise: 2e-8, dense: 1e-8, element: 1e-9 } },
        perOpS: 1e-5,
        perInferenceS: 1e-4,
        band: { lowFactor: 0.8, highFactor: 1.25, basis: 'leave-one-out' },
        basis: 'fitted',
      },
      runtime: { id: 'r', name: 'R', persistentRamBytes: null, basis: 'measured' },
    };
    expect(parseDeviceProfile(json, 'p.json').runtime?.id).toBe('r');
    type Profile = { latency: Record<string, unknown>; runtime: Record<string, unknown> };
    const noPerOp = structuredClone(json) as Profile;
    delete noPerOp.latency.perOpS;
    expect(messageOf(() => parseDeviceProfile(noPerOp, 'p.json'))).toBe('p.json: latency.perOpS is missing; it must be a non-negative number of seconds');
    const noRuntimeId = structuredClone(json) as Profile;
    delete noRuntimeId.runtime.id;
    expect(messageOf(() => parseDeviceProfile(noRuntimeId, 'p.json'))).toBe('p.json: runtime.id is missing; it must be a non-empty string');
    expect(messageOf(() => parseDeviceProfile(without('id'), 'b.json'))).toBe('b.json: id is missing; it must be a non-empty string');
  });

  it('in a measurements file: the device, and a measurement\'s latency', () => {
    const measurement = { model: 'exam-cnn', precision: 'int8', latencyS: 0.05 };
    expect(messageOf(() => parseMeasurementsFile({ measurements: [measurement] }, 'm.json'))).toBe(
      'm.json: device is missing; it must name a built-in device or a device file',
    );
    expect(messageOf(() => parseMeasurementsFile({ device: 'exam-mcu', measurements: [{ model: 'exam-cnn', precision: 'int8' }] }, 'm.json'))).toBe(
      'm.json: measurements[0] (exam-cnn): latencyS is missing; it must be a positive number of seconds, at most 86,400',
    );
  });
});
