// Words for configurations, shared by cards, tooltips, tables and reports.
import type { SessionView } from '../../shared/api';
import type { ResultEntry } from '../../shared/sweep/summary';
import type { SweepSpec } from '../../shared/sweep/types';
import { precisionLabel } from '../../shared/analysis/precision';

/** Layers the sweep varied (channels or pruning); a `*` prune means every layer it could prune. */
export function sweptLayers(spec: SweepSpec, all: string[]): string[] {
  if (spec.prune['*']) return all;
  const named = new Set([...Object.keys(spec.channels), ...Object.keys(spec.prune)]);
  return all.filter((l) => named.has(l));
}

/** "conv1 8 / conv2 8 / INT8" */
export function configLabel(entry: Pick<ResultEntry, 'channels' | 'precision'>, layers: string[]): string {
  const parts = layers.filter((l) => entry.channels[l] !== undefined).map((l) => `${l} ${entry.channels[l]}`);
  return [...parts, precisionLabel(entry.precision)].join(' / ');
}

/** The columns a row label reads (typed columns or a JSON ResultTable). */
export interface LabelTable {
  layers: readonly string[];
  channels: readonly ArrayLike<number>[];
  precisions: readonly string[];
  precision: ArrayLike<number>;
}

/** The same label for row k of a result table. */
export function rowLabel(table: LabelTable, k: number, layers: string[]): string {
  const channels: Record<string, number> = {};
  table.layers.forEach((l, i) => (channels[l] = table.channels[i][k]));
  return configLabel({ channels, precision: table.precisions[table.precision[k]] }, layers);
}

export const STATUS_TEXT = ['fits', 'does not fit', 'unsupported', 'error'];

/**
 * What the plots draw as constraints for a session: each client's deadline, each device's SRAM budget. The memory
 * axis is the model's total (parameters + activations) when every device keeps weights in SRAM with no runtime of
 * its own — then that total is what must fit — and otherwise the SRAM each configuration needs on its device, the
 * figure the SRAM line actually limits.
 */
export function constraintsOf(view: SessionView): {
  deadlines: { name: string; seconds: number }[];
  limits: { label: string; bytes: number; kind: 'sram'; device: string }[];
  memory: 'total' | 'sram';
} {
  const totalIsSram = view.devices.every((d) => d.weightsIn === 'sram' && d.runtimeRamBytes === 0);
  return {
    memory: totalIsSram ? 'total' : 'sram',
    deadlines: view.spec.clients.map((c) => ({ name: c.name, seconds: c.deadlineS })),
    limits: view.devices.map((d) => ({
      label: view.devices.length > 1 ? `SRAM ${d.id}` : 'SRAM',
      bytes: Math.floor(d.sramBytes * (1 - view.spec.headroom)),
      kind: 'sram',
      device: d.id,
    })),
  };
}
