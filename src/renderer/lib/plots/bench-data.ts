// A realistic ResultTable of any size, seeded, for plot benchmarks and tests: a 4-layer CNN swept over channel
// counts, precisions and two devices, with the figures a sweep stores (no-fit where SRAM runs out, unsupported
// precisions, a few errors) and the fronts computed by the same code the services use.
import type { ResultTable } from '../../../shared/api';
import { paretoFlags } from '../../../shared/pareto';
import { mulberry32 } from '../../../shared/sweep/space';

export { mulberry32 };

const LAYERS = ['conv1', 'conv2', 'conv3', 'dense1'];
const MAX_CHANNELS = [32, 64, 128, 256];
const PRECISIONS = ['fp32', 'fp16', 'int8', 'int4', 'w4a8'];
const BYTES_PER_WEIGHT = [4, 2, 1, 0.5, 0.5];
const BYTES_PER_ACTIVATION = [4, 2, 1, 0.5, 1];
const ACCURACY_PENALTY = [0, 0.002, 0.012, 0.045, 0.03];
const DEVICES = ['exam-mcu', 'stm32f746'];
const SRAM = [520 * 1024, 320 * 1024];
/** Operations per second per device and precision; 0 = unsupported there. */
const THROUGHPUT = [
  [10e6, 0, 80e6, 60e6, 70e6],
  [60e6, 40e6, 220e6, 180e6, 200e6],
];

/**
 * n configurations of a seeded random sweep. `idx` rises with gaps (a random sample of a larger grid), statuses are
 * ok / no-fit / unsupported / error as a sweep stores them, and `flags` carry the three fronts.
 */
export function syntheticTable(n: number, seed = 1): ResultTable {
  const rand = mulberry32(seed);
  const idx = new Array<number>(n);
  const status = new Array<number>(n);
  const accuracy = new Array<number | null>(n);
  const latencyS = new Array<number | null>(n);
  const totalBytes = new Array<number>(n);
  const sramBytes = new Array<number>(n);
  const params = new Array<number>(n);
  const macs = new Array<number>(n);
  const precision = new Array<number>(n);
  const device = new Array<number>(n);
  const channels = LAYERS.map(() => new Array<number>(n));
  const messages: Record<string, string> = {};

  let next = 0;
  for (let i = 0; i < n; i++) {
    next += 1 + Math.floor(rand() * 3);
    idx[i] = next;
    // Channels: multiples of 4 (conv) or 8 (dense), at least a quarter of the original.
    const ch = MAX_CHANNELS.map((max, l) => {
      const stepSize = l === 3 ? 8 : 4;
      const lo = Math.max(stepSize, Math.floor(max / 4 / stepSize) * stepSize);
      return lo + stepSize * Math.floor(rand() * ((max - lo) / stepSize + 1));
    });
    for (let l = 0; l < LAYERS.length; l++) channels[l][i] = ch[l];
    const p = Math.floor(rand() * PRECISIONS.length);
    const d = Math.floor(rand() * DEVICES.length);
    precision[i] = p;
    device[i] = d;

    // A 64×64×1 input, 3×3 convolutions with 2×2 pooling after each, then dense → 10 classes.
    const side = [64, 32, 16];
    let prev = 1;
    let w = 0;
    let m = 0;
    let peak = 64 * 64;
    for (let l = 0; l < 3; l++) {
      const k = 9 * prev * ch[l] + ch[l];
      w += k;
      m += 9 * prev * ch[l] * side[l] * side[l];
      peak = Math.max(peak, side[l] * side[l] * (prev + ch[l]));
      prev = ch[l];
    }
    const flat = 8 * 8 * prev;
    w += flat * ch[3] + ch[3] + ch[3] * 10 + 10;
    m += flat * ch[3] + ch[3] * 10;
    params[i] = w;
    macs[i] = m;
    const paramBytes = Math.ceil(w * BYTES_PER_WEIGHT[p]);
    const activationBytes = Math.ceil(peak * BYTES_PER_ACTIVATION[p]);
    totalBytes[i] = paramBytes + activationBytes;
    sramBytes[i] = d === 0 ? paramBytes + activationBytes : activationBytes + 48 * 1024;

    const ops = THROUGHPUT[d][p];
    const shrink = ch.reduce((s, c, l) => s + Math.log2(MAX_CHANNELS[l] / c), 0) / LAYERS.length;
    const noise = (rand() - 0.5) * 0.01;
    const acc = Math.max(0.1, Math.min(0.99, 0.93 - ACCURACY_PENALTY[p] - 0.035 * shrink * shrink + noise));
    if (rand() < 0.001) {
      status[i] = 3;
      accuracy[i] = null;
      latencyS[i] = null;
      messages[String(next)] = 'analysis failed: synthetic error';
    } else if (ops === 0) {
      status[i] = 2;
      accuracy[i] = acc;
      latencyS[i] = null;
      messages[String(next)] = `${PRECISIONS[p]} is not supported on ${DEVICES[d]}`;
    } else {
      latencyS[i] = (2 * m) / ops + 0.002;
      accuracy[i] = acc;
      status[i] = sramBytes[i] > SRAM[d] ? 1 : 0;
    }
  }

  const feasible = new Uint8Array(n);
  const acc = new Float64Array(n);
  const lat = new Float64Array(n);
  const mem = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    feasible[i] = status[i] === 0 ? 1 : 0;
    acc[i] = accuracy[i] ?? NaN;
    lat[i] = latencyS[i] ?? Infinity;
    mem[i] = totalBytes[i];
  }
  const flags = Array.from(paretoFlags({ accuracy: acc, latency: lat, memory: mem, feasible }));

  return {
    session: `synthetic-${n}-${seed}`,
    count: n,
    idx,
    status,
    accuracy,
    latencyS,
    totalBytes,
    sramBytes,
    params,
    macs,
    flags,
    precision,
    device,
    precisions: PRECISIONS.slice(),
    devices: DEVICES.slice(),
    layers: LAYERS.slice(),
    channels,
    messages,
  };
}

/** The SRAM of the synthetic devices, for limits in benchmarks. */
export const SYNTHETIC_LIMITS = DEVICES.map((id, d) => ({ label: `SRAM ${id}`, bytes: SRAM[d], kind: 'sram' as const, device: id }));
