// What the tooltip says about one configuration: its settings and its figures, formatted as everywhere else.
import { count, duration, kibLabel, millions, percent } from '../../../shared/format';
import type { LatencyBandFactors } from '../../../shared/latency/model';
import { CATEGORY_NAMES, EXCLUDED } from './model';

export interface PointDescription {
  idx: number;
  /** Channels per layer and the precision: "conv1 8 · conv2 8 · INT8". */
  title: string;
  /** Label and value, in display order. */
  lines: [label: string, value: string][];
  /** On the front, dominated, does not fit…, with the stored message when there is one. */
  status: string;
}

const STATUS_WORDS = ['ok', 'does not fit', 'unsupported', 'error'];

/** The columns a tooltip reads: a session's typed columns (NaN = unknown) or a JSON ResultTable (null). */
export interface TooltipTable {
  session: string;
  idx: ArrayLike<number>;
  status: ArrayLike<number>;
  accuracy: ArrayLike<number | null>;
  latencyS: ArrayLike<number | null>;
  totalBytes: ArrayLike<number>;
  sramBytes: ArrayLike<number>;
  params: ArrayLike<number>;
  macs: ArrayLike<number>;
  precision: ArrayLike<number>;
  device: ArrayLike<number>;
  precisions: readonly string[];
  devices: readonly string[];
  /** Per device: the factors of its latency band. */
  deviceBands?: readonly LatencyBandFactors[];
  layers: readonly string[];
  channels: readonly ArrayLike<number>[];
  messages: Record<string, string>;
}

/** A figure or null: NaN and absent values are unknown. */
const known = (v: number | null | undefined): number | null => (v === null || v === undefined || Number.isNaN(v) ? null : v);

/** The latency with the band its device's profile earned: "14.7 ms (13.5–16.0 ms, 80 %)". */
function latencyWithBand(table: TooltipTable, row: number): string {
  const latency = known(table.latencyS[row]);
  const band = table.deviceBands?.[table.device[row]];
  if (latency === null || !band || band.highFactor <= band.lowFactor) return duration(latency);
  return `${duration(latency)} (${duration(latency * band.lowFactor)}–${duration(latency * band.highFactor)}, 80 %)`;
}

/** Describes row `row` of `table`; `category` (from the plot data) tells front from dominated. */
export function describePoint(table: TooltipTable, row: number, category?: number): PointDescription {
  const idx = table.idx[row];
  const settings = table.layers.map((layer, l) => `${layer} ${table.channels[l]?.[row] ?? '?'}`);
  const precision = table.precisions[table.precision[row]] ?? '?';
  settings.push(precision.toUpperCase());
  const accuracy = table.accuracy[row];
  const lines: [string, string][] = [
    ['device', table.devices[table.device[row]] ?? '?'],
    ['accuracy', percent(known(accuracy))],
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
  return { idx, title: settings.join(' · '), lines, status };
}
