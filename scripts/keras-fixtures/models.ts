// The models, built as the keras.applications code builds them.
import { Builder, type ModelDef } from './modelDef';

/** The exam CNN: 128×128×1 → conv 16 → pool → conv 32 → pool → flatten → dense 3. */
export function examCnn(kind: 'sequential' | 'functional'): ModelDef {
  const b = new Builder('exam_cnn');
  let x = b.input([128, 128, 1], 'input');
  x = b.add('Conv2D', 'conv1', { filters: 16, kernel_size: 3, activation: 'relu' }, x);
  x = b.add('MaxPooling2D', 'pool1', { pool_size: 2 }, x);
  x = b.add('Conv2D', 'conv2', { filters: 32, kernel_size: 3, activation: 'relu' }, x);
  x = b.add('MaxPooling2D', 'pool2', { pool_size: 2 }, x);
  x = b.add('Flatten', 'flatten', {}, x);
  x = b.add('Dense', 'dense', { units: 3, activation: 'softmax' }, x);
  return { name: 'exam_cnn', kind, flatIo: true, layers: b.layers, outputs: [x] };
}

/**
 * keras.applications.mobilenet.MobileNet(input_shape=(rows, rows, 3), alpha=alpha, include_top=True,
 * classes=1000). Keras 2 ends GlobalAveragePooling2D → Reshape((1, 1, 1024·alpha)); Keras 3 uses
 * GlobalAveragePooling2D(keepdims=True).
 */
export function mobilenet(alpha: number, rows: number, layout: 'keras2' | 'keras3'): ModelDef {
  const name = `mobilenet_${alpha.toFixed(2)}_${rows}`;
  const b = new Builder(name);
  const depthMultiplier = 1;
  let x = b.input([rows, rows, 3], layout === 'keras3' ? 'input_layer' : 'input_1');

  // _conv_block(img_input, 32, alpha, strides=(2, 2))
  x = b.add('Conv2D', 'conv1', { filters: Math.trunc(32 * alpha), kernel_size: [3, 3], padding: 'same', use_bias: false, strides: [2, 2] }, x);
  x = b.add('BatchNormalization', 'conv1_bn', { axis: -1 }, x);
  x = b.add('ReLU', 'conv1_relu', { max_value: 6 }, x);

  const block = (filters: number, blockId: number, strides: [number, number] = [1, 1]): void => {
    const pointwise = Math.trunc(filters * alpha);
    const stride1 = strides[0] === 1 && strides[1] === 1;
    if (!stride1) x = b.add('ZeroPadding2D', `conv_pad_${blockId}`, { padding: [[0, 1], [0, 1]] }, x);
    x = b.add(
      'DepthwiseConv2D',
      `conv_dw_${blockId}`,
      { kernel_size: [3, 3], padding: stride1 ? 'same' : 'valid', depth_multiplier: depthMultiplier, strides, use_bias: false },
      x,
    );
    x = b.add('BatchNormalization', `conv_dw_${blockId}_bn`, { axis: -1 }, x);
    x = b.add('ReLU', `conv_dw_${blockId}_relu`, { max_value: 6 }, x);
    x = b.add('Conv2D', `conv_pw_${blockId}`, { filters: pointwise, kernel_size: [1, 1], padding: 'same', use_bias: false, strides: [1, 1] }, x);
    x = b.add('BatchNormalization', `conv_pw_${blockId}_bn`, { axis: -1 }, x);
    x = b.add('ReLU', `conv_pw_${blockId}_relu`, { max_value: 6 }, x);
  };
  block(64, 1);
  block(128, 2, [2, 2]);
  block(128, 3);
  block(256, 4, [2, 2]);
  block(256, 5);
  block(512, 6, [2, 2]);
  for (let id = 7; id <= 11; id++) block(512, id);
  block(1024, 12, [2, 2]);
  block(1024, 13);

  const classes = 1000;
  if (layout === 'keras3') {
    x = b.add('GlobalAveragePooling2D', 'global_average_pooling2d', { keepdims: true }, x);
  } else {
    x = b.add('GlobalAveragePooling2D', 'global_average_pooling2d', {}, x);
    x = b.add('Reshape', 'reshape_1', { target_shape: [1, 1, Math.trunc(1024 * alpha)] }, x);
  }
  x = b.add('Dropout', 'dropout', { rate: 1e-3 }, x);
  x = b.add('Conv2D', 'conv_preds', { filters: classes, kernel_size: [1, 1], padding: 'same' }, x);
  x = b.add('Reshape', 'reshape_2', { target_shape: [classes] }, x);
  x = b.add('Activation', 'predictions', { activation: 'softmax' }, x);
  return { name, kind: 'functional', flatIo: true, layers: b.layers, outputs: [x] };
}

