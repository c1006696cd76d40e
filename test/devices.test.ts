import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BENCHMARK_MACS,
  BUILTIN_DEVICES,
  COMPUTE_KINDS,
  EXAM_MCU,
  KIB,
  OMITTED_PRECISIONS,
  findBuiltinDevice,
  type DeviceProfile,
} from '../src/shared/devices';
import {
  DeviceProfileError,
  deviceProfileToJson,
  listDeviceIds,
  parseDeviceProfile,
  unknownDeviceMessage,
} from '../src/shared/deviceProfile';
import { parsePrecision } from '../src/shared/analysis/precision';

const REAL_IDS = ['stm32f746', 'stm32h743', 'stm32l4r5', 'esp32', 'esp32-s3', 'nrf52840', 'rp2040'];

/** Every field path of a profile that must carry a source. */
function figurePaths(p: DeviceProfile): string[] {
  return [
    'sramBytes',
    'flashBytes',
    'weightsIn',
    ...Object.keys(p.throughput).map((k) => `throughput.${k}`),
    ...Object.keys(p.efficiency).map((k) => `efficiency.${k}`),
    'runtimeRamBytes',
    'runtimeFlashBytes',
    'overheadS',
    ...(p.clockHz !== undefined ? ['clockHz'] : []),
    ...(p.core !== undefined ? ['core'] : []),
  ];
}

const byId = (id: string): DeviceProfile => {
  const d = findBuiltinDevice(id);
  if (!d) throw new Error(`no built-in ${id}`);
  return d;
};

