// Turns precision-independent counts into bytes, latency and fit for one precision and device.
import type { DeviceProfile } from '../devices';
import type { ModelCounts } from './counts';
import { peakActivation, type MemoryLayout, type MemoryModel } from './memory';
import { tidySig } from '../format';
import { exact } from './exact';
import { isInteger, parsePrecision, tensorBytes, type Precision } from './precision';

/** How biases are stored: at the layer's weight precision (the exam's), or int32 for integer layers (TFLite's). */
export type BiasMode = 'weight' | 'int32';
export const BIAS_MODES: readonly BiasMode[] = ['weight', 'int32'];

export interface EvaluationSettings {
  precision: Precision;
  /** Layer name → precision, overriding the model's. */
  layerPrecisions?: ReadonlyMap<string, Precision>;
  memoryModel: MemoryModel;
  biasMode: BiasMode;
  device?: DeviceProfile | null;
  /** Fraction of the device's SRAM kept free (0 by default). */
  headroom: number;
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
}

export function layerPrecision(settings: EvaluationSettings, name: string): Precision {
  return settings.layerPrecisions?.get(name) ?? settings.precision;
}

export function evaluate(counts: ModelCounts, settings: EvaluationSettings): Figures {
  const device = settings.device ?? null;
  const layers = new Map<string, LayerFigures>();
  const bytes = new Map<string, number>();
  const used = new Set<string>();
  const unsupported = new Set<string>();
  let paramBytes = 0;
  let latency = device ? device.overheadS : 0;

  for (const layer of counts.layers) {
    const precision = layerPrecision(settings, layer.role === 'input' ? '' : layer.name);
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
    if (device && layer.macs > 0) {
      const throughput = device.throughput[precision.name];
      if (throughput === undefined || throughput <= 0) {
        unsupported.add(precision.name);
        layerLatency = null;
      } else {
        const efficiency = (layer.kind && device.efficiency[layer.kind]) ?? 1;
        layerLatency = tidySig((2 * layer.macs) / (throughput * efficiency));
        latency += layerLatency;
      }
    }
    layers.set(layer.name, { precision: precision.name, weightBytes, activationBytes, latencyS: layerLatency });
  }

  const layout: MemoryLayout = {
    inputs: counts.plan.inputs.map((l) => l.name),
    steps: counts.plan.ops.map((op) => {
      const entry = counts.tensors.get(op.layer.name);
      const scratch = entry?.scratchElements ?? 0;
      return {
        output: op.layer.name,
        inputs: op.inputs,
        scratchBytes: scratch > 0 ? tensorBytes(scratch, layerPrecision(settings, op.layer.name).activations) : 0,
      };
    }),
    outputs: counts.plan.outputs,
    bytes,
  };
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
  };
}

export function precisionMap(entries: Record<string, string> | undefined): Map<string, Precision> {
  return new Map(Object.entries(entries ?? {}).map(([name, p]) => [name, parsePrecision(p)]));
}
