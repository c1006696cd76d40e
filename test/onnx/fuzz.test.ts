// The fuzz run's ONNX seeds are valid models: ONNX Runtime runs each one (the cases themselves run in
// test/fuzz/fuzz.test.ts with every other format).
import { describe, it } from 'vitest';
import { onnxSeedModels } from '../fuzz/onnxCases';
import { runOnZeros } from './ort';

describe('ONNX fuzz seeds', () => {
  it('are models ONNX Runtime runs', async () => {
    for (const seed of onnxSeedModels()) await runOnZeros(seed.bytes);
  });
});
