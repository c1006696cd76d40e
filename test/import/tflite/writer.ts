// A TensorFlow Lite writer for tests: turns a Frontier graph into a .tflite file the way the TFLite converter lays
// one out (BatchNormalization folded into a bias, ReLU-family activations fused, Flatten as RESHAPE, softmax and
// the like as operators of their own, tensors in execution order, constant data at the end of the file), through
// the same flatc-generated code the importer reads with. Two steps, so that other tests can change the plan before
// it is written (the fuzz cases do): `planTflite` → TflitePlan (plain data) → `serializeTflite` → bytes.
import { Builder } from 'flatbuffers';
import { deployPlan } from '../../../src/shared/model/deploy';
import { outputNames, topologicalOrder } from '../../../src/shared/model/graph';
import { inferShapes } from '../../../src/shared/model/shapes';
import type { ActivationName, Layer, ModelGraph } from '../../../src/shared/model/types';
import { ActivationFunctionType } from '../../../src/main/import/tflite/generated/tflite/activation-function-type';
import { AddOptions } from '../../../src/main/import/tflite/generated/tflite/add-options';
import { Buffer as TflBuffer } from '../../../src/main/import/tflite/generated/tflite/buffer';
import { BuiltinOperator } from '../../../src/main/import/tflite/generated/tflite/builtin-operator';
import { BuiltinOptions } from '../../../src/main/import/tflite/generated/tflite/builtin-options';
import { ConcatenationOptions } from '../../../src/main/import/tflite/generated/tflite/concatenation-options';
import { Conv2DOptions } from '../../../src/main/import/tflite/generated/tflite/conv2doptions';
import { DepthwiseConv2DOptions } from '../../../src/main/import/tflite/generated/tflite/depthwise-conv2doptions';
import { FullyConnectedOptions } from '../../../src/main/import/tflite/generated/tflite/fully-connected-options';
import { Model } from '../../../src/main/import/tflite/generated/tflite/model';
import { MulOptions } from '../../../src/main/import/tflite/generated/tflite/mul-options';
import { Operator } from '../../../src/main/import/tflite/generated/tflite/operator';
import { OperatorCode } from '../../../src/main/import/tflite/generated/tflite/operator-code';
import { Padding } from '../../../src/main/import/tflite/generated/tflite/padding';
import { Pool2DOptions } from '../../../src/main/import/tflite/generated/tflite/pool2doptions';
import { ReducerOptions } from '../../../src/main/import/tflite/generated/tflite/reducer-options';
import { SubGraph } from '../../../src/main/import/tflite/generated/tflite/sub-graph';
import { Tensor } from '../../../src/main/import/tflite/generated/tflite/tensor';
import { TensorType } from '../../../src/main/import/tflite/generated/tflite/tensor-type';

export { BuiltinOperator, BuiltinOptions, TensorType, ActivationFunctionType, Padding };

export interface PlanTensor {
  /** null writes no name (the importer generates one). */
  name: string | null;
  /** Batch dimension included. */
  shape: number[];
  type: TensorType;
  buffer: number;
}

export interface PlanBuffer {
  /** Bytes of constant data (0 for an activation's empty buffer). */
  size: number;
  /** The data; zeros when absent. */
  data?: Uint8Array;
  /** Kept outside the FlatBuffer, located by offset and size, as TFLite writes models over 2 GB. */
  external?: boolean;
}

/** An operator's options: the option table's fields in the schema's order (see `OPTION_WRITERS`). */
export interface PlanOptions {
  type: BuiltinOptions;
  fields: number[];
}

export interface PlanOperator {
  builtin: number;
  /** A custom operator's name (with builtin = CUSTOM). */
  custom?: string;
  inputs: number[];
  outputs: number[];
  options?: PlanOptions;
}

/** How an OperatorCode spells its builtin code: both fields (current converters), or one of them. */
export type OpcodeStyle = 'both' | 'deprecated' | 'builtin';

export interface TflitePlan {
  tensors: PlanTensor[];
  /** Buffer 0 is the empty sentinel. */
  buffers: PlanBuffer[];
  operators: PlanOperator[];
  inputs: number[];
  outputs: number[];
  opcodeStyle: OpcodeStyle;
  description: string;
  /** Extra empty subgraphs after subgraph 0. */
  extraSubgraphs?: number;
}

