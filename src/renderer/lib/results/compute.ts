// The page's side of the results worker: plot data and table orders for the open session, computed in the worker
// (or, where workers are unavailable, here, one step at a time). One worker serves the app; loading a session
// replaces the one it held.
import { buildPlotData, rowLookup, type PlotData, type PlotOptions } from '../plots/model';
import { rowOrder, type RowFilter, type RowSort } from './order';
import type { FromResultsWorker, PlotPayload, ToResultsWorker, WorkerTable } from './protocol';

export interface ResultsCompute {
  /** Plot data of the table, built off the main thread. */
  plot(options: PlotOptions): Promise<PlotData>;
  /** The rows shown by the table, filtered and sorted off the main thread. */
  order(sort: RowSort, filter: RowFilter): Promise<Uint32Array>;
}

let worker: Worker | null | undefined;
let nextId = 1;
let nextTable = 1;
const pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();

function sharedWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = typeof Worker === 'function' ? new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'frontier-results' }) : null;
  } catch {
    worker = null;
  }
  if (worker) {
    worker.onmessage = (event: MessageEvent<FromResultsWorker>) => {
      const message = event.data;
      const waiting = pending.get(message.id);
      if (!waiting) return;
      pending.delete(message.id);
      if (message.type === 'error') waiting.reject(new Error(message.message));
      else waiting.resolve((message.type === 'plot' ? message.data : message.rows) as never);
    };
    worker.onerror = () => {
      // The worker could not start (a blocked script): compute on the page from now on.
      for (const waiting of pending.values()) waiting.reject(new Error('the results worker stopped'));
      pending.clear();
      worker = null;
    };
  }
  return worker;
}

function ask<T>(w: Worker, message: ToResultsWorker & { id: number }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    pending.set(message.id, { resolve: resolve as (value: never) => void, reject });
    w.postMessage(message);
  });
}

/** Next turn of the event loop: inline work is split into separate tasks. */
const yieldTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export function createCompute(table: WorkerTable & { idx: ArrayLike<number> }): ResultsCompute {
  const w = sharedWorker();
  const id = nextTable++;
  let rowOf: ((idx: number) => number) | null = null;
  const lookup = (): ((idx: number) => number) => (rowOf ??= rowLookup(table.idx));
  const withLookup = (data: PlotPayload): PlotData => ({ ...data, rowOf: lookup() });
  if (w) {
    const columns: WorkerTable = { ...table };
    w.postMessage({ type: 'load', table: id, columns } satisfies ToResultsWorker);
  }
  const inline = {
    async plot(options: PlotOptions): Promise<PlotData> {
      await yieldTask();
      return buildPlotData(table, options);
    },
    async order(sort: RowSort, filter: RowFilter): Promise<Uint32Array> {
      await yieldTask();
      return rowOrder(table, sort, filter);
    },
  };
  return {
    async plot(options) {
      const current = worker;
      if (!current) return inline.plot(options);
      try {
        return withLookup(await ask<PlotPayload>(current, { type: 'plot', id: nextId++, table: id, options }));
      } catch (error) {
        if (worker === null) return inline.plot(options);
        throw error;
      }
    },
    async order(sort, filter) {
      const current = worker;
      if (!current) return inline.order(sort, filter);
      try {
        return await ask<Uint32Array>(current, { type: 'order', id: nextId++, table: id, sort, filter });
      } catch (error) {
        if (worker === null) return inline.order(sort, filter);
        throw error;
      }
    },
  };
}
