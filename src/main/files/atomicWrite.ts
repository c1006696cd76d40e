// Writing a file so that readers see the old content or the new, never a part: a temporary file in the same
// directory (same file system, so the rename is atomic), flushed to disk, then renamed over the target.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, fsyncSync, linkSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type FileData = string | Buffer | Iterable<string | Buffer>;

function writeAll(fd: number, chunk: string | Buffer): void {
  const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  let done = 0;
  while (done < buffer.length) done += writeSync(fd, buffer, done, buffer.length - done);
}

/** A fresh name beside `path`: `.<name>.<pid>.<random>.tmp` (hidden, unique per process and call). */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes `data` (a string, a buffer, or chunks of either, written one by one so a large export never needs to be
 * one string) to `path` atomically: into a new temporary file beside it, fsync, rename over the target, then fsync
 * the directory where the platform allows it. An existing target keeps its permissions. On any failure the
 * temporary file is removed, the target is left as it was, and the error says which file could not be written.
 */
export function writeFileAtomic(path: string, data: FileData, options: { replace?: boolean } = {}): void {
  const replace = options.replace ?? true;
  const temp = temporaryPathFor(path);
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(temp, 'wx', 0o666);
    created = true;
    try {
      fchmodSync(fd, statSync(path).mode & 0o7777);
    } catch {
      // No target yet (or its mode cannot be read): keep the default permissions.
    }
    if (typeof data === 'string' || Buffer.isBuffer(data)) writeAll(fd, data);
    else for (const chunk of data) writeAll(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (replace) renameSync(temp, path);
    else publishNew(temp, path);
    created = false;
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the first error is the one to report
      }
    }
    if (created) {
      try {
        unlinkSync(temp);
      } catch {
        // nothing more to do
      }
    }
    // File-system errors say which file; anything else (the data's own producer failing) passes through as it is.
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('E')) throw error;
    const reason =
      code === 'ENOENT' && !created
        ? `its directory ${dirname(path)} does not exist`
        : code === 'EEXIST'
          ? 'the file exists (it appeared while the export was written); nothing was replaced'
          : (error as Error).message;
    throw new Error(`cannot write ${path}: ${reason}`, { cause: error });
  }
  syncDirectory(dirname(path));
}

/**
 * Moves the finished temporary file to `path` only if nothing is there: a hard link fails with EEXIST rather than
 * replace a file that appeared meanwhile. File systems without hard links fall back to a checked rename.
 */
function publishNew(temp: string, path: string): void {
  try {
    linkSync(temp, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || !['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(code ?? '')) throw error;
    if (existsSync(path)) throw Object.assign(new Error(`${path} exists`), { code: 'EEXIST' });
    renameSync(temp, path);
    return;
  }
  unlinkSync(temp);
}

/** Makes the rename itself durable (POSIX); directories cannot be opened for this on Windows, which is fine. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
