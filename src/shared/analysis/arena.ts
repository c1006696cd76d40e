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

/** Places buffers (given in tensor-index order) exactly as TFLM's GreedyMemoryPlanner does. */
export function greedyPlan(buffers: readonly ArenaBuffer[]): GreedyPlan {
  const n = buffers.length;
  const offsets: number[] = new Array(n).fill(-1);
  if (n === 0) return { offsets, size: 0 };
  // Tail fill then a stable descending sort: size descending, ties by index descending.
  const order = Array.from({ length: n }, (_, i) => n - 1 - i);
  order.sort((a, b) => buffers[b].size - buffers[a].size || b - a);

  // Placed buffers, kept sorted by offset; a new buffer goes after every placed one with an offset ≤ its own.
  const placed: number[] = [];
  const overlaps = (a: ArenaBuffer, b: ArenaBuffer): boolean => !(a.first > b.last || b.first > a.last);
  for (const id of order) {
    const wanted = buffers[id];
    let candidate = 0;
    if (placed.length > 0) {
      let prior: number | null = null;
      let k = 0;
      for (;;) {
        // The next placed buffer (in offset order) alive at the same time as the wanted one.
        while (k < placed.length && !overlaps(buffers[placed[k]], wanted)) k++;
        if (prior !== null) candidate = Math.max(candidate, offsets[prior] + buffers[prior].size);
        if (k >= placed.length) break;
        const next = placed[k];
        if (offsets[next] - candidate >= wanted.size) break;
        prior = next;
        k++;
      }
    }
    offsets[id] = candidate;
    let at = placed.length;
    while (at > 0 && offsets[placed[at - 1]] > candidate) at--;
    placed.splice(at, 0, id);
  }
  let size = 0;
  for (let i = 0; i < n; i++) size = Math.max(size, offsets[i] + buffers[i].size);
  return { offsets, size };
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
