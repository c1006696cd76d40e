// The figures of a sweep's configurations in memory, indexed by ordinal: what the fronts and the choices read.
import type { ResultColumns } from '../../shared/sweep/batch';
import type { SessionDetail, SessionStore } from '../store';
import type { Range } from '../sweep/pool';
import { paretoFlags } from '../../shared/pareto';
import { CONFIG_STATUSES } from '../../shared/sweep/types';

const OK = CONFIG_STATUSES.indexOf('ok');

/** The FRONT_* bits of every configuration of the table (feasible = status ok). */
export function frontFlags(table: SweepTable): Uint8Array {
  const feasible = new Uint8Array(table.total);
  for (let i = 0; i < table.total; i++) feasible[i] = table.status[i] === OK ? 1 : 0;
  return paretoFlags({ accuracy: table.accuracy, latency: table.latency, memory: table.totalBytes, feasible });
}

/** The figures of every stored configuration, indexed by ordinal; status 255 = not stored. */
export class SweepTable {
  readonly status: Uint8Array;
  readonly accuracy: Float64Array;
  readonly latency: Float64Array;
  readonly totalBytes: Float64Array;
  readonly sramBytes: Float64Array;
  /** Parameters and MACs too, when asked for (what the app shows besides the fronts' figures). */
  readonly params: Float64Array | null;
  readonly macs: Float64Array | null;
  /** With measured accuracy: per ordinal, the measured value (NaN until measured) and the predicted one. */
  accuracyMeasured: Float64Array | null = null;
  accuracyPredicted: Float64Array | null = null;

  constructor(
    readonly total: number,
    sizes = false,
  ) {
    this.status = new Uint8Array(total).fill(255);
    this.accuracy = new Float64Array(total);
    this.latency = new Float64Array(total);
    this.totalBytes = new Float64Array(total);
    this.sramBytes = new Float64Array(total);
    this.params = sizes ? new Float64Array(total) : null;
    this.macs = sizes ? new Float64Array(total) : null;
  }

  add(
    c: Pick<ResultColumns, 'idx' | 'status' | 'accuracy' | 'latencyS' | 'totalBytes' | 'sramBytes' | 'count'> &
      Partial<Pick<ResultColumns, 'params' | 'macs'>>,
  ): void {
    const n = c.count ?? c.idx.length;
    for (let k = 0; k < n; k++) {
      const i = c.idx[k];
      this.status[i] = c.status[k];
      this.accuracy[i] = c.accuracy[k];
      this.latency[i] = c.latencyS[k];
      this.totalBytes[i] = c.totalBytes[k];
      this.sramBytes[i] = c.sramBytes[k];
    }
    const { params, macs } = this;
    if (params && macs && c.params && c.macs) {
      for (let k = 0; k < n; k++) {
        const i = c.idx[k];
        params[i] = c.params[k];
        macs[i] = c.macs[k];
      }
    }
  }

  /** Ordinal ranges not stored yet. */
  missing(): Range[] {
    const ranges: Range[] = [];
    let start = -1;
    for (let i = 0; i <= this.total; i++) {
      const absent = i < this.total && this.status[i] === 255;
      if (absent && start < 0) start = i;
      if (!absent && start >= 0) {
        ranges.push({ start, end: i });
        start = -1;
      }
    }
    return ranges;
  }
}

/** The table of a stored session, filled from its rows (with parameters and MACs too when `sizes`). */
export function readSweepTable(store: SessionStore, session: SessionDetail, sizes = false): SweepTable {
  const table = new SweepTable(session.total, sizes);
  const columns = ['status', 'accuracy', 'latencyS', 'totalBytes', 'sramBytes'] as const;
  table.add({ ...store.readResultColumns(session.id, sizes ? [...columns, 'params', 'macs'] : [...columns]) });
  return table;
}
