// The software stacks Frontier knows, as written by hand: names, what they run on, which rows of the public data
// they are, published single timings for stacks the MLPerf Tiny data lacks, and their own memory figures. The fitted
// numbers (shape priors, cycles per core, error bands) come from scripts/fit-runtimes.ts (runtimes.generated.ts).

/** A published whole-model timing outside the MLPerf Tiny CSV, used to place a stack on a core. */
export interface Anchor {
  /** `mlperf-kws`, `mlperf-ic`, …, or `person-detect` (MobileNetV1 0.25 on 96×96×1, TFLM's example). */
  model: string;
  core: string;
  clockHz: number;
  latencyS: number;
  /** Built-in board id the timing was taken on, when Frontier has one. */
  board?: string;
  /** The board as its source names it. */
  boardName: string;
  source: string;
}

export interface RuntimeInfo {
  id: string;
  name: string;
  description: string;
  /** Regular expression matched against the `stack` of an MLPerf Tiny row (absent: no rows). */
  stack?: string;
  /** Chip makers it runs on (absent: any). */
  vendors?: string[];
  /** Regular expression a board's core must match (absent: any core). */
  cores?: string;
  /** Precisions it runs, the first being the reference of its rates. */
  precisions: string[];
  /** Other precisions' rate relative to int8 (a multiplier on seconds per MAC), with the reason. */
  precisionFactors?: Record<string, { factor: number; sd: number; source: string }>;
  persistentRamBytes: number | null;
  codeFlashBytes: number | null;
  sources: { persistentRamBytes: string; codeFlashBytes: string };
  anchors?: Anchor[];
}

const TFLM_RAM =
  'TFLM RecordingMicroAllocator report for the MLPerf Tiny KWS DS-CNN with TFLM+CMSIS-NN on an STM32H745 Cortex-M7, ' +
  'release build (kovacsdotgergo/stm32h745-ai notes/docu.md): persistent arena tail (tensor structs, per-channel ' +
  'quantisation, node/registration structs) 7,404 B beside the activations; it grows with layers and channels';
const TFLM_FLASH =
  'MLPerf Tiny reference submission (mlcommons/tiny reference_submissions/image_classification, NUCLEO_L4R5ZI map file): ' +
  'TFLM with CMSIS-NN kernels, tensorflow/lite .text 46,646 B + .data 224 B for the ResNet-8 op set';
const NOT_PUBLISHED = (what: string, stack: string): string =>
  `not published: the MLPerf Tiny submissions of ${stack} give no ${what}; measure it in your build's map file`;

/** The person_detection anchors from the TFLM examples, as cited by the built-in device profiles. */
const NRF52840_SOURCE =
  'Arduino blog, "Optimizing a low-cost camera for machine vision" (L. Bank, Feb 2021): TFLM person_detection on the ' +
  'Arduino Nano 33 BLE (nRF52840, Cortex-M4F, 64 MHz)';
const ESP_SOURCE = 'espressif/esp-tflite-micro README, Person Detection, one core at 240 MHz';

