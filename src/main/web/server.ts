// The web host: the same services the Electron app uses, over HTTP on 127.0.0.1 only, for a browser. It serves the
// built renderer, `POST /api/<method>` for every method of the contract, and `GET /api/events` (server-sent events).
// Every request, the page and its assets included, must pass the Host, Origin and token checks first.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { EVENT_NAMES, isMethod, type ApiErrorPayload, type Method } from '../../shared/api';
import { BINARY_MIME, encodeBinary, holdsTypedArrays } from '../../shared/binary';
import { errorPayload } from '../services/errorPayload';
import type { Services } from '../services/handlers';
import { ParseWorkers } from './parseWorkers';
import { bodyLimitOf, parseRequestBody, type ParsedBody } from './requestBody';
import { checkRequest, generateToken, SECURITY_HEADERS, tokenCookie } from './security';
import { resolveStatic, sendFile } from './static';

export interface WebHostOptions {
  services: Services;
  /** The built renderer: `index.html` and its assets. */
  rendererDir: string;
  /** 0 (the default) picks any free port. */
  port?: number;
  /** Only 127.0.0.1 is accepted; the host never listens on another interface. */
  host?: '127.0.0.1';
  /** Largest accepted request body, in bytes, whatever the method (default 256 MiB; each method has its own limit). */
  maxBodyBytes?: number;
  /** Interval of the event stream's keep-alive comment, in ms (default 15 s). */
  heartbeatMs?: number;
  /** Parses large bodies off the event loop; one is created (and closed with the host) when not given. */
  parser?: ParseWorkers;
  /** A connection that has not sent its headers within this many ms is closed (default 10 s). */
  headersTimeoutMs?: number;
  /** A request whose body has not arrived within this many ms is answered 408 and closed (default 120 s). */
  requestTimeoutMs?: number;
  /** Connections open at once; more are refused until some close (default 512). */
  maxConnections?: number;
}

export interface WebHost {
  /** `http://127.0.0.1:<port>/?token=<token>`: what to open in a browser. */
  url: string;
  port: number;
  token: string;
  /** Stops listening and ends every open connection (event streams included). Does not close the services. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;
/** Bodies up to this size are parsed inline (well under a millisecond per KiB); larger ones in the parse worker. */
const INLINE_PARSE_BYTES = 256 * 1024;
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 120_000;
const MAX_CONNECTIONS = 512;
const HEARTBEAT_MS = 15_000;
/** An event stream whose client stopped reading is ended once this much is queued (the EventSource reconnects). */
const MAX_QUEUED_EVENT_BYTES = 16 * 1024 * 1024;

const NOT_BUILT = 'The Frontier UI has not been built: run `npm run build`, then reload this page.\n';

/** The HTTP status of a failed call, by the kind of its error. */
export function statusOf(kind: ApiErrorPayload['kind']): number {
  switch (kind) {
    case 'invalid':
    case 'usage':
    case 'model':
      return 400;
    case 'store':
      return 409;
    default:
      return 500;
  }
}

function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  const body = Buffer.from(text.endsWith('\n') ? text : `${text}\n`, 'utf8');
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

/** A result holding typed arrays (result columns), as one binary body (src/shared/binary.ts). */
function sendBinary(res: ServerResponse, body: Uint8Array): void {
  res.writeHead(200, { 'Content-Type': BINARY_MIME, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
  res.end(body);
}

const sendError = (res: ServerResponse, status: number, error: ApiErrorPayload, extra: Record<string, string> = {}): void =>
  sendJson(res, status, { ok: false, error }, extra);

/** How long a refused upload is still read (and dropped) after its 413, before the connection closes. */
const LINGER_MS = 5_000;

/**
 * 413, then close. The answer goes out at once, but the connection stays open while the client still sends (what
 * arrives is dropped) until its body ends or LINGER_MS pass: closing a socket with unread data resets it, and the
 * client would see EPIPE mid-upload instead of the answer.
 */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, message: string): void {
  const body = Buffer.from(JSON.stringify({ ok: false, error: { message, kind: 'invalid' } }), 'utf8');
  res.writeHead(413, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  res.write(body);
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    res.end();
  };
  const timer = setTimeout(finish, LINGER_MS);
  timer.unref();
  req.on('end', finish);
  req.on('error', finish);
  req.on('close', finish);
  req.resume();
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The request body, up to `limit` bytes; beyond it a 413 (checked against Content-Length first when given). The
 * body is copied into one buffer as it arrives (sized from Content-Length when there is one), so no single step
 * copies all of it at once.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  const tooLarge = (): BodyError => new BodyError(413, `the request body is larger than ${limit.toLocaleString('en-US')} bytes, the limit for this method`);
  const declaredSize = declared === undefined ? undefined : Number(declared);
  if (declaredSize !== undefined && declaredSize > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    let buffer = Buffer.allocUnsafeSlow(Math.min(Number.isSafeInteger(declaredSize) ? (declaredSize as number) : 64 * 1024, limit) || 1);
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      if (size + chunk.length > limit) {
        failed = true;
        reject(tooLarge());
        return;
      }
      if (size + chunk.length > buffer.length) {
        const grown = Buffer.allocUnsafeSlow(Math.min(Math.max(buffer.length * 2, size + chunk.length), limit));
        buffer.copy(grown, 0, 0, size);
        buffer = grown;
      }
      chunk.copy(buffer, size);
      size += chunk.length;
    });
    req.on('end', () => {
      if (!failed) resolve(size === buffer.length ? buffer : buffer.subarray(0, size));
    });
    req.on('error', (error) => {
      if (!failed) reject(error);
      failed = true;
    });
  });
}

