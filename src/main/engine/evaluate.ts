// One configuration measured on a data set (issue 15): the configuration made runnable (prepareRun), the data fed a
// chunk at a time through its preprocessing, and the metrics its output implies accumulated as the chunks go, with
// the agreement of its outputs with a reference model's (the unedited model at fp32, or as stored) when asked.
// What `frontier evaluate`, the sensitivity analysis and a sweep's verification build on.
import type { NpyArray } from '../../shared/engine/npy';
import {
  AgreementAccumulator,
  ClassificationAccumulator,
  isBinary,
  RegressionAccumulator,
  sampleErrors,
  ScoreAccumulator,
  taskOf,
  type Agreement,
  type Task,
} from '../../shared/engine/metrics';
import type { ActivationQuantization } from '../../shared/engine/weights';
import { isChannelLayer, outputChannelsOf } from '../../shared/model/types';
import { UsageError } from '../../shared/cli/valueList';
import type { IoTensor } from './build/int8';
import { DEFAULT_CALIBRATION_SAMPLES, prepareRun, type CalibrationSamples, type PreparedRun, type RunConfiguration } from './configure';
import { DataError, type DataSet } from './data/dataSet';
import { fedFloatValues, resolvePreprocessing, toFloatValues, toInputValues, type Preprocessing, type PreprocessingOptions } from './data/preprocess';
import type { RunnableModel } from './load';
import { fromGraphOutput } from './samples';
import { GraphSession } from './session';
import { EvaluationCancelled } from './evaluationCancelled';

/** A chunk holds at most this many bytes of input values (and at most MAX_CHUNK_SAMPLES samples). */
const CHUNK_BYTES = 32 * 1024 * 1024;
const MAX_CHUNK_SAMPLES = 1024;

export interface EvaluateOptions {
  preprocessing?: PreprocessingOptions;
  /** Agreement with a reference run of the same file: unedited at fp32, or unedited as stored. None when absent. */
  agreement?: 'fp32' | 'stored';
  /** Samples for an int8 run's calibration (all of them); else DEFAULT_CALIBRATION_SAMPLES spread evenly over the data. */
  calibration?: DataSet;
  calibrationSamples?: number;
  /** The task, when what the output implies is not what is meant. */
  task?: Task;
  /** Top-k accuracy's k (≥ 2); 5 when the model has more than 5 classes, none otherwise. */
  topK?: number;
  /** Samples read and run at a time. */
  chunkSamples?: number;
  /** onnxruntime's threads (0: its default). */
  threads?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Receives the configuration as it runs (its graph, quantized weights and built graph), e.g. to write it as a file. */
  onPrepared?: (run: PreparedRun) => void;
}

/** The measures that apply to the task; `top5` (top-k) named after its k. Accuracies are fractions. */
export interface EvaluationMetrics {
  accuracy?: number;
  macroF1?: number;
  balancedAccuracy?: number;
  perClassRecall?: (number | null)[];
  auc?: number;
  /** An autoencoder's mean per-sample reconstruction error (mean squared error). */
  meanError?: number;
  mae?: number;
  mse?: number;
  [topK: `top${number}`]: number;
}

export interface EvaluateResult {
  task: Task;
  metrics: EvaluationMetrics;
  agreement: Agreement | null;
  samples: number;
  seconds: number;
  samplesPerSecond: number;
  precision: string;
  /** Output channels of every layer whose channel count is a choice (Conv2D, SeparableConv2D, Dense), by name. */
  channels: Record<string, number>;
  preprocessing: Preprocessing;
  /** What the run did that the user should know (calibration, dequantization, which output was measured). */
  notes: string[];
}

export { EvaluationCancelled } from './evaluationCancelled';

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** `count` samples spread evenly over a data set, as float values through the preprocessing of a float input. */
async function calibrationFrom(data: DataSet, input: IoTensor, options: EvaluateOptions, stored?: ActivationQuantization): Promise<CalibrationSamples> {
  const floatInput: IoTensor = { ...input, type: 'float32', quantization: undefined };
  const prep = resolvePreprocessing(data, floatInput, options.preprocessing, stored);
  // Calibration data given for the purpose is used whole (as infer uses it); the data measured, a spread sample of it.
  const count = Math.min(options.calibrationSamples ?? (options.calibration ? data.count : DEFAULT_CALIBRATION_SAMPLES), data.count);
  const per = sizeOf(input.shape);
  const values = new Float32Array(count * per);
  for (let i = 0; i < count; i++) {
    const index = Math.floor((i * data.count) / count);
    values.set(toFloatValues(prep, await data.read(index, 1), data.source), i * per);
  }
  const spread = count < data.count ? `spread evenly over ${data.source}` : `all of ${data.source}`;
  return { inputs: [values], count, source: spread };
}

