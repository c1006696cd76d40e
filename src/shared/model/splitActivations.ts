// TFLite fuses only clamps (ReLU, ReLU6, ReLU_N1_TO_1) into an operator; any other activation of a layer — a Dense
// layer's softmax, a convolution's sigmoid — is an operator of its own with its own tensor, in the file TFLite's
// converter writes and in every int8 run (TFLM quantizes the operator's output before the activation reads it).
// This rewrites a graph that way: the layer becomes linear and a standalone Activation layer named
// `<layer>/<activation>` (as the TFLite importer names fused activations) follows it; an Activation layer that the
// deployment would fuse is marked standalone.
import { isComputeLayer, type ActivationName, type Layer, type ModelGraph } from './types';

export const FUSABLE_ACTIVATIONS: ReadonlySet<ActivationName> = new Set(['linear', 'relu', 'relu6', 'relu_n1_to_1']);

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
