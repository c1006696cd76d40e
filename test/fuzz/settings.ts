// The fuzz run's fixed parameters: the same seed every run, so that any failure reproduces.
export const FUZZ_SEED = 20_240_601;
/** `npm run soak` sets FRONTIER_SOAK=1: the long run of the seeded tests. */
export const SOAK = process.env.FRONTIER_SOAK === '1';
/**
 * Cases per format, 7 formats (Keras JSON, .keras, TensorFlow.js, Frontier's, .h5, TFLite, ONNX): under `npm run
 * soak` 1,600 each, 11,200 in all; under `npm test` the first 160 of each of the same cases, 1,120 in all (a few
 * seconds), so that a case that fails in the soak fails again by its number.
 */
export const CASES_PER_FORMAT = SOAK ? 1_600 : 160;
/**
 * A case that has not finished after this long is a hang. Real cases take milliseconds, but on a machine loaded
 * many times over its cores a worker can wait seconds for its turn: 15 s was seen to pass there on a case of 130 ms.
 */
export const CASE_TIMEOUT_MS = 60_000;
/** Each worker's heap: a case that needs more is a failure (the worker dies naming it). */
export const WORKER_HEAP_MB = 512;
/** Memory outside the heap (buffers) still held after a case: more means something kept what it should not. */
export const MAX_EXTERNAL_BYTES = 256 * 1024 * 1024;
