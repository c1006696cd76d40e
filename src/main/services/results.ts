// A session's results as plain JSON columns (ResultTable, the older shape of `sessions.results`), from its typed
// columns (`sessions.columns`).
import type { ResultColumnsView, ResultTable } from '../../shared/api';

const orNull = (x: number): number | null => (Number.isNaN(x) ? null : x);

export function resultTable(columns: ResultColumnsView): ResultTable {
  return {
    session: columns.session,
    count: columns.count,
    idx: Array.from(columns.idx),
    status: Array.from(columns.status),
    accuracy: Array.from(columns.accuracy, orNull),
    latencyS: Array.from(columns.latencyS, orNull),
    totalBytes: Array.from(columns.totalBytes),
    sramBytes: Array.from(columns.sramBytes),
    params: Array.from(columns.params),
    macs: Array.from(columns.macs),
    flags: Array.from(columns.flags),
    precision: Array.from(columns.precision),
    device: Array.from(columns.device),
    precisions: columns.precisions,
    devices: columns.devices,
    layers: columns.layers,
    channels: columns.channels.map((c) => Array.from(c)),
    ...(columns.deviceBands ? { deviceBands: columns.deviceBands } : {}),
    messages: columns.messages,
    ...(columns.accuracyMeasured ? { accuracyMeasured: Array.from(columns.accuracyMeasured, orNull) } : {}),
    ...(columns.accuracyPredicted ? { accuracyPredicted: Array.from(columns.accuracyPredicted, orNull) } : {}),
    ...(columns.measuredAccuracy ? { measuredAccuracy: columns.measuredAccuracy } : {}),
  };
}
