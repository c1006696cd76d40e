// Pareto fronts of a sweep, computed on columns: accuracy ↑, latency ↓, memory ↓.
//
// Written for a million points: no comparator callbacks, no per-point objects, as few random memory accesses as
// possible (on a small machine one random gather over 1M points costs more than a sequential pass over all of
// them). Points are ordered by (accuracy desc, latency asc) with two stable LSD radix sorts on order-preserving
// bit patterns of the doubles, over interleaved 32-byte records that carry the index, the other key and the memory
// along, so nothing has to be gathered at random between the stages. Dense latency ranks fall out of the first
// sort. The 3-D front is then one sweep over that order with a Fenwick tree holding, per latency rank, the least
// memory among strictly more accurate points; points of equal accuracy are settled among themselves with a 2-D
// staircase check. O(n log n) (the sorts are linear, the tree logarithmic), exact for ties and duplicates.
// Measured: about 0.3–0.45 s for 1M random points in Node 20 on a small shared 2-core machine (0.55–0.7 s cold).
import type { ConfigResult } from './sweep/types';
import { FRONT_3D, FRONT_LATENCY, FRONT_MEMORY } from './sweep/types';

export { FRONT_3D, FRONT_LATENCY, FRONT_MEMORY };

/** n points as columns. */
export interface ParetoColumns {
  /** Higher is better. NaN = unknown: ranks below every known accuracy; when all are NaN they are all equal. */
  accuracy: Float64Array;
  /** Seconds, lower is better. Points with a non-finite latency take no part. */
  latency: Float64Array;
  /** Bytes, lower is better. Points with a NaN memory take no part. */
  memory: Float64Array;
  /** 1 = feasible (takes part); anything else = left out (flags 0). */
  feasible: Uint8Array;
}

/** Word offsets of the low and high halves of a double seen as two uint32s (platform byte order). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

/** Scratch view for reading a double's two 32-bit words. */
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * Writes an order-preserving 64-bit key of `v` into rec[j] (high word) and rec[j + 1] (low word): ascending key =
 * ascending value, or descending value when `descending`. NaN must be replaced before; -0 and +0 get the same key.
 */
function putKey(rec: Uint32Array, j: number, v: number, descending: boolean): void {
  F64[0] = v + 0; // + 0 turns -0 into +0
  let h = U32[HI];
  let l = U32[LO];
  if (h & 0x80000000) {
    h = ~h;
    l = ~l;
  } else {
    h |= 0x80000000;
  }
  if (descending) {
    h = ~h;
    l = ~l;
  }
  rec[j] = h;
  rec[j + 1] = l;
}

const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;
const DIGIT_MASK = BUCKETS - 1;
/** Words per record: [key hi, key lo, then 6 words of payload]; 32 bytes, so a record never straddles a cache line. */
const STRIDE = 8;

/**
 * Stable LSD radix sort of records (STRIDE uint32s each) by their 64-bit key (word 0 high, word 1 low), ascending.
 * Six passes of 11-bit digits at most; a pass whose digit is the same for every key is skipped. Records are
 * interleaved with their payload, so each scattered record is one contiguous write, and whatever the caller needs
 * afterwards travels with the key instead of being gathered at random later. Returns the sorted array (the input
 * or its scratch twin).
 */
