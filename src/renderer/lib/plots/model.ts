// Plot data of one Pareto plot (accuracy against latency or memory) from a session's ResultTable. Pure: no DOM,
// typed arrays only, the same table and options always give the same arrays.
//
// Rows keep the table's order (row r = table entry r; `table.idx[r]` is the configuration). Each row gets a
// category (front, dominated, no-fit, excluded), a colour index (its precision's family) and a position in data
// units; `order` lists the drawable rows grouped into style batches, in drawing order (no-fit underneath, then
// dominated, the front on top), so a renderer sets a style once per batch.
import { FRONT_LATENCY, FRONT_MEMORY, paretoFlags } from '../../../shared/pareto';
import type { ResultColumnsLike } from '../results/columns';

/** The columns a plot reads (see ResultColumnsLike). */
export type PlotTable = Pick<
  ResultColumnsLike,
  'count'
  | 'idx'
  | 'status'
  | 'accuracy'
  | 'latencyS'
  | 'totalBytes'
  | 'sramBytes'
  | 'flags'
  | 'precision'
  | 'precisions'
> &
  /** Device per row and the device names: with several devices each gets its own marker. */
  Partial<Pick<ResultColumnsLike, 'device' | 'devices'>>;

/** Point shapes, one per device (board + runtime) when a session has several; colour stays the precision's. */
export const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'cross', 'down', 'x'] as const;
export type Marker = (typeof MARKERS)[number];

const PLUS: readonly (readonly [number, number])[] = [
  [-0.45, -1.25], [0.45, -1.25], [0.45, -0.45], [1.25, -0.45], [1.25, 0.45], [0.45, 0.45],
  [0.45, 1.25], [-0.45, 1.25], [-0.45, 0.45], [-1.25, 0.45], [-1.25, -0.45], [-0.45, -0.45],
];
const rotate45 = ([x, y]: readonly [number, number]): [number, number] => [(x - y) * Math.SQRT1_2, (x + y) * Math.SQRT1_2];

/** Each marker but the circle as a polygon, in units of the point's radius (the canvas and the legend draw these). */
export const MARKER_POLYGONS: Partial<Record<Marker, readonly (readonly [number, number])[]>> = {
  square: [[-0.9, -0.9], [0.9, -0.9], [0.9, 0.9], [-0.9, 0.9]],
  triangle: [[0, -1.25], [1.15, 0.8], [-1.15, 0.8]],
  diamond: [[0, -1.3], [1.3, 0], [0, 1.3], [-1.3, 0]],
  cross: PLUS,
  down: [[0, 1.25], [1.15, -0.8], [-1.15, -0.8]],
  x: PLUS.map(rotate45),
};

export type XObjective = 'latency' | 'memory';
/** Which memory figure the memory plot uses: parameters + peak activations, or what the device's SRAM must hold. */
export type MemoryColumn = 'total' | 'sram';

/** Categories, also the drawing order from the top: the front is drawn last. */
export const FRONT = 0;
export const DOMINATED = 1;
export const INFEASIBLE = 2;
/** Unsupported, error, or no position on this plot (no latency): not drawn. */
export const EXCLUDED = 3;
export type Category = typeof FRONT | typeof DOMINATED | typeof INFEASIBLE | typeof EXCLUDED;
export const CATEGORY_NAMES = ['front', 'dominated', 'no-fit', 'excluded'] as const;

/** Status codes of ResultTable.status. */
export const STATUS_OK = 0;
export const STATUS_NO_FIT = 1;

/** Colour families of precisions; the palette has one colour per key. */
export const PRECISION_KEYS = ['fp32', 'fp16', 'int8', 'int4', 'mixed'] as const;
export type PrecisionKey = (typeof PRECISION_KEYS)[number];

/** fp32, fp16, int8 and int4 are themselves; wXaY with X = Y is intY's family; other wXaY (and anything else) are mixed. */
export function precisionKey(name: string): PrecisionKey {
  const p = name.toLowerCase();
  if (p === 'fp32' || p === 'fp16' || p === 'int8' || p === 'int4') return p;
  const m = /^w(\d+)a(\d+)$/.exec(p);
  if (m && m[1] === m[2] && (m[1] === '8' || m[1] === '4')) return `int${m[1]}` as PrecisionKey;
  return 'mixed';
}

