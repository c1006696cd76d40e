// Peak activation memory under three named models. Tensors are named by the layer that allocates them.

export type MemoryModel = 'largest-tensor' | 'layer-io' | 'liveness';
export const MEMORY_MODELS: readonly MemoryModel[] = ['largest-tensor', 'layer-io', 'liveness'];
export const DEFAULT_MEMORY_MODEL: MemoryModel = 'layer-io';

export const MEMORY_MODEL_HELP: Record<MemoryModel, string> = {
  'largest-tensor': 'the largest single activation tensor, the model input included',
  'layer-io': "the largest sum of one layer's input tensors and its output",
  liveness: 'in execution order, the largest sum of all tensors alive at once',
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
  }
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
  for (const step of layout.steps) {
    const inputs = step.inputs.reduce((sum, name) => sum + sizeOf(layout, name), 0);
    const output = sizeOf(layout, step.output);
    // A step with a temporary runs in two halves: inputs → temporary, then temporary → output.
    const bytes = step.scratchBytes > 0 ? Math.max(inputs, output) + step.scratchBytes : inputs + output;
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
  layout.steps.forEach((step, i) => {
    live += sizeOf(layout, step.output);
    release(step.output, i);
    const bytes = live + step.scratchBytes;
    if (bytes > best.bytes) best = { bytes, at: step.output };
    for (const name of freeing[i]) live -= sizeOf(layout, name);
  });
  return best;
}
