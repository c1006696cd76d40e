// Device profiles: memory, where weights live, throughput per precision, and a source for every figure.
// A profile carries the latency model's data (its types, from latency/modelTypes.ts), never the model's code: the
// latency model reads profiles, so the two would otherwise import each other.
import type { ComputeKind } from './analysis/computeKind';
import type { LatencyBandFactors, LatencyModel } from './latency/modelTypes';
import type { RuntimeRef } from './latency/runtimeRef';

export { COMPUTE_KINDS, type ComputeKind } from './analysis/computeKind';

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
  /** Core clock in Hz, when known: it turns a runtime's cycles per MAC into seconds. */
  clockHz?: number;
  /** CPU core (`cortex-m4`, `cortex-m7`…), when known: a runtime's fitted cycles transfer between boards of one core. */
  core?: string;
  /** Maker of the chip, when known (some runtimes run only on one maker's parts). */
  vendor?: string;
  /**
   * The layered latency model of a board under a software stack (src/shared/latency): when present it replaces
   * throughput × efficiency and overheadS for latency (throughput keys still list the board's precisions).
   */
  latency?: LatencyModel;
  /** The software stack `latency` describes. */
  runtime?: RuntimeRef;
  /**
   * The band of the plain model's predictions, when known better than the generic plain-model band (the exam device
   * states its throughputs exactly). Ignored when `latency` is present (it carries its own).
   */
  latencyBand?: LatencyBandFactors;
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
  latencyBand: { lowFactor: 1, highFactor: 1, basis: 'exam statement: the throughputs are exact by definition' },
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

export const MIB = 1024 * KIB;

// ---------------------------------------------------------------------------------------------------------------
// Real devices. Every figure has an entry in `sources`; figures derived from a benchmark say how, and anything not
// measured starts with "estimate:". Throughputs are for TensorFlow Lite Micro (TFLM) with the vendor's optimized
// int8 kernels (CMSIS-NN on Arm, ESP-NN on Espressif), because that is the runtime whose footprint the profiles carry.
//
// How the int8 figures are derived: a published latency of a model whose MACs are known gives MAC/s; ops/s = 2 × MAC/s.
// `throughput.int8` is the rate of standard and pointwise convolutions; `efficiency.depthwise` scales it for depthwise
// layers, which every source below shows running well below the conv rate.
// ---------------------------------------------------------------------------------------------------------------

/**
 * MACs of the benchmark models used below, counted layer by layer from their reference definitions (convolutions,
 * depthwise convolutions and dense layers; pooling, adds and activations excluded).
 */
export const BENCHMARK_MACS = {
  /** MLPerf Tiny IC: ResNet-8 (16/32/64 filters, `num_filters = 16` as submitted in v0.5–v1.x) on 32×32×3. */
  icResNet8: 12_501_632,
  /** MLPerf Tiny VWW: MobileNetV1 α=0.25 on 96×96×3, 2 classes. */
  vwwMobileNetV1: 7_489_664,
  /** Of which depthwise 3×3 layers. */
  vwwMobileNetV1Depthwise: 798_336,
  /** TFLM person_detection example: the same MobileNetV1 α=0.25 on 96×96×1 (grayscale), 2 classes. */
  personDetect: 7_157_888,
  /** Of which depthwise 3×3 layers. */
  personDetectDepthwise: 798_336,
  /** MLPerf Tiny KWS DS-CNN (64 filters, 49×10 MFCC input): CONV_2D layers (10×4 first conv + 4 pointwise). */
  kwsDsCnnConv: 2_368_000,
  /** KWS DS-CNN depthwise 3×3 layers. */
  kwsDsCnnDepthwise: 288_000,
  /** KWS DS-CNN total (conv + depthwise + 64×12 dense). */
  kwsDsCnn: 2_656_768,
  /** MLPerf Tiny AD: dense autoencoder 640-128-128-128-128-8-128-128-128-128-640. */
  adAutoencoder: 264_192,
} as const;

