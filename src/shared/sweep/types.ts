// The vocabulary of sweeps: what a design space says, what one configuration's result holds, who the clients are.
import type { AccuracyModel } from '../analysis/accuracy';
import type { BiasMode } from '../analysis/evaluate';
import type { MemoryModel } from '../analysis/memory';
import type { ImportOptions } from '../model/importOptions';

/** A client: a deadline per inference, optionally a minimum accuracy and a device of their own. */
export interface Client {
  name: string;
  deadlineS: number;
  /** A fraction (0.9), or absent. */
  minAccuracy?: number;
  /** Device id the client runs on; absent = any device of the sweep. */
  device?: string;
}

export type Strategy = 'grid' | 'random';

/** A sweep as the user states it; the same JSON in a `--spec` file, in the app, and stored with the session. */
export interface SweepSpec {
  /** Preset id or model file path. */
  model: string;
  /** Device ids or device file paths; a dimension like any other. */
  devices: string[];
  /**
   * Built-in runtime ids (`tflm-cmsis-nn`, `x-cube-ai`…): every device runs under each, as the device `board+runtime`
   * — a dimension like the device. Absent or empty: each device profile's own latency figures.
   */
  runtimes?: string[];
  /** Layer → value items: whole numbers or ranges `a:b` / `a:b:step`, e.g. {"conv1": ["8", "16"]}. */
  channels: Record<string, string[]>;
  /** Layer (or `*` for every prunable layer) → ratio items: numbers or ranges `a:b:step`. */
  prune: Record<string, string[]>;
  /** Precision names: fp32, fp16, int8, int4, wXaY. */
  precisions: string[];
  memoryModel: MemoryModel;
  biasMode: BiasMode;
  /** Fraction of SRAM kept free. */
  headroom: number;
  /** Where weights live on every device of the sweep, overriding the profiles; absent = as each profile says. */
  weightsIn?: 'sram' | 'flash';
  accuracy: AccuracyModel | null;
  clients: Client[];
  strategy: Strategy;
  /** For `random`: how many configurations to draw (without replacement). */
  samples?: number;
  /** For `random`: the seed, so a sweep can be rerun exactly. */
  seed?: number;
  /** A grid larger than this is refused (default 10,000,000). */
  gridLimit?: number;
  /** Depthwise convolutions write over their input (TinyEngine does; TFLM does not); off unless asked for. */
  inPlaceDepthwise?: boolean;
  /** How the model file is read: sizes of dynamic dimensions, unknown operators. */
  import?: ImportOptions;
  /**
   * A model file uploaded to the app, kept in the database by its content (`stored_files`): its SHA-256 and its name.
   * The session's model files (`.tflite`, `.onnx`) are written from these bytes, as `model` then names the graph only.
   */
  modelFile?: StoredModelFile;
  /**
   * Samples (`.npy` or `.npz`, an absolute path) that calibrate an int8 configuration of a float model: when the
   * session's model file is written, and when accuracy is measured on `data` (absent: a spread sample of `data`).
   */
  calibrationData?: string;
  /**
   * Data to measure accuracy on: the accuracy model becomes `measured` (a sensitivity analysis at the sweep's levels
   * and precisions, then verification of the front and the clients' choices). See docs/sweeps.md.
   */
  data?: SweepData;
  /** Configurations verified on `data` after the sweep (front first, then each client's choice); default 20. */
  verify?: number;
  /** The metric of the measured accuracy model (`accuracy`, `macroF1`, `balancedAccuracy`, `auc`, `top5`…). */
  metric?: string;
}

/** A file kept in the database by content: its SHA-256 (hex) and the name it was uploaded under. */
export interface StoredModelFile {
  hash: string;
  name: string;
}

/** A data set as `frontier evaluate` takes it: samples, labels, the keys of an .npz, and the preprocessing. */
export interface SweepData {
  /** The samples' path; with `stored`, the uploaded file's name (for messages). */
  path: string;
  labels?: string;
  /**
   * Data uploaded to the app, kept in the database by content (`stored_files`): the samples and / or labels given
   * here are these files (written to a temporary folder while the sweep measures), not `path` / `labels`.
   */
  stored?: { data?: StoredModelFile; labels?: StoredModelFile };
  dataKeys?: string[];
  preprocessing?: { inputScale?: { to: [number, number] }; mean?: number[]; std?: number[] };
}

/** Verified configurations when the spec does not say. */
export const DEFAULT_VERIFY = 20;
/** At most this many configurations are verified (each is a full evaluation on the data). */
export const MAX_VERIFY = 1000;

export const DEFAULT_GRID_LIMIT = 10_000_000;
/** The largest grid limit a user may set: beyond it a sweep would not finish in a working day on any machine. */
export const MAX_GRID_LIMIT = 100_000_000;
/** The most configurations a random sweep may draw (each is held in memory while they are drawn). */
export const MAX_SAMPLES = 10_000_000;
/** Seeds are 32-bit: larger ones would silently alias smaller ones. */
export const MAX_SEED = 0xffffffff;

/** Why a configuration is not feasible (or `ok` when it is). Ordered: the first that applies is stored. */
export type ConfigStatus = 'ok' | 'no-fit' | 'unsupported' | 'error';
export const CONFIG_STATUSES: readonly ConfigStatus[] = ['ok', 'no-fit', 'unsupported', 'error'];

/** The analysed figures of one configuration, as stored (one row per configuration). */
export interface ConfigResult {
  /** Index of the configuration in the design space (mixed radix over its dimensions, last fastest). */
  idx: number;
  status: ConfigStatus;
  params: number;
  paramBytes: number;
  peakActivationBytes: number;
  /** Parameters + peak activation. */
  totalBytes: number;
  /** SRAM the configuration needs on its device (activations + weights in SRAM + runtime RAM). */
  sramBytes: number;
  macs: number;
  latencyS: number | null;
  accuracy: number | null;
  /** With a measured accuracy model: the value measured on the data (null until verified) and the predicted one. */
  accuracyMeasured?: number | null;
  accuracyPredicted?: number | null;
  /** For `error` and `unsupported`: the reason, in words. */
  message?: string;
}

/** Pareto membership bits stored per result. */
export const FRONT_3D = 1;
export const FRONT_LATENCY = 2;
export const FRONT_MEMORY = 4;
