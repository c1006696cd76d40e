import type { ModelGraph } from '../model/types';
import { GraphBuilder } from './builder';

/**
 * MLPerf Tiny keyword spotting reference model: DS-CNN on 49×10 MFCC features, 12 classes.
 *
 * Layer by layer as `get_model()` with `model_architecture == 'ds_cnn'` in
 * mlcommons/tiny benchmark/training/keyword_spotting/keras_model.py (after Zhang et al., "Hello Edge",
 * arXiv:1711.07128): a 10×4 stride-2 'same' Conv2D with 64 filters, BN, ReLU, Dropout 0.2; four depthwise
 * separable blocks (3×3 'same' DepthwiseConv2D, BN, ReLU, 1×1 Conv2D 64, BN, ReLU); Dropout 0.4;
 * AveragePooling2D over the whole 25×5 map (`final_pool_size = (int(49/2), int(10/2))`); Flatten; Dense 12
 * softmax. All convolutions keep Keras's default use_bias=True. The input is spectrogram_length × dct
 * coefficients × 1 = 49 × 10 × 1 with the default 30 ms window, 20 ms stride, 1 s clip and 10 coefficients.
 */
export function mlperfKws(): ModelGraph {
  const filters = 64;
  const b = new GraphBuilder('mlperf-kws');
  let x = b.input('input', [49, 10, 1]);
  x = b.conv2d('conv1', x, { filters, kernel: [10, 4], strides: 2, padding: 'same' });
  x = b.batchNorm('conv1_bn', x);
  x = b.activation('conv1_relu', x, 'relu');
  x = b.dropout('conv1_dropout', x, 0.2);
  for (let i = 1; i <= 4; i++) {
    x = b.depthwiseConv2d(`dw${i}`, x, { kernel: 3, padding: 'same' });
    x = b.batchNorm(`dw${i}_bn`, x);
    x = b.activation(`dw${i}_relu`, x, 'relu');
    x = b.conv2d(`pw${i}`, x, { filters, kernel: 1, padding: 'same' });
    x = b.batchNorm(`pw${i}_bn`, x);
    x = b.activation(`pw${i}_relu`, x, 'relu');
  }
  x = b.dropout('dropout', x, 0.4);
  x = b.averagePool2d('avg_pool', x, { pool: [25, 5] });
  x = b.flatten('flatten', x);
  x = b.dense('predictions', x, { units: 12, activation: 'softmax' });
  return b.build(x);
}
