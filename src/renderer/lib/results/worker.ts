// The results worker: holds the open session's columns and answers plot-data and row-order requests, so a session
// of hundreds of thousands of configurations is prepared, sorted and filtered without stalling the page.
import { buildPlotData } from '../plots/model';
import { rowOrder } from './order';
import { plotBuffers, type FromResultsWorker, type ToResultsWorker, type WorkerTable } from './protocol';

interface Scope {
  onmessage: ((event: MessageEvent<ToResultsWorker>) => void) | null;
  postMessage(message: FromResultsWorker, transfer?: Transferable[]): void;
}
const scope = self as unknown as Scope;

let loaded: { id: number; columns: WorkerTable } | null = null;

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'load') {
    loaded = { id: message.table, columns: message.columns };
    return;
  }
  try {
    if (!loaded || loaded.id !== message.table) throw new Error('that session is no longer open');
    if (message.type === 'plot') {
      const { rowOf: _rowOf, ...data } = buildPlotData(loaded.columns, message.options);
      void _rowOf;
      scope.postMessage({ type: 'plot', id: message.id, data }, plotBuffers(data));
    } else {
      const rows = rowOrder(loaded.columns, message.sort, message.filter);
      scope.postMessage({ type: 'order', id: message.id, rows }, [rows.buffer as ArrayBuffer]);
    }
  } catch (error) {
    scope.postMessage({ type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) });
  }
};
