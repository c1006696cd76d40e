// A session bundle stored as a new session, after checking every field of it.
import { sessionNameProblem } from '../../shared/sessionName';
import { UsageError } from '../../shared/cli/valueList';
import { parseDeviceProfile } from '../../shared/deviceProfile';
import type { DeviceProfile } from '../../shared/devices';
import { nativeToGraph } from '../../shared/model/native';
import type { ModelGraph } from '../../shared/model/types';
import { frontIndices, paretoFlags } from '../../shared/pareto';
import { allocateColumns, type ResultColumns } from '../../shared/sweep/batch';
import { parseSweepSpec, validateClient } from '../../shared/sweep/specFile';
import {
  CONFIG_STATUSES,
  FRONT_3D,
  FRONT_LATENCY,
  FRONT_MEMORY,
  type Client,
  type ConfigStatus,
  type SweepSpec,
} from '../../shared/sweep/types';
import { SESSION_STATUSES, type SessionStatus, type SessionStore } from '../store';
import { parseJsonText } from '../files/jsonFile';
import { prepareFrom, type PreparedSweep } from './sweepJob';
import { BUNDLE_FORMAT, BUNDLE_VERSION } from './exportBundle';

const OK = CONFIG_STATUSES.indexOf('ok');

export interface ImportOptions {
  /** Session name in this database (default: the bundle's). */
  name?: string;
  /** Replace a session of the same name. */
  replace?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => {
  // JSON would write an infinite number (read from 1e999) as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 60 ? `${text.slice(0, 57)}…` : text;
};
const bad = (field: string, problem: string, value: unknown): UsageError =>
  value === undefined
    ? new UsageError(`bundle: ${field} is missing; it ${problem}`)
    : new UsageError(`bundle: ${field} ${problem}, got ${show(value)}`);

const FIGURE_FIELDS = ['params', 'paramBytes', 'peakActivationBytes', 'totalBytes', 'sramBytes', 'macs'] as const;
const NULLABLE_FIELDS = ['latencyS', 'accuracy'] as const;

/** What a valid bundle holds, ready to store. */
interface CheckedBundle {
  name: string;
  status: Exclude<SessionStatus, 'running'>;
  elapsedS: number | null;
  error: string | null;
  spec: SweepSpec;
  graph: ModelGraph;
  profiles: DeviceProfile[];
  clients: Client[];
  total: number;
  columns: ResultColumns;
  /** Measured accuracy's columns, when the bundle has them. */
  accuracyMeasured: Float64Array | null;
  accuracyPredicted: Float64Array | null;
}

function checkBundle(json: unknown, options: ImportOptions): CheckedBundle {
  if (!isObject(json)) throw new UsageError('bundle: a session bundle must be a JSON object');
  if (json.format !== BUNDLE_FORMAT) throw bad('format', `must be "${BUNDLE_FORMAT}"`, json.format);
  if (typeof json.version !== 'number' || !Number.isInteger(json.version) || json.version < 1) {
    throw bad('version', 'must be a whole number ≥ 1', json.version);
  }
  if (json.version > BUNDLE_VERSION) {
    throw new UsageError(`bundle: version ${json.version} is newer than this Frontier reads (${BUNDLE_VERSION})`);
  }

  const s = json.session;
  if (!isObject(s)) throw bad('session', 'must be an object', s);
  const name = (options.name ?? (typeof s.name === 'string' ? s.name : '')).trim();
  if (options.name !== undefined && name === '') throw new UsageError('import: --name is empty');
  if (name === '') throw bad('session.name', 'must be a non-empty name', s.name);
  const problem = sessionNameProblem(name);
  if (problem) throw new UsageError(options.name !== undefined ? `import: --name: the session name ${problem}` : `bundle: session.name ${problem}`);
  let status: Exclude<SessionStatus, 'running'> = 'complete';
  if (s.status !== undefined && s.status !== null) {
    if (!SESSION_STATUSES.includes(s.status as SessionStatus)) {
      throw bad('session.status', `must be one of ${SESSION_STATUSES.join(', ')}`, s.status);
    }
    // A session exported while it ran has no process here: it is interrupted, and `frontier resume` finishes it.
    status = s.status === 'running' ? 'interrupted' : (s.status as Exclude<SessionStatus, 'running'>);
  }
  const elapsedS = s.elapsedS ?? null;
  if (elapsedS !== null && (typeof elapsedS !== 'number' || !Number.isFinite(elapsedS) || !(elapsedS >= 0))) {
    throw bad('session.elapsedS', 'must be a number of seconds ≥ 0 or null', elapsedS);
  }
  const error = s.error ?? null;
  if (error !== null && typeof error !== 'string') throw bad('session.error', 'must be a string or null', error);
  if (typeof s.total !== 'number' || !Number.isSafeInteger(s.total) || s.total < 0) {
    throw bad('session.total', 'must be a whole number ≥ 0', s.total);
  }
  const total = s.total;

  if (!isObject(json.spec)) throw bad('spec', 'must be a sweep spec object', json.spec);
  const spec = parseSweepSpec(json.spec, 'bundle: spec');

  let graph: ModelGraph;
  try {
    graph = nativeToGraph(json.model, 'bundle: model');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  if (!Array.isArray(json.devices) || json.devices.length === 0) {
    throw bad('devices', 'must be a non-empty list of device profiles', json.devices);
  }
  const profiles = json.devices.map((d, i) => {
    try {
      return parseDeviceProfile(d, `bundle: devices[${i}]`);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  });

  let clients = spec.clients;
  if (json.clients !== undefined && json.clients !== null) {
    if (!Array.isArray(json.clients)) throw bad('clients', 'must be a list', json.clients);
    clients = json.clients.map((c, i) => validateClient('bundle', c, i));
  }

  let prepared: PreparedSweep;
  try {
    prepared = prepareFrom(spec, graph, profiles);
  } catch (e) {
    throw new UsageError(`bundle: spec, model and devices do not make a sweep: ${(e as Error).message}`);
  }
  if (prepared.space.total !== total) {
    throw new UsageError(
      `bundle: session.total is ${total}, but its spec, model and devices give ${prepared.space.total} configurations`,
    );
  }

  const r = json.results;
  if (!isObject(r)) throw bad('results', 'must be an object of columns', r);
  if (!Array.isArray(r.idx)) throw bad('results.idx', 'must be a list', r.idx);
  const n = r.idx.length;
  if (r.count !== undefined && r.count !== n) throw bad('results.count', `must equal the length of results.idx (${n})`, r.count);
  if (n > total) throw new UsageError(`bundle: results hold ${n} configurations, more than session.total (${total})`);
  const column = (field: string): unknown[] => {
    const values = r[field];
    if (!Array.isArray(values)) throw bad(`results.${field}`, 'must be a list', values);
    if (values.length !== n) throw bad(`results.${field}`, `must hold ${n} values (as results.idx), not ${values.length}`, values.length);
    return values;
  };
  const columns: ResultColumns = allocateColumns(n);
  const seen = new Uint8Array(total);
  const position = new Map<number, number>();
  r.idx.forEach((v, k) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= total) {
      throw bad(`results.idx[${k}]`, `must be a whole number in [0, ${total})`, v);
    }
    if (seen[v]) throw bad(`results.idx[${k}]`, 'repeats a configuration', v);
    seen[v] = 1;
    columns.idx[k] = v;
    position.set(v, k);
  });
  column('status').forEach((v, k) => {
    const code = CONFIG_STATUSES.indexOf(v as ConfigStatus);
    if (code < 0) throw bad(`results.status[${k}]`, `must be one of ${CONFIG_STATUSES.join(', ')}`, v);
    columns.status[k] = code;
  });
  // Counts and bytes are exact integers, as Frontier computes them (a count past 2^53 is refused at analysis).
  for (const field of FIGURE_FIELDS) {
    const target = columns[field];
    column(field).forEach((v, k) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        throw bad(`results.${field}[${k}]`, 'must be a whole number from 0 to 2^53', v);
      }
      target[k] = v;
    });
  }
  for (const field of NULLABLE_FIELDS) {
    const target = columns[field];
    const [range, ok] =
      field === 'accuracy'
        ? ['a fraction in [0, 1]', (x: number): boolean => x >= 0 && x <= 1]
        : ['a number of seconds ≥ 0', (x: number): boolean => x >= 0];
    column(field).forEach((v, k) => {
      if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
        throw bad(`results.${field}[${k}]`, 'must be a number or null', v);
      }
      if (v !== null && !ok(v as number)) throw bad(`results.${field}[${k}]`, `must be ${range} or null`, v);
      target[k] = v === null ? NaN : v;
    });
  }
  checkFigureConsistency(columns, prepared.devices);
  // Measured accuracy (optional): fractions or null, as the store holds them.
  const measuredColumn = (field: 'accuracyMeasured' | 'accuracyPredicted'): Float64Array | null => {
    if (r[field] === undefined) return null;
    const out = new Float64Array(n);
    column(field).forEach((v, k) => {
      if (v !== null && !(typeof v === 'number' && v >= 0 && v <= 1)) throw bad(`results.${field}[${k}]`, 'must be a fraction in [0, 1] or null', v);
      out[k] = v === null ? NaN : (v as number);
    });
    return out;
  };
  const accuracyMeasured = measuredColumn('accuracyMeasured');
  const accuracyPredicted = measuredColumn('accuracyPredicted');
  if (r.flags !== undefined) {
    column('flags').forEach((v, k) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
        throw bad(`results.flags[${k}]`, 'must be a whole number in [0, 255]', v);
      }
    });
  }

  const messages = json.messages ?? [];
  if (!Array.isArray(messages)) throw bad('messages', 'must be a list of [idx, message] pairs', messages);
  messages.forEach((m, i) => {
    if (!Array.isArray(m) || m.length !== 2 || typeof m[1] !== 'string') {
      throw bad(`messages[${i}]`, 'must be an [idx, message] pair', m);
    }
    const k = position.get(m[0] as number);
    if (k === undefined) throw bad(`messages[${i}]`, 'names a configuration that is not in results.idx', m[0]);
    columns.messages?.set(k, m[1]);
  });
  return { name, status, elapsedS, error, spec, graph, profiles, clients, total, columns, accuracyMeasured, accuracyPredicted };
}

