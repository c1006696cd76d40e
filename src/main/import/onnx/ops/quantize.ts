// QuantizeLinear and DequantizeLinear. A DequantizeLinear of a stored integer tensor is that constant (a quantized
// weight); a QuantizeLinear read only by DequantizeLinear nodes marks where the graph stores an activation as
// integers (the QDQ format): the pair is no layer and no tensor, and the activation before it is stored at the
// integer type. A lone QuantizeLinear or DequantizeLinear on an activation converts it (the QOperator format's
// model input and output): a Cast layer that allocates its output.
import { ModelError } from '../../../../shared/model/types';
import type { Converter, NodeContext } from '../context';
import { onnx } from '../proto';
import { dataTypeName, numberFormatOf } from '../tensors';
import { recordInputScale } from './compute';

const T = onnx.TensorProto.DataType;

const isDefaultDomain = (domain: string): boolean => domain === '' || domain === 'ai.onnx';

export function quantizeLinear(c: Converter, ctx: NodeContext): void {
  const out = ctx.node.output[0] ?? '';
  const zeroPoint = c.optionalConstant(ctx, 2, 'y_zero_point');
  const type = ctx.attrs.int('output_dtype', 0) || (zeroPoint ? zeroPoint.dataType : T.UINT8);
  const format = numberFormatOf(type);
  if (format !== 'int8' && format !== 'int4') {
    throw new ModelError(
      `${ctx.where}: quantizes to ${dataTypeName(type)}; Frontier's integer formats are int8 and int4 (8-bit and 4-bit)`,
    );
  }
  const scale = c.constant(ctx, 1, 'y_scale');
  const stored = c.constants.get(ctx.node.input[0] ?? '');
  if (stored) {
    // A float weight quantized when the model loads: deployed at the integer type, stored as the file holds it.
    const quantizedBy = { from: stored, scale, zeroPoint, axis: ctx.attrs.int('axis', 1) };
    c.bindConstant(ctx, out, { ...stored, name: out, dataType: type, values: undefined, tensor: undefined, dequantize: undefined, permuted: undefined, quantizedBy });
    return;
  }
  const x = c.input(ctx, 0);
  const readers = c.consumers.get(out) ?? [];
  const pair =
    readers.length > 0 &&
    !c.graphOutputs.has(out) &&
    readers.every((n) => n.opType === 'DequantizeLinear' && isDefaultDomain(n.domain) && n.input[0] === out);
  if (pair) {
    c.quantized.set(x.layer, format);
    if (!c.activationScales.has(x.layer)) c.activationScales.set(x.layer, { scale, zeroPoint, where: ctx.where });
    c.pairs.set(out, x);
    c.producer.set(out, ctx.where);
    c.notes.add(
      'QuantizeLinear→DequantizeLinear pairs mark activations stored as integers: each pair is read as its tensor\'s format, not as a layer',
    );
    return;
  }
  const cast = c.addLayer(ctx, { type: 'Cast', to: format }, [x], { format });
  c.activationScales.set(cast.layer, { scale, zeroPoint, where: ctx.where });
}

export function dequantizeLinear(c: Converter, ctx: NodeContext): void {
  const name = ctx.node.input[0] ?? '';
  const out = ctx.node.output[0] ?? '';
  const stored = c.constants.get(name);
  if (stored) {
    const scale = c.constant(ctx, 1, 'x_scale');
    const zeroPoint = c.optionalConstant(ctx, 2, 'x_zero_point');
    const dequantize = { scale, zeroPoint, axis: ctx.attrs.int('axis', 1), dims: stored.dims };
    c.bindConstant(ctx, out, { ...stored, name: out, dequantize });
    return;
  }
  const paired = c.pairs.get(name);
  if (paired) {
    c.bind(ctx, out, { ...paired, format: 'fp32' });
    return;
  }
  const x = c.input(ctx, 0);
  recordInputScale(c, ctx, 0, 1);
  if (c.layerByName.get(x.layer)?.type === 'Input') {
    // An integer model input read through DequantizeLinear: the operators after it read the input itself.
    c.bind(ctx, out, { ...x, format: 'fp32' });
    return;
  }
  c.addLayer(ctx, { type: 'Cast', to: 'fp32' }, [x], { format: 'fp32' });
}
