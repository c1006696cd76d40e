// `frontier evaluate`: the metrics of one configuration of a model on a data set (and its agreement with the
// original model), as a table or one JSON object; measured in a worker through the evaluation cache (runEvaluation).
import { UsageError } from '../../shared/cli/valueList';
import { EvaluationCancelled } from '../engine/evaluate';
import { runEvaluation, type DataReference, type EvaluationRequest } from '../engine/evaluations';
import type { PreprocessingOptions } from '../engine/data/preprocess';
import { percent } from '../../shared/format';
import type { PreparedRun } from '../engine/configure';
import { checkOutputTarget } from '../files/writeFile';
import { protectedDatabases } from '../store/paths';
import { MODEL_FORMATS, writeModelFile } from './emitModel';
import { ANALYSIS_FLAGS, readAnalysisFlags } from './analysisFlags';
import { choiceFlag, parseArgs, type ParsedArgs } from './args';
import type { Io } from './io';
import { CACHE_FLAGS, CANCELLED_EXIT, cancelOnSigint, openCache } from './evaluationRun';
import { progressBar } from './progressBar';
import { RUN_FLAGS, runConfigurationOf } from './runFlags';

export const EVALUATE_USAGE = `frontier evaluate <model file> --data X.npy|D.npz|IMAGE_FOLDER|IDX_FOLDER [--labels Y.npy] [--data-keys x,y]
    [--input-scale A..B] [--mean M[,M…]] [--std S[,S…]] [--channels name=N,…] [--prune name=ratio,…]
    [--prune-criterion l1|l2] [--precision P] [--layer-precision name=P,…] [--calibration-data DATA] [--recalibrate]
    [--agreement fp32|stored|none] [--top-k K] [--json] [--emit tflite|onnx --out FILE [--force]] [--db FILE] [--no-cache]`;

/** The flags that name a data set and its preprocessing (evaluate, sensitivity). */
export const DATA_FLAGS = {
  data: 'string',
  labels: 'string',
  'data-keys': 'string',
  'input-scale': 'string',
  mean: 'string',
  std: 'string',
} as const;

const FLAGS = {
  ...ANALYSIS_FLAGS,
  ...DATA_FLAGS,
  ...RUN_FLAGS,
  agreement: 'string',
  'top-k': 'string',
  json: 'bool',
  emit: 'string',
  out: 'string',
  force: 'bool',
  ...CACHE_FLAGS,
} as const;

/** `A..B` → [A, B] (finite, A < B). */
function range(text: string): [number, number] {
  const match = /^\s*(-?[\d.]+(?:e-?\d+)?)\s*\.\.\s*(-?[\d.]+(?:e-?\d+)?)\s*$/.exec(text);
  const a = match ? Number(match[1]) : NaN;
  const b = match ? Number(match[2]) : NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b) || !(a < b)) throw new UsageError(`--input-scale ${text}: give a range A..B with A < B (e.g. 0..1 or -1..1)`);
  return [a, b];
}

function numbers(flag: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) throw new UsageError(`--${flag} ${text}: give a number, or one per channel separated by commas`);
  if (flag === 'std' && values.some((v) => v <= 0)) throw new UsageError(`--std ${text}: standard deviations must be above 0`);
  return values;
}

export function preprocessingOf(args: ParsedArgs): PreprocessingOptions {
  const options: PreprocessingOptions = {};
  const scale = args.strings.get('input-scale');
  if (scale !== undefined) options.inputScale = { to: range(scale) };
  const mean = numbers('mean', args.strings.get('mean'));
  const std = numbers('std', args.strings.get('std'));
  if (mean) options.mean = mean;
  if (std) options.std = std;
  return options;
}

/** `--data`, `--labels` and `--data-keys` as a request names them (opened by the evaluation itself). */
export function dataReferenceOf(args: ParsedArgs): DataReference {
  const data = args.strings.get('data');
  if (data === undefined) throw new UsageError('--data is needed (the samples to measure on)');
  const labels = args.strings.get('labels');
  const dataKeys = args.strings.get('data-keys')?.split(',').map((k) => k.trim());
  return { data, ...(labels !== undefined ? { labels } : {}), ...(dataKeys ? { dataKeys } : {}) };
}

