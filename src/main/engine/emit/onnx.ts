// A prepared configuration written as an ONNX file. Placeholder: the ONNX writer lands separately.
import type { PreparedRun } from '../configure';

export function emitOnnx(prepared: PreparedRun): Uint8Array {
  void prepared;
  throw new Error('not yet');
}
