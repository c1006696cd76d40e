// Quantized ONNX graphs give the precision the file stores: the QDQ format (QuantizeLinear→DequantizeLinear pairs
// around float operators), the QOperator format (QLinearConv, QLinearMatMul between a QuantizeLinear and a
// DequantizeLinear) and weight-only quantization. Every model here runs in ONNX Runtime.
import { describe, expect, it } from 'vitest';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { analyze } from '../../src/shared/analysis/analyze';
import { attr, DT, OnnxBuilder } from './builder';
import { runOnZeros } from './ort';
import { ortQOperator } from './samples';

const scalar = (b: OnnxBuilder, name: string, value: number, type: number = DT.FLOAT): string => b.constant(name, [value], type, []);

function qoperatorConv(): Uint8Array {
  const b = new OnnxBuilder('qop', 13);
  b.input('x', ['N', 3, 8, 8]);
  const s = scalar(b, 's', 0.02);
  const zp = scalar(b, 'zp', 128, DT.UINT8);
  b.node('QuantizeLinear', ['x', s, zp], ['xq'], {}, 'quantize');
  b.initializer('w', [4, 3, 3, 3], Array.from({ length: 108 }, (_, i) => 120 + (i % 16)), DT.UINT8);
  b.initializer('bias', [4], [10, -20, 30, -40], DT.INT32);
  b.node('QLinearConv', ['xq', s, zp, 'w', scalar(b, 'ws', 0.01), scalar(b, 'wzp', 128, DT.UINT8), s, zp, 'bias'], ['yq'], { pads: attr.ints([1, 1, 1, 1]) }, 'conv');
  b.node('DequantizeLinear', ['yq', s, zp], ['y'], {}, 'dequantize');
  b.output('y', ['N', 4, 8, 8]);
  return b.bytes();
}

function qlinearMatMul(): Uint8Array {
  const b = new OnnxBuilder('qmm', 13);
  b.input('a', ['N', 4], DT.UINT8);
  const s = scalar(b, 's', 0.1);
  const zp = scalar(b, 'zp', 0, DT.UINT8);
  b.initializer('w', [4, 3], Array.from({ length: 12 }, (_, i) => i), DT.UINT8);
  b.node('QLinearMatMul', ['a', s, zp, 'w', s, zp, s, zp], ['y'], {}, 'fc');
  b.output('y', ['N', 3], DT.UINT8);
  return b.bytes();
}

function weightOnly(): Uint8Array {
  const b = new OnnxBuilder('w8', 13);
  b.input('x', ['N', 3, 8, 8]);
  b.initializer('w_q', [4, 3, 3, 3], Array.from({ length: 108 }, (_, i) => (i % 9) - 4), DT.INT8);
  b.node('DequantizeLinear', ['w_q', scalar(b, 'ws', 0.01), scalar(b, 'wzp', 0, DT.INT8)], ['w'], {}, 'w_dq');
  b.initializer('b', [4], [0.1, 0.2, 0.3, 0.4]);
  b.node('Conv', ['x', 'w', 'b'], ['y'], {}, 'conv');
  b.output('y', ['N', 4, 6, 6]);
  return b.bytes();
}

function qdqWithFloatPool(): Uint8Array {
  // A conv in int8 (QDQ), then a MaxPool left in float: the pool is an exception to the file's int8.
  const b = new OnnxBuilder('qdq', 13);
  b.input('x', ['N', 3, 8, 8]);
  const s = scalar(b, 's', 0.05);
  const zp = scalar(b, 'zp', 0, DT.INT8);
  b.node('QuantizeLinear', ['x', s, zp], ['x_q'], {}, 'x_quantize');
  b.node('DequantizeLinear', ['x_q', s, zp], ['x_dq'], {}, 'x_dequantize');
  b.initializer('w_q', [4, 3, 3, 3], Array.from({ length: 108 }, (_, i) => (i % 5) - 2), DT.INT8);
  b.node('DequantizeLinear', ['w_q', scalar(b, 'ws', 0.01), scalar(b, 'wzp', 0, DT.INT8)], ['w'], {}, 'w_dq');
  b.initializer('b_q', [4], [5, 6, 7, 8], DT.INT32);
  b.node('DequantizeLinear', ['b_q', scalar(b, 'bs', 0.0005)], ['bias'], {}, 'b_dq');
  b.node('Conv', ['x_dq', 'w', 'bias'], ['c'], { pads: attr.ints([1, 1, 1, 1]) }, 'conv');
  b.node('Relu', ['c'], ['r'], {}, 'relu');
  b.node('QuantizeLinear', ['r', s, zp], ['r_q'], {}, 'r_quantize');
  b.node('DequantizeLinear', ['r_q', s, zp], ['r_dq'], {}, 'r_dequantize');
  b.node('MaxPool', ['r_dq'], ['y'], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }, 'pool');
  b.output('y', ['N', 4, 4, 4]);
  return b.bytes();
}

function float16Conv(): Uint8Array {
  const b = new OnnxBuilder('fp16', 13);
  b.input('x', ['N', 3, 8, 8], DT.FLOAT16);
  b.rawInitializer('w', [4, 3, 3, 3], new Uint8Array(108 * 2), DT.FLOAT16);
  b.node('Conv', ['x', 'w'], ['y'], {}, 'conv');
  b.output('y', ['N', 4, 6, 6], DT.FLOAT16);
  return b.bytes();
}