export interface PlotOptions {
  x: XObjective;
  /** Memory plot only: which column (default total). */
  memory?: MemoryColumn;
  /** Log x: true, false, or 'auto' (default): when the data's x range spans more than two decades. */
  log?: boolean | 'auto';
  /** x values worth showing (deadlines, memory limits): the domain grows to include those within `reach`. */
  include?: readonly number[];
  /** How far beyond the data an `include` value may pull the domain: a factor of the data's max / min (default 3). */
  reach?: number;
  /** Padding on each side, as a fraction of the span (of log10 span on a log axis); default 0.04. */
  pad?: number;
}

export interface StyleBatch {
  category: Category;
  /** Index into PRECISION_KEYS. */
  color: number;
  /** Index into MARKERS. */
  marker: number;
  /** Range [start, end) of `order`. */
  start: number;
  end: number;
}

export interface PlotData {
  x: XObjective;
  memory: MemoryColumn;
  /** Rows in the table. */
  n: number;
  /** Data position per row: seconds or bytes; accuracy as a fraction (0 when there is no accuracy model). NaN when excluded. */
  xs: Float64Array;
  ys: Float64Array;
  category: Uint8Array;
  /** Index into PRECISION_KEYS per row. */
  color: Uint8Array;
  /** Drawable rows in drawing order: no-fit, dominated, front; within a category by colour, then by row. */
  order: Uint32Array;
  batches: StyleBatch[];
  /** How many points are drawn (= order.length). */
  drawn: number;
  counts: { front: number; dominated: number; infeasible: number; excluded: number };
  /** Front rows sorted by x ascending (then accuracy ascending, then row). */
  front: Uint32Array;
  /** The front as a staircase, vertices in data units: right to the next point's x, then up to its accuracy. */
  step: { x: Float64Array; y: Float64Array };
  /** Where the front came from: the stored flags, or computed here (SRAM memory, or a session without fronts yet). */
  frontSource: 'flags' | 'computed' | 'none';
  xDomain: [number, number];
  yDomain: [number, number];
  xLog: boolean;
  hasAccuracy: boolean;
  /** Precision keys present among the drawn points, in PRECISION_KEYS order. */
  colorsPresent: PrecisionKey[];
  /** Index into MARKERS per row (all 0 with one device). */
  marker: Uint8Array;
  /** With several devices: each device drawn, with its marker, for the legend; empty with one device. */
  devicesPresent: { device: string; marker: Marker }[];
  /** Configuration idx → row, or -1. */
  rowOf: (idx: number) => number;
}

/** Log x for latency beyond two decades; for memory already beyond a factor of 20, where a linear axis crowds the
 * small configurations (the ones that fit) into its first few pixels. */
export const LOG_RATIO: Record<XObjective, number> = { latency: 100, memory: 20 };

/** Decides log x: a positive range wider than `ratio` (max / min). */
export function shouldUseLog(min: number, max: number, ratio = LOG_RATIO.latency): boolean {
  return min > 0 && Number.isFinite(max) && max / min > ratio;
}

/**
 * Pads [min, max] by `pad` of its span on each side (of the log10 span when `log`). A zero span is widened by 10 %
 * of the value (or ±1 at zero, ×/÷ 1.25 on a log axis). A linear domain of non-negative data does not go below 0.
 */
export function paddedDomain(min: number, max: number, { log = false, pad = 0.04 }: { log?: boolean; pad?: number } = {}): [number, number] {
  if (!(min <= max)) return log ? [1, 10] : [0, 1];
  if (log) {
    const a = Math.log10(min);
    const b = Math.log10(max);
    const span = b - a;
    if (span === 0) return [min / 1.25, max * 1.25];
    return [10 ** (a - span * pad), 10 ** (b + span * pad)];
  }
  const span = max - min;
  if (span === 0) {
    const d = min === 0 ? 1 : Math.abs(min) * 0.1;
    const lo = min - d;
    return [min >= 0 && lo < 0 ? 0 : lo, max + d];
  }
  const lo = min - span * pad;
  return [min >= 0 && lo < 0 ? 0 : lo, max + span * pad];
}

