// The app shows a refusal over unknown operators without the command-line flag it cannot use (it offers a button).
import { describe, expect, it } from 'vitest';
import { unknownOperatorsRefusal } from '../../src/renderer/lib/unknownOps';
import { tfliteToGraph } from '../../src/main/import/tflite/toGraph';
import { GraphBuilder } from '../../src/shared/presets';
import { graphToTflite } from '../import/tflite/writer';

function svdfFile(): Uint8Array {
  const b = new GraphBuilder('svdf');
  const x = b.input('in', [16]);
  const s = b.layer('svdf', [x], { type: 'Opaque', op: 'SVDF', outputShape: [16] });
  b.dense('fc', s, { units: 4 });
  return graphToTflite(b.build(), { precision: 'int8' });
}

describe('unknownOperatorsRefusal', () => {
  it('a TFLite refusal: what is unknown, without --allow-unknown-ops', () => {
    let message = '';
    try {
      tfliteToGraph(svdfFile(), 'kws.tflite', 'kws');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(unknownOperatorsRefusal(message)).toBe('kws.tflite: 1 operator Frontier does not know: SVDF ×1.');
  });

  it('an ONNX refusal, and another error is not one', () => {
    expect(unknownOperatorsRefusal('unknown ONNX operators: Foo ×2. Frontier reads Conv, Gemm; --allow-unknown-ops analyses the others')).toBe(
      'unknown ONNX operators: Foo ×2. Frontier reads Conv, Gemm.',
    );
    expect(unknownOperatorsRefusal('x.tflite: the file is damaged')).toBeNull();
  });
});
