// One configuration's files for the board: the TFLM header, the Keras architecture.
import type { DeviceProfile } from '../../shared/devices';
import { configurationArtifact, type ArtifactFormat } from '../../shared/export/artifacts';
import type { SessionStore } from '../store';
import type { ChosenOptions } from './exportChosen';
import { selectConfiguration } from './exportSelection';

/** The TFLM header or Keras JSON of a client's choice (`bestClient`) or a stored configuration (`config`). */
export function exportArtifact(store: SessionStore, name: string, format: ArtifactFormat, options: ChosenOptions): string {
  const { prepared, settings, origin } = selectConfiguration(store, name, `a ${format} file`, options);
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
