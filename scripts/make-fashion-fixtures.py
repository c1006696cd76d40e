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


if __name__ == '__main__':
    main()