/** The x column of a plot, as numbers with NaN for unknown. */
function xColumn(table: PlotTable, x: XObjective, memory: MemoryColumn): Float64Array {
  const n = table.count;
  const out = new Float64Array(n);
  if (x === 'latency') {
    const l = table.latencyS;
    for (let i = 0; i < n; i++) {
      const v = l[i];
      out[i] = v === null || v === undefined ? NaN : v;
    }
  } else {
    const m = memory === 'sram' ? table.sramBytes : table.totalBytes;
    for (let i = 0; i < n; i++) {
      const v = m[i];
      out[i] = typeof v === 'number' ? v : NaN;
    }
  }
  return out;
}

/** Builds the plot data of a table. */
export function buildPlotData(table: PlotTable, options: PlotOptions): PlotData {
  const { x, memory = 'total', log = 'auto', include = [], reach = 3, pad = 0.04 } = options;
  const n = table.count;
  const xs = xColumn(table, x, memory);
  const ys = new Float64Array(n);
  const category = new Uint8Array(n);
  const color = new Uint8Array(n);
  const marker = new Uint8Array(n);
  const devices = table.devices ?? [];
  const severalDevices = devices.length > 1 && table.device !== undefined;

  let hasAccuracy = false;
  for (let i = 0; i < n; i++) {
    const a = table.accuracy[i];
    if (a !== null && a !== undefined && Number.isFinite(a)) {
      hasAccuracy = true;
      break;
    }
  }

  // Colour per distinct precision name, resolved once per name.
  const keyOfPrecision = table.precisions.map((p) => PRECISION_KEYS.indexOf(precisionKey(p)));

  // Positions and the categories that do not depend on the front.
  const candidate = new Uint8Array(n); // 1 = ok and placed: takes part in the front
  for (let i = 0; i < n; i++) {
    color[i] = keyOfPrecision[table.precision[i]] ?? PRECISION_KEYS.indexOf('mixed');
    if (severalDevices) marker[i] = (table.device as ArrayLike<number>)[i] % MARKERS.length;
    let y: number;
    if (hasAccuracy) {
      const a = table.accuracy[i];
      y = a === null || a === undefined ? NaN : a;
    } else {
      y = 0;
    }
    ys[i] = y;
    const placed = Number.isFinite(xs[i]) && Number.isFinite(y);
    const status = table.status[i];
    if (!placed || (status !== STATUS_OK && status !== STATUS_NO_FIT)) {
      category[i] = EXCLUDED;
      xs[i] = NaN;
      ys[i] = NaN;
    } else if (status === STATUS_NO_FIT) {
      category[i] = INFEASIBLE;
    } else {
      category[i] = DOMINATED;
      candidate[i] = 1;
    }
  }

  // The front: the stored flag when it describes this plot's axes and the session has fronts, else computed with
  // the same Pareto rules the services use.
  const bit = x === 'latency' ? FRONT_LATENCY : FRONT_MEMORY;
  let frontSource: PlotData['frontSource'] = 'none';
  let anyCandidate = false;
  for (let i = 0; i < n; i++) if (candidate[i]) anyCandidate = true;
  if (anyCandidate) {
    let useFlags = x === 'latency' || memory === 'total';
    if (useFlags) {
      let flagged = false;
      for (let i = 0; i < n && !flagged; i++) if (candidate[i] && table.flags[i] & bit) flagged = true;
      useFlags = flagged;
    }
    if (useFlags) {
      frontSource = 'flags';
      for (let i = 0; i < n; i++) if (candidate[i] && table.flags[i] & bit) category[i] = FRONT;
    } else {
      frontSource = 'computed';
      const accuracy = new Float64Array(n);
      const latency = new Float64Array(n);
      const mem = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        accuracy[i] = hasAccuracy ? ys[i] : NaN;
        latency[i] = x === 'latency' ? (candidate[i] ? xs[i] : Infinity) : 0;
        mem[i] = x === 'memory' ? (candidate[i] ? xs[i] : NaN) : 0;
      }
      const flags = paretoFlags({ accuracy, latency, memory: mem, feasible: candidate });
      for (let i = 0; i < n; i++) if (candidate[i] && flags[i] & bit) category[i] = FRONT;
    }
  }

  // Drawing order: counting sort by (category draw rank, colour, marker), stable in row.
  const M = MARKERS.length;
  const K = PRECISION_KEYS.length * M;
  const styleOf = (i: number): number => color[i] * M + marker[i];
  const rankOf = [2, 1, 0]; // FRONT drawn last, INFEASIBLE first
  const bucketCount = new Uint32Array(3 * K);
  const counts = { front: 0, dominated: 0, infeasible: 0, excluded: 0 };
  for (let i = 0; i < n; i++) {
    const c = category[i];
    if (c === EXCLUDED) {
      counts.excluded++;
      continue;
    }
    if (c === FRONT) counts.front++;
    else if (c === DOMINATED) counts.dominated++;
    else counts.infeasible++;
    bucketCount[rankOf[c] * K + styleOf(i)]++;
  }
  const drawn = n - counts.excluded;
  const start = new Uint32Array(3 * K);
  const batches: StyleBatch[] = [];
  for (let b = 0, sum = 0; b < 3 * K; b++) {
    start[b] = sum;
    if (bucketCount[b] > 0) {
      const rank = Math.floor(b / K);
      const style = b % K;
      batches.push({ category: rankOf.indexOf(rank) as Category, color: Math.floor(style / M), marker: style % M, start: sum, end: sum + bucketCount[b] });
    }
    sum += bucketCount[b];
  }
  const order = new Uint32Array(drawn);
  const cursor = start.slice();
  for (let i = 0; i < n; i++) {
    const c = category[i];
    if (c !== EXCLUDED) order[cursor[rankOf[c] * K + styleOf(i)]++] = i;
  }
  const present = new Set<number>();
  for (const b of batches) present.add(b.color);
  const colorsPresent = PRECISION_KEYS.filter((_, k) => present.has(k));
  const drawnDevices = new Set<number>();
  if (severalDevices) for (let k = 0; k < drawn; k++) drawnDevices.add((table.device as ArrayLike<number>)[order[k]]);
  const devicesPresent = devices
    .map((device, d) => ({ device, marker: MARKERS[d % M], d }))
    .filter(({ d }) => drawnDevices.has(d))
    .map(({ device, marker: m }) => ({ device, marker: m }));

  // The front, left to right, and its staircase.
  const frontRows: number[] = [];
  for (let i = 0; i < n; i++) if (category[i] === FRONT) frontRows.push(i);
  frontRows.sort((a, b) => xs[a] - xs[b] || ys[a] - ys[b] || a - b);
  const front = Uint32Array.from(frontRows);
  const step = stepLine(front, xs, ys);

  // Domains.
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let k = 0; k < drawn; k++) {
    const i = order[k];
    const xv = xs[i];
    const yv = ys[i];
    if (xv < xMin) xMin = xv;
    if (xv > xMax) xMax = xv;
    if (yv < yMin) yMin = yv;
    if (yv > yMax) yMax = yv;
  }
  const xLog = log === 'auto' ? drawn > 0 && shouldUseLog(xMin, xMax, LOG_RATIO[x]) : log && (drawn === 0 || xMin > 0);
  if (drawn > 0) {
    const lo = xMin;
    const hi = xMax;
    for (const v of include) {
      // Latencies and byte counts are positive: "near" is within a factor `reach` of the data's range.
      if (!(v > 0) || !Number.isFinite(v) || v > hi * reach || v < lo / reach) continue;
      if (v < xMin) xMin = v;
      if (v > xMax) xMax = v;
    }
  }
  const xDomain: [number, number] =
    drawn > 0 ? paddedDomain(xMin, xMax, { log: xLog, pad }) : x === 'latency' ? (xLog ? [1e-3, 1] : [0, 1]) : xLog ? [1024, 1024 * 1024] : [0, 1024 * 1024];
  let yDomain: [number, number];
  if (!hasAccuracy) yDomain = [-0.5, 0.5];
  else if (drawn === 0) yDomain = [0, 1];
  else if (yMin === yMax) yDomain = [Math.max(0, yMin - 0.05), Math.min(1, yMax + 0.05)];
  else {
    const [a, b] = paddedDomain(yMin, yMax, { pad });
    yDomain = [yMin >= 0 ? Math.max(0, a) : a, yMax <= 1 ? Math.min(1, b) : b];
  }

  return {
    x,
    memory,
    n,
    xs,
    ys,
    category,
    color,
    order,
    batches,
    drawn,
    counts,
    front,
    step,
    frontSource,
    xDomain,
    yDomain,
    xLog,
    hasAccuracy,
    colorsPresent,
    marker,
    devicesPresent,
    rowOf: rowLookup(table.idx),
  };
}