describe('quantized ONNX graphs', () => {
  it('ONNX Runtime’s QOperator format with its com.microsoft operators', async () => {
    const bytes = ortQOperator();
    await runOnZeros(bytes);
    const graph = parseModelBytes(Buffer.from(bytes), 'qop-ms.onnx');
    expect(graph.layers.map((l) => l.type)).toEqual([
      'Input', 'Cast', 'Conv2D', 'Conv2D', 'Add', 'Activation', 'Concatenate', 'GlobalAveragePooling2D', 'Flatten', 'Dense', 'Cast',
    ]);
    expect(graph.source).toMatchObject({ precision: 'int8', biasMode: 'int32', layerPrecisions: { x: 'w8a32', dequantize: 'w8a32' } });
    const report = analyze(graph);
    expect(report.params).toBe(4 * 27 + 4 + 4 * 36 + 4 + 16 + 2);
    expect(report.layers.find((l) => l.name === 'concat')?.outputShape).toEqual([8, 8, 8]);
  });

  it('a float16 model stores fp16', async () => {
    const bytes = float16Conv();
    await runOnZeros(bytes);
    const graph = parseModelBytes(Buffer.from(bytes), 'fp16.onnx');
    expect(graph.source).toMatchObject({ precision: 'fp16', storedWeightBytes: 216 });
    const report = analyze(graph, { memoryModel: 'layer-io' });
    expect([report.paramBytes, report.peakActivationBytes]).toEqual([216, (192 + 144) * 2]);
  });

  it('QOperator: QuantizeLinear → QLinearConv → DequantizeLinear is an int8 conv between two conversions', async () => {
    const bytes = qoperatorConv();
    await runOnZeros(bytes);
    const graph = parseModelBytes(Buffer.from(bytes), 'qop.onnx');
    expect(graph.layers.map((l) => l.type)).toEqual(['Input', 'Cast', 'Conv2D', 'Cast']);
    expect(graph.source).toMatchObject({
      precision: 'int8',
      biasMode: 'int32',
      layerPrecisions: { x: 'w8a32', dequantize: 'w8a32' },
      storedWeightBytes: 108 + 16,
    });
    const report = analyze(graph, { memoryModel: 'largest-tensor' });
    expect(report.whatIf).toBe(false);
    // The float input (8·8·3·4 B) and the float output (8·8·4·4 B) are the largest tensors; the int8 ones are 1 B each.
    expect(report.peakActivationBytes).toBe(8 * 8 * 4 * 4);
    expect(report.paramBytes).toBe(108 + 4 * 4);
    expect(report.storedParamBytes).toBe(124);
  });

  it('QLinearMatMul on a uint8 input is an int8 Dense without bias', async () => {
    const bytes = qlinearMatMul();
    await runOnZeros(bytes);
    const graph = parseModelBytes(Buffer.from(bytes), 'qmm.onnx');
    expect(graph.layers.map((l) => l.type)).toEqual(['Input', 'Dense']);
    expect(graph.source).toMatchObject({ precision: 'int8', storedWeightBytes: 12 });
    expect(graph.source?.layerPrecisions).toBeUndefined();
    expect(analyze(graph).params).toBe(12);
  });

  it('weights through DequantizeLinear with float activations: a hybrid w8a32 file', async () => {
    const bytes = weightOnly();
    await runOnZeros(bytes);
    const graph = parseModelBytes(Buffer.from(bytes), 'w8.onnx');
    expect(graph.source).toMatchObject({ precision: 'w8a32', storedWeightBytes: 108 + 16 });
    expect(graph.source?.biasMode).toBeUndefined();
    const report = analyze(graph);
    expect(report.filePrecision).toBe('w8a32');
    expect(report.paramBytes).toBe(108 + 4);
  });

  it('QDQ pairs are no layers and no tensors; a float MaxPool after them is listed as an exception', async () => {
    const bytes = qdqWithFloatPool();
    await runOnZeros(bytes);
    const graph = parseModelBytes(Buffer.from(bytes), 'qdq.onnx');
    expect(graph.layers.map((l) => `${l.type}:${l.name}`)).toEqual(['Input:x', 'Conv2D:conv', 'Activation:relu', 'MaxPooling2D:pool']);
    expect(graph.source).toMatchObject({ precision: 'int8', biasMode: 'int32', layerPrecisions: { pool: 'w8a32' } });
    const report = analyze(graph, { memoryModel: 'layer-io' });
    // The scales, zero points and quantized copies are neither parameters nor tensors.
    expect(report.params).toBe(108 + 4);
    expect(report.paramBytes).toBe(108 + 16);
    // conv reads 192 int8 values and writes 256 (Relu fused); the pool reads those 256 B and writes 64 floats.
    expect(report.layers.find((l) => l.name === 'conv')?.activationBytes).toBe(256);
    expect(report.layers.find((l) => l.name === 'pool')?.activationBytes).toBe(256);
    expect(report.peakActivationBytes).toBe(512);
  });
});
