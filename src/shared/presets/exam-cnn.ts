import type { ModelGraph } from '../model/types';
import { GraphBuilder } from './builder';

/**
 * A small plain CNN on a 128×128 greyscale image with 3 classes: two 3×3 valid convolutions, each
 * followed by a 2×2 max pool, then Flatten and one Dense layer. Activations are left linear, as specified.
 */
export function examCnn(): ModelGraph {
  const b = new GraphBuilder('exam-cnn');
  let x = b.input('input', [128, 128, 1]);
  x = b.conv2d('conv1', x, { filters: 16, kernel: 3 });
  x = b.maxPool2d('pool1', x, { pool: 2 });
  x = b.conv2d('conv2', x, { filters: 32, kernel: 3 });
  x = b.maxPool2d('pool2', x, { pool: 2 });
  x = b.flatten('flatten', x);
  x = b.dense('dense', x, { units: 3 });
  return b.build(x);
}
