// THE contract between the UI and the services: every method and event, declared once. Electron IPC, the web host
// and the renderer's clients are thin transports over it; each input is parsed by its schema before a handler runs.
import type { AccuracyModel } from './analysis/accuracy';
import { MAX_TIME_S, MIN_MEASURED_S } from './physicalBounds';
import { sessionNameProblem } from './sessionName';
import type { AnalysisReport } from './analysis/analyze';
import type { BiasMode } from './analysis/evaluate';
import type { MemoryModel } from './analysis/memory';
import type { DeviceProfile } from './devices';
import { MAX_INPUT_DIMENSION, type ImportOptions } from './model/importOptions';
import type { FitEntry } from './latency/calibrate';
import type { LatencyBandFactors } from './latency/model';
import type { NativeModelFile } from './model/native';
import type { ObjectiveBounds } from './pareto';
import type { ChoiceChangeKind } from './sweep/compare';
import type { MeasuredAccuracySummary, SweepSummary, ResultEntry } from './sweep/summary';
import type { Client, SweepSpec } from './sweep/types';
import { MAX_CHANNELS } from './cli/valueList';
import { v, ValidationError, type Schema } from './validate';
import {
  DATA_OPEN_SCHEMA,
  DATA_REF_SCHEMA,
  EVALUATE_CANCEL_SCHEMA,
  EVALUATE_RUN_SCHEMA,
  SENSITIVITY_RUN_SCHEMA,
  type DataDescription,
  type DataOpenParams,
  type DataRef,
  type EvaluateProgressEvent,
  type EvaluateRunParams,
  type EvaluationView,
  type SensitivityRunParams,
  type SensitivityView,
} from './evaluations';

export interface AppInfo {
  version: string;
  schemaVersion: number;
  /** Path of the database file the services use. */
  database: string;
  cores: number;
}

export interface PresetInfo {
  id: string;
  name: string;
  description: string;
  source: string;
}

export interface DeviceEntry {
  profile: DeviceProfile;
  /** Built-in profiles cannot be edited or deleted; the user's own can. */
  builtin: boolean;
}

/** A built-in runtime (software stack) as the app lists it. */
export interface RuntimeEntry {
  id: string;
  name: string;
  description: string;
  precisions: string[];
  /** Persistent RAM of the runtime in bytes, or null when not published; `sources.persistentRamBytes` says why. */
  persistentRamBytes: number | null;
  sources: Record<string, string>;
  /** Core → the boards it was measured or placed on. */
  cores: Record<string, string[]>;
  /** MLPerf Tiny groups it was fitted to. */
  groups: number;
  /** Its error band for a board predicted without measurements of its own. */
  band: LatencyBandFactors;
}

/** One measured latency, as the app's calibration takes it. */
export interface MeasurementInput {
  /** A preset id, or a key of `models` (the app's loaded model). */
  model: string;
  channels?: Record<string, number>;
  prune?: Record<string, number>;
  precision: string;
  latencyS: number;
}

export interface CalibrateParams {
  /** Device id (built-in, the user's own, or `board+runtime`). */
  device: string;
  runtime?: string | null;
  name?: string;
  measurements: MeasurementInput[];
  /** Models measured that are not presets, by the name the measurements use. */
  models?: Record<string, NativeModelFile>;
}

export interface CalibrationResult {
  profile: DeviceProfile;
  fit: FitEntry[];
  leaveOneOut: FitEntry[];
  medianAbsError: number | null;
}

export interface LoadedModel {
  graph: NativeModelFile;
  /** Where it came from: a preset id or the file name. */
  source: string;
  /** Layers whose output channels can be set, with their original counts. */
  editable: { name: string; channels: number }[];
  /** Layers a `*` prune applies to. */
  prunable: string[];
  /**
   * For an uploaded file: the SHA-256 of its bytes, kept in the database, so that a sweep of it records the file
   * (`SweepSpec.modelFile`) and its configurations can be exported as model files. Absent for presets.
   */
  fileHash?: string;
}

