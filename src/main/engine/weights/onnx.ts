// An ONNX model's weights in the engine's layout (src/shared/engine/weights.ts), keyed by the layer names the ONNX
// importer gives the same file. The importer records, while it converts, which constants each layer reads (as
// references: analyze and sweep never read weight values); this reader converts the bytes again to get them, reads
// the values, and puts them in the canonical layout: Conv and depthwise kernels as ONNX stores them, Dense kernels
// units × inputs (Gemm transB=0 and MatMul transposed), BatchNormalization's vectors, constant operands of Add and
// Multiply channels-last. Quantized graphs (QDQ and QOperator) give int8 kernels and int32 biases with their scales,
// and the scale and zero point of every quantized activation.
import { dirname, resolve } from 'node:path';
import type { ImportOptions } from '../../../shared/model/importOptions';
import { ModelError, type ModelGraph } from '../../../shared/model/types';
import { preActivation, separateActivation } from '../../../shared/engine/quantize';
import { deployPlan } from '../../../shared/model/deploy';
import { topologicalOrder } from '../../../shared/model/graph';
import {
  checkFinite,
  sizeOf,
  type ActivationQuantization,
  type LayerWeights,
  type ModelWeights,
  type TensorQuantization,
  type WeightTensor,
} from '../../../shared/engine/weights';
import { convertOnnx } from '../../import/onnx';
import type { Constant, ConstantOperand, Converter, LayerWeights as Sources, QuantParams } from '../../import/onnx/context';
import { onnxShape } from '../../import/onnx/layout';
import { onnx } from '../../import/onnx/proto';
import { MAX_MODEL_FILE_BYTES } from '../../import/loadModelFile';
import { readRegularFile } from '../../files/readFile';
import { shiftOf, TensorReader } from './onnxTensors';

export interface OnnxWeightOptions {
  /**
   * The model's folder, where external data files are, when `source` is bytes (default: the folder of `fileName`
   * when it names one). When `source` is a path, its folder.
   */
  directory?: string;
  /** The options the graph was imported with (input shapes); unknown operators are always accepted here. */
  importOptions?: ImportOptions;
}

/** Reads the weights of an `.onnx` model (its bytes or its path) for `graph`, the importer's graph of the same file. */
export function readOnnxWeights(source: Uint8Array | string, graph: ModelGraph, fileName: string, options: OnnxWeightOptions = {}): ModelWeights {
  const bytes = typeof source === 'string' ? readRegularFile(source, MAX_MODEL_FILE_BYTES) : source;
  const directory =
    typeof source === 'string'
      ? dirname(resolve(source))
      : (options.directory ?? (/[\\/]/.test(fileName) ? dirname(resolve(fileName)) : undefined));
  const reader = new TensorReader(directory);
  try {
    return new WeightReader(bytes, graph, fileName, reader, options.importOptions ?? {}).read();
  } catch (err) {
    if (err instanceof ModelError && !err.message.startsWith(`${fileName}: `)) {
      throw new ModelError(`${fileName}: ${err.message}`, err.layer);
    }
    throw err;
  } finally {
    reader.close();
  }
}

/** A tensor as read, in the layout of the constant it was read for. */
interface Raw {
  dims: number[];
  data: Float32Array | Int8Array | Int32Array;
  /** Integer data: real = scale × (q − zeroPoint), zero points shifted as the data (see onnxTensors.ts). */
  quantization?: TensorQuantization;
  /** Integer data without a quantization: what was subtracted from unsigned values. */
  shift: number;
  source: string;
}

const T = onnx.TensorProto.DataType;
const UINT4 = 21;
const INT4 = 22;

class WeightReader {
  private readonly converter: Converter;
  private readonly imported: ModelGraph;

  constructor(
    bytes: Uint8Array,
    private readonly graph: ModelGraph,
    fileName: string,
    private readonly tensors: TensorReader,
    importOptions: ImportOptions,
  ) {
    const { graph: imported, converter } = convertOnnx(bytes, fileName, { ...importOptions, allowUnknownOps: true });
    this.converter = converter;
    this.imported = imported;
  }