export async function evaluateCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('evaluate', argv, FLAGS);
  if (args.positionals.length !== 1) throw new UsageError(`evaluate needs one model file\nusage: ${EVALUATE_USAGE}`);
  const dataPath = args.strings.get('data');
  if (dataPath === undefined) throw new UsageError('evaluate needs --data (samples to measure on)');
  const flags = readAnalysisFlags(args);
  const topK = args.strings.get('top-k');
  const k = topK === undefined ? undefined : Number(topK);
  if (k !== undefined && !(Number.isInteger(k) && k >= 2 && k <= 1000)) throw new UsageError(`--top-k ${topK}: give a whole number from 2 to 1000`);
  const agreement = choiceFlag(args, 'agreement', ['fp32', 'stored', 'none'] as const) ?? 'fp32';
  const config = runConfigurationOf(args, flags);
  const preprocessing = preprocessingOf(args);
  const emit = choiceFlag(args, 'emit', MODEL_FORMATS);
  const out = args.strings.get('out');
  if ((emit === undefined) !== (out === undefined)) throw new UsageError('--emit tflite|onnx and --out FILE go together: the evaluated configuration as a model file');
  const written = { databases: protectedDatabases(args.strings.get('db')), force: args.bools.has('force') };
  if (out !== undefined) checkOutputTarget(out, written);
  const calibrationData = args.strings.get('calibration-data');
  const request: EvaluationRequest = {
    model: { path: args.positionals[0] },
    importOptions: flags.importOptions,
    data: dataReferenceOf(args),
    preprocessing,
    configuration: config,
    ...(calibrationData !== undefined ? { calibration: { data: calibrationData } } : {}),
    ...(agreement === 'none' ? {} : { agreement }),
    ...(k !== undefined ? { topK: k } : {}),
  };
  const db = openCache(args, io);
  const bar = progressBar(io);
  const cancel = cancelOnSigint();
  try {
    const result = await runEvaluation(request, {
      db,
      noCache: args.bools.has('no-cache'),
      signal: cancel.signal,
      onProgress: bar.update,
      ...(emit && out !== undefined ? { onPrepared: (run: PreparedRun) => writeModelFile(emit, run, out, written, io) } : {}),
    });
    bar.done();
    const { source, ...shown } = result;
    if (args.bools.has('json')) {
      io.out(JSON.stringify(shown, null, 2));
    } else {
      io.out(`${result.samples.toLocaleString('en-US')} samples of ${source}, ${result.precision.toUpperCase()}, ${result.task}${result.cached ? ' (from the cache)' : ''}`);
      io.out(`preprocessing: ${result.preprocessing.text}`);
      for (const [name, value] of Object.entries(result.metrics)) {
        if (typeof value === 'number') io.out(`  ${name.padEnd(18)} ${name === 'mae' || name === 'mse' || name === 'meanError' ? value.toPrecision(6) : percent(value)}`);
      }
      if (result.agreement) {
        const a = result.agreement;
        io.out(`agreement with the model at ${agreement}: top-1 ${percent(a.top1)}, cosine ${a.cosine.toFixed(6)}, RMSE ${a.rmse.toPrecision(4)}`);
      }
    }
    for (const note of result.notes) io.err(`note: ${note}`);
    if (result.cached) io.err(`${result.samples} samples: from the cache (measured in ${result.seconds.toFixed(2)} s)`);
    else io.err(`${result.samples} samples in ${result.seconds.toFixed(2)} s (${Math.round(result.samplesPerSecond).toLocaleString('en-US')} samples/s)`);
    return 0;
  } catch (error) {
    bar.done();
    if (error instanceof EvaluationCancelled) {
      io.err('evaluate: cancelled');
      return CANCELLED_EXIT;
    }
    throw error;
  } finally {
    cancel.dispose();
    db?.close();
  }
}
