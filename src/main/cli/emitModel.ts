// `--emit tflite|onnx --out FILE`: a configuration written as a model file with its weights (what `infer` ran, or
// what `analyze` describes), through the guarded writer like every file Frontier writes.
import { UsageError } from '../../shared/cli/valueList';
import type { PreparedRun } from '../engine/configure';
import { emitOnnx } from '../engine/emit/onnx';
import { emitTflite } from '../engine/emit/tflite';
import { writeOutputFile, type OutputOptions } from '../files/writeFile';
import type { Io } from './io';

export const MODEL_FORMATS = ['tflite', 'onnx'] as const;
export type ModelFileFormat = (typeof MODEL_FORMATS)[number];

export const isModelFormat = (format: string | undefined): format is ModelFileFormat =>
  (MODEL_FORMATS as readonly string[]).includes(format ?? '');

/** The file name a model file of this format ends with. */
export const modelExtension = (format: ModelFileFormat): string => `.${format}`;

export function emitModel(format: ModelFileFormat, run: PreparedRun): Uint8Array {
  return format === 'tflite' ? emitTflite(run) : emitOnnx(run);
}

/** Writes the configuration's model file and says so on stderr. */
export function writeModelFile(format: ModelFileFormat, run: PreparedRun, out: string, options: OutputOptions, io: Io): void {
  if (out === '') throw new UsageError('--out needs a file name');
  const bytes = emitModel(format, run);
  writeOutputFile(out, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), options);
  io.err(`wrote the ${format} file of ${run.graph.name} (${run.precision.name}, ${bytes.length.toLocaleString('en-US')} B) to ${out}`);
}
