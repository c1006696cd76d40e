import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, StoreError, type Db } from '../../src/main/store/database';
import {
  RESULT_STATUS_CODES,
  SessionStore,
  pidAlive,
  type ResultColumns,
} from '../../src/main/store/sessions';
import { EXAM_MCU, type DeviceProfile } from '../../src/shared/devices';
import { allocateColumns } from '../../src/shared/sweep/batch';
import type { ModelGraph } from '../../src/shared/model/types';
import {
  FRONT_3D,
  FRONT_LATENCY,
  FRONT_MEMORY,
  type ConfigResult,
  type SweepSpec,
} from '../../src/shared/sweep/types';
import { FRONTIER_VERSION, OUTPUT_SCHEMA_VERSION } from '../../src/shared/analysis/analyze';

const graph: ModelGraph = {
  name: 'tiny',
  layers: [
    { name: 'in', type: 'Input', shape: [8, 8, 1], inputs: [] } as unknown as ModelGraph['layers'][number],
  ],
  outputs: ['in'],
};
const otherDevice: DeviceProfile = { ...EXAM_MCU, id: 'other-mcu', name: 'Other', sramBytes: 256 * 1024 };

const spec = (over: Partial<SweepSpec> = {}): SweepSpec => ({
  model: 'tiny',
  devices: ['exam-mcu', 'other-mcu'],
  channels: { conv1: ['8', '16'] },
  prune: {},
  precisions: ['int8', 'fp32'],
  memoryModel: 'layer-io',
  biasMode: 'weight',
  headroom: 0.1,
  accuracy: null,
  clients: [
    { name: 'watch', deadlineS: 0.05, minAccuracy: 0.9 },
    { name: 'door', deadlineS: 1, device: 'other-mcu' },
  ],
  strategy: 'grid',
  ...over,
});

const result = (idx: number, over: Partial<ConfigResult> = {}): ConfigResult => ({
  idx,
  status: 'ok',
  params: 1000 + idx,
  paramBytes: 1000 + idx,
  peakActivationBytes: 2048,
  totalBytes: 3048 + idx,
  sramBytes: 3048 + idx,
  macs: 50_000 + idx,
  latencyS: 0.001 * (idx + 1),
  accuracy: 0.9 - idx * 0.001,
  ...over,
});

function columns(idxs: number[], fill: (i: number, c: ResultColumns) => void = () => {}): ResultColumns {
  const n = idxs.length;
  const c: ResultColumns = { ...allocateColumns(n), idx: new Uint32Array(idxs), messages: undefined };
  for (let i = 0; i < n; i++) {
    c.params[i] = 10 * idxs[i];
    c.paramBytes[i] = 10 * idxs[i];
    c.peakActivationBytes[i] = 7;
    c.totalBytes[i] = 10 * idxs[i] + 7;
    c.sramBytes[i] = 10 * idxs[i] + 8;
    c.macs[i] = 2 ** 40 + idxs[i]; // beyond 32 bits
    c.latencyS[i] = idxs[i] / 3;
    c.accuracy[i] = 1 - idxs[i] / 7;
    fill(i, c);
  }
  return c;
}

