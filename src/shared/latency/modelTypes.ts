// The data of the layered latency model a device profile may carry (its code is in model.ts). Device profiles
// (devices.ts) hold these types, and the model reads profiles: the types sit here so that neither imports the other.
import type { PrecisionRates } from './work';

/**
 * The spread of measured ÷ predicted latency a profile earned, as a central 80 % interval: the truth lies in
 * [predicted × lowFactor, predicted × highFactor] four times out of five.
 */
export interface LatencyBandFactors {
  lowFactor: number;
  highFactor: number;
  /** Where the spread comes from, in words (leave-one-out of a calibration, cross-validation on public data…). */
  basis: string;
}

/** A predicted latency's band in seconds. */
export interface LatencyBand {
  low: number;
  high: number;
  basis: string;
}

export interface LatencyModel {
  /** Precision name → seconds per unit of work. A precision missing here is unsupported. */
  rates: Record<string, PrecisionRates>;
  /** Seconds per operator invocation (dispatch, requantisation set-up, loop entry). */
  perOpS: number;
  /** Seconds per inference (invoke overhead, input/output copies). */
  perInferenceS: number;
  band: LatencyBandFactors;
  /** How the figures were obtained: fitted to measurements, transferred from another board, estimated. */
  basis: string;
  /** For a calibrated model: the measurements it was fitted to (its source). */
  measurements?: MeasurementRecord[];
}

export interface MeasurementRecord {
  model: string;
  channels?: Record<string, number>;
  prune?: Record<string, number>;
  precision: string;
  latencyS: number;
}
