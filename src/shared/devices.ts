// Device profiles: memory, where weights live, throughput per precision, and a source for every figure.

/** Layer kinds whose speed differs on real kernels; a profile's efficiency scales the throughput for that kind. */
export type ComputeKind = 'conv' | 'depthwise' | 'separable' | 'dense';
export const COMPUTE_KINDS: readonly ComputeKind[] = ['conv', 'depthwise', 'separable', 'dense'];

export interface DeviceProfile {
  id: string;
  name: string;
  description?: string;
  sramBytes: number;
  flashBytes: number;
  /** Where the weights are kept at inference: `sram` (counted against SRAM) or `flash` (read in place). */
  weightsIn: 'sram' | 'flash';
  /**
   * Operations per second per precision name (`fp32`, `int8`, `w4a8`…); one MAC = 2 operations, as MFLOPS/MOPS
   * figures are quoted. A precision missing here is unsupported on this device.
   */
  throughput: Record<string, number>;
  /** Fraction of the throughput a layer kind achieves (1 when absent). */
  efficiency: Partial<Record<ComputeKind, number>>;
  /** RAM and flash the inference runtime itself needs (interpreter, kernels, scratch). */
  runtimeRamBytes: number;
  runtimeFlashBytes: number;
  /** Fixed time per inference (invoke overhead, I/O), seconds. */
  overheadS: number;
  /** Where each figure comes from, keyed by field path (`sramBytes`, `throughput.int8`, `efficiency.depthwise`…). */
  sources: Record<string, string>;
}

export const KIB = 1024;

export const EXAM_MCU: DeviceProfile = {
  id: 'exam-mcu',
  name: 'Exam MCU',
  description: 'The device of the worked example: 520 KiB SRAM, 10 MFLOPS FP32, 80 MOPS INT8.',
  sramBytes: 520 * KIB,
  flashBytes: 0,
  weightsIn: 'sram',
  throughput: { fp32: 10e6, int8: 80e6 },
  efficiency: {},
  runtimeRamBytes: 0,
  runtimeFlashBytes: 0,
  overheadS: 0,
  sources: {
    sramBytes: 'exam statement: 520 KB SRAM (KB = 1024 bytes)',
    flashBytes: 'exam statement: no flash; weights and activations both live in SRAM',
    weightsIn: 'exam statement: weights and activations both live in SRAM',
    'throughput.fp32': 'exam statement: 10 MFLOPS in FP32',
    'throughput.int8': 'exam statement: 80 MOPS in INT8',
    runtimeRamBytes: 'exam statement: no runtime overhead',
    runtimeFlashBytes: 'exam statement: no runtime overhead',
    overheadS: 'exam statement: no runtime overhead',
  },
};

export const BUILTIN_DEVICES: readonly DeviceProfile[] = [EXAM_MCU];

export function findBuiltinDevice(id: string): DeviceProfile | undefined {
  const key = id.trim().toLowerCase();
  return BUILTIN_DEVICES.find((d) => d.id === key);
}
