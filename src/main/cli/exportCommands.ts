// `frontier export`, `import` and `compare`: sessions out of and into the database, and two sessions side by side.
import { UsageError } from '../../shared/cli/valueList';
import { duration, kibLabel, percent } from '../../shared/format';
import type { SessionComparison } from '../../shared/api';
import { compareSessions } from '../services/compare';
import {
  CalibrationNeeded,
  exportChunks,
  exportModelFile,
  importBundle,
  isModelExportFormat,
  parseExportFormat,
  writeExportFile,
  EXPORT_FORMATS,
} from '../services/exports';
import type { ResultEntry } from '../services/sweeps';
import { parseArgs } from './args';
import type { Io } from './io';
import { openStore } from './storeAccess';
import { checkOutputTarget, writeOutputFile, type OutputOptions } from '../files/writeFile';
import { FileReadError, readRegularFile, readStreamBounded, textOf } from '../files/readFile';
import { MAX_BUNDLE_BYTES } from '../services/exports';
import { protectedDatabases, resolveDbPath, StoredFiles } from '../store';
import { describeEntry } from './sweepCommand';

export const EXPORT_USAGE =
  `frontier export <session> --format ${EXPORT_FORMATS.join('|')} [--front | --best CLIENT | --config N] [--out FILE [--force]] [--db FILE]
    [--calibration-data DATA.npy|DATA.npz]   (tflite, onnx: the configuration as a model file with its weights, --out needed;
    an int8 configuration of a float model is calibrated on DATA, or on the data the sweep was given)`;
export const IMPORT_USAGE = 'frontier import <bundle.json|-> [--name NAME] [--replace] [--db FILE] [--json]';
export const COMPARE_USAGE = 'frontier compare <session A> <session B> [--db FILE] [--json]';

export async function exportCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('export', argv, {
    format: 'string',
    front: 'bool',
    best: 'string',
    config: 'string',
    out: 'string',
    force: 'bool',
    db: 'string',
    'calibration-data': 'string',
  });
  if (args.positionals.length !== 1) throw new UsageError(`export takes one session\nusage: ${EXPORT_USAGE}`);
  const format = parseExportFormat(args.strings.get('format'));
  const config = args.strings.get('config');
  if (config !== undefined && !/^\d{1,15}$/.test(config)) {
    throw new UsageError(`--config ${config}: give a configuration's index, a whole number ≥ 0`);
  }
  const options = {
    front: args.bools.has('front'),
    bestClient: args.strings.get('best'),
    config: config === undefined ? undefined : Number(config),
  };
  if (options.front && options.bestClient !== undefined) throw new UsageError('give either --front or --best CLIENT, not both');
  const name = args.positionals[0];
  const out = args.strings.get('out');
  if (out === '') throw new UsageError('--out needs a file name');
  if (out === undefined && args.bools.has('force')) throw new UsageError('--force applies to --out FILE');
  const dbPath = resolveDbPath(args.strings.get('db'));
  const guard: OutputOptions = {
    databases: protectedDatabases(args.strings.get('db')),
    force: args.bools.has('force'),
    databaseRole: 'this export reads from',
  };
  const calibrationData = args.strings.get('calibration-data');
  if (calibrationData !== undefined && !isModelExportFormat(format)) {
    throw new UsageError('--calibration-data goes with --format tflite|onnx: it calibrates the int8 model file written');
  }
  if (calibrationData === '') throw new UsageError('--calibration-data needs a file name');
  if (isModelExportFormat(format) && out === undefined) {
    throw new UsageError(`--format ${format} writes a binary model file: give --out FILE.${format}`);
  }
  // Checked before the database is opened: a refused export touches nothing.
  const target = out === undefined ? undefined : checkOutputTarget(out, guard);
  const { store, db } = openStore(dbPath, { readOnly: true });
  try {
    if (isModelExportFormat(format) && out !== undefined) {
      let file;
      try {
        file = await exportModelFile(store, new StoredFiles(db), name, format, { ...options, calibrationData });
      } catch (error) {
        if (error instanceof CalibrationNeeded) {
          throw new UsageError(
            `${error.message}: give --calibration-data DATA.npy|DATA.npz (samples of the model's input), or sweep with --calibration-data`,
          );
        }
        throw error;
      }
      for (const note of file.notes) io.err(`note: ${note}`);
      writeOutputFile(out, Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength), guard);
      io.err(`wrote the ${format} file of ${file.origin} (${file.precision}, ${file.bytes.length.toLocaleString('en-US')} B) to ${out}`);
      return 0;
    }
    if (out !== undefined && target !== undefined) {
      writeExportFile(target, store, name, format, options, guard);
      io.err(`wrote the ${format} export of session ${name} to ${out}`);
    } else {
      for (const chunk of exportChunks(store, name, format, options)) io.out(chunk);
    }
    return 0;
  } finally {
    db.close();
  }
}

