// `frontier infer`: one configuration of a model run on the samples of a .npy file, outputs written as .npy.
import { UsageError } from '../../shared/cli/valueList';
import { readSamplesFile, writeNpyFile } from '../engine/npyFile';
import { inferModel, type InputArrays } from '../engine/infer';
import { loadRunnableModel } from '../engine/load';
import { checkOutputTarget } from '../files/writeFile';
import { protectedDatabases } from '../store/paths';
import { readAnalysisFlags, ANALYSIS_FLAGS } from './analysisFlags';
import { choiceFlag, parseArgs } from './args';
import { MODEL_FORMATS, modelExtension, writeModelFile } from './emitModel';
import type { Io } from './io';
import { RUN_FLAGS, runConfigurationOf } from './runFlags';

export const INFER_USAGE = `frontier infer <model file> --input X.npy | --input NAME=X.npy … --out Y.npy | --out NAME=Y.npy …
    [--raw] [--channels name=N,…] [--prune name=ratio,…] [--prune-criterion l1|l2] [--precision P]
    [--layer-precision name=P,…] [--calibration-data DATA.npy|DATA.npz] [--recalibrate] [--force] [--json]
    [--emit tflite|onnx --out MODEL.tflite|MODEL.onnx]   (the configuration run, as a model file)`;

const FLAGS = {
  ...ANALYSIS_FLAGS,
  input: 'repeat',
  out: 'repeat',
  raw: 'bool',
  ...RUN_FLAGS,
  force: 'bool',
  json: 'bool',
  emit: 'string',
} as const;

/** `NAME=FILE` or `FILE`. A Windows drive letter or a path with `=` in it can be given as `./…`. */
function named(value: string): { name?: string; file: string } {
  const eq = value.indexOf('=');
  if (eq > 0 && !value.slice(0, eq).includes('/')) return { name: value.slice(0, eq), file: value.slice(eq + 1) };
  return { file: value };
}

/** A data file's samples: a .npy array, or the `x` array of an .npz (or its only one). */
export const readSamples = readSamplesFile;

export async function inferCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('infer', argv, FLAGS);
  if (args.positionals.length !== 1) throw new UsageError(`infer needs one model file\nusage: ${INFER_USAGE}`);
  const flags = readAnalysisFlags(args);
  const inputs = args.repeats.get('input') ?? [];
  if (inputs.length === 0) throw new UsageError('infer needs --input X.npy (the samples to run)');
  let outs = (args.repeats.get('out') ?? []).map(named);
  // With --emit FORMAT, the --out that ends in .tflite / .onnx is the model file; the others take the outputs.
  const emit = choiceFlag(args, 'emit', MODEL_FORMATS);
  let modelOut: string | undefined;
  if (emit) {
    const extension = modelExtension(emit);
    const models = outs.filter((o) => o.name === undefined && o.file.toLowerCase().endsWith(extension));
    if (models.length !== 1) {
      throw new UsageError(`--emit ${emit} needs one --out FILE${extension} (the model file), besides the --out Y.npy for the outputs; ${models.length === 0 ? 'none was given' : `${models.length} were given`}`);
    }
    modelOut = models[0].file;
    outs = outs.filter((o) => o !== models[0]);
  }
  if (outs.length === 0) throw new UsageError('infer needs --out Y.npy (where the outputs go)');
  const force = args.bools.has('force');
  const config = runConfigurationOf(args, flags);
  // Targets are checked before the run, so that a refused one costs nothing.
  const written = { databases: protectedDatabases(), force };
  for (const out of outs) checkOutputTarget(out.file, written);
  if (modelOut !== undefined) checkOutputTarget(modelOut, written);
  const model = await loadRunnableModel(args.positionals[0], flags.importOptions);
  const arrays: InputArrays = inputs.map(named).map(({ name, file }) => ({ name, file, array: readSamples(file) }));
  const calibrationFile = args.strings.get('calibration-data');
  const calibration = calibrationFile === undefined ? undefined : [{ file: calibrationFile, array: readSamples(calibrationFile) }];
  const result = await inferModel(model, config, arrays, { raw: args.bools.has('raw'), calibration });

  const byName = new Map(result.outputs.map((o) => [o.layer, o.array]));
  if (outs.length === 1 && outs[0].name === undefined) {
    if (result.outputs.length !== 1) {
      throw new UsageError(`the model has ${result.outputs.length} outputs (${result.outputs.map((o) => o.layer).join(', ')}): give --out NAME=Y.npy for each`);
    }
    writeNpyFile(outs[0].file, result.outputs[0].array, written);
  } else {
    for (const out of outs) {
      const array = out.name === undefined ? undefined : byName.get(out.name);
      if (!array) throw new UsageError(`--out ${out.name ?? out.file}: name one of the model's outputs (${[...byName.keys()].join(', ')}) as NAME=Y.npy`);
      writeNpyFile(out.file, array, written);
    }
  }
  if (emit && modelOut !== undefined) writeModelFile(emit, result.run, modelOut, written, io);
  const first = result.outputs[0].array;
  const summary = {
    samples: result.samples,
    seconds: result.seconds,
    samplesPerSecond: result.seconds > 0 ? result.samples / result.seconds : null,
    precision: result.precision,
    params: result.params,
    outputShape: first.shape.slice(1),
    outputType: first.dtype,
    notes: result.notes,
  };
  if (args.bools.has('json')) io.out(JSON.stringify(summary, null, 2));
  for (const note of result.notes) io.err(`note: ${note}`);
  io.err(`${result.samples} samples in ${result.seconds.toFixed(3)} s (${summary.samplesPerSecond === null ? '—' : Math.round(summary.samplesPerSecond).toLocaleString('en-US')} samples/s), ${result.precision.toUpperCase()}`);
  return 0;
}
