// Sweep workers kept ready between sweeps. A worker thread takes a while to start (the analysis code is loaded,
// and compiled from TypeScript outside the packaged app); a long-running host (the app, the web host) starts its
// workers once, ahead of the first Run, so a sweep begins at once and its first progress and ETA come early.
// A sweep borrows workers and gives them back when it ends normally; workers stopped by a cancel (terminated with
// whatever they held) or that failed are replaced in the background.
import type { Worker } from 'node:worker_threads';

export class WorkerSupply {
  private readonly idle: Worker[] = [];
  private closed = false;

  constructor(
    private readonly create: () => Worker,
    /** Workers kept ready. */
    readonly size: number,
  ) {
    this.refill();
  }

  /** `count` workers: ready ones first, new ones for the rest. */
  take(count: number): Worker[] {
    const out = this.idle.splice(0, count);
    while (out.length < count) out.push(this.spawn());
    return out;
  }

  /** Workers back after a sweep that ended normally (listeners removed by the caller). */
  give(workers: Worker[]): void {
    for (const worker of workers) {
      if (this.closed || this.idle.length >= this.size) void worker.terminate();
      else this.idle.push(worker);
    }
  }

  /** Starts workers in the background until `size` are ready again (after a cancel or a failure). */
  refill(): void {
    if (this.closed) return;
    while (this.idle.length < this.size) this.idle.push(this.spawn());
  }

  close(): Promise<void> {
    this.closed = true;
    const all = this.idle.splice(0);
    return Promise.all(all.map((w) => w.terminate())).then(() => undefined);
  }

  private spawn(): Worker {
    const worker = this.create();
    // An idle worker that fails is dropped (and replaced the next time workers are asked for).
    const drop = (): void => {
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
    };
    worker.on('error', drop);
    worker.on('exit', drop);
    // Idle workers do not keep the process alive.
    worker.unref();
    return worker;
  }
}
