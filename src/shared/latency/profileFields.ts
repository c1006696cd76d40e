// The device-file fields the latency model adds: clock, core, vendor, a layered `latency` model and the `runtime` it
// describes. Read and written here so deviceProfile.ts only hooks them in. Every error names the field and value.
import type { DeviceProfile } from '../devices';
import { parsePrecision } from '../analysis/precision';
import type { LatencyBandFactors, LatencyModel, MeasurementRecord } from './model';
import type { RuntimeRef } from './runtimeRef';
import type { PrecisionRates } from './work';
import {
  MAX_BAND_FACTOR,
  MAX_CLOCK_HZ,
  MAX_DEVICE_BYTES,
  MAX_SECONDS_PER_OP,
  MAX_TIME_S,
  MIN_BAND_FACTOR,
  MIN_CLOCK_HZ,
  MIN_SECONDS_PER_OP,
  showBound,
} from '../physicalBounds';
import { refusal } from '../refusal';

export const LATENCY_PROFILE_FIELDS: readonly string[] = ['clockHz', 'clockMHz', 'core', 'vendor', 'latency', 'runtime', 'latencyBand'];

type Fail = (message: string) => never;
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};
const has = (o: Json, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function positive(fail: Fail, path: string, value: unknown, unit: string, zeroOk = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && (zeroOk ? value >= 0 : value > 0);
  if (!ok) fail(refusal(path, `must be a ${zeroOk ? 'non-negative' : 'positive'} number of ${unit}`, value, show));
  return value as number;
}

/** A positive (or non-negative) number within [min, max], the range named in the message. */
function within(fail: Fail, path: string, value: unknown, unit: string, min: number, max: number, zeroOk = false): number {
  const n = positive(fail, path, value, unit, zeroOk);
  if ((n !== 0 || !zeroOk) && (n < min || n > max)) {
    fail(refusal(path, `must be ${zeroOk ? '0 or ' : ''}from ${showBound(min)} to ${showBound(max)} ${unit}`, value, show));
  }
  return n;
}

/** A duration: non-negative (or positive) seconds, at most a day. */
const seconds = (fail: Fail, path: string, value: unknown, zeroOk = false): number => {
  const n = positive(fail, path, value, 'seconds', zeroOk);
  if (n > MAX_TIME_S) fail(refusal(path, `must be at most ${showBound(MAX_TIME_S)} seconds`, value, show));
  return n;
};

function text(fail: Fail, path: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') fail(refusal(path, 'must be a non-empty string', value, show));
  return value as string;
}

const RATE_KEYS = ['conv', 'depthwise', 'dense', 'element'] as const;
const LATENCY_KEYS = ['rates', 'perOpS', 'perInferenceS', 'band', 'basis', 'measurements'];
const RUNTIME_KEYS = ['id', 'name', 'persistentRamBytes', 'basis', 'from', 'sources'];
const BASES: readonly RuntimeRef['basis'][] = ['measured', 'transferred', 'estimated', 'calibrated'];

function unknownKeys(fail: Fail, path: string, obj: Json, known: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) fail(`${path}: unknown field "${key}" (value ${show(obj[key])}); known fields: ${known.join(', ')}`);
  }
}

function parseBand(fail: Fail, path: string, value: unknown): LatencyBandFactors {
  if (!isObject(value)) fail(refusal(path, 'must be an object (lowFactor, highFactor, basis)', value, show));
  const b = value as Json;
  unknownKeys(fail, path, b, ['lowFactor', 'highFactor', 'basis']);
  const lowFactor = positive(fail, `${path}.lowFactor`, b.lowFactor, 'a fraction');
  const highFactor = positive(fail, `${path}.highFactor`, b.highFactor, 'a factor');
  if (lowFactor > 1 || highFactor < 1) {
    fail(`${path} must hold the prediction (lowFactor ≤ 1 ≤ highFactor), got ${lowFactor} and ${highFactor}`);
  }
  within(fail, `${path}.lowFactor`, lowFactor, '(a fraction)', MIN_BAND_FACTOR, 1);
  within(fail, `${path}.highFactor`, highFactor, '(a factor)', 1, MAX_BAND_FACTOR);
  return { lowFactor, highFactor, basis: text(fail, `${path}.basis`, b.basis) };
}

