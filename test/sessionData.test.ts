// What the app is sent for a session: typed columns that say exactly what the store holds, the same whether they
// come from a run's own figures or are read back, and a cache that notices when a session changes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionCache } from '../src/main/services/sessionData';
import { describeConfiguration } from '../src/main/services/sweepJob';
import { preparedForSession, sessionSummary, startSweep } from '../src/main/services/sweeps';
import { openDatabase, SessionStore, type Db } from '../src/main/store';
import { defaultSpec } from '../src/shared/sweep/specFile';
import type { SweepSpec } from '../src/shared/sweep/types';

const spec: SweepSpec = {
  ...defaultSpec('exam-cnn'),
  devices: ['exam-mcu', 'stm32f746'],
  channels: { conv1: ['8', '16'], conv2: ['8', '32'] },
  precisions: ['fp32', 'int8', 'fp16'],
  memoryModel: 'largest-tensor',
  accuracy: { kind: 'penalties', metric: 'accuracy', base: 0.93, penalties: { pruned: 0.05, int8: 0.03 } },
  clients: [{ name: 'client1', deadlineS: 0.2 }],
};

const open: Db[] = [];
afterAll(() => open.forEach((db) => db.close()));

describe('session columns', () => {
  it('hold every stored row as the store has it, from the run or read back alike', async () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'frontier-columns-')), 'f.db'));
    open.push(db);
    const store = new SessionStore(db);
    const run = await startSweep(store, spec, { name: 'grid', workers: 1, keepFiguresUpTo: 1000 });
    const fromRun = new SessionCache(store);
    fromRun.remember(run);
    const warm = fromRun.columns('grid');
    const cold = new SessionCache(store).columns('grid');
    expect(warm).toEqual(cold);

    const rows = store.readResults(store.getSession('grid')!.id);
    expect(cold.count).toBe(24);
    expect(Array.from(cold.idx)).toEqual(rows.map((r) => r.idx));
    const prepared = preparedForSession(store, 'grid');
    rows.forEach((r, k) => {
      expect(cold.status[k]).toBe(['ok', 'no-fit', 'unsupported', 'error'].indexOf(r.status));
      expect(Number.isNaN(cold.latencyS[k]) ? null : cold.latencyS[k]).toBe(r.latencyS);
      expect(Number.isNaN(cold.accuracy[k]) ? null : cold.accuracy[k]).toBe(r.accuracy);
      expect(cold.totalBytes[k]).toBe(r.totalBytes);
      expect(cold.params[k]).toBe(r.params);
      expect(cold.flags[k]).toBe(r.flags);
      const settings = describeConfiguration(prepared, r.idx);
      expect(cold.precisions[cold.precision[k]]).toBe(settings.precision);
      expect(cold.devices[cold.device[k]]).toBe(settings.device);
      cold.layers.forEach((layer, l) => expect(cold.channels[l][k]).toBe(settings.channels[layer]));
    });
    // The summary is the one `show` computes.
    expect(fromRun.view('grid').summary).toEqual(sessionSummary(store, 'grid'));
    // A run that did not keep its figures is read back instead.
    const plain = await startSweep(store, spec, { name: 'plain', workers: 1 });
    const later = new SessionCache(store);
    later.remember(plain);
    expect(later.columns('plain')).toEqual({ ...cold, session: 'plain' });
  });

  it('reads a session afresh once it has changed', async () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'frontier-columns-')), 'f.db'));
    open.push(db);
    const store = new SessionStore(db);
    const controller = new AbortController();
    await startSweep(store, { ...spec, channels: { conv1: ['1:64'], conv2: ['1:64'] } }, {
      name: 'partial',
      workers: 1,
      batchSize: 256,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done > 0) controller.abort();
      },
    });
    const cache = new SessionCache(store);
    const before = cache.columns('partial').count;
    expect(before).toBeLessThan(64 * 64 * 6);
    // Another process finishes it: the status and end time change, so the next read sees every row.
    const { resumeSweep } = await import('../src/main/services/sweeps');
    await resumeSweep(store, 'partial', { workers: 1 });
    expect(cache.columns('partial').count).toBe(64 * 64 * 6);
    // A session larger than what is kept is read each time, and still answered.
    expect(new SessionCache(store, 100).columns('partial').count).toBe(64 * 64 * 6);
    store.renameSession('partial', 'whole');
    expect(cache.columns('whole').session).toBe('whole');
    expect(() => cache.columns('partial')).toThrow(/no session named "partial"/);
  });
});
