// The shape of what scripts/fit-runtimes.ts learns from the public data (written to runtimes.generated.ts).
import type { ShapePrior } from './prior';

/** Cycles per unit of int8 work on one core (or board), in TERMS order, and the measurements behind them. */
export interface CycleFit {
  /** conv, depthwise, dense (per MAC), element, op, inference — cycles. */
  cycles: number[];
  /** Built-in board ids (or MLPerf Tiny system names) the figures were fitted on. */
  boards: string[];
  /** One citation per measurement used. */
  sources: string[];
}

export interface RuntimeFit {
  /** `round/submitter/system` of the complete MLPerf Tiny groups of this runtime. */
  groups: string[];
  /** The runtime's shape prior; null when it has no group (the population prior applies). */
  prior: ShapePrior | null;
  /** Built-in board id → cycles fitted on that very board. */
  boards: Record<string, CycleFit>;
  /** Core family → cycles averaged over the boards of that core. */
  cores: Record<string, CycleFit>;
  /** Log standard deviation of measured ÷ predicted for a board predicted without any measurement of its own. */
  zeroShotLogSd: number;
  zeroShotBasis: string;
  /** Log standard deviation of a calibration from three measurements predicting a fourth (public data). */
  calibratedLogSd: number;
  calibratedBasis: string;
  /** Log standard deviation of a calibration from one measurement predicting another model (public data). */
  oneShotLogSd: number;
  /** Other precisions' log rate ratio to int8, fitted where the data has them. */
  precisionOffsets: Record<string, { mean: number; sd: number; source: string }>;
}

export interface FittedData {
  /** What the fit was made from. */
  data: string;
  population: {
    prior: ShapePrior;
    groups: number;
    calibratedLogSd: number;
    calibratedBasis: string;
    oneShotLogSd: number;
  };
  /** The plain single-MAC-rate model calibrated on one model, predicting another: log sd of measured ÷ predicted. */
  plainModelLogSd: number;
  plainModelBasis: string;
  /** Core → log of its cycles relative to a Cortex-M4 for the same runtime and work, with the runtimes it comes from. */
  coreFactors: Record<string, { log: number; runtimes: string[] }>;
  /** Log sd added when a runtime's cycles are moved to another core. */
  transferLogSd: number;
  runtimes: Record<string, RuntimeFit>;
}
