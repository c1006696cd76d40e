// Peak activation memory under four named models. Tensors are named by the layer that allocates them.
import { alignArena, greedyPlan, livenessBound, type ArenaBuffer } from './arena';

export type MemoryModel = 'largest-tensor' | 'layer-io' | 'liveness' | 'arena';
export const MEMORY_MODELS: readonly MemoryModel[] = ['largest-tensor', 'layer-io', 'liveness', 'arena'];
export const DEFAULT_MEMORY_MODEL: MemoryModel = 'layer-io';

export const MEMORY_MODEL_HELP: Record<MemoryModel, string> = {
  'largest-tensor': 'the largest single activation tensor, the model input included',
  'layer-io': "the largest sum of one layer's input tensors and its output",
  liveness: 'in execution order, the largest sum of all tensors alive at once',
  arena: "TensorFlow Lite Micro's tensor arena plan (its greedy planner, 16-byte aligned, fragmentation included)",
};

export interface MemoryStep {
  /** The tensor this step writes. */
  output: string;
  /** Tensors it reads (distinct). */
  inputs: readonly string[];
  /** Bytes of a temporary alive only during this step (a separable conv's depthwise result). */
  scratchBytes: number;
}

export interface MemoryLayout {
  /** Model inputs, alive from the start. */
  inputs: readonly string[];
  steps: readonly MemoryStep[];
  /** Tensors that must survive to the end (model outputs). */
  outputs: readonly string[];
  bytes: ReadonlyMap<string, number>;
  /**
   * The operations as TensorFlow Lite Micro runs them (a RESHAPE copies into a buffer of its own, a separable
   * convolution is two operations), for the `arena` model; `order` is the tensor order that breaks ties
   * (a TFLite file's tensor indices; execution order otherwise).
   */
  tflm?: { steps: readonly MemoryStep[]; outputs: readonly string[]; order?: readonly string[] };
  /** Outputs of steps that may run in place: a depthwise convolution writing over its only input. */
  inPlace?: ReadonlySet<string>;
}

/** One buffer of an arena plan: where it sits and when it is alive. */
export interface ArenaEntry {
  /** The tensor (named by the layer that writes it); tensors merged by in-place steps are joined with " = ". */
  tensor: string;
  offset: number;
  /** Bytes, 16-byte aligned. */
  size: number;
  /** First and last step (1-based; 0 = before the first operation) in which the buffer is alive. */
  first: number;
  last: number;
}

export interface ArenaPlan {
  /** The arena TFLM's planner needs for activations, 16-byte aligned, fragmentation included. */
  bytes: number;
  /** The most (aligned) bytes alive at once: no plan can do better. */
  livenessBoundBytes: number;
  buffers: ArenaEntry[];
  /** Step names in order (index + 1 = the scope in `first` / `last`). */
  steps: string[];
}

export interface PeakActivation {
  bytes: number;
  /** Where the peak occurs: a tensor (largest-tensor) or the step's output layer. */
  at: string;
}

export function peakActivation(layout: MemoryLayout, model: MemoryModel): PeakActivation {
  switch (model) {
    case 'largest-tensor':
      return largestTensor(layout);
    case 'layer-io':
      return layerIo(layout);
    case 'liveness':
      return liveness(layout);
    case 'arena': {
      const plan = arenaPlan(layout);
      let at = '';
      let end = 0;
      for (const b of plan.buffers) {
        if (b.offset + b.size > end) {
          end = b.offset + b.size;
          at = b.tensor.split(' = ').pop() as string;
        }
      }
      return { bytes: plan.bytes, at };
    }
  }
}

/**
 * Steps that run in place: the step is marked, reads one tensor, and is that tensor's last reader (a model output,
 * or a tensor read again later, must survive).
 */
export function inPlaceSteps(steps: readonly MemoryStep[], outputs: readonly string[], marked?: ReadonlySet<string>): boolean[] {
  if (!marked || marked.size === 0) return steps.map(() => false);
  const lastUse = new Map<string, number>();
  steps.forEach((step, i) => step.inputs.forEach((name) => lastUse.set(name, i)));
  const kept = new Set(outputs);
  return steps.map(
    (step, i) =>
      marked.has(step.output) &&
      step.inputs.length === 1 &&
      step.scratchBytes === 0 &&
      !kept.has(step.inputs[0]) &&
      lastUse.get(step.inputs[0]) === i,
  );
}

