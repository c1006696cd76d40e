// Seeded random float32 weights in the canonical layout for any graph: what tests, benchmarks and the presets (which
// come without weights) run with. The same graph and seed give the same values on every machine.
import { topologicalOrder } from '../model/graph';
import { inferShapes } from '../model/shapes';
import type { ModelGraph } from '../model/types';
import { mulberry32 } from '../sweep/space';
import { weightShapes, type WeightRole } from './layouts';
import { sizeOf, type LayerWeights, type ModelWeights, type WeightTensor } from './weights';

export interface RandomWeightOptions {
  /** The flatten order the weights pretend to come from (default `hwc`, as Keras and TFLite). */
  flattenOrder?: 'hwc' | 'chw';
}

/** Roles in the order values are drawn, so that a layer's values never depend on how an object lists its keys. */
const ROLES: readonly WeightRole[] = ['depthwiseKernel', 'kernel', 'bias', 'gamma', 'beta', 'mean', 'variance'];

/**
 * Kernels are uniform in ±√(3 / fan-in) (LeCun's uniform initialisation: unit variance through a layer, so that a
 * deep preset's activations neither vanish nor overflow); biases, BN shifts and means small; BN scales and variances
 * around 1 and positive. Add / Multiply layers with a constant operand get a per-channel constant.
 */
export function randomWeights(graph: ModelGraph, seed: number, options: RandomWeightOptions = {}): ModelWeights {
  const random = mulberry32(seed);
  const uniform = (low: number, high: number): number => low + (high - low) * random();
  const shapes = inferShapes(graph);
  const layers: Record<string, LayerWeights> = {};
  const tensor = (layer: string, role: string, shape: number[], draw: () => number): WeightTensor => {
    const data = new Float32Array(sizeOf(shape));
    for (let i = 0; i < data.length; i++) data[i] = draw();
    return { shape, data, source: `${layer}/${role} (random, seed ${seed})` };
  };

  for (const layer of topologicalOrder(graph)) {
    const inShape = layer.inputs.length > 0 ? shapes.get(layer.inputs[0]) : undefined;
    const roles = weightShapes(layer, inShape);
    const weights: LayerWeights = {};
    for (const role of ROLES) {
      const shape = roles[role];
      if (!shape) continue;
      let draw: () => number;
      if (role === 'kernel' || role === 'depthwiseKernel') {
        const fanIn = sizeOf(shape.slice(1));
        const limit = Math.sqrt(3 / fanIn);
        draw = () => uniform(-limit, limit);
      } else if (role === 'gamma' || role === 'variance') {
        draw = () => uniform(0.5, 1.5);
      } else {
        draw = () => uniform(-0.1, 0.1);
      }
      weights[role] = tensor(layer.name, role, shape, draw);
    }
    if (layer.type === 'BatchNormalization') weights.epsilon = 1e-3;
    if ((layer.type === 'Add' || layer.type === 'Multiply') && layer.constantOperand) {
      const out = shapes.get(layer.name) as number[];
      const center = layer.type === 'Multiply' ? 1 : 0;
      weights.constant = tensor(layer.name, 'constant', [out[out.length - 1]], () => uniform(center - 0.1, center + 0.1));
    }
    if (Object.keys(weights).length > 0) layers[layer.name] = weights;
  }
  return { layers, flattenOrder: options.flattenOrder ?? 'hwc' };
}
