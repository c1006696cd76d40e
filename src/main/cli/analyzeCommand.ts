// `frontier analyze`: one configuration of a model, as a per-layer table or one JSON object.
import { analyze, describeFilePrecision, type AnalysisReport } from '../../shared/analysis/analyze';
import type { ArenaPlan } from '../../shared/analysis/memory';
import { MEMORY_MODEL_HELP } from '../../shared/analysis/memory';
import { parsePrecision, precisionLabel } from '../../shared/analysis/precision';
import { trainingMemory, OPTIMIZERS } from '../../shared/analysis/training';
import { countModel } from '../../shared/analysis/counts';
import { withWeightsIn, type DeviceProfile } from '../../shared/devices';
import { resolveRuntime, withRuntime } from '../../shared/latency/runtimes';
import { CHANNEL_BOUNDS, RATIO_BOUNDS, UsageError } from '../../shared/cli/valueList';
import { count, duration, kibLabel, millions, percent } from '../../shared/format';
import { applyChannelEdits } from '../../shared/model/edit';
import { shapeLabel } from '../../shared/model/shapes';
import { ARTIFACT_FORMATS, configurationArtifact } from '../../shared/export/artifacts';
import { prepareRun } from '../engine/configure';
import { calibrationSamples } from '../engine/infer';
import { loadRunnableModel } from '../engine/load';
import { checkOutputTarget, writeOutputFile } from '../files/writeFile';
import { protectedDatabases } from '../store/paths';
import { resolveDevice, resolveModel } from '../services/resolve';
import { ANALYSIS_FLAGS, readAnalysisFlags } from './analysisFlags';
import { boundedInteger, choiceFlag, parseArgs } from './args';
import { isModelFormat, MODEL_FORMATS, writeModelFile } from './emitModel';
import { readSamples } from './inferCommand';
import type { Io } from './io';
import { renderTable } from './table';
import { singleValues } from './singleValues';

export const ANALYZE_USAGE = `frontier analyze <preset|file> [--device <id|file>] [--runtime ID] [--precision fp32|fp16|int8|int4|wXaY]
    [--channels name=N,…] [--prune name=ratio,…] [--memory largest-tensor|layer-io|liveness]
    [--base-accuracy A --penalty pruned=P --penalty int8=P …] [--calibration FILE] [--metric NAME]
    [--layer-precision name=PRECISION,…] [--bias weight|int32] [--headroom FRACTION] [--weights-in sram|flash]
    [--mode inference|training --optimizer sgd|momentum|adam --batch N] [--json]
    [--emit tflm|keras-json [--out FILE [--force]]] [--in-place-depthwise] [--input-shape NAME=DIMS] [--allow-unknown-ops]
    [--emit tflite|onnx --out FILE [--force] [--calibration-data DATA.npy|DATA.npz]]   (the configuration as a model file
    with its weights: the file's own, pruned and quantized; int8 of a float model needs --calibration-data)`;

/** A training batch on a device is a handful of samples; 65,536 is already far beyond any SRAM. */
export const MAX_TRAINING_BATCH = 65_536;

const FLAGS = {
  ...ANALYSIS_FLAGS,
  device: 'string',
  runtime: 'string',
  precision: 'string',
  channels: 'repeat',
  prune: 'repeat',
  mode: 'string',
  optimizer: 'string',
  batch: 'string',
  json: 'bool',
  emit: 'string',
  out: 'string',
  force: 'bool',
  'calibration-data': 'string',
} as const;

/** `--runtime ID`: the board under a built-in runtime; analyze takes one (a sweep takes several). */
function withRuntimeFlag(board: DeviceProfile, value: string | undefined): DeviceProfile {
  if (value === undefined) return board;
  const ids = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (ids.length !== 1) throw new UsageError(`--runtime ${value}: analyze takes one runtime (use sweep --runtime a,b for several)`);
  return withRuntime(board, resolveRuntime(ids[0]));
}

