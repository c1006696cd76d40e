// A prepared configuration written as a TensorFlow Lite file (schema version 3), as TFLite's converter writes a model:
// float configurations as float models; int8 ones as full-integer models with int8 input and output tensors (no
// QUANTIZE / DEQUANTIZE at the ends), int8 filters quantized per output channel, int32 biases, and every activation
// tensor at the scale and zero point Frontier ran it with. Operators are written with their fused activations; the
// FlatBuffer itself is written in tfliteFile.ts.
//
// Layouts go back from the engine's canonical ones: Conv2D [O, I/g, kh, kw] → OHWI, depthwise [C·m, 1, kh, kw] →
// [1, kh, kw, C·m], Dense [units, inputs] as is. BatchNormalization is folded into the layer before it (an int8 run
// has already folded it); one that cannot be folded is refused.
import { splitWithScales } from '../../../shared/model/splitActivations';
import { foldBatchNorm } from '../../../shared/engine/quantize';
import { realValues } from '../../../shared/engine/tensorOps';
import type { ActivationQuantization, LayerWeights, WeightTensor } from '../../../shared/engine/weights';
import { deployPlan, type DeployedOp } from '../../../shared/model/deploy';
import { topologicalOrder } from '../../../shared/model/graph';
import { inferShapes } from '../../../shared/model/shapes';
import { isComputeLayer, ModelError, type ActivationName, type Layer } from '../../../shared/model/types';
import { ActivationFunctionType } from '../../import/tflite/generated/tflite/activation-function-type';
import { AddOptions } from '../../import/tflite/generated/tflite/add-options';
import { BuiltinOperator } from '../../import/tflite/generated/tflite/builtin-operator';
import { BuiltinOptions } from '../../import/tflite/generated/tflite/builtin-options';
import { ConcatenationOptions } from '../../import/tflite/generated/tflite/concatenation-options';
import { Conv2DOptions } from '../../import/tflite/generated/tflite/conv2doptions';
import { DepthwiseConv2DOptions } from '../../import/tflite/generated/tflite/depthwise-conv2doptions';
import { FullyConnectedOptions } from '../../import/tflite/generated/tflite/fully-connected-options';
import { MulOptions } from '../../import/tflite/generated/tflite/mul-options';
import { PadOptions } from '../../import/tflite/generated/tflite/pad-options';
import { Padding } from '../../import/tflite/generated/tflite/padding';
import { Pool2DOptions } from '../../import/tflite/generated/tflite/pool2doptions';
import { ReducerOptions } from '../../import/tflite/generated/tflite/reducer-options';
import { ReshapeOptions } from '../../import/tflite/generated/tflite/reshape-options';
import { SoftmaxOptions } from '../../import/tflite/generated/tflite/softmax-options';
import { TensorType } from '../../import/tflite/generated/tflite/tensor-type';
import type { PreparedRun } from '../configure';
import { writeTfliteFile, type OperatorSpec, type TensorSpec } from './tfliteFile';

export { MIN_RUNTIME_VERSION, TFLITE_SCHEMA_VERSION } from './tfliteFile';

/** Activations an operator can fuse (TFLite's ActivationFunctionType); TFLM's int8 kernels clamp to these. */
const FUSABLE: Partial<Record<ActivationName, ActivationFunctionType>> = {
  linear: ActivationFunctionType.NONE,
  relu: ActivationFunctionType.RELU,
  relu6: ActivationFunctionType.RELU6,
  relu_n1_to_1: ActivationFunctionType.RELU_N1_TO_1,
};

/** Activations written as an operator of their own. */
const STANDALONE: Partial<Record<ActivationName, BuiltinOperator>> = {
  softmax: BuiltinOperator.SOFTMAX,
  sigmoid: BuiltinOperator.LOGISTIC,
  tanh: BuiltinOperator.TANH,
  relu: BuiltinOperator.RELU,
  relu6: BuiltinOperator.RELU6,
  relu_n1_to_1: BuiltinOperator.RELU_N1_TO_1,
  hard_swish: BuiltinOperator.HARD_SWISH,
};