// TFLM runtime footprint, shared by all profiles (the runtime is the same library everywhere).
const TFLM_FLASH_BYTES = 46_646 + 224;
const TFLM_FLASH_SOURCE =
  'MLPerf Tiny reference submission (mlcommons/tiny benchmark/reference_submissions/image_classification, ' +
  'BUILD/NUCLEO_L4R5ZI/GCC_ARM/image_classification_map.csv): TFLM with CMSIS-NN kernels, tensorflow/lite ' +
  '.text 46,646 B + .data 224 B = 46,870 B for the ResNet-8 op set (41,758 B for the VWW MobileNet build, 12,870 B for ' +
  'the dense-only AD build); the TFLM docs quote 16 KB for the bare core runtime on a Cortex-M3';
export const TFLM_RAM_BYTES = 7_404;
export const TFLM_RAM_SOURCE =
  'TFLM RecordingMicroAllocator report for the MLPerf Tiny KWS DS-CNN with TFLM+CMSIS-NN on an STM32H745 Cortex-M7, ' +
  'release build (kovacsdotgergo/stm32h745-ai notes/docu.md): arena tail (persistent interpreter data: tensor structs, ' +
  'per-channel quantization, node/registration structs) 7,404 B, on top of the 16,008 B of activations the analysis ' +
  'counts itself; it grows with the number of layers and channels';
const TFLM_OVERHEAD_SOURCE =
  '0: every throughput here was derived from whole-inference latencies (MLPerf Tiny single-stream runs or Invoke() ' +
  'timings), so the per-invoke interpreter overhead is already folded into the rates; counting it again would double it';
const TFLM_WEIGHTS_IN_FLASH =
  'TFLM keeps the model flatbuffer as a const array in read-only program memory and reads weights in place; only ' +
  'activations, scratch and interpreter data go into the tensor arena in SRAM (tensorflow.org/lite/microcontrollers ' +
  'overview: "the model is kept in read-only program memory")';

