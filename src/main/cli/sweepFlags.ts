// `sweep` flags → a SweepSpec: a `--spec FILE` first, then each flag given overrides its part of it.
import { basename } from 'node:path';
import { parseNamedLists, parsePlainList, UsageError } from '../../shared/cli/valueList';
import { defaultSpec, MAX_DEADLINE_S, parseSweepSpec, SPEC_NUMBERS } from '../../shared/sweep/specFile';
import type { Client, SweepSpec } from '../../shared/sweep/types';
import { readJsonFile } from '../services/jsonFile';
import { ANALYSIS_FLAGS, readAnalysisFlags } from './analysisFlags';
import { boundedInteger, type ParsedArgs } from './args';

export const SPEC_FLAGS = {
  ...ANALYSIS_FLAGS,
  spec: 'string',
  device: 'repeat',
  channels: 'repeat',
  prune: 'repeat',
  precision: 'repeat',
  deadline: 'repeat',
  'min-accuracy': 'repeat',
  strategy: 'string',
  samples: 'string',
  seed: 'string',
  'grid-limit': 'string',
} as const;

export function readSpecFile(path: string): SweepSpec {
  return parseSweepSpec(readJsonFile(path, '--spec'), basename(path));
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
      const [time, device] = values[0].split('@');
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

export function specFromArgs(args: ParsedArgs, modelRef: string | undefined): SweepSpec {
  const specPath = args.strings.get('spec');
  const spec = specPath ? readSpecFile(specPath) : defaultSpec(modelRef ?? '');
  if (modelRef) spec.model = modelRef;
  if (!spec.model) throw new UsageError('sweep needs a model (a preset or a file), or a --spec file that names one');
  const devices = args.repeats.get('device');
  if (devices) spec.devices = parsePlainList('device', devices);
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
  if (flags.layerPrecisions) throw new UsageError('--layer-precision applies to analyze; a sweep varies --precision');
  spec.clients = readClients(args, spec.clients);
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
  return parseSweepSpec(spec, specPath ? basename(specPath) : 'sweep');
}
