// Worker thread: loads one model and one data set, then runs the evaluations it is sent, one at a time, posting
// progress as the chunks go. A cancel aborts the running evaluation at its next chunk and closes the onnxruntime
// gate (nativeGate.ts), so that the owner may end the thread as soon as no native call is in flight.
import { parentPort } from 'node:worker_threads';
import type { DataSet } from './data/dataSet';
import { openDataSet } from './data/open';
import { evaluateModel } from './evaluate';
import { keyBase, modelIdentity } from './evaluationKey';
import { errorPayload, loadEvaluationModel } from './evaluationModel';
import type { FromEvaluationWorker, ToEvaluationWorker } from './evaluationProtocol';
import type { RunnableModel } from './load';
import { shareNativeGate } from './nativeGate';

const port = parentPort;
if (!port) throw new Error('the evaluation worker must run in a worker thread');

const post = (message: FromEvaluationWorker): void => port.postMessage(message);

let loaded: { model: RunnableModel; data: DataSet; calibration?: DataSet } | null = null;
let running: AbortController | null = null;

port.on('message', (message: ToEvaluationWorker) => {
  if (message.type === 'cancel') {
    running?.abort();
    return;
  }
  void handle(message).catch((error: unknown) => post({ type: 'error', seq: message.seq, error: errorPayload(error) }));
});

async function handle(message: Exclude<ToEvaluationWorker, { type: 'cancel' }>): Promise<void> {
  if (message.type === 'init') {
    shareNativeGate(message.gate);
    const model = await loadEvaluationModel(message.model, message.importOptions);
    const input = model.graph.layers.find((l) => l.type === 'Input') as { shape: number[] } | undefined;
    const data = openDataSet(message.data, { inputShape: input?.shape });
    const calibration = message.calibration === undefined ? undefined : openDataSet({ data: message.calibration }, { inputShape: input?.shape });
    loaded = { model, data, calibration };
    const key = message.key;
    const base = key ? await keyBase(key.request, model, data, key.preprocessing, (await modelIdentity(key.request.model)).hash) : undefined;
    post({ type: 'ready', seq: message.seq, source: data.source, samples: data.count, ...(base ? { base } : {}), ...(message.graph ? { graph: model.graph } : {}) });
    return;
  }
  if (!loaded) throw new Error('an evaluation before the model was loaded');
  const { seq, evaluation } = message;
  running = new AbortController();
  const started = performance.now();
  let last = 0;
  try {
    const result = await evaluateModel(loaded.model, evaluation.configuration, loaded.data, {
      preprocessing: evaluation.preprocessing,
      ...(evaluation.agreement ? { agreement: evaluation.agreement } : {}),
      ...(loaded.calibration ? { calibration: loaded.calibration } : {}),
      ...(evaluation.calibrationSamples !== undefined ? { calibrationSamples: evaluation.calibrationSamples } : {}),
      ...(evaluation.task ? { task: evaluation.task } : {}),
      ...(evaluation.topK !== undefined ? { topK: evaluation.topK } : {}),
      ...(evaluation.chunkSamples !== undefined ? { chunkSamples: evaluation.chunkSamples } : {}),
      ...(evaluation.prepared ? { onPrepared: (run) => post({ type: 'prepared', seq, run }) } : {}),
      signal: running.signal,
      onProgress: (done, total) => {
        // At most ten a second, and always the last.
        const now = performance.now();
        if (now - last < 100 && done < total) return;
        last = now;
        post({ type: 'progress', seq, done, total, seconds: (now - started) / 1000 });
      },
    });
    post({ type: 'result', seq, result });
  } finally {
    running = null;
  }
}
