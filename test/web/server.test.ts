// The web host over real HTTP on 127.0.0.1: the Host/Origin/token checks on every request, static files without
// traversal, the JSON API with its error statuses, and server-sent events. Uses a fake Services except in the last
// block, which runs the real one.
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_NAMES, METHODS, type EventName, type Events, type Method } from '../../src/shared/api';
import { createServices, type Services } from '../../src/main/services/handlers';
import { runSweep } from '../../src/main/services/sweeps';
import { openDatabase, SessionStore } from '../../src/main/store';
import type { ResultColumnsView } from '../../src/shared/api';
import { BINARY_MIME, decodeBinary } from '../../src/shared/binary';
import { defaultSpec } from '../../src/shared/sweep/specFile';
import { UsageError } from '../../src/shared/cli/valueList';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../src/main/web/server';
import { tokensEqual } from '../../src/main/web/security';

interface FakeServices extends Services {
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  listenerCount(): number;
  calls: { method: Method; params: unknown }[];
}

function fakeServices(): FakeServices {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const calls: FakeServices['calls'] = [];
  const handlers = Object.fromEntries(
    METHODS.map((method) => [
      method,
      async (params: unknown) => {
        calls.push({ method, params });
        throw new Error(`${method} is not implemented by the fake`);
      },
    ]),
  ) as unknown as Services['handlers'];
  handlers['app.info'] = async (params) => {
    calls.push({ method: 'app.info', params });
    return { version: '9.9.9', schemaVersion: 1, database: ':memory:', cores: 1 };
  };
  handlers['presets.list'] = async () => [{ id: 'tiny', name: 'Tiny', description: 'a test preset', source: 'test' }];
  handlers['sessions.get'] = async ({ name }) => {
    throw new UsageError(`no session named "${name}"`);
  };
  return {
    handlers,
    dbPath: ':memory:',
    calls,
    close() {},
    events: {
      on(event, listener) {
        const set = listeners.get(event) ?? new Set();
        set.add(listener as (payload: never) => void);
        listeners.set(event, set);
        return () => set.delete(listener as (payload: never) => void);
      },
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) (listener as (p: typeof payload) => void)(payload);
    },
    listenerCount() {
      let n = 0;
      for (const set of listeners.values()) n += set.size;
      return n;
    },
  };
}

/** A renderer directory with index.html and assets/app.js, next to a secret file it must never serve. */
function tempRenderer(): { root: string; rendererDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'frontier-web-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Frontier</title><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("frontier");');
  writeFileSync(join(rendererDir, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(root, 'secret.txt'), 'TOP SECRET');
  writeFileSync(join(root, 'package.json'), '{"name":"SECRET-PACKAGE"}');
  return { root, rendererDir };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function callApi(port: number, token: string, method: string, params: unknown): Promise<Reply> {
  return send(port, {
    method: 'POST',
    path: `/api/${method}`,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
}

/** Sends raw bytes over one connection: the head, then body chunks one after another; what comes back, and how. */
function rawExchange(port: number, head: string, chunks: Buffer[] = []): Promise<{ reply: string; error: string | null }> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let error: string | null = null;
    const socket = connect({ host: '127.0.0.1', port }, async () => {
      const write = (data: string | Buffer): Promise<void> =>
        new Promise((done) => socket.write(data, (e) => {
          if (e && !error) error = (e as NodeJS.ErrnoException).code ?? e.message;
          done();
        }));
      await write(head);
      for (const chunk of chunks) {
        if (error || socket.destroyed) break;
        await write(chunk);
      }
    });
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (!error) error = e.code ?? e.message;
    });
    socket.on('close', () => resolve({ reply: Buffer.concat(received).toString('utf8'), error }));
  });
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

