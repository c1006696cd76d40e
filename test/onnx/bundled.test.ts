// The desktop build bundles protobufjs into an ES module, where it finds neither Node's Buffer nor the `long`
// package: int64 fields then arrive as plain numbers and bytes as Uint8Array views. The importer reads the same.
import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { onnxToGraph } from '../../src/main/import/onnx';
import { decodeModel, graphOf, type TensorProto } from '../../src/main/import/onnx/proto';
import { analyze } from '../../src/shared/analysis/analyze';
import { mlperfKws } from '../../src/shared/presets';
import { graphToOnnx } from './writer';

describe('protobufjs without Buffer and Long', () => {
  it('reads the same graph and figures', () => {
    // A plain Uint8Array, as the bundled app's reader sees the file (not a Node Buffer).
    const bytes = new Uint8Array(graphToOnnx(mlperfKws(), { precision: 'int8' }));
    const withLong = analyze(onnxToGraph(bytes, 'kws.onnx'), { memoryModel: 'arena' });
    const util = protobuf.util as unknown as { Long: unknown; Buffer: unknown };
    const saved = { Long: util.Long, Buffer: util.Buffer };
    try {
      util.Long = null;
      util.Buffer = null;
      protobuf.configure();
      const model = decodeModel(bytes);
      expect(typeof model.irVersion).toBe('number');
      const raw = (graphOf(model).initializer as TensorProto[])[0].rawData;
      expect(Buffer.isBuffer(raw)).toBe(false);
      expect(raw.buffer).toBe(bytes.buffer);
      const without = analyze(onnxToGraph(bytes, 'kws.onnx'), { memoryModel: 'arena' });
      expect(without).toEqual(withLong);
    } finally {
      util.Long = saved.Long;
      util.Buffer = saved.Buffer;
      protobuf.configure();
    }
  });
});
