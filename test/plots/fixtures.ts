// A small hand-made ResultTable whose fronts are known by heart.
import type { ResultTable } from '../../src/shared/api';
import { paretoFlags } from '../../src/shared/pareto';

const K = 1024;

/**
 * rows: 0 and 7 are exact duplicates (0.80 @ 50 ms, 100 KiB); 1 = 0.85 @ 100 ms, 200 KiB; 2 = 0.90 @ 400 ms, 400 KiB;
 * 3 = 0.82 @ 200 ms, 150 KiB (dominated on latency by 1, on the memory front); 4 = no-fit; 5 = unsupported;
 * 6 = error. SRAM: 3 needs the least (50 KiB) and dominates 0 and 7 there.
 */
export function tinyTable({ withFlags = true, withAccuracy = true } = {}): ResultTable {
  const accuracy = [0.8, 0.85, 0.9, 0.82, 0.95, 0.9, null, 0.8];
  const latencyS = [0.05, 0.1, 0.4, 0.2, 0.6, null, null, 0.05];
  const totalBytes = [100 * K, 200 * K, 400 * K, 150 * K, 600 * K, 300 * K, 0, 100 * K];
  const sramBytes = [60 * K, 90 * K, 300 * K, 50 * K, 700 * K, 100 * K, 0, 60 * K];
  const status = [0, 0, 0, 0, 1, 2, 3, 0];
  const n = status.length;
  const acc = withAccuracy ? accuracy : accuracy.map(() => null);
  const flags = new Array<number>(n).fill(0);
  if (withFlags) {
    const f = paretoFlags({
      accuracy: Float64Array.from(acc, (a) => a ?? NaN),
      latency: Float64Array.from(latencyS, (l) => l ?? Infinity),
      memory: Float64Array.from(totalBytes),
      feasible: Uint8Array.from(status, (s) => (s === 0 ? 1 : 0)),
    });
    for (let i = 0; i < n; i++) flags[i] = f[i];
  }
  return {
    session: 'tiny',
    count: n,
    idx: [10, 11, 12, 13, 14, 15, 16, 17],
    status,
    accuracy: acc,
    latencyS,
    totalBytes,
    sramBytes,
    params: [1000, 2000, 4000, 1500, 6000, 3000, 0, 1000],
    macs: [1e6, 2e6, 8e6, 3e6, 12e6, 6e6, 0, 1e6],
    flags,
    // int8, int8, fp32, int8, fp32, fp16, fp32, w4a8
    precision: [2, 2, 0, 2, 0, 1, 0, 3],
    device: [0, 0, 0, 0, 0, 0, 0, 0],
    precisions: ['fp32', 'fp16', 'int8', 'w4a8'],
    devices: ['exam-mcu'],
    layers: ['conv1', 'conv2'],
    channels: [
      [8, 16, 32, 8, 32, 16, 8, 8],
      [8, 32, 32, 16, 64, 32, 8, 8],
    ],
    messages: { '15': 'fp16 is not supported on exam-mcu', '16': 'analysis failed' },
  };
}
