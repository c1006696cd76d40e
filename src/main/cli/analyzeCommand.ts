// `frontier analyze`: one configuration of a model, as a per-layer table or one JSON object.
import { analyze, type AnalysisReport } from '../../shared/analysis/analyze';
import { MEMORY_MODEL_HELP } from '../../shared/analysis/memory';
import { parsePrecision, precisionLabel } from '../../shared/analysis/precision';
import { trainingMemory, OPTIMIZERS } from '../../shared/analysis/training';
import { countModel } from '../../shared/analysis/counts';
import { withWeightsIn } from '../../shared/devices';
import { CHANNEL_BOUNDS, expandNumbers, parseNamedLists, RATIO_BOUNDS, UsageError, type NumericBounds } from '../../shared/cli/valueList';
import { count, duration, kibLabel, millions, percent } from '../../shared/format';
import { applyChannelEdits } from '../../shared/model/edit';
import { formatShape } from '../../shared/model/shapes';
import { resolveDevice, resolveModel } from '../services/resolve';
import { ANALYSIS_FLAGS, readAnalysisFlags } from './analysisFlags';
import { boundedInteger, choiceFlag, parseArgs } from './args';
import type { Io } from './io';
import { renderTable } from './table';

export const ANALYZE_USAGE = `frontier analyze <preset|file> [--device <id|file>] [--precision fp32|fp16|int8|int4|wXaY]
    [--channels name=N,…] [--prune name=ratio,…] [--memory largest-tensor|layer-io|liveness]
    [--base-accuracy A --penalty pruned=P --penalty int8=P …] [--calibration FILE] [--metric NAME]
    [--layer-precision name=PRECISION,…] [--bias weight|int32] [--headroom FRACTION] [--weights-in sram|flash]
    [--mode inference|training --optimizer sgd|momentum|adam --batch N] [--json]`;

/** A training batch on a device is a handful of samples; 65,536 is already far beyond any SRAM. */
export const MAX_TRAINING_BATCH = 65_536;

const FLAGS = {
  ...ANALYSIS_FLAGS,
  device: 'string',
  precision: 'string',
  channels: 'repeat',
  prune: 'repeat',
  mode: 'string',
  optimizer: 'string',
  batch: 'string',
  json: 'bool',
} as const;

/** `--channels a=8,b=16` → {a: 8, b: 16}; one value per layer in `analyze`. */
function singleValues(flag: string, occurrences: string[] | undefined, integer: boolean, bounds: NumericBounds): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, items] of parseNamedLists(flag, occurrences ?? [])) {
    const values = expandNumbers(`--${flag} ${name}`, items, integer, bounds);
    if (values.length !== 1) {
      throw new UsageError(`--${flag} ${name}: analyze takes one value per layer (use sweep for several)`);
    }
    out[name] = values[0];
  }
  return out;
}

export async function analyzeCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('analyze', argv, FLAGS);
  if (args.positionals.length !== 1) {
    throw new UsageError(`analyze needs one model (a preset or a file)\nusage: ${ANALYZE_USAGE}`);
  }
  const flags = readAnalysisFlags(args);
  const precision = parsePrecision(args.strings.get('precision') ?? 'fp32').name;
  const device = args.strings.has('device')
    ? withWeightsIn(resolveDevice(args.strings.get('device') as string), flags.weightsIn)
    : null;
  const channels = singleValues('channels', args.repeats.get('channels'), true, CHANNEL_BOUNDS);
  const prune = singleValues('prune', args.repeats.get('prune'), false, RATIO_BOUNDS);
  const mode = choiceFlag(args, 'mode', ['inference', 'training'] as const) ?? 'inference';
  const graph = await resolveModel(args.positionals[0]);
  const report = analyze(graph, { ...flags, precision, device, channels, prune });

  if (mode === 'training') {
    const optimizer = choiceFlag(args, 'optimizer', OPTIMIZERS) ?? 'adam';
    const batch = boundedInteger('batch', args.strings.get('batch'), 1, MAX_TRAINING_BATCH) ?? 1;
    const edited = applyChannelEdits(graph, { channels, prune }).graph;
    const training = trainingMemory(countModel(edited), parsePrecision(precision), optimizer, batch);
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

export function renderReport(r: AnalysisReport): string {
  const rows = r.layers.map((l) => {
    const absorbed = l.role === 'op' || l.role === 'input' ? '' : ` (${l.role} → ${l.into})`;
    return [
      l.name + absorbed,
      l.type,
      formatShape(l.outputShape),
      count(l.params),
      count(l.macs),
      l.activationBytes > 0 ? (l.activationBytes / 1024).toFixed(2) : '—',
    ];
  });
  const lines = [
    `${r.model} · ${precisionLabel(r.precision)} · memory model ${r.memoryModel} (${MEMORY_MODEL_HELP[r.memoryModel]})`,
    '',
    renderTable(
      ['layer', 'type', 'output', 'params', 'MACs', 'activation KiB'],
      rows,
      [false, false, false, true, true, true],
    ),
    '',
    `Parameters        ${count(r.params)}` +
      (r.frameworkParams !== r.params ? ` (framework count ${count(r.frameworkParams)}: BatchNormalization folded)` : ''),
    `Parameter memory  ${count(r.paramBytes)} B = ${kibLabel(r.paramBytes)} (biases at ${r.biasMode === 'int32' ? 'int32 for integer layers' : 'the weight precision'})`,
    `Peak activation   ${count(r.peakActivationBytes)} B = ${kibLabel(r.peakActivationBytes)} (at ${r.peakAt})`,
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
      `Latency           ${duration(r.latencyS)}`,
      `Fits              ${r.fits ? 'yes' : 'no'}`,
    );
  }
  if (r.accuracy !== null || r.accuracyBasis) {
    lines.push(`${(r.accuracyMetric ?? 'accuracy').padEnd(18)}${percent(r.accuracy)} (${r.accuracyBasis})`);
  }
  for (const note of r.notes) lines.push(`Note: ${note}`);
  return lines.join('\n');
}
