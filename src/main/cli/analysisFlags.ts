// Flags shared by `analyze` and `sweep` that shape the analysis: memory model, bias storage, headroom, accuracy.
import { basename } from 'node:path';
import type { AccuracyModel, CalibrationPoint } from '../../shared/analysis/accuracy';
import { BIAS_MODES, type BiasMode } from '../../shared/analysis/evaluate';
import { MEMORY_MODELS, type MemoryModel } from '../../shared/analysis/memory';
import { parseNamedLists, UsageError } from '../../shared/cli/valueList';
import { parseInputShape, type ImportOptions } from '../../shared/model/importOptions';
import { readJsonFile } from '../files/jsonFile';
import { choiceFlag, numberFlag, type FlagKind, type ParsedArgs } from './args';

export const ANALYSIS_FLAGS: Record<string, FlagKind> = {
  memory: 'string',
  bias: 'string',
  headroom: 'string',
  'base-accuracy': 'string',
  penalty: 'repeat',
  metric: 'string',
  calibration: 'string',
  'layer-precision': 'repeat',
  'weights-in': 'string',
  'in-place-depthwise': 'bool',
  'input-shape': 'repeat',
  'allow-unknown-ops': 'bool',
};

export interface AnalysisFlags {
  memoryModel?: MemoryModel;
  biasMode?: BiasMode;
  headroom?: number;
  accuracy: AccuracyModel | null;
  layerPrecisions?: Record<string, string>;
  /** Where weights live on the device(s), overriding the profiles. */
  weightsIn?: 'sram' | 'flash';
  /** Depthwise convolutions write their output over their input (TinyEngine does; TFLM does not). */
  inPlaceDepthwise?: boolean;
  /** How to read a model file: dynamic dimensions, unknown operators. */
  importOptions: ImportOptions;
}

/** Reads a fraction given as 0.93 or 93%. */
function fraction(args: ParsedArgs, name: string, what: string): number | undefined {
  const value = numberFlag(args, name, what);
  if (value !== undefined && (value < 0 || value > 1)) {
    throw new UsageError(`--${name} ${args.strings.get(name)}: ${what} must be a fraction in [0, 1] (0.93 or 93%)`);
  }
  return value;
}

export function readAnalysisFlags(args: ParsedArgs): AnalysisFlags {
  const flags: AnalysisFlags = {
    memoryModel: choiceFlag(args, 'memory', MEMORY_MODELS),
    biasMode: choiceFlag(args, 'bias', BIAS_MODES),
    headroom: fraction(args, 'headroom', 'the SRAM headroom'),
    accuracy: readAccuracy(args),
    weightsIn: choiceFlag(args, 'weights-in', ['sram', 'flash'] as const),
    importOptions: readImportOptions(args),
  };
  if (args.bools.has('in-place-depthwise')) flags.inPlaceDepthwise = true;
  if (flags.headroom === 1) throw new UsageError('--headroom must be below 1 (100 % leaves no SRAM)');
  const layerPrecisions = args.repeats.get('layer-precision');
  if (layerPrecisions) {
    const lists = parseNamedLists('layer-precision', layerPrecisions);
    flags.layerPrecisions = {};
    for (const [name, values] of lists) {
      if (values.length !== 1) throw new UsageError(`--layer-precision ${name}: give one precision`);
      flags.layerPrecisions[name] = values[0];
    }
  }
  return flags;
}

function readImportOptions(args: ParsedArgs): ImportOptions {
  const options: ImportOptions = {};
  const shapes = args.repeats.get('input-shape');
  if (shapes) {
    options.inputShapes = {};
    for (const text of shapes) {
      const { name, shape } = parseInputShape(text);
      options.inputShapes[name] = shape;
    }
  }
  if (args.bools.has('allow-unknown-ops')) options.allowUnknownOps = true;
  return options;
}

function readAccuracy(args: ParsedArgs): AccuracyModel | null {
  const metric = args.strings.get('metric') ?? 'accuracy';
  const base = fraction(args, 'base-accuracy', 'the base accuracy');
  const penaltyArgs = args.repeats.get('penalty') ?? [];
  const calibration = args.strings.get('calibration');
  if (calibration !== undefined) {
    if (base !== undefined || penaltyArgs.length > 0) {
      throw new UsageError('--calibration replaces --base-accuracy and --penalty: give one accuracy model');
    }
    return readCalibration(calibration, metric);
  }
  if (base === undefined) {
    if (penaltyArgs.length > 0) throw new UsageError('--penalty needs --base-accuracy');
    return null;
  }
  const penalties: Record<string, number> = {};
  for (const [name, values] of parseNamedLists('penalty', penaltyArgs)) {
    if (values.length !== 1) throw new UsageError(`--penalty ${name}: give one value`);
    const text = values[0];
    const value = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
    if (!Number.isFinite(value) || value < 0 || value > 1) {
      throw new UsageError(`--penalty ${name}=${text}: a penalty is a fraction in [0, 1] (0.05 or 5%)`);
    }
    penalties[name.toLowerCase()] = value;
  }
  return { kind: 'penalties', metric, base, penalties };
}

/** A calibration file: {"metric": "f1", "points": [{"channels": {...}, "prune": {...}, "precision": "int8", "value": 0.9}]} */
function readCalibration(path: string, metric: string): AccuracyModel {
  const json = readJsonFile(path, '--calibration') as { metric?: unknown; points?: unknown } | null;
  if (typeof json !== 'object' || json === null || !Array.isArray(json.points)) {
    throw new UsageError(`${basename(path)}: no "points" list`);
  }
  const points = (json.points as unknown[]).map((item, i): CalibrationPoint => {
    const p = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof p.precision !== 'string' || typeof p.value !== 'number') {
      throw new UsageError(`${basename(path)}: points[${i}] needs "precision" (a name) and "value" (a fraction)`);
    }
    return {
      precision: p.precision,
      value: p.value,
      channels: (p.channels as Record<string, number>) ?? undefined,
      prune: (p.prune as Record<string, number>) ?? undefined,
    };
  });
  return { kind: 'calibrated', metric: typeof json.metric === 'string' ? json.metric : metric, points };
}
