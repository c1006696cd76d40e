// Display names: the Keras scope a TensorFlow tensor name carries, the operator and its index otherwise, unique in
// the model and never another layer's full name; either name finds the layer.
import { describe, expect, it } from 'vitest';
import { displayNames, kerasSnake, resolveLayerName } from '../../src/shared/model/displayNames';
import type { Layer, ModelGraph } from '../../src/shared/model/types';
import { fixtureBytes, importTflite } from '../import/tflite/helpers';

const FUSED =
  'model/activation/Relu;model/batch_normalization/FusedBatchNormV3;model/conv2d/BiasAdd/ReadVariableOp/resource;model/conv2d/BiasAdd;model/conv2d_3/Conv2D;model/conv2d/Conv2D1';
const DEPTHWISE =
  'model/re_lu_2/Relu6;model/batch_normalization_4/FusedBatchNormV3;model/depthwise_conv2d_1/depthwise;model/depthwise_conv2d_1/BiasAdd/ReadVariableOp/resource';

function graph(layers: Partial<Layer>[]): ModelGraph {
  return { name: 't', layers: layers as Layer[], outputs: [] };
}

describe('display names', () => {
  it('Keras spelling of layer types', () => {
    expect(kerasSnake('DepthwiseConv2D')).toBe('depthwise_conv2d');
    expect(kerasSnake('Conv2D')).toBe('conv2d');
    expect(kerasSnake('MaxPooling2D')).toBe('max_pooling2d');
    expect(kerasSnake('BatchNormalization')).toBe('batch_normalization');
  });

  it('a fused TensorFlow name shows the scope of the layer’s own op; the full name still finds it', () => {
    const g = graph([
      { type: 'Input', name: 'serving_default_input_1:0', inputs: [] },
      { type: 'Conv2D', name: FUSED, inputs: ['serving_default_input_1:0'] },
      { type: 'DepthwiseConv2D', name: DEPTHWISE, inputs: [FUSED] },
      { type: 'Activation', name: `${DEPTHWISE}/relu6`, inputs: [DEPTHWISE] },
      { type: 'Dense', name: 'StatefulPartitionedCall:0', inputs: [`${DEPTHWISE}/relu6`] },
    ]);
    const names = displayNames(g);
    expect([...names.values()]).toEqual(['input_1', 'conv2d', 'depthwise_conv2d_1', 're_lu_2', 'Dense_0']);
    expect(resolveLayerName(g, 'depthwise_conv2d_1')).toBe(DEPTHWISE);
    expect(resolveLayerName(g, FUSED)).toBe(FUSED);
    expect(resolveLayerName(g, 'conv2d_9')).toBeNull();
  });

  it('layers sharing a scope stay apart, and no display name is another layer’s full name', () => {
    const g = graph([
      { type: 'Input', name: 'dense', inputs: [] },
      { type: 'Dense', name: 'model/dense/MatMul', inputs: ['dense'] },
      { type: 'Activation', name: 'model/dense/MatMul/relu', inputs: ['model/dense/MatMul'] },
      { type: 'Dense', name: 'model/dense/BiasAdd', inputs: ['model/dense/MatMul/relu'] },
    ]);
    const shown = [...displayNames(g).values()];
    expect(shown[0]).toBe('dense');
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown.slice(1)).toEqual(['dense#2', 'dense/relu', 'dense#3']);
    for (const s of shown) expect(resolveLayerName(g, s)).not.toBeNull();
  });

  it('real TFLite files: hello_world and person_detect', () => {
    const hello = importTflite(fixtureBytes('hello_world_int8.tflite'), 'hello_world_int8.tflite');
    expect([...displayNames(hello).values()]).toEqual(['dense_input', 'dense', 'dense_1', 'Dense_2']);
    const person = importTflite(fixtureBytes('person_detect.tflite'), 'person_detect.tflite');
    const shown = [...displayNames(person).values()];
    expect(shown.slice(0, 4)).toEqual(['input', 'Conv2d_0', 'Conv2d_1_depthwise', 'Conv2d_1_pointwise']);
    expect(new Set(shown).size).toBe(shown.length);
    expect(Math.max(...shown.map((s) => s.length))).toBeLessThanOrEqual(20);
  });

  it('plain Keras names are kept as they are', () => {
    const g = graph([
      { type: 'Input', name: 'input', inputs: [] },
      { type: 'Conv2D', name: 'conv1', inputs: ['input'] },
    ]);
    expect([...displayNames(g).values()]).toEqual(['input', 'conv1']);
  });
});

describe('shape labels', () => {
  it('group thousands in each dimension', async () => {
    const { shapeLabel } = await import('../../src/shared/model/shapes');
    expect(shapeLabel([28800])).toBe('28,800');
    expect(shapeLabel([96, 96, 1])).toBe('96×96×1');
  });
});
