// Deployment conventions: how the framework graph becomes the operations a device runs.
//  - BatchNormalization directly after a conv/depthwise/separable/dense layer that feeds only it is folded into that
//    layer (its scale and shift become the layer's bias, so a layer without bias gains one per output channel).
//  - An activation directly after such a layer (or after an Add) that feeds only it is fused into it, unless it is
//    marked standalone (an operator of a deployed file, which keeps its own tensor).
//  - Dropout is removed; Flatten and Reshape alias their input. None of these allocates a tensor.
//  - Everything else (pooling, ZeroPadding2D, Concatenate, unfoldable BatchNormalization, standalone activations)
//    is an operation with its own output tensor.
import { consumersOf, outputNames, topologicalOrder } from './graph';
import { isComputeLayer, type ActivationName, type Layer, type ModelGraph } from './types';

export type LayerRole =
  /** a model input tensor */
  | 'input'
  /** an operation that allocates its output tensor */
  | 'op'
  /** a BatchNormalization folded into `into` */
  | 'folded'
  /** an activation fused into `into` */
  | 'fused'
  /** Flatten / Reshape: a view of `into`'s tensor */
  | 'alias'
  /** Dropout: removed for inference; its output is `into`'s tensor */
  | 'removed';

export interface LayerDeployment {
  role: LayerRole;
  /** For folded / fused / alias / removed: the layer whose tensor holds this layer's output. */
  into?: string;
}

export interface DeployedOp {
  layer: Layer;
  /** Tensors (named by the layer that allocates them) this operation reads, deduplicated, in order. */
  inputs: string[];
  /** A BatchNormalization was folded in: the op has a bias whether or not the framework layer had one. */
  foldedBatchNorm?: string;
  /** The activation the op applies, after fusion. */
  activation: ActivationName;
  /** Names of the framework layers absorbed (folded BN, fused activation). */
  absorbed: string[];
}

export interface DeployPlan {
  /** Input layers, in order: each owns a tensor. */
  inputs: Layer[];
  /** Operations in execution order: each owns one output tensor. */
  ops: DeployedOp[];
  /** What happened to every framework layer. */
  roles: Map<string, LayerDeployment>;
  /** Framework layer → the layer whose tensor holds its output. */
  tensorOf: Map<string, string>;
  /** Tensors that are model outputs (kept alive to the end). */
  outputs: string[];
  /**
   * The operations as TensorFlow Lite Micro runs them, for its arena plan: the ops above plus one RESHAPE per
   * Flatten / Reshape, which TFLM executes as a copy into a tensor of its own (its online planner does not alias).
   * Buffers are named by the layer that writes them.
   */
  tflm: { steps: { output: string; inputs: string[] }[]; outputs: string[] };
}

const canFuseActivationInto = (layer: Layer): boolean =>
  isComputeLayer(layer) || layer.type === 'Add' || layer.type === 'Multiply';

/** The buffer name of a separable convolution's depthwise result in TFLM's view. */
export const separableMidTensor = (layer: string): string => `${layer}/depthwise`;

export function deployPlan(graph: ModelGraph): DeployPlan {
  const consumers = consumersOf(graph);
  const outputs = new Set(outputNames(graph));
  const readers = (name: string): number => (consumers.get(name)?.length ?? 0) + (outputs.has(name) ? 1 : 0);

  const roles = new Map<string, LayerDeployment>();
  const tensorOf = new Map<string, string>();
  const opOf = new Map<string, DeployedOp>();
  const plan: DeployPlan = { inputs: [], ops: [], roles, tensorOf, outputs: [], tflm: { steps: [], outputs: [] } };
  // TFLM's view: like tensorOf, except that a Flatten / Reshape owns the buffer it copies into.
  const bufferOf = new Map<string, string>();
  const bufferInputs = (layer: Layer): string[] => [...new Set(layer.inputs.map((name) => bufferOf.get(name) as string))];

  const alias = (layer: Layer, role: LayerRole, into: string): void => {
    const owner = tensorOf.get(into) ?? into;
    roles.set(layer.name, { role, into: owner });
    tensorOf.set(layer.name, owner);
    if (role === 'alias') {
      plan.tflm.steps.push({ output: layer.name, inputs: bufferInputs(layer) });
      bufferOf.set(layer.name, layer.name);
    } else {
      bufferOf.set(layer.name, bufferOf.get(into) ?? into);
    }
  };

  for (const layer of topologicalOrder(graph)) {
    const source = layer.inputs[0];
    const sourceOp = source === undefined ? undefined : opOf.get(tensorOf.get(source) ?? '');
    switch (layer.type) {
      case 'Input':
        roles.set(layer.name, { role: 'input' });
        tensorOf.set(layer.name, layer.name);
        bufferOf.set(layer.name, layer.name);
        plan.inputs.push(layer);
        continue;
      case 'Dropout':
        alias(layer, 'removed', source);
        continue;
      case 'Flatten':
      case 'Reshape':
        alias(layer, 'alias', source);
        continue;
      case 'BatchNormalization':
        // Folding is only exact straight after the linear part of the producer.
        if (
          sourceOp &&
          sourceOp.layer.name === source &&
          isComputeLayer(sourceOp.layer) &&
          sourceOp.activation === 'linear' &&
          !sourceOp.foldedBatchNorm &&
          readers(source) === 1
        ) {
          sourceOp.foldedBatchNorm = layer.name;
          sourceOp.absorbed.push(layer.name);
          alias(layer, 'folded', sourceOp.layer.name);
          continue;
        }
        break;
      case 'Activation':
        if (
          !layer.standalone &&
          sourceOp &&
          canFuseActivationInto(sourceOp.layer) &&
          sourceOp.activation === 'linear' &&
          readers(source) === 1 &&
          (source === sourceOp.layer.name || sourceOp.foldedBatchNorm === source)
        ) {
          sourceOp.activation = layer.activation;
          sourceOp.absorbed.push(layer.name);
          alias(layer, 'fused', sourceOp.layer.name);
          continue;
        }
        break;
      default:
        break;
    }
    const op: DeployedOp = {
      layer,
      inputs: [...new Set(layer.inputs.map((name) => tensorOf.get(name) as string))],
      activation: 'activation' in layer && layer.type !== 'Activation' ? layer.activation : 'linear',
      absorbed: [],
    };
    if (layer.type === 'Activation') op.activation = layer.activation;
    roles.set(layer.name, { role: 'op' });
    tensorOf.set(layer.name, layer.name);
    if (layer.type === 'SeparableConv2D') {
      // Converted as DEPTHWISE_CONV_2D then CONV_2D, with the depthwise result in a buffer of its own.
      const mid = separableMidTensor(layer.name);
      plan.tflm.steps.push({ output: mid, inputs: bufferInputs(layer) }, { output: layer.name, inputs: [mid] });
    } else {
      plan.tflm.steps.push({ output: layer.name, inputs: bufferInputs(layer) });
    }
    bufferOf.set(layer.name, layer.name);
    opOf.set(layer.name, op);
    plan.ops.push(op);
  }
  plan.outputs = [...new Set([...outputs].map((name) => tensorOf.get(name) as string))];
  plan.tflm.outputs = [...new Set([...outputs].map((name) => bufferOf.get(name) as string))];
  return plan;
}
