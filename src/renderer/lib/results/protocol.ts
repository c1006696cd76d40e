// Messages between the page and its results worker (worker.ts), which builds plot data and table orders off the
// page's main thread. Every answer names the request it answers.
import type { PlotData, PlotOptions, PlotTable } from '../plots/model';
import type { OrderTable, RowFilter, RowSort } from './order';

export type WorkerTable = PlotTable & OrderTable;

/** Plot data as it crosses threads: everything but the idx → row lookup, which the page rebuilds. */
export type PlotPayload = Omit<PlotData, 'rowOf'>;

export type ToResultsWorker =
  | { type: 'load'; table: number; columns: WorkerTable }
  | { type: 'plot'; id: number; table: number; options: PlotOptions }
  | { type: 'order'; id: number; table: number; sort: RowSort; filter: RowFilter };

export type FromResultsWorker =
  | { type: 'plot'; id: number; data: PlotPayload }
  | { type: 'order'; id: number; rows: Uint32Array }
  | { type: 'error'; id: number; message: string };

/** The buffers of plot data, to transfer rather than copy. */
export function plotBuffers(data: PlotPayload): ArrayBuffer[] {
  return [data.xs, data.ys, data.category, data.color, data.marker, data.order, data.front, data.step.x, data.step.y].map((a) => a.buffer as ArrayBuffer);
}
