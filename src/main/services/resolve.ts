// Turns what a user names (a preset id or a file; a device id or a device file) into a graph or a profile.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseDeviceProfile, unknownDeviceMessage } from '../../shared/deviceProfile';
import { findBuiltinDevice, type DeviceProfile } from '../../shared/devices';
import { splitCombinedId, withRuntime } from '../../shared/latency/runtimes';
import type { ImportOptions } from '../../shared/model/importOptions';
import type { ModelGraph } from '../../shared/model/types';
import { findPreset, presetIds } from '../../shared/presets';
import { UsageError } from '../../shared/cli/valueList';
import { loadModelFile } from '../import/loadModelFile';
import { readJsonFile } from '../files/jsonFile';

export async function resolveModel(ref: string, options: ImportOptions = {}): Promise<ModelGraph> {
  const preset = findPreset(ref);
  if (preset) return preset.build();
  if (!existsSync(ref)) {
    throw new UsageError(
      `model "${ref}" is neither a preset (${presetIds().join(', ')}) nor a file that exists`,
    );
  }
  return loadModelFile(ref, options);
}

export function resolveDevice(ref: string): DeviceProfile {
  const builtin = findBuiltinDevice(ref);
  if (builtin) return builtin;
  if (existsSync(ref)) return parseDeviceProfile(readJsonFile(ref, '--device'), basename(ref));
  // `board+runtime`: a board under a built-in runtime, as sweeps name their devices.
  const combined = splitCombinedId(ref);
  if (combined) return withRuntime(resolveDevice(combined.board), combined.runtime);
  throw new UsageError(unknownDeviceMessage(ref));
}
