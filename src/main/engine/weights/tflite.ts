// The weights of a TensorFlow Lite file in the engine's layout, with the file's own quantization: int8 filters with
// their per-channel scales, int32 biases, and the scale and zero point of every activation tensor. Float16 weights
// (behind a DEQUANTIZE) are widened to float32; a hybrid file's int8 weights stay int8 with their scales.
import { QuantizationParameters } from '../../import/tflite/generated/tflite/quantization-parameters';
import { Tensor } from '../../import/tflite/generated/tflite/tensor';
import { TensorType } from '../../import/tflite/generated/tflite/tensor-type';
import type { TfliteOperators, TfliteTensor } from '../../import/tflite/reader';
import { tfliteBindings } from '../../import/tflite/toGraph';
import { typeName } from '../../import/tflite/tensorTypes';
import type { ImportOptions } from '../../../shared/model/importOptions';
import type { ModelGraph } from '../../../shared/model/types';
import {
  checkFinite,
  sizeOf,
  type ActivationQuantization,
  type LayerWeights,
  type ModelWeights,
  type TensorQuantization,
  type WeightTensor,
} from '../../../shared/engine/weights';
import { float16ToFloat32 } from '../../../shared/engine/float16';

const FIELD = { Tensor: { quantization: 4 }, Quantization: { scale: 2, zero_point: 3, quantized_dimension: 6 } } as const;

export interface TfliteModel {
  graph: ModelGraph;
  weights: ModelWeights;
}

/** The file's tensor quantization, or null when it has none (a float tensor). */
export function tensorQuantization(file: TfliteOperators, index: number): TensorQuantization | null {
  const { guard, subgraph } = file;
  const what = `the quantization of tensor ${index}`;
  const tensor = guard.table(subgraph.tensors(index, new Tensor()), `tensor ${index}`);
  if (!guard.subtable(tensor, FIELD.Tensor.quantization, what)) return null;
  const q = guard.table(tensor.quantization(new QuantizationParameters()), what);
  const scales = guard.vector(q, FIELD.Quantization.scale, 4, `the scales of tensor ${index}`);
  const zeros = guard.vector(q, FIELD.Quantization.zero_point, 8, `the zero points of tensor ${index}`);
  if (scales === 0) return null;
  if (zeros !== scales && zeros !== 1 && zeros !== 0) {
    guard.damaged(`tensor ${index} has ${scales} scales but ${zeros} zero points`);
  }
  const scale = new Float64Array(scales);
  const zeroPoint = new Int32Array(scales);
  for (let i = 0; i < scales; i++) {
    scale[i] = q.scale(i) ?? 0;
    zeroPoint[i] = zeros === 0 ? 0 : Number(q.zeroPoint(zeros === 1 ? 0 : i) ?? 0n);
    if (!(scale[i] > 0) || !Number.isFinite(scale[i])) guard.damaged(`tensor ${index} has a quantization scale of ${scale[i]}`);
  }
  return scales > 1 ? { scale, zeroPoint, axis: q.quantizedDimension() } : { scale, zeroPoint };
}

