// The physical ranges a device or runtime figure must lie in. A figure outside them is a typing slip or a hostile
// file, never a board: left in, it turns into latencies of 1e300 s, "Infinity" in a CSV, or memory budgets beyond
// what a double counts exactly. Every reader names the field and the range it broke.

/** Memory of any kind (SRAM, flash, a runtime's RAM): at most 1 TiB, far below 2^53 bytes. */
export const MAX_DEVICE_BYTES = 2 ** 40;
/**
 * Operations per second: from 1 (a placeholder a board file for calibration may give; any real chip is a million
 * times faster) to 10^18 (an exa-op machine). Latencies then stay finite for every count Frontier takes (≤ 2^53).
 */
export const MIN_OPS_PER_S = 1;
export const MAX_OPS_PER_S = 1e18;
/** Clock frequency in hertz: 1 kHz to 1 THz. */
export const MIN_CLOCK_HZ = 1e3;
export const MAX_CLOCK_HZ = 1e12;
/** Seconds per MAC or per element in a layered latency model: 10^-15 (a peta-op machine) to 1 s. */
export const MIN_SECONDS_PER_OP = 1e-15;
export const MAX_SECONDS_PER_OP = 1;
/** Any duration (overhead, per-operator and per-inference time, a measured latency): at most a day, as deadlines. */
export const MAX_TIME_S = 86_400;
/** A measured latency: at least a nanosecond (no inference is quicker; below, a fit's rates leave every range). */
export const MIN_MEASURED_S = 1e-9;
/** A latency band's factors: the truth within ×0.001 to ×1000 of the prediction. */
export const MIN_BAND_FACTOR = 1e-3;
export const MAX_BAND_FACTOR = 1e3;

/** A number as a message shows a bound: 1,099,511,627,776, 86,400, 1e18 or 1e-15. */
export function showBound(value: number): string {
  if (value !== 0 && (Math.abs(value) >= 1e15 || Math.abs(value) < 1e-3)) return value.toExponential().replace('e+', 'e');
  return value.toLocaleString('en-US', { maximumSignificantDigits: 15 });
}
