// `frontier calibrate` and the app's calibration: reads a measurements file (or takes the app's measurements), loads
// each measured model — presets, or model files resolved against the measurements file with loadModelFile —, and
// runs the pure calibration (src/shared/latency/calibrate.ts).
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { UsageError } from '../../shared/cli/valueList';
import type { DeviceProfile } from '../../shared/devices';
import { findBuiltinDevice } from '../../shared/devices';
import { parseDeviceProfile } from '../../shared/deviceProfile';
import { parsePrecision } from '../../shared/analysis/precision';
import { calibrate, prepareMeasurement, type CalibrationReport, type Measurement, type PreparedMeasurement } from '../../shared/latency/calibrate';
import { parseMeasurementsFile } from '../../shared/latency/measurementsFile';
import { resolveRuntime } from '../../shared/latency/runtimes';
import type { ModelGraph } from '../../shared/model/types';
import type { CalibrateParams, RuntimeEntry } from '../../shared/api';
import { nativeToGraph } from '../../shared/model/native';
import { BUILTIN_RUNTIMES } from '../../shared/latency/runtimes';
import { bandFromLogSd } from '../../shared/latency/model';
import { findPreset } from '../../shared/presets';
import { resolveDevice, resolveModel } from './resolve';
import { parseJsonText } from '../files/jsonFile';
import { FileReadError, MAX_SETTINGS_FILE_BYTES, readRegularFile } from '../files/readFile';

/**
 * A measurements or board file, through the one bounded reader: a regular file of at most 16 MiB (a device, a FIFO
 * or a directory is refused at once, as such), then JSON with its nesting bounded. `what` names it in messages.
 */
function readCalibrationJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readRegularFile(path, MAX_SETTINGS_FILE_BYTES).toString('utf8');
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new UsageError(`${path}: ${error.reason === 'no such file' ? `no such ${what}` : `cannot read the ${what}: ${error.reason}`}`);
  }
  return parseJsonText(text, basename(path));
}

/** A profile id from a name: lower case, spaces and other characters an id may not hold turned into dashes. */
export function idFromName(name: string): string {
  const id = name.trim().toLowerCase().replace(/[^a-z0-9._+-]+/g, '-').replace(/^-+|-+$/g, '');
  return id === '' ? 'calibrated' : id;
}

export interface CalibrationInput {
  board: DeviceProfile;
  runtime?: string;
  name?: string;
  measurements: Measurement[];
  sourceName: string;
  /** Loads a measurement's model (by its `model` string). */
  loadModel: (ref: string, index: number) => Promise<ModelGraph>;
}

export async function runCalibration(input: CalibrationInput): Promise<CalibrationReport> {
  const runtime = input.runtime ? resolveRuntime(input.runtime) : null;
  // Each model is loaded and prepared once, however many measurements name it.
  const cache = new Map<string, PreparedMeasurement['base']>();
  const prepared: PreparedMeasurement[] = [];
  for (const [i, m] of input.measurements.entries()) {
    let base = cache.get(m.model);
    if (!base) {
      base = prepareMeasurement(m, await input.loadModel(m.model, i)).base;
      cache.set(m.model, base);
    }
    prepared.push({ ...m, base });
  }
  const name = input.name ?? `${input.board.id}-calibrated`;
  return calibrate({
    board: input.board,
    runtime,
    id: idFromName(name),
    name,
    measurements: prepared,
    sourceName: input.sourceName,
  });
}

/**
 * A board file for calibration. Latency does not depend on where weights live or how much flash there is, and the
 * calibration fits the rates itself, so a board file may leave those out here: `flashBytes` defaults to 0,
 * `weightsIn` to flash when there is flash (else SRAM), and a missing `throughput` to a placeholder for the measured
 * precisions — each assumption recorded in the profile's sources. Everything given is checked as usual.
 */
