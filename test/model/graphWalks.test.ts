// Every graph algorithm is iterative and linear (or n log n) in layers plus edges: each runs on a chain of 200,000
// layers and on graphs of 1,000 stacked diamonds (a layer feeding two branches that join again), and gives the right
// answer. A walk that recursed once per layer would overflow the stack here; one that re-walked every path of the
// diamonds would take 2^1000 steps and never finish within the test's timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { analyze } from '../../src/shared/analysis/analyze';
import { CompiledModel, emptyFigures } from '../../src/shared/analysis/compiled';
import { parsePrecision } from '../../src/shared/analysis/precision';
import { graphToKerasJson } from '../../src/shared/export/kerasJson';
import { deployPlan } from '../../src/shared/model/deploy';
import { applyChannelEdits, channelGroups, prunableLayers } from '../../src/shared/model/edit';
import { topologicalOrder, validateGraph } from '../../src/shared/model/graph';
import { graphToNative } from '../../src/shared/model/native';
import { inferShapes } from '../../src/shared/model/shapes';
import type { Layer, ModelGraph } from '../../src/shared/model/types';
import { graphToOnnx } from '../onnx/writer';
import { graphToTflite } from '../import/tflite/writer';

const LONG = 200_000;
const DIAMONDS = 1_000;
// A bound, not a measurement: linear code finishes far within it, the quadratic arena planner (269 s) would not.
const SLOW = 240_000;

const input = (name: string): Layer => ({ name, type: 'Input', inputs: [], shape: [8] }) as Layer;
const dense = (name: string, from: string, units = 8): Layer =>
  ({ name, type: 'Dense', inputs: [from], units, useBias: true, activation: 'linear', flattenInput: false }) as Layer;
const act = (name: string, from: string, activation = 'relu'): Layer => ({ name, type: 'Activation', inputs: [from], activation }) as Layer;

/** in → d1 → … → d(n−2) (Dense, 8 units) → softmax: n layers. */
function chain(n: number): ModelGraph {
  const layers: Layer[] = [input('in')];
  for (let i = 1; i <= n - 2; i++) layers.push(dense(`d${i}`, layers[i - 1].name));
  layers.push(act('softmax', layers[layers.length - 1].name, 'softmax'));
  return { name: 'chain', outputs: ['softmax'], layers };
}

/** A Dense layer, then K diamonds of two activations joined by a Multiply, to the output: channels pass through. */
function passThroughDiamonds(k: number): ModelGraph {
  const layers: Layer[] = [input('in'), dense('first', 'in')];
  let previous = 'first';
  for (let i = 0; i < k; i++) {
    layers.push(act(`b${i}`, previous), act(`c${i}`, previous, 'sigmoid'));
    layers.push({ name: `m${i}`, type: 'Multiply', inputs: [`b${i}`, `c${i}`] } as Layer);
    previous = `m${i}`;
  }
  return { name: 'passthrough-diamonds', outputs: [previous], layers };
}

/** K diamonds of two Dense branches joined by an Add, then a Dense output. */
function denseDiamonds(k: number): ModelGraph {
  const layers: Layer[] = [input('in')];
  let previous = 'in';
  for (let i = 0; i < k; i++) {
    layers.push(dense(`p${i}`, previous), dense(`q${i}`, previous));
    layers.push({ name: `s${i}`, type: 'Add', inputs: [`p${i}`, `q${i}`] } as Layer);
    previous = `s${i}`;
  }
  layers.push(dense('out', previous));
  return { name: 'dense-diamonds', outputs: ['out'], layers };
}

/** Parameters of a Dense layer from `inputs` to `units`. */
const denseParams = (inputs: number, units: number): number => inputs * units + units;

describe(`a chain of ${LONG.toLocaleString('en-US')} layers`, () => {
  // Built once for the tests below, and let go after them: a graph this large kept alive makes every garbage
  // collection of the later tests slower.
  let graph: ModelGraph;
  beforeAll(() => {
    graph = chain(LONG);
  });
  afterAll(() => {
    graph = undefined as unknown as ModelGraph;
  });

  it('validates, orders (also listed outputs first), infers shapes and plans deployment', () => {
    validateGraph(graph);
    expect(inferShapes(graph).get('softmax')).toEqual([8]);
    // The softmax runs fused with the last Dense layer, as TFLM would.
    expect(deployPlan(graph).ops).toHaveLength(LONG - 2);
    const reversed: ModelGraph = { ...graph, layers: [...graph.layers].reverse() };
    const order = topologicalOrder(reversed);
    expect(order[0].name).toBe('in');
    expect(order[LONG - 1].name).toBe('softmax');
  }, SLOW);

  it("prunes '*=0.5': every Dense layer but the one the output reads through its softmax", () => {
    const prunable = prunableLayers(graph);
    expect(prunable).toHaveLength(LONG - 3);
    expect(prunable.some((l) => l.name === `d${LONG - 2}`)).toBe(false);
    expect(channelGroups(graph)).toEqual([]);
    const report = analyze(graph, { prune: { '*': 0.5 }, memoryModel: 'largest-tensor' });
    expect(report.params).toBe(denseParams(8, 4) + (LONG - 4) * denseParams(4, 4) + denseParams(4, 8));
  }, SLOW);

  it("plans TFLM's arena: two 32-byte tensors alive at each step, in the one-off and the sweep's path", () => {
    const report = analyze(graph, { memoryModel: 'arena' });
    expect(report.peakActivationBytes).toBe(64);
    expect(report.arena?.livenessBoundBytes).toBe(64);
    expect(report.arena?.buffers).toHaveLength(LONG - 1);
    const compiled = new CompiledModel(graph, { memoryModel: 'arena', biasMode: 'weight', headroom: 0, accuracy: null });
    expect(compiled.evaluate(parsePrecision('fp32'), null, emptyFigures()).peakActivationBytes).toBe(64);
  }, SLOW);
});