/**
 * The buffers of a layout's arena plan and when each is alive, in tensor order: fixed by the graph's structure,
 * whatever the configuration's sizes (the sweep computes them once and re-plans with new sizes).
 */
export interface ArenaLifetimes {
  /** Per buffer: the tensors it holds (several when steps run in place), its first and last scope. */
  buffers: { tensors: string[]; first: number; last: number }[];
  /** Bytes of buffers that are not tensors (a step's temporary), by buffer name. */
  fixedBytes: ReadonlyMap<string, number>;
  /** Step names in order (index + 1 = the scope). */
  steps: string[];
}

export function arenaLifetimes(layout: Omit<MemoryLayout, 'bytes'>): ArenaLifetimes {
  const tflm = layout.tflm ?? { steps: layout.steps, outputs: layout.outputs };
  const steps = tflm.steps;
  const inPlace = inPlaceSteps(steps, tflm.outputs, layout.inPlace);
  // Lifetimes in allocation scopes: inputs 0, step i → i + 1, outputs to the end.
  const lastScope = steps.length;
  const life = new Map<string, { tensors: string[]; first: number; last: number }>();
  const fixedBytes = new Map<string, number>();
  const touch = (name: string, scope: number, create: boolean): void => {
    const entry = life.get(name);
    if (!entry || create) life.set(name, { tensors: entry?.tensors ?? [name], first: scope, last: scope });
    else entry.last = Math.max(entry.last, scope);
  };
  for (const name of layout.inputs) touch(name, 0, true);
  // A tensor written in place shares its input's buffer: one buffer, the larger size, both lifetimes.
  const sharedWith = new Map<string, string>();
  const bufferOf = (name: string): string => sharedWith.get(name) ?? name;
  steps.forEach((step, i) => {
    const scope = i + 1;
    if (inPlace[i]) {
      const host = bufferOf(step.inputs[0]);
      sharedWith.set(step.output, host);
      const entry = life.get(host) ?? { tensors: [host], first: scope, last: scope };
      entry.tensors.push(step.output);
      entry.last = Math.max(entry.last, scope);
      life.set(host, entry);
    } else {
      touch(step.output, scope, true);
    }
    for (const name of step.inputs) touch(bufferOf(name), scope, false);
    if (step.scratchBytes > 0) {
      const scratch = `${step.output}/scratch`;
      life.set(scratch, { tensors: [scratch], first: scope, last: scope });
      fixedBytes.set(scratch, step.scratchBytes);
    }
  });
  for (const name of tflm.outputs) touch(bufferOf(name), lastScope, false);

  // Tensor order: the file's where it gives one, then execution order (Map insertion order) for the rest.
  const rank = new Map((tflm.order ?? []).map((name, i) => [name, i]));
  const names = [...life.keys()];
  const position = new Map(names.map((name, i) => [name, i]));
  const key = (name: string): number => rank.get(name) ?? rank.size + (position.get(name) as number);
  names.sort((a, b) => key(a) - key(b));
  return { buffers: names.map((name) => life.get(name) as ArenaLifetimes['buffers'][number]), fixedBytes, steps: steps.map((s) => s.output) };
}

/** The aligned size of every buffer of `lifetimes` for the given tensor sizes (0 for an empty buffer). */
export function arenaBufferSizes(lifetimes: ArenaLifetimes, sizeOf: (tensor: string) => number): ArenaBuffer[] {
  return lifetimes.buffers.map((b) => ({
    size: alignArena(lifetimes.fixedBytes.get(b.tensors[0]) ?? largestOf(b.tensors, sizeOf)),
    first: b.first,
    last: b.last,
  }));
}

/** A loop, not Math.max(...): a chain of in-place steps may put more tensors in one buffer than a call takes arguments. */
function largestOf(tensors: readonly string[], sizeOf: (tensor: string) => number): number {
  let largest = -Infinity;
  for (const tensor of tensors) largest = Math.max(largest, sizeOf(tensor));
  return largest;
}

