"""Trains two small Fashion-MNIST classifiers and writes them, with the test samples and PyTorch's own answers, to
test/fixtures/fashion/, so the engine's tests compare with a real framework's export without running Python.

    /usr/bin/python3 scripts/make-fashion-fixtures.py [--data /usr/share/datasets/fashion-mnist]

Needs PyTorch, onnx and numpy (Debian: python3-torch, python3-onnx, python3-numpy) and the idx files of Debian's
dataset-fashion-mnist. Training is seeded, on the CPU with one thread, 2 epochs on the first 12,000 training images:
under a minute. The files written:

- cnn.onnx: an exam-like CNN (Conv 8 3x3 -> BatchNorm -> ReLU -> MaxPool 2 -> Conv 16 3x3 -> ReLU -> MaxPool 2 ->
  Flatten -> Dense 10). Exported with TrainingMode.PRESERVE from eval mode so the BatchNormalization node stays in
  the file (the default EVAL export folds it into the convolution, and the engine's own folding would go untested).
- mlp.onnx: Flatten -> Dense 32 -> ReLU -> Dense 10.
- act.onnx: Conv 8 3x3 stride 2 -> LeakyReLU 0.1 -> Conv 16 3x3 stride 2 -> Hardswish -> Flatten -> Dense 10: activations
  whose numbers differ from Keras's defaults (opset 13 writes Hardswish as HardSigmoid alpha 1/6 -> Mul).
  All: opset 13, input `input` NCHW [N,1,28,28] with a dynamic batch, output `logits` [N,10] (no softmax).
- cnn.tfjs/model.json (+ group1-shard1of1.bin): the same trained CNN as a TensorFlow.js layers model, written here
  (no TensorFlow needed): Keras layers channels-last, kernels HWIO, and the Dense kernel's rows permuted from
  PyTorch's C×H×W flatten order to Keras's H×W×C, so it computes the same logits as cnn.onnx.
- test-images-1000.npy: uint8 [1000,28,28,1], the first 1,000 test images (channels-last, as Frontier shows inputs);
  test-labels-1000.npy: uint8 [1000].
- <model>-outputs-100.npy: float32 [100,10], PyTorch's logits for the first 100 test images.
- <model>.json: preprocessing (x / 255), the float model's accuracy and number correct on all 10,000 test images
  and on the first 1,000, as PyTorch computes them (argmax of the logits, first index on ties).
"""
import argparse
import gzip
import json
import os

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'fashion')
SEED = 15
TRAIN_SUBSET = 12000
EPOCHS = 2
BATCH = 64
SUBSET = 1000
OUTPUT_SAMPLES = 100


def read_idx(path):
    """An idx file (the MNIST format): magic 0x0000 08 NDIM, big-endian uint32 sizes, then uint8 data."""
    with gzip.open(path, 'rb') as f:
        data = f.read()
    if data[0:3] != b'\x00\x00\x08':
        raise ValueError(f'{path}: not a uint8 idx file (magic {data[0:4].hex()})')
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load(folder, split):
    images = read_idx(os.path.join(folder, f'{split}-images-idx3-ubyte.gz'))
    labels = read_idx(os.path.join(folder, f'{split}-labels-idx1-ubyte.gz'))
    return images, labels


def preprocess(images):
    """uint8 [N,28,28] -> float32 NCHW [N,1,28,28] in 0..1: the preprocessing stated in every .json."""
    return torch.from_numpy(images.astype(np.float32) / np.float32(255)).unsqueeze(1)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.bn1 = nn.BatchNorm2d(8)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.pool2 = nn.MaxPool2d(2)
        self.dense = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):
        x = self.pool1(torch.relu(self.bn1(self.conv1(x))))
        x = self.pool2(torch.relu(self.conv2(x)))
        return self.dense(torch.flatten(x, 1))


class Act(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, stride=2)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2)
        self.dense = nn.Linear(16 * 6 * 6, 10)

    def forward(self, x):
        x = nn.functional.leaky_relu(self.conv1(x), 0.1)
        x = nn.functional.hardswish(self.conv2(x))
        return self.dense(torch.flatten(x, 1))


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(28 * 28, 32)
        self.out = nn.Linear(32, 10)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(torch.flatten(x, 1))))


def train(model, x, y):
    generator = torch.Generator().manual_seed(SEED)
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(EPOCHS):
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), BATCH):
            batch = order[start:start + BATCH]
            optimizer.zero_grad()
            loss_fn(model(x[batch]), y[batch]).backward()
            optimizer.step()
    model.eval()


def logits(model, x):
    with torch.no_grad():
        return torch.cat([model(x[i:i + 1000]) for i in range(0, len(x), 1000)])