export const STM32F746: DeviceProfile = {
  id: 'stm32f746',
  name: 'STM32F746 (Cortex-M7, 216 MHz)',
  description: 'STMicroelectronics STM32F746NG as on the 32F746GDISCOVERY board: Cortex-M7 with FPU at 216 MHz.',
  sramBytes: 320 * KIB,
  flashBytes: 1 * MIB,
  weightsIn: 'flash',
  throughput: { int8: 229e6, fp32: 72e6 },
  efficiency: { depthwise: 0.26 },
  runtimeRamBytes: TFLM_RAM_BYTES,
  runtimeFlashBytes: TFLM_FLASH_BYTES,
  overheadS: 0,
  clockHz: 216e6,
  core: 'cortex-m7',
  vendor: 'STMicroelectronics',
  sources: {
    clockHz: 'STM32F746xx datasheet (DS10916): Arm Cortex-M7 core up to 216 MHz; MLPerf Tiny DISCO_F746NG system descriptions (v1.0–v1.2): 216 MHz',
    core: 'STM32F746xx datasheet (DS10916): Arm Cortex-M7 core up to 216 MHz; MLPerf Tiny DISCO_F746NG system descriptions (v1.0–v1.2): 216 MHz',
    sramBytes:
      'STM32F746xx datasheet (DS10916): 320 KB of system SRAM = 64 KB DTCM + 240 KB SRAM1 + 16 KB SRAM2, one contiguous ' +
      'range from 0x2000_0000, usable for the tensor arena; the 16 KB ITCM (code) and 4 KB backup SRAM are not counted; ' +
      'MLPerf Tiny DISCO_F746NG system description: 320KB SRAM',
    flashBytes:
      'STM32F746NG datasheet: 1 MB internal flash; the 16 MB QSPI flash and 8 MB SDRAM of the Discovery board are not ' +
      'counted (give a custom device file to use them)',
    weightsIn: TFLM_WEIGHTS_IN_FLASH,
    'throughput.int8':
      'estimate: same Cortex-M7 core as the stm32h743 profile, so its measured TFLM+CMSIS-NN conv rate of 0.531 MAC/cycle ' +
      '(KWS DS-CNN CONV_2D, 2.368 M MACs in 4,457,435 cycles on an STM32H745 CM7) × 216 MHz = 114.7 M MAC/s → 229 M op/s. ' +
      'Cross-check: MLPerf Tiny v0.7 closed, Plumerai, DISCO_F746NG: IC ResNet-8 12.50 M MACs in 65.1 ms with the Plumerai ' +
      'engine, which Plumerai reports as 129/77 = 1.68× faster than TFLM 2.5+CMSIS-NN on this board ' +
      '(blog.plumerai.com/2021/10/cortex-m-inference-software) → ~109 ms → 114.6 M MAC/s',
    'throughput.fp32':
      'estimate: CMSIS-NN is integer-only, so fp32 runs TFLM\'s portable reference C kernels; a tight fp32 C dot product ' +
      'on a Cortex-M7 (dual-issue, pipelined single-precision FPU) costs ~3 cycles per MAC and the reference conv\'s ' +
      'per-element 4-D index arithmetic about doubles it → ~6 cycles/MAC × 216 MHz = 36 M MAC/s → 72 M op/s; not measured, ' +
      'treat as ±2×',
    'efficiency.depthwise':
      'derived (same Cortex-M7 core): TFLM+CMSIS-NN on an STM32H745 CM7 ran the KWS DS-CNN DEPTHWISE_CONV_2D layers ' +
      '(0.288 M MACs) in 2,051,249 cycles = 0.140 MAC/cycle vs 0.531 MAC/cycle for CONV_2D → 0.26; cross-check: the ' +
      'Plumerai F746 MLPerf v0.7 results (IC 65.1 ms, VWW 59.4 ms) imply 0.17 for VWW\'s depthwise layers',
    runtimeRamBytes: TFLM_RAM_SOURCE,
    runtimeFlashBytes: TFLM_FLASH_SOURCE,
    overheadS: TFLM_OVERHEAD_SOURCE,
  },
};

export const STM32H743: DeviceProfile = {
  id: 'stm32h743',
  name: 'STM32H743 (Cortex-M7, 480 MHz)',
  description: 'STMicroelectronics STM32H743ZI as on the NUCLEO-H743ZI2 board: Cortex-M7 with FPU at 480 MHz.',
  sramBytes: 512 * KIB,
  flashBytes: 2 * MIB,
  weightsIn: 'flash',
  throughput: { int8: 510e6, fp32: 160e6 },
  efficiency: { depthwise: 0.26 },
  runtimeRamBytes: TFLM_RAM_BYTES,
  runtimeFlashBytes: TFLM_FLASH_BYTES,
  overheadS: 0,
  clockHz: 480e6,
  core: 'cortex-m7',
  vendor: 'STMicroelectronics',
  sources: {
    clockHz: 'STM32H743xI datasheet (DS12110): Arm Cortex-M7 core up to 480 MHz',
    core: 'STM32H743xI datasheet (DS12110): Arm Cortex-M7 core up to 480 MHz',
    sramBytes:
      'STM32H743xI datasheet (DS12110): 1 MB RAM in separate blocks (128 KB DTCM, 64 KB ITCM, 512 KB AXI SRAM, ' +
      '288 KB SRAM1-3, 64 KB SRAM4, 4 KB backup); TFLM needs one contiguous tensor arena, so the largest block, the ' +
      '512 KB AXI SRAM, is counted; stack and other data can live in DTCM',
    flashBytes: 'STM32H743ZI datasheet: 2 MB internal flash (two 1 MB banks)',
    weightsIn: TFLM_WEIGHTS_IN_FLASH,
    'throughput.int8':
      'derived: TFLM+CMSIS-NN on an STM32H745 Cortex-M7 core at 480 MHz (the H743\'s core and memory system), MLPerf Tiny ' +
      'KWS DS-CNN, release build, TFLM profiler (kovacsdotgergo/stm32h745-ai notes/docu.md): CONV_2D 4,457,435 cycles ' +
      'for 2.368 M MACs (6.63 M cycles ↔ 13.8 ms per inference ⇒ cycles at 480 MHz) → 0.531 MAC/cycle → 255 M MAC/s → ' +
      '510 M op/s',
    'throughput.fp32':
      'estimate: CMSIS-NN is integer-only, so fp32 runs TFLM\'s portable reference C kernels; ~6 cycles per fp32 MAC on a ' +
      'Cortex-M7 (tight dot product ~3 cycles, doubled for the reference conv\'s 4-D index arithmetic) × 480 MHz = ' +
      '80 M MAC/s → 160 M op/s; not measured, treat as ±2×',
    'efficiency.depthwise':
      'derived from the same STM32H745 run: DEPTHWISE_CONV_2D 0.288 M MACs in 2,051,249 cycles = 0.140 MAC/cycle vs ' +
      '0.531 MAC/cycle for CONV_2D → 0.26',
    runtimeRamBytes: TFLM_RAM_SOURCE,
    runtimeFlashBytes: TFLM_FLASH_SOURCE,
    overheadS: TFLM_OVERHEAD_SOURCE,
  },
};

