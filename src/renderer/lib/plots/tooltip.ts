// What the tooltip says about one configuration: its settings and its figures, formatted as everywhere else.
import { count, duration, kibLabel, millions, percent } from '../../../shared/format';
import { CATEGORY_NAMES, EXCLUDED } from './model';
import { describeConfiguration, plainVocabulary, type ConfigVocabulary } from '../../../shared/sweep/describeConfig';
import type { ResultColumnsLike } from '../results/columns';
import { accuracySourceOf, accuracySourceText } from '../results/accuracySource';

export interface PointDescription {
  idx: number;
  /** The configuration as the table and cards describe it: "pruned 25 % · INT8", "conv1 8 · INT8". */
  title: string;
  /** Label and value, in display order. */
  lines: [label: string, value: string][];
  /** On the front, dominated, does not fit…, with the stored message when there is one. */
  status: string;
}

const STATUS_WORDS = ['ok', 'does not fit', 'unsupported', 'error'];

/** The columns a tooltip reads (see ResultColumnsLike). */
export type TooltipTable = Pick<
  ResultColumnsLike,
  'session'
  | 'idx'
  | 'status'
  | 'accuracy'
  | 'latencyS'
  | 'totalBytes'
  | 'sramBytes'
  | 'params'
  | 'macs'
  | 'precision'
  | 'device'
  | 'precisions'
  | 'devices'
  | 'deviceBands'
  | 'layers'
  | 'channels'
  | 'messages'
  | 'accuracyMeasured'
  | 'accuracyPredicted'
  | 'measuredAccuracy'
>;

/** A figure or null: NaN and absent values are unknown. */
const known = (v: number | null | undefined): number | null => (v === null || v === undefined || Number.isNaN(v) ? null : v);

/** The latency with the band its device's profile earned: "14.7 ms (13.5–16.0 ms, 80 %)". */
function latencyWithBand(table: TooltipTable, row: number): string {
  const latency = known(table.latencyS[row]);
  const band = table.deviceBands?.[table.device[row]];
  if (latency === null || !band || band.highFactor <= band.lowFactor) return duration(latency);
  return `${duration(latency)} (${duration(latency * band.lowFactor)}–${duration(latency * band.highFactor)}, 80 %)`;
}

/** The accuracy, and with measured accuracy whether it was measured or predicted (with its band). */
function accuracyWithSource(table: TooltipTable, row: number): string {
  const accuracy = known(table.accuracy[row]);
  if (!table.accuracyMeasured) return percent(accuracy);
  const source = accuracySourceOf(table.accuracyMeasured[row], table.accuracyPredicted?.[row], accuracy, table.measuredAccuracy?.bandHalfWidth);
  return source ? accuracySourceText(source) : percent(accuracy);
}

/** Describes row `row` of `table`; `category` (from the plot data) tells front from dominated. */
export function describePoint(table: TooltipTable, row: number, category?: number, words?: ConfigVocabulary): PointDescription {
  const idx = table.idx[row];
  const precision = table.precisions[table.precision[row]] ?? '?';
  const channels: Record<string, number> = {};
  table.layers.forEach((layer, l) => (channels[layer] = table.channels[l]?.[row]));
  const title = describeConfiguration({ channels, precision }, words ?? plainVocabulary([...table.layers]));
  const lines: [string, string][] = [
    ['device', table.devices[table.device[row]] ?? '?'],
    ['accuracy', accuracyWithSource(table, row)],
    ['latency', latencyWithBand(table, row)],
    ['memory', kibLabel(table.totalBytes[row])],
    ['SRAM', kibLabel(table.sramBytes[row])],
    ['params', count(table.params[row])],
    ['MACs', millions(table.macs[row])],
  ];
  const code = table.status[row];
  let status = code === 0 && category !== undefined && category !== EXCLUDED ? (CATEGORY_NAMES[category] === 'front' ? 'on the front' : 'dominated') : (STATUS_WORDS[code] ?? 'unknown');
  const message = table.messages[String(idx)];
  if (message) status += `: ${message}`;
  return { idx, title, lines, status };
}
