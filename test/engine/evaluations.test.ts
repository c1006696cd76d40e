// runEvaluation and runSensitivity (src/main/engine/evaluations.ts): the worker thread gives exactly the metrics
// evaluateModel gives in this thread; the cache answers the same request again without a run and misses when
// anything the key covers changes; a cancel rejects with EvaluationCancelled and ends the worker; a sensitivity run
// with rows missing from the cache, or cancelled midway, runs only what is missing when started again.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from '../../src/shared/engine/npy';
import { openDatabase, type Db } from '../../src/main/store';
import { EvaluationCache } from '../../src/main/store/evaluationCache';
import { StoredFiles } from '../../src/main/store/storedFiles';
import { evaluateModel, EvaluationCancelled } from '../../src/main/engine/evaluate';
import { createTsEvaluationWorker } from '../../src/main/engine/evaluationHost';
import { evaluationCacheKey, runEvaluation, runSensitivity, type EvaluationEvent, type EvaluationRequest, type SensitivityRequest } from '../../src/main/engine/evaluations';
import { loadRunnableModel } from '../../src/main/engine/load';
import { openDataSet } from '../../src/main/engine/data/open';

const fashion = join(__dirname, '..', 'fixtures', 'fashion');
const dir = mkdtempSync(join(tmpdir(), 'frontier-evaluations-'));
const N = 300;

/** The first N samples of the committed Fashion-MNIST subset, as files of their own. */
function subset(count: number, name: string): { data: string; labels: string } {
  const x = parseNpy(readFileSync(join(fashion, 'test-images-1000.npy')), 'test-images-1000.npy');
  const y = parseNpy(readFileSync(join(fashion, 'test-labels-1000.npy')), 'test-labels-1000.npy');
  const per = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const data = join(dir, `${name}-x.npy`);
  const labels = join(dir, `${name}-y.npy`);
  writeFileSync(data, writeNpy({ ...x, shape: [count, ...x.shape.slice(1)], data: x.data.slice(0, count * per) } as typeof x));
  writeFileSync(labels, writeNpy({ ...y, shape: [count], data: y.data.slice(0, count) } as typeof y));
  return { data, labels };
}

const small = subset(N, 'small');
const cnn = join(fashion, 'cnn.onnx');
const request = (over: Partial<EvaluationRequest> = {}): EvaluationRequest => ({ model: { path: cnn }, data: small, configuration: {}, ...over });

const dbs: Db[] = [];
const freshDb = (): Db => {
  const db = openDatabase(':memory:');
  dbs.push(db);
  return db;
};
afterAll(() => dbs.forEach((db) => db.close()));

/** A worker factory that remembers the workers it made (to see that they are gone). */
/** Workers made through it, and the evaluations sent to them (a key worked out is not an evaluation). */
function spyWorkers(): { createWorker: () => Worker; workers: Worker[]; evaluations: () => number } {
  const workers: Worker[] = [];
  let evaluations = 0;
  return {
    workers,
    evaluations: () => evaluations,
    createWorker: () => {
      const w = createTsEvaluationWorker();
      const post = w.postMessage.bind(w);
      w.postMessage = (message: { type?: string }, ...rest: unknown[]) => {
        if (message?.type === 'evaluate') evaluations++;
        return (post as (...args: unknown[]) => void)(message, ...rest);
      };
      workers.push(w);
      return w;
    },
  };
}

/** Whether a worker has ended: its threadId is -1 once it has exited; else wait for its exit (bounded by the test timeout). */
async function ended(worker: Worker): Promise<void> {
  if (worker.threadId === -1) return;
  await once(worker, 'exit');
}

