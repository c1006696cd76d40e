// Exports of stored sessions (chosen configurations as JSON, CSV, bundles), bundle import, atomic file writes and
// session comparison, on real SQLite files with sweeps run by the real worker pool.
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from '../src/main/files/atomicWrite';
import { compareSessions } from '../src/main/services/compare';
import {
  csvChunks,
  csvField,
  exportBundle,
  exportChosen,
  exportCsv,
  importBundle,
  writeExportFile,
  type SessionBundle,
} from '../src/main/services/exports';
import { describeConfiguration } from '../src/main/services/sweepJob';
import { preparedForSession, runSweep, sessionSummary } from '../src/main/services/sweeps';
import { openDatabase, SessionStore, type Db } from '../src/main/store';
import { analyze } from '../src/shared/analysis/analyze';
import { parseDeviceProfile } from '../src/shared/deviceProfile';
import { nativeToGraph } from '../src/shared/model/native';
import { defaultSpec } from '../src/shared/sweep/specFile';
import type { SweepSpec } from '../src/shared/sweep/types';

const HEADER =
  'idx,status,channels.conv1,channels.conv2,channels.dense,precision,device,params,param_bytes,peak_activation_bytes,' +
  'total_bytes,sram_bytes,macs,flops,latency_s,accuracy,fits,front_3d,front_latency,front_memory,message';

const examSpec = (over: Partial<SweepSpec> = {}): SweepSpec => ({
  ...defaultSpec('exam-cnn'),
  devices: ['exam-mcu'],
  channels: { conv1: ['8', '16'], conv2: ['8', '32'] },
  precisions: ['fp32', 'int8'],
  memoryModel: 'largest-tensor',
  accuracy: { kind: 'penalties', metric: 'accuracy', base: 0.93, penalties: { pruned: 0.05, int8: 0.03 } },
  clients: [
    { name: 'client1', deadlineS: 0.2 },
    { name: 'client2', deadlineS: 0.5 },
  ],
  ...over,
});

const open: Db[] = [];
function tempStore(): { store: SessionStore; db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'frontier-exports-'));
  const db = openDatabase(join(dir, 'frontier.db'));
  open.push(db);
  return { store: new SessionStore(db), db, dir };
}
afterAll(() => open.forEach((db) => db.close()));

