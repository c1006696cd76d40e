// The worker pool on real worker threads: results, progress, cancel, and a failing configuration.
import { describe, expect, it } from 'vitest';
import type { ResultColumns, SweepJob } from '../../src/shared/sweep/batch';
import { STATUS_CODE } from '../../src/shared/sweep/batch';
import { buildSpace, spaceContext } from '../../src/shared/sweep/space';
import type { SweepSpec } from '../../src/shared/sweep/types';
import { EXAM_MCU } from '../../src/shared/devices';
import { examCnn, GraphBuilder } from '../../src/shared/presets';
import { runPool, type Progress } from '../../src/main/sweep/pool';
import type { ModelGraph } from '../../src/shared/model/types';

const baseSpec: SweepSpec = {
  model: 'exam-cnn',
  devices: ['exam-mcu'],
  channels: {},
  prune: {},
  precisions: ['fp32', 'int8'],
  memoryModel: 'largest-tensor',
  biasMode: 'weight',
  headroom: 0,
  accuracy: { kind: 'penalties', metric: 'accuracy', base: 0.93, penalties: { pruned: 0.05, int8: 0.03 } },
  clients: [],
  strategy: 'grid',
};

function job(graph: ModelGraph, spec: Partial<SweepSpec>): SweepJob {
  const full = { ...baseSpec, ...spec };
  const ctx = spaceContext(graph);
  return { graph, devices: [EXAM_MCU], spec: full, space: buildSpace(full, ctx), ctx };
}

function collect(batches: ResultColumns[]) {
  const rows = new Map<number, { status: number; total: number; latency: number; accuracy: number }>();
  for (const b of batches) {
    b.idx.forEach((ordinal, k) =>
      rows.set(ordinal, { status: b.status[k], total: b.totalBytes[k], latency: b.latencyS[k], accuracy: b.accuracy[k] }),
    );
  }
  return rows;
}

describe('worker pool', () => {
  it('analyses every configuration of the exam grid on 2 workers', async () => {
    const j = job(examCnn(), { channels: { conv1: ['8', '16'], conv2: ['8', '32'] } });
    const batches: ResultColumns[] = [];
    const result = await runPool(j, [{ start: 0, end: j.space.total }], { workers: 2, batchSize: 3, onResult: (c) => batches.push(c) });
    expect(result.cancelled).toBe(false);
    const rows = collect(batches);
    expect(rows.size).toBe(8);
    // ordinal = ((conv1 · 2 + conv2) · 2 + precision) · 1 + device: conv1 8 / conv2 8 / int8 is ordinal 1
    expect(rows.get(1)).toEqual({ status: STATUS_CODE.ok, total: 149275, latency: 0.0826992, accuracy: 0.85 });
    expect(rows.get(7)).toEqual({ status: STATUS_CODE.ok, total: 345219, latency: 0.4879728, accuracy: 0.9 });
    expect(rows.get(6)?.status).toBe(STATUS_CODE['no-fit']);
  });

  it('reports progress with done, total, rate and ETA, and can be cancelled keeping finished batches', async () => {
    const j = job(examCnn(), { channels: { conv1: ['1:64'], conv2: ['1:64'] }, precisions: ['fp32', 'int8', 'fp16', 'int4'] });
    const controller = new AbortController();
    const seen: Progress[] = [];
    const batches: ResultColumns[] = [];
    const result = await runPool(j, [{ start: 0, end: j.space.total }], {
      workers: 2,
      batchSize: 64,
      signal: controller.signal,
      onProgress: (p) => seen.push(p),
      onResult: (c) => {
        batches.push(c);
        if (batches.length === 5) controller.abort();
      },
    });
    expect(result.cancelled).toBe(true);
    const done = batches.reduce((n, b) => n + b.idx.length, 0);
    expect(done).toBeGreaterThanOrEqual(5 * 64);
    expect(done).toBeLessThan(j.space.total);
    const last = seen[seen.length - 1];
    expect(last.total).toBe(64 * 64 * 4);
    expect(last.done).toBeGreaterThan(0);
    expect(last.rate).toBeGreaterThan(0);
  });

  it('records a configuration that fails analysis with its message and goes on', async () => {
    const b = new GraphBuilder('tied');
    const x = b.input('in', [4, 4, 2]);
    const c = b.conv2d('c', x, { filters: 2, kernel: 1 });
    b.dense('out', b.flatten('f', b.add('sum', [x, c])), { units: 2 });
    const j = job(b.build(), { channels: { c: ['2', '4'] }, accuracy: null });
    const batches: ResultColumns[] = [];
    await runPool(j, [{ start: 0, end: j.space.total }], { workers: 1, onResult: (col) => batches.push(col) });
    const rows = collect(batches);
    expect(rows.size).toBe(4);
    expect(rows.get(0)?.status).toBe(STATUS_CODE.ok);
    expect(rows.get(2)?.status).toBe(STATUS_CODE.error);
    const messages = batches.flatMap((col) => [...(col.messages ?? [])].map(([k, m]) => [col.idx[k], m]));
    expect(messages).toContainEqual([2, expect.stringMatching(/c: its output channels are tied by an Add/)]);
  });
});