def export(model, name, test_x, test_y):
    path = os.path.join(OUT, f'{name}.onnx')
    torch.onnx.export(
        model, test_x[:1], path, opset_version=13, input_names=['input'], output_names=['logits'],
        dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}},
        training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False)
    out = logits(model, test_x)
    predicted = out.argmax(dim=1)
    right = (predicted == test_y)
    np.save(os.path.join(OUT, f'{name}-outputs-{OUTPUT_SAMPLES}.npy'), out[:OUTPUT_SAMPLES].numpy().astype(np.float32))
    summary = {
        'model': f'{name}.onnx',
        'framework': f'torch {torch.__version__}',
        'preprocessing': 'x / 255: uint8 pixels to float32 in 0..1, no mean or std',
        'input': 'NCHW [N,1,28,28] in the .onnx; the .npy samples are channels-last [N,28,28,1]',
        'metric': 'top-1 accuracy: argmax of the logits (first index on ties) equals the label',
        'testSamples': len(test_y),
        'correct': int(right.sum()),
        'accuracy': int(right.sum()) / len(test_y),
        'subsetSamples': SUBSET,
        'subsetCorrect': int(right[:SUBSET].sum()),
        'subsetAccuracy': int(right[:SUBSET].sum()) / SUBSET,
        'trainableParams': sum(p.numel() for p in model.parameters()),
        'training': {'seed': SEED, 'trainSamples': TRAIN_SUBSET, 'epochs': EPOCHS, 'batch': BATCH, 'optimizer': 'Adam lr 0.002'},
    }
    with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
        json.dump(summary, f, indent=2)
        f.write('\n')
    print(f'{name}: accuracy {summary["accuracy"]:.4f} on {len(test_y)}, {summary["subsetCorrect"]}/{SUBSET} on the subset')


def keras_layer(class_name, name, **config):
    return {'class_name': class_name, 'config': {'name': name, 'trainable': True, 'dtype': 'float32', **config}}


def keras_conv(name, conv, activation):
    return keras_layer(
        'Conv2D', name, filters=conv.out_channels, kernel_size=list(conv.kernel_size), strides=list(conv.stride),
        padding='valid', data_format='channels_last', dilation_rate=[1, 1], groups=1, activation=activation, use_bias=True)


def export_tfjs(model):
    """The trained Cnn as a TensorFlow.js layers model (Keras 2 topology, float32 weights in one shard)."""
    folder = os.path.join(OUT, 'cnn.tfjs')
    os.makedirs(folder, exist_ok=True)
    pool = dict(pool_size=[2, 2], padding='valid', strides=[2, 2], data_format='channels_last')
    layers = [
        {'class_name': 'InputLayer', 'config': {'batch_input_shape': [None, 28, 28, 1], 'dtype': 'float32', 'sparse': False, 'ragged': False, 'name': 'input'}},
        keras_conv('conv1', model.conv1, 'linear'),
        keras_layer('BatchNormalization', 'bn1', axis=[3], momentum=0.9, epsilon=model.bn1.eps, center=True, scale=True),
        keras_layer('Activation', 'relu1', activation='relu'),
        keras_layer('MaxPooling2D', 'pool1', **pool),
        keras_conv('conv2', model.conv2, 'relu'),
        keras_layer('MaxPooling2D', 'pool2', **pool),
        keras_layer('Flatten', 'flatten', data_format='channels_last'),
        keras_layer('Dense', 'dense', units=10, activation='linear', use_bias=True),
    ]
    hwio = lambda t: t.detach().numpy().transpose(2, 3, 1, 0)
    # PyTorch flattens [16,5,5] as C×H×W; Keras flattens [5,5,16] as H×W×C: reorder the Dense kernel's inputs.
    dense = model.dense.weight.detach().numpy().reshape(10, 16, 5, 5).transpose(2, 3, 1, 0).reshape(400, 10)
    vec = lambda t: t.detach().numpy()
    weights = [
        ('conv1/kernel', hwio(model.conv1.weight)), ('conv1/bias', vec(model.conv1.bias)),
        ('bn1/gamma', vec(model.bn1.weight)), ('bn1/beta', vec(model.bn1.bias)),
        ('bn1/moving_mean', vec(model.bn1.running_mean)), ('bn1/moving_variance', vec(model.bn1.running_var)),
        ('conv2/kernel', hwio(model.conv2.weight)), ('conv2/bias', vec(model.conv2.bias)),
        ('dense/kernel', dense), ('dense/bias', vec(model.dense.bias)),
    ]
    shard = 'group1-shard1of1.bin'
    with open(os.path.join(folder, shard), 'wb') as f:
        for _, value in weights:
            f.write(np.ascontiguousarray(value, dtype='<f4').tobytes())
    model_json = {
        'format': 'layers-model',
        'generatedBy': f'scripts/make-fashion-fixtures.py from torch {torch.__version__}',
        'convertedBy': None,
        'modelTopology': {
            'keras_version': '2.12.0', 'backend': 'tensorflow',
            'model_config': {'class_name': 'Sequential', 'config': {'name': 'fashion_cnn', 'layers': layers}},
        },
        'weightsManifest': [{'paths': [shard], 'weights': [
            {'name': name, 'shape': list(value.shape), 'dtype': 'float32'} for name, value in weights]}],
    }
    with open(os.path.join(folder, 'model.json'), 'w') as f:
        json.dump(model_json, f)
        f.write('\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    train_images, train_labels = load(args.data, 'train')
    test_images, test_labels = load(args.data, 't10k')
    train_x = preprocess(train_images[:TRAIN_SUBSET])
    train_y = torch.from_numpy(train_labels[:TRAIN_SUBSET].astype(np.int64))
    test_x = preprocess(test_images)
    test_y = torch.from_numpy(test_labels.astype(np.int64))
    np.save(os.path.join(OUT, f'test-images-{SUBSET}.npy'), np.ascontiguousarray(test_images[:SUBSET, :, :, None]))
    np.save(os.path.join(OUT, f'test-labels-{SUBSET}.npy'), np.ascontiguousarray(test_labels[:SUBSET]))
    for name, build in (('cnn', Cnn), ('mlp', Mlp), ('act', Act)):
        torch.manual_seed(SEED)
        model = build()
        train(model, train_x, train_y)
        export(model, name, test_x, test_y)
        if name == 'cnn':
            export_tfjs(model)


if __name__ == '__main__':
    main()
