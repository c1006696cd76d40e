// Configurations written as .tflite files and run in TensorFlow Lite Micro's own interpreter to record golden outputs
// (test/fixtures/golden/emitted, see its README): the models, seeded weights, calibration samples and int8 inputs,
// the same on every machine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfiguration } from '../../src/main/engine/configure';
import type { RunnableModel } from '../../src/main/engine/load';
import { readTfliteModel } from '../../src/main/engine/weights/tflite';
import { randomWeights } from '../../src/shared/engine/randomWeights';
import type { ModelGraph } from '../../src/shared/model/types';
import { GraphBuilder, mlperfIc } from '../../src/shared/presets';
import { mulberry32 } from '../../src/shared/sweep/space';

export interface EmittedCase {
  name: string;
  model: RunnableModel;
  config: RunConfiguration;
  /** Input shape without the batch. */
  shape: number[];
  /** Float calibration samples (8). */
  calibration: Float32Array;
  /** int8 input samples. */
  samples: number;
  inputs: Int8Array;
}

/** A small model with the operators the presets do not use: PAD, ADD, MUL, LOGISTIC, fused RELU6, MEAN. */
export function mixedModel(): ModelGraph {
  const b = new GraphBuilder('mixed');
  const x = b.input('input', [12, 12, 3]);
  const c1 = b.conv2d('c1', b.zeroPadding2d('pad', x, 1), { filters: 8, kernel: 3, activation: 'relu6' });
  const c2 = b.conv2d('c2', b.zeroPadding2d('pad2', x, 1), { filters: 4, kernel: 3 });
  const sum = b.add('sum', [c1, b.conv2d('c2b', c2, { filters: 8, kernel: 1 })]);
  const dw = b.depthwiseConv2d('dw', sum, { kernel: 3, padding: 'same' });
  const gate = b.activation('sig', b.conv2d('gate', sum, { filters: 8, kernel: 1 }), 'sigmoid');
  const product = b.layer('mul', [dw, gate], { type: 'Multiply' });
  const add = b.activation('add_relu', b.add('add', [product, b.conv2d('skip', sum, { filters: 8, kernel: 1 })]), 'relu');
  const pooled = b.globalAveragePool2d('gap', b.maxPool2d('mp', add, { pool: 2 }));
  return b.build(b.dense('out', pooled, { units: 5, activation: 'softmax' }));
}

function make(name: string, model: RunnableModel, config: RunConfiguration, shape: number[], samples: number, seed: number): EmittedCase {
  const size = shape.reduce((a, b) => a * b, 1);
  const random = mulberry32(seed);
  const calibration = Float32Array.from({ length: 8 * size }, () => random() * 2 - 1);
  const inputs = Int8Array.from({ length: samples * size }, () => Math.floor(random() * 256) - 128);
  return { name, model, config, shape, calibration, samples, inputs };
}

export function emittedCases(fixtures: string): EmittedCase[] {
  const mixed = mixedModel();
  const ic = mlperfIc();
  const personDetect = readTfliteModel(readFileSync(join(fixtures, 'tflite', 'person_detect.tflite')), 'person_detect.tflite', 'person_detect');
  return [
    make('mixed-int8', { graph: mixed, weights: randomWeights(mixed, 5), file: 'mixed' }, { precision: 'int8' }, [12, 12, 3], 3, 1),
    make('mlperf-ic-int8-pruned', { graph: ic, weights: randomWeights(ic, 11), file: 'mlperf-ic' }, { precision: 'int8', prune: { '*': 0.5 } }, [32, 32, 3], 3, 2),
    make('person_detect-pruned', { ...personDetect, file: 'person_detect.tflite' }, { prune: { '*': 0.3 } }, [96, 96, 1], 2, 3),
  ];
}
