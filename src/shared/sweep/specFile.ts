// Reading and writing sweep specs (`--spec FILE`, the app's saved sweeps, the copy stored with each session).
import { validateAccuracyModel, type AccuracyModel } from '../analysis/accuracy';
import { BIAS_MODES, type BiasMode } from '../analysis/evaluate';
import { DEFAULT_MEMORY_MODEL, MEMORY_MODELS, type MemoryModel } from '../analysis/memory';
import { parsePrecision } from '../analysis/precision';
import { UsageError } from '../cli/valueList';
import { MAX_INPUT_DIMENSION, type ImportOptions } from '../model/importOptions';
import { MAX_GRID_LIMIT, MAX_SAMPLES, MAX_SEED, MAX_VERIFY, type Client, type SweepData, type StoredModelFile, type SweepSpec } from './types';
import { ERROR_METRICS } from '../analysis/measuredAccuracy';
import { findRuntime, runtimeIds } from '../latency/runtimes';

export const SPEC_FORMAT = 'frontier-sweep';

export function defaultSpec(model: string): SweepSpec {
  return {
    model,
    devices: [],
    channels: {},
    prune: {},
    precisions: ['fp32'],
    memoryModel: DEFAULT_MEMORY_MODEL,
    biasMode: 'weight',
    headroom: 0,
    accuracy: null,
    clients: [],
    strategy: 'grid',
  };
}

type Json = Record<string, unknown>;

const fail = (source: string, field: string, problem: string, value: unknown): never => {
  if (value === undefined) throw new UsageError(`${source}: ${field} is missing; it ${problem}`);
  throw new UsageError(`${source}: ${field} ${problem}, got ${JSON.stringify(value)}`);
};

function stringList(source: string, field: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    return fail(source, field, 'must be a list of strings', value);
  }
  return value as string[];
}

function itemLists(source: string, field: string, value: unknown): Record<string, string[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(source, field, 'must be an object of layer → list of values', value);
  }
  const out: Record<string, string[]> = {};
  for (const [name, items] of Object.entries(value as Json)) {
    // Assigning `__proto__` would set the object's prototype instead of adding a layer.
    if (name === '__proto__') fail(source, field, 'names a layer "__proto__", which no model has', name);
    const list = Array.isArray(items) ? items : [items];
    if (!list.every((v) => typeof v === 'string' || typeof v === 'number')) {
      fail(source, `${field}.${name}`, 'must be numbers or ranges like "8:64:8"', items);
    }
    out[name] = list.map(String);
  }
  return out;
}

export function validateClient(source: string, client: unknown, i: number): Client {
  const c = client as Json;
  if (typeof c !== 'object' || c === null) return fail(source, `clients[${i}]`, 'must be an object', client);
  if (typeof c.name !== 'string' || c.name === '') return fail(source, `clients[${i}].name`, 'must be a name', c.name);
  // Clients are looked up by name in plain objects, where "__proto__" is the prototype, not a key: it would vanish.
  if (c.name === '__proto__') return fail(source, `clients[${i}].name`, 'cannot be "__proto__" (a reserved name)', c.name);
  if (typeof c.deadlineS !== 'number' || !(c.deadlineS > 0) || c.deadlineS > MAX_DEADLINE_S) {
    return fail(source, `clients[${i}].deadlineS`, `must be a positive number of seconds, at most ${MAX_DEADLINE_S.toLocaleString('en-US')}`, c.deadlineS);
  }
  const out: Client = { name: c.name, deadlineS: c.deadlineS };
  if (c.minAccuracy !== undefined && c.minAccuracy !== null) {
    if (typeof c.minAccuracy !== 'number' || c.minAccuracy < 0 || c.minAccuracy > 1) {
      return fail(source, `clients[${i}].minAccuracy`, 'must be a fraction in [0, 1]', c.minAccuracy);
    }
    out.minAccuracy = c.minAccuracy;
  }
  if (c.device !== undefined && c.device !== null) {
    if (typeof c.device !== 'string') return fail(source, `clients[${i}].device`, 'must be a device id', c.device);
    out.device = c.device;
  }
  return out;
}