describe('built-in devices', () => {
  it('include the exam MCU and the seven real boards, with unique lower-case ids', () => {
    const ids = BUILTIN_DEVICES.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(['exam-mcu', ...REAL_IDS]);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(listDeviceIds()).toEqual(ids);
  });

  it('keep the exam MCU exactly as the exam states it', () => {
    expect(EXAM_MCU.sramBytes).toBe(532480);
    expect(EXAM_MCU.sramBytes).toBe(520 * KIB);
    expect(EXAM_MCU.throughput).toEqual({ fp32: 1e7, int8: 8e7 });
    expect(EXAM_MCU.weightsIn).toBe('sram');
    expect(EXAM_MCU.flashBytes).toBe(0);
    expect(EXAM_MCU.runtimeRamBytes + EXAM_MCU.runtimeFlashBytes + EXAM_MCU.overheadS).toBe(0);
  });

  for (const device of BUILTIN_DEVICES) {
    describe(device.id, () => {
      it('has a non-empty source for every figure, and no source for a figure it lacks', () => {
        const paths = figurePaths(device);
        for (const path of paths) {
          expect(device.sources[path], `${device.id} sources.${path}`).toBeTypeOf('string');
          expect(device.sources[path].trim().length, `${device.id} sources.${path}`).toBeGreaterThan(10);
        }
        expect(Object.keys(device.sources).sort()).toEqual([...paths].sort());
      });

      it('has plausible, positive figures', () => {
        expect(device.name.length).toBeGreaterThan(0);
        expect(Number.isInteger(device.sramBytes) && device.sramBytes > 0).toBe(true);
        expect(Number.isInteger(device.flashBytes) && device.flashBytes >= 0).toBe(true);
        expect(device.runtimeRamBytes).toBeGreaterThanOrEqual(0);
        expect(device.runtimeFlashBytes).toBeGreaterThanOrEqual(0);
        expect(device.overheadS).toBeGreaterThanOrEqual(0);
        expect(device.overheadS).toBeLessThan(0.01);
        expect(Object.keys(device.throughput).length).toBeGreaterThan(0);
        for (const [name, ops] of Object.entries(device.throughput)) {
          expect(parsePrecision(name).name).toBe(name);
          expect(Number.isFinite(ops) && ops > 0).toBe(true);
        }
        for (const [kind, fraction] of Object.entries(device.efficiency)) {
          expect(COMPUTE_KINDS).toContain(kind);
          expect(fraction).toBeGreaterThan(0);
          expect(fraction).toBeLessThanOrEqual(1);
        }
        // The runtime must leave room for a model.
        expect(device.runtimeRamBytes).toBeLessThan(device.sramBytes / 4);
        if (device.flashBytes > 0) expect(device.runtimeFlashBytes).toBeLessThan(device.flashBytes / 4);
      });
    });
  }

  it('give real boards microcontroller-sized memories, weights in flash, and int8 rates between 1 M and 2 G op/s', () => {
    for (const id of REAL_IDS) {
      const d = byId(id);
      expect(d.weightsIn).toBe('flash');
      expect(d.flashBytes).toBeGreaterThan(d.runtimeFlashBytes);
      expect(d.sramBytes).toBeGreaterThanOrEqual(128 * KIB);
      expect(d.sramBytes).toBeLessThanOrEqual(2048 * KIB);
      expect(d.throughput.int8).toBeGreaterThan(1e6);
      expect(d.throughput.int8).toBeLessThan(2e9);
      expect(d.throughput.fp16, `${id} has no fp16 arithmetic`).toBeUndefined();
      expect(d.runtimeRamBytes).toBeGreaterThan(0);
      expect(d.runtimeFlashBytes).toBeGreaterThan(0);
    }
  });

  it('mark unmeasured figures as estimates', () => {
    expect(byId('stm32f746').sources['throughput.int8']).toMatch(/^estimate:/);
    expect(byId('rp2040').sources['throughput.int8']).toMatch(/^estimate:/);
    for (const id of REAL_IDS) {
      const fp32 = byId(id).sources['throughput.fp32'];
      if (fp32 !== undefined) expect(fp32, id).toMatch(/^estimate:/);
    }
    // Measured or derived figures name their benchmark.
    expect(byId('stm32l4r5').sources['throughput.int8']).toMatch(/MLPerf Tiny v0\.5/);
    expect(byId('stm32h743').sources['throughput.int8']).toMatch(/^derived:/);
    expect(byId('esp32-s3').sources['throughput.int8']).toMatch(/54 ms/);
  });

  it('leave fp32 out of the RP2040, which has no FPU, and say why', () => {
    const rp = byId('rp2040');
    expect(rp.throughput.fp32).toBeUndefined();
    expect(OMITTED_PRECISIONS.rp2040.fp32).toMatch(/no FPU/);
  });

  it('match the derivations their sources describe', () => {
    const close = (actual: number, expected: number) => expect(Math.abs(actual / expected - 1)).toBeLessThan(0.01);
    // MLPerf Tiny v0.5 reference, NUCLEO-L4R5ZI: IC 100 inferences in 70.425 s; 1 MAC = 2 ops.
    close(byId('stm32l4r5').throughput.int8, (2 * BENCHMARK_MACS.icResNet8) / 0.70425);
    // STM32H745 CM7 at 480 MHz: CONV_2D 2.368 M MACs in 4,457,435 cycles.
    close(byId('stm32h743').throughput.int8, (2 * BENCHMARK_MACS.kwsDsCnnConv * 480e6) / 4_457_435);
    close(byId('stm32f746').throughput.int8, (2 * BENCHMARK_MACS.kwsDsCnnConv * 216e6) / 4_457_435);
    // ESP32 person detection 380 ms, whole model.
    close(byId('esp32').throughput.int8, (2 * BENCHMARK_MACS.personDetect) / 0.38);
    // ESP32-S3 person detection 54 ms with depthwise at 0.22 of the conv rate.
    const s3 = byId('esp32-s3');
    const s3Seconds =
      (2 * (BENCHMARK_MACS.personDetect - BENCHMARK_MACS.personDetectDepthwise)) / s3.throughput.int8 +
      (2 * BENCHMARK_MACS.personDetectDepthwise) / (s3.throughput.int8 * (s3.efficiency.depthwise ?? 1));
    expect(Math.abs(s3Seconds - 0.054)).toBeLessThan(0.002);
    // nRF52840 person detection 1.2 s with depthwise at 0.20.
    const nrf = byId('nrf52840');
    const nrfSeconds =
      (2 * (BENCHMARK_MACS.personDetect - BENCHMARK_MACS.personDetectDepthwise)) / nrf.throughput.int8 +
      (2 * BENCHMARK_MACS.personDetectDepthwise) / (nrf.throughput.int8 * (nrf.efficiency.depthwise ?? 1));
    expect(Math.abs(nrfSeconds - 1.2)).toBeLessThan(0.02);
  });

  it('have benchmark MAC counts that add up', () => {
    const m = BENCHMARK_MACS;
    expect(m.kwsDsCnnConv + m.kwsDsCnnDepthwise + 64 * 12).toBe(m.kwsDsCnn);
    // The grayscale person detection model differs from VWW only in the first conv's input channels (3 → 1).
    expect(m.vwwMobileNetV1 - m.personDetect).toBe(48 * 48 * 8 * 9 * 2);
    expect(m.vwwMobileNetV1Depthwise).toBe(m.personDetectDepthwise);
  });

  it('are found by id, case- and space-insensitively', () => {
    expect(findBuiltinDevice(' STM32H743 ')?.id).toBe('stm32h743');
    expect(findBuiltinDevice('ESP32-S3')?.id).toBe('esp32-s3');
    expect(findBuiltinDevice('esp8266')).toBeUndefined();
  });

  it('explain an unknown id by listing the valid ones', () => {
    const message = unknownDeviceMessage('esp8266');
    expect(message).toContain('"esp8266"');
    for (const id of listDeviceIds()) expect(message).toContain(id);
    expect(message).toContain('docs/devices.md');
  });
});