/**
 * The figures of each analysed configuration hold together as the analysis makes them: total = parameter bytes +
 * peak activation; the SRAM needed is the peak plus, at most, the parameter bytes and the device's runtime RAM;
 * parameter bytes lie between half a byte (int4) and four bytes (fp32, int32 biases) per parameter. A configuration
 * that failed analysis holds no figures to compare.
 */
function checkFigureConsistency(columns: ResultColumns, profiles: readonly DeviceProfile[]): void {
  const runtimeRam = Math.max(0, ...profiles.map((p) => p.runtimeRamBytes));
  const error = CONFIG_STATUSES.indexOf('error');
  for (let k = 0; k < columns.idx.length; k++) {
    if (columns.status[k] === error) continue;
    const params = columns.params[k];
    const paramBytes = columns.paramBytes[k];
    const peak = columns.peakActivationBytes[k];
    const where = `results[${k}] (configuration ${columns.idx[k]})`;
    if (columns.totalBytes[k] !== paramBytes + peak) {
      throw new UsageError(
        `bundle: ${where}: totalBytes ${columns.totalBytes[k]} is not paramBytes ${paramBytes} + peakActivationBytes ${peak}`,
      );
    }
    if (paramBytes * 2 < params || paramBytes > params * 4) {
      throw new UsageError(
        `bundle: ${where}: paramBytes ${paramBytes} cannot hold ${params} parameters (half a byte to four bytes each)`,
      );
    }
    const sram = columns.sramBytes[k];
    if (sram < peak || sram > paramBytes + peak + runtimeRam) {
      throw new UsageError(
        `bundle: ${where}: sramBytes ${sram} is outside what its peak activation (${peak}), parameter bytes and runtime RAM make`,
      );
    }
  }
}

