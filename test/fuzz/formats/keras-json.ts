// Keras model JSON (`model.to_json()`, Keras 2 and 3 layouts, Sequential and Functional).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_DIR } from '../../../scripts/make-keras-fixtures';
import { jsonCase, type FuzzFormat } from '../harness';

const SEEDS = [
  'exam-cnn.keras2.json',
  'exam-cnn.keras3.json',
  'exam-cnn.keras2-legacy.json',
  'exam-cnn.functional.keras2.json',
  'exam-cnn.functional.keras3.json',
  'resnet-mini.keras2.json',
  'resnet-mini.keras3.json',
  'mobilenet_1.00_224.keras3.json',
].map((name) => JSON.parse(readFileSync(join(FIXTURE_DIR, name), 'utf8')) as unknown);

export const format: FuzzFormat = {
  name: 'keras-json',
  fileName: 'model.json',
  generate: (rng) => jsonCase(rng, SEEDS),
};