let db: Db;
let store: SessionStore;
let dir: string | undefined;
beforeEach(() => {
  db = openDatabase(':memory:');
  store = new SessionStore(db);
});
afterEach(() => {
  if (db.open) db.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function newSession(name = 's1', over: { total?: number; replace?: boolean } = {}): number {
  const modelId = store.upsertModel(graph);
  const deviceIds = [store.upsertDevice(EXAM_MCU), store.upsertDevice(otherDevice)];
  return store.createSession({ name, modelId, spec: spec(), total: over.total ?? 100, deviceIds, replace: over.replace });
}

describe('models and devices', () => {
  it('are stored once per content, whatever the key order', () => {
    const a = store.upsertModel(graph);
    const reordered = JSON.parse(JSON.stringify({ outputs: graph.outputs, layers: graph.layers, name: graph.name }));
    expect(store.upsertModel(reordered)).toBe(a);
    expect(store.upsertModel({ ...graph, name: 'other' })).not.toBe(a);
    expect(store.getModel(a)?.graph).toEqual(graph);
    expect(store.getModel(a)?.hash).toMatch(/^[0-9a-f]{64}$/);
    const d = store.upsertDevice(EXAM_MCU);
    expect(store.upsertDevice({ ...EXAM_MCU })).toBe(d);
    expect(store.upsertDevice(otherDevice)).not.toBe(d);
    expect(db.prepare('SELECT count(*) FROM devices').pluck().get()).toBe(2);
  });
});

describe('session lifecycle', () => {
  it('create → results → finish, with spec, clients and devices read back', () => {
    const before = Date.now();
    const id = newSession('lifecycle', { total: 4 });
    const row = db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Record<string, unknown>;
    expect(row).toMatchObject({
      status: 'running',
      pid: process.pid,
      host: hostname(),
      total: 4,
      frontier_version: FRONTIER_VERSION,
      schema_version: OUTPUT_SCHEMA_VERSION,
      finished_at: null,
    });
    expect(Date.parse(row.created_at as string)).toBeGreaterThanOrEqual(before - 1000);

    store.insertResults(id, [result(0), result(1, { status: 'no-fit' })]);
    store.insertResults(id, [
      result(3, { status: 'error', message: 'kernel missing', latencyS: null, accuracy: null }),
    ]);
    expect(store.storedCount(id)).toBe(3);
    expect([...store.storedIndices(id)]).toEqual([1, 1, 0, 1]);

    store.finishSession(id, 'complete', { elapsedS: 12.5 });
    const s = store.getSession('lifecycle')!;
    expect(s).toMatchObject({
      id,
      name: 'lifecycle',
      status: 'complete',
      configs: 3,
      total: 4,
      model: 'tiny',
      devices: ['exam-mcu', 'other-mcu'],
      elapsedS: 12.5,
      error: null,
    });
    expect(s.spec).toEqual(spec());
    expect(s.clients).toEqual(spec().clients);
    expect(s.deviceProfiles.map((d) => d.profile)).toEqual([EXAM_MCU, otherDevice]);
    expect(s.finishedAt).not.toBeNull();

    const rows = store.readResults(id);
    expect(rows.map((r) => r.idx)).toEqual([0, 1, 3]);
    expect(rows[0]).toEqual({ ...result(0), flags: 0 });
    expect(rows[2]).toEqual({ ...result(3, { status: 'error', message: 'kernel missing', latencyS: null, accuracy: null }), flags: 0 });

    expect(store.listSessions()).toEqual([
      {
        id,
        name: 'lifecycle',
        status: 'complete',
        configs: 3,
        total: 4,
        created: s.created,
        model: 'tiny',
        devices: ['exam-mcu', 'other-mcu'],
      },
    ]);
  });

  it('a failed session keeps its error', () => {
    const id = newSession();
    store.finishSession(id, 'failed', { elapsedS: 1, error: 'out of memory' });
    expect(store.getSession('s1')).toMatchObject({ status: 'failed', error: 'out of memory' });
    expect(() => store.finishSession(9999, 'complete', { elapsedS: 0 })).toThrow(/no session with id 9999/);
  });

  it('a duplicate name is refused (pointing at --replace) unless replace, which drops the old results', () => {
    const first = newSession('dup');
    store.insertResults(first, [result(0), result(1)]);
    let caught: unknown;
    try {
      newSession('dup');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as Error).message).toMatch(/session named "dup" already exists.*--replace/);
    expect(store.listSessions()).toHaveLength(1);

    const second = newSession('dup', { replace: true });
    expect(second).not.toBe(first);
    expect(store.listSessions()).toMatchObject([{ name: 'dup', configs: 0 }]);
    expect(db.prepare('SELECT count(*) FROM results WHERE session_id = ?').pluck().get(first)).toBe(0);
    expect(db.prepare('SELECT count(*) FROM clients WHERE session_id = ?').pluck().get(first)).toBe(0);
  });

  it('rename and delete (cascading to results, clients and device links)', () => {
    const id = newSession('old');
    newSession('taken');
    store.insertResults(id, [result(0)]);
    expect(() => store.renameSession('old', 'taken')).toThrow(/"taken" already exists/);
    store.renameSession('old', 'new');
    expect(store.getSession('old')).toBeUndefined();
    expect(store.getSession('new')?.configs).toBe(1);
    expect(() => store.renameSession('missing', 'x')).toThrow(/no session named "missing"/);

    store.deleteSession('new');
    expect(store.getSession('new')).toBeUndefined();
    for (const table of ['results', 'clients', 'session_devices']) {
      expect(db.prepare(`SELECT count(*) FROM ${table} WHERE session_id = ?`).pluck().get(id)).toBe(0);
    }
    expect(() => store.deleteSession('new')).toThrow(/no session named "new"/);
  });

  it('a running session whose process is gone is reported and recorded as interrupted', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    expect(pidAlive(dead)).toBe(false);
    const gone = newSession('gone');
    const mine = newSession('mine');
    const elsewhere = newSession('elsewhere');
    db.prepare('UPDATE sessions SET pid = ? WHERE id = ?').run(dead, gone);
    db.prepare(`UPDATE sessions SET pid = ?, host = 'some-other-host' WHERE id = ?`).run(dead, elsewhere);

    const statuses = Object.fromEntries(store.listSessions().map((s) => [s.name, s.status]));
    expect(statuses).toEqual({ gone: 'interrupted', mine: 'running', elsewhere: 'running' });
    const stored = (id: number): unknown => db.prepare('SELECT status FROM sessions WHERE id = ?').pluck().get(id);
    expect(stored(gone)).toBe('interrupted');
    expect(stored(mine)).toBe('running');
    expect(stored(elsewhere)).toBe('running');

    // getSession applies the same check
    const again = newSession('again');
    db.prepare('UPDATE sessions SET pid = ? WHERE id = ?').run(dead, again);
    expect(store.getSession('again')?.status).toBe('interrupted');
    expect(stored(again)).toBe('interrupted');

    // resume: running again, in this process
    store.markRunning(gone);
    expect(store.getSession('gone')).toMatchObject({ status: 'running', pid: process.pid, host: hostname() });
  });

  it('a session run by another live process on this host cannot be replaced, deleted or resumed', () => {
    const id = newSession('busy');
    const parent = process.ppid; // alive, and not this process
    db.prepare('UPDATE sessions SET pid = ? WHERE id = ?').run(parent, id);
    expect(store.listSessions()[0].status).toBe('running');
    expect(() => newSession('busy', { replace: true })).toThrow(/still running \(pid \d+ on this host\)/);
    expect(() => store.deleteSession('busy')).toThrow(/still running/);
    expect(() => store.markRunning(id)).toThrow(/still running/);
  });
});

