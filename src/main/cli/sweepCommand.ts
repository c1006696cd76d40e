// `frontier sweep` and `frontier resume`: run a design space on all cores into the database.
import { resolve } from 'node:path';
import { checkSessionName } from '../../shared/sessionName';
import { precisionLabel } from '../../shared/analysis/precision';
import { UsageError } from '../../shared/cli/valueList';
import { duration, kibLabel, percent } from '../../shared/format';
import { resumeSweep, runSweep, type ResultEntry, type SweepOptions, type SweepSummary } from '../services/sweeps';
import type { MeasuredAccuracySummary } from '../../shared/sweep/summary';
import type { SessionStore } from '../store';
import { boundedInteger, parseArgs } from './args';
import type { Io } from './io';
import { progressBar } from './progressBar';
import { openStore } from './storeAccess';
import { findPreset } from '../../shared/presets';
import { resolveModel } from '../services/resolve';
import { adoptFileSettings, SPEC_FLAGS, specFromArgs } from './sweepFlags';
import { renderTable } from './table';
import { configVocabulary, describeConfiguration, type ConfigVocabulary } from '../../shared/sweep/describeConfig';

export const SWEEP_USAGE = `frontier sweep <preset|file> [--spec FILE] [--device ID,…] [--runtime ID,…] [--channels name=N,…] [--prune name=ratio,…]
    [--precision fp32,int8,…] [--memory …] [--base-accuracy A --penalty NAME=P …] [--deadline NAME=SECONDS[@device] …]
    [--min-accuracy NAME=A] [--strategy grid|random --samples N --seed S] [--grid-limit N] [--workers N]
    [--data X [--labels Y] [--data-keys x,y] [--input-scale A..B] [--mean M] [--std S] [--verify N] [--metric NAME]
     [--calibration-data DATA]]
    [--db FILE] [--session NAME] [--replace] [--json]`;
export const RESUME_USAGE = 'frontier resume <session> [--db FILE] [--workers N] [--json]';

const RUN_FLAGS = { db: 'string', session: 'string', replace: 'bool', json: 'bool', workers: 'string', 'batch-size': 'string' } as const;

/** More worker threads than this only adds memory: no machine Frontier runs on has more cores. */
export const MAX_WORKERS = 256;
/** Configurations per batch a worker analyses at once (each holds a row of figures in memory). */
export const MAX_BATCH_SIZE = 1_048_576;

/** Ctrl-C cancels the sweep (finished work is kept, the session is marked cancelled). */
function cancelOnSigint(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/** Opens the database, draws progress, lets Ctrl-C cancel, reports; exit 130 when cancelled. */
async function runReported(
  dbFlag: string | undefined,
  json: boolean,
  io: Io,
  run: (store: SessionStore, options: SweepOptions) => Promise<SweepSummary>,
): Promise<number> {
  const { store, db } = openStore(dbFlag);
  const bar = progressBar(io);
  const cancel = cancelOnSigint();
  try {
    // With measured accuracy the run has phases; each is named once as it starts (the bar shows only on a terminal).
    let phase: string | undefined;
    const words: Record<string, string> = {
      sensitivity: 'measuring the sensitivity on the data (each layer pruned alone, each precision)',
      sweep: 'sweeping with the predicted accuracy',
      verify: 'verifying the front and the choices on the data',
    };
    const onProgress: SweepOptions['onProgress'] = (p) => {
      if (p.phase && p.phase !== phase) {
        bar.done();
        phase = p.phase;
        io.err(`${words[p.phase]}…`);
      }
      bar.update(p);
    };
    const summary = await run(store, { signal: cancel.signal, onProgress });
    bar.done();
    report(summary, json, io, sessionWords(store, summary.session));
    return summary.status === 'cancelled' ? 130 : 0;
  } finally {
    cancel.dispose();
    db.close();
  }
}

export async function sweepCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('sweep', argv, { ...SPEC_FLAGS, ...RUN_FLAGS });
  if (args.positionals.length > 1) throw new UsageError(`sweep takes one model\nusage: ${SWEEP_USAGE}`);
  const session = args.strings.get('session');
  if (session !== undefined) checkSessionName('--session', session);
  const given = new Set<string>();
  const spec = specFromArgs(args, args.positionals[0], given);
  // A file is read once: for the settings it stores, and then for the sweep.
  const graph = findPreset(spec.model) ? undefined : await resolveModel(spec.model, spec.import);
  if (graph) adoptFileSettings(spec, graph.source, given);
  // A file is kept by its absolute path, so that `export --format tflite` finds it from any directory.
  if (graph) spec.model = resolve(spec.model);
  return runReported(args.strings.get('db'), args.bools.has('json'), io, (store, options) =>
    runSweep(store, spec, {
      ...options,
      name: session,
      replace: args.bools.has('replace'),
      graph,
      workers: boundedInteger('workers', args.strings.get('workers'), 1, MAX_WORKERS),
      batchSize: boundedInteger('batch-size', args.strings.get('batch-size'), 1, MAX_BATCH_SIZE),
      onStarted: (s) => io.err(`session ${s.name}: ${s.total.toLocaleString('en-US')} configurations`),
    }),
  );
}