/** The whole-number fields of a spec with their bounds (the same bounds as the CLI's flags). */
export const SPEC_NUMBERS: readonly ['samples' | 'seed' | 'gridLimit', number, number][] = [
  ['samples', 1, MAX_SAMPLES],
  ['seed', 0, MAX_SEED],
  ['gridLimit', 1, MAX_GRID_LIMIT],
];

/** A client's deadline: anything longer than a day per inference is a typo, not a deadline. */
export const MAX_DEADLINE_S = 86_400;

/** Validates a spec object (from a file, the app or the database); every error names the field and the value. */
export function parseSweepSpec(json: unknown, source: string): SweepSpec {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`${source}: a sweep spec must be a JSON object`);
  }
  const j = json as Json;
  if (j.format !== undefined && j.format !== SPEC_FORMAT) fail(source, 'format', `must be "${SPEC_FORMAT}"`, j.format);
  if (typeof j.model !== 'string' || j.model === '') fail(source, 'model', 'must name a preset or a model file', j.model);
  const spec = defaultSpec(j.model as string);
  if (j.devices !== undefined) spec.devices = stringList(source, 'devices', j.devices);
  if (j.runtimes !== undefined && j.runtimes !== null) {
    const runtimes = stringList(source, 'runtimes', j.runtimes).map((r) => r.trim().toLowerCase());
    for (const r of runtimes) if (!findRuntime(r)) fail(source, 'runtimes', `must name built-in runtimes (${runtimeIds().join(', ')})`, r);
    if (runtimes.length > 0) spec.runtimes = [...new Set(runtimes)];
  }
  if (j.channels !== undefined) spec.channels = itemLists(source, 'channels', j.channels);
  if (j.prune !== undefined) spec.prune = itemLists(source, 'prune', j.prune);
  if (j.precisions !== undefined) {
    spec.precisions = stringList(source, 'precisions', j.precisions);
    for (const p of spec.precisions) {
      try {
        parsePrecision(p);
      } catch (error) {
        throw new UsageError(`${source}: precisions: ${(error as Error).message}`);
      }
    }
  }
  if (j.memoryModel !== undefined) {
    if (!MEMORY_MODELS.includes(j.memoryModel as MemoryModel)) {
      fail(source, 'memoryModel', `must be one of ${MEMORY_MODELS.join(', ')}`, j.memoryModel);
    }
    spec.memoryModel = j.memoryModel as MemoryModel;
  }
  if (j.biasMode !== undefined) {
    if (!BIAS_MODES.includes(j.biasMode as BiasMode)) fail(source, 'biasMode', 'must be weight or int32', j.biasMode);
    spec.biasMode = j.biasMode as BiasMode;
  }
  if (j.headroom !== undefined) {
    if (typeof j.headroom !== 'number' || j.headroom < 0 || j.headroom >= 1) {
      fail(source, 'headroom', 'must be a fraction in [0, 1)', j.headroom);
    }
    spec.headroom = j.headroom as number;
  }
  if (j.weightsIn !== undefined && j.weightsIn !== null) {
    if (j.weightsIn !== 'sram' && j.weightsIn !== 'flash') fail(source, 'weightsIn', 'must be sram or flash', j.weightsIn);
    spec.weightsIn = j.weightsIn as 'sram' | 'flash';
  }
  if (j.accuracy !== undefined && j.accuracy !== null) {
    try {
      validateAccuracyModel(j.accuracy as AccuracyModel);
    } catch (error) {
      throw new UsageError(`${source}: accuracy: ${(error as Error).message}`);
    }
    const kind = (j.accuracy as Json).kind;
    if (kind !== 'penalties' && kind !== 'calibrated' && kind !== 'measured') fail(source, 'accuracy.kind', 'must be penalties, calibrated or measured', kind);
    spec.accuracy = j.accuracy as AccuracyModel;
  }
  if (j.clients !== undefined) {
    if (!Array.isArray(j.clients)) fail(source, 'clients', 'must be a list', j.clients);
    spec.clients = (j.clients as unknown[]).map((c, i) => validateClient(source, c, i));
    const names = new Set<string>();
    for (const c of spec.clients) {
      if (names.has(c.name)) fail(source, 'clients', 'must have distinct names', c.name);
      names.add(c.name);
    }
  }
  if (j.strategy !== undefined) {
    if (j.strategy !== 'grid' && j.strategy !== 'random') fail(source, 'strategy', 'must be grid or random', j.strategy);
    spec.strategy = j.strategy as 'grid' | 'random';
  }
  if (j.inPlaceDepthwise !== undefined) {
    if (typeof j.inPlaceDepthwise !== 'boolean') fail(source, 'inPlaceDepthwise', 'must be true or false', j.inPlaceDepthwise);
    if (j.inPlaceDepthwise) spec.inPlaceDepthwise = true;
  }
  if (j.import !== undefined && j.import !== null) spec.import = parseImportOptions(source, j.import);
  if (j.modelFile !== undefined && j.modelFile !== null) {
    const f = j.modelFile as Json;
    if (typeof f !== 'object' || Array.isArray(f)) fail(source, 'modelFile', 'must be an object ({"hash": …, "name": …})', j.modelFile);
    if (typeof f.hash !== 'string' || !/^[0-9a-f]{64}$/.test(f.hash)) fail(source, 'modelFile.hash', 'must be a SHA-256 in hex (64 characters)', f.hash);
    if (typeof f.name !== 'string' || f.name === '' || f.name.length > 500) fail(source, 'modelFile.name', 'must be a file name', f.name);
    spec.modelFile = { hash: f.hash as string, name: f.name as string };
  }
  if (j.calibrationData !== undefined && j.calibrationData !== null) {
    if (typeof j.calibrationData !== 'string' || j.calibrationData === '' || j.calibrationData.length > 4096) {
      fail(source, 'calibrationData', 'must be the path of a .npy or .npz file', j.calibrationData);
    }
    spec.calibrationData = j.calibrationData as string;
  }
  if (j.data !== undefined && j.data !== null) spec.data = parseSweepData(source, j.data);
  if (j.verify !== undefined && j.verify !== null) {
    if (typeof j.verify !== 'number' || !Number.isInteger(j.verify) || j.verify < 0 || j.verify > MAX_VERIFY) {
      fail(source, 'verify', `must be a whole number from 0 to ${MAX_VERIFY}`, j.verify);
    }
    spec.verify = j.verify as number;
  }
  if (j.metric !== undefined && j.metric !== null) {
    if (typeof j.metric !== 'string' || j.metric === '') fail(source, 'metric', 'must name a metric (accuracy, macroF1, auc…)', j.metric);
    if (ERROR_METRICS.includes(j.metric as string)) fail(source, 'metric', 'must be a metric where higher is better (not an error)', j.metric);
    spec.metric = j.metric as string;
  }
  if (spec.data && spec.accuracy && spec.accuracy.kind !== 'measured') {
    fail(source, 'accuracy', 'must be absent with "data": the accuracy is measured on the data', spec.accuracy.kind);
  }
  if ((spec.verify !== undefined || spec.metric !== undefined) && !spec.data) {
    fail(source, spec.verify !== undefined ? 'verify' : 'metric', 'needs data to measure on ("data", or --data)', spec.verify ?? spec.metric);
  }
  for (const [field, min, max] of SPEC_NUMBERS) {
    const v = j[field];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      fail(source, field, `must be a whole number from ${min} to ${max.toLocaleString('en-US')}`, v);
    }
    spec[field] = v as number;
  }
  return spec;
}