  read(): ModelWeights {
    this.checkSameGraph();
    const c = this.converter;
    const layers: Record<string, LayerWeights> = {};
    for (const [name, sources] of c.weights) {
      const layer = this.layerType(name);
      const weights =
        layer === 'BatchNormalization' ? this.batchNorm(name, sources) : layer === 'Dense' ? this.dense(name, sources) : this.conv(name, sources);
      layers[name] = weights;
    }
    for (const [name, operand] of c.operands) layers[name] = { ...layers[name], constant: this.operand(name, operand) };
    for (const [name, activation] of c.activationParameters) layers[name] = { ...layers[name], activation };
    const activations = this.activations();
    return {
      layers,
      flattenOrder: this.flattenOrder(),
      ...(Object.keys(activations).length > 0 ? { activations } : {}),
    };
  }

  /** The graph given must be the importer's graph of these bytes: the same layers, in name and type. */
  private checkSameGraph(): void {
    const ours = this.imported.layers;
    const given = new Map(this.graph.layers.map((l) => [l.name, l.type]));
    const differs = ours.find((l) => given.get(l.name) !== l.type);
    if (differs || ours.length !== this.graph.layers.length) {
      const detail = differs
        ? `the file's layer ${differs.name} (${differs.type}) is ${given.has(differs.name) ? `a ${given.get(differs.name)} in the graph` : 'not in the graph'}`
        : `the file has ${ours.length} layers, the graph ${this.graph.layers.length}`;
      throw new ModelError(`the graph given is not the one this file imports to (${detail}); weights are read for the file's own graph`);
    }
  }

  private layerType(name: string): string {
    return this.imported.layers.find((l) => l.name === name)?.type ?? '';
  }

  // ---- layers ----

  private conv(layer: string, w: Sources): LayerWeights {
    const k = this.need(w.kernel, layer, 'kernel');
    let kernel = this.readConstant(k, `${w.where}: weight ${k.name}`);
    if (w.qlinear) kernel = this.quantize(kernel, this.given(w.qlinear.weight, w.where, 'weight'), 0, `${w.where}: weight ${k.name}`);
    if (kernel.quantization?.axis !== undefined && kernel.quantization.axis !== 0) {
      throw new ModelError(`${w.where}: weight ${k.name} is quantized along axis ${kernel.quantization.axis}; the engine reads per-output-channel scales (axis 0)`, layer);
    }
    const out: LayerWeights = { kernel: this.kernelTensor(kernel, layer, 'kernel') };
    if (w.bias) out.bias = this.bias(layer, w, kernel, kernel.dims[0], 1);
    return out;
  }

  private dense(layer: string, w: Sources): LayerWeights {
    const k = this.need(w.kernel, layer, 'kernel');
    const what = `${w.where}: weight ${k.name}`;
    let kernel = this.readConstant(k, what);
    if (kernel.dims.length !== 2) throw new ModelError(`${what} is ${kernel.dims.join('×')}, not a matrix`, layer);
    // Scales of a QLinearMatMul / QGemm weight run along its output columns.
    if (w.qlinear) kernel = this.quantize(kernel, this.given(w.qlinear.weight, w.where, 'weight'), w.inputsFirst ? 1 : 0, what);
    if (w.inputsFirst) kernel = transpose(kernel, [1, 0]);
    if (w.qlinear && (w.alpha ?? 1) !== 1) throw new ModelError(`${w.where}: a quantized Gemm with alpha ${w.alpha} is not read`, layer);
    if (kernel.quantization?.axis !== undefined && kernel.quantization.axis !== 0) {
      throw new ModelError(`${what} is quantized along its inputs; the engine reads per-output-channel scales`, layer);
    }
    kernel = scaleBy(kernel, w.alpha ?? 1);
    const out: LayerWeights = { kernel: this.kernelTensor(kernel, layer, 'kernel') };
    if (w.bias) out.bias = this.bias(layer, w, kernel, kernel.dims[0], w.beta ?? 1);
    return out;
  }