const count = (db: Db, table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** A minimal RFC 4180 reader, to check what a CSV consumer sees. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('exports of the exam sweep', async () => {
  const { store, db } = tempStore();
  const summary = await runSweep(store, examSpec(), { name: 'exam', workers: 2 });

  it('runs the exam as expected (the base of every test below)', () => {
    expect(summary).toMatchObject({ configs: 8, feasible: 4 });
    expect(summary.best.client1?.totalBytes).toBe(149275);
  });

  it('CSV: one header line and one line per stored configuration, figures with their units in the names', () => {
    const text = exportCsv(store, 'exam');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toBe(HEADER);
    expect(lines[2]).toBe('1,ok,8,8,3,int8,exam-mcu,22267,22267,127008,149275,149275,3307968,6615936,0.0826992,0.85,true,true,true,true,');
    expect(lines[7]).toBe('6,no-fit,16,32,3,fp32,exam-mcu,91203,364812,1016064,1380876,1380876,19518912,39037824,3.9037824,0.93,false,false,false,false,');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Every row has as many fields as the header.
    expect(parseCsv(text).every((r) => r.length === 21)).toBe(true);
  });

  it('CSV --front: the 3-D front only', () => {
    const lines = exportCsv(store, 'exam', { front: true }).trimEnd().split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 6).join(','))).toEqual(['1,ok,8,8,3,int8', '7,ok,16,32,3,int8']);
  });

  it('CSV in chunks: the same text whatever the chunk size', () => {
    const chunks = [...csvChunks(store, 'exam', { rowsPerChunk: 3 })];
    expect(chunks).toHaveLength(1 + 3);
    expect(chunks.map((c) => `${c}\n`).join('')).toBe(exportCsv(store, 'exam'));
  });

  it('CSV: a message with commas, quotes and a line break is quoted and reads back whole', async () => {
    const prepared = preparedForSession(store, 'exam');
    const id = store.createSession({
      name: 'odd',
      modelId: store.upsertModel(prepared.graph),
      spec: examSpec(),
      total: 8,
      deviceIds: prepared.devices.map((d) => store.upsertDevice(d)),
    });
    const message = 'conv1: "8, 16" clash,\nsecond line';
    store.insertResults(id, [
      { idx: 2, status: 'error', params: 0, paramBytes: 0, peakActivationBytes: 0, totalBytes: 0, sramBytes: 0, macs: 0, latencyS: null, accuracy: null, message },
    ]);
    store.finishSession(id, 'cancelled', { elapsedS: 0 });
    const text = exportCsv(store, 'odd');
    expect(text).toContain(',"conv1: ""8, 16"" clash,\nsecond line"\n');
    const rows = parseCsv(text);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual(['2', 'error', '8', '32', '3', 'fp32', 'exam-mcu', '', '', '', '', '', '', '', '', '', '', 'false', 'false', 'false', message]);
  });

  it('CSV fields are quoted per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });

  it('JSON --best client1: the edited graph (conv1 with 8 filters), the device profile and every figure', () => {
    const out = exportChosen(store, 'exam', { bestClient: 'client1' });
    expect(out).toMatchObject({ format: 'frontier-configurations', session: 'exam', model: 'exam-cnn', selection: 'best', client: { name: 'client1', deadlineS: 0.2 } });
    expect(out.configurations).toHaveLength(1);
    const c = out.configurations[0];
    expect(c).toMatchObject({
      idx: 1,
      status: 'ok',
      channels: { conv1: 8, conv2: 8, dense: 3 },
      precision: 'int8',
      totalBytes: 149275,
      paramBytes: 22267,
      peakActivationBytes: 127008,
      sramBytes: 149275,
      macs: 3307968,
      flops: 6615936,
      latencyS: 0.0826992,
      accuracy: 0.85,
      fits: true,
      memoryModel: 'largest-tensor',
      biasMode: 'weight',
    });
    const conv1 = c.model.layers.find((l) => l.name === 'conv1') as unknown as { filters: number };
    expect(conv1.filters).toBe(8);
    // The graph and the device read back and analyse to the same figures.
    const graph = nativeToGraph(JSON.parse(JSON.stringify(c.model)), 'export');
    const device = parseDeviceProfile(JSON.parse(JSON.stringify(c.device)), 'export');
    expect(device.id).toBe('exam-mcu');
    const report = analyze(graph, { precision: 'int8', device, memoryModel: 'largest-tensor' });
    expect(report.totalBytes).toBe(149275);
  });

  it('JSON default: the front, each configuration with its own graph', () => {
    const out = exportChosen(store, 'exam');
    expect(out.selection).toBe('front');
    expect(out.configurations.map((c) => [c.idx, c.channels.conv1, c.channels.conv2, c.precision])).toEqual([
      [1, 8, 8, 'int8'],
      [7, 16, 32, 'int8'],
    ]);
    const filters = out.configurations.map((c) => (c.model.layers.find((l) => l.name === 'conv2') as unknown as { filters: number }).filters);
    expect(filters).toEqual([8, 32]);
  });

  it('refuses an unknown client (naming the valid ones), an unknown session, and both --front and --best', () => {
    expect(() => exportChosen(store, 'exam', { bestClient: 'nobody' })).toThrow(/no client "nobody"; its clients are client1, client2/);
    expect(() => exportCsv(store, 'nope')).toThrow(/no session named "nope"; sessions are .*exam/);
    expect(() => exportChosen(store, 'exam', { front: true, bestClient: 'client1' })).toThrow(/either --front or --best/);
  });

  it('an unsatisfied client is an error that gives the nearest miss', async () => {
    await runSweep(store, examSpec({ clients: [{ name: 'hasty', deadlineS: 0.05 }] }), { name: 'hasty', workers: 1 });
    expect(() => exportChosen(store, 'hasty', { bestClient: 'hasty' })).toThrow(
      /client "hasty" is unsatisfied in session "hasty".*nearest miss conv1 8 \/ conv2 8 \/ dense 3 \/ int8 on exam-mcu: .*50\.0 ms deadline/,
    );
  });

  it('bundle: export, import into another database, and the summary is the same', () => {
    const bundle = exportBundle(store, 'exam');
    expect(bundle).toMatchObject({ format: 'frontier-session-bundle', version: 1, session: { name: 'exam', status: 'complete', total: 8 } });
    expect(bundle.results.idx).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(bundle.results.status).toEqual(['no-fit', 'ok', 'no-fit', 'ok', 'no-fit', 'ok', 'no-fit', 'ok']);
    expect(bundle.devices.map((d) => d.id)).toEqual(['exam-mcu']);
    const text = JSON.stringify(bundle);

    const other = tempStore();
    expect(importBundle(other.store, text)).toBe('exam');
    expect(sessionSummary(other.store, 'exam')).toEqual(sessionSummary(store, 'exam'));
    expect(exportCsv(other.store, 'exam')).toBe(exportCsv(store, 'exam'));
    const again = exportBundle(other.store, 'exam');
    expect(again.results).toEqual(bundle.results);
    expect({ ...again.session, created: '', startedAt: '', finishedAt: '' }).toEqual({ ...bundle.session, created: '', startedAt: '', finishedAt: '' });

    // Under another name, and over an existing session only with replace.
    expect(importBundle(other.store, bundle, { name: 'copy' })).toBe('copy');
    expect(() => importBundle(other.store, bundle)).toThrow(/already exists.*--replace/);
    expect(importBundle(other.store, bundle, { replace: true })).toBe('exam');
    expect(other.store.listSessions().map((s) => s.name).sort()).toEqual(['copy', 'exam']);
  });

  it('import refuses a malformed bundle, naming the field, and writes nothing', () => {
    const good = exportBundle(store, 'exam');
    const fresh = tempStore();
    const cases: [(b: SessionBundle) => unknown, RegExp][] = [
      [() => 'not json', /not valid JSON/],
      [(b) => ({ ...b, format: 'zip' }), /format must be "frontier-session-bundle", got "zip"/],
      [(b) => ({ ...b, version: 2 }), /version 2 is newer/],
      [(b) => ({ ...b, results: { ...b.results, latencyS: b.results.latencyS.map((v, i) => (i === 3 ? 'fast' : v)) } }), /results\.latencyS\[3\] must be a number or null, got "fast"/],
      [(b) => ({ ...b, results: { ...b.results, status: b.results.status.slice(1) } }), /results\.status must hold 8 values/],
      [(b) => ({ ...b, results: { ...b.results, idx: b.results.idx.map((v) => (v === 7 ? 0 : v)) } }), /results\.idx\[7\] repeats a configuration/],
      [(b) => ({ ...b, results: { ...b.results, idx: b.results.idx.map((v) => (v === 7 ? 8 : v)) } }), /results\.idx\[7\] must be a whole number in \[0, 8\)/],
      [(b) => ({ ...b, session: { ...b.session, total: 9 } }), /session\.total is 9, but .* give 8/],
      [(b) => ({ ...b, session: { ...b.session, status: 'done' } }), /session\.status must be one of/],
      [(b) => ({ ...b, spec: { ...b.spec, memoryModel: 'max' } }), /spec: memoryModel must be one of/],
      [(b) => ({ ...b, devices: [{ ...b.devices[0], sramBytes: -1 }] }), /devices\[0\]/],
      [(b) => ({ ...b, model: { ...b.model, layers: 'none' } }), /model/],
      [(b) => ({ ...b, messages: [[99, 'boom']] }), /messages\[0\] names a configuration that is not in results\.idx/],
      [(b) => ({ ...b, results: undefined }), /^bundle: results is missing; it must be an object of columns$/],
      // Absurd figures: refused, never stored (a share of 700 %, a negative time, 2^60 parameters, 1.5 MACs).
      [(b) => ({ ...b, results: { ...b.results, accuracy: b.results.accuracy.map((x, i) => (i === 1 ? 7 : x)) } }), /results\.accuracy\[1\] must be a fraction in \[0, 1\] or null, got 7/],
      [(b) => ({ ...b, results: { ...b.results, latencyS: b.results.latencyS.map((x, i) => (i === 1 ? -5 : x)) } }), /results\.latencyS\[1\] must be a number of seconds ≥ 0 or null, got -5/],
      [(b) => ({ ...b, results: { ...b.results, params: b.results.params.map((x, i) => (i === 1 ? 2 ** 60 : x)) } }), /results\.params\[1\] must be a whole number from 0 to 2\^53, got 1152921504606847000/],
      [(b) => ({ ...b, results: { ...b.results, macs: b.results.macs.map((x, i) => (i === 1 ? 1.5 : x)) } }), /results\.macs\[1\] must be a whole number from 0 to 2\^53, got 1\.5/],
      [(b) => ({ ...b, results: { ...b.results, totalBytes: b.results.totalBytes.map((x, i) => (i === 1 ? 1 : x)) } }), /results\[1\] \(configuration 1\): totalBytes 1 is not paramBytes \d+ \+ peakActivationBytes \d+/],
      [(b) => ({ ...b, results: { ...b.results, params: b.results.params.map((x, i) => (i === 1 ? 1e9 : x)) } }), /results\[1\] \(configuration 1\): paramBytes \d+ cannot hold 1000000000 parameters/],
      [(b) => ({ ...b, results: { ...b.results, sramBytes: b.results.sramBytes.map((x, i) => (i === 1 ? 1 : x)) } }), /results\[1\] \(configuration 1\): sramBytes 1 is outside what its peak activation/],
      [(b) => JSON.stringify({ ...b, session: { ...b.session, elapsedS: 12345.5 } }).replace('12345.5', '1e999'), /session\.elapsedS must be a number of seconds ≥ 0 or null, got Infinity/],
    ];
    for (const [mangle, message] of cases) {
      const input = mangle(structuredClone(good));
      expect(() => importBundle(fresh.store, typeof input === 'string' ? input : JSON.stringify(input)), String(message)).toThrow(message);
    }
    expect(fresh.store.listSessions()).toEqual([]);
    for (const table of ['sessions', 'models', 'devices', 'results', 'clients']) expect(count(fresh.db, table)).toBe(0);
  });

  it('an import that fails while writing leaves the database as it was (one transaction)', () => {
    const fresh = tempStore();
    const spy = vi.spyOn(fresh.store, 'insertResultColumns').mockImplementation(() => {
      throw new Error('disk full');
    });
    expect(() => importBundle(fresh.store, exportBundle(store, 'exam'))).toThrow(/disk full/);
    spy.mockRestore();
    for (const table of ['sessions', 'models', 'devices', 'results', 'clients']) expect(count(fresh.db, table)).toBe(0);
  });

  it('export files are written atomically; a failed export leaves the old file', () => {
    const replace = { databases: [], force: true };
    const dir = mkdtempSync(join(tmpdir(), 'frontier-out-'));
    const target = join(dir, 'exam.csv');
    writeExportFile(target, store, 'exam', 'csv', {}, replace);
    expect(readFileSync(target, 'utf8')).toBe(exportCsv(store, 'exam'));
    writeExportFile(target, store, 'exam', 'json', { bestClient: 'client1' }, replace);
    expect(JSON.parse(readFileSync(target, 'utf8')).configurations[0].totalBytes).toBe(149275);
    const before = readFileSync(target, 'utf8');
    expect(() => writeExportFile(target, store, 'nope', 'csv', {}, replace)).toThrow(/no session named "nope"/);
    expect(() => writeExportFile(target, store, 'exam', 'bundle', { front: true }, replace)).toThrow(/bundle holds the whole session/);
    expect(readFileSync(target, 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['exam.csv']);
    expect(() => writeExportFile(join(dir, 'missing', 'x.csv'), store, 'exam', 'csv', {}, replace)).toThrow(/missing does not exist/);
    expect(db.open).toBe(true);
  });
});