/**
 * Stores a bundle (the object, or its JSON text) as a new session: validates all of it first (every error names
 * the field), then writes the model, devices, session, results and fronts in one transaction, so a refused or
 * failed import leaves the database as it was. The fronts are recomputed from the figures. Returns the name.
 */
/** The largest bundle file read (a session of millions of configurations is a few hundred MiB). */
export const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;

export function importBundle(store: SessionStore, bundle: unknown, options: ImportOptions = {}): string {
  const json = typeof bundle === 'string' ? parseJsonText(bundle, 'bundle') : bundle;
  const b = checkBundle(json, options);
  const n = b.columns.idx.length;
  // The fronts, over every configuration of the session (missing ones take no part).
  const accuracy = new Float64Array(b.total).fill(NaN);
  const latency = new Float64Array(b.total).fill(NaN);
  const memory = new Float64Array(b.total).fill(NaN);
  const feasible = new Uint8Array(b.total);
  for (let k = 0; k < n; k++) {
    const i = b.columns.idx[k];
    accuracy[i] = b.columns.accuracy[k];
    latency[i] = b.columns.latencyS[k];
    memory[i] = b.columns.totalBytes[k];
    feasible[i] = b.columns.status[k] === OK ? 1 : 0;
  }
  const flags = paretoFlags({ accuracy, latency, memory, feasible });
  store.db
    .transaction(() => {
      const modelId = store.upsertModel(b.graph);
      const deviceIds = b.profiles.map((p) => store.upsertDevice(p));
      const id = store.createSession({
        name: b.name,
        modelId,
        spec: b.spec,
        total: b.total,
        deviceIds,
        clients: b.clients,
        replace: options.replace,
      });
      store.insertResultColumns(id, b.columns);
      if (b.accuracyMeasured || b.accuracyPredicted) {
        const idx: number[] = [];
        const measured: number[] = [];
        const predicted: number[] = [];
        for (let k = 0; k < n; k++) {
          const m = b.accuracyMeasured?.[k] ?? NaN;
          const p = b.accuracyPredicted?.[k] ?? NaN;
          if (Number.isNaN(m) && Number.isNaN(p)) continue;
          idx.push(b.columns.idx[k]);
          measured.push(m);
          predicted.push(p);
        }
        store.writeAccuracy(id, idx, measured, predicted);
      }
      for (const bit of [FRONT_3D, FRONT_LATENCY, FRONT_MEMORY]) store.writeFront(id, bit, frontIndices(flags, bit));
      // elapsedS may be null (a session exported while it ran); the column takes NULL.
      store.finishSession(id, b.status, { elapsedS: b.elapsedS as number, error: b.error ?? undefined });
    })
    .immediate();
  return b.name;
}