  /** A bias as [outputs]: float, or int32 with its scale (QLinear operators: input scale × weight scale). */
  private bias(layer: string, w: Sources, kernel: Raw, outputs: number, factor: number): WeightTensor {
    const b = w.bias as Constant;
    const what = `${w.where}: bias ${b.name}`;
    let raw = this.readConstant(b, what);
    if (w.qlinear && !(raw.data instanceof Float32Array) && !raw.quantization) {
      const input = this.scales(this.given(w.qlinear.input, w.where, 'input'), what);
      const weights = kernel.quantization?.scale ?? new Float64Array([1]);
      if (input.scale.length !== 1) throw new ModelError(`${what}: the input scale has ${input.scale.length} values; activations are quantized per tensor`, layer);
      const scale = weights.map((s) => s * input.scale[0]);
      raw = { ...raw, quantization: { scale, zeroPoint: new Int32Array(scale.length), ...(scale.length > 1 ? { axis: 0 } : {}) } };
    }
    if (raw.dims.reduce((a, d) => a * d, 1) === 1 && outputs > 1) raw = broadcastScalar(raw, outputs);
    raw = view(raw, [outputs], what);
    raw = scaleBy(raw, factor);
    if (raw.data instanceof Int8Array || (raw.data instanceof Int32Array && !raw.quantization)) raw = toFloat(raw);
    return this.tensor(raw, layer, 'bias');
  }

  private batchNorm(layer: string, w: Sources): LayerWeights {
    const [gamma, beta, mean, variance] = (w.batchNorm ?? []).map((k, i) => {
      const role = ['gamma', 'beta', 'mean', 'variance'][i];
      const raw = toFloat(this.readConstant(k, `${w.where}: ${role} ${k.name}`));
      return this.tensor(view(raw, [raw.data.length], `${w.where}: ${k.name}`), layer, role);
    });
    return { gamma, beta, mean, variance, epsilon: w.epsilon ?? 1e-5 };
  }

  /** The constant of an Add / Multiply, channels-last and broadcast against the activation without its batch. */
  private operand(layer: string, operand: ConstantOperand): WeightTensor {
    const { value: k, where } = operand;
    const what = `${where}: constant ${k.name}`;
    let raw = this.readConstant(k, what);
    if (operand.integer) raw = this.quantize(raw, this.given(operand.quantization, where, 'constant operand'), undefined, what);
    const x = operand.activation;
    const dims = onnxShape(x);
    if (raw.dims.length > dims.length) throw new ModelError(`${what} has more dimensions than the activation`, layer);
    raw = view(raw, [...new Array<number>(dims.length - raw.dims.length).fill(1), ...raw.dims], what);
    if (raw.dims[0] !== 1) throw new ModelError(`${what} differs along the batch (${raw.dims[0]} values); the engine runs one constant for every sample`, layer);
    if (x.layout === 'cf' && x.shape.length >= 2) raw = transpose(raw, [0, ...Array.from({ length: dims.length - 2 }, (_, i) => i + 2), 1]);
    raw = view(raw, raw.dims.slice(1), what);
    const op = operand.op;
    if (op === 'Sub' || op === 'Div') {
      if (operand.constantFirst) {
        throw new ModelError(`${where}: computes constant ${op === 'Sub' ? '−' : '÷'} activation, which the engine cannot run as ${op === 'Sub' ? 'an Add' : 'a Multiply'}`, layer);
      }
      const f = toFloat(raw);
      const data = f.data as Float32Array;
      for (let i = 0; i < data.length; i++) data[i] = op === 'Sub' ? -data[i] : 1 / data[i];
      raw = f;
    }
    return this.tensor(raw, layer, 'constant');
  }

  // ---- activations ----

  /** The scale and zero point of each quantized layer output, shared by fused groups and passed through views. */
  private activations(): Record<string, ActivationQuantization> {
    const out: Record<string, ActivationQuantization> = {};
    for (const [layer, q] of this.converter.activationScales) {
      const { scale, zeroPoint } = this.scales(q, `${q.where}: the scale of ${layer}`);
      if (scale.length !== 1) throw new ModelError(`${q.where}: the output scale of ${layer} has ${scale.length} values; activations are quantized per tensor`, layer);
      out[layer] = { scale: scale[0], zeroPoint: zeroPoint[0] };
    }
    if (Object.keys(out).length === 0) return out;
    // A layer followed by a fused activation (or a folded BatchNormalization) shares the group's output.
    const plan = deployPlan(this.imported);
    for (const op of plan.ops) {
      const group = [op.layer.name, ...op.absorbed];
      const last = [...group].reverse().find((name) => out[name]);
      // An activation int8 runs on its own (a softmax after a Gemm): the value before it has its own scale.
      if (last && separateActivation(op)) {
        const before = group.slice(0, -1).reverse().find((name) => out[name]);
        if (before) out[preActivation(op.layer.name)] = out[before];
        out[op.layer.name] = out[last];
      }
      if (last) for (const name of group) out[name] ??= out[last];
    }
    // Views, pooling by maximum, padding and integer operators without scales of their own keep their input's.
    const keeps = new Set(['Reshape', 'Flatten', 'Dropout', 'Transpose', 'MaxPooling2D', 'GlobalMaxPooling2D', 'ZeroPadding2D']);
    for (const layer of topologicalOrder(this.imported)) {
      if (out[layer.name] || layer.inputs.length === 0) continue;
      const format = this.converter.formats.get(layer.name);
      const from = out[layer.inputs[0]];
      if (from && (keeps.has(layer.type) || format === 'int8' || format === 'int4')) out[layer.name] = from;
    }
    return out;
  }