export const STM32L4R5: DeviceProfile = {
  id: 'stm32l4r5',
  name: 'STM32L4R5 (Cortex-M4, 120 MHz)',
  description: 'STMicroelectronics STM32L4R5ZI as on the NUCLEO-L4R5ZI board, the MLPerf Tiny reference platform.',
  sramBytes: 640 * KIB,
  flashBytes: 2 * MIB,
  weightsIn: 'flash',
  throughput: { int8: 35.5e6, fp32: 20e6 },
  efficiency: { depthwise: 0.2 },
  runtimeRamBytes: TFLM_RAM_BYTES,
  runtimeFlashBytes: TFLM_FLASH_BYTES,
  overheadS: 0,
  clockHz: 120e6,
  core: 'cortex-m4',
  vendor: 'STMicroelectronics',
  sources: {
    clockHz: 'STM32L4R5xx datasheet (DS12023): Arm Cortex-M4 with FPU up to 120 MHz; MLPerf Tiny NUCLEO_L4R5ZI system descriptions: 120 MHz',
    core: 'STM32L4R5xx datasheet (DS12023): Arm Cortex-M4 with FPU up to 120 MHz; MLPerf Tiny NUCLEO_L4R5ZI system descriptions: 120 MHz',
    sramBytes:
      'STM32L4R5xx datasheet (DS12023): 640 KB SRAM = 192 KB SRAM1 + 64 KB SRAM2 + 384 KB SRAM3, contiguous from ' +
      '0x2000_0000; MLPerf Tiny v0.5 reference system description (Nucleo_L4R5ZI_System_Description.json): 640KB SRAM',
    flashBytes: 'STM32L4R5ZI datasheet and the MLPerf Tiny v0.5 system description: 2 MB internal flash',
    weightsIn: TFLM_WEIGHTS_IN_FLASH,
    'throughput.int8':
      'MLPerf Tiny v0.5 closed, reference submission, NUCLEO-L4R5ZI at 120 MHz, TFLM 2.3.1 with CMSIS-NN kernels, Mbed ' +
      '(mlcommons/tiny_results_v0.5 closed/reference/results/Nucleo-L4R5ZI/ic/performance): IC ResNet-8 12.50 M MACs, ' +
      '100 inferences in 70.425 s = 704 ms → 17.75 M MAC/s → 35.5 M op/s (0.148 MAC/cycle). This is an early TFLM ' +
      'release; newer stacks are faster on the same board: microTVM+CMSIS-NN 389.6 ms (v1.0, OctoML) → 64 M op/s, ' +
      'Plumerai engine 184.6 ms (v0.7) → 135 M op/s',
    'throughput.fp32':
      'estimate: CMSIS-NN is integer-only, so fp32 runs TFLM\'s portable reference C kernels on the FPU; a tight fp32 C ' +
      'dot product on a Cortex-M4F costs ~6 cycles per MAC (two VLDR plus a 3-cycle VFMA.F32, Cortex-M4 TRM timings) ' +
      'and the reference conv\'s 4-D index arithmetic about doubles it → ~12 cycles/MAC × 120 MHz = 10 M MAC/s → ' +
      '20 M op/s; not measured, treat as ±2×',
    'efficiency.depthwise':
      'derived from the same MLPerf v0.5 reference run: VWW MobileNetV1 (7.49 M MACs, 0.80 M depthwise) took 600.5 ms; ' +
      'its 6.69 M non-depthwise MACs at the IC conv rate (17.75 M MAC/s) take 377 ms, leaving 224 ms for 0.80 M ' +
      'depthwise MACs = 3.57 M MAC/s → 0.20 of the conv rate (KWS DS-CNN, 181.9 ms, gives 0.33 the same way)',
    runtimeRamBytes: TFLM_RAM_SOURCE,
    runtimeFlashBytes: TFLM_FLASH_SOURCE,
    overheadS: TFLM_OVERHEAD_SOURCE,
  },
};

