// Precision-independent counts of a (possibly edited) model: parameters, MACs and tensor sizes per layer.
import type { ComputeKind } from './computeKind';
import { deployPlan, type DeployPlan, type LayerRole } from '../model/deploy';
import { topologicalOrder } from '../model/graph';
import { inferShapes, type ShapeMap } from '../model/shapes';
import type { Layer, LayerType, ModelGraph } from '../model/types';
import { exact } from './exact';

export type WeightRole = 'kernel' | 'depthwise-kernel' | 'pointwise-kernel' | 'bias' | 'bn-scale' | 'bn-shift';

export interface WeightTensor {
  role: WeightRole;
  count: number;
}

export interface LayerCounts {
  name: string;
  type: LayerType;
  role: LayerRole;
  /** For absorbed / aliasing layers: the layer whose tensor holds this layer's output. */
  into?: string;
  outputShape: number[];
  /** Weight tensors as deployed (after folding); empty for layers without weights. */
  weights: WeightTensor[];
  /** Parameters as deployed (after folding BatchNormalization). */
  params: number;
  /** Parameters as the framework counts them (Keras counts 4 per BatchNormalization channel). */
  frameworkParams: number;
  /** Multiply-accumulates (conv, depthwise, separable and dense only). */
  macs: number;
  kind?: ComputeKind;
  /** Elements of the tensor this layer allocates (0 when it allocates none). */
  outputElements: number;
  /** A SeparableConv2D's depthwise result, alive between its two halves. */
  scratchElements: number;
  /** Tensors this operation reads (empty unless role is `op`). */
  inputs: string[];
  /** Names of framework layers absorbed into this op (folded BN, fused activation). */
  absorbed: string[];
  activation?: string;
  /** Per-layer precision override, when the layer has one. */
  precision?: string;
}

export interface ModelCounts {
  /** Every framework layer, in execution order. */
  layers: LayerCounts[];
  /** Allocating layers (inputs and ops) by name. */
  tensors: Map<string, LayerCounts>;
  plan: DeployPlan;
  shapes: ShapeMap;
  params: number;
  frameworkParams: number;
  macs: number;
}

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** The length of the vector a layer reads per position: the channels, or the whole input for a flattening Dense. */
export function inputDepth(layer: Layer, inShape: readonly number[] | undefined): number {
  if (!inShape) return 0;
  return layer.type === 'Dense' && layer.flattenInput ? product(inShape) : inShape[inShape.length - 1];
}

function weightsOf(layer: Layer, inShape: number[] | undefined, hasBias: boolean): WeightTensor[] {
  const bias = (count: number): WeightTensor[] => (hasBias ? [{ role: 'bias', count }] : []);
  const inC = inputDepth(layer, inShape);
  switch (layer.type) {
    case 'Conv2D': {
      const [kh, kw] = layer.kernel;
      return [{ role: 'kernel', count: (kh * kw * inC * layer.filters) / layer.groups }, ...bias(layer.filters)];
    }
    case 'DepthwiseConv2D': {
      const [kh, kw] = layer.kernel;
      const outC = inC * layer.depthMultiplier;
      return [{ role: 'depthwise-kernel', count: kh * kw * outC }, ...bias(outC)];
    }
    case 'SeparableConv2D': {
      const [kh, kw] = layer.kernel;
      const mid = inC * layer.depthMultiplier;
      return [
        { role: 'depthwise-kernel', count: kh * kw * mid },
        { role: 'pointwise-kernel', count: mid * layer.filters },
        ...bias(layer.filters),
      ];
    }
    case 'Dense':
      return [{ role: 'kernel', count: inC * layer.units }, ...bias(layer.units)];
    default:
      return [];
  }
}