  private flattenOrder(): ModelWeights['flattenOrder'] {
    const layouts = [...this.converter.flattens];
    const cf = layouts.find(([, l]) => l === 'cf');
    const plain = layouts.find(([, l]) => l === 'plain');
    if (cf && plain) {
      throw new ModelError(
        `layer ${cf[0]} flattens an NCHW tensor and layer ${plain[0]} a channels-last one; the engine runs one flatten order per model`,
        plain[0],
      );
    }
    return plain ? 'hwc' : 'chw';
  }

  // ---- constants ----

  /** The scale and zero point of a quantized operator, which the engine needs as constants. */
  private given(q: QuantParams | undefined, where: string, what: string): QuantParams {
    if (!q) throw new ModelError(`${where}: the ${what} scale is not a constant (an initializer or a Constant node); the engine reads it only as one`);
    return q;
  }

  private need(k: Constant | undefined, layer: string, role: string): Constant {
    if (!k) throw new ModelError(`layer ${layer} has no ${role}`, layer);
    return k;
  }

  /** The values of a constant in its own dimensions, following views, transposes and (de)quantization. */
  private readConstant(k: Constant, what: string): Raw {
    let raw: Raw;
    let dequantize = k.dequantize;
    if (k.permuted) {
      const from = this.readConstant(k.permuted.from, what);
      raw = transpose(from, k.permuted.perm);
      // A view of a dequantized constant carries its DequantizeLinear along: applied already.
      if (dequantize === k.permuted.from.dequantize) dequantize = undefined;
    } else if (k.quantizedBy) {
      const q = k.quantizedBy;
      const from = toFloat(this.readConstant(q.from, what));
      raw = this.quantizeFloat(from, q, k.dataType, what);
    } else if (k.tensor) {
      const v = this.tensors.values(k.tensor, what);
      // A Constant node's value has its output's name; an initializer is not produced by any node.
      const kind = this.converter.producer.has(k.storageKey) ? 'the value of Constant' : 'initializer';
      raw = { ...v, source: `${kind} ${k.storageKey}` };
    } else if (k.values) {
      // Known values (a Constant node's value_ints, folded arithmetic): integers when a DequantizeLinear reads them.
      const shift = shiftOf(k.dataType);
      const narrow = [T.INT8, T.UINT8, INT4, UINT4].includes(k.dataType);
      const shifted = k.values.map((v) => v - shift);
      const data = !dequantize ? Float32Array.from(k.values) : narrow ? Int8Array.from(shifted) : Int32Array.from(shifted);
      raw = { dims: [...k.dims], data, shift: dequantize ? shift : 0, source: `the constant ${k.name}` };
    } else {
      throw new ModelError(`${what}: the values of ${k.name} are computed by the graph in a way the engine does not read`);
    }
    if (dequantize) {
      raw = view(raw, dequantize.dims, what);
      raw = this.quantize(raw, { scale: dequantize.scale, zeroPoint: dequantize.zeroPoint, where: what }, dequantize.axis, what);
    }
    return view(raw, k.dims, what);
  }

