import type { ModelGraph } from '../model/types';
import { GraphBuilder } from './builder';

/**
 * MLPerf Tiny image classification reference model: ResNet-8 (ResNet v1 with three stacks of one
 * residual block) on 32×32×3 CIFAR-10 images, 10 classes.
 *
 * Layer by layer as `resnet_v1_eembc()` in mlcommons/tiny benchmark/training/image_classification/keras_model.py
 * (the v0.5–v1.x version with 16 base filters; ResNet: He et al., arXiv:1512.03385). Every Conv2D is 'same'
 * with Keras's default use_bias=True. Stem: 3×3 Conv2D 16, BN, ReLU. Each stack: 3×3 Conv2D (stride 2 in
 * stacks 2 and 3), BN, ReLU, 3×3 Conv2D, BN; stacks 2 and 3 take the identity path through a 1×1 stride-2
 * Conv2D (no BN); Add([shortcut, residual]); ReLU. Filters 16, 32, 64. Then AveragePooling2D over the
 * 8×8 map, Flatten, Dense 10 softmax. Layers are listed in the source's code order.
 */
export function mlperfIc(): ModelGraph {
  const b = new GraphBuilder('mlperf-ic');
  let x = b.input('input', [32, 32, 3]);
  x = b.conv2d('conv1', x, { filters: 16, kernel: 3, padding: 'same' });
  x = b.batchNorm('conv1_bn', x);
  x = b.activation('conv1_relu', x, 'relu');

  const stack = (n: number, filters: number, stride: number): void => {
    const p = `stack${n}`;
    let y = b.conv2d(`${p}_conv1`, x, { filters, kernel: 3, strides: stride, padding: 'same' });
    y = b.batchNorm(`${p}_bn1`, y);
    y = b.activation(`${p}_relu1`, y, 'relu');
    y = b.conv2d(`${p}_conv2`, y, { filters, kernel: 3, padding: 'same' });
    y = b.batchNorm(`${p}_bn2`, y);
    const shortcut =
      stride === 1 ? x : b.conv2d(`${p}_shortcut`, x, { filters, kernel: 1, strides: stride, padding: 'same' });
    x = b.add(`${p}_add`, [shortcut, y]);
    x = b.activation(`${p}_relu`, x, 'relu');
  };
  stack(1, 16, 1);
  stack(2, 32, 2);
  stack(3, 64, 2);

  x = b.averagePool2d('avg_pool', x, { pool: 8 });
  x = b.flatten('flatten', x);
  x = b.dense('predictions', x, { units: 10, activation: 'softmax' });
  return b.build(x);
}