export const RUNTIME_CATALOG: readonly RuntimeInfo[] = [
  {
    id: 'tflm-reference',
    name: 'TFLM reference kernels',
    description: 'TensorFlow Lite for Microcontrollers with its portable C++ reference kernels (no vendor library).',
    precisions: ['int8', 'fp32'],
    precisionFactors: {
      fp32: {
        factor: 1,
        sd: 0.7,
        source: 'estimate: the reference kernels are plain C loops in either precision; on an FPU core fp32 and int8 ' +
          'run at similar speed (the int8 kernels requantise every output); ±2×',
      },
    },
    persistentRamBytes: 7404,
    codeFlashBytes: 46870,
    sources: { persistentRamBytes: TFLM_RAM, codeFlashBytes: 'estimate: the TFLM figure with CMSIS-NN; ' + TFLM_FLASH },
    anchors: [
      { model: 'person-detect', core: 'cortex-m4', clockHz: 64e6, latencyS: 19, board: 'nrf52840', boardName: 'Arduino Nano 33 BLE (nRF52840)', source: `${NRF52840_SOURCE}: 19 s per inference with reference kernels` },
      { model: 'person-detect', core: 'xtensa-lx6', clockHz: 240e6, latencyS: 4.084, board: 'esp32', boardName: 'ESP32-DevKitC', source: `${ESP_SOURCE}: ESP32 without ESP-NN 4084 ms` },
      { model: 'person-detect', core: 'xtensa-lx7', clockHz: 240e6, latencyS: 2.3, board: 'esp32-s3', boardName: 'ESP32-S3-DevKitC-1', source: `${ESP_SOURCE}: ESP32-S3 without ESP-NN 2300 ms` },
    ],
  },
  {
    id: 'tflm-cmsis-nn',
    name: 'TFLM + CMSIS-NN',
    description: 'TensorFlow Lite for Microcontrollers with Arm\'s CMSIS-NN optimised int8 kernels (Arm Cortex-M).',
    stack: '^TensorFlow Lite for micro \\| CMSIS',
    cores: '^cortex-m',
    precisions: ['int8', 'fp32'],
    precisionFactors: {
      fp32: {
        factor: 1.8,
        sd: 0.7,
        source: 'estimate: CMSIS-NN is integer-only, so fp32 runs TFLM\'s reference C kernels: ~12 cycles per fp32 MAC ' +
          'on a Cortex-M4F (two VLDR + a 3-cycle VFMA.F32, doubled by the reference index arithmetic) against ' +
          '6.8 cycles per int8 conv MAC (MLPerf Tiny v0.5 reference IC, 704 ms at 120 MHz) → 1.8×; ±2×',
      },
    },
    persistentRamBytes: 7404,
    codeFlashBytes: 46870,
    sources: { persistentRamBytes: TFLM_RAM, codeFlashBytes: TFLM_FLASH },
    anchors: [
      { model: 'person-detect', core: 'cortex-m4', clockHz: 64e6, latencyS: 1.2, board: 'nrf52840', boardName: 'Arduino Nano 33 BLE (nRF52840)', source: `${NRF52840_SOURCE}: 1.2 s per inference with CMSIS-NN` },
      {
        model: 'mlperf-kws',
        core: 'cortex-m7',
        clockHz: 480e6,
        latencyS: 0.0138,
        boardName: 'NUCLEO-H745ZI-Q (STM32H745, Cortex-M7 core)',
        source: 'kovacsdotgergo/stm32h745-ai notes/docu.md: MLPerf Tiny KWS DS-CNN with TFLM+CMSIS-NN on the STM32H745 ' +
          'Cortex-M7 at 480 MHz, release build: 6.63 M cycles = 13.8 ms per inference',
      },
    ],
  },
  {
    id: 'tflm-esp-nn',
    name: 'TFLM + ESP-NN',
    description: 'TensorFlow Lite for Microcontrollers with Espressif\'s ESP-NN optimised int8 kernels (ESP32 family).',
    vendors: ['Espressif'],
    precisions: ['int8', 'fp32'],
    precisionFactors: {
      fp32: {
        factor: 2,
        sd: 0.7,
        source: 'estimate: ESP-NN is integer-only, so fp32 runs TFLM\'s reference C kernels (~10 cycles per MAC from the ' +
          'ESP-DSP ANSI-C dot product, 5.1 cycles, doubled by index arithmetic); ±2×',
      },
    },
    persistentRamBytes: 7404,
    codeFlashBytes: 46870,
    sources: { persistentRamBytes: TFLM_RAM + ' (the allocator is the same on Xtensa)', codeFlashBytes: 'estimate: the Cortex-M figure; ' + TFLM_FLASH },
    anchors: [
      { model: 'person-detect', core: 'xtensa-lx6', clockHz: 240e6, latencyS: 0.38, board: 'esp32', boardName: 'ESP32-DevKitC', source: `${ESP_SOURCE}: ESP32 with ESP-NN 380 ms` },
      { model: 'person-detect', core: 'xtensa-lx7', clockHz: 240e6, latencyS: 0.054, board: 'esp32-s3', boardName: 'ESP32-S3-DevKitC-1', source: `${ESP_SOURCE}: ESP32-S3 with ESP-NN 54 ms` },
    ],
  },
  {
    id: 'tflm-gecko-sdk',
    name: 'TFLM + Silicon Labs Gecko SDK (MVP)',
    description: 'TensorFlow Lite for Microcontrollers with Silicon Labs\' kernels for the MVP matrix accelerator (EFR32xG24).',
    stack: 'Gecko SDK',
    vendors: ['Silicon Labs'],
    precisions: ['int8'],
    persistentRamBytes: 7404,
    codeFlashBytes: null,
    sources: { persistentRamBytes: TFLM_RAM, codeFlashBytes: NOT_PUBLISHED('code size', 'Silicon Labs') },
  },
  {
    id: 'x-cube-ai-7',
    name: 'X-CUBE-AI 7.3–8.0',
    description: 'STMicroelectronics X-CUBE-AI (STM32Cube.AI) 7.3 and 8.0 code generator and runtime, STM32 only.',
    stack: '^X-CUBE-AI v(7|8\\.0)',
    vendors: ['STMicroelectronics'],
    precisions: ['int8'],
    persistentRamBytes: null,
    codeFlashBytes: null,
    sources: {
      persistentRamBytes: NOT_PUBLISHED('runtime RAM', 'X-CUBE-AI'),
      codeFlashBytes: NOT_PUBLISHED('code size', 'X-CUBE-AI'),
    },
  },
  {
    id: 'x-cube-ai-8.1',
    name: 'X-CUBE-AI 8.1',
    description: 'STMicroelectronics X-CUBE-AI 8.1, STM32 only.',
    stack: '^X-CUBE-AI v8\\.1',
    vendors: ['STMicroelectronics'],
    precisions: ['int8'],
    persistentRamBytes: null,
    codeFlashBytes: null,
    sources: {
      persistentRamBytes: NOT_PUBLISHED('runtime RAM', 'X-CUBE-AI'),
      codeFlashBytes: NOT_PUBLISHED('code size', 'X-CUBE-AI'),
    },
  },
  {
    id: 'x-cube-ai',
    name: 'X-CUBE-AI 9–10',
    description: 'STMicroelectronics X-CUBE-AI 9.0 and 10.2 (ST Edge AI), STM32 only.',
    stack: '^X-CUBE-AI v(9|10)',
    vendors: ['STMicroelectronics'],
    precisions: ['int8'],
    persistentRamBytes: null,
    codeFlashBytes: null,
    sources: {
      persistentRamBytes: NOT_PUBLISHED('runtime RAM', 'X-CUBE-AI'),
      codeFlashBytes: NOT_PUBLISHED('code size', 'X-CUBE-AI'),
    },
  },
  {
    id: 'plumerai-2022',
    name: 'Plumerai Inference Engine (2022)',
    description: 'Plumerai Inference Engine as submitted to MLPerf Tiny v1.0 (Arm Cortex-M).',
    stack: '^Plumerai Inference Engine \\|',
    cores: '^cortex-m',
    precisions: ['int8'],
    persistentRamBytes: null,
    codeFlashBytes: null,
    sources: { persistentRamBytes: NOT_PUBLISHED('runtime RAM', 'Plumerai'), codeFlashBytes: NOT_PUBLISHED('code size', 'Plumerai') },
  },
  {
    id: 'plumerai',
    name: 'Plumerai Inference Engine 2023.05',
    description: 'Plumerai Inference Engine 2023.05 (Arm Cortex-M), the fastest published stack on several boards.',
    stack: '^Plumerai Inference Engine 2023',
    cores: '^cortex-m',
    precisions: ['int8'],
    persistentRamBytes: null,
    codeFlashBytes: null,
    sources: { persistentRamBytes: NOT_PUBLISHED('runtime RAM', 'Plumerai'), codeFlashBytes: NOT_PUBLISHED('code size', 'Plumerai') },
  },
  {
    id: 'microtvm-cmsis-nn',
    name: 'microTVM + CMSIS-NN',
    description: 'Apache TVM\'s microTVM (AOT, Zephyr) offloading to CMSIS-NN kernels.',
    stack: '^microTVM \\| TVM, CMSIS_NN',
    cores: '^cortex-m',
    precisions: ['int8'],
    persistentRamBytes: null,
    codeFlashBytes: null,
    sources: { persistentRamBytes: NOT_PUBLISHED('runtime RAM', 'microTVM'), codeFlashBytes: NOT_PUBLISHED('code size', 'microTVM') },
  },
  {
    id: 'microtvm-native',
    name: 'microTVM (native kernels)',
    description: 'Apache TVM\'s microTVM (AOT, Zephyr) with its own generated kernels.',
    stack: '^microTVM \\| TVM \\|',
    precisions: ['int8'],
    persistentRamBytes: null,
    codeFlashBytes: null,
    sources: { persistentRamBytes: NOT_PUBLISHED('runtime RAM', 'microTVM'), codeFlashBytes: NOT_PUBLISHED('code size', 'microTVM') },
  },
  {
    id: 'bosch-hale',
    name: 'Bosch HALE',
    description: 'Bosch Hardware-Aware Lowering Engine 1.0 (Arm Cortex-M, Renesas RH850).',
    stack: 'HALE',
    cores: '^(cortex-m|rh850)',
    precisions: ['int8', 'fp32'],
    persistentRamBytes: null,
    codeFlashBytes: null,
    sources: { persistentRamBytes: NOT_PUBLISHED('runtime RAM', 'Bosch'), codeFlashBytes: NOT_PUBLISHED('code size', 'Bosch') },
  },
  {
    id: 'onnc',
    name: 'ONNC + CMSIS',
    description: 'Skymizer ONNC compiler with CMSIS-NN (CMSIS 5) kernels (Arm Cortex-M).',
    stack: '^ONNC \\| CMSIS',
    cores: '^cortex-m',
    precisions: ['int8'],
    persistentRamBytes: null,
    codeFlashBytes: null,
    sources: { persistentRamBytes: NOT_PUBLISHED('runtime RAM', 'ONNC'), codeFlashBytes: NOT_PUBLISHED('code size', 'ONNC') },
  },
  {
    id: 'gapflow',
    name: 'GreenWaves GapFlow (GAP9 + NE16)',
    description: 'GreenWaves GAP SDK / GapFlow on the GAP9 RISC-V cluster with its NE16 neural engine.',
    stack: '^GapFlow',
    vendors: ['GreenWaves'],
    precisions: ['int8'],
    persistentRamBytes: null,
    codeFlashBytes: null,
    sources: { persistentRamBytes: NOT_PUBLISHED('runtime RAM', 'GreenWaves'), codeFlashBytes: NOT_PUBLISHED('code size', 'GreenWaves') },
  },
  {
    id: 'qualcomm-ai-stack',
    name: 'Qualcomm AI Stack',
    description: 'Qualcomm AI Stack on Snapdragon mobile platforms (Android), not a microcontroller stack.',
    stack: '^Qualcomm AI Stack',
    vendors: ['Qualcomm'],
    precisions: ['int8'],
    persistentRamBytes: null,
    codeFlashBytes: null,
    sources: { persistentRamBytes: NOT_PUBLISHED('runtime RAM', 'Qualcomm'), codeFlashBytes: NOT_PUBLISHED('code size', 'Qualcomm') },
  },
  {
    id: 'k1-linux',
    name: 'Self-developed stack on SpacemiT K1 (Linux)',
    description: 'The kai_jiang submission\'s own inference code on the SpacemiT K1 RISC-V (RVV) application processor.',
    stack: '^self-developed \\| linux',
    precisions: ['int8'],
    persistentRamBytes: null,
    codeFlashBytes: null,
    sources: { persistentRamBytes: NOT_PUBLISHED('runtime RAM', 'kai_jiang'), codeFlashBytes: NOT_PUBLISHED('code size', 'kai_jiang') },
  },
];

