// A session's results as columns for plots and tables (see ResultTable in the API contract).
import type { ResultTable } from '../../shared/api';
import { bandFactors } from '../../shared/latency/model';
import { UsageError } from '../../shared/cli/valueList';
import { digits, gridIndex, structuralDims } from '../../shared/sweep/space';
import type { SessionStore } from '../store';
import { channelsOf } from './sweepJob';
import { preparedForSession } from './sweeps';

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

export function resultTable(store: SessionStore, name: string): ResultTable {
  const prepared = preparedForSession(store, name);
  const session = store.getSession(name);
  if (!session) throw new UsageError(`no session named "${name}"`);
  const cols = store.readResultColumns(session.id);
  const messages = store.readMessages(session.id);
  const dims = prepared.space.dims;
  const precisionDim = dims.findIndex((d) => d.kind === 'precision');
  const deviceDim = dims.findIndex((d) => d.kind === 'device');
  const structural = structuralDims(prepared.space);
  const layers = [...prepared.ctx.editable.keys()];
  const channels = layers.map(() => new Array<number>(cols.count));
  const precision = new Array<number>(cols.count);
  const device = new Array<number>(cols.count);
  const byStructure = new Map<string, number[]>();
  const buffer = new Int32Array(dims.length);
  for (let k = 0; k < cols.count; k++) {
    const ordinal = cols.idx[k];
    const ds = digits(prepared.space, gridIndex(prepared.space, ordinal), buffer);
    precision[k] = ds[precisionDim];
    device[k] = ds[deviceDim];
    let key = '';
    for (let d = 0; d < structural; d++) key += ds[d] + ',';
    let counts = byStructure.get(key);
    if (!counts) {
      const described = channelsOf(prepared, ordinal);
      counts = layers.map((l) => described[l]);
      byStructure.set(key, counts);
    }
    for (let l = 0; l < layers.length; l++) channels[l][k] = counts[l];
  }
  return {
    session: name,
    count: cols.count,
    idx: Array.from(cols.idx),
    status: Array.from(cols.status),
    accuracy: Array.from(cols.accuracy, orNull),
    latencyS: Array.from(cols.latencyS, orNull),
    totalBytes: Array.from(cols.totalBytes),
    sramBytes: Array.from(cols.sramBytes),
    params: Array.from(cols.params),
    macs: Array.from(cols.macs),
    flags: Array.from(cols.flags),
    precision,
    device,
    precisions: dims[precisionDim].values.map(String),
    devices: dims[deviceDim].values.map(String),
    deviceBands: dims[deviceDim].values.map((id) => {
      const profile = prepared.devices.find((d) => d.id === id);
      return profile ? bandFactors(profile) : { lowFactor: 1, highFactor: 1, basis: 'unknown device' };
    }),
    layers,
    channels,
    messages: Object.fromEntries([...messages].map(([idx, text]) => [String(idx), text])),
  };
}
