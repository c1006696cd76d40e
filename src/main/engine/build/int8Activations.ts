// The int8 activations that run as operations of their own, lowered as TensorFlow Lite Micro's reference kernels
// compute them: relu, relu6, sigmoid and tanh as a table of the 256 input codes, softmax in gemmlowp's fixed point.
// Values are the graph's uint8 codes q + 128 (see int8.ts).
import type { ActivationQuantization } from '../../../shared/engine/weights';
import {
  logisticTableInt8,
  reluTableInt8,
  tanhTableInt8,
  rdbp,
  softmaxExpTable,
  softmaxParams,
  SOFTMAX_ACCUMULATION_BITS,
} from '../../../shared/engine/fixedPoint';
import { ModelError } from '../../../shared/model/types';
import { attr, DT, type OnnxBuilder } from '../onnx/builder';
import type { IntegerOps } from '../onnx/integer';
import { isImage } from './layout';

/** An int8 value in the graph: its ONNX name, Frontier's shape and its quantization. */
export interface Int8Value {
  name: string;
  shape: number[];
  q: ActivationQuantization;
}

const f32 = Math.fround;

function fail(layer: string, message: string): never {
  throw new ModelError(`layer ${layer}: ${message}`, layer);
}

/** An int8 activation: softmax, or a table of its 256 input codes as TFLM computes them. */
export function lowerUnary(b: OnnxBuilder, ops: IntegerOps, name: string, activation: string, x: Int8Value, out: ActivationQuantization): string {
  if (activation === 'softmax') return lowerSoftmax(b, ops, name, x, out);
  let table: number[];
  if (activation === 'sigmoid') {
    if (out.zeroPoint !== -128 || f32(out.scale) !== 1 / 256) {
      fail(name, `an int8 logistic writes scale 1/256 and zero point −128 (TFLM refuses others); this one has ${out.scale}, ${out.zeroPoint}`);
    }
    table = logisticTableInt8(x.q);
  } else if (activation === 'tanh') {
    if (out.zeroPoint !== 0 || f32(out.scale) !== 1 / 128) {
      fail(name, `an int8 tanh writes scale 1/128 and zero point 0 (TFLM refuses others); this one has ${out.scale}, ${out.zeroPoint}`);
    }
    table = tanhTableInt8(x.q);
  } else if (activation === 'relu' || activation === 'relu6') {
    table = reluTableInt8(activation, x.q, out);
  } else {
    return fail(name, `an int8 ${activation} is not supported yet (int8 runs take relu, relu6, sigmoid, tanh and softmax)`);
  }
  // Indexed by the code q + 128, holding codes.
  const lut = b.constant(`${name}.table`, table.map((v) => v + 128), DT.UINT8, [256]);
  return b.node('Gather', [lut, ops.cast(x.name, DT.INT64, 'code')], [b.fresh(`${name}/lut`)]);
}

/** TFLM's reference int8 softmax (gemmlowp fixed point) along the last axis. */
export function lowerSoftmax(b: OnnxBuilder, ops: IntegerOps, name: string, x: Int8Value, out: ActivationQuantization): string {
  const layer = { name };
  if (out.zeroPoint !== -128 || f32(out.scale) !== 1 / 256) {
    fail(layer.name, `an int8 softmax writes scale 1/256 and zero point −128 (TFLM refuses others); this one has ${out.scale}, ${out.zeroPoint}`);
  }
  if (isImage(x.shape)) fail(layer.name, 'an int8 softmax over an image tensor is not supported yet');
  const params = softmaxParams(f32(x.q.scale));
  const { exp, included } = softmaxExpTable(params);
  const xs = ops.cast(x.name, DT.INT64);
  const axes = b.constant('axes', [-1], DT.INT64, [1]);
  const max = b.node('ReduceMax', [xs, axes], [b.fresh(`${layer.name}/max`)], { keepdims: attr.int(1) });
  const diff = ops.sub(max, xs, 'diff');
  const gather = (table: number[]): string => b.node('Gather', [ops.constant(table), diff], [b.fresh(`${layer.name}/lut`)]);
  const terms = gather(exp.map((e, k) => (included[k] ? rdbp(e, SOFTMAX_ACCUMULATION_BITS) : 0)));
  const sum = b.node('ReduceSum', [terms, axes], [b.fresh(`${layer.name}/sum`)], { keepdims: attr.int(1) });
  // GetReciprocal: headroom = count of leading zeros of the (positive) sum = #{j < 32 : sum < 2^j}
  const powers = Array.from({ length: 32 }, (_, j) => 2 ** j);
  const unsqueezed = b.node('Unsqueeze', [sum, axes], [b.fresh(`${layer.name}/sum1`)]);
  const below = ops.indicator('Less', unsqueezed, ops.constant(powers));
  const headroom = b.node('ReduceSum', [below, axes], [b.fresh(`${layer.name}/clz`)], { keepdims: attr.int(0) });
  const pow2 = ops.constant(Array.from({ length: 40 }, (_, j) => 2 ** j));
  const power = (e: string): string => b.node('Gather', [pow2, e], [b.fresh(`${layer.name}/pow`)]);
  const shifted = ops.sub(ops.mul(sum, power(headroom)), ops.constant([2 ** 31]));
  // gemmlowp's one_over_one_plus_x_for_x_in_0_1 (the operand is non-negative here)
  const half = ops.div(ops.add(shifted, ops.constant([2 ** 31])), ops.constant([2]));
  let r = ops.add(ops.constant([1515870810]), ops.srdhm(half, ops.constant([-1010580540])));
  for (let i = 0; i < 3; i++) {
    const oneMinus = ops.sub(ops.constant([2 ** 29]), ops.srdhm(half, r));
    r = ops.add(r, ops.saturatingShiftLeft(ops.srdhm(r, oneMinus), 2));
  }
  const scale = ops.saturatingShiftLeft(r, 1);
  // exponent = bits over unit + 31 − 8 = (12 − headroom) + 23
  const exponent = ops.sub(ops.constant([SOFTMAX_ACCUMULATION_BITS + 23]), headroom);
  const pow = power(exponent);
  const halfMask = ops.div(ops.sub(pow, ops.constant([1])), ops.constant([2]));
  const unsat = ops.rdbp(ops.srdhm(scale, gather(exp)), pow, halfMask);
  const inside = gather(included.map((v) => (v ? 1 : 0)));
  // The code of unsat − 128 clamped to int8, and of −128 (code 0) outside diff_min.
  return ops.cast(ops.mul(inside, ops.clip(unsat, 0, 255)), DT.UINT8, 'q');
}