describe('results', () => {
  it('columnar insert round-trips NaN ↔ NULL, messages, large integers and Uint32 idx', () => {
    const id = newSession('cols', { total: 300 });
    // 250 rows: two full 100-row batches (one with a message) and a 50-row tail
    const idxs = Array.from({ length: 250 }, (_, i) => i);
    const cols = columns(idxs, (i, c) => {
      if (i % 3 === 0) c.latencyS[i] = NaN;
      if (i % 5 === 0) c.accuracy[i] = NaN;
      if (i % 4 === 1) c.status[i] = RESULT_STATUS_CODES['no-fit'];
    });
    cols.status[150] = RESULT_STATUS_CODES.error;
    cols.messages = new Map([
      [150, 'failed: layer conv1'],
      [249, 'tail message'],
    ]);
    store.insertResultColumns(id, cols);

    const nulls = db
      .prepare('SELECT sum(latency_s IS NULL), sum(accuracy IS NULL) FROM results WHERE session_id = ?')
      .raw()
      .get(id);
    expect(nulls).toEqual([84, 50]);

    const back = store.readResultColumns(id);
    expect(back.count).toBe(250);
    expect([...back.idx]).toEqual(idxs);
    expect([...back.status]).toEqual([...cols.status]);
    for (const key of ['params', 'paramBytes', 'peakActivationBytes', 'totalBytes', 'sramBytes', 'macs', 'latencyS', 'accuracy'] as const) {
      expect(Array.from(back[key]), key).toEqual(Array.from(cols[key]));
    }
    expect(back.macs[3]).toBe(2 ** 40 + 3);
    expect([...back.flags].every((f) => f === 0)).toBe(true);
    expect(store.readMessages(id)).toEqual(new Map([[150, 'failed: layer conv1'], [249, 'tail message']]));

    const rows = store.readResults(id, { limit: 2, offset: 149 });
    expect(rows.map((r) => [r.idx, r.status, r.message])).toEqual([
      [149, 'no-fit', undefined],
      [150, 'error', 'failed: layer conv1'],
    ]);
    expect(rows[0].latencyS).toBe(149 / 3);
    expect(store.readResults(id, { limit: 1 })[0]).toMatchObject({ idx: 0, latencyS: null, accuracy: null });

    // a subset of columns
    const pareto = store.readResultColumns(id, ['status', 'latencyS', 'accuracy', 'totalBytes']);
    expect(Object.keys(pareto).sort()).toEqual(['accuracy', 'count', 'idx', 'latencyS', 'status', 'totalBytes']);
    expect(Array.from(pareto.latencyS)).toEqual(Array.from(cols.latencyS));
  });

  it('count limits a reused buffer; a short column is refused', () => {
    const id = newSession();
    const cols = columns([5, 6, 7, 8]);
    store.insertResultColumns(id, { ...cols, count: 2 });
    expect([...store.readResultColumns(id).idx]).toEqual([5, 6]);
    expect(() => store.insertResultColumns(id, { ...cols, latencyS: new Float64Array(1) })).toThrow(StoreError);
  });

  it('one transaction per call: a duplicate configuration rolls back the whole batch', () => {
    const id = newSession();
    store.insertResults(id, [result(1)]);
    expect(() => store.insertResults(id, [result(2), result(3), result(1)])).toThrow(/already stored/);
    expect(store.storedCount(id)).toBe(1);
    const big = columns(Array.from({ length: 300 }, (_, i) => i + 10));
    big.idx[299] = 1; // duplicate at the very end, in the tail
    expect(() => store.insertResultColumns(id, big)).toThrow(StoreError);
    expect(store.storedCount(id)).toBe(1);
    expect(() => store.insertResults(999, [result(0)])).toThrow(/does not exist/);
    expect(() => store.insertResults(id, [result(50, { params: NaN })])).toThrow(/NOT NULL.*params/);
  });

  it('front flags: set, read (front only, per bit), replace, reset', () => {
    const id = newSession('fronts', { total: 20 });
    store.insertResults(id, Array.from({ length: 20 }, (_, i) => result(i, { status: i === 7 ? 'no-fit' : 'ok' })));
    expect(store.setFlags(id, [2, 5, 9], FRONT_3D)).toBe(3);
    store.setFlags(id, [5, 11], FRONT_LATENCY);
    store.setFlags(id, [7], FRONT_MEMORY);
    expect(store.readResults(id, { frontOnly: true }).map((r) => [r.idx, r.flags])).toEqual([
      [2, FRONT_3D],
      [5, FRONT_3D | FRONT_LATENCY],
      [7, FRONT_MEMORY],
      [9, FRONT_3D],
      [11, FRONT_LATENCY],
    ]);
    expect(store.readResults(id, { frontOnly: FRONT_LATENCY }).map((r) => r.idx)).toEqual([5, 11]);
    expect(store.readResults(id, { frontOnly: true, feasibleOnly: true }).map((r) => r.idx)).toEqual([2, 5, 9, 11]);
    expect(
      store.readResults(id, { frontOnly: true, orderBy: 'latencyS', descending: true }).map((r) => r.idx),
    ).toEqual([11, 9, 7, 5, 2]);

    store.writeFront(id, FRONT_3D, [3]);
    expect(store.readResults(id, { frontOnly: FRONT_3D }).map((r) => r.idx)).toEqual([3]);
    expect(store.readResults(id, { frontOnly: FRONT_LATENCY }).map((r) => r.idx)).toEqual([5, 11]);

    expect(store.resetFlags(id, FRONT_LATENCY)).toBe(2);
    expect(store.readResults(id, { frontOnly: true }).map((r) => r.idx)).toEqual([3, 7]);
    store.resetFlags(id);
    expect(store.readResults(id, { frontOnly: true })).toEqual([]);
    expect(store.readResultColumns(id).flags.every((f) => f === 0)).toBe(true);
  });

  it('ordering puts NULLs last and breaks ties by idx; feasibleOnly filters', () => {
    const id = newSession();
    store.insertResults(id, [
      result(0, { latencyS: 0.3 }),
      result(1, { latencyS: null }),
      result(2, { latencyS: 0.1, status: 'unsupported', message: 'no fp16 kernels' }),
      result(3, { latencyS: 0.1 }),
    ]);
    expect(store.readResults(id, { orderBy: 'latencyS' }).map((r) => r.idx)).toEqual([2, 3, 0, 1]);
    expect(store.readResults(id, { orderBy: 'latencyS', descending: true }).map((r) => r.idx)).toEqual([0, 2, 3, 1]);
    expect(store.readResults(id, { feasibleOnly: true }).map((r) => r.idx)).toEqual([0, 1, 3]);
    expect(() => store.readResults(id, { orderBy: 'nope' as never })).toThrow(/cannot order/);
  });

  it('storedIndices is a byte per configuration of total, across chunks', () => {
    const total = 200_000;
    const id = newSession('resume', { total });
    const idxs = Array.from({ length: 70_000 }, (_, i) => i * 2 + 1); // odd ones, past one 65,536-row chunk
    store.insertResultColumns(id, columns(idxs));
    const bitmap = store.storedIndices(id);
    expect(bitmap).toBeInstanceOf(Uint8Array);
    expect(bitmap.length).toBe(total);
    let set = 0;
    let wrong = 0;
    for (let i = 0; i < total; i++) {
      const expected = i % 2 === 1 && i < 140_000 ? 1 : 0;
      if (bitmap[i] !== expected) wrong++;
      set += bitmap[i];
    }
    expect(wrong).toBe(0);
    expect(set).toBe(70_000);
  });
});

