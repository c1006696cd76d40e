// TensorFlow.js layers models (`model.json` with `modelTopology` and a weights manifest).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_DIR, resnetMini, tfjsModelJson } from '../../../scripts/make-keras-fixtures';
import { jsonCase, type FuzzFormat } from '../harness';

const SEEDS = [
  JSON.parse(readFileSync(join(FIXTURE_DIR, 'exam-cnn.tfjs.json'), 'utf8')) as unknown,
  JSON.parse(tfjsModelJson(resnetMini('keras2'))) as unknown,
];

export const format: FuzzFormat = {
  name: 'tfjs',
  fileName: 'tfjs-model.json',
  generate: (rng) => jsonCase(rng, SEEDS),
};