export function readTfliteModel(bytes: Uint8Array, fileName: string, modelName: string, options: ImportOptions = {}): TfliteModel {
  const bound = tfliteBindings(bytes, fileName, modelName, options);
  const { file, tensors, graph } = bound;
  const label = (t: TfliteTensor): string => (t.name ? `tensor ${t.index} "${t.name}"` : `tensor ${t.index}`);

  const read = (t: TfliteTensor, layer: string, role: string): WeightTensor => {
    const data = tensors.data(t.buffer, label(t));
    const count = sizeOf(t.shape);
    const view = new DataView(bytes.buffer, bytes.byteOffset + data.start, data.bytes);
    const need = (size: number): void => {
      if (data.bytes !== count * size) {
        throw new Error(`${fileName}: layer ${layer}: its ${role} ${label(t)} of shape [${t.shape.join(', ')}] needs ${count * size} bytes, its buffer holds ${data.bytes}`);
      }
    };
    let values: Float32Array | Int8Array | Int32Array;
    switch (t.type) {
      case TensorType.FLOAT32:
        need(4);
        values = new Float32Array(count);
        for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 * i, true);
        break;
      case TensorType.FLOAT16:
        need(2);
        values = new Float32Array(count);
        for (let i = 0; i < count; i++) values[i] = float16ToFloat32(view.getUint16(2 * i, true));
        break;
      case TensorType.INT8:
        need(1);
        values = new Int8Array(count);
        for (let i = 0; i < count; i++) values[i] = view.getInt8(i);
        break;
      case TensorType.INT32:
        need(4);
        values = new Int32Array(count);
        for (let i = 0; i < count; i++) values[i] = view.getInt32(4 * i, true);
        break;
      default:
        throw new Error(`${fileName}: layer ${layer}: its ${role} ${label(t)} holds ${typeName(t.type)} values, which Frontier cannot run`);
    }
    const quantization = values instanceof Float32Array ? null : tensorQuantization(file, t.index);
    if (!(values instanceof Float32Array) && !quantization) {
      throw new Error(`${fileName}: layer ${layer}: its ${role} ${label(t)} holds ${typeName(t.type)} values without a quantization scale`);
    }
    const tensor: WeightTensor = { shape: [...t.shape], data: values, source: label(t), ...(quantization ? { quantization } : {}) };
    checkFinite(tensor, layer, role);
    return tensor;
  };

  const layers: Record<string, LayerWeights> = {};
  const byName = new Map(graph.layers.map((l) => [l.name, l]));
  for (const [name, { kernel, bias }] of bound.weights) {
    const layer = byName.get(name);
    if (!layer) continue;
    const k = read(kernel, name, 'filter');
    const entry: LayerWeights = {};
    if (layer.type === 'DepthwiseConv2D') {
      // TFLite [1, kh, kw, C·m] → [C·m, 1, kh, kw]
      const [, kh, kw, out] = k.shape;
      entry.kernel = transpose(k, [out, 1, kh, kw], (o, _i, y, x) => (y * kw + x) * out + o, 3);
    } else if (layer.type === 'Conv2D') {
      // TFLite OHWI → OIHW
      const [out, kh, kw, inC] = k.shape;
      entry.kernel = transpose(k, [out, inC, kh, kw], (o, i, y, x) => ((o * kh + y) * kw + x) * inC + i, 0);
    } else {
      entry.kernel = k; // FULLY_CONNECTED: [units, inputs] already
    }
    if (bias) {
      const b = read(bias, name, 'bias');
      // A bias is one vector: its scales run along its only axis, whatever dimension the file names.
      if (b.quantization && b.quantization.scale.length > 1) b.quantization = { ...b.quantization, axis: 0 };
      entry.bias = b;
    }
    layers[name] = entry;
  }
  for (const [name, t] of bound.constants) {
    layers[name] = { ...(layers[name] ?? {}), constant: read(t, name, 'constant operand') };
  }

  const activations: Record<string, ActivationQuantization> = {};
  for (const [name, t] of bound.outputs) {
    const q = tensorQuantization(file, t);
    if (q && tensors.tensors[t].type !== TensorType.FLOAT32) activations[name] = { scale: q.scale[0], zeroPoint: q.zeroPoint[0] };
  }
  const weights: ModelWeights = { layers, flattenOrder: 'hwc' };
  if (Object.keys(activations).length > 0) weights.activations = activations;
  return { graph, weights };
}

/**
 * Reorders a rank-4 tensor into `shape` (the canonical layout); `at(o, i, y, x)` gives the source index of each
 * destination element. Per-channel quantization moves with its axis (`sourceAxis` is the file's channel axis).
 */
function transpose(
  t: WeightTensor,
  shape: number[],
  at: (o: number, i: number, y: number, x: number) => number,
  sourceAxis: number,
): WeightTensor {
  const [O, I, H, W] = shape;
  const data = new (t.data.constructor as { new (n: number): Float32Array | Int8Array | Int32Array })(sizeOf(shape));
  let k = 0;
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[k++] = t.data[at(o, i, y, x)];
  const out: WeightTensor = { shape, data, ...(t.source ? { source: t.source } : {}) };
  if (t.quantization) {
    const q = t.quantization;
    if (q.axis !== undefined && q.axis !== sourceAxis) throw new Error(`${t.source}: quantized along axis ${q.axis}, not the output channels (axis ${sourceAxis})`);
    out.quantization = q.axis === undefined ? q : { ...q, axis: 0 };
  }
  return out;
}