export async function analyzeCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('analyze', argv, FLAGS);
  if (args.positionals.length !== 1) {
    throw new UsageError(`analyze needs one model (a preset or a file)\nusage: ${ANALYZE_USAGE}`);
  }
  const flags = readAnalysisFlags(args);
  // Without --precision a file is analysed at the precision it stores (fp32 for presets).
  const precisionFlag = args.strings.get('precision');
  const precision = precisionFlag === undefined ? undefined : parsePrecision(precisionFlag).name;
  const device = args.strings.has('device')
    ? withWeightsIn(withRuntimeFlag(resolveDevice(args.strings.get('device') as string), args.strings.get('runtime')), flags.weightsIn)
    : null;
  if (!device && args.strings.has('runtime')) throw new UsageError('--runtime needs a --device to run on');
  const channels = singleValues('channels', args.repeats.get('channels'), true, CHANNEL_BOUNDS);
  const prune = singleValues('prune', args.repeats.get('prune'), false, RATIO_BOUNDS);
  const mode = choiceFlag(args, 'mode', ['inference', 'training'] as const) ?? 'inference';
  const emit = choiceFlag(args, 'emit', [...ARTIFACT_FORMATS, ...MODEL_FORMATS]);
  const calibrationFile = args.strings.get('calibration-data');
  if (calibrationFile !== undefined && !emit) {
    throw new UsageError('--calibration-data goes with --emit tflite|onnx: it calibrates the int8 model written');
  }
  if (isModelFormat(emit)) {
    // The configuration with its weights: the model file is read with them, then pruned and quantized as infer runs it.
    const out = args.strings.get('out');
    if (out === undefined || out === '') throw new UsageError(`--emit ${emit} writes a model file: give --out FILE`);
    const written = { databases: protectedDatabases(), force: args.bools.has('force') };
    checkOutputTarget(out, written);
    const model = await loadRunnableModel(args.positionals[0], flags.importOptions);
    const calibration = calibrationFile === undefined ? undefined : calibrationSamples(model, [{ file: calibrationFile, array: readSamples(calibrationFile) }]);
    const run = await prepareRun(model, { channels, prune, precision, layerPrecisions: flags.layerPrecisions }, calibration);
    for (const note of run.notes) io.err(`note: ${note}`);
    writeModelFile(emit, run, out, written, io);
    return 0;
  }
  const graph = await resolveModel(args.positionals[0], flags.importOptions);
  if (emit) {
    if (calibrationFile !== undefined) io.err(`note: --calibration-data is not used by --emit ${emit} (it describes the architecture, without weights)`);
    const text = configurationArtifact(emit, {
      base: graph,
      configuration: { ...flags, precision, device, channels, prune },
      headroom: flags.headroom,
      origin: `frontier analyze ${args.positionals[0]}`,
    });
    const out = args.strings.get('out');
    if (out === undefined) {
      if (args.bools.has('force')) throw new UsageError('--force applies to --out FILE');
      io.out(text.trimEnd());
    } else {
      if (out === '') throw new UsageError('--out needs a file name');
      const force = args.bools.has('force');
      writeOutputFile(out, text, { databases: protectedDatabases(), force });
      io.err(`wrote the ${emit} file of ${graph.name} to ${out}`);
    }
    return 0;
  }
  if (args.strings.has('out') || args.bools.has('force')) throw new UsageError('--out and --force go with --emit tflm|keras-json|tflite|onnx');
  const report = analyze(graph, { ...flags, precision, device, channels, prune });

  if (mode === 'training') {
    const optimizer = choiceFlag(args, 'optimizer', OPTIMIZERS) ?? 'adam';
    const batch = boundedInteger('batch', args.strings.get('batch'), 1, MAX_TRAINING_BATCH) ?? 1;
    const edited = applyChannelEdits(graph, { channels, prune }).graph;
    const training = trainingMemory(countModel(edited), parsePrecision(report.precision), optimizer, batch);
    const fits = device ? training.totalBytes <= device.sramBytes : null;
    if (args.bools.has('json')) {
      io.out(JSON.stringify({ ...report, mode, training, trainingFits: fits }, null, 2));
      return 0;
    }
    io.out(renderReport(report));
    io.out('');
    io.out(`Training memory (${optimizer}, batch ${batch}, ${precisionLabel(training.precision)}):`);
    io.out(
      renderTable(
        ['part', 'bytes', 'KiB'],
        [
          ['weights', count(training.weightBytes), kibLabel(training.weightBytes)],
          ['gradients', count(training.gradientBytes), kibLabel(training.gradientBytes)],
          [`optimizer state (${optimizer})`, count(training.optimizerStateBytes), kibLabel(training.optimizerStateBytes)],
          ['activations kept for backward', count(training.activationBytes), kibLabel(training.activationBytes)],
          ['total', count(training.totalBytes), kibLabel(training.totalBytes)],
        ],
        [false, true, true],
      ),
    );
    const ratio = training.totalBytes / report.totalBytes;
    io.out(`Training needs ${ratio.toFixed(1)}× the inference memory (${kibLabel(report.totalBytes)}).`);
    if (device) io.out(`Training ${fits ? 'fits' : 'does not fit'} ${device.id}'s ${kibLabel(device.sramBytes)} SRAM.`);
    return 0;
  }
  if (args.bools.has('json')) {
    io.out(JSON.stringify({ mode, ...report }, null, 2));
    return 0;
  }
  io.out(renderReport(report));
  return 0;
}

