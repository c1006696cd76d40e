// `sweep` flags → a SweepSpec: a `--spec FILE` first, then each flag given overrides its part of it.
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseNamedLists, parsePlainList, UsageError } from '../../shared/cli/valueList';
import { defaultSpec, MAX_DEADLINE_S, parseSweepSpec, SPEC_NUMBERS } from '../../shared/sweep/specFile';
import type { Client, SweepSpec } from '../../shared/sweep/types';
import { parsePrecision } from '../../shared/analysis/precision';
import type { ModelSource } from '../../shared/model/types';
import { readJsonFile } from '../files/jsonFile';
import { ANALYSIS_FLAGS, readAnalysisFlags } from './analysisFlags';
import { boundedInteger, type ParsedArgs } from './args';
import { DATA_FLAGS, preprocessingOf } from './evaluateCommand';
import { MAX_VERIFY } from '../../shared/sweep/types';

export const SPEC_FLAGS = {
  ...ANALYSIS_FLAGS,
  spec: 'string',
  device: 'repeat',
  runtime: 'repeat',
  channels: 'repeat',
  prune: 'repeat',
  precision: 'repeat',
  deadline: 'repeat',
  'min-accuracy': 'repeat',
  strategy: 'string',
  samples: 'string',
  seed: 'string',
  'grid-limit': 'string',
  // Measured accuracy: the data (as `frontier evaluate` takes it) and how many configurations to verify on it.
  ...DATA_FLAGS,
  verify: 'string',
  'calibration-data': 'string',
} as const;

export function readSpecFile(path: string, given?: Set<string>): SweepSpec {
  const json = readJsonFile(path, '--spec');
  const spec = parseSweepSpec(json, basename(path));
  if (typeof json === 'object' && json !== null) for (const key of Object.keys(json)) given?.add(key);
  return spec;
}

/**
 * A model file is swept at the precision it stores, with biases as it stores them, unless the flags or the spec file
 * say otherwise (presets and Keras files store fp32 with biases at the weight precision: the defaults).
 */
export function adoptFileSettings(spec: SweepSpec, source: ModelSource | undefined, given: ReadonlySet<string>): void {
  if (source?.precision && !given.has('precisions')) spec.precisions = [parsePrecision(source.precision).name];
  if (source?.biasMode && !given.has('biasMode')) spec.biasMode = source.biasMode;
}

/** `--samples`, `--seed`, `--grid-limit`: whole numbers within the bounds a spec file has for the same fields. */
function specNumber(args: ParsedArgs, flag: string, field: (typeof SPEC_NUMBERS)[number][0]): number | undefined {
  const [, min, max] = SPEC_NUMBERS.find(([f]) => f === field) as (typeof SPEC_NUMBERS)[number];
  return boundedInteger(flag, args.strings.get(flag), min, max);
}

/** `--deadline client1=0.2@stm32f746` (seconds; `200ms` also accepted) → clients. */
function readClients(args: ParsedArgs, existing: Client[]): Client[] {
  const deadlines = args.repeats.get('deadline');
  const minimums = args.repeats.get('min-accuracy');
  let clients = existing;
  if (deadlines) {
    clients = [];
    for (const [name, values] of parseNamedLists('deadline', deadlines)) {
      if (values.length !== 1) throw new UsageError(`--deadline ${name}: give one deadline`);
      if (name === '__proto__') throw new UsageError(`--deadline ${name}=${values[0]}: "__proto__" cannot name a client (a reserved name)`);
      const parts = values[0].split('@');
      if (parts.length > 2 || parts.some((part) => part.trim() === '')) {
        throw new UsageError(
          `--deadline ${name}=${values[0]}: give a deadline and at most one device after "@" (e.g. ${name}=0.2 or ${name}=200ms@stm32f746)`,
        );
      }
      const [time, device] = parts.map((part) => part.trim());
      const ms = time.endsWith('ms');
      const seconds = Number(ms ? time.slice(0, -2) : time.endsWith('s') ? time.slice(0, -1) : time) / (ms ? 1000 : 1);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_DEADLINE_S) {
        throw new UsageError(
          `--deadline ${name}=${values[0]}: the deadline must be a positive number of seconds, at most ${MAX_DEADLINE_S.toLocaleString('en-US')}`,
        );
      }
      clients.push({ name, deadlineS: seconds, ...(device ? { device } : {}) });
    }
  }
  if (minimums) {
    for (const [name, values] of parseNamedLists('min-accuracy', minimums)) {
      const client = clients.find((c) => c.name === name);
      if (!client) {
        throw new UsageError(`--min-accuracy ${name}: no client of that name (clients: ${clients.map((c) => c.name).join(', ') || 'none'})`);
      }
      const text = values[0];
      const value = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
      if (values.length !== 1 || !Number.isFinite(value) || value < 0 || value > 1) {
        throw new UsageError(`--min-accuracy ${name}=${values.join(',')}: give one fraction in [0, 1]`);
      }
      client.minAccuracy = value;
    }
  }
  return clients;
}

