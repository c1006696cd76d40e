// Keras .h5 files: small presets saved as Keras 2 writes them, damaged at the byte level (see ../h5Cases.ts).
import type { FuzzFormat } from '../harness';
import { h5Case, h5Seeds } from '../h5Cases';

const seeds = h5Seeds();

export const format: FuzzFormat = {
  name: 'keras-h5',
  fileName: 'fuzz.h5',
  generate: (rng) => h5Case(rng, seeds),
};