const isJsonContentType = (value: string | undefined): boolean =>
  value !== undefined && value.split(';')[0].trim().toLowerCase() === 'application/json';

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const { services } = options;
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') {
    throw new Error(`the web host only listens on 127.0.0.1, not ${String(host)}`);
  }
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new Error(`port ${requestedPort}: must be a whole number from 0 to 65535`);
  }
  const rendererDir = path.resolve(options.rendererDir);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const parser = options.parser ?? new ParseWorkers();
  const ownParser = options.parser === undefined;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const token = generateToken();
  let port = 0;
  const streams = new Set<ServerResponse>();

  async function callMethod(req: IncomingMessage, res: ServerResponse, method: Method): Promise<void> {
    if (!isJsonContentType(req.headers['content-type'])) {
      // Also what keeps a cross-site form or a "simple" fetch out: it cannot send application/json unasked.
      sendError(res, 415, { message: 'the request body must be JSON (Content-Type: application/json)', kind: 'invalid' }, { Connection: 'close' });
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, bodyLimitOf(method, maxBody));
    } catch (error) {
      if (error instanceof BodyError && error.status === 413) {
        refuseTooLarge(req, res, error.message);
      } else if (error instanceof BodyError) {
        sendError(res, error.status, { message: error.message, kind: 'invalid' }, { Connection: 'close' });
      } else {
        res.destroy();
      }
      return;
    }
    const parsed: ParsedBody = body.length <= INLINE_PARSE_BYTES ? parseRequestBody(method, body) : await parser.parseBody(method, body);
    if (!parsed.ok) {
      sendError(res, parsed.problem.status, { message: parsed.problem.message, kind: 'invalid' });
      return;
    }
    const params = parsed.params;
    let result: unknown;
    try {
      const handler = services.handlers[method] as (params: unknown) => Promise<unknown>;
      result = await handler(params);
    } catch (error) {
      const payload = errorPayload(error);
      sendError(res, statusOf(payload.kind), payload);
      return;
    }
    if (res.destroyed) return;
    const envelope = { ok: true, result: result === undefined ? null : result };
    if (holdsTypedArrays(result)) sendBinary(res, encodeBinary(envelope));
    else sendJson(res, 200, envelope);
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    streams.add(res);
    const write = (text: string): void => {
      if (res.destroyed || res.writableEnded) return;
      if (res.writableLength > MAX_QUEUED_EVENT_BYTES) {
        res.end();
        return;
      }
      res.write(text);
    };
    const unsubscribe = EVENT_NAMES.map((name) =>
      services.events.on(name, (payload) => write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)),
    );
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    let closed = false;
    const cleanup = (): void => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      for (const off of unsubscribe) off();
      streams.delete(res);
    };
    // The response closes when the client goes away (or the host closes): that is the one signal to rely on.
    res.on('close', cleanup);
    write('retry: 2000\n: connected\n\n');
  }

  async function servePage(req: IncomingMessage, res: ServerResponse, tokenInQuery: boolean): Promise<void> {
    const index = path.join(rendererDir, 'index.html');
    if (!existsSync(index)) {
      sendText(res, 503, NOT_BUILT);
      return;
    }
    if (tokenInQuery) res.setHeader('Set-Cookie', tokenCookie(token));
    res.setHeader('Cache-Control', 'no-store');
    await sendFile(req, res, index);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    applySecurityHeaders(res);
    const raw = req.url ?? '';
    if (!raw.startsWith('/')) {
      sendText(res, 400, 'bad request');
      return;
    }
    const q = raw.indexOf('?');
    const rawPath = q >= 0 ? raw.slice(0, q) : raw;
    const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
    const isApi = rawPath === '/api' || rawPath.startsWith('/api/');

    const verdict = checkRequest(req, query, port, token);
    if (!verdict.ok) {
      const extra: Record<string, string> = verdict.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
      if (isApi) sendError(res, verdict.status, { message: verdict.message, kind: 'usage' }, extra);
      else sendText(res, verdict.status, verdict.message, extra);
      return;
    }

    const method = req.method ?? 'GET';
    if (isApi) {
      const name = rawPath.slice('/api/'.length);
      if (name === 'events') {
        if (method !== 'GET') {
          sendError(res, 405, { message: 'GET /api/events only', kind: 'usage' }, { Allow: 'GET' });
          return;
        }
        openEventStream(req, res);
        return;
      }
      if (method !== 'POST') {
        sendError(res, 405, { message: `${method} is not allowed here: call methods with POST`, kind: 'usage' }, { Allow: 'POST' });
        return;
      }
      let decoded: string;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        decoded = name;
      }
      if (!isMethod(decoded)) {
        sendError(res, 404, { message: `no method named "${decoded.slice(0, 100)}"`, kind: 'usage' });
        return;
      }
      await callMethod(req, res, decoded);
      return;
    }

    if (method !== 'GET' && method !== 'HEAD') {
      sendText(res, 405, `${method} is not allowed here`, { Allow: 'GET, HEAD' });
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    if (rawPath === '/' || rawPath === '/index.html') {
      await servePage(req, res, verdict.tokenInQuery);
      return;
    }
    const found = await resolveStatic(rendererDir, rawPath);
    if (!found.ok) {
      sendText(res, found.status, found.status === 404 ? 'not found' : found.status === 403 ? 'forbidden' : 'bad request');
      return;
    }
    await sendFile(req, res, found.file);
  }

  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      // How often those two are enforced (Node's default, 30 s, would keep a stalled connection that long).
      connectionsCheckingInterval: Math.min(1000, options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS),
    },
    (req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, 500, { message: (error as Error)?.message ?? String(error), kind: 'internal' });
    });
    },
  );
  server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    // Closed once the answer is out, whether or not the client ever reads it or closes its side.
    (socket as Socket).destroySoon();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ port: requestedPort, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const res of streams) res.end();
        streams.clear();
        if (ownParser) parser.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Event streams and anything still in flight: the process is stopping, so do not wait for them.
        setImmediate(() => server.closeAllConnections());
      });
      return closing;
    },
  };
}
