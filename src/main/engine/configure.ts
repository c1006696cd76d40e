// A configuration made runnable: the model's graph with its channel edits and pruning applied to the real weights,
// then its precision — the file as stored, a float run, or post-training quantization calibrated on samples — and
// the ONNX graph that computes it.
import { parsePrecision, type Precision } from '../../shared/analysis/precision';
import { pruneWeights, selectChannels, type PruneCriterion } from '../../shared/engine/prune';
import { quantizeKernel, quantizeModel } from '../../shared/engine/quantize';
import type { LayerWeights, ModelWeights } from '../../shared/engine/weights';
import { applyChannelEdits, isPruned, type ChannelEdits } from '../../shared/model/edit';
import { deployPlan } from '../../shared/model/deploy';
import { isComputeLayer, ModelError, type ModelGraph } from '../../shared/model/types';
import { buildFloatGraph } from './build/float';
import { buildInt8Graph, type BuiltGraph } from './build/int8';
import { calibrationRanges } from './calibrate';

export interface RunConfiguration extends ChannelEdits {
  /** The precision of the run; the file's own when absent. */
  precision?: string;
  /** Per-layer precisions (by layer name), as analyze takes them. */
  layerPrecisions?: Record<string, string>;
  pruneCriterion?: PruneCriterion;
  /** Recalibrate an int8 file's activations instead of keeping its own scales. */
  recalibrate?: boolean;
}

/** The samples that calibrate an int8 run of a float model when no calibration data is given. */
export const DEFAULT_CALIBRATION_SAMPLES = 256;

export interface CalibrationSamples {
  /** One float array per model input, `count` samples each (Frontier's layout). */
  inputs: Float32Array[];
  count: number;
  /** Where they came from, for messages. */
  source: string;
}

export interface PreparedRun {
  graph: ModelGraph;
  weights: ModelWeights;
  precision: Precision;
  built: BuiltGraph;
  /** What the run does that the user should know (emulation, dequantization, calibration). */
  notes: string[];
}

const isIntegerFormat = (f: string): boolean => f === 'int8' || f === 'int4';

/** Whether the weights are an int8 model as stored: integer kernels and every tensor's scale. */
export const storedInt8 = (weights: ModelWeights): boolean => weights.activations !== undefined && Object.keys(weights.activations).length > 0;

export async function prepareRun(
  source: { graph: ModelGraph; weights: ModelWeights },
  config: RunConfiguration,
  calibration?: () => Promise<CalibrationSamples>,
): Promise<PreparedRun> {
  const notes: string[] = [];
  let { graph: edited } = applyChannelEdits(source.graph, { channels: config.channels, prune: config.prune });
  let weights = source.weights;
  if (isPruned(source.graph, edited) || changedChannels(source.graph, edited)) {
    const kept = selectChannels(source.graph, edited, weights, config.pruneCriterion ?? 'l1');
    weights = pruneWeights(source.graph, edited, weights, kept);
  }
  const stored = source.graph.source?.precision ?? 'fp32';
  const precision = parsePrecision(config.precision ?? (storedInt8(weights) ? 'int8' : floatOf(stored)));
  const layerPrecisions = Object.entries(config.layerPrecisions ?? {}).map(([layer, p]) => [layer, parsePrecision(p)] as const);
  const all = [precision, ...layerPrecisions.map(([, p]) => p)];
  if (all.some((p) => p.activations === 'int4')) {
    throw new ModelError(`${precision.name}: 4-bit activations cannot be run (TFLite Micro has no kernels for them); use int8 activations (int8, w4a8)`);
  }
  const integerActivations = isIntegerFormat(precision.activations);
  if (layerPrecisions.some(([, p]) => isIntegerFormat(p.activations) !== integerActivations)) {
    throw new ModelError('a run with float and integer activations in different layers is not supported yet: give every layer integer activations, or none');
  }
  const weightBitsOf = new Map(layerPrecisions.map(([layer, p]) => [layer, p.weights]));
  const bits = (layer: string): 8 | 4 => ((weightBitsOf.get(layer) ?? precision.weights) === 'int4' ? 4 : 8);

  if (integerActivations) {
    if (storedInt8(weights) && !config.recalibrate) {
      // The file's own scales and zero points; 4-bit layers requantize their weights from the stored ones.
      const layers: Record<string, LayerWeights> = { ...weights.layers };
      for (const layer of edited.layers) {
        if (isComputeLayer(layer) && bits(layer.name) === 4 && layers[layer.name]?.kernel) {
          layers[layer.name] = { ...layers[layer.name], kernel: quantizeKernel(layers[layer.name].kernel!, 4) };
        }
      }
      weights = { ...weights, layers };
    } else {
      if (!calibration) {
        throw new ModelError(
          `an ${precision.name} run of a float model needs calibration samples: give --calibration-data, or data to run (its first 256 samples calibrate)`,
        );
      }
      const samples = await calibration();
      const floatWeights = storedInt8(weights) ? { ...weights, activations: undefined } : weights;
      const ranges = await calibrationRanges(edited, floatWeights, samples.inputs, samples.count);
      weights = quantizeModel(edited, floatWeights, ranges, (layer) => bits(layer.name));
      notes.push(`calibrated on ${samples.count} samples: ${samples.source}`);
    }
    return { graph: edited, weights, precision, built: buildInt8Graph(edited, weights), notes };
  }

  const fp16 = all.some((p) => p.activations === 'fp16' || p.weights === 'fp16');
  if (fp16) notes.push('fp16: weights and every layer output rounded to binary16, arithmetic in float32');
  if (storedInt8(weights) || stored !== 'fp32') notes.push(`${stored} weights dequantized for a ${precision.name} run`);
  const integerWeights = all.some((p) => isIntegerFormat(p.weights));
  if (integerWeights) {
    // Weight-only quantization (e.g. w8a32): the weights take their quantized values, the arithmetic stays float.
    const layers: Record<string, LayerWeights> = { ...weights.layers };
    const plan = deployPlan(edited);
    for (const op of plan.ops) {
      const w = layers[op.layer.name];
      const p = layerPrecisions.find(([l]) => l === op.layer.name)?.[1] ?? precision;
      if (isComputeLayer(op.layer) && w?.kernel && isIntegerFormat(p.weights)) {
        layers[op.layer.name] = { ...w, kernel: quantizeKernel(w.kernel, p.weights === 'int4' ? 4 : 8) };
      }
    }
    weights = { ...weights, layers };
    notes.push('integer weights with float activations: weights quantized per channel, arithmetic in float32');
  }
  return { graph: edited, weights, precision, built: buildFloatGraph(edited, { ...weights, activations: undefined }, { fp16 }), notes };
}

/** A float precision for a file stored otherwise: fp16 files run as fp16, everything else as fp32. */
const floatOf = (stored: string): string => (stored === 'fp16' ? 'fp16' : 'fp32');

function changedChannels(base: ModelGraph, edited: ModelGraph): boolean {
  const before = new Map(base.layers.map((l) => [l.name, l]));
  return edited.layers.some((l) => JSON.stringify(l) !== JSON.stringify(before.get(l.name)));
}