export const ESP32: DeviceProfile = {
  id: 'esp32',
  name: 'ESP32 (Xtensa LX6, 240 MHz)',
  description: 'Espressif ESP32 (ESP32-D0WD on an ESP32-DevKitC / WROOM-32 module), TFLM with ESP-NN, one core.',
  sramBytes: 320 * KIB,
  flashBytes: 4 * MIB,
  weightsIn: 'flash',
  throughput: { int8: 37.7e6, fp32: 48e6 },
  efficiency: {},
  runtimeRamBytes: TFLM_RAM_BYTES,
  runtimeFlashBytes: TFLM_FLASH_BYTES,
  overheadS: 0,
  clockHz: 240e6,
  core: 'xtensa-lx6',
  vendor: 'Espressif',
  sources: {
    clockHz: 'ESP32 datasheet: Xtensa LX6 cores up to 240 MHz; the esp-tflite-micro timings were taken at 240 MHz',
    core: 'ESP32 datasheet: Xtensa LX6 cores up to 240 MHz; the esp-tflite-micro timings were taken at 240 MHz',
    sramBytes:
      'ESP32 datasheet: 520 KB internal SRAM = 192 KB SRAM0 (instruction RAM and flash cache) + 128 KB SRAM1 + 200 KB ' +
      'SRAM2; ESP-IDF Programming Guide, Memory Types: 320 KB of that is DRAM for data, of which at most 160 KB can be ' +
      'allocated statically and the rest only as heap — so 320 KB is counted, and an arena above 160 KB must come from ' +
      'the heap',
    flashBytes:
      'ESP32-WROOM-32 module on the ESP32-DevKitC reference board: 4 MB external SPI flash (the ESP32-D0WD has none ' +
      'inside), read through the flash cache (mmap)',
    weightsIn: TFLM_WEIGHTS_IN_FLASH + '; on the ESP32 the flatbuffer is read from SPI flash through the cache',
    'throughput.int8':
      'derived: espressif/esp-tflite-micro README, Person Detection with ESP-NN on ESP32 at 240 MHz: 380 ms per invoke() ' +
      '(4084 ms without ESP-NN); the TFLM person_detection model (MobileNetV1-0.25, 96×96×1) has 7.16 M MACs → ' +
      '18.8 M MAC/s → 37.7 M op/s. This is a whole-model average that already includes the slower depthwise layers ' +
      '(Espressif publishes no per-kernel ESP32 figures), so no separate depthwise efficiency is given',
    'throughput.fp32':
      'estimate: ESP-DSP benchmarks (docs.espressif.com/projects/esp-dsp, esp-dsp-benchmarks): ANSI-C ' +
      'dsps_dotprod_f32 for N=256 takes 1311 cycles = 5.1 cycles per fp32 MAC on the single-precision FPU; TFLM\'s float ' +
      'kernels are reference C (ESP-NN is integer-only) and their index arithmetic about doubles that → ~10 cycles/MAC × ' +
      '240 MHz = 24 M MAC/s → 48 M op/s; not measured, treat as ±2×. The LX6 has no int8 SIMD, so fp32 and int8 convs ' +
      'run at similar speeds here',
    runtimeRamBytes: TFLM_RAM_SOURCE + ' (measured on Cortex-M7; the allocator is the same on Xtensa)',
    runtimeFlashBytes: 'estimate: the Cortex-M figure, as TFLM is the same library; ' + TFLM_FLASH_SOURCE,
    overheadS: TFLM_OVERHEAD_SOURCE,
  },
};