const numberList = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

function parseSweepData(source: string, value: unknown): SweepData {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(source, 'data', 'must be an object ({"path": "images.npy", "labels": "labels.npy"})', value);
  }
  const j = value as Json;
  const stored = j.stored !== undefined && j.stored !== null ? parseStoredData(source, j.stored) : undefined;
  // Uploaded data is named by its file name when no path is given.
  const path = j.path === undefined && stored?.data ? stored.data.name : j.path;
  if (typeof path !== 'string' || path === '') fail(source, 'data.path', 'must be a path to the samples', j.path);
  const data: SweepData = { path: path as string, ...(stored ? { stored } : {}) };
  if (j.labels !== undefined && j.labels !== null) {
    if (typeof j.labels !== 'string' || j.labels === '') fail(source, 'data.labels', 'must be a path to the labels', j.labels);
    data.labels = j.labels as string;
  }
  if (j.dataKeys !== undefined && j.dataKeys !== null) data.dataKeys = stringList(source, 'data.dataKeys', j.dataKeys);
  if (j.preprocessing !== undefined && j.preprocessing !== null) {
    const p = j.preprocessing as Json;
    if (typeof p !== 'object' || Array.isArray(p)) fail(source, 'data.preprocessing', 'must be an object', p);
    const out: NonNullable<SweepData['preprocessing']> = {};
    if (p.inputScale !== undefined) {
      const to = (p.inputScale as Json | null)?.to;
      if (!numberList(to) || to.length !== 2 || !(to[0] < to[1])) fail(source, 'data.preprocessing.inputScale', 'must be {"to": [A, B]} with A < B', p.inputScale);
      out.inputScale = { to: [(to as number[])[0], (to as number[])[1]] };
    }
    if (p.mean !== undefined) {
      if (!numberList(p.mean)) fail(source, 'data.preprocessing.mean', 'must be a list of numbers', p.mean);
      out.mean = [...(p.mean as number[])];
    }
    if (p.std !== undefined) {
      if (!numberList(p.std) || (p.std as number[]).some((x) => x <= 0)) fail(source, 'data.preprocessing.std', 'must be a list of numbers above 0', p.std);
      out.std = [...(p.std as number[])];
    }
    data.preprocessing = out;
  }
  return data;
}

