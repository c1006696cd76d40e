// The columns of a session's results as the UI reads them, in either shape the services give: typed arrays
// (ResultColumnsView, NaN = unknown) or JSON arrays (ResultTable, null = unknown). Each reader picks what it needs.
import type { LatencyBandFactors } from '../../../shared/latency/model';
import type { MeasuredAccuracySummary } from '../../../shared/sweep/summary';

export interface ResultColumnsLike {
  session: string;
  count: number;
  idx: ArrayLike<number>;
  status: ArrayLike<number>;
  accuracy: ArrayLike<number | null>;
  latencyS: ArrayLike<number | null>;
  totalBytes: ArrayLike<number>;
  sramBytes: ArrayLike<number>;
  params: ArrayLike<number>;
  macs: ArrayLike<number>;
  /** FRONT_3D | FRONT_LATENCY | FRONT_MEMORY bits. */
  flags: ArrayLike<number>;
  /** Index into `precisions` / `devices`. */
  precision: ArrayLike<number>;
  device: ArrayLike<number>;
  precisions: readonly string[];
  devices: readonly string[];
  /** Per device: the factors of its latency band. */
  deviceBands?: readonly LatencyBandFactors[];
  layers: readonly string[];
  channels: readonly ArrayLike<number>[];
  /** idx → message for configurations that failed analysis. */
  messages: Record<string, string>;
  /** With measured accuracy only: the measured value (NaN / null until verified), the predicted one, the summary. */
  accuracyMeasured?: ArrayLike<number | null>;
  accuracyPredicted?: ArrayLike<number | null>;
  measuredAccuracy?: MeasuredAccuracySummary;
}
