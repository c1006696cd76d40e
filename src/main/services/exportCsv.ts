// Every stored result of a session as CSV, streamed in chunks so a million rows never form one string.
import type { DeviceProfile } from '../../shared/devices';
import { gridIndex } from '../../shared/sweep/space';
import { bandAround, type MeasuredModel } from '../../shared/analysis/measuredAccuracy';
import { CONFIG_STATUSES, FRONT_3D, FRONT_LATENCY, FRONT_MEMORY } from '../../shared/sweep/types';
import type { SessionDetail, SessionStore } from '../store';
import { channelsOf, type PreparedSweep } from './sweepJob';
import { requireSession } from './storedSession';
import { preparedFor } from './sweepJob';

const OK = CONFIG_STATUSES.indexOf('ok');
const NO_FIT = CONFIG_STATUSES.indexOf('no-fit');
const UNSUPPORTED = CONFIG_STATUSES.indexOf('unsupported');
const ERROR = CONFIG_STATUSES.indexOf('error');

/** One field per RFC 4180: quoted (with quotes doubled) when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const FIGURE_COLUMNS = [
  'params',
  'param_bytes',
  'peak_activation_bytes',
  'total_bytes',
  'sram_bytes',
  'macs',
  'flops',
  'latency_s',
  'accuracy',
  'fits',
  'front_3d',
  'front_latency',
  'front_memory',
  'message',
];

/** With measured accuracy only (other sessions' CSV is as it was): measured value, predicted value, its band. */
const MEASURED_COLUMNS = ['accuracy_measured', 'accuracy_predicted', 'accuracy_band_low', 'accuracy_band_high'];

/** The CSV columns of a session: the fixed ones around one `channels.<layer>` column per editable layer. */
export function csvColumns(prepared: PreparedSweep): string[] {
  const measured = prepared.spec.accuracy?.kind === 'measured' ? MEASURED_COLUMNS : [];
  return ['idx', 'status', ...[...prepared.ctx.editable.keys()].map((n) => `channels.${n}`), 'precision', 'device', ...FIGURE_COLUMNS, ...measured];
}

/**
 * Turns stored rows into CSV lines. The channel cells of a configuration depend only on its structural digits
 * (channels and prune dimensions; precision and device come last and vary fastest), so they are resolved once per
 * run of equal structure (see `channelsOf`).
 */
class CsvRows {
  private readonly names: string[];
  private readonly precisionCells: string[];
  private readonly deviceCells: string[];
  private readonly devices: DeviceProfile[];
  private readonly budgets: number[];
  /** Precision × device configurations per structure. */
  private readonly perStructure: number;
  private readonly deviceCount: number;
  private readonly precisionCount: number;
  private lastStructure = -1;
  private lastChannels = '';

  private readonly measured: MeasuredModel | null;

  constructor(private readonly prepared: PreparedSweep) {
    this.measured = prepared.spec.accuracy?.kind === 'measured' ? prepared.spec.accuracy : null;
    const dims = prepared.space.dims;
    const precisionDim = dims[dims.length - 2];
    const deviceDim = dims[dims.length - 1];
    if (precisionDim?.kind !== 'precision' || deviceDim?.kind !== 'device') {
      throw new Error('design space without precision and device as its last dimensions');
    }
    this.names = [...prepared.ctx.editable.keys()];
    this.precisionCells = precisionDim.values.map((v) => csvField(String(v)));
    const byId = new Map(prepared.devices.map((d) => [d.id, d]));
    this.devices = deviceDim.values.map((id) => byId.get(String(id)) as DeviceProfile);
    this.deviceCells = deviceDim.values.map((v) => csvField(String(v)));
    this.budgets = this.devices.map((d) => Math.floor(d.sramBytes * (1 - prepared.spec.headroom)));
    this.deviceCount = deviceDim.values.length;
    this.precisionCount = precisionDim.values.length;
    this.perStructure = this.precisionCount * this.deviceCount;
  }

  header(): string {
    return csvColumns(this.prepared).map(csvField).join(',');
  }

  /** The channel cells (joined) of the configuration at `ordinal`. */
  private channelCells(ordinal: number): string {
    const channels = channelsOf(this.prepared, ordinal);
    return this.names.map((n) => String(channels[n])).join(',');
  }