export async function importCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('import', argv, { name: 'string', replace: 'bool', db: 'string', json: 'bool' });
  if (args.positionals.length !== 1) throw new UsageError(`import takes one bundle file\nusage: ${IMPORT_USAGE}`);
  const file = args.positionals[0];
  let text: string;
  try {
    // Standard input is bounded like a file: counted while it is read, refused past the bundle limit.
    const bytes = file === '-' ? await readStreamBounded(process.stdin, 'standard input', MAX_BUNDLE_BYTES) : readRegularFile(file, MAX_BUNDLE_BYTES);
    text = textOf(bytes, file === '-' ? 'standard input' : file);
  } catch (error) {
    const reason = error instanceof FileReadError ? error.reason : (error as Error).message;
    throw new Error(`cannot read ${file === '-' ? 'the bundle from stdin' : file}: ${reason}`);
  }
  const { store, db } = openStore(args.strings.get('db'));
  try {
    let name: string;
    try {
      name = importBundle(store, text, { name: args.strings.get('name'), replace: args.bools.has('replace') });
    } catch (error) {
      if (error instanceof UsageError) throw new UsageError(`${file}: ${error.message}`);
      throw error;
    }
    const session = store.getSession(name);
    if (!session) throw new Error(`session "${name}" vanished after the import`);
    const result = {
      session: name,
      status: session.status,
      configs: session.configs,
      total: session.total,
      model: session.model,
      devices: session.devices,
    };
    if (args.bools.has('json')) io.out(JSON.stringify(result, null, 2));
    else {
      io.out(
        `imported session ${name} (${session.status}): ${session.configs.toLocaleString('en-US')} of ` +
          `${session.total.toLocaleString('en-US')} configurations of ${session.model} on ${session.devices.join(', ')}`,
      );
    }
    return 0;
  } finally {
    db.close();
  }
}

const figures = (e: ResultEntry): string =>
  `${describeEntry(e)} · ${percent(e.accuracy)} · ${duration(e.latencyS)} · ${kibLabel(e.totalBytes)}`;

const VERDICTS: Record<SessionComparison['verdict'], (a: string, b: string) => string> = {
  same: () => 'the fronts are the same',
  'a-better': (a, b) => `${a} is better: some of ${b}'s front is dominated, none of ${a}'s`,
  'b-better': (a, b) => `${b} is better: some of ${a}'s front is dominated, none of ${b}'s`,
  mixed: () => 'mixed: each front has points the other lacks or beats',
};

export function renderComparison(c: SessionComparison): string[] {
  const a = c.a.session;
  const b = c.b.session;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines = [
    `A ${a}: front of ${plural(c.a.front.length, 'configuration')}, hypervolume ${c.hypervolumeA.toFixed(4)}`,
    `B ${b}: front of ${plural(c.b.front.length, 'configuration')}, hypervolume ${c.hypervolumeB.toFixed(4)}`,
    `verdict: ${VERDICTS[c.verdict](a, b)}` + (c.accuracyIgnored ? ' (accuracy ignored: some point has none)' : ''),
  ];
  const dominated = (label: string, idxs: number[], front: ResultEntry[], by: string): void => {
    if (idxs.length === 0) return;
    lines.push('', `${label}'s front points dominated by ${by}:`);
    const byIdx = new Map(front.map((e) => [e.idx, e]));
    for (const i of idxs) {
      const e = byIdx.get(i);
      lines.push(`  #${i} ${e ? figures(e) : ''}`.trimEnd());
    }
  };
  dominated(`A ${a}`, c.aDominatedByB, c.a.front, `B ${b}`);
  dominated(`B ${b}`, c.bDominatedByA, c.b.front, `A ${a}`);
  if (c.clients.length > 0) lines.push('');
  for (const change of c.clients) {
    const before = change.before ? figures(change.before) : 'unsatisfied';
    const after = change.after ? figures(change.after) : 'unsatisfied';
    lines.push(
      change.change === 'same' && change.before === null
        ? `${change.client}: same (unsatisfied in both)`
        : `${change.client}: ${change.change} — A: ${before} → B: ${after}`,
    );
  }
  return lines;
}

export async function compareCommand(argv: string[], io: Io): Promise<number> {
  const args = parseArgs('compare', argv, { db: 'string', json: 'bool' });
  if (args.positionals.length !== 2) throw new UsageError(`compare takes two sessions\nusage: ${COMPARE_USAGE}`);
  const { store, db } = openStore(args.strings.get('db'), { readOnly: true });
  try {
    const comparison = compareSessions(store, args.positionals[0], args.positionals[1]);
    if (args.bools.has('json')) io.out(JSON.stringify(comparison, null, 2));
    else io.out(renderComparison(comparison).join('\n'));
    return 0;
  } finally {
    db.close();
  }
}
