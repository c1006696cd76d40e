// The web host under abuse: bodies bounded per method and in nesting, large bodies parsed off the event loop,
// every invalid input a 4xx (never 500), unknown keys refused whatever their name, stalled connections closed and
// connections capped.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from '../../scripts/make-keras-fixtures';
import { METHODS } from '../../src/shared/api';
import { createServices, type Services } from '../../src/main/services/handlers';
import { analyzeOffLoop, ParseWorkers } from '../../src/main/web/parseWorkers';
import { analyze, type AnalysisRequest } from '../../src/shared/analysis/analyze';
import { errorPayload } from '../../src/main/services/errorPayload';
import { graphToNative, nativeToGraph } from '../../src/shared/model/native';
import type { Layer } from '../../src/shared/model/types';
import { DEFAULT_BODY_LIMIT } from '../../src/main/web/requestBody';
import { startWebHost, type WebHost } from '../../src/main/web/server';
import { GraphBuilder } from '../../src/shared/presets/builder';
import { fileHash, openDatabase, StoredFiles } from '../../src/main/store';
import { graphToOnnx } from '../onnx/writer';

interface Reply {
  status: number;
  body: string;
}

function post(host: WebHost, method: string, body: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: host.port,
        method: 'POST',
        path: `/api/${method}`,
        headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // The server may answer (413) and close before the whole body is sent.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    req.end(body);
  });
}

const messageOf = (r: Reply): string => (JSON.parse(r.body) as { error: { message: string } }).error.message;

/** Counts what reaches the worker, so the tests can tell which bodies were parsed off the event loop. */
class CountingParser extends ParseWorkers {
  bodies = 0;
  models = 0;
  analyses = 0;
  override analyze(graph: Record<string, unknown>, request: AnalysisRequest) {
    this.analyses++;
    return super.analyze(graph, request);
  }
  override parseBody(method: string, bytes: Buffer) {
    this.bodies++;
    return super.parseBody(method, bytes);
  }
  override parseModel(base64: string, name: string) {
    this.models++;
    return super.parseModel(base64, name);
  }
}

let root: string;
let services: Services;
let parser: CountingParser;
let host: WebHost;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'frontier-abuse-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Frontier</title>');
  parser = new CountingParser();
  services = createServices({
    dbPath: join(root, 'frontier.db'),
    parseModel: (b, n) => parser.parseModel(b, n),
    analyzeModel: (g, r) => analyzeOffLoop(parser, g, r),
  });
  host = await startWebHost({ services, rendererDir, parser });
});
afterAll(async () => {
  await host?.close();
  services?.close();
  parser?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('request bodies', () => {
  it('are bounded per method: a name is small, a model upload is the largest', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(DEFAULT_BODY_LIMIT) });
    const r = await post(host, 'sessions.get', big);
    expect(r.status).toBe(413);
    expect(messageOf(r)).toBe('the request body is larger than 1,048,576 bytes, the limit for this method');
    const upload = await post(host, 'model.load', JSON.stringify({ file: { name: 'big.json', base64: Buffer.alloc(2_000_000, 32).toString('base64') } }));
    expect(upload.status).toBe(400); // read, parsed and refused as a model, not as a body
    expect(messageOf(upload)).toMatch(/^big\.json: /);
  });

  it('nested 5,000 levels deep: 400 naming the nesting, never 500', async () => {
    const deep = `{"name": ${'['.repeat(5000)}${']'.repeat(5000)}}`;
    for (const method of ['sessions.get', 'model.analyze', 'devices.save']) {
      const r = await post(host, method, deep);
      expect(r.status, method).toBe(400);
      expect(messageOf(r)).toBe('the request body is nested deeper than 100 levels (at byte 108)');
    }
  });

  it('a large body is parsed in the worker; a 60 MB run of "[" is answered from the nesting alone', async () => {
    const before = parser.bodies;
    const small = await post(host, 'app.info', '{}');
    expect(small.status).toBe(200);
    expect(parser.bodies).toBe(before);
    const [brackets, info] = await Promise.all([post(host, 'model.load', Buffer.alloc(60 * 1024 * 1024, '[')), post(host, 'app.info', '{}')]);
    expect(brackets.status).toBe(400);
    expect(messageOf(brackets)).toBe('the request body is nested deeper than 100 levels (at byte 100)');
    expect(info.status).toBe(200);
    expect(parser.bodies).toBe(before + 1);
  });

  it('an uploaded model is parsed in the worker: a .keras reads, a ZIP bomb is a 400 naming the file', async () => {
    const keras = readFileSync(join(FIXTURE_DIR, 'exam-cnn.keras')).toString('base64');
    const models = parser.models;
    const ok = await post(host, 'model.load', JSON.stringify({ file: { name: 'exam.keras', base64: keras } }));
    expect(ok.status).toBe(200);
    expect((JSON.parse(ok.body) as { result: { source: string } }).result.source).toBe('exam.keras');
    const bomb = Buffer.from(zipSync({ 'config.json': new Uint8Array(65 * 1024 * 1024).fill(32) })).toString('base64');
    const refused = await post(host, 'model.load', JSON.stringify({ file: { name: 'bomb.keras', base64: bomb } }));
    expect(refused.status).toBe(400);
    expect(messageOf(refused)).toMatch(/^bomb\.keras: config\.json expands to 68,157,440 bytes \(its declared size\), beyond the 64 MiB limit/);
    expect(parser.models).toBe(models + 2);
    expect((await post(host, 'app.info', '{}')).status).toBe(200);
  });
});

