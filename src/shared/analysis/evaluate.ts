// Turns precision-independent counts into bytes, latency and fit for one precision and device.
import type { DeviceProfile } from '../devices';
import type { ModelCounts } from './counts';
import { separableMidTensor } from '../model/deploy';
import { arenaPlan, peakActivation, type ArenaPlan, type MemoryLayout, type MemoryModel } from './memory';
import { tidySig } from '../format';
import { inferenceSeconds, layerSeconds } from '../latency/model';
import { inputElementsOf } from '../latency/work';
import { exact } from './exact';
import { isInteger, parsePrecision, tensorBytes, type Precision } from './precision';

/** How biases are stored: at the layer's weight precision (the exam's), or int32 for integer layers (TFLite's). */
export type BiasMode = 'weight' | 'int32';
export const BIAS_MODES: readonly BiasMode[] = ['weight', 'int32'];

export interface EvaluationSettings {
  precision: Precision;
  /** Layer name → precision, overriding the model's. */
  layerPrecisions?: ReadonlyMap<string, Precision>;
  /**
   * Layer name → the precision the file stores it at, where it differs from the file's precision (a float input
   * before a QUANTIZE); given only when analysing at the file's own precision. Applies to inputs too.
   */
  filePrecisions?: ReadonlyMap<string, Precision>;
  memoryModel: MemoryModel;
  biasMode: BiasMode;
  device?: DeviceProfile | null;
  /** Fraction of the device's SRAM kept free (0 by default). */
  headroom: number;
  /** Depthwise convolutions write over their input when it is not needed afterwards (TinyEngine does; TFLM does not). */
  inPlaceDepthwise?: boolean;
  /** Tensor order that breaks ties in the arena plan (a TFLite file's tensor indices). */
  tensorOrder?: readonly string[];
}

export interface LayerFigures {
  precision: string;
  weightBytes: number;
  activationBytes: number;
  /** Seconds on the device, or null without a device or when its precision is unsupported there. */
  latencyS: number | null;
}

export interface DeviceFit {
  id: string;
  sramBytes: number;
  flashBytes: number;
  weightsIn: 'sram' | 'flash';
  /** SRAM the configuration needs: activations + weights kept in SRAM + the runtime's RAM. */
  sramRequiredBytes: number;
  /** SRAM available after the headroom. */
  sramBudgetBytes: number;
  /** Flash the configuration needs: weights kept in flash + the runtime's flash. */
  flashRequiredBytes: number;
  fits: boolean;
  /** Precisions used by MAC-carrying layers that the device has no throughput for. */
  unsupported: string[];
}

export interface Figures {
  params: number;
  paramBytes: number;
  peakActivationBytes: number;
  peakAt: string;
  /** Parameters + peak activation: the model's own inference memory, whatever the device. */
  totalBytes: number;
  macs: number;
  flops: number;
  latencyS: number | null;
  fits: boolean | null;
  device: DeviceFit | null;
  precisionsUsed: string[];
  layers: Map<string, LayerFigures>;
  /** The arena plan, under the `arena` memory model. */
  arena?: ArenaPlan;
}

export function layerPrecision(
  settings: Pick<EvaluationSettings, 'precision' | 'layerPrecisions' | 'filePrecisions'>,
  name: string,
): Precision {
  return settings.layerPrecisions?.get(name) ?? settings.filePrecisions?.get(name) ?? settings.precision;
}