/**
 * The calibration of an int8 run of a float model measured on `data`: the calibration data whole when given, else a
 * spread sample of the data, through the same preprocessing. A model file written for a measured configuration is
 * calibrated by this too, so that its outputs are those measured.
 */
export function evaluationCalibration(
  model: RunnableModel,
  data: DataSet,
  options: Pick<EvaluateOptions, 'preprocessing' | 'calibration' | 'calibrationSamples'>,
): () => Promise<CalibrationSamples> {
  const inputLayer = model.graph.layers.find((l) => l.type === 'Input') as { name: string; shape: number[] };
  const floatInput: IoTensor = { name: inputLayer.name, layer: inputLayer.name, shape: inputLayer.shape, type: 'float32' };
  return () => calibrationFrom(options.calibration ?? data, floatInput, options, model.weights.activations?.[inputLayer.name]);
}

/** The one output measured: the first model output (not a calibration probe). */
function measuredOutput(run: PreparedRun, notes: string[]): IoTensor {
  const outputs = run.built.outputs.filter((o) => !o.probe);
  if (outputs.length > 1) notes.push(`the model has ${outputs.length} outputs; measured on the first, ${outputs[0].layer}`);
  return outputs[0];
}

const floatOutput = (data: Float32Array | Int8Array, io: IoTensor, count: number): Float32Array =>
  fromGraphOutput(data, io, count, false).data as Float32Array;

/** Checks the labels against the task and the output, before anything runs. */
function checkLabels(task: Task, data: DataSet, output: IoTensor): void {
  const labels = data.labels;
  if (!labels) return;
  const classes = sizeOf(output.shape);
  if (task === 'classification') {
    if (!labels.classes) {
      throw new DataError(labels.file, `holds labels of shape (${labels.shape.join(', ')}) that are neither class indices nor one-hot rows; the model output ${output.layer} gives ${classes} class scores`);
    }
    if (labels.oneHot && labels.shape[0] !== classes) {
      throw new DataError(labels.file, `holds one-hot labels of ${labels.shape[0]} classes; the model output ${output.layer} has ${classes} classes`);
    }
    const bad = labels.classes.findIndex((c) => c >= classes);
    if (bad >= 0) {
      throw new DataError(labels.file, `sample ${bad} has class ${labels.classes[bad]}; the model output ${output.layer} has ${classes} classes (0 to ${classes - 1})`);
    }
  } else if (task === 'binary' || task === 'autoencoder') {
    if (labels.shape.length !== 0 || !isBinary(labels.values)) {
      const bad = labels.values.findIndex((v) => v !== 0 && v !== 1);
      throw new DataError(
        labels.file,
        `${task === 'autoencoder' ? 'an autoencoder is scored against labels 0 (normal) and 1 (anomaly)' : 'a one-output binary model is scored against labels 0 and 1'}` +
          (bad >= 0 ? `; sample ${Math.floor(bad / Math.max(1, sizeOf(labels.shape)))} has ${labels.values[bad]}` : `; the labels have shape (${labels.shape.join(', ')}) per sample`),
      );
    }
  } else if (sizeOf(labels.shape) !== classes) {
    throw new DataError(labels.file, `holds ${sizeOf(labels.shape)} target value${sizeOf(labels.shape) === 1 ? '' : 's'} per sample; the model output ${output.layer} gives ${classes}`);
  }
}

