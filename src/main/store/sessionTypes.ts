// The vocabulary of stored sessions: status codes, session and result shapes, read options.
import type { ResultColumns } from '../../shared/sweep/batch';
import type { DeviceProfile } from '../../shared/devices';
import type { ModelGraph } from '../../shared/model/types';
import {
  CONFIG_STATUSES,
  FRONT_3D,
  FRONT_LATENCY,
  FRONT_MEMORY,
  type Client,
  type ConfigResult,
  type ConfigStatus,
  type SweepSpec,
} from '../../shared/sweep/types';
import { StoreError } from './errors';

/** How a configuration's status is stored in `results.status`. */
export const RESULT_STATUS_CODES: Readonly<Record<ConfigStatus, number>> = Object.freeze({
  ok: 0,
  'no-fit': 1,
  unsupported: 2,
  error: 3,
});

export function statusCode(status: ConfigStatus): number {
  const code = RESULT_STATUS_CODES[status];
  if (code === undefined) throw new StoreError(`unknown configuration status "${String(status)}"`);
  return code;
}

export function statusFromCode(code: number): ConfigStatus {
  const status = CONFIG_STATUSES[code];
  if (status === undefined) throw new StoreError(`unknown configuration status code ${code}`);
  return status;
}

export type SessionStatus = 'running' | 'complete' | 'cancelled' | 'interrupted' | 'failed';
export const SESSION_STATUSES: readonly SessionStatus[] = ['running', 'complete', 'cancelled', 'interrupted', 'failed'];

export const ALL_FRONT_BITS = FRONT_3D | FRONT_LATENCY | FRONT_MEMORY;

export interface NewSession {
  name: string;
  modelId: number;
  spec: SweepSpec;
  /** Configurations in the design space (grid) or the sample (random). */
  total: number;
  /** Row ids from `upsertDevice`, in the order of the design space's device dimension. */
  deviceIds: number[];
  /** Defaults to `spec.clients`. */
  clients?: Client[];
  /** Delete a session of the same name (and its results) in the same transaction. */
  replace?: boolean;
}

export interface SessionSummary {
  id: number;
  name: string;
  status: SessionStatus;
  /** Results stored so far. */
  configs: number;
  total: number;
  /** ISO time the session was created. */
  created: string;
  /** Model name. */
  model: string;
  /** Device ids (profile ids), in design-space order. */
  devices: string[];
}

export interface SessionDetail extends SessionSummary {
  modelId: number;
  modelHash: string;
  spec: SweepSpec;
  clients: Client[];
  /** The stored profiles, in design-space order. */
  deviceProfiles: { rowId: number; profile: DeviceProfile }[];
  startedAt: string | null;
  finishedAt: string | null;
  elapsedS: number | null;
  frontierVersion: string;
  schemaVersion: number;
  pid: number | null;
  host: string | null;
  error: string | null;
}

export interface StoredModel {
  id: number;
  name: string;
  hash: string;
  graph: ModelGraph;
}

/** Stored rows of a session, ordered by idx, as columns. NULL latency/accuracy read back as NaN; status is a code. */
export type StoredColumns = Omit<ResultColumns, 'count' | 'idx' | 'messages'> & {
  count: number;
  idx: Float64Array;
  flags: Uint8Array;
  /** Measured accuracy (NaN until measured) and predicted accuracy (NaN without a measured accuracy model). */
  accuracyMeasured: Float64Array;
  accuracyPredicted: Float64Array;
};

/** A stored row; `accuracyMeasured` / `accuracyPredicted` are present only where the row has them. */
export type StoredResult = ConfigResult & { flags: number; accuracyMeasured?: number; accuracyPredicted?: number };

export type ResultOrder =
  | 'idx'
  | 'params'
  | 'paramBytes'
  | 'peakActivationBytes'
  | 'totalBytes'
  | 'sramBytes'
  | 'macs'
  | 'latencyS'
  | 'accuracy'
  | 'accuracyMeasured'
  | 'accuracyPredicted';


export interface ReadOptions {
  /** true: rows on any front; a number: rows with any of these FRONT_* bits. */
  frontOnly?: boolean | number;
  /** Only status `ok`. */
  feasibleOnly?: boolean;
  limit?: number;
  offset?: number;
  /** Default idx. NULLs sort last; ties by idx. */
  orderBy?: ResultOrder;
  descending?: boolean;
}

/** A row of the sessions table as SQLite returns it (store-internal). */
export interface SessionRow {
  id: number;
  name: string;
  model_id: number;
  spec_json: string;
  status: SessionStatus;
  total: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  elapsed_s: number | null;
  frontier_version: string;
  schema_version: number;
  pid: number | null;
  host: string | null;
  error: string | null;
}