describe('a large upload', () => {
  it('is parsed in the worker and kept in the database byte for byte (the event loop held only a handle)', async () => {
    const b = new GraphBuilder('wide');
    const model = Buffer.from(graphToOnnx(b.build(b.dense('d', b.input('in', [512]), { units: 1024 })), { weights: 3 }));
    const base64 = model.toString('base64');
    expect(base64.length).toBeGreaterThan(1024 * 1024); // past the size the worker keeps behind a handle
    const r = await post(host, 'model.load', JSON.stringify({ file: { name: 'wide.onnx', base64 } }));
    expect(r.status).toBe(200);
    const hash = (JSON.parse(r.body) as { result: { fileHash: string } }).result.fileHash;
    expect(hash).toBe(fileHash(model));
    const db = openDatabase(join(root, 'frontier.db'));
    try {
      expect(Buffer.from(new StoredFiles(db).get(hash) as Uint8Array).equals(model)).toBe(true);
    } finally {
      db.close();
    }
  });
});

describe('invalid input is a 4xx, never 500', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'foo'])('an extra key %s is refused like any unknown key', async (key) => {
    const r = await post(host, 'sessions.get', `{"name": "x", ${JSON.stringify(key)}: {"polluted": 1}}`);
    expect(r.status).toBe(400);
    expect(messageOf(r)).toBe(`input.${key}: is not a known field`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('devices.save with an incomplete profile', async () => {
    const r = await post(host, 'devices.save', '{"profile": {"id": "x"}}');
    expect(r.status).toBe(400);
    expect(messageOf(r)).toMatch(/^device: sramBytes is missing/);
  });

  it('random parameters for every method', async () => {
    const junk = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({ name: fc.string(), graph: fc.jsonValue({ maxDepth: 3 }), spec: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] }),
      fc.record({ profile: fc.dictionary(fc.constantFrom('id', 'sramBytes', 'flashBytes', 'throughput', 'weightsIn'), fc.jsonValue({ maxDepth: 2 })) }),
    );
    const safe = METHODS.filter((m) => m !== 'sweep.start' && m !== 'sessions.resume');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...safe), junk, async (method, params) => {
        const r = await post(host, method, JSON.stringify(params));
        expect(r.status, `${method} ${JSON.stringify(params).slice(0, 200)}: ${r.body.slice(0, 300)}`).toBeLessThan(500);
      }),
      { numRuns: 300, seed: 20240601 },
    );
  });
});

describe('slow and numerous connections', () => {
  it('closes a connection that never finishes its headers, and caps the connections open at once', { timeout: 20_000 }, async () => {
    const small = await startWebHost({
      services,
      rendererDir: join(root, 'renderer'),
      headersTimeoutMs: 500,
      maxConnections: 4,
    });
    try {
      const open = (): Promise<Socket> =>
        new Promise((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port: small.port }, () => resolve(socket));
          socket.resume(); // so that the server closing it shows as 'close'
          socket.on('error', () => undefined);
          socket.once('error', reject);
        });
      const closed = (socket: Socket): Promise<void> => new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
      const slow = await Promise.all([open(), open(), open(), open()]);

      for (const s of slow) s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${small.port}\r\n`); // and never the end of the headers
      // A fifth connection beyond the cap is closed by the server at once.
      const extra = await open();

      await closed(extra);

      // The stalled ones are closed once their headers are overdue; then requests are served again.
      await Promise.all(slow.map(closed));

      expect((await post(small, 'app.info', '{}')).status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('model.analyze of a large model', () => {
  const chain = (n: number): Record<string, unknown> => {
    const layers: Layer[] = [{ name: 'in', type: 'Input', inputs: [], shape: [8] } as Layer];
    for (let i = 1; i < n; i++) {
      layers.push({ name: `d${i}`, type: 'Dense', inputs: [layers[i - 1].name], units: 8, useBias: true, activation: 'linear', flattenInput: false } as Layer);
    }
    return graphToNative({ name: 'chain', outputs: [`d${n - 1}`], layers }) as unknown as Record<string, unknown>;
  };

  const params = (graph: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ graph, precision: 'fp32', channels: {}, prune: {}, memoryModel: 'layer-io', device: null, headroom: 0, biasMode: 'weight', accuracy: null, ...extra });

  it('runs in the worker, off the event loop, with the report the analysis gives on this thread', async () => {
    const graph = chain(5_000);
    const before = parser.analyses;
    const r = await post(host, 'model.analyze', params(graph, { precision: 'int8', memoryModel: 'arena', prune: { '*': 0.5 }, device: 'exam-mcu' }));
    expect(r.status).toBe(200);
    expect(parser.analyses).toBe(before + 1);
    const here = analyze(nativeToGraph(graph, 'model'), { precision: 'int8', memoryModel: 'arena', prune: { '*': 0.5 } });
    const report = (JSON.parse(r.body) as { result: { params: number; peakActivationBytes: number } }).result;
    expect(report.params).toBe(here.params);
    expect(report.peakActivationBytes).toBe(here.peakActivationBytes);
    // A small model is analysed here: no round trip.
    expect((await post(host, 'model.analyze', params(chain(10)))).status).toBe(200);
    expect(parser.analyses).toBe(before + 1);
  });

  it('its refusals keep their kind (a 4xx naming the problem, never a 500)', async () => {
    const graph = chain(5_000);
    const request = { channels: { nope: 3 } };
    const expected = (() => {
      try {
        analyze(nativeToGraph(graph, 'model'), request);
      } catch (error) {
        return errorPayload(error);
      }
      throw new Error('expected a refusal');
    })();
    const r = await post(host, 'model.analyze', params(graph, request));
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(JSON.parse(r.body)).toEqual({ ok: false, error: expected });
  });
});