export function evaluate(counts: ModelCounts, settings: EvaluationSettings): Figures {
  const device = settings.device ?? null;
  const layers = new Map<string, LayerFigures>();
  const bytes = new Map<string, number>();
  const used = new Set<string>();
  const unsupported = new Set<string>();
  let paramBytes = 0;
  let latency = device ? inferenceSeconds(device) : 0;

  for (const layer of counts.layers) {
    // A user's per-layer precision applies to operations; the file's own types apply to inputs as well.
    const precision =
      layer.role === 'input' ? (settings.filePrecisions?.get(layer.name) ?? settings.precision) : layerPrecision(settings, layer.name);
    let weightBytes = 0;
    for (const w of layer.weights) {
      weightBytes +=
        w.role === 'bias' && settings.biasMode === 'int32' && isInteger(precision.weights)
          ? 4 * w.count
          : tensorBytes(w.count, precision.weights);
    }
    const activationBytes = exact(tensorBytes(layer.outputElements, precision.activations), 'its activation bytes', layer.name);
    if (layer.outputElements > 0) bytes.set(layer.name, activationBytes);
    paramBytes = exact(paramBytes + exact(weightBytes, 'its weight bytes', layer.name), "the model's parameter bytes up to it", layer.name);
    if (layer.role === 'op' || layer.role === 'input') used.add(precision.name);

    let layerLatency: number | null = device ? 0 : null;
    if (device) {
      const channels = layer.outputShape[layer.outputShape.length - 1] ?? 0;
      const isOp = layer.role === 'op';
      layerLatency = layerSeconds(device, precision.name, layer.type, layer.kind, isOp, layer.macs, layer.scratchElements,
        channels, isOp && layer.macs === 0 ? inputElementsOf(counts, layer) : 0);
      if (layerLatency === null) unsupported.add(precision.name);
      else latency += layerLatency;
    }
    layers.set(layer.name, { precision: precision.name, weightBytes, activationBytes, latencyS: layerLatency });
  }

  const layout = memoryLayout(counts, bytes, settings);
  const peak = peakActivation(layout, settings.memoryModel);
  exact(peak.bytes, 'the peak activation bytes', peak.at);
  const totalBytes = exact(paramBytes + peak.bytes, 'the total bytes (parameters + peak activation)', peak.at);

  let fit: DeviceFit | null = null;
  if (device) {
    const weightsInSram = device.weightsIn === 'sram';
    const sramRequiredBytes = exact(peak.bytes + (weightsInSram ? paramBytes : 0) + device.runtimeRamBytes, 'the SRAM needed', peak.at);
    const flashRequiredBytes = (weightsInSram ? 0 : paramBytes) + device.runtimeFlashBytes;
    const sramBudgetBytes = Math.floor(device.sramBytes * (1 - settings.headroom));
    fit = {
      id: device.id,
      sramBytes: device.sramBytes,
      flashBytes: device.flashBytes,
      weightsIn: device.weightsIn,
      sramRequiredBytes,
      sramBudgetBytes,
      flashRequiredBytes,
      fits: sramRequiredBytes <= sramBudgetBytes && flashRequiredBytes <= device.flashBytes,
      unsupported: [...unsupported],
    };
  }
  return {
    params: counts.params,
    paramBytes,
    peakActivationBytes: peak.bytes,
    peakAt: peak.at,
    totalBytes,
    macs: counts.macs,
    flops: 2 * counts.macs,
    latencyS: device && unsupported.size === 0 ? tidySig(latency) : null,
    fits: fit ? fit.fits : null,
    device: fit,
    precisionsUsed: [...used],
    layers,
    ...(settings.memoryModel === 'arena' ? { arena: arenaPlan(layout) } : {}),
  };
}

/**
 * The tensors of one configuration and the steps that read and write them, for the memory models. `bytes` holds the
 * bytes of every allocating layer; TFLM's extra buffers (RESHAPE copies, separable halves) are sized from it.
 */
function memoryLayout(
  counts: ModelCounts,
  bytes: ReadonlyMap<string, number>,
  settings: Pick<EvaluationSettings, 'precision' | 'layerPrecisions' | 'filePrecisions' | 'inPlaceDepthwise' | 'tensorOrder'>,
): MemoryLayout {
  const scratchBytes = (name: string): number => {
    const scratch = counts.tensors.get(name)?.scratchElements ?? 0;
    return scratch > 0 ? tensorBytes(scratch, layerPrecision(settings, name).activations) : 0;
  };
  const tflmBytes = new Map(bytes);
  for (const layer of counts.layers) {
    if (layer.role === 'alias' && layer.into) tflmBytes.set(layer.name, bytes.get(layer.into) ?? 0);
    if (layer.scratchElements > 0) tflmBytes.set(separableMidTensor(layer.name), scratchBytes(layer.name));
  }
  const depthwise = settings.inPlaceDepthwise
    ? new Set(counts.plan.ops.filter((op) => op.layer.type === 'DepthwiseConv2D').map((op) => op.layer.name))
    : undefined;
  return {
    inputs: counts.plan.inputs.map((l) => l.name),
    steps: counts.plan.ops.map((op) => ({
      output: op.layer.name,
      inputs: op.inputs,
      scratchBytes: scratchBytes(op.layer.name),
    })),
    outputs: counts.plan.outputs,
    bytes: tflmBytes,
    tflm: {
      steps: counts.plan.tflm.steps.map((step) => ({ ...step, scratchBytes: 0 })),
      outputs: counts.plan.tflm.outputs,
      order: settings.tensorOrder,
    },
    inPlace: depthwise,
  };
}

export function precisionMap(entries: Record<string, string> | undefined): Map<string, Precision> {
  return new Map(Object.entries(entries ?? {}).map(([name, p]) => [name, parsePrecision(p)]));
}
