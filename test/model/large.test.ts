// A valid model of 20,000 layers imports and analyses: no graph algorithm recurses once per layer.
import { describe, expect, it } from 'vitest';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { analyze } from '../../src/shared/analysis/analyze';
import { CompiledModel, emptyFigures } from '../../src/shared/analysis/compiled';
import { parsePrecision } from '../../src/shared/analysis/precision';
import { graphToNative } from '../../src/shared/model/native';
import { topologicalOrder } from '../../src/shared/model/graph';
import type { ModelGraph } from '../../src/shared/model/types';

const LAYERS = 20_000;

/** Keras 2 functional JSON: an input, then a chain of Dense and ReLU layers, every tenth joined back by an Add. */
function deepKerasJson(): string {
  const layers: unknown[] = [
    { class_name: 'InputLayer', name: 'input', config: { name: 'input', batch_input_shape: [null, 8] }, inbound_nodes: [] },
  ];
  let previous = 'input';
  for (let i = 1; i < LAYERS; i++) {
    const name = `l${i}`;
    const dense = i % 2 === 1;
    const config = dense ? { name, units: 8, activation: 'linear', use_bias: true } : { name, activation: 'relu' };
    const inputs = [[previous, 0, 0, {}]];
    if (!dense && i % 10 === 0) {
      layers.push({ class_name: 'Activation', name, config, inbound_nodes: [inputs] });
      layers.push({ class_name: 'Add', name: `${name}_add`, config: { name: `${name}_add` }, inbound_nodes: [[[name, 0, 0, {}], [previous, 0, 0, {}]]] });
      previous = `${name}_add`;
      continue;
    }
    layers.push({ class_name: dense ? 'Dense' : 'Activation', name, config, inbound_nodes: [inputs] });
    previous = name;
  }
  return JSON.stringify({
    class_name: 'Functional',
    config: { name: 'deep', layers, input_layers: [['input', 0, 0]], output_layers: [[previous, 0, 0]] },
  });
}

describe('a model of 20,000 layers', () => {
  let graph: ModelGraph;

  it('imports from Keras JSON and from Frontier’s format', () => {
    graph = parseModelBytes(Buffer.from(deepKerasJson()), 'deep.json');
    expect(graph.layers.length).toBeGreaterThan(LAYERS);
    const again = parseModelBytes(Buffer.from(JSON.stringify(graphToNative(graph))), 'deep.frontier.json');
    expect(again).toEqual(graph);
    // Layers listed outputs first: the walk from the first layer goes 20,000 inputs deep.
    const native = graphToNative(graph);
    const reversed = parseModelBytes(Buffer.from(JSON.stringify({ ...native, layers: [...native.layers].reverse() })), 'r.json');
    expect(topologicalOrder(reversed).map((l) => l.name)).toEqual(graph.layers.map((l) => l.name));
    expect(analyze(reversed).params).toBe(analyze(graph).params);
  });

  it('analyses, in the one-off path and in the sweep’s compiled path, to the same figures', () => {
    const report = analyze(graph, { precision: 'int8', memoryModel: 'liveness' });
    const dense = Math.ceil((LAYERS - 1) / 2);
    expect(report.params).toBe(dense * (8 * 8 + 8));
    expect(report.macs).toBe(dense * 64);
    const compiled = new CompiledModel(graph, { memoryModel: 'liveness', biasMode: 'weight', headroom: 0, accuracy: null });
    const figures = compiled.evaluate(parsePrecision('int8'), null, emptyFigures());
    expect(figures.params).toBe(report.params);
    expect(figures.peakActivationBytes).toBe(report.peakActivationBytes);
  });

  it('still reports a cycle by the path that closes it', () => {
    const cyclic: ModelGraph = {
      name: 'c',
      outputs: [],
      layers: [
        { name: 'in', type: 'Input', inputs: [], shape: [4] } as never,
        { name: 'a', type: 'Add', inputs: ['in', 'c'] } as never,
        { name: 'b', type: 'Activation', inputs: ['a'], activation: 'relu' } as never,
        { name: 'c', type: 'Activation', inputs: ['b'], activation: 'relu' } as never,
      ],
    };
    expect(() => topologicalOrder(cyclic)).toThrow('the graph has a cycle: a → c → b → a');
  });
});
