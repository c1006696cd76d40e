// TensorFlow Lite Micro's tensor arena plan, as its GreedyMemoryPlanner computes it
// (tensorflow/lite/micro/memory_planner/greedy_memory_planner.cc, lifetimes from micro_allocation_info.cc):
//  - every buffer is rounded up to 16 bytes (MicroArenaBufferAlignment);
//  - lifetimes count allocation scopes: the model inputs are created at scope 0, operator i runs in scope i + 1,
//    a tensor lives from the operator that writes it to the last operator that reads it, and the model outputs
//    live to the last scope;
//  - buffers are placed largest first; among buffers of equal size the one added later (higher tensor index) goes
//    first, because the planner fills its sort array from the tail and then bubble-sorts it stably;
//  - each buffer takes the lowest offset where no buffer alive at an overlapping time lies in the way, scanning the
//    placed buffers in offset order and taking the first gap that is big enough.

export const ARENA_ALIGNMENT = 16;

export const alignArena = (bytes: number): number => Math.ceil(bytes / ARENA_ALIGNMENT) * ARENA_ALIGNMENT;

export interface ArenaBuffer {
  /** Bytes, already aligned. */
  size: number;
  /** First and last allocation scope in which the buffer is alive (inclusive). */
  first: number;
  last: number;
}

export interface GreedyPlan {
  /** Offset of each buffer, in the order given. */
  offsets: number[];
  /** The arena the plan needs: the highest end of any buffer. */
  size: number;
}

/**
 * Places buffers (given in tensor-index order) exactly as TFLM's GreedyMemoryPlanner does. TFLM scans every placed
 * buffer for each new one (quadratic); only the placed buffers alive at the same time as the new one matter, so they
 * are found through a tree over lifetimes, and the first gap is sought among them alone: the cost grows with the
 * buffers and the pairs of them alive at once, not with the square of the model's length.
 */
export function greedyPlan(buffers: readonly ArenaBuffer[]): GreedyPlan {
  const n = buffers.length;
  const offsets: number[] = new Array(n).fill(-1);
  if (n === 0) return { offsets, size: 0 };
  // Tail fill then a stable descending sort: size descending, ties by index descending.
  const order = Array.from({ length: n }, (_, i) => n - 1 - i);
  order.sort((a, b) => buffers[b].size - buffers[a].size || b - a);

  const alive = new PlacedLifetimes(buffers);
  const near: number[] = [];
  for (const id of order) {
    const wanted = buffers[id];
    // The placed buffers alive at an overlapping time, in offset order. TFLM walks them in offset order, ties in
    // the order they were placed, but ties cannot change the gap it finds: the first gap of the union of their
    // address ranges that is big enough.
    near.length = 0;
    alive.overlapping(wanted.first, wanted.last, near);
    near.sort((a, b) => offsets[a] - offsets[b]);
    let candidate = 0;
    for (const other of near) {
      if (offsets[other] - candidate >= wanted.size) break;
      candidate = Math.max(candidate, offsets[other] + buffers[other].size);
    }
    offsets[id] = candidate;
    alive.place(id);
  }
  let size = 0;
  for (let i = 0; i < n; i++) size = Math.max(size, offsets[i] + buffers[i].size);
  return { offsets, size };
}

/**
 * The placed buffers, by first scope, in a tree that keeps each subtree's latest last scope: the buffers alive at
 * some time in [first, last] are those starting by `last` and ending at or after `first`, found in time logarithmic
 * per buffer reported.
 */
class PlacedLifetimes {
  private readonly byFirst: number[];
  private readonly slot: Int32Array;
  private readonly width: number;
  /** Per tree node, the latest last scope of a placed buffer below it (−1: none). */
  private readonly latest: Float64Array;

  constructor(private readonly buffers: readonly ArenaBuffer[]) {
    const n = buffers.length;
    this.byFirst = Array.from({ length: n }, (_, i) => i).sort((a, b) => buffers[a].first - buffers[b].first || a - b);
    this.slot = new Int32Array(n);
    this.byFirst.forEach((id, at) => (this.slot[id] = at));
    let width = 1;
    while (width < n) width *= 2;
    this.width = width;
    this.latest = new Float64Array(2 * width).fill(-1);
  }

  place(id: number): void {
    let node = this.width + this.slot[id];
    this.latest[node] = this.buffers[id].last;
    for (node >>= 1; node >= 1; node >>= 1) this.latest[node] = Math.max(this.latest[2 * node], this.latest[2 * node + 1]);
  }

  /** Appends to `into` every placed buffer alive at some scope in [first, last]. */
  overlapping(first: number, last: number, into: number[]): void {
    // Slots [0, end) hold the buffers that start by `last`.
    let lo = 0;
    let hi = this.byFirst.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.buffers[this.byFirst[mid]].first <= last) lo = mid + 1;
      else hi = mid;
    }
    const end = lo;
    const stack: number[] = [1, 0, this.width];
    while (stack.length > 0) {
      const span = stack.pop() as number;
      const from = stack.pop() as number;
      const node = stack.pop() as number;
      if (from >= end || this.latest[node] < first) continue;
      if (span === 1) {
        into.push(this.byFirst[from]);
        continue;
      }
      const half = span / 2;
      stack.push(2 * node + 1, from + half, half, 2 * node, from, half);
    }
  }
}

/** The lower bound any plan of these buffers needs: the most bytes alive in one scope. */
export function livenessBound(buffers: readonly ArenaBuffer[]): number {
  let lastScope = 0;
  for (const b of buffers) lastScope = Math.max(lastScope, b.last);
  const delta = new Float64Array(lastScope + 2);
  for (const b of buffers) {
    delta[b.first] += b.size;
    delta[b.last + 1] -= b.size;
  }
  let live = 0;
  let best = 0;
  for (let t = 0; t <= lastScope; t++) {
    live += delta[t];
    best = Math.max(best, live);
  }
  return best;
}