export const ESP32_S3: DeviceProfile = {
  id: 'esp32-s3',
  name: 'ESP32-S3 (Xtensa LX7, 240 MHz, ESP-NN)',
  description: 'Espressif ESP32-S3 (ESP32-S3-DevKitC-1 with a WROOM-1-N8 module): TFLM with ESP-NN vector kernels, one core.',
  sramBytes: 512 * KIB,
  flashBytes: 8 * MIB,
  weightsIn: 'flash',
  throughput: { int8: 372e6, fp32: 48e6 },
  efficiency: { depthwise: 0.22 },
  runtimeRamBytes: TFLM_RAM_BYTES,
  runtimeFlashBytes: TFLM_FLASH_BYTES,
  overheadS: 0,
  clockHz: 240e6,
  core: 'xtensa-lx7',
  vendor: 'Espressif',
  sources: {
    clockHz: 'ESP32-S3 datasheet: Xtensa LX7 cores up to 240 MHz; the esp-tflite-micro timings were taken at 240 MHz',
    core: 'ESP32-S3 datasheet: Xtensa LX7 cores up to 240 MHz; the esp-tflite-micro timings were taken at 240 MHz',
    sramBytes:
      'ESP32-S3 datasheet: 512 KB internal SRAM (plus 16 KB RTC SRAM, not counted); ESP-IDF also carves its instruction ' +
      'and data caches and IRAM code out of this, so the data-usable part is smaller — lower it in a device file for a ' +
      'tight fit; optional PSRAM is not counted',
    flashBytes:
      'ESP32-S3-WROOM-1-N8 module on the ESP32-S3-DevKitC-1 board: 8 MB external quad-SPI flash, read through the cache',
    weightsIn: TFLM_WEIGHTS_IN_FLASH + '; on the ESP32-S3 the flatbuffer is read from SPI flash through the cache',
    'throughput.int8':
      'derived: espressif/esp-tflite-micro README, Person Detection with ESP-NN on ESP32-S3 at 240 MHz: 54 ms per invoke() ' +
      '(2300 ms without ESP-NN); model MobileNetV1-0.25 96×96×1 = 7.16 M MACs, of which 0.80 M depthwise. With depthwise ' +
      'running at 0.22 of the conv rate (see efficiency.depthwise): 54 ms = (6.36 M + 0.80 M / 0.22) / R → R = 186 M MAC/s ' +
      '→ 372 M op/s (0.78 MAC/cycle; the whole-model average is 133 M MAC/s)',
    'throughput.fp32':
      'estimate: ESP-NN is integer-only, so fp32 runs TFLM\'s reference C kernels; ESP-DSP benchmarks give 1311 cycles for ' +
      'an ANSI-C dsps_dotprod_f32 of N=256 (5.1 cycles per MAC), about doubled by the reference conv\'s index ' +
      'arithmetic → ~10 cycles/MAC × 240 MHz = 24 M MAC/s → 48 M op/s; not measured, treat as ±2×',
    'efficiency.depthwise':
      'derived: espressif/esp-nn README, kernel timings on ESP32-S3 at 240 MHz: depthwise conv 18×18 input, 3×3, 16 ' +
      'channels (36,864 MACs) in 191,931 cycles = 0.192 MAC/cycle vs 1×1 conv 10×10×64→64 (409,600 MACs) in 461,398 ' +
      'cycles = 0.888 MAC/cycle → 0.22',
    runtimeRamBytes: TFLM_RAM_SOURCE + ' (measured on Cortex-M7; the allocator is the same on Xtensa)',
    runtimeFlashBytes: 'estimate: the Cortex-M figure, as TFLM is the same library; ' + TFLM_FLASH_SOURCE,
    overheadS: TFLM_OVERHEAD_SOURCE,
  },
};

