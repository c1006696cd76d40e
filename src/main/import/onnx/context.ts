// What the conversion of one ONNX graph keeps as it walks the nodes: the activations (each held by a Frontier
// layer), the constants (initializers, Constant nodes, dequantized weights, folded shape values), and what every
// layer stores, for the checks and the precision that follow.
import type { ActivationParameters } from '../../../shared/engine/weights';
import type { NumberFormat } from '../../../shared/analysis/precision';
import type { ImportOptions } from '../../../shared/model/importOptions';
import { layerOutputShape } from '../../../shared/model/shapes';
import { ModelError, type Layer, type LayerSpec } from '../../../shared/model/types';
import { Attributes } from './attributes';
import { layoutForRank, showShape, type Layout, type Value } from './layout';
import type { NodeProto, TensorProto } from './proto';
import { dataTypeName, MAX_ELEMENTS, readValues } from './tensors';

/** A constant tensor: an initializer, a Constant node's value, or one derived from them. */
export interface Constant {
  name: string;
  dims: number[];
  count: number;
  /** The element type it is stored in (a DequantizeLinear keeps the stored integer type). */
  dataType: number;
  /** Bytes it occupies where it is stored (0 for values computed from other constants). */
  storedBytes: number;
  /** The stored tensor it comes from (an initializer's name), so each buffer counts once. */
  storageKey: string;
  /** Where its values can be read, when they are wanted. */
  tensor?: TensorProto;
  /** Values already known (Constant attributes, folded shape arithmetic). */
  values?: number[];
  /**
   * A DequantizeLinear of a stored integer tensor: values are (q − zero point) × scale, per tensor or along `axis` of
   * a tensor of `dims` (the dimensions where the DequantizeLinear reads it).
   */
  dequantize?: { scale: Constant; zeroPoint?: Constant; axis: number; dims: number[] };
  /** A Transpose of another constant: its values are `from`'s, permuted (then viewed with `dims`). */
  permuted?: { from: Constant; perm: number[] };
  /** A QuantizeLinear of a float constant (quantized when the model loads), along `axis` of `from`'s dimensions. */
  quantizedBy?: { from: Constant; scale: Constant; zeroPoint?: Constant; axis: number };
  external: boolean;
}

/**
 * The constants a compute or BatchNormalization layer reads, to check against Frontier's counts, and what the
 * engine's weight reader needs to put them in its layout. Only references: no value is read here.
 */
export interface LayerWeights {
  where: string;
  kernel?: Constant;
  bias?: Constant;
  /** BatchNormalization's scale, shift, mean and variance. */
  batchNorm?: Constant[];
  /** BatchNormalization's epsilon. */
  epsilon?: number;
  /** The kernel is stored inputs × units (Gemm with transB=0, MatMul) rather than units × inputs. */
  inputsFirst?: boolean;
  /** Gemm's factors of the product and of the bias (1 when absent). */
  alpha?: number;
  beta?: number;
  /** QLinearConv, QLinearMatMul, QGemm: the integer kernel's scale and zero point, and the input's (when constants). */
  qlinear?: { weight?: QuantParams; input?: QuantParams };
}

/** A scale and zero point as a quantized operator or a QuantizeLinear reads them. */
export interface QuantParams {
  scale: Constant;
  zeroPoint?: Constant;
  /** The node that gives them, for messages. */
  where: string;
}

/** An Add / Multiply (Sub, Div) of an activation and a constant. */
export interface ConstantOperand {
  where: string;
  op: string;
  value: Constant;
  /** The constant is the first operand (k − x, k ÷ x). */
  constantFirst: boolean;
  /** The activation's ONNX shape and layout, to put the constant in Frontier's channels-last order. */
  activation: Value;
  /** QLinearAdd / QLinearMul: the constant is stored as integers, with this scale and zero point (when constants). */
  integer: boolean;
  quantization?: QuantParams;
}

/** One node being converted. */
export interface NodeContext {
  node: NodeProto;
  index: number;
  /** `node NAME (OpType)`, for messages. */
  where: string;
  attrs: Attributes;
}

export const MAX_LAYER_NAME = 200;

