// The error of an evaluation stopped by its caller (an AbortSignal, Ctrl-C): a file of its own, as both the
// evaluation and the onnxruntime gate (nativeGate.ts) throw it.
export class EvaluationCancelled extends Error {
  constructor() {
    super('the evaluation was cancelled');
    this.name = 'EvaluationCancelled';
  }
}
