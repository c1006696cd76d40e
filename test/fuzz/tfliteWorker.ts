// The fuzz cases, imported and analysed in a worker thread, so that the test can stop a case that runs too long and
// bound the memory any case may take. Reports every case's start and outcome to the test.
import { parentPort, workerData } from 'node:worker_threads';
import { parseModelBytes } from '../../src/main/import/loadModelFile';
import { analyze } from '../../src/shared/analysis/analyze';
import { MEMORY_MODELS } from '../../src/shared/analysis/memory';
import { ModelError } from '../../src/shared/model/types';
import { tfliteFuzzCases } from './tfliteCases';

export type FuzzMessage =
  | { type: 'start'; index: number; name: string }
  | { type: 'done'; index: number; outcome: 'imported' | 'refused'; message?: string }
  | { type: 'bad'; index: number; name: string; problem: string }
  | { type: 'end' };

const { seed, count } = workerData as { seed: number; count: number };
const post = (message: FuzzMessage): void => parentPort?.postMessage(message);

const wholeNumber = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function absurdity(name: string, bytes: Uint8Array): string | null {
  const graph = parseModelBytes(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name);
  for (const memoryModel of MEMORY_MODELS) {
    const r = analyze(graph, { memoryModel });
    const figures = { params: r.params, paramBytes: r.paramBytes, macs: r.macs, flops: r.flops, peak: r.peakActivationBytes, total: r.totalBytes };
    for (const [key, value] of Object.entries(figures)) {
      if (!wholeNumber(value)) return `${memoryModel}: ${key} is ${value}`;
    }
    for (const layer of r.layers) {
      if (![layer.params, layer.macs, layer.activationBytes, layer.weightBytes].every(wholeNumber)) return `${memoryModel}: layer ${layer.name} has impossible figures`;
    }
  }
  return null;
}

let index = 0;
for (const c of tfliteFuzzCases(seed, count)) {
  post({ type: 'start', index, name: c.name });
  try {
    const problem = absurdity(c.name, c.bytes);
    if (problem) post({ type: 'bad', index, name: c.name, problem: `imported with absurd figures: ${problem}` });
    else post({ type: 'done', index, outcome: 'imported' });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof ModelError)) {
      post({ type: 'bad', index, name: c.name, problem: `crashed: ${err instanceof Error ? err.stack : message}` });
    } else if (!message.startsWith(`${c.name}: `) || message.length < c.name.length + 12) {
      post({ type: 'bad', index, name: c.name, problem: `an error that does not name the file and the problem: ${message}` });
    } else {
      post({ type: 'done', index, outcome: 'refused', message: message.slice(c.name.length + 2) });
    }
  }
  index++;
}
post({ type: 'end' });