export interface AnalyzeParams {
  graph: NativeModelFile;
  precision: string;
  channels: Record<string, number>;
  prune: Record<string, number>;
  memoryModel: MemoryModel;
  /** Device id (built-in or the user's own), or null for none. */
  device: string | null;
  headroom: number;
  biasMode: BiasMode;
  accuracy: AccuracyModel | null;
  /** Where weights live, overriding the device profile; absent = as the profile says. */
  weightsIn?: 'sram' | 'flash';
  /** Depthwise convolutions write over their input (TinyEngine does; TFLM does not). */
  inPlaceDepthwise?: boolean;
  /** A built-in runtime the device runs under; absent or null = the device profile's own latency figures. */
  runtime?: string | null;
}

export interface SpaceSize {
  total: number;
  gridSize: number;
  dims: { kind: string; name: string; count: number }[];
}

export interface SessionListEntry {
  name: string;
  status: string;
  configs: number;
  total: number;
  created: string;
  model: string;
  devices: string[];
}

export interface SessionView {
  summary: SweepSummary;
  spec: SweepSpec;
  graph: NativeModelFile;
  devices: DeviceProfile[];
  clients: Client[];
  created: string;
}

/** A session's results as columns (one entry per stored configuration), for plots and tables. */
export interface ResultTable {
  session: string;
  count: number;
  idx: number[];
  /** 0 ok, 1 no-fit, 2 unsupported, 3 error. */
  status: number[];
  accuracy: (number | null)[];
  latencyS: (number | null)[];
  totalBytes: number[];
  sramBytes: number[];
  params: number[];
  macs: number[];
  /** FRONT_3D | FRONT_LATENCY | FRONT_MEMORY bits. */
  flags: number[];
  /** Index into `precisions` / `devices`. */
  precision: number[];
  device: number[];
  precisions: string[];
  devices: string[];
  /** Per device (as `devices`): the error band its profile earned, as factors on a predicted latency. */
  deviceBands?: LatencyBandFactors[];
  /** Editable layers, and for each a column of channel counts. */
  layers: string[];
  channels: number[][];
  /** idx → message for configurations that failed analysis. */
  messages: Record<string, string>;
  /** As in ResultColumnsView (null: not measured / no prediction); present only with measured accuracy. */
  accuracyMeasured?: (number | null)[];
  accuracyPredicted?: (number | null)[];
  measuredAccuracy?: MeasuredAccuracySummary;
}

/**
 * A session's results as typed columns, one entry per stored configuration in idx order: what the app draws and
 * sorts. Typed arrays cross Electron IPC as they are and the web host as one binary body (src/shared/binary.ts),
 * so a session of hundreds of thousands of configurations arrives without building objects per row.
 */
export interface ResultColumnsView {
  session: string;
  count: number;
  idx: Uint32Array;
  /** 0 ok, 1 no-fit, 2 unsupported, 3 error. */
  status: Uint8Array;
  /** Fractions; NaN = no estimate. */
  accuracy: Float64Array;
  /** Seconds; NaN = the device cannot run it. */
  latencyS: Float64Array;
  totalBytes: Float64Array;
  sramBytes: Float64Array;
  params: Float64Array;
  macs: Float64Array;
  /** FRONT_3D | FRONT_LATENCY | FRONT_MEMORY bits. */
  flags: Uint8Array;
  /** Index into `precisions` / `devices`. */
  precision: Uint8Array;
  device: Uint16Array;
  precisions: string[];
  devices: string[];
  /** Per device: the factors of its latency band (predicted × lowFactor … × highFactor). */
  deviceBands?: LatencyBandFactors[];
  /** Editable layers, and for each a column of channel counts. */
  layers: string[];
  channels: Uint32Array[];
  /** idx → message for configurations that failed analysis. */
  messages: Record<string, string>;
  /**
   * With measured accuracy (docs/sweeps.md), present only then: the value measured on the data (NaN until verified;
   * `accuracy` is it where it exists) and the predicted one. Each row's accuracy band is its predicted value ±
   * `measuredAccuracy.bandHalfWidth`, clamped to [0, 1].
   */
  accuracyMeasured?: Float64Array;
  accuracyPredicted?: Float64Array;
  measuredAccuracy?: MeasuredAccuracySummary;
}

