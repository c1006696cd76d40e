// Worker thread of the fuzz run: runs the cases it is given and reports each outcome as it goes, so the parent can
// tell which case hung or blew the heap when this thread stops answering or dies.
import { parentPort } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { loadHdf5 } from '../../src/main/import/loadModelFile';
import { caseSeed, loadFormats, rngFor, runCase, type Outcome } from './harness';

export interface FuzzTask {
  cases: { format: string; index: number }[];
  baseSeed: number;
}

export type FuzzMessage =
  | { type: 'start'; format: string; index: number }
  | { type: 'done'; format: string; index: number; outcome: Outcome; ms: number; externalBytes: number }
  | { type: 'finished' };

const port = parentPort;
if (!port) throw new Error('the fuzz worker must run in a worker thread');

port.once('message', async (task: FuzzTask) => {
  const formats = new Map((await loadFormats()).map((f) => [f.name, f]));
  // .h5 files need the HDF5 library, which loads asynchronously once; the importer itself is synchronous.
  if (task.cases.some((c) => c.format === 'keras-h5')) await loadHdf5();
  for (const { format, index } of task.cases) {
    const generator = formats.get(format);
    if (!generator) throw new Error(`no fuzz format named ${format}`);
    port.postMessage({ type: 'start', format, index } satisfies FuzzMessage);
    const bytes = generator.generate(rngFor(caseSeed(format, index, task.baseSeed)));
    const started = performance.now();
    const outcome = runCase(bytes, generator.fileName);
    const ms = performance.now() - started;
    port.postMessage({ type: 'done', format, index, outcome, ms, externalBytes: getHeapStatistics().external_memory } satisfies FuzzMessage);
  }
  port.postMessage({ type: 'finished' } satisfies FuzzMessage);
});
