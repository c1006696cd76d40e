// The fuzz run's fixed parameters: the same seed every run, so that any failure reproduces.
export const FUZZ_SEED = 20_240_601;
/**
 * Cases per format: 7 formats (Keras JSON, .keras, TensorFlow.js, Frontier's, .h5, TFLite, ONNX) × 1,600 = 11,200.
 */
export const CASES_PER_FORMAT = 1_600;
/** A case that has not finished after this long is a hang (real cases take milliseconds). */
export const CASE_TIMEOUT_MS = 15_000;
/** Each worker's heap: a case that needs more is a failure (the worker dies naming it). */
export const WORKER_HEAP_MB = 512;
/** Memory outside the heap (buffers) still held after a case: more means something kept what it should not. */
export const MAX_EXTERNAL_BYTES = 256 * 1024 * 1024;