function macsOf(layer: Layer, inShape: number[] | undefined, outShape: number[]): number {
  const inC = inputDepth(layer, inShape);
  switch (layer.type) {
    case 'Conv2D': {
      const [kh, kw] = layer.kernel;
      return (outShape[0] * outShape[1] * layer.filters * kh * kw * inC) / layer.groups;
    }
    case 'DepthwiseConv2D':
      return outShape[0] * outShape[1] * outShape[2] * layer.kernel[0] * layer.kernel[1];
    case 'SeparableConv2D': {
      const positions = outShape[0] * outShape[1];
      const mid = inC * layer.depthMultiplier;
      return positions * mid * layer.kernel[0] * layer.kernel[1] + positions * mid * layer.filters;
    }
    case 'Dense':
      return product(outShape.slice(0, -1)) * inC * layer.units;
    default:
      return 0;
  }
}

const KIND: Partial<Record<LayerType, ComputeKind>> = {
  Conv2D: 'conv',
  DepthwiseConv2D: 'depthwise',
  SeparableConv2D: 'separable',
  Dense: 'dense',
};

export function countModel(graph: ModelGraph): ModelCounts {
  const shapes = inferShapes(graph);
  const plan = deployPlan(graph);
  const opByName = new Map(plan.ops.map((op) => [op.layer.name, op]));
  const layers: LayerCounts[] = [];
  const tensors = new Map<string, LayerCounts>();
  let params = 0;
  let frameworkParams = 0;
  let macs = 0;

  for (const layer of topologicalOrder(graph)) {
    const deployment = plan.roles.get(layer.name) as { role: LayerRole; into?: string };
    const inShape = layer.inputs.length > 0 ? shapes.get(layer.inputs[0]) : undefined;
    const outShape = shapes.get(layer.name) as number[];
    const op = opByName.get(layer.name);
    const channels = inShape ? inShape[inShape.length - 1] : 0;

    let frameworkCount = 0;
    let weights: WeightTensor[] = [];
    if (layer.type === 'BatchNormalization') {
      frameworkCount = (Number(layer.center) + Number(layer.scale) + 2) * channels;
      if (deployment.role === 'op') {
        weights = [
          { role: 'bn-scale', count: channels },
          { role: 'bn-shift', count: channels },
        ];
      }
    } else if ('useBias' in layer) {
      frameworkCount = weightsOf(layer, inShape, layer.useBias).reduce((a, w) => a + w.count, 0);
      weights = weightsOf(layer, inShape, layer.useBias || Boolean(op?.foldedBatchNorm));
    }
    const allocates = deployment.role === 'op' || deployment.role === 'input';
    const entry: LayerCounts = {
      name: layer.name,
      type: layer.type,
      role: deployment.role,
      into: deployment.into,
      outputShape: outShape,
      weights,
      params: weights.reduce((a, w) => a + w.count, 0),
      frameworkParams: frameworkCount,
      macs: macsOf(layer, inShape, outShape),
      kind: KIND[layer.type],
      outputElements: allocates ? product(outShape) : 0,
      scratchElements:
        layer.type === 'SeparableConv2D' ? outShape[0] * outShape[1] * channels * layer.depthMultiplier : 0,
      inputs: op ? op.inputs : [],
      absorbed: op ? op.absorbed : [],
      activation: op && op.activation !== 'linear' ? op.activation : undefined,
      precision: layer.precision,
    };
    const name = layer.name;
    exact(entry.params, 'its parameters', name);
    exact(entry.frameworkParams, 'its framework parameter count', name);
    exact(entry.macs, 'its MACs', name);
    exact(entry.outputElements + entry.scratchElements, 'its activation values', name);
    params = exact(params + entry.params, "the model's parameters up to it", name);
    frameworkParams = exact(frameworkParams + entry.frameworkParams, "the model's framework parameter count up to it", name);
    macs = exact(macs + entry.macs, "the model's MACs up to it", name);
    exact(2 * macs, "the model's FLOPs up to it", name);
    layers.push(entry);
    if (allocates) tensors.set(layer.name, entry);
  }
  return { layers, tensors, plan, shapes, params, frameworkParams, macs };
}