describe('web host (fake services)', () => {
  let services: FakeServices;
  let dirs: { root: string; rendererDir: string };
  let host: WebHost;

  beforeAll(async () => {
    services = fakeServices();
    dirs = tempRenderer();
    host = await startWebHost({ services, rendererDir: dirs.rendererDir, port: 0 });
  });
  afterAll(async () => {
    await host.close();
    rmSync(dirs.root, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only, with a random base64url token in the URL', () => {
    expect(host.port).toBeGreaterThan(0);
    expect(host.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`);
  });

  it('refuses any other host', async () => {
    await expect(
      startWebHost({ services, rendererDir: dirs.rendererDir, host: '0.0.0.0' as '127.0.0.1' }),
    ).rejects.toThrow(/127\.0\.0\.1/);
  });

  it('the server address is 127.0.0.1, and no other interface answers', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: '/', headers: { Host: `127.0.0.1:${host.port}` } }, (res) => {
        resolve(res.socket.remoteAddress ?? '');
        res.resume();
      });
      req.on('error', reject);
      req.end();
    });
    expect(reply).toBe('127.0.0.1');
    // Any other address of this machine (when it has one) must refuse the connection.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    for (const address of others) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: address, port: host.port }, () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(outcome, address).not.toBe('connected');
    }
  });

  it('the page without a token: 401, "token required" and nothing else', async () => {
    const r = await send(host.port, { path: '/' });
    expect(r.status).toBe(401);
    expect(r.body.trim()).toBe('token required');
    expect(r.headers['set-cookie']).toBeUndefined();
  });

  it('the page with the token: 200, the index, and the HttpOnly SameSite=Strict cookie', async () => {
    const r = await send(host.port, { path: `/?token=${host.token}` });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Frontier</title>');
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    const cookie = (r.headers['set-cookie'] as string[])[0];
    expect(cookie).toBe(`frontier_token=${host.token}; HttpOnly; SameSite=Strict; Path=/`);
    const index = await send(host.port, { path: `/index.html?token=${host.token}` });
    expect(index.status).toBe(200);
  });

  it('an asset with only the cookie: 200 with its content type', async () => {
    const r = await send(host.port, { path: '/assets/app.js', headers: { Cookie: `other=1; frontier_token=${host.token}` } });
    expect(r.status).toBe(200);
    expect(r.body).toBe('console.log("frontier");');
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['set-cookie']).toBeUndefined();
    const css = await send(host.port, { path: '/assets/style.css', headers: { 'X-Frontier-Token': host.token } });
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('assets need the token too; a wrong token is 401 wherever it is presented', async () => {
    expect((await send(host.port, { path: '/assets/app.js' })).status).toBe(401);
    const wrong = `${host.token.slice(0, -1)}${host.token.endsWith('A') ? 'B' : 'A'}`;
    expect((await send(host.port, { path: `/?token=${wrong}` })).status).toBe(401);
    expect((await send(host.port, { path: '/?token=' })).status).toBe(401);
    expect((await send(host.port, { path: '/assets/app.js', headers: { Cookie: `frontier_token=${wrong}` } })).status).toBe(401);
    expect((await send(host.port, { path: '/', headers: { Authorization: `Bearer ${wrong}` } })).status).toBe(401);
    expect((await send(host.port, { path: '/', headers: { 'X-Frontier-Token': wrong } })).status).toBe(401);
    const api = await callApi(host.port, wrong, 'app.info', {});
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body)).toEqual({ ok: false, error: { message: 'token required', kind: 'usage' } });
  });

  it('a foreign Host header: 403 even with a valid token (DNS rebinding)', async () => {
    for (const hostHeader of ['evil.example:1234', `evil.example:${host.port}`, '127.0.0.1', `127.0.0.1:${host.port + 1}`, `localhost.evil:${host.port}`]) {
      const r = await send(host.port, { path: `/?token=${host.token}`, headers: { Host: hostHeader } });
      expect(r.status, hostHeader).toBe(403);
      expect(r.body).toContain('foreign host');
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    const api = await send(host.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { Host: 'evil.example:1234', Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(api.status).toBe(403);
    expect(services.calls.filter((c) => c.method === 'app.info')).toHaveLength(0);
    // localhost is the same machine.
    expect((await send(host.port, { path: `/?token=${host.token}`, headers: { Host: `localhost:${host.port}` } })).status).toBe(200);
  });

  it('two Host headers: 400, whichever comes first, before the token is even looked at', async () => {
    for (const second of ['evil.example', `127.0.0.1:${host.port}`]) {
      const { reply } = await rawExchange(
        host.port,
        `GET /?token=${host.token} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nHost: ${second}\r\nConnection: close\r\n\r\n`,
      );
      expect(reply, second).toMatch(/^HTTP\/1\.1 400 /);
      expect(reply).toContain('more than one Host header');
    }
    const { reply } = await rawExchange(
      host.port,
      `GET /?token=${host.token} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('a foreign Origin: 403 even with a valid token; this server as origin is fine', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${host.port + 1}`, `https://127.0.0.1:${host.port}`]) {
      const r = await send(host.port, {
        method: 'POST',
        path: '/api/app.info',
        headers: { Origin: origin, Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(r.status, origin).toBe(403);
    }
    const same = await send(host.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { Origin: `http://localhost:${host.port}`, 'X-Frontier-Token': host.token, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(same.status).toBe(200);
  });

  it('path traversal never reaches a file outside the renderer directory', async () => {
    const paths = [
      '/../package.json',
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/package.json',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%5csecret.txt',
      '/assets/%00app.js',
      '//../secret.txt',
      '/.%2e/secret.txt',
    ];
    for (const path of paths) {
      const r = await send(host.port, { path, headers: { 'X-Frontier-Token': host.token } });
      expect([400, 403, 404], path).toContain(r.status);
      expect(r.body).not.toContain('SECRET');
    }
    expect((await send(host.port, { path: '/assets', headers: { 'X-Frontier-Token': host.token } })).status).toBe(404);
    expect((await send(host.port, { path: '/missing.js', headers: { 'X-Frontier-Token': host.token } })).status).toBe(404);
  });

  it('security headers on every response, the CSP included', async () => {
    const replies = [
      await send(host.port, { path: '/' }),
      await send(host.port, { path: `/?token=${host.token}` }),
      await send(host.port, { path: '/assets/app.js', headers: { 'X-Frontier-Token': host.token } }),
      await callApi(host.port, host.token, 'app.info', {}),
      await send(host.port, { path: '/', headers: { Host: 'evil.example:1' } }),
    ];
    for (const r of replies) {
      expect(r.headers['content-security-policy']).toBe(CSP);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['x-frame-options']).toBe('DENY');
    }
    expect(replies[3].headers['cache-control']).toBe('no-store');
  });

  it('POST /api/app.info with the token: 200 {ok: true, result}', async () => {
    const r = await callApi(host.port, host.token, 'app.info', {});
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(r.body)).toEqual({ ok: true, result: { version: '9.9.9', schemaVersion: 1, database: ':memory:', cores: 1 } });
    const viaQuery = await send(host.port, {
      method: 'POST',
      path: `/api/presets.list?token=${host.token}`,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: '',
    });
    expect(viaQuery.status).toBe(200);
    expect(JSON.parse(viaQuery.body).result[0].id).toBe('tiny');
  });

  it('invalid params: 400 naming the field, and the handler never runs', async () => {
    const before = services.calls.length;
    const r = await callApi(host.port, host.token, 'sessions.get', { name: 5 });
    expect(r.status).toBe(400);
    const body = JSON.parse(r.body);
    expect(body.ok).toBe(false);
    expect(body.error.kind).toBe('invalid');
    expect(body.error.message).toContain('input.name');
    const extra = await callApi(host.port, host.token, 'app.info', { sneaky: true });
    expect(extra.status).toBe(400);
    expect(JSON.parse(extra.body).error.message).toContain('input.sneaky');
    expect(services.calls.length).toBe(before);
  });

  it("a handler's error: its kind decides the status", async () => {
    const usage = await callApi(host.port, host.token, 'sessions.get', { name: 'nope' });
    expect(usage.status).toBe(400);
    expect(JSON.parse(usage.body)).toEqual({ ok: false, error: { message: 'no session named "nope"', kind: 'usage' } });
    const internal = await callApi(host.port, host.token, 'devices.list', {});
    expect(internal.status).toBe(500);
    expect(JSON.parse(internal.body).error.kind).toBe('internal');
  });

  it('unknown method: 404 JSON; other HTTP methods: 405', async () => {
    const unknown = await callApi(host.port, host.token, 'nope.nothing', {});
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).ok).toBe(false);
    const proto = await callApi(host.port, host.token, '__proto__', {});
    expect(proto.status).toBe(404);
    const get = await send(host.port, { path: '/api/app.info', headers: { 'X-Frontier-Token': host.token } });
    expect(get.status).toBe(405);
    expect(JSON.parse(get.body).ok).toBe(false);
    const put = await send(host.port, {
      method: 'PUT',
      path: '/api/app.info',
      headers: { 'X-Frontier-Token': host.token, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(put.status).toBe(405);
    const postPage = await send(host.port, { method: 'POST', path: '/', headers: { 'X-Frontier-Token': host.token } });
    expect(postPage.status).toBe(405);
  });

  it('a body that is not JSON: 400; not declared as JSON: 415', async () => {
    const r = await send(host.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { 'X-Frontier-Token': host.token, 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.kind).toBe('invalid');
    const array = await callApi(host.port, host.token, 'app.info', [1, 2]);
    expect(array.status).toBe(400);
    const form = await send(host.port, {
      method: 'POST',
      path: '/api/app.info',
      headers: { 'X-Frontier-Token': host.token, 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(415);
  });

  it('a body over the limit: 413', async () => {
    const small = await startWebHost({ services, rendererDir: dirs.rendererDir, maxBodyBytes: 1000 });
    try {
      const r = await callApi(small.port, small.token, 'sessions.get', { name: 'x'.repeat(5000) });
      expect(r.status).toBe(413);
      const ok = await callApi(small.port, small.token, 'app.info', {});
      expect(ok.status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('an upload over the limit gets its 413 whole, then the connection closes: the client never sees EPIPE', async () => {
    const small = await startWebHost({ services, rendererDir: dirs.rendererDir, maxBodyBytes: 1000 });
    try {
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const chunks = Array.from({ length: 128 }, () => chunk); // 8 MiB, far beyond what socket buffers hold
      const head = (framing: string): string =>
        `POST /api/sessions.get HTTP/1.1\r\nHost: 127.0.0.1:${small.port}\r\nAuthorization: Bearer ${small.token}\r\n` +
        `Content-Type: application/json\r\n${framing}\r\n\r\n`;
      // Refused from its Content-Length, before any of the body arrives.
      const declared = await rawExchange(small.port, head(`Content-Length: ${chunks.length * chunk.length}`), chunks);
      // Sent in chunks with no length: refused once the limit is passed, mid-upload.
      const framed = [...chunks.map((c) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')])), Buffer.from('0\r\n\r\n')];
      const streamed = await rawExchange(small.port, head('Transfer-Encoding: chunked'), framed);
      for (const { reply, error } of [declared, streamed]) {
        expect(error).toBeNull();
        expect(reply).toMatch(/^HTTP\/1\.1 413 /);
        expect(reply).toMatch(/connection: close/i);
        expect(reply).toContain('"the request body is larger than 1,000 bytes, the limit for this method"');
      }
    } finally {
      await small.close();
    }
  });

  it('server-sent events: every emission reaches the stream; listeners go on disconnect', async () => {
    const baseline = services.listenerCount();
    const received = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: host.port, path: '/api/events', headers: { Host: `127.0.0.1:${host.port}`, Cookie: `frontier_token=${host.token}` } },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
          expect(res.headers['content-security-policy']).toBe(CSP);
          let text = '';
          let emitted = false;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            if (!emitted && text.includes(': connected')) {
              emitted = true;
              expect(services.listenerCount()).toBe(baseline + EVENT_NAMES.length);
              services.emit('sweep.progress', { session: 's1', done: 5, total: 10, rate: 2.5, etaS: 2, elapsedS: 2 });
              services.emit('sweep.finished', { session: 's1', status: 'done' });
            }
            if (text.includes('event: sweep.finished')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', (error) => (error.message.includes('aborted') ? undefined : reject(error)));
      req.end();
    });
    expect(received).toContain(
      `event: sweep.progress\ndata: ${JSON.stringify({ session: 's1', done: 5, total: 10, rate: 2.5, etaS: 2, elapsedS: 2 })}\n\n`,
    );
    expect(received).toContain(`event: sweep.finished\ndata: {"session":"s1","status":"done"}\n\n`);
    for (let i = 0; i < 50 && services.listenerCount() !== baseline; i++) await new Promise((r) => setTimeout(r, 10));
    expect(services.listenerCount()).toBe(baseline);
  });

  it('the event stream needs the token and sends heartbeats', async () => {
    expect((await send(host.port, { path: '/api/events' })).status).toBe(401);
    const quick = await startWebHost({ services, rendererDir: dirs.rendererDir, heartbeatMs: 20 });
    try {
      const text = await new Promise<string>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: quick.port, path: `/api/events?token=${quick.token}`, headers: { Host: `localhost:${quick.port}` } },
          (res) => {
            let seen = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              seen += chunk;
              if (seen.includes(': heartbeat')) {
                req.destroy();
                resolve(seen);
              }
            });
          },
        );
        req.on('error', (error) => (error.message.includes('aborted') ? undefined : reject(error)));
        req.end();
      });
      expect(text).toContain(': heartbeat\n\n');
    } finally {
      await quick.close();
    }
  });

  it('close() ends open event streams and stops listening', async () => {
    const other = await startWebHost({ services, rendererDir: dirs.rendererDir });
    const ended = new Promise<void>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: other.port, path: `/api/events?token=${other.token}`, headers: { Host: `127.0.0.1:${other.port}` } },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
          res.on('close', () => resolve());
          res.once('data', () => void other.close());
        },
      );
      req.on('error', reject);
      req.end();
    });
    await ended;
    await other.close();
    await expect(send(other.port, { path: '/' })).rejects.toThrow();
  });
});

describe('web host: the renderer not built', () => {
  let dirs: { root: string; rendererDir: string };
  let host: WebHost;
  beforeAll(async () => {
    dirs = tempRenderer();
    unlinkSync(join(dirs.rendererDir, 'index.html'));
    host = await startWebHost({ services: fakeServices(), rendererDir: dirs.rendererDir });
  });
  afterAll(async () => {
    await host.close();
    rmSync(dirs.root, { recursive: true, force: true });
  });

  it('GET / answers 503 telling to run npm run build (after the token check)', async () => {
    expect((await send(host.port, { path: '/' })).status).toBe(401);
    const r = await send(host.port, { path: `/?token=${host.token}` });
    expect(r.status).toBe(503);
    expect(r.body).toContain('npm run build');
    expect((await callApi(host.port, host.token, 'app.info', {})).status).toBe(200);
  });
});

describe('tokensEqual', () => {
  it('is exact', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
  });
});

describe('web host (real services)', () => {
  let root: string;
  let services: Services;
  let host: WebHost;
  beforeAll(async () => {
    const dirs = tempRenderer();
    root = dirs.root;
    services = createServices({ dbPath: join(root, 'frontier.db') });
    host = await startWebHost({ services, rendererDir: dirs.rendererDir });
  });
  afterAll(async () => {
    await host?.close();
    services?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('app.info, presets.list and a missing session through HTTP', async () => {
    const info = await callApi(host.port, host.token, 'app.info', {});
    expect(info.status).toBe(200);
    const body = JSON.parse(info.body);
    expect(body.ok).toBe(true);
    expect(body.result.database).toBe(join(root, 'frontier.db'));
    const presets = await callApi(host.port, host.token, 'presets.list', {});
    expect(presets.status).toBe(200);
    expect(JSON.parse(presets.body).result.length).toBeGreaterThan(0);
    const missing = await callApi(host.port, host.token, 'sessions.get', { name: 'no-such-session' });
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.status).toBeLessThan(500);
    const error = JSON.parse(missing.body);
    expect(error.ok).toBe(false);
    expect(error.error.message).toContain('no-such-session');
  });

  it("a session's columns come as one binary body of typed arrays; the JSON table says the same", async () => {
    const other = openDatabase(join(root, 'frontier.db'));
    try {
      await runSweep(new SessionStore(other), { ...defaultSpec('exam-cnn'), devices: ['exam-mcu'], channels: { conv1: ['8', '16'] } }, { name: 'cols', workers: 1 });
    } finally {
      other.close();
    }
    const response = await fetch(`http://127.0.0.1:${host.port}/api/sessions.columns`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'cols' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(BINARY_MIME);
    const body = decodeBinary(await response.arrayBuffer()) as { ok: boolean; result: ResultColumnsView };
    expect(body.ok).toBe(true);
    expect(body.result.idx).toBeInstanceOf(Uint32Array);
    expect(body.result.count).toBe(2);
    const json = JSON.parse((await callApi(host.port, host.token, 'sessions.results', { name: 'cols' })).body).result;
    expect(json.idx).toEqual(Array.from(body.result.idx));
    expect(json.totalBytes).toEqual(Array.from(body.result.totalBytes));
    expect(json.channels).toEqual(body.result.channels.map((c) => Array.from(c)));
  });
});
