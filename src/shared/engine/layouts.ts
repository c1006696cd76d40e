// The shape each weight tensor of a layer has in the canonical layout of weights.ts, derived from the graph alone:
// what weight readers must produce, what random weights are made with, and what pruned tensors must come out as.
import { inputDepth } from '../analysis/counts';
import { inferShapes } from '../model/shapes';
import type { Layer, ModelGraph } from '../model/types';

/** The tensors of LayerWeights whose shape the graph fixes (an Add's `constant` broadcasts: any shape). */
export type WeightRole = 'kernel' | 'depthwiseKernel' | 'bias' | 'gamma' | 'beta' | 'mean' | 'variance';

export type LayerWeightShapes = Partial<Record<WeightRole, number[]>>;

/** The canonical shapes of `layer`'s weights, given the shape of its (first) input. Layers without weights: {}. */
export function weightShapes(layer: Layer, inShape: readonly number[] | undefined): LayerWeightShapes {
  if (!inShape) return {};
  const channels = inShape[inShape.length - 1];
  const bias = (useBias: boolean, count: number): LayerWeightShapes => (useBias ? { bias: [count] } : {});
  switch (layer.type) {
    case 'Conv2D':
      return {
        kernel: [layer.filters, channels / layer.groups, layer.kernel[0], layer.kernel[1]],
        ...bias(layer.useBias, layer.filters),
      };
    case 'DepthwiseConv2D': {
      const out = channels * layer.depthMultiplier;
      return { kernel: [out, 1, layer.kernel[0], layer.kernel[1]], ...bias(layer.useBias, out) };
    }
    case 'SeparableConv2D': {
      const mid = channels * layer.depthMultiplier;
      return {
        depthwiseKernel: [mid, 1, layer.kernel[0], layer.kernel[1]],
        kernel: [layer.filters, mid, 1, 1],
        ...bias(layer.useBias, layer.filters),
      };
    }
    case 'Dense':
      return { kernel: [layer.units, inputDepth(layer, [...inShape])], ...bias(layer.useBias, layer.units) };
    case 'BatchNormalization':
      return {
        ...(layer.scale ? { gamma: [channels] } : {}),
        ...(layer.center ? { beta: [channels] } : {}),
        mean: [channels],
        variance: [channels],
      };
    default:
      return {};
  }
}

/** Canonical weight shapes of every layer of a graph that has weights, by layer name. */
export function modelWeightShapes(graph: ModelGraph): Map<string, LayerWeightShapes> {
  const shapes = inferShapes(graph);
  const out = new Map<string, LayerWeightShapes>();
  for (const layer of graph.layers) {
    const inShape = layer.inputs.length > 0 ? shapes.get(layer.inputs[0]) : undefined;
    const roles = weightShapes(layer, inShape);
    if (Object.keys(roles).length > 0) out.set(layer.name, roles);
  }
  return out;
}
