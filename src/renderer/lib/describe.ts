// Words for configurations, shared by cards, tooltips, tables and reports.
import type { SessionView } from '../../shared/api';
import type { ResultEntry } from '../../shared/sweep/summary';
import { configVocabulary, describeConfiguration, type ConfigVocabulary } from '../../shared/sweep/describeConfig';

/** What describing this session's configurations needs (its model's layers and display names, its prune ratios). */
export function sessionWords(view: Pick<SessionView, 'graph' | 'spec'>): ConfigVocabulary {
  return configVocabulary(view.graph, view.spec);
}

/** "pruned 25 % · INT8", or the changed layers: the one form every card, table, tooltip and report uses. */
export function configLabel(entry: Pick<ResultEntry, 'channels' | 'precision'>, words: ConfigVocabulary): string {
  return describeConfiguration(entry, words);
}

/** The columns a row label reads (typed columns or a JSON ResultTable). */
export interface LabelTable {
  layers: readonly string[];
  channels: readonly ArrayLike<number>[];
  precisions: readonly string[];
  precision: ArrayLike<number>;
}

/** The same label for row k of a result table. */
export function rowLabel(table: LabelTable, k: number, words: ConfigVocabulary): string {
  const channels: Record<string, number> = {};
  table.layers.forEach((l, i) => (channels[l] = table.channels[i][k]));
  return configLabel({ channels, precision: table.precisions[table.precision[k]] }, words);
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

/**
 * What the Recent list says after a session's name: "running, 40 of 100" while it runs, else how many
 * configurations it holds. Not in parentheses: a session's name may end in "(2)" itself (an imported copy).
 */
export function recentDetail(s: { status: string; configs: number; total: number }): string {
  if (s.status === 'running') return `running, ${s.configs.toLocaleString('en-US')} of ${s.total.toLocaleString('en-US')}`;
  return `${s.configs.toLocaleString('en-US')} config${s.configs === 1 ? '' : 's'}`;
}

/** A free name for a copy: "exam (2)"; a copy of "exam (2)" is "exam (3)", not "exam (2) (2)". */
export function freeSessionName(name: string, taken: ReadonlySet<string>): string {
  const base = name.replace(/ \(\d+\)$/, '');
  for (let i = 2; ; i++) if (!taken.has(`${base} (${i})`)) return `${base} (${i})`;
}