export const NRF52840: DeviceProfile = {
  id: 'nrf52840',
  name: 'nRF52840 (Cortex-M4F, 64 MHz)',
  description: 'Nordic nRF52840, e.g. on the Arduino Nano 33 BLE Sense: Cortex-M4 with FPU at 64 MHz.',
  sramBytes: 256 * KIB,
  flashBytes: 1 * MIB,
  weightsIn: 'flash',
  throughput: { int8: 17.2e6, fp32: 10.7e6 },
  efficiency: { depthwise: 0.2 },
  runtimeRamBytes: TFLM_RAM_BYTES,
  runtimeFlashBytes: TFLM_FLASH_BYTES,
  overheadS: 0,
  clockHz: 64e6,
  core: 'cortex-m4',
  vendor: 'Nordic',
  sources: {
    clockHz: 'nRF52840 product specification: Arm Cortex-M4 with FPU at 64 MHz',
    core: 'nRF52840 product specification: Arm Cortex-M4 with FPU at 64 MHz',
    sramBytes: 'nRF52840 product specification: 256 KB RAM, one contiguous range',
    flashBytes: 'nRF52840 product specification: 1 MB internal flash',
    weightsIn: TFLM_WEIGHTS_IN_FLASH,
    'throughput.int8':
      'derived: Arduino blog, "Optimizing a low-cost camera for machine vision" (L. Bank, Feb 2021): TFLM person_detection ' +
      'with CMSIS-NN takes 1.2 s per inference on the Arduino Nano 33 BLE (nRF52840, 64 MHz), down from 19 s with ' +
      'reference kernels; model MobileNetV1-0.25 96×96×1 = 7.16 M MACs (0.80 M depthwise). With depthwise at 0.20 of the ' +
      'conv rate (as derived for the Cortex-M4 stm32l4r5): 1.2 s = (6.36 M + 0.80 M / 0.20) / R → R = 8.6 M MAC/s → ' +
      '17.2 M op/s (0.134 MAC/cycle, in line with the 0.148 measured on the STM32L4R5)',
    'throughput.fp32':
      'estimate: as for stm32l4r5, ~12 cycles per fp32 MAC with TFLM\'s reference C kernels on a Cortex-M4F × 64 MHz = ' +
      '5.3 M MAC/s → 10.7 M op/s; not measured, treat as ±2×',
    'efficiency.depthwise':
      'derived on the same core type: 0.20 from the MLPerf Tiny v0.5 reference run on the Cortex-M4 STM32L4R5 (see that ' +
      'profile: VWW 600.5 ms vs IC conv rate 17.75 M MAC/s)',
    runtimeRamBytes: TFLM_RAM_SOURCE,
    runtimeFlashBytes: TFLM_FLASH_SOURCE,
    overheadS: TFLM_OVERHEAD_SOURCE,
  },
};

