// One configuration's files for the board: the TFLM header, the Keras architecture.
import { UsageError } from '../../shared/cli/valueList';
import type { DeviceProfile } from '../../shared/devices';
import { configurationArtifact, type ArtifactFormat } from '../../shared/export/artifacts';
import type { SessionStore } from '../store';
import { describeConfiguration } from './sweepJob';
import { requireSession } from './storedSession';
import { preparedFor } from './sweepJob';
import { exportChosen, type ChosenOptions } from './exportChosen';

/** The TFLM header or Keras JSON of a client's choice (`bestClient`) or a stored configuration (`config`). */
export function exportArtifact(store: SessionStore, name: string, format: ArtifactFormat, options: ChosenOptions): string {
  if (options.front) throw new UsageError(`--front applies to json and csv; a ${format} file is one configuration`);
  if ((options.bestClient === undefined) === (options.config === undefined)) {
    throw new UsageError(`a ${format} file is one configuration: give --best CLIENT or --config N`);
  }
  const session = requireSession(store, name);
  const prepared = preparedFor(store, session);
  let idx: number;
  let origin: string;
  if (options.bestClient !== undefined) {
    const entry = exportChosen(store, name, { bestClient: options.bestClient }).configurations[0];
    idx = entry.idx;
    origin = `session ${name}, client ${options.bestClient}'s choice (configuration #${idx})`;
  } else {
    idx = options.config as number;
    if (!Number.isInteger(idx) || idx < 0 || store.readResultsByIdx(session.id, [idx]).length === 0) {
      throw new UsageError(
        `session "${name}" has no stored configuration #${options.config}; its ${session.configs.toLocaleString('en-US')} ` +
          `stored configurations are numbered from 0 to ${(session.total - 1).toLocaleString('en-US')}`,
      );
    }
    origin = `session ${name}, configuration #${idx}`;
  }
  const settings = describeConfiguration(prepared, idx);
  const device = prepared.devices.find((d) => d.id === settings.device) as DeviceProfile;
  return configurationArtifact(format, {
    base: prepared.graph,
    configuration: {
      channels: settings.channels,
      precision: settings.precision,
      device,
      biasMode: prepared.spec.biasMode,
      inPlaceDepthwise: prepared.spec.inPlaceDepthwise,
    },
    headroom: prepared.spec.headroom,
    origin,
  });
}
