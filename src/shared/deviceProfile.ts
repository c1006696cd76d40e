// Reading and writing device profile files (JSON), and messages about built-in device ids. Pure: no file access here.
// The file format is documented in docs/devices.md.

import { BUILTIN_DEVICES, COMPUTE_KINDS, KIB, type ComputeKind, type DeviceProfile } from './devices';
import { parsePrecision, PRECISION_CHOICES } from './analysis/precision';
import { LATENCY_PROFILE_FIELDS, latencyFieldsToJson, parseLatencyFields } from './latency/profileFields';
import { MAX_DEVICE_BYTES, MAX_OPS_PER_S, MAX_TIME_S, MIN_OPS_PER_S, showBound } from './physicalBounds';
import { refusal } from './refusal';

export class DeviceProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceProfileError';
  }
}

const MIB = 1024 * KIB;

/** A size field and its alternative unit forms: `sramBytes`, `sramKiB`, `sramMiB`. */
interface SizeField {
  key: 'sramBytes' | 'flashBytes' | 'runtimeRamBytes' | 'runtimeFlashBytes';
  stem: string;
  required: boolean;
  /** Whether 0 is allowed (a device may have no flash; a runtime may need nothing). */
  zeroOk: boolean;
}

const SIZE_FIELDS: readonly SizeField[] = [
  { key: 'sramBytes', stem: 'sram', required: true, zeroOk: false },
  { key: 'flashBytes', stem: 'flash', required: true, zeroOk: true },
  { key: 'runtimeRamBytes', stem: 'runtimeRam', required: false, zeroOk: true },
  { key: 'runtimeFlashBytes', stem: 'runtimeFlash', required: false, zeroOk: true },
];

const KNOWN_FIELDS: readonly string[] = [
  '$schema',
  'id',
  'name',
  'description',
  ...SIZE_FIELDS.flatMap((f) => [f.key, `${f.stem}KiB`, `${f.stem}MiB`]),
  'weightsIn',
  'throughput',
  'throughputMacs',
  'efficiency',
  'overheadS',
  'overheadMs',
  'sources',
  ...LATENCY_PROFILE_FIELDS,
];

const WEIGHTS_IN = ['sram', 'flash'] as const;