export interface WriterOptions {
  /** fp32 (default): float everything; int8: int8 weights and activations, int32 biases; hybrid: int8 weights, float the rest. */
  precision?: 'fp32' | 'int8' | 'hybrid';
  /** int8 only: float32 model inputs quantized by QUANTIZE, float32 outputs from DEQUANTIZE. */
  floatIo?: boolean;
  opcodeStyle?: OpcodeStyle;
  /** Leave every activation tensor unnamed. */
  unnamed?: boolean;
  /** Weight and bias tensors of equal type and size share one buffer (converters deduplicate equal data). */
  shareBuffers?: boolean;
  /** Keep constant data outside the FlatBuffer (the >2 GB layout). */
  externalData?: boolean;
}

const FUSABLE: Partial<Record<ActivationName, ActivationFunctionType>> = {
  linear: ActivationFunctionType.NONE,
  relu: ActivationFunctionType.RELU,
  relu6: ActivationFunctionType.RELU6,
  relu_n1_to_1: ActivationFunctionType.RELU_N1_TO_1,
  tanh: ActivationFunctionType.TANH,
};

const ACTIVATION_OPS: Partial<Record<ActivationName, BuiltinOperator>> = {
  relu: BuiltinOperator.RELU,
  relu6: BuiltinOperator.RELU6,
  relu_n1_to_1: BuiltinOperator.RELU_N1_TO_1,
  tanh: BuiltinOperator.TANH,
  sigmoid: BuiltinOperator.LOGISTIC,
  softmax: BuiltinOperator.SOFTMAX,
  hard_swish: BuiltinOperator.HARD_SWISH,
};

const BYTES: Partial<Record<TensorType, number>> = {
  [TensorType.FLOAT32]: 4,
  [TensorType.FLOAT16]: 2,
  [TensorType.INT32]: 4,
  [TensorType.INT8]: 1,
  [TensorType.UINT8]: 1,
  [TensorType.INT16]: 2,
  [TensorType.INT64]: 8,
};

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

export function int32Data(values: readonly number[]): Uint8Array {
  return new Uint8Array(Int32Array.from(values).buffer);
}

