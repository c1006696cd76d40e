// Worker thread: parses large request bodies and uploaded model files, and runs calibrations (a second's work for
// 1,000 measurements), off the web host's event loop.
import { randomUUID } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { analyze } from '../../shared/analysis/analyze';
import type { Method } from '../../shared/api';
import { nativeToGraph } from '../../shared/model/native';
import { errorPayload } from '../services/errorPayload';
import { readModelBytes } from '../import/loadModelFile';
import { calibrateInApp } from '../services/calibration';
import { parseRequestBody } from './requestBody';
import { UPLOAD_HANDLE_PREFIX, type ToParseWorker } from './parseProtocol';
import { loadedFields } from '../services/loadedModel';

/**
 * Uploaded model files stay here, decoded, between parsing the body of a model.load and parsing the model: the
 * parameters that go back to the event loop carry a handle in place of the base64 text, so a large upload is
 * never copied through it. Unclaimed uploads (a model.load that named a preset as well) are dropped after a while.
 */
const uploads = new Map<string, { bytes: Buffer; timer: NodeJS.Timeout }>();
const KEEP_UPLOADS = 4;
const UPLOAD_TTL_MS = 120_000;
/** Smaller uploads go back as they are: copying them costs less than a round trip. */
const HANDLE_FROM_CHARS = 1024 * 1024;

function keepUpload(base64: string): string {
  const handle = `${UPLOAD_HANDLE_PREFIX}${randomUUID()}`;
  const timer = setTimeout(() => uploads.delete(handle), UPLOAD_TTL_MS);
  timer.unref();
  uploads.set(handle, { bytes: Buffer.from(base64, 'base64'), timer });
  for (const [old, entry] of uploads) {
    if (uploads.size <= KEEP_UPLOADS) break;
    clearTimeout(entry.timer);
    uploads.delete(old);
  }
  return handle;
}

function takeUpload(base64: string): Buffer {
  const kept = base64.startsWith(UPLOAD_HANDLE_PREFIX) ? uploads.get(base64) : undefined;
  if (!kept) return Buffer.from(base64, 'base64');
  clearTimeout(kept.timer);
  uploads.delete(base64);
  return kept.bytes;
}

const port = parentPort;
if (!port) throw new Error('the parse worker must run in a worker thread');

port.on('message', async (message: ToParseWorker) => {
  if (message.type === 'body') {
    const parsed = parseRequestBody(message.method as Method, new Uint8Array(message.bytes));
    const file = parsed.ok && message.method === 'model.load' ? (parsed.params as { file?: { base64: string } }).file : undefined;
    if (file && file.base64.length >= HANDLE_FROM_CHARS) file.base64 = keepUpload(file.base64);
    port.postMessage({ id: message.id, type: 'body', parsed });
    return;
  }
  if (message.type === 'calibrate') {
    try {
      const report = await calibrateInApp(message.params, message.board);
      port.postMessage({ id: message.id, type: 'calibrate', ok: true, report });
    } catch (error) {
      port.postMessage({ id: message.id, type: 'calibrate', ok: false, error: errorPayload(error) });
    }
    return;
  }
  if (message.type === 'analyze') {
    try {
      port.postMessage({ id: message.id, type: 'analyze', ok: true, report: analyze(nativeToGraph(message.graph, 'model'), message.request) });
    } catch (error) {
      port.postMessage({ id: message.id, type: 'analyze', ok: false, error: errorPayload(error) });
    }
    return;
  }
  try {
    const upload = takeUpload(message.base64);
    const graph = await readModelBytes(upload, message.name, message.options);
    // The file's bytes go back too (moved, not copied: a copy of their own, as a decoded Buffer may share a pool),
    // to be kept in the database: the event loop only ever held a handle for a large upload.
    const bytes = new Uint8Array(upload);
    port.postMessage({ id: message.id, type: 'model', ok: true, loaded: loadedFields(graph), bytes }, [bytes.buffer]);
  } catch (error) {
    port.postMessage({ id: message.id, type: 'model', ok: false, error: errorPayload(error) });
  }
});
