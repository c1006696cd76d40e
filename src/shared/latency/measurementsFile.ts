// The measurements file `frontier calibrate` reads:
//   {"format": "frontier-measurements", "device": "stm32l4r5", "runtime": "x-cube-ai", "name": "my-board",
//    "measurements": [{"model": "mlperf-ic", "precision": "int8", "latencyS": 0.1651}, …]}
// Pure validation; every error names the file, the measurement and the field.
import { parsePrecision } from '../analysis/precision';
import { UsageError } from '../cli/valueList';
import { MAX_CALIBRATION_MEASUREMENTS, type Measurement } from './calibrate';

export { MAX_CALIBRATION_MEASUREMENTS };
import { MAX_TIME_S, MIN_MEASURED_S, showBound } from '../physicalBounds';
import { refusal } from '../refusal';

export const MEASUREMENTS_FORMAT = 'frontier-measurements';


export interface MeasurementsFile {
  /** A built-in device id or a device file path (relative to the measurements file). */
  device: string;
  runtime?: string;
  name?: string;
  measurements: Measurement[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)));
const TOP_KEYS = ['$schema', 'format', 'device', 'runtime', 'name', 'measurements'];
const ENTRY_KEYS = ['model', 'channels', 'prune', 'precision', 'latencyS', 'note'];

export function parseMeasurementsFile(json: unknown, source: string): MeasurementsFile {
  const fail = (message: string): never => {
    throw new UsageError(`${source}: ${message}`);
  };
  if (!isObject(json)) fail(`a measurements file must be a JSON object, got ${show(json)}`);
  const j = json as Json;
  for (const key of Object.keys(j)) {
    if (!TOP_KEYS.includes(key)) fail(`unknown field "${key}"; known fields: ${TOP_KEYS.slice(1).join(', ')}`);
  }
  if (j.format !== undefined && j.format !== MEASUREMENTS_FORMAT) fail(refusal('format', `must be "${MEASUREMENTS_FORMAT}"`, j.format, show));
  if (typeof j.device !== 'string' || j.device.trim() === '') {
    fail(refusal('device', 'must name a built-in device or a device file', j.device, show));
  }
  const out: MeasurementsFile = { device: (j.device as string).trim(), measurements: [] };
  if (j.runtime !== undefined && j.runtime !== null) {
    if (typeof j.runtime !== 'string' || j.runtime.trim() === '') fail(refusal('runtime', 'must name a built-in runtime', j.runtime, show));
    out.runtime = (j.runtime as string).trim();
  }
  if (j.name !== undefined && j.name !== null) {
    if (typeof j.name !== 'string' || j.name.trim() === '') fail(refusal('name', 'must be a non-empty string', j.name, show));
    out.name = (j.name as string).trim();
  }
  if (!Array.isArray(j.measurements) || j.measurements.length === 0) {
    fail(refusal('measurements', 'must be a list of at least one measurement', j.measurements, show));
  }
  if ((j.measurements as unknown[]).length > MAX_CALIBRATION_MEASUREMENTS) {
    fail(
      `${(j.measurements as unknown[]).length.toLocaleString('en-US')} measurements, more than the limit of ` +
        `${MAX_CALIBRATION_MEASUREMENTS.toLocaleString('en-US')} a calibration takes (the band's leave-one-out fits them all)`,
    );
  }
  out.measurements = (j.measurements as unknown[]).map((m, i) => {
    const at = `measurements[${i}]`;
    if (!isObject(m)) return fail(refusal(at, 'must be an object', m, show));
    const label = typeof m.model === 'string' ? `${at} (${m.model})` : at;
    for (const key of Object.keys(m)) {
      if (!ENTRY_KEYS.includes(key)) fail(`${label}: unknown field "${key}"; known fields: ${ENTRY_KEYS.join(', ')}`);
    }
    if (typeof m.model !== 'string' || m.model.trim() === '') fail(refusal(`${at}: model`, 'must name a preset or a model file', m.model, show));
    if (typeof m.precision !== 'string') fail(refusal(`${label}: precision`, 'must be a precision name (int8, fp32…)', m.precision, show));
    try {
      parsePrecision(m.precision as string);
    } catch (error) {
      fail(`${label}: ${(error as Error).message}`);
    }
    // Bounded like a deadline: a latency beyond a day is a slip of units, and would fit a profile no analysis takes.
    if (typeof m.latencyS !== 'number' || !Number.isFinite(m.latencyS) || m.latencyS <= 0 || m.latencyS > MAX_TIME_S) {
      fail(refusal(`${label}: latencyS`, `must be a positive number of seconds, at most ${showBound(MAX_TIME_S)}`, m.latencyS, show));
    }
    if ((m.latencyS as number) < MIN_MEASURED_S) {
      fail(refusal(`${label}: latencyS`, `must be at least ${showBound(MIN_MEASURED_S)} s (a nanosecond)`, m.latencyS, show));
    }
    const entry: Measurement = { model: m.model as string, precision: m.precision as string, latencyS: m.latencyS as number };
    for (const key of ['channels', 'prune'] as const) {
      const value = m[key];
      if (value === undefined || value === null) continue;
      if (!isObject(value)) fail(refusal(`${label}: ${key}`, `must be an object of layer → ${key === 'channels' ? 'count' : 'ratio'}`, value, show));
      for (const [layer, v] of Object.entries(value as Json)) {
        const ok =
          typeof v === 'number' && Number.isFinite(v) && (key === 'channels' ? Number.isInteger(v) && v >= 1 : v >= 0 && v < 1);
        if (!ok) {
          fail(refusal(`${label}: ${key}.${layer}`, `must be ${key === 'channels' ? 'a whole number ≥ 1' : 'a ratio in [0, 1)'}`, v, show));
        }
      }
      entry[key] = { ...(value as Record<string, number>) };
    }
    return entry;
  });
  return out;
}