/** TFLM's arena plan of a layout's tensors (see arena.ts for the rules). */
export function arenaPlan(layout: MemoryLayout): ArenaPlan {
  const lifetimes = arenaLifetimes(layout);
  const sized = arenaBufferSizes(lifetimes, (name) => sizeOf(layout, name));
  // Empty buffers take no place (TFLM plans only tensors with bytes).
  const kept = sized.flatMap((b, i) => (b.size > 0 ? [i] : []));
  const buffers = kept.map((i) => sized[i]);
  const plan = greedyPlan(buffers);
  return {
    bytes: plan.size,
    livenessBoundBytes: livenessBound(buffers),
    buffers: kept.map((i, k) => ({
      tensor: lifetimes.buffers[i].tensors.join(' = '),
      offset: plan.offsets[k],
      size: buffers[k].size,
      first: buffers[k].first,
      last: buffers[k].last,
    })),
    steps: lifetimes.steps,
  };
}

const sizeOf = (layout: MemoryLayout, name: string): number => layout.bytes.get(name) ?? 0;

function largestTensor(layout: MemoryLayout): PeakActivation {
  let best: PeakActivation = { bytes: 0, at: '' };
  const consider = (bytes: number, at: string): void => {
    if (bytes > best.bytes) best = { bytes, at };
  };
  for (const name of layout.inputs) consider(sizeOf(layout, name), name);
  for (const step of layout.steps) {
    consider(sizeOf(layout, step.output), step.output);
    consider(step.scratchBytes, step.output);
  }
  return best;
}

function layerIo(layout: MemoryLayout): PeakActivation {
  let best: PeakActivation = { bytes: 0, at: '' };
  for (const name of layout.inputs) {
    if (sizeOf(layout, name) > best.bytes) best = { bytes: sizeOf(layout, name), at: name };
  }
  const inPlace = inPlaceSteps(layout.steps, layout.outputs, layout.inPlace);
  for (const [i, step] of layout.steps.entries()) {
    const inputs = step.inputs.reduce((sum, name) => sum + sizeOf(layout, name), 0);
    const output = sizeOf(layout, step.output);
    // A step with a temporary runs in two halves: inputs → temporary, then temporary → output. A step in place
    // writes its output over its input.
    const bytes =
      step.scratchBytes > 0 ? Math.max(inputs, output) + step.scratchBytes : inPlace[i] ? Math.max(inputs, output) : inputs + output;
    if (bytes > best.bytes) best = { bytes, at: step.output };
  }
  return best;
}

function liveness(layout: MemoryLayout): PeakActivation {
  const lastUse = new Map<string, number>();
  layout.steps.forEach((step, i) => {
    for (const name of step.inputs) lastUse.set(name, i);
  });
  for (const name of layout.outputs) lastUse.set(name, Number.POSITIVE_INFINITY);
  let live = 0;
  for (const name of layout.inputs) live += sizeOf(layout, name);
  let best: PeakActivation = { bytes: live, at: layout.inputs[0] ?? '' };
  const freeing: string[][] = layout.steps.map(() => []);
  const release = (name: string, producedAt: number): void => {
    const last = lastUse.get(name) ?? producedAt;
    if (Number.isFinite(last)) freeing[last].push(name);
  };
  layout.inputs.forEach((name) => {
    if (lastUse.has(name)) release(name, 0);
  });
  const inPlace = inPlaceSteps(layout.steps, layout.outputs, layout.inPlace);
  layout.steps.forEach((step, i) => {
    const output = sizeOf(layout, step.output);
    // In place, the output reuses its input's bytes (the input is released after this step anyway).
    const reused = inPlace[i] ? Math.min(output, sizeOf(layout, step.inputs[0])) : 0;
    live += output;
    release(step.output, i);
    const bytes = live + step.scratchBytes - reused;
    if (bytes > best.bytes) best = { bytes, at: step.output };
    for (const name of freeing[i]) live -= sizeOf(layout, name);
  });
  return best;
}
