// Worker thread: analyses batches of a sweep with the shared BatchAnalyser and posts columns back (transferred).
import { parentPort } from 'node:worker_threads';
import { BatchAnalyser, columnBuffers } from '../../shared/sweep/batch';
import type { FromWorker, ToWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('the sweep worker must run in a worker thread');

let analyser: BatchAnalyser | null = null;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

port.on('message', (message: ToWorker) => {
  try {
    if (message.type === 'init') {
      analyser = new BatchAnalyser(message.job);
      post({ type: 'ready', seq: message.seq });
      return;
    }
    if (!analyser) throw new Error('batch before init');
    let last = performance.now();
    const columns = analyser.run(message.start, message.end, (done) => {
      const now = performance.now();
      if (now - last >= 100) {
        last = now;
        post({ type: 'progress', seq: message.seq, done });
      }
    });
    post({ type: 'result', seq: message.seq, start: message.start, end: message.end, columns }, columnBuffers(columns));
  } catch (error) {
    const e = error as Error;
    post({ type: 'error', seq: message.seq, message: e.message, stack: e.stack });
  }
});