/** `--data` and its companions: the accuracy is measured on that data (the accuracy model `measured`). */
function readMeasuredFlags(args: ParsedArgs, spec: SweepSpec, typedModel: boolean): void {
  const path = args.strings.get('data');
  if (path !== undefined) {
    if (typedModel) throw new UsageError('--data measures the accuracy; --base-accuracy, --penalty and --calibration give it instead: give one or the other');
    const preprocessing = preprocessingOf(args);
    const dataKeys = args.strings.get('data-keys')?.split(',').map((k) => k.trim());
    spec.data = {
      path,
      ...(args.strings.has('labels') ? { labels: args.strings.get('labels') } : {}),
      ...(dataKeys ? { dataKeys } : {}),
      ...(Object.keys(preprocessing).length > 0 ? { preprocessing } : {}),
    };
    spec.accuracy = null;
    const metric = args.strings.get('metric');
    if (metric !== undefined) spec.metric = metric;
  } else {
    for (const flag of ['labels', 'data-keys', 'input-scale', 'mean', 'std', 'verify'] as const) {
      if (args.strings.has(flag) && !spec.data) throw new UsageError(`--${flag} needs --data (the samples the accuracy is measured on)`);
    }
  }
  const verify = boundedInteger('verify', args.strings.get('verify'), 0, MAX_VERIFY);
  if (verify !== undefined) spec.verify = verify;
}

/** The sweep the flags (and the spec file) describe; `given` collects the settings they state explicitly. */
export function specFromArgs(args: ParsedArgs, modelRef: string | undefined, given = new Set<string>()): SweepSpec {
  const specPath = args.strings.get('spec');
  const spec = specPath ? readSpecFile(specPath, given) : defaultSpec(modelRef ?? '');
  if (args.repeats.has('precision')) given.add('precisions');
  if (args.strings.has('bias')) given.add('biasMode');
  if (modelRef) spec.model = modelRef;
  if (!spec.model) throw new UsageError('sweep needs a model (a preset or a file), or a --spec file that names one');
  const devices = args.repeats.get('device');
  if (devices) spec.devices = parsePlainList('device', devices);
  const runtimes = args.repeats.get('runtime');
  if (runtimes) spec.runtimes = parsePlainList('runtime', runtimes);
  const channels = args.repeats.get('channels');
  if (channels) spec.channels = Object.fromEntries(parseNamedLists('channels', channels));
  const prune = args.repeats.get('prune');
  if (prune) spec.prune = Object.fromEntries(parseNamedLists('prune', prune));
  const precisions = args.repeats.get('precision');
  if (precisions) spec.precisions = parsePlainList('precision', precisions);
  const flags = readAnalysisFlags(args);
  if (flags.memoryModel) spec.memoryModel = flags.memoryModel;
  if (flags.biasMode) spec.biasMode = flags.biasMode;
  if (flags.headroom !== undefined) spec.headroom = flags.headroom;
  if (flags.weightsIn) spec.weightsIn = flags.weightsIn;
  if (flags.accuracy) spec.accuracy = flags.accuracy;
  if (flags.inPlaceDepthwise) spec.inPlaceDepthwise = true;
  if (Object.keys(flags.importOptions).length > 0) spec.import = { ...spec.import, ...flags.importOptions };
  if (flags.layerPrecisions) throw new UsageError('--layer-precision applies to analyze; a sweep varies --precision');
  spec.clients = readClients(args, spec.clients);
  readMeasuredFlags(args, spec, Boolean(flags.accuracy));
  const strategy = args.strings.get('strategy');
  if (strategy !== undefined) {
    if (strategy !== 'grid' && strategy !== 'random') throw new UsageError(`--strategy ${strategy}: choose grid or random`);
    spec.strategy = strategy;
  }
  const samples = specNumber(args, 'samples', 'samples');
  if (samples !== undefined) spec.samples = samples;
  const seed = specNumber(args, 'seed', 'seed');
  if (seed !== undefined) spec.seed = seed;
  const limit = specNumber(args, 'grid-limit', 'gridLimit');
  if (limit !== undefined) spec.gridLimit = limit;
  const calibration = args.strings.get('calibration-data');
  if (calibration === '') throw new UsageError('--calibration-data needs a file name');
  if (calibration !== undefined) spec.calibrationData = calibration;
  if (spec.calibrationData !== undefined) {
    // Kept with the session as an absolute path: an export from another directory finds it.
    const absolute = resolve(spec.calibrationData);
    if (!existsSync(absolute)) {
      throw new UsageError(`--calibration-data ${spec.calibrationData}: no such file (the samples that calibrate an int8 configuration)`);
    }
    spec.calibrationData = absolute;
  }
  return parseSweepSpec(spec, specPath ? basename(specPath) : 'sweep');
}
