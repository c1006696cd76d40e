import { LAYER_TYPES, ModelError, type Layer, type ModelGraph } from './types';

/**
 * Layers in execution order: every layer after its inputs, ties kept in file order. A depth-first walk with an
 * explicit stack rather than recursion, so a chain of tens of thousands of layers cannot exhaust the call stack.
 */
export function topologicalOrder(graph: ModelGraph): Layer[] {
  // Most files list every layer after its inputs: then the order is the file's, checked in one pass.
  const seen = new Set<string>();
  let ordered = true;
  for (const layer of graph.layers) {
    if (seen.has(layer.name) || !layer.inputs.every((input) => seen.has(input))) {
      ordered = false;
      break;
    }
    seen.add(layer.name);
  }
  if (ordered) return [...graph.layers];
  const byName = layerMap(graph);
  const state = new Map<string, 'visiting' | 'done'>();
  const order: Layer[] = [];
  const stack: { layer: Layer; next: number }[] = [];
  for (const root of graph.layers) {
    if (state.has(root.name)) continue;
    state.set(root.name, 'visiting');
    stack.push({ layer: root, next: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next === top.layer.inputs.length) {
        state.set(top.layer.name, 'done');
        order.push(top.layer);
        stack.pop();
        continue;
      }
      const input = top.layer.inputs[top.next++];
      const src = byName.get(input);
      if (!src) {
        throw new ModelError(`${top.layer.name}: input "${input}" is not a layer of this model`, top.layer.name);
      }
      const s = state.get(src.name);
      if (s === 'done') continue;
      if (s === 'visiting') {
        const path = [...stack.map((frame) => frame.layer.name), src.name];
        throw new ModelError(`the graph has a cycle: ${path.join(' → ')}`, src.name);
      }
      state.set(src.name, 'visiting');
      stack.push({ layer: src, next: 0 });
    }
  }
  return order;
}

export function layerMap(graph: ModelGraph): Map<string, Layer> {
  const map = new Map<string, Layer>();
  for (const layer of graph.layers) {
    if (map.has(layer.name)) throw new ModelError(`two layers are named "${layer.name}"`, layer.name);
    map.set(layer.name, layer);
  }
  return map;
}

/** For each layer name, the names of the layers that read its output (in graph order). */
export function consumersOf(graph: ModelGraph): Map<string, string[]> {
  const consumers = new Map<string, string[]>(graph.layers.map((l) => [l.name, []]));
  for (const layer of graph.layers) {
    for (const input of layer.inputs) consumers.get(input)?.push(layer.name);
  }
  return consumers;
}

export function outputNames(graph: ModelGraph): string[] {
  if (graph.outputs.length > 0) return graph.outputs;
  const last = graph.layers[graph.layers.length - 1];
  return last ? [last.name] : [];
}

/** Structural checks that do not need shapes: names, inputs, arity, outputs. */
export function validateGraph(graph: ModelGraph): void {
  if (graph.layers.length === 0) throw new ModelError('the model has no layers');
  const byName = layerMap(graph);
  for (const layer of graph.layers) {
    if (!LAYER_TYPES.includes(layer.type)) {
      throw new ModelError(`${layer.name}: unknown layer type "${String(layer.type)}"`, layer.name);
    }
    if (layer.type === 'Input') {
      if (layer.inputs.length !== 0) {
        throw new ModelError(`${layer.name}: an Input layer takes no inputs`, layer.name);
      }
    } else if (layer.type === 'Add' || layer.type === 'Multiply' || layer.type === 'Concatenate') {
      const least = layer.type !== 'Concatenate' && layer.constantOperand ? 1 : 2;
      if (layer.inputs.length < least) {
        throw new ModelError(
          `${layer.name}: ${layer.type} needs at least ${least} input${least > 1 ? 's' : ''}, it has ${layer.inputs.length}`,
          layer.name,
        );
      }
    } else if (layer.type === 'Opaque') {
      // An unknown operator may read any number of tensors (constants are not layers).
    } else if (layer.inputs.length !== 1) {
      throw new ModelError(
        `${layer.name}: ${layer.type} takes exactly 1 input, it has ${layer.inputs.length}`,
        layer.name,
      );
    }
  }
  if (!graph.layers.some((l) => l.type === 'Input')) throw new ModelError('the model has no Input layer');
  for (const out of outputNames(graph)) {
    if (!byName.has(out)) throw new ModelError(`model output "${out}" is not a layer of this model`);
  }
  topologicalOrder(graph);
}

export function cloneGraph(graph: ModelGraph): ModelGraph {
  return JSON.parse(JSON.stringify(graph)) as ModelGraph;
}