function parseLatency(fail: Fail, value: unknown): LatencyModel {
  if (!isObject(value)) fail(refusal('latency', 'must be an object (rates, perOpS, perInferenceS, band, basis)', value, show));
  const v = value as Json;
  unknownKeys(fail, 'latency', v, LATENCY_KEYS);
  if (!isObject(v.rates) || Object.keys(v.rates).length === 0) {
    fail(refusal('latency.rates', 'must be an object of precision → rates', v.rates, show));
  }
  const rates: Record<string, PrecisionRates> = {};
  for (const [name, r] of Object.entries(v.rates as Json)) {
    let canonical: string;
    try {
      canonical = parsePrecision(name).name;
    } catch (error) {
      return fail(`latency.rates.${name}: ${(error as Error).message}`);
    }
    if (!isObject(r)) fail(refusal(`latency.rates.${name}`, 'must be an object of conv, depthwise, dense, element', r, show));
    unknownKeys(fail, `latency.rates.${name}`, r as Json, RATE_KEYS);
    const out = {} as PrecisionRates;
    for (const key of RATE_KEYS) {
      const unit = key === 'element' ? 'seconds per element' : 'seconds per MAC';
      out[key] = within(fail, `latency.rates.${name}.${key}`, (r as Json)[key], unit, MIN_SECONDS_PER_OP, MAX_SECONDS_PER_OP);
    }
    rates[canonical] = out;
  }
  const model: LatencyModel = {
    rates,
    perOpS: seconds(fail, 'latency.perOpS', v.perOpS, true),
    perInferenceS: seconds(fail, 'latency.perInferenceS', v.perInferenceS, true),
    band: parseBand(fail, 'latency.band', v.band),
    basis: text(fail, 'latency.basis', v.basis),
  };
  if (has(v, 'measurements')) {
    if (!Array.isArray(v.measurements)) fail(refusal('latency.measurements', 'must be a list', v.measurements, show));
    model.measurements = (v.measurements as unknown[]).map((m, i): MeasurementRecord => {
      const path = `latency.measurements[${i}]`;
      if (!isObject(m)) return fail(refusal(path, 'must be an object', m, show));
      const record: MeasurementRecord = {
        model: text(fail, `${path}.model`, m.model),
        precision: text(fail, `${path}.precision`, m.precision),
        latencyS: seconds(fail, `${path}.latencyS`, m.latencyS),
      };
      if (isObject(m.channels)) record.channels = m.channels as Record<string, number>;
      if (isObject(m.prune)) record.prune = m.prune as Record<string, number>;
      return record;
    });
  }
  return model;
}

function parseRuntime(fail: Fail, value: unknown): RuntimeRef {
  if (!isObject(value)) fail(refusal('runtime', 'must be an object (id, name, basis…)', value, show));
  const v = value as Json;
  unknownKeys(fail, 'runtime', v, RUNTIME_KEYS);
  if (!BASES.includes(v.basis as RuntimeRef['basis'])) fail(refusal('runtime.basis', `must be one of ${BASES.join(', ')}`, v.basis, show));
  const ram = v.persistentRamBytes;
  if (ram !== null && ram !== undefined && !(typeof ram === 'number' && Number.isInteger(ram) && ram >= 0 && ram <= MAX_DEVICE_BYTES)) {
    fail(refusal('runtime.persistentRamBytes', `must be a whole number of bytes, at most ${showBound(MAX_DEVICE_BYTES)} (1 TiB), or null`, ram, show));
  }
  const sources: Record<string, string> = {};
  if (has(v, 'sources')) {
    if (!isObject(v.sources)) fail(refusal('runtime.sources', 'must be an object of field → text', v.sources, show));
    for (const [k, s] of Object.entries(v.sources as Json)) sources[k] = text(fail, `runtime.sources.${k}`, s);
  }
  return {
    id: text(fail, 'runtime.id', v.id),
    name: text(fail, 'runtime.name', v.name),
    persistentRamBytes: (ram as number | null | undefined) ?? null,
    basis: v.basis as RuntimeRef['basis'],
    ...(has(v, 'from') ? { from: text(fail, 'runtime.from', v.from) } : {}),
    sources,
  };
}

/** The latency-related fields of a device file (absent ones stay absent). */
export function parseLatencyFields(obj: Json, fail: Fail): Partial<DeviceProfile> {
  const out: Partial<DeviceProfile> = {};
  if (has(obj, 'clockHz') && has(obj, 'clockMHz')) fail('give only one of clockHz, clockMHz (they are the same figure in different units)');
  if (has(obj, 'clockHz')) out.clockHz = within(fail, 'clockHz', obj.clockHz, 'hertz', MIN_CLOCK_HZ, MAX_CLOCK_HZ);
  if (has(obj, 'clockMHz')) out.clockHz = within(fail, 'clockMHz', obj.clockMHz, 'megahertz', MIN_CLOCK_HZ / 1e6, MAX_CLOCK_HZ / 1e6) * 1e6;
  if (has(obj, 'core')) out.core = text(fail, 'core', obj.core).trim().toLowerCase();
  if (has(obj, 'vendor')) out.vendor = text(fail, 'vendor', obj.vendor).trim();
  if (has(obj, 'latency')) out.latency = parseLatency(fail, obj.latency);
  if (has(obj, 'runtime')) out.runtime = parseRuntime(fail, obj.runtime);
  if (has(obj, 'latencyBand')) out.latencyBand = parseBand(fail, 'latencyBand', obj.latencyBand);
  return out;
}

/** The latency-related fields in file form; `parseLatencyFields` reads them back unchanged. */
export function latencyFieldsToJson(p: DeviceProfile): Json {
  const out: Json = {};
  if (p.clockHz !== undefined) out.clockHz = p.clockHz;
  if (p.core !== undefined) out.core = p.core;
  if (p.vendor !== undefined) out.vendor = p.vendor;
  if (p.latency !== undefined) out.latency = JSON.parse(JSON.stringify(p.latency));
  if (p.runtime !== undefined) out.runtime = JSON.parse(JSON.stringify(p.runtime));
  if (p.latencyBand !== undefined) out.latencyBand = { ...p.latencyBand };
  return out;
}
