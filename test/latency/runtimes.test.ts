// Built-in runtimes: every figure sourced, a board under a runtime says whether its figures were measured there,
// transferred (from which board) or cannot apply, and runtimes expand like devices.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/shared/analysis/analyze';
import { BUILTIN_DEVICES, ESP32, NRF52840, RP2040, STM32F746, STM32H743, STM32L4R5, type DeviceProfile } from '../../src/shared/devices';
import { deviceProfileToJson, parseDeviceProfile } from '../../src/shared/deviceProfile';
import { RUNTIME_CATALOG, runtimeForStack } from '../../src/shared/latency/catalog';
import {
  BUILTIN_RUNTIMES,
  boardIdOf,
  expandRuntimes,
  fittedData,
  resolveRuntime,
  splitCombinedId,
  withRuntime,
} from '../../src/shared/latency/runtimes';
import { TERMS } from '../../src/shared/latency/work';
import { findPreset } from '../../src/shared/presets';

const vww = (device: DeviceProfile): number => analyze(findPreset('mlperf-vww')!.build(), { precision: 'int8', device }).latencyS as number;

describe('built-in runtimes', () => {
  it('cover the stacks the issue names and the others of the data', () => {
    const ids = BUILTIN_RUNTIMES.map((r) => r.id);
    for (const id of ['tflm-reference', 'tflm-cmsis-nn', 'x-cube-ai', 'plumerai', 'microtvm-cmsis-nn', 'microtvm-native', 'bosch-hale', 'onnc']) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Every stack of a complete closed-division group has a runtime.
    for (const stack of ['X-CUBE-AI v9.0 | bare metal', 'Plumerai Inference Engine 2023.05 | mbed-os bare metal', 'ONNC | CMSIS_5 | Zephyr OS']) {
      expect(runtimeForStack(stack)).toBeDefined();
    }
  });

  it('source every figure: memory from the catalog, cycles from MLPerf Tiny rows or published timings', () => {
    for (const r of BUILTIN_RUNTIMES) {
      expect(r.sources.persistentRamBytes.length, r.id).toBeGreaterThan(20);
      expect(r.sources.codeFlashBytes.length, r.id).toBeGreaterThan(20);
      expect(r.fit, `${r.id} is fitted`).not.toBeNull();
      for (const [core, fit] of Object.entries(r.fit!.cores)) {
        expect(fit.cycles).toHaveLength(TERMS.length);
        for (const c of fit.cycles) expect(c, `${r.id} ${core}`).toBeGreaterThan(0);
        expect(fit.sources.length, `${r.id} ${core}`).toBeGreaterThan(0);
        for (const s of fit.sources) {
          // A row of the CSV cites round, submitter, system, benchmark and its result file.
          if (s.startsWith('MLPerf Tiny v')) expect(s).toMatch(/^MLPerf Tiny v1\.\d closed, [^,]+, [^,]+, (vww|ic|kws|ad): [\d.]+ ms \(mlcommons\/tiny_results_v1\.\d@/);
        }
      }
      expect(r.fit!.zeroShotLogSd).toBeGreaterThan(0);
    }
    expect(fittedData().runtimes['x-cube-ai'].groups).toEqual([
      'v1.2/STMicroelectronics/NUCLEO_H7A3ZI_Q',
      'v1.2/STMicroelectronics/NUCLEO_L4R5ZI',
      'v1.2/STMicroelectronics/NUCLEO_U575ZI_Q',
      'v1.3/STMicroelectronics/NUCLEO_L4R5ZI-P',
      'v1.3/STMicroelectronics/NUCLEO_U385RG_Q',
      'v1.3/STMicroelectronics/NUCLEO_U575ZI_Q',
    ]);
    expect(RUNTIME_CATALOG.find((r) => r.id === 'tflm-cmsis-nn')?.persistentRamBytes).toBe(7404);
  });

  it('say where a board\'s figures come from: measured there, transferred from another board, or refused', () => {
    expect(withRuntime(STM32L4R5, resolveRuntime('x-cube-ai')).runtime).toMatchObject({ basis: 'measured' });
    const h743 = withRuntime(STM32H743, resolveRuntime('x-cube-ai'));
    expect(h743.runtime).toMatchObject({ basis: 'transferred', from: 'NUCLEO-H7A3ZI-Q' });
    expect(h743.latency!.basis).toMatch(/transferred from NUCLEO-H7A3ZI-Q \(same core, Arm Cortex-M7/);
    const rp = withRuntime(RP2040, resolveRuntime('tflm-cmsis-nn'));
    expect(rp.runtime?.basis).toBe('transferred');
    expect(rp.latency!.basis).toMatch(/Arm Cortex-M0\+ \/ Arm Cortex-M\d+ cycle ratio [\d.]+ of bosch-hale/);
    expect(() => withRuntime(NRF52840, resolveRuntime('x-cube-ai'))).toThrow(/X-CUBE-AI 9–10 runs on STMicroelectronics parts only; nrf52840 is made by Nordic/);
    expect(() => withRuntime(ESP32, resolveRuntime('plumerai'))).toThrow(/Plumerai Inference Engine 2023\.05 does not run on Xtensa LX6 \(esp32\)/);
    const noClock = { ...STM32L4R5, id: 'mine', clockHz: undefined };
    expect(() => withRuntime(noClock, resolveRuntime('x-cube-ai'))).toThrow(/mine gives no clock \("clockHz"\)/);
  });

  it('reproduce the issue\'s figures on the NUCLEO-L4R5ZI and the STM32F746', () => {
    // MLPerf Tiny: VWW on NUCLEO-L4R5ZI 88.9 ms with X-CUBE-AI 9.0, 336.6 ms with microTVM's native kernels.
    expect(vww(withRuntime(STM32L4R5, resolveRuntime('x-cube-ai'))) / 0.0889).toBeCloseTo(1, 1);
    expect(vww(withRuntime(STM32L4R5, resolveRuntime('microtvm-native'))) / 0.3366).toBeCloseTo(1, 1);
    // STM32F746: TFLM + CMSIS-NN around the built-in profile's 85 ms; Plumerai's 2023 engine measured 34.08 ms.
    expect(vww(STM32F746) * 1000).toBeCloseTo(85, -1);
    expect(vww(withRuntime(STM32F746, resolveRuntime('plumerai'))) / 0.03408).toBeCloseTo(1, 1);
  });

  it('expand like devices: board-major, idempotent on stored profiles, and named board+runtime', () => {
    const boards = [STM32L4R5, STM32F746];
    const expanded = expandRuntimes(boards, ['x-cube-ai', 'plumerai']);
    expect(expanded.map((d) => d.id)).toEqual(['stm32l4r5+x-cube-ai', 'stm32l4r5+plumerai', 'stm32f746+x-cube-ai', 'stm32f746+plumerai']);
    expect(expandRuntimes(expanded, ['x-cube-ai', 'plumerai']).map((d) => d.id)).toEqual(expanded.map((d) => d.id));
    expect(expandRuntimes(boards, []).map((d) => d.id)).toEqual(['stm32l4r5', 'stm32f746']);
    expect(expanded.map(boardIdOf)).toEqual(['stm32l4r5', 'stm32l4r5', 'stm32f746', 'stm32f746']);
    expect(splitCombinedId('stm32l4r5+x-cube-ai')).toMatchObject({ board: 'stm32l4r5', runtime: { id: 'x-cube-ai' } });
    expect(splitCombinedId('my+board')).toBeNull();
    // A stored combined profile reads back unchanged.
    for (const p of expanded) expect(parseDeviceProfile(JSON.parse(JSON.stringify(deviceProfileToJson(p))), 'p.json')).toEqual(p);
  });

  it('keep the runtime\'s persistent RAM on the device, with its source', () => {
    const d = withRuntime(STM32F746, resolveRuntime('tflm-cmsis-nn'));
    expect(d.runtimeRamBytes).toBe(7404);
    expect(d.runtime?.persistentRamBytes).toBe(7404);
    expect(d.runtime?.sources.persistentRamBytes).toMatch(/RecordingMicroAllocator/);
    const x = withRuntime(STM32L4R5, resolveRuntime('x-cube-ai'));
    expect(x.runtime?.persistentRamBytes).toBeNull();
    expect(x.runtimeRamBytes).toBe(STM32L4R5.runtimeRamBytes);
  });

  it('leave the built-in boards\' own latency untouched (the exam device included)', () => {
    for (const d of BUILTIN_DEVICES) expect(d.latency).toBeUndefined();
  });
});
