// Device files may carry a clock, a core, a vendor and a layered latency model; each is read back exactly as
// written, and a bad value is named with its field.
import { describe, expect, it } from 'vitest';
import { deviceProfileToJson, parseDeviceProfile } from '../../src/shared/deviceProfile';

const board = { id: 'b', sramKiB: 256, flashKiB: 1024, weightsIn: 'flash', throughput: { int8: 1e6 } };
const latency = {
  rates: { int8: { conv: 1e-8, depthwise: 4e-8, dense: 2e-8, element: 1e-7 } },
  perOpS: 1e-5,
  perInferenceS: 2e-4,
  band: { lowFactor: 0.8, highFactor: 1.25, basis: 'leave-one-out' },
  basis: 'calibrated',
  measurements: [{ model: 'mlperf-ic', precision: 'int8', latencyS: 0.2 }],
};

describe('latency fields of a device file', () => {
  it('read clock, core, vendor, latency and runtime, and write them back unchanged', () => {
    const p = parseDeviceProfile(
      { ...board, clockMHz: 80, core: 'Cortex-M4', vendor: 'Acme', latency, runtime: { id: 'calibrated', name: 'mine', basis: 'calibrated', persistentRamBytes: null } },
      'b.json',
    );
    expect(p.clockHz).toBe(80e6);
    expect(p.core).toBe('cortex-m4');
    expect(p.latency?.rates.int8.depthwise).toBe(4e-8);
    expect(parseDeviceProfile(deviceProfileToJson(p), 'b.json')).toEqual(p);
  });

  it.each([
    [{ clockHz: -1 }, /^b\.json: clockHz must be a positive number of hertz, got -1$/],
    [{ clockHz: 1, clockMHz: 1 }, /give only one of clockHz, clockMHz/],
    [{ latency: { ...latency, rates: { int8: { ...latency.rates.int8, conv: 0 } } } }, /^b\.json: latency\.rates\.int8\.conv must be a positive number of seconds per MAC, got 0$/],
    [{ latency: { ...latency, rates: { int9: latency.rates.int8 } } }, /^b\.json: latency\.rates\.int9: unknown precision "int9"/],
    [{ latency: { ...latency, band: { lowFactor: 1.2, highFactor: 1.5, basis: 'x' } } }, /latency\.band must hold the prediction \(lowFactor ≤ 1 ≤ highFactor\), got 1\.2 and 1\.5/],
    [{ latency: { ...latency, speed: 3 } }, /^b\.json: latency: unknown field "speed"/],
    [{ latency: { ...latency, measurements: [{ model: 'm', precision: 'int8', latencyS: -2 }] } }, /latency\.measurements\[0\]\.latencyS must be a positive number of seconds, got -2/],
    [{ runtime: { id: 'x', name: 'x', basis: 'guessed' } }, /runtime\.basis must be one of measured, transferred, estimated, calibrated, got "guessed"/],
    // Physical bounds, each naming the field and the range.
    [{ latency: { ...latency, rates: { int8: { ...latency.rates.int8, conv: 1e300 } } } }, /^b\.json: latency\.rates\.int8\.conv must be from 1e-15 to 1 seconds per MAC, got 1e\+300$/],
    [{ latency: { ...latency, rates: { int8: { ...latency.rates.int8, element: 5e-324 } } } }, /^b\.json: latency\.rates\.int8\.element must be from 1e-15 to 1 seconds per element, got 5e-324$/],
    [{ latency: { ...latency, perOpS: 1e308 } }, /^b\.json: latency\.perOpS must be at most 86,400 seconds, got 1e\+308$/],
    [{ latency: { ...latency, perInferenceS: 1e6 } }, /^b\.json: latency\.perInferenceS must be at most 86,400 seconds, got 1000000$/],
    [{ latency: { ...latency, band: { lowFactor: 1e-300, highFactor: 1e300, basis: 'x' } } }, /^b\.json: latency\.band\.lowFactor must be from 0\.001 to 1 \(a fraction\), got 1e-300$/],
    [{ latencyBand: { lowFactor: 0.5, highFactor: 1e300, basis: 'x' } }, /^b\.json: latencyBand\.highFactor must be from 1 to 1,000 \(a factor\), got 1e\+300$/],
    [{ latency: { ...latency, measurements: [{ model: 'm', precision: 'int8', latencyS: 1e308 }] } }, /latency\.measurements\[0\]\.latencyS must be at most 86,400 seconds, got 1e\+308/],
    [{ clockMHz: 1e300 }, /^b\.json: clockMHz must be from 0\.001 to 1,000,000 megahertz, got 1e\+300$/],
  ])('name a bad value: %j', (extra, message) => {
    expect(() => parseDeviceProfile({ ...board, ...extra }, 'b.json')).toThrow(message);
  });
});
