// One configuration of a model, analysed: the numbers behind `frontier analyze` and every sweep point.
import { displayNames } from '../model/displayNames';
import { UsageError } from '../cli/valueList';
import type { DeviceProfile } from '../devices';
import { applyChannelEdits, isPruned, type ChannelEdits } from '../model/edit';
import { isChannelLayer, outputChannelsOf, type ModelGraph } from '../model/types';
import { predictConfiguration, prepareMeasured } from './measuredAccuracy';
import {
  calibratedAccuracy,
  calibrationCurves,
  penaltyAccuracy,
  validateAccuracyModel,
  tidy,
  type AccuracyEstimate,
  type AccuracyModel,
  type CalibrationCurves,
  type MeasuredModel,
} from './accuracy';
import { countModel, type ModelCounts } from './counts';
import { evaluate, precisionMap, type BiasMode, type Figures } from './evaluate';
import { DEFAULT_MEMORY_MODEL, type ArenaPlan, type MemoryModel } from './memory';
import { isInteger, parsePrecision } from './precision';
import { latencyBand, type LatencyBand } from '../latency/model';

export const FRONTIER_VERSION = '0.1.0';
/** Version of the JSON that `analyze` and `sweep` print; bumped when a field changes meaning or goes away. */
export const OUTPUT_SCHEMA_VERSION = 1;

export interface AnalysisRequest extends ChannelEdits {
  precision?: string;
  /** Layer name → precision name, overriding the model's precision for that layer. */
  layerPrecisions?: Record<string, string>;
  memoryModel?: MemoryModel;
  biasMode?: BiasMode;
  device?: DeviceProfile | null;
  /** Fraction of SRAM kept free, in [0, 1). */
  headroom?: number;
  accuracy?: AccuracyModel | null;
  /** Depthwise convolutions write over their input (TinyEngine does; TFLM does not). Off unless asked for. */
  inPlaceDepthwise?: boolean;
}

export interface LayerReport {
  /** The layer's name in Frontier's files and JSON keys (for a converted file, its tensor's name). */
  name: string;
  /** A short name a person can read (the Keras scope of a TensorFlow name), unique in the model. */
  displayName: string;
  /** The name the source file gives the layer, in full. */
  sourceName: string;
  type: string;
  role: string;
  into?: string;
  outputShape: number[];
  params: number;
  frameworkParams: number;
  weightBytes: number;
  macs: number;
  /** Bytes of the tensor this layer allocates (0 for folded, fused, aliasing and removed layers). */
  activationBytes: number;
  precision: string;
  latencyS: number | null;
  absorbed: string[];
  activation?: string;
}

/** One configuration's figures (see `Figures`), with the settings that produced them and a row per layer. */
export interface AnalysisReport extends Omit<Figures, 'device' | 'layers' | 'precisionsUsed'> {
  frontierVersion: string;
  schemaVersion: number;
  model: string;
  precision: string;
  memoryModel: MemoryModel;
  biasMode: BiasMode;
  channels: Record<string, number>;
  pruned: boolean;
  /** Parameters as the source framework counts them (BatchNormalization: 4 per channel). */
  frameworkParams: number;
  device: (Figures['device'] & { name: string }) | null;
  headroom: number;
  /**
   * The central 80 % band of the true latency around `latencyS`, from the error the device profile earned (its
   * calibration's leave-one-out, or cross-validation on public data); null without a latency.
   */
  latencyBand: LatencyBand | null;
  /** The software stack the device's latency model describes, when it names one. */
  runtime: { id: string; name: string; basis: string; from?: string } | null;
  accuracy: number | null;
  accuracyMetric: string | null;
  accuracyBasis: string | null;
  notes: string[];
  layers: LayerReport[];
  /** The file format the model came from (`tflite`, `onnx`, `keras-h5`…), or null for presets. */
  format: string | null;
  /** The precision the file stores (`int8`, `fp32`, `w8a32` for a hybrid model), or null for presets. */
  filePrecision: string | null;
  /** True when the figures are for a precision other than the one the file stores. */
  whatIf: boolean;
  /**
   * Weight bytes as the file stores them (each buffer once), for the configuration the file holds: unedited, at the
   * file's precision. Null otherwise, or for formats that store no weights.
   */
  storedParamBytes: number | null;
  /**
   * With `storedParamBytes`: why it differs from `paramBytes`, in words (weights several layers share, stored once;
   * values the file stores at another width than the analysis counts), or null when the two agree.
   */
  storedParamNote: string | null;
  inPlaceDepthwise: boolean;
  /** Under the `arena` memory model: every buffer's offset, size and lifetime, and the liveness lower bound. */
  arena?: ArenaPlan;
}

/** How the file's precision reads in words: hybrid models say so. */
export function describeFilePrecision(precision: string): string {
  const p = parsePrecision(precision);
  if (p.weights === p.activations) return p.name;
  const hybrid = isInteger(p.weights) && !isInteger(p.activations);
  return `${hybrid ? 'hybrid: ' : ''}${p.weights} weights, ${p.activations} activations`;
}

