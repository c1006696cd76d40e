// One known TensorFlow Lite operator mapped onto Frontier's layers. The mapper reads the operator's options and
// operands and asks its host (the converter building the graph) to add the layers, so it holds no graph state.
import { formatShape } from '../../../shared/model/shapes';
import { type ActivationName, type LayerSpec } from '../../../shared/model/types';
import { ActivationFunctionType } from './generated/tflite/activation-function-type';
import { AddOptions } from './generated/tflite/add-options';
import { BuiltinOptions } from './generated/tflite/builtin-options';
import { ConcatenationOptions } from './generated/tflite/concatenation-options';
import { Conv2DOptions } from './generated/tflite/conv2doptions';
import { DepthwiseConv2DOptions } from './generated/tflite/depthwise-conv2doptions';
import { FullyConnectedOptions } from './generated/tflite/fully-connected-options';
import { MulOptions } from './generated/tflite/mul-options';
import { Padding } from './generated/tflite/padding';
import { Pool2DOptions } from './generated/tflite/pool2doptions';
import { ReducerOptions } from './generated/tflite/reducer-options';
import { BuiltinOperator } from './operators';
import type { TfliteOperator, TfliteTensor } from './reader';
import { typeInfo, typeName } from './tensorTypes';

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

const STANDALONE: Partial<Record<number, ActivationName>> = {
  [BuiltinOperator.SOFTMAX]: 'softmax',
  [BuiltinOperator.LOGISTIC]: 'sigmoid',
  [BuiltinOperator.TANH]: 'tanh',
  [BuiltinOperator.RELU]: 'relu',
  [BuiltinOperator.RELU6]: 'relu6',
  [BuiltinOperator.RELU_N1_TO_1]: 'relu_n1_to_1',
  [BuiltinOperator.HARD_SWISH]: 'hard_swish',
};

/** What the mapper asks of the converter building the graph (see Converter in toGraph.ts). */
export interface OperatorHost {
  fail(message: string, layer?: string): never;
  tensor(t: number): TfliteTensor;
  isConstantTensor(t: number): boolean;
  activationShapeOf(t: number): number[];
  source(t: number, label: string, what: string): string;
  constant(t: number, label: string, what: string): TfliteTensor;
  integers(t: number, label: string, what: string): number[];
  fusedActivation(code: number, label: string): ActivationName;
  readOptions<T extends { bb_pos: number }>(op: TfliteOperator, type: number, make: () => T, label: string): T | null;
  addLayer(out: number, op: string, spec: LayerSpec, inputs: string[], fused?: ActivationName): string;
  addCompute(out: number, op: string, spec: LayerSpec, input: string, kernel: TfliteTensor, bias: TfliteTensor | null): void;
  recordConstantOperand(layer: string, tensor: TfliteTensor): void;
  markSourceOp(out: number, op: string): void;
  markConstantAlias(out: number, stored: number): void;
  note(text: string): void;
}

/** Maps one known operator onto Frontier's layers. */
export class OperatorMapper {
  constructor(
    private readonly c: OperatorHost,
    private readonly op: TfliteOperator,
    private readonly label: string,
    private readonly inputs: number[],
    private readonly out: number,
  ) {}

  /** The operator cannot be read as Frontier reads it: says which operator and why. */
  private refuse(message: string): never {
    return this.c.fail(`${this.label}: ${message}`);
  }

  private input(i: number, what = 'its input'): string {
    return this.c.source(this.inputs[i] ?? -1, this.label, what);
  }

  private spatialInput(): { layer: string; shape: number[] } {
    const layer = this.input(0);
    const shape = this.c.activationShapeOf(this.inputs[0]);
    if (shape.length !== 3) {
      this.refuse(`needs an H×W×C input; ${this.tensorText(this.inputs[0])} has shape ${formatShape(this.c.tensor(this.inputs[0]).shape)}`);
    }
    return { layer, shape };
  }

  private tensorText(t: number): string {
    const name = this.c.tensor(t).name;
    return name === null ? `tensor ${t}` : `tensor ${t} "${name}"`;
  }

  private options<T extends { bb_pos: number }>(type: number, make: () => T, required: boolean): T | null {
    const options = this.c.readOptions(this.op, type, make, this.label);
    if (!options && required) this.refuse(`its ${BuiltinOptions[type]} are missing`);
    return options;
  }