/** A value as it appears in a message: strings quoted, objects as JSON, absence spelled out. */
function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const has = (obj: Record<string, unknown>, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/**
 * Validate a user's device file and return the profile it describes. `sourceName` (usually the file name) starts every
 * error message, which also names the field and the bad value, e.g.
 * `my-board.json: throughput.int8 must be a positive number of operations per second, got -5`.
 */
export function parseDeviceProfile(json: unknown, sourceName: string): DeviceProfile {
  const fail = (message: string): never => {
    throw new DeviceProfileError(`${sourceName}: ${message}`);
  };
  if (!isPlainObject(json)) fail(`a device file must be a JSON object, got ${show(json)}`);
  // A key whose value is undefined (possible from JavaScript, never from JSON text) counts as absent.
  const obj = Object.fromEntries(Object.entries(json as Record<string, unknown>).filter(([, v]) => v !== undefined));

  for (const key of Object.keys(obj)) {
    if (!KNOWN_FIELDS.includes(key)) {
      fail(`unknown field "${key}" (value ${show(obj[key])}); known fields: ${KNOWN_FIELDS.filter((k) => k !== '$schema').join(', ')}`);
    }
  }

  // id, name, description
  const id = obj.id;
  if (typeof id !== 'string' || id.trim() === '') fail(refusal('id', 'must be a non-empty string', id, show));
  const cleanId = (id as string).trim();
  if (/\s/.test(cleanId)) fail(refusal('id', 'must not contain spaces', id, show));
  let name = cleanId;
  if (has(obj, 'name')) {
    if (typeof obj.name !== 'string' || obj.name.trim() === '') fail(refusal('name', 'must be a non-empty string', obj.name, show));
    name = (obj.name as string).trim();
  }
  let description: string | undefined;
  if (has(obj, 'description')) {
    if (typeof obj.description !== 'string') fail(refusal('description', 'must be a string', obj.description, show));
    description = obj.description as string;
  }

  // Sizes: bytes, KiB or MiB, exactly one form.
  const sizes = {} as Record<SizeField['key'], number>;
  for (const field of SIZE_FIELDS) {
    const forms = [
      { key: field.key, scale: 1, unit: 'bytes' },
      { key: `${field.stem}KiB`, scale: KIB, unit: 'KiB' },
      { key: `${field.stem}MiB`, scale: MIB, unit: 'MiB' },
    ].filter((form) => has(obj, form.key));
    if (forms.length > 1) fail(`give only one of ${forms.map((f) => f.key).join(', ')} (they are the same figure in different units)`);
    if (forms.length === 0) {
      if (field.required) fail(`${field.key} is missing; give ${field.key} in bytes, or ${field.stem}KiB / ${field.stem}MiB`);
      sizes[field.key] = 0;
      continue;
    }
    const form = forms[0];
    const value = obj[form.key];
    const ok = typeof value === 'number' && Number.isFinite(value) && (field.zeroOk ? value >= 0 : value > 0);
    if (!ok) {
      const what = field.zeroOk ? 'a non-negative' : 'a positive';
      fail(refusal(form.key, `must be ${what} number of ${form.unit}`, value, show));
    }
    const bytes = (value as number) * form.scale;
    if (bytes > MAX_DEVICE_BYTES) {
      fail(refusal(form.key, `must be at most ${showBound(MAX_DEVICE_BYTES / form.scale)} ${form.unit} (1 TiB)`, value, show));
    }
    if (!Number.isInteger(bytes)) fail(`${form.key} must come to a whole number of bytes, got ${show(value)} ${form.unit}`);
    sizes[field.key] = bytes;
  }

  // Where the weights live.
  const weightsIn = obj.weightsIn;
  if (typeof weightsIn !== 'string' || !(WEIGHTS_IN as readonly string[]).includes(weightsIn)) {
    fail(refusal('weightsIn', 'must be "sram" or "flash"', weightsIn, show));
  }
  if (weightsIn === 'flash' && sizes.flashBytes === 0) {
    fail(`flashBytes must be positive when weightsIn is "flash", got 0`);
  }

  // Throughput: ops/s under `throughput`, MAC/s under `throughputMacs` (doubled). Keys are precision names.
  const throughput: Record<string, number> = {};
  const readRates = (key: 'throughput' | 'throughputMacs', factor: number, unit: string): void => {
    if (!has(obj, key)) return;
    const rates = obj[key];
    if (!isPlainObject(rates)) fail(refusal(key, `must be an object of precision name → ${unit}`, rates, show));
    for (const [precisionName, value] of Object.entries(rates as Record<string, unknown>)) {
      let canonical: string;
      try {
        canonical = parsePrecision(precisionName).name;
      } catch {
        return fail(`${key}.${precisionName}: unknown precision ${show(precisionName)}; use ${PRECISION_CHOICES}`);
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
        fail(refusal(`${key}.${precisionName}`, `must be a positive number of ${unit}`, value, show));
      }
      if (has(throughput, canonical)) {
        fail(`${key}.${precisionName} repeats precision ${canonical}, which is already given (got ${show(value)})`);
      }
      const opsPerS = (value as number) * factor;
      if (opsPerS < MIN_OPS_PER_S || opsPerS > MAX_OPS_PER_S) {
        fail(
          `${key}.${precisionName} must be from ${showBound(MIN_OPS_PER_S / factor)} to ${showBound(MAX_OPS_PER_S / factor)} ${unit}, got ${show(value)}`,
        );
      }
      throughput[canonical] = opsPerS;
    }
  };
  if (!has(obj, 'throughput') && !has(obj, 'throughputMacs')) {
    fail('throughput is missing; give throughput in operations per second, or throughputMacs in MAC/s');
  }
  readRates('throughput', 1, 'operations per second');
  readRates('throughputMacs', 2, 'multiply-accumulates per second');
  if (Object.keys(throughput).length === 0) {
    fail(refusal('throughput', 'must name at least one precision (e.g. "int8")', obj.throughput ?? obj.throughputMacs, show));
  }

  // Efficiency per layer kind, in (0, 1].
  const efficiency: Partial<Record<ComputeKind, number>> = {};
  if (has(obj, 'efficiency')) {
    const eff = obj.efficiency;
    if (!isPlainObject(eff)) fail(refusal('efficiency', 'must be an object of layer kind → fraction', eff, show));
    for (const [kind, value] of Object.entries(eff as Record<string, unknown>)) {
      if (!(COMPUTE_KINDS as readonly string[]).includes(kind)) {
        fail(`efficiency.${kind}: unknown layer kind ${show(kind)}; use ${COMPUTE_KINDS.join(', ')}`);
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
        fail(refusal(`efficiency.${kind}`, 'must be a fraction in (0, 1]', value, show));
      }
      efficiency[kind as ComputeKind] = value as number;
    }
  }

  // Fixed time per inference: seconds, or milliseconds.
  let overheadS = 0;
  if (has(obj, 'overheadS') && has(obj, 'overheadMs')) fail('give only one of overheadS, overheadMs (they are the same figure in different units)');
  for (const [key, scale, unit] of [['overheadS', 1, 'seconds'], ['overheadMs', 1e-3, 'milliseconds']] as const) {
    if (!has(obj, key)) continue;
    const value = obj[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      fail(refusal(key, `must be a non-negative number of ${unit}`, value, show));
    }
    if ((value as number) * scale > MAX_TIME_S) fail(refusal(key, `must be at most ${showBound(MAX_TIME_S / scale)} ${unit} (a day)`, value, show));
    overheadS = (value as number) * scale;
  }

  // Sources: field path → text.
  const sources: Record<string, string> = {};
  if (has(obj, 'sources')) {
    const src = obj.sources;
    if (!isPlainObject(src)) fail(refusal('sources', 'must be an object of field name → text', src, show));
    for (const [key, value] of Object.entries(src as Record<string, unknown>)) {
      if (typeof value !== 'string') fail(refusal(`sources.${key}`, 'must be a string', value, show));
      sources[key] = value as string;
    }
  }

  const profile: DeviceProfile = {
    id: cleanId,
    name,
    sramBytes: sizes.sramBytes,
    flashBytes: sizes.flashBytes,
    weightsIn: weightsIn as DeviceProfile['weightsIn'],
    throughput,
    efficiency,
    runtimeRamBytes: sizes.runtimeRamBytes,
    runtimeFlashBytes: sizes.runtimeFlashBytes,
    overheadS,
    sources,
  };
  if (description !== undefined) profile.description = description;
  return { ...profile, ...parseLatencyFields(obj, fail) };
}

/** The documented file form of a profile (plain bytes, ops/s and seconds); `parseDeviceProfile` reads it back unchanged. */
export function deviceProfileToJson(p: DeviceProfile): Record<string, unknown> {
  const out: Record<string, unknown> = { id: p.id, name: p.name };
  if (p.description !== undefined) out.description = p.description;
  out.sramBytes = p.sramBytes;
  out.flashBytes = p.flashBytes;
  out.weightsIn = p.weightsIn;
  out.throughput = { ...p.throughput };
  out.efficiency = { ...p.efficiency };
  out.runtimeRamBytes = p.runtimeRamBytes;
  out.runtimeFlashBytes = p.runtimeFlashBytes;
  out.overheadS = p.overheadS;
  out.sources = { ...p.sources };
  return { ...out, ...latencyFieldsToJson(p) };
}

/** Ids of the built-in devices, in their listed order. */
export function listDeviceIds(): string[] {
  return BUILTIN_DEVICES.map((d) => d.id);
}

/** The message for a device id that is not built in: it lists the valid ids and the file alternative. */
export function unknownDeviceMessage(id: string): string {
  return (
    `unknown device ${JSON.stringify(id)}: built-in devices are ${listDeviceIds().join(', ')}; ` +
    'or describe your board in a device JSON file (see docs/devices.md)'
  );
}