describe('runEvaluation', () => {
  it('in a worker thread gives exactly the metrics evaluateModel gives in this one', async () => {
    const model = await loadRunnableModel(cnn);
    const data = openDataSet(small);
    const here = await evaluateModel(model, { precision: 'int8', prune: { '*': 0.25 } }, data, { agreement: 'fp32' });
    data.close();
    const progress: number[] = [];
    const there = await runEvaluation(request({ configuration: { precision: 'int8', prune: { '*': 0.25 } }, agreement: 'fp32', chunkSamples: 100 }), {
      onProgress: (p) => progress.push(p.done),
    });
    expect(there.cached).toBe(false);
    expect(there.metrics).toEqual(here.metrics);
    expect(there.agreement).toEqual(here.agreement);
    expect(there.preprocessing).toEqual(here.preprocessing);
    expect(there.notes).toEqual(here.notes);
    expect(there.samples).toBe(N);
    expect(progress[progress.length - 1]).toBe(N);
  });

  it('the same request again comes from the cache, not run; --no-cache runs it again and keeps the new result', async () => {
    const db = freshDb();
    const events: EvaluationEvent[] = [];
    const onEvaluation = (e: EvaluationEvent) => events.push(e);
    const spy = spyWorkers();
    const first = await runEvaluation(request(), { db, onEvaluation, createWorker: spy.createWorker });
    const again = await runEvaluation(request(), { db, onEvaluation, createWorker: spy.createWorker });
    expect(first.cached).toBe(false);
    expect(again.cached).toBe(true);
    // Each request has a worker work out its key (the model loaded and the data hashed off this thread); a hit runs
    // nothing in it.
    expect(spy.workers).toHaveLength(2);
    expect(spy.evaluations()).toBe(1);
    expect({ ...again, cached: false }).toEqual(first);
    expect(events.map((e) => e.cached)).toEqual([false, true]);
    expect(events[0].key).toBe((await evaluationCacheKey(request())).key);
    const fresh = await runEvaluation(request(), { db, noCache: true, createWorker: spy.createWorker });
    expect(fresh.cached).toBe(false);
    expect(spy.workers).toHaveLength(3);
    expect(spy.evaluations()).toBe(2);
    expect(new EvaluationCache(db).count()).toBe(1);
  });

  it('the key: the same for the defaults written out and for the same bytes elsewhere; another for any change', async () => {
    const key = async (over: Partial<EvaluationRequest>) => (await evaluationCacheKey(request(over))).key;
    const base = await key({});
    // The default scale written out is the same preprocessing as resolved; so are the configuration's defaults.
    expect(await key({ preprocessing: { inputScale: { to: [0, 1] } } })).toBe(base);
    expect(await key({ configuration: { pruneCriterion: 'l1', channels: {}, layerPrecisions: {}, precision: 'FP32' } })).toBe(base);
    // The same bytes under other names.
    expect(await key({ data: subset(N, 'copy') })).toBe(base);
    const different = [
      await key({ preprocessing: { inputScale: { to: [-1, 1] } } }),
      await key({ preprocessing: { mean: [0.5] } }),
      await key({ configuration: { prune: { '*': 0.5 } } }),
      await key({ configuration: { prune: { '*': 0.5 }, pruneCriterion: 'l2' } }),
      await key({ configuration: { precision: 'int8' } }),
      await key({ configuration: { precision: 'int8' }, calibration: { data: small.data, samples: 100 } }),
      await key({ configuration: { layerPrecisions: { conv1: 'fp16' } } }),
      await key({ agreement: 'fp32' }),
      await key({ data: subset(200, 'fewer') }),
      await key({ model: { path: join(fashion, 'mlp.onnx') } }),
    ];
    expect(new Set([base, ...different]).size).toBe(different.length + 1);
  });

  it('a model kept in the database by content has the key of the same file by path; a preset, one per seed', async () => {
    const db = freshDb();
    const stored = new StoredFiles(db).put('model', 'cnn.onnx', readFileSync(cnn));
    expect((await evaluationCacheKey(request({ model: { storedFile: stored.hash } }), { db })).key).toBe((await evaluationCacheKey(request())).key);
    // Run from the database (written to a file of its own for the worker), then asked for by path: the cache answers.
    expect((await runEvaluation(request({ model: { storedFile: stored.hash } }), { db })).cached).toBe(false);
    expect((await runEvaluation(request(), { db })).cached).toBe(true);
    await expect(evaluationCacheKey(request({ model: { storedFile: 'f'.repeat(64) } }), { db })).rejects.toThrow(/no model file with hash f+ is kept/);

    // exam-cnn takes 128×128×1 images and gives 3 classes; with random weights, a seed of its own per key.
    const images = join(dir, 'exam-x.npy');
    const labels = join(dir, 'exam-y.npy');
    writeFileSync(images, writeNpy({ dtype: 'uint8', shape: [6, 128, 128, 1], data: new Uint8Array(6 * 128 * 128).map((_, i) => (i * 7) % 256) }));
    writeFileSync(labels, writeNpy({ dtype: 'int32', shape: [6], data: Int32Array.from([0, 1, 2, 0, 1, 2]) }));
    const preset = (seed: number): EvaluationRequest => ({ model: { preset: 'exam-cnn', seed }, data: { data: images, labels }, configuration: {} });
    expect((await evaluationCacheKey(preset(1))).key).not.toBe((await evaluationCacheKey(preset(2))).key);
    const first = await runEvaluation(preset(1), { db });
    expect(first).toMatchObject({ cached: false, samples: 6, task: 'classification' });
    expect(await runEvaluation(preset(1), { db })).toMatchObject({ cached: true, metrics: first.metrics });
  });

  it('a folder of images: keyed by its relative paths and bytes, decoded in the worker', async () => {
    const folder = async (name: string, layout: Record<string, number>): Promise<string> => {
      const root = join(dir, name);
      for (const [path, shade] of Object.entries(layout)) {
        mkdirSync(join(root, dirname(path)), { recursive: true });
        const pixels = Buffer.alloc(28 * 28, shade);
        await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(join(root, path));
      }
      return root;
    };
    const layout = { 'a/1.png': 10, 'a/2.png': 200, 'b/3.png': 90 };
    const images = await folder('images', layout);
    const key = async (data: string) => (await evaluationCacheKey(request({ data: { data } }))).key;
    const base = await key(images);
    expect(await key(await folder('images-copy', layout))).toBe(base);
    expect(await key(await folder('images-moved', { 'a/1.png': 10, 'b/2.png': 200, 'b/3.png': 90 }))).not.toBe(base);
    expect(await key(await folder('images-changed', { ...layout, 'a/2.png': 201 }))).not.toBe(base);
    const result = await runEvaluation(request({ data: { data: images } }));
    expect(result).toMatchObject({ samples: 3, task: 'classification', cached: false });
  });

  it('cancelled while it runs: rejects with EvaluationCancelled and the worker is gone', async () => {
    const spy = spyWorkers();
    const controller = new AbortController();
    const run = runEvaluation(request({ chunkSamples: 10 }), {
      createWorker: spy.createWorker,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(EvaluationCancelled);
    expect(spy.workers).toHaveLength(1);
    await ended(spy.workers[0]);
  });

  it('cancelled before its worker is ready: rejects with EvaluationCancelled and the worker is gone', async () => {
    const spy = spyWorkers();
    const controller = new AbortController();
    const run = runEvaluation(request(), {
      signal: controller.signal,
      createWorker: () => {
        const w = spy.createWorker();
        queueMicrotask(() => controller.abort());
        return w;
      },
    });
    await expect(run).rejects.toBeInstanceOf(EvaluationCancelled);
    await ended(spy.workers[0]);
  });

  it('errors keep their kind across the thread: bad labels are a DataError naming the file', async () => {
    const labels = join(dir, 'bad-labels.npy');
    writeFileSync(labels, writeNpy({ dtype: 'int32', shape: [N], data: new Int32Array(N).fill(12) }));
    await expect(runEvaluation(request({ data: { data: small.data, labels } }))).rejects.toMatchObject({ name: 'DataError', file: labels });
  });
});

describe('runSensitivity', () => {
  const sensitivityRequest: SensitivityRequest = { model: { path: cnn }, data: small, levels: { channels: {}, prune: { '*': [0.5] } } };

  it('resumes through the cache: rows deleted, or a run cancelled midway, are the only ones measured again', async () => {
    const db = freshDb();
    const count = (events: EvaluationEvent[]) => events.filter((e) => !e.cached).length;
    const first: EvaluationEvent[] = [];
    const report = await runSensitivity(sensitivityRequest, { db, onEvaluation: (e) => first.push(e) });
    const total = first.length;
    expect(total).toBeGreaterThan(2);
    expect(count(first)).toBe(total);

    const again: EvaluationEvent[] = [];
    expect(await runSensitivity(sensitivityRequest, { db, onEvaluation: (e) => again.push(e) })).toEqual(report);
    expect(count(again)).toBe(0);

    const cache = new EvaluationCache(db);
    cache.delete(first[1].key as string);
    cache.delete(first[total - 1].key as string);
    const resumed: EvaluationEvent[] = [];
    expect(await runSensitivity(sensitivityRequest, { db, onEvaluation: (e) => resumed.push(e) })).toEqual(report);
    expect(resumed.filter((e) => !e.cached).map((e) => e.key)).toEqual([first[1].key, first[total - 1].key]);

    // Cancelled after two points measured: those two are kept; the next run measures the rest only.
    const other = freshDb();
    const controller = new AbortController();
    const spy = spyWorkers();
    let measured = 0;
    await expect(
      runSensitivity(sensitivityRequest, {
        db: other,
        signal: controller.signal,
        createWorker: spy.createWorker,
        onEvaluation: () => {
          if (++measured === 2) controller.abort();
        },
      }),
    ).rejects.toBeInstanceOf(EvaluationCancelled);
    await ended(spy.workers[0]);
    const kept = new EvaluationCache(other).count();
    expect(kept).toBeGreaterThanOrEqual(2);
    const rest: EvaluationEvent[] = [];
    expect(await runSensitivity(sensitivityRequest, { db: other, onEvaluation: (e) => rest.push(e) })).toEqual(report);
    expect(count(rest)).toBe(total - kept);
  });
});
