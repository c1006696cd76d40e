// A stored configuration as the model file itself (`.tflite`, `.onnx`): the session's model read again with its
// weights — the bytes uploaded to the app and kept in the database, the file at the path the sweep read, or a preset
// with seeded random weights — then pruned and quantized as the engine runs it, and written by the emitters.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parsePrecision } from '../../shared/analysis/precision';
import { UsageError } from '../../shared/cli/valueList';
import { randomWeights } from '../../shared/engine/randomWeights';
import type { ImportOptions } from '../../shared/model/importOptions';
import { findPreset } from '../../shared/presets';
import { prepareRun, storedInt8 } from '../engine/configure';
import { emitOnnx } from '../engine/emit/onnx';
import { emitTflite } from '../engine/emit/tflite';
import type { DataSet } from '../engine/data/dataSet';
import { openDataSet } from '../engine/data/open';
import { evaluationCalibration } from '../engine/evaluate';
import { calibrationSamples } from '../engine/infer';
import { loadRunnableModel, type RunnableModel } from '../engine/load';
import { readSamplesFile } from '../engine/npyFile';
import type { SessionStore, StoredFiles } from '../store';
import { StoredPaths } from '../store/materialize';
import type { DataRef } from '../../shared/evaluations';
import { checkDataPath } from './evaluations';
import type { ChosenOptions } from './exportChosen';
import { selectConfiguration, type SelectedConfiguration } from './exportSelection';

export type ModelExportFormat = 'tflite' | 'onnx';

/** The seed of a preset's weights: a preset is an architecture without weights, written with these (as the tests). */
export const PRESET_WEIGHT_SEED = 11;

export interface ModelExportOptions extends ChosenOptions {
  /** Samples that calibrate an int8 configuration of a float model; the session's own (`calibrationData`) otherwise. */
  calibrationData?: string;
  /**
   * Data (any form `frontier evaluate` reads) that calibrates it when the session names none: a spread sample of it
   * through the default preprocessing, as an evaluation of it would be calibrated. `name` says it in notes.
   */
  fallbackCalibration?: { data: string; dataKeys?: string[]; name: string };
}

export interface ModelExport {
  bytes: Uint8Array;
  /** `<session>-best-<client>.tflite` or `<session>-config-<N>.onnx`. */
  fileName: string;
  origin: string;
  /** The configuration's precision, as the file holds it. */
  precision: string;
  /** What the user should know: random weights, calibration. */
  notes: string[];
}

/**
 * An int8 configuration of a float model, and no samples to calibrate it on. Each transport says what to give in its
 * own words (the CLI names --calibration-data; the app says where the data comes from).
 */
export class CalibrationNeeded extends UsageError {
  constructor(
    readonly origin: string,
    readonly precision: string,
    readonly model: string,
  ) {
    super(`${origin} is ${precision} and ${model} stores float weights: its ${precision} file needs calibration samples, and none were given`);
    this.name = 'CalibrationNeeded';
  }
}

export async function exportModelFile(
  store: SessionStore,
  files: StoredFiles,
  name: string,
  format: ModelExportFormat,
  options: ModelExportOptions,
): Promise<ModelExport> {
  const selected = selectConfiguration(store, name, `a ${format} file`, options);
  const { model, notes, shown } = await sessionModel(files, selected);
  const precision = parsePrecision(selected.settings.precision);
  const integer = precision.activations === 'int8' || precision.activations === 'int4';
  let calibration: ReturnType<typeof calibrationSamples> | undefined;
  const opened: DataSet[] = [];
  let stored: StoredPaths | undefined;
  const spec = selected.prepared.spec;
  const inputShape = (model.graph.layers.find((l) => l.type === 'Input') as { shape?: number[] } | undefined)?.shape;
  /** A data set opened against the model's input, closed when the export ends. */
  const open = (path: string, dataKeys?: string[]): DataSet => {
    const set = openDataSet({ data: path, ...(dataKeys ? { dataKeys } : {}) }, { inputShape });
    opened.push(set);
    return set;
  };
  let run;
  try {
    if (integer && !storedInt8(model.weights) && spec.data && options.calibrationData === undefined) {
      // A session measured on data: calibrated exactly as its evaluations were, so the file gives the outputs measured.
      const measuredOn = (path: string): DataSet => {
        if (!existsSync(path)) throw new UsageError(`the data ${path} session "${name}" was measured on is not there`);
        return open(path);
      };
      const kept = spec.data.stored?.data;
      const data = measuredOn(kept ? (stored ??= new StoredPaths(files, 'frontier-export-data-')).path(kept.hash, 'data') : spec.data.path);
      calibration = evaluationCalibration(model, data, {
        ...(spec.data.preprocessing ? { preprocessing: spec.data.preprocessing } : {}),
        ...(spec.calibrationData ? { calibration: measuredOn(spec.calibrationData) } : {}),
      });
      notes.push(`int8 calibrated as the session's evaluations were: ${spec.calibrationData ? `all of ${spec.calibrationData}` : `a spread sample of ${spec.data.path}`}`);
    } else if (integer && !storedInt8(model.weights) && options.calibrationData === undefined && spec.calibrationData === undefined && options.fallbackCalibration) {
      const given = options.fallbackCalibration;
      calibration = evaluationCalibration(model, open(given.data, given.dataKeys), {});
      notes.push(`int8 calibrated on a spread sample of ${given.name}`);
    } else if (integer && !storedInt8(model.weights)) {
      const data = options.calibrationData ?? spec.calibrationData;
      if (data === undefined) throw new CalibrationNeeded(selected.origin, precision.name, shown);
      if (!existsSync(data)) {
        throw new UsageError(
          `the calibration data ${data} ${options.calibrationData === undefined ? `recorded with session "${name}" ` : ''}is not there`,
        );
      }
      calibration = calibrationSamples(model, [{ file: data, array: readSamplesFile(data) }]);
    }
    run = await prepareRun(model, { channels: selected.settings.channels, precision: precision.name }, calibration);
  } finally {
    for (const set of opened) set.close();
    stored?.close();
  }
  const bytes = format === 'tflite' ? emitTflite(run) : emitOnnx(run);
  return {
    bytes,
    fileName: `${name}-${selected.label}.${format}`,
    origin: selected.origin,
    precision: run.precision.name,
    notes: [...notes, ...run.notes],
  };
}