describe(`${LONG.toLocaleString('en-US')} layers: a run of activations, each also read by an Add`, () => {
  it('ties every Add to the one Dense layer at the head of the run, walking the run once', () => {
    const layers: Layer[] = [input('in'), dense('d', 'in')];
    for (let i = 1; layers.length < LONG; i++) {
      layers.push(act(`a${i}`, i === 1 ? 'd' : `a${i - 1}`));
      layers.push({ name: `s${i}`, type: 'Add', inputs: [`a${i}`, `a${i}`] } as Layer);
    }
    const graph: ModelGraph = { name: 'run', outputs: [layers[layers.length - 1].name], layers };
    const groups = channelGroups(graph);
    expect(groups).toHaveLength(1);
    expect(groups[0].members).toEqual(['d']);
    expect(groups[0].adds).toHaveLength((LONG - 2) / 2);
  }, SLOW);
});

describe(`${DIAMONDS.toLocaleString('en-US')} stacked diamonds`, () => {
  it('branches that keep the channels to the output: the Dense before them is an output layer, decided once', () => {
    const graph = passThroughDiamonds(DIAMONDS);
    expect(prunableLayers(graph)).toEqual([]);
    const edited = applyChannelEdits(graph, { prune: { '*': 0.5 } }).graph;
    expect(edited.layers[1]).toMatchObject({ name: 'first', units: 8 });
    // Behind one more Dense layer, it is no longer the output.
    const headed: ModelGraph = { ...graph, layers: [...graph.layers, dense('head', graph.outputs[0])], outputs: ['head'] };
    expect(prunableLayers(headed).map((l) => l.name)).toEqual(['first']);
    expect(analyze(headed, { prune: { '*': 0.5 } }).params).toBe(denseParams(8, 4) + denseParams(4, 8));
  });

  it('Dense branches joined by Adds: one channel group per diamond, pruned together', () => {
    const graph = denseDiamonds(DIAMONDS);
    const groups = channelGroups(graph);
    expect(groups).toHaveLength(DIAMONDS);
    expect(groups[DIAMONDS - 1]).toEqual({ members: [`p${DIAMONDS - 1}`, `q${DIAMONDS - 1}`], adds: [`s${DIAMONDS - 1}`] });
    expect(prunableLayers(graph)).toHaveLength(2 * DIAMONDS);
    const expected = 2 * denseParams(8, 4) + 2 * (DIAMONDS - 1) * denseParams(4, 4) + denseParams(4, 8);
    expect(analyze(graph, { prune: { '*': 0.5 } }).params).toBe(expected);
    for (const memoryModel of ['layer-io', 'liveness', 'arena'] as const) {
      // Both branches and the join (3 × 32 bytes) at most, whatever the model.
      expect(analyze(graph, { memoryModel }).peakActivationBytes).toBeLessThanOrEqual(96);
    }
  });
});

describe('the importers’ graph code is linear too', () => {
  let chain20k: ModelGraph;
  let diamonds: ModelGraph;
  beforeAll(() => {
    chain20k = chain(20_000);
    diamonds = denseDiamonds(DIAMONDS);
  });
  const pruned = new Map<ModelGraph, number>();
  const expected = (graph: ModelGraph): number => {
    if (!pruned.has(graph)) pruned.set(graph, analyze(graph, { prune: { '*': 0.5 } }).params);
    return pruned.get(graph) as number;
  };

  it("an ONNX chain of 20,000 operators and ONNX diamonds prune '*=0.5'", () => {
    for (const graph of [chain20k, diamonds]) {
      const imported = parseModelBytes(Buffer.from(graphToOnnx(graph, { weights: 'zeros' })), 'model.onnx');
      expect(analyze(imported, { prune: { '*': 0.5 } }).params).toBe(expected(graph));
    }
  }, SLOW);

  it("Keras JSON and Frontier's format of the same graphs prune '*=0.5'", () => {
    for (const graph of [chain20k, diamonds]) {
      const keras = parseModelBytes(Buffer.from(JSON.stringify(graphToKerasJson(graph))), 'model.json');
      expect(analyze(keras, { prune: { '*': 0.5 } }).params).toBe(expected(graph));
      const native = parseModelBytes(Buffer.from(JSON.stringify(graphToNative(graph))), 'model.frontier.json');
      expect(analyze(native, { prune: { '*': 0.5 } }).params).toBe(expected(graph));
    }
  }, SLOW);

  it("TFLite diamonds prune '*=0.5'", () => {
    const imported = parseModelBytes(Buffer.from(graphToTflite(diamonds)), 'model.tflite');
    expect(analyze(imported, { prune: { '*': 0.5 } }).params).toBe(expected(diamonds));
  }, SLOW);
});
