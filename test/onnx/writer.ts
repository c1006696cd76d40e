// Writes a Frontier graph as an ONNX model with seeded weights, through the production emitter
// (src/main/engine/emit/onnx.ts): NCHW tensors, nodes in execution order, value_info for every intermediate tensor.
// `int8` writes the QDQ format: int8 per-channel weights and int32 biases through DequantizeLinear,
// BatchNormalization folded into the layer before it, and a QuantizeLinear→DequantizeLinear pair on every tensor
// an operation writes (scale 0.05, zero point 0 where TFLite does not fix them). Reused by the round-trip tests, the
// fuzz cases (which mutate its output) and the benchmarks.
import { emitOnnxBuilder } from '../../src/main/engine/emit/onnx';
import { preActivation, quantizeModel, type CalibrationRanges } from '../../src/shared/engine/quantize';
import { randomWeights } from '../../src/shared/engine/randomWeights';
import { weightShapes } from '../../src/shared/engine/layouts';
import type { LayerWeights, ModelWeights } from '../../src/shared/engine/weights';
import { sizeOf } from '../../src/shared/engine/weights';
import { topologicalOrder } from '../../src/shared/model/graph';
import { inferShapes } from '../../src/shared/model/shapes';
import type { ModelGraph } from '../../src/shared/model/types';
import type { Dim, OnnxBuilder } from './builder';

export interface OnnxWriteOptions {
  /** `fp32` (default) or `int8` (QDQ). */
  precision?: 'fp32' | 'int8';
  /** The batch dimension: a size, or a symbolic name (default `N`, dynamic). */
  batch?: Dim;
  /** Seed of the weight values (randomWeights); `zeros` writes zero-filled weights (fast for large models). */
  weights?: number | 'zeros';
  /** Write value_info for intermediate tensors (default true). */
  valueInfo?: boolean;
}

export function graphToOnnx(graph: ModelGraph, options: OnnxWriteOptions = {}): Uint8Array {
  return graphToOnnxBuilder(graph, options).bytes();
}

export function graphToOnnxBuilder(graph: ModelGraph, options: OnnxWriteOptions = {}): OnnxBuilder {
  // Channel-major, as PyTorch's exporter writes: a Dense behind a Flatten reads the file's own order.
  let weights = options.weights === 'zeros' ? zeroWeights(graph) : randomWeights(graph, options.weights ?? 1, { flattenOrder: 'chw' });
  const int8 = options.precision === 'int8';
  if (int8) {
    // Every tensor in [−6.4, 6.35]: scale 0.05, zero point 0.
    // Every tensor (and every value before an activation run on its own) at scale 0.05, zero point 0.
    const ranges: CalibrationRanges = Object.fromEntries(graph.layers.flatMap((l) => [l.name, preActivation(l.name)].map((name) => [name, { min: -6.4, max: 6.35 }])));
    weights = quantizeModel(graph, weights, ranges);
  }
  return emitOnnxBuilder(graph, weights, int8 ? 'int8' : 'fp32', { batch: options.batch ?? 'N', valueInfo: options.valueInfo ?? true });
}

/** Zero weights of every layer (BatchNormalization: unit scale and variance), without drawing a value. */
function zeroWeights(graph: ModelGraph): ModelWeights {
  const shapes = inferShapes(graph);
  const layers: Record<string, LayerWeights> = {};
  for (const layer of topologicalOrder(graph)) {
    const roles = weightShapes(layer, layer.inputs.length > 0 ? shapes.get(layer.inputs[0]) : undefined);
    const w: LayerWeights = {};
    for (const [role, shape] of Object.entries(roles)) {
      const data = new Float32Array(sizeOf(shape));
      if (role === 'gamma' || role === 'variance') data.fill(1);
      w[role as keyof typeof roles] = { shape, data };
    }
    if (layer.type === 'BatchNormalization') w.epsilon = 1e-3;
    if (Object.keys(w).length > 0) layers[layer.name] = w;
  }
  return { layers, flattenOrder: 'chw' };
}
