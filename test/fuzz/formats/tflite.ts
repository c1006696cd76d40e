// TensorFlow Lite files: the writer's presets (plans changed before writing, bytes after) and the real TFLM models,
// mutated, their length words made huge, or cut short (see ../tfliteCases.ts).
import type { FuzzFormat } from '../harness';
import { tfliteFuzzCases, tfliteFuzzSeeds } from '../tfliteCases';

const seeds = tfliteFuzzSeeds();

export const format: FuzzFormat = {
  name: 'tflite',
  fileName: 'fuzz.tflite',
  generate: (rng) => (tfliteFuzzCases(Math.floor(rng() * 2 ** 32), 1, seeds).next().value as { bytes: Uint8Array }).bytes,
};