function radixSort(rec: Uint32Array): Uint32Array {
  const size = rec.length;
  const m = size / STRIDE;
  const hist = new Uint32Array(6 * BUCKETS);
  for (let j = 0; j < size; j += STRIDE) {
    const h = rec[j];
    const l = rec[j + 1];
    hist[l & DIGIT_MASK]++;
    hist[BUCKETS + ((l >>> 11) & DIGIT_MASK)]++;
    hist[2 * BUCKETS + (l >>> 22)]++;
    hist[3 * BUCKETS + (h & DIGIT_MASK)]++;
    hist[4 * BUCKETS + ((h >>> 11) & DIGIT_MASK)]++;
    hist[5 * BUCKETS + (h >>> 22)]++;
  }
  let src = rec;
  let dst: Uint32Array = new Uint32Array(size);
  const offsets = new Uint32Array(BUCKETS);
  for (let pass = 0; pass < 6; pass++) {
    const base = pass * BUCKETS;
    let trivial = false;
    let sum = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const c = hist[base + d];
      if (c === m) trivial = true;
      offsets[d] = sum;
      sum += c;
    }
    if (trivial) continue;
    const word = pass < 3 ? 1 : 0;
    const shift = (pass % 3) * 11;
    for (let j = 0; j < size; j += STRIDE) {
      const at = STRIDE * offsets[(src[j + word] >>> shift) & DIGIT_MASK]++;
      dst[at] = src[j];
      dst[at + 1] = src[j + 1];
      dst[at + 2] = src[j + 2];
      dst[at + 3] = src[j + 3];
      dst[at + 4] = src[j + 4];
      dst[at + 5] = src[j + 5];
      dst[at + 6] = src[j + 6];
      dst[at + 7] = src[j + 7];
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/**
 * Pareto membership of every point: FRONT_3D (accuracy ↑, latency ↓, memory ↓), FRONT_LATENCY (accuracy ↑,
 * latency ↓) and FRONT_MEMORY (accuracy ↑, memory ↓). q dominates p when q is no worse in every objective of that
 * front and strictly better in at least one; exact duplicates therefore do not dominate each other and are all kept.
 * Points that take no part (infeasible, non-finite latency, NaN memory) get 0.
 */
export function paretoFlags(points: ParetoColumns): Uint8Array {
  const { accuracy, latency, memory, feasible } = points;
  const n = feasible.length;
  if (accuracy.length !== n || latency.length !== n || memory.length !== n) {
    throw new Error(`paretoFlags: columns differ in length (${accuracy.length}, ${latency.length}, ${memory.length}, ${n})`);
  }
  const flags = new Uint8Array(n);

  let m = 0;
  for (let i = 0; i < n; i++) {
    const l = latency[i];
    if (feasible[i] === 1 && l - l === 0 && memory[i] === memory[i]) m++;
  }
  if (m === 0) return flags;

  // 1. Records in index order (sequential reads): [latency key, id, accuracy key, memory bits], sorted by latency.
  //    Accuracy NaN sorts as -Infinity, i.e. last.
  const rec = new Uint32Array(STRIDE * m);
  for (let i = 0, j = 0; i < n; i++) {
    const l = latency[i];
    const mi = memory[i];
    if (feasible[i] === 1 && l - l === 0 && mi === mi) {
      putKey(rec, j, l, false);
      rec[j + 2] = i;
      const a = accuracy[i];
      putKey(rec, j + 3, a !== a ? -Infinity : a, true);
      F64[0] = mi;
      rec[j + 5] = U32[0];
      rec[j + 6] = U32[1];
      j += STRIDE;
    }
  }
  const byLatency = radixSort(rec);

  // 2. Dense latency ranks (0 = fastest), then re-key by accuracy descending: [accuracy key, id, rank, memory bits].
  //    The sort is stable, so the order becomes (accuracy desc, latency asc).
  let nl = 0;
  for (let j = 0; j < STRIDE * m; j += STRIDE) {
    const h = byLatency[j];
    const l = byLatency[j + 1];
    if (j > 0 && (h !== byLatency[j - STRIDE + 4] || l !== byLatency[j - STRIDE + 7])) nl++;
    byLatency[j] = byLatency[j + 3];
    byLatency[j + 1] = byLatency[j + 4];
    byLatency[j + 3] = nl;
    // Keep the old key in words 4 and 7 for the comparison of the next record.
    byLatency[j + 4] = h;
    byLatency[j + 7] = l;
  }
  nl++;
  const sorted = radixSort(byLatency);

  // 3. Unpack into plain columns for the sweep.
  const accHi = new Uint32Array(m);
  const accLo = new Uint32Array(m);
  const id = new Uint32Array(m);
  const rl = new Uint32Array(m);
  const mem = new Float64Array(m);
  for (let k = 0, j = 0; k < m; k++, j += STRIDE) {
    accHi[k] = sorted[j];
    accLo[k] = sorted[j + 1];
    id[k] = sorted[j + 2];
    rl[k] = sorted[j + 3];
    U32[0] = sorted[j + 5];
    U32[1] = sorted[j + 6];
    mem[k] = F64[0];
  }

  // Fenwick tree over latency ranks (1-based): prefix minimum of the memory of strictly more accurate points, and
  // the latency rank of the point holding it (to try that point first next time: most points are dominated by a
  // few, and a check against one point is cheaper than a walk down the tree). NaN = none yet (memory may be
  // Infinity, so Infinity cannot mean "none"); comparisons are written so that NaN never dominates.
  const fen = new Float64Array(nl + 1).fill(NaN);
  const fenRank = new Uint32Array(nl + 1);
  let lastRank = -1; // a dominator from a strictly more accurate group: its latency rank and memory
  let lastMemory = NaN;
  let bestRank = nl; // least latency rank among strictly more accurate points (nl = none)
  let bestMemory = NaN; // least memory among strictly more accurate points (NaN = none)

  let s = 0;
  while (s < m) {
    const gh = accHi[s];
    const gl = accLo[s];
    let e = s + 1;
    while (e < m && accHi[e] === gh && accLo[e] === gl) e++;

    // Group [s, e): equal accuracy, latency ascending.
    const groupMinRank = rl[s];
    let groupMinMemory = mem[s];
    for (let k = s + 1; k < e; k++) if (mem[k] < groupMinMemory) groupMinMemory = mem[k];

    // Inside the group p is dominated iff some q has (rl_q < rl_p and mem_q ≤ mem_p) or (rl_q = rl_p and mem_q < mem_p).
    let minMemoryBefore = NaN; // least memory among group points of a strictly smaller latency rank (NaN = none)
    let k = s;
    while (k < e) {
      const r = rl[k];
      let t = k + 1;
      let subMin = mem[k];
      while (t < e && rl[t] === r) {
        if (mem[t] < subMin) subMin = mem[t];
        t++;
      }
      for (let j = k; j < t; j++) {
        const mj = mem[j];
        let f = 0;
        if (r === groupMinRank && r < bestRank) f |= FRONT_LATENCY;
        if (mj === groupMinMemory && !(bestMemory <= mj)) f |= FRONT_MEMORY;
        if (mj === subMin && !(minMemoryBefore <= mj)) {
          // Not dominated inside the group; now against strictly more accurate points.
          let dominated = lastRank >= 0 && lastRank <= r && lastMemory <= mj;
          if (!dominated) {
            for (let x = r + 1; x > 0; x -= x & -x) {
              if (fen[x] <= mj) {
                dominated = true;
                lastRank = fenRank[x];
                lastMemory = fen[x];
                break;
              }
            }
          }
          if (!dominated) f |= FRONT_3D;
        }
        flags[id[j]] = f;
      }
      if (!(minMemoryBefore <= subMin)) minMemoryBefore = subMin;
      k = t;
    }

    // Insert the group's 3-D front points (dominated ones are covered by the points that dominate them).
    for (let j = s; j < e; j++) {
      if (flags[id[j]] & FRONT_3D) {
        const mj = mem[j];
        const r = rl[j];
        for (let x = r + 1; x <= nl; x += x & -x) {
          // A parent's range contains its child's, so once a node holds ≤ mj, so do all above it.
          if (!(fen[x] <= mj)) {
            fen[x] = mj;
            fenRank[x] = r;
          } else break;
        }
      }
    }
    if (groupMinRank < bestRank) bestRank = groupMinRank;
    if (!(bestMemory <= groupMinMemory)) bestMemory = groupMinMemory;
    s = e;
  }
  return flags;
}

/** Indices whose flags carry `bit`, ascending. */
export function frontIndices(flags: Uint8Array, bit: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < flags.length; i++) if (flags[i] & bit) out.push(i);
  return out;
}

/** Which memory figure of a result stands for its memory objective. */
export type MemoryObjective = 'totalBytes' | 'sramBytes';

/**
 * Columns for `paretoFlags` from stored results: feasible = status `ok`; a null accuracy becomes NaN, a null
 * latency NaN (so the point takes no part).
 */
export function paretoColumns(results: readonly ConfigResult[], memoryObjective: MemoryObjective = 'totalBytes'): ParetoColumns {
  const n = results.length;
  const cols: ParetoColumns = {
    accuracy: new Float64Array(n),
    latency: new Float64Array(n),
    memory: new Float64Array(n),
    feasible: new Uint8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = results[i];
    cols.accuracy[i] = r.accuracy ?? NaN;
    cols.latency[i] = r.latencyS ?? NaN;
    cols.memory[i] = r[memoryObjective];
    cols.feasible[i] = r.status === 'ok' ? 1 : 0;
  }
  return cols;
}

// ---------------------------------------------------------------------------------------------------------------
// Hypervolume

export interface ObjectivePoint {
  /** null or NaN = unknown; see `hypervolume`. */
  accuracy: number | null;
  latency: number;
  memory: number;
}

export type Range = readonly [min: number, max: number];

export interface ObjectiveBounds {
  accuracy: Range;
  latency: Range;
  memory: Range;
}

/**
 * Normalise one figure to [0, 1] with 1 = best. A degenerate range (max ≤ min or not finite) and an unknown value
 * give 1: the axis does not tell points apart, so it adds nothing to the volume. Values outside the range clamp.
 */
function normalise(v: number | null, [min, max]: Range, higherIsBetter: boolean): number {
  if (v === null || v !== v || !(max > min) || !Number.isFinite(min) || !Number.isFinite(max)) return 1;
  const x = higherIsBetter ? (v - min) / (max - min) : (max - v) / (max - min);
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Bounds (min, max per objective) over the given points; accuracy [NaN, NaN] when no point has one. */
export function objectiveBounds(points: readonly ObjectivePoint[]): ObjectiveBounds {
  let a0 = Infinity;
  let a1 = -Infinity;
  let l0 = Infinity;
  let l1 = -Infinity;
  let m0 = Infinity;
  let m1 = -Infinity;
  for (const p of points) {
    if (p.accuracy !== null && p.accuracy === p.accuracy) {
      if (p.accuracy < a0) a0 = p.accuracy;
      if (p.accuracy > a1) a1 = p.accuracy;
    }
    if (p.latency < l0) l0 = p.latency;
    if (p.latency > l1) l1 = p.latency;
    if (p.memory < m0) m0 = p.memory;
    if (p.memory > m1) m1 = p.memory;
  }
  return {
    accuracy: a0 <= a1 ? [a0, a1] : [NaN, NaN],
    latency: l0 <= l1 ? [l0, l1] : [NaN, NaN],
    memory: m0 <= m1 ? [m0, m1] : [NaN, NaN],
  };
}

/** Area dominated by (y, z) points in [0, 1]², reference at the origin. `ys`/`zs` are reused scratch. */
function staircaseArea(ys: number[], zs: number[]): number {
  // ys ascending, zs strictly descending (a non-dominated staircase).
  let area = 0;
  let prev = 0;
  for (let k = 0; k < ys.length; k++) {
    area += (ys[k] - prev) * zs[k];
    prev = ys[k];
  }
  return area;
}

/** Insert (y, z) into a staircase kept with ys ascending and zs descending; false if dominated (no change). */
function staircaseInsert(ys: number[], zs: number[], y: number, z: number): boolean {
  // First position with ys[k] >= y.
  let lo = 0;
  let hi = ys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ys[mid] < y) lo = mid + 1;
    else hi = mid;
  }
  // Points at k.. have y' ≥ y; the one with the largest z among them is ys[lo] (zs descending).
  if (lo < ys.length && zs[lo] >= z) return false;
  // Remove points with y' ≤ y and z' ≤ z: they sit just before lo (and at lo when y' = y).
  let end = lo;
  if (end < ys.length && ys[end] === y) end++; // zs[end] < z here, dominated
  let start = lo;
  while (start > 0 && zs[start - 1] <= z) start--;
  ys.splice(start, end - start, y);
  zs.splice(start, end - start, z);
  return true;
}

