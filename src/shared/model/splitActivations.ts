// TFLite fuses only clamps (ReLU, ReLU6, ReLU_N1_TO_1) into an operator; any other activation of a layer — a Dense
// layer's softmax, a convolution's sigmoid — is an operator of its own with its own tensor, in the file TFLite's
// converter writes (TFLM quantizes the operator's output before the activation reads it). This rewrites a graph that
// way for writing a .tflite: the layer becomes linear and a standalone Activation layer named `<layer>/<activation>`
// (as the TFLite importer names fused activations) follows it; an Activation layer that the deployment would fuse is
// marked standalone. (An int8 run keeps the graph and runs such an activation on its own: src/shared/engine/quantize.ts.)
import { FUSED_IN_INT8, preActivation } from '../engine/quantize';
import type { ActivationQuantization } from '../engine/weights';
import { deployPlan } from './deploy';
import { isComputeLayer, type ActivationName, type Layer, type ModelGraph } from './types';

export const FUSABLE_ACTIVATIONS = FUSED_IN_INT8 as ReadonlySet<ActivationName>;

/**
 * The split graph with its int8 scales: the layer before a split activation takes the scale calibrated before it
 * (`<owner>/pre`), the activation the owner's.
 */
export function splitWithScales(graph: ModelGraph, activations: Record<string, ActivationQuantization>): { graph: ModelGraph; activations: Record<string, ActivationQuantization> } {
  const split = splitUnfusedActivations(graph);
  if (split === graph) return { graph, activations };
  const out = { ...activations };
  const original = new Set(graph.layers.map((l) => l.name));
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  for (const op of deployPlan(graph).ops) {
    const before = activations[preActivation(op.layer.name)];
    if (!before) continue;
    // The activation: the Activation layer the deployment had absorbed, or the one the split added after the layer.
    const absorbed = op.absorbed.map((n) => byName.get(n)).find((l) => l?.type === 'Activation');
    const added = split.layers.find((l) => l.type === 'Activation' && !original.has(l.name) && l.inputs[0] === op.layer.name);
    const activation = absorbed?.name ?? added?.name;
    if (activation === undefined) continue;
    out[activation] = activations[op.layer.name];
    out[op.layer.name] = before;
  }
  return { graph: split, activations: out };
}

export function splitUnfusedActivations(graph: ModelGraph): ModelGraph {
  const renamed = new Map<string, string>();
  const layers: Layer[] = [];
  const used = new Set(graph.layers.map((l) => l.name));
  for (const layer of graph.layers) {
    if (layer.type === 'Activation' && !layer.standalone && !FUSABLE_ACTIVATIONS.has(layer.activation)) {
      layers.push({ ...layer, standalone: true });
    } else if (isComputeLayer(layer) && !FUSABLE_ACTIVATIONS.has(layer.activation)) {
      let name = `${layer.name}/${layer.activation}`;
      for (let k = 2; used.has(name); k++) name = `${layer.name}/${layer.activation}_${k}`;
      used.add(name);
      renamed.set(layer.name, name);
      layers.push({ ...layer, activation: 'linear' } as Layer);
      layers.push({ type: 'Activation', activation: layer.activation, standalone: true, name, inputs: [layer.name] });
    } else {
      layers.push(layer);
    }
  }
  if (renamed.size === 0 && layers.every((l, i) => l === graph.layers[i])) return graph;
  const follow = (name: string): string => renamed.get(name) ?? name;
  return {
    ...graph,
    layers: layers.map((l) => (l.type === 'Activation' && l.standalone && renamed.get(l.inputs[0]) === l.name ? l : { ...l, inputs: l.inputs.map(follow) })),
    outputs: graph.outputs.map(follow),
  };
}
