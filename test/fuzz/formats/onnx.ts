// ONNX files: the writer's presets (float and int8 QDQ), with their protobuf bytes mutated or their fields edited
// (shapes, attributes, initializers, node types) (see ../onnxCases.ts).
import type { FuzzFormat } from '../harness';
import { onnxFuzzCases } from '../onnxCases';

export const format: FuzzFormat = {
  name: 'onnx',
  fileName: 'fuzz.onnx',
  generate: (rng) => (onnxFuzzCases(Math.floor(rng() * 2 ** 32), 1).next().value as { bytes: Uint8Array }).bytes,
};