export class Converter {
  readonly layers: Layer[] = [];
  readonly layerByName = new Map<string, Layer>();
  readonly values = new Map<string, Value>();
  readonly constants = new Map<string, Constant>();
  /** The node that produced each tensor, for messages. */
  readonly producer = new Map<string, string>();
  /** Element format of each layer's output as the graph computes it. */
  readonly formats = new Map<string, NumberFormat>();
  /** Layers whose output a QuantizeLinear→DequantizeLinear pair stores at an integer format. */
  readonly quantized = new Map<string, NumberFormat>();
  readonly weights = new Map<string, LayerWeights>();
  /** Constant operands of Add / Multiply layers, by layer. */
  readonly operands = new Map<string, ConstantOperand>();
  /** The attributes of activations that have numbers (LeakyRelu's alpha, HardSigmoid's alpha and beta), by layer. */
  readonly activationParameters = new Map<string, ActivationParameters>();
  /** The scale and zero point each layer's output is stored with (QDQ pairs, QLinear operators), by layer. */
  readonly activationScales = new Map<string, QuantParams>();
  /** Flatten and Reshape layers that make a vector of a multi-dimensional tensor: that tensor's layout. */
  readonly flattens = new Map<string, Layout>();
  /** Outputs of QuantizeLinear nodes read only by DequantizeLinear: the activation each pair leaves unchanged. */
  readonly pairs = new Map<string, Value>();
  readonly notes = new Set<string>();
  /** Sizes of the symbolic dimensions of the model inputs, as analysed. */
  readonly symbols = new Map<string, number>();
  /** Nodes reading each tensor. */
  readonly consumers = new Map<string, NodeProto[]>();
  private readonly names = new Set<string>();
  /** The next suffix to try per wanted name, so that many equal names stay linear. */
  private readonly suffixes = new Map<string, number>();

  constructor(
    readonly options: ImportOptions,
    readonly graphOutputs: ReadonlySet<string>,
    nodes: readonly NodeProto[],
  ) {
    for (const node of nodes) {
      for (const input of node.input) {
        if (input === '') continue;
        const list = this.consumers.get(input) ?? [];
        list.push(node);
        this.consumers.set(input, list);
      }
    }
  }

  context(node: NodeProto, index: number): NodeContext {
    const label = node.name || node.output[0] || `#${index + 1}`;
    const where = `node ${label.slice(0, MAX_LAYER_NAME)} (${node.domain ? `${node.domain}.` : ''}${node.opType})`;
    return { node, index, where, attrs: new Attributes(node, where) };
  }

  /** Readers of a tensor: nodes, plus one for being a model output. */
  readers(tensor: string): number {
    return (this.consumers.get(tensor)?.length ?? 0) + (this.graphOutputs.has(tensor) ? 1 : 0);
  }

  /** A unique layer name: the wanted one, else the first free `wanted_2`, `wanted_3`… */
  uniqueName(wanted: string): string {
    const base = wanted.slice(0, MAX_LAYER_NAME) || 'layer';
    let name = base;
    for (let i = this.suffixes.get(base) ?? 2; this.names.has(name); i++) {
      name = `${base}_${i}`;
      this.suffixes.set(base, i + 1);
    }
    this.names.add(name);
    return name;
  }

  nameFor(ctx: NodeContext, suffix = ''): string {
    const base = ctx.node.name || ctx.node.output[0] || `${ctx.node.opType}_${ctx.index + 1}`;
    return this.uniqueName(base + suffix);
  }

  isConstant(name: string): boolean {
    return this.constants.has(name);
  }

  has(name: string): boolean {
    return this.values.has(name) || this.constants.has(name) || this.pairs.has(name);
  }

  /** The activation a node reads at input `i`. */
  input(ctx: NodeContext, i: number, what = `input ${i + 1}`): Value {
    const name = ctx.node.input[i];
    if (name === undefined || name === '') throw new ModelError(`${ctx.where}: ${what} is missing`);
    const value = this.values.get(name);
    if (!value) {
      if (this.constants.has(name)) {
        throw new ModelError(`${ctx.where}: ${what} "${name}" is a constant; Frontier reads ${ctx.node.opType} on an activation there`);
      }
      throw this.missing(ctx, name);
    }
    if (value.batchAxis !== 0) {
      throw new ModelError(
        `${ctx.where}: ${what} "${name}" is transposed so that its batch dimension is not first; only Gemm with transA=1 reads it`,
      );
    }
    return value;
  }

  /** The constant a node reads at input `i` (required). */
  constant(ctx: NodeContext, i: number, what: string): Constant {
    const c = this.optionalConstant(ctx, i, what);
    if (!c) throw new ModelError(`${ctx.where}: ${what} (input ${i + 1}) is missing`);
    return c;
  }

  optionalConstant(ctx: NodeContext, i: number, what: string): Constant | undefined {
    const name = ctx.node.input[i];
    if (name === undefined || name === '') return undefined;
    const c = this.constants.get(name);
    if (c) return c;
    if (this.values.has(name)) {
      throw new ModelError(
        `${ctx.where}: ${what} "${name}" is computed by the graph; Frontier reads it only as a constant (an initializer or a Constant node)`,
      );
    }
    throw this.missing(ctx, name);
  }

