// What a finished (or stopped) sweep reports: its front, each client's choice, and the figures of each configuration.
import type { LatencyBand } from '../latency/model';
import type { Client, ConfigStatus } from './types';

/** A configuration in words and numbers: every editable layer's channel count, its precision and device. */
export interface ConfigurationSettings {
  channels: Record<string, number>;
  precision: string;
  device: string;
  /** The runtime the device runs under, when the sweep names runtimes (or the profile carries one). */
  runtime?: string;
}

/** One configuration with every figure, as outputs and exports show it. */
export interface ResultEntry extends ConfigurationSettings {
  idx: number;
  status: ConfigStatus;
  accuracy: number | null;
  latencyS: number | null;
  totalBytes: number;
  sramBytes: number;
  params: number;
  paramBytes: number;
  peakActivationBytes: number;
  macs: number;
  flops: number;
  /** The central 80 % band of the true latency, from the error the device's profile earned; null without latency. */
  latencyBand?: LatencyBand | null;
  /**
   * With measured accuracy (docs/sweeps.md): the value measured on the data (null until verified), the predicted
   * one, and the band around the predicted one (± the predictor's leave-one-out error × 1.28, nominally 80 %);
   * `accuracy` is the measured value where there is one. Null for sessions without a measured accuracy model.
   */
  accuracyMeasured?: number | null;
  accuracyPredicted?: number | null;
  accuracyBand?: { low: number; high: number } | null;
}

/** How a sweep's measured accuracy was predicted and how well (see MeasuredModel). */
export interface MeasuredAccuracySummary {
  metric: string;
  /** The predictor chosen: additive, scaled, quadratic or multiplicative. */
  form: string;
  coefficients: number[];
  /** Its leave-one-out error (root mean square, a fraction) over the verified configurations; null without any. */
  looError: number | null;
  /** Half the band's width (a fraction), null without verified configurations. */
  bandHalfWidth: number | null;
  /** Share of verified configurations inside the band predicted without them, against the nominal coverage. */
  coverage: number | null;
  nominalCoverage: number;
  /** Configurations verified (a configuration on several devices counts once). */
  verified: number;
  /** Each predictor's leave-one-out error. */
  candidates: { form: string; looError: number | null }[];
}

export interface ClientOutcome {
  client: Client;
  best: ResultEntry | null;
  nearestMiss: { config: ResultEntry; missBy: Record<string, number>; reason: string } | null;
}

export interface SweepSummary {
  frontierVersion: string;
  schemaVersion: number;
  session: string;
  status: string;
  model: string;
  devices: string[];
  /** Configurations stored. */
  configs: number;
  /** Configurations in the sweep (grid or sample). */
  total: number;
  feasible: number;
  elapsedS: number | null;
  /** The 3-objective front (accuracy ↑, latency ↓, total memory ↓) among feasible configurations. */
  pareto: ResultEntry[];
  /** Client name → best configuration, or null (then see nearestMiss). */
  best: Record<string, ResultEntry | null>;
  nearestMiss: Record<string, ClientOutcome['nearestMiss']>;
  /**
   * Client name → a sentence when the chosen configuration's latency band crosses the client's deadline (the
   * prediction meets it, the band's high end does not), or null when the whole band meets it.
   */
  deadlineRisk?: Record<string, string | null>;
  /** Present when the accuracy was measured on data (`--data`). */
  measuredAccuracy?: MeasuredAccuracySummary;
}