export async function evaluateModel(model: RunnableModel, config: RunConfiguration, data: DataSet, options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const inputs = model.graph.layers.filter((l) => l.type === 'Input');
  if (inputs.length !== 1) {
    throw new UsageError(`the model has ${inputs.length} inputs (${inputs.map((l) => l.name).join(', ')}); a data set feeds a model with one input`);
  }
  if (data.count === 0) throw new DataError(data.source, 'holds no samples');
  const stored = (layer: string) => model.weights.activations?.[layer];
  const inputLayer = inputs[0] as { name: string; shape: number[] };
  const floatInput: IoTensor = { name: inputLayer.name, layer: inputLayer.name, shape: inputLayer.shape, type: 'float32' };
  // The data is checked against the input before any calibration or run.
  resolvePreprocessing(data, floatInput, options.preprocessing, stored(inputLayer.name));
  const calibration = evaluationCalibration(model, data, options);

  const run = await prepareRun(model, config, calibration);
  options.onPrepared?.(run);
  const notes = [...run.notes];
  const input = run.built.inputs[0];
  const preprocessing = resolvePreprocessing(data, input, options.preprocessing, stored(input.layer));
  const output = measuredOutput(run, notes);
  const labels = data.labels;
  const task =
    options.task ??
    taskOf(output, input, labels ? { classIndices: labels.classes !== null, binary: labels.shape.length === 0 && isBinary(labels.values) } : undefined);
  checkLabels(task, data, output);

  const reference = options.agreement ? await prepareRun(model, options.agreement === 'fp32' ? { precision: 'fp32' } : {}, calibration) : null;
  const referenceInput = reference?.built.inputs[0];
  const referencePrep = reference && referenceInput ? resolvePreprocessing(data, referenceInput, options.preprocessing, stored(referenceInput.layer)) : null;
  const referenceOutput = reference ? reference.built.outputs.filter((o) => !o.probe)[0] : null;
  if (reference) notes.push(`agreement against the unedited model ${options.agreement === 'fp32' ? 'at fp32' : `as stored (${reference.precision.name})`}`);

  const per = sizeOf(output.shape);
  const classes = per;
  const k = options.topK ?? (classes > 5 ? 5 : 0);
  const classification = task === 'classification' && labels ? new ClassificationAccumulator(classes, k > 1 ? Math.min(k, classes) : 0) : null;
  const scores = task === 'binary' || task === 'autoencoder' ? new ScoreAccumulator() : null;
  const regression = task === 'regression' && labels ? new RegressionAccumulator() : null;
  const agreement = reference ? new AgreementAccumulator(per) : null;
  const labelsPer = labels ? sizeOf(labels.shape) : 0;
  const chunk = Math.max(1, Math.min(options.chunkSamples ?? Math.floor(CHUNK_BYTES / (sizeOf(input.shape) * 4)), MAX_CHUNK_SAMPLES));

  const session = await GraphSession.create(run.built, options.threads ?? 0);
  const referenceSession = reference ? await GraphSession.create(reference.built, options.threads ?? 0) : null;
  const started = performance.now();
  try {
    for (let start = 0; start < data.count; start += chunk) {
      if (options.signal?.aborted) throw new EvaluationCancelled();
      const n = Math.min(chunk, data.count - start);
      const array: NpyArray = await data.read(start, n);
      const [raw] = await session.run([toInputValues(preprocessing, array, data.source)], n);
      const out = floatOutput(raw, output, n);
      if (classification && labels?.classes) classification.add(out, labels.classes.subarray(start, start + n));
      if (scores && task === 'binary') scores.add(out, labels?.values.subarray(start, start + n));
      if (scores && task === 'autoencoder') {
        const errors = sampleErrors(out, fedFloatValues(preprocessing, array, data.source, input), per);
        scores.add(errors, labels?.values.subarray(start, start + n));
      }
      if (regression && labels) regression.add(out, labels.values.subarray(start * labelsPer, (start + n) * labelsPer));
      if (agreement && referenceSession && referencePrep && referenceOutput) {
        const [ref] = await referenceSession.run([toInputValues(referencePrep, array, data.source)], n);
        agreement.add(out, floatOutput(ref, referenceOutput, n));
      }
      options.onProgress?.(start + n, data.count);
    }
  } finally {
    await session.release();
    await referenceSession?.release();
  }
  const seconds = (performance.now() - started) / 1000;

  const metrics: EvaluationMetrics = {};
  if (classification) {
    const r = classification.result();
    metrics.accuracy = r.accuracy;
    if (r.topK) metrics[`top${r.topK.k}`] = r.topK.value;
    metrics.macroF1 = r.macroF1;
    metrics.balancedAccuracy = r.balancedAccuracy;
    metrics.perClassRecall = r.perClassRecall;
  }
  if (scores && task === 'binary' && labels) {
    metrics.accuracy = scores.binaryAccuracy();
    metrics.auc = scores.auc();
  }
  if (scores && task === 'autoencoder') {
    if (labels) metrics.auc = scores.auc();
    metrics.meanError = scores.mean();
  }
  if (regression) Object.assign(metrics, regression.result());

  const channels: Record<string, number> = {};
  for (const layer of run.graph.layers) if (isChannelLayer(layer)) channels[layer.name] = outputChannelsOf(layer);
  return {
    task,
    metrics,
    agreement: agreement?.result() ?? null,
    samples: data.count,
    seconds,
    samplesPerSecond: seconds > 0 ? data.count / seconds : 0,
    precision: run.precision.name,
    channels,
    preprocessing,
    notes,
  };
}