describe('writeFileAtomic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontier-atomic-'));

  it('replaces the content, keeps the permissions, leaves no temporary file', () => {
    const target = join(dir, 'a.txt');
    writeFileSync(target, 'old');
    chmodSync(target, 0o640);
    writeFileAtomic(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(statSync(target).mode & 0o777).toBe(0o640);
    writeFileAtomic(target, ['chunk 1\n', Buffer.from('chunk 2\n')]);
    expect(readFileSync(target, 'utf8')).toBe('chunk 1\nchunk 2\n');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('keeps the old file when writing fails midway, and removes the temporary file', () => {
    const target = join(dir, 'b.txt');
    writeFileSync(target, 'old content');
    function* failing(): Generator<string> {
      yield 'half of the new ';
      throw new Error('the producer failed');
    }
    expect(() => writeFileAtomic(target, failing())).toThrow(/the producer failed/);
    expect(readFileSync(target, 'utf8')).toBe('old content');
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('fails with the file named when the directory does not exist', () => {
    const target = join(dir, 'no-such-dir', 'c.txt');
    expect(() => writeFileAtomic(target, 'x')).toThrow(/cannot write .*c\.txt: its directory .*no-such-dir does not exist/);
    expect(existsSync(target)).toBe(false);
  });

  it('fails when the target is a directory, leaving it and no temporary file', () => {
    const sub = mkdtempSync(join(dir, 'sub-'));
    // A directory cannot be replaced by a file: the rename fails after the data was written and flushed.
    expect(() => writeFileAtomic(sub, 'x')).toThrow(/cannot write .*sub-/);
    expect(statSync(sub).isDirectory()).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('CSV of a model with Add groups and failing configurations', async () => {
  const { store } = tempStore();
  // ResNet-8: conv1 and stack1_conv2 are joined by an Add, as are stack2_conv2 and stack2_shortcut. Setting the
  // latter two differently cannot be built (error rows); setting conv1 carries stack1_conv2 along.
  await runSweep(
    store,
    {
      ...defaultSpec('mlperf-ic'),
      devices: ['exam-mcu'],
      channels: { conv1: ['8', '16'], stack2_conv2: ['16', '32'], stack2_shortcut: ['16', '32'] },
      prune: { stack3_conv1: ['0', '0.5'] },
      precisions: ['int8', 'fp16'],
    },
    { name: 'resnet', workers: 2 },
  );
  const prepared = preparedForSession(store, 'resnet');
  const rows = parseCsv(exportCsv(store, 'resnet'));
  const header = rows[0];
  const col = (name: string): number => header.indexOf(name);

  it('has a channels column per editable layer, filled as describeConfiguration fills them', () => {
    expect(header.filter((h) => h.startsWith('channels.'))).toEqual([...prepared.ctx.editable.keys()].map((n) => `channels.${n}`));
    expect(rows).toHaveLength(1 + 32);
    for (const row of rows.slice(1)) {
      const idx = Number(row[0]);
      const described = describeConfiguration(prepared, idx);
      const channels = Object.fromEntries([...prepared.ctx.editable.keys()].map((n) => [n, Number(row[col(`channels.${n}`)])]));
      expect(channels).toEqual(described.channels);
      expect([row[col('precision')], row[col('device')]]).toEqual([described.precision, described.device]);
    }
    const eight = rows.find((r) => r[col('channels.conv1')] === '8') as string[];
    expect(eight[col('channels.stack1_conv2')]).toBe('8');
  });

  it('error rows carry their message and no figures', () => {
    const errors = rows.filter((r) => r[col('status')] === 'error');
    expect(errors).toHaveLength(16);
    for (const r of errors) {
      expect(r[col('message')]).toMatch(/^stack2_conv2: joined by an Add to layers set to (16 and 32|32 and 16); they must be equal$/);
      expect([r[col('params')], r[col('latency_s')], r[col('accuracy')], r[col('fits')]]).toEqual(['', '', '', '']);
    }
  });

  it('unsupported rows: no latency, a derived reason, and the memory fit from the stored bytes', () => {
    const unsupported = rows.filter((r) => r[col('status')] === 'unsupported');
    expect(unsupported.length).toBeGreaterThan(0);
    for (const r of unsupported) {
      expect(r[col('precision')]).toBe('fp16');
      expect(r[col('latency_s')]).toBe('');
      expect(r[col('accuracy')]).toBe('');
      expect(r[col('message')]).toBe('fp16 unsupported on exam-mcu: no latency');
      expect(r[col('fits')]).toBe(Number(r[col('sram_bytes')]) <= 520 * 1024 ? 'true' : 'false');
    }
  });
});

describe('compare', async () => {
  const { store } = tempStore();
  await runSweep(store, examSpec(), { name: 'exam', workers: 2 });
  await runSweep(store, examSpec({ precisions: ['fp32'] }), { name: 'fp32', workers: 1 });
  await runSweep(store, examSpec({ channels: { conv1: ['4', '8'], conv2: ['8', '32'] } }), { name: 'thin', workers: 2 });

  it('exam vs the same sweep in fp32 only: nothing fits in fp32, so B has no front and both clients are lost', () => {
    const c = compareSessions(store, 'exam', 'fp32');
    expect(c.a.front.map((e) => e.idx)).toEqual([1, 7]);
    expect(c.b.front).toEqual([]);
    expect(c.aDominatedByB).toEqual([]);
    expect(c.bDominatedByA).toEqual([]);
    expect(c.hypervolumeB).toBe(0);
    expect(c.clients.map((x) => [x.client, x.change, x.after])).toEqual([
      ['client1', 'lost', null],
      ['client2', 'lost', null],
    ]);
    expect(c.clients[0].before).toMatchObject({ idx: 1, totalBytes: 149275 });
  });

  it('exam vs a thinner conv1: its 4/8 INT8 dominates 8/8 INT8; client1 gains, client2 loses accuracy', () => {
    const c = compareSessions(store, 'exam', 'thin');
    expect(c.aDominatedByB).toEqual([1]);
    expect(c.bDominatedByA).toEqual([]);
    expect(c.verdict).toBe('b-better');
    expect(c.hypervolumeB).toBeGreaterThan(c.hypervolumeA);
    const byClient = Object.fromEntries(c.clients.map((x) => [x.client, x]));
    expect(byClient.client1.change).toBe('better');
    expect(byClient.client1.after).toMatchObject({ channels: { conv1: 4, conv2: 8 }, precision: 'int8', accuracy: 0.85 });
    expect(byClient.client2.change).toBe('worse');
    expect(byClient.client2.after).toMatchObject({ channels: { conv1: 4 }, precision: 'fp32', accuracy: 0.88 });
    const back = compareSessions(store, 'thin', 'exam');
    expect(back.bDominatedByA).toEqual([1]);
    expect(back.verdict).toBe('a-better');
  });

  it('a session against itself is the same, and an unknown session is named', () => {
    const c = compareSessions(store, 'exam', 'exam');
    expect(c.verdict).toBe('same');
    expect(c.clients.every((x) => x.change === 'same')).toBe(true);
    expect(() => compareSessions(store, 'exam', 'nope')).toThrow(/no session named "nope"; sessions are exam, fp32, thin/);
  });
});