const f32 = Math.fround;

export function emitTflite(prepared: PreparedRun): Uint8Array {
  return new TfliteWriter(asDeployed(prepared)).write();
}

/** An int8 run's activations that TFLM does not fuse become operators of their own, with the scales the run used. */
function asDeployed(prepared: PreparedRun): PreparedRun {
  const activations = prepared.weights.activations;
  if (prepared.precision.activations !== 'int8' || !activations) return prepared;
  const split = splitWithScales(prepared.graph, activations);
  return { ...prepared, graph: split.graph, weights: { ...prepared.weights, activations: split.activations } };
}

class TfliteWriter {
  private readonly int8: boolean;
  private readonly tensors: TensorSpec[] = [];
  private readonly buffers: Uint8Array[] = [new Uint8Array(0)];
  private readonly operators: OperatorSpec[] = [];
  /** Framework layer → the tensor holding its output. */
  private readonly tensorOfLayer = new Map<string, number>();
  private readonly shapes: ReturnType<typeof inferShapes>;
  private readonly plan: ReturnType<typeof deployPlan>;
  private readonly layerByName: Map<string, Layer>;

  constructor(private readonly prepared: PreparedRun) {
    const { precision } = prepared;
    this.int8 = precision.activations === 'int8';
    if (this.int8 ? precision.weights !== 'int8' : precision.weights === 'int8' || precision.weights === 'int4' || precision.activations === 'int4') {
      throw new ModelError(
        `a ${precision.name} configuration cannot be written as a TensorFlow Lite file yet: Frontier writes float (fp32, fp16) and full-integer int8 models`,
      );
    }
    this.shapes = inferShapes(prepared.graph);
    this.plan = deployPlan(prepared.graph);
    this.layerByName = new Map(prepared.graph.layers.map((l) => [l.name, l]));
  }

  private fail(layer: string, message: string): never {
    throw new ModelError(`layer ${layer}: ${message} (writing a TensorFlow Lite file)`, layer);
  }

  // ---- tensors ----

  private addBuffer(bytes: Uint8Array): number {
    this.buffers.push(bytes);
    return this.buffers.length - 1;
  }

  private addTensor(spec: TensorSpec): number {
    this.tensors.push(spec);
    return this.tensors.length - 1;
  }

  private quant(owner: string): ActivationQuantization {
    const q = this.prepared.weights.activations?.[owner];
    if (!q) this.fail(owner, 'its output has no int8 scale and zero point');
    return q;
  }

  /** The activation tensor a layer writes, quantized as the tensor `owner` of the run. */
  private activation(name: string, shape: number[], owner: string): number {
    const q = this.int8 ? this.quant(owner) : undefined;
    return this.addTensor({
      name,
      shape: [1, ...shape],
      type: this.int8 ? TensorType.INT8 : TensorType.FLOAT32,
      buffer: 0,
      ...(q ? { quantization: { scale: [f32(q.scale)], zeroPoint: [q.zeroPoint] } } : {}),
    });
  }

  private constant(name: string, shape: number[], data: Float32Array | Int8Array | Int32Array, type: TensorType, quantization?: TensorSpec['quantization']): number {
    const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    return this.addTensor({ name, shape, type, buffer: this.addBuffer(bytes), ...(quantization ? { quantization } : {}) });
  }

  private int32Constant(name: string, values: number[]): number {
    return this.constant(name, [values.length], Int32Array.from(values), TensorType.INT32);
  }

  private input(layer: Layer, index = 0): number {
    const t = this.tensorOfLayer.get(layer.inputs[index]);
    if (t === undefined) this.fail(layer.name, `reads ${layer.inputs[index]} before it is written`);
    return t;
  }

  private shape(layer: string): number[] {
    return this.shapes.get(layer) as number[];
  }

  // ---- weights ----

