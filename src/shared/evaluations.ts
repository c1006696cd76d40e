// Measured accuracy in the app: the data the engineer picks, a configuration run on it, a sensitivity analysis. The
// types cross the transports as plain data (they mirror the engine's EvaluateResult and SensitivityReport, which
// live in src/main and cannot be imported here); the schemas are what api.ts parses every input with.
import type { Agreement, Task } from './engine/metrics';
import type { ImportOptions } from './model/importOptions';
import { MAX_INPUT_DIMENSION } from './model/importOptions';
import { MAX_CHANNELS } from './cli/valueList';
import { v, ValidationError, type Schema } from './validate';

const MIB = 1024 * 1024;

/**
 * The most an upload of data may hold (data and labels together, as decoded). Larger data is opened by its path:
 * the web host only listens on this machine, so a path it is given is a path on the user's own disk.
 */
export const MAX_DATA_UPLOAD_BYTES = 160 * MIB;

/** Why an upload of `bytes` is refused, naming both sizes; null when it is within the limit. */
export function uploadTooLarge(name: string, bytes: number): string | null {
  if (bytes <= MAX_DATA_UPLOAD_BYTES) return null;
  return (
    `${name} is ${bytes.toLocaleString('en-US')} bytes, more than the ${MAX_DATA_UPLOAD_BYTES / MIB} MiB ` +
    `(${MAX_DATA_UPLOAD_BYTES.toLocaleString('en-US')} bytes) an upload may hold; give its path instead`
  );
}

/** One file (or folder) of data: a path on the machine running Frontier, or an upload kept by its hash. */
export interface DataFileRef {
  path?: string;
  /** The sha256 of an upload kept in the database (StoredFiles). */
  hash?: string;
  /** The upload's file name, for messages. */
  name?: string;
}

/** Data as later calls name it: plain data, so the app can keep it and send it back. */
export interface DataRef {
  data: DataFileRef;
  labels?: DataFileRef;
  /** An .npz's samples and labels keys; for a folder of idx files, its split (t10k or train). */
  dataKeys?: string[];
}

export interface UploadedFile {
  name: string;
  base64: string;
}

export interface DataOpenParams {
  path?: string;
  file?: UploadedFile;
  labels?: { path?: string; file?: UploadedFile };
  dataKeys?: string[];
  /** The model input's shape (channels-last), which a folder of images is decoded to. */
  inputShape?: number[];
}

export interface DataDescription {
  ref: DataRef;
  /** The data's file name, as the app shows it. */
  name: string;
  /** The labels' file name, when they come from a file of their own. */
  labelsName: string | null;
  /** Where the samples come from (with the array key for .npz). */
  source: string;
  kind: 'npy' | 'npz' | 'idx' | 'images';
  samples: number;
  sampleShape: number[];
  dtype: string;
  bytes: number;
  /** How many classes the labels name (the largest class + 1), or null when there are no class labels. */
  classes: number | null;
  /** Samples per class (index = class), or null. */
  labelCounts: number[] | null;
  classNames: string[] | null;
}

/** The model run: a preset (refused: it has no weights), a file the app uploaded (kept by its hash), or a path. */
export interface ModelRef {
  preset?: string;
  fileHash?: string;
  path?: string;
  options?: ImportOptions;
}

export interface RunConfigurationInput {
  channels?: Record<string, number>;
  prune?: Record<string, number>;
  precision?: string;
}

export interface PreprocessingInput {
  inputScale?: { from?: [number, number]; to: [number, number] };
  mean?: number[];
  std?: number[];
}

export interface EvaluateRunParams {
  model: ModelRef;
  data: DataRef;
  configuration: RunConfigurationInput;
  preprocessing?: PreprocessingInput;
  /** Agreement with the unedited model (at fp32, or as stored); fp32 when absent. */
  agreement?: 'fp32' | 'stored' | 'none';
  /** The caller's name for this run: its progress events carry it, and evaluate.cancel takes it. */
  job?: string;
}

export interface SensitivityRunParams {
  model: ModelRef;
  data: DataRef;
  /** Layer (or `*` for every prunable layer) → ratios of output channels removed. */
  prune: Record<string, number[]>;
  /** Layer → output channel counts to try. */
  channels?: Record<string, number[]>;
  /** The first is the precision layers are pruned at; each is measured on the unpruned model. */
  precisions?: string[];
  metric?: string;
  preprocessing?: PreprocessingInput;
  job?: string;
}

/** An evaluation as the engine gives it (EvaluateResult in src/main/engine/evaluate.ts). */
export interface EvaluationView {
  task: Task;
  metrics: { accuracy?: number; macroF1?: number; balancedAccuracy?: number; perClassRecall?: (number | null)[]; auc?: number; meanError?: number; mae?: number; mse?: number; [topK: `top${number}`]: number };
  agreement: Agreement | null;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  precision: string;
  channels: Record<string, number>;
  preprocessing: { text: string; [key: string]: unknown };
  notes: string[];
}

export interface SensitivityPointView {
  channels: number;
  fractionKept: number;
  precision: string;
  value: number;
}

