// Measures the store's hot paths on a file database. Not a test: `npx tsx test/store/bench-insert.ts [rows] [reps]`.
//
// Compares, per fresh database: a plain prepared-statement loop (one INSERT per row, one transaction),
// SessionStore.insertResults (ConfigResult objects) and SessionStore.insertResultColumns (typed arrays);
// then reading back, resume bitmap, front flags, reopen (quick_check), list and delete.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAM_MCU } from '../../src/shared/devices';
import { allocateColumns } from '../../src/shared/sweep/batch';
import type { ConfigResult, SweepSpec } from '../../src/shared/sweep/types';
import { openDatabase, type Db } from '../../src/main/store/database';
import { CONFIG_STATUSES } from '../../src/shared/sweep/types';
import { SessionStore, type ResultColumns } from '../../src/main/store/sessions';

const N = Number(process.argv[2] ?? 1_000_000);
const REPS = Number(process.argv[3] ?? 3);

const spec: SweepSpec = {
  model: 'bench',
  devices: ['exam-mcu'],
  channels: {},
  prune: {},
  precisions: ['int8'],
  memoryModel: 'layer-io',
  biasMode: 'weight',
  headroom: 0,
  accuracy: null,
  clients: [{ name: 'a', deadlineS: 0.1 }],
  strategy: 'grid',
};

function makeColumns(n: number): ResultColumns {
  const c: ResultColumns = allocateColumns(n);
  for (let i = 0; i < n; i++) {
    c.idx[i] = i;
    c.status[i] = i % 7 === 0 ? 1 : i % 1009 === 0 ? 3 : 0;
    c.params[i] = 1000 + ((i * 7919) % 1_000_000);
    c.paramBytes[i] = c.params[i];
    c.peakActivationBytes[i] = 4096 + ((i * 104729) % 300_000);
    c.totalBytes[i] = c.paramBytes[i] + c.peakActivationBytes[i];
    c.sramBytes[i] = c.totalBytes[i];
    c.macs[i] = 1e5 + ((i * 15485863) % 1e8);
    c.latencyS[i] = i % 11 === 0 ? NaN : c.macs[i] / 8e7;
    c.accuracy[i] = i % 13 === 0 ? NaN : 0.5 + ((i * 31) % 500) / 1000;
    if (c.status[i] === 3) c.messages!.set(i, `kernel missing for layer ${i % 17}`);
  }
  return c;
}

function toObjects(c: ResultColumns, n: number): ConfigResult[] {
  const out: ConfigResult[] = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      idx: c.idx[i],
      status: CONFIG_STATUSES[c.status[i]],
      params: c.params[i],
      paramBytes: c.paramBytes[i],
      peakActivationBytes: c.peakActivationBytes[i],
      totalBytes: c.totalBytes[i],
      sramBytes: c.sramBytes[i],
      macs: c.macs[i],
      latencyS: Number.isNaN(c.latencyS[i]) ? null : c.latencyS[i],
      accuracy: Number.isNaN(c.accuracy[i]) ? null : c.accuracy[i],
      ...(c.messages!.has(i) ? { message: c.messages!.get(i) } : {}),
    };
  }
  return out;
}

/** The baseline: one prepared INSERT, run once per row, all in one transaction. */
function plainLoop(db: Db, sessionId: number, c: ResultColumns, n: number): void {
  const st = db.prepare(
    `INSERT INTO results (session_id, idx, status, params, param_bytes, peak_bytes, total_bytes, sram_bytes, macs,
       latency_s, accuracy, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      st.run(
        sessionId, c.idx[i], c.status[i], c.params[i], c.paramBytes[i], c.peakActivationBytes[i], c.totalBytes[i],
        c.sramBytes[i], c.macs[i], c.latencyS[i], c.accuracy[i], c.messages!.get(i) ?? null,
      );
    }
  })();
}

function time<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cols = makeColumns(N);
const objects = toObjects(cols, N);
const dir = mkdtempSync(join(tmpdir(), 'frontier-bench-'));
const samples: Record<string, { ms: number[]; cpu: number[] }> = {};
const record = (name: string, t: { ms: number; cpuMs: number }): void => {
  (samples[name] ??= { ms: [], cpu: [] }).ms.push(t.ms);
  samples[name].cpu.push(t.cpuMs);
};

function fresh(tag: string): { db: Db; store: SessionStore; sessionId: number; file: string } {
  const file = join(dir, `${tag}.db`);
  const db = openDatabase(file);
  const store = new SessionStore(db);
  const modelId = store.upsertModel({ name: 'bench', layers: [], outputs: [] });
  const deviceId = store.upsertDevice(EXAM_MCU);
  const sessionId = store.createSession({ name: tag, modelId, spec, total: N, deviceIds: [deviceId] });
  return { db, store, sessionId, file };
}

try {
  for (let rep = 0; rep < REPS; rep++) {
    for (const variant of ['loop', 'objects', 'columns'] as const) {
      const { db, store, sessionId, file } = fresh(`${variant}-${rep}`);
      const t =
        variant === 'loop'
          ? time(() => plainLoop(db, sessionId, cols, N))
          : variant === 'objects'
            ? time(() => store.insertResults(sessionId, objects))
            : time(() => store.insertResultColumns(sessionId, cols));
      record(`insert ${variant}`, t);
      if (variant === 'columns') {
        record('readResultColumns', time(() => store.readResultColumns(sessionId)));
        record('readResultColumns 4 col', time(() => store.readResultColumns(sessionId, ['status', 'latencyS', 'accuracy', 'totalBytes'])));
        record('storedIndices', time(() => store.storedIndices(sessionId)));
        const front = Array.from({ length: 2000 }, (_, i) => i * Math.floor(N / 2000));
        record('writeFront 2000 rows', time(() => store.writeFront(sessionId, 1, front)));
        record('readResults frontOnly', time(() => store.readResults(sessionId, { frontOnly: true })));
        record('listSessions', time(() => store.listSessions()));
        db.close();
        record('reopen (quick_check)', time(() => openDatabase(file).close()));
        const again = new SessionStore(openDatabase(file, { quickCheck: false }));
        record('deleteSession', time(() => again.deleteSession(`${variant}-${rep}`)));
        again.db.close();
      } else {
        db.close();
      }
      rmSync(file, { force: true });
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`${N.toLocaleString('en')} rows, ${REPS} repetitions, median (wall / CPU):`);
for (const [name, s] of Object.entries(samples)) {
  console.log(`  ${name.padEnd(24)} ${median(s.ms).toFixed(0).padStart(6)} ms  ${median(s.cpu).toFixed(0).padStart(6)} ms CPU   (wall: ${s.ms.map((x) => x.toFixed(0)).join(', ')})`);
}
