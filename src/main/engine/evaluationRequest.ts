// What runEvaluation and runSensitivity (evaluations.ts) are asked to do, as plain data: it is hashed into the
// evaluation cache's key and sent to the worker thread that runs it, so it holds no objects, functions or handles.
import type { ImportOptions } from '../../shared/model/importOptions';
import type { Task } from '../../shared/engine/metrics';
import type { PruneCriterion } from '../../shared/engine/prune';
import type { RunConfiguration } from './configure';
import type { PreprocessingOptions } from './data/preprocess';
import type { SensitivityLevels } from './sensitivity';

/**
 * The model: a file by path; a preset (an architecture without weights) with seeded random weights; or a file kept
 * in the database by content (StoredFiles, src/main/store/storedFiles.ts), by its hash.
 */
export type ModelReference = { path: string } | { preset: string; seed: number } | { storedFile: string };

/** The data as `--data`, `--labels` and `--data-keys` give it (see data/open.ts for what each may be). */
export interface DataReference {
  data: string;
  labels?: string;
  dataKeys?: string[];
}

/** What both requests share: the model, the data, how samples become inputs, and int8 calibration. */
export interface EvaluationInputs {
  model: ModelReference;
  importOptions?: ImportOptions;
  data: DataReference;
  preprocessing?: PreprocessingOptions;
  /** `--calibration-data`: samples that calibrate an int8 run of a float model (all of them, or `samples`). */
  calibration?: { data: string; samples?: number };
  /** Samples read and run at a time (the default suits any model; tests make it small to see progress). */
  chunkSamples?: number;
}

/** One configuration measured: `frontier evaluate`, the app's "evaluate this configuration", a sweep's verification. */
export interface EvaluationRequest extends EvaluationInputs {
  configuration: RunConfiguration;
  /** Agreement of the outputs with the unedited model at fp32, or as stored; none when absent. */
  agreement?: 'fp32' | 'stored';
  task?: Task;
  topK?: number;
}

/** Every prunable layer pruned alone at each level, and each precision on the unpruned model (sensitivity.ts). */
export interface SensitivityRequest extends EvaluationInputs {
  levels: SensitivityLevels;
  /** The first is the precision of the pruned points; each is measured on the unpruned model. The file's own when absent. */
  precisions?: string[];
  /** The metric reported (default accuracy). */
  metric?: string;
  criterion?: PruneCriterion;
}