describe('query plans', () => {
  const usesIndex = (plan: string[], index: string): boolean => plan.some((d) => d.includes(index));
  const plan = (sql: string, ...params: unknown[]): string[] =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);

  it("reading a session's front uses the partial front index, not a scan of the session", () => {
    const id = newSession();
    for (const options of [{ frontOnly: true }, { frontOnly: FRONT_3D, orderBy: 'latencyS' as const }]) {
      const p = store.explainReadResults(id, options);
      expect(usesIndex(p, 'results_front'), p.join(' | ')).toBe(true);
      expect(p.some((d) => /^SCAN results/.test(d))).toBe(false);
    }
    expect(
      usesIndex(
        plan('UPDATE results INDEXED BY results_front SET flags = 0 WHERE session_id = ? AND flags <> 0', id),
        'results_front',
      ),
    ).toBe(true);
  });

  it('everything else of a session goes through a key, never a table scan', () => {
    const id = newSession();
    const all = store.explainReadResults(id, { feasibleOnly: true });
    expect(all.join(' | ')).toMatch(/SEARCH results USING PRIMARY KEY \(session_id=\?\)/);
    expect(plan('UPDATE results SET flags = flags | 1 WHERE session_id = ? AND idx = ?', id, 3).join()).toMatch(
      /PRIMARY KEY \(session_id=\? AND idx=\?\)/,
    );
    expect(plan('SELECT count(*) FROM results WHERE session_id = ?', id).join()).toMatch(/SEARCH results/);
    expect(plan('SELECT * FROM clients WHERE session_id = ?', id).join()).toMatch(/SEARCH clients/);
    expect(plan('SELECT * FROM session_devices WHERE session_id = ?', id).join()).toMatch(/SEARCH session_devices/);
    expect(plan(`SELECT * FROM sessions WHERE name = ?`, 's1').join()).toMatch(/SEARCH sessions USING INDEX/);
    expect(plan(`SELECT id FROM models WHERE hash = ?`, 'x').join()).toMatch(/SEARCH models USING/);
  });
});

describe('file database', () => {
  it('sessions survive reopening; results from two connections', () => {
    dir = mkdtempSync(join(tmpdir(), 'frontier-sessions-'));
    const file = join(dir, 's.db');
    const a = new SessionStore(openDatabase(file));
    const b = new SessionStore(openDatabase(file));
    const modelId = a.upsertModel(graph);
    const id = a.createSession({ name: 'x', modelId, spec: spec(), total: 10, deviceIds: [a.upsertDevice(EXAM_MCU)] });
    b.insertResults(id, [result(0)]);
    a.insertResults(id, [result(1)]);
    a.db.close();
    b.db.close();
    const c = new SessionStore(openDatabase(file));
    expect(c.listSessions()).toMatchObject([{ name: 'x', configs: 2, total: 10, devices: ['exam-mcu'] }]);
    c.db.close();
  });
});
