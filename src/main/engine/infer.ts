// One configuration of a model run on samples: what `frontier infer` (and later evaluate) does.
import { countModel } from '../../shared/analysis/counts';
import type { NpyArray } from '../../shared/engine/npy';
import { UsageError } from '../../shared/cli/valueList';
import { DEFAULT_CALIBRATION_SAMPLES, prepareRun, type CalibrationSamples, type PreparedRun, type RunConfiguration } from './configure';
import type { RunnableModel } from './load';
import { fromGraphOutput, toFloatSamples, toGraphInput } from './samples';
import { GraphSession } from './session';


export interface InferResult {
  outputs: { layer: string; array: NpyArray }[];
  samples: number;
  seconds: number;
  precision: string;
  params: number;
  notes: string[];
  run: PreparedRun;
}

/** Input arrays by the model input they feed: one array for a one-input model, else by layer name. */
export type InputArrays = { array: NpyArray; file: string; name?: string }[];

function assign(model: RunnableModel, inputs: InputArrays): Map<string, { array: NpyArray; file: string }> {
  const names = model.graph.layers.filter((l) => l.type === 'Input').map((l) => l.name);
  const out = new Map<string, { array: NpyArray; file: string }>();
  if (inputs.length === 1 && inputs[0].name === undefined) {
    if (names.length !== 1) throw new UsageError(`the model has ${names.length} inputs (${names.join(', ')}): give --input NAME=X.npy for each`);
    out.set(names[0], inputs[0]);
    return out;
  }
  for (const input of inputs) {
    if (input.name === undefined || !names.includes(input.name)) {
      throw new UsageError(`--input ${input.name ?? input.file}: name one of the model's inputs (${names.join(', ')}) as NAME=X.npy`);
    }
    out.set(input.name, input);
  }
  const missing = names.filter((n) => !out.has(n));
  if (missing.length > 0) throw new UsageError(`no --input given for the model input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return out;
}

/** Calibration samples from arrays given per model input (`--calibration-data`), read only when a run needs them. */
export function calibrationSamples(model: RunnableModel, arrays: InputArrays): () => Promise<CalibrationSamples> {
  return calibrationFrom(model, assign(model, arrays), Infinity, arrays.map((c) => c.file).join(', '));
}

function calibrationFrom(
  model: RunnableModel,
  arrays: Map<string, { array: NpyArray; file: string }>,
  limit: number,
  source: string,
): () => Promise<CalibrationSamples> {
  return async () => {
    let count = Infinity;
    const floats: Float32Array[] = [];
    for (const layer of model.graph.layers.filter((l) => l.type === 'Input')) {
      const given = arrays.get(layer.name) as { array: NpyArray; file: string };
      const io = { name: layer.name, layer: layer.name, shape: (layer as { shape: number[] }).shape, type: 'float32' as const };
      const { data, count: n } = toFloatSamples(given.array, io, given.file, model.weights.activations?.[layer.name]);
      count = Math.min(count, n, limit);
      floats.push(data);
    }
    return { inputs: floats, count, source };
  };
}

export async function inferModel(
  model: RunnableModel,
  config: RunConfiguration,
  inputs: InputArrays,
  options: { raw?: boolean; calibration?: InputArrays } = {},
): Promise<InferResult> {
  const byInput = assign(model, inputs);
  const storedInput = (layer: string) => model.weights.activations?.[layer];
  const calibration = options.calibration
    ? calibrationSamples(model, options.calibration)
    : calibrationFrom(model, byInput, DEFAULT_CALIBRATION_SAMPLES, `the first of ${inputs.map((i) => i.file).join(', ')}, the data run (no --calibration-data)`);
  const run = await prepareRun(model, config, calibration);
  const feeds = run.built.inputs.map((io) => {
    const given = byInput.get(io.layer) as { array: NpyArray; file: string };
    return toGraphInput(given.array, io, given.file, storedInput(io.layer));
  });
  const counts = new Set(feeds.map((f) => f.count));
  if (counts.size > 1) throw new UsageError(`the inputs hold different numbers of samples (${[...counts].join(', ')})`);
  const samples = feeds[0]?.count ?? 0;
  const session = await GraphSession.create(run.built);
  const started = performance.now();
  let results;
  try {
    results = await session.run(feeds.map((f) => f.data), samples);
  } finally {
    await session.release();
  }
  const seconds = (performance.now() - started) / 1000;
  const outputs = run.built.outputs
    .map((io, i) => ({ io, data: results[i] }))
    .filter(({ io }) => !io.probe)
    .map(({ io, data }) => ({ layer: io.layer, array: fromGraphOutput(data, io, samples, options.raw ?? false) }));
  return { outputs, samples, seconds, precision: run.precision.name, params: countModel(run.graph).params, notes: run.notes, run };
}