describe('device files', () => {
  const minimal = {
    id: 'my-board',
    sramBytes: 256 * 1024,
    flashBytes: 1024 * 1024,
    weightsIn: 'flash',
    throughput: { int8: 50e6 },
  };

  it('round-trip every built-in through the file form and JSON text', () => {
    for (const device of BUILTIN_DEVICES) {
      const text = JSON.stringify(deviceProfileToJson(device), null, 2);
      const back = parseDeviceProfile(JSON.parse(text), `${device.id}.json`);
      expect(back).toEqual(device);
      expect(deviceProfileToJson(back)).toEqual(deviceProfileToJson(device));
    }
  });

  it('fill in defaults for the optional fields', () => {
    const p = parseDeviceProfile(minimal, 'my-board.json');
    expect(p).toEqual({
      id: 'my-board',
      name: 'my-board',
      sramBytes: 262144,
      flashBytes: 1048576,
      weightsIn: 'flash',
      throughput: { int8: 50e6 },
      efficiency: {},
      runtimeRamBytes: 0,
      runtimeFlashBytes: 0,
      overheadS: 0,
      sources: {},
    });
    expect(p.description).toBeUndefined();
  });

  it('accept the convenience units: KiB, MiB, MAC/s (doubled) and milliseconds', () => {
    const p = parseDeviceProfile(
      {
        id: 'esp-like',
        name: 'ESP-like',
        sramKiB: 520,
        flashMiB: 4,
        runtimeRamKiB: 8,
        runtimeFlashKiB: 48,
        weightsIn: 'flash',
        throughputMacs: { int8: 40e6, W4A8: 30e6 },
        throughput: { fp32: 20e6 },
        overheadMs: 2,
      },
      'esp-like.json',
    );
    expect(p.sramBytes).toBe(520 * 1024);
    expect(p.flashBytes).toBe(4 * 1024 * 1024);
    expect(p.runtimeRamBytes).toBe(8192);
    expect(p.runtimeFlashBytes).toBe(48 * 1024);
    expect(p.throughput).toEqual({ fp32: 20e6, int8: 80e6, w4a8: 60e6 });
    expect(p.overheadS).toBeCloseTo(0.002, 12);
    // Written back, it uses the plain units and still round-trips.
    const json = deviceProfileToJson(p);
    expect(json.sramBytes).toBe(532480);
    expect(json.throughput).toEqual({ fp32: 20e6, int8: 80e6, w4a8: 60e6 });
    expect(parseDeviceProfile(json, 'again.json')).toEqual(p);
  });

  it('store throughput under the canonical precision name', () => {
    const p = parseDeviceProfile({ ...minimal, throughput: { W8A8: 10e6, FP16: 5e6, w4a16: 3e6 } }, 'x.json');
    expect(p.throughput).toEqual({ int8: 10e6, fp16: 5e6, w4a16: 3e6 });
  });

  it('parse the example files in resources/devices', () => {
    const dir = fileURLToPath(new URL('../resources/devices/', import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const p = parseDeviceProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')), file);
      expect(p.id.length).toBeGreaterThan(0);
      expect(Object.keys(p.throughput).length).toBeGreaterThan(0);
    }
    const exam = parseDeviceProfile(JSON.parse(readFileSync(join(dir, 'exam-mcu.json'), 'utf8')), 'exam-mcu.json');
    expect({ ...exam, id: EXAM_MCU.id, name: EXAM_MCU.name, description: EXAM_MCU.description }).toEqual(EXAM_MCU);
    const tvm = parseDeviceProfile(
      JSON.parse(readFileSync(join(dir, 'nucleo-l4r5zi-microtvm.json'), 'utf8')),
      'nucleo-l4r5zi-microtvm.json',
    );
    expect(tvm.sramBytes).toBe(640 * 1024);
    expect(tvm.throughput.int8).toBeCloseTo(64.18e6, -4);
  });

  describe('reject bad files, naming the file, the field and the value', () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['not an object', [1, 2], /^f\.json: a device file must be a JSON object, got \[1,2\]$/],
      ['null', null, /^f\.json: a device file must be a JSON object, got null$/],
      ['missing id', { ...minimal, id: undefined }, /^f\.json: id is missing; it must be a non-empty string$/],
      ['blank id', { ...minimal, id: '  ' }, /^f\.json: id must be a non-empty string, got " {2}"$/],
      ['id with spaces', { ...minimal, id: 'my board' }, /^f\.json: id must not contain spaces, got "my board"$/],
      ['bad name', { ...minimal, name: 7 }, /^f\.json: name must be a non-empty string, got 7$/],
      ['bad description', { ...minimal, description: ['x'] }, /^f\.json: description must be a string, got \["x"\]$/],
      ['missing sram', { ...minimal, sramBytes: undefined }, /^f\.json: sramBytes is missing; give sramBytes in bytes, or sramKiB \/ sramMiB$/],
      ['zero sram', { ...minimal, sramBytes: 0 }, /^f\.json: sramBytes must be a positive number of bytes, got 0$/],
      ['negative sram', { ...minimal, sramBytes: -1 }, /^f\.json: sramBytes must be a positive number of bytes, got -1$/],
      ['string sram', { ...minimal, sramBytes: '256K' }, /^f\.json: sramBytes must be a positive number of bytes, got "256K"$/],
      ['infinite sram', { ...minimal, sramBytes: Infinity }, /^f\.json: sramBytes must be a positive number of bytes, got Infinity$/],
      ['fractional bytes', { ...minimal, sramBytes: 100.5 }, /^f\.json: sramBytes must come to a whole number of bytes, got 100\.5 bytes$/],
      ['bad KiB', { ...minimal, sramBytes: undefined, sramKiB: -520 }, /^f\.json: sramKiB must be a positive number of KiB, got -520$/],
      ['two units', { ...minimal, sramKiB: 256 }, /^f\.json: give only one of sramBytes, sramKiB/],
      ['missing flash', { ...minimal, flashBytes: undefined }, /^f\.json: flashBytes is missing; give flashBytes in bytes, or flashKiB \/ flashMiB$/],
      ['negative flash', { ...minimal, flashBytes: -3 }, /^f\.json: flashBytes must be a non-negative number of bytes, got -3$/],
      ['bad weightsIn', { ...minimal, weightsIn: 'dram' }, /^f\.json: weightsIn must be "sram" or "flash", got "dram"$/],
      ['missing weightsIn', { ...minimal, weightsIn: undefined }, /^f\.json: weightsIn is missing; it must be "sram" or "flash"$/],
      ['flash weights, no flash', { ...minimal, flashBytes: 0 }, /^f\.json: flashBytes must be positive when weightsIn is "flash", got 0$/],
      ['missing throughput', { ...minimal, throughput: undefined }, /^f\.json: throughput is missing; give throughput in operations per second, or throughputMacs in MAC\/s$/],
      ['throughput not object', { ...minimal, throughput: 5e6 }, /^f\.json: throughput must be an object of precision name → operations per second, got 5000000$/],
      ['empty throughput', { ...minimal, throughput: {} }, /^f\.json: throughput must name at least one precision \(e\.g\. "int8"\), got \{\}$/],
      ['negative rate', { ...minimal, throughput: { int8: -5 } }, /^f\.json: throughput\.int8 must be a positive number of operations per second, got -5$/],
      ['zero rate', { ...minimal, throughput: { fp32: 0 } }, /^f\.json: throughput\.fp32 must be a positive number of operations per second, got 0$/],
      ['string rate', { ...minimal, throughput: { int8: '80M' } }, /^f\.json: throughput\.int8 must be a positive number of operations per second, got "80M"$/],
      ['unknown precision', { ...minimal, throughput: { int3: 5e6 } }, /^f\.json: throughput\.int3: unknown precision "int3"; use fp32, fp16/],
      ['repeated precision', { ...minimal, throughput: { int8: 5e6, w8a8: 6e6 } }, /^f\.json: throughput\.w8a8 repeats precision int8, which is already given \(got 6000000\)$/],
      ['bad MAC rate', { ...minimal, throughputMacs: { int4: -1 } }, /^f\.json: throughputMacs\.int4 must be a positive number of multiply-accumulates per second, got -1$/],
      ['unknown kind', { ...minimal, efficiency: { pooling: 0.5 } }, /^f\.json: efficiency\.pooling: unknown layer kind "pooling"; use conv, depthwise, separable, dense$/],
      ['efficiency above 1', { ...minimal, efficiency: { depthwise: 1.5 } }, /^f\.json: efficiency\.depthwise must be a fraction in \(0, 1\], got 1\.5$/],
      ['efficiency zero', { ...minimal, efficiency: { dense: 0 } }, /^f\.json: efficiency\.dense must be a fraction in \(0, 1\], got 0$/],
      ['efficiency not object', { ...minimal, efficiency: 0.5 }, /^f\.json: efficiency must be an object of layer kind → fraction, got 0\.5$/],
      ['negative runtime RAM', { ...minimal, runtimeRamBytes: -1 }, /^f\.json: runtimeRamBytes must be a non-negative number of bytes, got -1$/],
      ['negative overhead', { ...minimal, overheadS: -0.1 }, /^f\.json: overheadS must be a non-negative number of seconds, got -0\.1$/],
      ['bad overheadMs', { ...minimal, overheadMs: 'fast' }, /^f\.json: overheadMs must be a non-negative number of milliseconds, got "fast"$/],
      ['two overheads', { ...minimal, overheadS: 0, overheadMs: 1 }, /^f\.json: give only one of overheadS, overheadMs/],
      ['bad sources', { ...minimal, sources: ['a'] }, /^f\.json: sources must be an object of field name → text, got \["a"\]$/],
      ['bad source text', { ...minimal, sources: { sramBytes: 5 } }, /^f\.json: sources\.sramBytes must be a string, got 5$/],
      ['unknown field', { ...minimal, sramByte: 5 }, /^f\.json: unknown field "sramByte" \(value 5\); known fields: id, name/],
      // Physical bounds: figures no board has, which would become infinite latencies or budgets beyond 2^53 bytes.
      ['denormal throughput', { ...minimal, throughput: { int8: 5e-324 } }, /^f\.json: throughput\.int8 must be from 1 to 1e18 operations per second, got 5e-324$/],
      ['tiny throughput', { ...minimal, throughput: { int8: 1e-300 } }, /^f\.json: throughput\.int8 must be from 1 to 1e18 operations per second, got 1e-300$/],
      ['huge throughput', { ...minimal, throughput: { int8: 1e300 } }, /^f\.json: throughput\.int8 must be from 1 to 1e18 operations per second, got 1e\+300$/],
      ['tiny MAC rate', { ...minimal, throughputMacs: { int4: 0.1 } }, /^f\.json: throughputMacs\.int4 must be from 0\.5 to 5e17 multiply-accumulates per second, got 0\.1$/],
      ['huge overhead', { ...minimal, overheadS: 1e308 }, /^f\.json: overheadS must be at most 86,400 seconds \(a day\), got 1e\+308$/],
      ['huge overheadMs', { ...minimal, overheadMs: 1e9 }, /^f\.json: overheadMs must be at most 86,400,000 milliseconds \(a day\), got 1000000000$/],
      ['sram past 2^53', { ...minimal, sramBytes: 2 ** 53 + 2 }, /^f\.json: sramBytes must be at most 1,099,511,627,776 bytes \(1 TiB\), got 9007199254740994$/],
      ['sram 1e300', { ...minimal, sramBytes: 1e300 }, /^f\.json: sramBytes must be at most 1,099,511,627,776 bytes \(1 TiB\), got 1e\+300$/],
      ['sram in MiB', { ...minimal, sramBytes: undefined, sramMiB: 2 ** 21 }, /^f\.json: sramMiB must be at most 1,048,576 MiB \(1 TiB\), got 2097152$/],
      ['flash 1e300', { ...minimal, flashBytes: 1e300 }, /^f\.json: flashBytes must be at most 1,099,511,627,776 bytes \(1 TiB\)/],
      ['runtime RAM 1e300', { ...minimal, runtimeRamBytes: 1e300 }, /^f\.json: runtimeRamBytes must be at most 1,099,511,627,776 bytes \(1 TiB\), got 1e\+300$/],
      ['runtime flash in KiB', { ...minimal, runtimeFlashKiB: 1e300 }, /^f\.json: runtimeFlashKiB must be at most 1,073,741,824 KiB \(1 TiB\)/],
      ['clock 1e300', { ...minimal, clockHz: 1e300 }, /^f\.json: clockHz must be from 1,000 to 1,000,000,000,000 hertz, got 1e\+300$/],
      ['runtime persistent RAM 1e300', { ...minimal, runtime: { id: 'r', name: 'r', basis: 'measured', persistentRamBytes: 1e300 } }, /^f\.json: runtime\.persistentRamBytes must be a whole number of bytes, at most 1,099,511,627,776 \(1 TiB\), or null, got 1e\+300$/],
    ];
    for (const [label, input, pattern] of cases) {
      it(label, () => {
        let error: unknown;
        try {
          parseDeviceProfile(input, 'f.json');
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DeviceProfileError);
        expect((error as Error).message).toMatch(pattern);
      });
    }
  });

  it('quote the example message of the documentation exactly', () => {
    expect(() => parseDeviceProfile({ ...minimal, throughput: { int8: -5 } }, 'my-board.json')).toThrow(
      'my-board.json: throughput.int8 must be a positive number of operations per second, got -5',
    );
  });
});