  missing(ctx: NodeContext, name: string): ModelError {
    return new ModelError(
      `${ctx.where}: reads "${name}", which is neither a model input, an initializer nor the output of an earlier node`,
    );
  }

  /** The numbers in a small constant (dequantized when it is a DequantizeLinear of stored integers). */
  read(c: Constant, what: string): number[] {
    const raw = c.values ?? (c.tensor ? readValues(c.tensor, what) : undefined);
    if (!raw) throw new ModelError(`${what}: the values of ${c.name} are not known`);
    if (!c.dequantize) return raw;
    const scale = this.read(c.dequantize.scale, `${what} scale`);
    const zero = c.dequantize.zeroPoint ? this.read(c.dequantize.zeroPoint, `${what} zero point`) : [0];
    const at = (list: number[], i: number): number => (list.length === 1 ? list[0] : list[i] ?? Number.NaN);
    return raw.map((q, i) => (q - at(zero, i)) * at(scale, i));
  }

  /** A small integer list (axes, a shape, pads) from a constant. */
  readInts(c: Constant, what: string): number[] {
    const values = this.read(c, what);
    for (const v of values) {
      if (!Number.isInteger(v)) throw new ModelError(`${what}: ${v} is not a whole number (${dataTypeName(c.dataType)} ${c.name})`);
    }
    return values;
  }

  /**
   * Adds a layer reading `inputs`, infers its shape with Frontier's own rules, and binds the node's output `output`
   * to it. Errors name the node.
   */
  addLayer(
    ctx: NodeContext,
    spec: LayerSpec,
    inputs: Value[],
    opts: { name?: string; layout?: Layout; output?: string; format?: NumberFormat } = {},
  ): Value {
    const name = opts.name ?? this.nameFor(ctx);
    const layer = { ...spec, name, inputs: inputs.map((v) => v.layer) } as Layer;
    let shape: number[];
    try {
      shape = layerOutputShape(layer, inputs.map((v) => v.shape));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const text = message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
      throw new ModelError(`${ctx.where}: ${text}`, name);
    }
    let elements = 1;
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 1) throw new ModelError(`${ctx.where}: output shape ${showShape(shape)} is empty or invalid`, name);
      elements *= d;
    }
    if (elements > MAX_ELEMENTS) {
      throw new ModelError(`${ctx.where}: output ${showShape(shape)} has more elements than Frontier analyses (2^36)`, name);
    }
    this.layers.push(layer);
    this.layerByName.set(name, layer);
    const format = opts.format ?? inputs[0]?.format ?? 'fp32';
    this.formats.set(name, format);
    const value: Value = {
      name: opts.output ?? ctx.node.output[0] ?? name,
      layer: name,
      shape,
      layout: shape.length >= 2 ? (opts.layout ?? inputs[0]?.layout ?? layoutForRank(shape.length + 1)) : 'plain',
      batch: inputs[0]?.batch ?? 1,
      batchAxis: 0,
      format,
    };
    this.bind(ctx, value.name, value);
    return value;
  }

  /** Binds an ONNX tensor name to an activation (a new layer's output, or an alias of an existing one). */
  bind(ctx: NodeContext, tensor: string, value: Value): void {
    if (tensor === '') return;
    if (this.has(tensor)) throw new ModelError(`${ctx.where}: output "${tensor}" is also produced by ${this.producer.get(tensor) ?? 'another node'}`);
    this.values.set(tensor, { ...value, name: tensor });
    this.producer.set(tensor, ctx.where);
  }

  bindConstant(ctx: NodeContext, tensor: string, c: Constant): void {
    if (tensor === '') return;
    if (this.has(tensor)) throw new ModelError(`${ctx.where}: output "${tensor}" is also produced by ${this.producer.get(tensor) ?? 'another node'}`);
    this.constants.set(tensor, { ...c, name: tensor });
    this.producer.set(tensor, ctx.where);
  }

  /** Refuses a node whose extra outputs (training statistics, a dropout mask, pooling indices) something reads. */
  onlyFirstOutput(ctx: NodeContext): void {
    ctx.node.output.forEach((name, i) => {
      if (i > 0 && name !== '' && this.readers(name) > 0) {
        throw new ModelError(`${ctx.where}: output ${i + 1} ("${name}") is read, but Frontier analyses only the first output of ${ctx.node.opType}`);
      }
    });
  }
}
