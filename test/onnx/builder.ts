// The engine's ONNX builder, with the tests' seeded weights.
import { mulberry32 } from '../../src/shared/sweep/space';

export * from '../../src/main/engine/onnx/builder';

/** Deterministic pseudo-random numbers in [0, 1): the sweep's own generator (mulberry32). */
export const random = (seed: number): (() => number) => mulberry32(seed);
