// Exports of a stored session: the chosen configurations as deployable JSON (edited model graph, device, figures),
// every stored result as CSV (streamed in chunks, so a million rows never form one string), and the whole session
// as a bundle that `importBundle` turns back into an equal session in another database.
// Each lives in its own file (exportChosen, exportArtifact, exportCsv, exportBundle, importBundle); this one picks
// the format and writes the file, and re-exports them all.
import { UsageError } from '../../shared/cli/valueList';
import type { SessionStore } from '../store';
import { writeOutputFile, type OutputOptions } from '../files/writeFile';
import { exportChosen, type ChosenOptions } from './exportChosen';
import { exportArtifact } from './exportArtifact';
import { csvChunks } from './exportCsv';
import { exportBundle } from './exportBundle';

export { requireSession } from './storedSession';
export { CONFIGURATIONS_FORMAT, exportChosen, type ChosenOptions, type ExportedConfiguration, type ChosenExport } from './exportChosen';
export { exportArtifact } from './exportArtifact';
export { CalibrationNeeded, exportModelFile, PRESET_WEIGHT_SEED, type ModelExport, type ModelExportFormat, type ModelExportOptions } from './exportModel';
export { csvField, csvColumns, csvChunks, exportCsv, type CsvOptions } from './exportCsv';
export { BUNDLE_FORMAT, BUNDLE_VERSION, exportBundle, type BundleResults, type SessionBundle } from './exportBundle';
export { MAX_BUNDLE_BYTES, importBundle, type ImportOptions } from './importBundle';

export const EXPORT_FORMATS = ['json', 'csv', 'bundle', 'tflm', 'keras-json', 'tflite', 'onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** The formats that are a model file (binary, written by exportModelFile); the others are text. */
export const MODEL_EXPORT_FORMATS = ['tflite', 'onnx'] as const;
export const isModelExportFormat = (format: ExportFormat): format is (typeof MODEL_EXPORT_FORMATS)[number] =>
  (MODEL_EXPORT_FORMATS as readonly string[]).includes(format);

export type ExportOptions = ChosenOptions;

export function parseExportFormat(value: string | undefined): ExportFormat {
  if (value === undefined) throw new UsageError(`export needs --format: one of ${EXPORT_FORMATS.join(', ')}`);
  const lower = value.toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(lower)) {
    throw new UsageError(`unknown export format "${value}"; choose one of ${EXPORT_FORMATS.join(', ')}`);
  }
  return lower as ExportFormat;
}

/**
 * An export as text chunks, each to be followed by a line break (`json`: pretty JSON; `bundle`: compact JSON;
 * `csv`: blocks of lines). `--best` applies to json only, `--front` to json and csv.
 */
export function exportChunks(store: SessionStore, name: string, format: ExportFormat, options: ExportOptions = {}): Iterable<string> {
  if (isModelExportFormat(format)) throw new UsageError(`--format ${format} is a binary model file: give --out FILE.${format}`);
  if (format === 'tflm' || format === 'keras-json') return [exportArtifact(store, name, format, options).trimEnd()];
  if (options.config !== undefined) throw new UsageError('--config applies to --format tflm, keras-json, tflite and onnx');
  if (format === 'csv') {
    if (options.bestClient !== undefined) throw new UsageError('--best applies to --format json; a CSV holds all results or --front');
    return csvChunks(store, name, { front: options.front });
  }
  if (format === 'bundle') {
    if (options.front || options.bestClient !== undefined) {
      throw new UsageError('a bundle holds the whole session; --front and --best apply to --format json (and --front to csv)');
    }
    return [JSON.stringify(exportBundle(store, name))];
  }
  return [JSON.stringify(exportChosen(store, name, options), null, 2)];
}

/**
 * Writes an export to `path` through the guarded writer (files/writeFile.ts): never over a database, a device or
 * (without `force`) an existing file; atomically, so a failure leaves any existing file as it was.
 */
export function writeExportFile(
  path: string,
  store: SessionStore,
  name: string,
  format: ExportFormat,
  options: ExportOptions,
  write: OutputOptions,
): void {
  const chunks = exportChunks(store, name, format, options);
  writeOutputFile(
    path,
    (function* () {
      for (const chunk of chunks) yield `${chunk}\n`;
    })(),
    write,
  );
}
