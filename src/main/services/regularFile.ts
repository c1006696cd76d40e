// Reading a file a user names, safely: only a regular file, never more than a limit. A device (/dev/zero), a FIFO
// or a socket would block or never end; a directory is not a file; a huge file would exhaust memory. The file is
// opened without blocking and checked through its descriptor, so what is checked is what is read.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export const MIB = 1024 * 1024;

export class FileReadError extends Error {
  constructor(
    readonly path: string,
    /** Why, in words, without the path: "no such file", "it is a directory, not a file"… */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'FileReadError';
  }
}

const mib = (bytes: number): string => `${bytes / MIB} MiB`;

function kindOf(stat: ReturnType<typeof fstatSync>): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isFIFO()) return 'a pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function reasonOf(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENXIO':
      return 'it is a socket or a device without a reader, not a file';
    default:
      return error.message;
  }
}

/** The whole content of a regular file of at most `maxBytes`; anything else is refused at once. */
export function readRegularFile(path: string, maxBytes: number): Buffer {
  return withRegularFile(path, maxBytes, (fd, size) => {
    // Read to the end, not to the size stat gave: a file that grows meanwhile is still cut at the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(size - total, 64 * 1024), maxBytes + 1 - total) || 1);
      const got = readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      total += got;
      if (total > maxBytes) throw new FileReadError(path, `it is more than the limit of ${mib(maxBytes)}`);
      chunks.push(got === chunk.length ? chunk : chunk.subarray(0, got));
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  });
}

/** The first `count` bytes (or fewer) of a regular file of at most `maxBytes`, checked as readRegularFile checks. */
export function readRegularFileHead(path: string, maxBytes: number, count: number): Buffer {
  return withRegularFile(path, maxBytes, (fd) => {
    const head = Buffer.alloc(count);
    return head.subarray(0, readSync(fd, head, 0, count, 0));
  });
}

function withRegularFile<T>(path: string, maxBytes: number, read: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer. It changes nothing for a regular file.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw new FileReadError(path, reasonOf(error as NodeJS.ErrnoException));
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileReadError(path, `it is ${kindOf(stat)}, not a regular file`);
    if (stat.size > maxBytes) {
      throw new FileReadError(path, `it is ${stat.size.toLocaleString('en-US')} bytes, more than the limit of ${mib(maxBytes)}`);
    }
    return read(fd, stat.size);
  } catch (error) {
    if (error instanceof FileReadError) throw error;
    throw new FileReadError(path, reasonOf(error as NodeJS.ErrnoException));
  } finally {
    closeSync(fd);
  }
}

/** Spec, device and calibration files: a few KiB in practice. */
export const MAX_SETTINGS_FILE_BYTES = 16 * MIB;