/** The arena plan as a table: where each buffer sits and in which steps it is alive. */
function renderArena(plan: ArenaPlan): string {
  const step = (scope: number): string => (scope === 0 ? 'start' : plan.steps[scope - 1]);
  const rows = [...plan.buffers]
    .sort((a, b) => a.offset - b.offset || a.first - b.first)
    .map((b) => [b.tensor, count(b.offset), count(b.size), `${step(b.first)} → ${step(b.last)}`]);
  return `Arena plan (TFLM greedy planner, 16-byte aligned): ${count(plan.bytes)} B\n` +
    renderTable(['tensor', 'offset B', 'size B', 'alive'], rows, [false, true, true, false]);
}

export function renderReport(r: AnalysisReport): string {
  // The short names: a converted file's full names run to hundreds of characters (--json has both).
  const shown = new Map(r.layers.map((l) => [l.name, l.displayName ?? l.name]));
  const rows = r.layers.map((l) => {
    const into = l.into === undefined ? '' : (shown.get(l.into) ?? l.into);
    const absorbed = l.role === 'op' || l.role === 'input' ? '' : ` (${l.role} → ${into})`;
    return [
      (l.displayName ?? l.name) + absorbed,
      l.type,
      shapeLabel(l.outputShape),
      count(l.params),
      count(l.macs),
      l.activationBytes > 0 ? (l.activationBytes / 1024).toFixed(2) : '—',
    ];
  });
  const origin = r.format
    ? ` · ${r.format} file storing ${describeFilePrecision(r.filePrecision ?? 'fp32')}${r.whatIf ? ` (what if ${precisionLabel(r.precision)})` : ''}`
    : '';
  const lines = [
    `${r.model} · ${precisionLabel(r.precision)}${origin} · memory model ${r.memoryModel} (${MEMORY_MODEL_HELP[r.memoryModel]})`,
    '',
    renderTable(
      ['layer', 'type', 'output', 'params', 'MACs', 'activation KiB'],
      rows,
      [false, false, false, true, true, true],
    ),
    '',
    `Parameters        ${count(r.params)}` +
      (r.frameworkParams !== r.params ? ` (framework count ${count(r.frameworkParams)}: BatchNormalization folded)` : ''),
    `Parameter memory  ${count(r.paramBytes)} B = ${kibLabel(r.paramBytes)} (biases at ${r.biasMode === 'int32' ? 'int32 for integer layers' : 'the weight precision'})` +
      (r.storedParamBytes !== null ? `; ${count(r.storedParamBytes)} B as stored in the file (shared buffers once)` : ''),
    `Peak activation   ${count(r.peakActivationBytes)} B = ${kibLabel(r.peakActivationBytes)} (at ${r.peakAt})` +
      (r.arena ? `; liveness lower bound ${count(r.arena.livenessBoundBytes)} B` : '') +
      (r.inPlaceDepthwise ? '; depthwise convolutions in place' : ''),
    `Total memory      ${count(r.totalBytes)} B = ${kibLabel(r.totalBytes)} (parameters + peak activation)`,
    `Compute           ${count(r.macs)} MACs = ${millions(r.flops)}FLOPs (FLOPs = 2 × MACs)`,
  ];
  if (r.device) {
    const d = r.device;
    lines.push(
      `Device            ${d.name} (${d.id}): SRAM needed ${kibLabel(d.sramRequiredBytes)} of ${kibLabel(d.sramBudgetBytes)}` +
        (r.headroom > 0 ? ` (after ${(r.headroom * 100).toFixed(0)} % headroom)` : '') +
        `; weights in ${d.weightsIn}` +
        (d.weightsIn === 'flash' ? `, flash needed ${kibLabel(d.flashRequiredBytes)} of ${kibLabel(d.flashBytes)}` : ''),
      `Latency           ${duration(r.latencyS)}` +
        (r.latencyBand
          ? r.latencyBand.high > r.latencyBand.low
            ? ` (80 % band ${duration(r.latencyBand.low)}–${duration(r.latencyBand.high)}: ${r.latencyBand.basis})`
            : ` (exact: ${r.latencyBand.basis})`
          : ''),
      ...(r.runtime ? [`Runtime           ${r.runtime.name} (${r.runtime.basis}${r.runtime.from ? ` from ${r.runtime.from}` : ''})`] : []),
      `Fits              ${r.fits ? 'yes' : 'no'}`,
    );
  }
  if (r.accuracy !== null || r.accuracyBasis) {
    lines.push(`${(r.accuracyMetric ?? 'accuracy').padEnd(18)}${percent(r.accuracy)} (${r.accuracyBasis})`);
  }
  if (r.arena) lines.push('', renderArena(r.arena));
  for (const note of r.notes) lines.push(`Note: ${note}`);
  return lines.join('\n');
}