  private pair(h: number, w: number, what: string): [number, number] {
    if (!(Number.isInteger(h) && Number.isInteger(w) && h >= 1 && w >= 1)) {
      this.refuse(`${what} must be whole numbers ≥ 1, the file gives ${h}×${w}`);
    }
    return [h, w];
  }

  private padding(code: number): 'same' | 'valid' {
    if (code === Padding.SAME) return 'same';
    if (code === Padding.VALID) return 'valid';
    return this.refuse(`padding ${code} is neither SAME nor VALID`);
  }

  private weights(rank: number): { kernel: TfliteTensor; bias: TfliteTensor | null } {
    const kernel = this.c.constant(this.inputs[1] ?? -1, this.label, 'its filter (input 2)');
    if (kernel.shape.length !== rank) {
      this.refuse(`its filter ${this.tensorText(kernel.index)} has shape ${formatShape(kernel.shape)}; a rank-${rank} filter is expected`);
    }
    for (const d of kernel.shape) if (!Number.isInteger(d) || d < 1) this.refuse(`its filter ${this.tensorText(kernel.index)} has shape [${kernel.shape.join(', ')}]`);
    const b = this.inputs[2] ?? -1;
    const bias = b >= 0 ? this.c.constant(b, this.label, 'its bias (input 3)') : null;
    return { kernel, bias };
  }

  map(): void {
    const code = this.op.kind.builtin;
    const activation = STANDALONE[code];
    if (activation) {
      this.c.addLayer(this.out, this.label, { type: 'Activation', activation, standalone: true }, [this.input(0)]);
      return;
    }
    switch (code) {
      case BuiltinOperator.CONV_2D:
        return this.conv2d();
      case BuiltinOperator.DEPTHWISE_CONV_2D:
        return this.depthwise();
      case BuiltinOperator.FULLY_CONNECTED:
        return this.fullyConnected();
      case BuiltinOperator.AVERAGE_POOL_2D:
      case BuiltinOperator.MAX_POOL_2D:
        return this.pool(code === BuiltinOperator.MAX_POOL_2D ? 'MaxPooling2D' : 'AveragePooling2D');
      case BuiltinOperator.MEAN:
        return this.mean();
      case BuiltinOperator.RESHAPE:
      case BuiltinOperator.SQUEEZE:
        return this.reshape();
      case BuiltinOperator.ADD:
      case BuiltinOperator.MUL:
        return this.elementwise(code === BuiltinOperator.ADD ? 'Add' : 'Multiply');
      case BuiltinOperator.CONCATENATION:
        return this.concatenation();
      case BuiltinOperator.PAD:
        return this.pad();
      case BuiltinOperator.QUANTIZE:
      case BuiltinOperator.DEQUANTIZE:
        return this.cast(code === BuiltinOperator.DEQUANTIZE);
      default:
        return this.refuse('is not mapped onto a layer');
    }
  }

  private conv2d(): void {
    const o = this.options(BuiltinOptions.Conv2DOptions, () => new Conv2DOptions(), true) as Conv2DOptions;
    const x = this.spatialInput();
    const { kernel, bias } = this.weights(4);
    const [filters, kh, kw, inC] = kernel.shape;
    const groups = x.shape[2] / inC;
    if (!Number.isInteger(groups) || groups < 1) {
      this.refuse(`its filter ${this.tensorText(kernel.index)} (${formatShape(kernel.shape)}) takes ${inC} input channels, which do not divide the ${x.shape[2]} of its input`);
    }
    this.c.addCompute(
      this.out,
      this.label,
      {
        type: 'Conv2D',
        filters,
        kernel: [kh, kw],
        strides: this.pair(o.strideH(), o.strideW(), 'its strides'),
        padding: this.padding(o.padding()),
        dilation: this.pair(o.dilationHFactor(), o.dilationWFactor(), 'its dilation factors'),
        groups,
        useBias: bias !== null,
        activation: this.c.fusedActivation(o.fusedActivationFunction(), this.label),
      },
      x.layer,
      kernel,
      bias,
    );
  }