export interface SessionSide {
  session: string;
  model: string;
  devices: string[];
  status: string;
  /** The session's 3-D front (accuracy ↑, latency ↓, total memory ↓), in idx order. */
  front: ResultEntry[];
}

/** A client's choice in A (`before`) and in B (`after`), with the configurations in full. */
export interface SessionChoiceChange {
  client: string;
  before: ResultEntry | null;
  after: ResultEntry | null;
  change: ChoiceChangeKind;
}

export interface SessionComparison {
  a: SessionSide;
  b: SessionSide;
  /** idx (in A) of A's front points that a point of B's front dominates. */
  aDominatedByB: number[];
  /** idx (in B) of B's front points that a point of A's front dominates. */
  bDominatedByA: number[];
  hypervolumeA: number;
  hypervolumeB: number;
  /** The one normalisation of both hypervolumes: bounds over the union of the fronts. */
  bounds: ObjectiveBounds;
  /** True when some front point has no accuracy (then only latency and memory count). */
  accuracyIgnored: boolean;
  verdict: 'same' | 'a-better' | 'b-better' | 'mixed';
  /** Per client: A's clients in order, then those only B has. */
  clients: SessionChoiceChange[];
}

export interface ExportFile {
  fileName: string;
  mime: string;
  /** The content, for text files; empty when `base64` holds it. */
  text: string;
  /** The content of a binary file (a model file), in base64. */
  base64?: string;
}

/** Method name → parameters and result. */
export interface Api {
  'app.info': { params: Record<string, never>; result: AppInfo };
  'presets.list': { params: Record<string, never>; result: PresetInfo[] };
  'devices.list': { params: Record<string, never>; result: DeviceEntry[] };
  'devices.save': { params: { profile: Record<string, unknown> }; result: DeviceProfile };
  'devices.delete': { params: { id: string }; result: null };
  'devices.calibrate': { params: CalibrateParams; result: CalibrationResult };
  'runtimes.list': { params: Record<string, never>; result: RuntimeEntry[] };
  'model.load': {
    params: { preset?: string; file?: { name: string; base64: string }; options?: ImportOptions };
    result: LoadedModel;
  };
  'model.analyze': { params: AnalyzeParams; result: AnalysisReport };
  'sweep.size': { params: { spec: Record<string, unknown>; graph: Record<string, unknown> }; result: SpaceSize };
  'sweep.start': {
    params: { spec: Record<string, unknown>; graph: Record<string, unknown>; name?: string; replace?: boolean };
    result: { session: string; total: number };
  };
  'sweep.cancel': { params: { session: string }; result: { cancelled: boolean } };
  'sessions.list': { params: Record<string, never>; result: SessionListEntry[] };
  'sessions.get': { params: { name: string }; result: SessionView };
  'sessions.results': { params: { name: string }; result: ResultTable };
  'sessions.columns': { params: { name: string }; result: ResultColumnsView };
  'sessions.rename': { params: { name: string; newName: string }; result: null };
  'sessions.delete': { params: { name: string }; result: null };
  'sessions.resume': { params: { name: string }; result: { session: string; total: number } };
  'sessions.compare': { params: { a: string; b: string }; result: SessionComparison };
  'export.csv': { params: { name: string; front?: boolean }; result: ExportFile };
  'export.configurations': { params: { name: string; front?: boolean; best?: string }; result: ExportFile };
  'export.bundle': { params: { name: string }; result: ExportFile };
  /** One configuration's file for the board: a client's choice (`best`) or a stored configuration (`config`). */
  'export.artifact': {
    params: { name: string; format: 'tflm' | 'keras-json'; best?: string; config?: number };
    result: ExportFile;
  };
  /** One configuration as the model file itself (with its weights): a client's choice (`best`) or `config`. */
  'export.model': {
    /**
     * `calibration`: data (the Data panel's) that calibrates an int8 configuration of a float model when the session
     * itself names none (it was swept neither on data nor with calibration data).
     */
    params: { name: string; format: 'tflite' | 'onnx'; best?: string; config?: number; calibration?: DataRef };
    result: ExportFile;
  };
  'import.bundle': { params: { text: string; name?: string; replace?: boolean }; result: { session: string } };
  /** Data to measure on (a path on this machine, or an upload), described: samples, shape, classes, label counts. */
  'data.open': { params: DataOpenParams; result: DataDescription };
  /** One configuration of a model with weights, measured on the data. */
  'evaluate.run': { params: EvaluateRunParams; result: EvaluationView };
  /** Every prunable layer pruned alone at each level, and each precision on the unpruned model, measured. */
  'sensitivity.run': { params: SensitivityRunParams; result: SensitivityView };
  /** Stops an evaluation or sensitivity analysis by its job name; it then fails with "cancelled". */
  'evaluate.cancel': { params: { job: string }; result: { cancelled: boolean } };
}

