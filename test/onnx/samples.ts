// Small hand-written ONNX models shared by several tests and the fuzz seeds.
import { attr, DT, OnnxBuilder } from './builder';

const scalar = (b: OnnxBuilder, name: string, value: number, type: number = DT.FLOAT): string => b.constant(name, [value], type, []);

export function ortQOperator(): Uint8Array {
  // What ONNX Runtime's quantizer writes in the QOperator format, with its com.microsoft operators.
  const b = new OnnxBuilder('qop-ms', 13);
  b.input('x', ['N', 3, 8, 8]);
  const s = scalar(b, 's', 0.02);
  const zp = scalar(b, 'zp', 128, DT.UINT8);
  const ms = 'com.microsoft';
  b.node('QuantizeLinear', ['x', s, zp], ['xq'], {}, 'quantize');
  const conv = (name: string, x: string, c: number): void => {
    b.initializer(`${name}.w`, [4, c, 3, 3], Array.from({ length: 36 * c }, (_, i) => 120 + (i % 16)), DT.UINT8);
    b.initializer(`${name}.b`, [4], [1, 2, 3, 4], DT.INT32);
    b.node('QLinearConv', [x, s, zp, `${name}.w`, s, zp, s, zp, `${name}.b`], [name], { pads: attr.ints([1, 1, 1, 1]) }, name);
  };
  conv('c1', 'xq', 3);
  conv('c2', 'c1', 4);
  b.node('QLinearAdd', ['c1', s, zp, 'c2', s, zp, s, zp], ['sum'], {}, 'add', ms);
  b.node('QLinearSigmoid', ['sum', s, zp, s, zp], ['gate'], {}, 'sigmoid', ms);
  b.node('QLinearConcat', [s, zp, 'sum', s, zp, 'gate', s, zp], ['cat'], { axis: attr.int(1) }, 'concat', ms);
  b.node('QLinearGlobalAveragePool', ['cat', s, zp, s, zp], ['gap'], {}, 'gap', ms);
  b.node('Flatten', ['gap'], ['flat'], {}, 'flatten');
  b.initializer('fc.w', [2, 8], Array.from({ length: 16 }, (_, i) => 100 + i), DT.UINT8);
  b.initializer('fc.b', [2], [7, 8], DT.INT32);
  b.node('QGemm', ['flat', s, zp, 'fc.w', s, zp, 'fc.b', s, zp], ['yq'], { transB: attr.int(1) }, 'fc', ms);
  b.node('DequantizeLinear', ['yq', s, zp], ['y'], {}, 'dequantize');
  b.output('y', ['N', 2]);
  return b.bytes();
}