/** The app's Data panel data as calibration for an export: a path checked as the app's evaluations check it, or an upload. */
export function calibrationOf(ref: DataRef, paths: StoredPaths): NonNullable<ModelExportOptions['fallbackCalibration']> {
  const side = ref.data;
  if ((side.path === undefined) === (side.hash === undefined)) throw new UsageError('the calibration data must be named by a path or by the hash of an upload (one of them)');
  if (side.path !== undefined) checkDataPath(side.path);
  const data = side.path ?? paths.path(side.hash as string, 'calibration data');
  return { data, ...(ref.dataKeys ? { dataKeys: ref.dataKeys } : {}), name: side.name ?? basename(data) };
}

/** The session's model with its weights, and how messages name it. */
async function sessionModel(
  files: StoredFiles,
  { session, prepared }: SelectedConfiguration,
): Promise<{ model: RunnableModel; notes: string[]; shown: string }> {
  const spec = prepared.spec;
  let model: RunnableModel;
  let shown: string;
  if (spec.modelFile) {
    const { hash, name: fileName } = spec.modelFile;
    const bytes = files.get(hash);
    if (!bytes) {
      throw new UsageError(
        `session "${session.name}": its model file ${fileName} is no longer kept in the database (sha256 ${hash.slice(0, 12)}…); ` +
          `load ${fileName} again and sweep it to export its model file`,
      );
    }
    model = await fromBytes(bytes, fileName, spec.import);
    shown = fileName;
  } else if (findPreset(spec.model)) {
    const graph = prepared.graph;
    model = { graph, weights: randomWeights(graph, PRESET_WEIGHT_SEED), file: `${spec.model} (preset)` };
    return {
      model,
      shown: `the preset ${spec.model}`,
      notes: [`${spec.model} is a preset, an architecture without weights: the file holds seeded random weights (seed ${PRESET_WEIGHT_SEED}), to deploy and measure, not to predict`],
    };
  } else {
    if (!existsSync(spec.model)) {
      throw new UsageError(
        `session "${session.name}": its model file ${spec.model} is not there any more, and the database does not keep it; ` +
          'put the file back at that path to export its model file',
      );
    }
    model = await loadRunnableModel(spec.model, spec.import);
    shown = spec.model;
  }
  // The file must still be the model that was swept: the configuration's channel counts are that model's.
  const swept = prepared.graph.layers.map((l) => l.name).join('\n');
  if (model.graph.layers.map((l) => l.name).join('\n') !== swept) {
    throw new UsageError(`session "${session.name}": ${shown} is no longer the model that was swept (its layers differ)`);
  }
  return { model, notes: [], shown };
}

/** A kept file is read as a file (HDF5 and TensorFlow.js are read from disk): a private copy, removed after. */
async function fromBytes(bytes: Uint8Array, fileName: string, importOptions: ImportOptions | undefined): Promise<RunnableModel> {
  const dir = mkdtempSync(join(tmpdir(), 'frontier-model-'));
  try {
    const safe = basename(fileName).replace(/[^\w.-]/g, '_') || 'model';
    const path = join(dir, safe);
    writeFileSync(path, bytes, { mode: 0o600 });
    try {
      return { ...(await loadRunnableModel(path, importOptions)), file: fileName };
    } catch (error) {
      // Messages name the file the user gave, not the private copy.
      if (error instanceof Error) error.message = error.message.split(path).join(fileName);
      throw error;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