/** idx → row: binary search when idx ascends (as a session's results are stored), else a Map built on first use. */
export function rowLookup(idx: ArrayLike<number>): (idx: number) => number {
  let ascending = true;
  for (let i = 1; i < idx.length && ascending; i++) if (!(idx[i] > idx[i - 1])) ascending = false;
  if (ascending) {
    return (v: number): number => {
      let lo = 0;
      let hi = idx.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const m = idx[mid];
        if (m === v) return mid;
        if (m < v) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    };
  }
  let map: Map<number, number> | null = null;
  return (v: number): number => {
    if (!map) {
      map = new Map();
      for (let i = idx.length - 1; i >= 0; i--) map.set(idx[i], i);
    }
    return map.get(v) ?? -1;
  };
}

/**
 * The staircase through front points sorted by x: from each point right to the next point's x, then up to its
 * accuracy (the boundary of what the front attains). Repeated vertices are dropped.
 */
export function stepLine(front: ArrayLike<number>, xs: ArrayLike<number>, ys: ArrayLike<number>): { x: Float64Array; y: Float64Array } {
  const vx: number[] = [];
  const vy: number[] = [];
  const push = (a: number, b: number): void => {
    const k = vx.length - 1;
    if (k >= 0 && vx[k] === a && vy[k] === b) return;
    vx.push(a);
    vy.push(b);
  };
  for (let k = 0; k < front.length; k++) {
    const i = front[k];
    if (k > 0) push(xs[i], vy[vy.length - 1]);
    push(xs[i], ys[i]);
  }
  return { x: Float64Array.from(vx), y: Float64Array.from(vy) };
}

