// From a sweep spec (or a stored session) to everything the workers and the finishing steps need.
import { withWeightsIn, type DeviceProfile } from '../../shared/devices';
import { boardIdOf, expandRuntimes } from '../../shared/latency/runtimes';
import { channelGroups, type ChannelGroup } from '../../shared/model/edit';
import type { ModelGraph } from '../../shared/model/types';
import { UsageError } from '../../shared/cli/valueList';
import type { SweepJob } from '../../shared/sweep/batch';
import {
  buildSpace,
  channelTargets,
  decode,
  spaceContext,
  type DesignSpace,
  type SpaceContext,
} from '../../shared/sweep/space';
import type { ConfigurationSettings } from '../../shared/sweep/summary';
import type { SweepSpec } from '../../shared/sweep/types';
export type { ConfigurationSettings };
import type { SessionDetail, SessionStore } from '../store';
import { resolveDevice, resolveModel } from './resolve';

export interface PreparedSweep {
  spec: SweepSpec;
  graph: ModelGraph;
  /** Profiles in design-space order (the device dimension's values are their ids). */
  devices: DeviceProfile[];
  ctx: SpaceContext;
  space: DesignSpace;
  job: SweepJob;
  /** Editable layer → the Add group that ties its channels to others (absent when untied). */
  groupOf: Map<string, ChannelGroup>;
}

/** Builds a sweep from its parts (used for new sweeps and, with the stored graph and profiles, for resumes). */
export function prepareFrom(spec: SweepSpec, graph: ModelGraph, given: DeviceProfile[]): PreparedSweep {
  // A runtime is a dimension like the device: each board runs under each runtime named, as its own profile.
  const profiles = expandRuntimes(given, spec.runtimes).map((p) => withWeightsIn(p, spec.weightsIn));
  const ids = profiles.map((d) => d.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new UsageError(`two device profiles have the id "${duplicate}"; give each device its own id`);
  const boards = profiles.map(boardIdOf);
  for (const client of spec.clients) {
    if (client.device && !ids.includes(client.device) && !boards.includes(client.device)) {
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
    spec: {
      memoryModel: spec.memoryModel,
      biasMode: spec.biasMode,
      headroom: spec.headroom,
      accuracy: spec.accuracy,
      inPlaceDepthwise: spec.inPlaceDepthwise,
    },
    space,
    ctx,
  };
  const groupOf = new Map<string, ChannelGroup>();
  for (const group of channelGroups(graph)) for (const m of group.members) groupOf.set(m, group);
  return { spec, graph, devices: profiles, ctx, space, job, groupOf };
}

/** The sweep of a stored session, rebuilt from its stored spec, model and device profiles (resume, summary, exports). */
export function preparedFor(store: SessionStore, session: SessionDetail): PreparedSweep {
  const stored = store.getModel(session.modelId);
  if (!stored) throw new Error(`session "${session.name}": its model is missing from the database`);
  return prepareFrom(session.spec, stored.graph, session.deviceProfiles.map((d) => d.profile));
}

/** Resolves the spec's model (unless it is already loaded) and devices. */
export async function prepareSweep(spec: SweepSpec, loaded?: ModelGraph): Promise<PreparedSweep> {
  const graph = loaded ?? (await resolveModel(spec.model, spec.import));
  const profiles = spec.devices.map(resolveDevice);
  if (profiles.length === 0) throw new UsageError('a sweep needs at least one device (--device)');
  return prepareFrom(spec, graph, profiles);
}

/**
 * Every editable layer's channel count in the configuration at `ordinal`: its targets, spread over Add groups as
 * `applyChannelEdits` does, the other layers at their original counts. A structure the edit rules refuse (an
 * `error` row) is described through `applyChannelEdits`'s own fallback: the targets as asked.
 */
export function channelsOf(prepared: PreparedSweep, ordinal: number): Record<string, number> {
  const config = decode(prepared.space, ordinal);
  const targets = channelTargets(config, prepared.ctx);
  const channels: Record<string, number> = Object.fromEntries(prepared.ctx.editable);
  const original = prepared.ctx.editable;
  const final = new Map<string, number>();
  let refused = false;
  for (const [name, value] of targets) {
    const group = prepared.groupOf.get(name);
    if (group?.fixedBy && original.get(name) !== value) refused = true;
    for (const member of group ? group.members : [name]) {
      if (final.has(member) && final.get(member) !== value) refused = true;
      final.set(member, value);
    }
  }
  for (const [name, value] of refused ? targets : final) channels[name] = value;
  return channels;
}

export function describeConfiguration(prepared: PreparedSweep, ordinal: number): ConfigurationSettings {
  const config = decode(prepared.space, ordinal);
  const runtime = prepared.devices.find((d) => d.id === config.device)?.runtime;
  return {
    channels: channelsOf(prepared, ordinal),
    precision: config.precision,
    device: config.device,
    ...(runtime ? { runtime: runtime.id } : {}),
  };
}
