// Every evaluation a sweep with measured accuracy runs goes through here: the sensitivity analysis before the sweep
// and each verified configuration after it. Today both run in this process through the engine (evaluateModel,
// sensitivity); this is the one place to run them elsewhere (a cache, worker threads) instead.
import type { SweepData, SweepSpec } from '../../shared/sweep/types';
import type { RunConfiguration } from '../engine/configure';
import type { DataSet } from '../engine/data/dataSet';
import { openDataSet } from '../engine/data/open';
import type { PreprocessingOptions } from '../engine/data/preprocess';
import { evaluateModel, type EvaluateOptions } from '../engine/evaluate';
import { loadRunnableModel, type RunnableModel } from '../engine/load';
import { metricValue, sensitivity, type SensitivityLevels, type SensitivityReport } from '../engine/sensitivity';

/** A model with its weights and the data it is measured on, open for a sweep's measurements. */
export interface Measurer {
  model: RunnableModel;
  data: DataSet;
  calibration?: DataSet;
  metric: string;
  /** Where the data came from, for messages. */
  source: string;
  close(): void;
}

/** Loads the spec's model file with its weights and opens its data (and calibration data); throws naming the file. */
export async function openMeasurer(spec: Pick<SweepSpec, 'model' | 'import' | 'calibrationData' | 'metric'> & { data: SweepData }): Promise<Measurer> {
  const model = await loadRunnableModel(spec.model, spec.import ?? {});
  const input = model.graph.layers.find((l) => l.type === 'Input') as { shape: number[] } | undefined;
  const data = openDataSet({ data: spec.data.path, labels: spec.data.labels, dataKeys: spec.data.dataKeys }, { inputShape: input?.shape });
  let calibration: DataSet | undefined;
  try {
    calibration = spec.calibrationData ? openDataSet({ data: spec.calibrationData }, { inputShape: input?.shape }) : undefined;
  } catch (error) {
    data.close();
    throw error;
  }
  return {
    model,
    data,
    calibration,
    metric: spec.metric ?? 'accuracy',
    source: data.source,
    close: () => {
      data.close();
      calibration?.close();
    },
  };
}

function evaluateOptions(m: Measurer, preprocessing: PreprocessingOptions | undefined, signal?: AbortSignal): EvaluateOptions {
  return { ...(preprocessing ? { preprocessing } : {}), ...(m.calibration ? { calibration: m.calibration } : {}), ...(signal ? { signal } : {}) };
}

/** Each layer pruned alone at each level, and each precision on the unpruned model. */
export function runSensitivity(
  m: Measurer,
  levels: SensitivityLevels,
  precisions: string[],
  options: { preprocessing?: PreprocessingOptions; signal?: AbortSignal; onPoint?: (done: number, total: number) => void } = {},
): Promise<SensitivityReport> {
  return sensitivity(m.model, m.data, levels, {
    precisions,
    metric: m.metric,
    evaluate: evaluateOptions(m, options.preprocessing, options.signal),
    onPoint: options.onPoint,
  });
}

/** The metric of one configuration on the data: what `frontier evaluate` gives for the same configuration. */
export async function runEvaluation(
  m: Measurer,
  config: RunConfiguration,
  options: { preprocessing?: PreprocessingOptions; signal?: AbortSignal } = {},
): Promise<number> {
  const result = await evaluateModel(m.model, config, m.data, evaluateOptions(m, options.preprocessing, options.signal));
  return metricValue(result, m.metric);
}