/** keras.applications.vgg16.VGG16(include_top=True, weights=None) on 224×224×3, 1000 classes. */
export function vgg16(layout: 'keras2' | 'keras3'): ModelDef {
  const b = new Builder('vgg16');
  let x = b.input([224, 224, 3], layout === 'keras3' ? 'input_layer' : 'input_1');
  const blocks: [number, number][] = [
    [64, 2],
    [128, 2],
    [256, 3],
    [512, 3],
    [512, 3],
  ];
  blocks.forEach(([filters, convs], i) => {
    for (let c = 1; c <= convs; c++) {
      x = b.add('Conv2D', `block${i + 1}_conv${c}`, { filters, kernel_size: [3, 3], activation: 'relu', padding: 'same' }, x);
    }
    x = b.add('MaxPooling2D', `block${i + 1}_pool`, { pool_size: [2, 2], strides: [2, 2] }, x);
  });
  x = b.add('Flatten', 'flatten', {}, x);
  x = b.add('Dense', 'fc1', { units: 4096, activation: 'relu' }, x);
  x = b.add('Dense', 'fc2', { units: 4096, activation: 'relu' }, x);
  x = b.add('Dense', 'predictions', { units: 1000, activation: 'softmax' }, x);
  return { name: 'vgg16', kind: 'functional', flatIo: true, layers: b.layers, outputs: [x] };
}

/** A small residual network with a three-way Concatenate, for branching graphs. */
export function resnetMini(layout: 'keras2' | 'keras3'): ModelDef {
  const b = new Builder('resnet_mini');
  const inp = b.input([32, 32, 3], 'input');
  let x = b.add('Conv2D', 'stem_conv', { filters: 16, kernel_size: 3, padding: 'same', use_bias: false }, inp);
  x = b.add('BatchNormalization', 'stem_bn', {}, x);
  const stem = b.add('Activation', 'stem_relu', { activation: 'relu' }, x);
  x = b.add('Conv2D', 'res1_conv1', { filters: 16, kernel_size: 3, padding: 'same', use_bias: false }, stem);
  x = b.add('BatchNormalization', 'res1_bn1', {}, x);
  x = b.add('ReLU', 'res1_relu1', {}, x);
  x = b.add('Conv2D', 'res1_conv2', { filters: 16, kernel_size: 3, padding: 'same', use_bias: false }, x);
  x = b.add('BatchNormalization', 'res1_bn2', {}, x);
  x = b.add('Add', 'res1_add', {}, [stem, x]);
  x = b.add('Activation', 'res1_out', { activation: 'relu' }, x);
  const down = b.add('Conv2D', 'down_conv', { filters: 32, kernel_size: 3, strides: 2, padding: 'same', activation: 'relu' }, x);
  const a = b.add('Conv2D', 'branch_a', { filters: 16, kernel_size: 1, activation: 'relu' }, down);
  const sep = b.add('SeparableConv2D', 'branch_b', { filters: 16, kernel_size: 3, padding: 'same', activation: 'relu' }, down);
  const dw = b.add('DepthwiseConv2D', 'branch_c_dw', { kernel_size: 3, padding: 'same', depth_multiplier: 2 }, down);
  const c = b.add('MaxPooling2D', 'branch_c', { pool_size: 3, strides: 1, padding: 'same' }, dw);
  x = b.add('Concatenate', 'concat', { axis: 3 }, [a, sep, c]);
  x = b.add('ZeroPadding2D', 'pad', { padding: 1 }, x);
  x = b.add('AveragePooling2D', 'avg_pool', { pool_size: 2 }, x);
  x = b.add('LeakyReLU', 'leaky', {}, x);
  x = b.add('GlobalAveragePooling2D', 'gap', {}, x);
  x = b.add('Dropout', 'drop', { rate: 0.2 }, x);
  x = b.add('Dense', 'logits', { units: 10 }, x, layout === 'keras3' ? { mask: null } : undefined);
  x = b.add('Softmax', 'probs', {}, x);
  return { name: 'resnet_mini', kind: 'functional', flatIo: false, layers: b.layers, outputs: [x] };
}