/** The catalog runtime whose `stack` pattern matches an MLPerf Tiny row's stack, or undefined. */
export function runtimeForStack(stack: string): RuntimeInfo | undefined {
  return RUNTIME_CATALOG.find((r) => r.stack !== undefined && new RegExp(r.stack).test(stack));
}

/** A core family from an MLPerf Tiny system description's `core` text, or undefined when it is not one Frontier names. */
export function coreFromText(text: string): string | undefined {
  const t = text.toLowerCase();
  if (/cortex.*m0\+/.test(t)) return 'cortex-m0plus';
  if (/cortex.*m33/.test(t)) return 'cortex-m33';
  if (/cortex.*m85/.test(t)) return 'cortex-m85';
  if (/cortex.*m55/.test(t)) return 'cortex-m55';
  if (/cortex.*m4/.test(t)) return 'cortex-m4';
  if (/cortex.*m7/.test(t)) return 'cortex-m7';
  if (/gap9/.test(t)) return 'gap9';
  if (/kryo|oryon/.test(t)) return 'snapdragon';
  if (/64gcvb/.test(t)) return 'spacemit-x60';
  if (/rh850/.test(t)) return 'rh850';
  return undefined;
}

/** Names of the core families, for messages and the app. */
export const CORE_NAMES: Readonly<Record<string, string>> = {
  'cortex-m0plus': 'Arm Cortex-M0+',
  'cortex-m4': 'Arm Cortex-M4',
  'cortex-m7': 'Arm Cortex-M7',
  'cortex-m33': 'Arm Cortex-M33',
  'cortex-m55': 'Arm Cortex-M55',
  'cortex-m85': 'Arm Cortex-M85',
  'xtensa-lx6': 'Xtensa LX6',
  'xtensa-lx7': 'Xtensa LX7',
  gap9: 'GAP9 RISC-V cluster',
  snapdragon: 'Qualcomm Kryo/Oryon',
  'spacemit-x60': 'SpacemiT X60 (RISC-V RVV)',
  rh850: 'Renesas RH850',
};
