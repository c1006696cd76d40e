// Writes Keras 2 `.h5` files as `model.save("x.h5")` lays them out (root attribute model_config, weights under
// model_weights/<layer>/<layer>/<weight>:0), from a Keras model JSON and the graph Frontier reads from it. The weights
// are zeros: only their shapes matter to Frontier.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { inferShapes } from '../../../src/shared/model/shapes';
import type { Layer, ModelGraph } from '../../../src/shared/model/types';

/** Keras's weight names and shapes for a layer (the order Keras stores them in). */
export function kerasWeights(layer: Layer, inShape: number[] | undefined): [string, number[]][] {
  const inC = inShape ? inShape[inShape.length - 1] : 0;
  switch (layer.type) {
    case 'Conv2D':
      return [
        ['kernel', [...layer.kernel, inC / layer.groups, layer.filters]],
        ...(layer.useBias ? ([['bias', [layer.filters]]] as [string, number[]][]) : []),
      ];
    case 'DepthwiseConv2D':
      return [
        ['depthwise_kernel', [...layer.kernel, inC, layer.depthMultiplier]],
        ...(layer.useBias ? ([['bias', [inC * layer.depthMultiplier]]] as [string, number[]][]) : []),
      ];
    case 'SeparableConv2D':
      return [
        ['depthwise_kernel', [...layer.kernel, inC, layer.depthMultiplier]],
        ['pointwise_kernel', [1, 1, inC * layer.depthMultiplier, layer.filters]],
        ...(layer.useBias ? ([['bias', [layer.filters]]] as [string, number[]][]) : []),
      ];
    case 'Dense':
      return [['kernel', [inC, layer.units]], ...(layer.useBias ? ([['bias', [layer.units]]] as [string, number[]][]) : [])];
    case 'BatchNormalization':
      return [
        ...(layer.scale ? ([['gamma', [inC]]] as [string, number[]][]) : []),
        ...(layer.center ? ([['beta', [inC]]] as [string, number[]][]) : []),
        ['moving_mean', [inC]],
        ['moving_variance', [inC]],
      ];
    default:
      return [];
  }
}

export interface H5Options {
  /** Leave out model_config (a save_weights() file). */
  withoutConfig?: boolean;
  /** Change one weight's shape (layer name → weight name → shape). */
  reshape?: Record<string, Record<string, number[]>>;
}

/** The bytes of a Keras 2 `.h5` file for `configJson` (model.to_json()) whose architecture Frontier reads as `graph`. */
export async function kerasH5Bytes(configJson: string, graph: ModelGraph, options: H5Options = {}): Promise<Buffer> {
  await h5wasm.ready;
  const dir = mkdtempSync(join(tmpdir(), 'frontier-h5-'));
  const path = join(dir, 'model.h5');
  try {
    const file = new h5wasm.File(path, 'w');
    const text = (value: string): [string, null, string] => [value, null, `S${Math.max(1, Buffer.byteLength(value))}`];
    file.create_attribute('keras_version', ...text('2.12.0'));
    file.create_attribute('backend', ...text('tensorflow'));
    if (!options.withoutConfig) file.create_attribute('model_config', ...text(configJson));
    const weights = file.create_group('model_weights');
    const names = graph.layers.filter((l) => l.type !== 'Input').map((l) => l.name);
    weights.create_attribute('layer_names', names, [names.length], `S${Math.max(...names.map((n) => n.length))}`);
    const shapes = inferShapes(graph);
    for (const layer of graph.layers) {
      if (layer.type === 'Input') continue;
      const group = weights.create_group(layer.name);
      const list = kerasWeights(layer, layer.inputs[0] ? shapes.get(layer.inputs[0]) : undefined);
      const weightNames = list.map(([w]) => `${layer.name}/${w}:0`);
      group.create_attribute('weight_names', weightNames, [weightNames.length], `S${Math.max(1, ...weightNames.map((n) => n.length))}`);
      if (list.length === 0) continue;
      const inner = group.create_group(layer.name);
      for (const [w, shape] of list) {
        const actual = options.reshape?.[layer.name]?.[w] ?? shape;
        const count = actual.reduce((a, b) => a * b, 1);
        inner.create_dataset({ name: `${w}:0`, data: new Float32Array(count), shape: actual, dtype: '<f4' });
      }
    }
    file.close();
    return readFileSync(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
