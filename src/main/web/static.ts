// The built renderer's files, served from one directory and never from outside it.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type Resolved = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404 };

const inside = (root: string, target: string): boolean => {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * The file a raw request path names under `root`, or why not. Each segment is decoded on its own, and one that is
 * `.`/`..`, hidden, or hides a separator or NUL is refused before the file system is asked; the resolved path
 * (symbolic links followed) must then still lie inside the root.
 */
export async function resolveStatic(root: string, rawPath: string): Promise<Resolved> {
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400 };
    }
    if (segment === '.' || segment === '..' || /[/\\\0:]/.test(segment)) return { ok: false, status: 403 };
    if (segment.startsWith('.')) return { ok: false, status: 404 };
    segments.push(segment);
  }
  if (segments.length === 0) return { ok: false, status: 404 };
  const base = path.resolve(root);
  const target = path.resolve(base, ...segments);
  if (!inside(base, target)) return { ok: false, status: 403 };
  try {
    const [realBase, realTarget] = await Promise.all([realpath(base), realpath(target)]);
    if (!inside(realBase, realTarget)) return { ok: false, status: 403 };
    if (!(await stat(realTarget)).isFile()) return { ok: false, status: 404 };
    return { ok: true, file: realTarget };
  } catch {
    return { ok: false, status: 404 };
  }
}

/** Streams a file with its Content-Type (headers already set on `res` are kept). */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, status = 200): Promise<void> {
  const info = await stat(file);
  res.statusCode = status;
  res.setHeader('Content-Type', contentType(file));
  res.setHeader('Content-Length', info.size);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}
