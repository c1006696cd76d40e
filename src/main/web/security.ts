// The web host's gatekeeping: a per-run secret token, and the Host / Origin checks that stop other sites (DNS
// rebinding, cross-site requests) from reaching the services through the user's browser. Every request passes
// `checkRequest` before it is routed.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'frontier_token';
export const TOKEN_HEADER = 'x-frontier-token';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/** Sent with every response, whatever it is. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** 32 random bytes, base64url: safe in a URL, a header and a cookie as is. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time comparison; hashing first makes both sides the same length, so the length does not leak either. */
export function tokensEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The Host header must name this server exactly, as 127.0.0.1 or localhost with its port. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** No Origin (same-origin navigation, curl) is fine; one that is present must be this server. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

/** Every value of one cookie in a Cookie header (a browser may send the same name more than once). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    values.push(part.slice(eq + 1).trim());
  }
  return values;
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The tokens a request presents, and where: `?token=`, `Authorization: Bearer`, `X-Frontier-Token`, the cookie. */
export function presentedTokens(req: IncomingMessage, query: URLSearchParams): { query: string[]; other: string[] } {
  const other: string[] = [];
  const auth = single(req.headers.authorization);
  const bearer = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  if (bearer) other.push(bearer[1]);
  const header = single(req.headers[TOKEN_HEADER]);
  if (header) other.push(header.trim());
  other.push(...cookieValues(req.headers.cookie, TOKEN_COOKIE));
  return { query: query.getAll('token'), other };
}

export type Verdict =
  | { ok: true; tokenInQuery: boolean }
  | { ok: false; status: 400 | 403 | 401; message: string };

/** How many times a header is given: Node keeps only the first Host, so a second one would go unseen. */
function headerCount(req: IncomingMessage, name: string): number {
  let count = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === name) count++;
  return count;
}

/** Host, then Origin, then the token: the first that fails decides the answer. */
export function checkRequest(req: IncomingMessage, query: URLSearchParams, port: number, token: string): Verdict {
  // A request with two Host headers is malformed (RFC 9112 §3.2): which one a proxy or cache honours is anyone's guess.
  if (headerCount(req, 'host') > 1) return { ok: false, status: 400, message: 'more than one Host header' };
  if (headerCount(req, 'origin') > 1) return { ok: false, status: 400, message: 'more than one Origin header' };
  if (!hostAllowed(single(req.headers.host), port)) return { ok: false, status: 403, message: 'foreign host' };
  if (!originAllowed(single(req.headers.origin), port)) return { ok: false, status: 403, message: 'foreign origin' };
  const presented = presentedTokens(req, query);
  // Compare every candidate (no early exit), so the time taken does not depend on which one matched.
  let inQuery = false;
  let inOther = false;
  for (const t of presented.query) inQuery = tokensEqual(t, token) || inQuery;
  for (const t of presented.other) inOther = tokensEqual(t, token) || inOther;
  if (!inQuery && !inOther) return { ok: false, status: 401, message: 'token required' };
  return { ok: true, tokenInQuery: inQuery };
}

/** The cookie that lets the page's own requests (assets, EventSource) through without the token in their URLs. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