export const RP2040: DeviceProfile = {
  id: 'rp2040',
  name: 'RP2040 (dual Cortex-M0+, 133 MHz, no FPU)',
  description: 'Raspberry Pi RP2040 on the Raspberry Pi Pico: two Cortex-M0+ cores at 133 MHz, no FPU, no DSP extension.',
  sramBytes: 264 * KIB,
  flashBytes: 2 * MIB,
  weightsIn: 'flash',
  throughput: { int8: 11.9e6 },
  efficiency: { depthwise: 0.2 },
  runtimeRamBytes: TFLM_RAM_BYTES,
  runtimeFlashBytes: TFLM_FLASH_BYTES,
  overheadS: 0,
  clockHz: 133e6,
  core: 'cortex-m0plus',
  vendor: 'Raspberry Pi',
  sources: {
    clockHz: 'RP2040 datasheet: dual Arm Cortex-M0+ at 133 MHz (one core counted)',
    core: 'RP2040 datasheet: dual Arm Cortex-M0+ at 133 MHz (one core counted)',
    sramBytes:
      'RP2040 datasheet: 264 KB SRAM in six banks (four striped 64 KB banks + two 4 KB banks), one contiguous range ' +
      '0x2000_0000–0x2004_1FFF',
    flashBytes:
      'Raspberry Pi Pico datasheet: 2 MB external QSPI flash (W25Q16JV), executed and read in place through the 16 KB ' +
      'XIP cache; the RP2040 has no internal flash',
    weightsIn: TFLM_WEIGHTS_IN_FLASH + '; on the RP2040 through the XIP cache',
    'throughput.int8':
      'estimate: no published TFLM benchmark with known MACs was found. The Cortex-M0+ lacks the DSP/SIMD extension that ' +
      'CMSIS-NN uses on the M4, so assume one third of the Cortex-M4 TFLM+CMSIS-NN per-clock conv rate (0.134 ' +
      'MAC/cycle, nrf52840 profile) → 0.045 MAC/cycle × 133 MHz on one core = 6.0 M MAC/s → 11.9 M op/s. The 2023 ' +
      'pico-tflmicro port splits conv and depthwise work across both cores for ~1.9× (petewarden.com, 2023-07-29, ' +
      '"Accelerating AI with the Raspberry Pi Pico\'s dual cores"), not included',
    'efficiency.depthwise':
      'estimate: the 0.20 derived for TFLM+CMSIS-NN on the Cortex-M4 (stm32l4r5 profile), assumed for the M0+',
    runtimeRamBytes: TFLM_RAM_SOURCE + ' (measured on Cortex-M7; the allocator is the same on the M0+)',
    runtimeFlashBytes: 'estimate: the Cortex-M4 figure; Thumb-1 code for the M0+ is somewhat larger. ' + TFLM_FLASH_SOURCE,
    overheadS: TFLM_OVERHEAD_SOURCE,
  },
};

/**
 * Precisions deliberately left out of a built-in profile, with the reason (shown by docs and messages): a missing
 * precision means "unsupported", so an invented figure would be worse than none.
 */
export const OMITTED_PRECISIONS: Record<string, Record<string, string>> = {
  rp2040: {
    fp32:
      'no FPU: fp32 is emulated in software (RP2040 bootrom float routines, tens of cycles per add or multiply), and no ' +
      'published TFLM fp32 timing was found; quantize to int8 instead',
  },
};

export const REAL_DEVICES: readonly DeviceProfile[] = [STM32F746, STM32H743, STM32L4R5, ESP32, ESP32_S3, NRF52840, RP2040];

export const BUILTIN_DEVICES: readonly DeviceProfile[] = [EXAM_MCU, ...REAL_DEVICES];


/** A profile with its weights kept where the user says (a deployment choice, not a property of the chip). */
export function withWeightsIn(profile: DeviceProfile, weightsIn: 'sram' | 'flash' | undefined): DeviceProfile {
  if (weightsIn === undefined || weightsIn === profile.weightsIn) return profile;
  return {
    ...profile,
    weightsIn,
    sources: { ...profile.sources, weightsIn: 'chosen by the user for this analysis' },
  };
}

export function findBuiltinDevice(id: string): DeviceProfile | undefined {
  const key = id.trim().toLowerCase();
  return BUILTIN_DEVICES.find((d) => d.id === key);
}
