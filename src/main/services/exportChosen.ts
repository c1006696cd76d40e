// The chosen configurations of a session as deployable JSON: edited model graph, device and every figure.
import { FRONTIER_VERSION, OUTPUT_SCHEMA_VERSION } from '../../shared/analysis/analyze';
import { UsageError } from '../../shared/cli/valueList';
import { deviceProfileToJson } from '../../shared/deviceProfile';
import type { DeviceProfile } from '../../shared/devices';
import { applyChannelEdits } from '../../shared/model/edit';
import { graphToNative, type NativeModelFile } from '../../shared/model/native';
import type { Client, SweepSpec } from '../../shared/sweep/types';
import type { SessionStore } from '../store';
import { sessionSummary, type ResultEntry } from './sweeps';
import { requireSession } from './storedSession';
import { preparedFor } from './sweepJob';

export const CONFIGURATIONS_FORMAT = 'frontier-configurations';

const describeSettings = (e: Pick<ResultEntry, 'channels' | 'precision' | 'device'>): string =>
  `${Object.entries(e.channels)
    .map(([layer, n]) => `${layer} ${n}`)
    .join(' / ')} / ${e.precision} on ${e.device}`;

export interface ChosenOptions {
  /** The 3-D Pareto front (the default). */
  front?: boolean;
  /** This client's chosen configuration instead. */
  bestClient?: string;
  /** A stored configuration by its index (`tflm` and `keras-json`). */
  config?: number;
}

/** One configuration, ready to deploy or to analyse again: its edited model, its device, and every figure. */
export interface ExportedConfiguration extends Omit<ResultEntry, 'device'> {
  /** The metric the accuracy model measures, or null without one. */
  accuracyMetric: string | null;
  fits: boolean;
  memoryModel: SweepSpec['memoryModel'];
  biasMode: SweepSpec['biasMode'];
  headroom: number;
  /** The full device profile, in the device-file form (`--device` reads it back). */
  device: Record<string, unknown>;
  /** The edited model in Frontier's native format (`frontier analyze` reads it back). */
  model: NativeModelFile;
}

export interface ChosenExport {
  format: typeof CONFIGURATIONS_FORMAT;
  frontierVersion: string;
  schemaVersion: number;
  session: string;
  model: string;
  /** `front`: the 3-D Pareto front; `best`: one client's chosen configuration. */
  selection: 'front' | 'best';
  /** For `best`: the client. */
  client?: Client;
  configurations: ExportedConfiguration[];
}

export function exportChosen(store: SessionStore, name: string, options: ChosenOptions = {}): ChosenExport {
  if (options.front && options.bestClient !== undefined) {
    throw new UsageError('give either --front or --best CLIENT, not both');
  }
  const session = requireSession(store, name);
  const prepared = preparedFor(store, session);
  const summary = sessionSummary(store, name);
  let entries: ResultEntry[];
  let client: Client | undefined;
  if (options.bestClient !== undefined) {
    const wanted = options.bestClient;
    client = prepared.spec.clients.find((c) => c.name === wanted);
    if (!client) {
      const names = prepared.spec.clients.map((c) => c.name);
      throw new UsageError(
        `session "${name}" has no client "${wanted}"; ` +
          (names.length > 0 ? `its clients are ${names.join(', ')}` : 'it has no clients (sweep with --deadline NAME=SECONDS)'),
      );
    }
    const best = summary.best[wanted];
    if (!best) {
      const miss = summary.nearestMiss[wanted];
      throw new UsageError(
        `client "${wanted}" is unsatisfied in session "${name}": no configuration meets it` +
          (miss ? `; nearest miss ${describeSettings(miss.config)}: ${miss.reason}` : ''),
      );
    }
    entries = [best];
  } else {
    entries = summary.pareto;
  }
  const profiles = new Map(prepared.devices.map((d) => [d.id, d]));
  const spec = prepared.spec;
  const configurations = entries.map((e): ExportedConfiguration => {
    const { graph } = applyChannelEdits(prepared.graph, { channels: e.channels });
    const device = profiles.get(e.device) as DeviceProfile;
    return {
      idx: e.idx,
      status: e.status,
      channels: { ...e.channels },
      precision: e.precision,
      params: e.params,
      paramBytes: e.paramBytes,
      peakActivationBytes: e.peakActivationBytes,
      totalBytes: e.totalBytes,
      sramBytes: e.sramBytes,
      macs: e.macs,
      flops: e.flops,
      latencyS: e.latencyS,
      accuracy: e.accuracy,
      accuracyMetric: spec.accuracy?.metric ?? null,
      // Measured accuracy (docs/sweeps.md): only for sessions that have it, so other exports read as before.
      ...(spec.accuracy?.kind === 'measured'
        ? { accuracyMeasured: e.accuracyMeasured ?? null, accuracyPredicted: e.accuracyPredicted ?? null, accuracyBand: e.accuracyBand ?? null }
        : {}),
      fits: e.status === 'ok',
      memoryModel: spec.memoryModel,
      biasMode: spec.biasMode,
      headroom: spec.headroom,
      device: deviceProfileToJson(device),
      model: graphToNative(graph),
    };
  });
  const out: ChosenExport = {
    format: CONFIGURATIONS_FORMAT,
    frontierVersion: FRONTIER_VERSION,
    schemaVersion: OUTPUT_SCHEMA_VERSION,
    session: name,
    model: prepared.graph.name,
    selection: client ? 'best' : 'front',
    configurations,
  };
  if (client) out.client = { ...client };
  return out;
}
