// What precision the file stores: each tensor's format (an integer format where a QuantizeLinear→DequantizeLinear
// pair or a QLinear operator says so, the element type otherwise) and each compute layer's weight format. The file's
// precision is the one most compute layers use; layers stored otherwise (a float input before a QuantizeLinear, a
// Softmax left in float) are listed as exceptions.
import { BITS, parsePrecision, type NumberFormat } from '../../../shared/analysis/precision';
import type { DeployPlan } from '../../../shared/model/deploy';
import { topologicalOrder } from '../../../shared/model/graph';
import { isComputeLayer, type ModelGraph } from '../../../shared/model/types';
import type { Converter } from './context';
import { onnx } from './proto';
import { numberFormatOf } from './tensors';

export interface StoredPrecision {
  precision: string;
  layerPrecisions: Record<string, string>;
  biasMode?: 'int32';
}

const combine = (weights: NumberFormat, activations: NumberFormat): string =>
  parsePrecision(`w${BITS[weights]}a${BITS[activations]}`).name;

function mostCommon<T>(items: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  let best: T | undefined;
  for (const item of items) {
    const n = (counts.get(item) ?? 0) + 1;
    counts.set(item, n);
    if (best === undefined || n > (counts.get(best) ?? 0)) best = item;
  }
  return best;
}

export function storedPrecision(c: Converter, graph: ModelGraph, plan: DeployPlan): StoredPrecision {
  // The format of each allocated tensor is the format of the last layer whose output it holds (a fused activation
  // writes the op's tensor): integer where a QuantizeLinear→DequantizeLinear pair reads that layer, else the element
  // type the graph computes.
  const formats = new Map<string, NumberFormat>();
  for (const layer of topologicalOrder(graph)) {
    const owner = plan.tensorOf.get(layer.name) ?? layer.name;
    const mark = c.quantized.get(layer.name);
    if (plan.roles.get(layer.name)?.role === 'alias') {
      // A pair after a Reshape quantizes the data it views.
      if (mark) formats.set(owner, mark);
      continue;
    }
    const format = mark ?? c.formats.get(layer.name);
    if (format) formats.set(owner, format);
  }
  const activationFormat = (name: string): NumberFormat => formats.get(name) ?? 'fp32';

  const T = onnx.TensorProto.DataType;
  const compute = plan.ops.filter((op) => isComputeLayer(op.layer));
  const weightFormat = (name: string): NumberFormat => {
    const kernel = c.weights.get(name)?.kernel;
    return (kernel && numberFormatOf(kernel.dataType)) || 'fp32';
  };
  const computePrecisions = compute.map((op) => combine(weightFormat(op.layer.name), activationFormat(op.layer.name)));
  const allocating = [...plan.inputs.map((l) => l.name), ...plan.ops.map((op) => op.layer.name)];
  const fileWeights =
    mostCommon(compute.map((op) => weightFormat(op.layer.name))) ?? mostCommon(allocating.map(activationFormat)) ?? 'fp32';
  const precision =
    mostCommon(computePrecisions) ?? combine(fileWeights, mostCommon(allocating.map(activationFormat)) ?? 'fp32');

  const layerPrecisions: Record<string, string> = {};
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  for (const name of allocating) {
    const layer = byName.get(name);
    const p = layer && isComputeLayer(layer) ? combine(weightFormat(name), activationFormat(name)) : combine(fileWeights, activationFormat(name));
    if (p !== precision) layerPrecisions[name] = p;
  }
  const int32Bias = compute.some((op) => {
    const w = c.weights.get(op.layer.name);
    const format = weightFormat(op.layer.name);
    return (format === 'int8' || format === 'int4') && w?.bias?.dataType === T.INT32;
  });
  return { precision, layerPrecisions, ...(int32Bias ? { biasMode: 'int32' as const } : {}) };
}
