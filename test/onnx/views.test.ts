// Weight data is never copied: raw_data fields are views into the file's bytes, and only their lengths are read.
// (npm run bench:onnx shows a 553 MB VGG-16 importing this way.)
import { describe, expect, it } from 'vitest';
import { onnxToGraph } from '../../src/main/import/onnx';
import { decodeModel, graphOf, type TensorProto } from '../../src/main/import/onnx/proto';
import { analyze } from '../../src/shared/analysis/analyze';
import { attr, OnnxBuilder } from './builder';
import { runOnZeros } from './ort';

describe('weights as views', () => {
  const b = new OnnxBuilder('wide', 13);
  b.input('x', [1, 2048]);
  b.rawInitializer('w', [1024, 2048], new Uint8Array(1024 * 2048 * 4));
  b.rawInitializer('b', [1024], new Uint8Array(1024 * 4));
  b.node('Gemm', ['x', 'w', 'b'], ['y'], { transB: attr.int(1) }, 'fc');
  b.output('y', [1, 1024]);
  const bytes = Buffer.from(b.bytes());

  it('raw_data of every initializer lies inside the file’s own buffer', () => {
    const initializers = graphOf(decodeModel(bytes)).initializer as TensorProto[];
    for (const tensor of initializers) {
      expect(tensor.rawData.buffer).toBe(bytes.buffer);
      expect(tensor.rawData.byteOffset).toBeGreaterThanOrEqual(bytes.byteOffset);
      expect(tensor.rawData.byteOffset + tensor.rawData.byteLength).toBeLessThanOrEqual(bytes.byteOffset + bytes.byteLength);
    }
  });

  it('imports with the stored size from the lengths alone', async () => {
    await runOnZeros(bytes);
    const graph = onnxToGraph(bytes, 'wide.onnx');
    expect(graph.source?.storedWeightBytes).toBe((1024 * 2048 + 1024) * 4);
    expect(analyze(graph).params).toBe(1024 * 2048 + 1024);
  });
});
