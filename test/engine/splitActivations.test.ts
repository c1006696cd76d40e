// An int8 run applies a layer's softmax as TFLite does, as an operator of its own on the layer's int8 output: the
// dequantized outputs of mlperf-ic (Dense 10, softmax) are probabilities that sum to 1.
import { describe, expect, it } from 'vitest';
import { inferModel } from '../../src/main/engine/infer';
import { randomWeights } from '../../src/shared/engine/randomWeights';
import { splitUnfusedActivations } from '../../src/shared/model/splitActivations';
import { mlperfIc } from '../../src/shared/presets';

describe('activations TFLite cannot fuse run as operators of their own', () => {
  it('splits a Dense softmax into a linear Dense and a standalone softmax, consumers and outputs following', () => {
    const graph = splitUnfusedActivations(mlperfIc());
    const dense = graph.layers.find((l) => l.name === 'predictions');
    expect(dense).toMatchObject({ type: 'Dense', activation: 'linear' });
    expect(graph.layers.find((l) => l.name === 'predictions/softmax')).toMatchObject({ type: 'Activation', activation: 'softmax', standalone: true, inputs: ['predictions'] });
    expect(graph.outputs).toEqual(['predictions/softmax']);
    const relu = splitUnfusedActivations(mlperfIc());
    expect(relu.layers.filter((l) => l.type === 'Activation' && l.activation === 'relu').every((l) => !('standalone' in l && l.standalone))).toBe(true);
  });

  it('an int8 run of mlperf-ic gives softmax probabilities', async () => {
    const graph = mlperfIc();
    const weights = randomWeights(graph, 3);
    const x = Float32Array.from({ length: 4 * 32 * 32 * 3 }, (_, i) => Math.sin(i * 0.37));
    const result = await inferModel({ graph, weights, file: 'mlperf-ic' }, { precision: 'int8' }, [{ array: { dtype: 'float32', shape: [4, 32, 32, 3], data: x }, file: 'x.npy' }]);
    const y = result.outputs[0].array.data as Float32Array;
    for (let n = 0; n < 4; n++) {
      const sum = Array.from(y.slice(n * 10, n * 10 + 10)).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - 1)).toBeLessThan(0.05);
    }
  });
});