/** Why a file's stored weight bytes differ from the parameter memory the analysis counts (null when equal). */
export function storedDifference(stored: number, counted: number, shared: number): string | null {
  if (stored === counted) return null;
  const b = (n: number): string => `${n.toLocaleString('en-US')} B`;
  const diff = counted - stored;
  const parts: string[] = [];
  if (shared > 0) parts.push(`${b(shared)} of weights are buffers several layers share, which the file stores once and the parameter memory counts for each layer`);
  const rest = diff - shared;
  if (rest !== 0) {
    parts.push(
      `${b(Math.abs(rest))} ${rest > 0 ? 'more' : 'less'} come${Math.abs(rest) === 1 ? 's' : ''} from values the analysis counts at another width than the file stores them (biases, per-channel scales)`,
    );
  }
  return `${b(Math.abs(diff))} ${diff > 0 ? 'less' : 'more'} than the parameter memory: ${parts.join('; ')}`;
}

/** Everything about a base model that does not depend on the configuration, computed once. */
export interface PreparedModel {
  base: ModelGraph;
  baseCounts: ModelCounts;
  curves?: CalibrationCurves;
}

export function prepareModel(base: ModelGraph, accuracy?: AccuracyModel | null): PreparedModel {
  const baseCounts = countModel(base);
  const prepared: PreparedModel = { base, baseCounts };
  if (accuracy?.kind === 'calibrated') {
    validateAccuracyModel(accuracy);
    prepared.curves = calibrationCurves(
      accuracy.points.map((p) => ({
        precision: p.precision,
        value: p.value,
        macsFraction: countModel(applyChannelEdits(base, p).graph).macs / baseCounts.macs,
      })),
    );
  }
  return prepared;
}

/** The measured model's prediction for an edited graph: each measured layer's channels against the base's. */
function measuredEstimate(model: MeasuredModel, base: ModelGraph, graph: ModelGraph, precision: string): AccuracyEstimate {
  const channels = (g: ModelGraph): Map<string, number> => new Map(g.layers.filter(isChannelLayer).map((l) => [l.name, outputChannelsOf(l)]));
  const before = channels(base);
  const after = channels(graph);
  const value = predictConfiguration(prepareMeasured(model), precision, (layer) => (after.get(layer) ?? 1) / (before.get(layer) ?? 1));
  return Number.isNaN(value)
    ? { value: null, basis: `no measured base for ${precision} (measured: ${Object.keys(model.base).join(', ')})` }
    : { value: tidy(value), basis: `predicted from ${model.layers.length} measured layer${model.layers.length === 1 ? '' : 's'} (${model.form})` };
}

export function checkHeadroom(headroom: number): void {
  if (!Number.isFinite(headroom) || headroom < 0 || headroom >= 1) {
    throw new UsageError(`headroom must be a fraction in [0, 1) of the device SRAM (e.g. 0.1), got ${headroom}`);
  }
}