  /**
   * Scales and zero points (zero points shifted as their data); an absent zero point is 0 of the data's type, which
   * was shifted by `defaultShift` (128 for uint8, the type QuantizeLinear and the QLinear operators default to).
   */
  private scales(q: QuantParams, what: string, defaultShift = 128): { scale: Float64Array; zeroPoint: Int32Array; shift: number } {
    const s = toFloat(this.readConstant(q.scale, `${what} (scale ${q.scale.name})`));
    const scale = Float64Array.from(s.data);
    for (let i = 0; i < scale.length; i++) {
      if (!(Number.isFinite(scale[i]) && scale[i] > 0)) {
        throw new ModelError(`${what}: scale ${q.scale.name} holds ${scale[i]} at index ${i}; scales must be finite and positive`);
      }
    }
    if (!q.zeroPoint) return { scale, zeroPoint: new Int32Array(scale.length).fill(-defaultShift), shift: defaultShift };
    const z = this.readConstant(q.zeroPoint, `${what} (zero point ${q.zeroPoint.name})`);
    if (z.data instanceof Float32Array) throw new ModelError(`${what}: zero point ${q.zeroPoint.name} is not an integer tensor`);
    let zeroPoint = Int32Array.from(z.data);
    if (zeroPoint.length === 1 && scale.length > 1) zeroPoint = new Int32Array(scale.length).fill(zeroPoint[0]);
    if (zeroPoint.length !== scale.length) {
      throw new ModelError(`${what}: ${scale.length} scales and ${zeroPoint.length} zero points`);
    }
    return { scale, zeroPoint, shift: z.shift };
  }

  /** Integer values with the scale and zero point that give them meaning, per tensor or along `axis`. */
  private quantize(raw: Raw, q: QuantParams, axis: number | undefined, what: string): Raw {
    if (raw.quantization) return raw;
    if (raw.data instanceof Float32Array) throw new ModelError(`${what} holds float values where integers are dequantized`);
    const { scale, zeroPoint, shift } = this.scales(q, what, raw.shift);
    if (shift !== raw.shift) {
      throw new ModelError(`${what}: its zero point ${q.zeroPoint?.name} has another integer type than the values`);
    }
    if (scale.length === 1) return { ...raw, quantization: { scale, zeroPoint } };
    const rank = raw.dims.length;
    const a = axis === undefined ? -1 : axis < 0 ? axis + rank : axis;
    if (!(a >= 0 && a < rank) || raw.dims[a] !== scale.length) {
      throw new ModelError(
        `${what}: ${scale.length} scales do not run along ${axis === undefined ? 'any axis' : `axis ${axis}`} of its ${raw.dims.join('×')} values`,
      );
    }
    return { ...raw, quantization: { scale, zeroPoint, axis: a } };
  }

  /** QuantizeLinear of a float constant, as ONNX Runtime does it when the model loads (round half to even, saturate). */
  private quantizeFloat(from: Raw, q: NonNullable<Constant['quantizedBy']>, dataType: number, what: string): Raw {
    const params: QuantParams = { scale: q.scale, zeroPoint: q.zeroPoint, where: what };
    const { scale, zeroPoint, shift } = this.scales(params, what, shiftOf(dataType));
    // In the shifted (signed) range: int8 and uint8 saturate to −128…127, int4 and uint4 to −8…7.
    const [lo, hi] = dataType === T.INT8 || dataType === T.UINT8 ? [-128, 127] : [-8, 7];
    const rank = from.dims.length;
    const axis = q.axis < 0 ? q.axis + rank : q.axis;
    const inner = scale.length === 1 ? from.data.length : from.dims.slice(axis + 1).reduce((a, d) => a * d, 1);
    if (scale.length > 1 && from.dims[axis] !== scale.length) {
      throw new ModelError(`${what}: ${scale.length} scales do not run along axis ${q.axis} of ${from.dims.join('×')} values`);
    }
    const data = new Int8Array(from.data.length);
    for (let i = 0; i < data.length; i++) {
      const c = scale.length === 1 ? 0 : Math.floor(i / inner) % scale.length;
      const v = roundHalfEven(from.data[i] / scale[c]) + zeroPoint[c];
      data[i] = Math.min(hi, Math.max(lo, v));
    }
    const quantization: TensorQuantization = { scale, zeroPoint, ...(scale.length > 1 ? { axis } : {}) };
    return { dims: from.dims, data, shift, quantization, source: from.source };
  }

  // ---- output tensors ----

  /** A kernel: float, or int8 with its quantization. */
  private kernelTensor(raw: Raw, layer: string, role: string): WeightTensor {
    if (!(raw.data instanceof Int8Array) || !raw.quantization) raw = toFloat(raw);
    return this.tensor(raw, layer, role);
  }

