// The `frontier` command: dispatches to subcommands; usage errors exit 2, other failures 1.
import { FRONTIER_VERSION } from '../../shared/analysis/analyze';
import { UsageError } from '../../shared/cli/valueList';
import { ModelError } from '../../shared/model/types';
import { PrecisionError } from '../../shared/analysis/precision';
import { analyzeCommand, ANALYZE_USAGE } from './analyzeCommand';
import { calibrateCommand, CALIBRATE_USAGE } from './calibrateCommand';
import { inferCommand, INFER_USAGE } from './inferCommand';
import { evaluateCommand, EVALUATE_USAGE } from './evaluateCommand';
import { sensitivityCommand, SENSITIVITY_USAGE } from './sensitivityCommand';
import { compareCommand, COMPARE_USAGE, exportCommand, EXPORT_USAGE, importCommand, IMPORT_USAGE } from './exportCommands';
import { processIo, type Io } from './io';
import {
  deleteCommand,
  DELETE_USAGE,
  renameCommand,
  RENAME_USAGE,
  sessionsCommand,
  SESSIONS_USAGE,
  showCommand,
  SHOW_USAGE,
} from './sessionCommands';
import { resumeCommand, RESUME_USAGE, sweepCommand, SWEEP_USAGE } from './sweepCommand';
import { serveCommand, SERVE_USAGE } from './serveCommand';
import { StoreError } from '../store';

type Command = (argv: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string; summary: string }> = {
  analyze: { run: analyzeCommand, usage: ANALYZE_USAGE, summary: 'analyse one configuration of a model' },
  infer: { run: inferCommand, usage: INFER_USAGE, summary: 'run one configuration of a model on samples (.npy in, .npy out)' },
  evaluate: { run: evaluateCommand, usage: EVALUATE_USAGE, summary: "the metrics of one configuration of a model on your data" },
  sensitivity: { run: sensitivityCommand, usage: SENSITIVITY_USAGE, summary: 'each layer pruned alone at each level, and each precision, measured on your data' },
  calibrate: { run: calibrateCommand, usage: CALIBRATE_USAGE, summary: "fit a device's latency to your measured latencies" },
  sweep: { run: sweepCommand, usage: SWEEP_USAGE, summary: 'analyse a design space on all cores into the database' },
  sessions: { run: sessionsCommand, usage: SESSIONS_USAGE, summary: 'list stored sweep sessions' },
  show: { run: showCommand, usage: SHOW_USAGE, summary: "a session's front and each client's best configuration" },
  resume: { run: resumeCommand, usage: RESUME_USAGE, summary: 'finish an interrupted or cancelled sweep' },
  rename: { run: renameCommand, usage: RENAME_USAGE, summary: 'rename a session' },
  delete: { run: deleteCommand, usage: DELETE_USAGE, summary: 'delete a session and its results' },
  export: { run: exportCommand, usage: EXPORT_USAGE, summary: "a session as JSON (front or a client's choice), CSV or a bundle; one configuration's files for the board (TFLM header, Keras JSON, .tflite, .onnx)" },
  import: { run: importCommand, usage: IMPORT_USAGE, summary: 'a session bundle into the database' },
  compare: { run: compareCommand, usage: COMPARE_USAGE, summary: "two sessions' fronts and clients' choices" },
  serve: { run: serveCommand, usage: SERVE_USAGE, summary: 'the UI in a browser, on 127.0.0.1 with a per-run token' },
};

export function helpText(): string {
  const lines = [
    `frontier ${FRONTIER_VERSION}: fit neural networks onto small devices`,
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
    '',
    ...Object.values(COMMANDS).map((c) => c.usage),
    '',
    'Run `frontier <command> --help` for one command.',
  ];
  return lines.join('\n');
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(helpText());
    return 0;
  }
  if (name === '--version' || name === 'version') {
    io.out(FRONTIER_VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`frontier: unknown command "${name}"; commands are ${Object.keys(COMMANDS).join(', ')}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof PrecisionError) {
      io.err(`frontier ${name}: ${error.message}`);
      return 2;
    }
    if (error instanceof ModelError || error instanceof StoreError) {
      io.err(`frontier ${name}: ${error.message}`);
      return 1;
    }
    io.err(`frontier ${name}: ${(error as Error).message ?? String(error)}`);
    return 1;
  }
}