/** A sensitivity analysis as the engine gives it (SensitivityReport in src/main/engine/sensitivity.ts). */
export interface SensitivityView {
  metric: string;
  base: Record<string, number>;
  layers: { layer: string; group: string[]; points: SensitivityPointView[] }[];
  precisions: { precision: string; value: number }[];
}

/** Progress of an evaluation (samples) or a sensitivity analysis (measurements). */
export interface EvaluateProgressEvent {
  job: string;
  done: number;
  total: number;
  unit: 'samples' | 'measurements';
}

/** The metrics where lower is better (errors), shown as numbers rather than percentages. */
export const isErrorMetric = (metric: string): boolean => metric === 'mae' || metric === 'mse' || metric === 'meanError';

/**
 * The most and the least sensitive layers: ranked by the loss at each layer's deepest cut (as `frontier sensitivity`
 * ranks them), against the base value at the precision the layer was cut at. Errors count a rise as a loss.
 */
export function sensitivityRanking(report: SensitivityView): { layer: string; loss: number; fractionKept: number }[] {
  const sign = isErrorMetric(report.metric) ? -1 : 1;
  return report.layers
    .filter((l) => l.points.length > 0)
    .map((l) => {
      const deepest = l.points.reduce((a, b) => (b.fractionKept < a.fractionKept ? b : a));
      return { layer: l.layer, loss: sign * (report.base[deepest.precision] - deepest.value), fractionKept: deepest.fractionKept };
    })
    .sort((a, b) => b.loss - a.loss || a.layer.localeCompare(b.layer));
}

// Schemas. A base64 field may be longer than the upload limit allows (up to the web host's body limit), so that the
// handler refuses it with both sizes in words rather than the schema with a count of characters.
const MAX_BASE64 = 256 * MIB;
const path = v.string({ min: 1, max: 4096 });
const upload = v.object({ name: v.string({ min: 1, max: 500 }), base64: v.string({ max: MAX_BASE64 }) });
const hash = v.string({ min: 64, max: 64, pattern: /^[0-9a-f]{64}$/ });
const fileRef = v.object({ path: v.optional(path), hash: v.optional(hash), name: v.optional(v.string({ min: 1, max: 500 })) });
const dataKeys = v.optional(v.array(v.string({ min: 1, max: 200 }), { max: 2 }));
const dataRef = v.object({ data: fileRef, labels: v.optional(fileRef), dataKeys });
/** A DataRef from outside (the API), checked field by field. */
export const DATA_REF_SCHEMA = dataRef;
const precision = v.string({ min: 1, max: 20 });
const range: Schema<[number, number]> = {
  parse: (value, at = 'input') => {
    const pair = v.array(v.number(), { max: 2 }).parse(value, at);
    if (pair.length !== 2) throw new ValidationError(at, 'expected two numbers, A and B');
    return [pair[0], pair[1]];
  },
};
const perChannel = v.optional(v.array(v.number(), { max: 4096 }));
const preprocessing = v.optional(v.object({ inputScale: v.optional(v.object({ from: v.optional(range), to: range })), mean: perChannel, std: perChannel }));
const modelRef = v.object({
  preset: v.optional(v.string({ min: 1, max: 200 })),
  fileHash: v.optional(hash),
  path: v.optional(path),
  options: v.optional(
    v.object({
      inputShapes: v.optional(v.record(v.array(v.number({ integer: true, min: 1, max: MAX_INPUT_DIMENSION }), { max: 8 }), { max: 64 })),
      allowUnknownOps: v.optional(v.boolean()),
    }),
  ),
});
const job = v.optional(v.string({ min: 1, max: 100 }));
const ratio = v.number({ min: 0, max: 0.999999 });

export const DATA_OPEN_SCHEMA = v.object({
  path: v.optional(path),
  file: v.optional(upload),
  labels: v.optional(v.object({ path: v.optional(path), file: v.optional(upload) })),
  dataKeys,
  inputShape: v.optional(v.array(v.number({ integer: true, min: 1, max: MAX_INPUT_DIMENSION }), { max: 8 })),
}) as Schema<DataOpenParams>;

export const EVALUATE_RUN_SCHEMA = v.object({
  model: modelRef,
  data: dataRef,
  configuration: v.object({
    channels: v.optional(v.record(v.number({ integer: true, min: 1, max: MAX_CHANNELS }), { max: 10_000 })),
    prune: v.optional(v.record(ratio, { max: 10_000 })),
    precision: v.optional(precision),
  }),
  preprocessing,
  agreement: v.optional(v.literal('fp32', 'stored', 'none')),
  job,
}) as Schema<EvaluateRunParams>;

export const SENSITIVITY_RUN_SCHEMA = v.object({
  model: modelRef,
  data: dataRef,
  prune: v.record(v.array(ratio, { max: 100 }), { max: 10_000 }),
  channels: v.optional(v.record(v.array(v.number({ integer: true, min: 1, max: MAX_CHANNELS }), { max: 100 }), { max: 10_000 })),
  precisions: v.optional(v.array(precision, { max: 20 })),
  metric: v.optional(v.string({ min: 1, max: 50 })),
  preprocessing,
  job,
}) as Schema<SensitivityRunParams>;

export const EVALUATE_CANCEL_SCHEMA = v.object({ job: v.string({ min: 1, max: 100 }) });