/** The axis title of x: the unit follows the visible range (ms below 1 s). */
export function xAxisLabel(x: XObjective, memory: MemoryColumn, domain: readonly [number, number]): string {
  if (x === 'latency') return `latency (${latencyUnit(domain)})`;
  return memory === 'sram' ? 'SRAM needed (KiB)' : 'memory (KiB)';
}

/** ms when the whole visible latency range is below one second, else s. */
export function latencyUnit(domain: readonly [number, number]): 'ms' | 's' {
  return Math.max(Math.abs(domain[0]), Math.abs(domain[1])) < 1 ? 'ms' : 's';
}

/** Factor from data units (seconds, bytes, fraction) to the axis's display unit. */
export function xDisplayFactor(x: XObjective, domain: readonly [number, number]): number {
  if (x === 'memory') return 1 / 1024;
  return latencyUnit(domain) === 'ms' ? 1000 : 1;
}

export function yAxisLabel(hasAccuracy: boolean): string {
  return hasAccuracy ? 'accuracy (%)' : 'no accuracy model';
}

/** The front neighbour of a row for keyboard travel: +1 = right (slower, more accurate), -1 = left. A row not on
 * the front goes to the front point nearest in x; no row starts at the first (dir +1) or last (dir -1) point. */
export function frontNeighbour(data: PlotData, row: number | null, dir: 1 | -1): number | null {
  const { front, xs } = data;
  if (front.length === 0) return null;
  if (row === null || row < 0 || row >= data.n) return dir > 0 ? front[0] : front[front.length - 1];
  const at = front.indexOf(row);
  if (at >= 0) return front[Math.max(0, Math.min(front.length - 1, at + dir))];
  const xv = xs[row];
  if (!Number.isFinite(xv)) return dir > 0 ? front[0] : front[front.length - 1];
  let best = 0;
  for (let k = 1; k < front.length; k++) if (Math.abs(xs[front[k]] - xv) < Math.abs(xs[front[best]] - xv)) best = k;
  return front[best];
}
