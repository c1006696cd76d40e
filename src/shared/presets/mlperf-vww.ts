import type { ModelGraph } from '../model/types';
import { GraphBuilder } from './builder';

/** Pointwise filters of the 13 depthwise separable blocks and the stride of each block's depthwise conv. */
const BLOCKS: readonly { filters: number; stride: number }[] = [
  { filters: 16, stride: 1 },
  { filters: 32, stride: 2 },
  { filters: 32, stride: 1 },
  { filters: 64, stride: 2 },
  { filters: 64, stride: 1 },
  { filters: 128, stride: 2 },
  { filters: 128, stride: 1 },
  { filters: 128, stride: 1 },
  { filters: 128, stride: 1 },
  { filters: 128, stride: 1 },
  { filters: 128, stride: 1 },
  { filters: 256, stride: 2 },
  { filters: 256, stride: 1 },
];

/**
 * MLPerf Tiny visual wake words reference model: MobileNetV1 with width multiplier 0.25 on 96×96×3, 2
 * classes (person / no person).
 *
 * Layer by layer as `mobilenet_v1()` in mlcommons/tiny benchmark/training/visual_wake_words/vww_model.py
 * (from SiliconLabs platform_ml_models eembc/Person_detection; MobileNetV1: Howard et al., arXiv:1704.04861):
 * a 3×3 stride-2 Conv2D with 8 filters, BN, ReLU; 13 depthwise separable blocks (3×3 DepthwiseConv2D, BN,
 * ReLU, 1×1 Conv2D, BN, ReLU) doubling the filters at each stride-2 block; AveragePooling2D over the final
 * 3×3 map; Flatten; Dense 2 softmax. Unlike keras.applications.MobileNet it uses 'same' padding
 * throughout, plain ReLU (not ReLU6), Keras's default use_bias=True on every convolution, and no Dropout.
 * Layer names follow keras.applications.MobileNet (conv1, conv_dw_N, conv_pw_N).
 */
export function mlperfVww(): ModelGraph {
  const b = new GraphBuilder('mlperf-vww');
  let x = b.input('input', [96, 96, 3]);
  x = b.conv2d('conv1', x, { filters: 8, kernel: 3, strides: 2, padding: 'same' });
  x = b.batchNorm('conv1_bn', x);
  x = b.activation('conv1_relu', x, 'relu');
  BLOCKS.forEach(({ filters, stride }, i) => {
    const n = i + 1;
    x = b.depthwiseConv2d(`conv_dw_${n}`, x, { kernel: 3, strides: stride, padding: 'same' });
    x = b.batchNorm(`conv_dw_${n}_bn`, x);
    x = b.activation(`conv_dw_${n}_relu`, x, 'relu');
    x = b.conv2d(`conv_pw_${n}`, x, { filters, kernel: 1, padding: 'same' });
    x = b.batchNorm(`conv_pw_${n}_bn`, x);
    x = b.activation(`conv_pw_${n}_relu`, x, 'relu');
  });
  x = b.averagePool2d('avg_pool', x, { pool: 3 });
  x = b.flatten('flatten', x);
  x = b.dense('predictions', x, { units: 2, activation: 'softmax' });
  return b.build(x);
}