/** `{"data": {"hash", "name"}, "labels": {"hash", "name"}}`: files kept in the database by their SHA-256. */
function parseStoredData(source: string, value: unknown): NonNullable<SweepData['stored']> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(source, 'data.stored', 'must be an object ({"data": {"hash": …, "name": …}, "labels": {…}})', value);
  }
  const j = value as Json;
  const file = (field: 'data' | 'labels'): StoredModelFile => {
    const f = j[field] as Json;
    if (typeof f !== 'object' || f === null || Array.isArray(f)) fail(source, `data.stored.${field}`, 'must be an object ({"hash": …, "name": …})', f);
    if (typeof f.hash !== 'string' || !/^[0-9a-f]{64}$/.test(f.hash)) fail(source, `data.stored.${field}.hash`, 'must be a SHA-256 in hex (64 characters)', f.hash);
    if (typeof f.name !== 'string' || f.name === '' || f.name.length > 500) fail(source, `data.stored.${field}.name`, 'must be a file name', f.name);
    return { hash: f.hash as string, name: f.name as string };
  };
  const given = (field: string): boolean => j[field] !== undefined && j[field] !== null;
  if (!given('data') && !given('labels')) fail(source, 'data.stored', 'must name the stored samples ("data") or labels ("labels")', value);
  return { ...(given('data') ? { data: file('data') } : {}), ...(given('labels') ? { labels: file('labels') } : {}) };
}

function parseImportOptions(source: string, value: unknown): ImportOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(source, 'import', 'must be an object ({"inputShapes": {…}, "allowUnknownOps": true})', value);
  }
  const j = value as Json;
  const options: ImportOptions = {};
  if (j.inputShapes !== undefined) {
    const shapes = j.inputShapes;
    const valid =
      typeof shapes === 'object' &&
      shapes !== null &&
      !Array.isArray(shapes) &&
      Object.values(shapes).every(
        (dims) =>
          Array.isArray(dims) &&
          dims.length > 0 &&
          dims.every((d) => Number.isInteger(d) && d >= 1 && d <= MAX_INPUT_DIMENSION),
      );
    if (!valid) fail(source, 'import.inputShapes', 'must map input names to lists of whole numbers ≥ 1', shapes);
    options.inputShapes = Object.fromEntries(Object.entries(shapes as Record<string, number[]>).map(([k, d]) => [k, [...d]]));
  }
  if (j.allowUnknownOps !== undefined) {
    if (typeof j.allowUnknownOps !== 'boolean') fail(source, 'import.allowUnknownOps', 'must be true or false', j.allowUnknownOps);
    if (j.allowUnknownOps) options.allowUnknownOps = true;
  }
  return options;
}

/** The file form of a spec: the same object with a format marker, so files identify themselves. */
export function specToJson(spec: SweepSpec): Json {
  return { format: SPEC_FORMAT, ...spec };
}
