// `frontier export`, `import` and `compare` end to end: the real binary on temporary SQLite files.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, cliJson } from './run';

const examSweep = [
  'sweep', 'exam-cnn', '--device', 'exam-mcu', '--memory', 'largest-tensor',
  '--channels', 'conv1=8,16', '--channels', 'conv2=8,32', '--precision', 'fp32,int8',
  '--base-accuracy', '0.93', '--penalty', 'pruned=0.05', '--penalty', 'int8=0.03',
  '--deadline', 'client1=0.2', '--deadline', 'client2=0.5',
];

const HEADER =
  'idx,status,channels.conv1,channels.conv2,channels.dense,precision,device,params,param_bytes,peak_activation_bytes,' +
  'total_bytes,sram_bytes,macs,flops,latency_s,accuracy,fits,front_3d,front_latency,front_memory,message';

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'frontier-cli-export-'));

describe('frontier export / import / compare', () => {
  const dir = tempDir();
  const env = { FRONTIER_DB: join(dir, 'frontier.db') };
  // One sweep, read by every test below.
  beforeAll(async () => {
    await cliJson([...examSweep, '--session', 'exam'], env);
  });

  it('export --format csv writes the CSV, and only it, to stdout: a header and 8 lines', async () => {
    const r = await cli(['export', 'exam', '--format', 'csv'], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toBe(HEADER);
    expect(lines[2]).toMatch(/^1,ok,8,8,3,int8,exam-mcu,22267,22267,127008,149275,/);
    const front = await cli(['export', 'exam', '--format', 'csv', '--front'], env);
    expect(front.stdout.trimEnd().split('\n')).toHaveLength(3);
  });

  it('export --out writes the file atomically and names it on stderr; stdout stays empty', async () => {
    const out = join(dir, 'exam.csv');
    const r = await cli(['export', 'exam', '--format', 'csv', '--out', out], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(out);
    expect(readFileSync(out, 'utf8')).toBe((await cli(['export', 'exam', '--format', 'csv'], env)).stdout);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('export --format json --best client1: the chosen configuration with its graph', async () => {
    const r = await cli(['export', 'exam', '--format', 'json', '--best', 'client1'], env);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      format: string;
      configurations: { totalBytes: number; model: { layers: { name: string; filters?: number }[] }; device: { id: string } }[];
    };
    expect(json.format).toBe('frontier-configurations');
    expect(json.configurations).toHaveLength(1);
    expect(json.configurations[0].totalBytes).toBe(149275);
    expect(json.configurations[0].model.layers.find((l) => l.name === 'conv1')?.filters).toBe(8);
    expect(json.configurations[0].device.id).toBe('exam-mcu');
  });

  it('usage errors exit 2 and name the valid choices', async () => {
    const format = await cli(['export', 'exam', '--format', 'xml'], env);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/unknown export format "xml"; choose one of json, csv, bundle/);
    const client = await cli(['export', 'exam', '--format', 'json', '--best', 'nobody'], env);
    expect(client.code).toBe(2);
    expect(client.stderr).toMatch(/no client "nobody"; its clients are client1, client2/);
    const session = await cli(['export', 'nope', '--format', 'csv'], env);
    expect(session.code).toBe(2);
    expect(session.stderr).toMatch(/no session named "nope"; sessions are exam/);
    const both = await cli(['export', 'exam', '--format', 'json', '--front', '--best', 'client1'], env);
    expect(both.code).toBe(2);
    const missing = await cli(['export', 'exam'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--format: one of json, csv, bundle/);
    for (const r of [format, client, session, both, missing]) expect(r.stdout).toBe('');
  });

  it('a bundle imported into a fresh database lists and shows as the original', async () => {
    const bundle = join(dir, 'exam.bundle.json');
    expect((await cli(['export', 'exam', '--format', 'bundle', '--out', bundle], env)).code).toBe(0);
    const fresh = { FRONTIER_DB: join(tempDir(), 'other.db') };
    const imported = await cliJson<{ session: string; status: string; configs: number; total: number }>(['import', bundle], fresh);
    expect(imported).toMatchObject({ session: 'exam', status: 'complete', configs: 8, total: 8 });
    const list = await cliJson<{ sessions: { name: string; status: string; configs: number }[] }>(['sessions'], fresh);
    expect(list.sessions).toEqual([expect.objectContaining({ name: 'exam', status: 'complete', configs: 8, total: 8 })]);
    expect(await cliJson(['show', 'exam'], fresh)).toEqual(await cliJson(['show', 'exam'], env));

    const again = await cli(['import', bundle], fresh);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already exists.*--replace/);
    const renamed = await cli(['import', bundle, '--name', 'copy'], fresh);
    expect(renamed.code).toBe(0);
    expect(renamed.stdout).toMatch(/imported session copy \(complete\): 8 of 8 configurations/);
  });

  it('a malformed bundle is refused with exit 2, naming the file and the field, and nothing is written', async () => {
    const bad = join(dir, 'bad.json');
    const bundle = JSON.parse((await cli(['export', 'exam', '--format', 'bundle'], env)).stdout) as { results: { accuracy: unknown[] } };
    bundle.results.accuracy[2] = 'high';
    writeFileSync(bad, JSON.stringify(bundle));
    const fresh = { FRONTIER_DB: join(tempDir(), 'fresh.db') };
    const r = await cli(['import', bad], fresh);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: bundle: results\.accuracy\[2\] must be a number or null, got "high"/);
    expect((await cliJson<{ sessions: unknown[] }>(['sessions'], fresh)).sessions).toEqual([]);
    const absent = await cli(['import', join(dir, 'absent.json')], fresh);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toMatch(/cannot read .*absent\.json/);
    expect(existsSync(join(dir, 'absent.json'))).toBe(false);
  });

  it('compare --json and the text report', async () => {
    await cliJson([...examSweep.slice(0, 1), ...examSweep.slice(1).map((a) => (a === 'conv1=8,16' ? 'conv1=4,8' : a)), '--session', 'thin'], env);
    const c = await cliJson<{
      a: { session: string; front: unknown[] };
      b: { session: string; front: unknown[] };
      aDominatedByB: number[];
      bDominatedByA: number[];
      verdict: string;
      clients: { client: string; change: string }[];
    }>(['compare', 'exam', 'thin'], env);
    expect(c.a.session).toBe('exam');
    expect(c.a.front).toHaveLength(2);
    expect(c.aDominatedByB).toEqual([1]);
    expect(c.bDominatedByA).toEqual([]);
    expect(c.verdict).toBe('b-better');
    expect(c.clients.map((x) => [x.client, x.change])).toEqual([
      ['client1', 'better'],
      ['client2', 'worse'],
    ]);
    const text = await cli(['compare', 'exam', 'thin'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^A exam: front of 2 configurations, hypervolume \d\.\d{4}$/m);
    expect(text.stdout).toMatch(/^B thin: front of \d+ configurations?, hypervolume \d\.\d{4}$/m);
    expect(text.stdout).toMatch(/verdict: thin is better/);
    expect(text.stdout).toMatch(/A exam's front points dominated by B thin:\n {2}#1 conv1 8 \/ conv2 8 \/ dense 3 \/ INT8 on exam-mcu/);
    expect(text.stdout).toMatch(/^client1: better — A: conv1 8 \/ conv2 8 .* → B: conv1 4 \/ conv2 8 /m);
    expect(text.stdout).toMatch(/^client2: worse — /m);
    const unknown = await cli(['compare', 'exam', 'nope'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no session named "nope"; sessions are exam, thin/);
  });
});

describe('export --out never replaces what it should not', () => {
  const dir = tempDir();
  const dbPath = join(dir, 'f.db');
  const env = { FRONTIER_DB: dbPath };
  beforeAll(async () => {
    await cliJson([...examSweep, '--session', 'exam'], env);
  });
  const exportTo = (out: string, ...more: string[]) => cli(['export', 'exam', '--format', 'bundle', '--out', out, ...more], env);
  const snapshot = (path: string): Buffer => readFileSync(path);

  it('refuses the database it reads, and its -wal and -shm, even with --force', async () => {
    const before = snapshot(dbPath);
    for (const [out, what] of [
      [dbPath, 'the database'],
      [`${dbPath}-wal`, "the database's wal file"],
      [`${dbPath}-shm`, "the database's shm file"],
    ]) {
      for (const force of [[], ['--force']]) {
        const r = await cli(['export', 'exam', '--format', 'bundle', '--out', out, '--db', dbPath, ...force]);
        expect(r.code, out).toBe(2);
        expect(r.stderr).toContain(`--out ${out}: that is ${what} this export reads from`);
      }
    }
    const link = join(dir, 'link-to.db');
    symlinkSync(dbPath, link);
    expect((await exportTo(link, '--force')).stderr).toContain('that is the database this export reads from');
    expect(snapshot(dbPath).equals(before)).toBe(true);
    expect((await cli(['sessions', '--json'], env)).code).toBe(0);
  });

  it.runIf(process.platform === 'linux')('refuses devices, directories and FIFOs', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    for (const [out, kind] of [
      ['/dev/full', 'a device'],
      ['/dev/null', 'a device'],
      [dir, 'a directory'],
      [fifo, 'a pipe (FIFO)'],
    ]) {
      const r = await exportTo(out, '--force');
      expect(r.code, out).toBe(2);
      expect(r.stderr).toContain(`--out ${out}: it is ${kind}; Frontier writes regular files only`);
    }
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('refuses an existing file unless --force, and leaves it as it was', async () => {
    const out = join(dir, 'mine.json');
    writeFileSync(out, 'precious');
    const r = await exportTo(out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${out}: the file exists; add --force to replace it`);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect((await exportTo(out, '--force')).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).format).toBe('frontier-session-bundle');
    const fresh = join(dir, 'fresh.json');
    expect((await exportTo(fresh)).code).toBe(0);
    expect(existsSync(fresh)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