export function analyze(base: ModelGraph | PreparedModel, request: AnalysisRequest = {}): AnalysisReport {
  const prepared = 'baseCounts' in base ? base : prepareModel(base, request.accuracy);
  const { graph, notes } = applyChannelEdits(prepared.base, request);
  const counts = countModel(graph);
  const source = prepared.base.source;
  // A file is analysed at the precision it stores unless asked otherwise; other precisions are "what if" figures.
  const filePrecision = source?.precision ? parsePrecision(source.precision).name : null;
  const precision = parsePrecision(request.precision ?? filePrecision ?? 'fp32');
  const atFilePrecision = filePrecision === precision.name;
  const headroom = request.headroom ?? 0;
  checkHeadroom(headroom);
  const graphOverrides = Object.fromEntries(
    graph.layers.filter((l) => l.precision).map((l) => [l.name, l.precision as string]),
  );
  const layerPrecisions = precisionMap({ ...graphOverrides, ...request.layerPrecisions });
  const filePrecisions = precisionMap(atFilePrecision ? source?.layerPrecisions : undefined);
  const layerNames = new Set(graph.layers.map((l) => l.name));
  for (const name of layerPrecisions.keys()) {
    if (!layerNames.has(name)) {
      throw new UsageError(`layer precision: "${name}" is not a layer of ${graph.name}`);
    }
  }
  const memoryModel = request.memoryModel ?? DEFAULT_MEMORY_MODEL;
  const biasMode = request.biasMode ?? source?.biasMode ?? 'weight';
  const inPlaceDepthwise = request.inPlaceDepthwise ?? false;
  const figures = evaluate(counts, {
    precision,
    layerPrecisions,
    filePrecisions,
    memoryModel,
    biasMode,
    device: request.device,
    headroom,
    inPlaceDepthwise,
    tensorOrder: source?.tensorOrder,
  });
  const pruned = isPruned(prepared.base, graph);

  let accuracy: number | null = null;
  let accuracyBasis: string | null = null;
  const model = request.accuracy ?? null;
  if (model) {
    const input = {
      pruned,
      precision: precision.name,
      precisionsUsed: figures.precisionsUsed,
      macsFraction: prepared.baseCounts.macs > 0 ? counts.macs / prepared.baseCounts.macs : 1,
    };
    validateAccuracyModel(model);
    const estimate =
      model.kind === 'penalties'
        ? penaltyAccuracy(model, input)
        : model.kind === 'measured'
          ? measuredEstimate(model, prepared.base, graph, precision.name)
          : calibratedAccuracy(prepared.curves ?? prepareModel(prepared.base, model).curves ?? new Map(), input);
    accuracy = estimate.value;
    accuracyBasis = estimate.basis;
  }
  if (figures.device && figures.device.unsupported.length > 0) {
    notes.push(`${figures.device.unsupported.join(', ')} unsupported on ${figures.device.id}: no latency`);
  }
  for (const note of source?.notes ?? []) notes.push(note);
  if (filePrecision && !atFilePrecision) {
    notes.push(`what if: the file stores ${describeFilePrecision(filePrecision)}; these figures are for ${precision.name}`);
  }
  const unknown = graph.layers.filter((l) => l.type === 'Opaque');
  if (unknown.length > 0) {
    const names = unknown.map((l) => `${l.name} (${(l as { op: string }).op})`).join(', ');
    notes.push(
      `unknown operators analysed as zero-MAC operations: ${names}; MACs, latency and activation memory exclude their work`,
    );
  }
  if (memoryModel === 'arena') {
    notes.push(
      'arena: activation tensors only; TFLM kernel scratch buffers (no source gives their size) and its persistent allocations are not included',
    );
  }
  const unedited = Object.keys(request.channels ?? {}).length === 0 && Object.keys(request.prune ?? {}).length === 0;
  const storedParamBytes =
    source?.storedWeightBytes !== undefined &&
    atFilePrecision &&
    unedited &&
    Object.keys(request.layerPrecisions ?? {}).length === 0
      ? source.storedWeightBytes
      : null;

  const channels: Record<string, number> = {};
  for (const layer of graph.layers) {
    if (layer.type === 'Conv2D' || layer.type === 'SeparableConv2D') channels[layer.name] = layer.filters;
    if (layer.type === 'Dense') channels[layer.name] = layer.units;
  }
  // Names come from the base model (edits keep them), whose display names are computed once.
  const shown = displayNames(prepared.base);

  return {
    frontierVersion: FRONTIER_VERSION,
    schemaVersion: OUTPUT_SCHEMA_VERSION,
    model: graph.name,
    precision: precision.name,
    memoryModel,
    biasMode,
    channels,
    pruned,
    params: figures.params,
    frameworkParams: counts.frameworkParams,
    paramBytes: figures.paramBytes,
    peakActivationBytes: figures.peakActivationBytes,
    peakAt: figures.peakAt,
    totalBytes: figures.totalBytes,
    macs: figures.macs,
    flops: figures.flops,
    latencyS: figures.latencyS,
    fits: figures.fits,
    device: figures.device && request.device ? { ...figures.device, name: request.device.name } : null,
    latencyBand: request.device && figures.latencyS !== null ? latencyBand(request.device, figures.latencyS) : null,
    runtime: request.device?.runtime
      ? {
          id: request.device.runtime.id,
          name: request.device.runtime.name,
          basis: request.device.runtime.basis,
          ...(request.device.runtime.from ? { from: request.device.runtime.from } : {}),
        }
      : null,
    headroom,
    accuracy,
    accuracyMetric: model ? model.metric : null,
    accuracyBasis,
    notes,
    format: source?.format ?? null,
    filePrecision,
    whatIf: filePrecision !== null && !atFilePrecision,
    storedParamBytes,
    storedParamNote: storedParamBytes === null ? null : storedDifference(storedParamBytes, figures.paramBytes, source?.sharedWeightBytes ?? 0),
    inPlaceDepthwise,
    ...(figures.arena ? { arena: figures.arena } : {}),
    layers: counts.layers.map((layer) => {
      const f = figures.layers.get(layer.name);
      return {
        name: layer.name,
        displayName: shown.get(layer.name) ?? layer.name,
        sourceName: layer.name,
        type: layer.type,
        role: layer.role,
        ...(layer.into ? { into: layer.into } : {}),
        outputShape: layer.outputShape,
        params: layer.params,
        frameworkParams: layer.frameworkParams,
        weightBytes: f?.weightBytes ?? 0,
        macs: layer.macs,
        activationBytes: f?.activationBytes ?? 0,
        precision: f?.precision ?? precision.name,
        latencyS: f?.latencyS ?? null,
        absorbed: layer.absorbed,
        ...(layer.activation ? { activation: layer.activation } : {}),
      };
    }),
  };
}
