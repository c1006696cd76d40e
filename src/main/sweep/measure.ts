// Every evaluation a sweep with measured accuracy runs goes through here: the sensitivity analysis before the sweep
// and each verified configuration after it. They run through the engine's one entry point (engine/evaluations.ts):
// in a worker thread, and kept in the evaluation cache of the sweep's database, so a resumed or repeated sweep
// measures only what it has not measured before.
import type { Worker } from 'node:worker_threads';
import { UsageError } from '../../shared/cli/valueList';
import type { SweepData, SweepSpec } from '../../shared/sweep/types';
import type { RunConfiguration } from '../engine/configure';
import type { PreprocessingOptions } from '../engine/data/preprocess';
import { checkEvaluationInputs, runEvaluations as evaluateAll, runSensitivity as analyseSensitivity } from '../engine/evaluations';
import type { EvaluationInputs } from '../engine/evaluationRequest';
import { metricValue, type SensitivityLevels, type SensitivityReport } from '../engine/sensitivity';
import type { Db } from '../store/database';
import { StoredPaths } from '../store/materialize';
import { StoredFiles } from '../store/storedFiles';

/** A model with its weights and the data it is measured on, named for a sweep's measurements. */
export interface Measurer {
  inputs: EvaluationInputs;
  metric: string;
  /** Where the data came from, for messages. */
  source: string;
  db?: Db;
  createWorker?: () => Worker;
  close(): void;
}

export interface MeasurerOptions {
  /** The sweep's database: its evaluation cache, and the model file kept in it for a sweep made in the app. */
  db?: Db;
  /** The evaluation worker (the packaged app passes the one its bundler built). */
  createWorker?: () => Worker;
}

/**
 * Names the spec's model (the file kept in the database when the app uploaded it, else the file at its path) and
 * data, and checks both open (the model's weights, the data against the model's input) before anything runs: a
 * wrong path is an error that names it, before a session exists.
 */
export async function openMeasurer(
  spec: Pick<SweepSpec, 'model' | 'modelFile' | 'import' | 'calibrationData' | 'metric'> & { data: SweepData },
  options: MeasurerOptions = {},
): Promise<Measurer> {
  if (spec.modelFile && !options.db) throw new UsageError(`${spec.modelFile.name} is kept in a database, and no database was given`);
  const kept = spec.data.stored;
  if (kept && !options.db) throw new UsageError(`the data ${(kept.data ?? kept.labels)?.name ?? ''} is kept in a database, and no database was given`);
  // Data uploaded to the app is written to a temporary folder for the engine's readers, removed on close.
  const stored = kept && options.db ? new StoredPaths(new StoredFiles(options.db), 'frontier-sweep-data-') : null;
  try {
    const data = stored && kept?.data ? stored.path(kept.data.hash, 'data') : spec.data.path;
    const labels = stored && kept?.labels ? stored.path(kept.labels.hash, 'labels') : spec.data.labels;
    const inputs: EvaluationInputs = {
      model: spec.modelFile ? { storedFile: spec.modelFile.hash } : { path: spec.model },
      ...(spec.import ? { importOptions: spec.import } : {}),
      data: { data, ...(labels ? { labels } : {}), ...(spec.data.dataKeys ? { dataKeys: spec.data.dataKeys } : {}) },
      ...(spec.calibrationData ? { calibration: { data: spec.calibrationData } } : {}),
    };
    await checkEvaluationInputs(inputs, { db: options.db, createWorker: options.createWorker });
    return { inputs, metric: spec.metric ?? 'accuracy', source: spec.data.path, db: options.db, createWorker: options.createWorker, close: () => stored?.close() };
  } catch (error) {
    const plain = stored ? stored.plainError(error) : error;
    stored?.close();
    throw plain;
  }
}

/** Each layer pruned alone at each level, and each precision on the unpruned model. */
export function runSensitivity(
  m: Measurer,
  levels: SensitivityLevels,
  precisions: string[],
  options: {
    preprocessing?: PreprocessingOptions;
    signal?: AbortSignal;
    onPoint?: (done: number, total: number) => void;
    onData?: (data: { source: string; samples: number }) => void;
  } = {},
): Promise<SensitivityReport> {
  return analyseSensitivity(
    { ...m.inputs, ...(options.preprocessing ? { preprocessing: options.preprocessing } : {}), levels, precisions, metric: m.metric },
    { db: m.db, createWorker: m.createWorker, signal: options.signal, onPoint: options.onPoint, onData: options.onData },
  );
}

/**
 * The metric of each configuration on the data (what `frontier evaluate` gives for it), through one worker:
 * `onValue(i, value)` as each is measured, so a cancel keeps those done.
 */
export function runEvaluations(
  m: Measurer,
  configs: readonly RunConfiguration[],
  onValue: (i: number, value: number) => void,
  options: { preprocessing?: PreprocessingOptions; signal?: AbortSignal } = {},
): Promise<void> {
  return evaluateAll(
    { ...m.inputs, ...(options.preprocessing ? { preprocessing: options.preprocessing } : {}) },
    configs,
    { db: m.db, createWorker: m.createWorker, signal: options.signal },
    (i, result) => onValue(i, metricValue(result, m.metric)),
  );
}
