// The TensorFlow Lite Micro operators a deployed graph runs, as the TFLite converter emits them, named by the
// MicroMutableOpResolver method that registers each (tensorflow/lite/micro/micro_mutable_op_resolver.h).
import { deployPlan } from '../model/deploy';
import { topologicalOrder } from '../model/graph';
import { ModelError, type ActivationName, type Layer, type ModelGraph } from '../model/types';

/** Activations the converter fuses into the producing CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED / ADD / MUL. */
const FUSED: ReadonlySet<ActivationName> = new Set(['linear', 'relu', 'relu6', 'relu_n1_to_1']);

/** Operators of a standalone activation. */
const ACTIVATION_OPS: Partial<Record<ActivationName, string[]>> = {
  relu: ['AddRelu'],
  relu6: ['AddRelu6'],
  sigmoid: ['AddLogistic'],
  tanh: ['AddTanh'],
  softmax: ['AddSoftmax'],
  hard_swish: ['AddHardSwish'],
  hard_silu: ['AddHardSwish'],
  leaky_relu: ['AddLeakyRelu'],
  elu: ['AddElu'],
  exponential: ['AddExp'],
  // x · sigmoid(x): LOGISTIC then MUL.
  swish: ['AddLogistic', 'AddMul'],
  silu: ['AddLogistic', 'AddMul'],
};

/** TFLite builtin names of operators Frontier only carries through (Opaque layers) → resolver methods. */
function methodForBuiltin(op: string): string {
  const special: Record<string, string> = { SVDF: 'AddSvdf', CONV_2D: 'AddConv2D', DEPTHWISE_CONV_2D: 'AddDepthwiseConv2D' };
  if (special[op]) return special[op];
  return `Add${op
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')}`;
}

function activationOps(activation: ActivationName, layer: string): string[] {
  const ops = ACTIVATION_OPS[activation];
  if (!ops) {
    throw new ModelError(`${layer}: TensorFlow Lite Micro has no kernel for the ${activation} activation`, layer);
  }
  return ops;
}

function opsOf(layer: Layer, activation: ActivationName): string[] {
  const after = FUSED.has(activation) ? [] : activationOps(activation, layer.name);
  switch (layer.type) {
    case 'Conv2D':
      return ['AddConv2D', ...after];
    case 'DepthwiseConv2D':
      return ['AddDepthwiseConv2D', ...after];
    case 'SeparableConv2D':
      return ['AddDepthwiseConv2D', 'AddConv2D', ...after];
    case 'Dense':
      return ['AddFullyConnected', ...after];
    case 'MaxPooling2D':
      return ['AddMaxPool2D'];
    case 'AveragePooling2D':
      return ['AddAveragePool2D'];
    case 'GlobalAveragePooling2D':
      return ['AddMean'];
    case 'GlobalMaxPooling2D':
      return ['AddReduceMax'];
    case 'Flatten':
    case 'Reshape':
      return ['AddReshape'];
    case 'ZeroPadding2D':
      return ['AddPad'];
    case 'BatchNormalization':
      // Not folded: a per-channel scale and shift.
      return ['AddMul', 'AddAdd'];
    case 'Activation':
      return activation === 'linear' ? [] : activationOps(activation, layer.name);
    case 'Add':
      return ['AddAdd', ...after];
    case 'Multiply':
      return ['AddMul', ...after];
    case 'Concatenate':
      return ['AddConcatenation'];
    case 'Cast':
      return [layer.to === 'int8' || layer.to === 'int4' ? 'AddQuantize' : 'AddDequantize'];
    case 'Transpose':
      return ['AddTranspose'];
    case 'Opaque':
      return [methodForBuiltin(layer.op)];
    case 'Input':
    case 'Dropout':
      return [];
  }
}

/** The distinct resolver methods, in the order the graph first needs them. */
export function tflmOperators(graph: ModelGraph): string[] {
  const plan = deployPlan(graph);
  const activationOf = new Map(plan.ops.map((op) => [op.layer.name, op.activation]));
  const methods: string[] = [];
  for (const layer of topologicalOrder(graph)) {
    const role = plan.roles.get(layer.name)?.role;
    let ops: string[] = [];
    if (role === 'op') ops = opsOf(layer, activationOf.get(layer.name) ?? 'linear');
    else if (role === 'alias') ops = opsOf(layer, 'linear');
    // The file's own operator where it differs from what the type converts to (SQUEEZE for a Reshape).
    if (layer.sourceOp && ops.length > 0) ops = [methodForBuiltin(layer.sourceOp), ...ops.slice(1)];
    for (const op of ops) if (!methods.includes(op)) methods.push(op);
  }
  return methods;
}