/** Plans a .tflite file for a Frontier graph. */
export function planTflite(graph: ModelGraph, options: WriterOptions = {}): TflitePlan {
  const precision = options.precision ?? 'fp32';
  const actType = precision === 'int8' ? TensorType.INT8 : TensorType.FLOAT32;
  const weightType = precision === 'fp32' ? TensorType.FLOAT32 : TensorType.INT8;
  const biasType = precision === 'int8' ? TensorType.INT32 : TensorType.FLOAT32;
  const shapes = inferShapes(graph);
  const deploy = deployPlan(graph);
  const plan: TflitePlan = {
    tensors: [],
    buffers: [{ size: 0 }],
    operators: [],
    inputs: [],
    outputs: [],
    opcodeStyle: options.opcodeStyle ?? 'both',
    description: 'Frontier test writer',
  };
  const shared = new Map<string, number>();
  const tensor = (name: string, shape: number[], type: TensorType = actType): number => {
    plan.tensors.push({ name: options.unnamed ? null : name, shape: [1, ...shape], type, buffer: 0 });
    return plan.tensors.length - 1;
  };
  const constant = (name: string, shape: number[], type: TensorType, data?: Uint8Array): number => {
    const size = data?.length ?? product(shape) * (BYTES[type] as number);
    const key = `${type}:${size}`;
    let buffer = options.shareBuffers && !data ? shared.get(key) : undefined;
    if (buffer === undefined) {
      plan.buffers.push({ size, ...(data ? { data } : {}), ...(options.externalData ? { external: true } : {}) });
      buffer = plan.buffers.length - 1;
      shared.set(key, buffer);
    }
    plan.tensors.push({ name, shape, type, buffer });
    return plan.tensors.length - 1;
  };
  const op = (builtin: number, inputs: number[], outputs: number[], opts?: PlanOptions, custom?: string): void => {
    plan.operators.push({ builtin, inputs, outputs, ...(opts ? { options: opts } : {}), ...(custom ? { custom } : {}) });
  };
  const tensorOf = new Map<string, number>();
  const afterActivation = new Map<string, number>();
  const source = (layer: Layer, i = 0): number => tensorOf.get(layer.inputs[i]) as number;
  const shapeOf = (name: string): number[] => shapes.get(name) as number[];
  const padding = (p: 'same' | 'valid'): number => (p === 'same' ? Padding.SAME : Padding.VALID);

  for (const layer of topologicalOrder(graph)) {
    const role = deploy.roles.get(layer.name)!;
    switch (role.role) {
      case 'input': {
        if (precision === 'int8' && options.floatIo) {
          const raw = tensor(layer.name, shapeOf(layer.name), TensorType.FLOAT32);
          const q = tensor(`${layer.name}/quantize`, shapeOf(layer.name));
          op(BuiltinOperator.QUANTIZE, [raw], [q]);
          plan.inputs.push(raw);
          tensorOf.set(layer.name, q);
        } else {
          const t = tensor(layer.name, shapeOf(layer.name));
          plan.inputs.push(t);
          tensorOf.set(layer.name, t);
        }
        continue;
      }
      case 'folded':
        tensorOf.set(layer.name, tensorOf.get(role.into!)!);
        continue;
      case 'fused':
        tensorOf.set(layer.name, afterActivation.get(role.into!) ?? tensorOf.get(role.into!)!);
        continue;
      case 'removed':
        tensorOf.set(layer.name, source(layer));
        continue;
      case 'alias': {
        const shape = shapeOf(layer.name);
        const target = constant(`${layer.name}/shape`, [shape.length + 1], TensorType.INT32, int32Data([1, ...shape]));
        const out = tensor(layer.name, shape);
        op(BuiltinOperator.RESHAPE, [source(layer), target], [out]);
        tensorOf.set(layer.name, out);
        continue;
      }
      default:
        break;
    }
    const deployed = deploy.ops.find((o) => o.layer.name === layer.name)!;
    const activation = deployed.activation;
    const fusable = FUSABLE[activation] !== undefined;
    const fused = fusable ? (FUSABLE[activation] as number) : ActivationFunctionType.NONE;
    const hasBias = 'useBias' in layer && (layer.useBias || deployed.foldedBatchNorm !== undefined);
    const outShape = shapeOf(layer.name);
    const inShape = layer.inputs.length > 0 ? shapeOf(layer.inputs[0]) : [];
    const weights = (shape: number[]): number => constant(`${layer.name}/kernel`, shape, weightType);
    const bias = (count: number): number => (hasBias ? constant(`${layer.name}/bias`, [count], biasType) : -1);
    let out: number;
    switch (layer.type) {
      case 'Conv2D': {
        const w = weights([layer.filters, layer.kernel[0], layer.kernel[1], inShape[2] / layer.groups]);
        const b = bias(layer.filters);
        out = tensor(layer.name, outShape);
        op(BuiltinOperator.CONV_2D, [source(layer), w, b], [out], {
          type: BuiltinOptions.Conv2DOptions,
          fields: [padding(layer.padding), layer.strides[1], layer.strides[0], fused, layer.dilation[1], layer.dilation[0]],
        });
        break;
      }
      case 'DepthwiseConv2D': {
        const w = weights([1, layer.kernel[0], layer.kernel[1], outShape[2]]);
        const b = bias(outShape[2]);
        out = tensor(layer.name, outShape);
        op(BuiltinOperator.DEPTHWISE_CONV_2D, [source(layer), w, b], [out], {
          type: BuiltinOptions.DepthwiseConv2DOptions,
          fields: [padding(layer.padding), layer.strides[1], layer.strides[0], layer.depthMultiplier, fused, layer.dilation[1], layer.dilation[0]],
        });
        break;
      }
      case 'SeparableConv2D': {
        const mid = inShape[2] * layer.depthMultiplier;
        const dw = constant(`${layer.name}/depthwise_kernel`, [1, layer.kernel[0], layer.kernel[1], mid], weightType);
        const midOut = tensor(`${layer.name}/depthwise`, [outShape[0], outShape[1], mid]);
        op(BuiltinOperator.DEPTHWISE_CONV_2D, [source(layer), dw], [midOut], {
          type: BuiltinOptions.DepthwiseConv2DOptions,
          fields: [padding(layer.padding), layer.strides[1], layer.strides[0], layer.depthMultiplier, ActivationFunctionType.NONE, layer.dilation[1], layer.dilation[0]],
        });
        const pw = constant(`${layer.name}/pointwise_kernel`, [layer.filters, 1, 1, mid], weightType);
        const b = bias(layer.filters);
        out = tensor(layer.name, outShape);
        op(BuiltinOperator.CONV_2D, [midOut, pw, b], [out], {
          type: BuiltinOptions.Conv2DOptions,
          fields: [Padding.VALID, 1, 1, fused, 1, 1],
        });
        break;
      }
      case 'Dense': {
        const depth = layer.flattenInput ? product(inShape) : inShape[inShape.length - 1];
        const w = weights([layer.units, depth]);
        const b = bias(layer.units);
        out = tensor(layer.name, outShape);
        const keepNumDims = !layer.flattenInput && inShape.length > 1 ? 1 : 0;
        op(BuiltinOperator.FULLY_CONNECTED, [source(layer), w, b], [out], {
          type: BuiltinOptions.FullyConnectedOptions,
          fields: [fused, 0, keepNumDims],
        });
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        out = tensor(layer.name, outShape);
        op(layer.type === 'MaxPooling2D' ? BuiltinOperator.MAX_POOL_2D : BuiltinOperator.AVERAGE_POOL_2D, [source(layer)], [out], {
          type: BuiltinOptions.Pool2DOptions,
          fields: [padding(layer.padding), layer.strides[1], layer.strides[0], layer.pool[1], layer.pool[0], ActivationFunctionType.NONE],
        });
        break;
      case 'GlobalAveragePooling2D': {
        const axes = constant(`${layer.name}/axes`, [2], TensorType.INT32, int32Data([1, 2]));
        out = tensor(layer.name, outShape);
        op(BuiltinOperator.MEAN, [source(layer), axes], [out], { type: BuiltinOptions.ReducerOptions, fields: [layer.keepDims ? 1 : 0] });
        break;
      }
      case 'ZeroPadding2D': {
        const [[t, b], [l, r]] = layer.padding;
        const paddings = constant(`${layer.name}/paddings`, [4, 2], TensorType.INT32, int32Data([0, 0, t, b, l, r, 0, 0]));
        out = tensor(layer.name, outShape);
        op(BuiltinOperator.PAD, [source(layer), paddings], [out]);
        break;
      }
      case 'Activation': {
        const code = ACTIVATION_OPS[layer.activation];
        if (code === undefined) throw new Error(`writer: no TFLite operator for activation ${layer.activation}`);
        out = tensor(layer.name, outShape);
        op(code, [source(layer)], [out]);
        tensorOf.set(layer.name, out);
        continue;
      }
      case 'Add':
      case 'Multiply': {
        const inputs = layer.inputs.map((_, i) => source(layer, i));
        if (layer.constantOperand) inputs.push(constant(`${layer.name}/constant`, [outShape[outShape.length - 1]], actType));
        if (inputs.length !== 2) throw new Error(`writer: ${layer.name} has ${inputs.length} operands; TFLite's ${layer.type} takes 2`);
        out = tensor(layer.name, outShape);
        const add = layer.type === 'Add';
        op(add ? BuiltinOperator.ADD : BuiltinOperator.MUL, inputs, [out], {
          type: add ? BuiltinOptions.AddOptions : BuiltinOptions.MulOptions,
          fields: [fused],
        });
        break;
      }
      case 'Concatenate': {
        const rank = inShape.length;
        const axis = (layer.axis < 0 ? layer.axis + rank : layer.axis) + 1;
        out = tensor(layer.name, outShape);
        op(BuiltinOperator.CONCATENATION, layer.inputs.map((_, i) => source(layer, i)), [out], {
          type: BuiltinOptions.ConcatenationOptions,
          fields: [axis, ActivationFunctionType.NONE],
        });
        break;
      }
      case 'Cast': {
        const to = layer.to === 'fp32' ? TensorType.FLOAT32 : layer.to === 'fp16' ? TensorType.FLOAT16 : TensorType.INT8;
        out = tensor(layer.name, outShape, to);
        op(to === TensorType.INT8 ? BuiltinOperator.QUANTIZE : BuiltinOperator.DEQUANTIZE, [source(layer)], [out]);
        break;
      }
      case 'Opaque': {
        out = tensor(layer.name, outShape);
        const builtin = (BuiltinOperator as unknown as Record<string, number>)[layer.op];
        const inputs = layer.inputs.map((_, i) => source(layer, i));
        if (builtin === undefined) op(BuiltinOperator.CUSTOM, inputs, [out], undefined, layer.op);
        else op(builtin, inputs, [out]);
        break;
      }
      default:
        throw new Error(`writer: ${layer.type} layers are not written`);
    }
    tensorOf.set(layer.name, out);
    if (!fusable) {
      // Softmax, sigmoid and the like follow as operators of their own.
      const code = ACTIVATION_OPS[activation];
      if (code === undefined) throw new Error(`writer: no TFLite operator for activation ${activation}`);
      const absorbed = deployed.absorbed.find((name) => graph.layers.find((l) => l.name === name)?.type === 'Activation');
      const after = tensor(absorbed ?? `${layer.name}/${activation}`, outShape);
      op(code, [out], [after]);
      if (absorbed) afterActivation.set(layer.name, after);
      else tensorOf.set(layer.name, after);
    }
  }
  for (const name of outputNames(graph)) {
    let t = tensorOf.get(name) as number;
    if (precision === 'int8' && options.floatIo) {
      const f = tensor(`${name}/dequantize`, shapeOf(name), TensorType.FLOAT32);
      op(BuiltinOperator.DEQUANTIZE, [t], [f]);
      t = f;
    }
    plan.outputs.push(t);
  }
  return plan;
}

type OptionWriter = (b: Builder, f: number[]) => number;

/** Option tables by union type; `fields` in the schema's order. */
const OPTION_WRITERS: Partial<Record<BuiltinOptions, OptionWriter>> = {
  [BuiltinOptions.Conv2DOptions]: (b, f) => Conv2DOptions.createConv2DOptions(b, f[0], f[1], f[2], f[3], f[4] ?? 1, f[5] ?? 1),
  [BuiltinOptions.DepthwiseConv2DOptions]: (b, f) =>
    DepthwiseConv2DOptions.createDepthwiseConv2DOptions(b, f[0], f[1], f[2], f[3], f[4], f[5] ?? 1, f[6] ?? 1),
  [BuiltinOptions.Pool2DOptions]: (b, f) => Pool2DOptions.createPool2DOptions(b, f[0], f[1], f[2], f[3], f[4], f[5]),
  [BuiltinOptions.FullyConnectedOptions]: (b, f) => FullyConnectedOptions.createFullyConnectedOptions(b, f[0], f[1], Boolean(f[2])),
  [BuiltinOptions.ConcatenationOptions]: (b, f) => ConcatenationOptions.createConcatenationOptions(b, f[0], f[1]),
  [BuiltinOptions.AddOptions]: (b, f) => AddOptions.createAddOptions(b, f[0]),
  [BuiltinOptions.MulOptions]: (b, f) => MulOptions.createMulOptions(b, f[0]),
  [BuiltinOptions.ReducerOptions]: (b, f) => ReducerOptions.createReducerOptions(b, Boolean(f[0])),
};

let zeros = new Uint8Array(0);
const zeroBytes = (n: number): Uint8Array => {
  if (zeros.length < n) zeros = new Uint8Array(n);
  return zeros.subarray(0, n);
};

/** Writes a plan as a .tflite FlatBuffer (constant data last, 16-byte aligned, as the converter writes it). */
export function serializeTflite(plan: TflitePlan): Uint8Array {
  const external = plan.buffers.some((b) => b.external);
  const first = build(plan, null);
  if (!external) return first;
  // Models over 2 GB: the FlatBuffer, then each external buffer 16-byte aligned. The offsets are fixed-width
  // fields, so the second build has the size of the first.
  const offsets: number[] = [];
  let end = first.length;
  for (const buffer of plan.buffers) {
    if (!buffer.external || buffer.size === 0) {
      offsets.push(0);
      continue;
    }
    end = Math.ceil(end / 16) * 16;
    offsets.push(end);
    end += buffer.size;
  }
  const flat = build(plan, offsets);
  const file = new Uint8Array(end);
  file.set(flat, 0);
  plan.buffers.forEach((buffer, i) => {
    if (offsets[i] > 0 && buffer.data) file.set(buffer.data, offsets[i]);
  });
  return file;
}

function build(plan: TflitePlan, externalOffsets: number[] | null): Uint8Array {
  const dataBytes = plan.buffers.reduce((sum, b) => sum + (b.external ? 0 : b.size + 32), 0);
  const b = new Builder(dataBytes + 1024 + 256 * (plan.tensors.length + plan.operators.length + plan.buffers.length));
  const buffers = plan.buffers.map((buffer, i) => {
    if (buffer.external) {
      const offset = externalOffsets?.[i] ?? 2;
      return TflBuffer.createBuffer(b, 0, BigInt(offset > 1 ? offset : 2), BigInt(buffer.size));
    }
    let data = 0;
    if (buffer.size > 0) {
      b.prep(16, buffer.size);
      data = b.createByteVector(buffer.data ?? zeroBytes(buffer.size));
    }
    return TflBuffer.createBuffer(b, data, 0n, 0n);
  });
  const tensors = plan.tensors.map((t) =>
    createTensor(b, Tensor.createShapeVector(b, t.shape), t.type, t.buffer, t.name === null ? 0 : b.createString(t.name)),
  );
  const codes: { builtin: number; custom?: string }[] = [];
  const codeIndex = (op: PlanOperator): number => {
    let i = codes.findIndex((c) => c.builtin === op.builtin && c.custom === op.custom);
    if (i < 0) {
      codes.push({ builtin: op.builtin, ...(op.custom ? { custom: op.custom } : {}) });
      i = codes.length - 1;
    }
    return i;
  };
  const operators = plan.operators.map((op) => {
    const opcode = codeIndex(op);
    const inputs = Operator.createInputsVector(b, op.inputs);
    const outputs = Operator.createOutputsVector(b, op.outputs);
    let optionsType = BuiltinOptions.NONE;
    let options = 0;
    if (op.options) {
      const writer = OPTION_WRITERS[op.options.type];
      if (!writer) throw new Error(`writer: no writer for options ${op.options.type}`);
      options = writer(b, op.options.fields);
      optionsType = op.options.type;
    }
    return Operator.createOperator(b, opcode, inputs, outputs, optionsType, options);
  });
  const opcodes = codes.map((c) => {
    const custom = c.custom ? b.createString(c.custom) : 0;
    const deprecated = Math.min(c.builtin, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES);
    const style = plan.opcodeStyle;
    return OperatorCode.createOperatorCode(
      b,
      style === 'builtin' ? 0 : deprecated,
      custom,
      1,
      style === 'deprecated' ? BuiltinOperator.ADD : c.builtin,
    );
  });
  const mainGraph = SubGraph.createSubGraph(
    b,
    SubGraph.createTensorsVector(b, tensors),
    SubGraph.createInputsVector(b, plan.inputs),
    SubGraph.createOutputsVector(b, plan.outputs),
    SubGraph.createOperatorsVector(b, operators),
    b.createString('main'),
  );
  const extra = Array.from({ length: plan.extraSubgraphs ?? 0 }, () => SubGraph.createSubGraph(b, 0, 0, 0, 0, 0));
  const model = Model.createModel(
    b,
    3,
    Model.createOperatorCodesVector(b, opcodes),
    Model.createSubgraphsVector(b, [mainGraph, ...extra]),
    b.createString(plan.description),
    Model.createBuffersVector(b, buffers),
    0,
    0,
  );
  b.finish(model, 'TFL3');
  return b.asUint8Array();
}

/** A Frontier graph as .tflite bytes. */
export function graphToTflite(graph: ModelGraph, options: WriterOptions = {}): Uint8Array {
  return serializeTflite(planTflite(graph, options));
}

/** The same plan with tensors renumbered: tensor k moves to index `to[k]` (a permutation); references follow. */
export function renumberTensors(plan: TflitePlan, to: readonly number[]): TflitePlan {
  const tensors = new Array<PlanTensor>(plan.tensors.length);
  plan.tensors.forEach((t, k) => {
    tensors[to[k]] = t;
  });
  const map = (k: number): number => (k < 0 ? k : to[k]);
  return {
    ...plan,
    tensors,
    inputs: plan.inputs.map(map),
    outputs: plan.outputs.map(map),
    operators: plan.operators.map((o) => ({ ...o, inputs: o.inputs.map(map), outputs: o.outputs.map(map) })),
  };
}

/** Activation tensors (no constant data) in reverse index order, constants where they were. */
export function reverseActivationOrder(plan: TflitePlan): TflitePlan {
  const activations = plan.tensors.flatMap((t, k) => (plan.buffers[t.buffer].size === 0 ? [k] : []));
  const to = plan.tensors.map((_, k) => k);
  const reversed = [...activations].reverse();
  activations.forEach((k, j) => {
    to[k] = reversed[j];
  });
  return renumberTensors(plan, to);
}

/** A Tensor table (flatc writes no one-call constructor for a table with a table-valued field). */
export function createTensor(b: Builder, shape: number, type: number, buffer: number, name: number, quantization = 0): number {
  Tensor.startTensor(b);
  Tensor.addShape(b, shape);
  Tensor.addType(b, type);
  Tensor.addBuffer(b, buffer);
  if (name) Tensor.addName(b, name);
  if (quantization) Tensor.addQuantization(b, quantization);
  return Tensor.endTensor(b);
}
