// A whole session as a bundle that `importBundle` turns back into an equal session in another database.
import { FRONTIER_VERSION, OUTPUT_SCHEMA_VERSION } from '../../shared/analysis/analyze';
import { deviceProfileToJson } from '../../shared/deviceProfile';
import { graphToNative, type NativeModelFile } from '../../shared/model/native';
import { CONFIG_STATUSES, type Client, type ConfigStatus, type SweepSpec } from '../../shared/sweep/types';
import type { SessionStatus, SessionStore } from '../store';
import { requireSession } from './storedSession';

export const BUNDLE_FORMAT = 'frontier-session-bundle';
export const BUNDLE_VERSION = 1;

export interface BundleResults {
  count: number;
  idx: number[];
  status: ConfigStatus[];
  params: number[];
  paramBytes: number[];
  peakActivationBytes: number[];
  totalBytes: number[];
  sramBytes: number[];
  macs: number[];
  /** null where there is no latency (no device, unsupported precision, error). */
  latencyS: (number | null)[];
  /** null where there is no accuracy model (or no estimate). */
  accuracy: (number | null)[];
  /** Pareto bits (1 = 3-D, 2 = accuracy–latency, 4 = accuracy–memory); recomputed on import. */
  flags: number[];
  /** With measured accuracy only: as the store holds them (null: not measured / predicted value is `accuracy`). */
  accuracyMeasured?: (number | null)[];
  accuracyPredicted?: (number | null)[];
}

export interface SessionBundle {
  format: typeof BUNDLE_FORMAT;
  version: number;
  frontierVersion: string;
  schemaVersion: number;
  session: {
    name: string;
    status: SessionStatus;
    created: string;
    elapsedS: number | null;
    total: number;
    startedAt: string | null;
    finishedAt: string | null;
    error: string | null;
  };
  spec: SweepSpec;
  model: NativeModelFile;
  /** Device profiles in design-space order, in the device-file form. */
  devices: Record<string, unknown>[];
  clients: Client[];
  results: BundleResults;
  /** [idx, message] of the configurations that failed analysis. */
  messages: [number, string][];
}

const plain = (a: ArrayLike<number>): number[] => Array.from(a);
const nullable = (a: ArrayLike<number>): (number | null)[] => Array.from(a, (v) => (v === v ? v : null));

export function exportBundle(store: SessionStore, name: string): SessionBundle {
  const session = requireSession(store, name);
  const stored = store.getModel(session.modelId);
  if (!stored) throw new Error(`session "${name}": its model is missing from the database`);
  const c = store.readResultColumns(session.id);
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    frontierVersion: FRONTIER_VERSION,
    schemaVersion: OUTPUT_SCHEMA_VERSION,
    session: {
      name: session.name,
      status: session.status,
      created: session.created,
      elapsedS: session.elapsedS,
      total: session.total,
      startedAt: session.startedAt,
      finishedAt: session.finishedAt,
      error: session.error,
    },
    spec: session.spec,
    model: graphToNative(stored.graph),
    devices: session.deviceProfiles.map((d) => deviceProfileToJson(d.profile)),
    clients: session.clients,
    results: {
      count: c.count,
      idx: plain(c.idx),
      status: Array.from(c.status, (s) => CONFIG_STATUSES[s]),
      params: plain(c.params),
      paramBytes: plain(c.paramBytes),
      peakActivationBytes: plain(c.peakActivationBytes),
      totalBytes: plain(c.totalBytes),
      sramBytes: plain(c.sramBytes),
      macs: plain(c.macs),
      latencyS: nullable(c.latencyS),
      accuracy: nullable(c.accuracy),
      flags: plain(c.flags),
      ...(session.spec.accuracy?.kind === 'measured'
        ? { accuracyMeasured: nullable(c.accuracyMeasured), accuracyPredicted: nullable(c.accuracyPredicted) }
        : {}),
    },
    messages: [...store.readMessages(session.id)],
  };
}