  private depthwise(): void {
    const o = this.options(BuiltinOptions.DepthwiseConv2DOptions, () => new DepthwiseConv2DOptions(), true) as DepthwiseConv2DOptions;
    const x = this.spatialInput();
    const { kernel, bias } = this.weights(4);
    const [one, kh, kw, outC] = kernel.shape;
    const multiplier = outC / x.shape[2];
    if (one !== 1 || !Number.isInteger(multiplier) || multiplier < 1) {
      this.refuse(`its filter ${this.tensorText(kernel.index)} (${formatShape(kernel.shape)}) is not 1×KH×KW×(a multiple of the ${x.shape[2]} input channels)`);
    }
    this.c.addCompute(
      this.out,
      this.label,
      {
        type: 'DepthwiseConv2D',
        kernel: [kh, kw],
        strides: this.pair(o.strideH(), o.strideW(), 'its strides'),
        padding: this.padding(o.padding()),
        dilation: this.pair(o.dilationHFactor(), o.dilationWFactor(), 'its dilation factors'),
        depthMultiplier: multiplier,
        useBias: bias !== null,
        activation: this.c.fusedActivation(o.fusedActivationFunction(), this.label),
      },
      x.layer,
      kernel,
      bias,
    );
  }

  private fullyConnected(): void {
    const o = this.options(BuiltinOptions.FullyConnectedOptions, () => new FullyConnectedOptions(), false);
    const x = this.input(0);
    const shape = this.c.activationShapeOf(this.inputs[0]);
    const { kernel, bias } = this.weights(2);
    const [units, depth] = kernel.shape;
    const keepDims = o?.keepNumDims() ?? false;
    let flattenInput: boolean;
    if (!keepDims && product(shape) === depth) {
      // TFLite reads the whole input as one vector (its batch is the element count over the depth: 1 here).
      flattenInput = shape.length > 1;
    } else if (shape[shape.length - 1] === depth) {
      flattenInput = false;
    } else {
      return this.refuse(`its weights ${this.tensorText(kernel.index)} (${formatShape(kernel.shape)}) take ${depth} values, which fit neither the last dimension nor the whole of its ${formatShape(shape)} input`);
    }
    this.c.addCompute(
      this.out,
      this.label,
      {
        type: 'Dense',
        units,
        useBias: bias !== null,
        activation: this.c.fusedActivation(o?.fusedActivationFunction() ?? ActivationFunctionType.NONE, this.label),
        ...(flattenInput ? { flattenInput } : {}),
      },
      x,
      kernel,
      bias,
    );
  }

  private unmodelledActivation(code: number): void {
    if (code !== ActivationFunctionType.NONE) {
      this.c.note(`${this.label}: its fused ${ActivationFunctionType[code] ?? code} is not modelled (it changes no figure)`);
    }
  }

  private pool(type: 'MaxPooling2D' | 'AveragePooling2D'): void {
    const o = this.options(BuiltinOptions.Pool2DOptions, () => new Pool2DOptions(), true) as Pool2DOptions;
    const x = this.spatialInput();
    this.unmodelledActivation(o.fusedActivationFunction());
    this.c.addLayer(
      this.out,
      this.label,
      {
        type,
        pool: this.pair(o.filterHeight(), o.filterWidth(), 'its filter size'),
        strides: this.pair(o.strideH(), o.strideW(), 'its strides'),
        padding: this.padding(o.padding()),
      },
      [x.layer],
    );
  }

  private mean(): void {
    const x = this.spatialInput();
    const rank = this.c.tensor(this.inputs[0]).shape.length;
    const axes = this.c.integers(this.inputs[1] ?? -1, this.label, 'its axes (input 2)').map((a) => (a < 0 ? a + rank : a));
    const spatial = rank === 4 && axes.length === 2 && axes.includes(1) && axes.includes(2);
    if (!spatial) {
      this.refuse(`a mean over axes [${axes.join(', ')}] of a rank-${rank} tensor; Frontier reads the mean over height and width (axes 1 and 2 of N×H×W×C)`);
    }
    const o = this.options(BuiltinOptions.ReducerOptions, () => new ReducerOptions(), false);
    this.c.addLayer(this.out, this.label, { type: 'GlobalAveragePooling2D', keepDims: o?.keepDims() ?? false }, [x.layer]);
  }