  line(
    idx: number,
    status: number,
    params: number,
    paramBytes: number,
    peak: number,
    total: number,
    sram: number,
    macs: number,
    latency: number,
    accuracy: number,
    flags: number,
    message: string | undefined,
    measured = NaN,
    predicted = NaN,
  ): string {
    const grid = gridIndex(this.prepared.space, idx);
    const structure = Math.floor(grid / this.perStructure);
    if (structure !== this.lastStructure) {
      this.lastStructure = structure;
      this.lastChannels = this.channelCells(idx);
    }
    const deviceDigit = grid % this.deviceCount;
    const precisionDigit = Math.floor(grid / this.deviceCount) % this.precisionCount;
    const statusName = CONFIG_STATUSES[status] ?? String(status);
    let figures: string;
    let fits: string;
    if (status === ERROR) {
      figures = ',,,,,,,,';
      fits = '';
    } else {
      figures =
        `${params},${paramBytes},${peak},${total},${sram},${macs},${2 * macs},` +
        `${latency === latency ? latency : ''},${accuracy === accuracy ? accuracy : ''}`;
      if (status === OK) fits = 'true';
      else if (status === NO_FIT) fits = 'false';
      else {
        // unsupported: no latency, but the memory fit is known from the stored bytes and the profile.
        const device = this.devices[deviceDigit];
        const flash = (device.weightsIn === 'sram' ? 0 : paramBytes) + device.runtimeFlashBytes;
        fits = sram <= this.budgets[deviceDigit] && flash <= device.flashBytes ? 'true' : 'false';
      }
    }
    let text = message;
    if (text === undefined && status === UNSUPPORTED) {
      text = `${this.prepared.space.dims[this.prepared.space.dims.length - 2].values[precisionDigit]} unsupported on ${this.devices[deviceDigit].id}: no latency`;
    }
    return (
      `${idx},${statusName},${this.lastChannels},${this.precisionCells[precisionDigit]},${this.deviceCells[deviceDigit]},` +
      `${figures},${fits},${flags & FRONT_3D ? 'true' : 'false'},${flags & FRONT_LATENCY ? 'true' : 'false'},` +
      `${flags & FRONT_MEMORY ? 'true' : 'false'},${text === undefined ? '' : csvField(text)}${this.measured ? `,${this.accuracyCells(measured, predicted)}` : ''}`
    );
  }

  private accuracyCells(measured: number, predicted: number): string {
    const cell = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '' : String(x));
    const band = bandAround(this.measured as MeasuredModel, Number.isNaN(predicted) ? null : predicted);
    return `${cell(measured)},${cell(predicted)},${cell(band?.low)},${cell(band?.high)}`;
  }
}

export interface CsvOptions {
  /** Only the 3-D Pareto front. */
  front?: boolean;
  /** Rows per chunk (default 8192). */
  rowsPerChunk?: number;
}

/**
 * The CSV of a session as chunks of whole lines, joined by `\n` and without the final line break: the header first,
 * then `rowsPerChunk` configurations per chunk in idx order. Rows are read as columns (one read transaction);
 * each chunk is built with one array join, so memory stays at the columns plus one chunk of text.
 */
export function csvChunks(store: SessionStore, name: string, options: CsvOptions = {}): Generator<string> {
  // The session is looked up now, so an unknown name fails before anything is written.
  const session = requireSession(store, name);
  const rows = new CsvRows(preparedFor(store, session));
  return csvLines(store, session, rows, options);
}

function* csvLines(store: SessionStore, session: SessionDetail, rows: CsvRows, options: CsvOptions): Generator<string> {
  const size = Math.max(1, options.rowsPerChunk ?? 8192);
  yield rows.header();
  if (options.front) {
    const front = store.readResults(session.id, { frontOnly: FRONT_3D });
    for (let start = 0; start < front.length; start += size) {
      const lines: string[] = [];
      for (const r of front.slice(start, start + size)) {
        lines.push(
          rows.line(
            r.idx,
            CONFIG_STATUSES.indexOf(r.status),
            r.params,
            r.paramBytes,
            r.peakActivationBytes,
            r.totalBytes,
            r.sramBytes,
            r.macs,
            r.latencyS ?? NaN,
            r.accuracy ?? NaN,
            r.flags,
            r.message,
            r.accuracyMeasured ?? NaN,
            r.accuracyPredicted ?? (r.accuracyMeasured === undefined ? (r.accuracy ?? NaN) : NaN),
          ),
        );
      }
      yield lines.join('\n');
    }
    return;
  }
  const c = store.readResultColumns(session.id);
  const messages = store.readMessages(session.id);
  for (let start = 0; start < c.count; start += size) {
    const end = Math.min(c.count, start + size);
    const lines: string[] = new Array(end - start);
    for (let k = start; k < end; k++) {
      const idx = c.idx[k];
      lines[k - start] = rows.line(
        idx,
        c.status[k],
        c.params[k],
        c.paramBytes[k],
        c.peakActivationBytes[k],
        c.totalBytes[k],
        c.sramBytes[k],
        c.macs[k],
        c.latencyS[k],
        c.accuracy[k],
        c.flags[k],
        messages.get(idx),
        c.accuracyMeasured[k],
        // NULL predicted and not measured: the prediction is the stored accuracy (see finishMeasured).
        Number.isNaN(c.accuracyPredicted[k]) && Number.isNaN(c.accuracyMeasured[k]) ? c.accuracy[k] : c.accuracyPredicted[k],
      );
    }
    yield lines.join('\n');
  }
}

/** The whole CSV as one string (header, one line per configuration, each ending in `\n`). */
export function exportCsv(store: SessionStore, name: string, options: CsvOptions = {}): string {
  const parts: string[] = [];
  for (const chunk of csvChunks(store, name, options)) parts.push(chunk, '\n');
  return parts.join('');
}
