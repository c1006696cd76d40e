// Every call into a native library that works on threads of its own — onnxruntime's sessions, sharp's image
// decoding — goes through here, so that a worker thread running evaluations can be ended safely. Ending a worker
// thread (Worker.terminate) while such a call is in flight aborts the whole process ("terminate called after
// throwing an instance of 'Napi::Error'"). So the thread that owns the worker shares two counters with it: `cancel`,
// which it sets first, and `busy`, the calls in flight, which the gate raises before it looks at `cancel`. With
// sequentially consistent atomics either the worker sees the cancel and starts nothing, or the owner sees the call
// and waits for it to end before it terminates the worker (see evaluationHost.ts). Outside such a worker the
// counters are local and change nothing.
import { EvaluationCancelled } from './evaluationCancelled';

const CANCEL = 0;
const BUSY = 1;

let state: Int32Array<ArrayBufferLike> = new Int32Array(2);

/** Shares the counters (two Int32s on a SharedArrayBuffer) with the thread that owns this worker. */
export function shareNativeGate(buffer: SharedArrayBuffer): void {
  state = new Int32Array(buffer, 0, 2);
}

/**
 * Runs one native call (onnxruntime, sharp), unless a cancel came first (then EvaluationCancelled, and nothing is started).
 * `evenIfCancelled`: a session's release, which is counted but still done.
 */
export async function throughNativeGate<T>(call: () => Promise<T>, evenIfCancelled = false): Promise<T> {
  Atomics.add(state, BUSY, 1);
  try {
    if (!evenIfCancelled && Atomics.load(state, CANCEL) !== 0) throw new EvaluationCancelled();
    return await call();
  } finally {
    Atomics.sub(state, BUSY, 1);
  }
}

/** The owner's side: asks for a stop, then whether a call is still in flight (the worker may not end yet). */
export const gateCancel = (shared: Int32Array<ArrayBufferLike>): void => void Atomics.store(shared, CANCEL, 1);
export const gateBusy = (shared: Int32Array<ArrayBufferLike>): boolean => Atomics.load(shared, BUSY) !== 0;
export const GATE_BYTES = 8;