  /** The layer's weights as deployed: BatchNormalization folded in (an int8 run has folded it already). */
  private deployedWeights(op: DeployedOp): LayerWeights {
    const w = this.prepared.weights.layers[op.layer.name];
    if (!w?.kernel) this.fail(op.layer.name, 'has no weights');
    if (!op.foldedBatchNorm || this.int8) return w;
    const bn = this.prepared.weights.layers[op.foldedBatchNorm];
    if (!bn) this.fail(op.foldedBatchNorm, 'has no weights to fold');
    return foldBatchNorm(w, bn, w.kernel.shape[0], 0);
  }

  /** A canonical kernel [O, a, b, c] reordered to TFLite's layout by `order` (output index → canonical index). */
  private kernelTensor(layer: string, kernel: WeightTensor, tfliteShape: number[], index: (o: number, i: number, y: number, x: number) => number, axis: number): number {
    const [O, I, KH, KW] = kernel.shape;
    const n = O * I * KH * KW;
    if (this.int8) {
      if (!(kernel.data instanceof Int8Array) || !kernel.quantization) this.fail(layer, 'its filter is not int8 with per-channel scales');
      const data = new Int8Array(n);
      for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) for (let y = 0; y < KH; y++) for (let x = 0; x < KW; x++) {
        data[index(o, i, y, x)] = kernel.data[((o * I + i) * KH + y) * KW + x];
      }
      return this.constant(`${layer}/filter`, tfliteShape, data, TensorType.INT8, this.channelQuantization(layer, kernel, O, axis));
    }
    const values = realValues(kernel, `${layer} kernel`);
    const data = new Float32Array(n);
    for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) for (let y = 0; y < KH; y++) for (let x = 0; x < KW; x++) {
      data[index(o, i, y, x)] = values[((o * I + i) * KH + y) * KW + x];
    }
    return this.constant(`${layer}/filter`, tfliteShape, data, TensorType.FLOAT32);
  }

  private channelQuantization(layer: string, t: WeightTensor, channels: number, axis: number): TensorSpec['quantization'] {
    const q = t.quantization;
    if (!q) this.fail(layer, 'its integer weights have no scale');
    if (q.zeroPoint.some((z) => z !== 0)) this.fail(layer, 'its int8 weights have a non-zero zero point; TFLite int8 weights are symmetric');
    const scale = Array.from({ length: channels }, (_, c) => f32(q.scale[q.scale.length === 1 ? 0 : c]));
    return { scale, zeroPoint: new Array<number>(channels).fill(0), axis };
  }

  private biasTensor(layer: string, w: LayerWeights, channels: number): number {
    if (this.int8) {
      const bias = w.bias;
      if (!bias || !(bias.data instanceof Int32Array)) this.fail(layer, 'its bias is not int32');
      return this.constant(`${layer}/bias`, [channels], bias.data, TensorType.INT32, this.channelQuantization(layer, bias, channels, 0));
    }
    if (!w.bias) return -1;
    return this.constant(`${layer}/bias`, [channels], Float32Array.from(realValues(w.bias, `${layer} bias`)), TensorType.FLOAT32);
  }

  // ---- operators ----

  /** The fused activation code, or NONE with the activation written after the operator (a float softmax). */
  private fused(op: DeployedOp): { code: ActivationFunctionType; after?: ActivationName } {
    const code = FUSABLE[op.activation];
    if (code !== undefined) return { code };
    if (this.int8 || STANDALONE[op.activation] === undefined) {
      this.fail(op.layer.name, `its ${op.activation} activation cannot be fused into a TFLite ${op.layer.type} operator${this.int8 ? ' of an int8 model' : ''}`);
    }
    return { code: ActivationFunctionType.NONE, after: op.activation };
  }

  /** Writes the op's output tensor (and an activation operator after it when it cannot be fused). */
  private emitOp(op: DeployedOp, code: BuiltinOperator, inputs: number[], options: OperatorSpec['options'] | ((fused: ActivationFunctionType) => OperatorSpec['options'])): void {
    const { layer } = op;
    const shape = this.shape(layer.name);
    const hasActivation = typeof options === 'function';
    const fused = hasActivation ? this.fused(op) : { code: ActivationFunctionType.NONE };
    const opts = typeof options === 'function' ? options(fused.code) : options;
    const out = this.activation(fused.after ? `${layer.name}/linear` : layer.name, shape, layer.name);
    this.operators.push({ code, inputs, outputs: [out], ...(opts ? { options: opts } : {}) });
    let result = out;
    if (fused.after) {
      result = this.activation(layer.name, shape, layer.name);
      this.operators.push({ code: STANDALONE[fused.after] as BuiltinOperator, inputs: [out], outputs: [result], ...this.activationOptions(fused.after) });
    }
    this.tensorOfLayer.set(layer.name, result);
  }

  private activationOptions(activation: ActivationName): Pick<OperatorSpec, 'options'> {
    if (activation !== 'softmax') return {};
    return { options: { type: BuiltinOptions.SoftmaxOptions, write: (b) => SoftmaxOptions.createSoftmaxOptions(b, 1) } };
  }

  private padding(p: 'same' | 'valid'): Padding {
    return p === 'same' ? Padding.SAME : Padding.VALID;
  }

  write(): Uint8Array {
    const opOf = new Map(this.plan.ops.map((op) => [op.layer.name, op]));
    for (const layer of topologicalOrder(this.prepared.graph)) {
      const role = this.plan.roles.get(layer.name);
      if (!role) this.fail(layer.name, 'is not part of the deployed graph');
      switch (role.role) {
        case 'input':
          this.tensorOfLayer.set(layer.name, this.activation(layer.name, this.shape(layer.name), layer.name));
          break;
        case 'folded':
        case 'fused':
        case 'removed':
          this.tensorOfLayer.set(layer.name, this.tensorOfLayer.get(role.into as string) as number);
          break;
        case 'alias':
          this.reshape(layer);
          break;
        case 'op':
          this.operator(opOf.get(layer.name) as DeployedOp);
          break;
      }
    }
    return writeTfliteFile({
      tensors: this.tensors,
      buffers: this.buffers,
      operators: this.operators,
      inputs: this.plan.inputs.map((l) => this.tensorOfLayer.get(l.name) as number),
      outputs: this.prepared.graph.outputs.map((l) => this.tensorOfLayer.get(l) as number),
      int8: this.int8,
      description: `Frontier: ${this.prepared.graph.name}, ${this.prepared.precision.name}`,
    });
  }

  /**
   * The H×W×C image a Dense layer reads flattened in a channel-major source's order (ONNX from PyTorch), directly or
   * through a Flatten: its columns are reordered to TFLite's channels-last flattening.
   */
  private channelMajorImage(layer: Layer): number[] | undefined {
    if (this.prepared.weights.flattenOrder !== 'chw') return undefined;
    const source = layer.inputs[0];
    const shape = this.shape(source);
    if (shape.length === 3) return shape;
    const before = this.layerByName.get(source);
    if (before && (before.type === 'Flatten' || before.type === 'Reshape') && this.shape(before.inputs[0]).length === 3) return this.shape(before.inputs[0]);
    return undefined;
  }

  /** Flatten / Reshape: TFLM's RESHAPE copies into a tensor of its own, quantized as its input. */
  private reshape(layer: Layer): void {
    const shape = this.shape(layer.name);
    if (this.prepared.weights.flattenOrder === 'chw' && (this.shape(layer.inputs[0]).length === 3 || shape.length === 3)) {
      // TFLite reshapes channels-last; a channel-major source's order is kept only where a Dense layer reads it.
      const readers = this.prepared.graph.layers.filter((l) => l.inputs.includes(layer.name));
      const outputs = this.prepared.graph.outputs.includes(layer.name);
      if (shape.length === 3 || outputs || readers.some((l) => l.type !== 'Dense')) {
        this.fail(layer.name, 'a reshape of an image in a channel-major (NCHW) model is written only when Dense layers alone read it (their weights are reordered); TFLite reshapes channels-last');
      }
    }
    const full = [1, ...shape];
    const x = this.input(layer);
    const owner = this.plan.tensorOf.get(layer.name) as string;
    const out = this.activation(layer.name, shape, owner);
    const shapeTensor = this.int32Constant(`${layer.name}/shape`, full);
    this.operators.push({
      code: BuiltinOperator.RESHAPE,
      inputs: [x, shapeTensor],
      outputs: [out],
      options: { type: BuiltinOptions.ReshapeOptions, write: (b) => ReshapeOptions.createReshapeOptions(b, ReshapeOptions.createNewShapeVector(b, full)) },
    });
    this.tensorOfLayer.set(layer.name, out);
  }

  private operator(op: DeployedOp): void {
    const { layer } = op;
    switch (layer.type) {
      case 'Conv2D': {
        const w = this.deployedWeights(op);
        const [O, I, KH, KW] = (w.kernel as WeightTensor).shape;
        const filter = this.kernelTensor(layer.name, w.kernel as WeightTensor, [O, KH, KW, I], (o, i, y, x) => ((o * KH + y) * KW + x) * I + i, 0);
        const bias = this.biasTensor(layer.name, w, O);
        return this.emitOp(op, BuiltinOperator.CONV_2D, [this.input(layer), filter, bias], (fused) => ({
          type: BuiltinOptions.Conv2DOptions,
          write: (b) => Conv2DOptions.createConv2DOptions(b, this.padding(layer.padding), layer.strides[1], layer.strides[0], fused, layer.dilation[1], layer.dilation[0]),
        }));
      }
      case 'DepthwiseConv2D': {
        const w = this.deployedWeights(op);
        const [CM, , KH, KW] = (w.kernel as WeightTensor).shape;
        const filter = this.kernelTensor(layer.name, w.kernel as WeightTensor, [1, KH, KW, CM], (o, _i, y, x) => (y * KW + x) * CM + o, 3);
        const bias = this.biasTensor(layer.name, w, CM);
        return this.emitOp(op, BuiltinOperator.DEPTHWISE_CONV_2D, [this.input(layer), filter, bias], (fused) => ({
          type: BuiltinOptions.DepthwiseConv2DOptions,
          write: (b) =>
            DepthwiseConv2DOptions.createDepthwiseConv2DOptions(
              b,
              this.padding(layer.padding),
              layer.strides[1],
              layer.strides[0],
              layer.depthMultiplier,
              fused,
              layer.dilation[1],
              layer.dilation[0],
            ),
        }));
      }
      case 'Dense': {
        const w = this.deployedWeights(op);
        const image = this.channelMajorImage(layer);
        const kernel = image ? toChannelsLastColumns(w.kernel as WeightTensor, image) : (w.kernel as WeightTensor);
        const [units, depth] = kernel.shape;
        const filter = this.kernelTensor(layer.name, { ...kernel, shape: [units, depth, 1, 1] }, [units, depth], (o, i) => o * depth + i, 0);
        const bias = this.biasTensor(layer.name, w, units);
        const inShape = this.shape(layer.inputs[0]);
        const keepNumDims = inShape.length > 1 && !layer.flattenInput;
        return this.emitOp(op, BuiltinOperator.FULLY_CONNECTED, [this.input(layer), filter, bias], (fused) => ({
          type: BuiltinOptions.FullyConnectedOptions,
          write: (b) => FullyConnectedOptions.createFullyConnectedOptions(b, fused, 0, keepNumDims),
        }));
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D':
        return this.emitOp(op, layer.type === 'MaxPooling2D' ? BuiltinOperator.MAX_POOL_2D : BuiltinOperator.AVERAGE_POOL_2D, [this.input(layer)], (fused) => ({
          type: BuiltinOptions.Pool2DOptions,
          write: (b) => Pool2DOptions.createPool2DOptions(b, this.padding(layer.padding), layer.strides[1], layer.strides[0], layer.pool[1], layer.pool[0], fused),
        }));
      case 'GlobalAveragePooling2D': {
        const axes = this.int32Constant(`${layer.name}/axes`, [1, 2]);
        return this.emitOp(op, BuiltinOperator.MEAN, [this.input(layer), axes], {
          type: BuiltinOptions.ReducerOptions,
          write: (b) => ReducerOptions.createReducerOptions(b, layer.keepDims),
        });
      }
      case 'ZeroPadding2D': {
        const [[t, bt], [l, r]] = layer.padding;
        const paddings = this.constant(`${layer.name}/paddings`, [4, 2], Int32Array.from([0, 0, t, bt, l, r, 0, 0]), TensorType.INT32);
        return this.emitOp(op, BuiltinOperator.PAD, [this.input(layer), paddings], {
          type: BuiltinOptions.PadOptions,
          write: (b) => {
            PadOptions.startPadOptions(b);
            return PadOptions.endPadOptions(b);
          },
        });
      }
      case 'Concatenate': {
        const inputs = layer.inputs.map((_, i) => this.input(layer, i));
        const rank = this.shape(layer.name).length;
        // Frontier's axis has no batch (−1 = channels); TFLite's counts it.
        const axis = (layer.axis < 0 ? layer.axis + rank : layer.axis) + 1;
        return this.emitOp(op, BuiltinOperator.CONCATENATION, inputs, (fused) => ({
          type: BuiltinOptions.ConcatenationOptions,
          write: (b) => ConcatenationOptions.createConcatenationOptions(b, axis, fused),
        }));
      }
      case 'Add':
      case 'Multiply': {
        const inputs = layer.inputs.map((_, i) => this.input(layer, i));
        if (layer.constantOperand) inputs.push(this.constantOperand(layer));
        if (inputs.length !== 2) this.fail(layer.name, `a TFLite ${layer.type === 'Add' ? 'ADD' : 'MUL'} takes two inputs; this layer has ${inputs.length}`);
        const add = layer.type === 'Add';
        return this.emitOp(op, add ? BuiltinOperator.ADD : BuiltinOperator.MUL, inputs, (fused) => ({
          type: add ? BuiltinOptions.AddOptions : BuiltinOptions.MulOptions,
          write: (b) => (add ? AddOptions.createAddOptions(b, fused) : MulOptions.createMulOptions(b, fused)),
        }));
      }
      case 'Activation': {
        const code = STANDALONE[layer.activation];
        if (code === undefined) this.fail(layer.name, `a ${layer.activation} activation has no TFLite operator Frontier writes`);
        const x = this.input(layer);
        const out = this.activation(layer.name, this.shape(layer.name), layer.name);
        this.operators.push({ code, inputs: [x], outputs: [out], ...this.activationOptions(layer.activation) });
        this.tensorOfLayer.set(layer.name, out);
        return;
      }
      case 'BatchNormalization':
        return this.fail(layer.name, 'this BatchNormalization cannot be folded into the layer before it (it does not directly follow a convolution or dense layer that feeds only it); TFLite Micro has no operator for it');
      default:
        if (isComputeLayer(layer)) return this.fail(layer.name, `a ${layer.type} is not written to TFLite files yet`);
        return this.fail(layer.name, `${layer.type} layers are not written to TFLite files yet`);
    }
  }

  private constantOperand(layer: Layer): number {
    if (this.int8) this.fail(layer.name, 'an int8 operation with a constant operand is not written yet');
    const c = this.prepared.weights.layers[layer.name]?.constant;
    if (!c) this.fail(layer.name, 'has no constant operand');
    return this.constant(`${layer.name}/constant`, c.shape.length === 0 ? [1] : c.shape, Float32Array.from(realValues(c, `${layer.name} constant`)), TensorType.FLOAT32);
  }
}

/** A Dense kernel [units, H·W·C] whose columns run channel-major (c·H·W + h·W + w), reordered channels-last. */
function toChannelsLastColumns(kernel: WeightTensor, [H, W, C]: number[]): WeightTensor {
  const [units, depth] = kernel.shape;
  const data = new (kernel.data.constructor as new (n: number) => typeof kernel.data)(kernel.data.length);
  for (let u = 0; u < units; u++) {
    for (let c = 0; c < C; c++) for (let s = 0; s < H * W; s++) data[u * depth + s * C + c] = kernel.data[u * depth + c * H * W + s];
  }
  return { ...kernel, data };
}