  private reshape(): void {
    const x = this.input(0);
    const from = this.c.activationShapeOf(this.inputs[0]);
    const to = this.c.activationShapeOf(this.out);
    // A reshape to one vector is a Flatten, which follows channel edits upstream.
    const spec: LayerSpec =
      to.length === 1 && to[0] === product(from) ? { type: 'Flatten' } : { type: 'Reshape', targetShape: to };
    this.c.addLayer(this.out, this.label, spec, [x]);
    if (this.op.kind.builtin === BuiltinOperator.SQUEEZE) this.c.markSourceOp(this.out, 'SQUEEZE');
  }

  private elementwise(type: 'Add' | 'Multiply'): void {
    if (this.inputs.length !== 2) this.refuse(`takes two inputs, the file gives ${this.inputs.length}`);
    const variable = this.inputs.filter((t) => !this.c.isConstantTensor(t));
    if (variable.length === 0) this.refuse('both inputs are constants');
    const sources = variable.map((t, i) => this.c.source(t, this.label, `its input ${i + 1}`));
    const o =
      type === 'Add'
        ? this.options(BuiltinOptions.AddOptions, () => new AddOptions(), false)
        : this.options(BuiltinOptions.MulOptions, () => new MulOptions(), false);
    const fused = this.c.fusedActivation(o?.fusedActivationFunction() ?? ActivationFunctionType.NONE, this.label);
    const constantOperand = variable.length < this.inputs.length;
    const layer = this.c.addLayer(this.out, this.label, { type, ...(constantOperand ? { constantOperand } : {}) }, sources, fused);
    const constant = this.inputs.find((t) => this.c.isConstantTensor(t));
    if (constant !== undefined) this.c.recordConstantOperand(layer, this.c.constant(constant, this.label, 'its constant operand'));
  }

  private concatenation(): void {
    if (this.inputs.length < 2) this.refuse(`takes at least two inputs, the file gives ${this.inputs.length}`);
    const sources = this.inputs.map((t, i) => this.c.source(t, this.label, `its input ${i + 1}`));
    const o = this.options(BuiltinOptions.ConcatenationOptions, () => new ConcatenationOptions(), false);
    const rank = this.c.tensor(this.out).shape.length;
    const axis = o?.axis() ?? 0;
    const normalised = axis < 0 ? axis + rank : axis;
    const dropped = rank - this.c.activationShapeOf(this.out).length;
    if (normalised < dropped || normalised >= rank) {
      this.refuse(`axis ${axis} of a rank-${rank} tensor is ${normalised < dropped ? 'the batch' : 'outside the tensor'}; Frontier concatenates along the other axes`);
    }
    this.unmodelledActivation(o?.fusedActivationFunction() ?? ActivationFunctionType.NONE);
    this.c.addLayer(this.out, this.label, { type: 'Concatenate', axis: normalised - dropped }, sources);
  }

  private pad(): void {
    const x = this.spatialInput();
    const p = this.c.integers(this.inputs[1] ?? -1, this.label, 'its paddings (input 2)');
    const rank = this.c.tensor(this.inputs[0]).shape.length;
    if (rank !== 4 || p.length !== 8 || p.some((v) => v < 0) || p[0] !== 0 || p[1] !== 0 || p[6] !== 0 || p[7] !== 0) {
      this.refuse(`paddings [${p.join(', ')}]; Frontier reads zero padding of height and width (N×H×W×C, batch and channels unpadded)`);
    }
    this.c.addLayer(this.out, this.label, { type: 'ZeroPadding2D', padding: [[p[2], p[3]], [p[4], p[5]]] }, [x.layer]);
  }

  private cast(dequantize: boolean): void {
    const t = this.inputs[0] ?? -1;
    if (dequantize && this.c.isConstantTensor(t)) {
      // Weights stored in a smaller format (float16) and widened before use: a constant, not an activation.
      const stored = this.c.constant(t, this.label, 'its input');
      this.c.markConstantAlias(this.out, stored.index);
      this.c.note(`${typeName(stored.type)} weights are dequantized by DEQUANTIZE operators before use; they are counted as stored`);
      return;
    }
    const info = typeInfo(this.c.tensor(this.out).type);
    if (!info?.format) this.refuse(`writes ${typeName(this.c.tensor(this.out).type)} values, which Frontier cannot size`);
    this.c.addLayer(this.out, this.label, { type: 'Cast', to: info.format }, [this.input(0)]);
  }
}
