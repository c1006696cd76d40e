// The layered latency model a device profile may carry, and how a profile charges time for each operator.
//
// A profile without `latency` keeps the plain model: 2 × MACs ÷ (throughput × kind efficiency) per MAC-carrying
// layer, plus `overheadS` once (the exam's model, kept exact). A profile with `latency` charges every operator
//   perOpS + Σ rate[kind] × MACs[kind] + rate.element × elements read (MAC-less operators)
// at the rates of the operator's precision, plus `perInferenceS` once. Either way a precision the profile has no
// rate for is unsupported there.
import type { ComputeKind } from '../analysis/computeKind';
import type { DeviceProfile } from '../devices';
import { duration, tidySig } from '../format';
import type { LatencyBand, LatencyBandFactors } from './modelTypes';
import { opSeconds, opWork } from './work';
import { FITTED } from './runtimes.generated';

export type { LatencyBand, LatencyBandFactors, LatencyModel, MeasurementRecord } from './modelTypes';

/** z of the 90th percentile of a normal: a ±1.2816 σ log band holds 80 % of log-normal errors. */
export const BAND_Z = 1.2815515655446004;

/** Band factors for a log-normal error of standard deviation `logSd` around the prediction. */
export function bandFromLogSd(logSd: number, basis: string): LatencyBandFactors {
  return { lowFactor: Math.exp(-BAND_Z * logSd), highFactor: Math.exp(BAND_Z * logSd), basis };
}

/**
 * The band of the plain single-MAC-rate model when nothing better is known (a profile without a latency model):
 * the spread of that model on the MLPerf Tiny data when its rate comes from one measured model — which is how the
 * built-in boards' throughputs were obtained. Computed by scripts/fit-runtimes.ts (see docs/latency.md).
 */
export function plainModelBand(): LatencyBandFactors {
  return bandFromLogSd(FITTED.plainModelLogSd, FITTED.plainModelBasis);
}

/** Whether the profile can run a precision at all. */
export function supportsPrecision(device: DeviceProfile, precision: string): boolean {
  if (device.latency) return Object.hasOwn(device.latency.rates, precision);
  const t = device.throughput[precision];
  return t !== undefined && t > 0;
}

/** Seconds charged once per inference. */
export function inferenceSeconds(device: DeviceProfile): number {
  return device.latency ? device.latency.perInferenceS : device.overheadS;
}

/**
 * Seconds one layer takes on the device at a precision, rounded like every figure Frontier prints (tidySig); 0 for
 * layers that cost nothing (folded, fused, aliases, and under the plain model every MAC-less layer); null when the
 * precision is unsupported there.
 *
 * `isOp` says whether the layer is an operator the runtime invokes (role `op`); `scratchElements` and
 * `outputChannels` split a SeparableConv2D; `inputElements` is what a MAC-less operator reads.
 */
export function layerSeconds(
  device: DeviceProfile,
  precision: string,
  type: string,
  kind: string | undefined,
  isOp: boolean,
  macs: number,
  scratchElements: number,
  outputChannels: number,
  inputElements: number,
): number | null {
  const model = device.latency;
  if (!model) {
    if (macs <= 0) return 0;
    const throughput = device.throughput[precision];
    if (throughput === undefined || throughput <= 0) return null;
    const efficiency = (kind ? device.efficiency[kind as ComputeKind] : undefined) ?? 1;
    return tidySig((2 * macs) / (throughput * efficiency));
  }
  if (!isOp) return 0;
  const rates = model.rates[precision];
  if (rates === undefined) return null;
  return tidySig(opSeconds(rates, model.perOpS, opWork(type, macs, scratchElements, outputChannels, inputElements)));
}

/** The band a profile earned, as factors. */
export function bandFactors(device: DeviceProfile): LatencyBandFactors {
  return device.latency ? device.latency.band : (device.latencyBand ?? plainModelBand());
}

/** The band of a predicted latency on a device, in seconds. */
export function latencyBand(device: DeviceProfile, latencyS: number): LatencyBand {
  const f = bandFactors(device);
  return { low: tidySig(latencyS * f.lowFactor), high: tidySig(latencyS * f.highFactor), basis: f.basis };
}

/** Does the band of a latency cross a deadline (met by the prediction, possibly missed in truth)? */
export function bandCrossesDeadline(band: LatencyBand, deadlineS: number): boolean {
  return band.low <= deadlineS && band.high > deadlineS;
}

/** Seconds in words for messages, as every figure of the app reads them (31.0 ms, 1.204 s): one deadline, one form. */
const words = duration;

/**
 * A sentence when a configuration that meets a deadline by its prediction may miss it in truth: its band's high
 * end lies beyond the deadline. Null when the whole band meets the deadline, or there is no band.
 */
export function deadlineRisk(config: { latencyS: number | null; latencyBand?: LatencyBand | null }, deadlineS: number): string | null {
  const band = config.latencyBand;
  if (config.latencyS === null || !band || !bandCrossesDeadline(band, deadlineS)) return null;
  return (
    `predicted ${words(config.latencyS)} meets the ${words(deadlineS)} deadline, but its band ` +
    `(${words(band.low)}–${words(band.high)}, 80 %) crosses it: measure before relying on it`
  );
}