export async function resumeCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('resume', argv, { db: 'string', json: 'bool', workers: 'string' });
  if (args.positionals.length !== 1) throw new UsageError(`usage: ${RESUME_USAGE}`);
  return runReported(args.strings.get('db'), args.bools.has('json'), io, (store, options) =>
    resumeSweep(store, args.positionals[0], { ...options, workers: boundedInteger('workers', args.strings.get('workers'), 1, MAX_WORKERS) }),
  );
}

/** Every editable layer's channels, the precision and the device: the form `compare` prints. */
export const describeEntry = (e: ResultEntry): string =>
  `${Object.entries(e.channels)
    .map(([layer, n]) => `${layer} ${n}`)
    .join(' / ')} / ${precisionLabel(e.precision)} on ${e.device}`;

/** How a stored session's configurations are described (its model's display names, its prune ratios). */
export function sessionWords(store: SessionStore, name: string): ConfigVocabulary | undefined {
  const detail = store.getSession(name);
  const model = detail ? store.getModel(detail.modelId) : undefined;
  return detail && model ? configVocabulary(model.graph, detail.spec) : undefined;
}

/**
 * A sweep's text report. With the session's words a configuration reads as it does in the app ("pruned 25 % · INT8
 * on stm32f746", only the changed layers by display name); without them every layer is listed.
 */
export function report(summary: SweepSummary, json: boolean, io: Io, words?: ConfigVocabulary): void {
  const describe = (e: ResultEntry): string => (words ? `${describeConfiguration(e, words)} on ${e.device}` : describeEntry(e));
  if (json) {
    io.out(JSON.stringify(summary, null, 2));
    return;
  }
  io.out(
    `session ${summary.session} (${summary.status}): ${summary.configs.toLocaleString('en-US')} of ${summary.total.toLocaleString('en-US')} configurations stored, ` +
      `${summary.feasible.toLocaleString('en-US')} feasible, ${summary.pareto.length} on the Pareto front` +
      (summary.elapsedS !== null ? `, ${summary.elapsedS.toFixed(2)} s` : ''),
  );
  const rows = summary.pareto.slice(0, 20).map((e) => [describe(e), accuracyCell(e), duration(e.latencyS), kibLabel(e.totalBytes)]);
  if (rows.length > 0) {
    io.out('');
    io.out(renderTable(['Pareto front (accuracy ↑, latency ↓, memory ↓)', 'accuracy', 'latency', 'memory'], rows, [false, true, true, true]));
    if (summary.pareto.length > 20) io.out(`… and ${summary.pareto.length - 20} more (frontier export ${summary.session} --front)`);
  }
  for (const [client, best] of Object.entries(summary.best)) {
    if (best) {
      io.out(`${client}: ${describe(best)} · ${accuracyCell(best)} · ${duration(best.latencyS)} · ${kibLabel(best.totalBytes)}`);
      const risk = summary.deadlineRisk?.[client];
      if (risk) io.out(`  note: ${risk}`);
    } else {
      const miss = summary.nearestMiss[client];
      io.out(`${client}: unsatisfied${miss ? ` — nearest miss ${describe(miss.config)}: ${miss.reason}` : ''}`);
    }
  }
  const m = summary.measuredAccuracy;
  if (m) io.out(measuredWords(m));
}

/**
 * An accuracy as the table shows it: with measured accuracy, "84.1 % measured" or "82.0 % predicted (79.9–84.1 %)"
 * — the band of a prediction; a plain percentage otherwise.
 */
export function accuracyCell(e: ResultEntry): string {
  if (e.accuracyMeasured !== undefined && e.accuracyMeasured !== null) return `${percent(e.accuracyMeasured)} measured`;
  if (e.accuracyPredicted === undefined || e.accuracyPredicted === null) return percent(e.accuracy);
  const band = e.accuracyBand ? ` (${(e.accuracyBand.low * 100).toFixed(1)}–${percent(e.accuracyBand.high)})` : '';
  return `${percent(e.accuracy)} predicted${band}`;
}

/** The closing words of a sweep with measured accuracy: the predictor, its error, the band and its coverage. */
export function measuredWords(m: MeasuredAccuracySummary): string {
  const points = (x: number): string => `${(x * 100).toFixed(2)} points`;
  if (m.looError === null || m.bandHalfWidth === null) {
    return `${m.metric}: predicted by the ${m.form} model from the sensitivity analysis; no configuration verified, so no band`;
  }
  const coverage = m.coverage === null ? 'coverage not known with one verified configuration' : `${(m.coverage * 100).toFixed(0)} % of verified configurations inside the band predicted without them (nominal ${(m.nominalCoverage * 100).toFixed(0)} %)`;
  return (
    `${m.metric}: ${m.verified} configuration${m.verified === 1 ? '' : 's'} verified on the data; predictor ${m.form} ` +
    `(leave-one-out error ${points(m.looError)}); band ±${points(m.bandHalfWidth)}; ${coverage}`
  );
}
