// From a sweep spec (or a stored session) to everything the workers and the finishing steps need.
import type { DeviceProfile } from '../../shared/devices';
import { applyChannelEdits } from '../../shared/model/edit';
import type { ModelGraph } from '../../shared/model/types';
import { UsageError } from '../../shared/cli/valueList';
import type { SweepJob } from '../../shared/sweep/batch';
import {
  buildSpace,
  channelTargets,
  decode,
  spaceContext,
  type Configuration,
  type DesignSpace,
  type SpaceContext,
} from '../../shared/sweep/space';
import type { ConfigurationSettings } from '../../shared/sweep/summary';
import type { SweepSpec } from '../../shared/sweep/types';
export type { ConfigurationSettings };
import { resolveDevice, resolveModel } from './resolve';

export interface PreparedSweep {
  spec: SweepSpec;
  graph: ModelGraph;
  /** Profiles in design-space order (the device dimension's values are their ids). */
  devices: DeviceProfile[];
  ctx: SpaceContext;
  space: DesignSpace;
  job: SweepJob;
}

/** Builds a sweep from its parts (used for new sweeps and, with the stored graph and profiles, for resumes). */
export function prepareFrom(spec: SweepSpec, graph: ModelGraph, profiles: DeviceProfile[]): PreparedSweep {
  const ids = profiles.map((d) => d.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new UsageError(`two device profiles have the id "${duplicate}"; give each device its own id`);
  for (const client of spec.clients) {
    if (client.device && !ids.includes(client.device)) {
      throw new UsageError(
        `client ${client.name} runs on "${client.device}", which is not a device of this sweep (${ids.join(', ')})`,
      );
    }
  }
  const ctx = spaceContext(graph);
  const space = buildSpace({ ...spec, devices: ids }, ctx);
  const job: SweepJob = {
    graph,
    devices: profiles,
    spec: { memoryModel: spec.memoryModel, biasMode: spec.biasMode, headroom: spec.headroom, accuracy: spec.accuracy },
    space,
    ctx,
  };
  return { spec, graph, devices: profiles, ctx, space, job };
}

export async function prepareSweep(spec: SweepSpec): Promise<PreparedSweep> {
  const graph = await resolveModel(spec.model);
  const profiles = spec.devices.map(resolveDevice);
  if (profiles.length === 0) throw new UsageError('a sweep needs at least one device (--device)');
  return prepareFrom(spec, graph, profiles);
}


export function describeConfiguration(prepared: PreparedSweep, ordinal: number): ConfigurationSettings & { config: Configuration } {
  const config = decode(prepared.space, ordinal);
  const channels: Record<string, number> = Object.fromEntries(prepared.ctx.editable);
  try {
    const targets = Object.fromEntries(channelTargets(config, prepared.ctx));
    const { graph } = applyChannelEdits(prepared.graph, { channels: targets });
    for (const layer of graph.layers) {
      if (layer.type === 'Dense') channels[layer.name] = layer.units;
      else if (layer.type === 'Conv2D' || layer.type === 'SeparableConv2D') channels[layer.name] = layer.filters;
    }
  } catch {
    Object.assign(channels, Object.fromEntries(channelTargets(config, prepared.ctx)));
  }
  return { channels, precision: config.precision, device: config.device, config };
}