export function readBoardFile(path: string, measuredPrecisions: readonly string[]): DeviceProfile {
  const json = readCalibrationJson(path, 'board file');
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return parseDeviceProfile(json, basename(path));
  const given = json as Record<string, unknown>;
  const filled: Record<string, unknown> = { ...given };
  const assumed: Record<string, string> = {};
  const has = (...keys: string[]): boolean => keys.some((k) => Object.hasOwn(given, k));
  if (!has('flashBytes', 'flashKiB', 'flashMiB')) {
    filled.flashBytes = 0;
    assumed.flashBytes = 'not given in the board file: 0 assumed (latency does not depend on it)';
  }
  if (!has('weightsIn')) {
    const flash = Number(filled.flashBytes ?? 0) > 0 || has('flashKiB', 'flashMiB');
    filled.weightsIn = flash ? 'flash' : 'sram';
    assumed.weightsIn = `not given in the board file: ${filled.weightsIn} assumed (latency does not depend on it)`;
  }
  if (!has('throughput', 'throughputMacs')) {
    filled.throughput = Object.fromEntries(measuredPrecisions.map((p) => [p, 1]));
    for (const p of measuredPrecisions) {
      assumed[`throughput.${p}`] = 'not given in the board file: a placeholder for a measured precision (the calibration fits the rates)';
    }
  }
  const profile = parseDeviceProfile(filled, basename(path));
  return { ...profile, sources: { ...assumed, ...profile.sources } };
}

/** Calibrates from a measurements file; model and device files are resolved against the file's directory. */
export async function calibrateFile(path: string): Promise<CalibrationReport> {
  const json = readCalibrationJson(path, 'measurements file');
  const source = basename(path);
  const file = parseMeasurementsFile(json, source);
  const near = (ref: string): string => (isAbsolute(ref) ? ref : resolve(dirname(path), ref));
  const precisions = [...new Set(file.measurements.map((m) => parsePrecision(m.precision).name))];
  const board =
    findBuiltinDevice(file.device) ??
    (existsSync(near(file.device)) ? readBoardFile(near(file.device), precisions) : resolveDevice(file.device));
  return runCalibration({
    board,
    runtime: file.runtime,
    name: file.name,
    measurements: file.measurements,
    sourceName: source,
    loadModel: async (ref, i) => {
      try {
        return findPreset(ref) ? await resolveModel(ref) : await resolveModel(near(ref));
      } catch (error) {
        const message = (error as Error).message;
        const wrapped = `${source}: measurements[${i}] (${ref}): ${message}`;
        throw error instanceof UsageError ? new UsageError(wrapped) : new UsageError(wrapped);
      }
    },
  });
}

/** The app's calibration: models are presets or the graphs it sends (its loaded model), by name. */
export async function calibrateInApp(params: CalibrateParams, board: DeviceProfile): Promise<CalibrationReport> {
  const models = params.models ?? {};
  return runCalibration({
    board,
    runtime: params.runtime ?? undefined,
    name: params.name,
    measurements: params.measurements,
    // Reads in sentences as "calibrated from 3 measurements in the Device view".
    sourceName: 'the Device view',
    loadModel: async (ref, i) => {
      if (Object.hasOwn(models, ref)) return nativeToGraph(models[ref] as unknown as Record<string, unknown>, ref);
      const preset = findPreset(ref);
      if (preset) return preset.build();
      throw new UsageError(`measurements[${i}] (${ref}): not a preset nor the loaded model`);
    },
  });
}

/** The built-in runtimes as the app lists them. */
export function runtimeEntries(): RuntimeEntry[] {
  return BUILTIN_RUNTIMES.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    precisions: [...r.precisions],
    persistentRamBytes: r.persistentRamBytes,
    sources: { ...r.sources },
    cores: Object.fromEntries(Object.entries(r.fit?.cores ?? {}).map(([core, f]) => [core, [...f.boards]])),
    groups: r.fit?.groups.length ?? 0,
    band: bandFromLogSd(r.fit?.zeroShotLogSd ?? 0.5, r.fit?.zeroShotBasis ?? 'estimate'),
  }));
}
