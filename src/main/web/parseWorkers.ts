// The web host's parse worker: large request bodies and uploaded model files are parsed in a worker thread, so
// one large or hostile request never holds the event loop every other request needs. A parse that runs too long,
// or exhausts the worker's heap, ends the worker (a new one starts for the next request) and fails only its own
// request.
import { Worker } from 'node:worker_threads';
import { analyze, type AnalysisReport, type AnalysisRequest } from '../../shared/analysis/analyze';
import type { ApiErrorPayload, CalibrateParams } from '../../shared/api';
import { UsageError } from '../../shared/cli/valueList';
import { DeviceProfileError } from '../../shared/deviceProfile';
import type { DeviceProfile } from '../../shared/devices';
import type { CalibrationReport } from '../../shared/latency/calibrate';
import { StoreError } from '../store/errors';
import type { ImportOptions } from '../../shared/model/importOptions';
import type { ParsedModel } from '../services/handlers';
import { nativeToGraph } from '../../shared/model/native';
import { ModelError } from '../../shared/model/types';
import type { FromParseWorker, ToParseWorker } from './parseProtocol';
import type { ParsedBody } from './requestBody';

/** Longer than any honest parse of the largest body allowed (a 256 MiB upload parses in a few seconds). */
export const PARSE_TIMEOUT_MS = 60_000;
/** The worker's heap: room for the largest body parsed, far below what would starve the machine. */
const WORKER_HEAP_MB = 3072;

export const createTsParseWorker = (): Worker =>
  new Worker(new URL('./parseWorker-entry.mjs', import.meta.url), {
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });

interface Job {
  message: ToParseWorker;
  transfer: ArrayBuffer[];
  resolve: (answer: FromParseWorker) => void;
  reject: (error: Error) => void;
}

export class ParseWorkers {
  private worker: Worker | null = null;
  private current: Job | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly create: () => Worker = createTsParseWorker,
    private readonly timeoutMs = PARSE_TIMEOUT_MS,
  ) {}

  /** A request body → the method's parameters (or the problem), off the event loop. The bytes are transferred. */
  async parseBody(method: string, bytes: Buffer): Promise<ParsedBody> {
    // A buffer of its own (not a slice of Node's shared pool), so that it can be moved to the worker, not copied.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Buffer.from(bytes);
    const buffer = own.buffer as ArrayBuffer;
    try {
      const answer = await this.run({ type: 'body', id: this.nextId++, method, bytes: buffer }, [buffer]);
      if (answer.type !== 'body') throw new Error('the parse worker answered the wrong request');
      return answer.parsed;
    } catch (error) {
      return { ok: false, problem: { status: 413, message: `the request body could not be parsed: ${(error as Error).message}` } };
    }
  }

  /** An uploaded model file (base64, or the handle of an upload kept here) → its graph and bytes; a ModelError naming the file otherwise. */
  async parseModel(base64: string, name: string, options: ImportOptions = {}): Promise<ParsedModel> {
    let answer: FromParseWorker;
    try {
      answer = await this.run({ type: 'model', id: this.nextId++, base64, name, options }, []);
    } catch (error) {
      throw new ModelError(`${name}: cannot be read: ${(error as Error).message}`);
    }
    if (answer.type !== 'model') throw new Error('the parse worker answered the wrong request');
    if (answer.ok) return { loaded: answer.loaded, bytes: answer.bytes };
    throw errorOfPayload(answer.error);
  }

  /** A calibration (devices.calibrate) → its report, off the event loop; errors keep their kind (usage, invalid…). */
  async calibrate(params: CalibrateParams, board: DeviceProfile): Promise<CalibrationReport> {
    const answer = await this.run({ type: 'calibrate', id: this.nextId++, params, board }, []);
    if (answer.type !== 'calibrate') throw new Error('the parse worker answered the wrong request');
    if (answer.ok) return answer.report;
    throw errorOfPayload(answer.error);
  }

  /** Frontier's model format and a request → the analysis report, off the event loop; errors keep their kind. */
  async analyze(graph: Record<string, unknown>, request: AnalysisRequest): Promise<AnalysisReport> {
    const answer = await this.run({ type: 'analyze', id: this.nextId++, graph, request }, []);
    if (answer.type !== 'analyze') throw new Error('the parse worker answered the wrong request');
    if (answer.ok) return answer.report;
    throw errorOfPayload(answer.error);
  }

  close(): void {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the web host is stopping'));
    this.current?.reject(new Error('the web host is stopping'));
    this.current = null;
    this.stopWorker();
  }

  private run(message: ToParseWorker, transfer: ArrayBuffer[]): Promise<FromParseWorker> {
    if (this.closed) return Promise.reject(new Error('the web host is stopping'));
    return new Promise((resolve, reject) => {
      this.queue.push({ message, transfer, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.current || this.queue.length === 0 || this.closed) return;
    const job = this.queue.shift() as Job;
    this.current = job;
    const worker = this.ensureWorker();
    this.timer = setTimeout(() => this.fail(new Error(`it took longer than ${this.timeoutMs / 1000} s`)), this.timeoutMs);
    worker.postMessage(job.message, job.transfer);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.create();
    worker.unref();
    worker.on('message', (answer: FromParseWorker) => {
      const job = this.current;
      if (!job || answer.id !== job.message.id) return;
      this.finish();
      job.resolve(answer);
    });
    worker.on('error', (error) => {
      if (this.worker === worker) this.fail(error.message.includes('memory') ? new Error('it needs more memory than a request may use') : error);
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.fail(new Error('the parse worker stopped'));
    });
    this.worker = worker;
    return worker;
  }

  private finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.current = null;
    setImmediate(() => this.next());
  }

  /** The current request fails; its worker is ended (it may be stuck or out of memory), a new one serves the rest. */
  private fail(error: Error): void {
    const job = this.current;
    this.stopWorker();
    this.finish();
    job?.reject(error);
  }

  private stopWorker(): void {
    const worker = this.worker;
    this.worker = null;
    if (worker) void worker.terminate();
  }
}

/** Models up to this many layers analyse in milliseconds: here, without a round trip or a wait behind a parse. */
export const ANALYZE_HERE_LAYERS = 2_000;

/** The web host's model.analyze: a large model (hundreds of thousands of layers take seconds) in the worker. */
export async function analyzeOffLoop(parser: ParseWorkers, graph: Record<string, unknown>, request: AnalysisRequest): Promise<AnalysisReport> {
  const layers = graph.layers;
  if (Array.isArray(layers) && layers.length <= ANALYZE_HERE_LAYERS) return analyze(nativeToGraph(graph, 'model'), request);
  return parser.analyze(graph, request);
}

function errorOfPayload(payload: ApiErrorPayload): Error {
  // The kinds that matter to the transport (they decide the status): each comes back as an error of its kind.
  if (payload.kind === 'model') return new ModelError(payload.message);
  if (payload.kind === 'usage') return new UsageError(payload.message);
  if (payload.kind === 'invalid') return new DeviceProfileError(payload.message);
  if (payload.kind === 'store') return new StoreError(payload.message);
  return Object.assign(new Error(payload.message), { payload });
}
