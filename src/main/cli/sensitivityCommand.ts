// `frontier sensitivity`: every prunable layer (an Add group counts as one) pruned alone at each level the flags
// give, measured on the data at the first precision listed; and every precision listed on the unpruned model. Each
// point goes through the evaluation cache (runSensitivity), so a run again, or after a kill, measures only what is
// missing.
import { CHANNEL_BOUNDS, expandNumbers, parseNamedLists, RATIO_BOUNDS, UsageError } from '../../shared/cli/valueList';
import { percent } from '../../shared/format';
import { displayName } from '../../shared/model/displayNames';
import { loadRunnableModel } from '../engine/load';
import type { SensitivityLevels, SensitivityReport } from '../engine/sensitivity';
import { EvaluationCancelled } from '../engine/evaluate';
import { runSensitivity } from '../engine/evaluations';
import { writeOutputFile } from '../files/writeFile';
import { protectedDatabases } from '../store/paths';
import { ANALYSIS_FLAGS, readAnalysisFlags } from './analysisFlags';
import { choiceFlag, parseArgs } from './args';
import { DATA_FLAGS, dataReferenceOf, preprocessingOf } from './evaluateCommand';
import { CACHE_FLAGS, CANCELLED_EXIT, cancelOnSigint, openCache } from './evaluationRun';
import { progressBar } from './progressBar';
import type { Io } from './io';
import { renderTable } from './table';

export const SENSITIVITY_USAGE = `frontier sensitivity <model file> --data … [--labels …] (--prune name=ratios,… | --channels name=counts,…)
    [--precision p1,p2,…] [--metric NAME] [--prune-criterion l1|l2] [--input-scale A..B] [--mean M] [--std S]
    [--json] [--out FILE [--force]] [--db FILE] [--no-cache]`;

const FLAGS = {
  ...ANALYSIS_FLAGS,
  ...DATA_FLAGS,
  channels: 'repeat',
  prune: 'repeat',
  precision: 'string',
  'prune-criterion': 'string',
  json: 'bool',
  out: 'string',
  force: 'bool',
  ...CACHE_FLAGS,
} as const;

export async function sensitivityCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('sensitivity', argv, FLAGS);
  if (args.positionals.length !== 1) throw new UsageError(`sensitivity needs one model file\nusage: ${SENSITIVITY_USAGE}`);
  const flags = readAnalysisFlags(args);
  const levels: SensitivityLevels = { channels: {}, prune: {} };
  for (const [name, items] of parseNamedLists('channels', args.repeats.get('channels') ?? [])) {
    levels.channels[name] = expandNumbers(`--channels ${name}`, items, true, CHANNEL_BOUNDS);
  }
  for (const [name, items] of parseNamedLists('prune', args.repeats.get('prune') ?? [])) {
    levels.prune[name] = expandNumbers(`--prune ${name}`, items, false, RATIO_BOUNDS);
  }
  const precisions = args.strings.get('precision')?.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const out = args.strings.get('out');
  const written = { databases: protectedDatabases(args.strings.get('db')), force: args.bools.has('force') };
  // The graph, for the layers' short names and the table; the evaluations load the model again in their worker.
  const model = await loadRunnableModel(args.positionals[0], flags.importOptions);
  // Short names are accepted as analyze takes them.
  const byShort = new Map(model.graph.layers.map((l) => [displayName(model.graph, l.name), l.name]));
  const full = (name: string): string => (name === '*' || model.graph.layers.some((l) => l.name === name) ? name : (byShort.get(name) ?? name));
  levels.channels = Object.fromEntries(Object.entries(levels.channels).map(([n, v]) => [full(n), v]));
  levels.prune = Object.fromEntries(Object.entries(levels.prune).map(([n, v]) => [full(n), v]));
  let cachedCount = 0;
  const db = openCache(args, io);
  const bar = progressBar(io);
  const cancel = cancelOnSigint();
  try {
    let source = '';
    const report = await runSensitivity(
      {
        model: { path: args.positionals[0] },
        importOptions: flags.importOptions,
        data: dataReferenceOf(args),
        preprocessing: preprocessingOf(args),
        levels,
        precisions,
        metric: args.strings.get('metric'),
        criterion: choiceFlag(args, 'prune-criterion', ['l1', 'l2'] as const),
      },
      {
        db,
        noCache: args.bools.has('no-cache'),
        signal: cancel.signal,
        onProgress: bar.update,
        onData: (d) => (source = d.source),
        onEvaluation: (e) => (e.cached ? cachedCount++ : undefined),
        // Without a terminal, a line per point; on one, the progress line says it.
        onPoint: (done, total) => (io.isTTY ? undefined : io.err(`measured ${done} of ${total}`)),
      },
    );
    bar.done();
    if (cachedCount > 0) io.err(`${cachedCount} of ${pointCount(report)} points from the cache`);
    const json = JSON.stringify(report, null, 2);
    if (out !== undefined) writeOutputFile(out, `${json}\n`, written);
    if (args.bools.has('json')) {
      io.out(json);
      return 0;
    }
    const isError = report.metric === 'mae' || report.metric === 'mse' || report.metric === 'meanError';
    const show = (value: number): string => (isError ? value.toPrecision(5) : percent(value));
    const change = (d: number): string => (isError ? `${d >= 0 ? '+' : ''}${d.toPrecision(3)}` : `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(1)} points`);
    io.out(`${report.metric} on ${source}: ${Object.entries(report.base).map(([p, v]) => `${p.toUpperCase()} ${show(v)}`).join(', ')}`);
    const rows: string[][] = [];
    for (const entry of report.layers) {
      for (const point of entry.points) {
        rows.push([displayName(model.graph, entry.layer) + (entry.group.length > 1 ? ` (+${entry.group.length - 1} joined)` : ''), String(point.channels), percent(point.fractionKept), point.precision.toUpperCase(), show(point.value), change(point.value - report.base[point.precision])]);
      }
    }
    io.out(renderTable(['layer', 'channels', 'kept', 'precision', report.metric, 'change'], rows, [false, true, true, false, true, true]));
    // The most and the least sensitive: the largest and smallest loss at the deepest cut each layer had.
    const deepest = report.layers.map((l) => ({ layer: l.layer, drop: report.base[l.points[l.points.length - 1].precision] - l.points[l.points.length - 1].value }));
    deepest.sort((a, b) => b.drop - a.drop);
    if (deepest.length > 1) {
      io.out(`most sensitive: ${displayName(model.graph, deepest[0].layer)}; least sensitive: ${displayName(model.graph, deepest[deepest.length - 1].layer)} (loss at each layer's deepest cut)`);
    }
    return 0;
  } catch (error) {
    bar.done();
    if (error instanceof EvaluationCancelled) {
      io.err('sensitivity: cancelled (the points measured are kept in the cache: run it again to finish)');
      return CANCELLED_EXIT;
    }
    throw error;
  } finally {
    cancel.dispose();
    db?.close();
  }
}

const pointCount = (report: SensitivityReport): number => report.precisions.length + report.layers.reduce((n, l) => n + l.points.length, 0);