/**
 * Volume dominated by the points in the normalised unit cube, reference = the worst corner (the origin).
 * Accuracy normalises to (a − min)/(max − min), latency and memory to (max − v)/(max − min), so 1 = best on every
 * axis and a single point at the best corner gives 1. Degenerate ranges and unknown accuracies normalise to 1 (that
 * axis then contributes a factor 1, i.e. the volume is the area of the other two). Exact: slices along accuracy with
 * an incremental 2-D staircase; O(k²) in the number of points k, fine for fronts of a few thousand.
 */
export function hypervolume(points: readonly ObjectivePoint[], bounds: ObjectiveBounds): number {
  const k = points.length;
  if (k === 0) return 0;
  const x = new Float64Array(k);
  const y = new Float64Array(k);
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const p = points[i];
    x[i] = normalise(p.accuracy, bounds.accuracy, true);
    y[i] = normalise(p.latency, bounds.latency, false);
    z[i] = normalise(p.memory, bounds.memory, false);
  }
  const order = Array.from({ length: k }, (_, i) => i).sort((i, j) => x[j] - x[i]);
  const ys: number[] = [];
  const zs: number[] = [];
  let volume = 0;
  let area = 0;
  for (let s = 0; s < k; ) {
    const level = x[order[s]];
    let changed = false;
    let e = s;
    while (e < k && x[order[e]] === level) {
      if (staircaseInsert(ys, zs, y[order[e]], z[order[e]])) changed = true;
      e++;
    }
    if (changed) area = staircaseArea(ys, zs);
    const next = e < k ? x[order[e]] : 0;
    volume += (level - next) * area;
    s = e;
  }
  return volume;
}

/** Area dominated by an accuracy–latency or accuracy–memory front in the normalised unit square. */
export function hypervolume2d(
  points: readonly ObjectivePoint[],
  bounds: ObjectiveBounds,
  second: 'latency' | 'memory',
): number {
  const flat: ObjectiveBounds = { ...bounds, [second === 'latency' ? 'memory' : 'latency']: [NaN, NaN] };
  return hypervolume(points, flat);
}
