// Careless commands and hostile files through the real CLI: refused at once with the right exit code and a message
// that names the file, the layer or the limit; never a crash, a hang or a figure that is not a finite integer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './run';

const dir = mkdtempSync(join(tmpdir(), 'frontier-robust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, data: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};

const sweep = ['sweep', 'exam-cnn', '--device', 'exam-mcu', '--db', ':memory:'];

describe('numeric flags are bounded, as usage errors naming the limit (exit 2)', () => {
  it.each([
    [[...sweep, '--channels', 'conv1=1:100000000'], /--channels conv1: "1:100000000" is outside the limit: values run from 1 to 1,048,576/],
    [[...sweep, '--channels', 'conv1=1:1000000000000'], /is outside the limit: values run from 1 to 1,048,576/],
    [[...sweep, '--channels', 'conv1=1:1000000000000', '--strategy', 'random', '--samples', '10'], /is outside the limit/],
    [[...sweep, '--channels', 'conv1=1:1048576'], /--channels conv1: 1,048,576 values, more than the limit of 65,536 for one dimension/],
    [[...sweep, '--prune', 'conv1=0:0.99:0.0000001'], /--prune conv1: 9,900,001 values, more than the limit of 65,536/],
    [[...sweep, '--channels', 'conv1=1:4096,conv2=1:4096,dense=1:4096', '--grid-limit', '100000000'], /the grid has 68,719,476,736 configurations, above the limit of 100,000,000/],
    [[...sweep, '--samples', '1e20', '--strategy', 'random'], /--samples 1e20: must be a whole number from 1 to 10,000,000/],
    [[...sweep, '--grid-limit', '1e300'], /--grid-limit 1e300: must be a whole number from 1 to 100,000,000/],
    [[...sweep, '--seed', '4294967296'], /--seed 4294967296: must be a whole number from 0 to 4,294,967,295/],
    [[...sweep, '--workers', '100000'], /--workers 100000: must be a whole number from 1 to 256/],
    [[...sweep, '--deadline', 'c=1e300'], /the deadline must be a positive number of seconds, at most 86,400/],
    [['analyze', 'exam-cnn', '--channels', 'conv1=9007199254740993'], /is outside the limit: values run from 1 to 1,048,576/],
    [['analyze', 'exam-cnn', '--mode', 'training', '--batch', '1e20'], /--batch 1e20: must be a whole number from 1 to 65,536/],
    // Channels are whole numbers in decimal digits; a ratio that rounds to 1 is outside [0, 1), as a usage error.
    [['analyze', 'exam-cnn', '--channels', 'conv2=0x10'], /--channels conv2: "0x10" must be whole numbers in decimal digits \(such as 16\)/],
    [['analyze', 'exam-cnn', '--channels', 'conv2=1e3'], /--channels conv2: "1e3" must be whole numbers in decimal digits/],
    [[...sweep, '--channels', 'conv2=8:0x20'], /--channels conv2: "8:0x20" must be whole numbers in decimal digits/],
    [['analyze', 'exam-cnn', '--prune', '*=0.9999999999999999'], /--prune \*: "0\.9999999999999999" is outside the limit: values run from 0 up to \(not including\) 1/],
    [[...sweep, '--prune', '*=0.9999999999999999'], /--prune \*: "0\.9999999999999999" is outside the limit/],
    // A deadline names one device at most, and "__proto__" names no client (it would vanish from every lookup).
    [[...sweep, '--deadline', 'c=1ms@exam-mcu@x'], /--deadline c=1ms@exam-mcu@x: give a deadline and at most one device after "@"/],
    [[...sweep, '--deadline', 'c=1@'], /--deadline c=1@: give a deadline and at most one device after "@"/],
    [[...sweep, '--deadline', '__proto__=1', '--deadline', 'c=1'], /--deadline __proto__=1: "__proto__" cannot name a client/],
    // One rule for session names, as in the web host: printable, at most 200 characters.
    [[...sweep, '--session', 'x'.repeat(300)], /--session: the session name is 300 characters long, more than 200/],
    [[...sweep, '--session', 'two\nlines'], /--session: the session name holds a control character \(U\+000A, a line break\)/],
    [['rename', 'a', 'tab\there', '--db', ':memory:'], /rename: the session name holds a control character \(U\+0009\)/],
  ])('%j', async (args, message) => {
    const r = await cli(args);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('files that cannot be read or analysed exit 1 at once, naming the file', () => {
  it.runIf(process.platform !== 'win32')('frontier analyze /dev/zero', async () => {
    const r = await cli(['analyze', '/dev/zero']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('frontier analyze: /dev/zero: cannot read the model file: it is a device, not a regular file\n');
  });

  it('a ZIP bomb', async () => {
    const config = new Uint8Array(65 * 1024 * 1024 + 1).fill(0x20);
    const bomb = file('bomb.keras', zipSync({ 'config.json': config }));
    const r = await cli(['analyze', bomb]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bomb\.keras: config\.json expands to 68,157,441 bytes \(its declared size\), beyond the 64 MiB limit/);
  });

  it('a model whose parameters would be infinite: refused naming the layer, no "Infinity" anywhere', async () => {
    const model = file(
      'huge.json',
      '{"class_name": "Sequential", "config": {"name": "s", "layers": [' +
        '{"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 16]}},' +
        '{"class_name": "Dense", "config": {"name": "dense", "units": 1e308}}]}}',
    );
    for (const args of [['analyze', model], ['analyze', model, '--json'], ['sweep', model, '--device', 'exam-mcu', '--db', ':memory:']]) {
      const r = await cli(args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/huge\.json: dense: output shape \d+ holds more than 2\^53 values/);
      expect(r.stderr).not.toMatch(/Infinity|NaN|undefined|e\+/);
    }
  });

  it('JSON nested 5,000 levels deep', async () => {
    const deep = file('deep.json', `{"class_name": "Sequential", "config": {"layers": ${'['.repeat(5000)}${']'.repeat(5000)}}}`);
    const r = await cli(['analyze', deep]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/deep\.json: not a model file: the JSON is nested deeper than 100 levels/);
  });
});

describe('sweeps store only exact figures', () => {
  it('a configuration whose counts would pass 2^53 is stored as failed with its reason; the session completes', async () => {
    const model = file(
      'wide.json',
      JSON.stringify({
        format: 'frontier-model',
        version: 1,
        name: 'wide',
        outputs: ['conv'],
        layers: [
          { name: 'in', type: 'Input', inputs: [], shape: [131072, 131072, 1] },
          {
            name: 'conv', type: 'Conv2D', inputs: ['in'], filters: 1, kernel: [1, 1], strides: [1, 1], padding: 'valid',
            dilation: [1, 1], groups: 1, useBias: true, activation: 'linear',
          },
        ],
      }),
    );
    const db = join(dir, 'wide.db');
    const r = await cli(['sweep', model, '--device', 'exam-mcu', '--channels', 'conv=1,1048576', '--db', db, '--json']);
    expect(r.stderr).not.toMatch(/Infinity|NaN/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe('complete');
    const rows = new Database(db, { readonly: true })
      .prepare(
        `SELECT status, message, typeof(params) AS tp, typeof(total_bytes) AS tt, typeof(macs) AS tm, params, total_bytes, macs
         FROM results ORDER BY idx`,
      )
      .all() as { status: number; message: string | null; tp: string; tt: string; tm: string; params: number; total_bytes: number; macs: number }[];
    expect(rows.map((row) => row.status)).toEqual([1, 3]);
    expect(rows[1].message).toMatch(/^conv: .*2\^53/);
    for (const row of rows) {
      expect([row.tp, row.tt, row.tm]).toEqual(['integer', 'integer', 'integer']);
      for (const v of [row.params, row.total_bytes, row.macs]) expect(Number.isSafeInteger(v)).toBe(true);
    }
  });
});

describe('the small JSON files a command reads', () => {
  it('a spec, device or calibration file that is a directory, a device or nested too deeply is a usage error naming it', async () => {
    const deep = file('deep-spec.json', `{"model": "exam-cnn", "devices": ${'['.repeat(3000)}${']'.repeat(3000)}}`);
    const cases: [string[], RegExp][] = [
      [['sweep', '--spec', deep, '--db', ':memory:'], /deep-spec\.json: not valid here: the JSON is nested deeper than 100 levels/],
      [['sweep', '--spec', dir, '--db', ':memory:'], /--spec .*: it is a directory, not a regular file/],
      [['analyze', 'exam-cnn', '--calibration', '/dev/zero'], /--calibration \/dev\/zero: it is a device, not a regular file/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
    }
  });
});

describe('absurd figures are refused where they are read, naming the field', () => {
  const board = { id: 'b', sramKiB: 256, flashKiB: 1024, weightsIn: 'flash', throughput: { fp32: 1e7 } };
  it.each([
    [{ throughput: { fp32: 5e-324 } }, /b\.json: throughput\.fp32 must be from 1 to 1e18 operations per second, got 5e-324/],
    [{ throughput: { fp32: 1e-300 }, overheadS: 1e308 }, /b\.json: throughput\.fp32 must be from 1 to 1e18 operations per second, got 1e-300/],
    [{ overheadS: 1e308 }, /b\.json: overheadS must be at most 86,400 seconds \(a day\), got 1e\+308/],
    [{ sramKiB: undefined, sramBytes: 2 ** 53 + 2 }, /b\.json: sramBytes must be at most 1,099,511,627,776 bytes \(1 TiB\), got 9007199254740994/],
    [{ sramKiB: undefined, sramBytes: 1e300 }, /b\.json: sramBytes must be at most 1,099,511,627,776 bytes \(1 TiB\), got 1e\+300/],
    [{ runtimeRamBytes: 1e300 }, /b\.json: runtimeRamBytes must be at most 1,099,511,627,776 bytes \(1 TiB\), got 1e\+300/],
  ])('a device file with %j', async (change, message) => {
    const device = file('b.json', JSON.stringify({ ...board, ...change }));
    const r = await cli(['analyze', 'exam-cnn', '--device', device, '--json']);
    expect(r.stderr).toMatch(message);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
  });
});

describe('long graphs', () => {
  it("--prune '*=0.5' on a chain of 3,000 layers: analysed, no stack overflow", async () => {
    const layers: unknown[] = [{ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 8] } }];
    for (let i = 1; i < 3000; i++) layers.push({ class_name: 'Dense', config: { name: `d${i}`, units: 8 } });
    const model = file('chain.json', JSON.stringify({ class_name: 'Sequential', config: { name: 'chain', layers } }));
    const r = await cli(['analyze', model, '--prune', '*=0.5', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // d1: 8 → 4; d2 … d2998: 4 → 4; the output layer d2999 keeps its 8 units.
    expect((JSON.parse(r.stdout) as { params: number }).params).toBe(36 + 2997 * 20 + 40);
  });
});