  private tensor(raw: Raw, layer: string, role: string): WeightTensor {
    if (raw.data instanceof Int8Array && !raw.quantization) raw = toFloat(raw);
    const tensor: WeightTensor = {
      shape: raw.dims,
      data: raw.data,
      ...(raw.quantization ? { quantization: raw.quantization } : {}),
      source: raw.source,
    };
    try {
      checkFinite(tensor, layer, role);
    } catch (err) {
      throw new ModelError(err instanceof Error ? err.message : String(err), layer);
    }
    if (sizeOf(tensor.shape) !== tensor.data.length) throw new Error(`layer ${layer}: ${role} shape and data disagree`);
    return tensor;
  }
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Real values of a tensor as float32. */
function toFloat(raw: Raw): Raw {
  // Every Raw owns its data (decoded or computed for this read), so float data is used as it is.
  if (raw.data instanceof Float32Array) return raw;
  const out = new Float32Array(raw.data.length);
  const q = raw.quantization;
  if (!q) {
    for (let i = 0; i < out.length; i++) out[i] = raw.data[i] + raw.shift;
  } else {
    const inner = q.axis === undefined ? out.length : raw.dims.slice(q.axis + 1).reduce((a, d) => a * d, 1);
    for (let i = 0; i < out.length; i++) {
      const c = q.axis === undefined ? 0 : Math.floor(i / inner) % q.scale.length;
      out[i] = q.scale[c] * (raw.data[i] - q.zeroPoint[c]);
    }
  }
  return { dims: raw.dims, data: out, shift: 0, source: raw.source };
}

/** Multiplies real values by a factor (Gemm's alpha and beta): the data, or the scales of quantized data. */
function scaleBy(raw: Raw, factor: number): Raw {
  if (factor === 1) return raw;
  if (raw.quantization) {
    const scale = raw.quantization.scale.map((s) => s * Math.abs(factor));
    if (factor > 0) return { ...raw, quantization: { ...raw.quantization, scale } };
    return scaleBy(toFloat(raw), factor);
  }
  const f = toFloat(raw);
  const data = f.data as Float32Array;
  for (let i = 0; i < data.length; i++) data[i] *= factor;
  return f;
}

/** A one-value tensor repeated `n` times (a Gemm bias C that broadcasts). */
function broadcastScalar(raw: Raw, n: number): Raw {
  const data = new (raw.data.constructor as new (n: number) => Raw['data'])(n).fill(raw.data[0]);
  const q = raw.quantization;
  // Per-channel scales (a QGemm's weight scales times the input's) now run along the repeated values.
  const axis = q && q.scale.length > 1 ? { axis: 0 } : {};
  return { ...raw, dims: [n], data, ...(q ? { quantization: { scale: q.scale, zeroPoint: q.zeroPoint, ...axis } } : {}) };
}

/** The same values with other dimensions; a quantization axis follows the dimension it ran along. */
function view(raw: Raw, dims: readonly number[], what: string): Raw {
  if (dims.length === raw.dims.length && dims.every((d, i) => d === raw.dims[i])) return raw;
  if (sizeOf(dims) !== raw.data.length) throw new ModelError(`${what}: ${raw.data.length} values cannot be viewed as ${dims.join('×')}`);
  const q = raw.quantization;
  if (q?.axis === undefined) return { ...raw, dims: [...dims] };
  const before = sizeOf(raw.dims.slice(0, q.axis));
  const size = raw.dims[q.axis];
  const axis = dims.findIndex((d, i) => d === size && sizeOf(dims.slice(0, i)) === before);
  if (axis < 0) throw new ModelError(`${what}: its per-channel scales do not follow the reshape to ${dims.join('×')}`);
  return { ...raw, dims: [...dims], quantization: { ...q, axis } };
}

/** Permutes the dimensions of a tensor (output dimension i is input dimension perm[i]). */
function transpose(raw: Raw, perm: readonly number[]): Raw {
  const rank = raw.dims.length;
  const dims = perm.map((a) => raw.dims[a]);
  const strides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1] * raw.dims[i + 1];
  const stepOf = perm.map((a) => strides[a]);
  const data = new (raw.data.constructor as new (n: number) => Raw['data'])(raw.data.length);
  const index = new Array<number>(rank).fill(0);
  let from = 0;
  for (let i = 0; i < data.length; i++) {
    data[i] = raw.data[from];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      from += stepOf[d];
      if (index[d] < dims[d]) break;
      from -= stepOf[d] * dims[d];
      index[d] = 0;
    }
  }
  const q = raw.quantization;
  return { ...raw, dims, data, ...(q ? { quantization: q.axis === undefined ? q : { ...q, axis: perm.indexOf(q.axis) } } : {}) };
}