export type Method = keyof Api;
export type Params<M extends Method> = Api[M]['params'];
export type Result<M extends Method> = Api[M]['result'];

export interface SweepProgressEvent {
  session: string;
  done: number;
  total: number;
  rate: number;
  etaS: number | null;
  elapsedS: number;
  /** With measured accuracy: what is running (the sensitivity analysis, the sweep, the verification); absent otherwise. */
  phase?: 'sensitivity' | 'sweep' | 'verify';
}

export interface SweepFinishedEvent {
  session: string;
  status: string;
  error?: string;
  /** Configurations stored and in the design space, when the run got as far as its session row. */
  configs?: number;
  total?: number;
}

/** Event name → payload, pushed from the services to every UI. */
export interface Events {
  'sweep.progress': SweepProgressEvent;
  'sweep.finished': SweepFinishedEvent;
  'evaluate.progress': EvaluateProgressEvent;
}
export type EventName = keyof Events;
export const EVENT_NAMES: readonly EventName[] = ['sweep.progress', 'sweep.finished', 'evaluate.progress'];

/** What a transport gives the renderer: call a method, listen to an event. */
export interface FrontierBridge {
  invoke<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** The shape of a failed call as it crosses a transport. */
export interface ApiErrorPayload {
  message: string;
  /** `invalid` (the input did not match the schema), `usage` (a bad choice), `model`, `store`, `internal`. */
  kind: 'invalid' | 'usage' | 'model' | 'store' | 'internal';
}

const none = v.object({});
const name = v.string({ min: 1, max: 200 });
/** A name given to a session (a new sweep, a rename, an import): the rule the CLI applies too. */
const sessionName: Schema<string> = {
  parse: (value, path = 'input') => {
    const text = v.string({ max: 100_000 }).parse(value, path);
    const problem = sessionNameProblem(text);
    if (problem) throw new ValidationError(path, problem);
    return text;
  },
};
const precision = v.string({ min: 1, max: 20 });

/** The schema every input is parsed with before its handler runs. */
export const PARAMS: { [M in Method]: Schema<Params<M>> } = {
  'app.info': none as Schema<Record<string, never>>,
  'presets.list': none as Schema<Record<string, never>>,
  'devices.list': none as Schema<Record<string, never>>,
  'devices.save': v.object({ profile: v.json() }),
  'devices.delete': v.object({ id: name }),
  'devices.calibrate': v.object({
    device: name,
    runtime: v.optional(v.nullable(name)),
    name: v.optional(name),
    measurements: v.array(
      v.object({
        model: v.string({ min: 1, max: 500 }),
        channels: v.optional(v.record(v.number({ integer: true, min: 1 }), { max: 10_000 })),
        prune: v.optional(v.record(v.number({ min: 0, max: 0.999999 }), { max: 10_000 })),
        precision,
        latencyS: v.number({ min: MIN_MEASURED_S, max: MAX_TIME_S }),
      }),
      { max: 1000 },
    ),
    models: v.optional(v.record(v.json(), { max: 100 })),
  }) as unknown as Schema<CalibrateParams>,
  'runtimes.list': none as Schema<Record<string, never>>,
  'model.load': v.object({
    preset: v.optional(name),
    file: v.optional(v.object({ name: v.string({ min: 1, max: 500 }), base64: v.string({ max: 200_000_000 }) })),
    options: v.optional(
      v.object({
        inputShapes: v.optional(
          v.record(v.array(v.number({ integer: true, min: 1, max: MAX_INPUT_DIMENSION }), { max: 8 }), { max: 64 }),
        ),
        allowUnknownOps: v.optional(v.boolean()),
      }),
    ),
  }),
  'model.analyze': v.object({
    graph: v.json(),
    precision,
    channels: v.record(v.number({ integer: true, min: 1, max: MAX_CHANNELS }), { max: 10_000 }),
    prune: v.record(v.number({ min: 0, max: 0.999999 }), { max: 10_000 }),
    memoryModel: v.literal('largest-tensor', 'layer-io', 'liveness', 'arena'),
    device: v.nullable(name),
    headroom: v.number({ min: 0, max: 0.99 }),
    biasMode: v.literal('weight', 'int32'),
    accuracy: v.nullable(v.json()),
    weightsIn: v.optional(v.literal('sram', 'flash')),
    inPlaceDepthwise: v.optional(v.boolean()),
    runtime: v.optional(v.nullable(name)),
  }) as unknown as Schema<AnalyzeParams>,
  'sweep.size': v.object({ spec: v.json(), graph: v.json() }),
  'sweep.start': v.object({ spec: v.json(), graph: v.json(), name: v.optional(sessionName), replace: v.optional(v.boolean()) }),
  'sweep.cancel': v.object({ session: name }),
  'sessions.list': none as Schema<Record<string, never>>,
  'sessions.get': v.object({ name }),
  'sessions.results': v.object({ name }),
  'sessions.columns': v.object({ name }),
  'sessions.rename': v.object({ name, newName: sessionName }),
  'sessions.delete': v.object({ name }),
  'sessions.resume': v.object({ name }),
  'sessions.compare': v.object({ a: name, b: name }),
  'export.csv': v.object({ name, front: v.optional(v.boolean()) }),
  'export.configurations': v.object({ name, front: v.optional(v.boolean()), best: v.optional(name) }),
  'export.bundle': v.object({ name }),
  'export.artifact': v.object({
    name,
    format: v.literal('tflm', 'keras-json'),
    best: v.optional(name),
    config: v.optional(v.number({ integer: true, min: 0, max: Number.MAX_SAFE_INTEGER })),
  }),
  'export.model': v.object({
    name,
    format: v.literal('tflite', 'onnx'),
    best: v.optional(name),
    config: v.optional(v.number({ integer: true, min: 0, max: Number.MAX_SAFE_INTEGER })),
    calibration: v.optional(DATA_REF_SCHEMA) as Schema<DataRef | undefined>,
  }),
  'import.bundle': v.object({ text: v.string({ min: 2, max: 500_000_000 }), name: v.optional(sessionName), replace: v.optional(v.boolean()) }),
  'data.open': DATA_OPEN_SCHEMA,
  'evaluate.run': EVALUATE_RUN_SCHEMA,
  'sensitivity.run': SENSITIVITY_RUN_SCHEMA,
  'evaluate.cancel': EVALUATE_CANCEL_SCHEMA,
};

export const METHODS = Object.keys(PARAMS) as Method[];

export const isMethod = (value: string): value is Method => Object.hasOwn(PARAMS, value);
